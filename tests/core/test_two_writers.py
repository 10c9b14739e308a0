"""Two processes writing one journal at once lose nothing (WAL + immediate transactions)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from journal.core.queries import count_experiments, list_experiments
from journal.core.storage import Journal

WRITER = """
import sys, time
from pathlib import Path
from journal.core.storage import Journal
from journal.core.queries import create_experiment, set_verdict
from journal.core.models import Run, Verdict
path, name, go = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
journal = Journal.open(path)
print("ready", flush=True)
while not go.exists():
    time.sleep(0.001)
for n in range(150):
    with journal.write() as session:
        e = create_experiment(session, title=f"{name}-{n}", tags=[name])
        run = Run(experiment_id=e.id, model=name, response="x" * 200)
        session.add(run)
        session.flush()
        set_verdict(session, run.id, Verdict.WORKED, "fine")
journal.close()
"""


def test_two_processes_write_concurrently_without_loss(db_path: Path, tmp_path: Path) -> None:
    Journal.open(db_path).close()
    go = tmp_path / "go"
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db_path), name, str(go)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for name in ("alpha", "beta")
    ]
    for writer in writers:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "ready"
    go.touch()
    for writer in writers:
        assert writer.wait(timeout=60) == 0
        assert writer.stdout is not None
        writer.stdout.close()
    with Journal.open(db_path) as journal, journal.read() as session:
        from journal.core.domain import ExperimentFilter

        assert count_experiments(session) == 300
        for name in ("alpha", "beta"):
            rows = list_experiments(session, ExperimentFilter(tag=name), limit=500)
            assert sorted(row.title for row in rows) == sorted(f"{name}-{n}" for n in range(150))
            assert all(row.last_verdict == "worked" for row in rows)
