"""A Brief on paper: Word (real headings, a numbered list, a table of sources) or Markdown."""

from __future__ import annotations

from pathlib import Path

from brief.compose import Brief, FigureItem, Quote, SourceRow
from brief.extract import FIGURE_KIND_NAMES

# What the handout says around the quotations (Vietnamese: the trainers read it).
INTRO = (
    "Tài liệu này chỉ gồm các đoạn trích nguyên văn từ văn bản trong cơ sở tri thức của binhdang, "
    "kèm trích dẫn. Hãy kiểm tra hiệu lực của văn bản trước khi sử dụng."
)
LABEL_TOPIC = "Chủ đề"
LABEL_DATE = "Ngày lập"
LABEL_ALSO_CITED = "Cùng nội dung được nêu tại"
LABEL_CITED_BY = "Được dẫn tại"
HEADING_FIGURES = "Số liệu và mốc thời gian"
HEADING_QUESTIONS = "Câu hỏi ôn tập"
HEADING_SOURCES = "Nguồn đã sử dụng"
LABEL_ANSWER = "Trả lời"
NO_FIGURES = "Các đoạn trích không nêu số liệu hay mốc thời gian nào."
NO_QUESTIONS = "Các đoạn trích không đủ để đặt câu hỏi ôn tập."
SOURCE_COLUMNS = ("STT", "Văn bản", "Số hiệu", "Cơ quan ban hành", "Ngày ban hành", "Ghi chú")
EXCERPT_MARK = "trích"


def write_brief(brief: Brief, path: Path) -> Path:
    """Write the brief as .docx or .md, chosen by the file's suffix; returns the path."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".docx":
        write_docx(brief, path)
    elif suffix in (".md", ".markdown"):
        path.write_text(render_markdown(brief), encoding="utf-8")
    else:
        raise ValueError(f"Không hỗ trợ định dạng {suffix or '(không có đuôi)'}: hãy dùng .docx hoặc .md")
    return path


def source_note(row: SourceRow) -> str:
    """The table's note cell: the manifest's currency note, and 'trích' for an excerpt."""
    parts = ([EXCERPT_MARK] if row.excerpt else []) + ([row.note] if row.note else [])
    return "; ".join(parts)


def quote_heading(quote: Quote) -> str:
    """The line above a quotation: the programme's name, or where the passage stands."""
    return quote.label or quote.citations[0]


def quote_footer(quote: Quote) -> str:
    """Where else the same words are found (merged duplicates), or '' when only once."""
    if quote.label:
        return f"{LABEL_CITED_BY}: " + "; ".join(quote.citations)
    if len(quote.citations) > 1:
        return f"{LABEL_ALSO_CITED}: " + "; ".join(quote.citations[1:])
    return ""


def figure_line(item: FigureItem) -> str:
    """'15/11–15/12 (khoảng thời gian)' — the value and what kind of figure it is."""
    return f"{item.value} ({FIGURE_KIND_NAMES.get(item.kind, item.kind)})"


# ---------------------------------------------------------------- Markdown


def render_markdown(brief: Brief) -> str:
    """The brief as Markdown text."""
    out = [f"# {brief.title}", "", f"**{LABEL_TOPIC}:** {brief.topic}  ", f"**{LABEL_DATE}:** {brief.made_on}", "", INTRO, ""]
    for number, section in enumerate(brief.sections, start=1):
        out += [f"## {number}. {section.title}", ""]
        for quote in section.quotes:
            out += [f"### {quote_heading(quote)}", ""]
            out += [f"> {line}" if line.strip() else ">" for line in quote.text.split("\n")]
            footer = quote_footer(quote)
            out += ["", f"*{footer}*", ""] if footer else [""]
    out += [f"## {HEADING_FIGURES}", ""]
    if not brief.figures:
        out += [NO_FIGURES, ""]
    for item in brief.figures:
        out += [f"- **{figure_line(item)}**: “{item.sentence}” — {'; '.join(item.citations)}"]
    out += ["", f"## {HEADING_QUESTIONS}", ""]
    if not brief.questions:
        out += [NO_QUESTIONS, ""]
    for number, item in enumerate(brief.questions, start=1):
        out += [f"{number}. **{item.question}**  ", f"   {LABEL_ANSWER}: “{item.answer}” — {'; '.join(item.citations)}"]
    out += ["", f"## {HEADING_SOURCES}", "", "| " + " | ".join(SOURCE_COLUMNS) + " |", "|" + "---|" * len(SOURCE_COLUMNS)]
    for number, row in enumerate(brief.sources, start=1):
        cells = (str(number), row.title, row.number, row.issuer, row.issued, source_note(row))
        out.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- Word


def write_docx(brief: Brief, path: Path) -> None:
    """The brief as a Word document with Heading styles, a List Number list and a sources table."""
    from docx import Document
    from docx.shared import Pt

    document = Document()
    document.core_properties.title = brief.title
    document.add_heading(brief.title, level=0)
    meta = document.add_paragraph()
    meta.add_run(f"{LABEL_TOPIC}: ").bold = True
    meta.add_run(brief.topic)
    meta.add_run(f"\n{LABEL_DATE}: ").bold = True
    meta.add_run(brief.made_on)
    document.add_paragraph(INTRO).runs[0].italic = True

    for number, section in enumerate(brief.sections, start=1):
        document.add_heading(f"{number}. {section.title}", level=1)
        for quote in section.quotes:
            document.add_heading(quote_heading(quote), level=2)
            for line in quote.text.split("\n"):
                document.add_paragraph(line, style="Quote")
            footer = quote_footer(quote)
            if footer:
                document.add_paragraph().add_run(footer).italic = True

    document.add_heading(HEADING_FIGURES, level=1)
    if not brief.figures:
        document.add_paragraph(NO_FIGURES)
    for item in brief.figures:
        # Bullets here, so the one numbered list (the questions) starts at 1.
        paragraph = document.add_paragraph(style="List Bullet")
        paragraph.add_run(figure_line(item) + ": ").bold = True
        paragraph.add_run(f"“{item.sentence}”")
        paragraph.add_run(f" — {'; '.join(item.citations)}").italic = True

    document.add_heading(HEADING_QUESTIONS, level=1)
    if not brief.questions:
        document.add_paragraph(NO_QUESTIONS)
    for item in brief.questions:
        document.add_paragraph(style="List Number").add_run(item.question).bold = True
        answer = document.add_paragraph()
        answer.paragraph_format.left_indent = Pt(18)
        answer.add_run(f"{LABEL_ANSWER}: “{item.answer}”")
        answer.add_run(f" — {'; '.join(item.citations)}").italic = True

    document.add_heading(HEADING_SOURCES, level=1)
    table = document.add_table(rows=1, cols=len(SOURCE_COLUMNS))
    table.style = "Table Grid"
    for cell, name in zip(table.rows[0].cells, SOURCE_COLUMNS):
        cell.text = ""
        cell.paragraphs[0].add_run(name).bold = True
    for number, row in enumerate(brief.sources, start=1):
        cells = table.add_row().cells
        values = (str(number), row.title, row.number, row.issuer, row.issued, source_note(row))
        for cell, value in zip(cells, values):
            cell.text = value
    document.save(str(path))
