"""A topic becomes a trainers' brief: relevant passages gathered, grouped, merged, mined for figures and questions.

Only quotations from the knowledge base go into a brief; nothing is paraphrased or invented.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from index.normalise import syllables_of
from index.types import Hit
from knowledge.citation import document_label
from knowledge import doctypes
from knowledge.dates import format_date
from knowledge.types import Source
from brief.extract import (
    FIGURE_KIND_NAMES,
    Question,
    definition_question,
    figure_key,
    figure_question,
    figures_in,
    phrase_key,
    provision_question,
    same_text,
    sentences,
)

LEGAL_TYPES = doctypes.LEGAL_TYPES  # the one table of document types (knowledge.doctypes)
GROUP_TITLES = {
    "legal": "Luật, nghị định và văn bản quy phạm pháp luật",
    "national": "Chiến lược, chương trình và đề án quốc gia",
    "local": "Kế hoạch của tỉnh, thành phố, quận, huyện",
}
SEARCH_DEPTH = 30
MAX_PASSAGES = 24
MAX_FIGURES = 40
MAX_QUESTIONS = 10
MIN_QUESTIONS = 5
# A hit that only shares the topic's words (not the phrase) must score near the best.
RELATIVE_SCORE = 0.5

# National programmes as provincial plans name them; the name is the merge key across provinces.
_NATIONAL = re.compile(
    r"Chiến lược quốc gia về bình đẳng giới(?:\s+giai đoạn\s+\d{4}\s?[-–]\s?\d{4})?"
    r"|Chương trình\s+(?:hành động quốc gia|mục tiêu quốc gia|phòng ngừa|truyền thông|truyền thống|“)"
    r"[^,;.:\n”]{0,140}?(?:giai đoạn[^,;.:\n]{0,12}?\d{4}\s?[-–]\s?\d{4}|đến năm \d{4}|”)"
    r"|Đề án\s+“[^”]{5,200}”(?:\s+giai đoạn\s+\d{4}\s?[-–]\s?\d{4})?"
)


class NothingFound(LookupError):
    """The knowledge base holds nothing on the topic: no brief is made."""


@dataclass(frozen=True)
class Quote:
    """A verbatim quotation and every place that says it (several when documents repeat each other)."""

    text: str
    citations: tuple[str, ...]
    source_ids: tuple[str, ...]
    passage_ids: tuple[str, ...]
    label: str = ""  # a heading for the quote, e.g. the national programme's name


@dataclass(frozen=True)
class Section:
    """One kind of source (laws, national programmes, local plans) and its quotations."""

    key: str
    title: str
    quotes: tuple[Quote, ...]


@dataclass(frozen=True)
class FigureItem:
    """A figure or date, the sentence it stands in (verbatim) and where that sentence is cited."""

    value: str
    kind: str
    sentence: str
    citations: tuple[str, ...]


@dataclass(frozen=True)
class ReviewItem:
    """A review question; its answer is a quotation."""

    question: str
    answer: str
    citations: tuple[str, ...]


@dataclass(frozen=True)
class SourceRow:
    """A document used by the brief, as listed in its table of sources."""

    id: str
    title: str
    number: str
    issuer: str
    issued: str  # as Vietnamese readers write it
    note: str
    excerpt: bool


@dataclass(frozen=True)
class Brief:
    """A trainers' handout on one topic, built only from quotations of the knowledge base."""

    title: str
    topic: str
    made_on: str
    sections: tuple[Section, ...]
    figures: tuple[FigureItem, ...]
    questions: tuple[ReviewItem, ...]
    sources: tuple[SourceRow, ...] = field(default=())


def compose_brief(searcher, topic: str, *, k: int = SEARCH_DEPTH, today: dt.date | None = None) -> Brief:
    """Gather what the knowledge base says on a topic into a Brief; NothingFound if it says nothing."""
    topic = " ".join(topic.split())
    if not topic:
        raise NothingFound("Chủ đề trống.")
    result = searcher.search(topic, k=max(k, 1))
    hits = [] if result.abstained else relevant_hits(topic, list(result.hits))
    if not hits:
        raise NothingFound(f"Không tìm thấy nội dung nào về «{topic}» trong cơ sở tri thức.")
    sections = group_quotes(hits)
    figures = collect_figures(hits)
    questions = review_questions(hits)
    used = _used_source_ids(sections)
    sources = tuple(source_row(searcher.sources[source_id]) for source_id in used)
    made_on = format_date((today or dt.date.today()).isoformat())
    return Brief(
        title=f"Tài liệu tập huấn: {topic}",
        topic=topic,
        made_on=made_on,
        sections=sections,
        figures=figures,
        questions=questions,
        sources=sources,
    )


def relevant_hits(topic: str, hits: list[Hit]) -> list[Hit]:
    """Hits that contain the topic as a phrase, or all its words and a score near the best."""
    if not hits:
        return []
    phrase = phrase_key(topic)
    words = set(syllables_of(topic, marked=True))
    best = max(hit.score for hit in hits)
    kept = []
    for hit in hits:
        text = phrase_key(hit.passage.text)
        has_phrase = bool(phrase) and f" {phrase} " in f" {text} "
        has_words = bool(words) and words <= set(syllables_of(hit.passage.text, marked=True))
        if has_phrase or (has_words and hit.score >= RELATIVE_SCORE * best):
            kept.append(hit)
    return kept[:MAX_PASSAGES]


def source_group(source: Source) -> str:
    """'legal', 'national' or 'local': where a source's passages go in the brief."""
    if source.doc_type in LEGAL_TYPES:
        return "legal"
    if source.place.strip().lower() == "việt nam":
        return "national"
    return "local"


def merge_quotes(items: list[tuple[str, str, str, str]], label_of=None) -> list[Quote]:
    """(text, citation, source id, passage id) → quotes, near-identical texts merged with all their citations."""
    merged: list[dict] = []
    for text, citation, source_id, passage_id in items:
        key = label_of(text) if label_of else None
        for quote in merged:
            if (key is not None and quote["key"] == key) or (key is None and same_text(quote["text"], text)):
                if citation not in quote["citations"]:
                    quote["citations"].append(citation)
                    quote["sources"].append(source_id)
                    quote["passages"].append(passage_id)
                break
        else:
            merged.append(
                {"text": text, "key": key, "citations": [citation], "sources": [source_id], "passages": [passage_id]}
            )
    return [
        Quote(
            text=quote["text"],
            citations=tuple(quote["citations"]),
            source_ids=tuple(quote["sources"]),
            passage_ids=tuple(quote["passages"]),
        )
        for quote in merged
    ]


def group_quotes(hits: list[Hit]) -> tuple[Section, ...]:
    """Passages by kind of source (laws first), plus the national programmes the local plans cite."""
    grouped: dict[str, list[tuple[str, str, str, str]]] = {key: [] for key in GROUP_TITLES}
    rank: dict[str, int] = {}
    ordinals = {hit.passage.id: hit.passage.ordinal for hit in hits}
    for hit in hits:
        rank.setdefault(hit.source.id, len(rank))
        item = (hit.passage.text, hit.passage.citation, hit.source.id, hit.passage.id)
        grouped[source_group(hit.source)].append(item)
    # Documents by their best rank; within one, reading order keeps a law's articles in sequence.
    for key in grouped:
        grouped[key].sort(key=lambda item: (rank[item[2]], ordinals[item[3]]))
    national = merge_quotes(grouped["national"]) + national_mentions(hits)
    sections = []
    for key, title in GROUP_TITLES.items():
        quotes = national if key == "national" else merge_quotes(grouped[key])
        if quotes:
            sections.append(Section(key, title, tuple(quotes)))
    return tuple(sections)


def national_mentions(hits: list[Hit]) -> list[Quote]:
    """Sentences of local plans that cite a national programme, merged by the programme's name."""
    found: dict[str, dict] = {}
    for hit in hits:
        if source_group(hit.source) != "local":
            continue
        for sentence in sentences(hit.passage.text):
            for match in _NATIONAL.finditer(sentence):
                key = phrase_key(match.group(0)).replace(" 20", "-20")
                entry = found.setdefault(
                    key, {"label": match.group(0), "text": sentence, "citations": [], "sources": [], "passages": []}
                )
                if hit.passage.citation not in entry["citations"]:
                    entry["citations"].append(hit.passage.citation)
                    entry["sources"].append(hit.source.id)
                    entry["passages"].append(hit.passage.id)
    return [
        Quote(
            text=entry["text"],
            citations=tuple(entry["citations"]),
            source_ids=tuple(entry["sources"]),
            passage_ids=tuple(entry["passages"]),
            label=entry["label"],
        )
        for entry in found.values()
    ]


def collect_figures(hits: list[Hit]) -> tuple[FigureItem, ...]:
    """Figures and dates of the gathered passages, each with its sentence; repeats merged."""
    items: dict[str, FigureItem] = {}
    for hit in hits:
        for sentence in sentences(hit.passage.text):
            for figure in figures_in(sentence):
                key = figure_key(figure)
                item = items.get(key)
                if item is None:
                    items[key] = FigureItem(figure.value, figure.kind, sentence, (hit.passage.citation,))
                elif hit.passage.citation not in item.citations:
                    items[key] = FigureItem(item.value, item.kind, item.sentence, item.citations + (hit.passage.citation,))
    # Percentages, quantities and dates first: numbers of documents are the least telling.
    order = {kind: rank for rank, kind in enumerate(FIGURE_KIND_NAMES)}
    ranked = sorted(items.values(), key=lambda item: order.get(item.kind, len(order)))
    return tuple(ranked[:MAX_FIGURES])


def review_questions(hits: list[Hit]) -> tuple[ReviewItem, ...]:
    """5–10 questions: definitions first, then figures and dates, then what an article provides."""
    definitions: list[tuple[Question, str]] = []
    figures: list[tuple[Question, str]] = []
    provisions: list[tuple[Question, str]] = []
    for hit in hits:
        document = document_label_short(hit.source)
        for sentence in sentences(hit.passage.text):
            question = definition_question(sentence)
            if question:
                definitions.append((question, hit.passage.citation))
            # One question per sentence: two blanks in one answer would read as a riddle.
            for figure in figures_in(sentence):
                question = figure_question(figure, document)
                if question:
                    figures.append((question, hit.passage.citation))
                    break
        question = provision_question(hit.passage.text, document)
        if question:
            provisions.append((question, hit.passage.citation))
    chosen: list[ReviewItem] = []
    for pool, limit in ((definitions, 4), (figures, MAX_QUESTIONS), (provisions, MAX_QUESTIONS)):
        taken = 0
        for question, citation in pool:
            if len(chosen) >= MAX_QUESTIONS or taken >= limit:
                break
            if pool is provisions and len(chosen) >= MIN_QUESTIONS:
                break
            if any(same_text(item.answer, question.answer) or item.question == question.question for item in chosen):
                continue
            chosen.append(ReviewItem(question.question, question.answer, (citation,)))
            taken += 1
    return tuple(chosen)


def document_label_short(source: Source) -> str:
    """The document's name and number without issuer and date, for use inside a question."""
    return document_label(source).split(" (", 1)[0]


def source_row(source: Source) -> SourceRow:
    """How a source appears in the brief's table of sources."""
    return SourceRow(
        id=source.id,
        title=source.title,
        number=source.number,
        issuer=source.issuer,
        issued=format_date(source.issued),
        note=source.note,
        excerpt=source.excerpt,
    )


def _used_source_ids(sections: tuple[Section, ...]) -> list[str]:
    ids: list[str] = []
    for section in sections:
        for quote in section.quotes:
            ids.extend(source_id for source_id in quote.source_ids if source_id not in ids)
    return ids

