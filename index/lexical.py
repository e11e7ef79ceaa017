"""BM25 over one field of terms, as a sparse matrix: build once, score any query in a few ms.

The document-side BM25 weight of every (passage, term) pair is computed at build time, so a
query's scores are one sparse column slice and a sum. The arrays on disk are the truth.
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


class LexicalIndex:
    """BM25 weights of one field: rows are passages, columns are terms."""

    def __init__(self, vocabulary: dict[str, int], weights: sparse.csc_matrix, idf: np.ndarray) -> None:
        self.vocabulary = vocabulary
        self.weights = weights
        self.idf = idf

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
        lengths = np.zeros(len(documents), dtype=np.float32)
        for row, terms in enumerate(documents):
            lengths[row] = len(terms)
            for term, count in Counter(terms).items():
                col = vocabulary.setdefault(term, len(vocabulary))
                rows.append(row)
                cols.append(col)
                tfs.append(count)
        n_docs = max(len(documents), 1)
        tf = np.asarray(tfs, dtype=np.float32)
        rows_array = np.asarray(rows, dtype=np.int64)
        cols_array = np.asarray(cols, dtype=np.int64)
        df = np.bincount(cols_array, minlength=len(vocabulary)).astype(np.float32)
        idf = np.log1p((n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
        average = float(lengths.mean()) if len(documents) and lengths.mean() > 0 else 1.0
        norm = k1 * (1 - b + b * lengths[rows_array] / average) if len(rows) else np.zeros(0, np.float32)
        values = idf[cols_array] * tf * (k1 + 1) / (tf + norm)
        weights = sparse.csc_matrix(
            (values.astype(np.float32), (rows_array, cols_array)), shape=(len(documents), len(vocabulary))
        )
        return cls(vocabulary, weights, idf)

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
        """Write `<name>.npz` and `<name>.vocab.json`; returns the files written."""
        matrix_path = directory / f"{name}.npz"
        vocab_path = directory / f"{name}.vocab.json"
        sparse.save_npz(matrix_path, self.weights.tocsc(), compressed=False)
        np.save(directory / f"{name}.idf.npy", self.idf)
        vocab_path.write_text(json.dumps(self.vocabulary, ensure_ascii=False), encoding="utf-8")
        return [matrix_path, vocab_path, directory / f"{name}.idf.npy"]

    @classmethod
    def load(cls, directory: Path, name: str) -> "LexicalIndex":
        weights = sparse.load_npz(directory / f"{name}.npz").tocsc()
        vocabulary = json.loads((directory / f"{name}.vocab.json").read_text(encoding="utf-8"))
        idf = np.load(directory / f"{name}.idf.npy")
        return cls(vocabulary, weights, idf)
