"""Reading files of every supported kind into NFC text, and refusing the unreadable ones clearly."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import docx
import pypdf
import pytest

from knowledge.errors import UnreadableDocument, UnsupportedDocument
from knowledge.encodings import decode_bytes
from knowledge.loaders import SUPPORTED_SUFFIXES, RawDocument, read_document

VIETNAMESE = "Kế hoạch thực hiện công tác bình đẳng giới năm 2024.\nTăng cường sự tham gia của phụ nữ."


_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def to_cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does: letters with their hats and horns precomposed, tones combining."""
    clusters: list[list[str]] = []
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char) and clusters:
            clusters[-1].append(char)
        else:
            clusters.append([char])
    out = []
    for base, *marks in clusters:
        shape = unicodedata.normalize("NFC", base + "".join(m for m in marks if m not in _TONE_MARKS))
        out.append(shape + "".join(m for m in marks if m in _TONE_MARKS))
    return "".join(out).encode("cp1258")


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF whose page draws `text` in Helvetica (Latin-1 only)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


# ---------------------------------------------------------------- plain text


def test_utf8_text_file_is_read_as_nfc(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_text(unicodedata.normalize("NFD", VIETNAMESE), encoding="utf-8")
    document = read_document(path)
    assert isinstance(document, RawDocument)
    assert document.kind == "text"
    assert document.text == VIETNAMESE
    assert unicodedata.is_normalized("NFC", document.text)


def test_utf8_with_bom_loses_the_bom(tmp_path: Path) -> None:
    path = tmp_path / "plan.md"
    path.write_bytes(b"\xef\xbb\xbf" + VIETNAMESE.encode("utf-8"))
    assert read_document(path).text == VIETNAMESE


def test_utf16_file_with_bom_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes(VIETNAMESE.encode("utf-16"))  # Python writes the BOM
    assert read_document(path).text == VIETNAMESE


def test_windows_1258_file_is_decoded_and_its_combining_tones_composed(tmp_path: Path) -> None:
    path = tmp_path / "cu.txt"
    # cp1258 stores most toned vowels as base letter + combining tone mark.
    path.write_bytes(to_cp1258(VIETNAMESE))
    document = read_document(path)
    assert document.text == VIETNAMESE
    assert unicodedata.is_normalized("NFC", document.text)


def test_windows_line_endings_become_newlines(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes("Dòng một\r\nDòng hai\r\n".encode("utf-8"))
    assert read_document(path).text == "Dòng một\nDòng hai\n"


def test_binary_file_named_txt_is_refused_as_binary(tmp_path: Path) -> None:
    path = tmp_path / "anh.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00")
    with pytest.raises(UnreadableDocument, match="nhị phân"):
        read_document(path)


def test_empty_file_is_refused_as_empty(tmp_path: Path) -> None:
    path = tmp_path / "rong.txt"
    path.write_bytes(b"")
    with pytest.raises(UnreadableDocument, match="tệp trống"):
        read_document(path)


def test_whitespace_only_file_is_refused_as_empty(tmp_path: Path) -> None:
    path = tmp_path / "rong.txt"
    path.write_bytes(b"  \n\n \t\n")
    with pytest.raises(UnreadableDocument, match="tệp trống"):
        read_document(path)


def test_old_font_encoding_text_is_converted_not_refused() -> None:
    # TCVN3 letters land on Latin-1 symbols when read as Windows-1258; read as TCVN3 they are Vietnamese.
    tcvn3 = "Ch\xddnh s\xb8ch b\xd7nh \xae\xbcng gi\xedi \xb8p d\xf4ng".encode("latin-1")
    decoded = decode_bytes(tcvn3)
    assert (decoded.text, decoded.encoding) == ("Chính sách bình đẳng giới áp dụng", "tcvn3")


def test_unknown_extension_is_unsupported(tmp_path: Path) -> None:
    path = tmp_path / "bang.xlsx"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(UnsupportedDocument, match=".xlsx"):
        read_document(path)


def test_unsupported_is_a_kind_of_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "cu.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(UnreadableDocument):
        read_document(path)


def test_missing_file_is_unreadable_not_an_oserror(tmp_path: Path) -> None:
    with pytest.raises(UnreadableDocument, match="không mở được tệp"):
        read_document(tmp_path / "khong-co.txt")


def test_suffixes_are_matched_case_insensitively(tmp_path: Path) -> None:
    path = tmp_path / "PLAN.TXT"
    path.write_text(VIETNAMESE, encoding="utf-8")
    assert read_document(path).kind == "text"


def test_supported_suffixes_list_every_readable_kind() -> None:
    assert SUPPORTED_SUFFIXES == {".txt", ".md", ".html", ".htm", ".docx", ".pdf"}


# ---------------------------------------------------------------- Word


def test_docx_keeps_heading_paragraphs_and_table_cells_in_order(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("KẾ HOẠCH bình đẳng giới năm 2024", level=1)
    document.add_paragraph("Đoạn mở đầu về mục đích.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Nội dung"
    table.cell(0, 1).text = "Thời gian"
    table.cell(1, 0).text = "Tập huấn cán bộ nữ"
    table.cell(1, 1).text = "Quý II"
    document.add_paragraph("Đoạn sau bảng.")
    path = tmp_path / "ke-hoach.docx"
    document.save(str(path))

    raw = read_document(path)
    lines = [line for line in raw.text.split("\n") if line.strip()]
    assert raw.kind == "docx"
    assert lines == [
        "KẾ HOẠCH bình đẳng giới năm 2024",
        "Đoạn mở đầu về mục đích.",
        "Nội dung",
        "Thời gian",
        "Tập huấn cán bộ nữ",
        "Quý II",
        "Đoạn sau bảng.",
    ]


def test_docx_merged_cell_is_read_once(tmp_path: Path) -> None:
    document = docx.Document()
    table = document.add_table(rows=1, cols=3)
    merged = table.cell(0, 0).merge(table.cell(0, 1))
    merged.text = "Ô gộp"
    table.cell(0, 2).text = "Ô cuối"
    path = tmp_path / "gop.docx"
    document.save(str(path))
    assert read_document(path).text.split("\n") == ["Ô gộp", "Ô cuối"]


def test_damaged_docx_is_unreadable_with_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "hong.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(UnreadableDocument, match="không mở được tệp Word"):
        read_document(path)


# ---------------------------------------------------------------- PDF


def test_pdf_text_is_extracted(tmp_path: Path) -> None:
    path = tmp_path / "plan.pdf"
    path.write_bytes(minimal_pdf("Gender equality plan 2024"))
    raw = read_document(path)
    assert raw.kind == "pdf"
    assert "Gender equality plan 2024" in raw.text


def test_truncated_pdf_is_unreadable_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "cut.pdf"
    path.write_bytes(minimal_pdf("Gender equality plan 2024")[:150])
    with pytest.raises(UnreadableDocument, match="PDF"):
        read_document(path)


def test_pdf_without_text_layer_is_reported_as_needing_ocr(tmp_path: Path) -> None:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=612, height=792)
    path = tmp_path / "scan.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(UnreadableDocument, match="cần OCR"):
        read_document(path)


def test_password_protected_pdf_is_reported_as_such(tmp_path: Path) -> None:
    reader = pypdf.PdfReader(_write(tmp_path / "open.pdf", minimal_pdf("Secret plan")))
    writer = pypdf.PdfWriter()
    writer.append(reader)
    writer.encrypt(user_password="matkhau", algorithm="RC4-128")
    path = tmp_path / "locked.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(UnreadableDocument, match="mật khẩu"):
        read_document(path)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# ---------------------------------------------------------------- HTML

PORTAL_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Bình đẳng giới - Cổng thông tin điện tử tỉnh X</title></head>
<body>
<header>
  <p>Chào mừng bạn đến với cổng thông tin điện tử tỉnh X</p>
  <div class="tools">A- A A+ | Tăng tương phản Giảm tương phản</div>
  <form><input name="q"><button>Tìm kiếm</button></form>
</header>
<nav><ul><li><a href="/">Trang chủ</a></li><li><a href="/gioi-thieu">Giới thiệu</a></li>
<li><a href="/tin-tuc">Tin tức</a></li><li><a href="/van-ban">Văn bản</a></li></ul></nav>
<div class="breadcrumb"><a href="/">Trang chủ</a> » <a href="/tin-tuc">Tin tức</a></div>
<main><article>
  <h1>Tỉnh X triển khai công tác bình đẳng giới năm 2024</h1>
  <div class="meta">Thứ hai - 01/04/2024 09:15 | Lượt xem: 1.204</div>
  <p>Ngày 1/4, Ủy ban nhân dân tỉnh ban hành Kế hoạch số 12/KH-UBND về công tác bình đẳng giới năm 2024.</p>
  <h2>1. Mục tiêu</h2>
  <p>Nâng cao nhận thức của cán bộ, công chức, viên chức về bình đẳng giới và phòng, chống bạo lực trên cơ sở giới.</p>
  <ul><li>Tuyên truyền Luật Bình đẳng giới đến mọi người dân;</li><li>Tập huấn kỹ năng cho cán bộ nữ trong diện quy hoạch.</li></ul>
  <p>Tác giả: BBT</p>
</article></main>
<section class="related"><h3>Tin liên quan</h3><ul><li><a href="/a">Hội nghị tổng kết</a></li><li><a href="/b">Tọa đàm</a></li></ul></section>
<aside><h3>Thống kê</h3><ul><li>Đang truy cập 130</li><li>Hôm nay 15,289</li></ul></aside>
<footer><p>Bản quyền thuộc Cổng thông tin điện tử tỉnh X</p><p>Địa chỉ: số 1 đường Y</p>
<p>Email: congttdt@x.gov.vn</p></footer>
</body></html>"""


def test_html_page_keeps_the_article_and_drops_the_portal_around_it(tmp_path: Path) -> None:
    path = tmp_path / "tin.html"
    path.write_text(PORTAL_PAGE, encoding="utf-8")
    raw = read_document(path)
    assert raw.kind == "html" and raw.is_web_page
    assert raw.title == "Bình đẳng giới - Cổng thông tin điện tử tỉnh X"
    for kept in (
        "Tỉnh X triển khai công tác bình đẳng giới năm 2024",
        "Ngày 1/4, Ủy ban nhân dân tỉnh ban hành Kế hoạch số 12/KH-UBND về công tác bình đẳng giới năm 2024.",
        "1. Mục tiêu",
        "Tuyên truyền Luật Bình đẳng giới đến mọi người dân;",
        "Tập huấn kỹ năng cho cán bộ nữ trong diện quy hoạch.",
    ):
        assert kept in raw.text
    for noise in (
        "Chào mừng", "Tăng tương phản", "Tìm kiếm", "Giới thiệu", "Lượt xem", "Tác giả",
        "Tin liên quan", "Hội nghị tổng kết", "Đang truy cập", "Bản quyền", "Địa chỉ", "Email",
    ):
        assert noise not in raw.text


def test_html_in_windows_1258_declared_by_meta_is_decoded(tmp_path: Path) -> None:
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1258"></head>'
        "<body><article><p>Kế hoạch thực hiện công tác bình đẳng giới năm 2024 của Sở Khoa học và Công nghệ"
        " được ban hành nhằm tăng cường sự tham gia của phụ nữ.</p></article></body></html>"
    )
    path = tmp_path / "cu.htm"
    path.write_bytes(to_cp1258(page))
    raw = read_document(path)
    assert "Kế hoạch thực hiện công tác bình đẳng giới năm 2024" in raw.text
    assert unicodedata.is_normalized("NFC", raw.text)
    assert raw.encoding_label == "Windows-1258"  # named in the build summary


def test_html_without_text_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "rong.html"
    path.write_text("<html><body><script>var a = 1;</script></body></html>", encoding="utf-8")
    with pytest.raises(UnreadableDocument):
        read_document(path)


def test_html_heading_outside_the_article_is_kept_as_the_title(tmp_path: Path) -> None:
    page = (
        "<html><body><div class='title'><h1>Huyện Y triển khai Tháng hành động vì bình đẳng giới</h1></div>"
        "<div class='content'><p>" + "Ngày 15/11, Ủy ban nhân dân huyện tổ chức lễ phát động Tháng hành động vì bình "
        "đẳng giới và phòng ngừa, ứng phó với bạo lực trên cơ sở giới năm 2024 với sự tham gia của đông đảo người dân."
        "</p></div></body></html>"
    )
    path = tmp_path / "tin.html"
    path.write_text(page, encoding="utf-8")
    assert read_document(path).text.split("\n")[0] == "Huyện Y triển khai Tháng hành động vì bình đẳng giới"
