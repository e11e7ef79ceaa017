"""Search over the starter corpus, lexical fields only."""

import pytest

from index.errors import EmptyQuestion, IndexNotFound
from index.questions import definition_subject
from index.searcher import open_index


def test_question_without_diacritics_finds_the_same_passage(lexical_searcher):
    marked = lexical_searcher.search("Tháng hành động vì bình đẳng giới bắt đầu từ ngày nào", k=5)
    bare = lexical_searcher.search("thang hanh dong vi binh dang gioi bat dau tu ngay nao", k=5)
    assert not bare.abstained
    assert "15/11" in bare.hits[0].passage.text
    assert {h.passage.id for h in marked.hits} & {h.passage.id for h in bare.hits}


def test_document_number_finds_the_passage_that_names_it(lexical_searcher):
    result = lexical_searcher.search("Nghị định 125/2021/NĐ-CP quy định gì", k=3)
    assert any("125/2021/NĐ-CP" in hit.passage.text for hit in result.hits)


def test_definition_question_finds_the_definition_first(lexical_searcher):
    result = lexical_searcher.search("Định kiến giới là gì?", k=3)
    assert "Định kiến giới là nhận thức" in result.hits[0].passage.text
    assert result.hits[0].passage.citation.startswith("Luật Bình đẳng giới 73/2006/QH11")


def test_abbreviated_question_matches_the_spelled_out_text(lexical_searcher):
    result = lexical_searcher.search("KH của Sở KH&CN Bắc Giang giao ai chủ trì theo dõi", k=5)
    assert any(hit.source.id == "bac-giang-skhcn-2024" and "Văn phòng chủ trì" in hit.passage.text for hit in result.hits)


@pytest.mark.parametrize("question", ["Giá xăng RON 95 hôm nay là bao nhiêu?", "Hướng dẫn cách nấu phở bò ngon"])
def test_question_outside_the_knowledge_base_is_declined(lexical_searcher, question):
    result = lexical_searcher.search(question)
    assert result.abstained and result.hits == ()


def test_question_about_a_document_no_source_mentions_is_declined(lexical_searcher):
    result = lexical_searcher.search("Nghị định 100/2019/NĐ-CP quy định mức phạt nào?")
    assert result.abstained
    assert "100/2019/nd-cp" in result.reason


@pytest.mark.parametrize("question", ["", "   ", "🙂🙂", "???!!!"])
def test_question_without_words_is_refused_clearly(lexical_searcher, question):
    with pytest.raises(EmptyQuestion):
        lexical_searcher.search(question)


def test_a_huge_message_is_searched_on_its_beginning(lexical_searcher):
    result = lexical_searcher.search("Lao động nữ được nghỉ thai sản bao lâu? " + "xin cảm ơn " * 2000)
    assert not result.abstained


def test_whole_section_of_a_passage_comes_back_in_order(lexical_searcher):
    hit = lexical_searcher.search("Giải thích từ ngữ bình đẳng giới là gì", k=1).hits[0]
    section = lexical_searcher.section_passages(hit.passage.id)
    assert hit.passage in section
    assert [p.ordinal for p in section] == sorted(p.ordinal for p in section)


def test_definition_subject_is_read_from_the_question():
    assert definition_subject("Bình đẳng giới là gì?") == "Bình đẳng giới"
    assert definition_subject("dinh kien gioi la gi") == "dinh kien gioi"
    assert definition_subject("Ai chủ trì kế hoạch?") is None


def test_missing_index_is_a_clear_error(tmp_path):
    with pytest.raises(IndexNotFound, match="binhdang index build"):
        open_index(tmp_path / "nowhere")


def test_how_much_question_with_a_figure_in_the_documents_is_answered(lexical_searcher):
    result = lexical_searcher.search("Lao động nữ trong thời gian hành kinh được nghỉ bao nhiêu phút mỗi ngày?")
    assert not result.abstained
    assert any("30 phút" in hit.passage.text for hit in result.hits[:3])


def test_answer_type_is_read_from_the_question_with_or_without_diacritics():
    from index.questions import answer_type

    assert answer_type("Luật có hiệu lực từ ngày nào?") == "date"
    assert answer_type("ty le nu dat bao nhieu phan tram") == "figure"
    assert answer_type("Nghị định nào quy định xử phạt?") == "document"
    assert answer_type("Ai chủ trì?") == "actor"
    assert answer_type("cac hanh vi bi nghiem cam gom nhung gi") == "list"
    assert answer_type("Bình đẳng giới có ý nghĩa thế nào?") is None


def test_top_k_by_argpartition_equals_a_stable_full_sort():
    import numpy as np

    from index.lexical import top_k

    rng = np.random.default_rng(3)
    cases = [
        rng.random(1000).astype(np.float32),
        rng.integers(0, 4, 1000).astype(np.float32),  # many ties, at the k-th score too
        np.zeros(50, dtype=np.float32),
        np.array([1.0, np.nan, 3.0, 3.0, 0.5], dtype=np.float32),
    ]
    for scores in cases:
        for k in (0, 1, 5, 10, 50, len(scores), len(scores) + 3):
            assert top_k(scores, k).tolist() == np.argsort(-scores, kind="stable")[:k].tolist()


def test_which_passages_hold_a_term_is_read_from_its_column_as_the_weights_say(lexical_searcher):
    """LexicalIndex.holds (the column's stored rows) agrees with the weights matrix itself, for
    every term of a field, on an arbitrary set of passages."""
    import numpy as np

    field = lexical_searcher.lexical["plain"]
    rows = np.arange(0, field.size, 3)
    for column in range(0, len(field.vocabulary), 7):
        expected = field.weights[rows, column].toarray().ravel() > 0
        assert np.array_equal(field.holds(column, rows), expected)
