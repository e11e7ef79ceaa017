"""Passages embedded by OpenVINO in bfloat16 are the float32 vectors, and only where checked."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from index import onnx_encoder, openvino_session
from index.onnx_encoder import ONNX_DIR, OnnxModel

TEXTS = [
    "Lao động nữ được nghỉ thai sản trước và sau khi sinh con là 06 tháng.",
    "nghi de duoc may thang",
    "Điều 11. Bình đẳng giới trong lĩnh vực chính trị: nam, nữ bình đẳng trong tham gia quản lý nhà nước.",
    "Sở Tài chính chủ trì, phối hợp với các sở, ban, ngành tham mưu bố trí kinh phí thường xuyên. " * 20,
]

needs_bf16 = pytest.mark.skipif(not openvino_session.native_bf16(), reason="no OpenVINO or no native bfloat16 on this CPU")


def _with_record(link_model, model_dir: Path, tmp_path: Path, record: dict | None) -> Path:
    """The model directory (links) with the given OpenVINO record in place of its own."""
    copy = link_model(model_dir, tmp_path / "model", leave_out=(f"{ONNX_DIR}/{openvino_session.RECORD}",))
    if record is not None:
        (copy / ONNX_DIR / openvino_session.RECORD).write_text(json.dumps(record), encoding="utf-8")
    return copy


@needs_bf16
def test_install_checked_openvino_and_its_vectors_equal_float32_one_by_one_and_batched(model_dir: Path):
    record = openvino_session.record(model_dir / ONNX_DIR)
    assert record and record["passed"] and record["min_cosine_vs_float32"] >= openvino_session.MIN_COSINE
    float32 = OnnxModel.from_model_dir(model_dir, runtime="onnxruntime")
    bf16 = OnnxModel.from_model_dir(model_dir, runtime="openvino")
    assert isinstance(bf16.session_for("passage"), openvino_session.OpenVinoSession)
    for prompt in ("passage", "query"):
        reference = float32.encode(TEXTS, prompt_name=prompt)
        batched = bf16.encode(TEXTS, prompt_name=prompt, batch_size=len(TEXTS))
        single = np.vstack([bf16.encode([text], prompt_name=prompt) for text in TEXTS])
        for vectors in (batched, single):
            assert np.min(np.sum(reference * vectors, axis=1)) >= openvino_session.MIN_COSINE
            assert not np.array_equal(reference, vectors)  # really another runtime, not the same session


@needs_bf16
def test_where_the_check_passed_passages_go_to_openvino_and_questions_stay_on_onnxruntime(model_dir: Path, tmp_path: Path,
                                                                                          link_model):
    passed = openvino_session.record(model_dir / ONNX_DIR)
    model = OnnxModel.from_model_dir(_with_record(link_model, model_dir, tmp_path, passed))
    assert isinstance(model.session_for("passage"), openvino_session.OpenVinoSession)
    assert model.session_for("query") is model.session  # onnxruntime: the bot never loads OpenVINO


def test_answering_questions_never_imports_openvino(model_dir: Path):
    import subprocess
    import sys

    code = (
        "import sys; from index.dense import Encoder; "
        f"e = Encoder.from_dir({str(model_dir)!r}); e.encode_queries(['Bình đẳng giới là gì?']); "
        "print('openvino' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip().splitlines()[-1] == "False"


@pytest.mark.parametrize("record", [None, {"version": openvino_session.RECORD_VERSION, "passed": False},
                                    {"version": 0, "passed": True}])
def test_without_a_passed_check_of_this_version_everything_runs_on_onnxruntime(model_dir: Path, tmp_path: Path, record,
                                                                                link_model):
    model = OnnxModel.from_model_dir(_with_record(link_model, model_dir, tmp_path, record))
    assert model.session_for("passage") is model.session and model.session_for("query") is model.session


@needs_bf16
def test_a_graph_openvino_cannot_compile_leaves_passages_on_onnxruntime(model_dir: Path, tmp_path: Path, link_model,
                                                                        monkeypatch):
    model = OnnxModel.from_model_dir(_with_record(link_model, model_dir, tmp_path, openvino_session.record(model_dir / ONNX_DIR)))

    def refuse(*args, **kwargs):
        raise RuntimeError("Exception from src/inference: cannot compile")

    monkeypatch.setattr(openvino_session, "OpenVinoSession", refuse)
    assert model.session_for("passage") is model.session
    assert model.encode(TEXTS[:1], prompt_name="passage").shape == (1, model.get_embedding_dimension())
    with pytest.raises(RuntimeError):
        OnnxModel.from_model_dir(model_dir, runtime="openvino").session_for("passage")


def test_an_unknown_runtime_is_refused(model_dir: Path):
    with pytest.raises(ValueError, match="runtime"):
        OnnxModel.from_model_dir(model_dir, runtime="cuda")


@needs_bf16
def test_the_check_records_a_failure_when_openvino_disagrees(model_dir: Path, tmp_path: Path, monkeypatch, link_model):
    copy = _with_record(link_model, model_dir, tmp_path, None)
    monkeypatch.setattr(onnx_encoder, "compare_with_torch", lambda reference, candidate: 0.98)
    record = onnx_encoder.check_openvino(copy)
    assert record["passed"] is False and openvino_session.record(copy / ONNX_DIR) == record
    model = OnnxModel.from_model_dir(copy)
    assert model.session_for("passage") is model.session
