"""The window's actions in one table: what each calls, its keys, what it does and its place in
the menus. The keyboard shortcut table (F1) is made from the actions built here, so it
cannot drift from them."""

from __future__ import annotations

from collections.abc import Callable
from functools import reduce
from typing import Any, NamedTuple, cast

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow

from journal.core.domain import Verdict
from journal.gui.translating import QT_TRANSLATE_NOOP

translate = QCoreApplication.translate
# Marks a module-level text for lupdate; it is translated where it is shown.


class ActionSpec(NamedTuple):  # not a dataclass: those cost a millisecond at start-up
    name: str  # the window keeps it as `{name}_action`
    text: str  # the menu text, & marking the mnemonic (marked for translation, shown translated)
    slot: str  # what it calls: a dotted path from the window, e.g. "dialogs.open_matrix"
    keys: tuple[str, ...] = ()
    does: str = ""  # what F1 says it does (else the menu text)
    args: tuple[Any, ...] = ()


A = ActionSpec

MENUS: tuple[tuple[str, tuple[tuple[ActionSpec, ...], ...]], ...] = (
    (
        QT_TRANSLATE_NOOP("window_actions", "&File"),
        (
            (
                A(
                    "new",
                    QT_TRANSLATE_NOOP("window_actions", "&New experiment"),
                    "new_experiment",
                    ("Ctrl+N",),
                ),
                A(
                    "open",
                    QT_TRANSLATE_NOOP("window_actions", "&Open journal…"),
                    "dialogs.choose_journal",
                    ("Ctrl+O",),
                    QT_TRANSLATE_NOOP("window_actions", "Open or create another journal"),
                ),
            ),
            (
                A(
                    "export",
                    QT_TRANSLATE_NOOP("window_actions", "&Export as Markdown…"),
                    "dialogs.export_markdown",
                    ("Ctrl+E",),
                    QT_TRANSLATE_NOOP("window_actions", "Export the journal as Markdown"),
                ),
                A(
                    "import",
                    QT_TRANSLATE_NOOP("window_actions", "&Import…"),
                    "dialogs.import_markdown",
                    ("Ctrl+I",),
                    QT_TRANSLATE_NOOP("window_actions", "Import a Markdown export"),
                ),
            ),
            (
                A(
                    "settings",
                    QT_TRANSLATE_NOOP("window_actions", "S&ettings…"),
                    "dialogs.open_settings",
                    ("Ctrl+,",),
                    QT_TRANSLATE_NOOP("window_actions", "Settings"),
                ),
            ),
            (A("quit", QT_TRANSLATE_NOOP("window_actions", "&Quit"), "close", ("Ctrl+Q",)),),
        ),
    ),
    (
        QT_TRANSLATE_NOOP("window_actions", "&Edit"),
        (
            (
                A(
                    "undo",
                    QT_TRANSLATE_NOOP("window_actions", "&Undo delete"),
                    "trash.undo",
                    ("Ctrl+Z",),
                    QT_TRANSLATE_NOOP(
                        "window_actions", "Undo the last delete (in a text field: undo typing)"
                    ),
                ),
            ),
            (
                A(
                    "delete",
                    QT_TRANSLATE_NOOP("window_actions", "&Delete"),
                    "trash.delete",
                    ("Del",),
                    QT_TRANSLATE_NOOP(
                        "window_actions",
                        "Move the experiment selected in the list, or the runs selected in the "
                        "history, to the trash",
                    ),
                ),
            ),
            (
                A(
                    "duplicate",
                    QT_TRANSLATE_NOOP("window_actions", "Du&plicate experiment"),
                    "trash.duplicate_experiment",
                    ("Ctrl+Alt+D",),
                    QT_TRANSLATE_NOOP(
                        "window_actions",
                        "Copy the experiment with its expectations and inputs, ready to run",
                    ),
                ),
                A(
                    "archive",
                    QT_TRANSLATE_NOOP("window_actions", "&Archive or unarchive experiment"),
                    "trash.toggle_archived",
                    (),
                    QT_TRANSLATE_NOOP(
                        "window_actions",
                        "Hide the experiment from the default list, or bring it back",
                    ),
                ),
            ),
            (
                A(
                    "trash",
                    QT_TRANSLATE_NOOP("window_actions", "&Trash…"),
                    "trash.open_trash",
                    (),
                    QT_TRANSLATE_NOOP("window_actions", "See, restore or empty the trash"),
                ),
            ),
        ),
    ),
    (
        QT_TRANSLATE_NOOP("window_actions", "&Run"),
        (
            (
                A(
                    "run",
                    QT_TRANSLATE_NOOP("window_actions", "&Run"),
                    "run_prompt",
                    ("Ctrl+Return", "Ctrl+Enter"),
                    QT_TRANSLATE_NOOP("window_actions", "Run the prompt"),
                ),
                A(
                    "stop",
                    QT_TRANSLATE_NOOP("window_actions", "&Stop"),
                    "stop_run",
                    ("Esc",),
                    QT_TRANSLATE_NOOP(
                        "window_actions",
                        "Stop the running answer (the partial text is kept), "
                        "else leave follow-up mode",
                    ),
                ),
                A(
                    "copy_answer",
                    QT_TRANSLATE_NOOP("window_actions", "Cop&y the answer"),
                    "display.copy_answer",
                    ("Ctrl+Shift+C",),
                    QT_TRANSLATE_NOOP(
                        "window_actions", "Copy the shown answer as written (its Markdown)"
                    ),
                ),
                A(
                    "attach_image",
                    QT_TRANSLATE_NOOP("window_actions", "Attach &image…"),
                    "prompt_panel.attached_images.choose_files",
                    ("Ctrl+Shift+I",),
                    QT_TRANSLATE_NOOP(
                        "window_actions", "Attach PNG, JPEG or WebP images to the prompt"
                    ),
                ),
                A(
                    "continue",
                    QT_TRANSLATE_NOOP("window_actions", "C&ontinue the selected run"),
                    "follow_ups.begin",
                    ("Ctrl+Shift+F",),
                    QT_TRANSLATE_NOOP(
                        "window_actions",
                        "Continue the selected run: the next Run sends a follow-up with the "
                        "conversation so far",
                    ),
                ),
                A(
                    "replay",
                    QT_TRANSLATE_NOOP("window_actions", "Re&play the selected run"),
                    "replay_selected_run",
                    ("Ctrl+R",),
                    QT_TRANSLATE_NOOP(
                        "window_actions",
                        "Replay the selected run: same model, prompt, options and seed",
                    ),
                ),
                A(
                    "replay_on",
                    QT_TRANSLATE_NOOP("window_actions", "Replay on the chosen &model"),
                    "replay_selected_run_on_model",
                    ("Ctrl+Shift+R",),
                    QT_TRANSLATE_NOOP(
                        "window_actions",
                        "Replay the selected run on the model chosen in the picker",
                    ),
                ),
                A(
                    "fan_out",
                    QT_TRANSLATE_NOOP("window_actions", "Replay on &several models…"),
                    "replay_on_several_models",
                    ("Ctrl+Alt+R",),
                    QT_TRANSLATE_NOOP(
                        "window_actions",
                        "Replay the selected run on several models, one after another",
                    ),
                ),
            ),
            (
                A(
                    "compare",
                    QT_TRANSLATE_NOOP("window_actions", "&Compare selected runs…"),
                    "dialogs.compare_selected_runs",
                    ("Ctrl+D",),
                    QT_TRANSLATE_NOOP("window_actions", "Compare the runs selected in the history"),
                ),
                A(
                    "compare_ids",
                    QT_TRANSLATE_NOOP("window_actions", "Compare runs by &id…"),
                    "dialogs.compare_runs_by_id",
                    ("Ctrl+Shift+D",),
                    QT_TRANSLATE_NOOP(
                        "window_actions", "Compare any runs by id, across experiments"
                    ),
                ),
                A(
                    "check",
                    QT_TRANSLATE_NOOP("window_actions", "Migration &check…"),
                    "dialogs.open_migration_check",
                    ("Ctrl+Shift+M",),
                    QT_TRANSLATE_NOOP(
                        "window_actions", "Migration check: replay what worked on a new model"
                    ),
                ),
                A(
                    "batch",
                    QT_TRANSLATE_NOOP("window_actions", "Run a&ll rows…"),
                    "dialogs.open_batch_window",
                    ("Ctrl+Shift+Return", "Ctrl+Shift+Enter"),
                    QT_TRANSLATE_NOOP(
                        "window_actions",
                        "Run the experiment's latest prompt for every input row on several models",
                    ),
                ),
                A(
                    "matrix",
                    QT_TRANSLATE_NOOP("window_actions", "Experiment × model &matrix…"),
                    "dialogs.open_matrix",
                    ("Ctrl+M",),
                    QT_TRANSLATE_NOOP("window_actions", "Experiment × model matrix"),
                ),
                A(
                    "try_expectations",
                    QT_TRANSLATE_NOOP("window_actions", "&Try expectations on the selected run"),
                    "editor.expectations.try_selected_run",
                    ("Ctrl+T",),
                    QT_TRANSLATE_NOOP(
                        "window_actions",
                        "Grade the selected run against the expectations, without saving",
                    ),
                ),
                A(
                    "expectation_from_format",
                    QT_TRANSLATE_NOOP("window_actions", "Add expectation from &format"),
                    "editor.expectations.add_from_format",
                    ("Ctrl+Alt+F",),
                    QT_TRANSLATE_NOOP(
                        "window_actions",
                        "Add what the selected run's format asks for as an expectation",
                    ),
                ),
            ),
            (
                A(
                    "worked",
                    QT_TRANSLATE_NOOP("window_actions", "Worked"),
                    "outcome.choose",
                    ("Ctrl+1",),
                    QT_TRANSLATE_NOOP("window_actions", "Verdict: worked"),
                    (Verdict.WORKED,),
                ),
                A(
                    "partly",
                    QT_TRANSLATE_NOOP("window_actions", "Partly"),
                    "outcome.choose",
                    ("Ctrl+2",),
                    QT_TRANSLATE_NOOP("window_actions", "Verdict: partly"),
                    (Verdict.PARTLY,),
                ),
                A(
                    "failed",
                    QT_TRANSLATE_NOOP("window_actions", "Failed"),
                    "outcome.choose",
                    ("Ctrl+3",),
                    QT_TRANSLATE_NOOP("window_actions", "Verdict: failed"),
                    (Verdict.FAILED,),
                ),
                A(
                    "clear_verdict",
                    QT_TRANSLATE_NOOP("window_actions", "Clear verdict"),
                    "outcome.choose",
                    ("Ctrl+0",),
                    QT_TRANSLATE_NOOP("window_actions", "Clear the verdict"),
                    (None,),
                ),
                A(
                    "accept_suggestion",
                    QT_TRANSLATE_NOOP("window_actions", "&Accept the suggested verdict"),
                    "outcome.accept_suggestion",
                    ("Ctrl+Shift+A",),
                    QT_TRANSLATE_NOOP(
                        "window_actions", "Make the verdict the grades suggest your own"
                    ),
                ),
            ),
            (
                A(
                    "regrade",
                    QT_TRANSLATE_NOOP("window_actions", "Re-&grade the selected runs"),
                    "grading.regrade_selected",
                    ("Ctrl+G",),
                    QT_TRANSLATE_NOOP(
                        "window_actions",
                        "Grade the selected runs again against the expectations as they are now",
                    ),
                ),
                A(
                    "regrade_experiment",
                    QT_TRANSLATE_NOOP("window_actions", "Re-grade the &whole experiment"),
                    "grading.regrade_experiment",
                    ("Ctrl+Shift+G",),
                    QT_TRANSLATE_NOOP(
                        "window_actions", "Grade every finished run of the experiment again"
                    ),
                ),
                A(
                    "stop_grading",
                    QT_TRANSLATE_NOOP("window_actions", "Stop gra&ding"),
                    "grading.stop",
                    ("Ctrl+Alt+G",),
                    QT_TRANSLATE_NOOP(
                        "window_actions", "Stop grading (judge results in flight are not stored)"
                    ),
                ),
            ),
            (
                A(
                    "search",
                    QT_TRANSLATE_NOOP("window_actions", "&Search"),
                    "list_panel.focus_search",
                    ("Ctrl+F",),
                    QT_TRANSLATE_NOOP("window_actions", "Search the journal"),
                ),
                A(
                    "prompt",
                    QT_TRANSLATE_NOOP("window_actions", "Focus &prompt"),
                    "prompt_panel.focus_prompt",
                    ("Ctrl+L",),
                    QT_TRANSLATE_NOOP("window_actions", "Focus the prompt"),
                ),
            ),
        ),
    ),
    (
        QT_TRANSLATE_NOOP("window_actions", "&View"),
        (
            (
                A(
                    "insights",
                    QT_TRANSLATE_NOOP("window_actions", "&Insights…"),
                    "dialogs.open_insights",
                    ("Ctrl+Alt+I",),
                    QT_TRANSLATE_NOOP(
                        "window_actions",
                        "Charts: which models work, whether they get better, how fast, where "
                        "the time goes",
                    ),
                ),
            ),
        ),
    ),
    (
        QT_TRANSLATE_NOOP("window_actions", "&Models"),
        (
            (
                A(
                    "refresh_models",
                    QT_TRANSLATE_NOOP("window_actions", "&Refresh models"),
                    "prompt_panel.model_picker.refresh",
                    ("F5",),
                    QT_TRANSLATE_NOOP("window_actions", "Refresh the model list"),
                ),
                A(
                    "pull",
                    QT_TRANSLATE_NOOP("window_actions", "&Pull a model…"),
                    "dialogs.pull_model",
                    ("Ctrl+Shift+P",),
                    QT_TRANSLATE_NOOP("window_actions", "Pull a model"),
                ),
                A(
                    "details",
                    QT_TRANSLATE_NOOP("window_actions", "Model &details…"),
                    "dialogs.show_model_details",
                ),
                A(
                    "models",
                    QT_TRANSLATE_NOOP("window_actions", "&Loaded and installed models…"),
                    "dialogs.show_models",
                    ("Ctrl+Alt+M",),
                    QT_TRANSLATE_NOOP("window_actions", "Unload or delete models"),
                ),
            ),
        ),
    ),
    (
        QT_TRANSLATE_NOOP("window_actions", "&Help"),
        (
            (
                A(
                    "shortcuts",
                    QT_TRANSLATE_NOOP("window_actions", "&Keyboard shortcuts"),
                    "dialogs.show_shortcuts",
                    ("F1",),
                    QT_TRANSLATE_NOOP("window_actions", "All keyboard shortcuts"),
                ),
                A(
                    "about",
                    QT_TRANSLATE_NOOP("window_actions", "&About LLM Journal"),
                    "dialogs.show_about",
                ),
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
        menu = bar.addMenu(translate("window_actions", title))
        for number, group in enumerate(groups):
            if number:
                menu.addSeparator()
            for spec in group:
                text = translate("window_actions", spec.text)
                action = QAction(text, window)
                if spec.keys:
                    action.setShortcuts([QKeySequence(key) for key in spec.keys])
                    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
                does = translate("window_actions", spec.does) if spec.does else ""
                action.setWhatsThis(does or text.replace("&", ""))
                action.triggered.connect(_target(window, spec))
                window.addAction(action)
                menu.addAction(action)
                actions[spec.name] = action
    return actions
