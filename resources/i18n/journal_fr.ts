<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr" sourcelanguage="en">
<context>
    <name>core</name>
    <message>
        <source>Cannot reach Ollama at {host}. Is it running? Start it with `ollama serve`, or point the journal elsewhere with --host, OLLAMA_HOST or `journal config set ollama.hosts URL`.</source>
        <translation>Impossible de joindre Ollama à {host}. Est-il lancé ? Démarrez-le avec `ollama serve`, ou indiquez une autre adresse au journal avec --host, OLLAMA_HOST ou `journal config set ollama.hosts URL`.</translation>
    </message>
    <message>
        <source>Cannot reach Ollama at {host} ({detail}). Is it running? Start it with `ollama serve`, or point the journal elsewhere with --host, OLLAMA_HOST or `journal config set ollama.hosts URL`.</source>
        <translation>Impossible de joindre Ollama à {host} ({detail}). Est-il lancé ? Démarrez-le avec `ollama serve`, ou indiquez une autre adresse au journal avec --host, OLLAMA_HOST ou `journal config set ollama.hosts URL`.</translation>
    </message>
    <message>
        <source>Model &apos;{model}&apos; is not available on {host}. Pull it with `ollama pull {model}`.</source>
        <translation>Le modèle « {model} » n’est pas disponible sur {host}. Téléchargez-le avec `ollama pull {model}`.</translation>
    </message>
    <message>
        <source>Ollama at {host} did not answer within {seconds:g} s (connect timeout). The model may still be loading; try again, or raise the timeout.</source>
        <translation>Ollama à {host} n’a pas répondu en {seconds:g} s (délai de connexion). Le modèle est peut-être encore en chargement ; réessayez, ou augmentez le délai.</translation>
    </message>
    <message>
        <source>Ollama at {host} did not answer within {seconds:g} s (read timeout). The model may still be loading; try again, or raise the timeout.</source>
        <translation>Ollama à {host} n’a pas répondu en {seconds:g} s (délai de lecture). Le modèle est peut-être encore en chargement ; réessayez, ou augmentez le délai.</translation>
    </message>
    <message>
        <source>Ollama at {host} did not answer within {seconds:g} s (write timeout). The model may still be loading; try again, or raise the timeout.</source>
        <translation>Ollama à {host} n’a pas répondu en {seconds:g} s (délai d’envoi). Le modèle est peut-être encore en chargement ; réessayez, ou augmentez le délai.</translation>
    </message>
    <message>
        <source>Ollama reported an error (mid-stream): {detail}</source>
        <translation>Ollama a signalé une erreur (en cours de flux) : {detail}</translation>
    </message>
    <message>
        <source>Ollama reported an error (HTTP {status}): {detail}</source>
        <translation>Ollama a signalé une erreur (HTTP {status}) : {detail}</translation>
    </message>
    <message>
        <source>The stream from Ollama at {host} ended before Ollama said it was done: the answer may be incomplete. What arrived is kept.</source>
        <translation>Le flux d’Ollama à {host} s’est arrêté avant qu’Ollama n’annonce la fin : la réponse est peut-être incomplète. Ce qui est arrivé est conservé.</translation>
    </message>
    <message>
        <source>The stream from Ollama at {host} ended before Ollama said it was done: the pull may be incomplete. What arrived is kept.</source>
        <translation>Le flux d’Ollama à {host} s’est arrêté avant qu’Ollama n’annonce la fin : le téléchargement est peut-être incomplet. Ce qui est arrivé est conservé.</translation>
    </message>
    <message>
        <source>The Ollama server at {host} could not reach its model registry to pull &apos;{model}&apos; (no internet there?). Without internet, make the model from a GGUF file instead: a Modelfile with the line `FROM ./model.gguf`, then `ollama create {model} -f Modelfile`. Ollama said: {detail}</source>
        <translation>Le serveur Ollama à {host} n’a pas pu joindre son registre de modèles pour télécharger « {model} » (pas d’internet là-bas ?). Sans internet, créez le modèle à partir d’un fichier GGUF : un Modelfile avec la ligne `FROM ./model.gguf`, puis `ollama create {model} -f Modelfile`. Ollama a dit : {detail}</translation>
    </message>
    <message>
        <source>Ollama at {host} closed the connection mid-answer ({detail}). The server may have crashed or restarted.</source>
        <translation>Ollama à {host} a fermé la connexion en pleine réponse ({detail}). Le serveur a peut-être planté ou redémarré.</translation>
    </message>
    <message>
        <source>A line of the answer from {host} could not be read: it is {reason}. The text received until then is kept.</source>
        <translation>Une ligne de la réponse de {host} n’a pas pu être lue : {reason}. Le texte reçu jusque-là est conservé.</translation>
    </message>
    <message>
        <source>Ollama at {host} sent something the journal cannot read ({detail}). The text received until then is kept.</source>
        <translation>Ollama à {host} a envoyé quelque chose que le journal ne sait pas lire ({detail}). Le texte reçu jusque-là est conservé.</translation>
    </message>
    <message>
        <source>Ollama at {host} answered with something that is not JSON ({detail}).</source>
        <translation>Ollama à {host} a répondu avec autre chose que du JSON ({detail}).</translation>
    </message>
    <message>
        <source>&apos;{host}&apos; is not a usable Ollama address: {detail}.</source>
        <translation>« {host} » n’est pas une adresse Ollama utilisable : {detail}.</translation>
    </message>
    <message>
        <source>Ollama at {host} answered {vectors} embeddings for {texts} texts: the model may not make embeddings.</source>
        <translation>Ollama à {host} a renvoyé {vectors} embeddings pour {texts} textes : le modèle ne produit peut-être pas d’embeddings.</translation>
    </message>
    <message>
        <source>{name!r} cannot be a variable: it names the row&apos;s expectations column.</source>
        <translation>{name!r} ne peut pas être une variable : c’est le nom de la colonne des attentes de la ligne.</translation>
    </message>
    <message>
        <source>{name!r} cannot be a variable name: a name starts with a letter or _ and holds only letters, digits and _.</source>
        <translation>{name!r} ne peut pas être un nom de variable : un nom commence par une lettre ou _ et ne contient que des lettres, des chiffres et _.</translation>
    </message>
    <message>
        <source>Expectation {line!r}: a row&apos;s json-schema is written out, not read from a file.</source>
        <translation>Attente {line!r} : le json-schema d’une ligne s’écrit en entier, il n’est pas lu dans un fichier.</translation>
    </message>
    <message>
        <source>A row gives at least one variable&apos;s value, as NAME=VALUE.</source>
        <translation>Une ligne donne la valeur d’au moins une variable, sous la forme NOM=VALEUR.</translation>
    </message>
    <message>
        <source>The value of {name} must be text.</source>
        <translation>La valeur de {name} doit être du texte.</translation>
    </message>
    <message>
        <source>There is nothing to paste: copy some cells first.</source>
        <translation>Il n’y a rien à coller : copiez d’abord des cellules.</translation>
    </message>
    <message>
        <source>Only a header line was pasted: copy the rows under it.</source>
        <translation>Seule une ligne d’en-tête a été collée : copiez aussi les lignes en dessous.</translation>
    </message>
    <message>
        <source>Paste a header line first (the variable names), or add a row.</source>
        <translation>Collez d’abord une ligne d’en-tête (les noms des variables), ou ajoutez une ligne.</translation>
    </message>
    <message>
        <source>Line {line} of the pasted text: {reason}.</source>
        <translation>Ligne {line} du texte collé : {reason}.</translation>
    </message>
    <message>
        <source>Expectation {line!r}: {reason}</source>
        <translation>Attente {line!r} : {reason}</translation>
    </message>
    <message>
        <source>it must be one line.</source>
        <translation>elle doit tenir sur une ligne.</translation>
    </message>
    <message>
        <source>it starts with a kind, like {example}.</source>
        <translation>elle commence par un type, comme {example}.</translation>
    </message>
    <message>
        <source>{kind} compares a number: {example}.</source>
        <translation>{kind} compare un nombre : {example}.</translation>
    </message>
    <message>
        <source>the ( after the kind is never closed.</source>
        <translation>la ( après le type n’est jamais fermée.</translation>
    </message>
    <message>
        <source>a : goes after the kind: {example}.</source>
        <translation>un : suit le type : {example}.</translation>
    </message>
    <message>
        <source>is-json takes no value: write is-json alone.</source>
        <translation>is-json ne prend pas de valeur : écrivez is-json seul.</translation>
    </message>
    <message>
        <source>there is no kind {word}: did you mean {close}?</source>
        <translation>il n’y a pas de type {word} : vouliez-vous dire {close} ?</translation>
    </message>
    <message>
        <source>there is no kind {word}: the kinds are {kinds}.</source>
        <translation>il n’y a pas de type {word} : les types sont {kinds}.</translation>
    </message>
    <message>
        <source>the weight is a number, not {weight!r}.</source>
        <translation>le poids est un nombre, pas {weight!r}.</translation>
    </message>
    <message>
        <source>the weight is a number above 0, up to {most:g}.</source>
        <translation>le poids est un nombre au-dessus de 0, jusqu’à {most:g}.</translation>
    </message>
    <message>
        <source>a name is one line.</source>
        <translation>un nom tient sur une ligne.</translation>
    </message>
    <message>
        <source>{kind} is about the run, not {target}: leave the target answer.</source>
        <translation>{kind} porte sur l’exécution, pas sur {target} : laissez la cible answer.</translation>
    </message>
    <message>
        <source>{kind} takes no (...): {example}.</source>
        <translation>{kind} ne prend pas de (...) : {example}.</translation>
    </message>
    <message>
        <source>{kind} needs a value: {example}.</source>
        <translation>{kind} demande une valeur : {example}.</translation>
    </message>
    <message>
        <source>a {kind} is one line: write a newline as \n.</source>
        <translation>un {kind} tient sur une ligne : écrivez un saut de ligne \n.</translation>
    </message>
    <message>
        <source>{kind} compares with {operators} and a number: {example}.</source>
        <translation>{kind} compare avec {operators} et un nombre : {example}.</translation>
    </message>
    <message>
        <source>{kind} counts without a unit: {example}.</source>
        <translation>{kind} compte sans unité : {example}.</translation>
    </message>
    <message>
        <source>{kind} counts whole numbers: {example}.</source>
        <translation>{kind} compte en nombres entiers : {example}.</translation>
    </message>
    <message>
        <source>similar(ARG) is a similarity from 0 to 1, not {arg!r}.</source>
        <translation>similar(ARG) est une similarité de 0 à 1, pas {arg!r}.</translation>
    </message>
    <message>
        <source>similar(ARG) is a similarity above 0, up to 1, not {arg!r}.</source>
        <translation>similar(ARG) est une similarité au-dessus de 0, jusqu’à 1, pas {arg!r}.</translation>
    </message>
</context>
<context>
    <name>settings_dialog</name>
    <message>
        <source>{default}
http://gpu-box:11434 limit=2
(one address per line; the first is used; batches and checks use them all)</source>
        <translation>{default}
http://gpu-box:11434 limit=2
(une adresse par ligne ; la première sert ; lots et vérifications les prennent toutes)</translation>
    </message>
    <message>
        <source>One address per line, e.g. http://gpu-box:11434. Add limit=N to give a host N answers at once (http://gpu-box:11434 limit=2). The window runs on the first; batches and migration checks spread over them all.</source>
        <translation>Une adresse par ligne, p. ex. http://gpu-box:11434. Ajoutez limit=N pour qu’un hôte donne N réponses à la fois (http://gpu-box:11434 limit=2). La fenêtre utilise la première ; les lots et les vérifications de migration se répartissent sur toutes.</translation>
    </message>
    <message>
        <source>--host, then OLLAMA_HOST, then this list, then {default}</source>
        <translation>--host, puis OLLAMA_HOST, puis cette liste, puis {default}</translation>
    </message>
    <message>
        <source>OLLAMA_HOST is set ({host}): it overrides the first host here until it is unset. The order: {order}.</source>
        <translation>OLLAMA_HOST est défini ({host}) : il remplace le premier hôte d’ici tant qu’il n’est pas retiré. L’ordre : {order}.</translation>
    </message>
    <message>
        <source>The first host is used. The order: {order}.</source>
        <translation>Le premier hôte est utilisé. L’ordre : {order}.</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Paramètres</translation>
    </message>
    <message>
        <source>&amp;Hosts:</source>
        <translation>&amp;Hôtes :</translation>
    </message>
    <message>
        <source>&amp;Test connection</source>
        <translation>&amp;Tester la connexion</translation>
    </message>
    <message>
        <source>Ask the address on the cursor&apos;s line (or the first one)</source>
        <translation>Interroger l’adresse de la ligne du curseur (ou la première)</translation>
    </message>
    <message>
        <source>Ollama</source>
        <translation>Ollama</translation>
    </message>
    <message>
        <source>Allow unknown options</source>
        <translation>Accepter les options inconnues</translation>
    </message>
    <message>
        <source>Save option names Ollama does not know. Ollama ignores them silently, so a typo would be recorded as if it had been used.</source>
        <translation>Enregistrer des noms d’options qu’Ollama ne connaît pas. Ollama les ignore sans rien dire : une faute de frappe serait notée comme si elle avait servi.</translation>
    </message>
    <message>
        <source>Default options for new experiments and journal run</source>
        <translation>Options par défaut des nouvelles expériences et de journal run</translation>
    </message>
    <message>
        <source>One &lt;b&gt;KEY=VALUE&lt;/b&gt; per line, as with &lt;code&gt;journal run -o&lt;/code&gt;; # starts a comment.</source>
        <translation>Une &lt;b&gt;CLÉ=VALEUR&lt;/b&gt; par ligne, comme avec &lt;code&gt;journal run -o&lt;/code&gt; ; # commence un commentaire.</translation>
    </message>
    <message>
        <source>None (judge: expectations need a look)</source>
        <translation>Aucun (attentes judge: à revoir)</translation>
    </message>
    <message>
        <source>Judge model</source>
        <translation>Modèle juge</translation>
    </message>
    <message>
        <source>The model that grades judge: expectations</source>
        <translation>Le modèle qui évalue les attentes judge:</translation>
    </message>
    <message>
        <source>None (similar: expectations need a look)</source>
        <translation>Aucun (attentes similar: à revoir)</translation>
    </message>
    <message>
        <source>Embedding model</source>
        <translation>Modèle d’embeddings</translation>
    </message>
    <message>
        <source>The model whose embeddings grade similar: expectations</source>
        <translation>Le modèle dont les embeddings évaluent les attentes similar:</translation>
    </message>
    <message>
        <source>Grading</source>
        <translation>Évaluation</translation>
    </message>
    <message>
        <source>&amp;Judge model:</source>
        <translation>Modèle &amp;juge :</translation>
    </message>
    <message>
        <source>E&amp;mbedding model:</source>
        <translation>Modèle d’e&amp;mbeddings :</translation>
    </message>
    <message>
        <source>A judge grades an answer against a rubric in plain words; an embedding model compares it with a reference text. The command line uses them too; there &lt;span style=&quot;white-space: nowrap&quot;&gt;--judge&lt;/span&gt; and &lt;span style=&quot;white-space: nowrap&quot;&gt;--embed-model&lt;/span&gt; override them.</source>
        <translation>Un juge évalue une réponse selon une grille écrite en mots simples ; un modèle d’embeddings la compare à un texte de référence. La ligne de commande les utilise aussi ; là, &lt;span style=&quot;white-space: nowrap&quot;&gt;--judge&lt;/span&gt; et &lt;span style=&quot;white-space: nowrap&quot;&gt;--embed-model&lt;/span&gt; les remplacent.</translation>
    </message>
    <message>
        <source>Show in &amp;folder</source>
        <translation>Afficher dans le &amp;dossier</translation>
    </message>
    <message>
        <source>&amp;Open another journal…</source>
        <translation>&amp;Ouvrir un autre journal…</translation>
    </message>
    <message>
        <source>Journal file</source>
        <translation>Fichier du journal</translation>
    </message>
    <message>
        <source>System</source>
        <translation>Système</translation>
    </message>
    <message>
        <source>The language of the window; System follows the computer</source>
        <translation>La langue de la fenêtre ; Système suit l’ordinateur</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Langue :</translation>
    </message>
    <message>
        <source>A new language applies at the next start.</source>
        <translation>Une nouvelle langue s’applique au prochain démarrage.</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Langue</translation>
    </message>
    <message>
        <source>Hosts, options and grading models are saved in {path}, which &lt;code&gt;journal config&lt;/code&gt; reads and writes too.</source>
        <translation>Hôtes, options et modèles d’évaluation sont enregistrés dans {path}, que &lt;code&gt;journal config&lt;/code&gt; lit et écrit aussi.</translation>
    </message>
    <message>
        <source>Open or create a journal</source>
        <translation>Ouvrir ou créer un journal</translation>
    </message>
    <message>
        <source>Journals (*.sqlite);;All files (*)</source>
        <translation>Journaux (*.sqlite);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Connecting to {host}…</source>
        <translation>Connexion à {host}…</translation>
    </message>
    <message>
        <source>Ollama {version} is answering at {host}.</source>
        <translation>Ollama {version} répond à {host}.</translation>
    </message>
</context>
</TS>
