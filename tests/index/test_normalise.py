from index.normalise import (
    abbreviation_expansions,
    fold_tone,
    has_diacritics,
    nfc,
    replace_abbreviations,
    strip_diacritics,
    syllables_of,
)


def test_old_and_new_tone_mark_styles_fold_to_one_spelling():
    assert fold_tone("hoà") == fold_tone("hòa")
    assert fold_tone("thuỷ") == fold_tone("thủy")
    assert fold_tone("Uỷ ban") == fold_tone("Ủy ban")
    assert fold_tone("khoẻ") == fold_tone("khỏe")


def test_tone_folding_leaves_syllables_without_alternatives_alone():
    for word in ["của", "định", "người", "thuyền", "quả", "giữa", "Nghị"]:
        assert fold_tone(word) == word


def test_decomposed_input_is_composed_to_nfc():
    decomposed = "bi\u0300nh đa\u0306\u0309ng"
    assert nfc(decomposed) == "bình đẳng"
    assert fold_tone(decomposed) == "bình đẳng"


def test_diacritics_are_stripped_and_d_bar_becomes_d():
    assert strip_diacritics("Tháng hành động vì bình đẳng giới") == "Thang hanh dong vi binh dang gioi"
    assert strip_diacritics("ĐẲNG") == "DANG"
    assert has_diacritics("bình") and not has_diacritics("binh dang gioi")


def test_abbreviations_expand_from_the_table():
    assert abbreviation_expansions("Công tác BĐG của Sở KH&CN") == ["bình đẳng giới", "khoa học và công nghệ"]
    assert "vì sự tiến bộ của phụ nữ" in abbreviation_expansions("hoạt động VSTBPN")


def test_long_abbreviations_also_match_typed_bare_and_lower_case():
    assert abbreviation_expansions("cong tac bdg cua ubnd") == ["bình đẳng giới", "ủy ban nhân dân"]


def test_two_letter_abbreviations_with_a_vowel_need_their_written_case(tmp_path):
    """'ub' typed bare may be a word; 'kh' cannot be a Vietnamese syllable, so it is the abbreviation."""
    table = tmp_path / "abbreviations.tsv"
    table.write_text("UB\tủy ban\nKH\tkế hoạch\n", encoding="utf-8")
    assert abbreviation_expansions("ub", table) == []
    assert abbreviation_expansions("UB", table) == ["ủy ban"]
    assert abbreviation_expansions("kh", table) == ["kế hoạch"]


def test_replacing_abbreviations_keeps_the_rest_of_the_text():
    assert replace_abbreviations("BĐG năm 2020") == "bình đẳng giới năm 2020"


def test_content_syllables_drop_question_words_but_keep_marked_content_words():
    assert syllables_of("Bình đẳng giới là gì?", marked=True) == ["bình", "đẳng", "giới"]
    # 'cơ' is content even though bare 'co' could be the stop word 'có'
    assert "cơ" in syllables_of("bạo lực trên cơ sở giới", marked=True)
    assert syllables_of("binh dang gioi la gi", marked=False) == ["binh", "dang", "gioi"]


def test_stripping_character_by_character_equals_decomposing_the_whole_text():
    import random
    import unicodedata

    def whole_text(text: str) -> str:
        decomposed = unicodedata.normalize("NFD", text)
        return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("đ", "d").replace("Đ", "D")

    rng = random.Random(7)
    texts = [
        "Ủy ban nhân dân tỉnh Bình Phước ĐẲNG",
        unicodedata.normalize("NFD", "Thuỷ hoà Nguyễn ệ ẫ"),  # decomposed input, marks as separate characters
        "a\u0323\u0302 o\u0302\u0301 Å Ω ﬁ ǅ",
        *("".join(chr(rng.randint(32, 0x2FFF)) for _ in range(300)) for _ in range(50)),
    ]
    for text in texts:
        assert strip_diacritics(text) == whole_text(text)


def test_short_abbreviations_without_a_vowel_are_read_in_lower_case_too():
    """'kh', 'nd', 'tp' cannot be Vietnamese syllables, so typed bare they are the abbreviations."""
    from index.normalise import replace_abbreviations

    assert replace_abbreviations("kh 174 cua tp hcm") == "kế hoạch 174 cua thành phố hồ chí minh"
    assert replace_abbreviations("nd 48/2009") == "nghị định 48/2009"
