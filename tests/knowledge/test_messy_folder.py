"""A documents folder as offices really have it: Mac file names, subfolders, oversize files,
scanned PDFs and a broken manifest. Every bad file gets a reason; nothing else is lost."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import docx
import pypdf

from knowledge.ingest import ingest_folder
from knowledge.loaders import MAX_DOCUMENT_BYTES

PLAN_2023 = (
    "ỦY BAN NHÂN DÂN HUYỆN A\nSố: 12/KH-UBND\n\nKẾ HOẠCH\nThực hiện công tác bình đẳng giới năm 2023\n\n"
    "I. MỤC ĐÍCH\n1. Nâng cao nhận thức về bình đẳng giới cho cán bộ, công chức năm 2023.\n"
)
PLAN_2024 = (
    "ỦY BAN NHÂN DÂN HUYỆN A\nSố: 15/KH-UBND\n\nKẾ HOẠCH\nThực hiện công tác bình đẳng giới năm 2024\n\n"
    "I. MỤC ĐÍCH\n1. Tăng cường sự tham gia của phụ nữ vào vị trí lãnh đạo, quản lý năm 2024.\n"
)
LAW = "Điều 1. Phạm vi điều chỉnh\nLuật này quy định về bình đẳng giới trong các lĩnh vực của đời sống xã hội và gia đình."


def write(folder: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


def manifest(folder: Path, entries: list[dict]) -> None:
    (folder / "manifest.json").write_text(json.dumps({"sources": entries}, ensure_ascii=False), encoding="utf-8")


def test_a_file_named_in_nfd_as_macos_writes_it_matches_its_nfc_manifest_entry(tmp_path: Path) -> None:
    name = "kế-hoạch-bình-đẳng-giới.txt"
    write(tmp_path, {unicodedata.normalize("NFD", name): PLAN_2024})
    manifest(tmp_path, [{"file": name, "id": "kh-2024", "title": "Kế hoạch BĐG của huyện A năm 2024"}])
    corpus = ingest_folder(tmp_path)
    assert corpus.skipped == []
    (document,) = corpus.documents
    assert document.source.id == "kh-2024"
    assert document.source.title == "Kế hoạch BĐG của huyện A năm 2024"
    assert document.source.file == name  # NFC, as the manifest and the index know it


def test_files_with_the_same_name_in_two_subfolders_are_both_kept(tmp_path: Path) -> None:
    write(tmp_path, {"2023/ke-hoach.txt": PLAN_2023, "2024/ke-hoach.txt": PLAN_2024})
    corpus = ingest_folder(tmp_path)
    assert corpus.skipped == []
    assert sorted(d.source.id for d in corpus.documents) == ["2023/ke-hoach", "2024/ke-hoach"]
    assert sorted(d.source.file for d in corpus.documents) == ["2023/ke-hoach.txt", "2024/ke-hoach.txt"]
    by_id = {d.source.id: d for d in corpus.documents}
    assert "2023" in by_id["2023/ke-hoach"].passages[-1].text
    assert "2024" in by_id["2024/ke-hoach"].passages[-1].text
    assert not {p.id for p in by_id["2023/ke-hoach"].passages} & {p.id for p in by_id["2024/ke-hoach"].passages}


def test_the_manifest_may_name_a_file_by_its_path_in_a_subfolder(tmp_path: Path) -> None:
    write(tmp_path, {"2023/ke-hoach.txt": PLAN_2023, "2024/ke-hoach.txt": PLAN_2024})
    manifest(tmp_path, [{"file": "2024/ke-hoach.txt", "id": "kh-15-2024", "issuer": "Ủy ban nhân dân huyện A"}])
    ids = {d.source.file: d.source.id for d in ingest_folder(tmp_path).documents}
    assert ids == {"2023/ke-hoach.txt": "2023/ke-hoach", "2024/ke-hoach.txt": "kh-15-2024"}


def test_a_bare_manifest_name_shared_by_two_subfolders_describes_neither(tmp_path: Path) -> None:
    write(tmp_path, {"2023/ke-hoach.txt": PLAN_2023, "2024/ke-hoach.txt": PLAN_2024, "luat.txt": LAW})
    manifest(tmp_path, [{"file": "ke-hoach.txt", "id": "mot-ke-hoach"}, {"file": "luat.txt", "id": "luat-bdg"}])
    ids = sorted(d.source.id for d in ingest_folder(tmp_path).documents)
    assert ids == ["2023/ke-hoach", "2024/ke-hoach", "luat-bdg"]


def test_a_bare_manifest_name_finds_its_file_in_a_subfolder_when_unique(tmp_path: Path) -> None:
    write(tmp_path, {"luat/luat-bdg.txt": LAW})
    manifest(tmp_path, [{"file": "luat-bdg.txt", "id": "luat-binh-dang-gioi", "title": "Luật Bình đẳng giới"}])
    (document,) = ingest_folder(tmp_path).documents
    assert (document.source.id, document.source.title) == ("luat-binh-dang-gioi", "Luật Bình đẳng giới")


def test_an_oversize_file_is_skipped_with_its_size_and_the_rest_built(tmp_path: Path) -> None:
    write(tmp_path, {"luat.txt": LAW, "xuat-ca-kho.txt": LAW + "\n" + "Khoản thêm về bình đẳng giới.\n" * 200})
    corpus = ingest_folder(tmp_path, max_document_bytes=2_000)
    assert [d.source.id for d in corpus.documents] == ["luat"]
    ((file, reason),) = [(s.file, s.reason) for s in corpus.skipped]
    assert file == "xuat-ca-kho.txt"
    assert "quá lớn" in reason and "MB" in reason and "--max-doc-mb" in reason


def test_the_default_limit_refuses_a_text_file_over_five_megabytes_without_reading_it(tmp_path: Path) -> None:
    assert 4 * 1024 * 1024 < MAX_DOCUMENT_BYTES <= 10 * 1024 * 1024
    big = tmp_path / "bao-cao-30mb.txt"
    with big.open("wb") as handle:
        handle.truncate(MAX_DOCUMENT_BYTES + 1)  # sparse: never read, refused by its size
    write(tmp_path, {"luat.txt": LAW})
    corpus = ingest_folder(tmp_path)
    assert [d.source.id for d in corpus.documents] == ["luat"]
    assert [s.file for s in corpus.skipped] == ["bao-cao-30mb.txt"]
    assert "quá lớn: 5,0 MB, giới hạn mỗi tài liệu là 5,0 MB" in corpus.skipped[0].reason


def test_a_word_file_with_too_much_text_is_refused_by_its_text_not_its_zip_size(tmp_path: Path) -> None:
    document = docx.Document()
    for _ in range(300):
        document.add_paragraph("Tăng cường sự tham gia của phụ nữ vào các vị trí lãnh đạo, quản lý.")
    document.save(tmp_path / "dai.docx")
    write(tmp_path, {"luat.txt": LAW})
    corpus = ingest_folder(tmp_path, max_document_bytes=10_000)
    assert [s.file for s in corpus.skipped] == ["dai.docx"]
    assert "quá lớn" in corpus.skipped[0].reason


def test_a_scanned_pdf_without_text_is_reported_as_needing_ocr(tmp_path: Path) -> None:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)  # what a scanner's image-only page extracts to
    with (tmp_path / "quyet-dinh-scan.pdf").open("wb") as handle:
        writer.write(handle)
    write(tmp_path, {"luat.txt": LAW})
    corpus = ingest_folder(tmp_path)
    assert [d.source.id for d in corpus.documents] == ["luat"]
    assert [s.file for s in corpus.skipped] == ["quyet-dinh-scan.pdf"]
    assert "cần OCR" in corpus.skipped[0].reason


def test_a_manifest_that_is_not_utf8_is_a_warning_and_the_headers_describe_the_files(tmp_path: Path) -> None:
    write(tmp_path, {"ke-hoach.txt": PLAN_2024})
    text = '{"sources": [\n  {"file": "ke-hoach.txt", "issuer": "Đơn vi A"}\n]}'
    (tmp_path / "manifest.json").write_bytes(text.encode("cp1258"))  # Đ and ơ are one byte each there
    corpus = ingest_folder(tmp_path)
    (document,) = corpus.documents
    assert document.source.title == "Kế hoạch thực hiện công tác bình đẳng giới năm 2024"  # from its header
    (warning,) = corpus.warnings
    assert "manifest.json" in warning and "UTF-8" in warning
    assert "dòng 2, cột 39" in warning and "Windows-1258" in warning
    assert "phần đầu của từng tệp" in warning


def test_a_manifest_that_is_not_valid_json_is_a_warning_with_line_and_column(tmp_path: Path) -> None:
    write(tmp_path, {"ke-hoach.txt": PLAN_2024, "luat.txt": LAW})
    (tmp_path / "manifest.json").write_text('{"sources": [\n  {"file": "luat.txt",, "id": "x"}\n]}', encoding="utf-8")
    corpus = ingest_folder(tmp_path)
    assert sorted(d.source.id for d in corpus.documents) == ["ke-hoach", "luat"]
    (warning,) = corpus.warnings
    assert "không phải JSON hợp lệ (dòng 2, cột 23)" in warning
