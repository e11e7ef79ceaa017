"""National strategies, programmes and schemes as the documents name them, and the name they agree on.

Local plans cite national programmes by name, and sometimes mistype them ("Chương trình truyền
thống …" for "truyền thông", a strategy's period "2021-2025" for "2021–2030"). A quotation keeps
its words; the handout's own headings and merge keys use the canonical name: the spelling and
period most documents of the corpus write. Nothing here knows any programme in advance.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Iterable

from index.normalise import plain_key

_PERIOD = r"(?:giai đoạn\s*\d{4}\s*[-–]\s*\d{4}|đến năm\s+\d{4})"
_MENTION = re.compile(
    # Đề án “…” (the quoted title, then its period when it follows the quotes)
    rf"(?:Đề án|Chương trình|Chiến lược)\s+“[^”\n]{{5,200}}”(?:\s*,?\s*{_PERIOD})?"
    # Chiến lược quốc gia về …, Chương trình hành động quốc gia …: up to the period
    rf"|(?:Chiến lược|Chương trình|Đề án)\s+(?![“\d])(?:(?!\s(?:và|hoặc)\s+(?:Chiến lược|Chương trình|Đề án))[^,;.:\n“”()]){{3,160}}?\s*,?\s*{_PERIOD}(?:\s*,\s*tầm nhìn đến năm\s+\d{{4}})?"
    # a strategy named without its period
    r"|Chiến lược quốc gia về [^,;.:\n“”()]{3,60}?(?=\s*(?:[,;.:\n)”]|và\b|$))"
)
_YEARS = re.compile(r"(\d{4})\s*[-–]\s*(\d{4})|đến năm\s+(\d{4})")
_STOP = frozenset({"va", "giai", "doan", "den", "nam", "tam", "nhin"})
MIN_STEM_WORDS = 4
NEAR_NAME = 0.85  # share of the stems' words two names of one programme have in common


@dataclass(frozen=True)
class Programme:
    """One national programme: the name most documents write, and every way they wrote it."""

    name: str
    variants: tuple[str, ...]
    source_ids: tuple[str, ...]


def mentions(text: str) -> list[str]:
    """Names of national strategies, programmes and schemes in a text, exactly as written."""
    found = []
    for match in _MENTION.finditer(text):
        name = match.group(0).strip(" ,")
        if len(_stem(name).split()) >= MIN_STEM_WORDS:
            found.append(name)
    return found


def _stem(name: str) -> str:
    """The name without its period, quotes or 'và', diacritics folded: what a mistype keeps."""
    words = re.findall(r"[^\W\d_]+", plain_key(re.sub(_PERIOD, " ", name)))
    return " ".join(word for word in words if word not in _STOP)


def _period(name: str) -> tuple[str, str]:
    """(first year, last year) of the name's period; ('', '') when it names none."""
    match = _YEARS.search(name)
    if not match:
        return "", ""
    if match.group(3):
        return "", match.group(3)
    return match.group(1), match.group(2)


def _marked_stem(name: str) -> str:
    return " ".join(re.findall(r"[^\W\d_]+", re.sub(_PERIOD, " ", name).lower()))


class ProgrammeNames:
    """Every programme the corpus names, grouped; `canonical(name)` gives a mention's agreed name."""

    def __init__(self, programmes: list[Programme]) -> None:
        self.programmes = programmes
        self._by_variant = {variant: programme for programme in programmes for variant in programme.variants}

    @classmethod
    def from_texts(cls, texts: Iterable[tuple[str, str]]) -> "ProgrammeNames":
        """(source id, text) pairs → the programmes they name, variants merged under one name."""
        written: dict[str, set[str]] = defaultdict(set)  # name as written → sources
        for source_id, text in texts:
            for name in mentions(text):
                written[name].add(source_id)
        # Same stem and the same first year (or no year): one programme. A different first year
        # is another programme (2011–2015 and 2016–2020 plans are different documents).
        groups: dict[tuple[str, str], list[str]] = defaultdict(list)
        undated: dict[str, list[str]] = defaultdict(list)
        for name in written:
            start, end = _period(name)
            if start or end:
                groups[(_stem(name), start or end)].append(name)
            else:
                undated[_stem(name)].append(name)
        groups = _merge_near_names(groups)
        for stem, names in undated.items():
            dated = [key for key in groups if key[0] == stem]
            if dated:
                best = max(dated, key=lambda key: len(set().union(*(written[n] for n in groups[key]))))
                groups[best].extend(names)
            else:
                groups.setdefault((stem, ""), []).extend(names)
        programmes = [_agreed(names, written) for names in groups.values()]
        programmes.sort(key=lambda programme: (-len(programme.source_ids), programme.name))
        return cls(programmes)

    def canonical(self, name: str) -> str:
        """The agreed name of a mention (the mention itself when the corpus never wrote it)."""
        programme = self._by_variant.get(name)
        return programme.name if programme else name

    def find(self, text: str) -> list[Programme]:
        """The programmes a text names, each once, in order of first mention."""
        found: list[Programme] = []
        for name in mentions(text):
            programme = self._by_variant.get(name)
            if programme is not None and programme not in found:
                found.append(programme)
        return found


def _merge_near_names(groups: dict[tuple[str, str], list[str]]) -> dict[tuple[str, str], list[str]]:
    """Groups of the same first year whose stems share nearly all words ("ở các cấp" / "các cấp")."""
    merged: dict[tuple[str, str], list[str]] = {}
    for key, names in groups.items():
        words = set(key[0].split())
        for other in merged:
            other_words = set(other[0].split())
            if other[1] == key[1] and len(words & other_words) >= NEAR_NAME * len(words | other_words):
                merged[other].extend(names)
                break
        else:
            merged[key] = list(names)
    return merged


def _agreed(names: list[str], written: dict[str, set[str]]) -> Programme:
    """The variant whose spelling and period the most documents share."""
    spelling = Counter()
    period = Counter()
    for name in names:
        spelling[_marked_stem(name)] += len(written[name])
        if any(_period(name)):
            period[_period(name)] += len(written[name])

    def support(name: str) -> tuple[int, int, int, int, int]:
        agreed_period = period[_period(name)] if any(_period(name)) else 0
        return spelling[_marked_stem(name)], agreed_period, len(written[name]), -sum(ch.isupper() for ch in name), len(name)

    ordered = sorted(names, key=support, reverse=True)
    sources = sorted(set().union(*(written[name] for name in names)))
    return Programme(name=ordered[0], variants=tuple(ordered), source_ids=tuple(sources))
