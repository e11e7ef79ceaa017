"""The embedding model run by onnxruntime: the same network, exported once, about twice as fast.

``export_onnx`` (called by ``install_model``) traces the installed sentence-transformers model
(BERT + mean pooling + L2 normalisation) into ``onnx/model.onnx`` inside the model directory,
lets onnxruntime's transformer optimiser fuse attention, GELU and layer norms (float32 still,
no quantisation), and keeps the file only if its embeddings agree with torch's on a fixed set
of texts (min cosine ``MIN_COSINE_VS_TORCH``). ``OnnxModel`` runs it: it offers the few
parts of ``SentenceTransformer`` that ``index.dense.Encoder`` uses (``tokenizer``, ``prompts``,
``max_seq_length``, ``get_embedding_dimension()``, ``encode()``), with the model's own
``tokenizer.json``, so the encoder works the same over either and never imports torch here
(importing torch and transformers alone costs seconds at every start).

Where ``install_model``'s check passed (``check_openvino``), passages are embedded by OpenVINO
in bfloat16 from the same export (``index/openvino_session.py``); questions stay on onnxruntime.

``quantize_int8`` derives an int8 graph from that export (``install_model`` makes it when it is
the default, ``DEFAULT_PRECISION``; ``python -m scripts.bench_embedding`` when it measures it):
onnxruntime's dynamic quantisation (weights int8 per output channel, activations uint8 per
tensor, quantised at run time) of the attention and the dense layers except the feed-forward
output ones (``INT8_KEEP_FLOAT``), kept only if its embeddings agree with float32's (min cosine
``MIN_COSINE_INT8``). Its vectors differ from float32's by more than summation order, so an
index built with it records another model name (``INT8_SUFFIX``; see ``index.dense.Encoder``).
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from index import openvino_session

log = logging.getLogger(__name__)

ONNX_DIR = "onnx"
ONNX_FILE = "model.onnx"
# The weights live in a file of their own, which onnxruntime memory-maps: only the rows of the
# 250,000-word embedding table a text uses are read and pages are shared between processes
# (webhook workers); weights inside model.onnx are parsed into each process. With one tokenizer
# instead of two, resident memory after loading went from 1,083 to 428 MiB (peak 1,443 to 719;
# `python -m scripts.bench_embedding --backends onnxruntime --threads 2`).
ONNX_DATA_FILE = "model.onnx.data"
ONNX_RECORD = "binhdang-onnx.json"
EXPORT_VERSION = 2  # 2: weights in ONNX_DATA_FILE; install_model redoes older exports
# Float32 in both: the exported graph differs from torch by summation order only (measured
# 0.99999+); a wrong trace (baked-in length, lost mask) falls far below.
MIN_COSINE_VS_TORCH = 0.9999
# 17 is within what onnxruntime 1.16+ runs and what the TorchScript exporter writes well.
OPSET = 17
# Intra-op threads of a session. Measured with `python -m scripts.bench_embedding` on this 2-core
# machine shared with other work (README, Scale): with the other core free, two threads embedded
# 38.1 passages/s against 21.0 and a question in 6.9/9.2 ms (p50/p95) against 11.3/14.6; with it
# busy, either could win a round. Unlike torch's OpenMP threads, which spin waiting for work (a
# question 20x slower on two), onnxruntime's are told not to spin (below).
DEFAULT_THREADS = 2

# What Encoder.from_dir runs when the caller does not say. float32: the int8 graph embedded
# passages 1.6-2.1x faster, but moved dense-only hit@5 on ../shared/eval/dev.jsonl from 0.856 to
# 0.820-0.838 in every deterministic variant tried (fused hit@5 0.982-0.991; README, Scale), and
# the scale issue allows 0.01. "int8" makes `binhdang model install` add the int8 graph and the
# encoder use it; indexes built on float32 keep being searched with float32 questions.
DEFAULT_PRECISION = "float32"

INT8_FILE = "model.int8.onnx"
INT8_DATA_FILE = "model.int8.onnx.data"  # the embedding table stays float32: memory-mapped as above
INT8_RECORD = "binhdang-int8.json"
INT8_VERSION = 1  # install_model redoes an int8 graph of another version (or another float32 export)
# What indexes built on the int8 graph record after the model's name: their vectors are not the
# float32 ones, and a question must be embedded by the graph that embedded the passages.
INT8_SUFFIX = " + onnxruntime int8"
# Quantising every dense layer (per-tensor weights, as onnxruntime does by default) gave min
# cosine 0.977 against float32 over ../shared/corpus's 303 passages; per-channel weights 0.994;
# leaving the 12 feed-forward output layers (their input is GELU's output, whose few large values
# stretch a per-tensor activation scale) in float32 0.998, at about 2/3 of the int8 gain in
# speed (README, Scale; python -m scripts.bench_embedding).
INT8_KEEP_FLOAT = ("/output/dense/MatMul",)
# Measured on the install texts: 0.998+; a graph quantised with per-tensor weights (0.98) or a
# wrong one falls below.
MIN_COSINE_INT8 = 0.995
# A batch holds at most this many tokens (rows x longest row). Activations of small batches stay
# in the CPU's cache: at 120 passages of ../shared/corpus, batches of 4-8 passages ran at 16-19
# passages/s and batches of 16-32 at 11-13 (`python -m scripts.bench_embedding`); the budget
# gives long windows small batches and short texts larger ones.
MAX_BATCH_TOKENS = 1024

# Texts the export is checked on: the install samples, a text past the passage window (so the
# check covers long inputs and padding) and a one-word one.
_LONG_TEXT = (
    "Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương có trách nhiệm chỉ đạo, tổ chức "
    "thực hiện các mục tiêu, chỉ tiêu về bình đẳng giới trên địa bàn; bố trí kinh phí, nhân lực "
    "và định kỳ báo cáo kết quả thực hiện về Bộ Lao động - Thương binh và Xã hội. "
) * 9


def runtime_available() -> bool:
    """True if onnxruntime imports here (otherwise the encoder runs on torch)."""
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def is_exported(model_dir: Path | str) -> bool:
    """True if the model directory holds a verified ONNX export (of this version or an earlier one)."""
    record = onnx_record(model_dir)
    if record is None:
        return False
    return record.get("export_version", 1) < 2 or (Path(model_dir) / ONNX_DIR / ONNX_DATA_FILE).is_file()


def is_current_export(model_dir: Path | str) -> bool:
    """True if the model directory's ONNX export is of this code's EXPORT_VERSION."""
    return is_exported(model_dir) and (onnx_record(model_dir) or {}).get("export_version") == EXPORT_VERSION


def onnx_record(model_dir: Path | str) -> dict | None:
    """What the export recorded (versions, min cosine against torch), or None without one."""
    directory = Path(model_dir) / ONNX_DIR
    if not (directory / ONNX_FILE).is_file() or not (directory / ONNX_RECORD).is_file():
        return None
    try:
        return json.loads((directory / ONNX_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def export_onnx(model_dir: Path | str, *, fuse: bool = True) -> float:
    """Export the sentence-transformers model at ``model_dir`` to ``onnx/``; return the min cosine.

    Written to a temporary directory, verified against torch, then renamed into place: a
    failed or disagreeing export leaves no ONNX file behind (``ModelInstallError`` is raised
    and the encoder keeps running on torch).
    """
    import onnxruntime
    import torch

    from index.embedding_model import ModelInstallError, load_encoder

    model_dir = Path(model_dir)
    model = load_encoder(model_dir)
    staging = Path(tempfile.mkdtemp(prefix=".onnx.", dir=model_dir))
    try:
        raw = staging / "raw.onnx"
        _trace(model, raw)
        graph = staging / ONNX_FILE
        if fuse:
            _fuse(raw, graph, model)
        else:
            _save_with_weights_apart(_load_graph(raw), graph)
        raw.unlink()
        record = {
            "export_version": EXPORT_VERSION,
            "prompts": dict(getattr(model, "prompts", {}) or {}),
            "max_seq_length": int(model.max_seq_length or 512),
            "dim": int(model.get_embedding_dimension()),
            "pad_id": int(model.tokenizer.pad_token_id or 0),
            "opset": OPSET,
            "fused": fuse,
            "torch": torch.__version__,
            "onnxruntime": onnxruntime.__version__,
        }
        _write_json(staging / ONNX_RECORD, record)
        cosine = compare_with_torch(model, OnnxModel(staging, model_dir / "tokenizer.json"))
        if cosine < MIN_COSINE_VS_TORCH:
            raise ModelInstallError(
                f"ONNX export disagrees with torch: min cosine {cosine:.6f} < {MIN_COSINE_VS_TORCH}"
            )
        record["min_cosine_vs_torch"] = round(cosine, 7)
        _write_json(staging / ONNX_RECORD, record)
        target = model_dir / ONNX_DIR
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
        target.chmod(0o755)  # mkdtemp's 0700 would hide a shared cache from other users
        for path in target.iterdir():
            path.chmod(0o644)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return cosine


def compare_with_torch(model, onnx_model: OnnxModel, texts: Sequence[str] | None = None) -> float:
    """Min cosine between the two models' query and passage embeddings of ``texts``.

    Encoded one by one and in padded batches, so a trace that mishandles padding fails too.
    ``model`` is the reference: anything with SentenceTransformer's ``encode`` (torch, or the
    float32 ``OnnxModel`` when the int8 graph is checked)."""
    texts = list(texts or check_texts())
    prompts = [name for name in ("query", "passage") if name in onnx_model.prompts] or [None]
    lowest = 1.0
    for prompt in prompts:
        reference = model.encode(texts, prompt_name=prompt, normalize_embeddings=True, convert_to_numpy=True)
        batched = onnx_model.encode(texts, prompt_name=prompt, batch_size=len(texts))
        single = np.vstack([onnx_model.encode([text], prompt_name=prompt) for text in texts])
        for ours in (batched, single):
            lowest = min(lowest, float(np.min(np.sum(reference * ours, axis=1))))
    return lowest


def check_openvino(model_dir: Path | str) -> dict:
    """Check the float32 export on OpenVINO in bfloat16 against onnxruntime's float32 run and
    record the outcome beside the export (index/openvino_session.py); returns the record."""
    graph_dir = Path(model_dir) / ONNX_DIR
    if not openvino_session.native_bf16():
        return openvino_session.write_record(graph_dir, None, "no native bfloat16 on this CPU, or OpenVINO missing")
    reference = OnnxModel(graph_dir, Path(model_dir) / "tokenizer.json", runtime="onnxruntime")
    candidate = OnnxModel(graph_dir, Path(model_dir) / "tokenizer.json", runtime="openvino")
    return openvino_session.write_record(graph_dir, compare_with_torch(reference, candidate))


def check_texts() -> list[str]:
    """The texts exports are checked on (see ``_LONG_TEXT``)."""
    from index.embedding_model import SAMPLE_TEXTS

    return [*SAMPLE_TEXTS, _LONG_TEXT, "giới"]


def is_int8_exported(model_dir: Path | str) -> bool:
    """True if the model directory holds a verified int8 graph made from its current float32 export."""
    directory = Path(model_dir) / ONNX_DIR
    record = int8_record(model_dir)
    return (record is not None and record.get("int8_version") == INT8_VERSION and is_current_export(model_dir)
            and all((directory / name).is_file() for name in (INT8_FILE, INT8_DATA_FILE)))


def int8_record(model_dir: Path | str) -> dict | None:
    """What ``quantize_int8`` recorded (min cosine against float32, layers kept float), or None."""
    try:
        return json.loads((Path(model_dir) / ONNX_DIR / INT8_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def quantize_int8(model_dir: Path | str) -> float:
    """Derive the int8 graph from the model directory's float32 export; return its min cosine.

    Made in a temporary directory and checked against the float32 graph (``MIN_COSINE_INT8``)
    before its files are moved beside it, the record last: an interrupted or disagreeing one
    leaves no int8 graph (``ModelInstallError``; the encoder keeps running on float32)."""
    import onnx
    import onnxruntime
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from index.embedding_model import ModelInstallError

    model_dir = Path(model_dir)
    directory = model_dir / ONNX_DIR
    if not is_current_export(model_dir):
        raise ModelInstallError(f"no float32 ONNX export in {model_dir} to quantise")
    for name in (INT8_RECORD, INT8_FILE, INT8_DATA_FILE):  # a stale one must not be used meanwhile
        (directory / name).unlink(missing_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".int8.", dir=directory))
    try:
        # Resolved: onnx refuses weights reached through a symbolic link (a model directory of links).
        graph = onnx.load(str((directory / ONNX_FILE).resolve()))
        kept_float = [node.name for node in graph.graph.node if node.op_type == "MatMul" and _is_kept_float(node.name)]
        raw = staging / "raw.onnx"
        quantize_dynamic(
            graph, str(raw), weight_type=QuantType.QInt8, per_channel=True,
            # Not Gather: the 250,000-row embedding table in int8 per tensor loses too much, and
            # float32 it is memory-mapped, only the rows texts use being read.
            op_types_to_quantize=["MatMul", "Attention"], nodes_to_exclude=kept_float,
            # The fused graph's contrib ops (Attention, SkipLayerNormalization) defeat ONNX shape
            # inference; their outputs are float32.
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )
        del graph
        _save_with_weights_apart(_load_graph(raw), staging / INT8_FILE, location=INT8_DATA_FILE)
        raw.unlink()
        shutil.copy(directory / ONNX_RECORD, staging / ONNX_RECORD)
        reference = OnnxModel(directory, model_dir / "tokenizer.json")
        cosine = compare_with_torch(reference, OnnxModel(staging, model_dir / "tokenizer.json", graph_file=INT8_FILE))
        if cosine < MIN_COSINE_INT8:
            raise ModelInstallError(f"int8 graph disagrees with float32: min cosine {cosine:.5f} < {MIN_COSINE_INT8}")
        record = {"int8_version": INT8_VERSION, "min_cosine_vs_float32": round(cosine, 6),
                  "kept_float32": kept_float, "onnxruntime": onnxruntime.__version__}
        _write_json(staging / INT8_RECORD, record)
        for name in (INT8_DATA_FILE, INT8_FILE, INT8_RECORD):
            (staging / name).chmod(0o644)
            (staging / name).rename(directory / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return cosine


def _is_kept_float(node_name: str) -> bool:
    # "/bert/encoder/layer.3/output/dense/MatMul" is the feed-forward output; the attention
    # output ("…/attention/output/dense/MatMul") is quantised.
    return any(part in node_name for part in INT8_KEEP_FLOAT) and "/attention/" not in node_name


def _trace(model, path: Path) -> None:
    import torch

    class Pooled(torch.nn.Module):
        # What the sentence-transformers pipeline computes (mean pooling over the mask, then
        # L2 normalisation), in one graph so the runtime needs no pooling code of its own.
        def __init__(self, bert) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask):
            hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2, dim=1)

    bert = model[0].auto_model
    # Eager attention traces to the MatMul/Softmax pattern onnxruntime's optimiser fuses into
    # its Attention kernel; torch's SDPA traces to a graph it leaves unfused.
    previous = bert.config._attn_implementation
    bert.set_attn_implementation("eager")
    features = model.tokenizer(["query: một câu hỏi", "passage: một đoạn văn dài hơn câu hỏi"],
                               padding=True, return_tensors="pt")
    dynamic = {0: "batch", 1: "tokens"}
    import warnings

    with torch.no_grad(), warnings.catch_warnings():
        # The tracer's notes on transformers' Python-side shape checks; verification below
        # is what proves the graph right for every length and padding.
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Pooled(bert).eval(), (features["input_ids"], features["attention_mask"]), str(path),
            input_names=["input_ids", "attention_mask"], output_names=["sentence_embedding"],
            dynamic_axes={"input_ids": dynamic, "attention_mask": dynamic, "sentence_embedding": {0: "batch"}},
            opset_version=OPSET, dynamo=False,
        )
    bert.set_attn_implementation(previous)  # the reference embeddings come from the usual path


def _fuse(source: Path, target: Path, model) -> None:
    from onnxruntime.transformers.optimizer import optimize_model

    config = model[0].auto_model.config
    optimised = optimize_model(str(source), model_type="bert", num_heads=config.num_attention_heads,
                               hidden_size=config.hidden_size, opt_level=1)
    _save_with_weights_apart(optimised.model, target)


def _load_graph(path: Path):
    import onnx

    return onnx.load(str(path))


def _save_with_weights_apart(graph, target: Path, location: str = ONNX_DATA_FILE) -> None:
    import onnx

    onnx.save_model(graph, str(target), save_as_external_data=True, all_tensors_to_one_file=True,
                    location=location, size_threshold=1024)


class _Tokenizer:
    """The model's tokenizer.json called the way ``Encoder`` calls a transformers tokenizer."""

    def __init__(self, tokenizer) -> None:
        self._tokenizer = tokenizer

    def __call__(self, text: str, add_special_tokens: bool = True, return_offsets_mapping: bool = False,
                 verbose: bool = True) -> dict:
        encoding = self._tokenizer.encode(text, add_special_tokens=add_special_tokens)
        out = {"input_ids": list(encoding.ids)}
        if return_offsets_mapping:
            out["offset_mapping"] = list(encoding.offsets)
        return out


class OnnxModel:
    """An exported sentence-transformers model on onnxruntime (see the module doc)."""

    def __init__(self, graph_dir: Path, tokenizer_file: Path, *, threads: int | None = None,
                 graph_file: str = ONNX_FILE, runtime: str = "auto") -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        record = json.loads((graph_dir / ONNX_RECORD).read_text(encoding="utf-8"))
        self.prompts: dict[str, str] = dict(record["prompts"])
        self.max_seq_length: int = int(record["max_seq_length"])
        self._dim = int(record["dim"])
        self._pad_id = int(record["pad_id"])
        # One tokenizer, untruncated (windowing needs every token's offsets): a loaded
        # tokenizer.json holds ~290 MB, so the truncation the model needs is done in `encode`.
        self._tokenizer = Tokenizer.from_file(str(tokenizer_file))
        self.tokenizer = _Tokenizer(self._tokenizer)
        self.threads = threads or DEFAULT_THREADS
        self.max_batch_tokens = MAX_BATCH_TOKENS
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        # Spinning threads wait for work by burning a core; on 2 shared cores that core is the
        # one the other thread (or the bot, or a build) needed.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3  # its optimiser's notes would print on every start
        self.precision = "int8" if graph_file == INT8_FILE else "float32"
        # The int8 graph quantises activations with one scale per run, taken over the whole
        # padded batch: batched, a text's vector would depend on its batch-mates (a question's
        # ranking on which questions the bot happened to batch it with). One text per run keeps
        # vectors reproducible and lost no speed (26-27 against 23-25 passages/s batched, 120
        # passages of ../shared/corpus, 2 threads, load average 2.9).
        self.one_text_per_run = self.precision == "int8"
        self.session = onnxruntime.InferenceSession(str(graph_dir / graph_file), options,
                                                    providers=["CPUExecutionProvider"])
        # Passages of the float32 graph are embedded by OpenVINO in bfloat16 where install_model
        # checked that it gives the same vectors on this machine (index/openvino_session.py):
        # "auto". Questions stay on onnxruntime, which answers one faster and memory-maps the
        # weights (OpenVINO holds its own copy), so the bot never loads OpenVINO at all.
        # "openvino" runs both on it (the install check), "onnxruntime" neither.
        if runtime not in ("auto", "onnxruntime", "openvino"):
            raise ValueError(f"unknown runtime {runtime!r}")
        self.runtime = runtime
        self._graph_path = graph_dir / graph_file
        self._openvino_wanted = runtime == "openvino" or (
            runtime == "auto" and graph_file == ONNX_FILE and openvino_session.passed(graph_dir)
        )
        self._openvino: openvino_session.OpenVinoSession | None = None

    def session_for(self, prompt_name: str | None):
        """What runs texts of this prompt: OpenVINO for passages (or for all with runtime
        "openvino") where wanted, else the onnxruntime session. Compiled on first use."""
        if not self._openvino_wanted or (self.runtime == "auto" and prompt_name != "passage"):
            return self.session
        if self._openvino is None:
            if self.runtime == "auto" and not openvino_session.native_bf16():  # moved to another CPU since the check
                self._openvino_wanted = False
                return self.session
            try:
                self._openvino = openvino_session.OpenVinoSession(self._graph_path, self.threads)
            except (RuntimeError, OSError) as error:
                if self.runtime != "auto":
                    raise
                log.warning("embedding: OpenVINO did not compile the graph (%s); passages run on onnxruntime", error)
                self._openvino_wanted = False
                return self.session
        return self._openvino

    @classmethod
    def from_model_dir(cls, model_dir: Path | str, *, threads: int | None = None, int8: bool = False,
                       runtime: str = "auto") -> OnnxModel:
        """The export inside an installed model directory (see ``is_exported``), or its int8
        graph (see ``is_int8_exported``); ``runtime`` as ``OnnxModel``'s."""
        model_dir = Path(model_dir)
        return cls(model_dir / ONNX_DIR, model_dir / "tokenizer.json", threads=threads,
                   graph_file=INT8_FILE if int8 else ONNX_FILE, runtime=runtime)

    def get_embedding_dimension(self) -> int:
        """Length of the vectors."""
        return self._dim

    def encode(self, texts: Sequence[str], prompt_name: str | None = None, batch_size: int = 32,
               show_progress_bar: bool = False, convert_to_numpy: bool = True,
               normalize_embeddings: bool = True) -> np.ndarray:
        """L2-normalised float32 embeddings, shape (n, dim), as SentenceTransformer.encode gives
        them with ``normalize_embeddings=True`` (the graph normalises; the flags are for the
        signature's sake).

        Texts are batched by token count, longest first, so a batch pads little; a batch holds
        at most ``batch_size`` texts and ``max_batch_tokens`` tokens (at least one text)."""
        prefix = self.prompts.get(prompt_name, "") if prompt_name else ""
        session = self.session_for(prompt_name)
        token_ids = [self._truncated(e.ids) for e in self._tokenizer.encode_batch([prefix + text for text in texts])]
        lengths = np.array([len(ids) for ids in token_ids])
        order = np.argsort(-lengths, kind="stable")
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        batches = []
        start = 0
        while start < len(texts):
            width = int(lengths[order[start]])
            size = 1 if self.one_text_per_run else max(1, min(batch_size, self.max_batch_tokens // max(width, 1)))
            batches.append(order[start:start + size])
            start += size
        if show_progress_bar:
            from tqdm import tqdm

            batches = tqdm(batches, desc="Batches", unit="batch")
        for rows in batches:
            width = int(lengths[rows[0]])
            ids = np.full((len(rows), width), self._pad_id, dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for r, row in enumerate(rows):
                n = lengths[row]
                ids[r, :n] = token_ids[row]
                mask[r, :n] = 1
            out[rows] = session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        return out


    def _truncated(self, ids: list[int]) -> list[int]:
        # As transformers truncates one sequence: its first tokens, then the closing </s>.
        if len(ids) <= self.max_seq_length:
            return ids
        return ids[: self.max_seq_length - 1] + ids[-1:]


def _write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
