"""What the ranker looks at: one named, ordered feature list per (question, candidate passage).

Everything here is a pure function of the question and the evidence the searcher gathered for
its candidates (BM25 per field, cosine, ranks, which question words a passage holds). No
feature knows a document, a source id or a question: a plan an admin adds tomorrow is scored
the same way. `FEATURE_NAMES` is the contract with the fitted model file (index/models/).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from index.normalise import plain_key
from index.questions import answer_type, definition_subject
from knowledge.doctypes import LEGAL, NEWS, PLAN
from knowledge.levels import asks_current, levels_mentioned
from knowledge.roles import BODY, roles_asked

FEATURE_NAMES: tuple[str, ...] = (
    # words: BM25 per field, relative to the question's best passage for that field
    "lexical_total",  # the weighted BM25 sum that chose the lexical candidates, / its best
    "bm25_words",
    "bm25_plain",
    "bm25_context",  # the document's title, issuer, number, place
    "bm25_heading",  # the Điều title / section headings the passage stands under
    "lexical_rank",  # log(1 + rank) in the lexical order
    # meaning (0 in a lexical-only index)
    "cosine",
    "cosine_gap",  # the question's closest cosine minus this one
    "dense_rank",  # log(1 + rank) in the dense order
    "closest_cosine",  # the question's closest passage by meaning (same for all its candidates)
    # is the passage about the question: idf-weighted share of the question's content words
    "coverage_words",  # whole words (underthesea segmentation), in the passage itself
    "coverage_with_document",  # … in the passage or its document's title / issuer / number
    "coverage_phrases",  # adjacent syllable pairs of the question found as pairs in the passage
    "coverage_gap",  # the question's best candidate coverage minus this one's (a comparison within the question)
    "phrases_gap",
    "unknown_words",  # share of the question's content weight the corpus has never seen
    "largest_missing",  # weight share of the weightiest question word neither passage nor document holds
    # what the question asks for, and whether the passage can give it
    "answer_type_present",  # 'khi nào' and the passage has a date; 'bao nhiêu' and a figure …
    "answer_type_missing",
    "defines_subject",  # 'X là gì?' and the passage opens a line with 'X là …'
    # the document the question names by its number ('Nghị định 48/2009/NĐ-CP quy định gì?')
    "from_named_document",  # this passage's document is the one named
    "names_known_document",  # the question names a document the corpus holds (same for all its candidates)
    # the passage's role in its document
    "role_asked",  # the question asks who signed / the legal basis / the effect, and this is that part
    "role_unasked",  # a letterhead, preamble, execution clause, signature or recipients list nobody asked for
    # currency and administrative level
    "current_in_force",  # 'hiện nay / hiện hành' and the document is in force
    "current_superseded",  # 'hiện nay' and the document is amended, historical or unchecked
    "level_match",  # 'cấp xã' in the question and in the passage
    "level_mismatch",  # 'cấp xã' in the question, another level in the passage
    # what kind of document
    "legal_document",  # law, decree, circular, decision, resolution
    "plan_document",
    "news_document",
    "passage_length",  # log of its characters
)

# What the answerability check looks at: the question as a whole, through its best candidates
# as the candidate model ordered them. Declining is a decision about the question, not about
# one passage, so it gets its own small model (index/ranker.py).
ANSWERABILITY_FEATURES: tuple[str, ...] = (
    "best_logit",  # the candidate model's score of the best passage
    "best_margin",  # … minus the second best's
    "best_coverage_words",
    "top_coverage_words",  # the most any of the best five holds of the question's words
    "top_coverage_with_document",
    "top_coverage_phrases",
    "best_largest_missing",
    "top_least_missing",  # the smallest 'largest_missing' among the best five
    "unknown_words",
    "closest_cosine",
    "best_cosine",
    "best_answer_type_missing",
    "names_known_document",
    "top_answer_type_missing",  # the question wants a date / figure / … and none of the best five has one
)
TOP = 5


def question_features(features: np.ndarray, logits: np.ndarray) -> np.ndarray:
    """ANSWERABILITY_FEATURES of one question from its candidates' rows and model scores."""
    if features.shape[0] == 0:
        return np.zeros(len(ANSWERABILITY_FEATURES))
    order = np.argsort(-logits, kind="stable")
    best, top = order[0], order[:TOP]
    column = {name: features[:, i] for i, name in enumerate(FEATURE_NAMES)}
    second = float(logits[order[1]]) if len(order) > 1 else float(logits[best]) - 10.0
    values = {
        "best_logit": float(logits[best]),
        "best_margin": float(logits[best]) - second,
        "best_coverage_words": column["coverage_words"][best],
        "top_coverage_words": column["coverage_words"][top].max(),
        "top_coverage_with_document": column["coverage_with_document"][top].max(),
        "top_coverage_phrases": column["coverage_phrases"][top].max(),
        "best_largest_missing": column["largest_missing"][best],
        "top_least_missing": column["largest_missing"][top].min(),
        "unknown_words": column["unknown_words"][best],
        "closest_cosine": column["closest_cosine"][best],
        "best_cosine": column["cosine"][best],
        "best_answer_type_missing": column["answer_type_missing"][best],
        "top_answer_type_missing": column["answer_type_missing"][top].min(),
        "names_known_document": column["names_known_document"][best],
    }
    return np.array([float(values[name]) for name in ANSWERABILITY_FEATURES])


@dataclass(frozen=True)
class QuestionProfile:
    """What the question asks for, read once from its words."""

    answer_type: str | None
    definition_pattern: re.Pattern[str] | None
    roles_asked: frozenset[str]
    asks_current: bool
    levels: frozenset[str]  # administrative levels the question names (cấp xã, huyện, tỉnh, trung ương)

    @classmethod
    def of(cls, question: str) -> "QuestionProfile":
        subject = definition_subject(question)
        pattern = None
        if subject:
            pattern = re.compile(
                rf"(?:^|\n)(?:\d+\.\s*)?{re.escape(plain_key(subject))}\s+(?:la|duoc hieu la)\s", re.MULTILINE
            )
        return cls(
            answer_type=answer_type(question),
            definition_pattern=pattern,
            roles_asked=roles_asked(question),
            asks_current=asks_current(question),
            levels=levels_mentioned(question),
        )


@dataclass(frozen=True)
class CandidateEvidence:
    """What the searcher measured for each candidate of one question, aligned by position."""

    lexical_total: np.ndarray  # relative to the best passage of the whole index
    bm25: dict[str, np.ndarray]  # field group → relative BM25 ("words", "plain", "context", "heading")
    lexical_rank: np.ndarray  # 0-based rank among all passages
    cosine: np.ndarray  # 0 where there is no dense half
    dense_rank: np.ndarray
    closest_cosine: float
    coverage_words: np.ndarray
    coverage_with_document: np.ndarray
    coverage_phrases: np.ndarray
    unknown_words: float
    largest_missing: np.ndarray
    plain_texts: list[str]  # the candidates' texts in matching form (lower case, no marks)
    answer_kinds: list[set[str]]
    roles: list[str]
    in_force: list[bool]
    kinds: list[str]  # legal / plan / news / guidance (knowledge.doctypes)
    levels: list[frozenset[str]]  # levels each passage speaks of
    from_named_document: np.ndarray
    names_known_document: float
    lengths: np.ndarray


def feature_matrix(profile: QuestionProfile, evidence: CandidateEvidence) -> np.ndarray:
    """One row per candidate, one column per name in FEATURE_NAMES."""
    n = len(evidence.lexical_total)
    columns: dict[str, np.ndarray] = {
        "lexical_total": evidence.lexical_total,
        "bm25_words": evidence.bm25["words"],
        "bm25_plain": evidence.bm25["plain"],
        "bm25_context": evidence.bm25["context"],
        "bm25_heading": evidence.bm25["heading"],
        "lexical_rank": np.log1p(evidence.lexical_rank),
        "cosine": evidence.cosine,
        "cosine_gap": np.where(evidence.cosine > 0, evidence.closest_cosine - evidence.cosine, 0.0),
        "dense_rank": np.log1p(evidence.dense_rank),
        "closest_cosine": np.full(n, evidence.closest_cosine),
        "coverage_words": evidence.coverage_words,
        "coverage_with_document": evidence.coverage_with_document,
        "coverage_phrases": evidence.coverage_phrases,
        "coverage_gap": evidence.coverage_words.max(initial=0.0) - evidence.coverage_words,
        "phrases_gap": evidence.coverage_phrases.max(initial=0.0) - evidence.coverage_phrases,
        "unknown_words": np.full(n, evidence.unknown_words),
        "largest_missing": evidence.largest_missing,
        "from_named_document": evidence.from_named_document,
        "names_known_document": np.full(n, evidence.names_known_document),
        "passage_length": np.log(np.maximum(evidence.lengths, 1.0)),
    }
    wanted = profile.answer_type
    has_type = np.array([wanted in kinds for kinds in evidence.answer_kinds], dtype=float) if wanted else np.zeros(n)
    columns["answer_type_present"] = has_type
    columns["answer_type_missing"] = (1.0 - has_type) if wanted else np.zeros(n)
    pattern = profile.definition_pattern
    columns["defines_subject"] = (
        np.array([bool(pattern.search(text)) for text in evidence.plain_texts], dtype=float) if pattern else np.zeros(n)
    )
    roles = evidence.roles
    columns["role_asked"] = np.array([role in profile.roles_asked for role in roles], dtype=float)
    columns["role_unasked"] = np.array([role != BODY and role not in profile.roles_asked for role in roles], dtype=float)
    if profile.asks_current:
        columns["current_in_force"] = np.array(evidence.in_force, dtype=float)
        columns["current_superseded"] = 1.0 - columns["current_in_force"]
    else:
        columns["current_in_force"] = columns["current_superseded"] = np.zeros(n)
    if profile.levels:
        columns["level_match"] = np.array([bool(named & profile.levels) for named in evidence.levels], dtype=float)
        columns["level_mismatch"] = np.array(
            [bool(named) and not named & profile.levels for named in evidence.levels], dtype=float
        )
    else:
        columns["level_match"] = columns["level_mismatch"] = np.zeros(n)
    kinds = evidence.kinds
    columns["legal_document"] = np.array([kind == LEGAL for kind in kinds], dtype=float)
    columns["plan_document"] = np.array([kind == PLAN for kind in kinds], dtype=float)
    columns["news_document"] = np.array([kind == NEWS for kind in kinds], dtype=float)
    return np.column_stack([np.asarray(columns[name], dtype=np.float64) for name in FEATURE_NAMES]) if n else np.zeros(
        (0, len(FEATURE_NAMES))
    )
