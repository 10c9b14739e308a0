"""Shared fixtures: every test gets its own journal file and never touches real user data."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Must be set before Qt is imported anywhere: with no display, Qt would abort the run.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Captured before the autouse fixture hides them: only `ollama`-marked tests may use them.
REAL_OLLAMA_HOST = os.environ.get("OLLAMA_HOST", "")
REAL_TEST_MODEL = os.environ.get("JOURNAL_TEST_MODEL", "")
REAL_TEST_MODEL2 = os.environ.get("JOURNAL_TEST_MODEL2", "")

from journal.core.storage import Journal  # noqa: E402
from tests.fake_ollama import FakeOllama, fake_ollama  # noqa: E402

# Nothing listens on the discard port on loopback: a test that forgets to pass a host
# gets a clear "unreachable" instead of talking to someone's real Ollama.
UNREACHABLE_HOST = "http://127.0.0.1:9"


@pytest.fixture(autouse=True)
def _isolated_user_data(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.delenv("JOURNAL_DB", raising=False)
    monkeypatch.setenv("OLLAMA_HOST", UNREACHABLE_HOST)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "journal.sqlite"


@pytest.fixture
def journal(db_path: Path) -> Iterator[Journal]:
    with Journal.open(db_path) as opened:
        yield opened


@pytest.fixture
def experiment_id(journal: Journal) -> int:
    """An empty experiment in the test's journal, for runs to belong to."""
    from journal.core.queries import create_experiment

    with journal.write() as session:
        experiment = create_experiment(session, title="test experiment")
        assert experiment.id is not None
        return experiment.id


@pytest.fixture
def real_ollama() -> str:
    """The host of a real Ollama server, or skip: see the README's real-Ollama section.

    With JOURNAL_REQUIRE_OLLAMA=1 (as CI sets it) a missing server fails instead.
    """
    give_up = pytest.fail if os.environ.get("JOURNAL_REQUIRE_OLLAMA") == "1" else pytest.skip
    if not REAL_OLLAMA_HOST or not REAL_TEST_MODEL:
        give_up("set OLLAMA_HOST and JOURNAL_TEST_MODEL to run against a real Ollama")
    import httpx

    from journal.core.paths import resolve_ollama_host

    host = resolve_ollama_host(REAL_OLLAMA_HOST)
    try:
        httpx.get(f"{host}/api/version", timeout=3).raise_for_status()
    except httpx.HTTPError as exc:
        give_up(f"no Ollama answers at {host}: {exc}")
    return host


@pytest.fixture
def real_model(real_ollama: str) -> str:
    return REAL_TEST_MODEL


@pytest.fixture
def real_model2(real_ollama: str) -> str:
    """A second model on the same server, with other weights or another digest than
    `real_model` (scripts/ollama-test-server prints it as JOURNAL_TEST_MODEL2), or skip.

    With JOURNAL_REQUIRE_OLLAMA=1 (as CI sets it) a missing name fails instead.
    """
    if not REAL_TEST_MODEL2:
        give_up = pytest.fail if os.environ.get("JOURNAL_REQUIRE_OLLAMA") == "1" else pytest.skip
        give_up("set JOURNAL_TEST_MODEL2 to run the tests that need a second real model")
    return REAL_TEST_MODEL2


__all__ = ["FakeOllama", "fake_ollama"]
