"""`binhdang brief`: handouts quote only real passages, and their review answers are quotations."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from index.build import build_index
from index.searcher import open_index
from scripts import brief as brief_command
from dataclasses import replace

from brief.compose import NothingFound, compose_brief, gather_by_meaning, sentence_keys, shared_phrase
from index.normalise import syllables_of
from brief.programmes import ProgrammeNames
from brief.quiz import figure_value_key, short_label
from brief.slides import fitting_size, plan_slides
from brief.document import office_binary, render_markdown, write_brief
from brief.extract import figures_in, same_text, sentences

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
TOPICS = ("bạo lực trên cơ sở giới", "quyền của lao động nữ", "Tháng hành động vì bình đẳng giới")

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus not found at {CORPUS}")


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("brief-index")
    build_index(CORPUS, directory)  # no encoder: lexical only, a few seconds
    return directory


@pytest.fixture(scope="session")
def searcher(index_dir: Path):
    return open_index(index_dir)


@pytest.fixture(scope="session")
def briefs(searcher):
    return {topic: compose_brief(searcher, topic) for topic in TOPICS}


def _passage_texts(searcher) -> dict[str, str]:
    return {passage.citation: passage.text for passage in searcher.passages}


def quotation_problems(brief, by_id) -> list[str]:
    """Quotations that are not verbatim in the first passage they cite, or not near-identical in the others."""
    problems = []
    for section in brief.sections:
        for quote in section.quotes:
            if quote.text not in by_id[quote.passage_ids[0]].text:
                problems.append(f"not in {quote.citations[0]}: {quote.text[:60]}")
            for passage_id in quote.passage_ids[1:]:
                other = by_id[passage_id].text
                if quote.text not in other and not any(same_text(quote.text, part) for part in sentences(other)):
                    if not same_text(quote.text, other):
                        problems.append(f"not said at {passage_id}: {quote.text[:60]}")
    return problems


@pytest.mark.parametrize("topic", TOPICS)
def test_every_quotation_is_verbatim_in_the_passage_it_cites(searcher, briefs, topic):
    by_id = {passage.id: passage for passage in searcher.passages}
    brief = briefs[topic]
    assert brief.sections
    assert quotation_problems(brief, by_id) == []


def test_the_quotation_check_catches_a_quote_its_passage_does_not_hold(searcher, briefs):
    by_id = {passage.id: passage for passage in searcher.passages}
    brief = briefs["quyền của lao động nữ"]
    first = brief.sections[0].quotes[0]
    forged = replace(first, text=first.text.replace("lao động", "người lao động", 1) + " (thêm)")
    tampered = replace(brief, sections=(replace(brief.sections[0], quotes=(forged,)),))
    assert quotation_problems(tampered, by_id)


@pytest.mark.parametrize("topic", TOPICS)
def test_no_sentence_is_printed_twice(briefs, topic):
    seen: dict[str, str] = {}
    for section in briefs[topic].sections:
        for quote in section.quotes:
            for key in sentence_keys(quote.text):
                assert key not in seen, f"printed twice: {key[:80]}"
                seen[key] = quote.citations[0]


@pytest.mark.parametrize("topic", TOPICS)
def test_quotations_are_whole_sentences_or_whole_khoan(searcher, briefs, topic):
    by_id = {passage.id: passage for passage in searcher.passages}
    for section in briefs[topic].sections:
        for quote in section.quotes:
            text = by_id[quote.passage_ids[0]].text
            at = text.index(quote.text)
            # A quotation starts at a line's start and ends at a sentence's or line's end.
            line_start = text.rfind("\n", 0, at) + 1
            before = text[line_start:at]
            assert re.fullmatch(r"\s*(?:[-–+•]\s*)?", before) or before.rstrip()[-1:] in ".;!?:", before[-40:]
            end = at + len(quote.text)
            assert end == len(text) or text[end] == "\n" or quote.text[-1] in ".;!?:”\"", quote.text[-40:]


@pytest.mark.parametrize("topic", TOPICS)
def test_quotations_stand_under_subtopics_laws_before_programmes_before_plans(briefs, topic):
    sections = briefs[topic].sections
    assert 1 <= len(sections) <= 8
    assert len({section.title for section in sections}) == len(sections)
    rank = {"legal": 0, "national": 1, "local": 2}
    for section in sections:
        tiers = [rank[quote.tier] for quote in section.quotes]
        assert tiers == sorted(tiers), section.title


@pytest.mark.parametrize("topic", TOPICS)
def test_every_figure_line_is_a_clause_of_its_cited_passage(searcher, briefs, topic):
    by_id = {passage.id: passage for passage in searcher.passages}
    brief = briefs[topic]
    assert brief.figures
    for item in brief.figures:
        assert item.value in item.excerpt
        assert item.excerpt in by_id[item.passage_ids[0]].text, item.excerpt


def test_dates_are_never_read_as_durations_nor_document_numbers_as_quantities():
    sentence = "Bắc Giang, ngày tháng 4 năm 2024; thực hiện Quyết định số 2282/QĐ-TTg năm 2020, nghỉ 06 tháng."
    found = {(figure.kind, figure.value) for figure in figures_in(sentence)}
    assert ("quantity", "4 năm") not in found
    assert ("date", "tháng 4 năm 2024") in found
    assert ("quantity", "06 tháng") in found
    assert not any(kind == "quantity" and "2282" in value for kind, value in found)


def test_the_action_month_period_lists_every_plan_that_sets_it(briefs):
    periods = [item for item in briefs["Tháng hành động vì bình đẳng giới"].figures if item.kind == "period"]
    assert any("15/11" in item.value and len(item.citations) >= 2 for item in periods)


def test_a_mistyped_programme_name_is_merged_under_the_name_most_documents_write(searcher):
    names = ProgrammeNames.from_texts((p.source_id, p.text) for p in searcher.passages)
    typo = names.canonical("Chương trình truyền thống về bình đẳng giới đến năm 2030")
    assert typo == names.canonical("Chương trình truyền thông về bình đẳng giới đến năm 2030")
    assert "truyền thông" in typo.lower()
    strategy = names.canonical("Chiến lược quốc gia về bình đẳng giới giai đoạn 2021-2025")
    assert "2030" in strategy


def test_programme_names_are_agreed_by_counting_documents_not_known_in_advance():
    texts = [
        ("a", "Thực hiện Chương trình hành động quốc gia về việc làm giai đoạn 2021-2030."),
        ("b", "Triển khai Chương trình hành động quốc gia về việc làm giai đoạn 2021-2030 tại tỉnh."),
        ("c", "Theo Chương trình hành động quốc gia về viêc làm giai đoạn 2021-2025, các sở…"),
    ]
    names = ProgrammeNames.from_texts(texts)
    assert len(names.programmes) == 1
    assert names.programmes[0].name == "Chương trình hành động quốc gia về việc làm giai đoạn 2021-2030"
    assert names.programmes[0].source_ids == ("a", "b", "c")


def quiz_problems(brief, searcher) -> list[str]:
    """Questions whose right option is not quoted from the cited passage, or whose options repeat."""
    by_id = {passage.id: passage for passage in searcher.passages}
    problems = []
    for item in brief.quiz:
        passage = by_id[item.passage_id]
        right = item.options[item.answer]
        if item.kind == "document":
            if right != short_label(searcher.sources[passage.source_id]):
                problems.append(f"not the cited document: {right}")
        elif right not in item.evidence or item.evidence not in passage.text:
            problems.append(f"not quoted from {item.citation}: {right}")
        keys = [figure_value_key(option) for option in item.options]
        if len(set(keys)) != 4:
            problems.append(f"an option repeats another: {item.options}")
    return problems


@pytest.mark.parametrize("topic", TOPICS)
def test_the_quiz_has_ten_multiple_choice_questions_whose_right_option_is_quoted(searcher, briefs, topic):
    quiz = briefs[topic].quiz
    assert len(quiz) >= 10
    for item in quiz:
        assert len(item.options) == 4 and 0 <= item.answer < 4
        assert item.question.endswith("?") and item.question[:1].isupper()
        assert item.question.startswith(("Theo ", "Văn bản nào")), item.question
        assert "Điều này" not in item.question.split("khoản 1 Điều này")[-1] or item.kind != "agency"
    assert quiz_problems(briefs[topic], searcher) == []
    assert len({item.kind for item in quiz}) >= 3  # what, who, when, how much, which document: a mix


def test_the_quiz_check_catches_a_right_answer_its_passage_does_not_say(searcher, briefs):
    item = next(item for item in briefs["quyền của lao động nữ"].quiz if item.kind != "document")
    options = list(item.options)
    options[item.answer] = "99 năm"
    forged = replace(briefs["quyền của lao động nữ"], quiz=(replace(item, options=tuple(options)),))
    assert quiz_problems(forged, searcher)
    twin = list(item.options)
    twin[(item.answer + 1) % 4] = item.options[item.answer]
    forged = replace(briefs["quyền của lao động nữ"], quiz=(replace(item, options=tuple(twin)),))
    assert quiz_problems(forged, searcher)


@pytest.mark.parametrize("topic", TOPICS)
def test_wrong_options_are_of_the_same_kind_as_the_right_one(searcher, briefs, topic):
    labels = {short_label(source) for source in searcher.sources.values()}
    for item in briefs[topic].quiz:
        right = item.options[item.answer]
        wrong = [option for i, option in enumerate(item.options) if i != item.answer]
        if item.kind == "percent":
            assert all(option.endswith("%") for option in item.options)
        elif item.kind == "quantity":
            unit = right.split(" ", 1)[1]
            assert all(option.split(" ", 1)[1] == unit for option in wrong), item.options
        elif item.kind == "time":
            assert all({f.kind for f in figures_in(option)} & {"period", "date", "deadline"} for option in item.options)
        elif item.kind == "document":
            assert set(item.options) <= labels
        elif item.kind == "agency":
            assert all(option.split()[0][:1].isupper() for option in item.options)
        for option in wrong:
            assert option not in item.question, (option, item.question)


def test_the_answer_key_cites_every_question(briefs):
    text = render_markdown(briefs["Tháng hành động vì bình đẳng giới"])
    key = text.split("**Đáp án**", 1)[1]
    for number, item in enumerate(briefs["Tháng hành động vì bình đẳng giới"].quiz, start=1):
        assert f"Câu {number}: {'ABCD'[item.answer]} — {item.citation}" in key


def test_sources_list_carries_currency_notes_and_excerpt_marks(briefs):
    rows = {row.id: row for row in briefs["quyền của lao động nữ"].sources}
    assert rows["bo-luat-lao-dong-2019-chuong-x"].excerpt
    assert all(row.title and row.issued for row in rows.values())


@pytest.mark.parametrize("topic", TOPICS)
def test_docx_reopens_with_a_title_block_subtopics_and_a_sources_table(tmp_path, briefs, topic):
    from docx import Document

    brief = briefs[topic]
    document = Document(str(write_brief(brief, tmp_path / "brief.docx")))
    texts = [paragraph.text for paragraph in document.paragraphs]
    assert any(text.startswith("Tài liệu tổng hợp từ các văn bản: ") for text in texts)
    assert any(text.startswith("Ngày lập: ") for text in texts)
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["I. NỘI DUNG THEO CHỦ ĐỀ", "II. SỐ LIỆU VÀ MỐC THỜI GIAN", "III. CÂU HỎI TRẮC NGHIỆM", "IV. NGUỒN ĐÃ SỬ DỤNG"]
    subtopics = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert subtopics[: len(brief.sections)] == [f"{n}. {s.title}" for n, s in enumerate(brief.sections, 1)]
    table = document.tables[0]
    assert table.rows[0].cells[1].text == "Văn bản"
    assert len(table.rows) == len(brief.sources) + 1


def test_docx_page_is_a4_with_administrative_margins_times_new_roman_and_page_numbers(tmp_path, briefs):
    from docx import Document
    from docx.shared import Cm, Pt

    document = Document(str(write_brief(briefs["quyền của lao động nữ"], tmp_path / "brief.docx")))
    section = document.sections[0]
    assert abs(section.page_width - Cm(21)) < Cm(0.05) and abs(section.page_height - Cm(29.7)) < Cm(0.05)
    assert abs(section.top_margin - Cm(2)) < Cm(0.05) and abs(section.bottom_margin - Cm(2)) < Cm(0.05)
    assert abs(section.left_margin - Cm(3)) < Cm(0.05)
    assert Cm(1.5) - Cm(0.05) <= section.right_margin <= Cm(2) + Cm(0.05)
    for name in ("Normal", "Quote", "Heading 1", "Heading 2", "Title"):
        style = document.styles[name]
        assert style.font.name == "Times New Roman", name
        fonts = style.element.rPr.rFonts
        assert not any("Theme" in attribute for attribute in fonts.attrib), name
    assert Pt(13) <= document.styles["Normal"].font.size <= Pt(14)
    footer_xml = section.footer._element.xml
    assert "PAGE" in footer_xml and "fldChar" in footer_xml


def test_markdown_has_the_same_parts(briefs):
    text = render_markdown(briefs["quyền của lao động nữ"])
    assert text.startswith("# Tài liệu tập huấn: quyền của lao động nữ")
    for heading in ("## I. Nội dung theo chủ đề", "## II. Số liệu và mốc thời gian", "## III. Câu hỏi trắc nghiệm", "## IV. Nguồn đã sử dụng"):
        assert heading in text
    assert "**Tài liệu tổng hợp từ các văn bản: " in text


def test_a_topic_the_knowledge_base_does_not_cover_makes_no_brief(searcher):
    with pytest.raises(NothingFound):
        compose_brief(searcher, "công thức nấu phở bò")


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    brief_command.configure_parser(parser.add_subparsers())
    return parser.parse_args(argv)


def test_command_writes_the_file_and_exits_zero(tmp_path, index_dir, capsys):
    out = tmp_path / "brief.md"
    args = _parse(["brief", "lao", "động", "nữ", "--out", str(out), "--index", str(index_dir)])
    assert brief_command.run(args) == 0
    assert out.read_text(encoding="utf-8").startswith("# Tài liệu tập huấn: lao động nữ")


def test_command_refuses_an_uncovered_topic_with_a_vietnamese_message(tmp_path, index_dir, capsys):
    out = tmp_path / "brief.docx"
    args = _parse(["brief", "công thức nấu phở bò", "--out", str(out), "--index", str(index_dir)])
    assert brief_command.run(args) == 1
    assert "Không tìm thấy" in capsys.readouterr().err
    assert not out.exists()


def test_sentences_are_verbatim_slices_and_figures_are_found():
    text = "Điều 139. Nghỉ thai sản\n1. Lao động nữ được nghỉ thai sản là 06 tháng. Báo cáo trước ngày 10/6 hằng năm."
    parts = sentences(text)
    assert all(part in text for part in parts)
    assert "Điều 139. Nghỉ thai sản" in parts
    kinds = {figure.kind: figure.value for part in parts for figure in figures_in(part)}
    assert kinds["quantity"] == "06 tháng"
    assert kinds["deadline"] == "trước ngày 10/6"
    assert {f.kind for f in figures_in("Tháng hành động từ 15/11 – 15/12, đạt 80%.")} == {"period", "percent"}


@pytest.mark.skipif(office_binary() is None, reason="LibreOffice is not installed (apt-get install -y libreoffice-writer-nogui)")
def test_libreoffice_renders_each_handout_to_numbered_a4_pages(tmp_path, briefs):
    from pypdf import PdfReader

    for number, topic in enumerate(TOPICS):
        reader = PdfReader(str(write_brief(briefs[topic], tmp_path / f"brief-{number}.pdf")))
        assert 5 <= len(reader.pages) <= 11, (topic, len(reader.pages))
        width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
        assert abs(width - 595) < 3 and abs(height - 842) < 3  # A4 in points
        # The footer's PAGE field printed each page's own number.
        assert reader.pages[1].extract_text().strip().endswith("2")


@pytest.mark.parametrize("topic", TOPICS)
def test_the_slide_deck_opens_with_python_pptx_16_9_with_a_slide_per_subtopic(tmp_path, briefs, topic):
    from pptx import Presentation

    brief = briefs[topic]
    deck = Presentation(str(write_brief(brief, tmp_path / "slides.pptx")))
    assert 8 <= len(deck.slides) <= 20
    assert abs(deck.slide_width / deck.slide_height - 16 / 9) < 0.01
    titles = [slide.shapes.title.text for slide in deck.slides]
    assert titles[-1] == "Nguồn đã sử dụng" and "Số liệu và mốc thời gian" in titles and "Đáp án" in titles
    planned = plan_slides(brief)
    assert titles[1 : 1 + len([p for p in planned if p.title in {s.title for s in brief.sections}])] == [
        p.title for p in planned if p.title in {s.title for s in brief.sections}
    ]
    assert any(title.startswith("Câu hỏi") for title in titles)
    for slide, plan in zip(list(deck.slides)[1:], planned[1:]):
        if plan.title in {section.title for section in brief.sections}:
            assert "Trích dẫn" in slide.notes_slide.notes_text_frame.text  # citations go to the notes


@pytest.mark.parametrize("topic", TOPICS)
def test_slide_bullets_are_verbatim_sentences_and_every_slide_text_fits_its_box(searcher, briefs, topic):
    texts = [passage.text for passage in searcher.passages]
    sections = {section.title for section in briefs[topic].sections}
    for plan in plan_slides(briefs[topic]):
        assert fitting_size(plan.lines) is not None, plan.title
        if plan.title in sections:
            for bullet in plan.lines:
                quoted = bullet.strip("“”")
                assert any(quoted in text for text in texts), quoted


def test_an_overfull_slide_is_detected():
    assert fitting_size(("chữ " * 2000,)) is None
    assert fitting_size(("Một dòng ngắn.",)) == 24


def test_quiz_only_prints_the_quiz_and_its_key(index_dir, capsys):
    args = _parse(["brief", "quyền của lao động nữ", "--quiz-only", "--index", str(index_dir)])
    assert brief_command.run(args) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Câu hỏi trắc nghiệm: quyền của lao động nữ")
    assert out.count("**Câu ") >= 10 and "**Đáp án**" in out and "A. " in out
    assert "Nội dung theo chủ đề" not in out


def test_command_without_an_output_or_quiz_only_says_what_to_give(index_dir, capsys):
    args = _parse(["brief", "lao động nữ", "--index", str(index_dir)])
    assert brief_command.run(args) == 1
    assert "--out" in capsys.readouterr().err


def test_a_subtopic_without_a_heading_is_named_by_the_phrase_its_quotations_share():
    texts = [
        "Đẩy mạnh truyền thông trên phương tiện thông tin đại chúng về bình đẳng giới.",
        "Phát hành tờ rơi; đưa tin trên phương tiện thông tin đại chúng của tỉnh.",
        "Tổ chức hội nghị tập huấn cho cán bộ cơ sở.",
    ]
    weights = {term: 1.0 for text in texts for term in syllables_of(text, marked=True)}
    assert shared_phrase(texts, weights) in {"phương tiện thông tin đại chúng", "thông tin đại chúng", "phương tiện thông tin"}
    assert shared_phrase(texts[2:], weights) == ""


def test_a_brief_on_womens_labour_rights_quotes_maternity_protection(briefs):
    cited = " ".join(q.citations[0] for s in briefs["quyền của lao động nữ"].sections for q in s.quotes)
    assert "Điều 137" in cited  # bảo vệ thai sản (Điều 139 comes by meaning: the dense half, not in this index)


def test_a_law_article_found_brings_its_other_khoan_so_khoan_1_can_be_quoted(searcher):
    from index.types import Hit

    later = next(p for p in searcher.passages if p.citation.endswith("Điều 139 khoản 4–5"))
    gathered = gather_by_meaning(searcher, "nghỉ thai sản", [Hit(later, searcher.sources[later.source_id], 2.0)], k=10)
    first = next(hit for hit in gathered if hit.passage.citation.endswith("Điều 139 khoản 1–3"))
    assert 0 < first.score < gathered[0].score
