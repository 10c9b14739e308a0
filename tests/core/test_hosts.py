"""Which hosts the journal would use (the one host rule, extended to a list), and probing
them in parallel: a host that hangs is reported, and holds up no other."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from journal.core.host_limits import HostLimit
from journal.core.hosts import HostState, choose_hosts, hosts_led_by, probe_hosts
from journal.core.settings import SettingsFile
from tests.conftest import UNREACHABLE_HOST
from tests.fake_ollama import FakeOllama


@pytest.fixture
def saved_hosts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("JOURNAL_CONFIG", str(tmp_path / "settings.toml"))
    hosts = ["http://gpu-box:11434", "http://laptop:11434"]
    SettingsFile().update({"ollama.hosts": hosts})
    return hosts


def test_given_hosts_are_used_as_given_once_each() -> None:
    assert choose_hosts(["gpu-box", "http://laptop:8080/", "gpu-box:11434"]) == [
        "http://gpu-box:11434",
        "http://laptop:8080",
    ]


def test_ollama_host_comes_first_then_the_saved_hosts(
    saved_hosts: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OLLAMA_HOST", "laptop")
    assert choose_hosts() == ["http://laptop:11434", "http://gpu-box:11434"]
    monkeypatch.setenv("OLLAMA_HOST", "other:1234")
    assert choose_hosts() == ["http://other:1234", *saved_hosts]


def test_without_ollama_host_the_saved_hosts_or_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OLLAMA_HOST")
    monkeypatch.setenv("JOURNAL_CONFIG", str(tmp_path / "settings.toml"))
    assert choose_hosts() == ["http://127.0.0.1:11434"]
    SettingsFile().update({"ollama.hosts": ["http://gpu-box:11434", "http://laptop:11434"]})
    assert choose_hosts() == ["http://gpu-box:11434", "http://laptop:11434"]


def test_the_windows_host_leads_with_its_saved_limit_then_the_others() -> None:
    saved = [HostLimit("http://a:11434"), HostLimit("http://gpu:11434", 2)]
    assert hosts_led_by("http://gpu:11434", saved) == [saved[1], saved[0]]
    assert hosts_led_by("http://b:11434", saved) == [HostLimit("http://b:11434"), *saved]
    assert hosts_led_by("http://b:11434", []) == [HostLimit("http://b:11434")]


def test_each_host_reports_its_version_and_models(fake_ollama: FakeOllama) -> None:
    up, down = probe_hosts([fake_ollama.url, UNREACHABLE_HOST])
    assert up.state is HostState.UP and up.reason == ""
    assert up.version == fake_ollama.version
    assert [m.name for m in up.models] == ["llama3:8b", "qwen3:0.6b"]
    assert all(len(m.short_digest) == 12 for m in up.models)
    assert down.state is HostState.UNREACHABLE
    assert down.reason == "Connection refused"
    assert down.address == UNREACHABLE_HOST


@pytest.fixture
def hanging_host(fake_ollama: FakeOllama) -> Iterator[str]:
    """A host that accepts connections and answers nothing until `fake_ollama` has been
    asked for its version and models, then hangs up. Probed one after the other, with it
    first, it would wait in vain and time out; probed in parallel, it hangs up at once."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(60)
    done = threading.Event()

    def serve() -> None:
        try:
            connection, _ = listener.accept()
        except OSError:
            return  # never asked: the test fails on its own
        try:
            fake_ollama.wait_for_requests(2, timeout=60)
        except TimeoutError:
            done.wait()  # never answer: the probe times out
        connection.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        done.set()
        listener.close()
        thread.join()


def test_a_hanging_host_holds_up_no_other(fake_ollama: FakeOllama, hanging_host: str) -> None:
    hanging, up = probe_hosts([hanging_host, fake_ollama.url], timeout=30)
    assert up.state is HostState.UP
    # It hung up after the other host answered, not at its timeout: they were asked at once.
    assert hanging.state is HostState.ERROR, hanging.reason
    assert "closed the connection" in hanging.reason


def test_a_host_that_never_answers_is_unreachable_after_the_timeout() -> None:
    listener = socket.create_server(("127.0.0.1", 0))  # accepts, never answers
    try:
        (report,) = probe_hosts([f"http://127.0.0.1:{listener.getsockname()[1]}"], timeout=0.5)
    finally:
        listener.close()
    assert report.state is HostState.UNREACHABLE
    assert report.reason == "no answer within 0.5 s (read timeout)"
