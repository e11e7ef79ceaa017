"""Metadata from the manifest, from a document's own header, and from its file name."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from knowledge.dates import format_date
from knowledge.errors import DocumentsFolderError
from knowledge.metadata import (
    ManifestError,
    humanise_file_name,
    iso_date,
    metadata_from_text,
    read_manifest,
    source_from,
)
from knowledge.types import Source

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"

needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")


def corpus_text(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


# ---------------------------------------------------------------- manifest


def test_missing_manifest_means_no_entries(tmp_path: Path) -> None:
    assert read_manifest(tmp_path) == {}


def test_manifest_entries_are_keyed_by_file_name(tmp_path: Path) -> None:
    entries = {"sources": [{"id": "kh-1", "file": "kh-1.txt", "title": "Kế hoạch một"}]}
    (tmp_path / "manifest.json").write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    assert read_manifest(tmp_path) == {"kh-1.txt": {"id": "kh-1", "file": "kh-1.txt", "title": "Kế hoạch một"}}


def test_manifest_as_a_bare_list_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text(json.dumps([{"file": "a.txt", "title": "A"}]), encoding="utf-8")
    assert read_manifest(tmp_path)["a.txt"]["title"] == "A"


def test_malformed_manifest_raises_our_error_with_the_reason(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text('{"sources": [ {"file": "a.txt",, } ]}', encoding="utf-8")
    with pytest.raises(ManifestError, match="không phải JSON hợp lệ.*dòng 1, cột 32"):
        read_manifest(tmp_path)


def test_manifest_entry_without_file_name_is_refused(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text(json.dumps({"sources": [{"title": "A"}]}), encoding="utf-8")
    with pytest.raises(ManifestError, match="mục thứ 1 không có tên tệp"):
        read_manifest(tmp_path)


def test_manifest_describing_a_file_twice_is_refused(tmp_path: Path) -> None:
    sources = {"sources": [{"file": "a.txt"}, {"file": "a.txt"}]}
    (tmp_path / "manifest.json").write_text(json.dumps(sources), encoding="utf-8")
    with pytest.raises(ManifestError, match="mô tả hai lần"):
        read_manifest(tmp_path)


def test_manifest_error_is_a_documents_folder_error(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(DocumentsFolderError, match="không phải một đối tượng"):
        read_manifest(tmp_path)


@needs_corpus
def test_corpus_manifest_describes_every_corpus_file() -> None:
    entries = read_manifest(CORPUS)
    on_disk = {path.name for path in CORPUS.glob("*.txt")}
    assert set(entries) == on_disk
    assert entries["nd-25-2025-bo-noi-vu.txt"]["number"] == "25/2025/NĐ-CP"


# ---------------------------------------------------------------- header metadata

PROVINCIAL_PLAN = """UBND TỈNH BẮC GIANG
SỞ KHOA HỌC VÀ CÔNG NGHỆ
Số: 680/KH-SKHCN
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Bắc Giang, ngày 31 tháng 5 năm 2024

KẾ HOẠCH
Thực hiện công tác bình đẳng giới năm 2024

Thực hiện Kế hoạch số 01/KH-BVSTBPN, Sở xây dựng kế hoạch như sau:
"""


def test_plan_header_gives_number_date_place_type_title_and_issuer() -> None:
    meta = metadata_from_text(PROVINCIAL_PLAN, "kh.txt")
    assert meta == {
        "number": "680/KH-SKHCN",
        "issued": "2024-05-31",
        "place": "Bắc Giang",
        "doc_type": "plan",
        "title": "Kế hoạch thực hiện công tác bình đẳng giới năm 2024",
        "issuer": "SỞ KHOA HỌC VÀ CÔNG NGHỆ TỈNH BẮC GIANG",
    }


def test_blank_number_and_blank_day_are_kept_as_issued() -> None:
    meta = metadata_from_text("Số: /KH-KHCN\nHà Nam, ngày    tháng 3 năm 2020\nKẾ HOẠCH\nTriển khai công tác", "x.txt")
    assert meta["number"] == "/KH-KHCN"
    assert meta["issued"] == "2020-03"
    assert meta["place"] == "Hà Nam"


def test_dotted_blank_number_keeps_only_its_suffix() -> None:
    assert metadata_from_text("Số: ……/KH-UBND\n", "x.txt")["number"] == "/KH-UBND"


def test_decree_number_names_the_government_as_issuer() -> None:
    meta = metadata_from_text("Số: 25/2025/NĐ-CP\nHà Nội, ngày 21 tháng 02 năm 2025\n## NGHỊ ĐỊNH\n## Quy định", "x")
    assert meta["issuer"] == "Chính phủ"
    assert meta["doc_type"] == "decree"
    assert meta["issued"] == "2025-02-21"


@pytest.mark.parametrize(
    ("number", "issuer", "doc_type"),
    [
        ("114/2008/QĐ-TTg", "Thủ tướng Chính phủ", "decision"),
        ("73/2006/QH11", "Quốc hội", "law"),
        ("191/2009/TT-BTC", "Bộ Tài chính", "circular"),
        ("70/2008/NĐ-CP", "Chính phủ", "decree"),
    ],
)
def test_number_suffix_gives_issuer_and_type_when_the_header_lacks_them(number: str, issuer: str, doc_type: str) -> None:
    meta = metadata_from_text(f"Số: {number}\nNội dung văn bản.", "x.txt")
    assert (meta["issuer"], meta["doc_type"]) == (issuer, doc_type)


def test_law_title_keeps_the_law_name_capitalised() -> None:
    meta = metadata_from_text("QUỐC HỘI\nLuật số: 73/2006/QH11\nLUẬT\nBÌNH ĐẲNG GIỚI\nCăn cứ Hiến pháp;", "x")
    assert meta["title"] == "Luật Bình đẳng giới"
    assert meta["number"] == "73/2006/QH11"


def test_decision_title_stops_before_the_signing_authority() -> None:
    header = (
        "THỦ TƯỚNG CHÍNH PHỦ\nSố: 114/2008/QĐ-TTg\nHà Nội, ngày 22 tháng 8 năm 2008\nQUYẾT ĐỊNH\n"
        "Về việc kiện toàn Ủy ban quốc gia vì sự tiến bộ của phụ nữ Việt Nam\nTHỦ TƯỚNG CHÍNH PHỦ\nCăn cứ Luật;"
    )
    assert metadata_from_text(header, "x")["title"] == (
        "Quyết định về việc kiện toàn Ủy ban quốc gia vì sự tiến bộ của phụ nữ Việt Nam"
    )


def test_letter_subject_line_becomes_its_title() -> None:
    header = "ỦY BAN NHÂN DÂN\nTỈNH HÀ NAM\nSố: 123/UBND-VX\nV/v triển khai Tháng hành động năm 2024\nKính gửi: Các sở"
    meta = metadata_from_text(header, "x")
    assert meta["doc_type"] == "letter"
    assert meta["title"] == "Công văn về việc triển khai Tháng hành động năm 2024"
    assert meta["issuer"] == "ỦY BAN NHÂN DÂN TỈNH HÀ NAM"


@pytest.mark.parametrize(
    ("type_line", "doc_type"),
    [
        ("KẾ HOẠCH", "plan"), ("NGHỊ ĐỊNH", "decree"), ("LUẬT", "law"), ("THÔNG TƯ", "circular"),
        ("QUYẾT ĐỊNH", "decision"), ("CÔNG VĂN", "letter"), ("HƯỚNG DẪN", "guidance"),
        ("CHỈ THỊ", "directive"), ("NGHỊ QUYẾT", "resolution"), ("## NGHỊ ĐỊNH", "decree"),
    ],
)
def test_type_line_gives_the_document_type(type_line: str, doc_type: str) -> None:
    assert metadata_from_text(f"{type_line}\nVề công tác bình đẳng giới", "x.txt")["doc_type"] == doc_type


def test_type_words_inside_the_body_are_not_a_type_line() -> None:
    meta = metadata_from_text("Kế hoạch này được triển khai trong toàn tỉnh.\nNghị định số 48 quy định…", "ghi-chu.txt")
    assert "doc_type" not in meta
    assert meta["title"] == "Ghi chu"


def test_text_without_header_falls_back_to_the_file_name() -> None:
    assert metadata_from_text("Điều 1. Phạm vi điều chỉnh\nNghị định này quy định…", "nd-48-2009.txt") == {
        "title": "Nd 48 2009"
    }


def test_file_names_are_humanised() -> None:
    assert humanise_file_name("bac-giang_ke-hoach.2024.txt") == "Bac giang ke hoach 2024"


def test_iso_date_handles_blank_and_impossible_parts() -> None:
    assert iso_date("2024", "5", "31") == "2024-05-31"
    assert iso_date("2024", "4", None) == "2024-04"
    assert iso_date("2024", None, None) == "2024"
    assert iso_date("2024", "13", "1") == ""


@needs_corpus
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("bac-giang-skhcn-2024.txt", {
            "number": "/KH-KHCN", "issued": "2024-04", "place": "Bắc Giang", "doc_type": "plan",
            "title": "Kế hoạch thực hiện công tác bình đẳng giới và phòng ngừa, ứng phó với bạo lực trên cơ sở giới "
                     "năm 2024",
            "signer": "Triệu Ngọc Trung", "signer_title": "KT. GIÁM ĐỐC, PHÓ GIÁM ĐỐC",
        }),
        ("ha-nam-sct-2020.txt", {
            "number": "/KH-SCT", "issued": "2020-03", "place": "Hà Nam", "doc_type": "plan",
            "title": "Kế hoạch triển khai công tác bình đẳng giới năm 2020",
            "signer": "Đinh Văn An", "signer_title": "GIÁM ĐỐC",
        }),
        ("tp-hcm-ubnd-2025.txt", {
            "number": "174/KH-UBND", "issued": "2025-11-18", "place": "Thành phố Hồ Chí Minh", "doc_type": "plan",
            "issuer": "ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH",
            "title": "Kế hoạch triển khai các nhiệm vụ trọng tâm cuối năm 2025 lĩnh vực bình đẳng giới và “Tháng hành "
                     "động vì bình đẳng giới và phòng ngừa, ứng phó với bạo lực trên cơ sở giới” trên địa bàn Thành "
                     "phố Hồ Chí Minh",
            "signer": "Trần Thị Diệu Thúy", "signer_title": "KT. CHỦ TỊCH, PHÓ CHỦ TỊCH",
        }),
        ("nd-25-2025-bo-noi-vu.txt", {
            "number": "25/2025/NĐ-CP", "issued": "2025-02-21", "place": "Hà Nội", "doc_type": "decree",
            "issuer": "Chính phủ",
            "title": "Nghị định quy định chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức của Bộ Nội vụ",
            # The signature glued after the last Điều in the web copy ("… | KT. THỦ TƯỚNG PHÓ THỦ TƯỚNG …").
            "signer": "Nguyễn Hòa Bình", "signer_title": "KT. THỦ TƯỚNG, PHÓ THỦ TƯỚNG",
        }),
    ],
)
def test_corpus_headers_are_read(name: str, expected: dict) -> None:
    assert metadata_from_text(corpus_text(name), name) == expected


@needs_corpus
@pytest.mark.parametrize("name", ["bac-giang-skhcn-2024.txt", "ha-nam-sct-2020.txt", "tp-hcm-ubnd-2025.txt",
                                  "nd-25-2025-bo-noi-vu.txt"])
def test_corpus_header_agrees_with_the_manifest(name: str) -> None:
    entry = read_manifest(CORPUS)[name]
    meta = metadata_from_text(corpus_text(name), name)
    for field in ("number", "issued", "doc_type", "title"):
        assert meta[field] == entry[field], field


# ---------------------------------------------------------------- merging


def test_manifest_entry_wins_field_by_field_and_header_fills_the_gaps() -> None:
    entry = {"id": "bg-2024", "file": "kh.txt", "title": "Tên theo manifest", "text_kind": "document", "excerpt": True}
    source = source_from(entry, "kh.txt", PROVINCIAL_PLAN)
    assert isinstance(source, Source)
    assert source.id == "bg-2024"
    assert source.title == "Tên theo manifest"
    assert source.number == "680/KH-SKHCN"
    assert source.issued == "2024-05-31"
    assert source.issuer == "SỞ KHOA HỌC VÀ CÔNG NGHỆ TỈNH BẮC GIANG"
    assert source.text_kind == "document"
    assert source.excerpt is True
    assert source.file == "kh.txt"
    assert len(source.content_hash) == 64


def test_empty_manifest_values_do_not_hide_header_values() -> None:
    source = source_from({"number": "", "issuer": "  "}, "kh.txt", PROVINCIAL_PLAN)
    assert source.number == "680/KH-SKHCN"
    assert source.issuer == "SỞ KHOA HỌC VÀ CÔNG NGHỆ TỈNH BẮC GIANG"


def test_without_entry_or_header_the_file_stem_is_id_and_title() -> None:
    source = source_from(None, "ghi-chu-hop.txt", "Nội dung cuộc họp về bình đẳng giới.")
    assert (source.id, source.title, source.number, source.excerpt) == ("ghi-chu-hop", "Ghi chu hop", "", False)


def test_same_words_give_the_same_content_hash() -> None:
    nfc = source_from(None, "a.txt", "Bình đẳng giới").content_hash
    nfd = source_from(None, "a.txt", unicodedata.normalize("NFD", "Bình đẳng giới")).content_hash
    assert nfc == nfd


@needs_corpus
def test_corpus_source_keeps_manifest_values() -> None:
    name = "tp-hcm-ubnd-2025.txt"
    source = source_from(read_manifest(CORPUS)[name], name, corpus_text(name))
    assert source.id == "tp-hcm-ubnd-2025"
    assert source.issuer == "Ủy ban nhân dân Thành phố Hồ Chí Minh"
    assert source.status == "historical"
    assert source.note == ""  # how the page was captured is for admins, not a currency note for readers
    assert source.capture_note.startswith("Bản thu thập từ web")


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("iso", "shown"),
    [("2024-05-31", "31/5/2024"), ("2020-03", "tháng 3/2020"), ("", ""), ("2006", "năm 2006"),
     ("2018-02-09", "9/2/2018")],
)
def test_iso_dates_are_shown_the_vietnamese_way(iso: str, shown: str) -> None:
    assert format_date(iso) == shown
