"""An Ollama host and how many requests it takes at once, as a person writes it:
`http://gpu:11434 limit=2` (in the settings, one a line) or `--host gpu:11434,limit=2`.

Kept apart from the dispatcher so the settings can check host lines without importing it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from journal.core import messages
from journal.core.errors import InvalidInputError
from journal.core.messages import message
from journal.core.paths import resolve_ollama_host

__all__ = ["MAX_LIMIT", "HostLimit", "parse_host_limit"]

MAX_LIMIT = 64
_LIMIT = re.compile(r"^(?P<address>.*?)(?:[,\s]+limit=(?P<limit>\S*))?\s*$")


@dataclass(frozen=True)
class HostLimit:
    """One Ollama host and how many requests it is given at once."""

    address: str
    limit: int = 1

    def record(self) -> dict[str, Any]:
        return {"address": self.address, "limit": self.limit}

    @classmethod
    def from_record(cls, value: Any) -> HostLimit:
        if isinstance(value, dict) and isinstance(value.get("address"), str):
            limit = value.get("limit", 1)
            return cls(value["address"], limit if isinstance(limit, int) and limit > 0 else 1)
        raise InvalidInputError(f"{value!r} is not a host record.")

    @property
    def text(self) -> str:
        """As a person writes it: the address, and `limit=N` when it is not 1."""
        return self.address if self.limit == 1 else f"{self.address} limit={self.limit}"


def parse_host_limit(text: str, *, source: str = "--host") -> HostLimit:
    """`http://gpu:11434` or `http://gpu:11434 limit=2` (`,limit=2` too, for a shell
    argument without quotes); the address is checked as every Ollama address is."""
    match = _LIMIT.match(text.strip())
    assert match is not None  # the pattern matches any text
    address, limit_text = match.group("address").strip(), match.group("limit")
    limit = 1
    if limit_text is not None:
        if not limit_text.isdigit() or not 1 <= int(limit_text) <= MAX_LIMIT:
            said = message(
                messages.HOST_LIMIT_FROM if source else messages.HOST_LIMIT,
                source=source,
                limit=limit_text,
                most=MAX_LIMIT,
                text=text.strip(),
            )
            raise InvalidInputError(said)
        limit = int(limit_text)
    return HostLimit(resolve_ollama_host(address, source=source), limit)
