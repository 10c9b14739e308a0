"""Spreading a job's items over the Ollama hosts a person runs, each within its limit.

A migration check and a batch are both a list of items, each answered by one run of one
model. The dispatcher decides where each item runs and keeps the promises both make:

- An item for a model goes only to a host that has that model with the digest the job
  pinned when it started; a host with other weights under the same tag is named and
  skipped, never silently used.
- A host gets at most `limit` requests at once: the rest wait here, in the journal's queue,
  not in Ollama's (which would time them out and hide where the time goes).
- A host that dies mid-answer: the item's partial run stays (failed, by the recorder) and
  the item goes back to the queue for the other hosts, once; the host takes no more items
  in this pass, and the person is told. Items no live host can take are left for `resume`.

The dispatcher knows nothing about checks or batches: `execute` records and streams one
item on the host it is given, and says how it ended. Exactly once is the job's business
(it links each run to its item in the transaction that records the run).
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from journal.core.cancel import CancelToken
from journal.core.domain import RunStatus
from journal.core.errors import (
    InvalidInputError,
    ModelNotFoundError,
    OllamaError,
    OllamaTimeoutError,
    OllamaUnreachableError,
)
from journal.core.formatting import short_digest
from journal.core.host_limits import HostLimit, parse_host_limit
from journal.core.hosts import HostReport, HostState, probe_host, probe_hosts
from journal.core.models import Run
from journal.core.ollama_service import ModelInfo, OllamaService, normalise_model_name
from journal.core.runner import RunRecorder
from journal.core.storage import Journal

__all__ = [
    "DispatchEvents",
    "DispatchResult",
    "Dispatcher",
    "HostLimit",
    "NoHostLeftError",
    "Station",
    "Survey",
    "Work",
    "find_pinned",
    "parse_host_limit",
    "pin_models",
]


@dataclass(frozen=True)
class Work:
    """One item to run: its id and place in its job, and the model it asks."""

    item_id: int
    position: int
    model: str


@dataclass(frozen=True)
class Station:
    """A host ready to take items: its service, its recorder and its server version."""

    address: str
    limit: int
    service: OllamaService
    recorder: RunRecorder
    version: str
    models: Mapping[str, ModelInfo]

    def model(self, name: str) -> ModelInfo | None:
        return self.models.get(normalise_model_name(name))


@dataclass(frozen=True)
class Survey:
    """What the hosts offer at the start of a pass, against the digests the job pinned."""

    stations: tuple[Station, ...]
    serving: Mapping[str, tuple[str, ...]]
    """Model (normalised) -> addresses that have it with the pinned digest, in host order."""
    notes: tuple[str, ...]
    """One line per host skipped or down: "http://b:11434 has qwen3:8b as 1a2b3c4d5e6f, the
    batch started with 9f8e7d6c5b4a: skipped for it"."""
    reports: tuple[HostReport, ...] = ()
    pins: Mapping[str, str] = field(default_factory=dict)
    """Model (normalised) -> the digest the job started with."""

    def missing(self, models: Sequence[str]) -> list[str]:
        """The models no host up serves with the pinned digest."""
        return [name for name in models if not self.serving.get(normalise_model_name(name))]

    def capabilities(self, model: str) -> list[str]:
        """What the first host up that has `model` says it can do (/api/show), asked once
        per pass; empty (unknown) when no host has it or the host cannot say."""
        for station in self.stations:
            if station.model(model) is not None:
                try:
                    return list(station.service.show_model(model).capabilities)
                except OllamaError:
                    return []
        return []


@dataclass
class DispatchEvents:
    """Optional callbacks; they run in the thread that noticed."""

    host_down: Callable[[str, str], None] | None = None
    """(address, reason) once when a host stops answering; its items go back to the queue."""


@dataclass(frozen=True)
class DispatchResult:
    """What one pass did: how many runs ended (any status), and what it could not place."""

    ran: int
    left: tuple[Work, ...] = ()
    down: Mapping[str, str] = field(default_factory=dict)
    """Hosts that stopped answering during the pass -> why."""
    gone: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Model -> hosts it left (or changed weights on) during the pass."""
    up: tuple[str, ...] = ()
    """The hosts that were up when the pass began."""

    @property
    def down_lines(self) -> tuple[str, ...]:
        return tuple(f"{address} stopped answering: {why}" for address, why in self.down.items())

    def raise_for_left(self, pins: Mapping[str, str]) -> None:
        """When items are left, the error that says why, as a single host would: the hosts
        are unreachable, the model is gone, or (mixed) no host up can take them."""
        if not self.left:
            return
        if self.down and set(self.down) >= set(self.up):
            hosts = ", ".join(self.down)
            raise OllamaUnreachableError(hosts, "; ".join(dict.fromkeys(self.down.values())))
        models = {work.model for work in self.left}
        if len(models) == 1 and not self.down:
            model = next(iter(models))
            raise ModelNotFoundError(model, ", ".join(self.up) or "any host")
        raise NoHostLeftError(self.left_line(pins))

    def left_line(self, pins: Mapping[str, str]) -> str:
        """Why items are left: "3 items wait for a host with llama3.2:3b@1a2b3c4d5e6f"."""
        by_model: dict[str, int] = {}
        for work in self.left:
            by_model[work.model] = by_model.get(work.model, 0) + 1
        parts = []
        for model, count in by_model.items():
            digest = short_digest(pins.get(normalise_model_name(model), ""))
            shown = f"{model}@{digest}" if digest else model
            parts.append(f"{count} item{'s' if count != 1 else ''} for {shown}")
        return "No host up can take " + ", ".join(parts) + "; resume when one is back."


class NoHostLeftError(OllamaError):
    """Items are left that no host up can take (down, or without the model)."""


Execute = Callable[[Work, Station, CancelToken], Run | None]
"""Record and stream one item on the station; the run as it ended, or None when the item
has nothing to run any more (its source was deleted meanwhile)."""


class _Pass:
    """The shared state of one dispatch pass: the queue, what is in flight, who is down."""

    def __init__(self, work: Sequence[Work], survey: Survey) -> None:
        self.queue = sorted(work, key=lambda w: w.position)
        self.serving = {model: set(hosts) for model, hosts in survey.serving.items()}
        self.cv = threading.Condition()
        self.in_flight = 0
        self.ran = 0
        self.down: dict[str, str] = {}
        self.gone: dict[str, list[str]] = {}
        self.pins: Mapping[str, str] = survey.pins
        self.retried: set[int] = set()
        self.error: BaseException | None = None

    def take(self, address: str, stop: Callable[[], bool]) -> Work | None:
        """The first queued item this host may run, waiting while items in flight elsewhere
        could still come back; None when there is nothing more for it."""
        with self.cv:
            while True:
                if stop() or self.error is not None or address in self.down:
                    return None
                for index, work in enumerate(self.queue):
                    if address in self.serving.get(normalise_model_name(work.model), ()):
                        del self.queue[index]
                        self.in_flight += 1
                        return work
                if self.in_flight == 0:
                    return None
                self.cv.wait()

    def done(self, work: Work, *, ran: bool, back: bool) -> None:
        with self.cv:
            self.in_flight -= 1
            self.ran += ran
            if back:
                keys = [w.position for w in self.queue]
                self.queue.insert(bisect.bisect(keys, work.position), work)
            self.cv.notify_all()

    def wake(self) -> None:
        with self.cv:
            self.cv.notify_all()


class Dispatcher:
    """Runs items across hosts; one instance per job pass (its stations are surveyed)."""

    def __init__(
        self,
        journal: Journal,
        hosts: Sequence[HostLimit],
        *,
        recorder_for: Callable[[OllamaService], RunRecorder] | None = None,
        probe_timeout: float | None = None,
    ) -> None:
        if not hosts:
            raise InvalidInputError("Name at least one Ollama host.")
        self.journal = journal
        self.hosts = list(dict((h.address, h) for h in hosts).values())
        self.recorder_for = recorder_for or (lambda service: RunRecorder(journal, service))
        self.probe_timeout = probe_timeout

    # -- before a pass ------------------------------------------------------------------

    def survey(self, pins: Mapping[str, str], *, job: str = "the batch") -> Survey:
        """Ask every host (in parallel) for its version and models, and match them against
        `pins` (model name -> digest the job started with; "" pins nothing)."""
        addresses = [host.address for host in self.hosts]
        kwargs = {} if self.probe_timeout is None else {"timeout": self.probe_timeout}
        reports = probe_hosts(addresses, **kwargs)
        stations: list[Station] = []
        notes: list[str] = []
        serving: dict[str, list[str]] = {normalise_model_name(m): [] for m in pins}
        for host, report in zip(self.hosts, reports, strict=True):
            if report.state is not HostState.UP:
                notes.append(f"{host.address} is {report.state.value}: {report.reason}")
                continue
            models = {normalise_model_name(m.name): m for m in report.models}
            service = OllamaService(host.address)
            stations.append(
                Station(
                    host.address,
                    host.limit,
                    service,
                    self.recorder_for(service),
                    report.version,
                    models,
                )
            )
            for name, digest in pins.items():
                key = normalise_model_name(name)
                found = models.get(key)
                if found is None:
                    continue
                if digest and found.digest != digest:
                    notes.append(
                        f"{host.address} has {name} as {short_digest(found.digest)}, "
                        f"{job} started with {short_digest(digest)}: skipped for it"
                    )
                    continue
                serving[key].append(host.address)
        return Survey(
            tuple(stations),
            {model: tuple(hosts) for model, hosts in serving.items()},
            tuple(notes),
            tuple(reports),
            {normalise_model_name(name): digest for name, digest in pins.items()},
        )

    # -- a pass -------------------------------------------------------------------------

    def run(
        self,
        work: Sequence[Work],
        execute: Execute,
        survey: Survey,
        *,
        cancel: CancelToken | None = None,
        drain: threading.Event | None = None,
        events: DispatchEvents | None = None,
    ) -> DispatchResult:
        """Run every item once on a host that serves its model, each host up to its limit,
        until the queue is empty, `cancel` fires (streams stop) or `drain` is set (running
        items end, no new one starts). An exception from `execute` (the journal refuses a
        write, a bug) stops the pass and is raised here once every thread has ended."""
        cancel = cancel or CancelToken()
        drain = drain or threading.Event()
        events = events or DispatchEvents()
        state = _Pass(work, survey)
        unregister = cancel.add_callback(state.wake)

        def stop() -> bool:
            return cancel.cancelled or drain.is_set()

        threads = [
            threading.Thread(
                target=self._work,
                args=(state, station, execute, cancel, stop, events),
                name=f"dispatch-{station.address}-{slot}",
                daemon=True,
            )
            for station in survey.stations
            for slot in range(station.limit)
        ]
        for thread in threads:
            thread.start()
        try:
            for thread in threads:
                while thread.is_alive():
                    thread.join(0.5)  # a timeout keeps Ctrl-C's handler responsive
        finally:
            unregister()
        if state.error is not None:
            raise state.error
        return DispatchResult(
            state.ran,
            tuple(state.queue),
            dict(state.down),
            {model: tuple(hosts) for model, hosts in state.gone.items()},
            tuple(station.address for station in survey.stations),
        )

    def _work(
        self,
        state: _Pass,
        station: Station,
        execute: Execute,
        cancel: CancelToken,
        stop: Callable[[], bool],
        events: DispatchEvents,
    ) -> None:
        while (work := state.take(station.address, stop)) is not None:
            ran, back = False, False
            try:
                run = execute(work, station, cancel)
                ran = run is not None
                if run is not None and run.status is RunStatus.FAILED and not cancel.cancelled:
                    back = self._after_failure(state, station, work, events)
            except (OllamaUnreachableError, OllamaTimeoutError) as error:
                back = self._host_down(state, station, work, error.message, events)
            except ModelNotFoundError:
                back = self._model_gone(state, station, work)
            except BaseException as error:  # a refused write, a bug: stop the whole pass
                with state.cv:
                    if state.error is None:
                        state.error = error
                cancel.cancel("another item failed")
            finally:
                state.done(work, ran=ran, back=back)

    def _after_failure(
        self, state: _Pass, station: Station, work: Work, events: DispatchEvents
    ) -> bool:
        """After a failed run, ask the host: gone (the item goes elsewhere, once), without
        the model or with other weights (likewise), or fine (the failure was the item's
        own: a bad option, an error from the model; it stays failed). True to requeue."""
        kwargs = {} if self.probe_timeout is None else {"timeout": self.probe_timeout}
        report = probe_host(station.address, **kwargs)
        if report.state is not HostState.UP:
            reason = report.reason or report.state.value
            return self._host_down(state, station, work, reason, events)
        key = normalise_model_name(work.model)
        pinned = state.pins.get(key, "")
        found = {normalise_model_name(m.name): m for m in report.models}.get(key)
        if found is None or (pinned and found.digest != pinned):
            return self._model_gone(state, station, work)
        return False

    def _model_gone(self, state: _Pass, station: Station, work: Work) -> bool:
        """The model left this host (or its weights changed) since the survey: the other
        hosts may still have it."""
        key = normalise_model_name(work.model)
        with state.cv:
            state.serving.get(key, set()).discard(station.address)
            state.gone.setdefault(work.model, []).append(station.address)
        return self._retry(state, work)

    @staticmethod
    def _retry(state: _Pass, work: Work) -> bool:
        """Send the item back once: a second host failure leaves it for `resume`."""
        with state.cv:
            if work.item_id in state.retried:
                return False
            state.retried.add(work.item_id)
            return True

    def _host_down(
        self, state: _Pass, station: Station, work: Work, reason: str, events: DispatchEvents
    ) -> bool:
        with state.cv:
            first = station.address not in state.down
            state.down.setdefault(station.address, reason)
            for hosts in state.serving.values():
                hosts.discard(station.address)
        if first and events.host_down is not None:
            events.host_down(station.address, reason)
        return self._retry(state, work)


def pin_models(hosts: Sequence[HostLimit], wanted: Mapping[str, str]) -> dict[str, ModelInfo]:
    """Each model (name -> the digest wanted, "" for any) as the first host that has it
    says, preferring one with that digest; each host is asked for its list at most once.
    Raises ModelNotFoundError naming the hosts for a model none has (OllamaError when
    none answers)."""
    found: dict[str, ModelInfo] = {}
    other_weights: dict[str, ModelInfo] = {}
    errors: list[OllamaError] = []
    for host in hosts:
        left = [name for name in wanted if name not in found]
        if not left:
            break
        try:
            listed = OllamaService(host.address).list_models()
        except OllamaError as error:
            errors.append(error)
            continue
        models = {normalise_model_name(model.name): model for model in listed}
        for name in left:
            info = models.get(normalise_model_name(name))
            if info is None:
                continue
            if not wanted[name] or info.digest == wanted[name]:
                found[name] = info
            else:
                other_weights.setdefault(name, info)
    for name in wanted:
        if name in found:
            continue
        if name in other_weights:
            found[name] = other_weights[name]
            continue
        if errors and len(errors) == len(hosts):
            raise errors[0]
        raise ModelNotFoundError(name, ", ".join(host.address for host in hosts))
    return {name: found[name] for name in wanted}


def find_pinned(hosts: Sequence[HostLimit], model: str, digest: str = "") -> ModelInfo:
    """`pin_models` of one model."""
    return pin_models(hosts, {model: digest})[model]
