"""Which encoding a file's Vietnamese text was written in, and that text as NFC Unicode.

Offices still hold text typed with the pre-Unicode Vietnamese fonts:

- **VNI** (VNI-Times …): a marked vowel is the plain vowel followed by one mark byte
  ("nhân" is stored as ``nha`` + 0xE2, "Điều" as 0xD1 ``ie`` 0xE0 ``u``), so read as
  Windows-1252 it shows as "Ñieàu", "nhaân";
- **TCVN3 / ABC** (.VnTime …): each lower-case marked vowel is one byte in 0xA1–0xFE
  ("bình đẳng giới" shows as "b×nh ®¼ng giíi"); capitals with tone marks have no byte of
  their own (a separate upper-case font draws the lower-case bytes as capitals).

Both tables are below as data. Detection does not trust any single byte: each plausible
reading of the bytes is tried and the one whose words are Vietnamese syllables wins; a text
that reads as Vietnamese in none of them is refused, never indexed as mojibake. Real code
pages (UTF-16 without a byte-order mark, Windows-1258 …) are left to charset-normalizer.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from knowledge.errors import UnreadableDocument

# ---------------------------------------------------------------- the legacy tables (data)

_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_CIRCUMFLEX, _BREVE = "\u0302", "\u0306"
TONE_MARKS = frozenset({_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT})

# VNI-Windows: byte (as Windows-1252 shows it) → what it stands for. Mark bytes become
# combining marks that attach to the letter before them; NFC then composes the letter.
VNI = {
    # tone marks on a plain vowel (lower-case byte, upper-case byte)
    "ù": _ACUTE, "Ù": _ACUTE, "ø": _GRAVE, "Ø": _GRAVE, "û": _HOOK, "Û": _HOOK,
    "õ": _TILDE, "Õ": _TILDE, "ï": _DOT, "Ï": _DOT,
    # circumflex, alone or with a tone (â ê ô)
    "â": _CIRCUMFLEX, "Â": _CIRCUMFLEX,
    "á": _CIRCUMFLEX + _ACUTE, "Á": _CIRCUMFLEX + _ACUTE,
    "à": _CIRCUMFLEX + _GRAVE, "À": _CIRCUMFLEX + _GRAVE,
    "å": _CIRCUMFLEX + _HOOK, "Å": _CIRCUMFLEX + _HOOK,
    "ã": _CIRCUMFLEX + _TILDE, "Ã": _CIRCUMFLEX + _TILDE,
    "ä": _CIRCUMFLEX + _DOT, "Ä": _CIRCUMFLEX + _DOT,
    # breve, alone or with a tone (ă)
    "ê": _BREVE, "Ê": _BREVE,
    "é": _BREVE + _ACUTE, "É": _BREVE + _ACUTE,
    "è": _BREVE + _GRAVE, "È": _BREVE + _GRAVE,
    "ú": _BREVE + _HOOK, "Ú": _BREVE + _HOOK,
    "ü": _BREVE + _TILDE, "Ü": _BREVE + _TILDE,
    "ë": _BREVE + _DOT, "Ë": _BREVE + _DOT,
    # letters with a byte of their own
    "ô": "ơ", "Ô": "Ơ", "ö": "ư", "Ö": "Ư", "ñ": "đ", "Ñ": "Đ",
    "í": "í", "Í": "Í", "ì": "ì", "Ì": "Ì", "æ": "ỉ", "Æ": "Ỉ",
    "ó": "ĩ", "Ó": "Ĩ", "ò": "ị", "Ò": "Ị", "î": "ỵ", "Î": "Ỵ",
}

# TCVN3 (TCVN 5712:1993 VN3, the ABC fonts): byte value → letter. 0x80–0x9F stay Windows-1252
# punctuation (typed quotes and dashes), as the ABC fonts draw them.
TCVN3 = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
    # capitals that TCVN 5712 (VN1) places in VN3's unused cells
    0xAF: "Ằ", 0xBA: "Ẳ", 0xBF: "Ẵ", 0xC0: "Ắ", 0xC1: "Ầ", 0xC2: "Ẩ", 0xC3: "Ẫ", 0xC4: "Ấ",
    0xC5: "Ề", 0xCD: "Ể", 0xD9: "Ễ", 0xDA: "Ế", 0xDB: "Ồ", 0xE0: "Ổ", 0xF0: "Ỗ", 0xFF: "Ố",
}

# Labels an admin reads in the build summary.
LABELS = {
    "utf-8": "UTF-8",
    "utf-16": "UTF-16",
    "utf-16-le": "UTF-16 LE",
    "utf-16-be": "UTF-16 BE",
    "utf-32": "UTF-32",
    "utf-32-le": "UTF-32 LE",
    "utf-32-be": "UTF-32 BE",
    "cp1258": "Windows-1258",
    "vni": "VNI (phông VNI-Windows)",
    "tcvn3": "TCVN3 (phông ABC)",
    "utf-8-as-cp1252": "UTF-8 từng bị đọc nhầm thành Windows-1252",
}



def encoding_label(encoding: str) -> str:
    """An encoding as an admin reads it ("VNI (phông VNI-Windows)"); the codec name when unlisted."""
    return LABELS.get(encoding, encoding)


# Characters that take no room and change nothing a reader sees, but split or glue words for
# a machine: zero-width space / joiners, word joiner, byte-order mark, soft hyphen, direction marks.
FORMAT_CHARACTERS = frozenset(
    "\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_FORMAT_RE = re.compile("[" + "".join(sorted(FORMAT_CHARACTERS)) + "]")
# The soft hyphen's byte is TCVN3's ư: it stays in the text until the encoding is settled.
_ZERO_WIDTH_RE = re.compile("[" + "".join(sorted(FORMAT_CHARACTERS - {"\u00ad"})) + "]")


def strip_format_characters(text: str) -> str:
    """Remove zero-width and other invisible format characters (U+200B–U+200D, U+FEFF, soft hyphen …)."""
    return _FORMAT_RE.sub("", text)


# ---------------------------------------------------------------- bytes ↔ Windows-1252 view

# A legacy-font file read as Windows-1252 (or as Latin-1, for the five bytes 1252 leaves
# undefined) shows these characters; each one stands for one byte of the original.
_BYTE_OF: dict[str, int] = {}
for _byte in range(0x80, 0x100):
    _BYTE_OF[bytes([_byte]).decode("latin-1")] = _byte
    try:
        _BYTE_OF[bytes([_byte]).decode("cp1252")] = _byte
    except UnicodeDecodeError:
        pass


def _from_vni(text: str) -> str:
    return unicodedata.normalize("NFC", "".join(VNI.get(char, char) for char in text))


def _from_tcvn3(text: str) -> str:
    out = []
    for char in text:
        byte = _BYTE_OF.get(char)
        out.append(TCVN3.get(byte, char) if byte is not None else char)
    return _restore_capitals(unicodedata.normalize("NFC", "".join(out)))


def _from_misread_utf8(text: str) -> str:
    data = bytearray()
    for char in text:
        if char.isascii():
            data.append(ord(char))
        elif char in _BYTE_OF:
            data.append(_BYTE_OF[char])
        else:
            raise ValueError("not a Windows-1252 view of bytes")
    return data.decode("utf-8")


_LETTERS = re.compile(r"[^\W\d_]+")


def _restore_capitals(text: str) -> str:
    """TCVN3 has no capitals with tone marks: the upper-case font draws lower-case bytes.
    A word whose other letters are capitals, or a line with no lower-case ASCII letter, was
    written in capitals; its lower-case marked vowels are made capitals again."""

    def fix_line(line: str) -> str:
        ascii_letters = [char for char in line if char.isascii() and char.isalpha()]
        if len(ascii_letters) >= 2 and not any(char.islower() for char in ascii_letters):
            return line.upper()
        return _LETTERS.sub(fix_word, line)

    def fix_word(match: re.Match[str]) -> str:
        word = match.group(0)
        capitals = sum(1 for char in word if char.isupper())
        lower_marked = [char for char in word if char.islower() and not char.isascii()]
        lower_plain = [char for char in word if char.islower() and char.isascii()]
        if capitals >= 2 and lower_marked and not lower_plain:
            return word.upper()
        return word

    return "\n".join(fix_line(line) for line in text.split("\n"))


# ---------------------------------------------------------------- is this Vietnamese?

_INITIALS = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|đ|g|h|k|l|m|n|p|r|s|t|v|x"
_NUCLEI = (
    "iêu|oai|oao|oay|oeo|uây|uôi|uya|uyê|uyu|ươi|ươu|yêu|"
    "ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|oo|ôi|ơi|ua|uâ|uê|ui|uô|uơ|uy|ưa|ưi|ươ|ưu|yê|"
    "a|ă|â|e|ê|i|o|ô|ơ|u|ư|y"
)
_FINALS = "ch|nh|ng|c|m|n|p|t"
_SYLLABLE = re.compile(rf"(?:{_INITIALS})?(?:{_NUCLEI})(?:{_FINALS})?")
_CONSONANTS = set("bcdđghklmnpqrstvx")
# Inside a whitespace-separated token, these separate words (ASCII punctuation and digits, and
# the typographic punctuation Vietnamese texts use); anything else belongs to the word.
_SEPARATORS = re.compile(r"[\x00-\x40\x5b-\x60\x7b-\x7f«»“”‘’–—…•]+")
_SAMPLE_CHARS = 200_000


def is_vietnamese_syllable(word: str) -> bool:
    """True for a written Vietnamese syllable (any case, at most one tone mark): 'Nghiêng', 'ĐẲNG'."""
    # Older Vietnamese pages often write Đ with the look-alike Icelandic eth (Ð).
    decomposed = unicodedata.normalize("NFD", word.lower().replace("ð", "đ"))
    tones = 0
    base = ""
    for char in decomposed:
        if not unicodedata.combining(char):
            base = char
        elif char in TONE_MARKS:
            tones += 1
            if base not in "aeiouy":  # a tilde or acute on a consonant: ñ, ń are not Vietnamese
                return False
    if tones > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(char for char in decomposed if char not in TONE_MARKS))
    return _SYLLABLE.fullmatch(bare) is not None


@dataclass(frozen=True)
class Verdict:
    """How many of a text's non-ASCII words are Vietnamese syllables, with a few that are not."""

    good: int
    bad: int
    examples: tuple[str, ...] = ()

    @property
    def bad_share(self) -> float:
        total = self.good + self.bad
        return self.bad / total if total else 0.0

    @property
    def reads_as_vietnamese(self) -> bool:
        """At most one word in ten unreadable (foreign names, typos), or too few words to judge."""
        return self.bad < 3 or self.bad_share <= 0.1


def judge(text: str) -> Verdict:
    """Count the words carrying non-ASCII letters that are, and are not, Vietnamese syllables."""
    good = bad = 0
    examples: list[str] = []
    for token in _ZERO_WIDTH_RE.sub("", _sample(text)).split():
        for piece in _SEPARATORS.split(token):
            if not piece or piece.isascii():
                continue
            letters = {char for char in unicodedata.normalize("NFD", piece.lower()) if not unicodedata.combining(char)}
            if letters <= _CONSONANTS:
                continue  # an abbreviation without vowels: BĐG, NĐ, HĐND
            if is_vietnamese_syllable(piece):
                good += 1
            else:
                bad += 1
                shown = token if len(token) <= 24 else token[:23] + "…"
                if len(examples) < 3 and shown not in examples:
                    examples.append(shown)
    return Verdict(good, bad, tuple(examples))


def _sample(text: str) -> str:
    """The whole text when short; else its beginning, middle and end (judging is per word)."""
    if len(text) <= _SAMPLE_CHARS:
        return text
    third = _SAMPLE_CHARS // 3
    middle = len(text) // 2
    return "\n".join((text[:third], text[middle : middle + third], text[-third:]))


# ---------------------------------------------------------------- reading bytes and texts


@dataclass(frozen=True)
class Decoded:
    """A text and the encoding it was read in ("utf-8", "cp1258", "vni", "tcvn3" …)."""

    text: str
    encoding: str

    @property
    def label(self) -> str:
        return encoding_label(self.encoding)


_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_CONTROL = {chr(code) for code in range(32)} - {"\t", "\n", "\x0b", "\x0c", "\r"}
_LEGACY_REPAIRS = (("vni", _from_vni), ("tcvn3", _from_tcvn3), ("utf-8-as-cp1252", _from_misread_utf8))


def decode_bytes(data: bytes) -> Decoded:
    """Decode a text file: a byte-order mark, else UTF-8, else the reading that is Vietnamese.

    The candidates for a file that is not UTF-8 are charset-normalizer's best guess (it knows
    real code pages, UTF-16 without a mark included), Windows-1258, VNI and TCVN3. Raises
    UnreadableDocument when the bytes are binary or read as Vietnamese in none of them.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(Decoded(data[len(bom):].decode(encoding), encoding))
            except UnicodeDecodeError as error:
                raise UnreadableDocument(
                    f"tệp bắt đầu bằng dấu BOM của {encoding.upper()} nhưng nội dung không phải {encoding.upper()}"
                ) from error
    try:
        return _checked(Decoded(data.decode("utf-8"), "utf-8"))
    except UnicodeDecodeError:
        pass
    candidates = _code_page_candidates(data)
    if not candidates:
        raise UnreadableDocument("tệp chứa dữ liệu nhị phân, không phải văn bản")
    return _checked(_best(candidates))


def _code_page_candidates(data: bytes) -> list[Decoded]:
    candidates: list[Decoded] = []
    guess = _charset_normalizer_guess(data)
    if guess is not None:
        candidates.append(guess)
    if b"\x00" in data and guess is None:
        return []  # NUL bytes and no wide encoding explains them: binary
    if b"\x00" not in data:
        # What Windows shows for the bytes: the view both legacy-font tables are written against.
        cp1252_view = data.decode("latin-1").translate(_CP1252_PUNCTUATION)
        candidates.append(Decoded(data.decode("cp1258", errors="replace"), "cp1258"))
        candidates.append(Decoded(_from_vni(cp1252_view), "vni"))
        candidates.append(Decoded(_from_tcvn3(cp1252_view), "tcvn3"))
    return candidates


# TCVN3 keeps Windows-1252's punctuation in 0x80–0x9F; the rest of its bytes go through TCVN3.
_CP1252_PUNCTUATION = {
    code: bytes([code]).decode("cp1252") for code in range(0x80, 0xA0) if code not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}


def _charset_normalizer_guess(data: bytes) -> Decoded | None:
    from charset_normalizer import from_bytes  # imported here: only files that are not UTF-8 need it

    best = from_bytes(data).best()
    if best is None:
        return None
    encoding = best.encoding.replace("_", "-").lower()
    if encoding in ("utf-8", "ascii"):
        return None
    return Decoded(str(best), encoding)


def _best(candidates: list[Decoded]) -> Decoded:
    """The reading with the fewest unreadable words (then the most readable ones); first wins ties."""
    scored = [(judge(candidate.text), position, candidate) for position, candidate in enumerate(candidates)]
    verdict, _, chosen = min(scored, key=lambda item: (item[0].bad - item[0].good * 0.01, item[0].bad_share, item[1]))
    if not verdict.reads_as_vietnamese:
        raise _mojibake(verdict)
    return chosen


def repair_text(text: str) -> Decoded:
    """A decoded text that may still hold legacy-font letters (a Word file typed in .VnTime, a web
    page in VNI-Times, a file once misread as Windows-1252): converted when a legacy reading is
    Vietnamese, refused when no reading is. Returns the encoding "" when nothing needed converting."""
    if judge(text).bad == 0:
        return Decoded(text, "")
    candidates = [Decoded(text, "")]
    for encoding, repair in _LEGACY_REPAIRS:
        try:
            candidates.append(Decoded(repair(text), encoding))
        except ValueError:  # UnicodeDecodeError included: this reading does not apply
            continue
    return _best(candidates)


def _checked(decoded: Decoded) -> Decoded:
    if any(char in _CONTROL for char in decoded.text):
        raise UnreadableDocument("tệp chứa dữ liệu nhị phân (ký tự điều khiển), không phải văn bản")
    if decoded.encoding in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "utf-16", "utf-32"):
        repaired = repair_text(decoded.text)  # Unicode that still holds a legacy font's letters
        if repaired.encoding:
            return repaired
    return decoded


def _mojibake(verdict: Verdict) -> UnreadableDocument:
    shown = ", ".join(f"«{example}»" for example in verdict.examples)
    return UnreadableDocument(
        f"chữ không đọc được thành tiếng Việt ({verdict.bad}/{verdict.good + verdict.bad} từ có dấu không phải "
        f"âm tiết tiếng Việt, ví dụ {shown}); "
        "bảng mã không phải UTF-8, UTF-16, Windows-1258, VNI hay TCVN3: hãy lưu lại tệp dưới dạng Unicode (UTF-8)"
    )
