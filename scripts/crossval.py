"""Cross-validation: the measuring stick for every number the ranking learns from questions.

`binhdang eval --cv 5` and `binhdang ranker fit` both start here. Each question's candidates
and features are gathered once (`Searcher.gather`); then, for each of K folds (stratified: in-
scope and out-of-scope questions dealt out separately, fixed seed), the ranker is fit on the
other folds and the held-out fold is scored exactly as `binhdang eval` scores a live answer.
The decline threshold is chosen inside the training folds too (nested: an inner split gives
out-of-fold answerabilities to choose it on), so no figure printed as cross-validated has
seen the questions it is scored on.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.features import ANSWERABILITY_FEATURES, FEATURE_NAMES, question_features
from index.ranker import MODELS_DIR, LinearModel, Ranker, choose_threshold, fit_linear
from index.searcher import Gathered, Searcher, decide, ranking_order
from scripts.evaluate import EvalReport, GoldQuestion, QuestionOutcome, is_hit

SEED = 13
C = 1.0  # inverse regularisation strength of the logistic model (scikit-learn's default)
INNER_FOLDS = 4
NEGATIVES_FILE = MODELS_DIR / "negatives.txt"  # written out-of-scope questions, for fitting only


@dataclass(frozen=True)
class Collected:
    """One gold question with its gathered candidates and which of them answer it."""

    gold: GoldQuestion
    gathered: Gathered
    labels: np.ndarray  # 1.0 where the candidate is a hit as ../shared/eval/README.md scores it
    citations: list[str]
    gather_ms: float


def collect(searcher: Searcher, gold: list[GoldQuestion], mode: str) -> list[Collected]:
    """Gather every question's candidates and label them (done once; fitting is then cheap)."""
    collected = []
    for question in gold:
        started = time.perf_counter()
        gathered = searcher.gather(question.question, mode)
        elapsed = (time.perf_counter() - started) * 1000
        labels, citations = [], []
        for i in gathered.indices:
            passage = searcher.passages[int(i)]
            source = searcher.sources[passage.source_id]
            shown = {"source_id": source.id, "title": source.title, "citation": passage.citation, "text": passage.text}
            labels.append(1.0 if is_hit(question, shown) else 0.0)
            citations.append(passage.citation)
        collected.append(Collected(question, gathered, np.array(labels), citations, elapsed))
    return collected


def read_negatives(path: Path) -> list[GoldQuestion]:
    """Out-of-scope questions written for fitting (index/models/negatives.txt): one a line."""
    questions = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        text = line.split("#", 1)[0].strip()
        if text:
            questions.append(GoldQuestion(id=f"{Path(path).stem}-{number}", question=text, answers=(), sources=()))
    return questions


def stratified_folds(gold: list[GoldQuestion], k: int, seed: int = SEED) -> list[int]:
    """A fold number for each question; in- and out-of-scope questions spread evenly."""
    rng = random.Random(seed)
    fold_of = [0] * len(gold)
    for in_scope in (True, False):
        members = [i for i, question in enumerate(gold) if question.in_scope == in_scope]
        rng.shuffle(members)
        for position, i in enumerate(members):
            fold_of[i] = position % k
    return fold_of


def _rows(items: list[Collected]) -> tuple[np.ndarray, np.ndarray]:
    """Candidate rows of the in-scope questions, labelled by whether they answer it."""
    usable = [item for item in items if item.gold.in_scope and len(item.labels)]
    if not usable:
        raise ValueError("no in-scope question with candidates to fit on")
    return np.vstack([item.gathered.features for item in usable]), np.concatenate([item.labels for item in usable])


def _fit_candidates(items: list[Collected], *, c: float, seed: int) -> LinearModel:
    """The candidate model: pointwise logistic over the in-scope questions' candidate rows (a
    pairwise fit, positive minus negative within a question, measured no better in CV)."""
    return fit_linear(*_rows(items), FEATURE_NAMES, c=c, seed=seed)


def _question_rows(items: list[Collected], candidates: LinearModel) -> np.ndarray:
    return np.vstack(
        [question_features(item.gathered.features, candidates.logits(item.gathered.features)) for item in items]
    )


def fit_ranker(
    items: list[Collected], *, c: float = C, seed: int = SEED, negatives: Sequence[Collected] = ()
) -> Ranker:
    """Fit both models and the threshold on these questions only.

    The answerability model must learn from candidate scores as they are on questions the
    candidate model has not seen, so an inner split gives out-of-fold question rows; the
    threshold is chosen on those rows too. `negatives` (out-of-scope questions written for
    fitting, index/models/negatives.txt) add rows to the answerability model only, each scored
    by the candidate model of one inner split; the threshold is chosen on the gold questions
    alone, so how often to decline is still decided on questions as users ask them.
    """
    inner = stratified_folds([item.gold for item in items], INNER_FOLDS, seed + 1)
    question_rows = np.zeros((len(items), len(ANSWERABILITY_FEATURES)))
    hit = np.zeros(len(items), dtype=bool)
    negative_rows = []
    for fold in range(INNER_FOLDS):
        train = [item for item, f in zip(items, inner) if f != fold]
        candidates = _fit_candidates(train, c=c, seed=seed)
        for position, (item, f) in enumerate(zip(items, inner)):
            if f == fold:
                logits = candidates.logits(item.gathered.features)
                question_rows[position] = question_features(item.gathered.features, logits)
                first = _first_hit(item, logits)
                hit[position] = first is not None and first <= 5
        scored_here = [item for number, item in enumerate(negatives) if number % INNER_FOLDS == fold and _usable(item)]
        if scored_here:
            negative_rows.append(_question_rows(scored_here, candidates))
    in_scope = np.array([item.gold.in_scope for item in items])
    usable = np.array([_usable(item) for item in items])
    rows, labels = question_rows[usable], in_scope[usable].astype(float)
    if negative_rows:
        written = np.vstack(negative_rows)
        rows = np.vstack([rows, written])
        labels = np.concatenate([labels, np.zeros(len(written))])
    answerability = fit_linear(rows, labels, ANSWERABILITY_FEATURES, c=c, seed=seed)
    probabilities = np.where(usable, answerability.probabilities(question_rows), 0.0)
    threshold = choose_threshold(probabilities, in_scope, hit)
    candidates = _fit_candidates(items, c=c, seed=seed)
    return Ranker(candidates, answerability, threshold, {"c": c, "seed": seed})


def _usable(item: Collected) -> bool:
    """A question the answerability model can learn from: it has candidates and no rule declined it."""
    return len(item.labels) > 0 and not item.gathered.decline_reason


def _first_hit(item: Collected, scores: np.ndarray) -> int | None:
    """1-based rank of the first answering passage among the best ten, or None."""
    order = ranking_order(item.gathered, scores)[:10]
    for rank, j in enumerate(order, start=1):
        if item.labels[j]:
            return rank
    return None


def outcome(item: Collected, ranker: Ranker, *, may_decline: bool = True) -> QuestionOutcome:
    """Score one question as `binhdang eval` would score the live answer (`may_decline=False`:
    the ranking alone, as if the answerability check always answered)."""
    started = time.perf_counter()
    scores, declined, _ = decide(item.gathered, ranker)
    declined = declined and (may_decline or not len(scores))
    order = ranking_order(item.gathered, scores)[:10]
    elapsed = item.gather_ms + (time.perf_counter() - started) * 1000
    if declined or not len(order):
        return QuestionOutcome(item.gold, True, None, elapsed)
    return QuestionOutcome(item.gold, False, _first_hit(item, scores), elapsed, item.citations[int(order[0])])


def cross_validate(
    items: list[Collected], k: int, *, c: float = C, seed: int = SEED, negatives: Sequence[Collected] = ()
) -> tuple[EvalReport, EvalReport]:
    """Fit on k-1 folds, score the k-th, for every fold: the cross-validated report, and the
    same for the ranking alone (never declining), which tells ranking and declining apart.
    The written `negatives` join every fold's fit; only gold questions are scored."""
    folds = stratified_folds([item.gold for item in items], k, seed)
    outcomes: dict[int, QuestionOutcome] = {}
    ranking: dict[int, QuestionOutcome] = {}
    for fold in range(k):
        train = [item for item, f in zip(items, folds) if f != fold]
        ranker = fit_ranker(train, c=c, seed=seed, negatives=negatives)
        for position, (item, f) in enumerate(zip(items, folds)):
            if f == fold:
                outcomes[position] = outcome(item, ranker)
                ranking[position] = outcome(item, ranker, may_decline=False)
    order = range(len(items))
    return EvalReport(outcomes=[outcomes[i] for i in order]), EvalReport(outcomes=[ranking[i] for i in order])


def in_sample(items: list[Collected], ranker: Ranker) -> EvalReport:
    """The same questions the ranker was fit on: shown beside the CV figures, never instead."""
    return EvalReport(outcomes=[outcome(item, ranker) for item in items])


def candidate_recall(items: list[Collected]) -> float:
    """Share of in-scope questions with an answering passage among their candidates at all:
    the ceiling any ranker over these candidates can reach."""
    scoped = [item for item in items if item.gold.in_scope]
    return sum(1 for item in scoped if item.labels.any()) / len(scoped) if scoped else 0.0


def data_hash(path: Path) -> str:
    """Short sha256 of the gold file a model was fit on, recorded in the model file."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]
