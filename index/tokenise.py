"""Vietnamese tokenisation for matching: words, syllables and whole document numbers.

underthesea splits `125/2021/NĐ-CP` into five tokens and `15%` into two, so the things a
civil servant searches by (document numbers, dates, percentages, year ranges) are found
first and kept whole; the text between them is word-segmented by underthesea.

`analyse(text)` returns the terms of each lexical field:
- `words`: tone-folded, lower-case words (`bình_đẳng`), stop words out, plus whole numbers/dates;
- `plain`: diacritic-free syllables and syllable pairs (`binh`, `binh_dang`), so that a
  question typed without marks matches a document written with them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from index.normalise import (
    STOP_SYLLABLES,
    STOP_WORDS,
    abbreviation_expansions,
    has_diacritics,
    match_key,
    nfc,
    strip_diacritics,
)

# 2: document numbers typed in lower case; 3: two-letter abbreviations without a vowel typed in lower case
TOKENISER_ID = "underthesea-word_tokenize+protected-spans/3"

_LETTER = "A-Za-zÀ-ỹĐđ"
_CODE = rf"[{_LETTER}0-9&.]*[{_LETTER}0-9&]"
# Document numbers: 125/2021/NĐ-CP, 73/2006/QH11, 680/KH-SKHCN, 11-NQ/TW, 8935/BNV-CTTN&BĐG,
# and numbers left blank as issued (/KH-KHCN).
# Typed in lower case on a phone ('48/2009/nd-cp', '95/kh-ubnd', '73/2006/qh11'), a number
# needs its leading digits and either a dash or a code with digits, so that 'và/hoặc' is no number.
_DOC_NUMBER = (
    rf"(?:\d+(?:-[A-ZĐ]{{1,8}})?(?:/\d{{4}})?)?/[A-ZĐ]{_CODE}?(?:-{_CODE})*"
    r"|\d+-[A-ZĐ]{1,8}/[A-ZĐ]{1,8}"
    rf"|\d+(?:/\d{{4}})?/[{_LETTER}]{{1,8}}(?:-[{_LETTER}0-9&]{{1,12}})+"
    rf"|\d+/\d{{4}}/[{_LETTER}]{{2,4}}\d{{1,3}}"
)
_DATE = r"\d{1,2}/\d{1,2}/\d{4}|\d{1,2}-\d{1,2}-\d{4}|\d{1,2}/\d{1,2}(?![/\d])"
_PERCENT = r"\d+(?:[.,]\d+)?\s?%"
_YEAR_RANGE = r"(?:19|20)\d{2}\s?[-–]\s?(?:19|20)\d{2}"
_PROTECTED = re.compile(
    rf"(?<![\w/])(?:(?P<number>{_DOC_NUMBER})|(?P<range>{_YEAR_RANGE})|(?P<date>{_DATE})|(?P<percent>{_PERCENT}))",
    re.UNICODE,
)
_SYLLABLE = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True)
class Analysis:
    """The matching terms of one text, field by field."""

    words: tuple[str, ...]
    plain: tuple[str, ...]
    protected: tuple[str, ...]  # the whole numbers, dates, percentages and ranges found


@lru_cache(maxsize=1)
def _word_tokenize():
    # Imported here, and only the tokenizer: underthesea's top level pulls in transformers (~3 s).
    from underthesea.pipeline.word_tokenize import word_tokenize

    return word_tokenize


def _protected_keys(kind: str, surface: str) -> list[str]:
    """Matching keys of a protected span: the whole, plus the parts people also type alone."""
    compact = re.sub(r"\s+", "", surface)
    if kind == "date":
        parts = [str(int(part)) for part in re.split(r"[/-]", compact)]
        keys = ["/".join(parts)]
        if len(parts) == 3:
            keys.append("/".join(parts[:2]))
        return keys
    if kind == "range":
        years = re.findall(r"\d{4}", compact)
        return ["-".join(years), *years]
    if kind == "number":
        key = match_key(compact)
        keys = [key]
        leading = re.match(r"\d+", key)
        if leading:
            keys.append(leading.group(0))
        return keys
    return [compact]


def split_protected(text: str) -> list[tuple[str, str]]:
    """Cut a text into ('text', chunk) and (kind, span) pieces, spans being whole numbers/dates."""
    pieces: list[tuple[str, str]] = []
    cursor = 0
    for match in _PROTECTED.finditer(text):
        if match.start() > cursor:
            pieces.append(("text", text[cursor : match.start()]))
        pieces.append((match.lastgroup or "number", match.group(0)))
        cursor = match.end()
    if cursor < len(text):
        pieces.append(("text", text[cursor:]))
    return pieces


def analyse_protected(text: str) -> list[str]:
    """The whole-span keys (document numbers, dates, percentages, year ranges) of a text."""
    keys: list[str] = []
    for kind, piece in split_protected(nfc(text)):
        if kind != "text":
            keys.extend(_protected_keys(kind, piece))
    return keys


def _is_stop_word(word_key: str) -> bool:
    return all(syllable in STOP_WORDS for syllable in word_key.split("_"))


def _plain_terms(syllables: list[str]) -> list[str]:
    terms = [syllable for syllable in syllables if syllable not in STOP_SYLLABLES]
    # Pairs are taken before stop words go, so 'co so' (cơ sở) still pairs even though
    # each half alone says little.
    terms.extend(
        f"{first}_{second}"
        for first, second in zip(syllables, syllables[1:])
        if not (first in STOP_SYLLABLES and second in STOP_SYLLABLES)
    )
    return terms


def analyse(text: str, *, segment: bool = True) -> Analysis:
    """Turn a passage or a question into matching terms (abbreviations expanded).

    Text typed without diacritics is not word-segmented: underthesea's model reads marked
    Vietnamese, and such a question is matched on the `plain` field anyway. `segment=False`
    skips underthesea for any text (`words` then holds only the whole numbers and dates);
    `plain` and `protected` are the same either way.
    """
    text = nfc(text)
    segment_words = segment and has_diacritics(text)
    words: list[str] = []
    plain: list[str] = []
    protected: list[str] = []
    for chunk in [text, *abbreviation_expansions(text)]:
        for kind, piece in split_protected(chunk):
            if kind != "text":
                keys = _protected_keys(kind, piece)
                protected.append(keys[0])
                words.extend(keys)
                plain.extend(strip_diacritics(key) for key in keys)
                continue
            syllables = [strip_diacritics(s) for s in _SYLLABLE.findall(match_key(piece))]
            plain.extend(_plain_terms(syllables))
            if segment_words:
                for token in _word_tokenize()(piece):
                    key = match_key(token).replace(" ", "_")
                    if _SYLLABLE.search(key) and not _is_stop_word(key):
                        words.append(key)
    return Analysis(words=tuple(words), plain=tuple(plain), protected=tuple(protected))
