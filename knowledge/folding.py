"""Text folded for matching phrases whether or not the writer typed diacritics.

Questions arrive as "Ai ký kế hoạch" and as "ai ky ke hoach"; the knowledge room's phrase
tables (roles, levels, currency) match on one folded form so both read the same.
"""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^\w,/]+", re.UNICODE)


def strip_marks(text: str) -> str:
    """Vietnamese text without tone and vowel marks: 'Điều hiện hành' → 'Dieu hien hanh'."""
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFC", bare.replace("đ", "d").replace("Đ", "D"))


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
