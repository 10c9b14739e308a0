"""A conversation's turns as trees, built from runs already read: the window and `journal
show` (which reads plain rows, journal.core.read_records, without the ORM) thread them alike."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Generic

from journal.core.domain import AnyRun


@dataclass
class TurnNode(Generic[AnyRun]):
    """One turn of a conversation tree, for display: `depth` 0 is the root (turn 1)."""

    run: AnyRun
    depth: int
    children: list[TurnNode[AnyRun]] = field(default_factory=list)
    branch: int = 1
    """Which of its parent's follow-ups this is (1 = the first, oldest)."""
    siblings: int = 1
    """How many follow-ups its parent has (more than one: the conversation branches)."""

    @property
    def turn(self) -> int:
        return self.depth + 1

    @property
    def run_id(self) -> int:
        assert self.run.id is not None
        return self.run.id

    def label(self) -> str:
        """`turn 2 (run 14, follows run 12)` or `turn 2 (run 15, branch 2 of 2 from run 12)`."""
        if self.run.parent_id is None:
            return f"turn 1 (run {self.run_id})"
        if self.siblings > 1:
            return (
                f"turn {self.turn} (run {self.run_id}, branch {self.branch} of "
                f"{self.siblings} from run {self.run.parent_id})"
            )
        return f"turn {self.turn} (run {self.run_id}, follows run {self.run.parent_id})"

    def walk(self) -> Iterator[TurnNode[AnyRun]]:
        """This node and everything below it, depth first, oldest branch first (no
        recursion: a conversation may be deeper than Python's stack)."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    def tips(self) -> list[AnyRun]:
        """The last turn of every branch below (and including) this node, oldest first."""
        return [node.run for node in self.walk() if not node.children]


def forest(runs: Iterable[AnyRun]) -> list[TurnNode[AnyRun]]:
    """The conversations among `runs` as trees, in id order: a run whose parent is not
    among `runs` is a root (no query: `journal show` builds it from an experiment's runs)."""
    ordered = sorted((run for run in runs if run.id is not None), key=lambda run: run.id or 0)
    ids = {run.id for run in ordered}
    children: dict[int, list[AnyRun]] = {}
    roots: list[TurnNode[AnyRun]] = []
    for run in ordered:
        if run.parent_id is not None and run.parent_id in ids:
            children.setdefault(run.parent_id, []).append(run)
        else:
            roots.append(TurnNode(run, 0))
    stack = list(roots)
    while stack:
        node = stack.pop()
        below = children.get(node.run_id, [])
        node.children = [
            TurnNode(child, node.depth + 1, branch=index, siblings=len(below))
            for index, child in enumerate(below, start=1)
        ]
        stack.extend(node.children)
    return roots
