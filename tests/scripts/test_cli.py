"""The `binhdang` command line: the `ask --json` contract, evaluation, and plain errors."""

import json
import subprocess
import sys
from pathlib import Path

from scripts.cli import main
from scripts.evaluate import GoldQuestion, is_hit

REPO = Path(__file__).resolve().parents[2]


def run_cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scripts.cli", *args],
        input=stdin, capture_output=True, text=True, cwd=REPO, timeout=120,
        env={"HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"},
    )


def test_ask_json_reads_questions_from_stdin_one_object_per_line(lexical_index):
    done = run_cli("ask", "--index", str(lexical_index), "--json", "-k", "3",
                   stdin="Bình đẳng giới là gì?\nGiá xăng hôm nay bao nhiêu?\n")
    assert done.returncode == 0, done.stderr
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert [a["question"] for a in answers] == ["Bình đẳng giới là gì?", "Giá xăng hôm nay bao nhiêu?"]
    first, second = answers
    assert set(first) == {"question", "abstained", "passages", "latency_ms"}
    assert not first["abstained"] and len(first["passages"]) == 3
    assert set(first["passages"][0]) == {"source_id", "title", "citation", "text", "score"}
    assert second["abstained"] and second["passages"] == []


def test_ask_shows_the_documents_standing_and_currency_note_and_no_score(lexical_index, capsys):
    question = "Bộ nào chịu trách nhiệm quản lý nhà nước về bình đẳng giới trong phạm vi cả nước?"
    assert main(["ask", "--index", str(lexical_index), "-k", "3", question]) == 0
    out = capsys.readouterr().out
    nd70 = out[out.index("Nghị định 70/2008/NĐ-CP"):]
    assert nd70.splitlines()[1].startswith("⚖️ Có hiệu lực từ ngày 3/7/2008. Văn bản đã có quy định được sửa đổi")
    assert "từ 01/3/2025 chức năng này thuộc Bộ Nội vụ" in nd70.splitlines()[2]
    assert "(điểm" not in out and "score" not in out
    assert main(["ask", "--index", str(lexical_index), "-k", "1", "--debug", question]) == 0
    assert "(độ khớp " in capsys.readouterr().out.splitlines()[0]


def test_ask_prints_citations_above_the_quoted_text(lexical_index, capsys):
    assert main(["ask", "--index", str(lexical_index), "-k", "1", "Định kiến giới là gì?"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("[1] Luật Bình đẳng giới 73/2006/QH11 (Quốc hội, 29/11/2006), Điều 5")
    assert "Định kiến giới là nhận thức, thái độ và đánh giá thiên lệch" in out


def test_missing_index_is_one_plain_line_and_exit_status_two(tmp_path):
    done = run_cli("ask", "--index", str(tmp_path / "nowhere"), "câu hỏi")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "binhdang index build" in done.stderr


def test_unreadable_documents_folder_is_reported_plainly(tmp_path):
    done = run_cli("index", "build", "--docs", str(tmp_path / "missing"), "--index", str(tmp_path / "i"), "--no-dense")
    assert done.returncode == 2
    assert "Không tìm thấy thư mục tài liệu" in done.stderr and "Traceback" not in done.stderr


def test_an_empty_question_gets_a_clear_message(lexical_index, capsys):
    assert main(["ask", "--index", str(lexical_index), "   ?? "]) == 2
    assert "Câu hỏi trống" in capsys.readouterr().err


def test_build_reports_skipped_files_with_their_reason(tmp_path, write_documents, capsys):
    docs = write_documents(tmp_path / "docs", {"luat.txt": "Điều 1. Phạm vi\nLuật này quy định về bình đẳng giới trong gia đình và ngoài xã hội."})
    (docs / "hong.pdf").write_bytes(b"%PDF-1.4 truncated")
    assert main(["index", "build", "--docs", str(docs), "--index", str(tmp_path / "i"), "--no-dense", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "tài liệu: 1" in out and "hong.pdf" in out


def test_eval_prints_the_table_and_the_misses(lexical_index, tmp_path, capsys):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        json.dumps({"id": "a", "question": "Định kiến giới là gì?", "answers": ["Định kiến giới là"], "sources": ["luat-binh-dang-gioi-2006"]}, ensure_ascii=False)
        + "\n"
        + json.dumps({"id": "b", "question": "Cách nấu phở bò ngon", "answers": [], "sources": []}, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    assert main(["eval", "--gold", str(gold), "--index", str(lexical_index), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["hit@1"] == 1.0 and summary["out_of_scope_declined"] == 1.0


def test_scoring_compares_nfc_lower_case_and_collapsed_whitespace():
    gold = GoldQuestion("x", "q", answers=("15/11", "Tháng   hành động"), sources=("s",))
    decomposed = "tha\u0301ng ha\u0300nh \u0111o\u0323\u0302ng"  # NFD spelling of "tháng hành động"
    shown = {"source_id": "s", "title": "", "citation": "", "text": f"{decomposed.upper()} từ ngày 15/11"}
    assert is_hit(gold, shown)
    assert not is_hit(gold, dict(shown, source_id="other"))
