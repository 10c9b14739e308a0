"""What an import or an export did, said in the window's language. The core's
ImportResult.summary and ExportResult.summary say the same for the CLI, in English; the
counts come from the same result, so the two cannot disagree on a number."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from journal.gui.translating import size_text

if TYPE_CHECKING:
    from journal.core.export_markdown import ExportResult
    from journal.core.import_markdown import ImportResult

translate = QCoreApplication.translate


def import_summary(result: ImportResult) -> str:
    """ "3 new experiments, 3 new runs, 0 already present; …" """
    new_experiments, new_runs = result.new_experiments, result.new_runs
    present = result.already_present
    text = ", ".join(
        (
            translate("transfer_texts", "%n new experiment(s)", None, new_experiments),
            translate("transfer_texts", "%n new run(s)", None, new_runs),
            translate("transfer_texts", "%Ln already present", None, present),
        )
    )
    if present:
        experiments, runs = result.present_experiments, result.present_runs
        text += " ({experiments}, {runs})".format(
            experiments=translate("transfer_texts", "%n experiment(s)", None, experiments),
            runs=translate("transfer_texts", "%n run(s)", None, runs),
        )
    return text + "".join(f"; {part}" for part in _import_details(result)) + "."


def _import_details(result: ImportResult) -> list[str]:
    parts = []
    links, interrupted = result.dropped_replay_links, result.interrupted_runs
    if links:
        parts.append(
            translate(
                "transfer_texts",
                "%n replay link(s) left out (the replayed run is in neither the export nor "
                "this journal)",
                None,
                links,
            )
        )
    if interrupted:
        parts.append(
            translate(
                "transfer_texts",
                "%n run(s) still in progress when exported, imported as interrupted",
                None,
                interrupted,
            )
        )
    expectations, grades = result.new_expectations, result.new_grades
    if expectations or grades:
        parts.append(
            translate("transfer_texts", "{expectations} and {grades}").format(
                expectations=translate(
                    "transfer_texts", "%n new expectation(s)", None, expectations
                ),
                grades=translate("transfer_texts", "%n new grade(s)", None, grades),
            )
        )
    inputs, images = result.new_inputs, result.new_images
    if inputs:
        parts.append(translate("transfer_texts", "%n new input row(s)", None, inputs))
    if images:
        parts.append(translate("transfer_texts", "%n new image(s)", None, images))
    checks, present_checks = result.new_checks, result.present_checks
    if checks or present_checks:
        parts.append(
            translate("transfer_texts", "{checks} ({present} already present)").format(
                checks=translate("transfer_texts", "%n new migration check(s)", None, checks),
                present=present_checks,
            )
        )
    return parts


def export_summary(result: ExportResult) -> str:
    """ "Exported 1 experiment and 2 runs to notes.md (12.3 kB)." """
    experiments, runs = result.experiments, result.runs
    counts = translate("transfer_texts", "{experiments} and {runs}").format(
        experiments=translate("transfer_texts", "%n experiment(s)", None, experiments),
        runs=translate("transfer_texts", "%n run(s)", None, runs),
    )
    where = (
        translate("transfer_texts", "standard output") if result.path is None else str(result.path)
    )
    if result.size is None:
        said = translate("transfer_texts", "Exported {counts} to {where}.")
        return said.format(counts=counts, where=where)
    said = translate("transfer_texts", "Exported {counts} to {where} ({size}).")
    return said.format(counts=counts, where=where, size=size_text(result.size))
