"""Export experiments as a Markdown lab notebook: one file, or a folder of one file each.

Experiments are read in keyset pages of ascending id inside one read transaction (one
consistent snapshot, export_entries) and written as they are read, so memory stays flat
whatever the size of the journal; a big export's pages are rendered by worker processes
(export_parallel). Nothing depends on the clock or the machine: the same journal gives the
same bytes, however many processes rendered them. Nothing from the journal reaches a
reader as Markdown it would interpret: what a model or a server wrote sits in fences,
what a person wrote is escaped (notebook_format).
Files appear atomically and replace only an earlier export, and only when asked to
(export_target).
Experiments and runs in the trash are never exported (nor their grades or images);
archived experiments are, with their `archived_at` (see notebook_format, format 8).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TextIO

from journal.core import export_checks
from journal.core.domain import LIVE_STATUSES_SQL
from journal.core.errors import NotFoundError
from journal.core.expectations import (
    Expectation,
    Kind,
    Target,
    format_expectation,
    row_expectation_uuid,
)
from journal.core.export_entries import (
    PAGE_SIZE,
    ExperimentEntry,
    ExportSelection,
    PageRows,
    RunEntry,
    RunLink,
    iter_entries,
    iter_pages,
    selection_clauses,
    selection_has_images,
)
from journal.core.export_parallel import page_size_for, render_pages, worker_count
from journal.core.export_records import RawReader, id_list
from journal.core.export_target import (
    check_target,
    new_text_file,
    write_assets,
    write_export_file,
    write_file_atomically,
    write_folder_atomically,
)
from journal.core.export_text import (
    code,
    code_block,
    heading,
    inline,
    quote,
    readable,
    run_anchor,
    when,
)
from journal.core.formatting import human_size, nanoseconds, plural, seconds, short_digest
from journal.core.image_records import image_refs
from journal.core.notebook_format import (
    ASSETS_DIR,
    FORMAT_KEY,
    FORMAT_VERSION,
    GRADING_KEY,
    IMAGE_EXTENSIONS,
    IMAGES_KEY,
    INDEX_NAME,
    KIND_END,
    KIND_EXPECTATION,
    KIND_EXPERIMENT,
    KIND_GRADE,
    KIND_INPUT,
    KIND_RUN,
    LAYOUT_KEY,
    RECORD_KEY,
    REPLAY_OF_UUID,
    ExportError,
    Layout,
    ProseDigest,
    asset_name,
    code_span,
    encode_json,
    end_record,
    escape_line,
    experiment_file_name,
    front_matter,
    metadata_block,
    text_block,
)
from journal.core.read_sql import STANDING_RUN, VERDICTS, model_key
from journal.core.reading import OlderJournalError, ReadJournal

if TYPE_CHECKING:  # `journal export` reads over plain sqlite3 and never imports the ORM
    from sqlmodel import Session

    from journal.core.storage import Journal

DOCUMENT_TITLE = "LLM Journal"

# The preview in the window shows this much of the export at most.
PREVIEW_EXPERIMENTS = 3
PREVIEW_CHARS = 60_000


@dataclass(frozen=True)
class ExportResult:
    path: Path | None  # None when written to a stream
    layout: Layout
    experiments: int
    runs: int
    size: int | None  # bytes on disk, when written to a path

    def summary(self) -> str:
        where = "standard output" if self.path is None else str(self.path)
        size = f" ({human_size(self.size)})" if self.size is not None else ""
        return (
            f"Exported {plural(self.experiments, 'experiment')} and "
            f"{plural(self.runs, 'run')} to {where}{size}."
        )


# -- the overview ----------------------------------------------------------------------

OVERVIEW_LIMIT = 500  # experiments in the overview table: the most recent ones
_STANDINGS_OF = f"""
    SELECT r.experiment_id, {model_key("r.model")} AS name, r.verdict, r.uuid FROM run AS r
    WHERE r.experiment_id IN {{ids}} AND {STANDING_RUN} ORDER BY r.experiment_id, name
    """


@dataclass(frozen=True)
class OverviewRow:
    experiment_id: int
    title: str
    standings: dict[str, tuple[str | None, str]]  # model -> (verdict or None, run uuid)


def read_overview(
    source: Session | RawReader, selection: ExportSelection, *, limit: int = OVERVIEW_LIMIT
) -> tuple[list[OverviewRow], int]:
    """The `limit` most recent selected experiments (newest first) with each model's
    standing (read_sql.STANDING_RUN: the one meaning the list uses), and how many were
    selected in all."""
    reader = RawReader.of_session(source)
    params: dict[str, Any] = {"limit": limit}
    clauses = selection_clauses(selection, params)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    found = reader.rows(
        f"SELECT e.id, e.title FROM experiment AS e {where} ORDER BY e.id DESC LIMIT :limit",
        params,
    )
    rows = [OverviewRow(int(row[0]), str(row[1] or ""), {}) for row in found]
    if not rows:
        return rows, 0
    total = len(rows)
    if total == limit:
        params.pop("limit")
        total = int(reader.rows(f"SELECT count(*) FROM experiment AS e {where}", params)[0][0] or 0)
    by_id = {row.experiment_id: row for row in rows}
    for experiment_id, name, verdict, uuid in reader.rows(_STANDINGS_OF.format(ids=id_list(by_id))):
        known = verdict if verdict in VERDICTS else None
        by_id[experiment_id].standings[str(name)] = (known, str(uuid))
    return rows, total


def overview_table(
    rows: list[OverviewRow], total: int, file_of: Callable[[OverviewRow], str] | None = None
) -> str:
    """Experiments by models, each cell the model's standing linked to that run's anchor
    (in `file_of(row)` for a folder export). Every cell is escaped as every table cell."""
    if not rows:
        return ""
    models = sorted({name for row in rows for name in row.standings})
    header = ["Experiment", *(inline(name) for name in models)]
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    for row in rows:
        where = file_of(row) if file_of is not None else ""
        title = inline(row.title) or "(untitled)"
        cells = [
            f"[{row.experiment_id} · {title}]({where})"
            if where
            else f"{row.experiment_id} · {title}"
        ]
        for name in models:
            standing = row.standings.get(name)
            if standing is None:
                cells.append("")
                continue
            verdict, uuid = standing
            shown = inline(verdict) if verdict else "not judged"
            cells.append(f"[{shown}]({where}#{run_anchor(uuid)})")
        lines.append("| " + " | ".join(cells) + " |")
    text_ = heading(2, "Overview") + "\n".join(lines) + "\n\n"
    if total > len(rows):
        text_ += (
            f"*The table holds the {len(rows):,} most recent of "
            f"{plural(total, 'experiment')}; {total - len(rows):,} more follow below.*\n\n"
        )
    return text_


# -- readable text -------------------------------------------------------------------------


def _json_text(value: Any) -> str:
    return readable(encode_json(value))


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else _json_text(value))


# -- rendering -----------------------------------------------------------------------------


def _block(kind: str, record: dict[str, Any]) -> str:
    """A record's metadata on one line (keys sorted): the importer reads it, readers hide
    it, and a plain-text reader skims past it after the prose it belongs to."""
    return metadata_block(kind, record, one_line=True)


# Labels made once per distinct model or options: a journal's runs share a few of each, and
# each label is a dozen escapes and encodings. Kept while there are few of them; a key
# holds only text or None (1, 1.0 and True are equal keys, but not the same text).
_LABELS_KEPT = 4096
_MISSING = object()  # a key the record lacks: never a cache key (its text differs from None's)
_TEXT_OR_NONE = frozenset({str, type(None)})
_model_lines: dict[tuple[Any, ...], str] = {}
_glance_models: dict[tuple[Any, ...], str] = {}
_option_labels: dict[tuple[str, str], str] = {}
_MODEL_FIELDS = (
    "model",
    "model_digest",
    "model_family",
    "model_parameter_size",
    "model_quantization",
    "host",
)


def _remember(memo: dict[Any, str], key: Any, label: str) -> str:
    if len(memo) < _LABELS_KEPT:
        memo[key] = label
    return label


def _model_line(run: dict[str, Any]) -> str:
    key = tuple(map(run.get, _MODEL_FIELDS, repeat(_MISSING)))
    if not set(map(type, key)) <= _TEXT_OR_NONE:
        return _make_model_line(run)
    line = _model_lines.get(key)
    return _remember(_model_lines, key, _make_model_line(run)) if line is None else line


def _make_model_line(run: dict[str, Any]) -> str:
    parts = [code(str(run.get("model", "")))]
    digest = str(run.get("model_digest") or "")
    if digest:
        parts.append(f"digest {code(short_digest(digest))}")
    for key in ("model_family", "model_parameter_size", "model_quantization"):
        if run.get(key):
            parts.append(inline(run[key]))
    host = _as_text(run.get("host"))
    if host:
        parts.append(f"on {inline(host)}")
    return " · ".join(parts)


def _options_line(run: dict[str, Any]) -> str:
    options = run.get("options")
    if not isinstance(options, dict) or not options:
        return "model defaults"
    key = ("line", encode_json(options))  # the same text: the same options, in their order
    line = _option_labels.get(key)
    if line is not None:
        return line
    return _remember(_option_labels, key, _make_options_line(options))


def _make_options_line(options: dict[str, Any]) -> str:
    return " · ".join(
        code_span(f"{readable(str(key))}={_json_text(value)}") for key, value in options.items()
    )


def _request_line(run: dict[str, Any]) -> str:
    parts = []
    if run.get("keep_alive") is not None:
        parts.append(f"keep_alive {code(_as_text(run['keep_alive']))}")
    if run.get("think") is not None:
        parts.append(f"think {code_span(_json_text(run['think']))}")
    if run.get("format") == "json":
        parts.append("format: JSON")
    elif run.get("format") is not None:
        parts.append("format: JSON schema (below)")
    return " · ".join(parts)


def _format_schema(out: list[str], run: dict[str, Any], level: int) -> None:
    """The JSON schema the answer was asked to follow, as the model was sent it."""
    schema = run.get("format")
    if schema is None or schema == "json":
        return
    out.append(heading(level, "Format: JSON schema"))
    out.append(code_block(json.dumps(schema, ensure_ascii=False, indent=2)))


def _image_links(run: dict[str, Any], refs: Any) -> str:
    """A message's images as links to their files in ASSETS_DIR, numbered as the run first
    shows them; the alt text is only that number. One the journal lacks is said so."""
    if not isinstance(refs, list):
        return ""
    numbers = {ref: n for n, ref in enumerate(image_refs(run.get("messages")), start=1)}
    held = {image["sha256"]: image for image in run.get(IMAGES_KEY) or ()}
    shown = []
    for ref in dict.fromkeys(ref for ref in refs if isinstance(ref, str)):
        image = held.get(ref)
        extension = None if image is None else IMAGE_EXTENSIONS.get(str(image["mime"]))
        if image is None:
            shown.append(f"*Image {numbers[ref]} is not in the journal.*")
        elif extension is None:
            shown.append(f"*Image {numbers[ref]} is of a type an export does not carry.*")
        else:
            shown.append(f"![image {numbers[ref]}]({ASSETS_DIR}/{ref}.{extension})")
    return "".join(f"{line}\n\n" for line in shown)


def _number(value: Any) -> float | None:
    return value if type(value) is int or type(value) is float else None


def _stats_line(run: dict[str, Any]) -> str:
    parts = []
    eval_count, eval_duration = _number(run.get("eval_count")), _number(run.get("eval_duration"))
    if eval_count is not None:
        parts.append(f"{eval_count:g} tokens")
    if eval_count and eval_duration:
        parts.append(f"{eval_count / eval_duration * 1e9:.1f} tok/s")
    if (prompt_tokens := _number(run.get("prompt_eval_count"))) is not None:
        parts.append(f"prompt {prompt_tokens:g} tokens")
    if (first := _number(run.get("first_token_seconds"))) is not None:
        parts.append(f"first token {seconds(first)}")
    for key, label in _DURATIONS:
        if (value := _number(run.get(key))) is not None:
            parts.append(f"{label} {nanoseconds(int(value))}")
    if (wall := _number(run.get("wall_seconds"))) is not None:
        parts.append(f"wall {seconds(wall)}")
    return " · ".join(parts)


_DURATIONS = (
    ("load_duration", "load"),
    ("prompt_eval_duration", "prompt eval"),
    ("eval_duration", "eval"),
    ("total_duration", "Ollama total"),
)


def _status_line(run: dict[str, Any]) -> str:
    status = inline(run.get("status") or "")
    if run.get("done_reason"):
        status += f" ({inline(run['done_reason'])})"
    parts = [status, f"recorded {when(run.get('created_at'))}"]
    if run.get("finished_at"):
        parts.append(f"finished {when(run['finished_at'])}")
    if run.get("ollama_version"):
        parts.append(f"Ollama {inline(run['ollama_version'])}")
    return " · ".join(parts)


def _messages(out: list[str], run: dict[str, Any], level: int) -> None:
    messages = run.get("messages")
    if not isinstance(messages, list) or not messages:
        return
    only = messages[0] if len(messages) == 1 else None
    if isinstance(only, dict) and only.get("role") == "user" and set(only) <= {"role", "content"}:
        out.append(heading(level, "Prompt"))
        out.append(code_block(_as_text(only.get("content"))))
        return
    out.append(heading(level, "Conversation"))
    for message in messages:
        if not isinstance(message, dict):
            out.append(code_block(_json_text(message), "json"))
            continue
        images = message.get("images")
        shown = ("role", "content", "images") if isinstance(images, list) else ("role", "content")
        extras = sorted(str(key) for key in message if key not in shown)
        note = f" ({', '.join(inline(key) for key in extras)} in the metadata)" if extras else ""
        out.append(f"**{inline(_as_text(message.get('role')) or 'message')}:**{note}\n\n")
        out.append(code_block(_as_text(message.get("content"))))
        out.append(_image_links(run, images))


EMPTY_VALUE = "*(empty)*"


def _template(out: list[str], template: Any, level: int) -> None:
    """What the prompts above were rendered from: the templates as prompts are shown, each
    value as a person's text (the metadata holds them exactly)."""
    if not isinstance(template, dict):
        return
    out.append(heading(level, "Template"))
    if _as_text(template.get("system")):
        out.append("**System prompt template:**\n\n")
        out.append(code_block(_as_text(template["system"])))
    out.append("**Prompt template:**\n\n")
    out.append(code_block(_as_text(template.get("prompt"))))
    values = template.get("values")
    if isinstance(values, dict) and values:
        out.append("**Values:**\n\n")
        items = [
            f"- {code(str(name))}: {inline(_as_text(value)) or EMPTY_VALUE}"
            for name, value in values.items()
        ]
        out.append("\n".join(items) + "\n\n")


def _list_item(value: str) -> str:
    """A person's text as one list item: a list item's text starts a block, so it is
    escaped as a line's start is (spaces collapsed)."""
    return "- " + escape_line(" ".join(readable(value).split()))


def _expectation_line(record: dict[str, Any]) -> str:
    """The expectation's one-line form, as `journal expect` takes it."""
    try:
        expectation = Expectation(
            kind=Kind(str(record.get("kind"))),
            value=str(record.get("value") or ""),
            arg=record.get("arg"),
            negated=bool(record.get("negated")),
        )
    except ValueError:  # a kind this version does not know: show what is there
        return f"{record.get('kind')}:{record.get('value')}"
    return format_expectation(expectation)


def _expectation_item(record: dict[str, Any]) -> str:
    extras = []
    if _as_text(record.get("name")).strip():
        extras.append(f"named {inline(record['name'])}")
    weight = _number(record.get("weight"))
    if weight is not None and weight != 1:
        extras.append(f"weight {weight:g}")
    target = _as_text(record.get("target"))
    if target and target != Target.ANSWER.value:
        try:
            extras.append(f"on {Target.parse(target).described}")  # the answer of turn 2
        except ValueError:  # not one this version reads: show what is there
            extras.append(f"on the {inline(target)}")
    return " · ".join([_list_item(_expectation_line(record)), *extras])


def _combine_line(grading: Any) -> str:
    threshold = _number(grading.get("threshold")) if isinstance(grading, dict) else None
    if threshold is None:
        return "*Every expectation must pass.*"
    return f"*A run passes with a weighted score of {threshold:g} or more.*"


def _expectations(
    out: list[str], entry: ExperimentEntry, level: int, blocks: list[str] | None
) -> None:
    """The expectations as a list of their one-line forms, and how their grades combine."""
    grading = entry.record.get(GRADING_KEY)
    if not entry.expectations and grading is None:
        return
    if blocks is not None:
        blocks.extend(_block(KIND_EXPECTATION, record) for record in entry.expectations)
    out.append(heading(level, "Expectations"))
    if entry.expectations:
        out.append("\n".join(_expectation_item(record) for record in entry.expectations) + "\n\n")
    out.append(_combine_line(grading) + "\n\n")


def _input_names(rows: list[dict[str, Any]]) -> list[str]:
    names: dict[str, None] = {}
    for row in rows:
        variables = row.get("variables")
        if isinstance(variables, dict):
            names.update(dict.fromkeys(str(name) for name in variables))
    return list(names)


def _input_cell(value: Any) -> str:
    """A cell as a person's text on one line: every `|` escaped, so it stays one cell."""
    return inline(value) if value is not None else ""


def _inputs(out: list[str], entry: ExperimentEntry, level: int, blocks: list[str] | None) -> None:
    """The input set as a table: a row per case, a column per variable, then the row's
    own expectations in their one-line form."""
    if not entry.inputs:
        return
    if blocks is not None:
        blocks.extend(_block(KIND_INPUT, row) for row in entry.inputs)
    out.append(heading(level, "Inputs"))
    names = _input_names(entry.inputs)
    header = ["#", *(inline(name) for name in names), "Expectations"]
    lines = ["| " + " | ".join(header) + " |", "|--:|" + "---|" * (len(names) + 1)]
    for row in entry.inputs:
        found = row.get("variables")
        variables: dict[str, Any] = found if isinstance(found, dict) else {}
        expectations = row.get("expectations")
        shown = (
            " · ".join(inline(_as_text(line)) for line in expectations)
            if isinstance(expectations, list)
            else ""
        )
        cells = [
            str(row.get("position")),
            *(_input_cell(variables.get(name)) for name in names),
            shown,
        ]
        lines.append("| " + " | ".join(cells) + " |")
    out.append("\n".join(lines) + "\n\n")


def _grade_item(grade: dict[str, Any]) -> str:
    parts = [f"- **{inline(_as_text(grade.get('status')))}**"]
    parts.append(inline(_as_text(grade.get("expectation"))))
    reason = _as_text(grade.get("reason"))
    if reason.strip():
        parts.append(code_span(readable(reason)))  # a judge's reason is a model's text
    return " · ".join(parts)


def _expected_uuids(
    run: dict[str, Any], expectations: list[dict[str, Any]], inputs: list[dict[str, Any]]
) -> list[str]:
    """The uuids of the run's expectations, in order: its experiment's, then its input
    row's (as `grades.expectations_of_run` lists them)."""
    uuids = [str(record["uuid"]) for record in expectations]
    for row in inputs:
        if run.get("input_row_id") is not None and row.get("id") == run["input_row_id"]:
            lines = row.get("expectations")
            count = len(lines) if isinstance(lines, list) else 0
            uuids += [row_expectation_uuid(str(row["uuid"]), n) for n in range(1, count + 1)]
    return uuids


def _grades(
    out: list[str], entry: RunEntry, expected: list[str], level: int, blocks: list[str] | None
) -> None:
    """Every grade of the run in the metadata; for people, the current one of each
    expectation (the newest), in the expectations' order: pass or fail, and why."""
    if not entry.grades:
        return
    if blocks is not None:
        blocks.extend(_block(KIND_GRADE, grade) for grade in entry.grades)
    current: dict[Any, dict[str, Any]] = {}
    for grade in entry.grades:  # oldest first: the newest of each expectation stays
        current[grade.get("expectation_uuid")] = grade
    shown = [current[uuid] for uuid in expected if uuid in current]
    out.append(heading(level, "Grades"))
    if shown:
        out.append("\n".join(_grade_item(grade) for grade in shown) + "\n\n")
    others = len(entry.grades) - len(shown)
    if others:
        out.append(
            f"*{plural(others, 'other grade')} (earlier, or of an expectation since removed) "
            "in the metadata.*\n\n"
        )


def _in_conversations(runs: list[RunEntry]) -> tuple[list[RunEntry], dict[int, str]]:
    """The runs in reading order, each conversation's turns under its root (depth first, a
    turn's follow-ups in the order they were made), and for each run in a conversation the
    line that says where it stands. A parent always comes before its follow-ups."""
    by_id = {run.record["id"]: run for run in runs}
    if len(by_id) == len(runs) and all(run.record.get("parent_id") is None for run in runs):
        return list(runs), {}  # no conversation: every run a root of its own, in id order
    followers: dict[int, list[RunEntry]] = {}
    for run in runs:  # ascending id: follow-ups in the order they were made
        parent = run.record.get("parent_id")
        if isinstance(parent, int) and parent in by_id and parent != run.record["id"]:
            followers.setdefault(parent, []).append(run)
    order: list[RunEntry] = []
    lines: dict[int, str] = {}
    seen: set[int] = set()

    def walk(root: RunEntry) -> None:
        stack = [(root, 1)]
        while stack:
            run, turn = stack.pop()
            if run.record["id"] in seen:
                continue
            seen.add(run.record["id"])
            order.append(run)
            lines[run.record["id"]] = _turn_line(run, turn, root, by_id, followers)
            stack.extend(
                (child, turn + 1) for child in reversed(followers.get(run.record["id"], []))
            )

    for run in runs:
        if run.record.get("parent_id") not in by_id:
            walk(run)
    for run in runs:  # a loop of parents (a damaged journal): shown all the same
        if run.record["id"] not in seen:
            walk(run)
    return order, {key: line for key, line in lines.items() if line}


def _turn_line(
    run: RunEntry,
    turn: int,
    root: RunEntry,
    by_id: dict[int, RunEntry],
    followers: dict[int, list[RunEntry]],
) -> str:
    record = run.record
    parent_id = record.get("parent_id")
    after = [str(child.record["id"]) for child in followers.get(record["id"], [])]
    followed = f"followed by {'run' if len(after) == 1 else 'runs'} {', '.join(after)}"
    if turn == 1:
        if parent_id is not None:  # its parent is not among this experiment's runs
            where = f" of experiment {run.parent_experiment_id}" if run.parent_experiment_id else ""
            line = f"follows run {parent_id}{where}"
            return f"{line}; {followed}" if after else line
        return f"turn 1 of run {record['id']}'s conversation; {followed}" if after else ""
    line = f"turn {turn} of run {root.record['id']}'s conversation, after run {parent_id}"
    if followers.get(parent_id or 0, [run])[0] is not run:
        line += f": a branch from turn {turn - 1}"
    return f"{line}; {followed}" if after else line


_GLANCE_WHY = 120  # characters of the first line of a verdict's note


def _options_of(run: RunEntry) -> dict[str, Any]:
    options = run.record.get("options")
    return options if isinstance(options, dict) else {}


def _options_change(options: dict[str, Any], first: dict[str, Any]) -> str:
    """`key=value` for each option not as the first run had it; `key unset` for one gone."""
    changed = [
        f"{key}={_json_text(value)}"
        for key, value in options.items()
        if key not in first or first[key] != value
    ]
    changed += [f"{key} unset" for key in first if key not in options]
    return ", ".join(changed)


def _glance_model(record: dict[str, Any]) -> str:
    """`model@digest`, escaped."""
    key = (record.get("model", _MISSING), record.get("model_digest"))
    if not set(map(type, key)) <= _TEXT_OR_NONE:
        return _make_glance_model(record)
    label = _glance_models.get(key)
    return _remember(_glance_models, key, _make_glance_model(record)) if label is None else label


def _make_glance_model(record: dict[str, Any]) -> str:
    model = str(record.get("model", ""))
    if digest := short_digest(str(record.get("model_digest") or "")):
        model += f"@{digest}"
    return inline(model)


def _glance_options(
    options: dict[str, Any], first: dict[str, Any], first_text: str, is_first: bool
) -> str:
    """The first run's options, or how a run's differ from them (`same`)."""
    key = ("first" if is_first else first_text, encode_json(options))
    label = _option_labels.get(key)
    if label is not None:
        return label
    if is_first:
        change = ", ".join(f"{k}={_json_text(v)}" for k, v in options.items())
        label = inline(change) or "model defaults"
    else:
        label = inline(_options_change(options, first)) or "same"
    return _remember(_option_labels, key, label)


def _runs_at_a_glance(
    out: list[str], by_id: list[RunEntry], shown: list[RunEntry], level: int, *, links: bool
) -> None:
    """A row per run, in reading order: model@digest, options that differ from the first
    run's (by id), verdict and the first line of its note; each run linked to its anchor."""
    if not by_id:
        return
    first = _options_of(by_id[0])
    first_text = encode_json(first)
    lines = ["| Run | Model | Options | Verdict | Why |", "|--:|---|---|---|---|"]
    for run in shown:
        record = run.record
        number = str(record.get("id"))
        cells = [f"[{number}](#{run_anchor(record.get('uuid'))})" if links else number]
        cells.append(_glance_model(record))
        cells.append(_glance_options(_options_of(run), first, first_text, run is by_id[0]))
        verdict = inline(record["verdict"]) if record.get("verdict") else "unrated"
        if record.get("status") != "done":
            verdict = f"{inline(record.get('status') or '')}, {verdict}"
        cells.append(verdict)
        note = readable(_as_text(record.get("verdict_note"))).strip()
        why = note.split("\n", 1)[0][:_GLANCE_WHY] if note else ""
        cells.append(inline(why))
        lines.append("| " + " | ".join(cells) + " |")
    out.append(heading(level, "Runs at a glance"))
    out.append("\n".join(lines) + "\n\n")


@dataclass(frozen=True)
class _Linking:
    """How a run section links to other runs: not at all (the preview has no anchors), in
    the one file, or across a folder's experiment files."""

    links: bool
    in_folder: bool = False


def _run_link(link: RunLink, here: Any, linking: _Linking) -> str:
    """`run 57` linked to its anchor (in its experiment's file in a folder export, when
    that is not `here`, the experiment that links), `of experiment 3` after it when it
    lives in another experiment."""
    shown = f"run {link.run_id}"
    if linking.links:
        where = ""
        if linking.in_folder and link.experiment_id != here:
            where = experiment_file_name(link.experiment_id, link.experiment_title)
        shown = f"[{shown}]({where}#{run_anchor(link.uuid)})"
    if link.experiment_id != here:
        shown += f" of experiment {link.experiment_id}"
    return shown


def _replays_line(entry: RunEntry, linking: _Linking) -> str:
    run = entry.record
    if entry.original is not None:
        return _run_link(entry.original, run.get("experiment_id"), linking)
    uuid = inline(str(run.get(REPLAY_OF_UUID) or "")[:8])
    return f"run {uuid or run.get('replay_of_id')} (not in this export)"


def _replayed_by(run: dict[str, Any], link: RunLink, linking: _Linking) -> str:
    same = "same answer" if link.same_answer else "differs"
    return f"{_run_link(link, run.get('experiment_id'), linking)} on {code(link.model)}: {same}"


def _prompt_key(run: dict[str, Any]) -> tuple[str, str] | None:
    """(system prompt, prompt) of a run that sent one prompt alone, as _messages shows it
    under "Prompt"; None for a conversation, which is always shown whole."""
    messages = run.get("messages")
    if not isinstance(messages, list) or len(messages) != 1:
        return None
    only = messages[0]
    if not isinstance(only, dict) or only.get("role") != "user":
        return None
    if not set(only) <= {"role", "content"}:
        return None
    return _as_text(run.get("system_prompt")), _as_text(only.get("content"))


def _render_run(
    out: list[str],
    entry: RunEntry,
    level: int,
    blocks: list[str] | None,
    expectations: list[dict[str, Any]],
    inputs: list[dict[str, Any]],
    turn: str = "",
    in_folder: bool = False,
    same_prompt: RunEntry | None = None,
) -> None:
    """A run's section, added to `out`; `same_prompt`, an earlier run of the experiment that
    sent the very same prompt and system prompt, is named instead of showing them again."""
    run = entry.record
    if blocks is not None:
        blocks.append(_block(KIND_RUN, run))
    title = [f"Run {run.get('id')}", inline(run.get("model", ""))]
    if run.get("status") != "done":
        title.append(inline(run.get("status") or ""))
    title.append(inline(run["verdict"]) if run.get("verdict") else "unrated")
    # The anchor names the run by uuid: links to it hold when its verdict or id changes.
    anchor = f' <a id="{run_anchor(run.get("uuid"))}"></a>' if blocks is not None else ""
    out.append(heading(level, " · ".join(title) + anchor))
    facts = [f"- **Model:** {_model_line(run)}", f"- **Options:** {_options_line(run)}"]
    if request := _request_line(run):
        facts.append(f"- **Request:** {request}")
    linking = _Linking(blocks is not None, in_folder)
    if run.get("replay_of_id") is not None:
        facts.append(f"- **Replays:** {_replays_line(entry, linking)}")
    if entry.replays:
        replays = (_replayed_by(run, link, linking) for link in entry.replays)
        facts.append(f"- **Replayed by:** {' · '.join(replays)}")
    if run.get("based_on_id") is not None:
        facts.append(f"- **Based on:** run {run['based_on_id']} (its prompt, other settings)")
    if turn:
        facts.append(f"- **Conversation:** {turn}")
    for row in inputs:
        if run.get("input_row_id") is not None and row.get("id") == run["input_row_id"]:
            facts.append(f"- **Input row:** {row.get('position')}")
    facts.append(f"- **Status:** {_status_line(run)}")
    if stats := _stats_line(run):
        facts.append(f"- **Stats:** {stats}")
    out.append("\n".join(facts) + "\n\n")
    sub = level + 1
    system_prompt = _as_text(run.get("system_prompt"))
    if same_prompt is not None:  # the metadata holds it in full all the same
        out.append(heading(sub, "Prompt"))
        link = RunLink(
            int(same_prompt.record["id"]),
            str(same_prompt.record.get("uuid")),
            run["experiment_id"],
            "",
        )
        also = " and system prompt" if system_prompt else ""
        out.append(f"*Same prompt{also} as {_run_link(link, run['experiment_id'], linking)}.*\n\n")
    else:
        if system_prompt:
            out.append(heading(sub, "System prompt"))
            out.append(code_block(system_prompt))
        _messages(out, run, sub)
    if run.get("format") is not None:
        _format_schema(out, run, sub)
    if run.get("template") is not None:
        _template(out, run["template"], sub)
    thinking = _as_text(run.get("thinking"))
    if thinking.strip():
        out.append(heading(sub, "Thinking"))
        out.append(code_block(thinking))
    out.append(heading(sub, "Answer"))
    answer = _as_text(run.get("response"))
    out.append(code_block(answer) if answer.strip() else "*No answer.*\n\n")
    error = _as_text(run.get("error"))
    if error.strip():
        out.append(heading(sub, "Error"))
        out.append(code_block(error))
    if entry.grades:
        _grades(out, entry, _expected_uuids(run, expectations, inputs), sub, blocks)
    note = _as_text(run.get("verdict_note"))
    if run.get("verdict") or note.strip():
        label = f"Verdict: {inline(run['verdict'])}" if run.get("verdict") else "Note"
        out.append(heading(sub, label))
        if note.strip():
            out.append(quote(note))


def render_experiment(
    entry: ExperimentEntry, *, level: int, metadata: bool, in_folder: bool = False
) -> list[str]:
    """One notebook entry: title, what was expected and concluded, then every run; with
    `metadata`, its records follow (one line each), so a plain-text reader sees prose first,
    led by the hash of that prose (notebook_format.KIND_TEXT)."""
    if not metadata:
        return _experiment_prose(entry, level, None, in_folder)
    blocks: list[str] = []
    text_ = "".join(_experiment_prose(entry, level, blocks, in_folder))
    prose = ProseDigest()
    prose.add_text(text_)  # hashed whole: one pass over its lines, not one per piece
    return [text_, text_block(prose) + "".join(blocks) + "\n"]


_PROSE_FIELDS = (("Hypothesis", "hypothesis"), ("Expected outcome", "expected"))


def _experiment_prose(
    entry: ExperimentEntry, level: int, blocks: list[str] | None, in_folder: bool
) -> list[str]:
    """render_experiment's readable part, as pieces to join once (no generator steps); the
    records go to `blocks` if given."""
    experiment = entry.record
    if blocks is not None and not in_folder:
        blocks.append(_block(KIND_EXPERIMENT, experiment))
    out = [heading(level, inline(experiment.get("title") or "") or "(untitled)")]
    created, updated = when(experiment.get("created_at")), when(experiment.get("updated_at"))
    facts = [f"Experiment {experiment.get('id')}", f"created {created}"]
    if updated != created:
        facts.append(f"updated {updated}")
    facts.append(plural(len(entry.runs), "run"))
    line = f"*{' · '.join(facts)}*"
    if in_folder:
        line += f" · [index]({INDEX_NAME})"
    tags = experiment.get("tags")
    if isinstance(tags, list) and tags:
        line += "  \n**Tags:** " + " · ".join(code(_as_text(t)) for t in tags)
    out.append(line + "\n\n")
    sub = level + 1
    for label, key in _PROSE_FIELDS:
        value = _as_text(experiment.get(key))
        if value.strip():
            out.append(heading(sub, label))
            out.append(quote(value))
    _expectations(out, entry, sub, blocks)
    _inputs(out, entry, sub, blocks)
    value = _as_text(experiment.get("conclusion"))
    if value.strip():
        out.append(heading(sub, "Conclusion"))
        out.append(quote(value))
    runs, turns = _in_conversations(entry.runs)
    _runs_at_a_glance(out, entry.runs, runs, sub, links=blocks is not None)
    prompts: dict[tuple[str, str], RunEntry] = {}
    for run in runs:
        sent = _prompt_key(run.record)
        earlier = None if sent is None else prompts.setdefault(sent, run)
        _render_run(
            out,
            run,
            sub,
            blocks,
            entry.expectations,
            entry.inputs,
            turns.get(run.record["id"], ""),
            in_folder,
            same_prompt=None if earlier is run else earlier,
        )
    return out


def _document_head(
    layout: Layout, selection: ExportSelection, exported_at: datetime | None, metadata: bool
) -> str:
    header: dict[str, Any] = {FORMAT_KEY: FORMAT_VERSION, LAYOUT_KEY: layout.value}
    if exported_at is not None:
        header["exported_at"] = _iso(exported_at)
    head = front_matter(header) + "\n" if metadata else ""
    head += heading(1, DOCUMENT_TITLE)
    lines = [line for line in (selection.describe(),) if line]
    if exported_at is not None:
        lines.append(f"Exported {when(exported_at)}.")
    return head + "".join(f"{line}\n\n" for line in lines)


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _index_row(entry: ExperimentEntry, name: str) -> str:
    experiment = entry.record
    title = inline(experiment.get("title") or "") or "(untitled)"
    models = list(dict.fromkeys(inline(run.record.get("model", "")) for run in entry.runs))
    verdicts: dict[str, int] = {}
    for run in entry.runs:
        verdict = str(run.record.get("verdict") or "unrated")
        verdicts[verdict] = verdicts.get(verdict, 0) + 1
    cells = [
        f"[{experiment.get('id')} · {title}]({name})",
        when(experiment.get("created_at")).split(" ", 1)[0],  # the day: no escape is cut
        str(len(entry.runs)),
        ", ".join(models),
        " · ".join(f"{count} {inline(verdict)}" for verdict, count in verdicts.items()),
    ]
    return "| " + " | ".join(cells) + " |\n"  # inline escaped every | in them


_INDEX_HEADER = "| Experiment | Created | Runs | Models | Verdicts |\n|---|---|--:|---|---|\n"
_NOTHING = "*No experiments match.*\n\n"


class Rendered(NamedTuple):
    """An experiment as the export writes it, with what the end marker, the index and the
    image files need to know of it: made on its own, possibly in another process
    (export_parallel), from nothing but its entry."""

    text: str
    runs: int
    expectations: int
    grades: int
    inputs: int
    assets: tuple[tuple[str, str], ...]  # the images it shows: (sha256, name in ASSETS_DIR)
    name: str = ""  # in a folder: its file's name
    index_row: str = ""  # in a folder: its row in index.md


def render_for_file(entry: ExperimentEntry, *, metadata: bool = True) -> Rendered:
    """The experiment as a part of the one-file export."""
    text = "".join(render_experiment(entry, level=2, metadata=metadata))
    return _rendered(entry, text)


def render_for_folder(entry: ExperimentEntry) -> Rendered:
    """The experiment's file in a folder export: front matter, text, records, end marker."""
    record = entry.record
    name = experiment_file_name(int(record["id"]), str(record.get("title") or ""))
    header = {FORMAT_KEY: FORMAT_VERSION, LAYOUT_KEY: "experiment", RECORD_KEY: record}
    counts = end_record(
        runs=len(entry.runs),
        expectations=len(entry.expectations),
        grades=entry.grades,
        inputs=len(entry.inputs),
    )
    pieces = [front_matter(header, expand=RECORD_KEY), "\n"]
    pieces += render_experiment(entry, level=1, metadata=True, in_folder=True)
    pieces.append(metadata_block(KIND_END, counts, one_line=True))
    return _rendered(entry, "".join(pieces), name, _index_row(entry, name))


def write_experiment_file(entry: ExperimentEntry, *, files: str) -> Rendered:
    """render_for_folder, written to its file in the folder `files` (a path ending in a
    separator) by the process that rendered it, and handed back without its text."""
    rendered = render_for_folder(entry)
    write_export_file(files + rendered.name, rendered.text)  # in one write
    return rendered._replace(text="")


def _rendered(entry: ExperimentEntry, text: str, name: str = "", index_row: str = "") -> Rendered:
    assets = tuple(
        (image["sha256"], asset_name(image["sha256"], str(image["mime"])))
        for run in entry.runs
        for image in run.record.get(IMAGES_KEY) or ()
    )
    return Rendered(
        text,
        len(entry.runs),
        len(entry.expectations),
        entry.grades,
        len(entry.inputs),
        assets,
        name,
        index_row,
    )


def write_single_file(
    rendered: Iterable[Rendered],
    write: Callable[[str], object],
    *,
    selection: ExportSelection,
    exported_at: datetime | None = None,
    metadata: bool = True,
    assets: dict[str, str] | None = None,
    overview: str = "",
    checks: list[export_checks.CheckEntry] | None = None,
) -> tuple[int, int]:
    """Write the one-file export piece by piece; return (experiments, runs). `assets`, if
    given, collects the images it links to (sha256 -> file name in ASSETS_DIR); `overview`
    (overview_table) goes before the first experiment, `checks` (export_checks) after the
    last."""
    write(_document_head(Layout.FILE, selection, exported_at, metadata) + overview)
    if metadata:  # the head's own hash: an edit there is told apart from one in experiment 1
        head = ProseDigest()
        head.add_text(_document_head(Layout.FILE, selection, exported_at, False) + overview)
        write(text_block(head) + "\n")
    tally = _Tally(assets)
    for experiment in rendered:
        write(experiment.text)
        tally.add(experiment)
    exported, items, rest = export_checks.write_checks(
        checks or [], write, metadata=metadata, lead="" if tally.experiments else _NOTHING
    )
    write(rest)
    if metadata and rest:  # the end's own hash (format 11): no readable text goes unchecked
        end = ProseDigest()
        end.add_text(rest)
        write(text_block(end) + "\n")
    if metadata:
        write(metadata_block(KIND_END, tally.end_record(exported, items), one_line=True))
    return tally.experiments, tally.runs


def read_selected_checks(
    source: Session | RawReader, selection: ExportSelection
) -> list[export_checks.CheckEntry]:
    """The migration checks for a one-file export of `selection` (export_checks)."""
    params: dict[str, Any] = {}
    where = " AND ".join(selection_clauses(selection, params)) or "1"
    whole = selection.experiment_id is None and selection.filters.is_empty
    return export_checks.read_checks(RawReader.of_session(source), where, params, whole=whole)


class _Tally:
    """What the written experiments add up to, for the end marker, and the images they show
    (sha256 -> file name in ASSETS_DIR), for the files beside the export."""

    def __init__(self, assets: dict[str, str] | None = None) -> None:
        self.experiments = self.runs = self.expectations = self.grades = self.inputs = 0
        self.assets = {} if assets is None else assets

    def add(self, rendered: Rendered) -> None:
        self.experiments += 1
        self.runs += rendered.runs
        self.expectations += rendered.expectations
        self.grades += rendered.grades
        self.inputs += rendered.inputs
        for sha, name in rendered.assets:
            self.assets.setdefault(sha, name)

    def end_record(self, checks: int, check_items: int) -> dict[str, int]:
        return end_record(
            experiments=self.experiments,
            runs=self.runs,
            expectations=self.expectations,
            grades=self.grades,
            inputs=self.inputs,
            checks=checks,
            check_items=check_items,
        )


_IMAGE_DATA = "SELECT data FROM image WHERE sha256 = :sha"


def _asset_files(reader: RawReader, assets: dict[str, str]) -> Iterator[tuple[str, bytes]]:
    """Each image's file name and bytes, one image in memory at a time; an image whose
    bytes no longer match their hash is not exported as if it were that image."""
    for sha, name in sorted(assets.items()):
        found = reader.rows(_IMAGE_DATA, {"sha": sha})
        data = found[0][0] if found else None
        if not isinstance(data, bytes) or hashlib.sha256(data).hexdigest() != sha:
            raise ExportError(
                f"Image {short_digest(sha)}… is damaged in the journal (its bytes do not match "
                "its SHA-256); nothing was written. `journal recover` drops it."
            )
        yield name, data


def _write_folder_contents(
    folder: Path,
    pages: Iterator[PageRows],
    *,
    workers: int,
    selection: ExportSelection,
    exported_at: datetime | None,
    reader: RawReader,
) -> tuple[int, int]:
    tally = _Tally()
    rows, total = read_overview(reader, selection)
    overview = overview_table(
        rows, total, lambda row: experiment_file_name(row.experiment_id, row.title)
    )
    # Each experiment's file is written where it is rendered (in a worker, its text never
    # comes back): this, and its name.
    files = os.path.join(folder, "")
    write = partial(write_experiment_file, files=files)
    with (
        closing(render_pages(pages, write, workers=workers)) as rendered,
        new_text_file(folder / INDEX_NAME) as index,
    ):
        index.write(_document_head(Layout.FOLDER, selection, exported_at, True) + overview)
        index_text = ProseDigest()  # index.md's own hash (format 11), before its end
        index_text.add_text(_document_head(Layout.FOLDER, selection, exported_at, False))
        index_text.add_text(overview)

        def add_to_index(piece: str) -> None:
            index.write(piece)
            index_text.add_text(piece)

        rows_due: list[str] = []  # index rows, written and hashed a few hundred at a time
        for experiment in rendered:
            if not tally.experiments:
                rows_due.append(_INDEX_HEADER)
            rows_due.append(experiment.index_row)
            if len(rows_due) >= PAGE_SIZE:
                add_to_index("".join(rows_due))
                rows_due.clear()
            tally.add(experiment)
        add_to_index("".join(rows_due) + ("\n" if tally.experiments else _NOTHING))
        part, checks, items = export_checks.write_check_files(
            folder, read_selected_checks(reader, selection)
        )
        add_to_index(part)
        index.write(text_block(index_text) + "\n")
        index.write(metadata_block(KIND_END, tally.end_record(checks, items), one_line=True))
    write_assets(folder / ASSETS_DIR, _asset_files(reader, tally.assets))
    return tally.experiments, tally.runs


# -- public entry points -------------------------------------------------------------------


def open_for_export(path: Path) -> Journal | ReadJournal:
    """The journal at `path` as `journal export` reads it: on the read layer (plain sqlite3,
    no ORM) when it is current and nothing in it is live; else opened as before the read
    layer, which upgrades an older journal and marks the runs of a writer that is gone, so
    the export says what any later export of that journal says."""
    try:
        reader = ReadJournal.open(path)
    except OlderJournalError:
        reader = None
    if reader is not None:
        live = reader.rows(f"SELECT 1 FROM run WHERE status IN {LIVE_STATUSES_SQL} LIMIT 1", {})
        if not live:
            return reader
        reader.close()
    from journal.core.storage import Journal

    return Journal.open_for_reading(path)


@contextmanager
def _reading(journal: Journal | ReadJournal) -> Iterator[RawReader]:
    """One read transaction (one snapshot) on the journal: a ReadJournal's plain sqlite3
    connection (`journal export`: no ORM), or a Journal's session's own connection."""
    if isinstance(journal, ReadJournal):
        with journal.snapshot() as connection:
            reader = RawReader(connection)
            try:
                yield reader
            finally:
                reader.close()
    else:
        with journal.read() as session:
            yield RawReader.of_session(session)


def require_experiment(journal: Journal | ReadJournal, experiment_id: int) -> None:
    """NotFoundError unless the journal holds experiment `experiment_id` (in the trash or
    not, as queries.get_experiment finds it): `journal export --experiment 42` says so
    rather than writing an export of nothing."""
    with _reading(journal) as reader:
        found = reader.rows("SELECT 1 FROM experiment WHERE id = :id", {"id": experiment_id})
    if not found:
        raise NotFoundError(f"There is no experiment {experiment_id}.")


def export_to_path(
    journal: Journal | ReadJournal,
    target: Path | str,
    *,
    layout: Layout = Layout.FILE,
    selection: ExportSelection | None = None,
    force: bool = False,
    exported_at: datetime | None = None,
    page_size: int | None = None,
    workers: int | None = None,
) -> ExportResult:
    """Write the export to `target` (a file, or a folder for Layout.FOLDER), atomically.

    An existing target is replaced only with `force`, and then only what an earlier export
    wrote (see export_target); on any failure nothing at `target` has changed. A big export
    is rendered on `workers` processes (export_parallel.worker_count by default).
    """
    target = Path(target).expanduser()
    selection = selection or ExportSelection()
    workers = worker_count() if workers is None else workers
    page_size = page_size or page_size_for(workers)
    check_target(target, layout, force=force, journal_path=journal.path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with _reading(journal) as reader:
            pages = iter_pages(reader, selection, page_size=page_size)
            if layout is Layout.FILE:
                assets: dict[str, str] = {}
                # Closed on failure too: no worker outlives the export.
                rendered = render_pages(pages, render_for_file, workers=workers)
                with closing(rendered):
                    experiments, runs = write_file_atomically(
                        target,
                        lambda out: write_single_file(
                            rendered,
                            out.write,
                            selection=selection,
                            exported_at=exported_at,
                            assets=assets,
                            overview=overview_table(*read_overview(reader, selection)),
                            checks=read_selected_checks(reader, selection),
                        ),
                        force=force,
                        journal_path=journal.path,
                        assets=lambda: _asset_files(reader, assets),
                    )
                size = target.stat().st_size
            else:
                (experiments, runs), size = write_folder_atomically(
                    target,
                    lambda folder: _write_folder_contents(
                        folder,
                        pages,
                        workers=workers,
                        selection=selection,
                        exported_at=exported_at,
                        reader=reader,
                    ),
                    force=force,
                )
    except OSError as exc:
        raise ExportError(
            f"Cannot write the export to {target}: {exc.strerror or exc}. "
            "Nothing there was changed."
        ) from exc
    return ExportResult(target, layout, experiments, runs, size)


def export_to_stream(
    journal: Journal | ReadJournal,
    out: TextIO,
    *,
    selection: ExportSelection | None = None,
    exported_at: datetime | None = None,
    page_size: int | None = None,
    workers: int | None = None,
) -> ExportResult:
    """Write the one-file export to `out` (standard output, say) as it is read. Images need
    files beside the export: a selection that shows any is refused before a byte is written."""
    selection = selection or ExportSelection()
    workers = worker_count() if workers is None else workers
    page_size = page_size or page_size_for(workers)
    with _reading(journal) as reader:
        if selection_has_images(reader, selection):
            raise ExportError(
                "These experiments show images, which standard output cannot carry (they are "
                "files beside the export); export to a file or folder instead, such as "
                "`journal export -o notebook.md`. Nothing was written."
            )
        pages = iter_pages(reader, selection, page_size=page_size)
        with closing(render_pages(pages, render_for_file, workers=workers)) as rendered:
            experiments, runs = write_single_file(
                rendered,
                out.write,
                selection=selection,
                exported_at=exported_at,
                overview=overview_table(*read_overview(reader, selection)),
                checks=read_selected_checks(reader, selection),
            )
    return ExportResult(None, Layout.FILE, experiments, runs, None)


def preview_markdown(
    journal: Journal | ReadJournal,
    selection: ExportSelection,
    *,
    experiments: int = PREVIEW_EXPERIMENTS,
    max_chars: int = PREVIEW_CHARS,
) -> str:
    """The readable part of the first `experiments` of an export (metadata left out)."""
    pieces: list[str] = []
    length = 0

    def collect(piece: str) -> None:
        nonlocal length
        if length < max_chars:
            pieces.append(piece[: max_chars - length])
            length += len(pieces[-1])

    with _reading(journal) as reader:
        entries = iter_entries(reader, selection, page_size=experiments)
        first = (entry for _, entry in zip(range(experiments), entries, strict=False))
        rendered = (render_for_file(entry, metadata=False) for entry in first)
        write_single_file(rendered, collect, selection=selection, metadata=False)
    shown = "".join(pieces)
    if length >= max_chars:
        shown = shown.rsplit("\n", 1)[0] + "\n\n*… (the preview stops here)*\n"
    return shown


__all__ = [
    "ExportResult",
    "Layout",
    "Rendered",
    "check_target",
    "export_to_path",
    "export_to_stream",
    "open_for_export",
    "preview_markdown",
    "render_experiment",
    "render_for_file",
    "render_for_folder",
    "require_experiment",
    "write_single_file",
]
