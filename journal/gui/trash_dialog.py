"""Edit > Trash…: what is in the trash, bringing some of it back, and emptying it for good."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from journal.gui.i18n import error_text, message_text
from journal.gui.translating import QT_TRANSLATE_NOOP, size_text

if TYPE_CHECKING:
    from sqlmodel import Session

    from journal.core.trash import EmptiedTrash, TrashedItem, TrashReceipt
    from journal.gui.context import AppContext

translate = QCoreApplication.translate

EMPTY_TEXT = QT_TRANSLATE_NOOP("trash_dialog", "The trash is empty.")


def emptied_text(emptied: EmptiedTrash) -> str:
    """What emptying the trash deleted, then what it kept and why, one line each."""
    # Plain names for the counts: lupdate skips a count given as an attribute.
    experiments, runs, images = emptied.experiments, emptied.runs, emptied.images
    if not (experiments or runs or images):
        gone = translate("trash_dialog", "Nothing was deleted.")
    else:
        if images:
            gone = translate(
                "trash_dialog",
                "Deleted {experiments} and {runs} for good, and freed {images} ({size}) no run "
                "shows any more.",
            )
        else:
            gone = translate("trash_dialog", "Deleted {experiments} and {runs} for good.")
        gone = gone.format(
            experiments=translate("trash_dialog", "%n experiment(s)", None, experiments),
            runs=translate("trash_dialog", "%n run(s)", None, runs),
            images=translate("trash_dialog", "%n image(s)", None, images),
            size=size_text(emptied.image_bytes),
        )
    return "\n".join([gone, *(message_text(said) for said in emptied.kept)])


# (experiments?, several named?, more taken along?) -> what a restore says
RESTORED = {
    (True, False, False): QT_TRANSLATE_NOOP(
        "trash_dialog", "Restored experiment {ids} from the trash."
    ),
    (True, True, False): QT_TRANSLATE_NOOP(
        "trash_dialog", "Restored experiments {ids} from the trash."
    ),
    (True, False, True): QT_TRANSLATE_NOOP(
        "trash_dialog", "Restored experiment {ids} and its %n run(s) from the trash."
    ),
    (True, True, True): QT_TRANSLATE_NOOP(
        "trash_dialog", "Restored experiments {ids} and their %n run(s) from the trash."
    ),
    (False, False, False): QT_TRANSLATE_NOOP("trash_dialog", "Restored run {ids} from the trash."),
    (False, True, False): QT_TRANSLATE_NOOP("trash_dialog", "Restored runs {ids} from the trash."),
    (False, False, True): QT_TRANSLATE_NOOP(
        "trash_dialog", "Restored run {ids} and %n later turn(s) from the trash."
    ),
    (False, True, True): QT_TRANSLATE_NOOP(
        "trash_dialog", "Restored runs {ids} and %n later turn(s) from the trash."
    ),
}


def restored_line(receipt: TrashReceipt) -> str:
    """What a restore brought back from the trash: `Restored experiment 4 and its 2 runs
    from the trash.`"""
    experiments = bool(receipt.experiment_ids)
    named = receipt.experiment_ids if experiments else receipt.named_run_ids
    more = len(receipt.run_ids) - (0 if experiments else len(named))
    text = RESTORED[(experiments, len(named) > 1, more > 0)]
    ids = ", ".join(str(i) for i in named)
    return translate("trash_dialog", text, None, more).format(ids=ids)


def item_words(item: TrashedItem, experiment_title: str = "") -> str:
    """What a row of the trash is, in words: the experiment with its runs, or the run (of
    the experiment titled `experiment_title`)."""
    count = item.runs  # a plain name: lupdate skips a count given as an attribute
    if item.kind == "experiment":
        if count:
            return translate(
                "trash_dialog", "Experiment {title} and its %n run(s)", None, count
            ).format(title=_quoted(item.label))
        return translate("trash_dialog", "Experiment {title}").format(title=_quoted(item.label))
    if count:
        line = translate(
            "trash_dialog", "Run {id} on {model} of {title} and %n later turn(s)", None, count
        )
    else:
        line = translate("trash_dialog", "Run {id} on {model} of {title}")
    return line.format(id=item.id, model=item.label, title=_quoted(experiment_title))


def _quoted(title: str) -> str:
    title = " ".join(title.split())
    return f"'{title}'" if title else translate("trash_dialog", "(untitled)")


def _contents(session: Session) -> tuple[list[TrashedItem], dict[int, str]]:
    """What is in the trash, and the titles of the experiments its runs belong to."""
    from journal.core.queries import get_experiment
    from journal.core.trash import trash_contents

    items = trash_contents(session)
    owners = {item.experiment_id for item in items if item.kind == "run"}
    return items, {owner: get_experiment(session, owner).title for owner in owners}


class TrashDialog(QDialog):
    """Lists the trash, newest first; restores the selected rows or empties it all."""

    changed = Signal()  # something was restored or deleted for good

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._items: list[TrashedItem] = []
        self.setObjectName("trashDialog")
        self.setWindowTitle(translate("trash_dialog", "Trash"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(640, 380)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(
            [translate("trash_dialog", "Deleted"), translate("trash_dialog", "What")]
        )
        self.tree.setRootIsDecorated(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setColumnWidth(0, 150)
        self.message = QLabel()
        self.message.setObjectName("trash-message")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.restore_button = QPushButton(translate("trash_dialog", "&Restore selected"))
        self.restore_button.setToolTip(
            translate("trash_dialog", "Bring the selected experiments and runs back")
        )
        self.empty_button = QPushButton(translate("trash_dialog", "&Empty trash…"))
        self.empty_button.setToolTip(
            translate("trash_dialog", "Delete everything in the trash for good (asks first)")
        )
        for button in (self.restore_button, self.empty_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        buttons.rejected.connect(self.close)
        self.restore_button.clicked.connect(self.restore_selected)
        self.empty_button.clicked.connect(self.empty)
        self.tree.itemSelectionChanged.connect(self._update_buttons)
        self.reload()

    @classmethod
    def show_for(cls, parent: QWidget, context: AppContext) -> TrashDialog:
        """The window's one trash dialog, shown and raised (made when none is open)."""
        found = parent.findChild(TrashDialog, "trashDialog")
        if found is not None and found.isVisible():
            found.reload()
            found.raise_()
            found.activateWindow()
            return found
        dialog = cls(context, parent)
        dialog.show()
        return dialog

    def reload(self) -> None:
        from journal.gui.experiment_list_model import format_date

        self._items, titles = self._context.read(_contents) or ([], {})
        self.tree.clear()
        for item in self._items:
            when = format_date(item.trashed_at.isoformat())
            words = item_words(item, titles.get(item.experiment_id, ""))
            row = QTreeWidgetItem([when[0], words])
            row.setToolTip(
                0, translate("trash_dialog", "Moved to the trash {when}").format(when=when[1])
            )
            row.setToolTip(1, words)
            self.tree.addTopLevelItem(row)
        if not self._items:
            self.message.setText(translate("trash_dialog", EMPTY_TEXT))
        self._update_buttons()

    @Slot()
    def _update_buttons(self) -> None:
        self.restore_button.setEnabled(bool(self.tree.selectedItems()))
        self.empty_button.setEnabled(bool(self._items))

    def _selected(self) -> list[TrashedItem]:
        rows = sorted(self.tree.indexOfTopLevelItem(row) for row in self.tree.selectedItems())
        return [self._items[row] for row in rows]

    @Slot()
    def restore_selected(self) -> None:
        from journal.core.trash import restore_experiments, restore_runs

        chosen = self._selected()
        experiments = [item.id for item in chosen if item.kind == "experiment"]
        runs = [item.id for item in chosen if item.kind == "run"]
        if not chosen:
            return

        def restore(session: Session) -> list[TrashReceipt]:
            lines = []
            if experiments:
                lines.append(restore_experiments(session, experiments))
            if runs:
                lines.append(restore_runs(session, runs))
            return lines

        self._context.write(restore, self._on_restored, self._on_failed, owner=self)

    def _on_restored(self, receipts: list[TrashReceipt]) -> None:
        self.reload()
        self.message.setText(" ".join(restored_line(receipt) for receipt in receipts))
        self.changed.emit()

    def _on_failed(self, error: object) -> None:
        from journal.core.errors import JournalError

        assert isinstance(error, JournalError)
        self.message.setText(error_text(error))

    @Slot()
    def empty(self) -> None:
        from journal.core.trash import empty_trash

        experiments = sum(1 for item in self._items if item.kind == "experiment")
        runs = sum(
            item.runs + (1 if item.kind == "run" else 0) for item in self._items
        )  # an experiment's runs, a run with its later turns
        if not self._items or not self.confirm_empty(self, experiments, runs):
            return
        self._context.write(empty_trash, self._on_emptied, self._on_failed, owner=self)

    def _on_emptied(self, emptied: EmptiedTrash) -> None:
        self.reload()
        self.message.setText(emptied_text(emptied))
        self.changed.emit()

    @classmethod
    def confirm_empty(cls, parent: QWidget, experiments: int, runs: int) -> bool:
        """Ask before deleting for good (a classmethod, so tests can answer)."""
        answer = QMessageBox.question(
            parent,
            translate("trash_dialog", "Empty the trash"),
            translate(
                "trash_dialog",
                "Delete {experiments} and {runs} in the trash for good? This cannot be undone.",
            ).format(
                experiments=translate("trash_dialog", "%n experiment(s)", None, experiments),
                runs=translate("trash_dialog", "%n run(s)", None, runs),
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes
