"""A loaded index answering questions: lexical (and dense) ranking, then an honest threshold."""

from __future__ import annotations

import json
import logging
import math
import re
import time
from pathlib import Path

import numpy as np

from index import store
from index.errors import EmptyQuestion, IndexDamaged, IndexIncompatible
from index.lexical import LexicalIndex
from index.build import FORMAT_VERSION, context_text
from index.diacritics import DiacriticTable
from index.normalise import has_diacritics, plain_key, replace_abbreviations, strip_diacritics, syllables_of
from index.settings import FIELDS, IndexSettings
from index.questions import answer_kinds, answer_type, definition_subject, facts_of
from index.tokenise import TOKENISER_ID, Analysis, analyse, analyse_protected
from index.types import Hit, SearchResult
from knowledge.types import Passage, Source

log = logging.getLogger(__name__)

DEFINITION_BONUS = 0.5  # share of the best score added to a passage that defines the asked term
SAME_SOURCE_DECAY = 0.9
ANSWER_TYPE_DISCOUNT = 0.15
ANSWER_DEPTH = 5  # how many of the best passages are read for the evidence that one of them answers
MAX_QUESTION_CHARS = 1000  # longer messages are searched on their beginning
CANDIDATES = 50  # how deep the rankings are read before fusion and thresholds


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
        self._diacritics = DiacriticTable.from_texts(passage.text for passage in passages)
        self._syllables, self._syllable_idf = _syllable_tables(passages, sources)
        self._unknown_weight = {
            marked: math.sqrt(max(idf.values(), default=0.0) + 1.0) for marked, idf in self._syllable_idf.items()
        }
        self._plain_texts = [plain_key(passage.text) for passage in passages]
        self._answer_kinds = [answer_kinds(passage.text) for passage in passages]
        self._facts = set().union(*(facts_of(p.text) for p in passages), *(facts_of(context_text(src)) for src in sources.values()))

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

        `mode` is "fused" (default with a dense half), "lexical" or "dense", for comparisons.
        """
        started = time.perf_counter()
        mode = mode or self.modes[-1]
        if mode not in self.modes:
            raise ValueError(f"Chỉ mục này không có chế độ '{mode}' (có: {', '.join(self.modes)}).")
        text = question.strip()[:MAX_QUESTION_CHARS]
        if not any(ch.isalnum() for ch in text):
            raise EmptyQuestion("Câu hỏi không có từ nào để tìm.")
        analysis = analyse(text)
        if not analysis.plain and not analysis.words:
            raise EmptyQuestion("Câu hỏi không có từ nào để tìm.")

        lexical = self._boost_definitions(text, self.lexical_scores(analysis))
        lexical = self._prefer_answer_type(text, lexical)
        dense_order: list[int] = []
        dense_top = None
        if mode in ("dense", "fused"):
            dense_order, dense_scores = self._dense_ranking(text)
            dense_top = float(dense_scores[0]) if len(dense_scores) else 0.0
        if mode == "lexical":
            scores = lexical
        elif mode == "dense":
            scores = np.zeros(len(self.passages), dtype=np.float32)
            scores[dense_order] = dense_scores
        else:
            scores = self._fuse(lexical, dense_order, dense_scores)
        order = np.argsort(-scores, kind="stable")[: max(k, CANDIDATES)]
        order = diversify([int(i) for i in order if scores[i] > 0], scores, self.passages)
        abstained, reason = self._should_abstain(text, analysis, order, mode, dense_top)
        hits: tuple[Hit, ...] = ()
        if not abstained:
            hits = tuple(
                Hit(self.passages[i], self.sources[self.passages[i].source_id], float(scores[i])) for i in order[:k]
            )
        latency_ms = (time.perf_counter() - started) * 1000
        return SearchResult(question=question, hits=hits, abstained=abstained, latency_ms=latency_ms, reason=reason)

    def _dense_ranking(self, text: str) -> tuple[list[int], np.ndarray]:
        """Passages by cosine to the question (restored to marked Vietnamese where that is sure)."""
        query = self._diacritics.restore(text) or text
        vector = self.encoder.encode_queries([query])
        scores, ids = self.dense.search(vector, CANDIDATES)
        keep = ids[0] >= 0
        return [int(i) for i in ids[0][keep]], scores[0][keep]

    def _fuse(self, lexical: np.ndarray, dense_order: list[int], dense_scores: np.ndarray) -> np.ndarray:
        """Score fusion: lexical score over its best, plus a weighted dense term.

        The dense term is the cosine rescaled over the candidates (closest = 1, the
        DENSE_CANDIDATES-th = 0), so it can reorder near-ties but not outvote a clear lexical
        match. Measured against reciprocal-rank fusion with `python -m scripts.tune`: RRF threw
        away the lexical margins (the definition boost among them) and scored lower.
        """
        best = float(lexical.max())
        fused = lexical / best if best > 0 else np.zeros_like(lexical)
        if len(dense_order) > 1:
            top, bottom = float(dense_scores[0]), float(dense_scores[-1])
            spread = max(top - bottom, 1e-6)
            fused = fused.copy()
            fused[dense_order] += self.settings.weight_dense * (np.asarray(dense_scores) - bottom) / spread
        return fused

    def lexical_scores(self, analysis: Analysis) -> np.ndarray:
        """Weighted BM25 over the passage fields and the document-context fields."""
        s = self.settings
        return (
            s.weight_words * self.lexical["words"].scores(analysis.words)
            + s.weight_plain * self.lexical["plain"].scores(analysis.plain)
            + s.weight_context
            * (self.lexical["context_words"].scores(analysis.words) + self.lexical["context_plain"].scores(analysis.plain))
            + s.weight_heading
            * (self.lexical["heading_words"].scores(analysis.words) + self.lexical["heading_plain"].scores(analysis.plain))
        )

    def coverages(self, question: str, analysis: Analysis, passage_indices: list[int]) -> dict[int, float]:
        """Per passage, the share of the question's content syllables (idf-weighted) found in it or its document.

        Syllables are compared with their marks when the question has them (so 'phở' is not
        'phổ'), bare when it was typed bare; words the corpus has never seen weigh the most.
        The question's terms and weights are worked out once for all the passages.
        """
        marked = has_diacritics(question)
        vocabulary = self._syllable_idf[marked]
        # Square-rooted idf: a rare word of the question's phrasing ('bắt đầu') must not
        # outweigh the topic words it shares with the passage; unknown words weigh the most.
        weights = {
            term: math.sqrt(vocabulary[term]) if term in vocabulary else self._unknown_weight[marked]
            for term in self._coverage_terms(question, analysis, marked)
        }
        total = sum(weights.values())
        if not total:
            return {i: 0.0 for i in passage_indices}
        return {
            i: sum(weight for term, weight in weights.items() if term in self._syllables[marked][i]) / total
            for i in passage_indices
        }

    @staticmethod
    def _coverage_terms(question: str, analysis: Analysis, marked: bool) -> list[str]:
        protected = [strip_diacritics(term) if not marked else term for term in analysis.protected]
        return protected + syllables_of(replace_abbreviations(question), marked=marked)

    def _boost_definitions(self, question: str, scores: np.ndarray) -> np.ndarray:
        """'X là gì?' is answered by the passage that defines X ('X là …' opening a line)."""
        subject = definition_subject(question)
        if not subject or not scores.any():
            return scores
        pattern = re.compile(rf"(?:^|\n)(?:\d+\.\s*)?{re.escape(plain_key(subject))}\s+(?:la|duoc hieu la)\s", re.MULTILINE)
        boosted = scores.copy()
        bonus = float(scores.max()) * DEFINITION_BONUS
        for i in np.flatnonzero(scores):
            if pattern.search(self._plain_texts[i]):
                boosted[i] += bonus
        return boosted

    def _prefer_answer_type(self, question: str, scores: np.ndarray) -> np.ndarray:
        """A 'when' question wants a passage with a date, 'how much' one with a figure, 'which
        document' one with a document number: passages without one count ANSWER_TYPE_DISCOUNT less."""
        wanted = answer_type(question)
        if wanted is None or not scores.any():
            return scores
        lacking = np.array([wanted not in kinds for kinds in self._answer_kinds], dtype=bool)
        adjusted = scores.copy()
        adjusted[lacking] *= 1.0 - ANSWER_TYPE_DISCOUNT
        return adjusted

    def _should_abstain(
        self, question: str, analysis: Analysis, order: list[int], mode: str, dense_top: float | None
    ) -> tuple[bool, str]:
        """Decline when the evidence says nothing here answers: see IndexSettings for the rule."""
        s = self.settings
        if not order:
            return True, "no passage shares a word with the question"
        unknown = [fact for fact in facts_of(question) if fact not in self._facts]
        if unknown:
            # A document number, date or year that no document mentions: whatever passage is
            # nearest, it cannot say anything about that one.
            return True, f"asks about {', '.join(unknown)}, which no document mentions"
        if dense_top is not None and dense_top < s.dense_floor:
            return True, f"closest passage by meaning {dense_top:.3f} < {s.dense_floor:.3f}"

        def about_the_question(coverage: float) -> bool:
            # Enough of the question's words; or, when the meaning is close (a paraphrase),
            # fewer of them will do.
            if coverage >= s.min_coverage:
                return True
            return dense_top is not None and dense_top >= s.dense_sure and coverage >= s.min_coverage_with_meaning

        coverages = self.coverages(question, analysis, order[:ANSWER_DEPTH])
        if not any(about_the_question(coverage) for coverage in coverages.values()):
            best = max(coverages.values())
            meaning = "" if dense_top is None else f", meaning {dense_top:.3f}"
            return True, f"no passage is about the question (best coverage {best:.2f}{meaning})"
        if answer_type(question) == "figure" and not any(
            "figure" in self._answer_kinds[i] and about_the_question(coverage) for i, coverage in coverages.items()
        ):
            # 'Bao nhiêu?' where no passage about the question states a figure: the documents
            # mention the subject ('mức lương tối thiểu') but do not give its value.
            # ('Khi nào?' has no such rule: 'đến khi mục đích đã đạt được' is an answer too.)
            return True, "asks for a figure, and no passage about it states one"
        return False, ""


def diversify(order: list[int], scores: np.ndarray, passages: list[Passage]) -> list[int]:
    """Re-rank so one document does not fill the list: each further passage of a source
    already shown counts a little less (SAME_SOURCE_DECAY per passage before it)."""
    seen: dict[str, int] = {}
    adjusted = []
    for i in order:
        source = passages[i].source_id
        adjusted.append((float(scores[i]) * SAME_SOURCE_DECAY ** seen.get(source, 0), i))
        seen[source] = seen.get(source, 0) + 1
    return [i for _, i in sorted(adjusted, key=lambda pair: -pair[0])]


def _syllable_tables(
    passages: list[Passage], sources: dict[str, Source]
) -> tuple[dict[bool, list[set[str]]], dict[bool, dict[str, float]]]:
    """Per passage, the set of its content syllables and whole numbers (with its document's
    context), marked and bare; and each syllable's idf over passages. Built at load: cheap."""
    tables: dict[bool, list[set[str]]] = {True: [], False: []}
    for passage in passages:
        text = passage.text + "\n" + context_text(sources[passage.source_id])
        protected = analyse_protected(text)
        for marked in (True, False):
            numbers = protected if marked else [strip_diacritics(term) for term in protected]
            tables[marked].append(set(syllables_of(text, marked=marked)) | set(numbers))
    idf: dict[bool, dict[str, float]] = {}
    count = max(len(passages), 1)
    for marked, rows in tables.items():
        df: dict[str, int] = {}
        for row in rows:
            for term in row:
                df[term] = df.get(term, 0) + 1
        idf[marked] = {term: math.log1p((count - n + 0.5) / (n + 0.5)) for term, n in df.items()}
    return tables, idf


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
) -> Searcher:
    """Load the live build of an index directory (or the last good one if it is damaged).

    A build with a dense half needs the encoder that built it: pass one (`encoder`), or the
    model directory to load it from (default: the installed e5 model). `lexical_only` skips it.
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
        with (build_dir / "passages.jsonl").open(encoding="utf-8") as handle:
            passages = [Passage.from_dict(json.loads(line)) for line in handle if line.strip()]
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
            encoder = Encoder.from_dir(source if source.exists() else str(model_dir))
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
    return Searcher(build_dir, manifest, sources, passages, lexical, chosen, warnings, dense=dense, encoder=encoder)
