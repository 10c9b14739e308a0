"""Choose several models to replay one run on, one after another; for a turn of a
conversation, whether to regenerate every turn instead."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

translate = QCoreApplication.translate


class FanOutDialog(QDialog):
    """A checkable list of local models; OK is enabled once at least one is ticked."""

    def __init__(
        self,
        run_id: int,
        models: list[str],
        parent: QWidget | None = None,
        *,
        conversation: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("fan_out_dialog", "Replay on several models"))
        intro = QLabel(
            translate(
                "fan_out_dialog",
                "Replay run {id} on each model ticked below, one at a time so Ollama is "
                "not overloaded. Esc stops the current answer and the rest of the queue.",
            ).format(id=run_id)
        )
        intro.setWordWrap(True)
        self.models = QListWidget()
        for name in models:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.models.addItem(item)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            translate("fan_out_dialog", "Replay")
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.models.itemChanged.connect(self._update_ok)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.models, 1)
        # A turn of a conversation replays with the recorded history; regenerating sends
        # every turn again instead, each after the new answers (core.conversation_replay).
        self.regenerate = QCheckBox(translate("fan_out_dialog", "Re&generate every turn"))
        self.regenerate.setToolTip(
            translate(
                "fan_out_dialog",
                "Send every turn up to run {id} again, each after the new answers, as a "
                "new branch; unticked, only this turn is replayed, after the recorded ones",
            ).format(id=run_id)
        )
        self.regenerate.setVisible(conversation)
        layout.addWidget(self.regenerate)
        layout.addWidget(self.buttons)
        self._update_ok()

    def chosen(self) -> list[str]:
        return [
            self.models.item(row).text()
            for row in range(self.models.count())
            if self.models.item(row).checkState() == Qt.CheckState.Checked
        ]

    def _update_ok(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.chosen()))

    @classmethod
    def ask(cls, parent: QWidget | None, run_id: int, models: list[str]) -> list[str] | None:
        """The models to replay on, in list order, or None when cancelled."""
        dialog = cls(run_id, models, parent)
        return dialog.chosen() if dialog.exec() == QDialog.DialogCode.Accepted else None

    @classmethod
    def ask_conversation(
        cls, parent: QWidget | None, run_id: int, models: list[str]
    ) -> tuple[list[str], bool] | None:
        """For a turn of a conversation: the models, and whether to regenerate every turn;
        None when cancelled."""
        dialog = cls(run_id, models, parent, conversation=True)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.chosen(), dialog.regenerate.isChecked()
