"""What is bold in an answer and how much of a passage is shown, on real passages of the starter
corpus; what "Toàn văn" sends."""

from __future__ import annotations

import pytest

from bot.answers import cited_section, in_section, join_section
from bot.reading import ELLIPSIS, answering_spans, question_focus, window


def passage_with(searcher, source_prefix: str, text: str):
    found = [p for p in searcher.passages if p.source_id.startswith(source_prefix) and text in p.text]
    assert found, f"no passage of {source_prefix} holds {text!r}"
    return found[0]


def bold(passage, question: str) -> list[str]:
    return [passage.text[s:e] for s, e in answering_spans(passage.text, question)]


@pytest.mark.parametrize(("question", "focus"), [
    ("Bình đẳng giới là gì?", "definition"),
    ("Tháng hành động diễn ra khi nào?", "date"),
    ("thang hanh dong dien ra khi nao", "date"),
    ("Tỷ lệ nữ lãnh đạo chủ chốt phải đạt bao nhiêu?", "figure"),
    ("Lao động nữ được nghỉ thai sản bao lâu?", "figure"),
    ("Cơ quan nào quản lý nhà nước về bình đẳng giới?", "agency"),
    ("Ai chịu trách nhiệm báo cáo kết quả?", "agency"),
    ("Nguyên tắc cơ bản về bình đẳng giới", None),
])
def test_the_question_says_what_kind_of_answer_it_wants(question, focus):
    assert question_focus(question) == focus


def test_for_khi_nao_the_date_line_is_bold_not_the_heading_sharing_the_words(lexical_searcher):
    passage = passage_with(lexical_searcher, "tp-hcm", "b) Thời gian: Từ ngày 15/11/2025")
    assert bold(passage, "Tháng hành động vì bình đẳng giới năm 2025 diễn ra khi nào?") == [
        "b) Thời gian: Từ ngày 15/11/2025 đến ngày 15/12/2025."]
    assert bold(passage, "thang hanh dong vi binh dang gioi dien ra khi nao") == [
        "b) Thời gian: Từ ngày 15/11/2025 đến ngày 15/12/2025."]


def test_for_la_gi_the_definition_is_bold(lexical_searcher):
    passage = passage_with(lexical_searcher, "luat-binh-dang-gioi", "3. Bình đẳng giới là việc")
    (sentence,) = bold(passage, "Bình đẳng giới là gì?")
    assert sentence.startswith("3. Bình đẳng giới là việc nam, nữ có vị trí, vai trò ngang nhau")


def test_for_bao_lau_the_figure_is_bold(lexical_searcher):
    passage = passage_with(lexical_searcher, "bo-luat-lao-dong", "Lao động nữ được nghỉ thai sản trước và sau")
    (sentence, *_) = bold(passage, "Lao động nữ được nghỉ thai sản bao lâu?")
    assert "06 tháng" in sentence


def test_for_bao_nhieu_the_sentence_with_the_percentage_is_bold(lexical_searcher):
    passage = passage_with(lexical_searcher, "tp-hcm", "có lãnh đạo chủ chốt là nữ")
    (sentence, *_) = bold(passage, "Năm 2025 tỷ lệ cơ quan có lãnh đạo chủ chốt là nữ đạt bao nhiêu?")
    assert "60%" in sentence


def test_for_co_quan_nao_the_agency_charged_is_bold(lexical_searcher):
    passage = passage_with(lexical_searcher, "nd-70", "2. Bộ Lao động - Thương binh và Xã hội chịu trách nhiệm")
    sentences = bold(passage, "Cơ quan nào chịu trách nhiệm thực hiện quản lý nhà nước về bình đẳng giới trong cả nước?")
    assert sentences[0].startswith("2. Bộ Lao động - Thương binh và Xã hội chịu trách nhiệm")


def test_a_long_passage_is_a_window_around_its_answer_with_marks_and_its_heading(lexical_searcher):
    passage = passage_with(lexical_searcher, "luat-binh-dang-gioi", "9. Chỉ số phát triển giới")
    assert len(passage.text) > 1000
    spans = answering_spans(passage.text, "Chỉ số phát triển giới (GDI) là gì?")
    shown, moved = window(passage.text, spans, limit=600)
    answer = passage.text[spans[0][0]:spans[0][1]]
    assert answer.startswith("9. Chỉ số phát triển giới")
    assert [shown[s:e] for s, e in moved] == [answer], "the answer is shown whole and still bold"
    assert shown.startswith("Điều 5. Giải thích từ ngữ\n" + ELLIPSIS)
    assert len(shown) <= 600 + len("Điều 5. Giải thích từ ngữ\n… ")
    # The window runs in whole sentences: whatever is shown of the passage is verbatim.
    body = shown.split("\n", 1)[1].removeprefix(ELLIPSIS + " ").removesuffix(" " + ELLIPSIS)
    assert body in passage.text


def test_an_answer_late_in_a_long_passage_is_never_cut_off(lexical_searcher):
    passage = passage_with(lexical_searcher, "bo-luat-lao-dong", "6. Chính phủ quy định chi tiết Điều này.")
    spans = answering_spans(passage.text, "Nhà nước có kế hoạch tổ chức nhà trẻ, lớp mẫu giáo ở đâu?")
    shown, moved = window(passage.text, spans, limit=400)
    assert "nhà trẻ, lớp mẫu giáo ở nơi có nhiều lao động" in shown and moved
    assert ELLIPSIS in shown


def test_a_short_passage_is_shown_whole():
    text = "Điều 1. Phạm vi\nLuật này quy định về bình đẳng giới."
    assert window(text, [(16, len(text))]) == (text, [(16, len(text))])


def test_full_text_is_exactly_the_numbered_part_cited_with_each_heading_once(lexical_searcher):
    anchor = passage_with(lexical_searcher, "tp-hcm", "b) Thời gian: Từ ngày 15/11/2025")
    assert anchor.location.startswith("mục II, điểm 2") and anchor.section == "mục II"
    section = cited_section(anchor)
    assert section == "mục II, điểm 2"
    members = [p for p in lexical_searcher.section_passages(anchor.id) if in_section(p, section)]
    assert all(p.location.startswith("mục II, điểm 2") for p in members) and len(members) >= 2
    whole = join_section(members)
    assert whole.count("II. MỤC TIÊU CỦA KẾ HOẠCH") == 1 and whole.count("d) Các hoạt động chính") == 1
    assert "Chỉ tiêu 1" not in whole, "điểm 1 (the targets) is not part of điểm 2"
    assert whole.startswith("II. MỤC TIÊU CỦA KẾ HOẠCH\n2. Tháng hành động")


def test_full_text_of_a_law_is_its_article(lexical_searcher):
    anchor = passage_with(lexical_searcher, "luat-binh-dang-gioi", "9. Chỉ số phát triển giới")
    assert cited_section(anchor) == "Điều 5"
    members = [p for p in lexical_searcher.section_passages(anchor.id) if in_section(p, "Điều 5")]
    whole = join_section(members)
    assert whole.count("Điều 5. Giải thích từ ngữ") == 1
    assert whole.count("Trong Luật này, các từ ngữ dưới đây được hiểu như sau:") == 1
    assert "1. Giới chỉ đặc điểm" in whole and "9. Chỉ số phát triển giới" in whole


def test_related_questions_come_from_the_neighbouring_articles_headings(lexical_searcher):
    from bot.answers import heading_question, related_questions

    anchor = passage_with(lexical_searcher, "luat-binh-dang-gioi", "3. Bình đẳng giới là việc")
    related = related_questions(anchor, lexical_searcher.passages)
    assert len(related) == 3 and all(question.endswith("?") for question in related)
    assert "Các nguyên tắc cơ bản về bình đẳng giới?" in related  # Điều 6, next to Điều 5
    assert heading_question(anchor) not in related
    plan = passage_with(lexical_searcher, "tp-hcm", "b) Thời gian: Từ ngày 15/11/2025")
    assert heading_question(plan) == "Tháng hành động?"
