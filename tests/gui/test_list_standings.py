"""The list's Worked column says on how many models an experiment worked, and the verdict
filter (with "Unrated") selects by the same standings (issue 14)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from journal.core.domain import ExperimentFilter, ExperimentSummary, RunStatus, Verdict
from journal.core.queries import create_experiment, list_experiments
from journal.core.storage import Journal
from journal.gui.experiment_list_model import Column, ExperimentListModel, PageFetcher
from journal.gui.list_panel import ListPanel
from tests.past_runs import add_past_run

pytestmark = pytest.mark.usefixtures("qapp")

PLANS: dict[str, list[tuple[str, Verdict | None]]] = {
    "everywhere": [("llama3:8b", Verdict.WORKED), ("qwen3:0.6b", Verdict.WORKED)],
    "two of three": [
        ("llama3:8b", Verdict.WORKED),
        ("qwen3:0.6b", Verdict.WORKED),
        ("mistral:7b", Verdict.FAILED),
    ],
    "changed mind": [("llama3:8b", Verdict.WORKED), ("llama3:8b", Verdict.FAILED)],
    "to judge": [("llama3:8b", None)],
}


def _fill(journal: Journal) -> dict[str, int]:
    ids = {}
    with journal.write() as session:
        for title, runs in PLANS.items():
            experiment = create_experiment(session, title=title)
            assert experiment.id is not None
            ids[title] = experiment.id
            for model, verdict in runs:
                add_past_run(session, experiment.id, verdict=verdict, model=model)
        experiment = create_experiment(session, title="no answer")
        assert experiment.id is not None
        add_past_run(session, experiment.id, status=RunStatus.FAILED)
        ids["no answer"] = experiment.id
    return ids


def _fetcher(journal: Journal) -> PageFetcher:
    def fetch(filters: ExperimentFilter, before: int | None, n: int) -> list[ExperimentSummary]:
        with journal.read() as session:
            return list_experiments(session, filters, limit=n, before_id=before)

    return fetch


def _model(journal: Journal) -> ExperimentListModel:
    return ExperimentListModel(_fetcher(journal))


def _cell(model: ExperimentListModel, experiment_id: int, role: int) -> object:
    row = model.row_of(experiment_id)
    assert row is not None
    return model.index(row, Column.VERDICT).data(role)


def test_worked_column_counts_models_with_each_on_hover(journal: Journal) -> None:
    ids = _fill(journal)
    model = _model(journal)
    display, tip, icon = (
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.DecorationRole,
    )
    assert _cell(model, ids["two of three"], display) == "2 of 3"
    assert _cell(model, ids["two of three"], tip) == (
        "Worked on 2 of 3 models\nllama3:8b: worked\nmistral:7b: failed\nqwen3:0.6b: worked"
    )
    assert _cell(model, ids["everywhere"], display) == "2 of 2"
    assert _cell(model, ids["changed mind"], display) == "0 of 1"
    assert _cell(model, ids["changed mind"], tip) == "Worked on 0 of 1 model\nllama3:8b: failed"
    assert _cell(model, ids["to judge"], display) == "—"
    assert (
        _cell(model, ids["to judge"], tip) == "Not judged yet (1 model)\nllama3:8b: not judged yet"
    )
    assert _cell(model, ids["no answer"], display) == ""
    assert _cell(model, ids["no answer"], tip) == "No finished runs yet"
    keys = set()
    for title in PLANS:
        mark = _cell(model, ids[title], icon)
        assert isinstance(mark, QIcon), title
        keys.add(mark.cacheKey())
    assert len(keys) == 4  # four marks: all worked, some, none worked, none judged yet
    assert _cell(model, ids["no answer"], icon) is None
    header = model.headerData(Column.VERDICT, Qt.Orientation.Horizontal, tip)
    assert "latest verdict" in str(header) and "filter means the same" in str(header)


def test_verdict_filter_offers_unrated_and_agrees_with_the_column(
    qtbot: QtBot, journal: Journal
) -> None:
    ids = _fill(journal)
    panel = ListPanel(ExperimentListModel())
    qtbot.addWidget(panel)
    panel.model().set_fetcher(_fetcher(journal))
    combo = panel.findChild(QComboBox, "verdict-filter")
    assert combo is not None
    labels = [combo.itemText(i) for i in range(combo.count())]
    assert labels == ["Any verdict", "Worked", "Partly", "Failed", "Unrated"]

    def shown() -> set[int]:
        model = panel.model()
        return {model.summary(row).id for row in range(model.rowCount())}

    combo.setCurrentIndex(labels.index("Unrated"))
    assert panel.filter() == ExperimentFilter(unrated=True)
    assert shown() == {ids["to judge"]}
    combo.setCurrentIndex(labels.index("Worked"))
    assert panel.filter() == ExperimentFilter(verdict=Verdict.WORKED)
    assert shown() == {ids["everywhere"], ids["two of three"]}
    for row in range(panel.model().rowCount()):  # each row shown worked on some model
        text = str(panel.model().index(row, Column.VERDICT).data())
        assert not text.startswith("0 ")
    combo.setCurrentIndex(labels.index("Failed"))
    assert shown() == {ids["two of three"], ids["changed mind"]}
