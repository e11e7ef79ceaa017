"""The one sentence splitter of binhdang, for Vietnamese administrative and legal text.

Every room that needs sentences (the splitter cutting an over-long paragraph, the bot
bolding the sentence that answers, the brief picking sentences with figures) uses this, so a
sentence means the same thing everywhere. Sentences are verbatim slices of the text.

A sentence ends at a line break, or at . ! ? … ; followed by white space and a capital, a
digit, an opening quote or a list dash — except where the full stop belongs to a numbering
("Điều 5.", "1.", "1.2.", "II.", "a)"), an abbreviation ("TP.", "ThS.", "v.v.") or an initial
("Nguyễn V. An"). A colon ends a sentence only before a numbered or dashed item ("… như
sau: 1. Giới là …"), where a flattened list continues on the same line.

underthesea's sent_tokenize was tried first (the project already depends on underthesea):
it ends a sentence at every full stop not in its abbreviation list, so it cuts "Điều 5." and
"1.2." off as sentences of their own, returns stripped copies rather than positions in the
text, and importing it loads the whole underthesea package (5–7 s here).
"""

from __future__ import annotations

import re

# A candidate end: closing punctuation (and closing quotes/brackets), white space, then what
# can open a sentence.
_CANDIDATE = re.compile(
    r"(?P<end>[.!?…;]+[\"'”’»)\]]*|:)(?P<gap>[ \t]+)"
    r"(?=[\"“'‘«(\[]?[A-ZĐÀ-Ỹ0-9]|[-–+•]\s)"
)
# After a colon only a list item opens a new sentence.
_LIST_ITEM_AFTER_COLON = re.compile(r"(?:\d{1,2}(?:\.\d{1,2})*[.)]|[a-zđ]\)|[-–+•])\s")
# The sentence so far is only a numbering mark: keep it with what it numbers.
_ENUMERATOR_ONLY = re.compile(
    r"^(?:Điều\s+\d+[a-z]?|Chương\s+[IVXLC\d]+|Mục\s+\d+|Phần\s+\S+|[IVXLC]{1,5}|\d{1,3}(?:\.\d{1,3})*|[a-zđ])[.)]$",
    re.IGNORECASE,
)
# Abbreviations that end in a full stop inside a sentence (compared case-sensitively).
ABBREVIATIONS = frozenset({
    "TP", "Tp", "tp", "ThS", "Th.S", "TS", "PGS", "GS", "BS", "CN", "KS", "Ô", "Bà", "St", "v.v", "vv",
    "KT", "TM", "TL", "TUQ", "Q", "P", "Tr", "tr", "Nxb", "NXB", "ĐT", "Đt", "Tel", "Fax", "No", "Mr", "Mrs", "Dr",
})
_WORD_BEFORE = re.compile(r"(\S+?)[.!?…;:]+[\"'”’»)\]]*$")


def _ends_sentence(text: str, start: int, match: re.Match[str]) -> bool:
    so_far = text[start:match.start("gap")].strip()
    if not so_far:
        return False
    following = text[match.end():]
    if match["end"] == ":":
        return bool(_LIST_ITEM_AFTER_COLON.match(following))
    if _ENUMERATOR_ONLY.match(so_far):
        return False
    if match["end"].startswith("."):
        word = _WORD_BEFORE.search(so_far)
        last = word.group(1) if word else ""
        last = last.lstrip("(\"“'‘«[")
        if last in ABBREVIATIONS or (len(last) == 1 and last.isupper() and last.isalpha()):
            return False
    return True


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text`, white space around it excluded, in order."""
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        start = 0
        for match in _CANDIDATE.finditer(line):
            if match.start() < start or not _ends_sentence(line, start, match):
                continue
            spans.append(_trimmed(line, start, match.start("gap"), offset))
            start = match.end()
        spans.append(_trimmed(line, start, len(line), offset))
        offset += len(line) + 1
    return [span for span in spans if span[1] > span[0]]


def _trimmed(line: str, start: int, end: int, offset: int) -> tuple[int, int]:
    while start < end and line[start].isspace():
        start += 1
    while end > start and line[end - 1].isspace():
        end -= 1
    return offset + start, offset + end


def split_sentences(text: str) -> list[str]:
    """The sentences of `text`, each a verbatim slice of it."""
    return [text[start:end] for start, end in sentence_spans(text)]
