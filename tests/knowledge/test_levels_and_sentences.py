"""Administrative levels, currency, document types and the one sentence splitter."""

from __future__ import annotations

import pytest

from knowledge import doctypes
from knowledge.levels import asks_current, is_in_force, levels_mentioned
from knowledge.sentences import sentence_spans, split_sentences
from knowledge.types import Source


@pytest.mark.parametrize(
    ("text", "levels"),
    [
        ("UBND cấp xã có trách nhiệm gì về bình đẳng giới?", {"xa"}),
        ("ubnd cap xa co trach nhiem gi ve binh dang gioi", {"xa"}),
        ("Xã, phường, thị trấn có từ 3.000 người lao động trở lên", {"xa"}),
        ("xa, phuong, thi tran co tu 3.000 nguoi lao dong", {"xa"}),
        ("Ủy ban nhân dân cấp huyện", {"huyen"}),
        ("uy ban nhan dan cap huyen", {"huyen"}),
        ("Ủy ban nhân dân tỉnh, thành phố trực thuộc trung ương", {"tinh"}),
        ("uy ban nhan dan tinh, thanh pho truc thuoc trung uong", {"tinh"}),
        ("các bộ, ngành trung ương", {"trung_uong"}),
        ("cac bo, nganh trung uong", {"trung_uong"}),
        ("Chính phủ thống nhất quản lý nhà nước; Ủy ban nhân dân các cấp", {"trung_uong"}),
    ],
)
def test_levels_mentioned_with_and_without_diacritics(text, levels):
    assert levels_mentioned(text) == frozenset(levels)


@pytest.mark.parametrize(
    "text",
    ["bình đẳng giới trong đời sống xã hội và gia đình", "binh dang gioi trong doi song xa hoi",
     "giải phương trình bậc hai", "lựa chọn giới tính thai nhi", "cơ quan nhà nước", "tổ chức phi chính phủ"],
)
def test_words_that_only_look_like_a_level_name_none(text):
    assert levels_mentioned(text) == frozenset()


@pytest.mark.parametrize(
    ("question", "current"),
    [
        ("Cơ quan nào quản lý nhà nước về bình đẳng giới hiện nay?", True),
        ("co quan nao quan ly nha nuoc ve binh dang gioi hien nay", True),
        ("Quy định hiện hành về nghỉ thai sản", True),
        ("quy dinh moi nhat ve thang hanh dong", True),
        ("Nghị định này còn hiệu lực không?", True),
        ("Bình đẳng giới là gì?", False),
        ("Kế hoạch năm 2020 của Sở Công Thương Hà Nam có mục tiêu gì", False),
    ],
)
def test_asks_current(question, current):
    assert asks_current(question) is current


def test_is_in_force_reads_the_manifest_status():
    assert is_in_force(Source(id="a", title="A", status="in-force"))
    for status in ("amended", "historical", "check", ""):
        assert not is_in_force(Source(id="a", title="A", status=status))


def test_one_table_of_document_types_is_read_everywhere():
    from bot import answers
    from brief import compose
    from knowledge import citation, metadata

    assert compose.LEGAL_TYPES == doctypes.LEGAL_TYPES
    assert metadata._TYPE_WORDS is doctypes.HEADER_WORDS and metadata._TYPE_CODES is doctypes.NUMBER_CODES
    assert citation.short_name(Source(id="x", title="T", doc_type="decree")) == "Nghị định"
    order = [answers._source_order(Source(id=key, title=key, doc_type=key)) for key in ("law", "decree", "plan", "news")]
    assert order == sorted(order)
    assert list(doctypes.HEADER_WORDS)[:1] == ["THÔNG TƯ LIÊN TỊCH"]  # longest header word first


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        (Source(id="a", title="A", doc_type="decree"), "legal"),
        (Source(id="a", title="A", doc_type="law"), "legal"),
        (Source(id="a", title="A", doc_type="plan"), "plan"),
        (Source(id="a", title="A", doc_type="news"), "news"),
        (Source(id="a", title="A", doc_type="guidance"), "guidance"),
        (Source(id="a", title="A", doc_type="letter"), "guidance"),
        (Source(id="a", title="A", text_kind="web-page", about_document="Kế hoạch số 1/KH-UBND"), "news"),
        (Source(id="a", title="A", text_kind="legal-text"), "legal"),
        (Source(id="a", title="A"), "plan"),
    ],
)
def test_kind_of(source, kind):
    assert doctypes.kind_of(source) == kind


def test_sentences_keep_numbering_abbreviations_and_initials_inside():
    text = ("Điều 5. Giải thích từ ngữ. 1.2. Mục tiêu cụ thể đạt 80%. TP. Hồ Chí Minh ban hành Kế hoạch "
            "số 174/KH-UBND. Ông Nguyễn V. An ký; Các đơn vị thực hiện theo Nghị định 25/2025/NĐ-CP. Tổ chức "
            "hội thảo, tọa đàm... tạo diễn đàn.")
    assert split_sentences(text) == [
        "Điều 5. Giải thích từ ngữ.",
        "1.2. Mục tiêu cụ thể đạt 80%.",
        "TP. Hồ Chí Minh ban hành Kế hoạch số 174/KH-UBND.",
        "Ông Nguyễn V. An ký;",
        "Các đơn vị thực hiện theo Nghị định 25/2025/NĐ-CP.",
        "Tổ chức hội thảo, tọa đàm... tạo diễn đàn.",
    ]


def test_sentences_break_at_lines_and_before_a_flattened_list_item():
    text = "Trong Luật này, các từ ngữ dưới đây được hiểu như sau: 1. Giới là …\n2. Giới tính là …"
    assert split_sentences(text) == [
        "Trong Luật này, các từ ngữ dưới đây được hiểu như sau:", "1. Giới là …", "2. Giới tính là …",
    ]
    assert split_sentences("Chỉ tiêu 3: Tỷ lệ nữ giám đốc đạt 27%.") == ["Chỉ tiêu 3: Tỷ lệ nữ giám đốc đạt 27%."]


def test_sentence_spans_are_verbatim_slices(corpus_dir):
    for path in sorted(corpus_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        spans = sentence_spans(text)
        assert spans == sorted(spans)
        for start, end in spans:
            piece = text[start:end]
            assert piece and piece == piece.strip()
