from index.diacritics import DiacriticTable

CORPUS_TEXTS = [
    "Tháng hành động vì bình đẳng giới và phòng ngừa, ứng phó với bạo lực trên cơ sở giới.",
    "Triển khai Tháng hành động vì bình đẳng giới từ ngày 15/11.",
    "Lao động nữ được nghỉ thai sản trước và sau khi sinh con.",
    "Lao động nữ được nghỉ và hưởng chế độ thai sản.",
]


def test_a_bare_question_gets_the_corpus_spelling_back():
    table = DiacriticTable.from_texts(CORPUS_TEXTS)
    assert table.restore("thang hanh dong vi binh dang gioi") == "tháng hành động vì bình đẳng giới"
    assert table.restore("lao dong nu nghi thai san") == "lao động nữ nghỉ thai sản"


def test_a_question_with_marks_is_left_as_typed():
    table = DiacriticTable.from_texts(CORPUS_TEXTS)
    assert table.restore("Lao động nữ") is None


def test_syllables_the_corpus_is_unsure_of_stay_bare():
    table = DiacriticTable.from_texts(CORPUS_TEXTS + ["ma mà má mả mã mạ"] * 2)
    restored = table.restore("lao dong nu ma")
    assert restored is not None and restored.endswith(" ma")


def test_mostly_unknown_words_are_not_restored_at_all():
    table = DiacriticTable.from_texts(CORPUS_TEXTS)
    assert table.restore("gia xang ron hom nay") is None
