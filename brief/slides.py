"""A Brief as slides to speak from (python-pptx, 16:9): title, one slide per sub-topic with short
quoted bullets (their citations in the speaker's notes), figures, the quiz, the answer key, sources.

The same model as the handout (brief/compose.py); only how it looks differs. Bullets are whole
sentences quoted verbatim; a slide's text is sized so that it fits its box.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from brief.compose import Brief, Quote
from brief.extract import sentences

LETTERS = "ABCD"
_MARK = re.compile(r"^(?:[-–+•]\s*|\d+(?:\.\d+)*\.\s+|[a-zđ]\)\s+)")
MAX_SLIDES = 20
MAX_BULLETS = 4
MAX_BULLET_WORDS = 38
MIN_BULLET_WORDS = 6
SLIDE_INCHES = (13.333, 7.5)  # 16:9
BODY_BOX_INCHES = (12.1, 5.4)  # where the text goes, below the title
FONT = "Times New Roman"
SIZES_PT = (24, 20, 18, 16, 14)  # the largest that fits is used
# Average width of a character and line height, as shares of the font size (Times New Roman).
CHAR_WIDTH = 0.5
LINE_HEIGHT = 1.25

SUBTITLE = "Tài liệu tập huấn — lập ngày {date} — trích từ {count} văn bản"
FIGURES_TITLE = "Số liệu và mốc thời gian"
QUIZ_TITLE = "Câu hỏi {number}"
KEY_TITLE = "Đáp án"
SOURCES_TITLE = "Nguồn đã sử dụng"
NOTES_LABEL = "Trích dẫn"


@dataclass(frozen=True)
class SlideText:
    """What one slide says: its title, its lines (bullets), and the speaker's notes."""

    title: str
    lines: tuple[str, ...]
    notes: str = ""


def short_sentences(quote: Quote) -> list[str]:
    """The quotation's sentences short enough for a slide, each verbatim."""
    found = []
    for sentence in sentences(quote.text):
        sentence = _MARK.sub("", sentence)  # "a) …", "1. …", "- …": the bullet is the mark
        words = len(sentence.split())
        if MIN_BULLET_WORDS <= words <= MAX_BULLET_WORDS and not sentence.endswith(":"):
            found.append(sentence)
    return found


def plan_slides(brief: Brief) -> list[SlideText]:
    """The deck as text: 8–20 slides for a broad topic."""
    slides = [SlideText(brief.topic, (SUBTITLE.format(date=brief.made_on, count=len(brief.sources)),))]
    for section in brief.sections:
        bullets, notes = [], []
        for quote in section.quotes:
            short = short_sentences(quote)
            if not short:
                continue
            bullets.append(f"“{short[0]}”")
            notes.append(f"{short[0][:60]}… — {quote.citations[0]}")
            if len(bullets) >= MAX_BULLETS:
                break
        if bullets:
            slides.append(SlideText(section.title, tuple(bullets), f"{NOTES_LABEL}:\n" + "\n".join(notes)))
    if brief.figures:
        figures = brief.figures[:5]
        slides.append(
            SlideText(
                FIGURES_TITLE,
                tuple(f"{item.value}: “{item.excerpt}”" for item in figures),
                f"{NOTES_LABEL}:\n" + "\n".join(f"{item.value} — {item.citations[0]}" for item in figures),
            )
        )
    room = MAX_SLIDES - len(slides) - 2  # the answer key and the sources follow
    for number, item in enumerate(brief.quiz[: max(room, 0)], start=1):
        lines = (item.question,) + tuple(f"{LETTERS[i]}. {option}" for i, option in enumerate(item.options))
        notes = f"{KEY_TITLE}: {LETTERS[item.answer]} — {item.citation}"
        slides.append(SlideText(QUIZ_TITLE.format(number=number), lines, notes))
    asked = brief.quiz[: max(room, 0)]
    if asked:
        key = tuple(f"Câu {n}: {LETTERS[item.answer]}" for n, item in enumerate(asked, start=1))
        notes = "\n".join(f"Câu {n}: {item.citation}" for n, item in enumerate(asked, start=1))
        slides.append(SlideText(KEY_TITLE, (", ".join(key),), notes))
    slides.append(SlideText(SOURCES_TITLE, tuple(row.label or row.title for row in brief.sources)))
    return slides


def fitting_size(lines: tuple[str, ...], box: tuple[float, float] = BODY_BOX_INCHES) -> int | None:
    """The largest font size (pt) at which the lines fit the box, by an estimate of wrapped lines; None if none."""
    width, height = box
    for size in SIZES_PT:
        per_line = max(1, int(width * 72 / (size * CHAR_WIDTH)))
        wrapped = sum(max(1, -(-len(line) // per_line)) for line in lines)
        if wrapped * size * LINE_HEIGHT <= height * 72:
            return size
    return None


def write_pptx(brief: Brief, path: Path) -> None:
    """Write the deck: 16:9, Times New Roman, text sized to fit, citations in the notes."""
    from pptx import Presentation
    from pptx.enum.text import MSO_AUTO_SIZE, PP_ALIGN
    from pptx.util import Inches, Pt

    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(SLIDE_INCHES[0]), Inches(SLIDE_INCHES[1])
    deck.core_properties.title = brief.title
    for number, plan in enumerate(plan_slides(brief)):
        if number == 0:
            slide = deck.slides.add_slide(deck.slide_layouts[0])
            title, subtitle = slide.shapes.title, slide.placeholders[1]
            title.text = plan.title.upper() if plan.title.islower() else plan.title
            subtitle.text = plan.lines[0]
            for shape, top, height in ((title, 2.0, 2.0), (subtitle, 4.3, 1.0)):
                shape.left, shape.width = Inches(0.8), Inches(SLIDE_INCHES[0] - 1.6)
                shape.top, shape.height = Inches(top), Inches(height)
                shape.text_frame.word_wrap = True
                for paragraph in shape.text_frame.paragraphs:
                    paragraph.alignment = PP_ALIGN.CENTER
            _style(title.text_frame, 40 if len(plan.title) <= 40 else 32, bold=True)
            _style(subtitle.text_frame, 22)
            continue
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        title = slide.shapes.title
        title.text = plan.title
        title.left, title.top = Inches(0.6), Inches(0.3)
        title.width, title.height = Inches(SLIDE_INCHES[0] - 1.2), Inches(1.1)
        _style(title.text_frame, 28 if len(plan.title) <= 60 else 22, bold=True)
        body = slide.placeholders[1]
        body.left, body.top = Inches(0.6), Inches(1.6)
        body.width, body.height = Inches(BODY_BOX_INCHES[0]), Inches(BODY_BOX_INCHES[1])
        frame = body.text_frame
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE  # PowerPoint shrinks further if our estimate is off
        for index, line in enumerate(plan.lines):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            paragraph.text = line
        _style(frame, fitting_size(plan.lines) or SIZES_PT[-1])
        if plan.notes:
            slide.notes_slide.notes_text_frame.text = plan.notes
    deck.save(str(path))


def _style(frame, size: int, *, bold: bool = False) -> None:
    from pptx.util import Pt

    for paragraph in frame.paragraphs:
        for run in paragraph.runs:
            run.font.name = FONT
            run.font.size = Pt(size)
            run.font.bold = bold
