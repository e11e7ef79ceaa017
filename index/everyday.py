"""Everyday words read as the documents' words, for matching only.

People ask "có bầu thì bị đuổi việc không?"; the law says "mang thai" and "sa thải". The table
`everyday.tsv` beside this file maps an everyday phrase to the legal phrase (or phrases, `|`
between them) a document would use. It is applied to questions only, never to documents and
never to what the user is shown:

- `everyday_expansions`: the legal phrases of the everyday phrases a question holds; the
  searcher adds their terms to the question's BM25 query (each alternative may find passages);
- `replace_everyday`: the question with each everyday phrase replaced by its first legal phrase;
  the coverage check reads that, so "có bầu" counts as covered where a passage says "mang thai"
  and does not count as a word the corpus has never seen.

A phrase typed with its marks matches only with the same marks (tone placement folded: "bầu"
is not "bâu"); a phrase of two syllables or more also matches typed bare ("co bau"), where a
lone bare syllable would be too ambiguous ("de" is đẻ, để, đề …).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from index.normalise import match_key, nfc, plain_key

EVERYDAY_FILE = Path(__file__).with_name("everyday.tsv")


@dataclass(frozen=True)
class EverydayEntry:
    phrase: str  # as written in the table
    legal: tuple[str, ...]  # the documents' phrases, the first being the closest


@lru_cache(maxsize=4)
def load_lexicon(path: Path = EVERYDAY_FILE) -> tuple[EverydayEntry, ...]:
    """Read the table: `everyday phrase<TAB>legal phrase|other legal phrase`, `#` starts a comment."""
    entries = []
    for raw_line in path.read_text(encoding="utf-8").splitlines():
        line = raw_line.split("#", 1)[0].strip()
        phrase, _, legal = line.partition("\t")
        alternatives = tuple(nfc(part.strip()) for part in legal.split("|") if part.strip())
        if phrase.strip() and alternatives:
            entries.append(EverydayEntry(nfc(phrase.strip()), alternatives))
    return tuple(entries)


@dataclass(frozen=True)
class _CompiledEntry:
    entry: EverydayEntry
    marked: re.Pattern[str]  # the phrase over the marked matching key
    bare: re.Pattern[str] | None  # … over the bare key, for phrases of two syllables or more
    legal: tuple[re.Pattern[str], ...]  # its legal phrases over the marked key


@lru_cache(maxsize=4)
def _patterns(path: Path = EVERYDAY_FILE) -> tuple[_CompiledEntry, ...]:
    """Every entry's patterns, compiled once per table, longest phrases first."""
    return tuple(
        _CompiledEntry(
            entry,
            _phrase_pattern(match_key(entry.phrase)),
            _phrase_pattern(plain_key(entry.phrase)) if len(entry.phrase.split()) >= 2 else None,
            tuple(_phrase_pattern(match_key(legal)) for legal in entry.legal),
        )
        for entry in sorted(load_lexicon(path), key=lambda e: -len(e.phrase))
    )


def _phrase_pattern(key: str) -> re.Pattern[str]:
    syllables = [re.escape(syllable) for syllable in key.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(syllables) + r"(?!\w)")


def _matches(text: str, path: Path) -> list[tuple[int, int, EverydayEntry]]:
    """Non-overlapping (start, end, entry) spans of everyday phrases, longest phrase first.

    `match_key` and `plain_key` keep a text's length (they fold case, tone placement and
    marks character by character), so a span found in a key is the same span in the text.
    """
    marked_text, bare_text = match_key(text), plain_key(text)
    if len(marked_text) != len(text) or len(bare_text) != len(text):
        return []  # a fold that changed the length: matching would misplace the spans
    taken: list[tuple[int, int, EverydayEntry]] = []
    for compiled in _patterns(path):
        for pattern, key in ((compiled.marked, marked_text), (compiled.bare, bare_text)):
            if pattern is None:
                continue
            for found in pattern.finditer(key):
                start, end = found.span()
                free = all(end <= s or start >= e for s, e, _ in taken)
                if free and not _within_legal(marked_text, start, end, compiled.legal):
                    taken.append((start, end, compiled.entry))
    return sorted(taken, key=lambda span: span[0])


def _within_legal(marked_text: str, start: int, end: int, legal: tuple[re.Pattern[str], ...]) -> bool:
    """Whether the phrase found is part of the legal phrase itself ('con nhỏ' inside 'nuôi con
    nhỏ', 'làm thêm' inside 'làm thêm giờ'): then the question already speaks the documents' words."""
    for pattern in legal:
        for found in pattern.finditer(marked_text):
            if found.start() < end and start < found.end():
                return True
    return False


def everyday_expansions(text: str, path: Path = EVERYDAY_FILE) -> list[str]:
    """Every legal phrase of the everyday phrases in a text, in order of appearance, each once."""
    text = nfc(text)
    seen: dict[str, None] = {}
    for _, _, entry in _matches(text, path):
        for legal in entry.legal:
            seen.setdefault(legal, None)
    return list(seen)


def replace_everyday(text: str, path: Path = EVERYDAY_FILE) -> str:
    """The text with each everyday phrase replaced by its closest legal phrase (for matching only)."""
    text = nfc(text)
    pieces, cursor = [], 0
    for start, end, entry in _matches(text, path):
        pieces.extend([text[cursor:start], entry.legal[0]])
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)
