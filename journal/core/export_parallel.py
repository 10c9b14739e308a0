"""A big export rendered on several cores.

Turning records into Markdown is most of an export's work, and it is pure Python, so one
process renders at the speed of one core. For a big selection the exporting process reads
each page of rows (inside its one read transaction: the snapshot stays one) and hands the
page to worker processes, which make records of the rows, render them and hand the text
back; the exporting process writes the pages in order. The bytes are the same as when one
process does it all: rendering depends on nothing but the page.

Rows, not records, cross to the workers: plain tuples cost several times less to send than
the dictionaries made of them (export_entries.PageRows). Workers are started with `spawn`,
never `fork`: the window exports from a thread, and a forked child of a threaded process
can hang on a lock another thread held. The first pages are rendered in the exporting
process while the workers start, so a small export starts none. A worker that dies (killed,
out of memory) costs no export: its pages and the rest are rendered in the exporting
process. Closing the generator (the exporter does, on failure too) stops the workers.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from itertools import chain
from typing import TYPE_CHECKING, TypeVar

from journal.core.errors import InvalidInputError
from journal.core.export_entries import PAGE_SIZE, ExperimentEntry, PageRows, assemble_page

if TYPE_CHECKING:  # imported when workers start: a small export never pays for them
    from concurrent.futures import Future

Rendered = TypeVar("Rendered")

WORKERS_VARIABLE = "JOURNAL_EXPORT_WORKERS"  # 1: render in the exporting process only
MAX_WORKERS = 8  # past this, reading and writing in the exporting process is the limit
# Experiments rendered in the exporting process before workers are started: an export this
# small is done before a worker would be ready (each starts Python and imports the renderer).
SERIAL_EXPERIMENTS = 1_000
# Pages for workers are small and only PAGES_PER_WORKER are sent ahead of the one being
# written: what is in flight (rows going, text coming back) stays a few megabytes whatever
# the journal's size, and with eight workers as with two.
WORKER_PAGE_SIZE = 100
PAGES_PER_WORKER = 2


def page_size_for(workers: int) -> int:
    """The page size an export reads with: small pages when workers render them."""
    return WORKER_PAGE_SIZE if workers > 1 else PAGE_SIZE


def worker_count() -> int:
    """How many processes render a big export: JOURNAL_EXPORT_WORKERS if set, otherwise one
    per core this process may run on (at most MAX_WORKERS); 1 means no worker at all."""
    value = os.environ.get(WORKERS_VARIABLE, "").strip()
    if value:
        if not value.isdecimal() or int(value) < 1:
            raise InvalidInputError(
                f"{WORKERS_VARIABLE} must be a whole number of processes, 1 or more "
                f"(got {value!r}); 1 renders the export in this process."
            )
        return int(value)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_WORKERS))


def render_pages(
    pages: Iterable[PageRows],
    render: Callable[[ExperimentEntry], Rendered],
    *,
    workers: int,
) -> Generator[Rendered, None, None]:
    """Each experiment of `pages` rendered by `render`, in order. Past SERIAL_EXPERIMENTS,
    the rest go to `workers` processes (when there is more than one) while the first ones
    are rendered here. `render` must be picklable (a module's function, or a
    functools.partial of one)."""
    pages = iter(pages)
    head: list[PageRows] = []
    held = 0
    if workers > 1:
        for page in pages:
            head.append(page)
            held += len(page.experiments[1])
            if held > SERIAL_EXPERIMENTS:
                break
    if held <= SERIAL_EXPERIMENTS:  # small (or one process asked for): all of it here
        for page in chain(head, pages):
            yield from _render_page(render, page)
        return
    yield from _in_workers(head[:-1], chain(head[-1:], pages), render, workers)


def _render_page(render: Callable[[ExperimentEntry], Rendered], page: PageRows) -> list[Rendered]:
    return [render(entry) for entry in assemble_page(page)]


def _in_workers(
    home: list[PageRows],
    pages: Iterator[PageRows],
    render: Callable[[ExperimentEntry], Rendered],
    workers: int,
) -> Iterator[Rendered]:
    """`home` rendered here while the workers start on `pages`, then `pages` in order."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    try:
        pool = ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("spawn"), initializer=_exit_with_parent
        )
    except (OSError, ValueError, NotImplementedError):  # no processes here: render in this one
        for page in chain(home, pages):
            yield from _render_page(render, page)
        return
    left: deque[PageRows] = deque()  # sent to the workers, not written yet, in order
    futures: deque[Future[list[Rendered]]] = deque()
    try:
        try:
            while True:
                while len(left) < workers * PAGES_PER_WORKER:
                    upcoming = next(pages, None)
                    if upcoming is None:
                        break
                    left.append(upcoming)
                    futures.append(pool.submit(_render_page, render, upcoming))
                for page in home:
                    yield from _render_page(render, page)
                home = []
                if not left:
                    return
                done = futures[0].result()
                left.popleft()
                futures.popleft()
                yield from done
        except BrokenProcessPool:  # a worker died (killed, out of memory): the rest, here
            pass
        for page in chain(home, left, pages):
            yield from _render_page(render, page)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _exit_with_parent() -> None:
    """In a worker: end when the exporting process is gone, however it went (SIGKILL, a
    crash). A worker waits on a queue that it holds the writing end of too, so it would
    otherwise wait for ever."""
    import multiprocessing
    import threading

    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        parent.join()  # returns when the parent's end of the process pipe closes
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


__all__ = [
    "MAX_WORKERS",
    "WORKERS_VARIABLE",
    "page_size_for",
    "render_pages",
    "worker_count",
]
