"""Which Ollama hosts the journal would use, and what each says about itself (`journal hosts`).

The hosts are asked all at once, each with a short timeout: a host that is down or hangs
costs its own timeout, never the others' time.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from journal.core.errors import OllamaError, OllamaTimeoutError, OllamaUnreachableError
from journal.core.host_limits import HostLimit, parse_host_limit
from journal.core.ollama_service import (
    METADATA_TIMEOUT,
    ModelInfo,
    OllamaService,
    import_ollama,
)
from journal.core.settings import SettingsFile, choose_host

__all__ = [
    "HostReport",
    "HostState",
    "choose_host_limits",
    "choose_hosts",
    "hosts_led_by",
    "probe_hosts",
]

PROBE_TIMEOUT = 3.0
"""Seconds to connect, and to wait for each answer: /api/version and /api/tags answer at
once on a live server, even while it loads a model."""


class HostState(StrEnum):
    UP = "up"
    UNREACHABLE = "unreachable"
    """Nothing answered: refused, no route, or no answer within the timeout."""
    ERROR = "error"
    """Something answered, but not as Ollama does (an HTTP error, not JSON, a proxy)."""


@dataclass(frozen=True)
class HostReport:
    """One host as it answered just now; `reason` says why it is not up."""

    address: str
    state: HostState
    reason: str = ""
    version: str = ""
    models: tuple[ModelInfo, ...] = ()

    def record(self) -> dict[str, Any]:
        """The report as `journal hosts --json` prints it."""
        return {
            "address": self.address,
            "state": self.state.value,
            "reason": self.reason or None,
            "version": self.version or None,
            "models": [
                {"name": m.name, "digest": m.digest, "short_digest": m.short_digest}
                for m in self.models
            ],
        }


def choose_hosts(explicit: Sequence[str] = (), *, source: str = "--host") -> list[str]:
    """The addresses of `choose_host_limits`, first one first."""
    return [host.address for host in choose_host_limits(explicit, source=source)]


def choose_host_limits(explicit: Sequence[str] = (), *, source: str = "--host") -> list[HostLimit]:
    """The hosts a command spreading work would use, first one first, with their limits.

    Each `explicit` host (--host, given several times, `URL` or `URL,limit=N`) when there is
    one; else the first host by the one rule of `settings.choose_host` (OLLAMA_HOST, else
    the settings' first, else the default) followed by the rest of the settings'
    `ollama.hosts`, with the limits saved there. OLLAMA_HOST stays one address, as other
    Ollama tools read it. An address given twice counts once (the first one given).
    """
    if explicit:
        return _once_each([parse_host_limit(text, source=source) for text in explicit])
    saved = SettingsFile().load().host_limits
    first = choose_host(None, saved_hosts=[host.address for host in saved]).host
    return hosts_led_by(first, saved)


def hosts_led_by(first: str, saved: Sequence[HostLimit]) -> list[HostLimit]:
    """`first` (the host a program talks to: the window's, after --host and OLLAMA_HOST),
    with the limit the settings give it, then the settings' other hosts."""
    limits = {host.address: host.limit for host in saved}
    return _once_each([HostLimit(first, limits.get(first, 1)), *saved])


def _once_each(chosen: Sequence[HostLimit]) -> list[HostLimit]:
    unique: dict[str, HostLimit] = {}
    for host in chosen:
        unique.setdefault(host.address, host)
    return list(unique.values())


def probe_hosts(hosts: Sequence[str], *, timeout: float = PROBE_TIMEOUT) -> list[HostReport]:
    """Ask every host for its version and models, in parallel; reports in the order given."""
    if not hosts:
        return []
    import_ollama()  # once, before the threads that use it
    with ThreadPoolExecutor(max_workers=len(hosts), thread_name_prefix="probe-host") as pool:
        return list(pool.map(lambda host: probe_host(host, timeout=timeout), hosts))


def probe_host(host: str, *, timeout: float = PROBE_TIMEOUT) -> HostReport:
    """One host's report; what goes wrong is the report's state and reason, never raised."""
    service = OllamaService(host, connect_timeout=timeout, read_timeout=timeout)
    try:
        version = service.version()
        models = service.list_models()
    except OllamaUnreachableError as error:
        return HostReport(host, HostState.UNREACHABLE, error.detail or "cannot connect")
    except OllamaTimeoutError as error:
        # The service waits for a version or a list no longer than METADATA_TIMEOUT.
        waited = timeout if error.phase == "connect" else min(timeout, METADATA_TIMEOUT)
        reason = f"no answer within {waited:g} s ({error.phase} timeout)"
        return HostReport(host, HostState.UNREACHABLE, reason)
    except OllamaError as error:
        return HostReport(host, HostState.ERROR, error.message)
    return HostReport(host, HostState.UP, version=version, models=tuple(models))
