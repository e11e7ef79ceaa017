"""The ONNX export embeds exactly as torch does, and the encoder falls back to torch without it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from index import onnx_encoder
from index.dense import Encoder
from index.embedding_model import MODEL_NAME, ModelInstallError, load_encoder
from index.errors import IndexError_
from index.onnx_encoder import MIN_COSINE_VS_TORCH, ONNX_DIR, ONNX_RECORD, export_onnx, is_current_export, is_exported

FILLER = (
    "Sở Tài chính chủ trì, phối hợp với các sở, ban, ngành tham mưu bố trí kinh phí thường xuyên "
    "cho việc mua sắm trang thiết bị văn phòng, tổ chức hội nghị sơ kết và tổng kết hằng năm. "
)
TEXTS = [
    "Lao động nữ được nghỉ thai sản trước và sau khi sinh con là 06 tháng.",
    "nghi de duoc may thang",
    "Điều 11. Bình đẳng giới trong lĩnh vực chính trị",
    FILLER * 12 + "Lao động nữ sinh con được nghỉ thai sản sáu tháng.",  # past the 400-token window
]


@pytest.fixture(scope="module")
def torch_encoder(model_dir: Path) -> Encoder:
    return Encoder.from_dir(model_dir, backend="torch")


@pytest.fixture(scope="module")
def onnx_encoder_(model_dir: Path) -> Encoder:
    return Encoder.from_dir(model_dir, backend="onnxruntime")


def test_install_keeps_a_verified_onnx_export_with_its_weights_in_a_file_of_their_own(model_dir: Path) -> None:
    assert is_exported(model_dir) and is_current_export(model_dir)
    record = json.loads((model_dir / ONNX_DIR / ONNX_RECORD).read_text())
    assert record["min_cosine_vs_torch"] >= MIN_COSINE_VS_TORCH
    graph, weights = (model_dir / ONNX_DIR / name for name in (onnx_encoder.ONNX_FILE, onnx_encoder.ONNX_DATA_FILE))
    assert graph.stat().st_size < 1 << 20 < 400 << 20 < weights.stat().st_size  # memory-mapped, not parsed
    assert record["prompts"]["query"] == "query: " and record["prompts"]["passage"] == "passage: "


def test_the_default_encoder_runs_on_onnxruntime_under_the_same_model_name(model_dir: Path, onnx_encoder_: Encoder,
                                                                            torch_encoder: Encoder) -> None:
    assert Encoder.from_dir(model_dir).backend == "onnxruntime"
    assert onnx_encoder_.name == torch_encoder.name == MODEL_NAME
    assert (onnx_encoder_.dim, onnx_encoder_.window_tokens) == (torch_encoder.dim, torch_encoder.window_tokens)


def test_onnx_passage_and_query_vectors_match_torch_including_a_long_passage(onnx_encoder_: Encoder,
                                                                              torch_encoder: Encoder) -> None:
    assert len(torch_encoder.split_windows(TEXTS[-1])) >= 2
    for encode in ("encode_passages", "encode_queries"):
        ours = getattr(onnx_encoder_, encode)(TEXTS)
        theirs = getattr(torch_encoder, encode)(TEXTS)
        assert ours.dtype == np.float32 and ours.shape == theirs.shape == (len(TEXTS), 384)
        assert float(np.min(np.sum(ours * theirs, axis=1))) >= MIN_COSINE_VS_TORCH


def test_onnx_tokenizer_cuts_the_same_windows_as_torch(onnx_encoder_: Encoder, torch_encoder: Encoder) -> None:
    for text in TEXTS:
        assert onnx_encoder_.split_windows(text) == torch_encoder.split_windows(text)


def test_a_query_longer_than_the_model_limit_is_truncated_not_refused(onnx_encoder_: Encoder,
                                                                       torch_encoder: Encoder) -> None:
    long_query = FILLER * 20
    ours, theirs = onnx_encoder_.encode_queries([long_query]), torch_encoder.encode_queries([long_query])
    assert float(ours[0] @ theirs[0]) >= MIN_COSINE_VS_TORCH
    text = "query: " + long_query
    kept = onnx_encoder_.model._truncated(onnx_encoder_.model._tokenizer.encode(text).ids)
    assert kept == torch_encoder.model.tokenizer(text, truncation=True, max_length=512)["input_ids"]
    assert len(kept) == 512


def test_encoder_falls_back_to_torch_without_the_onnx_file(model_dir: Path, tmp_path: Path, link_model) -> None:
    encoder = Encoder.from_dir(link_model(model_dir, tmp_path / "model", leave_out=(ONNX_DIR,)))
    assert encoder.backend == "torch" and encoder.name == MODEL_NAME
    with pytest.raises(IndexError_, match="ONNX"):
        Encoder.from_dir(link_model(model_dir, tmp_path / "again", leave_out=(ONNX_DIR,)), backend="onnxruntime")


def test_encoder_falls_back_to_torch_when_onnxruntime_does_not_import(model_dir: Path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # `import onnxruntime` now raises ImportError
    assert Encoder.from_dir(model_dir).backend == "torch"


def test_an_export_that_disagrees_with_torch_is_not_kept(model_dir: Path, tmp_path: Path, monkeypatch, link_model) -> None:
    target = link_model(model_dir, tmp_path / "model", leave_out=(ONNX_DIR,))
    real_graph = model_dir / ONNX_DIR / onnx_encoder.ONNX_FILE
    monkeypatch.setattr(onnx_encoder, "_trace", lambda model, path: path.write_bytes(b""))
    def fake_fuse(source, graph, model):
        graph.symlink_to(real_graph)
        (graph.parent / onnx_encoder.ONNX_DATA_FILE).symlink_to(real_graph.parent / onnx_encoder.ONNX_DATA_FILE)

    monkeypatch.setattr(onnx_encoder, "_fuse", fake_fuse)
    monkeypatch.setattr(onnx_encoder, "compare_with_torch", lambda model, onnx_model: 0.42)
    with pytest.raises(ModelInstallError, match="0.42"):
        export_onnx(target)
    assert not is_exported(target)
    assert sorted(p.name for p in target.iterdir()) == sorted(p.name for p in model_dir.iterdir() if p.name != ONNX_DIR)


def test_compare_with_torch_sees_a_wrong_model(model_dir: Path, onnx_encoder_: Encoder) -> None:
    # The check the export must pass is not vacuous: the same graph against vectors of other texts.
    class Shuffled:
        def __init__(self, model) -> None:
            self.model = model

        def encode(self, texts, **kwargs):
            return self.model.encode(list(reversed(texts)), **kwargs)

    cosine = onnx_encoder.compare_with_torch(Shuffled(load_encoder(model_dir)), onnx_encoder_.model)
    assert cosine < 0.95


def test_the_token_budget_of_a_batch_changes_batches_not_vectors(onnx_encoder_: Encoder, monkeypatch) -> None:
    default = onnx_encoder_.encode_passages(TEXTS)
    calls = []
    real_run = onnx_encoder_.model.session_for("passage").run  # OpenVINO where install checked it, else onnxruntime
    counting = type("S", (), {"run": staticmethod(lambda names, feeds: calls.append(feeds["input_ids"].shape) or real_run(names, feeds))})()
    monkeypatch.setattr(onnx_encoder_.model, "session_for", lambda prompt_name: counting)
    monkeypatch.setattr(onnx_encoder_.model, "max_batch_tokens", 64)
    small = onnx_encoder_.encode_passages(TEXTS)
    windows = sum(len(onnx_encoder_.split_windows(text)) for text in TEXTS)
    assert sum(rows for rows, _ in calls) == windows and len(calls) > 1
    assert all(rows == 1 or rows * width <= 64 for rows, width in calls)
    assert float(np.min(np.sum(default * small, axis=1))) >= MIN_COSINE_VS_TORCH


def test_an_export_from_before_the_weights_file_is_used_until_install_redoes_it(tmp_path: Path) -> None:
    (tmp_path / ONNX_DIR).mkdir()
    (tmp_path / ONNX_DIR / onnx_encoder.ONNX_FILE).write_bytes(b"graph with its weights inside")
    (tmp_path / ONNX_DIR / ONNX_RECORD).write_text(json.dumps({"min_cosine_vs_torch": 0.9999995}))
    assert is_exported(tmp_path) and not is_current_export(tmp_path)
    record = json.loads((tmp_path / ONNX_DIR / ONNX_RECORD).read_text())
    (tmp_path / ONNX_DIR / ONNX_RECORD).write_text(json.dumps({**record, "export_version": onnx_encoder.EXPORT_VERSION}))
    assert not is_exported(tmp_path)  # a current export without its weights file is no export
