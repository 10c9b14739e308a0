<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
    <context>
        <name>batch_window</name>
        <message numerus="yes">
            <source>%n row(s)</source>
            <translation>
                <numerusform>%n row</numerusform>
                <numerusform>%n rows</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n model(s)</source>
            <translation>
                <numerusform>%n model</numerusform>
                <numerusform>%n models</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n time(s)</source>
            <translation>
                <numerusform>%n time</numerusform>
                <numerusform>%n times</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n run(s)</source>
            <translation>
                <numerusform>%n run</numerusform>
                <numerusform>%n runs</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Running %n item(s)…</source>
            <translation>
                <numerusform>Running %n item…</numerusform>
                <numerusform>Running %n items…</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n item(s) left</source>
            <translation>
                <numerusform>%n item left</numerusform>
                <numerusform>%n items left</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>check_texts</name>
        <message numerus="yes">
            <source>%n need(s) a look</source>
            <translation>
                <numerusform>%n needs a look</numerusform>
                <numerusform>%n need a look</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n run(s): {ids}</source>
            <translation>
                <numerusform>%n run: {ids}</numerusform>
                <numerusform>%n runs: {ids}</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>check_window</name>
        <message numerus="yes">
            <source>%n grade(s) still coming</source>
            <translation>
                <numerusform>%n grade still coming</numerusform>
                <numerusform>%n grades still coming</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n grade(s) missing (grading stopped): Resume grades them</source>
            <translation>
                <numerusform>%n grade missing (grading stopped): Resume grades them</numerusform>
                <numerusform>%n grades missing (grading stopped): Resume grades them</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Cancelled after %n replay(s); resume to run the rest.</source>
            <translation>
                <numerusform>Cancelled after %n replay; resume to run the rest.</numerusform>
                <numerusform>Cancelled after %n replays; resume to run the rest.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Replays finished (%n replay(s)); grading goes on.</source>
            <translation>
                <numerusform>Replays finished (%n replay); grading goes on.</numerusform>
                <numerusform>Replays finished (%n replays); grading goes on.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Finished: %n replay(s).</source>
            <translation>
                <numerusform>Finished: %n replay.</numerusform>
                <numerusform>Finished: %n replays.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Marked %n passing replay(s) as worked.</source>
            <translation>
                <numerusform>Marked %n passing replay as worked.</numerusform>
                <numerusform>Marked %n passing replays as worked.</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>compare_dialog</name>
        <message numerus="yes">
            <source>%n token(s)</source>
            <translation>
                <numerusform>%n token</numerusform>
                <numerusform>%n tokens</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>expectations_editor</name>
        <message numerus="yes">
            <source>Not saved: %n expectation(s) the journal refuses, such as {text} (the saved version is kept).</source>
            <translation>
                <numerusform>Not saved: %n expectation the journal refuses, such as {text} (the saved version is kept).</numerusform>
                <numerusform>Not saved: %n expectations the journal refuses, such as {text} (the saved version is kept).</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Not saved: %n expectation(s) the journal refuses, such as {text}.</source>
            <translation>
                <numerusform>Not saved: %n expectation the journal refuses, such as {text}.</numerusform>
                <numerusform>Not saved: %n expectations the journal refuses, such as {text}.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n expectation(s), all must pass</source>
            <translation>
                <numerusform>%n expectation, it must pass</numerusform>
                <numerusform>%n expectations, all must pass</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n expectation(s), weighted score at least {threshold}</source>
            <translation>
                <numerusform>%n expectation, weighted score at least {threshold}</numerusform>
                <numerusform>%n expectations, weighted score at least {threshold}</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>experiment_list_model</name>
        <message numerus="yes">
            <source>Not judged yet (%n model(s))</source>
            <translation>
                <numerusform>Not judged yet (%n model)</numerusform>
                <numerusform>Not judged yet (%n models)</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Worked on {worked} of %n model(s)</source>
            <translation>
                <numerusform>Worked on {worked} of %n model</numerusform>
                <numerusform>Worked on {worked} of %n models</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>export_dialog</name>
        <message numerus="yes">
            <source>%n run(s)</source>
            <translation>
                <numerusform>%n run</numerusform>
                <numerusform>%n runs</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n experiment(s)</source>
            <translation>
                <numerusform>%n experiment</numerusform>
                <numerusform>%n experiments</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>grade_marks</name>
        <message numerus="yes">
            <source>%n of {total} pass</source>
            <translation>
                <numerusform>%n of {total} pass</numerusform>
                <numerusform>%n of {total} pass</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n unsure</source>
            <translation>
                <numerusform>%n unsure</numerusform>
                <numerusform>%n unsure</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n error(s)</source>
            <translation>
                <numerusform>%n error</numerusform>
                <numerusform>%n errors</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n not graded</source>
            <translation>
                <numerusform>%n not graded</numerusform>
                <numerusform>%n not graded</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>grading_controls</name>
        <message numerus="yes">
            <source>Grading stopped: %n run(s) not graded again; re-grade (Ctrl+G) when you like.</source>
            <translation>
                <numerusform>Grading stopped: %n run not graded again; re-grade (Ctrl+G) when you like.</numerusform>
                <numerusform>Grading stopped: %n runs not graded again; re-grade (Ctrl+G) when you like.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Re-grading %n run(s)…</source>
            <translation>
                <numerusform>Re-grading %n run…</numerusform>
                <numerusform>Re-grading %n runs…</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>grading %n run(s)…</source>
            <translation>
                <numerusform>grading %n run…</numerusform>
                <numerusform>grading %n runs…</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>input_set_editor</name>
        <message numerus="yes">
            <source>Removed %n input(s).</source>
            <translation>
                <numerusform>Removed %n input.</numerusform>
                <numerusform>Removed %n inputs.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Remove %n input row(s)? Runs made from them keep their values.</source>
            <translation>
                <numerusform>Remove %n input row? Runs made from them keep their values.</numerusform>
                <numerusform>Remove %n input rows? Runs made from them keep their values.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Added %n input(s).</source>
            <translation>
                <numerusform>Added %n input.</numerusform>
                <numerusform>Added %n inputs.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n input(s) · variables: {variables}</source>
            <translation>
                <numerusform>%n input · variables: {variables}</numerusform>
                <numerusform>%n inputs · variables: {variables}</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>insights_specs</name>
        <message numerus="yes">
            <source>{model}, %n experiment(s): {worked} worked, {partly} partly, {failed} failed, {unjudged} not judged; {rate}. Click to list them.</source>
            <translation>
                <numerusform>{model}, %n experiment: {worked} worked, {partly} partly, {failed} failed, {unjudged} not judged; {rate}. Click to list them.</numerusform>
                <numerusform>{model}, %n experiments: {worked} worked, {partly} partly, {failed} failed, {unjudged} not judged; {rate}. Click to list them.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>{passed} of %n run(s) pass</source>
            <translation>
                <numerusform>{passed} of %n run pass</numerusform>
                <numerusform>{passed} of %n runs pass</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>{model}, week of {week}: {rate}% of %n run(s) pass</source>
            <translation>
                <numerusform>{model}, week of {week}: {rate}% of %n run pass</numerusform>
                <numerusform>{model}, week of {week}: {rate}% of %n runs pass</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>{model}: median {median} {unit}; middle half {q1}-{q3}; from {low} to {high} over %n run(s)</source>
            <translation>
                <numerusform>{model}: median {median} {unit}; middle half {q1}-{q3}; from {low} to {high} over %n run</numerusform>
                <numerusform>{model}: median {median} {unit}; middle half {q1}-{q3}; from {low} to {high} over %n runs</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Week of {week}: %n run(s)</source>
            <translation>
                <numerusform>Week of {week}: %n run</numerusform>
                <numerusform>Week of {week}: %n runs</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>insights_window</name>
        <message numerus="yes">
            <source>%n run(s) wait for a verdict</source>
            <translation>
                <numerusform>%n run waits for a verdict</numerusform>
                <numerusform>%n runs wait for a verdict</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>list_panel</name>
        <message numerus="yes">
            <source>%Ln+ matching</source>
            <translation>
                <numerusform>%Ln+ matching</numerusform>
                <numerusform>%Ln+ matching</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%Ln matching</source>
            <translation>
                <numerusform>%Ln matching</numerusform>
                <numerusform>%Ln matching</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%Ln+ experiment(s)</source>
            <translation>
                <numerusform>%Ln+ experiment</numerusform>
                <numerusform>%Ln+ experiments</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%Ln experiment(s)</source>
            <translation>
                <numerusform>%Ln experiment</numerusform>
                <numerusform>%Ln experiments</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>main_window</name>
        <message numerus="yes">
            <source>The answer (%n character(s)) is in {path}.</source>
            <translation>
                <numerusform>The answer (%n character) is in {path}.</numerusform>
                <numerusform>The answer (%n characters) is in {path}.</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>matrix_dialog</name>
        <message numerus="yes">
            <source>{verdict} (run {id}; %n run(s))
Double-click to open</source>
            <translation>
                <numerusform>{verdict} (run {id}; %n run)
Double-click to open</numerusform>
                <numerusform>{verdict} (run {id}; %n runs)
Double-click to open</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>prompt_panel</name>
        <message numerus="yes">
            <source>%n invalid setting(s)</source>
            <translation>
                <numerusform>%n invalid setting</numerusform>
                <numerusform>%n invalid settings</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>run_controller</name>
        <message numerus="yes">
            <source>; %n more queued</source>
            <translation>
                <numerusform>; %n more queued</numerusform>
                <numerusform>; %n more queued</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Stopped after {done} of %n run(s)</source>
            <translation>
                <numerusform>Stopped after {done} of %n run</numerusform>
                <numerusform>Stopped after {done} of %n runs</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Repeated %n time(s)</source>
            <translation>
                <numerusform>Repeated %n time</numerusform>
                <numerusform>Repeated %n times</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>run_display</name>
        <message numerus="yes">
            <source>%n token(s)</source>
            <translation>
                <numerusform>%n token</numerusform>
                <numerusform>%n tokens</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>run_history</name>
        <message numerus="yes">
            <source>Showed %n image(s):</source>
            <translation>
                <numerusform>Showed %n image:</numerusform>
                <numerusform>Showed %n images:</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>transfer_texts</name>
        <message numerus="yes">
            <source>%n new experiment(s)</source>
            <translation>
                <numerusform>%n new experiment</numerusform>
                <numerusform>%n new experiments</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n new run(s)</source>
            <translation>
                <numerusform>%n new run</numerusform>
                <numerusform>%n new runs</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%Ln already present</source>
            <translation>
                <numerusform>%Ln already present</numerusform>
                <numerusform>%Ln already present</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n experiment(s)</source>
            <translation>
                <numerusform>%n experiment</numerusform>
                <numerusform>%n experiments</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n run(s)</source>
            <translation>
                <numerusform>%n run</numerusform>
                <numerusform>%n runs</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n replay link(s) left out (the replayed run is in neither the export nor this journal)</source>
            <translation>
                <numerusform>%n replay link left out (the replayed run is in neither the export nor this journal)</numerusform>
                <numerusform>%n replay links left out (the replayed run is in neither the export nor this journal)</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n run(s) still in progress when exported, imported as interrupted</source>
            <translation>
                <numerusform>%n run still in progress when exported, imported as interrupted</numerusform>
                <numerusform>%n runs still in progress when exported, imported as interrupted</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n new expectation(s)</source>
            <translation>
                <numerusform>%n new expectation</numerusform>
                <numerusform>%n new expectations</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n new grade(s)</source>
            <translation>
                <numerusform>%n new grade</numerusform>
                <numerusform>%n new grades</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n new input row(s)</source>
            <translation>
                <numerusform>%n new input row</numerusform>
                <numerusform>%n new input rows</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n new image(s)</source>
            <translation>
                <numerusform>%n new image</numerusform>
                <numerusform>%n new images</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n new migration check(s)</source>
            <translation>
                <numerusform>%n new migration check</numerusform>
                <numerusform>%n new migration checks</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>trash_actions</name>
        <message numerus="yes">
            <source>Moved {title} and its %n run(s) to the trash. Ctrl+Z brings it back.</source>
            <translation>
                <numerusform>Moved {title} and its %n run to the trash. Ctrl+Z brings it back.</numerusform>
                <numerusform>Moved {title} and its %n runs to the trash. Ctrl+Z brings it back.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Moved run {ids} and %n later turn(s) that followed to the trash. Ctrl+Z brings them back.</source>
            <translation>
                <numerusform>Moved run {ids} and %n later turn that followed to the trash. Ctrl+Z brings them back.</numerusform>
                <numerusform>Moved run {ids} and %n later turns that followed to the trash. Ctrl+Z brings them back.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Moved runs {ids} and %n later turn(s) that followed to the trash. Ctrl+Z brings them back.</source>
            <translation>
                <numerusform>Moved runs {ids} and %n later turn that followed to the trash. Ctrl+Z brings them back.</numerusform>
                <numerusform>Moved runs {ids} and %n later turns that followed to the trash. Ctrl+Z brings them back.</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>trash_dialog</name>
        <message numerus="yes">
            <source>%n image(s)</source>
            <translation>
                <numerusform>%n image</numerusform>
                <numerusform>%n images</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Restored experiment {ids} and its %n run(s) from the trash.</source>
            <translation>
                <numerusform>Restored experiment {ids} and its %n run from the trash.</numerusform>
                <numerusform>Restored experiment {ids} and its %n runs from the trash.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Restored experiments {ids} and their %n run(s) from the trash.</source>
            <translation>
                <numerusform>Restored experiments {ids} and their %n run from the trash.</numerusform>
                <numerusform>Restored experiments {ids} and their %n runs from the trash.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Restored run {ids} and %n later turn(s) from the trash.</source>
            <translation>
                <numerusform>Restored run {ids} and %n later turn from the trash.</numerusform>
                <numerusform>Restored run {ids} and %n later turns from the trash.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Restored runs {ids} and %n later turn(s) from the trash.</source>
            <translation>
                <numerusform>Restored runs {ids} and %n later turn from the trash.</numerusform>
                <numerusform>Restored runs {ids} and %n later turns from the trash.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Experiment {title} and its %n run(s)</source>
            <translation>
                <numerusform>Experiment {title} and its %n run</numerusform>
                <numerusform>Experiment {title} and its %n runs</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Run {id} on {model} of {title} and %n later turn(s)</source>
            <translation>
                <numerusform>Run {id} on {model} of {title} and %n later turn</numerusform>
                <numerusform>Run {id} on {model} of {title} and %n later turns</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n experiment(s)</source>
            <translation>
                <numerusform>%n experiment</numerusform>
                <numerusform>%n experiments</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n run(s)</source>
            <translation>
                <numerusform>%n run</numerusform>
                <numerusform>%n runs</numerusform>
            </translation>
        </message>
    </context>
</TS>
