"""Count a chat prompt's tokens exactly as the embedded server will see them.

llama-cpp-python's server streams no usage chunk, so a streamed answer would report
``0 prompt`` tokens.  The server renders the GGUF's own chat template and tokenizes the
result; this module does the same with the vocabulary alone (``vocab_only`` loads no
weights: ~0.1 s, a few MB), so the count matches without another request to the server.
"""

from __future__ import annotations

import logging
import threading
from typing import Optional, Union

from ..core.config import Settings

logger = logging.getLogger(__name__)


class PromptTokenizer:
    """The embedded model's tokenizer and chat template, loaded once per client."""

    def __init__(self, llama, formatter) -> None:
        self._llama = llama
        self._formatter = formatter
        self._lock = threading.Lock()

    @classmethod
    def for_settings(cls, settings: Optional[Settings] = None) -> Union["PromptTokenizer", bool]:
        """A tokenizer for the configured embedded model, or ``False`` when it cannot be loaded."""
        try:
            from llama_cpp import Llama
            from llama_cpp.llama_chat_format import Jinja2ChatFormatter

            from .weights import model_path

            path = model_path(settings)
            if not path.is_file():
                return False
            from llama_cpp._utils import suppress_stdout_stderr

            with suppress_stdout_stderr(disable=False):  # llama.cpp prints context notes even when quiet
                llama = Llama(model_path=str(path), vocab_only=True, verbose=False)
            template = llama.metadata.get("tokenizer.chat_template")
            if not template:
                return False
            special = lambda tid: llama.detokenize([tid], special=True).decode("utf-8", "replace")  # noqa: E731
            formatter = Jinja2ChatFormatter(template, eos_token=special(llama.token_eos()), bos_token=special(llama.token_bos()))
            return cls(llama, formatter)
        except Exception as exc:  # any failure only costs the exact count, never the answer
            logger.debug("prompt tokenizer unavailable: %s", exc)
            return False

    def count(self, messages: list[dict]) -> Optional[int]:
        """Tokens of ``messages`` rendered by the model's chat template (None if rendering fails)."""
        try:
            prompt = self._formatter(messages=messages).prompt
            with self._lock:
                return len(self._llama.tokenize(prompt.encode("utf-8"), add_bos=False, special=True))
        except Exception as exc:
            logger.debug("could not count prompt tokens: %s", exc)
            return None
