"""`binhdang docs check`: the shipped corpus passes; each fault in a broken copy is flagged."""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import pytest

from scripts import docs_check
from scripts.docs_check import check_folder, date_problem, format_report, is_document_number

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus not found at {CORPUS}")


def _run(folder: Path) -> int:
    parser = argparse.ArgumentParser()
    docs_check.configure_parser(parser.add_subparsers())
    args = parser.parse_args(["docs", "check", str(folder)])
    return args.handler(args)


def test_the_shipped_corpus_passes(capsys):
    assert _run(CORPUS) == 0
    report = check_folder(CORPUS)
    assert report.errors == []
    assert "Kết quả: đạt" in capsys.readouterr().out


@pytest.fixture()
def broken(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    shutil.copytree(CORPUS, folder)
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    entries = {entry["file"]: entry for entry in manifest["sources"]}
    (folder / "son-tra-ubnd-2018.txt").unlink()  # listed, but gone
    (folder / "ghi-chu-moi.txt").write_text(  # no manifest entry
        "KẾ HOẠCH\nTuyên truyền bình đẳng giới năm 2026 tại cơ quan.\n" + "Nội dung tuyên truyền chi tiết. " * 20,
        encoding="utf-8",
    )
    entries["ha-nam-sct-2020.txt"]["number"] = "KH so 12"
    entries["binh-phuoc-ubnd-2023.txt"]["issued"] = "2999-01-01"
    entries["lai-chau-skhcn-2024.txt"]["effective"] = "2024-13-45"
    shutil.copy(folder / "luat-binh-dang-gioi-2006.txt", folder / "luat-bdg-ban-sao.txt")
    (folder / "gan-nhu-rong.txt").write_text("Trang chủ\n", encoding="utf-8")
    (folder / "hong.pdf").write_bytes(b"%PDF-1.7\n\x00\x01garbage that is not a PDF\x02")
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return folder


def _messages(report, file: str) -> list[str]:
    return [f"{finding.severity}: {finding.message}" for finding in report.findings if finding.file == file]


def test_each_fault_in_a_broken_copy_is_flagged(broken: Path):
    report = check_folder(broken)
    assert any("không có tệp" in m for m in _messages(report, "son-tra-ubnd-2018.txt"))
    assert any(m.startswith("warning:") and "manifest" in m for m in _messages(report, "ghi-chu-moi.txt"))
    assert any("số hiệu" in m for m in _messages(report, "ha-nam-sct-2020.txt"))
    assert any("tương lai" in m for m in _messages(report, "binh-phuoc-ubnd-2023.txt"))
    assert any("ngày hiệu lực" in m for m in _messages(report, "lai-chau-skhcn-2024.txt"))
    # Whichever of the two comes second is flagged, naming the other.
    twins = _messages(report, "luat-bdg-ban-sao.txt") + _messages(report, "luat-binh-dang-gioi-2006.txt")
    assert any("trùng nội dung" in m and "luat-b" in m for m in twins)
    assert any("không đọc được" in m or "gần như không có nội dung" in m for m in _messages(report, "gan-nhu-rong.txt"))
    assert any("không đọc được" in m for m in _messages(report, "hong.pdf"))


def test_a_broken_folder_exits_non_zero_with_a_readable_report(broken: Path, capsys):
    assert _run(broken) == 1
    out = capsys.readouterr().out
    assert "LỖI" in out and "Cảnh báo" in out and "Kết quả: không đạt" in out


def test_a_malformed_manifest_is_an_error(tmp_path: Path):
    (tmp_path / "a.txt").write_text("Nội dung văn bản bình đẳng giới. " * 20, encoding="utf-8")
    (tmp_path / "manifest.json").write_text("{not json", encoding="utf-8")
    report = check_folder(tmp_path)
    assert [finding.file for finding in report.errors] == ["manifest.json"]


def test_duplicate_ids_in_the_manifest_are_errors(tmp_path: Path):
    text = "Nội dung văn bản bình đẳng giới số {}. " * 1
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text((text.format(name) + "Chi tiết. ") * 30, encoding="utf-8")
    manifest = {"sources": [{"file": "a.txt", "id": "x"}, {"file": "b.txt", "id": "x"}]}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert any("trùng mã" in finding.message for finding in check_folder(tmp_path).errors)


def test_vietnamese_document_numbers_are_recognised():
    for number in ("73/2006/QH11", "125/2021/NĐ-CP", "680/KH-SKHCN", "11-NQ/TW", "/KH-KHCN", "114/2008/QĐ-TTg"):
        assert is_document_number(number), number
    for number in ("KH so 12", "2006", "73-2006", ""):
        assert not is_document_number(number), number


def test_dates_must_be_iso_real_and_not_future():
    import datetime as dt

    today = dt.date(2025, 6, 1)
    assert date_problem("2024-05", today) == ""
    assert "tương lai" in date_problem("2025-06-02", today)
    assert date_problem("31/5/2024", today)
    assert date_problem("2024-02-30", today)


def test_a_missing_folder_is_reported(tmp_path: Path):
    report = check_folder(tmp_path / "nowhere")
    assert report.errors and "Kết quả: không đạt" in format_report(report)


# ---------------------------------------------------------------- names, folders, encodings

LONG_PLAN = (
    "KẾ HOẠCH\nThực hiện công tác bình đẳng giới\n\n"
    + "1. Nâng cao nhận thức về bình đẳng giới cho cán bộ, công chức, viên chức và người lao động.\n" * 4
)


def test_nfd_names_and_subfolder_paths_in_the_manifest_are_found(tmp_path: Path) -> None:
    import unicodedata

    (tmp_path / "2024").mkdir()
    (tmp_path / "2024" / unicodedata.normalize("NFD", "kế-hoạch.txt")).write_text(LONG_PLAN, encoding="utf-8")
    (tmp_path / "manifest.json").write_text(
        json.dumps({"sources": [{"file": "2024/kế-hoạch.txt", "id": "kh-2024"}]}, ensure_ascii=False), encoding="utf-8"
    )
    report = check_folder(tmp_path)
    assert report.findings == []


def test_a_bare_name_shared_by_two_subfolders_is_an_error_that_asks_for_the_path(tmp_path: Path) -> None:
    for year in ("2023", "2024"):
        (tmp_path / year).mkdir()
        (tmp_path / year / "ke-hoach.txt").write_text(LONG_PLAN.replace("giới\n", f"giới năm {year}\n", 1), encoding="utf-8")
    (tmp_path / "manifest.json").write_text(json.dumps({"sources": [{"file": "ke-hoach.txt"}]}), encoding="utf-8")
    report = check_folder(tmp_path)
    errors = [(f.file, f.message) for f in report.errors]
    assert errors == [("ke-hoach.txt", "có 2 tệp tên này trong các thư mục con: hãy ghi cả đường dẫn (ví dụ 2024/ke-hoach.txt)")]


def test_a_legacy_encoded_file_is_a_warning_naming_the_encoding(tmp_path: Path) -> None:
    vni = "KEÁ HOAÏCH\n" + "1. Naâng cao nhaän thöùc veà bình ñaúng giôùi cho caùn boä, coâng chöùc, vieân chöùc.\n" * 4
    (tmp_path / "cu.txt").write_bytes(vni.encode("cp1252"))
    report = check_folder(tmp_path)
    assert report.errors == []
    assert [f.message for f in report.warnings] == [
        "đọc theo bảng mã VNI (phông VNI-Windows), đã chuyển sang Unicode; nên lưu lại tệp dưới dạng UTF-8"
    ]
