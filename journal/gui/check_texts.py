"""What the check and batch windows say of the core's counts, in the window's language: a
check's summary line, its replay progress, what is left after keyboard triage and which
runs it replays; a batch's summary line; where a check or batch stands. The counts are the
core's (CheckSummary, CheckItemView, BatchSummary); the CLI says them in English with
CheckSummary.line() and BatchSummary.line()."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from journal.core.batches import BatchSummary
from journal.core.check_triage import Group, ItemTriage
from journal.core.domain import ExperimentFilter
from journal.core.eta import Eta, duration_parts
from journal.core.migration_check import CheckItemView, CheckSummary
from journal.core.models import CheckStatus
from journal.gui.filter_text import filter_text
from journal.gui.grade_marks import counts_text, outcome_text
from journal.gui.i18n import message_text
from journal.gui.translating import QT_TRANSLATE_NOOP

translate = QCoreApplication.translate

SHOWN_RUN_IDS = 5  # a check of many runs names the first few

STATUS_WORDS = {
    CheckStatus.RUNNING: QT_TRANSLATE_NOOP("check_texts", "running"),
    CheckStatus.DONE: QT_TRANSLATE_NOOP("check_texts", "done"),
    CheckStatus.PAUSED: QT_TRANSLATE_NOOP("check_texts", "paused"),
    CheckStatus.CANCELLED: QT_TRANSLATE_NOOP("check_texts", "cancelled"),
    CheckStatus.INTERRUPTED: QT_TRANSLATE_NOOP("check_texts", "interrupted"),
}


def status_word(status: CheckStatus) -> str:
    """Where a check or a batch stands: "running", "interrupted"…"""
    return translate("check_texts", STATUS_WORDS[status])


def triage_text(triage: ItemTriage) -> str:
    """Why a check's or batch's item is in its group, in the window's language (the CLI's
    English is ItemTriage.reason): said by the core as a template, or what its grades add
    up to."""
    if triage.said is not None:
        return message_text(triage.said)
    outcome = triage.outcome
    if outcome is None:
        return triage.reason
    if triage.group is Group.GRADING:
        coming = translate("check_texts", "{counts}; more grades coming")
        return coming.format(counts=counts_text(outcome))
    return outcome_text(outcome)


def batch_summary_line(summary: BatchSummary) -> str:
    """`qwen3:8b 37/40 · llama3.2:3b 31/40 (1 still grading; 3 not run yet)`."""
    head = " · ".join(tally.line for tally in summary.models)
    grading = sum(tally.grading for tally in summary.models)
    tail = _listed(_waiting(grading, summary.pending))
    if not tail:
        return head
    return translate("check_texts", "{models} ({waiting})").format(models=head, waiting=tail)


def summary_line(summary: CheckSummary) -> str:
    """`8 of 12 pass on newmodel:1b (3 fail, 1 needs a look; 2 by your verdict); 1 still
    grading; 3 not run yet`."""
    needs_look = summary.needs_look  # a plain name: lupdate skips a count given otherwise
    looks = translate("check_texts", "%n need(s) a look", None, needs_look)
    details = translate("check_texts", "{failed} fail, {looks}").format(
        failed=summary.failed, looks=looks
    )
    if summary.by_verdict:
        details = translate("check_texts", "{details}; {count} by your verdict").format(
            details=details, count=summary.by_verdict
        )
    head = translate("check_texts", "{passed} of {total} pass on {model} ({details})").format(
        passed=summary.passed, total=summary.total, model=summary.target_model, details=details
    )
    return _listed([head, *_waiting(summary.grading, summary.pending)])


def progress_line(summary: CheckSummary, running: bool) -> str:
    """ "2 of 4 replayed…" while the check runs, "4 of 4 replayed" once it stopped."""
    if running:
        text = translate("check_texts", "{done} of {total} replayed…")
    else:
        text = translate("check_texts", "{done} of {total} replayed")
    return text.format(done=summary.replayed, total=summary.total)


def nothing_left_line(items: list[CheckItemView]) -> str:
    """What keyboard triage says when nothing is left to look at: "Nothing left to look
    at: 34 pass, 6 judged by you" (passes by their grades; the verdicts given), then what
    is not ready yet ("2 still grading", "3 not run yet")."""
    passes = sum(1 for item in items if item.group is Group.PASS and not item.by_verdict)
    judged = sum(1 for item in items if item.by_verdict)
    head = translate(
        "check_texts", "Nothing left to look at: {passes} pass, {judged} judged by you"
    ).format(passes=passes, judged=judged)
    grading = sum(1 for item in items if item.group is Group.GRADING)
    pending = sum(1 for item in items if item.group is Group.PENDING)
    return _listed([head, *_waiting(grading, pending)])


def _listed(parts: list[str]) -> str:
    """ "a; b; c", the separator as the window's language writes it."""
    said = parts[0] if parts else ""
    for more in parts[1:]:
        said = translate("check_texts", "{said}; {more}").format(said=said, more=more)
    return said


def _waiting(grading: int, pending: int) -> list[str]:
    said = []
    if grading:
        said.append(translate("check_texts", "{count} still grading").format(count=grading))
    if pending:
        said.append(translate("check_texts", "{count} not run yet").format(count=pending))
    return said


def selection_text(run_ids: list[int] | None, filters: ExperimentFilter | None) -> str:
    """Which runs a new check replays: `runs 3, 5, 8` (the first few), or the latest run of
    each experiment matching the list's filter."""
    if run_ids is not None:
        shown = ", ".join(str(run_id) for run_id in run_ids[:SHOWN_RUN_IDS])
        if len(run_ids) > SHOWN_RUN_IDS:
            shown += ", …"
        count = len(run_ids)
        return translate("check_texts", "%n run(s): {ids}", None, count).format(ids=shown)
    described = filter_text(filters or ExperimentFilter())
    if not described:
        described = translate("check_texts", "all experiments")
    return translate("check_texts", "the latest run of each experiment matching: {filter}").format(
        filter=described
    )


def eta_text(eta: Eta) -> str:
    """ "about 3 min left", or "" before anything can be said."""
    seconds = eta.seconds_left
    if not seconds:
        return ""
    hours, minutes, whole = duration_parts(seconds)
    if not (hours or minutes):
        duration = translate("check_texts", "{seconds} s").format(seconds=whole)
    elif not hours:
        duration = translate("check_texts", "{minutes} min").format(minutes=minutes)
    elif minutes:
        duration = translate("check_texts", "{hours} h {minutes} min")
        duration = duration.format(hours=hours, minutes=minutes)
    else:
        duration = translate("check_texts", "{hours} h").format(hours=hours)
    return translate("check_texts", "about {duration} left").format(duration=duration)
