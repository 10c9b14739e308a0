"""Pins the Qt binding against a refcount bug that aborts the app mid-session.

PySide6 6.12.0 on Python 3.11 drops a reference to True on every Signal.emit() and to None
on every void call; after a few thousand the interpreter aborts (bool_dealloc). A streamed
answer emits that many signals in minutes. requirements.lock pins a release without it.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot


class _Emitter(QObject):
    fired = Signal(str)


def test_emitting_and_void_calls_keep_true_and_none_alive(qtbot: QtBot) -> None:
    emitter, label = _Emitter(), QLabel()
    qtbot.addWidget(label)
    true_before, none_before = sys.getrefcount(True), sys.getrefcount(None)
    for _ in range(200):
        emitter.fired.emit("x")
        label.setText("y")
    assert sys.getrefcount(True) >= true_before - 20
    assert sys.getrefcount(None) >= none_before - 20
