"""`binhdang brief`: handouts quote only real passages, and their review answers are quotations."""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from index.build import build_index
from index.searcher import open_index
from scripts import brief as brief_command
from brief.compose import NothingFound, compose_brief
from brief.document import render_markdown, write_brief
from brief.extract import figures_in, same_text, sentences

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
TOPICS = ("bạo lực trên cơ sở giới", "lao động nữ", "Tháng hành động")

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


@pytest.mark.parametrize("topic", TOPICS)
def test_every_quoted_passage_is_verbatim_in_a_passage_of_its_source(searcher, briefs, topic):
    by_id = {passage.id: passage for passage in searcher.passages}
    brief = briefs[topic]
    assert brief.sections
    for section in brief.sections:
        for quote in section.quotes:
            for passage_id in quote.passage_ids:
                passage = by_id[passage_id]
                # A merged quote is verbatim in its first passage and near-identical in the others.
                assert quote.text in passage.text or same_text(quote.text, passage.text) or quote.label


@pytest.mark.parametrize("topic", TOPICS)
def test_quoted_passages_appear_in_the_source_files(searcher, briefs, topic):
    for section in briefs[topic].sections:
        for quote in section.quotes:
            source = searcher.sources[quote.source_ids[0]]
            file_text = _squash((CORPUS / source.file).read_text(encoding="utf-8"))
            for line in quote.text.split("\n"):
                # Cleaning removes markdown residue (** and |) from web copies; compare what is left.
                words = _squash(line.replace("*", ""))
                assert words in file_text.replace("*", "") or words in _squash(re.sub(r"[|*]", " ", file_text)), line


@pytest.mark.parametrize("topic", TOPICS)
def test_figures_and_answers_are_sentences_quoted_from_passages(searcher, briefs, topic):
    texts = [passage.text for passage in searcher.passages]
    brief = briefs[topic]
    for item in brief.figures:
        assert item.value in item.sentence
        assert any(item.sentence in text for text in texts)
    assert 5 <= len(brief.questions) <= 10
    for item in brief.questions:
        assert item.question.endswith("?")
        assert item.citations
        assert any(item.answer in text for text in texts), item.answer


def test_laws_come_before_national_programmes_and_local_plans(briefs):
    order = [section.key for section in briefs["bạo lực trên cơ sở giới"].sections]
    assert order == sorted(order, key=["legal", "national", "local"].index)
    assert "local" in order


def test_a_national_programme_cited_by_several_plans_is_merged_with_all_citations(briefs):
    national = [s for s in briefs["Tháng hành động"].sections if s.key == "national"]
    assert national
    assert any(len(quote.citations) > 1 for quote in national[0].quotes)


def test_the_action_month_period_lists_every_plan_that_sets_it(briefs):
    periods = [item for item in briefs["Tháng hành động"].figures if item.kind == "period"]
    assert any("15/11" in item.value and len(item.citations) >= 3 for item in periods)


def test_sources_list_carries_currency_notes_and_excerpt_marks(briefs):
    rows = {row.id: row for row in briefs["lao động nữ"].sources}
    assert rows["bo-luat-lao-dong-2019-chuong-x"].excerpt
    assert all(row.title and row.issued for row in rows.values())


@pytest.mark.parametrize("topic", TOPICS)
def test_docx_reopens_with_headings_numbered_questions_and_a_sources_table(tmp_path, briefs, topic):
    from docx import Document

    path = write_brief(briefs[topic], tmp_path / "brief.docx")
    document = Document(str(path))
    styles = [paragraph.style.name for paragraph in document.paragraphs]
    assert "Title" in styles and "Heading 1" in styles and "Heading 2" in styles
    assert styles.count("List Number") == len(briefs[topic].questions)
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert "Số liệu và mốc thời gian" in headings and "Câu hỏi ôn tập" in headings
    table = document.tables[0]
    assert table.rows[0].cells[1].text == "Văn bản"
    assert len(table.rows) == len(briefs[topic].sources) + 1


def test_markdown_has_the_same_parts(briefs):
    text = render_markdown(briefs["lao động nữ"])
    assert text.startswith("# Tài liệu tập huấn: lao động nữ")
    for heading in ("## Số liệu và mốc thời gian", "## Câu hỏi ôn tập", "## Nguồn đã sử dụng"):
        assert heading in text


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


def _office() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(_office() is None, reason="LibreOffice is not installed (apt-get install -y libreoffice-writer-nogui)")
def test_libreoffice_renders_the_docx_to_a_pdf_with_pages(tmp_path, briefs):
    from pypdf import PdfReader

    path = write_brief(briefs["Tháng hành động"], tmp_path / "brief.docx")
    subprocess.run(
        [_office(), "--headless", f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
        check=True, capture_output=True, timeout=180,
    )
    assert len(PdfReader(str(tmp_path / "brief.pdf")).pages) > 0
