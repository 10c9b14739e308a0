"""A journal holding everything `journal show` shows, with fixed ids, uuids and times, so
what `show` prints for it can be recorded once and compared byte for byte.

Experiment 1 has every kind of run (statuses, verdicts, options, formats, templates,
thinking, images, replays, based-on, hosts, a conversation with branches, repeats, a run
left streaming by a dead writer), expectations of every family with grades (stale ones,
history), an input row's expectations and a weighted rule. Experiment 2 is in the trash;
experiment 3 holds one plain run and no expectations.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from journal.core.domain import RunStatus, Verdict
from journal.core.expectations import parse_expectation
from journal.core.grades import (
    add_expectation,
    list_expectations,
    record_grade,
    row_expectations,
    set_combine_rule,
    update_expectation,
)
from journal.core.grading import CombineRule, GradeResult, GradeStatus
from journal.core.images import add_image, user_message
from journal.core.input_rows import RowInput
from journal.core.input_sets import add_row
from journal.core.models import InputRow, Run
from journal.core.queries import create_experiment
from journal.core.storage import Journal
from tests.image_bytes import jpeg, png

SHOWN_IDS = (1, 2, 3, 999)
T0 = datetime(2026, 3, 4, 5, 6, 7, 123456, tzinfo=UTC)
T_ROUND = datetime(2026, 3, 4, 5, 7, 0, tzinfo=UTC)


def _run(experiment_id: int, prompt: str, **fields: object) -> Run:
    base: dict[str, object] = {
        "experiment_id": experiment_id,
        "model": "llama3:8b",
        "messages": [{"role": "user", "content": prompt}],
        "response": f"answer to {prompt}",
        "status": RunStatus.DONE,
        "created_at": T0,
        "started_at": T0,
        "finished_at": T_ROUND,
    }
    base.update(fields)
    return Run(**base)  # type: ignore[arg-type]


def build_show_journal(db_path: Path) -> None:
    """Write the journal described above at `db_path` (a new file)."""
    red = png(3, 2)
    blue = jpeg(5, 4)
    with Journal.open(db_path) as journal, journal.write() as session:
        first = create_experiment(
            session,
            title="Rivers and capitals",
            hypothesis="small models know capitals",
            tags=["geo", "capitals"],
        )
        first.expected = "Paris"
        first.conclusion = "mostly"
        assert first.id == 1
        trashed = create_experiment(session, title="Thrown away")
        assert trashed.id == 2
        plain = create_experiment(session, title="")
        assert plain.id == 3
        session.add(first)
        session.flush()
        add_row(session, 1, RowInput({"city": "Paris"}, ("contains:Par", "words<=3")))
        session.flush()
        for line in ("contains:Paris", "judge:names a capital", "similar(0.8):Paris is it"):
            add_expectation(session, 1, parse_expectation(line))
        add_expectation(session, 1, parse_expectation("words<=5"))
        set_combine_rule(session, 1, CombineRule(0.5))
        for image in (red, blue):
            add_image(session, image, "image.png")
        from hashlib import sha256

        red_sha, blue_sha = sha256(red).hexdigest(), sha256(blue).hexdigest()
        runs = [
            # 1: done, judged with a why, every stat, options, system, thinking, host, digest
            _run(
                1,
                "Capital of France?",
                system_prompt="Answer briefly.",
                thinking="France... Paris.",
                response="Paris.",
                model_digest="sha256:" + "ab" * 32,
                options={"temperature": 0.2, "seed": 1, "stop": ["END"]},
                host="http://gpu-a:11434",
                verdict=Verdict.WORKED,
                verdict_note="short and right",
                eval_count=12,
                eval_duration=400_000_000,
                prompt_eval_count=7,
                load_duration=1_200_000_000,
                total_duration=1_800_000_000,
                first_token_seconds=0.21,
                wall_seconds=1.4,
                done_reason="stop",
                final_chunk={"done": True},
                model_details={"family": "llama"},
                ollama_version="0.9.0",
                keep_alive="5m",
                think=True,
            ),
            # 2: same request, other seed: a repeat of run 1
            _run(
                1,
                "Capital of France?",
                system_prompt="Answer briefly.",
                response="Lyon.",
                options={"temperature": 0.2, "seed": 2, "stop": ["END"]},
                think=True,
                verdict=Verdict.FAILED,
            ),
            # 3: format json, valid
            _run(1, "Give JSON", format="json", response='{"city": "Paris"}'),
            # 4: schema, failing
            _run(
                1,
                "Give a city object",
                format={"type": "object", "required": ["city"]},
                response='{"town": "Paris"}',
                verdict=Verdict.PARTLY,
            ),
            # 5: schema that cannot be checked: unsure
            _run(1, "Unsure", format={"$ref": "#/definitions/missing"}, response="{}"),
            # 6: schema asked, answer not JSON
            _run(1, "Not JSON", format={"type": "object"}, response="Paris"),
            # 7: failed
            _run(1, "Fails", status=RunStatus.FAILED, error="model not found", response=""),
            # 8: cancelled, partial answer
            _run(1, "Stopped", status=RunStatus.CANCELLED, error="stopped", response="Par"),
            # 9: left streaming by a writer that is gone
            _run(
                1,
                "Streaming",
                status=RunStatus.STREAMING,
                response="Pa",
                owner="elsewhere.invalid:4242",
                heartbeat_at=T0,
                finished_at=None,
            ),
            # 10: a template with values, from the input row
            _run(
                1,
                "Capital of Paris?",
                template={"prompt": "Capital of {{city}}?", "values": {"city": "Paris"}},
                input_row_id=1,
            ),
            # 11: a template with a system template and no values
            _run(
                1,
                "Plain",
                system_prompt="Be terse.",
                template={"prompt": "Plain", "system": "Be terse.", "values": {}},
            ),
            # 12: shows two images
            _run(
                1,
                "What colours?",
                model="llava:7b",
                messages=[user_message("What colours?", [blue_sha, red_sha])],
                response="blue and red",
            ),
            # 13: a run that will go to the trash on its own
            _run(1, "Trashed run"),
            # 14: replays run 1; 15: replays trashed run 13; 16: replays a deleted run
            _run(1, "Capital of France?", replay_of_id=1, model="qwen3:0.6b"),
            _run(1, "Trashed run", replay_of_id=13, model="qwen3:0.6b"),
            _run(
                1,
                "Gone",
                replay_info={"original_deleted": {"run": 77, "deleted_at": "2026-01-02T03:04:05"}},
            ),
            # 17: based on run 1
            _run(1, "Capital of France?", based_on_id=1, options={"temperature": 1.0}),
            # 18: a conversation root; 19, 20: two branches from it; 21 follows 19
            _run(1, "Hello"),
            _run(1, "Go on", parent_id=18),
            _run(1, "Go elsewhere", parent_id=18),
            _run(1, "And then?", parent_id=19, verdict=Verdict.WORKED),
            # 22: pending, unrated, no stats
            _run(
                1,
                "Waiting",
                status=RunStatus.PENDING,
                response="",
                finished_at=None,
                heartbeat_at=T_ROUND,
            ),
        ]
        for run in runs:
            session.add(run)
            session.flush()
        session.add(_run(3, "Alone", model="mistral:7b"))
        session.add(_run(2, "In the trash"))
        session.flush()
        from sqlalchemy import text

        session.execute(
            text("INSERT INTO run_image (run_id, sha256) VALUES (12, :a), (12, :b)"),
            {"a": red_sha, "b": blue_sha},
        )
        saved = list_expectations(session, 1)
        row = session.get(InputRow, 1)
        assert row is not None
        row_saved = row_expectations(row)
        passing = GradeResult(GradeStatus.PASS, "contains 'Paris'", 1.0)
        failing = GradeResult(GradeStatus.FAIL, "missing 'Paris'\nsecond line", 0.0)
        judged = GradeResult(
            GradeStatus.PASS, "names Paris", 0.9, {"model": "judge:1b", "reply": "yes"}
        )
        unsure = GradeResult(GradeStatus.UNSURE, "could not tell", None)
        error = GradeResult(GradeStatus.ERROR, "judge failed", None)
        for run_id, results in (
            (1, [passing, judged, unsure, passing]),
            (2, [failing, judged, error, failing]),
            (3, [failing]),
            (14, [passing, judged, passing, passing]),
            (21, [passing, judged, passing, passing]),
        ):
            for expectation, result in zip(saved, results, strict=False):
                record_grade(session, run_id, expectation, result)
        record_grade(session, 10, row_saved[0], passing)
        record_grade(session, 10, saved[0], failing)
        record_grade(session, 10, saved[0], passing)  # a re-grade: the first is history
        # An edited expectation: the grades made against the old text are stale.
        update_expectation(session, saved[3].id, parse_expectation("words<=6"))
        session.flush()
        for statement in (
            "UPDATE run SET trashed_at = '2026-03-05T00:00:00.000000+00:00' WHERE id = 13",
            "UPDATE experiment SET trashed_at = '2026-03-05T00:00:00.000000+00:00' WHERE id = 2",
            "UPDATE experiment SET uuid = 'e-' || id, "
            "created_at = '2026-03-04T05:06:07.000000+00:00', "
            "updated_at = '2026-03-04T05:06:08.500000+00:00'",
            "UPDATE run SET uuid = 'r-' || id",
            "UPDATE expectation SET uuid = 'x-' || id, "
            "created_at = '2026-03-04T05:06:09.000001+00:00', "
            "updated_at = '2026-03-04T05:06:10.000000+00:00'",
            "UPDATE input_row SET uuid = 'row1', "
            "created_at = '2026-03-04T05:06:09.000001+00:00', "
            "updated_at = '2026-03-04T05:06:10.000000+00:00'",
            "UPDATE grade SET uuid = 'g-' || id, created_at = '2026-03-04T06:00:00.000000+00:00',"
            " expectation_uuid = CASE WHEN expectation_uuid LIKE 'row:%' "
            "THEN 'row:row1:1' ELSE 'x-' || expectation_id END",
            "UPDATE experiment_grading SET updated_at = '2026-03-04T05:06:10.000000+00:00'",
        ):
            session.execute(text(statement))
