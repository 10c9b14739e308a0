"""Export the journal as a Markdown notebook, with a preview (import_dialog reads it back)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QStandardPaths, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from journal.core.domain import ExperimentFilter
from journal.core.errors import JournalError
from journal.gui.answer_view import SafeTextBrowser
from journal.gui.dialog_helpers import busy_bar, error_label, hint_label
from journal.gui.filter_text import filter_text
from journal.gui.i18n import error_text
from journal.gui.rich_text import header_colour, qt_html, qt_style_sheet
from journal.gui.transfer_texts import export_summary

if TYPE_CHECKING:
    from journal.core.export_entries import ExportSelection
    from journal.core.export_markdown import ExportResult, Layout
    from journal.core.storage import Journal
    from journal.gui.context import AppContext
    from journal.gui.tasks import Task

translate = QCoreApplication.translate

SCOPE_ALL = "all"
SCOPE_FILTER = "filter"
SCOPE_EXPERIMENT = "experiment"
DEFAULT_NAME = "llm-journal"


class ExportDialog(QDialog):
    """Choose what (whole journal, current filter, current experiment), how (one file or a
    folder) and where; preview the first entries; export in the background."""

    exported = Signal(object)  # ExportResult
    export_failed = Signal(str)  # the message shown
    counts_shown = Signal()
    preview_shown = Signal()

    def __init__(
        self,
        context: AppContext,
        filters: ExperimentFilter,
        current_experiment_id: int | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._filters = filters
        self._current_id = current_experiment_id
        self._preview_task: Task | None = None
        self._export_task: Task | None = None

        self.setWindowTitle(translate("export_dialog", "Export as Markdown"))
        self.resize(980, 640)
        left = self._init_choices(filters, current_experiment_id)
        right = self._init_preview()
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([380, 600])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self._init_buttons())
        self._init_connections()

        self._count_scopes()
        self._refresh_preview()

    # -- layout ----------------------------------------------------------------------------

    def _init_choices(self, filters: ExperimentFilter, current_id: int | None) -> QWidget:
        """The left column: what, how and where, then what the export is doing."""
        scope_box = self._init_scope_box(filters, current_id)
        layout_box = self._init_layout_box()
        where_box = self._init_where_box()
        self.busy_bar = busy_bar()
        self.status_label = QLabel()
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label = error_label()

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 6, 0)
        left_layout.addWidget(scope_box)
        left_layout.addWidget(layout_box)
        left_layout.addWidget(where_box)
        left_layout.addStretch(1)
        left_layout.addWidget(self.busy_bar)
        left_layout.addWidget(self.status_label)
        left_layout.addWidget(self.error_label)
        return left

    def _init_scope_box(self, filters: ExperimentFilter, current_id: int | None) -> QGroupBox:
        """What: the whole journal, the list's filter or the open experiment, with counts."""
        self.all_radio = QRadioButton(translate("export_dialog", "The whole journal"))
        self.filter_radio = QRadioButton(
            translate("export_dialog", "The experiments the list shows")
        )
        self.experiment_radio = QRadioButton(translate("export_dialog", "The current experiment"))
        self.all_count = hint_label(translate("export_dialog", "counting…"))
        self.filter_count = hint_label(
            filter_text(filters) or translate("export_dialog", "No filter is set.")
        )
        self.experiment_count = hint_label(
            "" if current_id else translate("export_dialog", "No experiment is open.")
        )
        self.scope_group = QButtonGroup(self)
        scope_box = QGroupBox(translate("export_dialog", "What"))
        scope_layout = QVBoxLayout(scope_box)
        for radio, hint, scope in (
            (self.all_radio, self.all_count, SCOPE_ALL),
            (self.filter_radio, self.filter_count, SCOPE_FILTER),
            (self.experiment_radio, self.experiment_count, SCOPE_EXPERIMENT),
        ):
            radio.setProperty("scope", scope)
            self.scope_group.addButton(radio)
            hint.setContentsMargins(22, 0, 0, 4)
            scope_layout.addWidget(radio)
            scope_layout.addWidget(hint)
        self.filter_radio.setEnabled(not filters.is_empty)
        self.experiment_radio.setEnabled(current_id is not None)
        if current_id is not None:
            self.experiment_radio.setChecked(True)
        elif not filters.is_empty:
            self.filter_radio.setChecked(True)
        else:
            self.all_radio.setChecked(True)
        return scope_box

    def _init_layout_box(self) -> QGroupBox:
        """How: one file or a folder."""
        self.file_radio = QRadioButton(translate("export_dialog", "One Markdown file"))
        self.folder_radio = QRadioButton(
            translate("export_dialog", "A folder: index.md and one file per experiment")
        )
        self.file_radio.setChecked(True)
        self.layout_group = QButtonGroup(self)
        self.layout_group.addButton(self.file_radio)
        self.layout_group.addButton(self.folder_radio)
        layout_box = QGroupBox(translate("export_dialog", "How"))
        layout_layout = QVBoxLayout(layout_box)
        layout_layout.addWidget(self.file_radio)
        layout_layout.addWidget(self.folder_radio)
        layout_layout.addWidget(
            hint_label(
                translate(
                    "export_dialog",
                    "A folder suits git and Obsidian: stable file names such as "
                    "0042-rivers-that-cross-borders.md. Either way every value is kept, so "
                    "the export can be imported back.",
                )
            )
        )
        return layout_box

    def _init_where_box(self) -> QGroupBox:
        """Where: a path in the person's documents to start from, and a picker."""
        documents = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        )
        self.path_edit = QLineEdit(str(Path(documents or Path.home()) / f"{DEFAULT_NAME}.md"))
        self.path_edit.setClearButtonEnabled(True)
        self.browse_button = QPushButton(translate("export_dialog", "Choose…"))
        where_box = QGroupBox(translate("export_dialog", "Where"))
        where_row = QHBoxLayout(where_box)
        where_row.addWidget(self.path_edit, 1)
        where_row.addWidget(self.browse_button)
        return where_box

    def _init_preview(self) -> QWidget:
        """The right column: the first entries as they will read."""
        self.preview = SafeTextBrowser()
        self.preview.setPlaceholderText(translate("export_dialog", "Preparing the preview…"))
        preview_title = QLabel(translate("export_dialog", "<b>Preview</b>"))
        self.preview_note = hint_label(
            translate(
                "export_dialog",
                "The first experiments as they will read. The machine-readable metadata that "
                "keeps every value is not shown.",
            )
        )
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(6, 0, 0, 0)
        right_layout.addWidget(preview_title)
        right_layout.addWidget(self.preview_note)
        right_layout.addWidget(self.preview, 1)
        return right

    def _init_buttons(self) -> QDialogButtonBox:
        self.export_button = QPushButton(translate("export_dialog", "&Export"))
        self.export_button.setDefault(True)
        self.close_button = QPushButton(translate("export_dialog", "Close"))
        self.close_button.setAutoDefault(False)
        buttons = QDialogButtonBox()
        buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.RejectRole)
        return buttons

    def _init_connections(self) -> None:
        self.scope_group.buttonToggled.connect(self._on_scope_group_button_toggled)
        self.layout_group.buttonToggled.connect(self._on_layout_group_button_toggled)
        self.browse_button.clicked.connect(self._on_browse_clicked)
        self.export_button.clicked.connect(self._on_export_clicked)
        self.close_button.clicked.connect(self.reject)

    # -- asking the person (classmethods so tests can replace them) ----------------------

    @staticmethod
    def pick_destination(parent: QWidget | None, layout: Layout, start: str) -> str | None:
        """A file to write, or (for the folder layout) a new or empty folder; None if cancelled."""
        from journal.core.export_markdown import Layout

        if layout is Layout.FOLDER:
            chosen = QFileDialog.getExistingDirectory(
                parent,
                translate(
                    "export_dialog", "Export into a folder (new or empty, or an earlier export)"
                ),
                start,
            )
        else:
            chosen, _ = QFileDialog.getSaveFileName(
                parent,
                translate("export_dialog", "Export to a Markdown file"),
                start,
                translate("export_dialog", "Markdown (*.md);;All files (*)"),
                options=QFileDialog.Option.DontConfirmOverwrite,  # we ask, with more to say
            )
        return chosen or None

    @classmethod
    def confirm_overwrite(cls, parent: QWidget | None, path: str) -> bool:
        answer = QMessageBox.question(
            parent,
            translate("export_dialog", "Replace the earlier export?"),
            translate(
                "export_dialog",
                "{path} already exists.\n\nReplace it with this export? The old one is "
                "replaced only once the new one is complete.",
            ).format(path=path),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    # -- state -----------------------------------------------------------------------------

    def scope(self) -> str:
        checked = self.scope_group.checkedButton()
        return str(checked.property("scope")) if checked is not None else SCOPE_ALL

    def layout_choice(self) -> Layout:
        from journal.core.export_markdown import Layout

        return Layout.FOLDER if self.folder_radio.isChecked() else Layout.FILE

    def selection(self) -> ExportSelection:
        return self._selection_for(self.scope())

    def _selection_for(self, scope: str) -> ExportSelection:
        from journal.core.export_entries import ExportSelection

        if scope == SCOPE_EXPERIMENT and self._current_id is not None:
            return ExportSelection(experiment_id=self._current_id)
        if scope == SCOPE_FILTER:
            return ExportSelection(self._filters)
        return ExportSelection()

    def is_exporting(self) -> bool:
        return self._export_task is not None

    # -- counts and preview, in the background ---------------------------------------------

    @property
    def _journal(self) -> Journal:
        journal = self._context.journal
        assert journal is not None, "the window opens the dialog on an open journal"
        return journal

    def _count_scopes(self) -> None:
        journal = self._journal
        selections = {scope: self._selection_for(scope) for scope in (SCOPE_ALL, SCOPE_FILTER)}
        current = self._current_id

        def work() -> tuple[dict[str, tuple[int, int]], tuple[str, int] | None]:
            from journal.core.export_entries import ExportSelection, count_selection
            from journal.core.queries import get_experiment

            with journal.read() as session:
                counts = {s: count_selection(session, sel) for s, sel in selections.items()}
                experiment = None
                if current is not None:
                    title = get_experiment(session, current).title
                    runs = count_selection(session, ExportSelection(experiment_id=current))[1]
                    experiment = (title, runs)
            return counts, experiment

        self._context.run(work, self._on_counts_done, owner=self)  # a failure is reported

    @Slot(object)
    def _on_counts_done(self, outcome: Any) -> None:
        counts, experiment = outcome
        experiments, runs = counts[SCOPE_ALL]
        self.all_count.setText(_counts(experiments, runs))
        if not self._filters.is_empty:
            experiments, runs = counts[SCOPE_FILTER]
            self.filter_count.setText(f"{filter_text(self._filters)}: {_counts(experiments, runs)}")
        if experiment is not None:
            title, runs = experiment
            title = title or translate("export_dialog", "(untitled)")
            self.experiment_count.setText(f"#{self._current_id} {title}: {_runs(runs)}")
        self.counts_shown.emit()

    def _refresh_preview(self) -> None:
        if self._preview_task is not None:
            self._preview_task.cancel()
        journal, selection = self._journal, self.selection()
        palette = self.palette()
        header = header_colour(palette)

        def work() -> str:
            from journal.core.export_markdown import preview_markdown
            from journal.core.markdown_render import render_markdown

            return qt_html(render_markdown(preview_markdown(journal, selection)), header)

        self.preview.document().setDefaultStyleSheet(qt_style_sheet(palette))
        self._preview_task = self._context.run(
            work, self._on_preview_done, self._on_preview_failed, owner=self
        )

    @Slot(object)
    def _on_preview_done(self, html: Any) -> None:
        self._preview_task = None
        self.preview.setHtml(str(html))
        self.preview_shown.emit()

    @Slot(object)
    def _on_preview_failed(self, error: JournalError) -> None:
        self._preview_task = None
        self.preview.setPlainText(
            translate("export_dialog", "No preview: {reason}").format(reason=error_text(error))
        )
        self.preview_shown.emit()

    # -- reacting --------------------------------------------------------------------------

    @Slot(object, bool)
    def _on_scope_group_button_toggled(self, _button: Any, checked: bool) -> None:
        if checked:
            self._refresh_preview()

    @Slot(object, bool)
    def _on_layout_group_button_toggled(self, _button: Any, checked: bool) -> None:
        if not checked:
            return
        text = self.path_edit.text().strip()
        if self.folder_radio.isChecked() and text.endswith(".md"):
            self.path_edit.setText(text[: -len(".md")])
        elif self.file_radio.isChecked() and text and not text.endswith(".md"):
            self.path_edit.setText(f"{text}.md")

    @Slot()
    def _on_browse_clicked(self) -> None:
        start = self.path_edit.text().strip() or str(Path.home())
        chosen = self.pick_destination(self, self.layout_choice(), start)
        if chosen:
            self.path_edit.setText(chosen)

    @Slot()
    def _on_export_clicked(self) -> None:
        self.start_export()

    def start_export(self) -> None:
        """What the Export button does: check the destination, ask before replacing, go."""
        from journal.core.export_markdown import check_target, export_to_path
        from journal.core.notebook_format import ExportTargetExistsError

        if self.is_exporting():
            return
        self._clear_messages()
        text = self.path_edit.text().strip()
        if not text:
            self._show_error(translate("export_dialog", "Choose where to save the export."))
            return
        target = Path(text).expanduser()
        layout, selection, journal = self.layout_choice(), self.selection(), self._journal
        try:
            replace = check_target(target, layout, force=True, journal_path=journal.path)
        except ExportTargetExistsError as error:
            self._show_error(error_text(error))
            return
        empty_folder = target.is_dir() and not any(target.iterdir())
        if replace and not empty_folder and not self.confirm_overwrite(self, str(target)):
            return

        def work() -> ExportResult:
            return export_to_path(
                journal, target, layout=layout, selection=selection, force=replace
            )

        exporting = translate("export_dialog", "Exporting to {path}…")
        self._set_busy(True, exporting.format(path=target))
        self._export_task = self._context.run(
            work, self._on_export_done, self._on_export_failed, owner=self
        )

    @Slot(object)
    def _on_export_done(self, result: Any) -> None:
        self._export_task = None
        self._set_busy(False, export_summary(result))
        self.close_button.setDefault(True)
        self.exported.emit(result)

    @Slot(object)
    def _on_export_failed(self, error: JournalError) -> None:
        self._export_task = None
        self._set_busy(False, "")
        self._show_error(error_text(error))
        self.export_failed.emit(error_text(error))

    # -- messages --------------------------------------------------------------------------

    def _set_busy(self, busy: bool, status: str) -> None:
        self.busy_bar.setVisible(busy)
        self.status_label.setText(status)
        for widget in (self.export_button, self.browse_button, self.path_edit):
            widget.setEnabled(not busy)

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    def _clear_messages(self) -> None:
        self.error_label.hide()
        self.status_label.clear()


def _runs(runs: int) -> str:
    return translate("export_dialog", "%n run(s)", None, runs)


def _counts(experiments: int, runs: int) -> str:
    """`3 experiments, 5 runs`."""
    said = translate("export_dialog", "%n experiment(s)", None, experiments)
    return f"{said}, {_runs(runs)}"
