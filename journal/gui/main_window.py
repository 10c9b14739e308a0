"""The main window. A placeholder until the window issue lands: it proves the GUI path works."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMainWindow


class MainWindow(QMainWindow):
    def __init__(self, db: str | None = None, host: str | None = None) -> None:
        super().__init__()
        self.setWindowTitle("LLM Journal")
        self.resize(960, 640)
        from journal.core.paths import resolve_db_path, resolve_ollama_host

        label = QLabel(
            "<h2>LLM Journal</h2>"
            f"<p>Journal: {resolve_db_path(db)}<br>Ollama: {resolve_ollama_host(host)}</p>"
            "<p>The journal window is coming; use the <code>journal</code> command "
            "(<code>journal --help</code>) meanwhile.</p>"
        )
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setTextFormat(Qt.TextFormat.RichText)
        self.setCentralWidget(label)
