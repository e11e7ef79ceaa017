"""Pure text work for trainers' briefs: sentences, figures and dates, review questions, near-duplicates.

Everything returned here is a verbatim slice of the text it was given (a quotation), except
the wording of a review question, which is the quoted clause with its figure asked about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.normalise import match_key, plain_key
from index.tokenise import split_protected
from knowledge.sentences import split_sentences

_LIST_MARK = re.compile(r"^(?:[-–•+]\s*|\d+(?:\.\d+)*\.\s+|[a-zđ]\)\s*)")


@dataclass(frozen=True)
class Figure:
    """A figure or date found in a sentence: the span as written, what kind it is, the sentence."""

    value: str
    kind: str  # percent, quantity, date, period, deadline, years, number
    sentence: str


FIGURE_KIND_NAMES = {
    "percent": "tỷ lệ",
    "quantity": "số lượng, thời hạn",
    "period": "khoảng thời gian",
    "deadline": "hạn",
    "date": "ngày",
    "years": "giai đoạn",
    "number": "số hiệu văn bản",
}

_DAY_MONTH = r"\d{1,2}/\d{1,2}(?:/\d{4})?"
_WORD_DATE = r"ngày\s+\d{1,2}\s+tháng\s+\d{1,2}(?:\s+năm\s+\d{4})?"
# Checked in this order; a span already claimed by an earlier kind is not claimed again.
_FIGURE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "period",
        re.compile(
            rf"(?:từ\s+)?(?:ngày\s+)?{_DAY_MONTH}\s*(?:[-–]|đến(?:\s+hết)?(?:\s+ngày)?)\s*(?:ngày\s+)?{_DAY_MONTH}"
        ),
    ),
    (
        "deadline",
        re.compile(rf"(?:trước|chậm nhất|hạn chót|muộn nhất)(?:\s+là)?\s+(?:{_WORD_DATE}|ngày\s+{_DAY_MONTH})"),
    ),
    (
        "date",
        re.compile(
            rf"{_WORD_DATE}|ngày\s+{_DAY_MONTH}|(?<![\d/])\d{{1,2}}/\d{{1,2}}/\d{{4}}"
            r"|tháng\s+\d{1,2}(?:\s+năm\s+|/)\d{4}"  # "tháng 4 năm 2024": a month, never "4 năm"
        ),
    ),
    ("years", re.compile(r"(?:giai đoạn\s+|từ năm\s+)?(?:19|20)\d{2}\s?[-–]\s?(?:19|20)?\d{2,4}\b")),
    ("percent", re.compile(r"\d+(?:[.,]\d+)?\s?%")),
    (
        "quantity",
        re.compile(
            # Not a month or a year ("tháng 4 năm 2024", "năm 2025"), not part of a document number.
            r"(?<![\w/.,\-])(?<!tháng )(?<!năm )(?<!số )\d+(?:[.,]\d+)?\s+"
            r"(?:ngày làm việc|tháng tuổi|tháng|ngày|tuần|phút|giờ|năm|tuổi|lần|người|lao động)\b(?!\s*\d)"
        ),
    ),
)


def sentences(text: str) -> list[str]:
    """The sentences of a passage, each a verbatim slice of it (knowledge.sentences: the one splitter)."""
    return split_sentences(text)


def figures_in(sentence: str) -> list[Figure]:
    """Percentages, quantities, dates, periods, deadlines, year ranges and document numbers of a sentence."""
    claimed: list[tuple[int, int]] = []
    figures: list[tuple[int, Figure]] = []

    def claim(kind: str, start: int, end: int) -> None:
        if any(start < right and left < end for left, right in claimed):
            return
        claimed.append((start, end))
        figures.append((start, Figure(sentence[start:end].strip(), kind, sentence)))

    for kind, pattern in _FIGURE_PATTERNS:
        for match in pattern.finditer(sentence):
            claim(kind, match.start(), match.end())
    cursor = 0
    for kind, piece in split_protected(sentence):
        if kind == "number" and re.search(r"\d", piece):
            claim("number", cursor, cursor + len(piece))
        cursor += len(piece)
    return [figure for _, figure in sorted(figures, key=lambda pair: pair[0])]


MAX_EXCERPT_WORDS = 40
_CLAUSE_START = re.compile(r"[;:]\s*|\.\s+")
_CLAUSE_END = re.compile(r"\s*(?:[;:]|\.(?:\s|$))")


def clause_around(sentence: str, figure: Figure) -> str:
    """The clause of a sentence that holds a figure (what it measures), verbatim; '' if not found.

    The clause runs from the last ';' or ':' before the figure to the next one after it
    (commas stay: "tỷ lệ nữ …, đạt ít nhất 30%" keeps its subject); a long clause is cut at
    word boundaries around the figure.
    """
    at = sentence.find(figure.value)
    if at < 0:
        return ""
    end_of_value = at + len(figure.value)
    start = 0
    for match in _CLAUSE_START.finditer(sentence, 0, at):
        start = match.end()
    found = _CLAUSE_END.search(sentence, end_of_value)
    end = found.start() if found else len(sentence)
    if len(sentence[start:end].split()) > MAX_EXCERPT_WORDS:
        start, end = _comma_window(sentence, start, end, at, end_of_value)
    clause = sentence[start:end]
    clause = _LIST_MARK.sub("", clause.strip()).strip(" ,")
    return clause


def _comma_window(text: str, start: int, end: int, at: int, end_of_value: int) -> tuple[int, int]:
    """The comma-separated pieces around a figure, grown outward while the clause stays short.

    Never cuts inside a piece: Vietnamese words are several syllables, and a cut between two of
    them ("Triển | khai") misquotes the text.
    """
    cuts = [start] + [start + m.end() for m in re.finditer(r",\s+", text[start:end])] + [end]
    pieces = [(cuts[i], cuts[i + 1]) for i in range(len(cuts) - 1)]
    first = next(i for i, (left, right) in enumerate(pieces) if left <= at < right or right >= end_of_value)
    last = next(i for i, (left, right) in enumerate(pieces) if right >= end_of_value)
    while True:
        grown = False
        for left, right in ((first - 1, last), (first, last + 1)):
            if 0 <= left and right < len(pieces):
                if len(text[pieces[left][0] : pieces[right][1]].split()) <= MAX_EXCERPT_WORDS:
                    first, last, grown = left, right, True
                    break
        if not grown:
            return pieces[first][0], pieces[last][1]


# ---------------------------------------------------------------- review questions


@dataclass(frozen=True)
class Question:
    """A review question whose answer is a sentence quoted verbatim."""

    question: str
    answer: str
    kind: str  # definition, figure, date, provision


_DEFINITION = re.compile(
    r"^(?:\d+\.\s*|[a-zđ]\)\s*|[-–]\s*)?(?P<term>[A-ZĐÀ-Ỹ][^.,;:()“”\"]{2,70}?)\s+là\s+(?P<rest>\S.{15,})$"
)
# Sentences of the form "X là …" whose X is no term to define.
NOT_A_TERM = re.compile(r"^(?:Trên đây|Dưới đây|Sau đây|Đây|Đó|Điều này|Mục tiêu|Mục đích|Chủ đề|Thời gian|Nội dung|Kết quả|Năm)\b")
# Sentences whose dates belong to another document or to the letterhead ("Hà Nội, ngày …").
_CITES_ANOTHER_DOCUMENT = re.compile(r"^(?:[-–]\s*)?(?:Căn cứ|Thực hiện|Theo|Số\s*:)|^[^,]{2,60},\s*ngày\s+(?:\d|tháng)")
# A date right after a document's number is that document's date ("Kế hoạch số 183/KH-UBND ngày …").
_DOCUMENT_DATE = re.compile(r"\d+[-/][\w/.-]*[A-ZĐ][\w/.-]*\s+(?:của\s+[^,;]{0,40}\s+)?$")
_ASK = {
    "percent": "bao nhiêu phần trăm",
    "date": "khi nào",
    "period": "khi nào",
    "deadline": "trước khi nào",
}


def cites_another_document(sentence: str) -> bool:
    """A sentence whose dates belong to another document or to the letterhead ("Căn cứ …", "Hà Nội, ngày …")."""
    return bool(_CITES_ANOTHER_DOCUMENT.match(sentence))


def is_document_date(figure: Figure) -> bool:
    """A date that belongs to a document named just before it, not to an event."""
    at = figure.sentence.find(figure.value)
    return figure.kind == "date" and at >= 0 and bool(_DOCUMENT_DATE.search(figure.sentence[max(0, at - 80) : at]))


def definition_question(sentence: str) -> Question | None:
    """'X là …' → 'X là gì?', when X reads like a term (a few words, capitalised)."""
    match = _DEFINITION.match(sentence)
    if not match or NOT_A_TERM.match(match["term"]) or len(match["term"].split()) > 10:
        return None
    return Question(f"{match['term'].strip()} là gì?", sentence, "definition")


def figure_question(figure: Figure, document: str) -> Question | None:
    """The clause holding a figure, with the figure asked about: '… là 06 tháng' → '… là bao nhiêu tháng?'."""
    if _CITES_ANOTHER_DOCUMENT.match(figure.sentence) or len(figure.sentence.split()) < 8:
        return None  # the date of a cited document or of the letterhead makes a poor question
    if figure.kind == "quantity":
        unit = re.sub(r"^\d+(?:[.,]\d+)?\s+", "", figure.value)
        ask = f"bao nhiêu {unit}"
    elif figure.kind in _ASK:
        ask = _ASK[figure.kind]
    else:
        return None
    sentence = figure.sentence
    at = sentence.find(figure.value)
    if at < 0:
        return None
    before = re.split(r"[;:]\s*", sentence[:at])[-1]
    after = re.split(r"[;:.,]", sentence[at + len(figure.value) :])[0]
    clause = _LIST_MARK.sub("", f"{before}{ask}{after}".strip()).rstrip(" .")
    if len(clause.split()) < 5:
        return None
    kind = "figure" if figure.kind in ("percent", "quantity") else "date"
    return Question(f"Theo {document}: {_lower_first(clause)}?", sentence, kind)


def provision_question(passage_text: str, document: str) -> Question | None:
    """'Điều 139. Nghỉ thai sản' + its first sentence → 'Điều 139 … quy định gì về nghỉ thai sản?'."""
    lines = [line.strip() for line in passage_text.split("\n") if line.strip()]
    if len(lines) < 2:
        return None
    heading = re.match(r"^(Điều\s+\d+[a-z]?)\.\s+(.+)$", lines[0])
    if not heading:
        return None
    first = sentences("\n".join(lines[1:]))
    if not first or len(first[0].split()) < 6:
        return None
    question = f"{heading[1]} của {document} quy định gì về {_lower_first(heading[2].rstrip('.'))}?"
    return Question(question, first[0], "provision")


def _lower_first(text: str) -> str:
    first = text.split(" ", 1)[0]
    # An abbreviation (UBND, BĐG) or a capitalised name keeps its capital.
    if len(first) > 1 and (first.isupper() or first[1:2].isupper()):
        return text
    return text[:1].lower() + text[1:]


# ---------------------------------------------------------------- near-duplicates


def shingles(text: str, size: int = 3) -> frozenset[str]:
    """Word n-grams of a text's diacritic-free lower-case form, for near-duplicate checks."""
    words = re.findall(r"\w+", plain_key(text))
    if len(words) <= size:
        return frozenset([" ".join(words)]) if words else frozenset()
    return frozenset(" ".join(words[i : i + size]) for i in range(len(words) - size + 1))


def jaccard(first: frozenset[str], second: frozenset[str]) -> float:
    """Share of shingles two texts have in common."""
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


def same_text(first: str, second: str, threshold: float = 0.8) -> bool:
    """True when two quotations say the same thing (identical or near-identical wording)."""
    return jaccard(shingles(first), shingles(second)) >= threshold


def figure_key(figure: Figure) -> str:
    """What makes two periods or deadlines the same across documents: their day/month numbers."""
    if figure.kind in ("period", "deadline"):
        pairs = re.findall(r"(\d{1,2})(?:/|\s+tháng\s+)(\d{1,2})(?!\d)", figure.value)
        return f"{figure.kind}:" + "-".join(f"{int(day)}/{int(month)}" for day, month in pairs)
    return f"{figure.kind}:{figure.value}:{figure.sentence}"


def phrase_key(text: str) -> str:
    """Tone-folded lower-case text with single spaces: what a topic phrase is looked for in."""
    return " ".join(re.findall(r"\w+", match_key(text)))
