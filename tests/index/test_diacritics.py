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


def test_table_counted_flat_equals_counting_each_bare_form_on_its_own(corpus_dir):
    from collections import Counter, defaultdict

    from index.diacritics import _SYLLABLE, _confident
    from index.normalise import match_key, strip_diacritics
    from knowledge.ingest import ingest_folder

    texts = [passage.text for passage in ingest_folder(corpus_dir).passages]
    pair_counts, single_counts = defaultdict(Counter), defaultdict(Counter)
    for text in texts:  # the straightforward way the table was first counted
        syllables = _SYLLABLE.findall(match_key(text))
        for syllable in syllables:
            single_counts[strip_diacritics(syllable)][syllable] += 1
        for first, second in zip(syllables, syllables[1:]):
            pair_counts[(strip_diacritics(first), strip_diacritics(second))][(first, second)] += 1
    table = DiacriticTable.from_texts(texts)
    assert table.pairs == _confident(pair_counts) and table.singles == _confident(single_counts)
    assert list(table.pairs.items()) == list(_confident(pair_counts).items())  # same order too
