"""The readable part of an export reads like a notebook (issue 15): answers keep their line
breaks, an overview of experiments by models leads, each experiment has its runs at a glance,
and every run has an anchor that holds when its verdict changes. Read with a real CommonMark
parser (markdown-it, tables on), as a person's reader would."""

from __future__ import annotations

import html
import tempfile
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token
from sqlalchemy import text

from journal.core.domain import RunStatus, Verdict
from journal.core.export_entries import ExportSelection
from journal.core.export_markdown import Layout, export_to_path, overview_table, read_overview
from journal.core.export_text import run_anchor
from journal.core.import_markdown import import_markdown
from journal.core.models import Run
from journal.core.notebook_format import INDEX_NAME, experiment_file_name
from journal.core.queries import create_experiment, set_verdict
from journal.core.storage import Journal
from tests.core.test_export_import import populate
from tests.markdown_readers import markdown_it_problems

READER = MarkdownIt("commonmark", {"html": True}).enable(["table"])


def _export(journal: Journal) -> str:
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "export.md"
        export_to_path(journal, target)
        return target.read_bytes().decode("utf-8")


def _parse(export: str) -> list[Token]:
    """The export as a reader with front matter support sees it: the front matter apart."""
    return READER.parse(export.split("\n---\n", 1)[1])


def _uuids(journal: Journal) -> dict[int, str]:
    with journal.read() as session:
        rows = session.execute(text("SELECT id, uuid FROM run"))
        return {int(row[0]): str(row[1]) for row in rows}


def _tables(tokens: list[Token]) -> list[tuple[str, list[list[Token]]]]:
    """Each table with the heading before it: its rows, each a list of cells' inline tokens."""
    found: list[tuple[str, list[list[Token]]]] = []
    heading = ""
    rows: list[list[Token]] = []
    for number, token in enumerate(tokens):
        if token.type == "heading_open":
            heading = tokens[number + 1].content
        elif token.type == "tr_open":
            rows.append([])
        elif token.type == "inline" and rows and tokens[number - 1].type in ("td_open", "th_open"):
            rows[-1].append(token)
        elif token.type == "table_close":
            found.append((heading, rows))
            rows = []
    return found


def _links(cell: Token) -> list[str]:
    return [str(t.attrGet("href")) for t in cell.children or () if t.type == "link_open"]


def _text(cell: Token) -> str:
    return "".join(t.content for t in cell.children or () if t.type in ("text", "code_inline"))


def test_an_answers_line_breaks_show_as_written(journal: Journal) -> None:
    """Item 1: the answer is a fenced block, so every reader keeps its single newlines."""
    with journal.write() as session:
        experiment = create_experiment(session, title="Lines")
        assert experiment.id is not None
        answer = "first line\nsecond line\n  indented third\n\nafter a blank line"
        session.add(
            Run(experiment_id=experiment.id, model="m", response=answer, status=RunStatus.DONE)
        )
    shown = READER.render(_export(journal))
    assert html.escape(answer, quote=False) in shown
    assert "<pre><code" in shown


def test_the_overview_is_experiments_by_models_linked_to_each_standing_run(
    journal: Journal,
) -> None:
    """Item 2: one row per experiment (newest first), a column per model, each cell the
    model's standing linked to the run's anchor; a title with `|` stays one cell."""
    ids = populate(journal)
    uuids = _uuids(journal)
    text = _export(journal)
    tokens = _parse(text)
    headings = [tokens[n + 1].content for n, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings[:2] == ["LLM Journal", "Overview"]
    title, rows = _tables(tokens)[0]
    assert title == "Overview"
    assert [_text(cell) for cell in rows[0]] == ["Experiment", "llama3:8b"]
    body = {_text(row[0]).split(" · ")[0]: row for row in rows[1:]}
    assert list(body) == [str(ids["empty"]), str(ids["tricky"]), str(ids["rivers"])]
    assert all(len(row) == 2 for row in rows)  # the title's `|` split no cell
    assert (
        _text(body[str(ids["tricky"])][0]) == f"{ids['tricky']} · `Ticks` & <b>HTML</b> | pipes #"
    )
    rivers = body[str(ids["rivers"])][1]
    assert _text(rivers) == "worked"
    assert _links(rivers) == [f"#{run_anchor(uuids[ids['first']])}"]
    assert _links(body[str(ids["tricky"])][1]) == [f"#{run_anchor(uuids[ids['odd']])}"]
    assert _text(body[str(ids["tricky"])][1]) == "failed"
    assert _text(body[str(ids["empty"])][1]) == ""
    # every link of the overview reaches an anchor of the export
    for row in rows[1:]:
        for cell in row[1:]:
            for href in _links(cell):
                assert f'<a id="{href[1:]}"></a>' in text


def test_the_overview_holds_the_most_recent_experiments_and_says_how_many_more(
    journal: Journal,
) -> None:
    """Item 2: past the limit (500 in an export), the most recent, and a line for the rest."""
    with journal.write() as session:
        for number in range(4):
            create_experiment(session, title=f"E{number}")
    with journal.read() as session:
        rows, total = read_overview(session, ExportSelection(), limit=3)
    assert total == 4 and [row.title for row in rows] == ["E3", "E2", "E1"]
    shown = overview_table(rows, total)
    assert shown.endswith(
        "*The table holds the 3 most recent of 4 experiments; 1 more follow below.*\n\n"
    )


def test_the_folder_index_leads_with_the_overview_linking_into_the_files(
    journal: Journal, tmp_path: Path
) -> None:
    ids = populate(journal)
    uuids = _uuids(journal)
    export_to_path(journal, tmp_path / "out", layout=Layout.FOLDER)
    index = (tmp_path / "out" / INDEX_NAME).read_text(encoding="utf-8")
    title, rows = _tables(_parse(index))[0]
    assert title == "Overview"
    name = experiment_file_name(ids["rivers"], "Rivers that cross borders")
    rivers = next(row for row in rows if _text(row[0]).startswith(f"{ids['rivers']} · "))
    assert _links(rivers[0]) == [name]
    assert _links(rivers[1]) == [f"{name}#{run_anchor(uuids[ids['first']])}"]
    page = (tmp_path / "out" / name).read_text(encoding="utf-8")
    assert f'<a id="{run_anchor(uuids[ids["first"]])}"></a>' in page


def test_each_experiment_has_its_runs_at_a_glance_before_the_runs(journal: Journal) -> None:
    """Item 3: model@digest, options that differ from the first run's, verdict, the first
    line of the why; one section per experiment, the table before the runs' sections."""
    ids = populate(journal)
    uuids = _uuids(journal)
    tokens = _parse(_export(journal))
    sections = [
        _text(tokens[n + 1])
        for n, t in enumerate(tokens)
        if t.type == "heading_open" and t.tag == "h2"
    ]
    assert sections == [
        "Overview",
        "Rivers that cross borders",
        "`Ticks` & <b>HTML</b> | pipes #",
        "(untitled)",
    ]
    glances = [rows for title, rows in _tables(tokens) if title == "Runs at a glance"]
    assert len(glances) == 2  # the empty experiment has no runs
    header, first, replay = glances[0]
    assert [_text(cell) for cell in header] == ["Run", "Model", "Options", "Verdict", "Why"]
    assert _links(first[0]) == [f"#{run_anchor(uuids[ids['first']])}"]
    assert _text(first[1]) == "llama3:8b@365c0bd3c000"
    assert _text(first[2]) == 'temperature=0.2, seed=42, top_p=1.0, stop=["###"]'
    assert [_text(cell) for cell in first[3:]] == ["worked", "exactly three, all real"]
    assert _text(replay[1]) == "qwen3:0.6b"
    assert _text(replay[2]) == "temperature=1, top_p unset, stop unset"
    assert _text(replay[3]) == "failed, unrated"
    headings = [
        (t.tag, tokens[n + 1].content) for n, t in enumerate(tokens) if t.type == "heading_open"
    ]
    glance = headings.index(("h3", "Runs at a glance"))
    assert headings[glance + 1][1].startswith(f"Run {ids['first']} · ")


def test_a_runs_anchor_holds_when_its_verdict_changes(journal: Journal) -> None:
    """Item 4: the anchor is the run's uuid, not its heading (which shows the verdict)."""
    ids = populate(journal)
    anchor = f'<a id="{run_anchor(_uuids(journal)[ids["first"]])}"></a>'
    before = _export(journal)
    with journal.write() as session:
        set_verdict(session, ids["first"], Verdict.FAILED, "on second thought")
    after = _export(journal)
    assert f"## Run {ids['first']} · llama3:8b · worked {anchor}\n" in before
    assert f"## Run {ids['first']} · llama3:8b · failed {anchor}\n" in after
    tokens = _parse(after)
    html_inline = [t.content for t in tokens if t.type == "inline" for t in t.children or ()]
    assert anchor.removesuffix("</a>") in html_inline


def test_an_odd_uuid_never_reaches_the_anchor_as_written() -> None:
    assert run_anchor("12345678-1234-1234-1234-123456789abc") == (
        "run-12345678-1234-1234-1234-123456789abc"
    )
    odd = run_anchor('"><script>alert(1)</script>')
    assert odd.startswith("run-") and set(odd[4:]) <= set("0123456789abcdef") and len(odd) == 36


def test_the_readable_additions_round_trip_byte_for_byte(journal: Journal, tmp_path: Path) -> None:
    """The overview, tables and anchors come from the metadata alone: export, import into
    a new journal and export again gives the same bytes."""
    populate(journal)
    first = tmp_path / "first.md"
    export_to_path(journal, first)
    with Journal.open(tmp_path / "other.sqlite") as other:
        import_markdown(other, first)
        again = tmp_path / "again.md"
        export_to_path(other, again)
    assert again.read_bytes() == first.read_bytes()


def test_the_safety_check_allows_only_the_exporters_own_anchors() -> None:
    own = f'## Run 1 · m <a id="{run_anchor("12345678-1234-1234-1234-123456789abc")}"></a>\n'
    assert not markdown_it_problems(own, own_links=frozenset(), blocks=0)
    for foreign in ('<a id="run-x" onclick="y"></a>', '<a id="elsewhere"></a>', '<a id="run-1">'):
        assert markdown_it_problems(f"## Run 1 {foreign}\n", own_links=frozenset(), blocks=0)
    assert markdown_it_problems("[x](#elsewhere)\n", own_links=frozenset(), blocks=0)
