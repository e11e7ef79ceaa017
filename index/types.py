"""What leaves the index room: ranked passages with the source they quote."""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.types import Passage, Source


@dataclass(frozen=True)
class Hit:
    """One ranked passage: the quotation, its source and the score that ranked it."""

    passage: Passage
    source: Source
    score: float


@dataclass(frozen=True)
class SearchResult:
    """The answer to one question: ranked hits, or an honest 'nothing here' (abstained)."""

    question: str
    hits: tuple[Hit, ...]
    abstained: bool
    latency_ms: float
    reason: str = ""  # why it abstained, for logs and /thongke; never shown as an answer
