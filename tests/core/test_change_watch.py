"""The change watcher tells another program's commits from the journal's own."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from journal.core.change_watch import ChangeWatch
from journal.core.models import Run
from journal.core.queries import create_experiment, update_experiment
from journal.core.storage import Journal

WRITER = """
import sys
from journal.core.storage import Journal
from journal.core.queries import create_experiment
with Journal.open(sys.argv[1]) as journal, journal.write() as session:
    create_experiment(session, title="from another process")
"""


@pytest.fixture
def watch(journal: Journal) -> Iterator[ChangeWatch]:
    watcher = ChangeWatch(journal)
    yield watcher
    watcher.close()


def _add_experiment(journal: Journal, title: str = "x") -> int:
    with journal.write() as session:
        experiment = create_experiment(session, title=title)
        assert experiment.id is not None
        return experiment.id


def test_nothing_changed_is_no_news(watch: ChangeWatch) -> None:
    assert not watch.changed()
    assert not watch.changed()


def test_a_commit_by_another_journal_object_is_news_once(
    journal: Journal, watch: ChangeWatch, db_path: Path
) -> None:
    with Journal.open(db_path) as other:
        experiment_id = _add_experiment(other)
        assert watch.changed()
        assert not watch.changed()
        with other.write() as session:
            session.add(Run(experiment_id=experiment_id, model="m", response="hi"))
        assert watch.changed()


def test_a_commit_by_another_process_is_news(watch: ChangeWatch, db_path: Path) -> None:
    subprocess.run([sys.executable, "-c", WRITER, str(db_path)], check=True, timeout=120)
    assert watch.changed()


def test_own_commits_are_not_news(journal: Journal, watch: ChangeWatch) -> None:
    experiment_id = _add_experiment(journal)
    with journal.write() as session:
        update_experiment(session, experiment_id, title="renamed")
    with journal.write() as session:
        session.add(Run(experiment_id=experiment_id, model="m", response="hi"))
    assert not watch.changed()


def test_another_commit_just_before_an_own_one_is_still_news(
    journal: Journal, watch: ChangeWatch, db_path: Path
) -> None:
    with Journal.open(db_path) as other:
        _add_experiment(other, "theirs")
    _add_experiment(journal, "ours")  # no look in between: the one before COMMIT notices
    assert watch.changed()
    assert not watch.changed()


def test_a_look_while_an_own_write_commits_errs_towards_news(
    journal: Journal, watch: ChangeWatch
) -> None:
    """A look between our COMMIT and the watcher's own second look sees a change."""
    answers: list[bool] = []
    original = watch.after_commit

    def look_first() -> None:
        answers.append(watch.changed())
        original()

    watch.after_commit = look_first  # type: ignore[method-assign]
    _add_experiment(journal)
    assert answers == [True]
    assert not watch.changed()


def test_a_closed_watcher_says_nothing_and_hears_nothing(
    journal: Journal, watch: ChangeWatch, db_path: Path
) -> None:
    watch.close()
    _add_experiment(journal)  # no longer told: nothing fails
    with Journal.open(db_path) as other:
        _add_experiment(other)
    assert not watch.changed()


def test_a_watcher_that_cannot_look_never_fails_an_own_commit(
    journal: Journal, watch: ChangeWatch, db_path: Path
) -> None:
    connection = watch._connection
    assert connection is not None
    connection.close()  # every look now fails, as if SQLite could not answer
    _add_experiment(journal)  # the journal's own write still commits
    assert not watch.changed()
    with journal.read() as session:
        from journal.core.queries import count_experiments

        assert count_experiments(session) == 1


def test_a_missing_file_cannot_be_watched(db_path: Path, tmp_path: Path) -> None:
    from journal.core.errors import StorageError

    with Journal.open(db_path) as journal:
        journal.path = tmp_path / "gone" / "journal.sqlite"
        with pytest.raises(StorageError):
            ChangeWatch(journal)
