"""Normalisation for matching only: what the index compares, never what the user is shown.

Three folds, each a pure function of a string:
- `fold_tone`: one tone-mark placement (hoà = hòa, thuỷ = thủy, Uỷ = Ủy);
- `strip_diacritics`: the form people type on a phone without Vietnamese input (đ → d);
- `expand_abbreviations`: BĐG → bình đẳng giới, from `abbreviations.tsv` beside this file.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from knowledge.encodings import strip_format_characters

# Combining tone marks of Vietnamese (grave, acute, hook above, tilde, dot below).
_TONE_MARKS = {"\u0300", "\u0301", "\u0309", "\u0303", "\u0323"}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
ABBREVIATIONS_FILE = Path(__file__).with_name("abbreviations.tsv")

# Words that carry no topic: question words and function words. Matching ignores them,
# and the coverage check of abstention does not ask the best passage to contain them.
STOP_WORDS = frozenset(
    """
    à ạ ai anh bao bây bị các cách cái chỉ cho có còn của cùng đã đang để đến đều đi đó được gì
    gồm hãy hay hiện hỏi khi không là làm lên liệu mà mấy mình mọi một nào này nếu nhiều như những
    nó nữa ở phải qua ra rằng rồi sao sẽ tại thế theo thì thôi thuộc trong từ và vào về vì với xin
    ấy vậy bằng sau trước trên dưới giữa nhất hơn đây kia nên cần chị em ơi hôm nay nhiêu
    lâu tôi bạn ạ nhé nhỉ cảm ơn vui lòng giúp biết muốn hãy xem thử cụ
    """.split()
)
def nfc(text: str) -> str:
    """Unicode NFC: the one form every Vietnamese string takes inside binhdang."""
    return unicodedata.normalize("NFC", text)


def clean_question(question: str) -> str:
    """A question as typed → what is analysed: NFC, invisible format characters removed (a
    zero-width space pasted inside a word would split it), whitespace collapsed."""
    return " ".join(strip_format_characters(nfc(question)).split())


def has_words(question: str) -> bool:
    """True when a question holds something to search for: a letter or a digit, not only emoji or punctuation."""
    return any(char.isalnum() for char in clean_question(question))


_VOWELS = set("aăâeêioôơuưy")
_MARKED_VOWELS = set("ăâêôơư")
_NEW_STYLE_PAIRS = {"oa", "oe", "uy"}


def _tone_position(base: str) -> int:
    """Index of the letter that carries the tone in one fixed spelling (hoà, thuỷ: tone on the main vowel)."""
    lower = base.lower()
    positions = [i for i, ch in enumerate(lower) if ch in _VOWELS]
    # In 'qu' and 'gi' + vowel, the u / i belong to the consonant.
    if len(positions) > 1 and positions[0] == 1 and lower[:2] in ("qu", "gi"):
        positions = positions[1:]
    if not positions:
        return -1
    marked = [i for i in positions if lower[i] in _MARKED_VOWELS]
    if marked:
        return marked[-1]
    if len(positions) == 1:
        return positions[0]
    if len(positions) >= 3:
        return positions[1]
    if positions[-1] < len(lower) - 1:  # a final consonant follows the vowels
        return positions[-1]
    pair = lower[positions[0]] + lower[positions[1]]
    return positions[1] if pair in _NEW_STYLE_PAIRS else positions[0]


@lru_cache(maxsize=1 << 18)
def _fold_word_tone(word: str) -> str:
    # Cached: a corpus has a few tens of thousands of distinct words, and folding each
    # occurrence again was a quarter of tokenising time (profiled on a 10,000-passage build).
    decomposed = unicodedata.normalize("NFD", word)
    tones = [ch for ch in decomposed if ch in _TONE_MARKS]
    if len(tones) != 1:
        return word
    base = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONE_MARKS))
    position = _tone_position(base)
    if position < 0:
        return word
    # Both spellings of a syllable (hòa and hoà) come out as one.
    return unicodedata.normalize("NFC", base[: position + 1] + tones[0] + base[position + 1 :])


def fold_tone(text: str) -> str:
    """Give every syllable one tone-mark placement, so hoà/hòa and thuỷ/thủy compare equal."""
    return _WORD.sub(lambda match: _fold_word_tone(match.group(0)), nfc(text))


def _strip_character(character: str) -> str:
    decomposed = unicodedata.normalize("NFD", character)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.replace("đ", "d").replace("Đ", "D")


class _StripTable(dict):
    """str.translate table filled one character at a time, the first time it is met."""

    def __missing__(self, character_code: int) -> str:
        self[character_code] = stripped = _strip_character(chr(character_code))
        return stripped


_STRIP_TABLE = _StripTable()


def strip_diacritics(text: str) -> str:
    """Remove every diacritic (tone and vowel marks) and map đ to d: 'Bình đẳng' → 'Binh dang'."""
    # Character by character is the same as decomposing the whole text (decomposition is per
    # character; canonical reordering only moves combining marks, which are all dropped), and a
    # translate table makes it one C loop: it was an eighth of tokenising time.
    if text.isascii():
        return text
    return text.translate(_STRIP_TABLE)


# The same words typed without diacritics, less the bare forms that also spell a content word
# (co: cơ/cô, so: số/sở, ve: vé, tu: tư/tù...), which a question typed without marks may well mean.
STOP_SYLLABLES = frozenset(strip_diacritics(word) for word in STOP_WORDS) - {
    "co", "so", "ve", "tu", "the", "hon", "qua", "day", "chi", "mot", "nam", "hoi", "dong", "dang", "cung",
}


@lru_cache(maxsize=1 << 18)
def _strip_word(word: str) -> str:
    return strip_diacritics(word)


def has_diacritics(text: str) -> bool:
    """True when the text carries any Vietnamese mark (so it was typed with a Vietnamese keyboard)."""
    return strip_diacritics(text) != text


def match_key(text: str) -> str:
    """Lower-case, tone-folded form of a word or phrase, diacritics kept."""
    return fold_tone(text).lower()


def plain_key(text: str) -> str:
    """Lower-case, diacritic-free form of a word or phrase."""
    return strip_diacritics(nfc(text)).lower()


@lru_cache(maxsize=4)
def load_abbreviations(path: Path = ABBREVIATIONS_FILE) -> dict[str, str]:
    """Read the abbreviation table: one `ABBR<TAB>expansion` a line, `#` starts a comment."""
    table: dict[str, str] = {}
    for raw_line in path.read_text(encoding="utf-8").splitlines():
        line = raw_line.split("#", 1)[0].strip()
        if not line:
            continue
        abbreviation, _, expansion = line.partition("\t")
        if abbreviation.strip() and expansion.strip():
            table[nfc(abbreviation.strip())] = nfc(expansion.strip())
    return table


@lru_cache(maxsize=4)
def _abbreviation_lookup(path: Path = ABBREVIATIONS_FILE) -> dict[str, str]:
    # Exact spelling always matches; the lower-case diacritic-free spelling (bdg, ubnd, kh, nd)
    # for abbreviations of three letters or more, and for shorter ones that cannot be a Vietnamese
    # syllable (no vowel: 'kh', 'nd', 'tt', 'tp'), since a two-letter one with a vowel ('ub') may
    # be a word typed bare.
    lookup: dict[str, str] = {}
    for abbreviation, expansion in load_abbreviations(path).items():
        lookup[abbreviation] = expansion
        bare = plain_key(abbreviation)
        letters = bare.replace("&", "").replace("-", "")
        if len(letters) >= 3 or not any(vowel in letters for vowel in "aeiouy"):
            lookup.setdefault(bare, expansion)
    return lookup


_ABBREVIATION_TOKEN = re.compile(r"[^\W_][\w&\-]*[^\W_]|[^\W_]", re.UNICODE)


def abbreviation_expansions(text: str, path: Path = ABBREVIATIONS_FILE) -> list[str]:
    """The expansions of the abbreviations a text contains, in order of appearance."""
    lookup = _abbreviation_lookup(path)
    found: list[str] = []
    for match in _ABBREVIATION_TOKEN.finditer(nfc(text)):
        token = match.group(0)
        expansion = lookup.get(token) or lookup.get(plain_key(token))
        if expansion is None and "-" in token:
            # "NĐ-CP" is listed whole; "LĐ-TBXH"-style variants are tried part by part.
            for part in token.split("-"):
                part_expansion = lookup.get(part)
                if part_expansion:
                    found.append(part_expansion)
            continue
        if expansion:
            found.append(expansion)
    return found


def replace_abbreviations(text: str, path: Path = ABBREVIATIONS_FILE) -> str:
    """The text with each known abbreviation replaced by its expansion (for matching only)."""
    lookup = _abbreviation_lookup(path)

    def substitute(match: re.Match[str]) -> str:
        token = match.group(0)
        return lookup.get(token) or lookup.get(plain_key(token)) or token

    return _ABBREVIATION_TOKEN.sub(substitute, nfc(text))


def expand_abbreviations(text: str, path: Path = ABBREVIATIONS_FILE) -> str:
    """The text followed by the expansions of its abbreviations (for matching, never for display)."""
    expansions = abbreviation_expansions(text, path)
    return text if not expansions else text + " " + " ".join(expansions)


def content_syllables(text: str) -> list[str]:
    """Diacritic-free lower-case syllables of a text without stop words, in order.

    A syllable typed with its marks is a stop word only when the marked form is one (so 'cơ'
    stays while 'có' goes); a syllable typed bare is judged by the bare list.
    """
    syllables = []
    for word in _WORD.findall(match_key(text)):
        bare = _strip_word(word)
        is_stop = word in STOP_WORDS if bare != word else bare in STOP_SYLLABLES
        if not is_stop:
            syllables.append(bare)
    return syllables


def syllables_of(text: str, *, marked: bool) -> list[str]:
    """Content syllables of a text, tone-folded with their marks (marked) or bare, stop words out."""
    if not marked:
        return content_syllables(text)
    return [word for word in _WORD.findall(match_key(text)) if word not in STOP_WORDS]


def matching_terms(text: str) -> set[str]:
    """The set of content syllables (lower-case, diacritic-free) a text is matched on."""
    return set(content_syllables(text))
