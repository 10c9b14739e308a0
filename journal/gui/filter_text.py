"""What the window says of a list filter (`model llama3:8b · worked · tag geo`), in the
window's language; the filter itself is the core's ExperimentFilter."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from journal.core.domain import ExperimentFilter, Verdict
from journal.gui.translating import QT_TRANSLATE_NOOP

translate = QCoreApplication.translate

VERDICT_WORDS = {
    Verdict.WORKED: QT_TRANSLATE_NOOP("filter_text", "worked"),
    Verdict.PARTLY: QT_TRANSLATE_NOOP("filter_text", "partly"),
    Verdict.FAILED: QT_TRANSLATE_NOOP("filter_text", "failed"),
}


def filter_text(filters: ExperimentFilter) -> str:
    """`model llama3:8b · worked · tag geo · “rivers” · since 2026-01-31`; empty for none.
    Model names, tags and searched words are the person's own: shown as written."""
    parts = []
    if filters.model:
        parts.append(translate("filter_text", "model {model}").format(model=filters.model))
    if filters.verdict:
        parts.append(translate("filter_text", VERDICT_WORDS[filters.verdict]))
    if filters.unrated:
        parts.append(translate("filter_text", "unrated"))
    if filters.tag:
        parts.append(translate("filter_text", "tag {tag}").format(tag=filters.tag))
    if filters.search:
        parts.append(translate("filter_text", "“{words}”").format(words=filters.search))
    if filters.since:
        since = f"{filters.since:%Y-%m-%d}"
        parts.append(translate("filter_text", "since {date}").format(date=since))
    if filters.until:
        until = f"{filters.until:%Y-%m-%d}"
        parts.append(translate("filter_text", "before {date}").format(date=until))
    return " · ".join(parts)
