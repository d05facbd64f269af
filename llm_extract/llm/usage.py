"""What LLM calls cost: tokens, time, attempts, cache hits."""

from __future__ import annotations

from dataclasses import asdict, dataclass

__all__ = ["CallUsage"]


@dataclass
class CallUsage:
    """Tokens and time of one call (or, summed, of a command).  Cached calls cost no tokens."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    wall_time: float = 0.0
    calls: int = 0
    attempts: int = 0
    cached: int = 0
    estimated: bool = False  # token counts came from counting stream chunks, not the server

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def __add__(self, other: "CallUsage") -> "CallUsage":
        return CallUsage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            wall_time=self.wall_time + other.wall_time,
            calls=self.calls + other.calls,
            attempts=self.attempts + other.attempts,
            cached=self.cached + other.cached,
            estimated=self.estimated or other.estimated,
        )

    def to_dict(self) -> dict:
        return {**asdict(self), "total_tokens": self.total_tokens}
