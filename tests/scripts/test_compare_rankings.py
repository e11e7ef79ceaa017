"""compare_rankings: rankings saved by one code compared with another's, question by question."""

import json

from scripts.compare_rankings import compare, main


def test_saved_rankings_compare_equal_to_themselves_and_show_each_kind_of_change(lexical_index, model_dir, tmp_path, capsys):
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps({"id": f"q{i}", "question": q}, ensure_ascii=False) + "\n"
                            for i, q in enumerate(["Lao động nữ được nghỉ thai sản bao lâu?", "Bình đẳng giới là gì?"])),
                    encoding="utf-8")
    saved = tmp_path / "before.json"
    common = ["--a", str(lexical_index), "--gold", str(gold), "--model", str(model_dir)]
    assert main([*common, "--save", str(saved)]) == 0
    before = json.loads(saved.read_text(encoding="utf-8"))
    assert main([*common, "--against", str(saved)]) == 0
    assert "lexical: same top 10 for 2/2, same top 5 for 2/2, same abstention for 2/2, same top 10 with the same scores for 2/2" in capsys.readouterr().out

    after = json.loads(json.dumps(before))
    first, second = list(after["lexical"].values())
    first["scores"][0] += 1e-6  # same passages, another score
    second["ids"][6], second["ids"][7] = second["ids"][7], second["ids"][6]  # reordered below the top 5
    assert compare(before, after) == [
        "lexical: same top 10 for 1/2, same top 5 for 2/2, same abstention for 2/2, same top 10 with the same scores for 0/2"
    ]
