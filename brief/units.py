"""The pieces a handout quotes: a whole khoản of a law, a whole line or sentence of a plan.

A passage holds its Điều or section heading as its first lines (so that it reads on its own);
a handout that quoted passages whole would print those headings and their shared context many
times. A unit is the smallest piece that still reads on its own and is never cut mid-sentence;
its text is a verbatim slice of the passage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from brief.extract import sentences

# "1. ", "2a. " open a khoản; "a) ", "đ) " open a điểm; "- ", "+ " open a list item.
_KHOAN = re.compile(r"^\d+[a-z]?\.\s")
_LIST_DASH = re.compile(r"^[-–+•]\s+")
_ITEM = re.compile(r"^(?:[a-zđ]\)|[-–+•])\s")
_DIEU = re.compile(r"^Điều\s+\d+[a-z]?\.\s*(?P<title>.*)$")
_NUMBERED = re.compile(r"^(?:[IVXLC]+\.|\d+(?:\.\d+)*\.|[a-zđ]\))\s*")
_ENDS_SENTENCE = re.compile(r"[.;!?…”\"]\s*$")
# Plan lines that only organise the text ("a) Hoạt động 1", "1. Mục đích", "- Nội dung:").
_GENERIC_HEADING = re.compile(
    r"^(?:Hoạt động\s*\d*|Mục đích|Yêu cầu|Nội dung|Cơ quan thực hiện|Thời gian|Mục tiêu\s*\d*|"
    r"Mục đích, yêu cầu|Nội dung thực hiện|Nội dung hoạt động|Giải pháp thực hiện|Tổ chức thực hiện|Kế hoạch|Số|Phần mở đầu)\s*:?$",
    re.IGNORECASE,
)
MAX_UNIT_WORDS = 90  # a longer plan line is quoted sentence by sentence
MAX_HEADING_WORDS = 25
MAX_TITLE_WORDS = 12  # a longer heading line is a sentence cut short, not a title


@dataclass(frozen=True)
class Unit:
    """A verbatim piece of a passage and the heading it stands under in the document."""

    text: str
    heading: str  # "Điều 139. Nghỉ thai sản", or the nearest plan heading; "" when none
    start: int  # where the text starts in the passage


def is_heading_line(line: str) -> bool:
    """A plan line that names what follows rather than says something (no sentence end, short)."""
    words = line.split()
    if not words or len(words) > MAX_HEADING_WORDS:
        return False
    if line.rstrip().endswith(":") and len(words) <= 12:
        return True
    if _ENDS_SENTENCE.search(line):
        return False
    return bool(_NUMBERED.match(line)) or line.isupper() or len(words) <= 12


def heading_title(line: str, *, generic: bool = False) -> str:
    """A heading line as a sub-topic title: numbering and colon gone, capitals lowered; '' if it is
    generic ("Mục đích", "Hoạt động 1") unless `generic` allows the ones that still say something."""
    text = _NUMBERED.sub("", re.sub(r"^[-–+•]\s*", "", line.strip())).strip().rstrip(":").strip()
    match = _DIEU.match(line.strip())
    if match:
        return match["title"].strip().rstrip(".")  # an article's own title, however long
    if not text or len(text.split()) > MAX_TITLE_WORDS or text.endswith(","):
        return ""
    if _GENERIC_HEADING.match(text) and not (generic and len(text.split()) >= 3):
        return ""
    if text.isupper():
        text = text[:1] + text[1:].lower()
    return text


def _lines_with_offsets(text: str) -> list[tuple[int, str]]:
    found, cursor = [], 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            found.append((cursor + line.index(stripped), stripped))
        cursor += len(line) + 1
    return found


def legal_units(text: str) -> list[Unit]:
    """A legal passage's khoản, each whole with its điểm; an Điều without khoản gives its paragraphs."""
    lines = _lines_with_offsets(text)
    heading = ""
    if lines and _DIEU.match(lines[0][1]):
        heading = lines[0][1]
        lines = lines[1:]
    has_khoan = any(_KHOAN.match(line) for _, line in lines)
    groups: list[list[tuple[int, str]]] = []
    for offset, line in lines:
        if has_khoan:
            opens = bool(_KHOAN.match(line)) or not groups
        else:
            # Without khoản, each paragraph stands alone unless the one before introduces a list.
            opens = not groups or not (groups[-1][0][1].endswith(":") and _ITEM.match(line))
        if opens:
            groups.append([(offset, line)])
        else:
            groups[-1].append((offset, line))
    units = []
    for group in groups:
        start = group[0][0]
        end = group[-1][0] + len(group[-1][1])
        units.append(Unit(text[start:end], heading, start))
    return units


def plan_units(text: str) -> list[Unit]:
    """A plan's or report's content lines (whole, or sentence by sentence when long), under their heading."""
    units: list[Unit] = []
    heading = ""
    for offset, line in _lines_with_offsets(text):
        if is_heading_line(line):
            title = heading_title(line)
            heading = title or heading
            continue
        mark = _LIST_DASH.match(line)
        if mark:  # "- Chỉ tiêu 3: …" is quoted from its first word; the dash is layout
            line, offset = line[mark.end() :], offset + mark.end()
        if len(line.split()) <= MAX_UNIT_WORDS:
            units.append(Unit(line, heading, offset))
            continue
        cursor = 0
        for sentence in sentences(line):
            at = line.index(sentence, cursor)
            cursor = at + len(sentence)
            units.append(Unit(sentence, heading, offset + at))
    return units
