from knowledge.splitting import MAX_CHARS, repair_broken_lines, split_text

LAW = """Chương I NHỮNG QUY ĐỊNH CHUNG

Điều 1. Phạm vi điều chỉnh
Luật này quy định nguyên tắc bình đẳng giới trong các lĩnh vực của đời sống xã hội và gia đình.

Điều 5. Giải thích từ ngữ
Trong Luật này, các từ ngữ dưới đây được hiểu như sau:
""" + "\n".join(
    f"{n}. Khái niệm số {n} là một định nghĩa dài được viết ra để kiểm tra việc tách đoạn theo khoản "
    + "và giữ tiêu đề của Điều ở đầu mỗi đoạn trích dẫn. " * 3
    for n in range(1, 9)
)

PLAN = """Số: 12/KH-UBND

KẾ HOẠCH
Thực hiện công tác bình đẳng giới năm 2024

I. MỤC ĐÍCH, YÊU CẦU

1. Mục đích

Nâng cao nhận thức của công chức, viên chức và người lao động về bình đẳng giới.

2. Yêu cầu

Tổ chức thực hiện thiết thực, hiệu quả, phù hợp với tình hình của cơ quan.

II. TỔ CHỨC THỰC HIỆN

Giao Văn phòng chủ trì, theo dõi đôn đốc thực hiện Kế hoạch này.

Nơi nhận:
- Lưu: VT.
"""


def test_a_short_article_is_one_passage_cited_by_its_dieu():
    pieces = split_text(LAW)
    first = pieces[0]
    assert first.location == "Điều 1"
    assert first.text.startswith("Điều 1. Phạm vi điều chỉnh\nLuật này")


def test_a_long_article_splits_by_khoan_each_prefixed_with_the_article_heading():
    pieces = [p for p in split_text(LAW) if p.section == "Điều 5"]
    assert len(pieces) > 1
    for piece in pieces:
        assert piece.text.startswith("Điều 5. Giải thích từ ngữ\nTrong Luật này, các từ ngữ dưới đây được hiểu như sau:")
        assert piece.location.startswith("Điều 5 khoản ")
        assert len(piece.text) <= MAX_CHARS
    all_text = "\n".join(p.text for p in pieces)
    for n in range(1, 9):
        assert f"{n}. Khái niệm số {n}" in all_text


def test_plan_sections_are_cited_by_their_numbering_and_never_a_lone_heading():
    pieces = split_text(PLAN)
    locations = [p.location for p in pieces]
    assert any(loc.startswith("mục I") for loc in locations)
    assert any(loc.startswith("mục II") for loc in locations)
    for piece in pieces:
        assert len(piece.text.splitlines()) > 1 or len(piece.text) > 80


def test_distribution_list_after_noi_nhan_is_its_own_recipients_passage():
    pieces = split_text(PLAN)
    with_list = [p for p in pieces if "Lưu: VT" in p.text]
    assert len(with_list) == 1 and with_list[0].role == "recipients" and with_list[0].text.startswith("Nơi nhận:")
    assert all(p.role != "recipients" for p in pieces if p is not with_list[0])


def test_a_paragraph_broken_by_a_page_break_is_joined_again():
    text = "1. Phổ biến Kế hoạch số 183/KH-UBND\n\nngày 13/3/2022 của Ủy ban nhân dân tỉnh.\n\n2. Tiếp theo."
    lines = repair_broken_lines(text)
    assert lines[0] == "1. Phổ biến Kế hoạch số 183/KH-UBND ngày 13/3/2022 của Ủy ban nhân dân tỉnh."


def test_a_lower_case_point_marker_is_not_taken_for_a_broken_line():
    lines = repair_broken_lines("Điều 2. Nhiệm vụ\n1. Về lĩnh vực:\na) Hướng dẫn thực hiện")
    assert lines == ["Điều 2. Nhiệm vụ", "1. Về lĩnh vực:", "a) Hướng dẫn thực hiện"]


def test_every_passage_line_is_a_line_of_the_source(corpus_dir):
    for path in sorted(corpus_dir.glob("*.txt")):
        source_lines = set(repair_broken_lines(path.read_text(encoding="utf-8")))
        for piece in split_text(path.read_text(encoding="utf-8")):
            for line in piece.text.splitlines():
                assert line in source_lines or any(line in s for s in source_lines), (path.name, line)
