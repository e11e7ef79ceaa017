"""A Brief on paper: an A4 Word handout laid out as Vietnamese administrative documents are, or Markdown.

Page: A4, margins top/bottom 2 cm, left 3 cm, right 2 cm, Times New Roman 13 pt, page numbers
in the footer (a PAGE field, so Word and LibreOffice number the pages themselves).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from brief.compose import Brief, FigureItem, Quote, QuizItem, SourceRow
from brief.extract import FIGURE_KIND_NAMES

# What the handout says around the quotations (Vietnamese: the trainers read it).
HEADER_LINE = "TÀI LIỆU TẬP HUẤN"
INTRO = (
    "Tài liệu này chỉ gồm các đoạn trích nguyên văn từ văn bản trong cơ sở tri thức của binhdang, "
    "kèm trích dẫn. Hãy kiểm tra hiệu lực của văn bản trước khi sử dụng."
)
LABEL_TOPIC = "Chủ đề"
LABEL_DATE = "Ngày lập"
LABEL_DOCUMENTS = "Tài liệu tổng hợp từ các văn bản"
LABEL_ALSO_CITED = "Cùng nội dung tại"
LABEL_NOTE = "Lưu ý hiệu lực"
LABEL_PROGRAMME = "Dẫn chiếu"
LABEL_VARIANTS = "cũng được viết là"
HEADING_CONTENT = "Nội dung theo chủ đề"
HEADING_FIGURES = "Số liệu và mốc thời gian"
HEADING_QUIZ = "Câu hỏi trắc nghiệm"
HEADING_KEY = "Đáp án"
HEADING_SOURCES = "Nguồn đã sử dụng"
NO_FIGURES = "Các đoạn trích không nêu số liệu hay mốc thời gian nào."
NO_QUIZ = "Các đoạn trích không đủ để đặt câu hỏi trắc nghiệm."
SOURCE_COLUMNS = ("STT", "Văn bản", "Số hiệu", "Cơ quan ban hành", "Ngày ban hành", "Ghi chú")
EXCERPT_MARK = "trích"
LETTERS = "ABCD"

FONT = "Times New Roman"
BODY_PT = 13
HEADING_PT = 14
SMALL_PT = 11
PAGE_CM = (21.0, 29.7)
MARGINS_CM = {"top": 2.0, "bottom": 2.0, "left": 3.0, "right": 2.0}


def write_brief(brief: Brief, path: Path) -> Path:
    """Write the brief as .docx, .md, .pdf (through LibreOffice) or .pptx, chosen by the suffix."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".docx":
        write_docx(brief, path)
    elif suffix in (".md", ".markdown"):
        path.write_text(render_markdown(brief), encoding="utf-8")
    elif suffix == ".pdf":
        write_pdf(brief, path)
    elif suffix == ".pptx":
        from brief.slides import write_pptx

        write_pptx(brief, path)
    else:
        raise ValueError(f"Không hỗ trợ định dạng {suffix or '(không có đuôi)'}: hãy dùng .docx, .pdf, .pptx hoặc .md")
    return path


def source_note(row: SourceRow) -> str:
    """The table's note cell: the manifest's currency note, and 'trích' for an excerpt."""
    parts = ([EXCERPT_MARK] if row.excerpt else []) + ([row.status] if row.status else []) + ([row.note] if row.note else [])
    return "; ".join(parts)


def documents_line(brief: Brief) -> str:
    """'Tài liệu tổng hợp từ các văn bản: …' — every document quoted, by name and number."""
    return f"{LABEL_DOCUMENTS}: " + "; ".join(row.label or row.title for row in brief.sources) + "."


def citation_line(quote: Quote) -> str:
    """The citation under a quotation: where it stands, then every other document that says it."""
    line = f"({quote.citations[0]})"
    if len(quote.citations) > 1:
        line += f" {LABEL_ALSO_CITED}: " + "; ".join(quote.citations[1:]) + "."
    return line


def note_lines(quote: Quote) -> list[str]:
    """The currency notes of the quotation's documents."""
    return [f"{LABEL_NOTE}: {note}" for note in quote.notes]


def figure_line(item: FigureItem) -> tuple[str, str, str]:
    """(value, quoted clause, citations) of a figure: '06 tháng', '“… là 06 tháng”', '(Bộ luật …)'."""
    kind = FIGURE_KIND_NAMES.get(item.kind, item.kind)
    return f"{item.value} ({kind})", f"“{item.excerpt}”", "(" + "; ".join(item.citations) + ")"


def quiz_options(item: QuizItem) -> list[str]:
    """'A. …', 'B. …' lines."""
    return [f"{LETTERS[i]}. {option}" for i, option in enumerate(item.options)]


def answer_key_line(number: int, item: QuizItem) -> str:
    """'Câu 1: B — Bộ luật Lao động …, Điều 139 khoản 1–3'."""
    return f"Câu {number}: {LETTERS[item.answer]} — {item.citation}"


# ---------------------------------------------------------------- Markdown


def render_markdown(brief: Brief) -> str:
    """The brief as Markdown text."""
    out = [
        f"# {brief.title}", "",
        f"**{LABEL_TOPIC}:** {brief.topic}  ", f"**{LABEL_DATE}:** {brief.made_on}  ",
        f"**{documents_line(brief)}**", "", f"*{INTRO}*", "",
    ]
    out += [f"## I. {HEADING_CONTENT}", ""]
    for number, section in enumerate(brief.sections, start=1):
        out += [f"### {number}. {section.title}", ""]
        for quote in section.quotes:
            if quote.programme:
                out += [f"**{LABEL_PROGRAMME}: {quote.programme}**", ""]
            out += [f"> {line}" for line in quote.text.split("\n")]
            out += ["", f"*{citation_line(quote)}*"]
            out += [f"*{line}*" for line in note_lines(quote)]
            out += [""]
    out += [f"## II. {HEADING_FIGURES}", ""]
    if not brief.figures:
        out += [NO_FIGURES, ""]
    for item in brief.figures:
        value, excerpt, citations = figure_line(item)
        out.append(f"- **{value}**: {excerpt} {citations}")
    out += ["", f"## III. {HEADING_QUIZ}", ""]
    out += render_quiz_markdown(brief.quiz)
    out += [f"## IV. {HEADING_SOURCES}", "", "| " + " | ".join(SOURCE_COLUMNS) + " |", "|" + "---|" * len(SOURCE_COLUMNS)]
    for number, row in enumerate(brief.sources, start=1):
        cells = (str(number), row.title, row.number, row.issuer, row.issued, source_note(row))
        out.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    if brief.programmes:
        out += [""]
        for name, variants in brief.programmes:
            if variants:
                out.append(f"- *{name}* — {LABEL_VARIANTS}: " + "; ".join(f"“{v}”" for v in variants))
    return "\n".join(out) + "\n"


def render_quiz_markdown(quiz: tuple[QuizItem, ...]) -> list[str]:
    """The quiz and its answer key as Markdown lines (also what `--quiz-only` prints)."""
    if not quiz:
        return [NO_QUIZ, ""]
    out: list[str] = []
    for number, item in enumerate(quiz, start=1):
        out += [f"**Câu {number}.** {item.question}", ""]
        out += [f"{line}  " for line in quiz_options(item)]
        out += [""]
    out += [f"**{HEADING_KEY}**", ""]
    out += [f"- {answer_key_line(number, item)}" for number, item in enumerate(quiz, start=1)]
    return out + [""]


def render_quiz_only(brief: Brief) -> str:
    """The quiz alone, for `binhdang brief --quiz-only`: a title line, the questions, the answer key."""
    return "\n".join([f"# {HEADING_QUIZ}: {brief.topic}", ""] + render_quiz_markdown(brief.quiz))


# ---------------------------------------------------------------- Word


def _set_font(element, name: str = FONT) -> None:
    """Times New Roman for every script of a style or run (theme fonts would override it)."""
    from docx.oxml.ns import qn

    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)


def _page_number_field(paragraph) -> None:
    """A PAGE field: the page's own number, computed by the word processor."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text.strip() == "PAGE":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


def _setup_document(document) -> None:
    """A4, administrative margins, Times New Roman everywhere, black headings, page numbers below."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    for section in document.sections:
        section.page_width, section.page_height = Cm(PAGE_CM[0]), Cm(PAGE_CM[1])
        section.top_margin = Cm(MARGINS_CM["top"])
        section.bottom_margin = Cm(MARGINS_CM["bottom"])
        section.left_margin = Cm(MARGINS_CM["left"])
        section.right_margin = Cm(MARGINS_CM["right"])
        section.footer_distance = Cm(1.0)
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _page_number_field(footer)
    sizes = {
        "Normal": BODY_PT, "Title": HEADING_PT + 2, "Heading 1": HEADING_PT, "Heading 2": BODY_PT,
        "Heading 3": BODY_PT, "Quote": BODY_PT, "List Bullet": BODY_PT, "List Number": BODY_PT,
        "Footer": SMALL_PT, "Table Grid": SMALL_PT,
    }
    for name, size in sizes.items():
        style = document.styles[name]
        _set_font(style.element)
        style.font.size = Pt(size)
        if name.startswith(("Heading", "Title")):
            style.font.color.rgb = RGBColor(0, 0, 0)
            style.font.bold = True
            style.font.italic = False
        fmt = style.paragraph_format
        if name in ("Normal", "Quote", "List Bullet", "List Number"):
            fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(4), 1.1
        if name.startswith("Heading"):
            fmt.space_before, fmt.space_after = Pt(10), Pt(4)
            fmt.keep_with_next = True
    quote = document.styles["Quote"]
    quote.font.italic = False
    quote.paragraph_format.left_indent = Cm(0.75)
    quote.paragraph_format.right_indent = Cm(0)
    quote.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    document.styles["Normal"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    title = document.styles["Title"]
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(6)
    # The template draws a rule under the title; a handout's title block stands on its own.
    from docx.oxml.ns import qn

    ppr = title.element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)


def _small(paragraph, text: str, *, italic: bool = True, bold: bool = False):
    from docx.shared import Pt

    run = paragraph.add_run(text)
    run.italic, run.bold = italic, bold
    run.font.size = Pt(SMALL_PT + 1)
    return run


def write_docx(brief: Brief, path: Path) -> None:
    """The brief as an A4 Word handout: title block, sub-topics, figures, quiz, answer key, sources."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    document = Document()
    _setup_document(document)
    document.core_properties.title = brief.title
    document.core_properties.subject = brief.topic

    header = document.add_paragraph()
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    header.add_run(HEADER_LINE).bold = True
    document.add_heading(brief.topic.upper() if brief.topic.islower() else brief.topic, level=0)
    meta = document.add_paragraph()
    meta.alignment = WD_ALIGN_PARAGRAPH.CENTER
    meta.add_run(f"{LABEL_DATE}: ").bold = True
    meta.add_run(brief.made_on)
    documents = document.add_paragraph()
    documents.add_run(f"{LABEL_DOCUMENTS}: ").bold = True
    documents.add_run("; ".join(row.label or row.title for row in brief.sources) + ".")
    _small(document.add_paragraph(), INTRO)

    document.add_heading(f"I. {HEADING_CONTENT.upper()}", level=1)
    for number, section in enumerate(brief.sections, start=1):
        document.add_heading(f"{number}. {section.title}", level=2)
        for quote in section.quotes:
            if quote.programme:
                document.add_paragraph().add_run(f"{LABEL_PROGRAMME}: {quote.programme}").bold = True
            lines = quote.text.split("\n")
            for index, line in enumerate(lines):
                paragraph = document.add_paragraph(style="Quote")
                paragraph.add_run(("“" if index == 0 else "") + line + ("”" if index == len(lines) - 1 else ""))
                if index < len(lines) - 1:
                    paragraph.paragraph_format.space_after = Pt(0)
            cited = document.add_paragraph()
            cited.paragraph_format.left_indent = Cm(0.75)
            cited.alignment = WD_ALIGN_PARAGRAPH.LEFT
            _small(cited, citation_line(quote))
            for line in note_lines(quote):
                cited.add_run("\n")
                _small(cited, line, italic=True)

    document.add_heading(f"II. {HEADING_FIGURES.upper()}", level=1)
    if not brief.figures:
        document.add_paragraph(NO_FIGURES)
    for item in brief.figures:
        value, excerpt, citations = figure_line(item)
        paragraph = document.add_paragraph(style="List Bullet")
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
        paragraph.add_run(value + ": ").bold = True
        paragraph.add_run(excerpt + " ")
        _small(paragraph, citations)

    document.add_heading(f"III. {HEADING_QUIZ.upper()}", level=1)
    write_quiz(document, brief.quiz)

    document.add_heading(f"IV. {HEADING_SOURCES.upper()}", level=1)
    table = document.add_table(rows=1, cols=len(SOURCE_COLUMNS))
    table.style = "Table Grid"
    table.autofit = False
    # 16 cm of text width; LibreOffice reads the grid's column widths, Word the cells'.
    widths = (Cm(1.3), Cm(4.3), Cm(2.5), Cm(2.7), Cm(2.3), Cm(2.9))
    for column, width in zip(table.columns, widths):
        column.width = width
    for cell, name, width in zip(table.rows[0].cells, SOURCE_COLUMNS, widths):
        cell.text = ""
        cell.width = width
        cell.paragraphs[0].add_run(name).bold = True
    for number, row in enumerate(brief.sources, start=1):
        cells = table.add_row().cells
        values = (str(number), row.title, row.number, row.issuer, row.issued, source_note(row))
        for cell, value, width in zip(cells, values, widths):
            cell.text = value
            cell.width = width
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
                paragraph.paragraph_format.space_after = Pt(0)
                for run in paragraph.runs:
                    run.font.size = Pt(SMALL_PT)
    variants = [(name, merged) for name, merged in brief.programmes if merged]
    if variants:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_before = Pt(6)
        for index, (name, merged) in enumerate(variants):
            if index:
                paragraph.add_run("\n")
            _small(paragraph, name, italic=False, bold=True)
            _small(paragraph, f" — {LABEL_VARIANTS}: " + "; ".join(f"“{v}”" for v in merged))
    document.save(str(path))


def write_quiz(document, quiz: tuple[QuizItem, ...]) -> None:
    """The questions with their options A–D, then the answer key with citations."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    if not quiz:
        document.add_paragraph(NO_QUIZ)
        return
    for number, item in enumerate(quiz, start=1):
        question = document.add_paragraph()
        question.paragraph_format.keep_with_next = True
        question.paragraph_format.space_before = Pt(4)
        question.add_run(f"Câu {number}. ").bold = True
        question.add_run(item.question).bold = True
        for index, line in enumerate(quiz_options(item)):
            option = document.add_paragraph(line)
            option.alignment = WD_ALIGN_PARAGRAPH.LEFT
            option.paragraph_format.left_indent = Cm(0.75)
            option.paragraph_format.space_after = Pt(0)
            option.paragraph_format.keep_with_next = index < 3
    document.add_heading(HEADING_KEY, level=2)
    for number, item in enumerate(quiz, start=1):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
        paragraph.paragraph_format.space_after = Pt(2)
        paragraph.add_run(f"Câu {number}: {LETTERS[item.answer]}").bold = True
        _small(paragraph, f" — {item.citation}", italic=True)


# ---------------------------------------------------------------- PDF


class OfficeMissing(RuntimeError):
    """LibreOffice (soffice) is not installed: no PDF can be made."""


def office_binary() -> str | None:
    """The LibreOffice command, or None where it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_with_office(source: Path, out_dir: Path, *, timeout: int = 180) -> Path:
    """Convert a .docx or .pptx to PDF with LibreOffice in a private profile; the PDF's path."""
    binary = office_binary()
    if binary is None:
        raise OfficeMissing("Chưa cài LibreOffice (soffice): không tạo được PDF.")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [binary, "--headless", f"-env:UserInstallation=file://{profile}", "--convert-to", "pdf",
             "--outdir", str(out_dir), str(source)],
            check=True, capture_output=True, timeout=timeout,
        )
    return out_dir / (source.stem + ".pdf")


def write_pdf(brief: Brief, path: Path) -> None:
    """The Word handout rendered to PDF by LibreOffice."""
    with tempfile.TemporaryDirectory() as folder:
        docx = Path(folder) / (path.stem + ".docx")
        write_docx(brief, docx)
        pdf = convert_with_office(docx, Path(folder))
        shutil.move(str(pdf), str(path))
