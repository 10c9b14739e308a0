"""The one user-facing error family.

A `JournalError` means "the environment or the input is to blame; show this text to the
person". The CLI and the GUI catch it once at their boundary. Anything else is a bug and is
allowed to reach a crash report.
"""

from __future__ import annotations

from journal.core import messages
from journal.core.messages import Message, message


class JournalError(Exception):
    """An error whose message is written for the person using the journal.

    Raised with a `Message` (journal.core.messages), it carries the template and its
    parameters too, so the window can show the message translated; `str(error)` and
    `message` stay the English text the CLI prints."""

    def __init__(self, *args: object) -> None:
        said = args[0] if len(args) == 1 and isinstance(args[0], Message) else None
        super().__init__(*((said.english(),) if said is not None else args))
        self.core_message: Message | None = said

    @property
    def message(self) -> str:
        return str(self)


class StorageError(JournalError):
    """The journal file cannot be used (locked, damaged, disk full...)."""


class NotAJournalError(StorageError):
    """The file exists but is not a journal; it is left untouched."""


class CorruptJournalError(StorageError):
    """The file looks like a journal but SQLite reports damage; it is left untouched."""


class NewerJournalError(StorageError):
    """The file was written by a newer version of LLM Journal."""


class NoJournalError(StorageError):
    """A command that only reads was pointed at a path with no journal; nothing was created."""


class JournalBusyError(StorageError):
    """Another program kept the journal locked for longer than the busy timeout."""


class DiskFullError(StorageError):
    """The disk holding the journal has no room left."""


class ReadOnlyJournalError(StorageError):
    """The journal (or its folder) cannot be written; reading it may still work."""


class CannotOpenJournalError(StorageError):
    """SQLite cannot open the file at all: missing, unreadable, or a disk error."""


class NotFoundError(JournalError):
    """A record the person asked for (by id) does not exist."""


class InvalidInputError(JournalError):
    """Something the person typed cannot be used as given."""


class OllamaError(JournalError):
    """Base for everything that goes wrong talking to Ollama."""


class OllamaUnreachableError(OllamaError):
    def __init__(self, host: str, detail: str = "") -> None:
        self.host = host
        self.detail = detail
        if detail:
            super().__init__(message(messages.OLLAMA_UNREACHABLE_DETAIL, host=host, detail=detail))
        else:
            super().__init__(message(messages.OLLAMA_UNREACHABLE, host=host))


class ModelNotFoundError(OllamaError):
    def __init__(self, model: str, host: str) -> None:
        self.model = model
        self.host = host
        super().__init__(message(messages.MODEL_NOT_FOUND, model=model, host=host))


_TIMEOUTS = {
    "connect": messages.TIMEOUT_CONNECT,
    "read": messages.TIMEOUT_READ,
    "write": messages.TIMEOUT_WRITE,
}


class OllamaTimeoutError(OllamaError):
    def __init__(self, host: str, phase: str, seconds: float) -> None:
        self.host = host
        self.phase = phase
        super().__init__(message(_TIMEOUTS[phase], host=host, seconds=seconds))


class OllamaResponseError(OllamaError):
    """Ollama answered with an error: an HTTP error status or an error line mid-stream."""

    def __init__(self, detail: str, status_code: int = -1) -> None:
        self.status_code = status_code
        self.detail = detail
        if status_code == -1:
            super().__init__(message(messages.RESPONSE_MID_STREAM, detail=detail))
        else:
            super().__init__(message(messages.RESPONSE_HTTP, status=status_code, detail=detail))


class OllamaIncompleteError(OllamaError):
    """The stream ended cleanly but without Ollama's final line: the runner died, or a proxy
    cut it. What arrived is not a whole answer, whatever it looks like."""

    def __init__(self, host: str, what: str = "answer") -> None:
        self.host = host
        template = messages.INCOMPLETE_PULL if what == "pull" else messages.INCOMPLETE_ANSWER
        super().__init__(message(template, host=host))


class OllamaRegistryUnreachableError(OllamaError):
    """A pull failed because the Ollama server could not reach its model registry."""

    def __init__(self, host: str, model: str, detail: str) -> None:
        self.host = host
        self.model = model
        self.detail = detail
        super().__init__(
            message(messages.REGISTRY_UNREACHABLE, host=host, model=model, detail=detail)
        )
