"""Candidate generation settings: how the lexical fields are weighed when picking candidates.

The weighted BM25 sum picks the lexical half of a question's candidates (the union of its
lexical and dense top 50) and is one feature among many; what orders the candidates and
decides whether to answer is the fitted ranker (index/ranker.py, index/models/), chosen by
cross-validation. Recorded in each build's manifest so a result can be traced.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

FIELDS = ("words", "plain", "context_words", "context_plain", "heading_words", "heading_plain")


@dataclass(frozen=True)
class IndexSettings:
    """How lexical fields are weighted when the lexical candidates are picked."""

    weight_words: float = 1.0
    weight_plain: float = 0.6
    weight_context: float = 0.25
    weight_heading: float = 0.25  # the Điều title / section headings a passage stands under

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "IndexSettings":
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})
