"""The images attached to the next prompt, as a row of small thumbnails (each with × to
remove it): attached by file, by a drop onto the prompt or by a paste.

The bytes are recognised by the core (`images.recognise`): a file or a paste that is no
image, or too big, is refused in one line under the row, never attached.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QCoreApplication,
    QEvent,
    QIODevice,
    QMimeData,
    QObject,
    QSize,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QDropEvent, QIcon, QImage, QKeyEvent, QKeySequence, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from journal.core.errors import InvalidInputError
from journal.gui.i18n import error_text
from journal.gui.options_panel import error_color
from journal.gui.translating import QT_TRANSLATE_NOOP, size_text

if TYPE_CHECKING:
    from journal.core.images import ImageFile

translate = QCoreApplication.translate

THUMB_PX = 64
IMAGE_FILTER = QT_TRANSLATE_NOOP("image_strip", "Images (*.png *.jpg *.jpeg *.webp);;All files (*)")


def thumbnail(data: bytes) -> QPixmap:
    """The image scaled to fit THUMB_PX (an empty pixmap when Qt cannot decode it)."""
    pixmap = QPixmap()
    pixmap.loadFromData(data)
    if pixmap.isNull():
        return pixmap
    return pixmap.scaled(
        THUMB_PX,
        THUMB_PX,
        Qt.AspectRatioMode.KeepAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )


def describe(name: str, mime: str, size: str, width: int | None, height: int | None) -> str:
    """A thumbnail's tooltip: name, type, size and shape, one per line."""
    shape = (
        "\n"
        + translate("image_strip", "{width}×{height} pixels").format(width=width, height=height)
        if width and height
        else ""
    )
    return f"{name}\n{mime}, {size}{shape}"


def png_bytes(image: QImage) -> bytes:
    """A pasted picture as PNG bytes, the form the journal stores it in."""
    array = QByteArray()
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs say bytes
    buffer.close()
    return bytes(array.data())


def _thumb_button(pixmap: QPixmap, tooltip: str) -> QToolButton:
    button = QToolButton()
    button.setIcon(QIcon(pixmap))
    button.setIconSize(QSize(THUMB_PX, THUMB_PX))
    button.setAutoRaise(True)
    button.setToolTip(tooltip)
    return button


class AttachedImages(QWidget):
    """The images attached to the next prompt: attach by file, drop or paste; × removes."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._images: list[ImageFile] = []
        self._row = QHBoxLayout()
        self._row.setContentsMargins(0, 0, 0, 0)
        self._row.setSpacing(4)
        self._message = QLabel()
        self._message.setWordWrap(True)
        self._message.hide()
        palette = self._message.palette()
        palette.setColor(self._message.foregroundRole(), error_color(palette))
        self._message.setPalette(palette)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(self._row)
        layout.addWidget(self._message)
        self._rebuild()

    def images(self) -> list[ImageFile]:
        return list(self._images)

    def clear(self) -> None:
        """Attach nothing to the next prompt (a follow-up's next message starts empty)."""
        if self._images:
            self._images = []
            self._rebuild()

    def message(self) -> str:
        """Why the last file or paste was refused ("" when it was not)."""
        return self._message.text() if self._message.isVisibleTo(self) else ""

    @Slot()
    def choose_files(self) -> None:
        """Ask for image files and attach each one that is an image."""
        paths, _ = QFileDialog.getOpenFileNames(
            self,
            translate("image_strip", "Attach images"),
            "",
            translate("image_strip", IMAGE_FILTER),
        )
        for path in paths:
            self.attach_file(path)

    def attach_file(self, path: str) -> bool:
        from journal.core.images import read_image_file

        return self._attach(lambda: read_image_file(path))

    def attach_data(self, data: bytes, name: str) -> bool:
        from journal.core.images import recognise

        return self._attach(lambda: recognise(data, name))

    def attach_mime(self, mime: QMimeData) -> bool:
        """Attach the image files or the picture a drop or a paste carries; False when it
        carries neither (the text box takes it as text)."""
        files = [url.toLocalFile() for url in mime.urls() if url.isLocalFile()]
        if files:
            for path in files:
                self.attach_file(path)
            return True
        if mime.hasImage():
            image = QImage(mime.imageData())
            self.attach_data(png_bytes(image), "pasted image")
            return True
        return False

    def _attach(self, read: Callable[[], ImageFile]) -> bool:
        try:
            image = read()
        except InvalidInputError as error:
            self._say(error_text(error))
            return False
        self._say("")
        if all(known.sha256 != image.sha256 for known in self._images):
            self._images.append(image)
            self._rebuild()
        return True

    def _say(self, text: str) -> None:
        self._message.setText(text)
        self._message.setToolTip(text)
        self._message.setVisible(bool(text))

    def _remove(self, sha256: str) -> None:
        self._images = [image for image in self._images if image.sha256 != sha256]
        self._rebuild()

    def _rebuild(self) -> None:
        while (item := self._row.takeAt(0)) is not None:
            widget = item.widget()
            if widget is not None:
                widget.hide()  # gone now; deleted once its click is handled
                widget.deleteLater()
        for image in self._images:
            name = Path(image.name).name
            tip = describe(name, image.mime, size_text(len(image.data)), image.width, image.height)
            self._row.addWidget(self._tile(image, tip))
        if self._images:
            self._row.addStretch(1)
        self.setVisible(bool(self._images) or bool(self._message.text()))
        self.changed.emit()

    def _tile(self, image: ImageFile, tip: str) -> QWidget:
        tile = QWidget()
        tile.setAccessibleName(
            translate("image_strip", "Attached image {name}").format(name=Path(image.name).name)
        )
        layout = QHBoxLayout(tile)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(_thumb_button(thumbnail(image.data), tip))
        remove = QToolButton()
        remove.setText("×")
        remove.setAutoRaise(True)
        remove.setToolTip(
            translate("image_strip", "Remove {name} from the prompt").format(
                name=Path(image.name).name
            )
        )
        remove.setAccessibleName(
            translate("image_strip", "Remove {name}").format(name=Path(image.name).name)
        )
        remove.clicked.connect(lambda: self._remove(image.sha256))
        layout.addWidget(remove, 0, Qt.AlignmentFlag.AlignTop)
        return tile


def _carries_image(mime: QMimeData) -> bool:
    return mime.hasImage() or any(url.isLocalFile() for url in mime.urls())


class ImageDrops(QObject):
    """Lets a text box take images: a dropped image file or a pasted picture is attached
    to `images`; text still pastes and drops as text."""

    def __init__(self, editor: QPlainTextEdit, images: AttachedImages) -> None:
        super().__init__(editor)
        self._images = images
        editor.installEventFilter(self)
        editor.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            mime = QApplication.clipboard().mimeData()
            if event.matches(QKeySequence.StandardKey.Paste) and _carries_image(mime):
                return self._images.attach_mime(mime)
        elif isinstance(event, QDropEvent) and _carries_image(event.mimeData()):
            event.acceptProposedAction()
            if kind == QEvent.Type.Drop:
                self._images.attach_mime(event.mimeData())
            return True
        return super().eventFilter(watched, event)
