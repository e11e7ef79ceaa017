"""The int8 graph: close to float32, used where asked or made the default, never mixed with float32 vectors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bot.batching import BatchingEncoder
from index import onnx_encoder
from index.build import build_index
from index.dense import Encoder
from index.embedding_model import MODEL_NAME, ModelInstallError
from index.errors import IndexError_, IndexIncompatible
from index.onnx_encoder import (
    INT8_DATA_FILE, INT8_FILE, INT8_RECORD, INT8_SUFFIX, MIN_COSINE_INT8, ONNX_DIR, is_current_export,
    is_int8_exported, quantize_int8,
)
from index.searcher import open_index

FILLER = (
    "Sở Tài chính chủ trì, phối hợp với các sở, ban, ngành tham mưu bố trí kinh phí thường xuyên "
    "cho việc mua sắm trang thiết bị văn phòng, tổ chức hội nghị sơ kết và tổng kết hằng năm. "
)
TEXTS = [
    "Lao động nữ được nghỉ thai sản trước và sau khi sinh con là 06 tháng.",
    "nghi de duoc may thang",
    "Phạt tiền từ 5.000.000 đồng đến 10.000.000 đồng đối với hành vi phân biệt đối xử về giới trong tuyển dụng.",
    "Điều 11. Bình đẳng giới trong lĩnh vực chính trị",
    "Ủy ban nhân dân cấp tỉnh báo cáo kết quả thực hiện mục tiêu quốc gia về bình đẳng giới hằng năm.",
    FILLER * 12 + "Lao động nữ sinh con được nghỉ thai sản sáu tháng.",  # past the 400-token window
]
LAW = """Điều 1. Phạm vi điều chỉnh
Luật này quy định về bình đẳng giới trong gia đình và xã hội, biện pháp bảo đảm bình đẳng giới.

Điều 2. Nghỉ thai sản
Lao động nữ được nghỉ thai sản trước và sau khi sinh con là 06 tháng.
"""


@pytest.fixture(scope="module")
def int8_model_dir(model_dir: Path, tmp_path_factory: pytest.TempPathFactory, link_model) -> Path:
    """The session's model (links to its files) with an int8 graph made by quantize_int8."""
    copy = link_model(model_dir, tmp_path_factory.mktemp("int8") / "model")
    quantize_int8(copy)
    return copy


@pytest.fixture(scope="module")
def int8_encoder(int8_model_dir: Path) -> Encoder:
    return Encoder.from_dir(int8_model_dir, precision="int8")


@pytest.fixture(scope="module")
def float32_encoder(int8_model_dir: Path) -> Encoder:
    return Encoder.from_dir(int8_model_dir, precision="float32")


def _without_int8(link_model, model_dir: Path, tmp_path: Path) -> Path:
    """The model directory with its float32 export but no int8 graph (links, not copies)."""
    return link_model(model_dir, tmp_path / "model",
                      leave_out=tuple(f"{ONNX_DIR}/{name}" for name in (INT8_FILE, INT8_DATA_FILE, INT8_RECORD)))


def test_quantize_int8_keeps_a_graph_checked_against_float32(int8_model_dir: Path) -> None:
    assert is_int8_exported(int8_model_dir)
    record = json.loads((int8_model_dir / ONNX_DIR / INT8_RECORD).read_text())
    assert record["min_cosine_vs_float32"] >= MIN_COSINE_INT8
    assert len(record["kept_float32"]) == 12  # the feed-forward output layer of each of 12 layers
    assert all("/attention/" not in name for name in record["kept_float32"])


def test_the_int8_encoder_has_a_name_of_its_own(int8_encoder: Encoder, float32_encoder: Encoder) -> None:
    assert (int8_encoder.backend, int8_encoder.precision) == ("onnxruntime", "int8")
    assert int8_encoder.name == MODEL_NAME + INT8_SUFFIX
    assert (float32_encoder.precision, float32_encoder.name) == ("float32", MODEL_NAME)
    assert (int8_encoder.dim, int8_encoder.window_tokens) == (float32_encoder.dim, float32_encoder.window_tokens)


def test_the_default_precision_decides_what_auto_runs(int8_model_dir: Path, tmp_path: Path, monkeypatch, link_model) -> None:
    assert onnx_encoder.DEFAULT_PRECISION == "float32"
    assert Encoder.from_dir(int8_model_dir).precision == "float32"
    monkeypatch.setattr(onnx_encoder, "DEFAULT_PRECISION", "int8")
    assert Encoder.from_dir(int8_model_dir).name == MODEL_NAME + INT8_SUFFIX
    assert Encoder.from_dir(_without_int8(link_model, int8_model_dir, tmp_path)).name == MODEL_NAME  # no int8 graph: float32


def test_int8_vectors_agree_with_float32_on_vietnamese_passages_and_questions(int8_encoder: Encoder,
                                                                              float32_encoder: Encoder) -> None:
    for encode in ("encode_passages", "encode_queries"):
        ours = getattr(int8_encoder, encode)(TEXTS)
        theirs = getattr(float32_encoder, encode)(TEXTS)
        cosines = np.sum(ours * theirs, axis=1)
        assert ours.dtype == np.float32 and ours.shape == (len(TEXTS), 384)
        assert float(cosines.min()) >= MIN_COSINE_INT8
        assert float(cosines.min()) < 0.99999  # it is the quantised graph, not float32 again


def test_int8_ranks_the_maternity_passage_first_as_float32_does(int8_encoder: Encoder,
                                                                float32_encoder: Encoder) -> None:
    for encoder in (int8_encoder, float32_encoder):
        scores = encoder.encode_passages(TEXTS[:5]) @ encoder.encode_queries(["nghỉ đẻ được mấy tháng"])[0]
        assert int(np.argmax(scores)) == 0


def test_without_the_int8_graph_the_encoder_falls_back_to_float32(int8_model_dir: Path, tmp_path: Path,
                                                                  monkeypatch, link_model) -> None:
    plain = _without_int8(link_model, int8_model_dir, tmp_path)
    assert is_current_export(plain) and not is_int8_exported(plain)
    monkeypatch.setattr(onnx_encoder, "DEFAULT_PRECISION", "int8")
    encoder = Encoder.from_dir(plain)
    assert (encoder.backend, encoder.precision, encoder.name) == ("onnxruntime", "float32", MODEL_NAME)
    with pytest.raises(IndexError_, match="int8"):
        Encoder.from_dir(plain, precision="int8")


def test_an_int8_graph_of_another_version_is_not_used(int8_model_dir: Path, tmp_path: Path, monkeypatch, link_model) -> None:
    copy = _without_int8(link_model, int8_model_dir, tmp_path)
    for name in (INT8_FILE, INT8_DATA_FILE):
        (copy / ONNX_DIR / name).symlink_to(int8_model_dir / ONNX_DIR / name)
    record = json.loads((int8_model_dir / ONNX_DIR / INT8_RECORD).read_text())
    (copy / ONNX_DIR / INT8_RECORD).write_text(json.dumps({**record, "int8_version": 0}))
    assert not is_int8_exported(copy)
    monkeypatch.setattr(onnx_encoder, "DEFAULT_PRECISION", "int8")
    assert Encoder.from_dir(copy).precision == "float32"


def test_an_index_built_on_float32_is_searched_with_float32_questions(int8_model_dir: Path, tmp_path: Path,
                                                                       write_documents, int8_encoder: Encoder,
                                                                       float32_encoder: Encoder) -> None:
    docs = write_documents(tmp_path / "docs", {"luat.txt": LAW})
    index_dir = tmp_path / "index"
    build_index(docs, index_dir, encoder=float32_encoder)
    assert open_index(index_dir, model_dir=int8_model_dir).encoder.name == MODEL_NAME
    searcher = open_index(index_dir, encoder=int8_encoder)  # a bot's encoder, made for int8 builds
    assert (searcher.encoder.name, searcher.encoder.precision) == (MODEL_NAME, "float32")
    batching = BatchingEncoder(int8_encoder)
    assert batching.matching(int8_encoder.name) is batching
    swapped = batching.matching(MODEL_NAME)
    assert isinstance(swapped, BatchingEncoder) and swapped.wrapped.precision == "float32"


def test_an_int8_build_never_reuses_float32_vectors(int8_model_dir: Path, tmp_path: Path, write_documents,
                                                    int8_encoder: Encoder, float32_encoder: Encoder) -> None:
    docs = write_documents(tmp_path / "docs", {"luat.txt": LAW})
    index_dir = tmp_path / "index"
    first = build_index(docs, index_dir, encoder=float32_encoder)
    second = build_index(docs, index_dir, encoder=int8_encoder)
    assert second.timings["passages_embedded"] == first.passages > 0
    assert open_index(index_dir, encoder=int8_encoder).manifest["dense"]["model"] == MODEL_NAME + INT8_SUFFIX
    assert open_index(index_dir, model_dir=int8_model_dir).encoder.precision == "int8"  # whatever the default


def test_an_int8_index_without_the_int8_graph_is_refused_not_mixed(int8_model_dir: Path, tmp_path: Path,
                                                                    write_documents, int8_encoder: Encoder, link_model) -> None:
    docs = write_documents(tmp_path / "docs", {"luat.txt": LAW})
    index_dir = tmp_path / "index"
    build_index(docs, index_dir, encoder=int8_encoder)
    with pytest.raises(IndexIncompatible, match="int8"):
        open_index(index_dir, model_dir=_without_int8(link_model, int8_model_dir, tmp_path))


def _tiny_graph(source: str, target: str, **options) -> None:
    """Stands in for onnxruntime's quantize_dynamic: a valid graph with the model's inputs, made at once."""
    import onnx
    from onnx import TensorProto, helper

    ids = helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "tokens"])
    mask = helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "tokens"])
    out = helper.make_tensor_value_info("sentence_embedding", TensorProto.FLOAT, ["batch", "tokens"])
    graph = helper.make_graph([helper.make_node("Cast", ["input_ids"], ["sentence_embedding"], to=TensorProto.FLOAT)],
                              "tiny", [ids, mask], [out])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), target)


def test_an_int8_graph_that_disagrees_with_float32_is_not_kept(model_dir: Path, tmp_path: Path, monkeypatch, link_model) -> None:
    import onnxruntime.quantization

    copy = _without_int8(link_model, model_dir, tmp_path)
    monkeypatch.setattr(onnxruntime.quantization, "quantize_dynamic", _tiny_graph)
    monkeypatch.setattr(onnx_encoder, "compare_with_torch", lambda reference, model: 0.42)
    with pytest.raises(ModelInstallError, match="0.42"):
        quantize_int8(copy)
    assert not is_int8_exported(copy)
    assert sorted(p.name for p in (copy / ONNX_DIR).iterdir()) == sorted(
        p.name for p in (model_dir / ONNX_DIR).iterdir() if p.name not in (INT8_FILE, INT8_DATA_FILE, INT8_RECORD))
