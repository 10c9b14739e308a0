<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr" sourcelanguage="en">
    <context>
        <name>answer_view</name>
        <message>
            <source>Run the prompt to see the answer here</source>
            <translation>Exécutez le prompt pour voir la réponse ici</translation>
        </message>
        <message>
            <source>Show or hide the model's thinking</source>
            <translation>Afficher ou masquer la réflexion du modèle</translation>
        </message>
        <message>
            <source>Raw</source>
            <translation>Brut</translation>
        </message>
        <message>
            <source>Show the exact text instead of rendered Markdown</source>
            <translation>Afficher le texte exact au lieu du Markdown mis en forme</translation>
        </message>
        <message>
            <source>Thinking ({count} chars)</source>
            <translation>Réflexion ({count} caractères)</translation>
        </message>
    </context>
    <context>
        <name>batch_grid_model</name>
        <message>
            <source>passes</source>
            <translation>réussi</translation>
        </message>
        <message>
            <source>fails</source>
            <translation>échoué</translation>
        </message>
        <message>
            <source>needs a look</source>
            <translation>à vérifier</translation>
        </message>
        <message>
            <source>grades still coming</source>
            <translation>évaluations en cours</translation>
        </message>
        <message>
            <source>not run yet</source>
            <translation>pas encore exécuté</translation>
        </message>
        <message>
            <source>Double-click or Enter opens run {number}</source>
            <translation>Double-clic ou Entrée ouvre l'exécution {number}</translation>
        </message>
    </context>
    <context>
        <name>batch_job</name>
        <message>
            <source>Grading item {position} failed: {message}</source>
            <translation>L'évaluation de l'élément {position} a échoué : {message}</translation>
        </message>
    </context>
    <context>
        <name>batch_window</name>
        <message>
            <source>(No runs yet: run the prompt once; Run all then uses it for every row.)</source>
            <translation>(Aucune exécution pour l'instant : exécutez le prompt une fois ; « Tout exécuter » l'utilise ensuite pour chaque ligne.)</translation>
        </message>
        <message numerus="yes">
            <source>%n row(s)</source>
            <translation>
                <numerusform>%n ligne</numerusform>
                <numerusform>%n lignes</numerusform>
            </translation>
        </message>
        <message>
            <source>1 prompt (no input rows)</source>
            <translation>1 prompt (aucune ligne d'entrée)</translation>
        </message>
        <message numerus="yes">
            <source>%n model(s)</source>
            <translation>
                <numerusform>%n modèle</numerusform>
                <numerusform>%n modèles</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n time(s)</source>
            <translation>
                <numerusform>%n fois</numerusform>
                <numerusform>%n fois</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n run(s)</source>
            <translation>
                <numerusform>%n exécution</numerusform>
                <numerusform>%n exécutions</numerusform>
            </translation>
        </message>
        <message>
            <source>No batches yet</source>
            <translation>Aucun lot pour l'instant</translation>
        </message>
        <message>
            <source>Show a past batch of this experiment; resume it if it stopped</source>
            <translation>Afficher un lot passé de cette expérience ; le reprendre s'il s'est arrêté</translation>
        </message>
        <message>
            <source>The prompt every row fills in</source>
            <translation>Le prompt que chaque ligne remplit</translation>
        </message>
        <message>
            <source>Run each row this many times on each model</source>
            <translation>Exécuter chaque ligne ce nombre de fois sur chaque modèle</translation>
        </message>
        <message>
            <source>Ollama hosts to spread the batch over</source>
            <translation>Hôtes Ollama sur lesquels répartir le lot</translation>
        </message>
        <message>
            <source>Tick the Ollama hosts to spread the runs over (from the Settings; limit=N: N answers at once there). An item goes only to a host with its model's weights.</source>
            <translation>Cochez les hôtes Ollama sur lesquels répartir les exécutions (d'après les Paramètres ; limit=N : N réponses à la fois sur cet hôte). Un élément ne va qu'à un hôte qui a les poids de son modèle.</translation>
        </message>
        <message>
            <source>&amp;Batches:</source>
            <translation>&amp;Lots :</translation>
        </message>
        <message>
            <source>Prompt:</source>
            <translation>Prompt :</translation>
        </message>
        <message>
            <source>&amp;Repeat:</source>
            <translation>&amp;Répéter :</translation>
        </message>
        <message>
            <source>H&amp;osts:</source>
            <translation>&amp;Hôtes :</translation>
        </message>
        <message>
            <source>Runs:</source>
            <translation>Exécutions :</translation>
        </message>
        <message>
            <source>Models to run on</source>
            <translation>Modèles sur lesquels exécuter</translation>
        </message>
        <message>
            <source>Tick the models to run every row on (Space ticks)</source>
            <translation>Cochez les modèles sur lesquels exécuter chaque ligne (Espace coche)</translation>
        </message>
        <message>
            <source>&amp;Models:</source>
            <translation>&amp;Modèles :</translation>
        </message>
        <message>
            <source>&amp;Start</source>
            <translation>&amp;Démarrer</translation>
        </message>
        <message>
            <source>Save a new batch and run the prompt for every row on each ticked model</source>
            <translation>Enregistrer un nouveau lot et exécuter le prompt pour chaque ligne sur chaque modèle coché</translation>
        </message>
        <message>
            <source>&amp;Pause</source>
            <translation>&amp;Pause</translation>
        </message>
        <message>
            <source>Let the answers under way finish and start no more</source>
            <translation>Laisser se terminer les réponses en cours et n'en lancer aucune autre</translation>
        </message>
        <message>
            <source>R&amp;esume</source>
            <translation>R&amp;eprendre</translation>
        </message>
        <message>
            <source>Run what the batch has left and give the grades it is missing; nothing runs twice</source>
            <translation>Exécuter ce qui reste du lot et donner les évaluations qui lui manquent ; rien n'est exécuté deux fois</translation>
        </message>
        <message>
            <source>&amp;Cancel</source>
            <translation>&amp;Annuler</translation>
        </message>
        <message>
            <source>Stop the answers under way now; the batch can be resumed</source>
            <translation>Arrêter maintenant les réponses en cours ; le lot pourra être repris</translation>
        </message>
        <message>
            <source>%v of %m</source>
            <translation>%v sur %m</translation>
        </message>
        <message>
            <source>Results: input rows by model</source>
            <translation>Résultats : lignes d'entrée par modèle</translation>
        </message>
        <message>
            <source>No batch open.</source>
            <translation>Aucun lot ouvert.</translation>
        </message>
        <message>
            <source>Pausing: the answers under way finish, no new ones start…</source>
            <translation>Mise en pause : les réponses en cours se terminent, aucune nouvelle ne démarre…</translation>
        </message>
        <message>
            <source>Cancelling…</source>
            <translation>Annulation…</translation>
        </message>
        <message>
            <source>experiment {id}</source>
            <translation>expérience {id}</translation>
        </message>
        <message>
            <source>Run all rows · {title}</source>
            <translation>Exécuter toutes les lignes · {title}</translation>
        </message>
        <message>
            <source>System prompt: {system}</source>
            <translation>Prompt système : {system}</translation>
        </message>
        <message>
            <source>No system prompt</source>
            <translation>Aucun prompt système</translation>
        </message>
        <message>
            <source>Batch {id}: {name} ({status})</source>
            <translation>Lot {id} : {name} ({status})</translation>
        </message>
        <message>
            <source>Loading models…</source>
            <translation>Chargement des modèles…</translation>
        </message>
        <message>
            <source>{host} (not answering)</source>
            <translation>{host} (ne répond pas)</translation>
        </message>
        <message>
            <source>No host lists any model: start Ollama or pull a model, then reopen this.</source>
            <translation>Aucun hôte ne liste de modèle : démarrez Ollama ou téléchargez un modèle, puis rouvrez cette fenêtre.</translation>
        </message>
        <message>
            <source>Could not list the models.</source>
            <translation>Impossible de lister les modèles.</translation>
        </message>
        <message>
            <source>Tick at least one model to run on.</source>
            <translation>Cochez au moins un modèle sur lequel exécuter.</translation>
        </message>
        <message>
            <source>Saving the batch…</source>
            <translation>Enregistrement du lot…</translation>
        </message>
        <message numerus="yes">
            <source>Running %n item(s)…</source>
            <translation>
                <numerusform>Exécution de %n élément…</numerusform>
                <numerusform>Exécution de %n éléments…</numerusform>
            </translation>
        </message>
        <message>
            <source>Resuming…</source>
            <translation>Reprise…</translation>
        </message>
        <message numerus="yes">
            <source>%n item(s) left</source>
            <translation>
                <numerusform>%n élément restant</numerusform>
                <numerusform>%n éléments restants</numerusform>
            </translation>
        </message>
        <message>
            <source>Cancelled after {ran}; {left}: Resume runs them.</source>
            <translation>Annulé après {ran} ; {left} : Reprendre les exécute.</translation>
        </message>
        <message>
            <source>Paused after {ran}; {left}: Resume runs them.</source>
            <translation>En pause après {ran} ; {left} : Reprendre les exécute.</translation>
        </message>
        <message>
            <source>Finished: {ran}; grading goes on.</source>
            <translation>Terminé : {ran} ; l'évaluation continue.</translation>
        </message>
        <message>
            <source>Finished: {ran}.</source>
            <translation>Terminé : {ran}.</translation>
        </message>
        <message>
            <source>The batch stopped; Resume runs what is left once a host answers.</source>
            <translation>Le lot s'est arrêté ; Reprendre exécute ce qui reste dès qu'un hôte répond.</translation>
        </message>
        <message>
            <source>The batch stopped.</source>
            <translation>Le lot s'est arrêté.</translation>
        </message>
        <message>
            <source>{address} stopped answering; its items go to the other hosts.</source>
            <translation>{address} ne répond plus ; ses éléments vont aux autres hôtes.</translation>
        </message>
        <message>
            <source>A batch is running</source>
            <translation>Un lot est en cours</translation>
        </message>
        <message>
            <source>The batch is still running. Stop it and close?

Finished answers are kept; Run all → Resume runs the rest.</source>
            <translation>Le lot est toujours en cours. L'arrêter et fermer ?

Les réponses terminées sont conservées ; Tout exécuter → Reprendre exécute le reste.</translation>
        </message>
    </context>
    <context>
        <name>check_items_model</name>
        <message>
            <source>Passes</source>
            <translation>Réussis</translation>
        </message>
        <message>
            <source>Fails</source>
            <translation>Échoués</translation>
        </message>
        <message>
            <source>Needs a look</source>
            <translation>À vérifier</translation>
        </message>
        <message>
            <source>Still grading</source>
            <translation>Évaluation en cours</translation>
        </message>
        <message>
            <source>Not run yet</source>
            <translation>Pas encore exécutés</translation>
        </message>
        <message>
            <source>Experiment</source>
            <translation>Expérience</translation>
        </message>
        <message>
            <source>Original model</source>
            <translation>Modèle d'origine</translation>
        </message>
        <message>
            <source>Original verdict</source>
            <translation>Verdict d'origine</translation>
        </message>
        <message>
            <source>Your verdict</source>
            <translation>Votre verdict</translation>
        </message>
        <message>
            <source>Why</source>
            <translation>Pourquoi</translation>
        </message>
        <message>
            <source>worked</source>
            <translation>a fonctionné</translation>
        </message>
        <message>
            <source>partly</source>
            <translation>en partie</translation>
        </message>
        <message>
            <source>failed</source>
            <translation>a échoué</translation>
        </message>
        <message>
            <source>still works</source>
            <translation>fonctionne toujours</translation>
        </message>
        <message>
            <source>regressed</source>
            <translation>régression</translation>
        </message>
        <message>
            <source>improved</source>
            <translation>amélioration</translation>
        </message>
        <message>
            <source>does not work</source>
            <translation>ne fonctionne pas</translation>
        </message>
        <message>
            <source>untriaged</source>
            <translation>non triée</translation>
        </message>
        <message>
            <source>failed to run</source>
            <translation>exécution échouée</translation>
        </message>
        <message>
            <source>cancelled</source>
            <translation>annulée</translation>
        </message>
        <message>
            <source>pending</source>
            <translation>en attente</translation>
        </message>
        <message>
            <source>(untitled)</source>
            <translation>(sans titre)</translation>
        </message>
        <message>
            <source>run {number} ({outcome})</source>
            <translation>exécution {number} ({outcome})</translation>
        </message>
        <message>
            <source>not replayed yet</source>
            <translation>pas encore rejouée</translation>
        </message>
        <message>
            <source>Run {number} -&gt; {new}</source>
            <translation>Exécution {number} -&gt; {new}</translation>
        </message>
    </context>
    <context>
        <name>check_runner</name>
        <message>
            <source>Grading item {item} failed: {message}</source>
            <translation>L'évaluation de l'élément {item} a échoué : {message}</translation>
        </message>
    </context>
    <context>
        <name>check_texts</name>
        <message>
            <source>running</source>
            <translation>en cours</translation>
        </message>
        <message>
            <source>done</source>
            <translation>terminée</translation>
        </message>
        <message>
            <source>paused</source>
            <translation>en pause</translation>
        </message>
        <message>
            <source>cancelled</source>
            <translation>annulée</translation>
        </message>
        <message>
            <source>interrupted</source>
            <translation>interrompue</translation>
        </message>
        <message>
            <source>{counts}; more grades coming</source>
            <translation>{counts} ; d’autres évaluations arrivent</translation>
        </message>
        <message>
            <source>{models} ({waiting})</source>
            <translation>{models} ({waiting})</translation>
        </message>
        <message numerus="yes">
            <source>%n need(s) a look</source>
            <translation>
                <numerusform>%n à vérifier</numerusform>
                <numerusform>%n à vérifier</numerusform>
            </translation>
        </message>
        <message>
            <source>{failed} fail, {looks}</source>
            <translation>{failed} échouent, {looks}</translation>
        </message>
        <message>
            <source>{details}; {count} by your verdict</source>
            <translation>{details} ; {count} par votre verdict</translation>
        </message>
        <message>
            <source>{passed} of {total} pass on {model} ({details})</source>
            <translation>{passed} sur {total} réussissent sur {model} ({details})</translation>
        </message>
        <message>
            <source>{done} of {total} replayed…</source>
            <translation>{done} sur {total} rejoués…</translation>
        </message>
        <message>
            <source>{done} of {total} replayed</source>
            <translation>{done} sur {total} rejoués</translation>
        </message>
        <message>
            <source>Nothing left to look at: {passes} pass, {judged} judged by you</source>
            <translation>Plus rien à vérifier : {passes} réussissent, {judged} jugés par vous</translation>
        </message>
        <message>
            <source>{said}; {more}</source>
            <translation>{said} ; {more}</translation>
        </message>
        <message>
            <source>{count} still grading</source>
            <translation>{count} en cours d'évaluation</translation>
        </message>
        <message>
            <source>{count} not run yet</source>
            <translation>{count} pas encore exécutés</translation>
        </message>
        <message numerus="yes">
            <source>%n run(s): {ids}</source>
            <translation>
                <numerusform>%n exécution : {ids}</numerusform>
                <numerusform>%n exécutions : {ids}</numerusform>
            </translation>
        </message>
        <message>
            <source>all experiments</source>
            <translation>toutes les expériences</translation>
        </message>
        <message>
            <source>the latest run of each experiment matching: {filter}</source>
            <translation>la dernière exécution de chaque expérience correspondant à : {filter}</translation>
        </message>
        <message>
            <source>{seconds} s</source>
            <translation>{seconds} s</translation>
        </message>
        <message>
            <source>{minutes} min</source>
            <translation>{minutes} min</translation>
        </message>
        <message>
            <source>{hours} h {minutes} min</source>
            <translation>{hours} h {minutes} min</translation>
        </message>
        <message>
            <source>{hours} h</source>
            <translation>{hours} h</translation>
        </message>
        <message>
            <source>about {duration} left</source>
            <translation>environ {duration} restantes</translation>
        </message>
    </context>
    <context>
        <name>check_window</name>
        <message>
            <source>Migration check</source>
            <translation>Vérification de migration</translation>
        </message>
        <message>
            <source>&lt;b&gt;Saved checks&lt;/b&gt; (click one to open it)</source>
            <translation>&lt;b&gt;Vérifications enregistrées&lt;/b&gt; (cliquez sur l'une pour l'ouvrir)</translation>
        </message>
        <message>
            <source>(named after the selection and the model)</source>
            <translation>(nommée d'après la sélection et le modèle)</translation>
        </message>
        <message>
            <source>The model to replay the runs on</source>
            <translation>Le modèle sur lequel rejouer les exécutions</translation>
        </message>
        <message>
            <source>Re&amp;generate every turn of conversations</source>
            <translation>&amp;Régénérer chaque tour des conversations</translation>
        </message>
        <message>
            <source>For a run that is a turn of a conversation, send every turn again on the target, each after its new answers; unticked, only that turn is replayed, after the recorded ones</source>
            <translation>Pour une exécution qui est un tour de conversation, renvoyer chaque tour au modèle cible, chacun après ses nouvelles réponses ; décoché, seul ce tour est rejoué, après les tours enregistrés</translation>
        </message>
        <message>
            <source>&lt;b&gt;New check&lt;/b&gt;</source>
            <translation>&lt;b&gt;Nouvelle vérification&lt;/b&gt;</translation>
        </message>
        <message>
            <source>Name:</source>
            <translation>Nom :</translation>
        </message>
        <message>
            <source>Target model:</source>
            <translation>Modèle cible :</translation>
        </message>
        <message>
            <source>Runs to replay:</source>
            <translation>Exécutions à rejouer :</translation>
        </message>
        <message>
            <source>Start check</source>
            <translation>Lancer la vérification</translation>
        </message>
        <message>
            <source>Replay the runs on the target model and grade each one</source>
            <translation>Rejouer les exécutions sur le modèle cible et évaluer chacune</translation>
        </message>
        <message>
            <source>Resume</source>
            <translation>Reprendre</translation>
        </message>
        <message>
            <source>Replay what is left of the open check and give the grades it is missing</source>
            <translation>Rejouer ce qui reste de la vérification ouverte et donner les évaluations qui lui manquent</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>Annuler</translation>
        </message>
        <message>
            <source>Stop after the current answer; the check can be resumed</source>
            <translation>Arrêter après la réponse en cours ; la vérification pourra être reprise</translation>
        </message>
        <message>
            <source>Accept all passes</source>
            <translation>Accepter toutes les réussites</translation>
        </message>
        <message>
            <source>Mark every passing replay you have not judged as worked ({keys}); verdicts you gave stay</source>
            <translation>Marquer « a fonctionné » chaque rejeu réussi que vous n'avez pas jugé ({keys}) ; les verdicts que vous avez donnés restent</translation>
        </message>
        <message>
            <source>No check open.</source>
            <translation>Aucune vérification ouverte.</translation>
        </message>
        <message>
            <source>Items of the check, by group</source>
            <translation>Éléments de la vérification, par groupe</translation>
        </message>
        <message>
            <source>Judge the selected replay: W worked · P partly · F failed · 0 clear · N next left to look at · Shift+N back</source>
            <translation>Juger le rejeu sélectionné : W a fonctionné · P en partie · F a échoué · 0 effacer · N suivant à vérifier · Maj+N précédent</translation>
        </message>
        <message>
            <source>Prompt of the selected item</source>
            <translation>Prompt de l'élément sélectionné</translation>
        </message>
        <message>
            <source>Select an item to see what it asked.</source>
            <translation>Sélectionnez un élément pour voir ce qu'il demandait.</translation>
        </message>
        <message>
            <source>&lt;b&gt;Prompt&lt;/b&gt; (of the original run)</source>
            <translation>&lt;b&gt;Prompt&lt;/b&gt; (de l'exécution d'origine)</translation>
        </message>
        <message>
            <source>Original answer</source>
            <translation>Réponse d'origine</translation>
        </message>
        <message>
            <source>New answer, against the original</source>
            <translation>Nouvelle réponse, comparée à l'originale</translation>
        </message>
        <message>
            <source>every turn regenerated</source>
            <translation>chaque tour régénéré</translation>
        </message>
        <message>
            <source>last turn replayed</source>
            <translation>dernier tour rejoué</translation>
        </message>
        <message>
            <source>Check {id}: {name}
{status}, target {model} @ {digest}
Conversations: {how}</source>
            <translation>Vérification {id} : {name}
{status}, cible {model} @ {digest}
Conversations : {how}</translation>
        </message>
        <message numerus="yes">
            <source>%n grade(s) still coming</source>
            <translation>
                <numerusform>%n évaluation encore attendue</numerusform>
                <numerusform>%n évaluations encore attendues</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n grade(s) missing (grading stopped): Resume grades them</source>
            <translation>
                <numerusform>%n évaluation manquante (évaluation arrêtée) : Reprendre la fournit</numerusform>
                <numerusform>%n évaluations manquantes (évaluation arrêtée) : Reprendre les fournit</numerusform>
            </translation>
        </message>
        <message>
            <source>System prompt: {system}</source>
            <translation>Prompt système : {system}</translation>
        </message>
        <message>
            <source>No system prompt</source>
            <translation>Aucun prompt système</translation>
        </message>
        <message>
            <source>(not replayed yet)</source>
            <translation>(pas encore rejoué)</translation>
        </message>
        <message>
            <source>Choose the model to check against.</source>
            <translation>Choisissez le modèle avec lequel vérifier.</translation>
        </message>
        <message>
            <source>Saving the check…</source>
            <translation>Enregistrement de la vérification…</translation>
        </message>
        <message>
            <source>Resuming…</source>
            <translation>Reprise…</translation>
        </message>
        <message>
            <source>Cancelling…</source>
            <translation>Annulation…</translation>
        </message>
        <message numerus="yes">
            <source>Cancelled after %n replay(s); resume to run the rest.</source>
            <translation>
                <numerusform>Annulée après %n rejeu ; reprenez pour exécuter le reste.</numerusform>
                <numerusform>Annulée après %n rejeux ; reprenez pour exécuter le reste.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Replays finished (%n replay(s)); grading goes on.</source>
            <translation>
                <numerusform>Rejeux terminés (%n rejeu) ; l'évaluation continue.</numerusform>
                <numerusform>Rejeux terminés (%n rejeux) ; l'évaluation continue.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Finished: %n replay(s).</source>
            <translation>
                <numerusform>Terminé : %n rejeu.</numerusform>
                <numerusform>Terminé : %n rejeux.</numerusform>
            </translation>
        </message>
        <message>
            <source>The check stopped.</source>
            <translation>La vérification s'est arrêtée.</translation>
        </message>
        <message>
            <source>Latest: item {position}, run {source} -&gt; run {new}</source>
            <translation>Dernier : élément {position}, exécution {source} -&gt; exécution {new}</translation>
        </message>
        <message>
            <source>Finished: every grade is in.</source>
            <translation>Terminé : toutes les évaluations sont arrivées.</translation>
        </message>
        <message>
            <source>Could not list the models. {message}</source>
            <translation>Impossible de lister les modèles. {message}</translation>
        </message>
        <message>
            <source>Item {position} has not been replayed yet: nothing to judge.</source>
            <translation>L'élément {position} n'a pas encore été rejoué : rien à juger.</translation>
        </message>
        <message>
            <source>The verdict was not saved.</source>
            <translation>Le verdict n'a pas été enregistré.</translation>
        </message>
        <message numerus="yes">
            <source>Marked %n passing replay(s) as worked.</source>
            <translation>
                <numerusform>%n rejeu réussi marqué « a fonctionné ».</numerusform>
                <numerusform>%n rejeux réussis marqués « a fonctionné ».</numerusform>
            </translation>
        </message>
        <message>
            <source>No passing replay is left without your verdict: nothing to accept.</source>
            <translation>Il ne reste aucun rejeu réussi sans votre verdict : rien à accepter.</translation>
        </message>
    </context>
    <context>
        <name>compare_dialog</name>
        <message>
            <source>Not rated</source>
            <translation>Non évaluée</translation>
        </message>
        <message>
            <source>Worked</source>
            <translation>A fonctionné</translation>
        </message>
        <message>
            <source>Partly</source>
            <translation>En partie</translation>
        </message>
        <message>
            <source>Failed</source>
            <translation>A échoué</translation>
        </message>
        <message>
            <source>Prompt (the same for every run)</source>
            <translation>Prompt (le même pour chaque exécution)</translation>
        </message>
        <message>
            <source>Prompts differ</source>
            <translation>Les prompts diffèrent</translation>
        </message>
        <message>
            <source>Prompt of run {number}</source>
            <translation>Prompt de l'exécution {number}</translation>
        </message>
        <message>
            <source>System prompt (the same for every run)</source>
            <translation>Prompt système (le même pour chaque exécution)</translation>
        </message>
        <message>
            <source>System prompts differ</source>
            <translation>Les prompts système diffèrent</translation>
        </message>
        <message>
            <source>System prompt of run {number}</source>
            <translation>Prompt système de l'exécution {number}</translation>
        </message>
        <message>
            <source>Compare runs</source>
            <translation>Comparer les exécutions</translation>
        </message>
        <message>
            <source>Verdict of run {number}</source>
            <translation>Verdict de l'exécution {number}</translation>
        </message>
        <message>
            <source>Why run {number} got its verdict (its note)</source>
            <translation>Pourquoi l'exécution {number} a reçu ce verdict (sa note)</translation>
        </message>
        <message>
            <source>Verdict:</source>
            <translation>Verdict :</translation>
        </message>
        <message>
            <source>Why:</source>
            <translation>Pourquoi :</translation>
        </message>
        <message>
            <source>(none)</source>
            <translation>(aucun)</translation>
        </message>
        <message>
            <source>&lt;b&gt;Options&lt;/b&gt; (rows that differ are highlighted)</source>
            <translation>&lt;b&gt;Options&lt;/b&gt; (les lignes qui diffèrent sont surlignées)</translation>
        </message>
        <message>
            <source>Answer</source>
            <translation>Réponse</translation>
        </message>
        <message>
            <source>Answer, against the first run</source>
            <translation>Réponse, comparée à la première exécution</translation>
        </message>
        <message>
            <source>added</source>
            <translation>ajouté</translation>
        </message>
        <message>
            <source>removed</source>
            <translation>supprimé</translation>
        </message>
        <message>
            <source>compared with the first run</source>
            <translation>par rapport à la première exécution</translation>
        </message>
        <message>
            <source>no digest</source>
            <translation>pas d'empreinte</translation>
        </message>
        <message numerus="yes">
            <source>%n token(s)</source>
            <translation>
                <numerusform>%n jeton</numerusform>
                <numerusform>%n jetons</numerusform>
            </translation>
        </message>
        <message>
            <source>{speed} tok/s</source>
            <translation>{speed} jetons/s</translation>
        </message>
        <message>
            <source>total {time}</source>
            <translation>total {time}</translation>
        </message>
        <message>
            <source>&lt;b&gt;Run {number}&lt;/b&gt; (reference)</source>
            <translation>&lt;b&gt;Exécution {number}&lt;/b&gt; (référence)</translation>
        </message>
        <message>
            <source>&lt;b&gt;Run {number}&lt;/b&gt;</source>
            <translation>&lt;b&gt;Exécution {number}&lt;/b&gt;</translation>
        </message>
        <message>
            <source>(untitled)</source>
            <translation>(sans titre)</translation>
        </message>
        <message>
            <source>digest {digest}</source>
            <translation>empreinte {digest}</translation>
        </message>
        <message>
            <source>The model was never reached</source>
            <translation>Le modèle n'a jamais été joint</translation>
        </message>
        <message>
            <source>Run {number}</source>
            <translation>Exécution {number}</translation>
        </message>
        <message>
            <source>not set</source>
            <translation>non défini</translation>
        </message>
        <message>
            <source>No run sets any option.</source>
            <translation>Aucune exécution ne définit d'option.</translation>
        </message>
        <message>
            <source>The verdict of run {number} was not saved.</source>
            <translation>Le verdict de l'exécution {number} n'a pas été enregistré.</translation>
        </message>
    </context>
    <context>
        <name>context</name>
        <message>
            <source>Opening {path}…</source>
            <translation>Ouverture de {path}…</translation>
        </message>
        <message>
            <source>Only this window's host is used.</source>
            <translation>Seul l'hôte de cette fenêtre est utilisé.</translation>
        </message>
    </context>
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
            <source>Model '{model}' is not available on {host}. Pull it with `ollama pull {model}`.</source>
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
            <source>The Ollama server at {host} could not reach its model registry to pull '{model}' (no internet there?). Without internet, make the model from a GGUF file instead: a Modelfile with the line `FROM ./model.gguf`, then `ollama create {model} -f Modelfile`. Ollama said: {detail}</source>
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
            <source>'{host}' is not a usable Ollama address: {detail}.</source>
            <translation>« {host} » n’est pas une adresse Ollama utilisable : {detail}.</translation>
        </message>
        <message>
            <source>Ollama at {host} answered {vectors} embeddings for {texts} texts: the model may not make embeddings.</source>
            <translation>Ollama à {host} a renvoyé {vectors} embeddings pour {texts} textes : le modèle ne produit peut-être pas d’embeddings.</translation>
        </message>
        <message>
            <source>{name!r} cannot be a variable: it names the row's expectations column.</source>
            <translation>{name!r} ne peut pas être une variable : c’est le nom de la colonne des attentes de la ligne.</translation>
        </message>
        <message>
            <source>{name!r} cannot be a variable name: a name starts with a letter or _ and holds only letters, digits and _.</source>
            <translation>{name!r} ne peut pas être un nom de variable : un nom commence par une lettre ou _ et ne contient que des lettres, des chiffres et _.</translation>
        </message>
        <message>
            <source>Expectation {line!r}: a row's json-schema is written out, not read from a file.</source>
            <translation>Attente {line!r} : le json-schema d’une ligne s’écrit en entier, il n’est pas lu dans un fichier.</translation>
        </message>
        <message>
            <source>A row gives at least one variable's value, as NAME=VALUE.</source>
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
        <message>
            <source>The journal {path} is busy: another program is writing to it. Try again in a moment.</source>
            <translation>Le journal {path} est occupé : un autre programme y écrit. Réessayez dans un instant.</translation>
        </message>
        <message>
            <source>The journal {path} cannot grow: the disk holding it is full (or a quota or size limit was reached). Free some space.</source>
            <translation>Le journal {path} ne peut plus grandir : le disque qui le contient est plein (ou un quota ou une limite de taille est atteint). Libérez de la place.</translation>
        </message>
        <message>
            <source>The journal {path} could not be read or written ({detail}). Check the disk it is on.</source>
            <translation>Le journal {path} n'a pas pu être lu ou écrit ({detail}). Vérifiez le disque qui le contient.</translation>
        </message>
        <message>
            <source>Cannot write {path}: {reason}.</source>
            <translation>Impossible d'écrire {path} : {reason}.</translation>
        </message>
        <message>
            <source>Cannot read the settings file {path}: {reason}.</source>
            <translation>Impossible de lire le fichier de paramètres {path} : {reason}.</translation>
        </message>
        <message>
            <source>Cannot save the settings file {path}: {reason}. Nothing was changed.</source>
            <translation>Impossible d'enregistrer le fichier de paramètres {path} : {reason}. Rien n'a été modifié.</translation>
        </message>
        <message>
            <source>The journal {path} cannot be written: {reason}.</source>
            <translation>Impossible d'écrire dans le journal {path} : {reason}.</translation>
        </message>
        <message>
            <source>its folder {folder} is read-only</source>
            <translation>son dossier {folder} est en lecture seule</translation>
        </message>
        <message>
            <source>the file is read-only</source>
            <translation>le fichier est en lecture seule</translation>
        </message>
        <message>
            <source>the file was moved or deleted while it was open</source>
            <translation>le fichier a été déplacé ou supprimé pendant qu'il était ouvert</translation>
        </message>
        <message>
            <source>SQLite refused ({detail})</source>
            <translation>SQLite a refusé ({detail})</translation>
        </message>
        <message>
            <source>The journal {path} cannot be opened ({detail}): check that it exists and that you may read it.</source>
            <translation>Impossible d'ouvrir le journal {path} ({detail}) : vérifiez qu'il existe et que vous pouvez le lire.</translation>
        </message>
        <message>
            <source>Cannot read {path}: {reason}.</source>
            <translation>Impossible de lire {path} : {reason}.</translation>
        </message>
        <message>
            <source>Cannot create the folder for {path}: {reason}.</source>
            <translation>Impossible de créer le dossier de {path} : {reason}.</translation>
        </message>
        <message>
            <source>{path} is a folder, not a journal file.</source>
            <translation>{path} est un dossier, pas un fichier de journal.</translation>
        </message>
        <message>
            <source>{path} is not an LLM Journal file (it is not an SQLite database). It was left unchanged.</source>
            <translation>{path} n'est pas un fichier LLM Journal (ce n'est pas une base SQLite). Il n'a pas été modifié.</translation>
        </message>
        <message>
            <source>{path} is an SQLite database but not an LLM Journal file. It was left unchanged.</source>
            <translation>{path} est une base SQLite, mais pas un fichier LLM Journal. Il n'a pas été modifié.</translation>
        </message>
        <message>
            <source>{path} was written by a newer LLM Journal (schema {version}; this version knows up to {latest}). Update LLM Journal to open it.</source>
            <translation>{path} a été écrit par un LLM Journal plus récent (schéma {version} ; cette version connaît jusqu'au {latest}). Mettez LLM Journal à jour pour l'ouvrir.</translation>
        </message>
        <message>
            <source>The journal {path} is damaged ({detail}).</source>
            <translation>Le journal {path} est endommagé ({detail}).</translation>
        </message>
        <message>
            <source>The journal {path} is damaged ({detail}); it was left unchanged.</source>
            <translation>Le journal {path} est endommagé ({detail}) ; il n'a pas été modifié.</translation>
        </message>
        <message>
            <source>Recover what it still holds into a new file with `journal recover {quoted} -o recovered.sqlite`, then open that.</source>
            <translation>Récupérez ce qu'il contient encore dans un nouveau fichier avec `journal recover {quoted} -o recovered.sqlite`, puis ouvrez celui-ci.</translation>
        </message>
        <message>
            <source>Recover what it still holds into a new file with `journal recover {quoted} -o recovered.sqlite`, then open that, or go back to {backup} (the copy kept before its last upgrade).</source>
            <translation>Récupérez ce qu'il contient encore dans un nouveau fichier avec `journal recover {quoted} -o recovered.sqlite`, puis ouvrez celui-ci, ou revenez à {backup} (la copie gardée avant sa dernière mise à niveau).</translation>
        </message>
        <message>
            <source>Could not back up {path} before upgrading it ({detail}); it was left unchanged.</source>
            <translation>Impossible de sauvegarder {path} avant sa mise à niveau ({detail}) ; il n'a pas été modifié.</translation>
        </message>
        <message>
            <source>{first}
{second}</source>
            <translation>{first}
{second}</translation>
        </message>
        <message>
            <source>Line {line}: {reason}</source>
            <translation>Ligne {line} : {reason}</translation>
        </message>
        <message>
            <source>{host} is listed already.</source>
            <translation>{host} figure déjà dans la liste.</translation>
        </message>
        <message>
            <source>Option {key} is null, which a TOML file cannot hold.</source>
            <translation>L'option {key} vaut null, ce qu'un fichier TOML ne peut pas contenir.</translation>
        </message>
        <message>
            <source>{key} lists {host} twice.</source>
            <translation>{key} cite {host} deux fois.</translation>
        </message>
        <message>
            <source>{key} is a list of addresses, like {example}.</source>
            <translation>{key} est une liste d'adresses, comme {example}.</translation>
        </message>
        <message>
            <source>{key} is a table of options, like {{ temperature = 0.2 }}.</source>
            <translation>{key} est une table d'options, comme {{ temperature = 0.2 }}.</translation>
        </message>
        <message>
            <source>{key} is a setting of its own (defaults.{key}), not an option.</source>
            <translation>{key} est un réglage à part (defaults.{key}), pas une option.</translation>
        </message>
        <message>
            <source>{key} is a model name, like llama3:8b, not {value}.</source>
            <translation>{key} est un nom de modèle, comme llama3:8b, pas {value}.</translation>
        </message>
        <message>
            <source>{key} must be a table, like [{key}].</source>
            <translation>{key} doit être une table, comme [{key}].</translation>
        </message>
        <message>
            <source>The settings file {where} is not valid TOML: {reason}. Fix it in an editor; it is left as it is.</source>
            <translation>Le fichier de réglages {where} n'est pas du TOML valide : {reason}. Corrigez-le dans un éditeur ; il est laissé tel quel.</translation>
        </message>
        <message>
            <source>it is not UTF-8 text</source>
            <translation>ce n'est pas du texte UTF-8</translation>
        </message>
        <message>
            <source>The settings file {where}: {reason} Fix it in an editor; it is left as it is.</source>
            <translation>Fichier de réglages {where} : {reason} Corrigez-le dans un éditeur ; il est laissé tel quel.</translation>
        </message>
        <message>
            <source>The settings file {where}: {reason} Fix it in an editor or with `journal config unset {key}`.</source>
            <translation>Fichier de réglages {where} : {reason} Corrigez-le dans un éditeur ou avec `journal config unset {key}`.</translation>
        </message>
        <message>
            <source>{name} is empty: give a PNG, JPEG or WebP image.</source>
            <translation>{name} est vide : donnez une image PNG, JPEG ou WebP.</translation>
        </message>
        <message>
            <source>{name} is not a PNG, JPEG or WebP image (judged by its content, not its name).</source>
            <translation>{name} n'est pas une image PNG, JPEG ou WebP (d'après son contenu, pas son nom).</translation>
        </message>
        <message>
            <source>{name} starts like a {kind} image but its header is damaged.</source>
            <translation>{name} commence comme une image {kind}, mais son en-tête est endommagé.</translation>
        </message>
        <message>
            <source>{name} does not exist.</source>
            <translation>{name} n'existe pas.</translation>
        </message>
        <message>
            <source>{name} is a folder, not an image.</source>
            <translation>{name} est un dossier, pas une image.</translation>
        </message>
        <message>
            <source>{name} cannot be read: {reason}.</source>
            <translation>Impossible de lire {name} : {reason}.</translation>
        </message>
        <message>
            <source>{name} is {size}: images up to {most} can be sent.</source>
            <translation>{name} pèse {size} : on peut envoyer des images jusqu'à {most}.</translation>
        </message>
        <message>
            <source>no expectations to grade it by</source>
            <translation>aucune attente pour l'évaluer</translation>
        </message>
        <message>
            <source>still running: graded when it ends</source>
            <translation>en cours : évaluée quand elle se termine</translation>
        </message>
        <message>
            <source>the run cancelled: not graded</source>
            <translation>l'exécution a été annulée : non évaluée</translation>
        </message>
        <message>
            <source>the run failed: not graded</source>
            <translation>l'exécution a échoué : non évaluée</translation>
        </message>
        <message>
            <source>the run interrupted: not graded</source>
            <translation>l'exécution a été interrompue : non évaluée</translation>
        </message>
        <message>
            <source>not graded yet</source>
            <translation>pas encore évaluée</translation>
        </message>
        <message>
            <source>unsure: {reason}</source>
            <translation>incertain : {reason}</translation>
        </message>
        <message>
            <source>error: {reason}</source>
            <translation>erreur : {reason}</translation>
        </message>
        <message>
            <source>contains {value}</source>
            <translation>contient {value}</translation>
        </message>
        <message>
            <source>missing {value}</source>
            <translation>il manque {value}</translation>
        </message>
        <message>
            <source>contains {value} (ignoring case)</source>
            <translation>contient {value} (sans tenir compte de la casse)</translation>
        </message>
        <message>
            <source>missing {value} (ignoring case)</source>
            <translation>il manque {value} (sans tenir compte de la casse)</translation>
        </message>
        <message>
            <source>is {value}</source>
            <translation>vaut {value}</translation>
        </message>
        <message>
            <source>is {text}, not {wanted}</source>
            <translation>vaut {text}, pas {wanted}</translation>
        </message>
        <message>
            <source>starts with {value}</source>
            <translation>commence par {value}</translation>
        </message>
        <message>
            <source>starts with {text}, not {wanted}</source>
            <translation>commence par {text}, pas {wanted}</translation>
        </message>
        <message>
            <source>regex {pattern} ran out of time ({seconds:g} s) on this answer and was stopped: simplify the pattern</source>
            <translation>la regex {pattern} a dépassé le temps permis ({seconds:g} s) sur cette réponse et a été arrêtée : simplifiez le motif</translation>
        </message>
        <message>
            <source>regex {pattern} is not valid: {detail}</source>
            <translation>la regex {pattern} n'est pas valide : {detail}</translation>
        </message>
        <message>
            <source>no match for /{pattern}/</source>
            <translation>aucune correspondance pour /{pattern}/</translation>
        </message>
        <message>
            <source>matches /{pattern}/ at {match}</source>
            <translation>correspond à /{pattern}/ en {match}</translation>
        </message>
        <message>
            <source>not JSON (nested too deeply to read)</source>
            <translation>pas du JSON (imbriqué trop profondément pour être lu)</translation>
        </message>
        <message>
            <source>not JSON ({detail} at character {position}; starts {start})</source>
            <translation>pas du JSON ({detail} au caractère {position} ; commence par {start})</translation>
        </message>
        <message>
            <source>not JSON ({detail} at character {position}; starts nothing)</source>
            <translation>pas du JSON ({detail} au caractère {position} ; la réponse est vide)</translation>
        </message>
        <message>
            <source>not JSON ({detail})</source>
            <translation>pas du JSON ({detail})</translation>
        </message>
        <message>
            <source>is JSON ({type})</source>
            <translation>est du JSON ({type})</translation>
        </message>
        <message>
            <source>json-schema {value} was never read: save it again</source>
            <translation>json-schema {value} n'a jamais été lu : enregistrez-le à nouveau</translation>
        </message>
        <message>
            <source>the schema is not JSON ({detail})</source>
            <translation>le schéma n'est pas du JSON ({detail})</translation>
        </message>
        <message>
            <source>the schema's $ref {ref} cannot be resolved: remote references are never fetched</source>
            <translation>le $ref {ref} du schéma ne peut pas être résolu : les références distantes ne sont jamais téléchargées</translation>
        </message>
        <message>
            <source>a pattern in the schema ran out of time ({seconds:g} s) on this answer</source>
            <translation>un motif du schéma a dépassé le temps permis ({seconds:g} s) sur cette réponse</translation>
        </message>
        <message>
            <source>the schema or the answer is nested too deeply to check</source>
            <translation>le schéma ou la réponse est imbriqué trop profondément pour être vérifié</translation>
        </message>
        <message>
            <source>matches the schema</source>
            <translation>respecte le schéma</translation>
        </message>
        <message>
            <source>{where}: expected {wanted}, got {type}</source>
            <translation>{where} : {wanted} attendu, {type} reçu</translation>
        </message>
        <message>
            <source>{where}: {detail}</source>
            <translation>{where} : {detail}</translation>
        </message>
        <message>
            <source>{shown}, expected {wanted}</source>
            <translation>{shown}, attendu {wanted}</translation>
        </message>
        <message>
            <source>{shown}, expected not {wanted}</source>
            <translation>{shown}, attendu pas {wanted}</translation>
        </message>
        <message>
            <source>1 word</source>
            <translation>1 mot</translation>
        </message>
        <message>
            <source>{count:,} words</source>
            <translation>{count:,} mots</translation>
        </message>
        <message>
            <source>1 character</source>
            <translation>1 caractère</translation>
        </message>
        <message>
            <source>{count:,} characters</source>
            <translation>{count:,} caractères</translation>
        </message>
        <message>
            <source>1 line</source>
            <translation>1 ligne</translation>
        </message>
        <message>
            <source>{count:,} lines</source>
            <translation>{count:,} lignes</translation>
        </message>
        <message>
            <source>{speed:.1f} tokens per second</source>
            <translation>{speed:.1f} jetons par seconde</translation>
        </message>
        <message>
            <source>Ollama reported no token count or duration for this run</source>
            <translation>Ollama n'a donné ni nombre de jetons ni durée pour cette exécution</translation>
        </message>
        <message>
            <source>no first token was recorded for this run</source>
            <translation>aucun premier jeton n'a été enregistré pour cette exécution</translation>
        </message>
        <message>
            <source>first token after {ms:.0f} ms</source>
            <translation>premier jeton après {ms:.0f} ms</translation>
        </message>
        <message>
            <source>first token after {seconds:.2f} s</source>
            <translation>premier jeton après {seconds:.2f} s</translation>
        </message>
        <message>
            <source>done because {reason}</source>
            <translation>terminée pour la raison {reason}</translation>
        </message>
        <message>
            <source>done because {actual}, not {wanted}</source>
            <translation>terminée pour la raison {actual}, pas {wanted}</translation>
        </message>
        <message>
            <source>done because 'nothing', not {wanted}</source>
            <translation>terminée sans raison donnée, pas {wanted}</translation>
        </message>
        <message>
            <source>no turn {turn}: this conversation has 1 turn</source>
            <translation>pas de tour {turn} : cette conversation a 1 tour</translation>
        </message>
        <message>
            <source>no turn {turn}: this conversation has {count:,} turns</source>
            <translation>pas de tour {turn} : cette conversation a {count:,} tours</translation>
        </message>
        <message>
            <source>Unknown option {key}: did you mean {close}?</source>
            <translation>Option inconnue {key} : vouliez-vous dire {close} ?</translation>
        </message>
        <message>
            <source>Unknown option {key}: Ollama does not know it and would silently ignore it.</source>
            <translation>Option inconnue {key} : Ollama ne la connaît pas et l’ignorerait sans rien dire.</translation>
        </message>
        <message>
            <source>{refusal} {hint}</source>
            <translation>{refusal} {hint}</translation>
        </message>
        <message>
            <source>An option name must be text, not {key!r}.</source>
            <translation>Un nom d’option est un texte, pas {key!r}.</translation>
        </message>
        <message>
            <source>{key} is a request field, not a model option.</source>
            <translation>{key} est un champ de la requête, pas une option du modèle.</translation>
        </message>
        <message>
            <source>Recorded options must be a JSON object.</source>
            <translation>Les options enregistrées doivent être un objet JSON.</translation>
        </message>
        <message>
            <source>'{key}' is not an option name (letters, digits and _).</source>
            <translation>« {key} » n’est pas un nom d’option (lettres, chiffres et _).</translation>
        </message>
        <message>
            <source>Option {key} is longer than {most} characters.</source>
            <translation>L’option {key} dépasse {most} caractères.</translation>
        </message>
        <message>
            <source>Option {key} needs true or false, not {value}.</source>
            <translation>L’option {key} attend true ou false, pas {value}.</translation>
        </message>
        <message>
            <source>Option {key} needs a number, not {value}.</source>
            <translation>L’option {key} attend un nombre, pas {value}.</translation>
        </message>
        <message>
            <source>Option {key} needs a finite number, not {value}.</source>
            <translation>L’option {key} attend un nombre fini, pas {value}.</translation>
        </message>
        <message>
            <source>Option {key} needs a whole number, not {value}.</source>
            <translation>L’option {key} attend un nombre entier, pas {value}.</translation>
        </message>
        <message>
            <source>Option {key} needs a list of texts, not {value}.</source>
            <translation>L’option {key} attend une liste de textes, pas {value}.</translation>
        </message>
        <message>
            <source>Option {key} holds an empty text, which would end every answer at once.</source>
            <translation>L’option {key} contient un texte vide, qui arrêterait chaque réponse dès le début.</translation>
        </message>
        <message>
            <source>Option {key} must fit a 64-bit integer ({low} to {high}), not {value}.</source>
            <translation>L’option {key} doit tenir dans un entier 64 bits ({low} à {high}), pas {value}.</translation>
        </message>
        <message>
            <source>Option {key} is beyond what Ollama can hold (a 32-bit float), not {value}.</source>
            <translation>L’option {key} dépasse ce qu’Ollama peut contenir (un flottant 32 bits), pas {value}.</translation>
        </message>
        <message>
            <source>Option {key} must be {range}, not {value}.</source>
            <translation>L’option {key} doit être {range}, pas {value}.</translation>
        </message>
        <message>
            <source>Option {key} is nested too deeply.</source>
            <translation>L’option {key} est imbriquée trop profondément.</translation>
        </message>
        <message>
            <source>Option {key}: {detail} in '{text}'.</source>
            <translation>Option {key} : {detail} dans « {text} ».</translation>
        </message>
        <message>
            <source>Option {key}: {detail} is not allowed in '{text}'.</source>
            <translation>Option {key} : {detail} n’est pas permis dans « {text} ».</translation>
        </message>
        <message>
            <source>Options are KEY=VALUE, like temperature=0.2; got '{pair}'.</source>
            <translation>Les options s’écrivent CLÉ=VALEUR, comme temperature=0.2 ; reçu « {pair} ».</translation>
        </message>
        <message>
            <source>between {low} and {high}</source>
            <translation>entre {low} et {high}</translation>
        </message>
        <message>
            <source>at least {low}</source>
            <translation>au moins {low}</translation>
        </message>
        <message>
            <source>at most {high}</source>
            <translation>au plus {high}</translation>
        </message>
        <message>
            <source>{range} ({special})</source>
            <translation>{range} ({special})</translation>
        </message>
        <message>
            <source>{range} ({first}, {second})</source>
            <translation>{range} ({first}, {second})</translation>
        </message>
        <message>
            <source>{value}: {meaning}</source>
            <translation>{value} : {meaning}</translation>
        </message>
        <message>
            <source>keep the whole prompt</source>
            <translation>garder tout le prompt</translation>
        </message>
        <message>
            <source>no limit</source>
            <translation>sans limite</translation>
        </message>
        <message>
            <source>until the context is full</source>
            <translation>jusqu’à remplir le contexte</translation>
        </message>
        <message>
            <source>the whole context</source>
            <translation>tout le contexte</translation>
        </message>
        <message>
            <source>let Ollama decide</source>
            <translation>laisser Ollama choisir</translation>
        </message>
        <message>
            <source>think takes true, false, low, medium or high, not {value}.</source>
            <translation>think prend true, false, low, medium ou high, pas {value}.</translation>
        </message>
        <message>
            <source>keep_alive takes a duration like 5m, 1h30m or 300ms, or seconds like 90 (0 unloads at once, -1 keeps the model loaded), not {value}.</source>
            <translation>keep_alive prend une durée comme 5m, 1h30m ou 300ms, ou des secondes comme 90 (0 décharge aussitôt, -1 garde le modèle chargé), pas {value}.</translation>
        </message>
        <message>
            <source>keep_alive takes a duration like 5m, 1h30m or 300ms, or seconds like 90 (0 unloads at once, -1 keeps the model loaded), not {value} ({why}).</source>
            <translation>keep_alive prend une durée comme 5m, 1h30m ou 300ms, ou des secondes comme 90 (0 décharge aussitôt, -1 garde le modèle chargé), pas {value} ({why}).</translation>
        </message>
        <message>
            <source>keep_alive {value} is more seconds than Ollama can count (at most {most}; -1 keeps the model loaded).</source>
            <translation>keep_alive {value} compte plus de secondes qu’Ollama ne peut en compter (au plus {most} ; -1 garde le modèle chargé).</translation>
        </message>
        <message>
            <source>a number in a duration needs a unit: ns, us, ms, s, m or h</source>
            <translation>un nombre dans une durée a besoin d’une unité : ns, us, ms, s, m ou h</translation>
        </message>
        <message>
            <source>unknown unit '{unit}'</source>
            <translation>unité inconnue « {unit} »</translation>
        </message>
        <message>
            <source>longer than Ollama can count, about 292 years</source>
            <translation>plus long qu’Ollama ne peut compter, environ 292 ans</translation>
        </message>
        <message>
            <source>{where} is not a usable Ollama address: {reason}.</source>
            <translation>{where} n’est pas une adresse Ollama utilisable : {reason}.</translation>
        </message>
        <message>
            <source>{where} is not a usable Ollama address: {reason}. Fix or unset {variable}.</source>
            <translation>{where} n’est pas une adresse Ollama utilisable : {reason}. Corrigez ou retirez {variable}.</translation>
        </message>
        <message>
            <source>it is empty; leave it out for {default}</source>
            <translation>elle est vide ; omettez-la pour {default}</translation>
        </message>
        <message>
            <source>only http:// and https:// work, as in {default}</source>
            <translation>seuls http:// et https:// fonctionnent, comme dans {default}</translation>
        </message>
        <message>
            <source>an Ollama address has no ?query or #fragment</source>
            <translation>une adresse Ollama n’a ni ?requête ni #fragment</translation>
        </message>
        <message>
            <source>the IPv6 address has no closing ']', as in http://[::1]:11434</source>
            <translation>l’adresse IPv6 n’a pas de « ] » fermant, comme dans http://[::1]:11434</translation>
        </message>
        <message>
            <source>{host} is not an IPv6 address</source>
            <translation>{host} n’est pas une adresse IPv6</translation>
        </message>
        <message>
            <source>'{after}' after the IPv6 address is not a :port</source>
            <translation>« {after} » après l’adresse IPv6 n’est pas un :port</translation>
        </message>
        <message>
            <source>write an IPv6 address in brackets, as in http://[::1]:11434</source>
            <translation>écrivez une adresse IPv6 entre crochets, comme dans http://[::1]:11434</translation>
        </message>
        <message>
            <source>it names no host, as in {default}</source>
            <translation>elle ne nomme aucun hôte, comme dans {default}</translation>
        </message>
        <message>
            <source>'{host}' is not a host name</source>
            <translation>« {host} » n’est pas un nom d’hôte</translation>
        </message>
        <message>
            <source>the port must be a number from 1 to 65535, not '{port}'</source>
            <translation>le port doit être un nombre de 1 à 65535, pas « {port} »</translation>
        </message>
        <message>
            <source>limit={limit} is not a number of requests from 1 to {most} ({text!r}).</source>
            <translation>limit={limit} n’est pas un nombre de requêtes de 1 à {most} ({text!r}).</translation>
        </message>
        <message>
            <source>{source}: limit={limit} is not a number of requests from 1 to {most} ({text!r}).</source>
            <translation>{source} : limit={limit} n’est pas un nombre de requêtes de 1 à {most} ({text!r}).</translation>
        </message>
        <message>
            <source>not replayed yet</source>
            <translation>pas encore rejouée</translation>
        </message>
        <message>
            <source>replaying now</source>
            <translation>en cours de rejeu</translation>
        </message>
        <message>
            <source>your verdict: worked</source>
            <translation>votre verdict : a fonctionné</translation>
        </message>
        <message>
            <source>your verdict: partly</source>
            <translation>votre verdict : en partie</translation>
        </message>
        <message>
            <source>your verdict: failed</source>
            <translation>votre verdict : a échoué</translation>
        </message>
        <message>
            <source>the replay failed: not graded</source>
            <translation>le rejeu a échoué : non évaluée</translation>
        </message>
        <message>
            <source>the replay was cancelled: not graded</source>
            <translation>le rejeu a été annulé : non évaluée</translation>
        </message>
        <message>
            <source>the replay was interrupted: not graded</source>
            <translation>le rejeu a été interrompu : non évaluée</translation>
        </message>
        <message>
            <source>judge {model}: {why}</source>
            <translation>juge {model} : {why}</translation>
        </message>
        <message>
            <source>the reply is not the JSON asked for ({detail})</source>
            <translation>la réponse n’est pas le JSON demandé ({detail})</translation>
        </message>
        <message>
            <source>the reply is not the JSON asked for (cut short)</source>
            <translation>la réponse n’est pas le JSON demandé (coupée)</translation>
        </message>
        <message>
            <source>the reply is not the JSON object asked for</source>
            <translation>la réponse n’est pas l’objet JSON demandé</translation>
        </message>
        <message>
            <source>the reply lacks a pass flag or a reason</source>
            <translation>il manque à la réponse un verdict pass ou une raison</translation>
        </message>
        <message>
            <source>(no reason given)</source>
            <translation>(aucune raison donnée)</translation>
        </message>
        <message>
            <source>score {score!r} is not a number from 0 to 1; {why}</source>
            <translation>le score {score!r} n’est pas un nombre de 0 à 1 ; {why}</translation>
        </message>
        <message>
            <source>unsure (pass, score {score:.2f}): {why}</source>
            <translation>incertain (réussi, score {score:.2f}) : {why}</translation>
        </message>
        <message>
            <source>unsure (fail, score {score:.2f}): {why}</source>
            <translation>incertain (échoué, score {score:.2f}) : {why}</translation>
        </message>
        <message>
            <source>judge: no judge model is set; choose one in Settings or with `journal config set models.judge NAME` (or --judge NAME)</source>
            <translation>juge : aucun modèle juge n’est choisi ; choisissez-en un dans les Paramètres ou avec `journal config set models.judge NOM` (ou --judge NOM)</translation>
        </message>
        <message>
            <source>similar: no embedding model is set; choose one in Settings or with `journal config set models.embedding NAME` (or --embed-model NAME)</source>
            <translation>similar : aucun modèle d’embeddings n’est choisi ; choisissez-en un dans les Paramètres ou avec `journal config set models.embedding NOM` (ou --embed-model NOM)</translation>
        </message>
        <message>
            <source>judge {model}: {detail}</source>
            <translation>juge {model} : {detail}</translation>
        </message>
        <message>
            <source>similar {model}: {detail}</source>
            <translation>similar {model} : {detail}</translation>
        </message>
        <message>
            <source>judge model {model}: {detail}</source>
            <translation>modèle juge {model} : {detail}</translation>
        </message>
        <message>
            <source>embedding model {model}: {detail}</source>
            <translation>modèle d’embeddings {model} : {detail}</translation>
        </message>
        <message>
            <source>judge model '{model}' is not on {host}: pull it with `ollama pull {model}`, or choose another with `journal config set {key} NAME`</source>
            <translation>le modèle juge '{model}' n’est pas sur {host} : téléchargez-le avec `ollama pull {model}`, ou choisissez-en un autre avec `journal config set {key} NOM`</translation>
        </message>
        <message>
            <source>embedding model '{model}' is not on {host}: pull it with `ollama pull {model}`, or choose another with `journal config set {key} NAME`</source>
            <translation>le modèle d’embeddings '{model}' n’est pas sur {host} : téléchargez-le avec `ollama pull {model}`, ou choisissez-en un autre avec `journal config set {key} NOM`</translation>
        </message>
        <message>
            <source>the answer is empty: nothing to compare</source>
            <translation>la réponse est vide : rien à comparer</translation>
        </message>
        <message>
            <source>similar {model}: the model gave vectors that cannot be compared</source>
            <translation>similar {model} : le modèle a donné des vecteurs qui ne se comparent pas</translation>
        </message>
        <message>
            <source>similarity {similarity:.2f} &gt;= {threshold:g} ({model})</source>
            <translation>similarité {similarity:.2f} &gt;= {threshold:g} ({model})</translation>
        </message>
        <message>
            <source>similarity {similarity:.2f} &lt; {threshold:g} ({model})</source>
            <translation>similarité {similarity:.2f} &lt; {threshold:g} ({model})</translation>
        </message>
        <message>
            <source>No runs match ({selection}): nothing to check.</source>
            <translation>Aucune exécution ne correspond ({selection}) : rien à vérifier.</translation>
        </message>
        <message>
            <source>No runs match (all experiments): nothing to check.</source>
            <translation>Aucune exécution ne correspond (toutes les expériences) : rien à vérifier.</translation>
        </message>
        <message>
            <source>Kept run {run} in the trash: migration check {checks} compares it.</source>
            <translation>Exécution {run} gardée dans la corbeille : la vérification de migration {checks} la compare.</translation>
        </message>
        <message>
            <source>Kept experiment {experiment} in the trash: a migration check compares its runs.</source>
            <translation>Expérience {experiment} gardée dans la corbeille : une vérification de migration compare ses exécutions.</translation>
        </message>
        <message>
            <source>not JSON: {reason}</source>
            <translation>pas du JSON : {reason}</translation>
        </message>
        <message>
            <source>valid JSON, matches the schema</source>
            <translation>JSON valide, conforme au schéma</translation>
        </message>
        <message>
            <source>does not match the schema: {reason}</source>
            <translation>non conforme au schéma : {reason}</translation>
        </message>
        <message>
            <source>valid JSON</source>
            <translation>JSON valide</translation>
        </message>
        <message>
            <source>valid JSON; {reason}</source>
            <translation>JSON valide ; {reason}</translation>
        </message>
        <message>
            <source>the answer is empty</source>
            <translation>la réponse est vide</translation>
        </message>
        <message>
            <source>nested too deeply to read</source>
            <translation>trop imbriqué pour être lu</translation>
        </message>
        <message>
            <source>{detail} at line {line}, column {column}</source>
            <translation>{detail} à la ligne {line}, colonne {column}</translation>
        </message>
        <message>
            <source>the schema has a $ref that cannot be resolved (never fetched)</source>
            <translation>le schéma contient un $ref impossible à résoudre (jamais téléchargé)</translation>
        </message>
        <message>
            <source>a pattern in the schema ran out of time ({seconds:g} s)</source>
            <translation>un motif du schéma a dépassé le temps imparti ({seconds:g} s)</translation>
        </message>
        <message>
            <source>the schema could not be checked on this answer</source>
            <translation>le schéma n'a pas pu être vérifié sur cette réponse</translation>
        </message>
    </context>
    <context>
        <name>crash_dialog</name>
        <message>
            <source>Something went wrong inside LLM Journal.</source>
            <translation>Un problème est survenu dans LLM Journal.</translation>
        </message>
        <message>
            <source>The details were also written to:&lt;br&gt;&lt;code&gt;{path}&lt;/code&gt;</source>
            <translation>Les détails ont aussi été écrits dans :&lt;br&gt;&lt;code&gt;{path}&lt;/code&gt;</translation>
        </message>
        <message>
            <source>The details could not be written to &lt;code&gt;{path}&lt;/code&gt; ({problem}); copy them from here.</source>
            <translation>Les détails n'ont pas pu être écrits dans &lt;code&gt;{path}&lt;/code&gt; ({problem}) ; copiez-les d'ici.</translation>
        </message>
        <message>
            <source>Copy the details from here; they were not written to a log file.</source>
            <translation>Copiez les détails d'ici ; ils n'ont pas été écrits dans un fichier de log.</translation>
        </message>
        <message>
            <source>LLM Journal – unexpected error</source>
            <translation>LLM Journal – erreur inattendue</translation>
        </message>
        <message>
            <source>Your journal is saved: every run is written as it happens. You can keep working; if something looks wrong, restart the application. Please report the details below.</source>
            <translation>Votre journal est enregistré : chaque exécution est écrite au fur et à mesure. Vous pouvez continuer à travailler ; si quelque chose semble anormal, redémarrez l'application. Merci de signaler les détails ci-dessous.</translation>
        </message>
        <message>
            <source>Details</source>
            <translation>Détails</translation>
        </message>
        <message>
            <source>&amp;Copy details</source>
            <translation>&amp;Copier les détails</translation>
        </message>
    </context>
    <context>
        <name>expectation_row</name>
        <message>
            <source>✓ pass</source>
            <translation>✓ réussi</translation>
        </message>
        <message>
            <source>✗ fail</source>
            <translation>✗ échoué</translation>
        </message>
        <message>
            <source>? unsure</source>
            <translation>? incertain</translation>
        </message>
        <message>
            <source>! not graded</source>
            <translation>! non évalué</translation>
        </message>
        <message>
            <source>answer</source>
            <translation>réponse</translation>
        </message>
        <message>
            <source>thinking</source>
            <translation>réflexion</translation>
        </message>
        <message>
            <source>answer of turn</source>
            <translation>réponse du tour</translation>
        </message>
        <message>
            <source>thinking of turn</source>
            <translation>réflexion du tour</translation>
        </message>
        <message>
            <source>Kind</source>
            <translation>Type</translation>
        </message>
        <message>
            <source>not</source>
            <translation>non</translation>
        </message>
        <message>
            <source>Turn it around: the run passes when this is NOT so</source>
            <translation>Inverser : l'exécution réussit quand ce n'est PAS le cas</translation>
        </message>
        <message>
            <source>How similar, from 0 to 1 (empty: 0.8)</source>
            <translation>Degré de similarité, de 0 à 1 (vide : 0.8)</translation>
        </message>
        <message>
            <source>Similarity threshold</source>
            <translation>Seuil de similarité</translation>
        </message>
        <message>
            <source>Value</source>
            <translation>Valeur</translation>
        </message>
        <message>
            <source>What to check; \n stands for a new line</source>
            <translation>Ce qu'il faut vérifier ; \n représente un saut de ligne</translation>
        </message>
        <message>
            <source>name</source>
            <translation>nom</translation>
        </message>
        <message>
            <source>A short name to show instead of the rule (optional)</source>
            <translation>Un nom court à afficher à la place de la règle (facultatif)</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>Nom</translation>
        </message>
        <message>
            <source>Weight in a weighted score (above 0; 1 by default)</source>
            <translation>Poids dans un score pondéré (supérieur à 0 ; 1 par défaut)</translation>
        </message>
        <message>
            <source>Weight</source>
            <translation>Poids</translation>
        </message>
        <message>
            <source>Which text it reads: the answer or the model's thinking, of the run graded or of one turn of the conversation it ends (turn 1 is the first)</source>
            <translation>Le texte lu : la réponse ou la réflexion du modèle, de l'exécution évaluée ou d'un tour de la conversation qu'elle termine (le tour 1 est le premier)</translation>
        </message>
        <message>
            <source>Reads</source>
            <translation>Texte lu</translation>
        </message>
        <message>
            <source>Which turn of the conversation: 1 is its first run, the run graded its last</source>
            <translation>Quel tour de la conversation : 1 est sa première exécution, l'exécution évaluée sa dernière</translation>
        </message>
        <message>
            <source>Turn</source>
            <translation>Tour</translation>
        </message>
        <message>
            <source>Remove this expectation (Alt+Delete)</source>
            <translation>Retirer cette attente (Alt+Suppr)</translation>
        </message>
        <message>
            <source>Remove</source>
            <translation>Retirer</translation>
        </message>
        <message>
            <source>{mark}: {reason}</source>
            <translation>{mark} : {reason}</translation>
        </message>
        <message>
            <source>trying…</source>
            <translation>essai…</translation>
        </message>
        <message>
            <source>(takes no value)</source>
            <translation>(sans valeur)</translation>
        </message>
    </context>
    <context>
        <name>expectation_trial</name>
        <message>
            <source>No judge model is set: choose a judge model in Settings.</source>
            <translation>Aucun modèle juge n'est défini : choisissez un modèle juge dans les Paramètres.</translation>
        </message>
        <message>
            <source>No embedding model is set: choose an embedding model in Settings.</source>
            <translation>Aucun modèle d'embedding n'est défini : choisissez un modèle d'embedding dans les Paramètres.</translation>
        </message>
        <message>
            <source>Not connected to Ollama yet.</source>
            <translation>Pas encore connecté à Ollama.</translation>
        </message>
        <message>
            <source>Trying the expectations failed:</source>
            <translation>L'essai des attentes a échoué :</translation>
        </message>
    </context>
    <context>
        <name>expectations_editor</name>
        <message>
            <source>Grade the selected run against these expectations, without saving ({keys})</source>
            <translation>Évaluer l'exécution sélectionnée selon ces attentes, sans rien enregistrer ({keys})</translation>
        </message>
        <message>
            <source>Add what the selected run's format asks for: is-json, or json-schema with its schema (Ctrl+Alt+F)</source>
            <translation>Ajouter ce que demande le format de l'exécution sélectionnée : is-json, ou json-schema avec son schéma (Ctrl+Alt+F)</translation>
        </message>
        <message>
            <source>&amp;Try on run</source>
            <translation>&amp;Tester sur l'exécution</translation>
        </message>
        <message>
            <source>&amp;Expectations</source>
            <translation>Att&amp;entes</translation>
        </message>
        <message>
            <source>Grade these expectations on the run shown in the history, without saving anything</source>
            <translation>Évaluer ces attentes sur l'exécution affichée dans l'historique, sans rien enregistrer</translation>
        </message>
        <message>
            <source>No expectations yet: type one above (like contains:Paris) or Add.</source>
            <translation>Aucune attente pour l'instant : saisissez-en une ci-dessus (comme contains:Paris) ou cliquez sur Ajouter.</translation>
        </message>
        <message>
            <source>Expectations</source>
            <translation>Attentes</translation>
        </message>
        <message>
            <source>Add: contains:Paris, not-icontains:as an AI, words&lt;=50…</source>
            <translation>Ajouter : contains:Paris, not-icontains:as an AI, words&lt;=50…</translation>
        </message>
        <message>
            <source>Type or paste an expectation's line and press Enter</source>
            <translation>Saisissez ou collez la ligne d'une attente, puis appuyez sur Entrée</translation>
        </message>
        <message>
            <source>New expectation</source>
            <translation>Nouvelle attente</translation>
        </message>
        <message>
            <source>&amp;Add</source>
            <translation>&amp;Ajouter</translation>
        </message>
        <message>
            <source>Add the line typed on the left, or an empty row to fill in when there is none</source>
            <translation>Ajouter la ligne saisie à gauche, ou une ligne vide à remplir s'il n'y en a pas</translation>
        </message>
        <message>
            <source>From format</source>
            <translation>Depuis le format</translation>
        </message>
        <message>
            <source>all must pass</source>
            <translation>toutes doivent réussir</translation>
        </message>
        <message>
            <source>weighted score ≥</source>
            <translation>score pondéré ≥</translation>
        </message>
        <message>
            <source>How the results add up to a run's outcome</source>
            <translation>Comment les résultats donnent le résultat d'une exécution</translation>
        </message>
        <message>
            <source>How results combine</source>
            <translation>Combinaison des résultats</translation>
        </message>
        <message>
            <source>The weighted score a run needs (0 to 1)</source>
            <translation>Le score pondéré qu'une exécution doit atteindre (0 à 1)</translation>
        </message>
        <message>
            <source>Score needed</source>
            <translation>Score requis</translation>
        </message>
        <message>
            <source>Move up</source>
            <translation>Monter</translation>
        </message>
        <message>
            <source>Move down</source>
            <translation>Descendre</translation>
        </message>
        <message>
            <source>Remove</source>
            <translation>Retirer</translation>
        </message>
        <message numerus="yes">
            <source>Not saved: %n expectation(s) the journal refuses, such as {text} (the saved version is kept).</source>
            <translation>
                <numerusform>Non enregistré : %n attente refusée par le journal, comme {text} (la version enregistrée est conservée).</numerusform>
                <numerusform>Non enregistré : %n attentes refusées par le journal, comme {text} (la version enregistrée est conservée).</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Not saved: %n expectation(s) the journal refuses, such as {text}.</source>
            <translation>
                <numerusform>Non enregistré : %n attente refusée par le journal, comme {text}.</numerusform>
                <numerusform>Non enregistré : %n attentes refusées par le journal, comme {text}.</numerusform>
            </translation>
        </message>
        <message>
            <source>The selected run asked for no format: choose JSON or a schema under Settings, run it, then add from its format.</source>
            <translation>L'exécution sélectionnée ne demandait aucun format : choisissez JSON ou un schéma dans les paramètres, exécutez-la, puis ajoutez depuis son format.</translation>
        </message>
        <message>
            <source>Already expected: {expectation}</source>
            <translation>Attente déjà présente : {expectation}</translation>
        </message>
        <message>
            <source>cancelled</source>
            <translation>annulé</translation>
        </message>
        <message>
            <source>Run {number} is still running: try once it has finished.</source>
            <translation>L'exécution {number} est toujours en cours : réessayez une fois terminée.</translation>
        </message>
        <message>
            <source>Open an experiment to try its expectations.</source>
            <translation>Ouvrez une expérience pour tester ses attentes.</translation>
        </message>
        <message>
            <source>Select a run in the history to try the expectations on it.</source>
            <translation>Sélectionnez une exécution dans l'historique pour y tester les attentes.</translation>
        </message>
        <message>
            <source>Add an expectation to try it on the selected run.</source>
            <translation>Ajoutez une attente pour la tester sur l'exécution sélectionnée.</translation>
        </message>
        <message>
            <source>not tried: {why}</source>
            <translation>non testée : {why}</translation>
        </message>
        <message>
            <source>{summary}. Show or hide them (Alt+E)</source>
            <translation>{summary}. Les afficher ou les masquer (Alt+E)</translation>
        </message>
        <message>
            <source>Cancel &amp;trying</source>
            <translation>Annuler le &amp;test</translation>
        </message>
        <message>
            <source>Stop asking the judge or embedding model</source>
            <translation>Cesser d'interroger le modèle juge ou d'embedding</translation>
        </message>
        <message>
            <source>No expectations: runs are not graded</source>
            <translation>Aucune attente : les exécutions ne sont pas évaluées</translation>
        </message>
        <message numerus="yes">
            <source>%n expectation(s), all must pass</source>
            <translation>
                <numerusform>%n attente, elle doit être réussie</numerusform>
                <numerusform>%n attentes, toutes doivent être réussies</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n expectation(s), weighted score at least {threshold}</source>
            <translation>
                <numerusform>%n attente, score pondéré d'au moins {threshold}</numerusform>
                <numerusform>%n attentes, score pondéré d'au moins {threshold}</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>experiment_editor</name>
        <message>
            <source>Tags</source>
            <translation>Étiquettes</translation>
        </message>
        <message>
            <source>Hypothesis</source>
            <translation>Hypothèse</translation>
        </message>
        <message>
            <source>Expected</source>
            <translation>Attendu</translation>
        </message>
        <message>
            <source>Conclusion</source>
            <translation>Conclusion</translation>
        </message>
        <message>
            <source>Select an experiment, or press Ctrl+N to start one.</source>
            <translation>Sélectionnez une expérience, ou appuyez sur Ctrl+N pour en commencer une.</translation>
        </message>
        <message>
            <source>Untitled experiment — what are you trying?</source>
            <translation>Expérience sans titre — qu'essayez-vous ?</translation>
        </message>
        <message>
            <source>Title</source>
            <translation>Titre</translation>
        </message>
        <message>
            <source>tags, separated by commas</source>
            <translation>étiquettes, séparées par des virgules</translation>
        </message>
        <message>
            <source>Hypothesis: what do you expect, and why?</source>
            <translation>Hypothèse : qu'attendez-vous, et pourquoi ?</translation>
        </message>
        <message>
            <source>Expected outcome: what would count as “it worked”?</source>
            <translation>Résultat attendu : qu'est-ce qui voudrait dire « ça a fonctionné » ?</translation>
        </message>
        <message>
            <source>Conclusion: what did you learn?</source>
            <translation>Conclusion : qu'avez-vous appris ?</translation>
        </message>
    </context>
    <context>
        <name>experiment_list_model</name>
        <message>
            <source>Worked</source>
            <translation>A fonctionné</translation>
        </message>
        <message>
            <source>Partly</source>
            <translation>En partie</translation>
        </message>
        <message>
            <source>Failed</source>
            <translation>A échoué</translation>
        </message>
        <message>
            <source>(untitled)</source>
            <translation>(sans titre)</translation>
        </message>
        <message>
            <source>worked</source>
            <translation>a fonctionné</translation>
        </message>
        <message>
            <source>partly</source>
            <translation>en partie</translation>
        </message>
        <message>
            <source>failed</source>
            <translation>a échoué</translation>
        </message>
        <message>
            <source>Title</source>
            <translation>Titre</translation>
        </message>
        <message>
            <source>Last model</source>
            <translation>Dernier modèle</translation>
        </message>
        <message>
            <source>Passes</source>
            <translation>Réussies</translation>
        </message>
        <message>
            <source>Runs</source>
            <translation>Exécutions</translation>
        </message>
        <message>
            <source>Date</source>
            <translation>Date</translation>
        </message>
        <message>
            <source>On how many of the models tried it worked: each model counts by its latest verdict (yours, on its newest judged run). Hover a row for each model. The verdict filter means the same.</source>
            <translation>Sur combien des modèles essayés elle a fonctionné : chaque modèle compte selon son dernier verdict (le vôtre, sur sa plus récente exécution jugée). Survolez une ligne pour voir chaque modèle. Le filtre de verdict a le même sens.</translation>
        </message>
        <message>
            <source>How many of the runs on the last model pass the experiment's expectations (your verdict counts over the grades); — when it has none. A half-and-half dot: worked only some of the time.</source>
            <translation>Combien des exécutions sur le dernier modèle satisfont les attentes de l'expérience (votre verdict l'emporte sur les évaluations) ; — quand elle n'en a pas. Un point moitié-moitié : n'a fonctionné qu'une partie du temps.</translation>
        </message>
        <message>
            <source>{worked} of {tried}</source>
            <translation>{worked} sur {tried}</translation>
        </message>
        <message>
            <source>No finished runs yet</source>
            <translation>Aucune exécution terminée pour l'instant</translation>
        </message>
        <message>
            <source>No runs yet</source>
            <translation>Aucune exécution pour l'instant</translation>
        </message>
        <message>
            <source>{model}: {standing}</source>
            <translation>{model} : {standing}</translation>
        </message>
        <message numerus="yes">
            <source>Not judged yet (%n model(s))</source>
            <translation>
                <numerusform>Pas encore jugée (%n modèle)</numerusform>
                <numerusform>Pas encore jugée (%n modèles)</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Worked on {worked} of %n model(s)</source>
            <translation>
                <numerusform>A fonctionné sur {worked} de %n modèle</numerusform>
                <numerusform>A fonctionné sur {worked} des %n modèles</numerusform>
            </translation>
        </message>
        <message>
            <source>{heading} ({waiting} not judged yet)</source>
            <translation>{heading} ({waiting} pas encore jugés)</translation>
        </message>
        <message>
            <source>not judged yet</source>
            <translation>pas encore jugé</translation>
        </message>
        <message>
            <source>{title} (archived)</source>
            <translation>{title} (archivée)</translation>
        </message>
        <message>
            <source>Tags: {tags}</source>
            <translation>Étiquettes : {tags}</translation>
        </message>
        <message>
            <source>Created {date}</source>
            <translation>Créée le {date}</translation>
        </message>
        <message>
            <source>{model}, last run {date}</source>
            <translation>{model}, dernière exécution le {date}</translation>
        </message>
    </context>
    <context>
        <name>export_dialog</name>
        <message>
            <source>Export as Markdown</source>
            <translation>Exporter en Markdown</translation>
        </message>
        <message>
            <source>The whole journal</source>
            <translation>Tout le journal</translation>
        </message>
        <message>
            <source>The experiments the list shows</source>
            <translation>Les expériences affichées dans la liste</translation>
        </message>
        <message>
            <source>The current experiment</source>
            <translation>L'expérience en cours</translation>
        </message>
        <message>
            <source>counting…</source>
            <translation>décompte…</translation>
        </message>
        <message>
            <source>No filter is set.</source>
            <translation>Aucun filtre n'est défini.</translation>
        </message>
        <message>
            <source>No experiment is open.</source>
            <translation>Aucune expérience n'est ouverte.</translation>
        </message>
        <message>
            <source>What</source>
            <translation>Quoi</translation>
        </message>
        <message>
            <source>One Markdown file</source>
            <translation>Un seul fichier Markdown</translation>
        </message>
        <message>
            <source>A folder: index.md and one file per experiment</source>
            <translation>Un dossier : index.md et un fichier par expérience</translation>
        </message>
        <message>
            <source>How</source>
            <translation>Comment</translation>
        </message>
        <message>
            <source>A folder suits git and Obsidian: stable file names such as 0042-rivers-that-cross-borders.md. Either way every value is kept, so the export can be imported back.</source>
            <translation>Un dossier convient à git et à Obsidian : des noms de fichiers stables comme 0042-rivers-that-cross-borders.md. Dans les deux cas, chaque valeur est conservée : l'export peut être réimporté.</translation>
        </message>
        <message>
            <source>Choose…</source>
            <translation>Choisir…</translation>
        </message>
        <message>
            <source>Where</source>
            <translation>Où</translation>
        </message>
        <message>
            <source>Preparing the preview…</source>
            <translation>Préparation de l'aperçu…</translation>
        </message>
        <message>
            <source>&lt;b&gt;Preview&lt;/b&gt;</source>
            <translation>&lt;b&gt;Aperçu&lt;/b&gt;</translation>
        </message>
        <message>
            <source>The first experiments as they will read. The machine-readable metadata that keeps every value is not shown.</source>
            <translation>Les premières expériences telles qu'elles se liront. Les métadonnées lisibles par machine, qui conservent chaque valeur, ne sont pas affichées.</translation>
        </message>
        <message>
            <source>&amp;Export</source>
            <translation>&amp;Exporter</translation>
        </message>
        <message>
            <source>Close</source>
            <translation>Fermer</translation>
        </message>
        <message>
            <source>Export into a folder (new or empty, or an earlier export)</source>
            <translation>Exporter dans un dossier (nouveau ou vide, ou un export précédent)</translation>
        </message>
        <message>
            <source>Export to a Markdown file</source>
            <translation>Exporter vers un fichier Markdown</translation>
        </message>
        <message>
            <source>Markdown (*.md);;All files (*)</source>
            <translation>Markdown (*.md);;Tous les fichiers (*)</translation>
        </message>
        <message>
            <source>Replace the earlier export?</source>
            <translation>Remplacer l'export précédent ?</translation>
        </message>
        <message>
            <source>{path} already exists.

Replace it with this export? The old one is replaced only once the new one is complete.</source>
            <translation>{path} existe déjà.

Le remplacer par cet export ? L'ancien n'est remplacé qu'une fois le nouveau terminé.</translation>
        </message>
        <message>
            <source>(untitled)</source>
            <translation>(sans titre)</translation>
        </message>
        <message>
            <source>No preview: {reason}</source>
            <translation>Pas d'aperçu : {reason}</translation>
        </message>
        <message>
            <source>Choose where to save the export.</source>
            <translation>Choisissez où enregistrer l'export.</translation>
        </message>
        <message>
            <source>Exporting to {path}…</source>
            <translation>Export vers {path}…</translation>
        </message>
        <message numerus="yes">
            <source>%n run(s)</source>
            <translation>
                <numerusform>%n exécution</numerusform>
                <numerusform>%n exécutions</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n experiment(s)</source>
            <translation>
                <numerusform>%n expérience</numerusform>
                <numerusform>%n expériences</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>fan_out_dialog</name>
        <message>
            <source>Replay on several models</source>
            <translation>Rejouer sur plusieurs modèles</translation>
        </message>
        <message>
            <source>Replay run {id} on each model ticked below, one at a time so Ollama is not overloaded. Esc stops the current answer and the rest of the queue.</source>
            <translation>Rejouer l'exécution {id} sur chaque modèle coché ci-dessous, un à la fois pour ne pas surcharger Ollama. Échap arrête la réponse en cours et le reste de la file.</translation>
        </message>
        <message>
            <source>Replay</source>
            <translation>Rejouer</translation>
        </message>
        <message>
            <source>Re&amp;generate every turn</source>
            <translation>Ré&amp;générer chaque tour</translation>
        </message>
        <message>
            <source>Send every turn up to run {id} again, each after the new answers, as a new branch; unticked, only this turn is replayed, after the recorded ones</source>
            <translation>Renvoyer chaque tour jusqu'à l'exécution {id}, chacun après les nouvelles réponses, comme une nouvelle branche ; décoché, seul ce tour est rejoué, après les tours enregistrés</translation>
        </message>
    </context>
    <context>
        <name>filter_text</name>
        <message>
            <source>worked</source>
            <translation>a fonctionné</translation>
        </message>
        <message>
            <source>partly</source>
            <translation>en partie</translation>
        </message>
        <message>
            <source>failed</source>
            <translation>a échoué</translation>
        </message>
        <message>
            <source>model {model}</source>
            <translation>modèle {model}</translation>
        </message>
        <message>
            <source>unrated</source>
            <translation>non évaluées</translation>
        </message>
        <message>
            <source>tag {tag}</source>
            <translation>étiquette {tag}</translation>
        </message>
        <message>
            <source>“{words}”</source>
            <translation>« {words} »</translation>
        </message>
        <message>
            <source>since {date}</source>
            <translation>depuis le {date}</translation>
        </message>
        <message>
            <source>before {date}</source>
            <translation>avant le {date}</translation>
        </message>
    </context>
    <context>
        <name>follow_up</name>
        <message>
            <source>Follow-up</source>
            <translation>Relance</translation>
        </message>
        <message>
            <source>Leave follow-up mode: the next Run starts afresh (Esc)</source>
            <translation>Quitter le mode relance : la prochaine exécution repart de zéro (Échap)</translation>
        </message>
        <message>
            <source>Leave follow-up mode</source>
            <translation>Quitter le mode relance</translation>
        </message>
        <message>
            <source>Select a run in the history to continue it.</source>
            <translation>Sélectionnez une exécution dans l'historique pour la poursuivre.</translation>
        </message>
        <message>
            <source>Run {id} is still answering: continue it once it has finished.</source>
            <translation>L'exécution {id} répond encore : poursuivez-la une fois terminée.</translation>
        </message>
        <message>
            <source>Follow-up to run {id} · turn {turn} · {model}</source>
            <translation>Relance de l'exécution {id} · tour {turn} · {model}</translation>
        </message>
        <message>
            <source>The next Run sends the conversation up to run {id} with the new prompt; the model and settings are run {id}'s unless you change them. Continuing an earlier turn makes a branch.</source>
            <translation>La prochaine exécution envoie la conversation jusqu'à l'exécution {id} avec le nouveau prompt ; le modèle et les paramètres sont ceux de l'exécution {id}, sauf si vous les changez. Poursuivre un tour antérieur crée une branche.</translation>
        </message>
        <message>
            <source>Waiting for the model…</source>
            <translation>En attente du modèle…</translation>
        </message>
        <message>
            <source>{model}  ·  turn {turn}  ·  starting…</source>
            <translation>{model}  ·  tour {turn}  ·  démarrage…</translation>
        </message>
    </context>
    <context>
        <name>format_setting</name>
        <message>
            <source>None</source>
            <translation>Aucun</translation>
        </message>
        <message>
            <source>JSON</source>
            <translation>JSON</translation>
        </message>
        <message>
            <source>JSON schema</source>
            <translation>Schéma JSON</translation>
        </message>
        <message>
            <source>Format</source>
            <translation>Format</translation>
        </message>
        <message>
            <source>What the answer must be: free text, any JSON, or JSON that follows a schema (Ollama's format; the run records it and a replay sends it again)</source>
            <translation>Ce que doit être la réponse : texte libre, n'importe quel JSON, ou du JSON qui suit un schéma (le format d'Ollama ; l'exécution l'enregistre et un rejeu le renvoie)</translation>
        </message>
        <message>
            <source>F&amp;ormat</source>
            <translation>F&amp;ormat</translation>
        </message>
        <message>
            <source>The JSON schema the answer must follow, checked as you type</source>
            <translation>Le schéma JSON que la réponse doit suivre, vérifié pendant la saisie</translation>
        </message>
        <message>
            <source>&amp;Load from file…</source>
            <translation>C&amp;harger depuis un fichier…</translation>
        </message>
        <message>
            <source>Read the JSON schema from a .json file into the editor</source>
            <translation>Lire le schéma JSON depuis un fichier .json dans l'éditeur</translation>
        </message>
        <message>
            <source>Load a JSON schema</source>
            <translation>Charger un schéma JSON</translation>
        </message>
        <message>
            <source>JSON schema (*.json);;All files (*)</source>
            <translation>Schéma JSON (*.json);;Tous les fichiers (*)</translation>
        </message>
        <message>
            <source>Write the JSON schema the answer must follow, or load one.</source>
            <translation>Écrivez le schéma JSON que la réponse doit suivre, ou chargez-en un.</translation>
        </message>
        <message>
            <source>✓ a valid JSON schema</source>
            <translation>✓ un schéma JSON valide</translation>
        </message>
    </context>
    <context>
        <name>grade_marks</name>
        <message>
            <source>passes</source>
            <translation>réussi</translation>
        </message>
        <message>
            <source>fails</source>
            <translation>échoué</translation>
        </message>
        <message>
            <source>unsure</source>
            <translation>incertain</translation>
        </message>
        <message>
            <source>could not be graded</source>
            <translation>n'a pas pu être évalué</translation>
        </message>
        <message>
            <source>grading…</source>
            <translation>évaluation…</translation>
        </message>
        <message>
            <source>not graded</source>
            <translation>non évalué</translation>
        </message>
        <message>
            <source>{label}: {verdict}</source>
            <translation>{label} : {verdict}</translation>
        </message>
        <message>
            <source>Graded against an older version ({old}); re-grade (Ctrl+G) to grade it as it is now.</source>
            <translation>Évalué selon une version antérieure ({old}) ; réévaluez (Ctrl+G) pour l'évaluer telle qu'elle est maintenant.</translation>
        </message>
        <message>
            <source>? Needs a look: {reason}</source>
            <translation>? À vérifier : {reason}</translation>
        </message>
        <message>
            <source> · grading…</source>
            <translation> · évaluation…</translation>
        </message>
        <message numerus="yes">
            <source>%n of {total} pass</source>
            <translation>
                <numerusform>%n sur {total} réussit</numerusform>
                <numerusform>%n sur {total} réussissent</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n unsure</source>
            <translation>
                <numerusform>%n incertain</numerusform>
                <numerusform>%n incertains</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n error(s)</source>
            <translation>
                <numerusform>%n erreur</numerusform>
                <numerusform>%n erreurs</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n not graded</source>
            <translation>
                <numerusform>%n non évaluée</numerusform>
                <numerusform>%n non évaluées</numerusform>
            </translation>
        </message>
        <message>
            <source>{counts} ({others})</source>
            <translation>{counts} ({others})</translation>
        </message>
        <message>
            <source>{counts}, score {score} (needs {threshold})</source>
            <translation>{counts}, score {score} (seuil {threshold})</translation>
        </message>
        <message>
            <source>{counts}; {reason}</source>
            <translation>{counts} ; {reason}</translation>
        </message>
        <message>
            <source>added after this run was graded: re-grade (Ctrl+G)</source>
            <translation>ajoutée après l'évaluation de cette exécution : réévaluez (Ctrl+G)</translation>
        </message>
        <message>
            <source>Grades of this run</source>
            <translation>Évaluations de cette exécution</translation>
        </message>
        <message>
            <source> (old)</source>
            <translation> (ancienne)</translation>
        </message>
    </context>
    <context>
        <name>grading_controls</name>
        <message>
            <source>Judge and embedding grades are on their way; click to stop grading ({keys})</source>
            <translation>Les évaluations par juge et par embedding arrivent ; cliquez pour arrêter l'évaluation ({keys})</translation>
        </message>
        <message>
            <source>Select runs in the history to re-grade them.</source>
            <translation>Sélectionnez des exécutions dans l'historique pour les réévaluer.</translation>
        </message>
        <message numerus="yes">
            <source>Grading stopped: %n run(s) not graded again; re-grade (Ctrl+G) when you like.</source>
            <translation>
                <numerusform>Évaluation arrêtée : %n exécution non réévaluée ; réévaluez (Ctrl+G) quand vous voulez.</numerusform>
                <numerusform>Évaluation arrêtée : %n exécutions non réévaluées ; réévaluez (Ctrl+G) quand vous voulez.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Re-grading %n run(s)…</source>
            <translation>
                <numerusform>Réévaluation de %n exécution…</numerusform>
                <numerusform>Réévaluation de %n exécutions…</numerusform>
            </translation>
        </message>
        <message>
            <source>Nothing to re-grade: only finished runs of an experiment with expectations are graded.</source>
            <translation>Rien à réévaluer : seules les exécutions terminées d'une expérience avec des attentes sont évaluées.</translation>
        </message>
        <message numerus="yes">
            <source>grading %n run(s)…</source>
            <translation>
                <numerusform>évaluation de %n exécution…</numerusform>
                <numerusform>évaluation de %n exécutions…</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>grading_relay</name>
        <message>
            <source>Grading failed:</source>
            <translation>L'évaluation a échoué :</translation>
        </message>
        <message>
            <source>Grading run {id} failed: {message}</source>
            <translation>L'évaluation de l'exécution {id} a échoué : {message}</translation>
        </message>
    </context>
    <context>
        <name>help_dialogs</name>
        <message>
            <source>A lab notebook for trial-and-error work with local language models served by Ollama.</source>
            <translation>Un cahier de laboratoire pour expérimenter par essais et erreurs avec des modèles de langage locaux servis par Ollama.</translation>
        </message>
        <message>
            <source>not connected</source>
            <translation>non connecté</translation>
        </message>
        <message>
            <source>ollama (Python client)</source>
            <translation>ollama (client Python)</translation>
        </message>
        <message>
            <source>Ollama server</source>
            <translation>Serveur Ollama</translation>
        </message>
        <message>
            <source>Journal file</source>
            <translation>Fichier du journal</translation>
        </message>
        <message>
            <source>Keyboard shortcuts</source>
            <translation>Raccourcis clavier</translation>
        </message>
        <message>
            <source>Shortcut</source>
            <translation>Raccourci</translation>
        </message>
        <message>
            <source>Action</source>
            <translation>Action</translation>
        </message>
        <message>
            <source>About {app}</source>
            <translation>À propos de {app}</translation>
        </message>
        <message>
            <source>Version {version}</source>
            <translation>Version {version}</translation>
        </message>
        <message>
            <source>{name}:</source>
            <translation>{name} :</translation>
        </message>
        <message>
            <source>&amp;Copy versions</source>
            <translation>&amp;Copier les versions</translation>
        </message>
        <message>
            <source>Copy these lines, e.g. for a bug report</source>
            <translation>Copier ces lignes, par exemple pour un rapport de bogue</translation>
        </message>
    </context>
    <context>
        <name>image_strip</name>
        <message>
            <source>Images (*.png *.jpg *.jpeg *.webp);;All files (*)</source>
            <translation>Images (*.png *.jpg *.jpeg *.webp);;Tous les fichiers (*)</translation>
        </message>
        <message>
            <source>{width}×{height} pixels</source>
            <translation>{width}×{height} pixels</translation>
        </message>
        <message>
            <source>Attach images</source>
            <translation>Joindre des images</translation>
        </message>
        <message>
            <source>Attached image {name}</source>
            <translation>Image jointe {name}</translation>
        </message>
        <message>
            <source>Remove {name} from the prompt</source>
            <translation>Retirer {name} du prompt</translation>
        </message>
        <message>
            <source>Remove {name}</source>
            <translation>Retirer {name}</translation>
        </message>
    </context>
    <context>
        <name>import_dialog</name>
        <message>
            <source>Import a Markdown export</source>
            <translation>Importer un export Markdown</translation>
        </message>
        <message>
            <source>Import an export made by LLM Journal: one .md file, or an export folder. Experiments and runs already in this journal are recognised and skipped; a damaged file is refused as a whole.</source>
            <translation>Importez un export fait par LLM Journal : un fichier .md, ou un dossier d'export. Les expériences et exécutions déjà présentes dans ce journal sont reconnues et ignorées ; un fichier endommagé est refusé en entier.</translation>
        </message>
        <message>
            <source>an exported .md file or export folder</source>
            <translation>un fichier .md exporté ou un dossier d'export</translation>
        </message>
        <message>
            <source>File…</source>
            <translation>Fichier…</translation>
        </message>
        <message>
            <source>Folder…</source>
            <translation>Dossier…</translation>
        </message>
        <message>
            <source>&amp;Import</source>
            <translation>&amp;Importer</translation>
        </message>
        <message>
            <source>Close</source>
            <translation>Fermer</translation>
        </message>
        <message>
            <source>Import an export folder</source>
            <translation>Importer un dossier d'export</translation>
        </message>
        <message>
            <source>Import an exported file</source>
            <translation>Importer un fichier exporté</translation>
        </message>
        <message>
            <source>Markdown (*.md);;All files (*)</source>
            <translation>Markdown (*.md);;Tous les fichiers (*)</translation>
        </message>
        <message>
            <source>Importing {path}…</source>
            <translation>Import de {path}…</translation>
        </message>
        <message>
            <source>Imported: {summary}</source>
            <translation>Importé : {summary}</translation>
        </message>
        <message>
            <source>Readable text edited in {where}: the edits were not imported (the metadata is what is read).</source>
            <translation>Texte lisible modifié dans {where} : les modifications n'ont pas été importées (ce sont les métadonnées qui sont lues).</translation>
        </message>
        <message>
            <source>Nothing was imported.</source>
            <translation>Rien n'a été importé.</translation>
        </message>
    </context>
    <context>
        <name>input_set_editor</name>
        <message>
            <source>No inputs yet: paste rows from a spreadsheet (Ctrl+V) or add a row</source>
            <translation>Aucune entrée pour l'instant : collez des lignes d'un tableur (Ctrl+V) ou ajoutez une ligne</translation>
        </message>
        <message>
            <source>&amp;Inputs</source>
            <translation>E&amp;ntrées</translation>
        </message>
        <message>
            <source>Show or hide the inputs (Alt+I)</source>
            <translation>Afficher ou masquer les entrées (Alt+N)</translation>
        </message>
        <message>
            <source>Add ro&amp;w</source>
            <translation>Ajouter une li&amp;gne</translation>
        </message>
        <message>
            <source>Add an empty row at the end ({keys})</source>
            <translation>Ajouter une ligne vide à la fin ({keys})</translation>
        </message>
        <message>
            <source>Add c&amp;olumn</source>
            <translation>Ajouter une c&amp;olonne</translation>
        </message>
        <message>
            <source>Add a variable to every row (or the expect column, for a row's own expectations)</source>
            <translation>Ajouter une variable à chaque ligne (ou la colonne expect, pour les attentes propres à une ligne)</translation>
        </message>
        <message>
            <source>Paste</source>
            <translation>Coller</translation>
        </message>
        <message>
            <source>Add the rows copied from a spreadsheet (Ctrl+V); a first line of column names says which cell goes where</source>
            <translation>Ajouter les lignes copiées d'un tableur (Ctrl+V) ; une première ligne de noms de colonnes indique où va chaque cellule</translation>
        </message>
        <message>
            <source>Remove</source>
            <translation>Retirer</translation>
        </message>
        <message>
            <source>Remove the selected rows (Delete)</source>
            <translation>Retirer les lignes sélectionnées (Suppr)</translation>
        </message>
        <message>
            <source>Inputs</source>
            <translation>Entrées</translation>
        </message>
        <message>
            <source>Add a row</source>
            <translation>Ajouter une ligne</translation>
        </message>
        <message>
            <source>The first variable of the inputs:</source>
            <translation>La première variable des entrées :</translation>
        </message>
        <message numerus="yes">
            <source>Removed %n input(s).</source>
            <translation>
                <numerusform>%n entrée retirée.</numerusform>
                <numerusform>%n entrées retirées.</numerusform>
            </translation>
        </message>
        <message>
            <source>Add a column</source>
            <translation>Ajouter une colonne</translation>
        </message>
        <message>
            <source>Name of the new variable:</source>
            <translation>Nom de la nouvelle variable :</translation>
        </message>
        <message>
            <source>Added the column {name}.</source>
            <translation>Colonne {name} ajoutée.</translation>
        </message>
        <message>
            <source>Renamed the column {old} to {new}.</source>
            <translation>Colonne {old} renommée en {new}.</translation>
        </message>
        <message>
            <source>The expect column keeps its name: it holds the expectations.</source>
            <translation>La colonne expect garde son nom : elle contient les attentes.</translation>
        </message>
        <message>
            <source>Rename a column</source>
            <translation>Renommer une colonne</translation>
        </message>
        <message>
            <source>New name for {name}:</source>
            <translation>Nouveau nom pour {name} :</translation>
        </message>
        <message>
            <source>Remove inputs</source>
            <translation>Retirer des entrées</translation>
        </message>
        <message numerus="yes">
            <source>Remove %n input row(s)? Runs made from them keep their values.</source>
            <translation>
                <numerusform>Retirer %n ligne d'entrée ? Les exécutions faites à partir d'elle gardent leurs valeurs.</numerusform>
                <numerusform>Retirer %n lignes d'entrée ? Les exécutions faites à partir d'elles gardent leurs valeurs.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Added %n input(s).</source>
            <translation>
                <numerusform>%n entrée ajoutée.</numerusform>
                <numerusform>%n entrées ajoutées.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n input(s) · variables: {variables}</source>
            <translation>
                <numerusform>%n entrée · variables : {variables}</numerusform>
                <numerusform>%n entrées · variables : {variables}</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>input_set_model</name>
        <message>
            <source>The value of {variable}; double-click to rename</source>
            <translation>La valeur de {variable} ; double-cliquez pour renommer</translation>
        </message>
        <message>
            <source>This row's expectations, one per line (like contains:Paris)</source>
            <translation>Les attentes de cette ligne, une par ligne (comme contains:Paris)</translation>
        </message>
    </context>
    <context>
        <name>insights_chart</name>
        <message>
            <source>&amp;Save…</source>
            <translation>&amp;Enregistrer…</translation>
        </message>
        <message>
            <source>Save this chart as a PNG or SVG file</source>
            <translation>Enregistrer ce graphique en fichier PNG ou SVG</translation>
        </message>
        <message>
            <source>Save as &amp;PNG…</source>
            <translation>Enregistrer en &amp;PNG…</translation>
        </message>
        <message>
            <source>Save as S&amp;VG…</source>
            <translation>Enregistrer en S&amp;VG…</translation>
        </message>
        <message>
            <source>Save chart</source>
            <translation>Enregistrer le graphique</translation>
        </message>
        <message>
            <source>PNG image (*.png)</source>
            <translation>Image PNG (*.png)</translation>
        </message>
        <message>
            <source>SVG drawing (*.svg)</source>
            <translation>Dessin SVG (*.svg)</translation>
        </message>
    </context>
    <context>
        <name>insights_specs</name>
        <message numerus="yes">
            <source>{model}, %n experiment(s): {worked} worked, {partly} partly, {failed} failed, {unjudged} not judged; {rate}. Click to list them.</source>
            <translation>
                <numerusform>{model}, %n expérience : {worked} a fonctionné, {partly} en partie, {failed} a échoué, {unjudged} non évaluée ; {rate}. Cliquez pour les lister.</numerusform>
                <numerusform>{model}, %n expériences : {worked} ont fonctionné, {partly} en partie, {failed} ont échoué, {unjudged} non évaluées ; {rate}. Cliquez pour les lister.</numerusform>
            </translation>
        </message>
        <message>
            <source>no run passed or failed yet</source>
            <translation>aucune exécution réussie ou échouée pour l'instant</translation>
        </message>
        <message numerus="yes">
            <source>{passed} of %n run(s) pass</source>
            <translation>
                <numerusform>{passed} sur %n réussie</numerusform>
                <numerusform>{passed} sur %n réussies</numerusform>
            </translation>
        </message>
        <message>
            <source>worked</source>
            <translation>a fonctionné</translation>
        </message>
        <message>
            <source>partly</source>
            <translation>en partie</translation>
        </message>
        <message>
            <source>failed</source>
            <translation>a échoué</translation>
        </message>
        <message>
            <source>not judged</source>
            <translation>non évaluées</translation>
        </message>
        <message>
            <source>experiments</source>
            <translation>expériences</translation>
        </message>
        <message numerus="yes">
            <source>{model}, week of {week}: {rate}% of %n run(s) pass</source>
            <translation>
                <numerusform>{model}, semaine du {week} : {rate} % de %n exécution réussissent</numerusform>
                <numerusform>{model}, semaine du {week} : {rate} % de %n exécutions réussissent</numerusform>
            </translation>
        </message>
        <message>
            <source>new weights</source>
            <translation>nouveaux poids</translation>
        </message>
        <message>
            <source>% of runs pass</source>
            <translation>% d'exécutions réussies</translation>
        </message>
        <message>
            <source>{model} got new weights (digest {digest})</source>
            <translation>{model} a reçu de nouveaux poids (empreinte {digest})</translation>
        </message>
        <message>
            <source>tokens per second</source>
            <translation>jetons par seconde</translation>
        </message>
        <message>
            <source>seconds to the first token</source>
            <translation>secondes jusqu'au premier jeton</translation>
        </message>
        <message>
            <source>seconds to load the model</source>
            <translation>secondes pour charger le modèle</translation>
        </message>
        <message numerus="yes">
            <source>{model}: median {median} {unit}; middle half {q1}-{q3}; from {low} to {high} over %n run(s)</source>
            <translation>
                <numerusform>{model} : médiane {median} {unit} ; moitié centrale {q1}-{q3} ; de {low} à {high} sur %n exécution</numerusform>
                <numerusform>{model} : médiane {median} {unit} ; moitié centrale {q1}-{q3} ; de {low} à {high} sur %n exécutions</numerusform>
            </translation>
        </message>
        <message>
            <source>slowest to fastest</source>
            <translation>du plus lent au plus rapide</translation>
        </message>
        <message>
            <source>middle half; median where the blues meet</source>
            <translation>moitié centrale ; médiane à la jonction des bleus</translation>
        </message>
        <message numerus="yes">
            <source>Week of {week}: %n run(s)</source>
            <translation>
                <numerusform>Semaine du {week} : %n exécution</numerusform>
                <numerusform>Semaine du {week} : %n exécutions</numerusform>
            </translation>
        </message>
        <message>
            <source>runs</source>
            <translation>exécutions</translation>
        </message>
    </context>
    <context>
        <name>insights_window</name>
        <message>
            <source>Tag: {value}</source>
            <translation>Étiquette : {value}</translation>
        </message>
        <message>
            <source>Model: {value}</source>
            <translation>Modèle : {value}</translation>
        </message>
        <message>
            <source>Verdict: {value}</source>
            <translation>Verdict : {value}</translation>
        </message>
        <message>
            <source>Unrated</source>
            <translation>Non évaluées</translation>
        </message>
        <message>
            <source>Search: {value}</source>
            <translation>Recherche : {value}</translation>
        </message>
        <message>
            <source>Since {value}</source>
            <translation>Depuis le {value}</translation>
        </message>
        <message>
            <source>Before {value}</source>
            <translation>Avant le {value}</translation>
        </message>
        <message>
            <source>The whole journal (the list's filters narrow it)</source>
            <translation>Tout le journal (les filtres de la liste le restreignent)</translation>
        </message>
        <message>
            <source>Filtered by the list: {filters}</source>
            <translation>Filtré par la liste : {filters}</translation>
        </message>
        <message>
            <source>Insights</source>
            <translation>Statistiques</translation>
        </message>
        <message>
            <source>&amp;Refresh</source>
            <translation>&amp;Actualiser</translation>
        </message>
        <message>
            <source>Compute the charts again from the journal (F5)</source>
            <translation>Recalculer les graphiques à partir du journal (F5)</translation>
        </message>
        <message>
            <source>Which models work</source>
            <translation>Quels modèles fonctionnent</translation>
        </message>
        <message>
            <source>Show the verdicts for one tag</source>
            <translation>Afficher les verdicts d'une étiquette</translation>
        </message>
        <message>
            <source>All tags</source>
            <translation>Toutes les étiquettes</translation>
        </message>
        <message>
            <source>Getting better?</source>
            <translation>Des progrès ?</translation>
        </message>
        <message>
            <source>How fast</source>
            <translation>Quelle vitesse</translation>
        </message>
        <message>
            <source>Which speed figure to show</source>
            <translation>Quelle mesure de vitesse afficher</translation>
        </message>
        <message>
            <source>Where the time goes</source>
            <translation>Où va le temps</translation>
        </message>
        <message>
            <source>Show the experiments with runs to judge in the list</source>
            <translation>Afficher dans la liste les expériences dont des exécutions attendent un verdict</translation>
        </message>
        <message>
            <source>Computing…</source>
            <translation>Calcul en cours…</translation>
        </message>
        <message>
            <source>Could not compute the charts.</source>
            <translation>Impossible de calculer les graphiques.</translation>
        </message>
        <message>
            <source>No run to count yet: run a prompt on a model.</source>
            <translation>Aucune exécution à compter pour l'instant : exécutez un prompt sur un modèle.</translation>
        </message>
        <message>
            <source>No pass rates yet: judge runs or give experiments expectations, and each week's share of passing runs shows here.</source>
            <translation>Pas encore de taux de réussite : évaluez des exécutions ou donnez des attentes aux expériences, et la part d'exécutions réussies de chaque semaine s'affichera ici.</translation>
        </message>
        <message>
            <source>No finished run reported this figure yet.</source>
            <translation>Aucune exécution terminée n'a encore fourni cette mesure.</translation>
        </message>
        <message numerus="yes">
            <source>%n run(s) wait for a verdict</source>
            <translation>
                <numerusform>%n exécution attend un verdict</numerusform>
                <numerusform>%n exécutions attendent un verdict</numerusform>
            </translation>
        </message>
        <message>
            <source>No runs yet: the runs of each week show here.</source>
            <translation>Aucune exécution pour l'instant : les exécutions de chaque semaine s'afficheront ici.</translation>
        </message>
    </context>
    <context>
        <name>kind_help</name>
        <message>
            <source>The text contains this, exactly as written.</source>
            <translation>Le texte contient ceci, tel quel.</translation>
        </message>
        <message>
            <source>The text contains this, ignoring upper and lower case.</source>
            <translation>Le texte contient ceci, sans tenir compte des majuscules et minuscules.</translation>
        </message>
        <message>
            <source>The text is exactly this (surrounding spaces ignored).</source>
            <translation>Le texte est exactement ceci (espaces autour ignorées).</translation>
        </message>
        <message>
            <source>The text starts with this.</source>
            <translation>Le texte commence par ceci.</translation>
        </message>
        <message>
            <source>A regular expression matches somewhere in the text.</source>
            <translation>Une expression régulière correspond quelque part dans le texte.</translation>
        </message>
        <message>
            <source>The text is valid JSON.</source>
            <translation>Le texte est du JSON valide.</translation>
        </message>
        <message>
            <source>The text is JSON that meets this JSON schema (or @file.json).</source>
            <translation>Le texte est du JSON conforme à ce schéma JSON (ou @fichier.json).</translation>
        </message>
        <message>
            <source>How many words: an operator and a number.</source>
            <translation>Combien de mots : un opérateur et un nombre.</translation>
        </message>
        <message>
            <source>How many characters: an operator and a number.</source>
            <translation>Combien de caractères : un opérateur et un nombre.</translation>
        </message>
        <message>
            <source>How many lines: an operator and a number.</source>
            <translation>Combien de lignes : un opérateur et un nombre.</translation>
        </message>
        <message>
            <source>How fast the model answered, in tokens per second.</source>
            <translation>La vitesse de réponse du modèle, en jetons par seconde.</translation>
        </message>
        <message>
            <source>How long until the first token (seconds, or ms).</source>
            <translation>Le délai avant le premier jeton (en secondes, ou ms).</translation>
        </message>
        <message>
            <source>Why the model stopped (stop, length, ...).</source>
            <translation>Pourquoi le modèle s'est arrêté (stop, length, ...).</translation>
        </message>
        <message>
            <source>Means about the same as this text (embedding similarity, 0 to 1).</source>
            <translation>Veut dire à peu près la même chose que ce texte (similarité d'embeddings, de 0 à 1).</translation>
        </message>
        <message>
            <source>A judge model reads the answer and decides whether it meets this rubric.</source>
            <translation>Un modèle juge lit la réponse et décide si elle satisfait cette grille.</translation>
        </message>
        <message>
            <source>{help} Example: {example}</source>
            <translation>{help} Exemple : {example}</translation>
        </message>
    </context>
    <context>
        <name>list_panel</name>
        <message>
            <source>Search title, prompts, answers, notes…</source>
            <translation>Rechercher titre, prompts, réponses, notes…</translation>
        </message>
        <message>
            <source>No experiments yet — press Ctrl+N to start one</source>
            <translation>Aucune expérience pour l'instant — appuyez sur Ctrl+N pour en commencer une</translation>
        </message>
        <message>
            <source>Nothing matches these filters</source>
            <translation>Rien ne correspond à ces filtres</translation>
        </message>
        <message>
            <source>Any time</source>
            <translation>Toute date</translation>
        </message>
        <message>
            <source>Today</source>
            <translation>Aujourd'hui</translation>
        </message>
        <message>
            <source>Last 7 days</source>
            <translation>7 derniers jours</translation>
        </message>
        <message>
            <source>Last 30 days</source>
            <translation>30 derniers jours</translation>
        </message>
        <message>
            <source>This year</source>
            <translation>Cette année</translation>
        </message>
        <message>
            <source>Search (Ctrl+F)</source>
            <translation>Rechercher (Ctrl+F)</translation>
        </message>
        <message>
            <source>Any model</source>
            <translation>Tout modèle</translation>
        </message>
        <message>
            <source>Only experiments with a run of this model</source>
            <translation>Seulement les expériences avec une exécution de ce modèle</translation>
        </message>
        <message>
            <source>Any verdict</source>
            <translation>Tout verdict</translation>
        </message>
        <message>
            <source>Only experiments whose latest verdict on some model (on the chosen model, if any) is this; Unrated: a model with finished runs not judged yet</source>
            <translation>Seulement les expériences dont le dernier verdict sur un modèle (sur le modèle choisi, s'il y en a un) est celui-ci ; Non évaluées : un modèle avec des exécutions terminées pas encore jugées</translation>
        </message>
        <message>
            <source>Unrated</source>
            <translation>Non évaluées</translation>
        </message>
        <message>
            <source>Any tag</source>
            <translation>Toute étiquette</translation>
        </message>
        <message>
            <source>Only experiments with this tag</source>
            <translation>Seulement les expériences avec cette étiquette</translation>
        </message>
        <message>
            <source>Only experiments created since</source>
            <translation>Seulement les expériences créées depuis</translation>
        </message>
        <message>
            <source>Clear filters</source>
            <translation>Sans filtre</translation>
        </message>
        <message>
            <source>Show every experiment again</source>
            <translation>Retirer les filtres : afficher de nouveau toutes les expériences</translation>
        </message>
        <message>
            <source>Archived</source>
            <translation>Archivées</translation>
        </message>
        <message>
            <source>Show archived experiments too (muted); the list hides them otherwise</source>
            <translation>Afficher aussi les expériences archivées (estompées) ; sinon la liste les masque</translation>
        </message>
        <message>
            <source>{since} to {until}</source>
            <translation>du {since} au {until}</translation>
        </message>
        <message>
            <source>Since {since}</source>
            <translation>Depuis le {since}</translation>
        </message>
        <message>
            <source>Before {until}</source>
            <translation>Avant le {until}</translation>
        </message>
        <message>
            <source>The journal could not be read.</source>
            <translation>Le journal n'a pas pu être lu.</translation>
        </message>
        <message numerus="yes">
            <source>%Ln+ matching</source>
            <translation>
                <numerusform>%Ln+ correspondante</numerusform>
                <numerusform>%Ln+ correspondantes</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%Ln matching</source>
            <translation>
                <numerusform>%Ln correspondante</numerusform>
                <numerusform>%Ln correspondantes</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%Ln+ experiment(s)</source>
            <translation>
                <numerusform>%Ln+ expérience</numerusform>
                <numerusform>%Ln+ expériences</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%Ln experiment(s)</source>
            <translation>
                <numerusform>%Ln expérience</numerusform>
                <numerusform>%Ln expériences</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>live_refresh</name>
        <message>
            <source>The experiment was changed elsewhere; your edits are kept.</source>
            <translation>L'expérience a été modifiée ailleurs ; vos modifications sont conservées.</translation>
        </message>
        <message>
            <source>Other programs' changes will not show until the journal is opened again.</source>
            <translation>Les modifications des autres programmes n'apparaîtront qu'à la prochaine ouverture du journal.</translation>
        </message>
    </context>
    <context>
        <name>main_window</name>
        <message>
            <source>LLM Journal</source>
            <translation>LLM Journal</translation>
        </message>
        <message>
            <source>Save answer as…</source>
            <translation>Enregistrer la réponse sous…</translation>
        </message>
        <message>
            <source>The journal is still opening…</source>
            <translation>Le journal est encore en cours d'ouverture…</translation>
        </message>
        <message>
            <source>Waiting for the model…</source>
            <translation>En attente du modèle…</translation>
        </message>
        <message>
            <source>{model}  ·  starting…</source>
            <translation>{model}  ·  démarrage…</translation>
        </message>
        <message>
            <source>Choose a model to replay on.</source>
            <translation>Choisissez un modèle sur lequel rejouer.</translation>
        </message>
        <message>
            <source>Select a run in the history to replay it.</source>
            <translation>Sélectionnez une exécution dans l'historique pour la rejouer.</translation>
        </message>
        <message>
            <source>Checking the model, then replaying…</source>
            <translation>Vérification du modèle, puis rejeu…</translation>
        </message>
        <message>
            <source>replaying run {number}…</source>
            <translation>rejeu de l'exécution {number}…</translation>
        </message>
        <message>
            <source>Stopping…</source>
            <translation>Arrêt en cours…</translation>
        </message>
        <message>
            <source>&lt;b&gt;The answer is not saved yet:&lt;/b&gt; {reason} It is kept in memory and saved as soon as the journal takes it, or save it to a file now.</source>
            <translation>&lt;b&gt;La réponse n'est pas encore enregistrée :&lt;/b&gt; {reason} Elle est gardée en mémoire et enregistrée dès que le journal l'accepte ; vous pouvez aussi l'enregistrer dans un fichier maintenant.</translation>
        </message>
        <message>
            <source>&lt;b&gt;Run {number} was not saved:&lt;/b&gt; {reason} Save its answer to a file to keep it.</source>
            <translation>&lt;b&gt;L'exécution {number} n'a pas été enregistrée :&lt;/b&gt; {reason} Enregistrez sa réponse dans un fichier pour la garder.</translation>
        </message>
        <message numerus="yes">
            <source>The answer (%n character(s)) is in {path}.</source>
            <translation>
                <numerusform>La réponse (%n caractère) est dans {path}.</numerusform>
                <numerusform>La réponse (%n caractères) est dans {path}.</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>matrix_dialog</name>
        <message>
            <source>worked</source>
            <translation>a fonctionné</translation>
        </message>
        <message>
            <source>partly</source>
            <translation>en partie</translation>
        </message>
        <message>
            <source>failed</source>
            <translation>a échoué</translation>
        </message>
        <message>
            <source>{model}
digest {digest}</source>
            <translation>{model}
empreinte {digest}</translation>
        </message>
        <message>
            <source>(untitled)</source>
            <translation>(sans titre)</translation>
        </message>
        <message>
            <source>Experiment {id}: {title}</source>
            <translation>Expérience {id} : {title}</translation>
        </message>
        <message>
            <source>No run on these weights</source>
            <translation>Aucune exécution sur ces poids</translation>
        </message>
        <message>
            <source>not rated</source>
            <translation>non évaluée</translation>
        </message>
        <message numerus="yes">
            <source>{verdict} (run {id}; %n run(s))
Double-click to open</source>
            <translation>
                <numerusform>{verdict} (exécution {id} ; %n exécution)
Double-cliquez pour ouvrir</numerusform>
                <numerusform>{verdict} (exécution {id} ; %n exécutions)
Double-cliquez pour ouvrir</numerusform>
            </translation>
        </message>
        <message>
            <source>{rate}
Double-click to open run {id}</source>
            <translation>{rate}
Double-cliquez pour ouvrir l'exécution {id}</translation>
        </message>
        <message>
            <source>Experiments × models</source>
            <translation>Expériences × modèles</translation>
        </message>
        <message>
            <source>Show &amp;pass rates</source>
            <translation>Afficher les taux de &amp;réussite</translation>
        </message>
        <message>
            <source>Show how many of each cell's runs pass the experiment's expectations instead of the latest verdict (Alt+P)</source>
            <translation>Afficher combien d'exécutions de chaque cellule réussissent les attentes de l'expérience au lieu du dernier verdict (Alt+R)</translation>
        </message>
        <message>
            <source>No experiment matches, or none has runs yet.</source>
            <translation>Aucune expérience ne correspond, ou aucune n'a encore d'exécutions.</translation>
        </message>
        <message>
            <source>How many runs on each model's weights pass the experiment's expectations (— = nothing to grade by; ~ = worked only some of the time). Double-click a cell to open its run.</source>
            <translation>Combien d'exécutions sur les poids de chaque modèle réussissent les attentes de l'expérience (— = rien pour évaluer ; ~ = n'a fonctionné qu'une partie du temps). Double-cliquez sur une cellule pour ouvrir son exécution.</translation>
        </message>
        <message>
            <source>Latest verdict of each experiment on each model's weights ({unrated} = ran, not rated). Double-click a cell to open its run.</source>
            <translation>Dernier verdict de chaque expérience sur les poids de chaque modèle ({unrated} = exécutée, non évaluée). Double-cliquez sur une cellule pour ouvrir son exécution.</translation>
        </message>
    </context>
    <context>
        <name>model_details_dialog</name>
        <message>
            <source>Model {name}</source>
            <translation>Modèle {name}</translation>
        </message>
        <message>
            <source>&amp;General</source>
            <translation>&amp;Général</translation>
        </message>
        <message>
            <source>&amp;Parameters</source>
            <translation>&amp;Paramètres</translation>
        </message>
        <message>
            <source>This model has no prompt template.</source>
            <translation>Ce modèle n'a pas de gabarit de prompt.</translation>
        </message>
        <message>
            <source>&amp;Template</source>
            <translation>Gaba&amp;rit</translation>
        </message>
        <message>
            <source>&amp;System</source>
            <translation>&amp;Système</translation>
        </message>
        <message>
            <source>No license text was published.</source>
            <translation>Aucun texte de licence n'a été publié.</translation>
        </message>
        <message>
            <source>&amp;License</source>
            <translation>&amp;Licence</translation>
        </message>
        <message>
            <source>&amp;Modelfile</source>
            <translation>&amp;Modelfile</translation>
        </message>
        <message>
            <source>Name:</source>
            <translation>Nom :</translation>
        </message>
        <message>
            <source>Copy</source>
            <translation>Copier</translation>
        </message>
        <message>
            <source>Copy the full digest</source>
            <translation>Copier l'empreinte complète</translation>
        </message>
        <message>
            <source>Digest:</source>
            <translation>Empreinte :</translation>
        </message>
        <message>
            <source>Family:</source>
            <translation>Famille :</translation>
        </message>
        <message>
            <source>Parameters:</source>
            <translation>Paramètres :</translation>
        </message>
        <message>
            <source>Quantization:</source>
            <translation>Quantification :</translation>
        </message>
        <message>
            <source>Format:</source>
            <translation>Format :</translation>
        </message>
        <message>
            <source>Size:</source>
            <translation>Taille :</translation>
        </message>
        <message>
            <source>Modified:</source>
            <translation>Modifié :</translation>
        </message>
        <message>
            <source>Context length:</source>
            <translation>Longueur de contexte :</translation>
        </message>
        <message>
            <source>{count} tokens</source>
            <translation>{count} jetons</translation>
        </message>
        <message>
            <source>Capabilities:</source>
            <translation>Capacités :</translation>
        </message>
        <message>
            <source>This model is not in the server's list of local models.</source>
            <translation>Ce modèle n'est pas dans la liste des modèles locaux du serveur.</translation>
        </message>
        <message>
            <source>Parameter</source>
            <translation>Paramètre</translation>
        </message>
        <message>
            <source>Default</source>
            <translation>Par défaut</translation>
        </message>
        <message>
            <source>Defaults baked into the model. Options set on an experiment override them; anything not listed uses Ollama's own default.</source>
            <translation>Valeurs par défaut intégrées au modèle. Les options définies sur une expérience les remplacent ; tout ce qui n'est pas listé utilise la valeur par défaut d'Ollama.</translation>
        </message>
        <message>
            <source>This model sets no parameters: Ollama's own defaults apply.</source>
            <translation>Ce modèle ne définit aucun paramètre : les valeurs par défaut d'Ollama s'appliquent.</translation>
        </message>
        <message>
            <source>Could not load the details of {name}.</source>
            <translation>Impossible de charger les détails de {name}.</translation>
        </message>
    </context>
    <context>
        <name>model_picker</name>
        <message>
            <source>(not installed)</source>
            <translation>(non installé)</translation>
        </message>
        <message>
            <source>(Ollama unreachable)</source>
            <translation>(Ollama injoignable)</translation>
        </message>
        <message>
            <source>loaded</source>
            <translation>chargé</translation>
        </message>
        <message>
            <source>Loading models…</source>
            <translation>Chargement des modèles…</translation>
        </message>
        <message>
            <source>{size} on disk</source>
            <translation>{size} sur le disque</translation>
        </message>
        <message>
            <source>Loaded in memory {until}</source>
            <translation>Chargé en mémoire {until}</translation>
        </message>
        <message>
            <source>Digest {digest}</source>
            <translation>Empreinte {digest}</translation>
        </message>
        <message>
            <source>No model</source>
            <translation>Aucun modèle</translation>
        </message>
        <message>
            <source>Model</source>
            <translation>Modèle</translation>
        </message>
        <message>
            <source>Refresh models (F5)</source>
            <translation>Actualiser les modèles (F5)</translation>
        </message>
        <message>
            <source>Refresh models</source>
            <translation>Actualiser les modèles</translation>
        </message>
        <message>
            <source>Ollama unreachable</source>
            <translation>Ollama injoignable</translation>
        </message>
        <message>
            <source>Models unavailable</source>
            <translation>Modèles indisponibles</translation>
        </message>
        <message>
            <source>No models installed</source>
            <translation>Aucun modèle installé</translation>
        </message>
        <message>
            <source>This Ollama has no models yet. Pull one, e.g. `ollama pull llama3.2`.</source>
            <translation>Cet Ollama n'a encore aucun modèle. Téléchargez-en un, par exemple `ollama pull llama3.2`.</translation>
        </message>
        <message>
            <source>Ollama cannot be reached, so whether {name} is installed is not known.</source>
            <translation>Ollama est injoignable : impossible de savoir si {name} est installé.</translation>
        </message>
        <message>
            <source>{name} is not installed on this Ollama; pull it to run it again.</source>
            <translation>{name} n'est pas installé sur cet Ollama ; téléchargez-le pour l'exécuter de nouveau.</translation>
        </message>
    </context>
    <context>
        <name>models_dialog</name>
        <message>
            <source>Models on {host}</source>
            <translation>Modèles sur {host}</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>Nom</translation>
        </message>
        <message>
            <source>In memory</source>
            <translation>En mémoire</translation>
        </message>
        <message>
            <source>Processor</source>
            <translation>Processeur</translation>
        </message>
        <message>
            <source>Loaded</source>
            <translation>Chargé</translation>
        </message>
        <message>
            <source>Loaded models</source>
            <translation>Modèles chargés</translation>
        </message>
        <message>
            <source>On disk</source>
            <translation>Sur disque</translation>
        </message>
        <message>
            <source>Details</source>
            <translation>Détails</translation>
        </message>
        <message>
            <source>Installed models</source>
            <translation>Modèles installés</translation>
        </message>
        <message>
            <source>&amp;Unload</source>
            <translation>&amp;Décharger</translation>
        </message>
        <message>
            <source>Let Ollama drop the selected model from memory now; it stays on disk</source>
            <translation>Faire retirer maintenant le modèle sélectionné de la mémoire par Ollama ; il reste sur le disque</translation>
        </message>
        <message>
            <source>&amp;Delete…</source>
            <translation>&amp;Supprimer…</translation>
        </message>
        <message>
            <source>Delete the selected model from the server's disk (asks first; a pull brings it back)</source>
            <translation>Supprimer le modèle sélectionné du disque du serveur (demande d'abord ; un téléchargement le ramène)</translation>
        </message>
        <message>
            <source>&amp;Refresh</source>
            <translation>&amp;Actualiser</translation>
        </message>
        <message>
            <source>List the loaded and installed models again (F5)</source>
            <translation>Relister les modèles chargés et installés (F5)</translation>
        </message>
        <message>
            <source>&amp;Loaded in memory</source>
            <translation>&amp;Chargés en mémoire</translation>
        </message>
        <message>
            <source>&amp;Installed on disk</source>
            <translation>&amp;Installés sur le disque</translation>
        </message>
        <message>
            <source>Listing models…</source>
            <translation>Liste des modèles…</translation>
        </message>
        <message>
            <source>No model is loaded now.</source>
            <translation>Aucun modèle n'est chargé pour l'instant.</translation>
        </message>
        <message>
            <source>Unloading {model}…</source>
            <translation>Déchargement de {model}…</translation>
        </message>
        <message>
            <source>Unloaded {model}; it stays on disk.</source>
            <translation>{model} déchargé ; il reste sur le disque.</translation>
        </message>
        <message>
            <source>Delete model</source>
            <translation>Supprimer le modèle</translation>
        </message>
        <message>
            <source>Delete {model} ({size}) from {host}?</source>
            <translation>Supprimer {model} ({size}) de {host} ?</translation>
        </message>
        <message>
            <source>Runs in the journal stay; running it again needs a pull.</source>
            <translation>Les exécutions du journal restent ; l'exécuter à nouveau demandera un téléchargement.</translation>
        </message>
        <message>
            <source>Delete</source>
            <translation>Supprimer</translation>
        </message>
        <message>
            <source>Deleting {name}…</source>
            <translation>Suppression de {name}…</translation>
        </message>
        <message>
            <source>Deleted {name} ({size}).</source>
            <translation>{name} supprimé ({size}).</translation>
        </message>
    </context>
    <context>
        <name>options_panel</name>
        <message>
            <source>Default</source>
            <translation>Par défaut</translation>
        </message>
        <message>
            <source>On</source>
            <translation>Activée</translation>
        </message>
        <message>
            <source>Off</source>
            <translation>Désactivée</translation>
        </message>
        <message>
            <source>Low</source>
            <translation>Faible</translation>
        </message>
        <message>
            <source>Medium</source>
            <translation>Moyenne</translation>
        </message>
        <message>
            <source>High</source>
            <translation>Élevée</translation>
        </message>
        <message>
            <source>How random the answer is: 0 picks the likeliest words, higher varies more.</source>
            <translation>Degré de hasard de la réponse : 0 choisit les mots les plus probables, une valeur plus haute varie davantage.</translation>
        </message>
        <message>
            <source>Nucleus sampling: consider only the likeliest words adding up to this share (0–1).</source>
            <translation>Échantillonnage par noyau : ne considérer que les mots les plus probables dont la somme atteint cette part (0–1).</translation>
        </message>
        <message>
            <source>Consider only this many likeliest words at each step.</source>
            <translation>Ne considérer que ce nombre de mots les plus probables à chaque étape.</translation>
        </message>
        <message>
            <source>A fixed seed makes a run repeatable (with the same model and settings).</source>
            <translation>Une graine fixe rend une exécution reproductible (avec le même modèle et les mêmes paramètres).</translation>
        </message>
        <message>
            <source>Context window in tokens: how much of the conversation the model sees.</source>
            <translation>Fenêtre de contexte en jetons : la part de la conversation que voit le modèle.</translation>
        </message>
        <message>
            <source>The most tokens to generate; -1 means no limit.</source>
            <translation>Le nombre maximal de jetons à générer ; -1 signifie sans limite.</translation>
        </message>
        <message>
            <source>How long the model stays loaded after the run: 5m, 1h30m, 90 (seconds), 0 unloads at once, -1 keeps it loaded.</source>
            <translation>Durée pendant laquelle le modèle reste chargé après l'exécution : 5m, 1h30m, 90 (secondes), 0 le décharge aussitôt, -1 le garde chargé.</translation>
        </message>
        <message>
            <source>Whether a thinking model reasons before answering (Low/Medium/High for models that take a level). Default lets the model decide.</source>
            <translation>Si un modèle à réflexion raisonne avant de répondre (Faible/Moyenne/Élevée pour les modèles qui acceptent un niveau). Par défaut laisse le modèle décider.</translation>
        </message>
        <message>
            <source>Stop sequences, separated by commas. Write \n for a newline, \, for a comma, \\ for a backslash; or give a JSON list like ["###", "User:"].</source>
            <translation>Séquences d'arrêt, séparées par des virgules. Écrivez \n pour un saut de ligne, \, pour une virgule, \\ pour une barre oblique inverse ; ou donnez une liste JSON comme ["###", "User:"].</translation>
        </message>
        <message>
            <source>Any other Ollama option, one key=value per line (e.g. repeat_penalty=1.1, min_p=0.05). Lines starting with # are ignored.</source>
            <translation>Toute autre option d'Ollama, une clé=valeur par ligne (par ex. repeat_penalty=1.1, min_p=0.05). Les lignes commençant par # sont ignorées.</translation>
        </message>
        <message>
            <source>Send option names Ollama does not know. Ollama ignores them silently, so a typo would be recorded as if it had been used; options of a loaded run are always sent.</source>
            <translation>Envoyer des noms d'option qu'Ollama ne connaît pas. Ollama les ignore sans rien dire : une faute de frappe serait enregistrée comme si elle avait servi ; les options d'une exécution chargée sont toujours envoyées.</translation>
        </message>
        <message>
            <source>Tick “Allow unknown options” to send it anyway.</source>
            <translation>Cochez « Autoriser les options inconnues » pour l'envoyer quand même.</translation>
        </message>
        <message>
            <source>Stop: unknown escape '\{escape}'; use \n, \t, \, or \\.</source>
            <translation>Arrêt : échappement inconnu '\{escape}' ; utilisez \n, \t, \, ou \\.</translation>
        </message>
        <message>
            <source>Extra options, line {number}</source>
            <translation>Options supplémentaires, ligne {number}</translation>
        </message>
        <message>
            <source>{where}: {key} has its own field above.</source>
            <translation>{where} : {key} a son propre champ ci-dessus.</translation>
        </message>
        <message>
            <source>{where}: {reason}</source>
            <translation>{where} : {reason}</translation>
        </message>
        <message>
            <source>Extra options</source>
            <translation>Options supplémentaires</translation>
        </message>
        <message>
            <source>Allow unknown options</source>
            <translation>Autoriser les options inconnues</translation>
        </message>
        <message>
            <source>default</source>
            <translation>par défaut</translation>
        </message>
        <message>
            <source>key=value per line, e.g. repeat_penalty=1.1</source>
            <translation>clé=valeur par ligne, par ex. repeat_penalty=1.1</translation>
        </message>
        <message>
            <source>This model's other defaults:</source>
            <translation>Autres valeurs par défaut de ce modèle :</translation>
        </message>
        <message>
            <source>This model does not support thinking; Ollama refuses On/Off/levels for it.</source>
            <translation>Ce modèle ne prend pas en charge la réflexion ; Ollama refuse Activée/Désactivée/niveaux pour lui.</translation>
        </message>
        <message>
            <source>{value} (model default)</source>
            <translation>{value} (défaut du modèle)</translation>
        </message>
    </context>
    <context>
        <name>outcome_panel</name>
        <message>
            <source>Worked</source>
            <translation>A fonctionné</translation>
        </message>
        <message>
            <source>Partly</source>
            <translation>En partie</translation>
        </message>
        <message>
            <source>Failed</source>
            <translation>A échoué</translation>
        </message>
        <message>
            <source>Mark this run as “{verdict}” ({keys}; again to clear)</source>
            <translation>Marquer cette exécution « {verdict} » ({keys} ; à nouveau pour effacer)</translation>
        </message>
        <message>
            <source>Verdict</source>
            <translation>Verdict</translation>
        </message>
        <message>
            <source>Why?</source>
            <translation>Pourquoi ?</translation>
        </message>
        <message>
            <source>Why this verdict: what worked, what didn't</source>
            <translation>Pourquoi ce verdict : ce qui a fonctionné, ce qui n'a pas fonctionné</translation>
        </message>
        <message>
            <source>Suggested by the grades ({why}). Click, or {keys}, to make it your verdict.</source>
            <translation>Suggéré par les évaluations ({why}). Cliquez, ou {keys}, pour en faire votre verdict.</translation>
        </message>
        <message>
            <source>Suggested: {verdict} ✓</source>
            <translation>Suggéré : {verdict} ✓</translation>
        </message>
        <message>
            <source>The grades suggest “{verdict}” ({why}); click or {keys} to accept it</source>
            <translation>Les évaluations suggèrent « {verdict} » ({why}) ; cliquez ou {keys} pour l'accepter</translation>
        </message>
    </context>
    <context>
        <name>prompt_panel</name>
        <message>
            <source>Run  Ctrl+Enter</source>
            <translation>Exécuter  Ctrl+Entrée</translation>
        </message>
        <message>
            <source>Run</source>
            <translation>Exécuter</translation>
        </message>
        <message>
            <source>Stop  Esc</source>
            <translation>Arrêter  Échap</translation>
        </message>
        <message>
            <source>Stop</source>
            <translation>Arrêter</translation>
        </message>
        <message>
            <source>&amp;System prompt</source>
            <translation>Prompt &amp;système</translation>
        </message>
        <message>
            <source>&amp;Prompt</source>
            <translation>&amp;Prompt</translation>
        </message>
        <message>
            <source>&amp;Model</source>
            <translation>&amp;Modèle</translation>
        </message>
        <message>
            <source>System prompt</source>
            <translation>Prompt système</translation>
        </message>
        <message>
            <source>Optional: instructions sent as the system message</source>
            <translation>Facultatif : instructions envoyées comme message système</translation>
        </message>
        <message>
            <source>Prompt</source>
            <translation>Prompt</translation>
        </message>
        <message>
            <source>Write the prompt to send to the model…</source>
            <translation>Écrivez le prompt à envoyer au modèle…</translation>
        </message>
        <message>
            <source>Settings</source>
            <translation>Paramètres</translation>
        </message>
        <message>
            <source>Show or hide the run settings</source>
            <translation>Afficher ou masquer les paramètres d'exécution</translation>
        </message>
        <message>
            <source>Stop the run (Esc); the text so far is kept</source>
            <translation>Arrêter l'exécution (Échap) ; le texte reçu jusque-là est conservé</translation>
        </message>
        <message>
            <source>&amp;Image…</source>
            <translation>&amp;Image…</translation>
        </message>
        <message>
            <source>Show the model PNG, JPEG or WebP images with the prompt (Ctrl+Shift+I); you can also drop or paste them into the prompt</source>
            <translation>Montrer au modèle des images PNG, JPEG ou WebP avec le prompt (Ctrl+Maj+I) ; vous pouvez aussi les déposer ou les coller dans le prompt</translation>
        </message>
        <message>
            <source>Repeat</source>
            <translation>Répéter</translation>
        </message>
        <message>
            <source>Run the prompt this many times, one after another, with seeds s, s+1, … (s: the seed setting, else 0), to see whether it works every time (Alt+T)</source>
            <translation>Exécuter le prompt autant de fois, l'une après l'autre, avec les graines s, s+1, … (s : le paramètre seed, sinon 0), pour voir s'il fonctionne à chaque fois (Alt+T)</translation>
        </message>
        <message>
            <source>Repea&amp;t</source>
            <translation>Répé&amp;ter</translation>
        </message>
        <message numerus="yes">
            <source>%n invalid setting(s)</source>
            <translation>
                <numerusform>%n paramètre invalide</numerusform>
                <numerusform>%n paramètres invalides</numerusform>
            </translation>
        </message>
        <message>
            <source>model defaults</source>
            <translation>valeurs par défaut du modèle</translation>
        </message>
        <message>
            <source>Waiting for the list of models.</source>
            <translation>En attente de la liste des modèles.</translation>
        </message>
        <message>
            <source>Choose a model to run.</source>
            <translation>Choisissez un modèle à exécuter.</translation>
        </message>
        <message>
            <source>Write a prompt to run.</source>
            <translation>Écrivez un prompt à exécuter.</translation>
        </message>
        <message>
            <source>Fix the settings first: {reason}</source>
            <translation>Corrigez d'abord les paramètres : {reason}</translation>
        </message>
        <message>
            <source>A run is going; stop it first (Esc)</source>
            <translation>Une exécution est en cours ; arrêtez-la d'abord (Échap)</translation>
        </message>
        <message>
            <source>Run the prompt (Ctrl+Enter)</source>
            <translation>Exécuter le prompt (Ctrl+Entrée)</translation>
        </message>
        <message>
            <source>Fix the settings marked in red to run.</source>
            <translation>Corrigez les paramètres marqués en rouge pour exécuter.</translation>
        </message>
    </context>
    <context>
        <name>pull_dialog</name>
        <message>
            <source>Pull a model</source>
            <translation>Télécharger un modèle</translation>
        </message>
        <message>
            <source>Download a model from the Ollama library. Names look like &lt;i&gt;family:tag&lt;/i&gt;; browse them at &lt;a href="https://ollama.com/library"&gt;ollama.com/library&lt;/a&gt;.</source>
            <translation>Téléchargez un modèle depuis la bibliothèque Ollama. Les noms ont la forme &lt;i&gt;famille:étiquette&lt;/i&gt; ; parcourez-les sur &lt;a href="https://ollama.com/library"&gt;ollama.com/library&lt;/a&gt;.</translation>
        </message>
        <message>
            <source>e.g. llama3.2:3b</source>
            <translation>par ex. llama3.2:3b</translation>
        </message>
        <message>
            <source>&amp;Model:</source>
            <translation>&amp;Modèle :</translation>
        </message>
        <message>
            <source>&amp;Pull</source>
            <translation>&amp;Télécharger</translation>
        </message>
        <message>
            <source>Close</source>
            <translation>Fermer</translation>
        </message>
        <message>
            <source>Starting…</source>
            <translation>Démarrage…</translation>
        </message>
        <message>
            <source>Cancelling…</source>
            <translation>Annulation…</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>Annuler</translation>
        </message>
        <message>
            <source>{done} of {total}  (%p%)</source>
            <translation>{done} sur {total}  (%p%)</translation>
        </message>
        <message>
            <source>success</source>
            <translation>Téléchargement réussi</translation>
        </message>
        <message>
            <source>Pull cancelled. Pull again to resume where it stopped.</source>
            <translation>Téléchargement annulé. Relancez-le pour reprendre où il s'est arrêté.</translation>
        </message>
        <message>
            <source>Pull failed.</source>
            <translation>Le téléchargement a échoué.</translation>
        </message>
        <message>
            <source>The library has no model by that name: check the spelling and the tag.</source>
            <translation>La bibliothèque n'a aucun modèle de ce nom : vérifiez l'orthographe et l'étiquette.</translation>
        </message>
    </context>
    <context>
        <name>run_controller</name>
        <message>
            <source>Regenerating turn {index} of {total} on {model}; Esc stops</source>
            <translation>Régénération du tour {index} sur {total} sur {model} ; Échap arrête</translation>
        </message>
        <message>
            <source>Saved: the whole answer is in the journal now.</source>
            <translation>Enregistré : toute la réponse est maintenant dans le journal.</translation>
        </message>
        <message>
            <source>Run {index} of {total} on {model} (seed {seed}); Esc stops</source>
            <translation>Exécution {index} sur {total} sur {model} (graine {seed}) ; Échap arrête</translation>
        </message>
        <message>
            <source>Replaying run {id} on {model}</source>
            <translation>Rejeu de l'exécution {id} sur {model}</translation>
        </message>
        <message numerus="yes">
            <source>; %n more queued</source>
            <translation>
                <numerusform>; %n autre en attente</numerusform>
                <numerusform>; %n autres en attente</numerusform>
            </translation>
        </message>
        <message>
            <source>Replayed run {id} on every chosen model.</source>
            <translation>Exécution {id} rejouée sur chaque modèle choisi.</translation>
        </message>
        <message numerus="yes">
            <source>Stopped after {done} of %n run(s)</source>
            <translation>
                <numerusform>Arrêté après {done} sur %n exécution</numerusform>
                <numerusform>Arrêté après {done} sur %n exécutions</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Repeated %n time(s)</source>
            <translation>
                <numerusform>Répété %n fois</numerusform>
                <numerusform>Répété %n fois</numerusform>
            </translation>
        </message>
        <message>
            <source>{made} (seeds {first} to {last}): {summary}.</source>
            <translation>{made} (graines {first} à {last}) : {summary}.</translation>
        </message>
    </context>
    <context>
        <name>run_display</name>
        <message>
            <source>Copy the answer as written, in Markdown ({keys})</source>
            <translation>Copier la réponse telle qu'écrite, en Markdown ({keys})</translation>
        </message>
        <message>
            <source>Conversation turn</source>
            <translation>Tour de conversation</translation>
        </message>
        <message>
            <source>Run the prompt to see the answer here.</source>
            <translation>Exécutez le prompt pour voir la réponse ici.</translation>
        </message>
        <message>
            <source>Copy</source>
            <translation>Copier</translation>
        </message>
        <message>
            <source>Run history</source>
            <translation>Historique des exécutions</translation>
        </message>
        <message>
            <source>No answer to copy.</source>
            <translation>Aucune réponse à copier.</translation>
        </message>
        <message>
            <source>Copied the answer of run {id}.</source>
            <translation>Réponse de l'exécution {id} copiée.</translation>
        </message>
        <message>
            <source>Copied. {tip}</source>
            <translation>Copié. {tip}</translation>
        </message>
        <message>
            <source>Follows run {parent}</source>
            <translation>Suit l'exécution {parent}</translation>
        </message>
        <message>
            <source>Turn {turn} · follows run {parent}</source>
            <translation>Tour {turn} · suit l'exécution {parent}</translation>
        </message>
        <message>
            <source> · branch {branch} of {siblings}</source>
            <translation> · branche {branch} sur {siblings}</translation>
        </message>
        <message>
            <source>The model was sent the earlier turns of this conversation with this prompt</source>
            <translation>Le modèle a reçu les tours précédents de cette conversation avec ce prompt</translation>
        </message>
        <message>
            <source>Stopped — the partial answer is kept.</source>
            <translation>Arrêtée — la réponse partielle est conservée.</translation>
        </message>
        <message>
            <source>Interrupted.</source>
            <translation>Interrompue.</translation>
        </message>
        <message>
            <source>The run failed.</source>
            <translation>L'exécution a échoué.</translation>
        </message>
        <message numerus="yes">
            <source>%n token(s)</source>
            <translation>
                <numerusform>%n jeton</numerusform>
                <numerusform>%n jetons</numerusform>
            </translation>
        </message>
        <message>
            <source>{rate} tok/s</source>
            <translation>{rate} jetons/s</translation>
        </message>
        <message>
            <source>first token {time}</source>
            <translation>premier jeton {time}</translation>
        </message>
        <message>
            <source>streaming</source>
            <translation>en cours de réception</translation>
        </message>
        <message>
            <source>No answer from Ollama for {seconds} s. A model can take a while to load; Esc stops.</source>
            <translation>Aucune réponse d'Ollama depuis {seconds} s. Un modèle peut mettre du temps à se charger ; Échap arrête.</translation>
        </message>
        <message>
            <source>A new run based on run {id}.</source>
            <translation>Une nouvelle exécution basée sur l'exécution {id}.</translation>
        </message>
        <message>
            <source>Replay of run {id}: {model} changed since then: {before} -&gt; {now}</source>
            <translation>Rejeu de l'exécution {id} : {model} a changé depuis : {before} -&gt; {now}</translation>
        </message>
        <message>
            <source>Replay of run {id}.</source>
            <translation>Rejeu de l'exécution {id}.</translation>
        </message>
        <message>
            <source>load {time}</source>
            <translation>chargement {time}</translation>
        </message>
        <message>
            <source>total {time}</source>
            <translation>total {time}</translation>
        </message>
    </context>
    <context>
        <name>run_history</name>
        <message>
            <source>pending</source>
            <translation>en attente</translation>
        </message>
        <message>
            <source>streaming</source>
            <translation>en cours</translation>
        </message>
        <message>
            <source>done</source>
            <translation>terminée</translation>
        </message>
        <message>
            <source>cancelled</source>
            <translation>annulée</translation>
        </message>
        <message>
            <source>failed</source>
            <translation>a échoué</translation>
        </message>
        <message>
            <source>interrupted</source>
            <translation>interrompue</translation>
        </message>
        <message>
            <source>worked</source>
            <translation>a fonctionné</translation>
        </message>
        <message>
            <source>partly</source>
            <translation>en partie</translation>
        </message>
        <message>
            <source>#</source>
            <translation>#</translation>
        </message>
        <message>
            <source>Model</source>
            <translation>Modèle</translation>
        </message>
        <message>
            <source>Digest</source>
            <translation>Empreinte</translation>
        </message>
        <message>
            <source>Options</source>
            <translation>Options</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>État</translation>
        </message>
        <message>
            <source>Grades</source>
            <translation>Évaluations</translation>
        </message>
        <message>
            <source>Verdict</source>
            <translation>Verdict</translation>
        </message>
        <message>
            <source>When</source>
            <translation>Quand</translation>
        </message>
        <message>
            <source>streaming…</source>
            <translation>en cours…</translation>
        </message>
        <message>
            <source>Replays run {id}</source>
            <translation>Rejoue l'exécution {id}</translation>
        </message>
        <message>
            <source>Based on run {id} (its prompt, other settings)</source>
            <translation>Basée sur l'exécution {id} (son prompt, d'autres paramètres)</translation>
        </message>
        <message>
            <source>Replayed by run {ids}</source>
            <translation>Rejouée par l'exécution {ids}</translation>
        </message>
        <message>
            <source>Run {ids} based on this one</source>
            <translation>Exécution {ids} basée sur celle-ci</translation>
        </message>
        <message>
            <source>Variables: {values}</source>
            <translation>Variables : {values}</translation>
        </message>
        <message>
            <source>digest unknown (the run never reached Ollama)</source>
            <translation>empreinte inconnue (l'exécution n'a jamais atteint Ollama)</translation>
        </message>
        <message numerus="yes">
            <source>Showed %n image(s):</source>
            <translation>
                <numerusform>A montré %n image :</numerusform>
                <numerusform>A montré %n images :</numerusform>
            </translation>
        </message>
        <message>
            <source>turn 1 (run {run})</source>
            <translation>tour 1 (exécution {run})</translation>
        </message>
        <message>
            <source>turn {turn} (run {run}, branch {branch} of {siblings} from run {parent})</source>
            <translation>tour {turn} (exécution {run}, branche {branch} sur {siblings} depuis l'exécution {parent})</translation>
        </message>
        <message>
            <source>turn {turn} (run {run}, follows run {parent})</source>
            <translation>tour {turn} (exécution {run}, suit l'exécution {parent})</translation>
        </message>
        <message>
            <source>Continued up to run {id}</source>
            <translation>Poursuivie jusqu'à l'exécution {id}</translation>
        </message>
        <message>
            <source>Its {count} branches end at runs {ids}</source>
            <translation>Ses {count} branches se terminent aux exécutions {ids}</translation>
        </message>
    </context>
    <context>
        <name>run_images</name>
        <message>
            <source>Images shown to the model</source>
            <translation>Images montrées au modèle</translation>
        </message>
        <message>
            <source>Image {number} of run {id}: {label}</source>
            <translation>Image {number} de l'exécution {id} : {label}</translation>
        </message>
        <message>
            <source>{title}
Click to see it full size</source>
            <translation>{title}
Cliquez pour la voir en taille réelle</translation>
        </message>
        <message>
            <source>Image {number}</source>
            <translation>Image {number}</translation>
        </message>
    </context>
    <context>
        <name>saved_checks</name>
        <message>
            <source>Name</source>
            <translation>Nom</translation>
        </message>
        <message>
            <source>Target</source>
            <translation>Cible</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>État</translation>
        </message>
        <message>
            <source>Date</source>
            <translation>Date</translation>
        </message>
        <message>
            <source>Saved checks</source>
            <translation>Vérifications enregistrées</translation>
        </message>
        <message>
            <source>Saved checks: click one to open it</source>
            <translation>Vérifications enregistrées : cliquez sur l'une pour l'ouvrir</translation>
        </message>
        <message>
            <source>Check {id}: {name}</source>
            <translation>Vérification {id} : {name}</translation>
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
            <source>Ask the address on the cursor's line (or the first one)</source>
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
            <source>A judge grades an answer against a rubric in plain words; an embedding model compares it with a reference text. The command line uses them too; there &lt;span style="white-space: nowrap"&gt;--judge&lt;/span&gt; and &lt;span style="white-space: nowrap"&gt;--embed-model&lt;/span&gt; override them.</source>
            <translation>Un juge évalue une réponse selon une grille écrite en mots simples ; un modèle d’embeddings la compare à un texte de référence. La ligne de commande les utilise aussi ; là, &lt;span style="white-space: nowrap"&gt;--judge&lt;/span&gt; et &lt;span style="white-space: nowrap"&gt;--embed-model&lt;/span&gt; les remplacent.</translation>
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
    <context>
        <name>status_display</name>
        <message>
            <source>Retry now</source>
            <translation>Réessayer maintenant</translation>
        </message>
        <message>
            <source>Open another journal…</source>
            <translation>Ouvrir un autre journal…</translation>
        </message>
        <message>
            <source>The journal file</source>
            <translation>Le fichier du journal</translation>
        </message>
        <message>
            <source>Ollama: checking {host}…</source>
            <translation>Ollama : vérification de {host}…</translation>
        </message>
        <message>
            <source>LLM Journal</source>
            <translation>LLM Journal</translation>
        </message>
        <message>
            <source>&lt;b&gt;The journal could not be opened.&lt;/b&gt; {message}</source>
            <translation>&lt;b&gt;Le journal n'a pas pu être ouvert.&lt;/b&gt; {message}</translation>
        </message>
        <message>
            <source>● Ollama {version} at {host}</source>
            <translation>● Ollama {version} sur {host}</translation>
        </message>
        <message>
            <source>Ollama is answering</source>
            <translation>Ollama répond</translation>
        </message>
        <message>
            <source>○ Ollama unreachable at {host}</source>
            <translation>○ Ollama injoignable sur {host}</translation>
        </message>
        <message>
            <source>&lt;b&gt;Ollama is not answering at {host}.&lt;/b&gt; Start it with &lt;code&gt;ollama serve&lt;/code&gt;, or set another host in Settings. The journal stays usable; checking again every few seconds.</source>
            <translation>&lt;b&gt;Ollama ne répond pas sur {host}.&lt;/b&gt; Démarrez-le avec &lt;code&gt;ollama serve&lt;/code&gt;, ou choisissez un autre hôte dans les Paramètres. Le journal reste utilisable ; nouvelle vérification toutes les quelques secondes.</translation>
        </message>
    </context>
    <context>
        <name>transfer_texts</name>
        <message numerus="yes">
            <source>%n new experiment(s)</source>
            <translation>
                <numerusform>%n nouvelle expérience</numerusform>
                <numerusform>%n nouvelles expériences</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n new run(s)</source>
            <translation>
                <numerusform>%n nouvelle exécution</numerusform>
                <numerusform>%n nouvelles exécutions</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%Ln already present</source>
            <translation>
                <numerusform>%Ln déjà présente</numerusform>
                <numerusform>%Ln déjà présentes</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n experiment(s)</source>
            <translation>
                <numerusform>%n expérience</numerusform>
                <numerusform>%n expériences</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n run(s)</source>
            <translation>
                <numerusform>%n exécution</numerusform>
                <numerusform>%n exécutions</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n replay link(s) left out (the replayed run is in neither the export nor this journal)</source>
            <translation>
                <numerusform>%n lien de rejeu omis (l'exécution rejouée n'est ni dans l'export ni dans ce journal)</numerusform>
                <numerusform>%n liens de rejeu omis (l'exécution rejouée n'est ni dans l'export ni dans ce journal)</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n run(s) still in progress when exported, imported as interrupted</source>
            <translation>
                <numerusform>%n exécution encore en cours à l'export, importée comme interrompue</numerusform>
                <numerusform>%n exécutions encore en cours à l'export, importées comme interrompues</numerusform>
            </translation>
        </message>
        <message>
            <source>{expectations} and {grades}</source>
            <translation>{expectations} et {grades}</translation>
        </message>
        <message numerus="yes">
            <source>%n new expectation(s)</source>
            <translation>
                <numerusform>%n nouvelle attente</numerusform>
                <numerusform>%n nouvelles attentes</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n new grade(s)</source>
            <translation>
                <numerusform>%n nouvelle évaluation</numerusform>
                <numerusform>%n nouvelles évaluations</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n new input row(s)</source>
            <translation>
                <numerusform>%n nouvelle ligne d'entrée</numerusform>
                <numerusform>%n nouvelles lignes d'entrée</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n new image(s)</source>
            <translation>
                <numerusform>%n nouvelle image</numerusform>
                <numerusform>%n nouvelles images</numerusform>
            </translation>
        </message>
        <message>
            <source>{checks} ({present} already present)</source>
            <translation>{checks} ({present} déjà présentes)</translation>
        </message>
        <message numerus="yes">
            <source>%n new migration check(s)</source>
            <translation>
                <numerusform>%n nouvelle vérification de migration</numerusform>
                <numerusform>%n nouvelles vérifications de migration</numerusform>
            </translation>
        </message>
        <message>
            <source>{experiments} and {runs}</source>
            <translation>{experiments} et {runs}</translation>
        </message>
        <message>
            <source>standard output</source>
            <translation>la sortie standard</translation>
        </message>
        <message>
            <source>Exported {counts} to {where}.</source>
            <translation>{counts} exportées vers {where}.</translation>
        </message>
        <message>
            <source>Exported {counts} to {where} ({size}).</source>
            <translation>{counts} exportées vers {where} ({size}).</translation>
        </message>
    </context>
    <context>
        <name>translating</name>
        <message>
            <source>{size} B</source>
            <translation>{size} o</translation>
        </message>
    </context>
    <context>
        <name>trash_actions</name>
        <message>
            <source>the untitled experiment</source>
            <translation>l'expérience sans titre</translation>
        </message>
        <message numerus="yes">
            <source>Moved {title} and its %n run(s) to the trash. Ctrl+Z brings it back.</source>
            <translation>
                <numerusform>Mis à la corbeille : {title} et %n exécution. Ctrl+Z annule.</numerusform>
                <numerusform>Mis à la corbeille : {title} et ses %n exécutions. Ctrl+Z annule.</numerusform>
            </translation>
        </message>
        <message>
            <source>Moved {title} to the trash. Ctrl+Z brings it back.</source>
            <translation>Mis à la corbeille : {title}. Ctrl+Z annule.</translation>
        </message>
        <message>
            <source>Moved run {ids} to the trash. Ctrl+Z brings it back.</source>
            <translation>L'exécution {ids} a été mise à la corbeille. Ctrl+Z la ramène.</translation>
        </message>
        <message numerus="yes">
            <source>Moved run {ids} and %n later turn(s) that followed to the trash. Ctrl+Z brings them back.</source>
            <translation>
                <numerusform>L'exécution {ids} et %n tour suivant ont été mis à la corbeille. Ctrl+Z les ramène.</numerusform>
                <numerusform>L'exécution {ids} et les %n tours suivants ont été mis à la corbeille. Ctrl+Z les ramène.</numerusform>
            </translation>
        </message>
        <message>
            <source>Moved runs {ids} to the trash. Ctrl+Z brings them back.</source>
            <translation>Les exécutions {ids} ont été mises à la corbeille. Ctrl+Z les ramène.</translation>
        </message>
        <message numerus="yes">
            <source>Moved runs {ids} and %n later turn(s) that followed to the trash. Ctrl+Z brings them back.</source>
            <translation>
                <numerusform>Les exécutions {ids} et %n tour suivant ont été mis à la corbeille. Ctrl+Z les ramène.</numerusform>
                <numerusform>Les exécutions {ids} et les %n tours suivants ont été mis à la corbeille. Ctrl+Z les ramène.</numerusform>
            </translation>
        </message>
        <message>
            <source>Select an experiment in the list first.</source>
            <translation>Sélectionnez d'abord une expérience dans la liste.</translation>
        </message>
        <message>
            <source>Select runs in the history first.</source>
            <translation>Sélectionnez d'abord des exécutions dans l'historique.</translation>
        </message>
        <message>
            <source>Nothing to undo.</source>
            <translation>Rien à annuler.</translation>
        </message>
        <message>
            <source>Brought back {title} from the trash.</source>
            <translation>Ramené de la corbeille : {title}.</translation>
        </message>
        <message>
            <source>Duplicated {title} with {expectations} expectations and {rows} input rows; its prompt is ready to run.</source>
            <translation>Copie de {title} créée avec {expectations} attentes et {rows} lignes d'entrée ; son prompt est prêt à être exécuté.</translation>
        </message>
        <message>
            <source>Archived {title}: the list hides it; the Archived button under the filters shows it.</source>
            <translation>Archivée : {title} ; la liste la masque, le bouton Archivées sous les filtres l'affiche.</translation>
        </message>
        <message>
            <source>Archived {title}.</source>
            <translation>Archivée : {title}.</translation>
        </message>
        <message>
            <source>Took back out of the archive: {title}.</source>
            <translation>Sortie des archives : {title}.</translation>
        </message>
    </context>
    <context>
        <name>trash_dialog</name>
        <message>
            <source>The trash is empty.</source>
            <translation>La corbeille est vide.</translation>
        </message>
        <message>
            <source>Nothing was deleted.</source>
            <translation>Rien n'a été supprimé.</translation>
        </message>
        <message>
            <source>Deleted {experiments} and {runs} for good, and freed {images} ({size}) no run shows any more.</source>
            <translation>{experiments} et {runs} supprimées définitivement, et {images} ({size}) qu'aucune exécution n'affiche plus libérées.</translation>
        </message>
        <message>
            <source>Deleted {experiments} and {runs} for good.</source>
            <translation>{experiments} et {runs} supprimées définitivement.</translation>
        </message>
        <message numerus="yes">
            <source>%n image(s)</source>
            <translation>
                <numerusform>%n image</numerusform>
                <numerusform>%n images</numerusform>
            </translation>
        </message>
        <message>
            <source>Restored experiment {ids} from the trash.</source>
            <translation>Expérience {ids} restaurée depuis la corbeille.</translation>
        </message>
        <message>
            <source>Restored experiments {ids} from the trash.</source>
            <translation>Expériences {ids} restaurées depuis la corbeille.</translation>
        </message>
        <message numerus="yes">
            <source>Restored experiment {ids} and its %n run(s) from the trash.</source>
            <translation>
                <numerusform>Expérience {ids} restaurée depuis la corbeille avec %n exécution.</numerusform>
                <numerusform>Expérience {ids} restaurée depuis la corbeille avec ses %n exécutions.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Restored experiments {ids} and their %n run(s) from the trash.</source>
            <translation>
                <numerusform>Expériences {ids} restaurées depuis la corbeille avec %n exécution.</numerusform>
                <numerusform>Expériences {ids} restaurées depuis la corbeille avec leurs %n exécutions.</numerusform>
            </translation>
        </message>
        <message>
            <source>Restored run {ids} from the trash.</source>
            <translation>Exécution {ids} restaurée depuis la corbeille.</translation>
        </message>
        <message>
            <source>Restored runs {ids} from the trash.</source>
            <translation>Exécutions {ids} restaurées depuis la corbeille.</translation>
        </message>
        <message numerus="yes">
            <source>Restored run {ids} and %n later turn(s) from the trash.</source>
            <translation>
                <numerusform>Exécution {ids} et %n tour suivant restaurés depuis la corbeille.</numerusform>
                <numerusform>Exécution {ids} et %n tours suivants restaurés depuis la corbeille.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Restored runs {ids} and %n later turn(s) from the trash.</source>
            <translation>
                <numerusform>Exécutions {ids} et %n tour suivant restaurés depuis la corbeille.</numerusform>
                <numerusform>Exécutions {ids} et %n tours suivants restaurés depuis la corbeille.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Experiment {title} and its %n run(s)</source>
            <translation>
                <numerusform>Expérience {title} et %n exécution</numerusform>
                <numerusform>Expérience {title} et ses %n exécutions</numerusform>
            </translation>
        </message>
        <message>
            <source>Experiment {title}</source>
            <translation>Expérience {title}</translation>
        </message>
        <message numerus="yes">
            <source>Run {id} on {model} of {title} and %n later turn(s)</source>
            <translation>
                <numerusform>Exécution {id} sur {model} de {title} et %n tour suivant</numerusform>
                <numerusform>Exécution {id} sur {model} de {title} et %n tours suivants</numerusform>
            </translation>
        </message>
        <message>
            <source>Run {id} on {model} of {title}</source>
            <translation>Exécution {id} sur {model} de {title}</translation>
        </message>
        <message>
            <source>(untitled)</source>
            <translation>(sans titre)</translation>
        </message>
        <message>
            <source>Trash</source>
            <translation>Corbeille</translation>
        </message>
        <message>
            <source>Deleted</source>
            <translation>Supprimé le</translation>
        </message>
        <message>
            <source>What</source>
            <translation>Élément</translation>
        </message>
        <message>
            <source>&amp;Restore selected</source>
            <translation>&amp;Restaurer la sélection</translation>
        </message>
        <message>
            <source>Bring the selected experiments and runs back</source>
            <translation>Ramener les expériences et exécutions sélectionnées</translation>
        </message>
        <message>
            <source>&amp;Empty trash…</source>
            <translation>&amp;Vider la corbeille…</translation>
        </message>
        <message>
            <source>Delete everything in the trash for good (asks first)</source>
            <translation>Supprimer définitivement tout le contenu de la corbeille (demande d'abord)</translation>
        </message>
        <message>
            <source>Moved to the trash {when}</source>
            <translation>Mis à la corbeille {when}</translation>
        </message>
        <message>
            <source>Empty the trash</source>
            <translation>Vider la corbeille</translation>
        </message>
        <message>
            <source>Delete {experiments} and {runs} in the trash for good? This cannot be undone.</source>
            <translation>Supprimer définitivement {experiments} et {runs} de la corbeille ? Cette action est irréversible.</translation>
        </message>
        <message numerus="yes">
            <source>%n experiment(s)</source>
            <translation>
                <numerusform>%n expérience</numerusform>
                <numerusform>%n expériences</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n run(s)</source>
            <translation>
                <numerusform>%n exécution</numerusform>
                <numerusform>%n exécutions</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>variables_form</name>
        <message>
            <source>&amp;Variables</source>
            <translation>&amp;Variables</translation>
        </message>
        <message>
            <source>The values put in for each {{name}} of the prompts (Alt+V)</source>
            <translation>Les valeurs mises à la place de chaque {{name}} des prompts (Alt+V)</translation>
        </message>
        <message>
            <source>Value of {name}</source>
            <translation>Valeur de {name}</translation>
        </message>
        <message>
            <source>What {variable} stands for</source>
            <translation>Ce que représente {variable}</translation>
        </message>
        <message>
            <source>The text put in for {variable} when the prompt is run</source>
            <translation>Le texte mis à la place de {variable} quand le prompt est exécuté</translation>
        </message>
    </context>
    <context>
        <name>window_actions</name>
        <message>
            <source>&amp;File</source>
            <translation>&amp;Fichier</translation>
        </message>
        <message>
            <source>&amp;New experiment</source>
            <translation>&amp;Nouvelle expérience</translation>
        </message>
        <message>
            <source>&amp;Open journal…</source>
            <translation>&amp;Ouvrir un journal…</translation>
        </message>
        <message>
            <source>Open or create another journal</source>
            <translation>Ouvrir ou créer un autre journal</translation>
        </message>
        <message>
            <source>&amp;Export as Markdown…</source>
            <translation>&amp;Exporter en Markdown…</translation>
        </message>
        <message>
            <source>Export the journal as Markdown</source>
            <translation>Exporter le journal en Markdown</translation>
        </message>
        <message>
            <source>&amp;Import…</source>
            <translation>&amp;Importer…</translation>
        </message>
        <message>
            <source>Import a Markdown export</source>
            <translation>Importer un export Markdown</translation>
        </message>
        <message>
            <source>S&amp;ettings…</source>
            <translation>&amp;Paramètres…</translation>
        </message>
        <message>
            <source>Settings</source>
            <translation>Paramètres</translation>
        </message>
        <message>
            <source>&amp;Quit</source>
            <translation>&amp;Quitter</translation>
        </message>
        <message>
            <source>&amp;Edit</source>
            <translation>É&amp;dition</translation>
        </message>
        <message>
            <source>&amp;Undo delete</source>
            <translation>&amp;Annuler la suppression</translation>
        </message>
        <message>
            <source>Undo the last delete (in a text field: undo typing)</source>
            <translation>Annuler la dernière suppression (dans un champ de texte : annuler la saisie)</translation>
        </message>
        <message>
            <source>&amp;Delete</source>
            <translation>&amp;Supprimer</translation>
        </message>
        <message>
            <source>Move the experiment selected in the list, or the runs selected in the history, to the trash</source>
            <translation>Mettre à la corbeille l'expérience sélectionnée dans la liste, ou les exécutions sélectionnées dans l'historique</translation>
        </message>
        <message>
            <source>Du&amp;plicate experiment</source>
            <translation>Du&amp;pliquer l'expérience</translation>
        </message>
        <message>
            <source>Copy the experiment with its expectations and inputs, ready to run</source>
            <translation>Copier l'expérience avec ses attentes et ses entrées, prête à être exécutée</translation>
        </message>
        <message>
            <source>&amp;Archive or unarchive experiment</source>
            <translation>A&amp;rchiver ou désarchiver l'expérience</translation>
        </message>
        <message>
            <source>Hide the experiment from the default list, or bring it back</source>
            <translation>Masquer l'expérience de la liste par défaut, ou l'y remettre</translation>
        </message>
        <message>
            <source>&amp;Trash…</source>
            <translation>&amp;Corbeille…</translation>
        </message>
        <message>
            <source>See, restore or empty the trash</source>
            <translation>Voir, restaurer ou vider la corbeille</translation>
        </message>
        <message>
            <source>&amp;Run</source>
            <translation>&amp;Exécuter</translation>
        </message>
        <message>
            <source>Run the prompt</source>
            <translation>Exécuter le prompt</translation>
        </message>
        <message>
            <source>&amp;Stop</source>
            <translation>&amp;Arrêter</translation>
        </message>
        <message>
            <source>Stop the running answer (the partial text is kept), else leave follow-up mode</source>
            <translation>Arrêter la réponse en cours (le texte partiel est conservé), sinon quitter le mode relance</translation>
        </message>
        <message>
            <source>Cop&amp;y the answer</source>
            <translation>&amp;Copier la réponse</translation>
        </message>
        <message>
            <source>Copy the shown answer as written (its Markdown)</source>
            <translation>Copier la réponse affichée telle qu'écrite (son Markdown)</translation>
        </message>
        <message>
            <source>Attach &amp;image…</source>
            <translation>&amp;Joindre une image…</translation>
        </message>
        <message>
            <source>Attach PNG, JPEG or WebP images to the prompt</source>
            <translation>Joindre des images PNG, JPEG ou WebP au prompt</translation>
        </message>
        <message>
            <source>C&amp;ontinue the selected run</source>
            <translation>&amp;Poursuivre l'exécution sélectionnée</translation>
        </message>
        <message>
            <source>Continue the selected run: the next Run sends a follow-up with the conversation so far</source>
            <translation>Poursuivre l'exécution sélectionnée : la prochaine exécution envoie une relance avec la conversation jusqu'ici</translation>
        </message>
        <message>
            <source>Re&amp;play the selected run</source>
            <translation>&amp;Rejouer l'exécution sélectionnée</translation>
        </message>
        <message>
            <source>Replay the selected run: same model, prompt, options and seed</source>
            <translation>Rejouer l'exécution sélectionnée : même modèle, prompt, options et graine</translation>
        </message>
        <message>
            <source>Replay on the chosen &amp;model</source>
            <translation>Rejouer sur le &amp;modèle choisi</translation>
        </message>
        <message>
            <source>Replay the selected run on the model chosen in the picker</source>
            <translation>Rejouer l'exécution sélectionnée sur le modèle choisi dans le sélecteur</translation>
        </message>
        <message>
            <source>Replay on &amp;several models…</source>
            <translation>Rejouer sur p&amp;lusieurs modèles…</translation>
        </message>
        <message>
            <source>Replay the selected run on several models, one after another</source>
            <translation>Rejouer l'exécution sélectionnée sur plusieurs modèles, l'un après l'autre</translation>
        </message>
        <message>
            <source>&amp;Compare selected runs…</source>
            <translation>C&amp;omparer les exécutions sélectionnées…</translation>
        </message>
        <message>
            <source>Compare the runs selected in the history</source>
            <translation>Comparer les exécutions sélectionnées dans l'historique</translation>
        </message>
        <message>
            <source>Compare runs by &amp;id…</source>
            <translation>Comparer des exécutions par i&amp;dentifiant…</translation>
        </message>
        <message>
            <source>Compare any runs by id, across experiments</source>
            <translation>Comparer des exécutions quelconques par identifiant, d'une expérience à l'autre</translation>
        </message>
        <message>
            <source>Migration &amp;check…</source>
            <translation>&amp;Vérification de migration…</translation>
        </message>
        <message>
            <source>Migration check: replay what worked on a new model</source>
            <translation>Vérification de migration : rejouer ce qui a fonctionné sur un nouveau modèle</translation>
        </message>
        <message>
            <source>Run a&amp;ll rows…</source>
            <translation>Exécuter &amp;toutes les lignes…</translation>
        </message>
        <message>
            <source>Run the experiment's latest prompt for every input row on several models</source>
            <translation>Exécuter le dernier prompt de l'expérience pour chaque ligne d'entrée sur plusieurs modèles</translation>
        </message>
        <message>
            <source>Experiment × model &amp;matrix…</source>
            <translation>Matrice e&amp;xpérience × modèle…</translation>
        </message>
        <message>
            <source>Experiment × model matrix</source>
            <translation>Matrice expérience × modèle</translation>
        </message>
        <message>
            <source>&amp;Try expectations on the selected run</source>
            <translation>Essa&amp;yer les attentes sur l'exécution sélectionnée</translation>
        </message>
        <message>
            <source>Grade the selected run against the expectations, without saving</source>
            <translation>Évaluer l'exécution sélectionnée selon les attentes, sans enregistrer</translation>
        </message>
        <message>
            <source>Add expectation from &amp;format</source>
            <translation>Ajouter une attente depuis le &amp;format</translation>
        </message>
        <message>
            <source>Add what the selected run's format asks for as an expectation</source>
            <translation>Ajouter comme attente ce que demande le format de l'exécution sélectionnée</translation>
        </message>
        <message>
            <source>Worked</source>
            <translation>A fonctionné</translation>
        </message>
        <message>
            <source>Verdict: worked</source>
            <translation>Verdict : a fonctionné</translation>
        </message>
        <message>
            <source>Partly</source>
            <translation>En partie</translation>
        </message>
        <message>
            <source>Verdict: partly</source>
            <translation>Verdict : en partie</translation>
        </message>
        <message>
            <source>Failed</source>
            <translation>A échoué</translation>
        </message>
        <message>
            <source>Verdict: failed</source>
            <translation>Verdict : a échoué</translation>
        </message>
        <message>
            <source>Clear verdict</source>
            <translation>Effacer le verdict</translation>
        </message>
        <message>
            <source>Clear the verdict</source>
            <translation>Effacer le verdict</translation>
        </message>
        <message>
            <source>&amp;Accept the suggested verdict</source>
            <translation>Accepter le verdict su&amp;ggéré</translation>
        </message>
        <message>
            <source>Make the verdict the grades suggest your own</source>
            <translation>Faire vôtre le verdict que suggèrent les évaluations</translation>
        </message>
        <message>
            <source>Re-&amp;grade the selected runs</source>
            <translation>Réévaluer les exécutions &amp;sélectionnées</translation>
        </message>
        <message>
            <source>Grade the selected runs again against the expectations as they are now</source>
            <translation>Évaluer à nouveau les exécutions sélectionnées selon les attentes actuelles</translation>
        </message>
        <message>
            <source>Re-grade the &amp;whole experiment</source>
            <translation>Réévaluer toute l'expérie&amp;nce</translation>
        </message>
        <message>
            <source>Grade every finished run of the experiment again</source>
            <translation>Évaluer à nouveau chaque exécution terminée de l'expérience</translation>
        </message>
        <message>
            <source>Stop gra&amp;ding</source>
            <translation>Arrêter l'éval&amp;uation</translation>
        </message>
        <message>
            <source>Stop grading (judge results in flight are not stored)</source>
            <translation>Arrêter l'évaluation (les résultats du juge en cours ne sont pas enregistrés)</translation>
        </message>
        <message>
            <source>&amp;Search</source>
            <translation>Rec&amp;hercher</translation>
        </message>
        <message>
            <source>Search the journal</source>
            <translation>Rechercher dans le journal</translation>
        </message>
        <message>
            <source>Focus &amp;prompt</source>
            <translation>Aller à la sa&amp;isie du prompt</translation>
        </message>
        <message>
            <source>Focus the prompt</source>
            <translation>Placer le curseur dans le prompt</translation>
        </message>
        <message>
            <source>&amp;View</source>
            <translation>Affic&amp;hage</translation>
        </message>
        <message>
            <source>&amp;Insights…</source>
            <translation>&amp;Statistiques…</translation>
        </message>
        <message>
            <source>Charts: which models work, whether they get better, how fast, where the time goes</source>
            <translation>Graphiques : quels modèles fonctionnent, s'ils progressent, à quelle vitesse, où va le temps</translation>
        </message>
        <message>
            <source>&amp;Models</source>
            <translation>&amp;Modèles</translation>
        </message>
        <message>
            <source>&amp;Refresh models</source>
            <translation>&amp;Actualiser les modèles</translation>
        </message>
        <message>
            <source>Refresh the model list</source>
            <translation>Actualiser la liste des modèles</translation>
        </message>
        <message>
            <source>&amp;Pull a model…</source>
            <translation>&amp;Télécharger un modèle…</translation>
        </message>
        <message>
            <source>Pull a model</source>
            <translation>Télécharger un modèle</translation>
        </message>
        <message>
            <source>Model &amp;details…</source>
            <translation>&amp;Détails du modèle…</translation>
        </message>
        <message>
            <source>&amp;Loaded and installed models…</source>
            <translation>Modèles &amp;chargés et installés…</translation>
        </message>
        <message>
            <source>Unload or delete models</source>
            <translation>Décharger ou supprimer des modèles</translation>
        </message>
        <message>
            <source>&amp;Help</source>
            <translation>&amp;Aide</translation>
        </message>
        <message>
            <source>&amp;Keyboard shortcuts</source>
            <translation>&amp;Raccourcis clavier</translation>
        </message>
        <message>
            <source>All keyboard shortcuts</source>
            <translation>Tous les raccourcis clavier</translation>
        </message>
        <message>
            <source>&amp;About LLM Journal</source>
            <translation>À &amp;propos de LLM Journal</translation>
        </message>
    </context>
    <context>
        <name>window_dialogs</name>
        <message>
            <source>Pulled {name}.</source>
            <translation>{name} téléchargé.</translation>
        </message>
        <message>
            <source>Select two or more runs in the history (Ctrl+click) to compare them.</source>
            <translation>Sélectionnez deux exécutions ou plus dans l'historique (Ctrl+clic) pour les comparer.</translation>
        </message>
        <message>
            <source>Give at least two run ids to compare.</source>
            <translation>Indiquez au moins deux numéros d'exécution à comparer.</translation>
        </message>
        <message>
            <source>Compare runs</source>
            <translation>Comparer des exécutions</translation>
        </message>
        <message>
            <source>Run ids to compare (any experiments), e.g. 12, 57, 58:</source>
            <translation>Numéros des exécutions à comparer (toutes expériences), par ex. 12, 57, 58 :</translation>
        </message>
        <message>
            <source>Select an experiment to run all its rows.</source>
            <translation>Sélectionnez une expérience pour exécuter toutes ses lignes.</translation>
        </message>
        <message>
            <source>Exported to {path}.</source>
            <translation>Exporté vers {path}.</translation>
        </message>
        <message>
            <source>A run is streaming: stop the answer before switching journals.</source>
            <translation>Une exécution est en cours : arrêtez la réponse avant de changer de journal.</translation>
        </message>
    </context>
    <context>
        <name>window_questions</name>
        <message>
            <source>Save the answer as</source>
            <translation>Enregistrer la réponse sous</translation>
        </message>
        <message>
            <source>Text (*.md *.txt);;All files (*)</source>
            <translation>Texte (*.md *.txt);;Tous les fichiers (*)</translation>
        </message>
        <message>
            <source>Model not available</source>
            <translation>Modèle indisponible</translation>
        </message>
        <message>
            <source>{model} is not on this Ollama any more. Pull it now?</source>
            <translation>{model} n'est plus sur cet Ollama. Le télécharger maintenant ?</translation>
        </message>
        <message>
            <source>A run is still streaming</source>
            <translation>Une exécution est encore en cours</translation>
        </message>
        <message>
            <source>An answer is still streaming. Stop it and quit?

The text received so far is kept in the journal.</source>
            <translation>Une réponse est encore en cours de réception. L'arrêter et quitter ?

Le texte reçu jusque-là est conservé dans le journal.</translation>
        </message>
        <message>
            <source>The answer is not saved</source>
            <translation>La réponse n'est pas enregistrée</translation>
        </message>
        <message>
            <source>The last answer is not in the journal yet: {reason}

Quitting now keeps only what was saved before. Save the answer to a file first?</source>
            <translation>La dernière réponse n'est pas encore dans le journal : {reason}

Quitter maintenant ne garde que ce qui a été enregistré avant. Enregistrer d'abord la réponse dans un fichier ?</translation>
        </message>
    </context>
</TS>
