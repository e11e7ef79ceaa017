"""Which sentence of a passage answers the question, and how much of a long passage to show.

A civil servant reads the bold sentence first, so it must be the one that answers: the date for
"khi nào", the figure for "bao nhiêu / bao lâu", the definition for "là gì", the agency for "cơ
quan nào" — not simply the sentence sharing most words with the question (for "Tháng hành động
diễn ra khi nào" that is the heading "2. Tháng hành động", and the date line stays plain).
A long passage is shown as a window of whole sentences around that sentence, marked with "…",
so the answer is never cut off. Pure functions; sentences come from knowledge.sentences.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from index.normalise import matching_terms, plain_key
from index.questions import answer_kinds, answer_type, definition_subject
from knowledge.sentences import sentence_spans

Span = tuple[int, int]
MAX_BOLD_SENTENCES = 2
WINDOW_CHARS = 600  # a passage after the best one is shown as at most this much around its answer
ELLIPSIS = "…"

# Asked on the folded (diacritic-free, lower-case) question; what index.questions.answer_type
# does not cover: who is responsible, and durations.
_AGENCY_QUESTION = re.compile(
    r"\b(co quan nao|co quan gi|don vi nao|bo nao|so nao|ai (chiu trach nhiem|co trach nhiem|quan ly|chu tri|thuc hien)"
    r"|thuoc (ve )?(ai|co quan nao)|giao cho (ai|co quan nao)|trach nhiem cua (ai|co quan nao)|ai la)\b")
_DURATION_QUESTION = re.compile(r"\b(bao lau|trong bao lau|may thang|may ngay|may nam)\b")
# An agency named in a sentence (on the marked text: capitalised names), and what it is given to do.
_AGENCY = re.compile(
    r"\b(?:Bộ|Sở|Ủy ban|Uỷ ban|UBND|Chính phủ|Thủ tướng|Quốc hội|Hội đồng|Hội Liên hiệp|Liên hiệp|Mặt trận|"
    r"Tổng cục|Cục|Vụ|Ban|Phòng|Viện|Tòa án|Toà án|Công an|Đoàn|Công đoàn|Trung ương)\b")
_AGENCY_DUTY = re.compile(r"\b(chủ trì|chịu trách nhiệm|có trách nhiệm|quản lý nhà nước|giao|phối hợp|thực hiện)\b",
                          re.IGNORECASE)
_RANGE = re.compile(r"\b(từ|tu)\s+(ngày|ngay|tháng|thang|năm|nam)\b.*\b(đến|den)\b", re.IGNORECASE)
_FULL_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b|\bngày\s+\d{1,2}\s+tháng\s+\d{1,2}", re.IGNORECASE)
_CLOSING = (".", ";", ":", "!", "?", "”", '"', ")")


def question_focus(question: str) -> str | None:
    """What the question asks for: 'definition', 'date', 'figure', 'agency', 'document', or None."""
    if definition_subject(question):
        return "definition"
    folded = plain_key(question)
    if _AGENCY_QUESTION.search(folded):
        return "agency"
    if _DURATION_QUESTION.search(folded):
        return "figure"
    return answer_type(question)


def answer_strength(focus: str | None, sentence: str, question: str) -> int:
    """How well one sentence gives what the question asks for: 0 (not at all) to 3."""
    if focus is None:
        return 0
    if focus == "definition":
        subject = plain_key(definition_subject(question) or "")
        return 3 if subject and re.search(rf"\b{re.escape(subject)}\b.{{0,40}}\bla\b", plain_key(sentence)) else 0
    if focus == "agency":
        if not _AGENCY.search(sentence):
            return 0
        return 2 + bool(_AGENCY_DUTY.search(sentence))
    kinds = answer_kinds(sentence)
    if focus not in kinds:
        return 0
    if focus == "date":
        # A range or a full date answers "khi nào"; a bare year ("năm 2025") hardly does.
        return 3 if _RANGE.search(sentence) else 2 if _FULL_DATE.search(sentence) else 1
    return 2


def _looks_like_heading(text: str, span: Span, first_line_end: int) -> bool:
    start, end = span
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    whole_line = text[line_start:start].strip() == "" and text[end:line_end if line_end >= 0 else len(text)].strip() == ""
    sentence = text[start:end].rstrip()
    return start < first_line_end or (whole_line and len(sentence) < 90 and not sentence.endswith(_CLOSING))


def answering_spans(text: str, question: str,
                    terms_of: Callable[[str], set[str]] = matching_terms) -> list[Span]:
    """The sentence(s) of `text` that answer `question`, in reading order (at most two, equally good).

    Each sentence scores the question's words it shares plus twice how well it gives what the
    question asks for (`answer_strength`); a heading line counts only when no body sentence
    scores, because the reader wants the rule, not its title.
    """
    question_terms = terms_of(question)
    focus = question_focus(question)
    first_line_end = text.find("\n") if "\n" in text else 0
    scored: list[tuple[tuple[int, int, int], Span]] = []
    for index, span in enumerate(sentence_spans(text)):
        sentence = text[span[0]:span[1]]
        score = len(terms_of(sentence) & question_terms) + 2 * answer_strength(focus, sentence, question)
        if score:
            body = not _looks_like_heading(text, span, first_line_end)
            scored.append(((body, score, -index), span))
    if not scored:
        return []
    scored.sort(reverse=True)
    best_body, best_score, _ = scored[0][0]
    chosen = [span for (body, score, _), span in scored if body == best_body and score == best_score]
    return sorted(chosen[:MAX_BOLD_SENTENCES])


def window(text: str, spans: list[Span], limit: int = WINDOW_CHARS) -> tuple[str, list[Span]]:
    """At most about `limit` characters of `text` around its first answering span, in whole
    sentences, with "…" where text was left out and the passage's heading line kept on top;
    and the spans moved to where they stand in the shortened text.

    The answering sentence is always shown whole, even when it alone is longer than `limit`.
    """
    if len(text) <= limit:
        return text, spans
    sentences = sentence_spans(text)
    if not sentences:
        return text, spans
    anchor = spans[0] if spans else sentences[0]
    first = last = next((i for i, (s, e) in enumerate(sentences) if s <= anchor[0] < e or s >= anchor[0]), 0)
    # Grow by whole sentences, the one after first (what the rule says next), then the one before.
    while True:
        grown = False
        for candidate in (last + 1, first - 1):
            if 0 <= candidate < len(sentences):
                lo, hi = min(first, candidate), max(last, candidate)
                if sentences[hi][1] - sentences[lo][0] <= limit:
                    first, last, grown = lo, hi, True
        if not grown:
            break
    start, end = sentences[first][0], sentences[last][1]
    prefix = ""
    if start > 0:
        heading_end = text.find("\n")
        heading = text[:heading_end] if 0 < heading_end < start else ""
        prefix = f"{heading}\n{ELLIPSIS} " if heading else f"{ELLIPSIS} "
    suffix = f" {ELLIPSIS}" if end < len(text) else ""
    shift = len(prefix) - start
    moved = [(s + shift, e + shift) for s, e in spans if s >= start and e <= end]
    return prefix + text[start:end] + suffix, moved
