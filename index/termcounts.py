"""Each text's terms as counts over one integer vocabulary: what a build makes of the analyser's
output, and what the next build reads back instead of analysing an unchanged text again.

Word segmentation is nearly all of a build's time, so an unchanged text is never segmented
twice. Earlier builds kept every text's terms as lists of strings (gigabytes at 100,000
passages) and stored them again beside the index (a third of it on disk). Now a text's terms
become counts over one vocabulary the moment they are analysed, and the lexical fields' count
matrices, which the index stores anyway, are the cache: a build records the key (sha1) of the
three texts behind each passage's row,

    lexical_keys.npy    uint8 (passages, 3, 20): the passage's text, its document context, its headings

so the next build finds an unchanged text's counts in the row of the field that indexed it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
from scipy import sparse

from index.lexical import LexicalIndex

KEYS_FILE = "lexical_keys.npy"
# The texts behind a passage's row, in the order of lexical_keys.npy, and the fields of each:
# every text is analysed into [words, plain] the same way, whichever field it feeds.
TEXT_GROUPS = (("words", "plain"), ("context_words", "context_plain"), ("heading_words", "heading_plain"))
KEY_BYTES = 20

Counts = tuple[np.ndarray, np.ndarray]  # (term ids, how often each occurs), one text, one field


class TermCounter:
    """The [words, plain] term counts of distinct texts, row by row, over one vocabulary."""

    def __init__(self) -> None:
        self.vocabulary: dict[str, int] = {}
        self.rows: dict[str, int] = {}  # text key → row
        self._counts: tuple[list[Counts], list[Counts]] = ([], [])

    def intern(self, terms: Iterable[str]) -> np.ndarray:
        """The vocabulary ids of these terms (new terms are added)."""
        vocabulary = self.vocabulary
        return np.fromiter((vocabulary.setdefault(term, len(vocabulary)) for term in terms), dtype=np.uint32)

    def add_terms(self, key: str, words: Sequence[str], plain: Sequence[str]) -> None:
        """Count one analysed text's terms (repetitions are its term frequencies)."""
        counted = []
        for terms in (words, plain):
            ids, counts = np.unique(self.intern(terms), return_counts=True)
            counted.append((ids.astype(np.uint32), counts.astype(np.uint32)))
        self.add_counts(key, counted[0], counted[1])

    def add_counts(self, key: str, words: Counts, plain: Counts) -> None:
        """Take one text's counts as they are (ids already in this vocabulary)."""
        if key in self.rows:
            return
        self.rows[key] = len(self.rows)
        self._counts[0].append(words)
        self._counts[1].append(plain)

    def terms(self) -> list[str]:
        """The term of each vocabulary id."""
        return list(self.vocabulary)

    def matrices(self) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
        """Texts × vocabulary count matrices of the words and the plain analysis."""
        return tuple(_stack(rows, len(self.vocabulary)) for rows in self._counts)  # type: ignore[return-value]


def _stack(rows: list[Counts], width: int) -> sparse.csr_matrix:
    starts = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum([len(ids) for ids, _ in rows], out=starts[1:])
    ids = np.concatenate([ids for ids, _ in rows]) if rows else np.zeros(0, np.uint32)
    counts = np.concatenate([counts for _, counts in rows]) if rows else np.zeros(0, np.uint32)
    return sparse.csr_matrix((counts, ids.astype(np.int32), starts), shape=(len(rows), width))


def encode_keys(keys: Sequence[Sequence[str]]) -> np.ndarray:
    """Hex sha1 keys, (passages, 3), as the uint8 array of lexical_keys.npy."""
    raw = b"".join(bytes.fromhex(key) for row in keys for key in row)
    return np.frombuffer(raw, dtype=np.uint8).reshape(len(keys), len(TEXT_GROUPS), KEY_BYTES)


class PreviousCounts:
    """The counts a previous build indexed, found by text key.

    Columns of the previous build's fields are mapped into a `TermCounter`'s vocabulary, so
    what `take` returns can go into that counter as it is.
    """

    def __init__(self, build_dir: Path) -> None:
        keys = np.load(build_dir / KEYS_FILE)
        if keys.ndim != 3 or keys.shape[1:] != (len(TEXT_GROUPS), KEY_BYTES):
            raise ValueError(f"{KEYS_FILE}: unexpected shape {keys.shape}")
        self._where: dict[str, tuple[int, int]] = {}
        for group in range(len(TEXT_GROUPS)):
            digests = keys[:, group, :].tobytes()
            for row in range(len(keys)):
                self._where.setdefault(digests[row * KEY_BYTES : (row + 1) * KEY_BYTES].hex(), (group, row))
        # Read now, not when first asked: a file that cannot be read means no reuse (the caller's
        # except), never a build that fails halfway through.
        self._fields: dict[str, tuple[sparse.csr_matrix, list[str]]] = {}
        for name in (name for names in TEXT_GROUPS for name in names):
            counts, terms = LexicalIndex.load_counts(build_dir, f"lexical_{name}")
            if counts.shape[0] != len(keys):
                raise ValueError(f"lexical_{name}: {counts.shape[0]} rows for {len(keys)} keys")
            self._fields[name] = (counts.tocsr(), terms)
        self._counter: TermCounter | None = None
        self._remaps: dict[str, np.ndarray] = {}  # field → counter id of each of its columns

    def __contains__(self, key: object) -> bool:
        return key in self._where

    def __len__(self) -> int:
        return len(self._where)

    def take(self, key: str, counter: TermCounter) -> tuple[Counts, Counts]:
        """The [words, plain] counts of the text with this key, in `counter`'s vocabulary."""
        group, row = self._where[key]
        words, plain = (self._row(name, row, counter) for name in TEXT_GROUPS[group])
        return words, plain

    def _row(self, name: str, row: int, counter: TermCounter) -> Counts:
        matrix, terms = self._fields[name]
        if counter is not self._counter:
            self._counter, self._remaps = counter, {}
        remap = self._remaps.get(name)
        if remap is None:
            remap = self._remaps[name] = counter.intern(terms)
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        return remap[matrix.indices[start:end]], matrix.data[start:end].astype(np.uint32)
