"""A quiz that reads like one: multiple-choice questions (A–D) built from the handout's quotations.

Each question asks what, who, when, how much or which document about one quoted provision; its
right option is quoted from that provision (or, for "which document", is the document's name);
the three wrong options are of the same kind, drawn from other passages of the knowledge base
(other durations, other percentages, other agencies, other documents), so they are plausible
but wrong. Nothing is invented: every option is a span of some passage or a document's name.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from typing import Iterable

from index.normalise import match_key
from knowledge import doctypes
from knowledge.citation import document_label
from knowledge.types import Passage, Source
from brief.compose import QuizItem, Section
from brief.extract import (
    Figure,
    cites_another_document,
    clause_around,
    figure_key,
    figures_in,
    NOT_A_TERM,
    is_document_date,
    same_text,
    sentences,
)

MAX_QUESTIONS = 12
MIN_QUESTIONS = 10
PER_KIND = 4  # at most this many questions of one kind, so the quiz asks different things
MAX_OPTION_WORDS = 40
MAX_QUESTION_WORDS = 45
MAX_AFTER_WORDS = 24
MIN_DOCUMENT_WORDS = 14  # a shorter sentence rarely tells one document from another
# What is asked, by kind of figure.
_ASK = {
    "percent": "bao nhiêu phần trăm",
    "period": "vào thời gian nào",
    "date": "vào ngày nào",
    "deadline": "chậm nhất vào ngày nào",
}
# A sentence that opens with an agency and what it does: "Chính phủ thống nhất quản lý …".
_AGENCY_HEADS = (
    r"Thủ tướng Chính phủ|Chính phủ|Quốc hội|Bộ trưởng|Bộ|Sở|Ủy ban|Uỷ ban|Hội Liên hiệp|Hội|Mặt trận|Phòng|"
    r"Văn phòng|Ban|Cơ quan|Người sử dụng lao động|Tổng cục|Cục|Công đoàn|Thanh tra"
)
_AGENCY_VERBS = (
    r"chủ trì|thống nhất|có trách nhiệm|chịu trách nhiệm|thực hiện|phối hợp|ban hành|giúp|tổ chức|quy định|"
    r"hướng dẫn|là cơ quan|có nhiệm vụ|tham gia|tham mưu|bảo đảm|đảm bảo|phải|có quyền|xây dựng|trình"
)
_AGENCY = re.compile(
    rf"^(?:\d+\.\s+|[a-zđ]\)\s+|[-+–]\s+)?(?P<agency>(?:{_AGENCY_HEADS})(?:\s+[^\s.;:,()“”]+){{0,12}}?)"
    rf"\s+(?P<predicate>(?:{_AGENCY_VERBS})\b[^.;:]*)"
)
_NOT_IN_A_NAME = frozenset({"không", "chủ", "hành", "xây", "hoặc", "được", "cần", "đã", "sẽ", "này", "đó"})
_QUOTED = re.compile(r"“([^”\n]+)”")
_DOCUMENT_NAME = re.compile(r"(?:Chương trình|Chiến lược|Đề án|Kế hoạch|Quyết định|Nghị định|Luật|Thông tư|Dự án)\b", re.IGNORECASE)
_POINTS_ELSEWHERE = re.compile(r"\b(?:Điều|khoản|Nghị định|Luật|Thông tư|Kế hoạch|Quyết định) này\b")
# Plans list each activity as "Nội dung: …" followed by "Cơ quan thực hiện: X chủ trì, …".
_ACTIVITY = re.compile(r"^(?:[-–+•]\s*)?Nội dung\s*:\s*(?P<activity>.+)$")
_PERFORMER = re.compile(rf"^(?:[-–+•]\s*)?Cơ quan thực hiện\s*:\s*(?:[-–+•]\s*)?(?P<agency>(?:{_AGENCY_HEADS})[^,;:()]*?)\s+chủ trì\b")
_DEFINITION = re.compile(r"^(?:\d+\.\s*)?(?P<term>[A-ZĐÀ-Ỹ][^.,;:()“”\"]{2,60}?)\s+là\s+(?P<meaning>[^;]{15,}?)\.?$")
_ENDING = re.compile(r"[\s.;:,]+$")


@dataclass(frozen=True)
class Provision:
    """A quotable text with where it stands: what the quiz asks about."""

    text: str
    citation: str
    passage_id: str
    source: Source
    passage_text: str = ""  # the whole passage, for patterns that span lines (an activity and its agency)


def build_quiz(
    sections: tuple[Section, ...],
    sources: dict[str, Source],
    passages: list[Passage],
    further: Iterable[Provision] = (),
) -> tuple[QuizItem, ...]:
    """10–12 questions from the handout's quotations (then `further` provisions on the topic, when
    the quotations alone give too few); wrong options from the whole knowledge base."""
    by_id = {passage.id: passage for passage in passages}
    pools = OptionPools.from_passages(passages, sources)
    provisions = [
        Provision(quote.text, quote.citations[0], quote.passage_ids[0], sources[quote.source_ids[0]],
                  by_id[quote.passage_ids[0]].text if quote.passage_ids[0] in by_id else quote.text)
        for section in sections
        for quote in section.quotes
    ]
    chosen = _choose(provisions, pools, by_id)
    if len(chosen) >= MIN_QUESTIONS:
        return chosen
    # Too few from the handout's quotations: ask also about the other passages found on the topic.
    provisions += [provision for provision in further if provision.text not in {p.text for p in provisions}]
    return _choose(provisions, pools, by_id)


def _choose(provisions: list[Provision], pools: "OptionPools", by_id: dict[str, Passage]) -> tuple[QuizItem, ...]:
    """Questions of every kind the provisions allow, taken in turn so the quiz mixes its kinds."""
    makers = (percent_questions, quantity_questions, agency_questions, definition_questions,
              time_questions, title_questions, document_questions)
    candidates: dict[str, list[QuizItem]] = {}
    for maker in makers:
        for provision in provisions:
            for item in maker(provision, pools):
                candidates.setdefault(item.kind, []).append(item)
    chosen: list[QuizItem] = []
    asked: set[str] = set()
    # Round-robin over kinds so the quiz mixes what, who, when and how much.
    for round_number in range(PER_KIND + 2):
        if round_number >= PER_KIND and len(chosen) >= MIN_QUESTIONS:
            break
        for kind in list(candidates):
            for item in candidates[kind][round_number:]:
                key = match_key(item.evidence)
                if key in asked or item.passage_id not in by_id:
                    continue
                if any(same_text(item.question, other.question, 0.5) for other in chosen):
                    continue
                chosen.append(item)
                asked.add(key)
                break
            if len(chosen) >= MAX_QUESTIONS:
                return tuple(chosen)
    return tuple(chosen)


# ---------------------------------------------------------------- option pools


@dataclass
class OptionPools:
    """Every figure, agency, definition and document of the knowledge base, as wrong-option material."""

    figures: dict[str, list[Figure]]
    agencies: list[str]
    definitions: list[tuple[str, str]]  # (term, meaning)
    titles: list[str]  # names quoted in the documents: themes, slogans, models, campaigns
    documents: dict[str, list[str]]  # kind of document → document names
    said_by: dict[str, set[str]]  # a sentence's key → names of the documents that say it

    @classmethod
    def from_passages(cls, passages: Iterable[Passage], sources: dict[str, Source]) -> "OptionPools":
        figures: dict[str, list[Figure]] = {}
        agencies: dict[str, str] = {}
        definitions: dict[str, tuple[str, str]] = {}
        said_by: dict[str, set[str]] = {}
        titles: dict[str, str] = {}
        for passage in passages:
            source = sources.get(passage.source_id)
            for sentence in sentences(passage.text):
                if source is not None:
                    said_by.setdefault(_sentence_key(sentence), set()).add(short_label(source))
                for title in _QUOTED.findall(sentence):
                    if _is_title(title):
                        titles.setdefault(match_key(title), title)
                for figure in figures_in(sentence):
                    figures.setdefault(figure.kind, []).append(figure)
                found = agency_statement(sentence)
                if found:
                    agencies.setdefault(match_key(found[0]), found[0])
                performer = _PERFORMER.match(sentence)
                if performer:
                    agencies.setdefault(match_key(performer["agency"].strip()), performer["agency"].strip())
                meaning = definition_of(sentence)
                if meaning:
                    definitions.setdefault(match_key(meaning[0]), meaning)
        documents: dict[str, list[str]] = {}
        for source in sources.values():
            documents.setdefault(doctypes.kind_of(source), []).append(short_label(source))
        return cls(figures, list(agencies.values()), list(definitions.values()), list(titles.values()), documents, said_by)


def _sentence_key(sentence: str) -> str:
    return " ".join(re.findall(r"\w+", match_key(re.sub(r"^(?:\d+\.\s+|[a-zđ]\)\s+|[-–+•]\s*)", "", sentence))))


def short_label(source: Source) -> str:
    """The document's name and number, as a question or an option names it (a plan also by its issuer)."""
    label = document_label(source)
    return label.split(" (", 1)[0] if doctypes.kind_of(source) == doctypes.LEGAL else label


def _number(value: str) -> float | None:
    match = re.search(r"\d+(?:[.,]\d+)?", value)
    return float(match.group(0).replace(",", ".")) if match else None


def _unit(value: str) -> str:
    return re.sub(r"^[\d.,]+\s*", "", value).strip()


def figure_value_key(value: str) -> str:
    """'06 tháng' and '6 tháng' are one option: the number without leading zeros, then the unit."""
    return re.sub(r"\b0+(\d)", r"\1", match_key(value)).replace(" ", "")


def _pick(right: str, candidates: list[str], *, near: float | None = None, key=match_key) -> list[str] | None:
    """Three distinct wrong options unlike the right one; numbers nearest the right one first."""
    seen = {key(right)}
    unique = []
    for option in candidates:
        option_key = key(option)
        if option_key in seen or len(option.split()) > MAX_OPTION_WORDS:
            continue
        seen.add(option_key)
        unique.append(option)
    if near is not None:
        unique.sort(key=lambda option: (abs((_number(option) or 0) - near), option))
    return unique[:3] if len(unique) >= 3 else None


def _place(question: str, right: str, wrong: list[str]) -> tuple[tuple[str, ...], int]:
    """The four options with the right one at a place fixed by the question (stable across runs)."""
    at = zlib.crc32(question.encode("utf-8")) % 4
    options = list(wrong)
    options.insert(at, right)
    return tuple(options), at


def _item(question: str, right: str, wrong: list[str], kind: str, provision: Provision, evidence: str) -> QuizItem:
    options, answer = _place(question, right, wrong)
    return QuizItem(question, options, answer, kind, provision.citation, provision.passage_id, evidence)


def _lower_first(text: str) -> str:
    first = text.split(" ", 1)[0]
    if len(first) > 1 and (first.isupper() or first[1:2].isupper() or "." in first or "/" in first):
        return text
    return text[:1].lower() + text[1:]


def _according_to(provision: Provision) -> str:
    """'Theo Luật Bình đẳng giới 73/2006/QH11', 'Theo Kế hoạch 174/KH-UBND của …', 'Theo tin bài “…”'."""
    source = provision.source
    kind = doctypes.kind_of(source)
    if kind == doctypes.NEWS:
        return f"Theo tin bài “{source.title}”"
    name = document_label(source).split(" (", 1)[0]
    if kind == doctypes.LEGAL or not source.issuer:
        return f"Theo {name}"
    if not re.search(r"\d", source.number):
        name = name.replace(source.number, "").strip()  # a plan issued with its number left blank
    return f"Theo {name} của {source.issuer}"


def _short_enough(text: str, limit: int) -> bool:
    return 3 <= len(text.split()) <= limit


# ---------------------------------------------------------------- figures: how much, how long, when


def _figure_question(provision: Provision, figure: Figure, ask: str) -> str | None:
    """The clause holding the figure, with the figure asked about: '… là 06 tháng' → '… là bao nhiêu tháng?'.

    The words after the figure are kept up to the next comma (a few words), so the question
    ends where the figure's own phrase ends.
    """
    clause = clause_around(figure.sentence, figure)
    if not clause or clause.count(figure.value) != 1:
        return None
    at = clause.index(figure.value)
    after = clause[at + len(figure.value) :]
    if len(after.split()) > MAX_AFTER_WORDS:
        after = re.split(r",\s", after, maxsplit=1)[0]
        if len(after.split()) > MAX_AFTER_WORDS:
            return None
    if figure.kind in ("percent", "quantity") and not after.strip() and len(clause[:at].split()) < 6:
        return None  # "đạt bao nhiêu phần trăm?" without what is counted is no question
    asked = f"{clause[:at]}{ask}{after}"
    asked = _ENDING.sub("", re.sub(r"^(?:[-–+•]\s*|\d+(?:\.\d+)*\.\s+|[a-zđ]\)\s*)", "", asked.strip()))
    if not _short_enough(asked, MAX_QUESTION_WORDS) or len(asked.split()) < 6:
        return None
    return f"{_according_to(provision)}, {_lower_first(asked)}?"


def _figures_of(provision: Provision, kinds: tuple[str, ...]) -> list[Figure]:
    """Figures of the asked kinds, each alone of its kind in its clause (two would make two answers)."""
    found = []
    for sentence in sentences(provision.text):
        if cites_another_document(sentence):
            continue
        figures = [figure for figure in figures_in(sentence) if figure.kind in kinds]
        for figure in figures:
            clause = clause_around(sentence, figure)
            if sum(other.value in clause for other in figures) == 1:
                found.append(figure)
    return found


def percent_questions(provision: Provision, pools: OptionPools) -> list[QuizItem]:
    """'… đạt bao nhiêu phần trăm …?' with other percentages of the corpus as wrong options."""
    items = []
    for figure in _figures_of(provision, ("percent",)):
        question = _figure_question(provision, figure, _ASK["percent"])
        others = [f.value for f in pools.figures.get("percent", []) if question and f.value not in question]
        wrong = _pick(figure.value, others, near=_number(figure.value), key=figure_value_key)
        if question and wrong:
            items.append(_item(question, figure.value, wrong, "percent", provision, figure.sentence))
    return items


def quantity_questions(provision: Provision, pools: OptionPools) -> list[QuizItem]:
    """'… là bao nhiêu tháng?' with other durations in the same unit as wrong options."""
    items = []
    for figure in _figures_of(provision, ("quantity",)):
        unit = _unit(figure.value)
        question = _figure_question(provision, figure, f"bao nhiêu {unit}")
        others = [
            f.value for f in pools.figures.get("quantity", [])
            if _unit(f.value) == unit and question and f.value not in question
        ]
        wrong = _pick(figure.value, others, near=_number(figure.value), key=figure_value_key)
        if question and wrong:
            items.append(_item(question, figure.value, wrong, "quantity", provision, figure.sentence))
    return items


def time_questions(provision: Provision, pools: OptionPools) -> list[QuizItem]:
    """'… vào thời gian nào?' with other periods and dates of the corpus (not documents' dates) as options."""
    items = []
    for figure in _figures_of(provision, ("period", "deadline", "date")):
        if is_document_date(figure):
            continue
        question = _figure_question(provision, figure, _ASK[figure.kind])
        by_key = {figure_key(f): f.value for kind in ("period", "deadline", "date") for f in pools.figures.get(kind, [])
                  if not is_document_date(f) and not cites_another_document(f.sentence)}
        by_key.pop(figure_key(figure), None)
        wrong = _pick(figure.value, list(by_key.values()))
        if question and wrong:
            items.append(_item(question, figure.value, wrong, "time", provision, figure.sentence))
    return items


# ---------------------------------------------------------------- who


def agency_statement(sentence: str) -> tuple[str, str] | None:
    """(agency, what it does) of a sentence opening with an agency's name, or None."""
    match = _AGENCY.match(sentence)
    if not match:
        return None
    agency = match["agency"].strip()
    words = agency.split()
    if any(word in _NOT_IN_A_NAME for word in words[1:]) or len(words) > 12:
        return None
    if agency.startswith("Người") and agency not in ("Người sử dụng lao động", "Người lao động"):
        return None
    predicate = _ENDING.sub("", match["predicate"])
    if _POINTS_ELSEWHERE.search(predicate):
        return None  # "quy định chi tiết Điều này": the question would not say which Điều
    return agency, predicate


def agency_questions(provision: Provision, pools: OptionPools) -> list[QuizItem]:
    """'Theo …, cơ quan nào thống nhất quản lý nhà nước về bình đẳng giới?' with other agencies as options."""
    items = []
    for sentence in sentences(provision.text):
        found = agency_statement(sentence)
        if not found:
            continue
        agency, predicate = found
        if not _short_enough(predicate, 30) or len(predicate.split()) < 4:
            continue
        if predicate.startswith(("chủ trì, phối hợp", "phối hợp")):
            continue  # "chủ trì, phối hợp với các sở, ban, ngành…" names partners, not the task
        who = "ai" if agency.startswith(("Người", "Thủ tướng", "Bộ trưởng")) else "cơ quan nào"
        question = f"{_according_to(provision)}, {who} {predicate}?"
        wrong = _agency_options(agency, sentence, pools)
        if wrong:
            items.append(_item(question, agency, wrong, "agency", provision, sentence))
    lines = [line.strip() for line in (provision.passage_text or provision.text).split("\n") if line.strip()]
    for activity_line, performer_line in zip(lines, lines[1:]):
        if activity_line not in provision.text and performer_line not in provision.text:
            continue
        activity, performer = _ACTIVITY.match(activity_line), _PERFORMER.match(performer_line)
        if not activity or not performer or not _short_enough(activity["activity"], 35):
            continue
        agency = performer["agency"].strip()
        task = _ENDING.sub("", activity["activity"])
        question = f"{_according_to(provision)}, cơ quan nào chủ trì thực hiện nội dung “{task}”?"
        wrong = _agency_options(agency, performer_line, pools)
        if wrong:
            items.append(_item(question, agency, wrong, "agency", provision, performer_line))
    return items


def _agency_options(agency: str, sentence: str, pools: OptionPools) -> list[str] | None:
    """Three other agencies, of the same kind first (Sở for a Sở), none named in the sentence or
    containing the right one's name ("Bộ trưởng Bộ X" for "Bộ X" would be right too)."""
    key = match_key(agency)
    allowed = [
        other for other in pools.agencies
        if match_key(other) not in match_key(sentence) and key not in match_key(other) and match_key(other) not in key
    ]
    distinct: list[str] = []
    for other in allowed:  # "Bộ X" and "Bộ trưởng Bộ X" are one wrong answer, not two
        if not any(match_key(other) in match_key(kept) or match_key(kept) in match_key(other) for kept in distinct):
            distinct.append(other)
    head = agency.split()[0]
    same_head = [other for other in distinct if other.split()[0] == head]
    return _pick(agency, same_head) or _pick(agency, same_head + [o for o in distinct if o not in same_head])


# ---------------------------------------------------------------- what


def definition_of(sentence: str) -> tuple[str, str] | None:
    """(term, meaning) of a definition 'X là …', or None."""
    match = _DEFINITION.match(sentence.strip())
    if not match or len(match["term"].split()) > 8 or NOT_A_TERM.match(match["term"]):
        return None
    meaning = match["meaning"].strip()
    if not _short_enough(meaning, MAX_OPTION_WORDS):
        return None
    return match["term"].strip(), meaning


def definition_questions(provision: Provision, pools: OptionPools) -> list[QuizItem]:
    """'Theo Luật …, “bình đẳng giới” là gì?' with other definitions of the corpus as wrong options."""
    items = []
    for sentence in sentences(provision.text):
        found = definition_of(sentence)
        if not found:
            continue
        term, meaning = found
        question = f"{_according_to(provision)}, “{_lower_first(term)}” là gì?"
        others = [other for other_term, other in pools.definitions if match_key(other_term) != match_key(term)]
        wrong = _pick(meaning, others)
        if wrong:
            items.append(_item(question, meaning, wrong, "definition", provision, sentence))
    return items


def _is_title(text: str) -> bool:
    """A quoted name that can be a theme or a slogan: a few words, not a programme's or document's name."""
    return 5 <= len(text.split()) <= 25 and not _DOCUMENT_NAME.match(text)


def title_questions(provision: Provision, pools: OptionPools) -> list[QuizItem]:
    """'Theo …, chủ đề Tháng hành động năm 2025 là gì?' for a line that is only a quoted name under
    its heading; the other names quoted in the corpus (themes, slogans, campaigns) as wrong options."""
    items = []
    for line in provision.text.split("\n"):
        match = re.fullmatch(r"\s*“([^”]+)”\.?\s*", line)
        if not match or not _is_title(match.group(1)):
            continue
        heading = _heading_above(provision.passage_text or provision.text, line)
        if not heading or not re.match(r"(?:Chủ đề|Thông điệp|Khẩu hiệu|Tên)\b", heading):
            continue
        right = match.group(1)
        wrong = _pick(right, [title for title in pools.titles if match_key(title) not in match_key(provision.text)])
        if wrong:
            question = f"{_according_to(provision)}, {_lower_first(heading)} là gì?"
            items.append(_item(question, right, wrong, "title", provision, line.strip()))
    return items


def _heading_above(text: str, line: str) -> str:
    """The heading line just above a line of a passage, without its numbering ('a) Chủ đề …' → 'Chủ đề …')."""
    lines = [raw.strip() for raw in text.split("\n") if raw.strip()]
    at = lines.index(line.strip()) if line.strip() in lines else -1
    if at <= 0:
        return ""
    above = lines[at - 1]
    if above.endswith((".", ";")) or len(above.split()) > 15:
        return ""
    return re.sub(r"^(?:[IVXLC]+\.|\d+(?:\.\d+)*\.|[a-zđ]\))\s*", "", above).rstrip(":").strip()


# ---------------------------------------------------------------- which document


def document_questions(provision: Provision, pools: OptionPools) -> list[QuizItem]:
    """'Văn bản nào quy định: “…”?' with other documents of the same kind as wrong options."""
    kind = doctypes.kind_of(provision.source)
    pool = pools.documents.get(kind, []) if kind == doctypes.LEGAL else [
        name for other in (doctypes.PLAN, doctypes.NEWS, doctypes.GUIDANCE) for name in pools.documents.get(other, [])
    ]
    verb = "quy định" if kind == doctypes.LEGAL else "nêu"
    for sentence in sentences(provision.text):
        text = re.sub(r"^(?:\d+\.\s+|[a-zđ]\)\s+|[-–+•]\s*)", "", sentence).strip()
        if not (MIN_DOCUMENT_WORDS <= len(text.split()) <= 30) or not text.endswith(".") or not text[:1].isupper():
            continue
        if _POINTS_ELSEWHERE.search(text) or re.match(r"(?:Chương trình|Chiến lược|Đề án)\b", text):
            continue  # "… Kế hoạch này", or a list of programme names cut from its sentence
        right = short_label(provision.source)
        saying = pools.said_by.get(_sentence_key(sentence), set())
        wrong = _pick(right, [name for name in pool if name not in saying])  # no other document may say it too
        if not wrong:
            return []
        question = f"Văn bản nào {verb}: “{text}”?"
        return [_item(question, right, wrong, "document", provision, sentence)]
    return []
