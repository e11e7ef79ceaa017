"""Terms of every text a build analysed, kept for the next build: underthesea runs once per text.

Word segmentation is nearly all of a build's time, so each build stores the [words, plain]
terms of each text it analysed, keyed by the sha1 of the text, and the next build reads them
instead of analysing an unchanged text again. Stored as arrays, not JSON (the JSON cache was
half the index on disk at 100,000 passages, and slow to read):

    terms/keys.npy                      sha1 digest of each text (20 uint8 a row), in row order
    terms/{words,plain}_indptr.npy      int64 row starts
    terms/{words,plain}_ids.npy         term ids (uint16 when the vocabulary allows, else uint32)
    terms/vocabulary.utf8 + .offsets.npy   the terms of both fields
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

import numpy as np

from index.tables import Strings, load_strings, save_strings

TERMS_DIR = "terms"
FIELDS = ("words", "plain")


def save_terms(build_dir: Path, terms: Mapping[str, list[list[str]]]) -> None:
    """Store {sha1 hex of a text: [words, plain]} in `build_dir/terms/`."""
    directory = build_dir / TERMS_DIR
    directory.mkdir(exist_ok=True)
    keys = list(terms)
    vocabulary: dict[str, int] = {}
    for position, field in enumerate(FIELDS):
        rows = [terms[key][position] for key in keys]
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum([len(row) for row in rows], out=indptr[1:])
        ids = np.fromiter(
            (vocabulary.setdefault(term, len(vocabulary)) for row in rows for term in row),
            dtype=np.uint32, count=int(indptr[-1]),
        )
        np.save(directory / f"{field}_indptr.npy", indptr)
        np.save(directory / f"{field}_ids.npy", ids.astype(np.uint16) if len(vocabulary) <= 1 << 16 else ids)
    # uint8 rows, not numpy's "S20": that strips trailing zero bytes, and 1 digest in 256 ends in one.
    digests = np.frombuffer(b"".join(bytes.fromhex(key) for key in keys), dtype=np.uint8).reshape(len(keys), 20)
    np.save(directory / "keys.npy", digests)
    save_strings(directory, "vocabulary", vocabulary)


class TermCache(Mapping[str, list[list[str]]]):
    """{sha1 hex of a text: [words, plain]} read from a build, each entry decoded when asked for."""

    def __init__(self, directory: Path) -> None:
        digests = np.load(directory / "keys.npy").tobytes()
        self._rows = {digests[at : at + 20].hex(): row for row, at in enumerate(range(0, len(digests), 20))}
        self._vocabulary: Strings | list[str] = load_strings(directory, "vocabulary").to_list()
        self._fields = [
            (np.load(directory / f"{field}_indptr.npy", mmap_mode="r"), np.load(directory / f"{field}_ids.npy", mmap_mode="r"))
            for field in FIELDS
        ]

    def __getitem__(self, key: str) -> list[list[str]]:
        row = self._rows[key]
        vocabulary = self._vocabulary
        return [
            [vocabulary[i] for i in ids[int(indptr[row]) : int(indptr[row + 1])].tolist()]
            for indptr, ids in self._fields
        ]

    def __contains__(self, key: object) -> bool:
        return key in self._rows

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)


def load_terms(build_dir: Path) -> TermCache:
    """The terms a build stored (FileNotFoundError when it stored none)."""
    directory = build_dir / TERMS_DIR
    if not (directory / "keys.npy").is_file():
        raise FileNotFoundError(directory / "keys.npy")
    return TermCache(directory)
