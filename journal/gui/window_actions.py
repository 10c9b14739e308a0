"""The window's actions in one table: what each calls, its keys, what it does and its place in
the menus. The keyboard shortcut table (F1) is made from the actions built here, so it
cannot drift from them."""

from __future__ import annotations

from collections.abc import Callable
from functools import reduce
from typing import Any, NamedTuple, cast

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow

from journal.core.domain import Verdict


class ActionSpec(NamedTuple):  # not a dataclass: those cost a millisecond at start-up
    name: str  # the window keeps it as `{name}_action`
    text: str  # the menu text, & marking the mnemonic
    slot: str  # what it calls: a dotted path from the window, e.g. "dialogs.open_matrix"
    keys: tuple[str, ...] = ()
    does: str = ""  # what F1 says it does (else the menu text)
    args: tuple[Any, ...] = ()


A = ActionSpec
REPLAY_DOES = "Replay the selected run"

MENUS: tuple[tuple[str, tuple[tuple[ActionSpec, ...], ...]], ...] = (
    (
        "&File",
        (
            (
                A("new", "&New experiment", "new_experiment", ("Ctrl+N",)),
                A(
                    "open",
                    "&Open journal…",
                    "dialogs.choose_journal",
                    ("Ctrl+O",),
                    "Open or create another journal",
                ),
            ),
            (
                A(
                    "export",
                    "&Export as Markdown…",
                    "dialogs.export_markdown",
                    ("Ctrl+E",),
                    "Export the journal as Markdown",
                ),
                A(
                    "import",
                    "&Import…",
                    "dialogs.import_markdown",
                    ("Ctrl+I",),
                    "Import a Markdown export",
                ),
            ),
            (A("settings", "S&ettings…", "dialogs.open_settings", ("Ctrl+,",), "Settings"),),
            (A("quit", "&Quit", "close", ("Ctrl+Q",)),),
        ),
    ),
    (
        "&Edit",
        (
            (
                A(
                    "undo",
                    "&Undo delete",
                    "trash.undo",
                    ("Ctrl+Z",),
                    "Undo the last delete (in a text field: undo typing)",
                ),
            ),
            (
                A(
                    "delete",
                    "&Delete",
                    "trash.delete",
                    ("Del",),
                    "Move the experiment selected in the list, or the runs selected in the "
                    "history, to the trash",
                ),
            ),
            (
                A(
                    "duplicate",
                    "Du&plicate experiment",
                    "trash.duplicate_experiment",
                    ("Ctrl+Alt+D",),
                    "Copy the experiment with its expectations and inputs, ready to run",
                ),
                A(
                    "archive",
                    "&Archive or unarchive experiment",
                    "trash.toggle_archived",
                    (),
                    "Hide the experiment from the default list, or bring it back",
                ),
            ),
            (A("trash", "&Trash…", "trash.open_trash", (), "See, restore or empty the trash"),),
        ),
    ),
    (
        "&Run",
        (
            (
                A("run", "&Run", "run_prompt", ("Ctrl+Return", "Ctrl+Enter"), "Run the prompt"),
                A(
                    "stop",
                    "&Stop",
                    "stop_run",
                    ("Esc",),
                    "Stop the running answer (the partial text is kept), else leave follow-up mode",
                ),
                A(
                    "copy_answer",
                    "Cop&y the answer",
                    "display.copy_answer",
                    ("Ctrl+Shift+C",),
                    "Copy the shown answer as written (its Markdown)",
                ),
                A(
                    "attach_image",
                    "Attach &image…",
                    "prompt_panel.attached_images.choose_files",
                    ("Ctrl+Shift+I",),
                    "Attach PNG, JPEG or WebP images to the prompt",
                ),
                A(
                    "continue",
                    "C&ontinue the selected run",
                    "follow_ups.begin",
                    ("Ctrl+Shift+F",),
                    "Continue the selected run: the next Run sends a follow-up with the "
                    "conversation so far",
                ),
                A(
                    "replay",
                    "Re&play the selected run",
                    "replay_selected_run",
                    ("Ctrl+R",),
                    f"{REPLAY_DOES}: same model, prompt, options and seed",
                ),
                A(
                    "replay_on",
                    "Replay on the chosen &model",
                    "replay_selected_run_on_model",
                    ("Ctrl+Shift+R",),
                    f"{REPLAY_DOES} on the model chosen in the picker",
                ),
                A(
                    "fan_out",
                    "Replay on &several models…",
                    "replay_on_several_models",
                    ("Ctrl+Alt+R",),
                    f"{REPLAY_DOES} on several models, one after another",
                ),
            ),
            (
                A(
                    "compare",
                    "&Compare selected runs…",
                    "dialogs.compare_selected_runs",
                    ("Ctrl+D",),
                    "Compare the runs selected in the history",
                ),
                A(
                    "compare_ids",
                    "Compare runs by &id…",
                    "dialogs.compare_runs_by_id",
                    ("Ctrl+Shift+D",),
                    "Compare any runs by id, across experiments",
                ),
                A(
                    "check",
                    "Migration &check…",
                    "dialogs.open_migration_check",
                    ("Ctrl+Shift+M",),
                    "Migration check: replay what worked on a new model",
                ),
                A(
                    "batch",
                    "Run a&ll rows…",
                    "dialogs.open_batch_window",
                    ("Ctrl+Shift+Return", "Ctrl+Shift+Enter"),
                    "Run the experiment's latest prompt for every input row on several models",
                ),
                A(
                    "matrix",
                    "Experiment × model &matrix…",
                    "dialogs.open_matrix",
                    ("Ctrl+M",),
                    "Experiment × model matrix",
                ),
                A(
                    "try_expectations",
                    "&Try expectations on the selected run",
                    "editor.expectations.try_selected_run",
                    ("Ctrl+T",),
                    "Grade the selected run against the expectations, without saving",
                ),
                A(
                    "expectation_from_format",
                    "Add expectation from &format",
                    "editor.expectations.add_from_format",
                    ("Ctrl+Alt+F",),
                    "Add what the selected run's format asks for as an expectation",
                ),
            ),
            (
                A(
                    "worked",
                    "Worked",
                    "outcome.choose",
                    ("Ctrl+1",),
                    "Verdict: worked",
                    (Verdict.WORKED,),
                ),
                A(
                    "partly",
                    "Partly",
                    "outcome.choose",
                    ("Ctrl+2",),
                    "Verdict: partly",
                    (Verdict.PARTLY,),
                ),
                A(
                    "failed",
                    "Failed",
                    "outcome.choose",
                    ("Ctrl+3",),
                    "Verdict: failed",
                    (Verdict.FAILED,),
                ),
                A(
                    "clear_verdict",
                    "Clear verdict",
                    "outcome.choose",
                    ("Ctrl+0",),
                    "Clear the verdict",
                    (None,),
                ),
                A(
                    "accept_suggestion",
                    "&Accept the suggested verdict",
                    "outcome.accept_suggestion",
                    ("Ctrl+Shift+A",),
                    "Make the verdict the grades suggest your own",
                ),
            ),
            (
                A(
                    "regrade",
                    "Re-&grade the selected runs",
                    "grading.regrade_selected",
                    ("Ctrl+G",),
                    "Grade the selected runs again against the expectations as they are now",
                ),
                A(
                    "regrade_experiment",
                    "Re-grade the &whole experiment",
                    "grading.regrade_experiment",
                    ("Ctrl+Shift+G",),
                    "Grade every finished run of the experiment again",
                ),
                A(
                    "stop_grading",
                    "Stop gra&ding",
                    "grading.stop",
                    ("Ctrl+Alt+G",),
                    "Stop grading (judge results in flight are not stored)",
                ),
            ),
            (
                A(
                    "search",
                    "&Search",
                    "list_panel.focus_search",
                    ("Ctrl+F",),
                    "Search the journal",
                ),
                A(
                    "prompt",
                    "Focus &prompt",
                    "prompt_panel.focus_prompt",
                    ("Ctrl+L",),
                    "Focus the prompt",
                ),
            ),
        ),
    ),
    (
        "&View",
        (
            (
                A(
                    "insights",
                    "&Insights…",
                    "dialogs.open_insights",
                    ("Ctrl+Alt+I",),
                    "Charts: which models work, whether they get better, how fast, where the "
                    "time goes",
                ),
            ),
        ),
    ),
    (
        "&Models",
        (
            (
                A(
                    "refresh_models",
                    "&Refresh models",
                    "prompt_panel.model_picker.refresh",
                    ("F5",),
                    "Refresh the model list",
                ),
                A(
                    "pull",
                    "&Pull a model…",
                    "dialogs.pull_model",
                    ("Ctrl+Shift+P",),
                    "Pull a model",
                ),
                A("details", "Model &details…", "dialogs.show_model_details"),
                A(
                    "models",
                    "&Loaded and installed models…",
                    "dialogs.show_models",
                    ("Ctrl+Alt+M",),
                    "Unload or delete models",
                ),
            ),
        ),
    ),
    (
        "&Help",
        (
            (
                A(
                    "shortcuts",
                    "&Keyboard shortcuts",
                    "dialogs.show_shortcuts",
                    ("F1",),
                    "All keyboard shortcuts",
                ),
                A("about", "&About LLM Journal", "dialogs.show_about"),
            ),
        ),
    ),
)


def _target(window: QMainWindow, spec: ActionSpec) -> Callable[[], object]:
    slot = cast(Callable[..., object], reduce(getattr, spec.slot.split("."), window))
    if spec.args:
        args = spec.args
        return lambda: slot(*args)
    return slot


def build_actions(window: QMainWindow) -> dict[str, QAction]:
    """Make every action of MENUS on `window` (its shortcuts work anywhere in it) and fill
    its menu bar; returns the actions by name, in menu order."""
    actions: dict[str, QAction] = {}
    bar = window.menuBar()
    for title, groups in MENUS:
        menu = bar.addMenu(title)
        for number, group in enumerate(groups):
            if number:
                menu.addSeparator()
            for spec in group:
                action = QAction(spec.text, window)
                if spec.keys:
                    action.setShortcuts([QKeySequence(key) for key in spec.keys])
                    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
                action.setWhatsThis(spec.does or spec.text.replace("&", ""))
                action.triggered.connect(_target(window, spec))
                window.addAction(action)
                menu.addAction(action)
                actions[spec.name] = action
    return actions
