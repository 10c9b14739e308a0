"""Save a PNG of the journal window mid-experiment, on a generated demo journal.

    scripts/screenshot [OUT.png] [--dark] [--size 1366x768] [--scene SCENE]

Runs the real window against the fake Ollama server (tests/fake_ollama.py) with demo
experiments, starts a run, and grabs the window while the answer is streaming (or once it is
done; or while Ollama is silent; or while a full disk keeps the answer from being saved;
or, with graded demo runs, after a Repeat of 3 (`repeat`) or in the matrix with pass rates
(`matrix`), or with its expectations tried on the answer in the editor (`expectations`),
or a migration check sorted into passes, fails, needs a look and still grading (`check`),
or a prompt with {{variables}} run with their values, then one value cleared and Run
pressed again, so the form says what is missing (`template`), or that prompt with a table of
inputs under the expectations, some with expectations of their own (`inputs`), or Run all rows
of an experiment on three models over two hosts, while it runs and (OUT-done.png) once done
(`batch`), or a run that asked for a JSON schema (set under Settings), its answer shown as
indented JSON with whether it matches (`format`), or a three-turn conversation with a branch at
turn 2, its newest turn selected and the prompt in follow-up mode (`conversation`), or two
pictures attached to the next prompt (`image`), or the list just after the open experiment
went to the trash, the status bar saying how to undo it (`deleted`), or the trash dialog
holding that experiment and a run deleted on its own (`trash`), or the Insights window over
ten weeks of judged, timed runs, then narrowed by the list to one tag (`insights`), or the
Settings dialog (`settings`); with --language fr the window speaks French;
scenes: streaming, done, silent, unsaved, repeat, matrix, expectations, check, template,
inputs, batch, format, conversation, image, deleted, trash, insights, settings. With
--expectations (implied by the `expectations` scene) the experiment has expectations, one of
them for a judge, so the answer shows its grades and the outcome a suggested verdict.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ANSWER = """Here are three rivers that flow through more than one European country:

1. **Danube** — ten countries, from Germany to the Black Sea.
2. **Rhine** — Switzerland, Austria, Liechtenstein, Germany, France and the Netherlands.
3. **Elbe** — Czechia and Germany.

| River | Length | Mouth |
|---|---|---|
| Danube | 2,850 km | Black Sea |
| Rhine | 1,230 km | North Sea |
| Elbe | 1,094 km | North Sea |

```python
rivers = {"Danube": 2850, "Rhine": 1230, "Elbe": 1094}
longest = max(rivers, key=rivers.get)
```
"""

DEMO = [
    (
        "JSON extraction from invoices",
        "Returns valid JSON with total and date",
        ["json", "extraction"],
        [("llama3.2:3b", "worked"), ("qwen3:4b", "partly")],
    ),
    (
        "Haiku about autumn rivers",
        "Keeps the 5-7-5 form",
        ["poetry"],
        [("gemma3:4b", "failed"), ("llama3.2:3b", "worked")],
    ),
    (
        "Summarise a bug report in one line",
        "One sentence, names the component",
        ["summary"],
        [("mistral:7b", "worked")],
    ),
    (
        "SQL from a plain-English question",
        "Query runs on SQLite unchanged",
        ["code", "sql"],
        [("qwen3:4b", "worked"), ("gemma3:4b", "partly")],
    ),
    (
        "Translate a shipping notice to German",
        "Formal register, no English left",
        ["translation"],
        [("llama3.2:3b", "partly")],
    ),
    (
        "Regex for ISO dates",
        "Matches 2026-11-27, rejects 2026-13-01",
        ["code", "regex"],
        [("mistral:7b", "failed"), ("qwen3:4b", "worked")],
    ),
    (
        "Classify support tickets by urgency",
        "Three labels, no explanations",
        ["classification"],
        [("gemma3:4b", "worked")],
    ),
    (
        "Explain a Python traceback to a beginner",
        "Plain words, points at the line",
        ["teaching"],
        [("llama3.2:3b", None)],
    ),
]


EXPECTATIONS = (
    "contains:Danube",
    "regex:\\| Rhine +\\|",
    "not-contains:As an AI",
    "words<=60",
    "judge:names three real rivers that each cross a border",
)
EXPECTATION_TARGETS = {"contains:Danube": "turn:1"}
"""Targets other than the answer, to show the row's turn field (the run is turn 1)."""
INPUTS = (
    ("Germany", "French", ""),
    ("Austria", "German", "contains:Danube"),
    ("Switzerland", "Italian", "contains:Rhine\nwords<=80"),
    ("Czechia", "English", "contains:Elbe"),
    ("Hungary", "German", ""),
    ("Portugal", "Spanish", "contains:Tagus"),
)
JUDGE_REPLY = '{"pass": true, "score": 0.9, "reason": "three real rivers, each crosses a border"}'


def add_inputs(window: object) -> None:
    """The open experiment's inputs, written through the core as pasting them would."""
    from journal.core.input_sets import add_rows, row_from_cells

    journal = window.context.journal  # type: ignore[attr-defined]
    experiment_id = window.editor.experiment_id()  # type: ignore[attr-defined]
    rows = [
        row_from_cells({"country": country, "language": language, "expect": expect})
        for country, language, expect in INPUTS
    ]
    with journal.write() as session:
        add_rows(session, experiment_id, rows)
    window.editor.inputs.reload()  # type: ignore[attr-defined]


def add_expectations(window: object, lines: tuple[str, ...]) -> None:
    """The open experiment's expectations, written through the core as the editor would."""
    from journal.core.expectations import parse_expectation
    from journal.core.grades import add_expectation

    journal = window.context.journal  # type: ignore[attr-defined]
    experiment_id = window.editor.experiment_id()  # type: ignore[attr-defined]
    with journal.write() as session:
        for line in lines:
            target = EXPECTATION_TARGETS.get(line, "answer")
            add_expectation(session, experiment_id, parse_expectation(line, target=target))


def build_demo(db: Path, url: str) -> None:
    from journal.core.domain import Verdict
    from journal.core.ollama_service import OllamaService
    from journal.core.queries import create_experiment, set_verdict
    from journal.core.runner import RunRecorder, RunSpec
    from journal.core.storage import Journal

    with Journal.open(db) as journal:
        recorder = RunRecorder(journal, OllamaService(url))
        for title, hypothesis, tags, runs in DEMO:
            with journal.write() as session:
                experiment = create_experiment(
                    session, title=title, hypothesis=hypothesis, tags=tags
                )
            assert experiment.id is not None
            for model, verdict in runs:
                run = recorder.execute(
                    RunSpec(
                        experiment_id=experiment.id,
                        model=model,
                        prompt=title,
                        options={"temperature": 0.2, "seed": 42},
                    )
                )
                if verdict:
                    with journal.write() as session:
                        set_verdict(session, run.id or 0, Verdict(verdict))


INSIGHTS_TOPICS = (
    ("Invoice fields as JSON", ["json", "extraction"]),
    ("Haiku on a theme", ["poetry", "writing"]),
    ("Bug report in one line", ["summary", "writing"]),
    ("SQL from a question", ["code", "sql"]),
    ("Ticket urgency", ["classification"]),
)
INSIGHTS_MODELS = {  # model: (tokens per second, share that works, gain per week)
    "llama3.2:3b": (62.0, 0.45, 0.05),
    "qwen3:4b": (41.0, 0.6, 0.02),
    "gemma3:4b": (35.0, 0.5, 0.0),
    "mistral:7b": (22.0, 0.35, 0.03),
}


def insights_demo(db: Path, weeks: int = 10) -> None:
    """Ten weeks of past runs on four models over tagged experiments, judged, timed, and
    llama3.2:3b given new weights half way: figures for every Insights chart."""
    import random
    from datetime import UTC, datetime, timedelta

    from journal.core.domain import Verdict
    from journal.core.models import Experiment
    from journal.core.queries import create_experiment
    from journal.core.storage import Journal
    from tests.past_runs import add_past_run

    chance = random.Random(15)
    start = datetime.now(UTC) - timedelta(weeks=weeks)
    with Journal.open(db) as journal, journal.write() as session:
        for week in range(weeks):
            for topic, (title, tags) in enumerate(INSIGHTS_TOPICS):
                day = start + timedelta(weeks=week, days=topic % 5, hours=9 + topic)
                experiment = create_experiment(session, title=f"{title} ({week + 1})", tags=tags)
                assert experiment.id is not None
                stored = session.get(Experiment, experiment.id)
                assert stored is not None
                stored.created_at = day
                session.add(stored)
                for model, (speed, works, gain) in INSIGHTS_MODELS.items():
                    if chance.random() < 0.35:
                        continue
                    for repeat in range(chance.randint(1, 3)):
                        roll = chance.random()
                        good = works + gain * week
                        verdict = (
                            Verdict.WORKED
                            if roll < good
                            else Verdict.PARTLY
                            if roll < good + 0.2
                            else Verdict.FAILED
                        )
                        if chance.random() < 0.15:
                            verdict = None
                        tokens = chance.randint(120, 600)
                        rate = max(5.0, chance.gauss(speed, speed * 0.15))
                        digest = "9a" * 32 if model == "llama3.2:3b" and week >= 5 else None
                        add_past_run(
                            session,
                            experiment.id,
                            title,
                            verdict,
                            model=model,
                            digest=digest,
                            created_at=day + timedelta(minutes=repeat * 7),
                            eval_count=tokens,
                            eval_duration=int(tokens / rate * 1e9),
                            first_token_seconds=chance.uniform(0.15, 0.9)
                            * (2 if speed < 30 else 1),
                            load_duration=int(chance.uniform(0.8, 4.0) * 1e9) if repeat == 0 else 0,
                        )


def show_insights(window: Any, width: int, height: int, wait: Any, out: str) -> None:
    """View > Insights…, computed, then (OUT-tag.png) narrowed to the tag `writing` by the
    list's filter."""
    from journal.core.domain import ExperimentFilter
    from journal.gui.insights_window import InsightsWindow

    window.insights_action.trigger()
    insights = window.findChild(InsightsWindow, "insightsWindow")
    insights.resize(min(width, 1600), min(height, 1000))
    wait(lambda: not insights.busy() and insights.outcomes.showing_chart(), 30)
    wait(lambda: False, 0.8)
    insights.grab().save(out)
    window.list_panel.apply_filter(ExperimentFilter(tag="writing"))
    wait(lambda: not insights.busy(), 30)
    wait(lambda: False, 0.8)
    insights.grab().save(out.replace(".png", "-tag.png"))
    insights.close()


def grade_demo(db: Path) -> None:
    """Expectations on every demo experiment, its runs graded: pass rates to show."""
    from journal.core.expectations import parse_expectation
    from journal.core.grades import add_expectation
    from journal.core.grading_queue import grade_now
    from journal.core.queries import list_experiments, runs_of
    from journal.core.storage import Journal

    with Journal.open(db) as journal:
        with journal.read() as session:
            experiments = [row.id for row in list_experiments(session)]
        for number, experiment_id in enumerate(experiments):
            if number % 3 == 2:
                continue  # some experiments state no expectations: a dash
            with journal.write() as session:
                add_expectation(session, experiment_id, parse_expectation("words<=400"))
                word = "Danube" if number % 2 else "river"
                add_expectation(session, experiment_id, parse_expectation(f"icontains:{word}"))
                runs = [run.id for run in runs_of(session, experiment_id)]
            for run_id in runs:
                grade_now(journal, run_id or 0)


CHECK_EXPECTATIONS = {
    "JSON extraction from invoices": ["contains:Danube", "words<=400"],
    "Haiku about autumn rivers": ["contains:haiku", "lines<=5"],
    "SQL from a plain-English question": ["icontains:select", "not-contains:As an AI"],
    "Regex for ISO dates": ["judge:gives a regex that matches ISO dates"],
    "Classify support tickets by urgency": ["contains:Rhine"],
}  # the demo's other worked experiment states none: it needs a look


def check_demo(db: Path) -> None:
    """Expectations for the check scene: two pass on llama3.2:3b, two fail, one waits for
    the judge (held back until the picture is taken), one has none."""
    from journal.core.expectations import parse_expectation
    from journal.core.grades import add_expectation
    from journal.core.queries import list_experiments
    from journal.core.settings import SettingsFile
    from journal.core.storage import Journal

    SettingsFile().update({"models.judge": "judge:4b"})
    with Journal.open(db) as journal, journal.write() as session:
        for row in list_experiments(session):
            for line in CHECK_EXPECTATIONS.get(row.title, []):
                add_expectation(session, row.id, parse_expectation(line))


def show_check(window: object, width: int, height: int, wait: object, out: str) -> None:
    """The check window over the main one: a check of every run that worked, on llama3.2:3b."""
    from journal.core.domain import ExperimentFilter, Verdict
    from journal.gui.check_window import CheckWindow

    dialog = CheckWindow(window.context, window)  # type: ignore[attr-defined]
    dialog.resize(width, height)
    dialog.set_source(ExperimentFilter(verdict=Verdict.WORKED))
    dialog.show()
    wait(lambda: dialog.target_picker.is_installed("llama3.2:3b"))  # type: ignore[operator]
    dialog.target_picker.set_current_model("llama3.2:3b")
    dialog.start()
    wait(lambda: not dialog.is_running() and dialog.grading_text(), 60)  # type: ignore[operator]
    fails = [item for item in dialog.items_model.items() if item.group.value == "fail"]
    if fails:
        dialog.select_position(fails[0].position)
    wait(lambda: False, 0.5)  # type: ignore[operator]
    dialog.grab().save(out)
    dialog.close()


BATCH_COUNTRIES = ["Germany", "France", "Austria", "Hungary", "Switzerland", "Netherlands"]
BATCH_TEMPLATE = "Name three rivers that flow through {{country}} and another country."


def show_batch(window: object, width: int, height: int, wait: object, out: str) -> None:
    """Run all rows: six countries on three models over two hosts, grabbed while it runs
    (OUT) and once it is done (OUT with -done before the extension)."""
    from journal.core.expectations import parse_expectation
    from journal.core.grades import add_expectation
    from journal.core.input_sets import RowInput, add_rows
    from journal.gui.batch_window import BatchWindow

    journal = window.context.journal  # type: ignore[attr-defined]
    experiment_id = window.editor.experiment_id()  # type: ignore[attr-defined]
    with journal.write() as session:
        add_expectation(session, experiment_id, parse_expectation("icontains:rivers"))
        add_expectation(session, experiment_id, parse_expectation("words<=400"))
        add_rows(session, experiment_id, [RowInput({"country": c}) for c in BATCH_COUNTRIES])
    window.prompt_panel.set_prompt(BATCH_TEMPLATE)  # type: ignore[attr-defined]
    window.prompt_panel.set_variable_values({"country": "Germany"})  # type: ignore[attr-defined]
    window.run_prompt()  # type: ignore[attr-defined]
    wait(lambda: not window.runs.is_running, 60)  # type: ignore[attr-defined,operator]
    window.dialogs.open_batch_window()  # type: ignore[attr-defined]
    dialog = next(w for w in window.findChildren(BatchWindow) if w.isVisible())  # type: ignore[attr-defined]
    dialog.resize(min(width - 120, 1100), min(height - 60, 780))
    wait(lambda: dialog.models_list.isEnabled())  # type: ignore[operator]
    dialog.set_models(["llama3.2:3b", "qwen3:4b", "gemma3:4b"])
    dialog.start()
    wait(lambda: dialog.progress_bar.value() >= 7, 60)  # type: ignore[operator]
    dialog.grab().save(out)
    wait(lambda: not dialog.is_running(), 120)  # type: ignore[operator]
    dialog.grid_view.setCurrentIndex(dialog.grid_model.index(1, 1))
    wait(lambda: False, 0.5)  # type: ignore[operator]
    done = Path(out)
    dialog.grab().save(str(done.with_name(f"{done.stem}-done{done.suffix}")))
    dialog.close()


RIVERS_SCHEMA = {
    "type": "object",
    "properties": {
        "rivers": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "length_km": {"type": "integer"},
                    "countries": {"type": "array", "items": {"type": "string"}},
                },
                "required": ["name", "length_km", "countries"],
            },
        }
    },
    "required": ["rivers"],
}
FORMAT_ANSWER = (
    '{"rivers": [{"name": "Danube", "length_km": 2850, "countries": ["Germany", "Austria",'
    ' "Slovakia", "Hungary", "Croatia", "Serbia", "Romania", "Bulgaria", "Moldova", "Ukraine"]},'
    ' {"name": "Rhine", "length_km": 1233, "countries": ["Switzerland", "Liechtenstein",'
    ' "Austria", "Germany", "France", "Netherlands"]}, {"name": "Elbe", "length_km": 1094,'
    ' "countries": ["Czechia", "Germany"]}]}'
)


def picture(colour: str) -> bytes:
    """A 640x420 PNG: a coloured block on paper."""
    from PySide6.QtCore import QBuffer, QIODevice
    from PySide6.QtGui import QColor, QImage, QPainter

    image = QImage(640, 420, QImage.Format.Format_RGB32)
    image.fill(QColor("#f4f1ea"))
    painter = QPainter(image)
    painter.fillRect(40, 40, 560, 340, QColor(colour))
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]
    return bytes(buffer.data().data())


def attach_pictures(window: object) -> None:
    """Two pictures attached to the next prompt, as a drop or a paste attaches them."""
    w: Any = window
    for name, colour in (("receipt.png", "#d9822b"), ("river-map.png", "#2b6cd9")):
        w.prompt_panel.attached_images.attach_data(picture(colour), name)
    w.prompt_panel.set_prompt("What is the total on this receipt, and which river is marked?")


def show_conversation(window: object, wait: object) -> None:
    """Two follow-ups to the finished run, then a branch from turn 2 on a vision model with
    a map attached (the history marks it); follow-up mode stays on for the newest turn, a
    next question half written."""
    w: Any = window

    def follow(prompt: str) -> None:
        w.prompt_panel.set_prompt(prompt)
        w.run_prompt()
        wait(lambda: w.runs.is_running, 5)  # type: ignore[operator]
        wait(lambda: not w.runs.is_running, 60)  # type: ignore[operator]

    w.continue_action.trigger()
    follow("Which of the three is the longest, and by how much?")
    turn2 = w.display.current_run_id()
    follow("Convert the lengths to miles.")
    w.display.select_run(turn2)
    w.continue_action.trigger()
    w.prompt_panel.model_picker.set_current_model("gemma3:4b")
    w.prompt_panel.attached_images.attach_data(picture("#2b6cd9"), "river-map.png")
    follow("Which of them is marked on this map?")
    w.prompt_panel.set_prompt("Where does it rise?")
    wait(lambda: w.answer_view.is_rendered(), 10)  # type: ignore[operator]


def show_models(window: Any, wait: Any, out: str) -> None:
    """The Models dialog with a model loaded by the run just made."""
    from journal.gui.models_dialog import ModelsDialog

    dialog = ModelsDialog(window.context.service, window)
    dialog.show()
    wait(lambda: dialog.refresh_button.isEnabled() and dialog.installed_table.rowCount() > 0, 10)
    dialog.grab().save(out)
    dialog.close()


def show_trash(window: Any, scene: str, wait: Any, out: str) -> None:
    """Delete the open experiment (as the Delete key in the list does); for the trash
    scene also a run of the next one, then grab the trash dialog."""
    window.list_panel.view().setFocus()
    window.trash.delete_experiment()
    wait(lambda: window.statusBar().currentMessage().startswith("Moved"), 10)
    if scene == "deleted":  # the count under the filters has caught up
        rows = str(window.list_panel.model().rowCount())
        wait(lambda: window.list_panel.count_text().startswith(rows), 10)
        return
    wait(lambda: window.history_model.rowCount() > 0, 10)
    window.history_view.setFocus()
    window.trash.delete_runs()
    wait(lambda: "run" in window.statusBar().currentMessage().split("to the trash")[0][6:12], 10)
    window.trash_action.trigger()
    from journal.gui.trash_dialog import TrashDialog

    dialog = window.findChild(TrashDialog, "trashDialog")
    wait(lambda: False, 0.3)
    dialog.grab().save(out)
    dialog.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", nargs="?", default=str(ROOT / "resources" / "screenshot.png"))
    parser.add_argument("--dark", action="store_true")
    parser.add_argument("--done", action="store_true", help="the same as --scene done")
    parser.add_argument("--size", default="1440x900", help="window size, WIDTHxHEIGHT")
    parser.add_argument(
        "--scene",
        choices=(
            "streaming",
            "done",
            "silent",
            "unsaved",
            "repeat",
            "matrix",
            "expectations",
            "check",
            "template",
            "inputs",
            "batch",
            "format",
            "conversation",
            "image",
            "models",
            "deleted",
            "trash",
            "insights",
            "settings",
        ),
        default="streaming",
    )
    parser.add_argument(
        "--language",
        choices=("en", "fr", "system"),
        default="en",
        help="the window's language (as chosen in Settings; system: the locale's)",
    )
    parser.add_argument(
        "--expectations", action="store_true", help="grade the run against expectations"
    )
    args = parser.parse_args()
    scene = "done" if args.done else args.scene
    args.expectations = args.expectations or scene in ("expectations", "inputs")
    width, height = (int(part) for part in args.size.lower().split("x"))
    os.environ.setdefault(
        "QT_QPA_PLATFORM", "offscreen" if not os.environ.get("DISPLAY") else "xcb"
    )

    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QApplication

    from journal.gui.i18n import chosen_language, install_language
    from journal.gui.main_window import MainWindow
    from journal.gui.resources import app_icon
    from journal.gui.settings_store import SettingsStore
    from tests.fake_ollama import FakeModel, FakeOllama

    judge_answers = threading.Event()  # the check scene's judge answers after the picture

    def judge_reply(*_: object) -> str:
        if scene == "check":
            judge_answers.wait(30)
        return JUDGE_REPLY

    models = [
        FakeModel(
            "llama3.2:3b",
            family="llama",
            parameter_size="3.2B",
            quantization_level="Q4_K_M",
            # Long enough in the "unsaved" scene that its pages cannot fit in a full file.
            reply=lambda *_: (
                FORMAT_ANSWER if scene == "format" else ANSWER * (12 if scene == "unsaved" else 1)
            ),
        ),
        FakeModel(
            "qwen3:4b",
            family="qwen3",
            parameter_size="4.0B",
            quantization_level="Q4_K_M",
            capabilities=["completion", "thinking"],
        ),
        FakeModel(
            "gemma3:4b",
            family="gemma3",
            parameter_size="4.3B",
            quantization_level="Q4_K_M",
            capabilities=["completion", "vision"],
        ),
        FakeModel("mistral:7b", family="llama", parameter_size="7.2B", quantization_level="Q4_0"),
        FakeModel(
            "judge:4b",
            family="qwen3",
            parameter_size="4.0B",
            quantization_level="Q4_K_M",
            reply=judge_reply,
        ),
    ]
    app = QApplication.instance() or QApplication([])
    app.setWindowIcon(app_icon())
    if args.dark:
        app.setStyle("Fusion")
        palette = QPalette()
        for role, colour in (
            (QPalette.ColorRole.Window, "#2b2b2b"),
            (QPalette.ColorRole.WindowText, "#e6e6e6"),
            (QPalette.ColorRole.Base, "#1f1f1f"),
            (QPalette.ColorRole.AlternateBase, "#262626"),
            (QPalette.ColorRole.Text, "#e6e6e6"),
            (QPalette.ColorRole.Button, "#353535"),
            (QPalette.ColorRole.ButtonText, "#e6e6e6"),
            (QPalette.ColorRole.Highlight, "#3d6fa8"),
            (QPalette.ColorRole.HighlightedText, "#ffffff"),
            (QPalette.ColorRole.PlaceholderText, "#8a8a8a"),
        ):
            palette.setColor(role, QColor(colour))
        app.setPalette(palette)
    with FakeOllama(models) as fake, tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "demo.sqlite"
        os.environ["JOURNAL_CONFIG"] = str(Path(folder) / "settings.toml")  # not the user's
        if args.expectations:
            from journal.core.settings import SettingsFile

            SettingsFile().update({"models.judge": "judge:4b"})
        build_demo(db, fake.url)
        if scene in ("repeat", "matrix"):
            grade_demo(db)
        if scene == "check":
            check_demo(db)
        if scene == "insights":
            insights_demo(db)
        fake.chunk_delay = 0.03
        settings = SettingsStore(QSettings(str(Path(folder) / "s.ini"), QSettings.Format.IniFormat))
        settings.set_language(args.language)
        install_language(app, chosen_language(settings.language()))  # as the app starts
        window = MainWindow(db=str(db), host=fake.url, settings=settings)
        window.resize(width, height)
        window.show()
        window.start()

        def wait(condition: object, seconds: float = 15) -> None:
            deadline = time.monotonic() + seconds
            while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
                app.processEvents()
                time.sleep(0.01)

        picker = window.prompt_panel.model_picker
        wait(lambda: window.context.journal is not None and len(picker.models()) == len(models))
        wait(lambda: window.editor.experiment_id() is not None)
        list_model = window.list_panel.model()
        window.list_panel.select_experiment(list_model.summary(list_model.rowCount() - 2).id)
        wait(lambda: window.history_model.rowCount() > 0)
        window.editor.title.setText("Rivers that cross borders")
        window.editor.tags.setText("geography, facts")
        window.editor.hypothesis.setPlainText(
            "A 3B model names three real rivers that each cross a border, with lengths."
        )
        window.editor.expected.setPlainText("Three rivers, a table of lengths, no invented names.")
        picker.set_current_model("llama3.2:3b")
        window.prompt_panel.set_system_prompt("Answer in Markdown. Be accurate about geography.")
        window.prompt_panel.set_prompt(
            "Name three European rivers that flow through more than one country.\n"
            "Give their length and where they end, as a table, and a Python dict."
        )
        window.prompt_panel.options_panel.set_values({"temperature": 0.2, "seed": 42}, "5m", None)
        if scene in ("template", "inputs"):
            window.prompt_panel.set_system_prompt("Answer in {{language}}. Be accurate.")
            window.prompt_panel.set_prompt(
                "Name three rivers that flow through {{country}} and another country.\n"
                "Give their length and where they end, as a table."
            )
            window.prompt_panel.set_variable_values({"country": "Germany", "language": "French"})
        if scene == "inputs":
            add_inputs(window)
        if args.expectations:
            add_expectations(window, EXPECTATIONS)
            window.editor.expectations.load(window.editor.experiment_id())
        if scene == "inputs":  # opened, as Alt+I opens it; a short window folds the others
            window.editor.inputs.toggle.setChecked(True)
            window.editor.expectations.toggle.setChecked(height >= 900)
        if scene == "silent":
            import journal.core.runner

            journal.core.runner.SILENCE_NOTICE_AFTER = 1.0
            fake.stall_after = 0
        disk = None
        if scene == "unsaved":
            from tests.storage_faults import FullDisk

            assert window.context.journal is not None
            disk = FullDisk(window.context.journal)
            window.runs.started.connect(lambda _: setattr(disk, "full", True))
        if scene == "repeat":
            window.prompt_panel.repeat_box.setValue(3)
        if scene == "format":
            window.prompt_panel.set_system_prompt("Be accurate about geography.")
            window.prompt_panel.set_prompt("Name three European rivers that cross borders.")
            window.prompt_panel.format_setting.set_value(RIVERS_SCHEMA)
            window.prompt_panel.reveal_format()
        if scene not in ("matrix", "check", "batch", "insights"):
            window.run_prompt()
        if scene == "batch":
            from tests.fake_ollama import FakeOllama as SecondOllama

            with SecondOllama(models) as second:
                from journal.core.settings import SettingsFile

                SettingsFile().update({"ollama.hosts": [fake.url, f"{second.url} limit=2"]})
                fake.chunk_delay = second.chunk_delay = 0.01
                show_batch(window, width, height, wait, args.out)
        elif scene == "check":
            show_check(window, width, height, wait, args.out)
            judge_answers.set()
        elif scene == "matrix":
            from journal.core.domain import ExperimentFilter
            from journal.gui.matrix_dialog import MatrixDialog

            dialog = MatrixDialog(window.context, ExperimentFilter(), window)
            dialog.resize(min(width - 100, 1100), min(height - 100, 560))
            dialog.show()
            dialog.rates_box.setChecked(True)
            wait(lambda: False, 0.5)
            dialog.grab().save(args.out)
            dialog.close()
        elif scene == "insights":
            show_insights(window, width, height, wait, args.out)
        elif scene == "settings":  # File > Settings, as it opens
            from journal.gui.settings_dialog import SettingsDialog

            dialog = SettingsDialog(settings, str(db), lambda host: "0.0.0", window)
            dialog.show()
            wait(lambda: False, 0.5)
            dialog.grab().save(args.out)
            dialog.close()
        elif scene == "models":  # Models > Loaded and installed models…, after a run
            wait(lambda: not window.runs.is_running, 60)
            show_models(window, wait, args.out)
        elif scene in (
            "done",
            "repeat",
            "expectations",
            "template",
            "inputs",
            "conversation",
            "image",
            "deleted",
            "trash",
        ):
            wait(lambda: not window.runs.is_running, 60)
            wait(lambda: window.answer_view.is_rendered(), 10)
            if scene == "conversation":
                show_conversation(window, wait)
            if scene == "image":
                attach_pictures(window)
            if args.expectations:
                strip = window.display.grade_strip
                wait(
                    lambda: (
                        not window.context.grading.pending
                        and "grading…" not in strip.summary_label.text()
                        and window.outcome.suggestion() is not None
                    ),
                    30,
                )
            if scene == "expectations":
                rows = window.editor.expectations
                rows.try_selected_run()
                wait(lambda: not any(r.message_text() == "trying…" for r in rows.rows()), 30)
        elif scene == "format":
            wait(lambda: not window.runs.is_running, 60)
            wait(lambda: window.answer_view.format_status_text() != "", 10)
            window.prompt_panel.reveal_format()
            wait(lambda: False, 0.3)
        elif scene == "silent":
            wait(lambda: "for 4 s" in window.answer_view.status_text(), 30)
        elif scene == "unsaved":
            wait(lambda: window.save_banner.isVisible(), 30)
            wait(lambda: len(window.answer_view.answer_text()) > 420, 30)
        else:
            wait(lambda: len(window.answer_view.answer_text()) > 420, 30)
        if scene == "template":  # the values it ran with, then one taken away
            window.prompt_panel.variables_form.edit("language").clear()
            window.run_prompt()
            wait(lambda: False, 0.3)  # the form grows to hold the reason
        app.processEvents()
        if scene == "repeat":
            window.list_panel.model().refresh()
            wait(lambda: False, 0.5)
        if scene in ("deleted", "trash"):
            show_trash(window, scene, wait, args.out)
        if scene not in ("matrix", "check", "batch", "models", "trash", "insights", "settings"):
            window.grab().save(args.out)
        window.runs.stop()
        if disk is not None:
            disk.full = False
        wait(lambda: not window.runs.is_running)
        window.close()
    print(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
