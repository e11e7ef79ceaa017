"""Everyday words read as the documents' words: the table's phrases, typed with or without marks,
replaced for matching only."""

from __future__ import annotations

import pytest

from index.everyday import EVERYDAY_FILE, everyday_expansions, load_lexicon, replace_everyday


def test_everyday_phrases_are_read_as_the_legal_phrase():
    assert replace_everyday("Chị ấy có bầu thì công ty có được đuổi việc không?") == (
        "Chị ấy mang thai thì người sử dụng lao động có được sa thải không?"
    )


def test_a_phrase_of_several_syllables_also_matches_typed_bare():
    assert replace_everyday("co bau thi bi duoi viec khong") == "mang thai thi bi sa thải khong"


def test_a_lone_bare_syllable_is_not_guessed():
    """'de' may be đẻ, để, đề …: only 'đẻ' typed with its marks is read as 'sinh con'."""
    assert replace_everyday("de lam gi") == "de lam gi"
    assert replace_everyday("để làm gì") == "để làm gì"
    assert replace_everyday("vợ tôi mới đẻ") == "vợ tôi mới sinh con"


def test_case_and_tone_placement_do_not_matter():
    assert replace_everyday("Sàm Sỡ nơi công sở") == "quấy rối tình dục nơi nơi làm việc"
    assert everyday_expansions("SẾP") == ["người sử dụng lao động"]


def test_a_phrase_that_is_part_of_the_legal_phrase_is_left_as_written():
    """'làm thêm' inside 'làm thêm giờ', 'con nhỏ' inside 'nuôi con nhỏ': already the documents' words."""
    assert replace_everyday("lao động nữ làm thêm giờ") == "lao động nữ làm thêm giờ"
    assert replace_everyday("đang nuôi con nhỏ") == "đang nuôi con nhỏ"
    assert everyday_expansions("đang nuôi con nhỏ") == []


def test_the_longest_phrase_wins():
    assert replace_everyday("nghỉ đẻ mấy tháng") == "nghỉ thai sản mấy tháng"  # not 'nghỉ sinh con'


def test_expansions_list_every_alternative_once_in_order():
    assert everyday_expansions("công ty cho nghỉ việc") == [
        "người sử dụng lao động",
        "doanh nghiệp",
        "sa thải",
        "đơn phương chấm dứt hợp đồng lao động",
    ]


def test_words_that_are_not_in_the_table_are_kept_verbatim():
    question = "Luật Bình đẳng giới có hiệu lực từ ngày nào?"
    assert replace_everyday(question) == question
    assert everyday_expansions(question) == []


def test_every_line_of_the_table_is_an_everyday_phrase_and_a_legal_phrase():
    lines = [
        line for line in EVERYDAY_FILE.read_text(encoding="utf-8").splitlines()
        if line.split("#", 1)[0].strip()
    ]
    entries = load_lexicon()
    assert len(entries) == len(lines), "a line without a tab or without a legal phrase"
    phrases = [entry.phrase.lower() for entry in entries]
    assert len(phrases) == len(set(phrases)), "a phrase listed twice"


@pytest.mark.parametrize("entry", load_lexicon(), ids=lambda entry: entry.phrase)
def test_no_entry_maps_a_phrase_to_itself(entry):
    assert entry.legal != (entry.phrase,)


@pytest.mark.parametrize(
    "question",
    [
        "Điều kiện để được hưởng chế độ là gì?",  # 'kiện' (to sue) inside 'điều kiện'
        "Kế hoạch theo đuổi mục tiêu gì?",  # 'đuổi' (to chase away) inside 'theo đuổi'
        "Thời giờ làm việc của lao động nữ",
        "Ai phụ trách công tác bình đẳng giới?",  # the documents' own word
    ],
)
def test_words_the_documents_use_in_their_own_sense_are_left_alone(question):
    assert replace_everyday(question) == question
