"""A migration check that grades itself: what grading adds to each item, and a judge's time.

Against the fake server in its own process (in-process, it would share our GIL). Goal
(issue 11): with only deterministic expectations, grading adds under 2 ms to an item. It is
timed around the checker's grading step (the grades stored, the item's standing read back
for a listener, as `journal check` listens), next to the whole item (the replay included)
with and without expectations, and the check's view with every item graded.

A judge's wall time per item is shown next to the model's own answer time (the replay's
wall time), both against the fake, whose answers take `CHUNK_DELAY` per chunk.
"""

from __future__ import annotations

import tempfile
import time
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from benchmarks.figures import emit, note, percentile
from benchmarks.server_process import fake_server

TARGET = "newmodel:1b"
JUDGE = "judge:1b"
CHUNK_DELAY = 0.002
DETERMINISTIC = (
    "contains:GOOD",
    "not-contains:As an AI",
    r"regex:\bGOOD\b",
    "words<=300",
    "done-reason:stop",
)

SERVE = f"""
import json, sys
from tests.fake_ollama import FakeModel, FakeOllama, default_models

def answer(messages, options):
    prompt = [m for m in messages if m.get("role") == "user"][-1]["content"]
    return "GOOD answer to " + prompt + ". " + "It flows through many countries. " * 8

def verdict(messages, options):
    return json.dumps({{"pass": True, "score": 0.9, "reason": "it answers the question"}})

fake = FakeOllama(default_models())
fake.add_model(FakeModel({TARGET!r}, family="new", reply=answer))
fake.add_model(FakeModel({JUDGE!r}, reply=verdict))
fake.chunk_delay = float(sys.argv[1])
fake.start()
print(fake.url, flush=True)
sys.stdin.read()
fake.stop()
"""


def _server(chunk_delay: float) -> AbstractContextManager[str]:
    return fake_server(SERVE, str(chunk_delay))


def _seed(path: Path, items: int, lines: tuple[str, ...]) -> list[int]:
    """One experiment per item with `lines` as its expectations and a past run that worked."""
    from journal.core.expectations import parse_expectation
    from journal.core.grades import add_expectation
    from journal.core.models import Run, RunStatus, Verdict
    from journal.core.queries import create_experiment
    from journal.core.storage import Journal

    sources = []
    with Journal.open(path) as journal, journal.write() as session:
        for number in range(items):
            experiment = create_experiment(session, title=f"question {number}").id or 0
            for line in lines:
                add_expectation(session, experiment, parse_expectation(line))
            run = Run(
                experiment_id=experiment,
                model="llama3:8b",
                messages=[{"role": "user", "content": f"Which rivers, take {number}?"}],
                options={"seed": number, "temperature": 0.2},
                response="old answer",
                status=RunStatus.DONE,
                verdict=Verdict.WORKED,
            )
            session.add(run)
            session.flush()
            sources.append(run.id or 0)
    return sources


class _Timed:
    """The checker's grading step, timed around each call."""

    def __init__(self, checker: Any) -> None:
        self.samples: list[float] = []
        self._grade = checker._grade
        checker._grade = self

    def __call__(self, *args: Any) -> None:
        started = time.perf_counter()
        self._grade(*args)
        self.samples.append((time.perf_counter() - started) * 1000)


def _check(url: str, path: Path, sources: list[int], *, listen: bool) -> dict[str, Any]:
    """Run one check over `sources`; what it took, item by item."""
    from journal.core.migration_check import CheckEvents, MigrationChecker, get_check
    from journal.core.models import Run
    from journal.core.ollama_service import OllamaService
    from journal.core.storage import Journal

    item_ms: list[float] = []
    last = [0.0]

    def progress(position: int, total: int, run: Run) -> None:
        now = time.perf_counter()
        item_ms.append((now - last[0]) * 1000)
        last[0] = now

    events = CheckEvents(graded=(lambda position, run_id, triage: None) if listen else None)
    with (
        Journal.open(path) as journal,
        MigrationChecker(journal, OllamaService(url), judge_model=JUDGE) as checker,
    ):
        timed = _Timed(checker)
        check_id = checker.create(TARGET, run_ids=sources)
        started = last[0] = time.perf_counter()
        checker.run(check_id, progress=progress, events=events)
        replays = time.perf_counter() - started
        checker.wait_grades()
        graded = time.perf_counter() - started
        with journal.read() as session:
            view_started = time.perf_counter()
            view = get_check(session, check_id)
            view_ms = (time.perf_counter() - view_started) * 1000
    return {
        "grading_ms": timed.samples,
        "item_ms": item_ms[1:],  # the first includes the model's identity check
        "replays_s": replays,
        "graded_s": graded,
        "view_ms": view_ms,
        "line": view.summary.line(),
        "check_id": check_id,
    }


def _judge_times(url: str, path: Path, check_id: int) -> tuple[list[float], list[float]]:
    """(the judge's wall time, the model's own answer time) per item, in ms: the judge asked
    again, on its own, for each replay of the check."""
    from journal.core.expectations import parse_expectation
    from journal.core.grading_queue import grade_one
    from journal.core.migration_check import check_items
    from journal.core.ollama_service import OllamaService
    from journal.core.queries import get_run
    from journal.core.storage import Journal

    service = OllamaService(url)
    expectation = parse_expectation("judge:answers the question")
    with Journal.open(path) as journal, journal.read() as session:
        replays = [
            get_run(session, item.new_run_id)
            for item in check_items(session, check_id)
            if item.new_run_id is not None
        ]
    judged, answered = [], []
    for run in replays:
        assert run.wall_seconds is not None
        started = time.perf_counter()
        grade_one(expectation, run, service, judge_model=JUDGE)
        judged.append((time.perf_counter() - started) * 1000)
        answered.append(run.wall_seconds * 1000)
    return judged, answered


def run(quick: bool = False) -> None:
    items = 50 if quick else 200
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        bare = _seed(root / "bare.sqlite", items, ())
        graded = _seed(root / "graded.sqlite", items, DETERMINISTIC)
        with _server(0.0) as url:
            note(f"{items} items; {len(DETERMINISTIC)} deterministic expectations each")
            without = _check(url, root / "bare.sqlite", bare, listen=True)
            quiet = _check(url, root / "graded.sqlite", graded, listen=False)
            listened = _check(url, root / "graded.sqlite", graded, listen=True)
        note(listened["line"])
        emit("check_grading_added_per_item_p50", percentile(quiet["grading_ms"], 0.5), "ms")
        emit("check_grading_added_per_item_p95", percentile(quiet["grading_ms"], 0.95), "ms")
        emit(
            "check_grading_added_per_item_listened_p50",
            percentile(listened["grading_ms"], 0.5),
            "ms",
        )
        emit(
            "check_grading_added_per_item_listened_p95",
            percentile(listened["grading_ms"], 0.95),
            "ms",
        )
        emit("check_item_without_expectations_p50", percentile(without["item_ms"], 0.5), "ms")
        emit("check_item_with_expectations_p50", percentile(listened["item_ms"], 0.5), "ms")
        emit("check_view_all_graded", listened["view_ms"], "ms")
        emit("check_view_no_expectations", without["view_ms"], "ms")

        judged_items = 10 if quick else 40
        sources = _seed(root / "judged.sqlite", judged_items, ("judge:answers the question",))
        with _server(CHUNK_DELAY) as url:
            note(f"{judged_items} items with a judge; the fake answers {CHUNK_DELAY} s per chunk")
            with_judge = _check(url, root / "judged.sqlite", sources, listen=True)
            judge_ms, answer_ms = _judge_times(url, root / "judged.sqlite", with_judge["check_id"])
        note(with_judge["line"])
        emit("judge_wall_per_item_p50", percentile(judge_ms, 0.5), "ms")
        emit("model_answer_per_item_p50", percentile(answer_ms, 0.5), "ms")
        emit("check_with_judges_replays_done", with_judge["replays_s"], "s")
        emit("check_with_judges_all_graded", with_judge["graded_s"], "s")


if __name__ == "__main__":
    run()
