"""A question is cleaned once before analysis: invisible format characters go, words stay."""

from __future__ import annotations

import pytest

from index.errors import EmptyQuestion
from index.normalise import clean_question, has_words


def test_zero_width_and_format_characters_are_removed_from_a_question() -> None:
    typed = "Định\u200b kiến gi\u200bới\u00ad là\u200d gì\ufeff?\u2060"
    assert clean_question(typed) == "Định kiến giới là gì?"


def test_a_decomposed_question_comes_out_nfc_with_whitespace_collapsed() -> None:
    assert clean_question("  Bi\u0300nh  \n đẳng\tgiới ") == "Bình đẳng giới"


@pytest.mark.parametrize("question", ["", "  ", "😀🙏", "?!…", "\u200b", "👍 ? 🎉", "«»—"])
def test_questions_of_emoji_punctuation_or_nothing_have_no_words(question: str) -> None:
    assert not has_words(question)


@pytest.mark.parametrize("question", ["bđg", "2019", "Điều 5?", "nghỉ đẻ 😀"])
def test_questions_with_a_letter_or_a_digit_have_words(question: str) -> None:
    assert has_words(question)


def test_a_zero_width_space_inside_a_question_does_not_change_the_answer(lexical_searcher) -> None:
    clean = lexical_searcher.search("Định kiến giới là gì?", k=3)
    pasted = lexical_searcher.search("Định kiến gi\u200bới là\u200b gì?", k=3)
    assert [hit.passage.id for hit in pasted.hits] == [hit.passage.id for hit in clean.hits]
    assert not pasted.abstained


@pytest.mark.parametrize("question", ["\u200b\u200b", "😀", "???"])
def test_the_searcher_refuses_questions_without_words(lexical_searcher, question: str) -> None:
    with pytest.raises(EmptyQuestion):
        lexical_searcher.search(question)
