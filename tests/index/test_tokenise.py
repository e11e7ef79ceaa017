from index.tokenise import analyse, analyse_protected, split_protected


def test_document_numbers_dates_and_percentages_stay_whole():
    text = "Nghị định số 125/2021/NĐ-CP ngày 28/12/2021, đạt 15% trở lên, Luật 73/2006/QH11, Kế hoạch 680/KH-SKHCN"
    spans = [piece for kind, piece in split_protected(text) if kind != "text"]
    assert spans == ["125/2021/NĐ-CP", "28/12/2021", "15%", "73/2006/QH11", "680/KH-SKHCN"]


def test_party_document_numbers_and_blank_numbers_are_recognised():
    spans = [piece for kind, piece in split_protected("Nghị quyết 11-NQ/TW và Số: /KH-KHCN") if kind != "text"]
    assert spans == ["11-NQ/TW", "/KH-KHCN"]


def test_a_full_date_also_matches_its_day_and_month():
    analysis = analyse("từ ngày 15/11 đến ngày 15/12/2023")
    assert "15/11" in analysis.words
    assert "15/12/2023" in analysis.words and "15/12" in analysis.words


def test_leading_zeros_do_not_matter_for_dates():
    assert "19/5/2009" in analyse("ngày 19/05/2009").words


def test_year_ranges_are_one_term_with_or_without_spaces():
    assert "2021-2030" in analyse("giai đoạn 2021 -2030").words
    assert "2021-2030" in analyse("giai đoạn 2021-2030").words


def test_words_are_segmented_and_question_words_dropped():
    words = analyse("Bình đẳng giới là gì?").words
    assert "bình_đẳng" in words and "giới" in words
    assert "là" not in words and "gì" not in words


def test_question_without_diacritics_shares_plain_terms_with_the_marked_text():
    marked = set(analyse("Tháng hành động vì bình đẳng giới").plain)
    bare = set(analyse("thang hanh dong vi binh dang gioi").plain)
    assert {"thang_hanh", "hanh_dong", "binh_dang", "dang_gioi"} <= marked & bare


def test_abbreviations_add_their_expansion_terms():
    assert "bình_đẳng" in analyse("công tác BĐG").words


def test_document_numbers_typed_in_lower_case_stay_whole():
    """On a phone people type '48/2009/nd-cp'; it names the same document as '48/2009/NĐ-CP'."""
    from index.questions import document_numbers

    for typed, written in (
        ("nghi dinh 48/2009/nd-cp", "Nghị định 48/2009/NĐ-CP"),
        ("ke hoach 95/kh-ubnd", "Kế hoạch 95/KH-UBND"),
        ("luat 73/2006/qh11", "Luật 73/2006/QH11"),
    ):
        assert document_numbers(typed) == document_numbers(written) != frozenset()
        assert analyse_protected(typed)[0].replace("đ", "d") == analyse_protected(written)[0].replace("đ", "d")


def test_a_slash_between_words_or_bare_numbers_is_no_document_number():
    from index.questions import document_numbers

    assert document_numbers("nam và/hoặc nữ, tỷ lệ 1/2, năm 12/2020") == frozenset()
