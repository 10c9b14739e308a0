"""The one user-facing error family.

A `JournalError` means "the environment or the input is to blame; show this text to the
person". The CLI and the GUI catch it once at their boundary. Anything else is a bug and is
allowed to reach a crash report.
"""

from __future__ import annotations


class JournalError(Exception):
    """An error whose message is written for the person using the journal."""

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
        extra = f" ({detail})" if detail else ""
        super().__init__(
            f"Cannot reach Ollama at {host}{extra}. Is it running? "
            "Start it with `ollama serve`, or point the journal elsewhere with --host, "
            "OLLAMA_HOST or `journal config set ollama.hosts URL`."
        )


class ModelNotFoundError(OllamaError):
    def __init__(self, model: str, host: str) -> None:
        self.model = model
        self.host = host
        super().__init__(
            f"Model '{model}' is not available on {host}. Pull it with `ollama pull {model}`."
        )


class OllamaTimeoutError(OllamaError):
    def __init__(self, host: str, phase: str, seconds: float) -> None:
        self.host = host
        self.phase = phase
        super().__init__(
            f"Ollama at {host} did not answer within {seconds:g} s ({phase} timeout). "
            "The model may still be loading; try again, or raise the timeout."
        )


class OllamaResponseError(OllamaError):
    """Ollama answered with an error: an HTTP error status or an error line mid-stream."""

    def __init__(self, message: str, status_code: int = -1) -> None:
        self.status_code = status_code
        self.detail = message
        where = "mid-stream" if status_code == -1 else f"HTTP {status_code}"
        super().__init__(f"Ollama reported an error ({where}): {message}")


class OllamaIncompleteError(OllamaError):
    """The stream ended cleanly but without Ollama's final line: the runner died, or a proxy
    cut it. What arrived is not a whole answer, whatever it looks like."""

    def __init__(self, host: str, what: str = "answer") -> None:
        self.host = host
        super().__init__(
            f"The stream from Ollama at {host} ended before Ollama said it was done: the "
            f"{what} may be incomplete. What arrived is kept."
        )


class OllamaRegistryUnreachableError(OllamaError):
    """A pull failed because the Ollama server could not reach its model registry."""

    def __init__(self, host: str, model: str, detail: str) -> None:
        self.host = host
        self.model = model
        self.detail = detail
        super().__init__(
            f"The Ollama server at {host} could not reach its model registry to pull "
            f"'{model}' (no internet there?). Without internet, make the model from a GGUF "
            f"file instead: a Modelfile with the line `FROM ./model.gguf`, then "
            f"`ollama create {model} -f Modelfile`. Ollama said: {detail}"
        )
