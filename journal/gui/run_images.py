"""The images a recorded run showed the model: thumbnails above its answer, full size on a
click.

Their bytes are read only when a run that shows images is selected, off the GUI thread
(an image may be megabytes); an answer that arrives for a run no longer shown is dropped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from journal.core.images import StoredImage
    from journal.gui.context import AppContext

translate = QCoreApplication.translate

THUMBNAIL = 48  # pixels, the longer side


class ImageDialog(QDialog):
    """One image at full size, scrolled when larger than the screen (Esc closes)."""

    def __init__(self, pixmap: QPixmap, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.image = QLabel()
        self.image.setPixmap(pixmap)
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        area = QScrollArea()
        area.setWidget(self.image)
        area.setWidgetResizable(True)
        layout = QVBoxLayout(self)
        layout.addWidget(area)
        screen = self.screen().availableGeometry()
        self.resize(
            min(pixmap.width() + 40, int(screen.width() * 0.9)),
            min(pixmap.height() + 40, int(screen.height() * 0.9)),
        )


class RunImages(QWidget):
    """A row of the shown run's images; hidden for a run that showed none."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._run_id: int | None = None
        self._pixmaps: dict[str, QPixmap] = {}
        self._buttons: list[QToolButton] = []
        self.dialog: ImageDialog | None = None
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(0, 0, 0, 0)
        self.setAccessibleName(translate("run_images", "Images shown to the model"))
        self.hide()

    def show_run(self, run_id: int | None) -> None:
        """Show `run_id`'s images (read in the background), or none."""
        if run_id == self._run_id:
            return
        self._run_id = run_id
        self._clear()
        journal = self._context.journal
        if run_id is None or journal is None:
            return

        def load() -> tuple[int, list[StoredImage]]:
            from journal.core.images import get_image, images_of_run

            with journal.read() as session:
                shown = images_of_run(session, run_id)
                return run_id, [get_image(session, i.sha256, with_data=True) for i in shown]

        self._context.run(load, self._on_loaded, owner=self)

    def buttons(self) -> list[QToolButton]:
        """The thumbnails shown, in the order the message showed the images."""
        return list(self._buttons)

    def open_image(self, sha256: str, title: str) -> None:
        """The image at full size, in a dialog of its own."""
        pixmap = self._pixmaps.get(sha256)
        if pixmap is None:
            return
        self.dialog = ImageDialog(pixmap, title, self.window())
        self.dialog.show()

    def _clear(self) -> None:
        for button in self._buttons:
            self._row.removeWidget(button)
            button.deleteLater()
        self._buttons.clear()
        while self._row.count():  # the stretch
            self._row.takeAt(0)
        self._pixmaps.clear()
        self.hide()

    def _on_loaded(self, loaded: tuple[int, list[StoredImage]]) -> None:
        run_id, images = loaded
        if run_id != self._run_id or not images:
            return  # another run is shown by now
        self._clear()
        for number, image in enumerate(images, start=1):
            pixmap = QPixmap()
            if image.data is None or not pixmap.loadFromData(image.data):
                continue  # Qt cannot draw it (the model was still sent its bytes)
            self._pixmaps[image.sha256] = pixmap
            title = translate("run_images", "Image {number} of run {id}: {label}").format(
                number=number, id=run_id, label=image.label
            )
            button = QToolButton()
            button.setIcon(QIcon(pixmap))
            button.setIconSize(
                pixmap.scaled(THUMBNAIL, THUMBNAIL, Qt.AspectRatioMode.KeepAspectRatio).size()
            )
            button.setAutoRaise(True)
            button.setToolTip(
                translate("run_images", "{title}\nClick to see it full size").format(title=title)
            )
            button.setAccessibleName(
                translate("run_images", "Image {number}").format(number=number)
            )
            button.clicked.connect(
                lambda _=False, sha=image.sha256, t=title: self.open_image(sha, t)
            )
            self._row.addWidget(button)
            self._buttons.append(button)
        self._row.addStretch(1)
        self.setVisible(bool(self._pixmaps))
