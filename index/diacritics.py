"""Restoring diacritics to a question typed without them, from the corpus's own spelling.

The dense encoder reads 'thang hanh dong' far worse than 'tháng hành động'. For each bare
syllable pair (and syllable) the corpus shows which marked spellings it stands for; where one
spelling dominates, it is put back. Where the corpus is unsure, the syllable stays as typed.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from index.normalise import has_diacritics, match_key, strip_diacritics

_SYLLABLE = re.compile(r"[^\W\d_]+", re.UNICODE)
CONFIDENT_SHARE = 0.75  # a spelling is restored when it is at least this share of the corpus's uses
MIN_COUNT = 2


@dataclass(frozen=True)
class DiacriticTable:
    """Bare syllable (pair) → the marked spelling the corpus uses for it, where it is clear."""

    pairs: dict[tuple[str, str], tuple[str, str]]
    singles: dict[str, str]

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> "DiacriticTable":
        # (bare, marked) occurrences are counted flat, in C (Counter.update), then grouped by
        # bare form: the same counts, in the same first-seen order, as counting per bare form.
        single_counts: Counter = Counter()
        pair_counts: Counter = Counter()
        bare_of: dict[str, str] = {}
        for text in texts:
            syllables = _SYLLABLE.findall(match_key(text))
            bares = [bare_of.get(s) or bare_of.setdefault(s, strip_diacritics(s)) for s in syllables]
            single_counts.update(zip(bares, syllables))
            pair_counts.update(zip(zip(bares, bares[1:]), zip(syllables, syllables[1:])))
        return cls(pairs=_confident(_by_bare(pair_counts)), singles=_confident(_by_bare(single_counts)))

    def restore(self, question: str) -> str | None:
        """The question with its marks put back, or None when it already has marks or too little is sure."""
        if has_diacritics(question):
            return None
        syllables = _SYLLABLE.findall(question.lower())
        if not syllables:
            return None
        restored: list[str | None] = [None] * len(syllables)
        for i, pair in enumerate(zip(syllables, syllables[1:])):
            spelled = self.pairs.get(pair)
            if spelled:
                restored[i] = restored[i] or spelled[0]
                restored[i + 1] = spelled[1]
        for i, syllable in enumerate(syllables):
            if restored[i] is None:
                restored[i] = self.singles.get(syllable)
        known = sum(1 for word in restored if word is not None)
        if known < max(1, len(syllables) // 2):
            return None
        return " ".join(word or syllable for word, syllable in zip(restored, syllables))


def _by_bare(counts: Counter) -> dict:
    grouped: dict = defaultdict(Counter)
    for (bare, marked), count in counts.items():
        grouped[bare][marked] = count
    return grouped


def _confident(counts: dict) -> dict:
    chosen = {}
    for bare, spellings in counts.items():
        spelling, count = spellings.most_common(1)[0]
        if count >= MIN_COUNT and count / sum(spellings.values()) >= CONFIDENT_SHARE:
            chosen[bare] = spelling
    return chosen
