"""Retrieval settings: field weights, fusion and abstention thresholds, in one place.

Defaults were chosen on ../shared/eval/dev.jsonl with `binhdang eval`; the README records
the figures that chose them. Recorded in each build's manifest so a result can be traced.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

FIELDS = ("words", "plain", "context_words", "context_plain", "heading_words", "heading_plain")


@dataclass(frozen=True)
class IndexSettings:
    """How lexical fields are weighted and when the searcher declines to answer."""

    weight_words: float = 1.0
    weight_plain: float = 0.6
    weight_context: float = 0.25
    weight_heading: float = 0.25  # the Điều title / section headings a passage stands under
    # Abstain when the best passage covers less than this share of the question's
    # content words (idf-weighted; words unknown to the corpus weigh the most).
    min_coverage: float = 0.5
    # Fusion: lexical score / best lexical score + weight_dense * rescaled cosine.
    weight_dense: float = 0.2
    # With a dense half: decline below dense_floor whatever the words say (the question is
    # about something else); below min_coverage, answer only when the meaning is close
    # (cosine >= dense_sure) and the words still cover min_coverage_with_meaning: a paraphrase
    # ('nghỉ đẻ') shares meaning and some words, an off-topic question only generic words.
    dense_floor: float = 0.83
    dense_sure: float = 0.87
    min_coverage_with_meaning: float = 0.3

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "IndexSettings":
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})
