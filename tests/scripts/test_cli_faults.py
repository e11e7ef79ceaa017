"""What a person sees when something is wrong: empty questions, a closed pipe, a read-only index,
an index without checksums, a messy documents folder. One Vietnamese line and exit 2, never a traceback."""

from __future__ import annotations

import errno
import json
import subprocess
import sys
from pathlib import Path

import pytest

from index import store
from scripts.cli import main

REPO = Path(__file__).resolve().parents[2]
LAW = "Điều 1. Phạm vi điều chỉnh\nLuật này quy định về bình đẳng giới trong các lĩnh vực của đời sống xã hội và gia đình."
VNI_PLAN = (
    "KEÁ HOAÏCH\nThöïc hieän coâng taùc bình ñaúng giôùi naêm 2024\n\n"
    "1. Naâng cao nhaän thöùc veà bình ñaúng giôùi cho caùn boä, coâng chöùc, vieân chöùc.\n"
)
ENGLISH_WORDS = ("tokenise_s", "lexical_s", "added:", "unchanged:", "skipped", "Error", "Traceback", "usage:")


@pytest.mark.parametrize("question", ["", "   ", "😀🙏", "?!…", "\u200b\u200b", "👍 ?"])
def test_a_question_without_words_exits_2_with_a_message_before_loading_the_index(question, tmp_path, capsys) -> None:
    assert main(["ask", "--index", str(tmp_path / "no-index-needed"), question]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Câu hỏi trống hoặc chỉ có biểu tượng, dấu câu" in captured.err
    assert "Chưa có chỉ mục" not in captured.err


def test_a_batch_keeps_one_json_line_per_question_and_exits_2_when_one_was_empty(lexical_index, capsys, monkeypatch) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO("Bình đẳng giới là gì?\n🙏🙏\nĐịnh kiến giới là gì?\n"))
    assert main(["ask", "--index", str(lexical_index), "--json", "-k", "1"]) == 2
    captured = capsys.readouterr()
    answers = [json.loads(line) for line in captured.out.splitlines()]
    assert [a["question"] for a in answers] == ["Bình đẳng giới là gì?", "🙏🙏", "Định kiến giới là gì?"]
    assert [a["abstained"] for a in answers] == [False, True, False]
    assert captured.err.count("Câu hỏi trống") == 1


def test_a_closed_pipe_ends_ask_quietly(lexical_index) -> None:
    # `binhdang ask … | head -1`: the reader goes away after the first line.
    process = subprocess.Popen(
        [sys.executable, "-m", "scripts.cli", "ask", "--index", str(lexical_index), "--json"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO,
        env={"HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)},
    )
    process.stdin.write("Bình đẳng giới là gì?\n".encode() * 50)
    process.stdin.close()
    first = process.stdout.readline()
    process.stdout.close()
    returncode = process.wait(timeout=120)
    stderr = process.stderr.read().decode()
    assert json.loads(first)["question"] == "Bình đẳng giới là gì?"
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr, stderr
    assert stderr == ""
    assert returncode == 141  # as a Unix tool ended by SIGPIPE


def test_a_read_only_index_directory_is_one_line_and_exit_2(tmp_path, write_documents, capsys, monkeypatch) -> None:
    docs = write_documents(tmp_path / "docs", {"luat.txt": LAW})
    index_dir = tmp_path / "index"
    assert main(["index", "build", "--docs", str(docs), "--index", str(index_dir), "--no-dense", "--quiet"]) == 0
    live = store.current_build(index_dir).resolve()
    capsys.readouterr()
    real_write_bytes = Path.write_bytes

    def read_only(self: Path, data: bytes):
        if self.absolute().is_relative_to(index_dir.absolute()):
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_write_bytes(self, data)

    monkeypatch.setattr(Path, "write_bytes", read_only)
    assert main(["index", "build", "--docs", str(docs), "--index", str(index_dir), "--no-dense", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("Lỗi: Không ghi được chỉ mục") and "không có quyền ghi" in err and "giữ nguyên" in err
    monkeypatch.undo()
    assert store.current_build(index_dir).resolve() == live
    assert main(["ask", "--index", str(index_dir), "-k", "1", "bình đẳng giới"]) == 0  # the old index still answers


def test_an_index_without_checksums_is_refused_in_one_line(tmp_path, write_documents, capsys) -> None:
    docs = write_documents(tmp_path / "docs", {"luat.txt": LAW})
    index_dir = tmp_path / "index"
    assert main(["index", "build", "--docs", str(docs), "--index", str(index_dir), "--no-dense", "--quiet"]) == 0
    manifest_path = store.current_build(index_dir) / store.MANIFEST
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest.pop("files")
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    capsys.readouterr()
    assert main(["ask", "--index", str(index_dir), "bình đẳng giới"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "thiếu mã kiểm tra" in err


def test_a_messy_folder_builds_and_the_summary_says_what_happened_in_vietnamese(tmp_path, write_documents, capsys) -> None:
    docs = tmp_path / "docs"
    write_documents(docs / "2023", {"luat.txt": LAW})
    write_documents(docs / "2024", {"luat.txt": LAW.replace("xã hội", "xã hội, kinh tế")})
    (docs / "ke-hoach-vni.txt").write_bytes(VNI_PLAN.encode("cp1252"))
    (docs / "qua-lon.txt").write_text(LAW * 100, encoding="utf-8")
    (docs / "manifest.json").write_bytes(b'{"sources": [')
    args = ["index", "build", "--docs", str(docs), "--index", str(tmp_path / "index"), "--no-dense", "--quiet", "--max-doc-mb", "0.005"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "tài liệu: 3" in out
    assert "thêm 3: 2023/luat, 2024/luat, ke-hoach-vni" in out
    assert "1 tệp không phải UTF-8, đã đọc và chuyển sang Unicode:\n    - ke-hoach-vni.txt: VNI (phông VNI-Windows)" in out
    assert "Cảnh báo: manifest.json không phải JSON hợp lệ (dòng 1, cột 14)" in out
    assert "- qua-lon.txt: quá lớn" in out
    for word in ENGLISH_WORDS:
        assert word not in out, word


def test_argparse_speaks_vietnamese(capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["index", "build"])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("Cách dùng: binhdang index build")
    assert "Lỗi: thiếu tham số bắt buộc: --docs" in err
    with pytest.raises(SystemExit):
        main(["ask", "--help"])
    out = capsys.readouterr().out
    assert "tùy chọn:" in out and "hiện hướng dẫn này rồi thoát" in out and "usage:" not in out
