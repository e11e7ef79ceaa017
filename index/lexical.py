"""BM25 over one field of terms, as a sparse matrix: build once, score any query in a few ms.

What a build stores is each passage's term counts (a sparse matrix of small integers); the
document-side BM25 weight of every (passage, term) pair is computed from them once, when the
index is built or loaded, so a query's scores are one sparse column slice and a sum. Counts,
not weights, are the truth on disk: a byte or two a pair instead of four, and the next build
reads an unchanged text's counts back instead of segmenting it again (index/build.py).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy import sparse

K1 = 1.2
B = 0.75


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k highest scores, highest first, equal scores in position order.

    The same as `np.argsort(-scores, kind="stable")[:k]`, but argpartition finds the k best
    in linear time instead of sorting every passage's score (6 ms a question at 100,000).
    """
    size = len(scores)
    if k >= size or np.isnan(scores).any():
        return np.argsort(-scores, kind="stable")[:k]
    if k <= 0:
        return np.empty(0, dtype=np.intp)
    best = np.argpartition(-scores, k - 1)[:k]
    threshold = scores[best].min()
    above = best[scores[best] > threshold]
    # Among scores equal to the k-th best, argpartition keeps arbitrary ones; a stable sort keeps the first.
    tied = np.flatnonzero(scores == threshold)[: k - len(above)]
    chosen = np.sort(np.concatenate([above, tied]))
    return chosen[np.argsort(-scores[chosen], kind="stable")]


def terms_by_column(vocabulary: dict[str, int]) -> list[str]:
    """The term of each column of a {term: column} vocabulary, in column order."""
    terms = [""] * len(vocabulary)
    for term, column in vocabulary.items():
        terms[column] = term
    return terms


def smallest_count_type(counts: np.ndarray) -> np.dtype:
    """The narrowest unsigned type that holds every count (uint8 nearly always)."""
    largest = int(counts.max(initial=0))
    for kind in (np.uint8, np.uint16, np.uint32):
        if largest <= np.iinfo(kind).max:
            return np.dtype(kind)
    return np.dtype(np.uint64)


class LexicalIndex:
    """BM25 of one field: rows are passages, columns are terms.

    `counts` (CSC, integer term frequencies) is what is stored; `weights` (CSC float32, the same
    sparsity) and `idf` are computed from it with k1 and b.
    """

    def __init__(self, vocabulary: dict[str, int], counts: sparse.csc_matrix, k1: float = K1, b: float = B) -> None:
        self.vocabulary = vocabulary
        counts = sparse.csc_matrix(counts)
        counts.sort_indices()
        counts.data = counts.data.astype(smallest_count_type(counts.data), copy=False)
        self.counts = counts
        self.weights, self.idf = _bm25(counts, k1, b)

    def holds(self, column: int, rows: np.ndarray) -> np.ndarray:
        """Which of these passages (row positions) weigh the term of this column above zero: read
        from the column's own stored rows, so the cost follows how often the term occurs, not how
        many passages the index has (a term in most passages can weigh 0 there)."""
        start, end = self.weights.indptr[column], self.weights.indptr[column + 1]
        stored = self.weights.indices[start:end]
        return np.isin(rows, stored[self.weights.data[start:end] > 0])

    @property
    def size(self) -> int:
        return self.weights.shape[0]

    @classmethod
    def build(cls, documents: Sequence[Sequence[str]], k1: float = K1, b: float = B) -> "LexicalIndex":
        """Index each document's terms (repetitions count as term frequency)."""
        vocabulary: dict[str, int] = {}
        rows, cols, tfs = [], [], []
        for row, terms in enumerate(documents):
            for term, count in Counter(terms).items():
                rows.append(row)
                cols.append(vocabulary.setdefault(term, len(vocabulary)))
                tfs.append(count)
        counts = sparse.csc_matrix(
            (np.asarray(tfs, dtype=np.uint32), (np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64))),
            shape=(len(documents), len(vocabulary)),
        )
        return cls(vocabulary, counts, k1, b)

    @classmethod
    def from_counts(cls, counts: sparse.spmatrix, terms: Sequence[str], k1: float = K1, b: float = B) -> "LexicalIndex":
        """Index a passages × terms count matrix whose column i is `terms[i]`; terms no passage
        holds are left out of the index's vocabulary."""
        counts = sparse.csc_matrix(counts)
        used = np.flatnonzero(np.diff(counts.indptr))
        if len(used) < counts.shape[1]:
            counts = counts[:, used]
        vocabulary = {terms[int(i)]: column for column, i in enumerate(used)}
        return cls(vocabulary, counts, k1, b)

    def term_ids(self, terms: Sequence[str]) -> Counter:
        """Known query terms as column ids, with their counts."""
        return Counter(self.vocabulary[term] for term in terms if term in self.vocabulary)

    def scores(self, terms: Sequence[str]) -> np.ndarray:
        """BM25 score of every passage for a query's terms."""
        ids = self.term_ids(terms)
        if not ids:
            return np.zeros(self.size, dtype=np.float32)
        columns = list(ids)
        counts = np.fromiter((ids[c] for c in columns), dtype=np.float32, count=len(columns))
        return np.asarray(self.weights[:, columns] @ counts).ravel()

    def save(self, directory: Path, name: str) -> list[Path]:
        """Write `<name>.counts.npz` (uncompressed: it is read at every start) and `<name>.vocab.json`."""
        matrix_path = directory / f"{name}.counts.npz"
        vocab_path = directory / f"{name}.vocab.json"
        counts = self.counts
        np.savez(
            matrix_path,
            counts=counts.data,
            rows=counts.indices.astype(np.int32),
            starts=counts.indptr.astype(np.int64),
            shape=np.asarray(counts.shape, dtype=np.int64),
        )
        vocab_path.write_text(json.dumps(self.vocabulary, ensure_ascii=False), encoding="utf-8")
        return [matrix_path, vocab_path]

    @staticmethod
    def _read(directory: Path, name: str) -> tuple[sparse.csc_matrix, dict[str, int]]:
        """The stored counts and the vocabulary ({term: column})."""
        with np.load(directory / f"{name}.counts.npz") as arrays:
            shape = tuple(int(n) for n in arrays["shape"])
            counts = sparse.csc_matrix((arrays["counts"], arrays["rows"], arrays["starts"]), shape=shape)
        return counts, json.loads((directory / f"{name}.vocab.json").read_text(encoding="utf-8"))

    @classmethod
    def load_counts(cls, directory: Path, name: str) -> tuple[sparse.csc_matrix, list[str]]:
        """The stored counts and the term of each column, without computing weights."""
        counts, vocabulary = cls._read(directory, name)
        return counts, terms_by_column(vocabulary)

    @classmethod
    def load(cls, directory: Path, name: str) -> "LexicalIndex":
        counts, vocabulary = cls._read(directory, name)
        return cls(vocabulary, counts)


def _bm25(counts: sparse.csc_matrix, k1: float, b: float) -> tuple[sparse.csc_matrix, np.ndarray]:
    """The BM25 weight of each stored (passage, term) count, and each term's idf (float32).

    idf·tf·(k1+1) / (tf + k1·(1 − b + b·length/average)), in float32, in that order of operations
    (the figures are the ones earlier builds stored); the length part is computed per passage and
    the rest in place, as this runs at every start over every stored count (35 M at 100,000 passages).
    """
    n_rows = counts.shape[0]
    tf = counts.data.astype(np.float32)
    rows = counts.indices
    lengths = np.bincount(rows, weights=tf, minlength=n_rows).astype(np.float32)  # terms per passage
    df = np.diff(counts.indptr).astype(np.float32)
    idf = np.log1p((max(n_rows, 1) - df + 0.5) / (df + 0.5)).astype(np.float32)
    average = float(lengths.mean()) if n_rows and lengths.mean() > 0 else 1.0
    norm = (k1 * (1 - b + b * lengths / average)).astype(np.float32)
    values = np.repeat(idf, np.diff(counts.indptr))
    values *= tf
    values *= np.float32(k1 + 1)
    denominator = norm[rows]
    denominator += tf
    values /= denominator
    weights = sparse.csc_matrix((values, counts.indices, counts.indptr), shape=counts.shape)
    return weights, idf
