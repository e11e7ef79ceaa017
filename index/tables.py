"""What the searcher needs at start besides the BM25 arrays, computed once at build time.

Tone folding and the protected-span search cost milliseconds a passage: done at every start
they made loading 100,000 passages take minutes. The build computes them once and stores them
as flat arrays the searcher memory-maps:

    tables/plain_texts.utf8 + .offsets.npy     lower-case diacritic-free text of each passage
    tables/answer_kinds.npy                    uint8 per passage: bit 0 date, 1 figure, 2 document
    tables/facts.utf8 + .offsets.npy           document numbers, dates and years any text names
    tables/diacritic_{pair,single}_{bare,marked}.utf8 + .offsets.npy   the restoration table
    tables/levels.npy                          uint8 per passage: bit i is knowledge.levels.LEVELS[i]
    tables/part_keys.utf8 + .offsets.npy       "source id␟role" of each (document, non-body role) group
    tables/part_rows.npy + part_positions.npy  its passages' positions: group i is positions[rows[i]:rows[i+1]]
    tables/known_numbers.utf8 + .offsets.npy   every document number a source or a passage names
    tables/fingerprint.txt                     the code that computed them (see `fingerprint`)

A string list is one UTF-8 blob and the offsets of its items, read item by item on demand.
Tables written by other code than the running one are not trusted: they are computed again
at load (slow, correct) with a warning to rebuild.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index import diacritics, normalise, questions, tokenise
from index.diacritics import DiacriticTable
from index.normalise import plain_key
from index.questions import answer_kinds, document_numbers, facts_of
from knowledge import levels, roles
from knowledge.levels import LEVELS, levels_mentioned
from knowledge.roles import BODY
from knowledge.types import Passage, Source

log = logging.getLogger(__name__)

TABLES_DIR = "tables"
TABLES_VERSION = 3  # 2: administrative levels; content syllables no longer needed; 3: parts, known numbers
KINDS = ("date", "figure", "document")  # bit i of answer_kinds.npy is KINDS[i]
_KIND_SETS = tuple(frozenset(kind for bit, kind in enumerate(KINDS) if mask >> bit & 1) for mask in range(1 << len(KINDS)))
_KEY_SEPARATOR = "\x1f"  # between source id and role in part_keys (in neither)
_LEVEL_SETS = tuple(frozenset(level for bit, level in enumerate(LEVELS) if mask >> bit & 1) for mask in range(1 << len(LEVELS)))


def fingerprint() -> str:
    """Identity of the code the tables depend on: their format and the modules that compute them."""
    digest = hashlib.sha256(f"tables/{TABLES_VERSION}\n".encode())
    for path in (Path(__file__), *(Path(module.__file__) for module in (normalise, tokenise, questions, diacritics, levels, roles))):
        digest.update(path.read_bytes())
    digest.update(normalise.ABBREVIATIONS_FILE.read_bytes())
    return digest.hexdigest()


# -- string lists on disk ---------------------------------------------------------------------


class Strings(Sequence[str]):
    """A list of strings stored as one UTF-8 blob and offsets; items are decoded when read."""

    def __init__(self, blob: bytes | memoryview | np.ndarray, offsets: np.ndarray) -> None:
        self._blob = blob
        self._offsets = offsets

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        start, end = int(self._offsets[index]), int(self._offsets[index + 1])
        return bytes(self._blob[start:end]).decode("utf-8")

    def to_list(self) -> list[str]:
        """Every item decoded at once (for the vocabulary-sized tables that become dicts)."""
        blob = bytes(self._blob)
        offsets = self._offsets.tolist()
        return [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(len(offsets) - 1)]


def save_strings(directory: Path, name: str, strings: Iterable[str]) -> None:
    """Write `<name>.utf8` and `<name>.offsets.npy`."""
    encoded = [string.encode("utf-8") for string in strings]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(item) for item in encoded], out=offsets[1:])
    (directory / f"{name}.utf8").write_bytes(b"".join(encoded))
    np.save(directory / f"{name}.offsets.npy", offsets)


def load_strings(directory: Path, name: str) -> Strings:
    """A memory-mapped string list written by `save_strings`."""
    offsets = np.load(directory / f"{name}.offsets.npy", mmap_mode="r")
    path = directory / f"{name}.utf8"
    blob = np.memmap(path, dtype=np.uint8, mode="r") if path.stat().st_size else b""
    return Strings(blob, offsets)


# -- the tables -------------------------------------------------------------------------------


@dataclass
class SearchTables:
    """Per-passage evidence and corpus-wide tables the searcher reads at every question."""

    plain_texts: Sequence[str]
    answer_mask: np.ndarray  # uint8 per passage, bits as KINDS
    level_mask: np.ndarray  # uint8 per passage, bits as knowledge.levels.LEVELS
    facts: set[str]
    diacritics: DiacriticTable
    parts: dict[tuple[str, str], list[int]]  # (source id, role) → positions of its non-body passages
    known_numbers: frozenset[str]  # document numbers (index.questions.document_numbers) named anywhere

    @property
    def answer_kinds(self) -> list[frozenset[str]]:
        """Per passage, the kinds of answer it can give ('date', 'figure', 'document')."""
        return [_KIND_SETS[mask] for mask in self.answer_mask.tolist()]

    @property
    def levels(self) -> list[frozenset[str]]:
        """Per passage, the administrative levels it names (knowledge.levels.levels_mentioned)."""
        return [_LEVEL_SETS[mask] for mask in self.level_mask.tolist()]


def context_text(source: Source) -> str:
    """The words that say which document a passage belongs to (matched at a lower weight)."""
    parts = [source.title, source.issuer, source.number, source.about_document, source.place]
    return " ".join(part for part in parts if part)


def answer_mask(text: str) -> int:
    """answer_kinds(text) as bits (KINDS order)."""
    kinds = answer_kinds(text)
    return sum(1 << bit for bit, kind in enumerate(KINDS) if kind in kinds)


def level_mask(text: str) -> int:
    """levels_mentioned(text) as bits (LEVELS order)."""
    found = levels_mentioned(text)
    return sum(1 << bit for bit, level in enumerate(LEVELS) if level in found)


def role_parts(passages: Sequence[Passage]) -> dict[tuple[str, str], list[int]]:
    """(source id, role) → positions of the passages in that role, for every role but the body."""
    parts: dict[tuple[str, str], list[int]] = {}
    for position, passage in enumerate(passages):
        if passage.role != BODY:
            parts.setdefault((passage.source_id, passage.role), []).append(position)
    return parts


def compute_tables(passages: Sequence[Passage], sources: dict[str, Source]) -> SearchTables:
    """Every table, from the passages themselves (what the build does once)."""
    texts = [passage.text for passage in passages]
    facts: set[str] = set().union(*(facts_of(text) for text in texts), *(facts_of(context_text(s)) for s in sources.values()))
    numbers = frozenset().union(*(document_numbers(s.number) for s in sources.values()), *(document_numbers(t) for t in texts))
    return SearchTables(
        plain_texts=[plain_key(text) for text in texts],
        answer_mask=np.array([answer_mask(text) for text in texts], dtype=np.uint8),
        level_mask=np.array([level_mask(text) for text in texts], dtype=np.uint8),
        facts=facts,
        diacritics=DiacriticTable.from_texts(texts),
        parts=role_parts(passages),
        known_numbers=numbers,
    )


def write_tables(build_dir: Path, tables: SearchTables) -> None:
    """Store the tables in `build_dir/tables/`."""
    directory = build_dir / TABLES_DIR
    directory.mkdir(exist_ok=True)
    save_strings(directory, "plain_texts", tables.plain_texts)
    np.save(directory / "answer_kinds.npy", np.asarray(tables.answer_mask, dtype=np.uint8))
    np.save(directory / "levels.npy", np.asarray(tables.level_mask, dtype=np.uint8))
    save_strings(directory, "facts", sorted(tables.facts))
    pairs = tables.diacritics.pairs
    save_strings(directory, "diacritic_pair_bare", (" ".join(bare) for bare in pairs))
    save_strings(directory, "diacritic_pair_marked", (" ".join(marked) for marked in pairs.values()))
    save_strings(directory, "diacritic_single_bare", tables.diacritics.singles)
    save_strings(directory, "diacritic_single_marked", tables.diacritics.singles.values())
    save_strings(directory, "part_keys", (_KEY_SEPARATOR.join(key) for key in tables.parts))
    groups = list(tables.parts.values())
    rows = np.zeros(len(groups) + 1, dtype=np.int64)
    np.cumsum([len(group) for group in groups], out=rows[1:])
    np.save(directory / "part_rows.npy", rows)
    np.save(directory / "part_positions.npy", np.array([p for group in groups for p in group], dtype=np.int64))
    save_strings(directory, "known_numbers", sorted(tables.known_numbers))
    (directory / "fingerprint.txt").write_text(fingerprint(), encoding="utf-8")


def read_tables(build_dir: Path) -> SearchTables:
    """The tables stored by `write_tables`, memory-mapped (no per-passage work)."""
    directory = build_dir / TABLES_DIR
    pair_bare = load_strings(directory, "diacritic_pair_bare").to_list()
    pair_marked = load_strings(directory, "diacritic_pair_marked").to_list()
    single_bare = load_strings(directory, "diacritic_single_bare").to_list()
    single_marked = load_strings(directory, "diacritic_single_marked").to_list()
    # One group per document and role (a handful per document), not per passage.
    rows = np.load(directory / "part_rows.npy").tolist()
    positions = np.load(directory / "part_positions.npy").tolist()
    part_keys = load_strings(directory, "part_keys").to_list()
    parts = {tuple(key.split(_KEY_SEPARATOR, 1)): positions[rows[i] : rows[i + 1]] for i, key in enumerate(part_keys)}
    return SearchTables(
        plain_texts=load_strings(directory, "plain_texts"),
        answer_mask=np.load(directory / "answer_kinds.npy", mmap_mode="r"),
        level_mask=np.load(directory / "levels.npy", mmap_mode="r"),
        facts=set(load_strings(directory, "facts").to_list()),
        diacritics=DiacriticTable(
            pairs={tuple(b.split(" ")): tuple(m.split(" ")) for b, m in zip(pair_bare, pair_marked)},
            singles=dict(zip(single_bare, single_marked)),
        ),
        parts=parts,  # type: ignore[arg-type]  # 2-tuples by construction
        known_numbers=frozenset(load_strings(directory, "known_numbers").to_list()),
    )


def open_tables(build_dir: Path, passages: Sequence[Passage], sources: dict[str, Source]) -> SearchTables:
    """The build's stored tables; computed from the passages when the build has none, or when
    they were computed by other code than this (a build from before them, or edited rules)."""
    stamp = build_dir / TABLES_DIR / "fingerprint.txt"
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == fingerprint():
        return read_tables(build_dir)
    log.warning("index: %s has no search tables from this version; computing them now (rebuild to start fast)", build_dir.name)
    return compute_tables(passages, sources)
