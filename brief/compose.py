"""A topic becomes a trainers' handout: what to quote, grouped by sub-topic, mined for figures and a quiz.

Deciding what goes in lives here; how it looks lives in brief/document.py and brief/slides.py.
Only quotations from the knowledge base go into a handout; nothing is paraphrased or invented.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from dataclasses import dataclass, field, replace

from index.normalise import match_key, syllables_of
from index.types import Hit
from knowledge import doctypes
from knowledge.citation import document_label
from knowledge.dates import format_date
from knowledge.types import Passage, Source
from brief.extract import (
    FIGURE_KIND_NAMES,
    cites_another_document,
    clause_around,
    figure_key,
    figures_in,
    phrase_key,
    same_text,
    sentences,
)
from brief.programmes import ProgrammeNames
from brief.units import Unit, heading_title, legal_units, plan_units

LEGAL_TYPES = doctypes.LEGAL_TYPES  # the one table of document types (knowledge.doctypes)
# Where a quotation stands in a sub-topic: legal texts in their listing order (law, code, decree,
# circular, decision), then national programmes, then local plans.
NATIONAL_RANK = len(doctypes.LISTING_ORDER) + 1
LOCAL_RANK = NATIONAL_RANK + 1
# Parts of a document that say nothing a trainer teaches (knowledge.roles).
SKIPPED_ROLES = frozenset({"letterhead", "signature", "recipients", "execution"})
TIER_NAMES = {"legal": "Văn bản quy phạm pháp luật", "national": "Chương trình, chiến lược quốc gia", "local": "Kế hoạch địa phương"}
STATUS_NOTES = {
    "historical": "kỳ kế hoạch đã kết thúc (tư liệu)",
    "amended": "còn hiệu lực, một số nội dung đã thay đổi",
    "check": "chưa kiểm tra hiệu lực",
}
SEARCH_DEPTH = 40
RELATIVE_SCORE = 0.45  # a passage without the topic's phrase must score near the best
DENSE_MARGIN = 0.03  # passages this close (cosine) to the closest one by meaning are about the topic too
DENSE_SHARE = 0.8  # …and count as this share of the best hit by words, at most
SIBLING_SHARE = 0.9  # the other khoản of a law article found count nearly as much as the one found
QUOTE_WORDS = 1300  # quotations of a broad topic: with figures, quiz and sources, 6–10 A4 pages
MAX_UNITS_PER_PASSAGE = 3
MIN_UNIT_WORDS = 6
FIRST_KHOAN_WEIGHT = 1.15  # khoản 1 states an article's main rule; the others qualify it
MAX_SUBTOPICS = 7
MAX_SUBTOPIC_QUOTES = 8
MERGE_SIMILARITY = 0.3  # cosine of two sub-topics' words above which they are one sub-topic
MAX_FIGURES = 10
MAX_SAME_VALUE = 2
FIGURE_KINDS = ("percent", "quantity", "period", "deadline", "date")
OTHER_TITLE = "Các nội dung liên quan khác"
# Letterheads, signatures and closing formulas say nothing a trainer teaches.
_BOILERPLATE = re.compile(
    r"^(?:Số\s*:|CỘNG HÒA|Độc lập|Trên đây là|Nơi nhận|KT\.|TM\.|[^,]{2,60},\s*ngày\s+(?:\d|tháng))"
)


_NAMES_A_PROGRAMME = re.compile(r"\b(?:Chiến lược|Chương trình|Đề án)\b")


class NothingFound(LookupError):
    """The knowledge base holds nothing on the topic: no handout is made."""


@dataclass(frozen=True)
class Quote:
    """A verbatim quotation (whole sentences or a whole khoản) and every place that says it."""

    text: str
    citations: tuple[str, ...]  # the first is where `text` stands verbatim
    source_ids: tuple[str, ...]
    passage_ids: tuple[str, ...]
    tier: str = "local"  # legal, national, local
    context: str = ""  # the heading it stands under in its document, e.g. "Điều 139. Nghỉ thai sản"
    programme: str = ""  # the agreed name of the national programme it cites, if any
    notes: tuple[str, ...] = ()  # currency notes of its documents, from the manifest


@dataclass(frozen=True)
class Section:
    """A sub-topic: its quotations, laws first, then national programmes, then local plans."""

    title: str
    quotes: tuple[Quote, ...]


@dataclass(frozen=True)
class FigureItem:
    """A figure or date with the words around it (a verbatim clause) and where it is said."""

    value: str
    kind: str
    excerpt: str  # the clause holding the figure: what it measures, verbatim
    citations: tuple[str, ...]
    passage_ids: tuple[str, ...]


@dataclass(frozen=True)
class QuizItem:
    """A multiple-choice question: four options, one quoted from the cited passage."""

    question: str
    options: tuple[str, ...]  # A–D
    answer: int  # index of the right option
    kind: str  # what is asked: percent, quantity, period, date, agency, document, definition
    citation: str
    passage_id: str
    evidence: str  # the sentence the right option is quoted from


@dataclass(frozen=True)
class SourceRow:
    """A document used by the handout, as listed in its table of sources."""

    id: str
    title: str
    number: str
    issuer: str
    issued: str  # as Vietnamese readers write it
    note: str
    excerpt: bool
    label: str = ""  # name, number, issuer and date in one line
    status: str = ""


@dataclass(frozen=True)
class Brief:
    """A trainers' handout on one topic, built only from quotations of the knowledge base."""

    title: str
    topic: str
    made_on: str
    sections: tuple[Section, ...]
    figures: tuple[FigureItem, ...]
    quiz: tuple[QuizItem, ...] = ()
    sources: tuple[SourceRow, ...] = field(default=())
    programmes: tuple[tuple[str, tuple[str, ...]], ...] = ()  # agreed name, variants merged under it


def compose_brief(searcher, topic: str, *, k: int = SEARCH_DEPTH, today: dt.date | None = None) -> Brief:
    """Gather what the knowledge base says on a topic into a Brief; NothingFound if it says nothing."""
    from brief.quiz import Provision, build_quiz  # the quiz reads this module's types

    topic = " ".join(topic.split())
    if not topic:
        raise NothingFound("Chủ đề trống.")
    result = searcher.search(topic, k=max(k, 1))
    hits = [] if result.abstained else relevant_hits(topic, list(result.hits))
    if hits:
        hits = gather_by_meaning(searcher, topic, hits, k=max(k, 1))
    if not hits:
        raise NothingFound(f"Không tìm thấy nội dung nào về «{topic}» trong cơ sở tri thức.")
    passages: list[Passage] = list(searcher.passages)
    weights = term_weights(passages)
    names = ProgrammeNames.from_texts((passage.source_id, passage.text) for passage in passages)
    candidates = scored_units(topic, hits, weights)
    quotes = choose_quotes(candidates, names)
    # The topic's own words are in every quotation: they say nothing about which sub-topic it is.
    sections = group_by_subtopic(quotes, {**weights, **{term: 0.0 for term in syllables_of(topic, marked=True)}})
    figures = collect_figures(candidates)
    # The quiz asks first about what the handout quotes, then about the other passages found on the topic.
    kept = {hit.passage.id for hit in hits}
    wider = scored_units(topic, [hit for hit in result.hits if hit.passage.id not in kept], weights) if len(hits) < len(result.hits) else []
    further = [
        Provision(c.unit.text, c.passage.citation, c.passage.id, c.source, c.passage.text)
        for c in sorted(candidates, key=lambda c: -c.score) + wider
    ]
    quiz = build_quiz(sections, searcher.sources, passages, further)
    used = _used_source_ids(sections)
    sources = tuple(source_row(searcher.sources[source_id]) for source_id in used)
    cited = {quote.programme for section in sections for quote in section.quotes if quote.programme}
    programmes = tuple(
        (programme.name, programme.variants[1:]) for programme in names.programmes if programme.name in cited
    )
    return Brief(
        title=f"Tài liệu tập huấn: {topic}",
        topic=topic,
        made_on=format_date((today or dt.date.today()).isoformat()),
        sections=sections,
        figures=figures,
        quiz=quiz,
        sources=sources,
        programmes=programmes,
    )


def relevant_hits(topic: str, hits: list[Hit]) -> list[Hit]:
    """Hits that contain the topic as a phrase, or score near the best (by words or by meaning)."""
    if not hits:
        return []
    phrase = phrase_key(topic)
    best = max(hit.score for hit in hits)
    kept = []
    for hit in hits:
        has_phrase = bool(phrase) and f" {phrase} " in f" {phrase_key(hit.passage.text)} "
        if has_phrase or hit.score >= RELATIVE_SCORE * best:
            kept.append(hit)
    return kept


def gather_by_meaning(searcher, topic: str, hits: list[Hit], *, k: int) -> list[Hit]:
    """The hits found by words, plus passages close to the topic by meaning, plus the rest of each
    law article found (its khoản 1 states the rule the other khoản qualify).

    Scores become one scale: a share of the best (words), or of the closest by meaning.
    """
    best = max(hit.score for hit in hits) or 1.0
    relevance = {hit.passage.id: hit.score / best for hit in hits}
    found = {hit.passage.id: hit for hit in hits}
    if "dense" in getattr(searcher, "modes", ()):
        by_meaning = searcher.search(topic, k=k, mode="dense")
        if not by_meaning.abstained and by_meaning.hits:
            closest = by_meaning.hits[0].score
            for hit in by_meaning.hits:
                gap = closest - hit.score
                if gap > DENSE_MARGIN:
                    break
                share = DENSE_SHARE * (1 - gap / (2 * DENSE_MARGIN))
                if share > relevance.get(hit.passage.id, 0.0):
                    relevance[hit.passage.id] = share
                    found.setdefault(hit.passage.id, hit)
    for hit in list(found.values()):
        if source_tier(hit.source) != "legal" or not hasattr(searcher, "section_passages"):
            continue
        for sibling in searcher.section_passages(hit.passage.id):
            share = SIBLING_SHARE * relevance[hit.passage.id]
            if share > relevance.get(sibling.id, 0.0):
                relevance[sibling.id] = share
                found.setdefault(sibling.id, Hit(sibling, hit.source, 0.0))
    ordered = sorted(found.values(), key=lambda hit: -relevance[hit.passage.id])
    return [replace(hit, score=relevance[hit.passage.id]) for hit in ordered]


def term_weights(passages: list[Passage]) -> dict[str, float]:
    """Inverse document frequency of each content syllable over the whole knowledge base."""
    counts: Counter[str] = Counter()
    for passage in passages:
        counts.update(set(syllables_of(passage.text, marked=True)))
    total = max(len(passages), 1)
    return {term: math.log(1 + total / count) for term, count in counts.items()}


def coverage(topic_terms: list[str], text: str, weights: dict[str, float]) -> float:
    """Share of the topic's weighted content syllables a text contains."""
    if not topic_terms:
        return 0.0
    present = set(syllables_of(text, marked=True))
    default = max(weights.values(), default=1.0)
    total = sum(weights.get(term, default) for term in topic_terms)
    return sum(weights.get(term, default) for term in topic_terms if term in present) / total


@dataclass(frozen=True)
class Candidate:
    """A unit that may be quoted, with its passage, source, search rank and relevance."""

    unit: Unit
    passage: Passage
    source: Source
    rank: int
    score: float


def source_tier(source: Source) -> str:
    """'legal', 'national' or 'local': where a document's quotations stand in a sub-topic."""
    if doctypes.kind_of(source) == doctypes.LEGAL:
        return "legal"
    if source.place.strip().lower() == "việt nam":
        return "national"
    return "local"


def scored_units(topic: str, hits: list[Hit], weights: dict[str, float]) -> list[Candidate]:
    """Every quotable unit of the gathered passages, scored by its passage's rank and its own relevance."""
    topic_terms = list(dict.fromkeys(syllables_of(topic, marked=True)))
    phrase = phrase_key(topic)
    best = max(hit.score for hit in hits) or 1.0
    found = []
    for rank, hit in enumerate(hits):
        role = getattr(hit.passage, "role", "body")
        if role in SKIPPED_ROLES:
            continue
        legal = source_tier(hit.source) == "legal"
        units = legal_units(hit.passage.text) if legal else plan_units(hit.passage.text)
        for unit in units:
            if len(unit.text.split()) < MIN_UNIT_WORDS or _BOILERPLATE.match(unit.text):
                continue
            if role == "preamble" and not _NAMES_A_PROGRAMME.search(unit.text):
                continue  # "Căn cứ …" lines matter here only when they name a national programme
            share = coverage(topic_terms, unit.text, weights)
            if phrase and f" {phrase} " in f" {phrase_key(unit.text)} ":
                share = 1.0
            score = (hit.score / best) * (0.35 + 0.65 * share)
            if legal and unit.text.startswith("1. "):
                score *= FIRST_KHOAN_WEIGHT
            found.append(Candidate(unit, hit.passage, hit.source, rank, score))
    return found


def currency_notes(source: Source) -> tuple[str, ...]:
    """What a reader must know about a document's currency, printed with each of its quotations: the
    manifest's note. (A plan's 'historical' status goes in the table of sources, not under every line.)"""
    return (source.note,) if source.note else ()


def status_note(source: Source) -> str:
    """The document's standing in a few words, for the table of sources ('' when in force)."""
    return STATUS_NOTES.get(source.status, "")


def sentence_keys(text: str) -> list[str]:
    """The sentences of a text as comparison keys (tone-folded words), for 'never print it twice'."""
    return [key for key in (phrase_key(sentence) for sentence in sentences(text)) if len(key.split()) >= 4]


def breadth_first(candidates: list[Candidate]) -> list[Candidate]:
    """Every Điều or section gives one unit before any gives a second; sections in order of their
    best unit; within a law article its khoản 1 first (the rule the others qualify)."""
    sections: dict[tuple[str, str], list[Candidate]] = {}
    for candidate in sorted(candidates, key=lambda c: -c.score):
        where = (candidate.passage.source_id, candidate.passage.section or candidate.passage.id)
        sections.setdefault(where, []).append(candidate)
    for members in sections.values():
        members.sort(key=lambda c: (not (source_tier(c.source) == "legal" and c.unit.text.startswith("1. ")), -c.score))
    return [
        members[turn]
        for turn in range(max((len(members) for members in sections.values()), default=0))
        for members in sections.values()
        if turn < len(members)
    ]


def choose_quotes(candidates: list[Candidate], names: ProgrammeNames) -> list[tuple[Quote, float, int]]:
    """The best units up to the word budget, each sentence once; repeats merged with all their citations."""
    chosen: list[dict] = []
    printed: set[str] = set()
    per_passage: Counter[str] = Counter()
    words = 0
    ordered = breadth_first(candidates)
    for candidate in ordered:
        text = candidate.unit.text
        citation = candidate.passage.citation
        twin = next((quote for quote in chosen if same_text(quote["text"], text)), None)
        if twin is not None:
            if candidate.source.id not in twin["sources"]:
                twin["citations"].append(citation)
                twin["sources"].append(candidate.source.id)
                twin["passages"].append(candidate.passage.id)
                twin["notes"].extend(n for n in currency_notes(candidate.source) if n not in twin["notes"])
            continue
        keys = sentence_keys(text)
        if words >= QUOTE_WORDS or per_passage[candidate.passage.id] >= MAX_UNITS_PER_PASSAGE:
            continue
        if any(key in printed for key in keys):
            continue  # a sentence already quoted is not printed again
        printed.update(keys)
        per_passage[candidate.passage.id] += 1
        words += len(text.split())
        tier = source_tier(candidate.source)
        found = names.find(text)
        programme = found[0].name if found else ""
        if tier == "local" and programme:
            tier = "national"  # a plan's sentence about a national programme stands with the programme
        chosen.append(
            {
                "text": text, "citations": [citation], "sources": [candidate.source.id],
                "passages": [candidate.passage.id], "tier": tier, "context": candidate.unit.heading,
                "programme": programme, "notes": list(currency_notes(candidate.source)),
                "score": candidate.score, "rank": candidate.rank,
                "order": (candidate.rank, candidate.passage.ordinal, candidate.unit.start),
                "type": candidate.source.doc_type,
            }
        )
    return [
        (
            Quote(
                text=item["text"], citations=tuple(item["citations"]), source_ids=tuple(item["sources"]),
                passage_ids=tuple(item["passages"]), tier=item["tier"], context=item["context"],
                programme=item["programme"], notes=tuple(item["notes"]),
            ),
            item["score"],
            _tier_rank(item["tier"], item["type"]),
        )
        for item in chosen
    ]


def _tier_rank(tier: str, doc_type: str) -> int:
    if tier == "legal":
        return doctypes.listing_rank(doc_type)
    return NATIONAL_RANK if tier == "national" else LOCAL_RANK


def _vector(text: str, weights: dict[str, float]) -> dict[str, float]:
    counts = Counter(syllables_of(text, marked=True))
    return {term: count * weights.get(term, 1.0) for term, count in counts.items()}


def _cosine(first: dict[str, float], second: dict[str, float]) -> float:
    dot = sum(value * second.get(term, 0.0) for term, value in first.items())
    norm = math.sqrt(sum(v * v for v in first.values())) * math.sqrt(sum(v * v for v in second.values()))
    return dot / norm if norm else 0.0


def group_by_subtopic(chosen: list[tuple[Quote, float, int]], weights: dict[str, float]) -> tuple[Section, ...]:
    """Quotations grouped by what they are about, each group ordered law → decree → programme → plan."""
    # Seeds: a law's khoản stay under their Điều, a programme's mentions under its agreed name.
    seeds: dict[str, list[tuple[Quote, float, int]]] = {}
    for item in chosen:
        quote = item[0]
        key = f"p:{quote.programme}" if quote.tier == "national" else f"c:{quote.source_ids[0]}:{quote.context}"
        seeds.setdefault(key, []).append(item)
    groups = list(seeds.values())

    def words_of(group: list[tuple[Quote, float, int]]) -> dict[str, float]:
        return _vector(" ".join(f"{q.context} {q.programme} {q.text}" for q, _, _ in group), weights)

    vectors = [words_of(group) for group in groups]
    seed_similarity = [[_cosine(a, b) for b in vectors] for a in vectors]
    members = [[index] for index in range(len(groups))]

    def size(member: list[int]) -> int:
        return sum(len(groups[index]) for index in member)

    def linkage(first: list[int], second: list[int]) -> float:
        # Average linkage over the seeds: a merged group does not drift towards the common words.
        return sum(seed_similarity[i][j] for i in first for j in second) / (len(first) * len(second))

    while len(members) > 1:
        forced = len(members) > MAX_SUBTOPICS  # too many sub-topics: the closest two merge whatever their size
        best, pair = -1.0, None
        for i in range(len(members)):
            for j in range(i + 1, len(members)):
                joined = size(members[i]) + size(members[j])
                if not forced and joined > MAX_SUBTOPIC_QUOTES:
                    continue  # keep a sub-topic short enough to read
                similarity = linkage(members[i], members[j])
                if forced:
                    similarity /= math.sqrt(joined)  # merging small groups first keeps any one from swelling
                if similarity > best:
                    best, pair = similarity, (i, j)
        if pair is None or (not forced and best < MERGE_SIMILARITY):
            break
        i, j = pair
        members[i] = members[i] + members[j]
        del members[j]
    groups = [[item for index in group for item in groups[index]] for group in members]
    sections: dict[str, list[tuple[Quote, float, int]]] = {}
    for group in sorted(groups, key=lambda g: -max(score for _, score, _ in g)):
        sections.setdefault(subtopic_title(group, weights), []).extend(group)
    return tuple(
        Section(title, tuple(quote for quote, _, _ in sorted(items, key=lambda item: (item[2], -item[1]))))
        for title, items in sections.items()
    )


def subtopic_title(group: list[tuple[Quote, float, int]], weights: dict[str, float] | None = None) -> str:
    """A sub-topic's heading: the title of its best law article, else of its best plan heading or
    programme, else the phrase its quotations share ("Về truyền thông, tuyên truyền")."""
    by_score = sorted(group, key=lambda item: -item[1])
    legal = sum(1 for quote, _, _ in group if quote.tier == "legal")
    # The law names the sub-topic when it says a fair part of it; else what most quotations are.
    order = ("legal", "local", "national") if 3 * legal >= len(group) else ("local", "national", "legal")
    for generic in (False, True):
        for wanted in order:
            for quote, _, _ in by_score:
                if quote.tier != wanted:
                    continue
                title = heading_title(quote.context, generic=generic) if quote.context else ""
                if wanted == "national" and quote.programme:
                    title = quote.programme
                if title:
                    return title[:1].upper() + title[1:]
    phrase = shared_phrase([quote.text for quote, _, _ in group], weights or {})
    return f"Về {phrase}" if phrase else OTHER_TITLE


_EDGE_WORDS = frozenset(
    "và của các cho với trong về để đến từ tại theo là được có những một này đó thì mà hoặc như trên dưới đã sẽ "
    "đang cũng nhằm việc công tác thực hiện tăng cường đẩy mạnh triển khai tổ chức tích cực chủ động tiếp tục "
    "xây dựng nâng cao bảo đảm đảm bảo".split()
)


def shared_phrase(texts: list[str], weights: dict[str, float]) -> str:
    """The 2–4-word phrase, as written, that most of the texts share, weighted by how telling its
    words are; '' when no phrase is shared by two texts or more."""
    seen: dict[str, tuple[str, set[int]]] = {}
    for number, text in enumerate(texts):
        # Words with what separates them; a phrase may hold a comma ("phòng ngừa, ứng phó") but no
        # other punctuation.
        tokens = list(re.finditer(r"[^\W\d_]+", text))
        for size in (2, 3, 4):
            for start in range(len(tokens) - size + 1):
                piece = tokens[start : start + size]
                gaps = [text[a.end() : b.start()] for a, b in zip(piece, piece[1:])]
                if any(gap not in (" ", ", ") for gap in gaps):
                    continue
                first, last = piece[0].group(0).lower(), piece[-1].group(0).lower()
                if first in _EDGE_WORDS or last in _EDGE_WORDS:
                    continue
                written = text[piece[0].start() : piece[-1].end()]
                key = match_key(written.replace(",", ""))
                entry = seen.setdefault(key, (written[:1].lower() + written[1:], set()))
                entry[1].add(number)
    best, best_score = "", 0.0
    for key, (written, where) in seen.items():
        if len(where) < 2:
            continue
        telling = sum(weights.get(term, 0.0) for term in syllables_of(written, marked=True))
        score = len(where) * telling
        if score > best_score:
            best, best_score = written, score
    return best


def collect_figures(candidates: list[Candidate]) -> tuple[FigureItem, ...]:
    """Figures and dates of the relevant units, each with the clause that says what it measures."""
    items: dict[str, FigureItem] = {}
    order: dict[str, float] = {}
    per_value: Counter[str] = Counter()
    ordered = breadth_first(candidates)
    for candidate in ordered:
        for sentence in sentences(candidate.unit.text):
            for figure in figures_in(sentence):
                if figure.kind not in FIGURE_KINDS or (figure.kind == "date" and cites_another_document(sentence)):
                    continue
                excerpt = clause_around(sentence, figure)
                if not excerpt:
                    continue
                key = figure_key(figure) if figure.kind in ("period", "deadline") else phrase_key(excerpt)
                if key not in items and per_value[figure_value(figure)] >= MAX_SAME_VALUE:
                    continue  # "12 tháng tuổi" four times says less than four different figures
                item = items.get(key)
                citation = candidate.passage.citation
                if item is None:
                    items[key] = FigureItem(figure.value, figure.kind, excerpt, (citation,), (candidate.passage.id,))
                    order[key] = candidate.score
                    per_value[figure_value(figure)] += 1
                elif citation not in item.citations:
                    items[key] = FigureItem(
                        item.value, item.kind, item.excerpt, item.citations + (citation,),
                        item.passage_ids + (candidate.passage.id,),
                    )
    ranked = sorted(items, key=lambda key: (FIGURE_KINDS.index(items[key].kind), -order[key]))
    return tuple(items[key] for key in ranked[:MAX_FIGURES])


def figure_value(figure) -> str:
    """A figure's value as a key: '06 tháng' and '6 tháng' alike."""
    return re.sub(r"\b0+(\d)", r"\1", phrase_key(figure.value))


def document_label_short(source: Source) -> str:
    """The document's name and number without issuer and date, for use inside a question."""
    return document_label(source).split(" (", 1)[0]


def source_row(source: Source) -> SourceRow:
    """How a source appears in the handout's table of sources."""
    return SourceRow(
        id=source.id,
        title=source.title,
        number=source.number,
        issuer=source.issuer,
        issued=format_date(source.issued),
        note=source.note,
        excerpt=source.excerpt,
        label=document_label(source),
        status=status_note(source),
    )


def _used_source_ids(sections: tuple[Section, ...]) -> list[str]:
    ids: list[str] = []
    for section in sections:
        for quote in section.quotes:
            ids.extend(source_id for source_id in quote.source_ids if source_id not in ids)
    return ids


__all__ = [
    "Brief", "Section", "Quote", "FigureItem", "QuizItem", "SourceRow", "NothingFound", "compose_brief",
    "FIGURE_KIND_NAMES", "TIER_NAMES",
]
