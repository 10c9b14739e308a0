"""What each expectation kind checks, for the editor's kind list and its tooltips, in the
window's language; the example line stays as the command line reads it."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from journal.core.expectations import Kind
from journal.gui.translating import QT_TRANSLATE_NOOP

translate = QCoreApplication.translate

KIND_HELP: dict[Kind, str] = {
    Kind.CONTAINS: QT_TRANSLATE_NOOP("kind_help", "The text contains this, exactly as written."),
    Kind.ICONTAINS: QT_TRANSLATE_NOOP(
        "kind_help", "The text contains this, ignoring upper and lower case."
    ),
    Kind.EQUALS: QT_TRANSLATE_NOOP(
        "kind_help", "The text is exactly this (surrounding spaces ignored)."
    ),
    Kind.STARTS_WITH: QT_TRANSLATE_NOOP("kind_help", "The text starts with this."),
    Kind.REGEX: QT_TRANSLATE_NOOP(
        "kind_help", "A regular expression matches somewhere in the text."
    ),
    Kind.IS_JSON: QT_TRANSLATE_NOOP("kind_help", "The text is valid JSON."),
    Kind.JSON_SCHEMA: QT_TRANSLATE_NOOP(
        "kind_help", "The text is JSON that meets this JSON schema (or @file.json)."
    ),
    Kind.WORDS: QT_TRANSLATE_NOOP("kind_help", "How many words: an operator and a number."),
    Kind.CHARS: QT_TRANSLATE_NOOP("kind_help", "How many characters: an operator and a number."),
    Kind.LINES: QT_TRANSLATE_NOOP("kind_help", "How many lines: an operator and a number."),
    Kind.TOKENS_PER_SECOND: QT_TRANSLATE_NOOP(
        "kind_help", "How fast the model answered, in tokens per second."
    ),
    Kind.FIRST_TOKEN: QT_TRANSLATE_NOOP(
        "kind_help", "How long until the first token (seconds, or ms)."
    ),
    Kind.DONE_REASON: QT_TRANSLATE_NOOP("kind_help", "Why the model stopped (stop, length, ...)."),
    Kind.SIMILAR: QT_TRANSLATE_NOOP(
        "kind_help", "Means about the same as this text (embedding similarity, 0 to 1)."
    ),
    Kind.JUDGE: QT_TRANSLATE_NOOP(
        "kind_help", "A judge model reads the answer and decides whether it meets this rubric."
    ),
}


def kind_help(kind: Kind) -> str:
    """What a kind checks, and how a line of it is written."""
    return translate("kind_help", "{help} Example: {example}").format(
        help=translate("kind_help", KIND_HELP[kind]), example=kind.example
    )
