"""Typed errors of the library.  Only ``cli.py`` turns them into messages and exit codes."""

from __future__ import annotations


class LlmExtractError(Exception):
    """Base class.  ``hint`` tells the user how to fix the problem."""

    exit_code = 1

    def __init__(self, message: str, *, path: str | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.hint = hint

    def one_line(self) -> str:
        parts = []
        if self.path:
            parts.append(f"{self.path}: ")
        parts.append(self.message)
        if self.hint:
            parts.append(f" ({self.hint})")
        return "".join(parts).replace("\n", " ")


class ConfigError(LlmExtractError):
    exit_code = 2


class LoadError(LlmExtractError):
    """A file could not be turned into text."""

    exit_code = 3


class EmptyFileError(LoadError):
    pass


class BinaryFileError(LoadError):
    pass


class DecodeError(LoadError):
    pass


class UnsupportedFormatError(LoadError):
    pass


class OcrNeededError(LoadError):
    pass


class IndexStoreError(LlmExtractError):
    """The index directory or Chroma store is missing, locked or inconsistent."""

    exit_code = 4


class IndexLockedError(IndexStoreError):
    pass


class EmbedderMismatchError(IndexStoreError):
    pass


class ModelError(LlmExtractError):
    """Embedded model weights missing or failing verification, or the server would not start."""

    exit_code = 5


class ModelServerDiedError(ModelError):
    """The embedded model server process died (a signal or an exit code) while it was needed."""


class LLMError(LlmExtractError):
    """A call to the language model failed."""

    exit_code = 6


class LLMConnectionError(LLMError):
    pass


class LLMOutputError(LLMError):
    """The model's output did not validate after every retry."""

    def __init__(self, message: str, *, attempts: int = 0, last_output: str | None = None, **kw):
        super().__init__(message, **kw)
        self.attempts = attempts
        self.last_output = last_output


class PromptError(LlmExtractError):
    exit_code = 2


class EvalError(LlmExtractError):
    exit_code = 7
