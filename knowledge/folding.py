"""Text folded for matching phrases whether or not the writer typed diacritics.

Questions arrive as "Ai ký kế hoạch" and as "ai ky ke hoach"; the knowledge room's phrase
tables (roles, levels, currency) match on one folded form so both read the same.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

_NON_WORD = re.compile(r"[^\w,/]+", re.UNICODE)
_COMBINING = re.compile(r"[\u0300-\u036f]")


@cache
def _bare_table() -> dict[int, str]:
    """Each precomposed Latin letter with marks → its bare letter (built once, on first use)."""
    table = {ord("đ"): "d", ord("Đ"): "D"}
    for code in range(0x00C0, 0x1EFA):
        char = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
        if base != char and len(base) == 1 and base.isascii():
            table[code] = base
    return table


def strip_marks(text: str) -> str:
    """Vietnamese text without tone and vowel marks: 'Điều hiện hành' → 'Dieu hien hanh'."""
    text = unicodedata.normalize("NFC", text).translate(_bare_table())
    if text.isascii() or not _COMBINING.search(text):
        return text
    # Marks left as combining characters (text that was not precomposed): drop them.
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Lower-case, mark-free, punctuation reduced to single spaces (commas kept, they separate
    lists such as 'xã, phường'): the form every phrase pattern of this room is written in."""
    folded = strip_marks(text).lower()
    folded = _NON_WORD.sub(" ", folded)
    folded = re.sub(r"\s*,\s*", ", ", folded)
    return " ".join(folded.split())


def has_marks(text: str) -> bool:
    """Whether the text carries any Vietnamese diacritic (so marked-only patterns can apply)."""
    return strip_marks(text) != text
