"""A loaded index answering questions: lexical (and dense) ranking, then an honest threshold."""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index import store
from index.errors import EmptyQuestion, IndexDamaged, IndexIncompatible
from index.lexical import LexicalIndex, top_k
from index.build import FORMAT_VERSION
from index.tables import open_tables
from index.features import FEATURE_NAMES, CandidateEvidence, QuestionProfile, feature_matrix
from index.everyday import everyday_expansions, replace_everyday
from index.normalise import STOP_SYLLABLES, clean_question, has_diacritics, replace_abbreviations, strip_diacritics
from index.questions import REQUEST_WORDS, document_numbers, facts_of
from index.ranker import Ranker, model_path
from index.settings import FIELDS, IndexSettings
from index.tokenise import TOKENISER_ID, Analysis, analyse
from index.types import Hit, SearchResult
from knowledge.doctypes import kind_of
from knowledge.levels import is_in_force
from knowledge.roles import RECIPIENTS, SIGNATURE
from knowledge.types import Passage, Source

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 1000  # longer messages are searched on their beginning
CANDIDATES = 50  # how deep the lexical and the dense rankings are read for candidates
ROLE_DOCUMENTS = 3  # whose asked parts join the candidates: the documents of the best three


class Searcher:
    """Everything a question needs, loaded once: passages, sources and the ranking arrays."""

    def __init__(
        self,
        build_dir: Path,
        manifest: dict,
        sources: dict[str, Source],
        passages: list[Passage],
        lexical: dict[str, LexicalIndex],
        settings: IndexSettings,
        warnings: list[str] | None = None,
        dense=None,
        encoder=None,
        rankers: dict[str, Ranker] | None = None,
    ) -> None:
        self.build_dir = build_dir
        self.manifest = manifest
        self.sources = sources
        self.passages = passages
        self.lexical = lexical
        self.settings = settings
        self.warnings = warnings or []
        self.dense = dense  # index.dense.DenseIndex, or None for a lexical-only build
        self.encoder = encoder  # index.dense.Encoder, loaded once with the index
        self._by_id = {passage.id: passage for passage in passages}
        # The fitted ranking of each mode (index/models/); cross-validation swaps in its own.
        self.rankers = rankers if rankers is not None else load_rankers(self.modes)
        tables = open_tables(build_dir, passages, sources)  # computed at build time, memory-mapped
        self._diacritics = tables.diacritics
        self._plain_texts = tables.plain_texts
        self._answer_kinds = tables.answer_kinds
        self._levels = tables.levels
        self._parts = tables.parts  # (source id, role) → positions of its non-body passages
        self._in_force = {source_id: is_in_force(source) for source_id, source in sources.items()}
        self._kinds = {source_id: kind_of(source) for source_id, source in sources.items()}
        self._numbers = {source_id: document_numbers(source.number) for source_id, source in sources.items()}
        self._known_numbers = tables.known_numbers
        self._facts = tables.facts

    # -- lookups -------------------------------------------------------------------------

    def passage(self, passage_id: str) -> Passage:
        """The passage with this id (KeyError if the index does not hold it)."""
        return self._by_id[passage_id]

    def section_passages(self, passage_id: str) -> list[Passage]:
        """All passages of the Điều / section the given passage belongs to, in reading order."""
        anchor = self._by_id[passage_id]
        return [
            passage
            for passage in self.passages
            if passage.source_id == anchor.source_id and passage.section == anchor.section
        ]

    # -- search --------------------------------------------------------------------------

    def warm_up(self) -> None:
        """Load the lazy parts (word segmenter, encoder) now rather than on the first question."""
        analyse("Bình đẳng giới là gì?")
        if self.encoder is not None:
            self.encoder.encode_queries(["Bình đẳng giới là gì?"])

    @property
    def modes(self) -> tuple[str, ...]:
        """Rankings this index can serve: lexical always; dense and fused with a dense half."""
        return ("lexical", "dense", "fused") if self.dense is not None else ("lexical",)

    def search(self, question: str, k: int = 5, mode: str | None = None) -> SearchResult:
        """Rank passages for a question; abstain when none of them answers it.

        `mode` is "fused" (default with a dense half), "lexical" or "dense" (cosine alone, for
        comparisons: it has no fitted ranker and declines only by the rules of `gather`).
        """
        started = time.perf_counter()
        mode = mode or self.modes[-1]
        gathered = self.gather(question, mode)
        ranker = None
        if mode != "dense":
            ranker = self.rankers.get(mode)
            if ranker is None:
                raise IndexIncompatible(
                    f"Không có mô hình xếp hạng cho chế độ '{mode}' ({model_path(mode)}). "
                    "Hãy khớp lại: binhdang ranker fit --gold <câu hỏi mẫu.jsonl>"
                )
        scores, abstained, reason = decide(gathered, ranker)
        hits: tuple[Hit, ...] = ()
        if not abstained:
            order = ranking_order(gathered, scores)[:k]
            hits = tuple(
                Hit(self.passages[i], self.sources[self.passages[i].source_id], float(scores[j]))
                for j, i in ((int(j), int(gathered.indices[j])) for j in order)
            )
        latency_ms = (time.perf_counter() - started) * 1000
        return SearchResult(question=question, hits=hits, abstained=abstained, latency_ms=latency_ms, reason=reason)

    def gather(self, question: str, mode: str) -> Gathered:
        """The candidates of a question (the union of the lexical and dense top CANDIDATES) with
        their features, and a reason to decline that needs no model ('' when there is none).

        Split from `search` so that cross-validation computes candidates once and fits the
        ranker many times.
        """
        if mode not in self.modes:
            raise ValueError(f"Chỉ mục này không có chế độ '{mode}' (có: {', '.join(self.modes)}).")
        text = clean_question(question)[:MAX_QUESTION_CHARS]
        if not any(ch.isalnum() for ch in text):
            raise EmptyQuestion("Câu hỏi không có từ nào để tìm.")
        analysis = analyse(text)
        if not analysis.plain and not analysis.words:
            raise EmptyQuestion("Câu hỏi không có từ nào để tìm.")
        restored = self._diacritics.restore(text) if not has_diacritics(text) else None
        # Everyday words ('có bầu', 'đuổi việc') also search as the documents' words.
        everyday = list(dict.fromkeys(everyday_expansions(text) + (everyday_expansions(restored) if restored else [])))
        fields = self._field_scores(_joined(analysis, analyse(" ".join(everyday))) if everyday else analysis)
        lexical_total = self._lexical_total(fields)
        lexical_top = _top(lexical_total, CANDIDATES)
        dense_top: np.ndarray = np.zeros(0, dtype=np.int64)
        query_vector = None
        if mode in ("dense", "fused"):
            query_vector = self.encoder.encode_queries([restored or text])[0]
            _, ids = self.dense.search(query_vector[None, :], CANDIDATES)
            dense_top = ids[0][ids[0] >= 0].astype(np.int64)
        if mode == "dense":
            indices = dense_top
        else:
            indices = np.unique(np.concatenate([lexical_top, dense_top])) if len(dense_top) else lexical_top
        profile = QuestionProfile.of(text)
        if profile.roles_asked and len(indices):
            indices = self._with_asked_parts(indices, lexical_total, profile.roles_asked)
        unknown = sorted(fact for fact in facts_of(text) if fact not in self._facts)
        named = document_numbers(text)
        if not len(indices) or (mode != "dense" and not lexical_total[indices].any() and not len(dense_top)):
            return Gathered(np.zeros(0, dtype=np.int64), np.zeros((0, len(FEATURE_NAMES))), None,
                            "no passage shares a word with the question")
        evidence = self._evidence(text, restored, analysis, fields, lexical_total, lexical_top, dense_top,
                                  query_vector, indices, named)
        features = feature_matrix(profile, evidence)
        reason = ""
        if unknown:
            # A document number, date or year that no document mentions: whatever passage is
            # nearest, it cannot say anything about that one.
            reason = f"asks about {', '.join(unknown)}, which no document mentions"
        sources = tuple(self.passages[int(i)].source_id for i in indices)
        asked_part = np.array([self.passages[int(i)].role in profile.roles_asked & PARTS_THAT_ANSWER_BY_ROLE for i in indices])
        return Gathered(indices, features, evidence, reason, sources, asked_part)

    def _with_asked_parts(self, indices: np.ndarray, lexical_total: np.ndarray, roles: frozenset[str]) -> np.ndarray:
        """Add the asked parts (signature, recipients, preamble …) of the documents the question
        is about: 'Ai ký Kế hoạch 174?' shares no word with 'KT. CHỦ TỊCH … Trần Thị …', so the
        signature never ranks on its words; the documents of the best candidates stand for
        'the document the question is about'."""
        best = indices[np.argsort(-lexical_total[indices], kind="stable")[:ROLE_DOCUMENTS]]
        sources = {self.passages[int(i)].source_id for i in best}
        extra = [i for source in sources for role in roles for i in self._parts.get((source, role), ())]
        return np.unique(np.concatenate([indices, np.array(extra, dtype=np.int64)])) if extra else indices

    def _field_scores(self, analysis: Analysis) -> dict[str, np.ndarray]:
        """BM25 of every passage per field group, over all passages."""
        lex = self.lexical
        return {
            "words": lex["words"].scores(analysis.words),
            "plain": lex["plain"].scores(analysis.plain),
            "context": lex["context_words"].scores(analysis.words) + lex["context_plain"].scores(analysis.plain),
            "heading": lex["heading_words"].scores(analysis.words) + lex["heading_plain"].scores(analysis.plain),
        }

    def _lexical_total(self, fields: dict[str, np.ndarray]) -> np.ndarray:
        """The weighted BM25 sum that picks the lexical candidates (IndexSettings' weights)."""
        s = self.settings
        return (
            s.weight_words * fields["words"]
            + s.weight_plain * fields["plain"]
            + s.weight_context * fields["context"]
            + s.weight_heading * fields["heading"]
        )

    def lexical_scores(self, analysis: Analysis) -> np.ndarray:
        """Weighted BM25 over the passage fields and the document-context fields."""
        return self._lexical_total(self._field_scores(analysis))

    def _evidence(
        self,
        text: str,
        restored: str | None,
        analysis: Analysis,
        fields: dict[str, np.ndarray],
        lexical_total: np.ndarray,
        lexical_top: np.ndarray,
        dense_top: np.ndarray,
        query_vector: np.ndarray | None,
        indices: np.ndarray,
        named: frozenset[str] = frozenset(),
    ) -> CandidateEvidence:
        n = len(indices)
        lexical_rank = _ranks(indices, lexical_top)
        dense_rank = _ranks(indices, dense_top)
        if query_vector is not None:
            cosine = np.asarray(self.dense.vectors[indices] @ query_vector, dtype=np.float64)
            closest = float(cosine.max()) if n else 0.0
        else:
            cosine, closest = np.zeros(n), 0.0
        coverage = self._coverage(text, restored, analysis, indices)
        return CandidateEvidence(
            lexical_total=_relative(lexical_total)[indices],
            bm25={name: _relative(scores)[indices] for name, scores in fields.items()},
            lexical_rank=lexical_rank.astype(np.float64),
            cosine=cosine,
            dense_rank=dense_rank.astype(np.float64),
            closest_cosine=closest,
            coverage_words=coverage.words,
            coverage_with_document=coverage.with_document,
            coverage_phrases=coverage.phrases,
            unknown_words=coverage.unknown,
            largest_missing=coverage.largest_missing,
            plain_texts=[self._plain_texts[i] for i in indices],
            answer_kinds=[self._answer_kinds[i] for i in indices],
            roles=[self.passages[i].role for i in indices],
            in_force=[self._in_force[self.passages[i].source_id] for i in indices],
            kinds=[self._kinds[self.passages[i].source_id] for i in indices],
            levels=[self._levels[i] for i in indices],
            from_named_document=np.array([bool(named & self._numbers[self.passages[i].source_id]) for i in indices], dtype=float),
            names_known_document=float(bool(named & self._known_numbers)),
            lengths=np.array([len(self.passages[i].text) for i in indices], dtype=np.float64),
        )

    def _coverage(self, text: str, restored: str | None, analysis: Analysis, indices: np.ndarray) -> Coverage:
        """How much of the question's content the candidates hold, word by word.

        Words, not syllables: 'phương trình' is one word, not covered by 'địa phương … trình'.
        A question typed without marks is read as restored from the corpus's own spelling when
        that is sure, else syllable by syllable. Bare numbers are not content ('2', '2024'):
        document numbers, dates and percentages are (they are protected spans).
        """
        words_field, context_field, plain_field = self.lexical["words"], self.lexical["context_words"], self.lexical["plain"]
        readable = text if has_diacritics(text) else restored
        # Read as the documents would say it: abbreviations spelled out, everyday words in
        # their legal form ('có bầu' is covered where a passage says 'mang thai').
        worded = replace_everyday(replace_abbreviations(readable or text))
        as_worded = analysis if worded == text else analyse(worded, segment=bool(readable))
        if readable:
            terms = _content_terms(as_worded.words, analysis.protected, typed_bare=not has_diacritics(text))
            passage_field, document_field = words_field, context_field
            spellings = _pair_spellings(as_worded.words, terms)
        else:
            terms = _content_terms([t for t in as_worded.plain if "_" not in t], ())
            passage_field, document_field = plain_field, self.lexical["context_plain"]
            spellings = {}
        pairs = sorted({t for t in as_worded.plain if "_" in t})
        in_passage, in_document, known, weights = _presence(
            terms,
            indices,
            passage_field,
            document_field,
            (plain_field, self.lexical["context_plain"]) if readable else None,
            typed_bare=not has_diacritics(text),
        )
        if spellings:
            # underthesea does not always cut a question as it cut the passage ('định | kiến_giới'
            # against 'định_kiến | giới'): a word also counts as held when its syllables stand
            # together in the passage, read as diacritic-free syllable pairs.
            for j, term in enumerate(terms):
                held, pair_known, pair_weight = _held_as_pairs(spellings.get(term, ()), indices, plain_field)
                in_passage[:, j] = np.maximum(in_passage[:, j], held)
                if not known[j] and pair_known:
                    known[j], weights[j] = True, pair_weight
        total = weights.sum()
        phrases = np.zeros(len(indices))
        pair_ids = [plain_field.vocabulary[p] for p in pairs if p in plain_field.vocabulary]
        if pairs:
            if pair_ids:
                phrases = sum(plain_field.holds(column, indices) for column in pair_ids) / len(pairs)
        if total <= 0:
            zeros = np.zeros(len(indices))
            return Coverage(zeros, zeros, phrases, 0.0, zeros)
        held = np.maximum(in_passage, in_document)
        return Coverage(
            words=in_passage @ weights / total,
            with_document=held @ weights / total,
            phrases=phrases,
            unknown=float(weights[~known].sum() / total),
            largest_missing=((1.0 - held) * weights).max(axis=1, initial=0.0) / total,
        )


@dataclass(frozen=True)
class Gathered:
    """One question's candidates (passage positions), their feature rows, the evidence behind
    them, and a reason to decline that needs no model ('' when there is none)."""

    indices: np.ndarray
    features: np.ndarray
    evidence: CandidateEvidence | None
    decline_reason: str
    # Where a question asks for a part that has no words of its own to match (who signed,
    # who it was sent to), that part of the document it is about: the candidates' sources and
    # whether each is such a part.
    sources: tuple[str, ...] = ()
    asked_part: np.ndarray | None = None


# Parts whose text cannot share words with the question that asks for them ('Ai ký …?' against
# 'KT. CHỦ TỊCH … Trần Thị …'): asked for, they are the answer, and lead the ranking.
PARTS_THAT_ANSWER_BY_ROLE = frozenset({SIGNATURE, RECIPIENTS})


def ranking_order(gathered: Gathered, scores: np.ndarray) -> np.ndarray:
    """Candidates best first: by score, except that a signature or recipients part the question
    asks for, of the document the best-scored candidate comes from, leads."""
    order = np.argsort(-scores, kind="stable")
    if gathered.asked_part is None or not gathered.asked_part.any() or not len(order):
        return order
    best_source = gathered.sources[int(next((j for j in order if not gathered.asked_part[j]), order[0]))]
    leads = np.array([bool(gathered.asked_part[j]) and gathered.sources[j] == best_source for j in order])
    return np.concatenate([order[leads], order[~leads]])


@dataclass(frozen=True)
class Coverage:
    """Idf-weighted share of the question's content words each candidate holds."""

    words: np.ndarray
    with_document: np.ndarray
    phrases: np.ndarray
    unknown: float
    largest_missing: np.ndarray  # the weight share of the weightiest question word it lacks


def decide(gathered: Gathered, ranker: Ranker | None) -> tuple[np.ndarray, bool, str]:
    """Score a question's candidates and decide whether to answer.

    With a ranker: each candidate's probability of answering; the question is declined when
    the best is below the ranker's threshold. Without one (dense mode, for comparison): the
    cosine, declined only by the rules of `gather`. Returns (scores, declined, why).
    """
    if ranker is None:
        scores = gathered.evidence.cosine if gathered.evidence is not None else np.zeros(0)
        return scores, gathered.decline_reason != "", gathered.decline_reason
    scores = ranker.probabilities(gathered.features)
    if gathered.decline_reason:
        return scores, True, gathered.decline_reason
    answerability = ranker.answerable(gathered.features)
    if answerability < ranker.threshold:
        return scores, True, f"answerability {answerability:.3f} < {ranker.threshold:.3f}"
    return scores, False, ""


def _joined(analysis: Analysis, extra: Analysis) -> Analysis:
    """A question's terms with more terms to search for (its protected spans stay its own)."""
    return Analysis(words=analysis.words + extra.words, plain=analysis.plain + extra.plain, protected=analysis.protected)


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k best positive scores, best first (ties by position)."""
    positive = np.flatnonzero(scores > 0)
    if not len(positive):
        return positive.astype(np.int64)
    order = top_k(scores[positive], k)  # argpartition: the same order as a stable full sort
    return positive[order].astype(np.int64)


def _ranks(indices: np.ndarray, ranking: np.ndarray) -> np.ndarray:
    """Each candidate's 0-based rank in a ranking; len(ranking) where it is not in it
    (CANDIDATES when the ranking is empty), so 'absent' reads as 'below the last'."""
    position = {int(i): rank for rank, i in enumerate(ranking)}
    missing = max(len(ranking), CANDIDATES)
    return np.array([position.get(int(i), missing) for i in indices], dtype=np.int64)


def _relative(scores: np.ndarray) -> np.ndarray:
    """Scores over the question's best score (0 everywhere when nothing scored)."""
    best = float(scores.max()) if len(scores) else 0.0
    return scores / best if best > 0 else np.zeros_like(scores, dtype=np.float64)


def _content_terms(words: Sequence[str], protected: Sequence[str], *, typed_bare: bool = False) -> list[str]:
    """The question's terms that say what it is about, each once, in order.

    A bare number ('2', '2024', the '125' of a document number) is not content: document
    numbers, dates and percentages count as their whole protected spans. In a question typed
    without marks (`typed_bare`) and read through diacritic restoration, a one-syllable word
    that may as well be a function word is not content either: 'may' restored as 'máy'
    (machine) was typed for 'mấy' (how many).
    """
    kept = set(protected)
    seen: dict[str, None] = {}
    for term in words:
        if term in kept:
            seen.setdefault(term, None)
        elif term.replace("_", "").isdigit():
            continue
        elif not has_diacritics(term) and term in STOP_SYLLABLES:
            continue  # a function word left bare by diacritic restoration ('là gi')
        elif typed_bare and "_" not in term and strip_diacritics(term) in STOP_SYLLABLES:
            continue  # restored with marks, but typed as what may be a function word
        elif term in REQUEST_WORDS:
            continue  # 'tên đầy đủ', 'lúc nào': the kind of answer, not its topic
        else:
            seen.setdefault(term, None)
    return list(seen)


def _pair_spellings(words: Sequence[str], terms: Sequence[str]) -> dict[str, list[tuple[str, ...]]]:
    """For each content word, the diacritic-free syllable pairs that stand for it in a passage:
    a word of several syllables needs all its inner pairs (one alternative); a word of one
    syllable is held with either neighbour it has in the question (two alternatives)."""
    wanted = set(terms)
    syllables = [strip_diacritics(word).split("_") for word in words]
    spellings: dict[str, list[tuple[str, ...]]] = {}
    for position, (word, parts) in enumerate(zip(words, syllables)):
        if word not in wanted:
            continue
        options = spellings.setdefault(word, [])
        if len(parts) > 1:
            options.append(tuple(f"{a}_{b}" for a, b in zip(parts, parts[1:])))
            continue
        if position > 0:
            options.append((f"{syllables[position - 1][-1]}_{parts[0]}",))
        if position + 1 < len(words):
            options.append((f"{parts[0]}_{syllables[position + 1][0]}",))
    return spellings


def _held_as_pairs(
    options: Sequence[tuple[str, ...]], indices: np.ndarray, plain_field: LexicalIndex
) -> tuple[np.ndarray, bool, float]:
    """Which candidates hold one of the options (every pair of it); whether the index knows
    any option at all; and the weight of the rarest pair known (square-rooted idf)."""
    held = np.zeros(len(indices))
    known, weight = False, 0.0
    for pairs in options:
        columns = [plain_field.vocabulary.get(pair) for pair in pairs]
        if any(column is None for column in columns):
            continue
        known = True
        weight = max(weight, min(math.sqrt(max(float(plain_field.idf[c]), 0.0)) for c in columns))
        present = np.ones(len(indices), dtype=bool)
        for column in columns:
            present &= plain_field.holds(column, indices)
        held = np.maximum(held, present)
    return held, known, weight


def _presence(
    terms: Sequence[str],
    indices: np.ndarray,
    passage_field: LexicalIndex,
    document_field: LexicalIndex,
    bare_fields: tuple[LexicalIndex, LexicalIndex] | None = None,
    *,
    typed_bare: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Which candidates hold each term, in the passage and in its document's context.

    Returns (in_passage, in_document) as candidates × terms 0/1 matrices, which terms the
    index knows at all, and each term's weight: square-rooted idf, so one rare word of the
    question's phrasing does not outweigh the topic words it shares with the passage; a term
    the corpus has never seen weighs more than any it has (the question is about something else).
    `bare_fields` (the diacritic-free passage and document fields) read a term typed bare that
    the word fields do not know: a syllable diacritic restoration could not settle ('dat': đạt,
    đất, đặt …) is matched as typed rather than counted as a word the corpus never saw; so is
    a word of a question typed bare (`typed_bare`) whose restored marks no passage has ('nd'
    restored as 'nđ'): its marks were a guess, its bare spelling is what was typed.
    """
    n, count = len(indices), len(terms)
    in_passage = np.zeros((n, count))
    in_document = np.zeros((n, count))
    known = np.zeros(count, dtype=bool)
    weights = np.zeros(count)
    unseen_weight = math.sqrt(float(passage_field.idf.max(initial=0.0)) + 1.0)
    for j, term in enumerate(terms):
        passage, document, key = passage_field, document_field, term
        if (
            bare_fields
            and term not in passage_field.vocabulary
            and term not in document_field.vocabulary
            and (typed_bare or not has_diacritics(term))
        ):
            (passage, document), key = bare_fields, strip_diacritics(term)
        column = passage.vocabulary.get(key)
        context_column = document.vocabulary.get(key)
        if column is not None:
            in_passage[:, j] = passage.holds(column, indices)
            weights[j] = math.sqrt(max(float(passage.idf[column]), 0.0))
        if context_column is not None:
            in_document[:, j] = document.holds(context_column, indices)
        known[j] = column is not None or context_column is not None
        if not known[j]:
            weights[j] = unseen_weight
        elif column is None:
            weights[j] = math.sqrt(max(float(document.idf[context_column]), 0.0))
    return in_passage, in_document, known, weights


def load_rankers(modes: Sequence[str]) -> dict[str, Ranker]:
    """The shipped ranker of each mode that has one ('dense' is ranked by cosine alone)."""
    rankers = {}
    for mode in modes:
        path = model_path(mode)
        if mode != "dense" and path.exists():
            rankers[mode] = Ranker.load(path)
    return rankers


def _looks_like_hub_name(name: str) -> bool:
    """'owner/model' (a model hub name, usable where a hub is reachable), not a local path."""
    return name.count("/") == 1 and not name.startswith(("/", ".", "~")) and not Path(name).exists()


def open_index(
    index_dir: Path,
    settings: IndexSettings | None = None,
    *,
    model_dir: Path | None = None,
    encoder=None,
    lexical_only: bool = False,
    rankers: dict[str, Ranker] | None = None,
) -> Searcher:
    """Load the live build of an index directory (or the last good one if it is damaged).

    A build with a dense half needs the encoder that built it: pass one (`encoder`), or the
    model directory to load it from (default: the installed e5 model). `lexical_only` skips it.
    `rankers` replaces the shipped fitted rankers (cross-validation fits its own).
    """
    build_dir, manifest, warnings = store.locate(Path(index_dir))
    for warning in warnings:
        log.warning("index: %s; serving %s instead", warning, build_dir.name)
    if manifest.get("format") != FORMAT_VERSION:
        raise IndexIncompatible(
            f"Chỉ mục ở định dạng {manifest.get('format')}, phiên bản này cần định dạng {FORMAT_VERSION}. "
            "Hãy dựng lại: binhdang index build --docs <thư mục> --full"
        )
    if manifest.get("tokeniser") != TOKENISER_ID:
        raise IndexIncompatible(
            f"Chỉ mục được dựng bằng bộ tách từ '{manifest.get('tokeniser')}', khác bộ hiện tại '{TOKENISER_ID}'. "
            "Hãy dựng lại: binhdang index build --docs <thư mục> --full"
        )
    try:
        sources = {
            data["id"]: Source.from_dict(data)
            for data in json.loads((build_dir / "sources.json").read_text(encoding="utf-8"))
        }
        passages = [Passage.from_dict(record) for record in store.read_passages(build_dir)]
        lexical = {name: LexicalIndex.load(build_dir, f"lexical_{name}") for name in FIELDS}
    except (OSError, ValueError, KeyError) as error:
        raise IndexDamaged(f"{build_dir.name}: không đọc được chỉ mục ({error})") from error
    # Query-time settings come from the code (or the caller), not from the build: the manifest
    # records what was in force when it was built, for tracing only.
    chosen = settings or IndexSettings()
    dense = None
    dense_meta = manifest.get("dense")
    if dense_meta and not lexical_only:
        from index.dense import DenseIndex, Encoder
        from index.embedding_model import default_model_dir

        if encoder is None:
            source = Path(model_dir) if model_dir else default_model_dir()
            if not source.exists() and not _looks_like_hub_name(str(model_dir or "")):
                raise IndexIncompatible(
                    f"Chỉ mục cần mô hình '{dense_meta['model']}' nhưng không có mô hình tại {source}. "
                    "Hãy chạy: binhdang model install" + (f" --out {source}" if model_dir else "")
                )
            encoder = Encoder.from_dir(source if source.exists() else str(model_dir), model_name=dense_meta["model"])
        elif hasattr(encoder, "matching"):  # the same model's int8 or float32 graph, whichever made the vectors
            encoder = encoder.matching(dense_meta["model"])
        if encoder.name != dense_meta["model"]:
            raise IndexIncompatible(
                f"Chỉ mục được dựng bằng mô hình '{dense_meta['model']}', khác mô hình đang dùng '{encoder.name}'. "
                "Hãy dựng lại chỉ mục với mô hình này (binhdang index build --full) hoặc dùng đúng mô hình."
            )
        try:
            dense = DenseIndex.load(build_dir / "dense")
        except (OSError, ValueError) as error:
            raise IndexDamaged(f"{build_dir.name}: không đọc được phần vector ({error})") from error
    else:
        encoder = None
    return Searcher(build_dir, manifest, sources, passages, lexical, chosen, warnings, dense=dense, encoder=encoder, rankers=rankers)
