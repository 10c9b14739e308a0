"""What every part of the window shares: the open journal, the Ollama service, the one writer
thread, background tasks, and the one place where a JournalError becomes a message.

Windows and dialogs take the context instead of a journal or a service, and never show a
storage or Ollama problem themselves: they `report` it here and the window shows it (the
status bar for the quiet kind, a box for what stopped the person's work), in the manner of
qutebrowser's message bridge. A bug is not a JournalError: it is never caught here and
reaches the crash dialog (sys.excepthook), not a warning box.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QCoreApplication, QObject, QThreadPool, Signal

from journal.core.errors import JournalError, OllamaError
from journal.gui.grading_relay import GradingRelay
from journal.gui.i18n import error_text
from journal.gui.ollama_status import OllamaStatus
from journal.gui.tasks import Task, TaskRunner

if TYPE_CHECKING:
    from sqlmodel import Session

    from journal.core.domain import ExperimentFilter, ExperimentSummary
    from journal.core.host_limits import HostLimit
    from journal.core.ollama_service import OllamaService
    from journal.core.storage import Journal

T = TypeVar("T")
translate = QCoreApplication.translate

PROBLEM_SHOWN_MS = 15_000  # a problem also stays this long in the status bar


class AppContext(QObject):
    """Opens, switches and closes the journal; connects to Ollama; runs reads, ordered
    writes and background work; says what went wrong."""

    # The file `start` opens: the list may read it already (journal.core.reading, no ORM)
    # while the stack is imported and the journal opened.
    journal_found = Signal(object)
    journal_opened = Signal(object)  # the Journal now open (the one before is closed)
    journal_failed = Signal(object)  # the JournalError that kept a journal from opening
    service_changed = Signal(object)  # the OllamaService now used (a new host)
    said = Signal(str, int)  # a quiet line for the status bar: text, ms to show (0: until replaced)
    problem_found = Signal(str)  # what stopped the person's work: the window shows it in a box

    def __init__(
        self,
        path: Path | None = None,
        host: str = "",
        tasks: TaskRunner | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.tasks = tasks or TaskRunner.for_application()
        self.path = path  # the journal file: the one open, else the one to open
        self.host = host
        self._journal: Journal | None = None
        self._service: OllamaService | None = None
        self._writes = QThreadPool(self)
        self._writes.setMaxThreadCount(1)  # one writer, in order: edits never overtake
        self._reads = QThreadPool(self)
        self._reads.setMaxThreadCount(1)  # the list's reads, in order, beside the others
        self.ollama_status = OllamaStatus(self)
        self.grading = GradingRelay(self)  # grades every run that ends; see grading_relay

    @classmethod
    def for_journal(
        cls,
        journal: Journal,
        service: OllamaService | None = None,
        parent: QObject | None = None,
    ) -> AppContext:
        """A context around a journal that is already open (tests, tools)."""
        context = cls(journal.path, service.host if service is not None else "", parent=parent)
        context._journal = journal
        context._service = service
        return context

    # -- what is open ---------------------------------------------------------------------

    @property
    def journal(self) -> Journal | None:
        return self._journal

    @property
    def service(self) -> OllamaService | None:
        return self._service

    def start(self) -> None:
        """Open the journal at `path` and connect to Ollama at `host`, in the background.

        Even the imports happen off the GUI thread (httpx and SQLModel take a few hundred
        milliseconds between them), so a freshly shown window stays responsive.
        """

        def import_stack() -> None:
            # One thread imports what both need: pydantic imported by two threads at once
            # (SQLModel's and the ollama client's) trips PySide6's import hook.
            import journal.core.storage  # noqa: F401
            from journal.core.markdown_render import render_markdown
            from journal.core.ollama_service import import_ollama

            import_ollama()
            # Markdown and its extensions, loaded here rather than on the GUI thread when the
            # first answer shows (~40 ms). Nothing is shown before this work is done.
            render_markdown("*")

        def ready(_: object) -> None:
            if self.path is not None:
                self.open_journal(self.path)
            self.connect_ollama(self.host)

        self.tasks.run(import_stack, ready, owner=self)
        if self.path is not None:
            self.journal_found.emit(self.path)

    def open_journal(self, path: Path) -> None:
        """Open (or switch to) the journal at `path`: `journal_opened` or `journal_failed`."""

        def work() -> Journal:
            from journal.core.storage import Journal

            return Journal.open(path)

        self.say(translate("context", "Opening {path}…").format(path=path), 0)
        self.tasks.run(work, self._on_opened, self.journal_failed.emit, owner=self)

    def _on_opened(self, journal: Journal) -> None:
        self.close_journal()
        self._journal = journal
        self.path = journal.path
        self.journal_opened.emit(journal)

    def close_journal(self, wait_ms: int = 5000) -> None:
        """Stop grading (never waiting on a judge), let queued writes finish, then close
        the journal (on quitting or switching)."""
        self.grading.close()
        self.wait_for_writes(wait_ms)
        if self._journal is not None:
            self._journal.close()
            self._journal = None

    def connect_ollama(self, host: str) -> OllamaService:
        """Use the Ollama at `host` from now on, and watch whether it answers."""
        from journal.core.ollama_service import OllamaService

        self.host = host
        self._service = service = OllamaService(host)
        self.grading.close()  # the next grade asks the new host
        self.service_changed.emit(service)
        self.ollama_status.watch(host, service.version)
        return service

    def host_limits(self) -> list[HostLimit]:
        """The hosts a batch or check spreads over: this window's host first (with the
        limit the settings give it), then the settings' other hosts. While the settings
        file cannot be read, this window's host alone (and the reason, quietly)."""
        from journal.core.hosts import hosts_led_by
        from journal.core.settings import SettingsFile

        try:
            saved = SettingsFile().load().host_limits
        except JournalError as error:
            only_this = translate("context", "Only this window's host is used.")
            self.report(error, quiet=True, about=only_this)
            saved = []
        first = self._service.host if self._service is not None else self.host
        return hosts_led_by(first, saved)

    # -- reading and writing --------------------------------------------------------------

    def read(self, query: Callable[[Session], T], *, quiet: bool = False) -> T | None:
        """Run a short read on the GUI thread; a JournalError (storage, a missing record) is
        reported (`quiet`: in the status bar) and gives None."""
        if self._journal is None:
            return None
        try:
            with self._journal.read() as session:
                return query(session)
        except JournalError as error:
            self.report(error, quiet=quiet)
            return None

    def write(
        self,
        change: Callable[[Session], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[JournalError], None] | None = None,
        *,
        owner: QObject | None = None,
    ) -> Task | None:
        """Run a write on the single writer thread, in order with all other writes. A
        failure goes to `on_error` when given (which may `report` it), else to `report`."""
        journal = self._journal
        if journal is None:
            return None

        def work() -> T:
            with journal.write() as session:
                return change(session)

        return self.tasks.run(
            work, on_done, on_error or self.report, pool=self._writes, owner=owner
        )

    def write_in_order(
        self,
        work: Callable[[], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[JournalError], None] | None = None,
    ) -> Task:
        """Run `work`, which opens its own write sessions (grading a run that ended), on
        the writer thread, in order with every other write."""
        return self.run(work, on_done, on_error, pool=self._writes)

    def wait_for_writes(self, msecs: int = 5000) -> bool:
        """Block until queued writes are on disk (before exporting what the person sees)."""
        return bool(self._writes.waitForDone(msecs))

    def run(
        self,
        work: Callable[[], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[JournalError], None] | None = None,
        *,
        owner: QObject | None = None,
        pool: QThreadPool | None = None,
    ) -> Task:
        """Background work whose failure is reported unless `on_error` takes it."""
        return self.tasks.run(work, on_done, on_error or self.report, pool=pool, owner=owner)

    def fetch_page(
        self, filters: ExperimentFilter, before: int | None, limit: int
    ) -> list[ExperimentSummary]:
        """One page of the journal list; raises JournalError for the list to report. Safe
        on any thread.

        Before the journal is open, the file at `path` is read over plain sqlite3
        (journal.core.reading: no SQLModel, which is still being imported), if it is
        current: the read layer refuses, without writing, one that needs an upgrade, and
        the list then waits for `journal_opened`. Once open, pages go through the
        journal's sessions: measured on 10,000 experiments, a page costs the same or less
        (12 ms of CPU for the first, 13 vs 22 ms deeper down, 0.2 vs 2 ms for an empty
        search) than opening a read connection for each, whose cache starts cold, and the
        journal's own pool already keeps connections per thread and closes them with it.
        """
        from journal.gui.list_filter import archive_choice

        journal, archived = self._journal, archive_choice(filters)
        if journal is None:
            return self._read_before_open(filters, before, limit, archived)
        from journal.core.queries import list_experiments

        with journal.read() as session:
            return list_experiments(
                session, filters, limit=limit, before_id=before, pass_rates=True, archived=archived
            )

    def _read_before_open(
        self, filters: ExperimentFilter, before: int | None, limit: int, archived: str
    ) -> list[ExperimentSummary]:
        from journal.core.read_sql import list_summaries
        from journal.core.reading import ReadJournal

        if self.path is None:
            return []
        with ReadJournal.open(self.path) as reader:  # closed here, on the thread that read
            return list_summaries(
                reader, filters, limit=limit, before_id=before, pass_rates=True, archived=archived
            )

    def read_list(
        self,
        work: Callable[[], T],
        on_done: Callable[[T], None],
        on_error: Callable[[JournalError], None],
        owner: QObject,
    ) -> Task:
        """A read for the journal list on its own thread, in order with the list's other
        reads and beside everything else (the stack's import, writes)."""
        return self.tasks.run(work, on_done, on_error, pool=self._reads, owner=owner)

    def count(self, filters: ExperimentFilter) -> int:
        """How many experiments match; runs on a pool thread (the list counts in the
        background) and raises JournalError."""
        from journal.core.queries import count_experiments
        from journal.gui.list_filter import archive_choice

        journal = self._journal
        if journal is None:
            return 0
        with journal.read() as session:
            return count_experiments(session, filters, archived=archive_choice(filters))

    # -- telling the person ---------------------------------------------------------------

    def say(self, text: str, msecs: int = 8000) -> None:
        """A quiet line in the status bar (0 ms: until something else is said)."""
        self.said.emit(text, msecs)

    def report(self, error: JournalError, *, quiet: bool = False, about: str = "") -> None:
        """Tell the person about `error` (after `about`, what it stopped, if given): a box
        (it stopped their work), or with `quiet` a status line. An Ollama error also makes
        the watcher check the server again."""
        if isinstance(error, OllamaError):
            self.ollama_status.report_failure(error)
        shown = error_text(error)  # translated when the core said it with a template
        text = f"{about} {shown}" if about else shown
        if quiet:
            self.say(text, PROBLEM_SHOWN_MS)
        else:
            self.problem_found.emit(text)
