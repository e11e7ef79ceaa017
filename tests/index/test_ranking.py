"""The fitted ranking: hard negatives declined in fused mode, words not syllables, the model
file's contract, and the cross-validation machinery.

The hard negatives are written here, near the domain on purpose (retirement, insurance, pay,
exams, maths, household registration), and are not questions of ../shared/eval/dev.jsonl.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from index.features import ANSWERABILITY_FEATURES, FEATURE_NAMES
from index.ranker import Ranker, RankerMismatch, choose_threshold, model_path
from scripts.crossval import stratified_folds
from scripts.evaluate import GoldQuestion

NEAR_DOMAIN_NEGATIVES = [
    "Nam giới sinh năm 1970 thì bao nhiêu tuổi được nghỉ hưu?",
    pytest.param(
        "Người sử dụng lao động phải đóng bảo hiểm thất nghiệp bao nhiêu phần trăm tiền lương?",
        marks=pytest.mark.xfail(
            strict=True,
            reason="known miss: answered from BLLĐ Điều 139 / NĐ 145 Điều 78, which share employer, "
            "insurance and wage words; the answerability model does not yet see that no passage states a rate",
        ),
    ),
    "Giáo viên tiểu học hạng II được xếp hệ số lương từ bao nhiêu?",
    "Thi nâng ngạch chuyên viên chính gồm những môn thi nào?",
    "Cách giải phương trình bậc hai có hai nghiệm phân biệt",
    "Đăng ký thường trú cho trẻ mới sinh cần giấy tờ gì?",
    "Thuế giá trị gia tăng của hàng nông sản là bao nhiêu phần trăm?",
]


@pytest.mark.parametrize("question", NEAR_DOMAIN_NEGATIVES)
def test_near_domain_question_the_documents_do_not_answer_is_declined_in_fused_mode(fused_searcher, question):
    result = fused_searcher.search(question)
    assert result.abstained, [hit.passage.citation for hit in result.hits[:2]]
    assert result.hits == ()


@pytest.mark.parametrize(
    "question, expected",
    [
        ("Lao động nữ được nghỉ thai sản bao lâu?", "06 tháng"),
        ("nghỉ đẻ được mấy tháng", "06 tháng"),
        ("Những hành vi nào bị nghiêm cấm trong lĩnh vực bình đẳng giới?", "hành vi vi phạm"),
    ],
)
def test_questions_the_documents_answer_are_answered_in_fused_mode(fused_searcher, question, expected):
    result = fused_searcher.search(question)
    assert not result.abstained
    assert any(expected.lower() in hit.passage.text.lower() for hit in result.hits[:3])


def test_a_word_is_not_covered_by_its_syllables_in_other_words(lexical_searcher):
    """'phương trình' (equation) is one word: a passage with 'giải', 'địa phương' and 'trình'
    holds 'giải' but not 'phương trình', so it does not cover 'Giải phương trình'."""
    gathered = lexical_searcher.gather("Giải phương trình", "lexical")
    coverage = gathered.features[:, FEATURE_NAMES.index("coverage_words")]
    decoys = 0
    for row, position in enumerate(gathered.indices):
        text = lexical_searcher.passages[int(position)].text.lower()
        if "phương trình" not in text:
            assert coverage[row] < 1.0, text[:120]
            decoys += all(word in text for word in ("giải", "phương", "trình"))
    assert decoys, "the corpus should hold a passage with every syllable apart"


def test_bare_numbers_are_not_content_words(lexical_searcher):
    """'2' and '2024' say nothing of the topic: a question made of a topic and numbers is covered
    by a passage holding the topic."""
    with_numbers = lexical_searcher.gather("thai sản 2 2024", "lexical")
    coverage = with_numbers.features[:, FEATURE_NAMES.index("coverage_words")]
    assert coverage.max() == pytest.approx(1.0)


def test_the_shipped_models_are_fit_on_the_features_this_code_computes():
    for mode in ("fused", "lexical"):
        ranker = Ranker.load(model_path(mode))
        assert ranker.candidates.feature_names == FEATURE_NAMES
        assert ranker.answerability.feature_names == ANSWERABILITY_FEATURES
        assert 0.0 < ranker.threshold < 1.0
        recorded = ranker.info["cross_validated"]
        assert recorded["folds"] == 5 and "hit@1" in recorded and "out_of_scope_declined" in recorded
        assert "sha256" in ranker.info["fit_on"] and ranker.info["seed"] == 13
        assert "negatives.txt" in ranker.info["negatives"] and "sha256" in ranker.info["negatives"]


def test_the_written_negatives_are_neither_dev_questions_nor_the_tests_hard_negatives(corpus_dir):
    """The answerability model learns from index/models/negatives.txt; the questions it is
    scored on (dev) and the hard negatives these tests check must be other questions."""
    from scripts.crossval import NEGATIVES_FILE, read_negatives
    from scripts.evaluate import normalise_for_scoring, read_gold

    written = {normalise_for_scoring(q.question) for q in read_negatives(NEGATIVES_FILE)}
    assert len(written) >= 50
    dev = corpus_dir.parent / "eval" / "dev.jsonl"
    assert not written & {normalise_for_scoring(q.question) for q in read_gold(dev)}
    tested = {normalise_for_scoring(q if isinstance(q, str) else q.values[0]) for q in NEAR_DOMAIN_NEGATIVES}
    assert not written & tested
    assert all(not q.in_scope for q in read_negatives(NEGATIVES_FILE))


def test_written_negatives_join_the_fit_but_are_never_scored():
    """Cross-validation scores exactly the gold questions; the negatives only change the fit."""
    from index.searcher import Gathered
    from scripts.crossval import Collected, cross_validate

    rng = np.random.default_rng(0)

    def collected(name: str, in_scope: bool) -> Collected:
        features = rng.normal(size=(6, len(FEATURE_NAMES)))
        labels = np.zeros(6)
        if in_scope:
            features[0] += 2.0
            labels[0] = 1.0
        gathered = Gathered(np.arange(6), features, None, "")
        gold = GoldQuestion(name, name, ("x",) if in_scope else (), ("s",) if in_scope else ())
        return Collected(gold, gathered, labels, [f"{name}-{i}" for i in range(6)], 1.0)

    items = [collected(f"q{i}", i % 4 != 0) for i in range(40)]
    negatives = [collected(f"n{i}", False) for i in range(20)]
    with_negatives, _ = cross_validate(items, 5, negatives=negatives)
    without, _ = cross_validate(items, 5)
    assert [o.gold.id for o in with_negatives.outcomes] == [item.gold.id for item in items]
    assert len(with_negatives.outcomes) == len(without.outcomes) == 40


def test_a_model_fit_on_other_features_is_refused_with_the_refit_command(tmp_path):
    data = json.loads(model_path("lexical").read_text(encoding="utf-8"))
    data["candidates"]["feature_names"] = data["candidates"]["feature_names"][:-1] + ["something_else"]
    path = tmp_path / "ranker-lexical.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(RankerMismatch, match="binhdang ranker fit"):
        Ranker.load(path)


def test_folds_spread_in_and_out_of_scope_questions_evenly_and_repeatably():
    gold = [GoldQuestion(str(i), f"q{i}", (), ("s",) if i % 5 else ()) for i in range(50)]
    folds = stratified_folds(gold, 5, seed=3)
    assert folds == stratified_folds(gold, 5, seed=3)
    for fold in range(5):
        members = [g for g, f in zip(gold, folds) if f == fold]
        assert len(members) == 10
        assert sum(1 for g in members if not g.in_scope) == 2


def test_threshold_declines_what_is_out_of_scope_and_keeps_what_is_answered():
    answerability = np.array([0.9, 0.8, 0.7, 0.3, 0.2, 0.6])
    in_scope = np.array([True, True, True, False, False, True])
    hit = np.array([True, True, True, False, False, False])
    threshold = choose_threshold(answerability, in_scope, hit)
    assert 0.3 < threshold <= 0.7


NEW_PLAN = """ỦY BAN NHÂN DÂN HUYỆN MINH LONG
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 27/KH-UBND
Minh Long, ngày 12 tháng 2 năm 2026

KẾ HOẠCH
Tập huấn lồng ghép giới cho cán bộ cấp xã năm 2026

Căn cứ Luật Bình đẳng giới ngày 29 tháng 11 năm 2006;
Ủy ban nhân dân huyện ban hành Kế hoạch tập huấn lồng ghép giới như sau:

I. MỤC ĐÍCH, YÊU CẦU
Trang bị kỹ năng lồng ghép giới trong xây dựng chính sách cho cán bộ, công chức cấp xã.

II. NỘI DUNG
1. Tổ chức 04 lớp tập huấn về kỹ năng lồng ghép giới, mỗi lớp 02 ngày, trong quý II năm 2026.
2. Biên soạn sổ tay hỏi đáp về phòng chống bạo lực gia đình phát cho các thôn, tổ dân phố.

III. TỔ CHỨC THỰC HIỆN
Giao Phòng Nội vụ huyện chủ trì, phối hợp với Hội Liên hiệp Phụ nữ huyện tổ chức các lớp tập huấn.

Nơi nhận:
- Sở Nội vụ tỉnh;
- UBND các xã;
- Lưu: VT.

KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
(Đã ký)
Đinh Văn Khoa
"""


@pytest.fixture(scope="module")
def searcher_with_a_new_plan(corpus_dir, tmp_path_factory):
    """The starter corpus plus a plan written here, as an admin would add one tomorrow."""
    import shutil

    from index.build import build_index
    from index.searcher import open_index

    docs = tmp_path_factory.mktemp("docs") / "corpus"
    shutil.copytree(corpus_dir, docs)
    (docs / "minh-long-ubnd-2026.txt").write_text(NEW_PLAN, encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("index-new-plan")
    build_index(docs, index_dir)
    return open_index(index_dir)


@pytest.mark.parametrize(
    "question, expected",
    [
        ("Huyện Minh Long tổ chức bao nhiêu lớp tập huấn lồng ghép giới năm 2026?", "04 lớp tập huấn"),
        ("Ở huyện Minh Long cơ quan nào chủ trì các lớp tập huấn lồng ghép giới?", "Phòng Nội vụ huyện chủ trì"),
        ("Ai ký Kế hoạch 27/KH-UBND của huyện Minh Long?", "Đinh Văn Khoa"),
        ("ai ky ke hoach tap huan long ghep gioi cua huyen minh long", "Đinh Văn Khoa"),
        ("Kế hoạch 27/KH-UBND của huyện Minh Long gửi cho những cơ quan nào?", "Sở Nội vụ tỉnh"),
    ],
)
def test_a_plan_added_tomorrow_is_answered_from_itself(searcher_with_a_new_plan, question, expected):
    result = searcher_with_a_new_plan.search(question, k=3, mode="lexical")
    assert not result.abstained, result.reason
    top = result.hits[0]
    assert top.source.id == "minh-long-ubnd-2026", top.passage.citation
    assert expected in top.passage.text


def test_the_signature_answer_is_cited_with_the_signer(searcher_with_a_new_plan):
    top = searcher_with_a_new_plan.search("Ai ký Kế hoạch 27/KH-UBND của huyện Minh Long?", k=1, mode="lexical").hits[0]
    assert top.source.signer == "Đinh Văn Khoa"
    assert "Đinh Văn Khoa" in top.passage.citation


def test_asking_what_holds_now_prefers_the_document_in_force(fused_searcher):
    """'hiện nay': the ministry's current remit (NĐ 25/2025, in force), not the superseded 2008 rule."""
    from knowledge.levels import is_in_force

    result = fused_searcher.search("Hiện nay cơ quan nào được giao quản lý nhà nước về công tác bình đẳng giới?", k=3)
    assert not result.abstained
    assert is_in_force(result.hits[0].source), result.hits[0].passage.citation


@pytest.mark.parametrize("mode", ["lexical", "fused"])
def test_an_everyday_question_is_answered_from_the_legal_wording(lexical_searcher, fused_searcher, mode):
    """'có bầu … ca đêm' is what people type; the law says 'mang thai … làm việc ban đêm'."""
    searcher = fused_searcher if mode == "fused" else lexical_searcher
    result = searcher.search("Chị em đang có bầu thì sếp có được xếp làm ca đêm không?", mode=mode)
    assert not result.abstained, result.reason
    assert any("làm việc ban đêm" in hit.passage.text for hit in result.hits[:3]), [
        hit.passage.citation for hit in result.hits[:3]
    ]


def test_everyday_words_count_as_covered_where_a_passage_has_the_legal_words(lexical_searcher):
    gathered = lexical_searcher.gather("đang có bầu", "lexical")
    coverage = gathered.features[:, FEATURE_NAMES.index("coverage_words")]
    assert coverage.max() == pytest.approx(1.0)
    unknown = gathered.features[:, FEATURE_NAMES.index("unknown_words")]
    assert unknown.max() == 0.0


def test_words_asking_for_the_kind_of_answer_are_not_content():
    from index.searcher import _content_terms

    assert _content_terms(["dự_án", "tên", "đầy_đủ"], ()) == ["dự_án"]
    assert _content_terms(["biện_pháp", "chấm_dứt", "lúc_nào"], ()) == ["biện_pháp", "chấm_dứt"]
    assert _content_terms(["thế_nào", "coi", "quấy_rối", "tình_dục"], ()) == ["quấy_rối", "tình_dục"]


def test_a_syllable_left_bare_by_restoration_is_matched_as_typed(lexical_searcher):
    """'dat' (đạt, đất, đặt …) that restoration could not settle is a known bare syllable, not a
    word the corpus never saw."""
    from index.searcher import _presence

    lexical = lexical_searcher.lexical
    assert "dat" not in lexical["words"].vocabulary and "dat" in lexical["plain"].vocabulary
    positions = np.arange(len(lexical_searcher.passages))
    bare = (lexical["plain"], lexical["context_plain"])
    in_passage, _, known, _ = _presence(["dat"], positions, lexical["words"], lexical["context_words"], bare)
    assert known[0] and in_passage[:, 0].any()
    _, _, known, _ = _presence(["dat"], positions, lexical["words"], lexical["context_words"])
    assert not known[0]


def test_a_document_number_typed_in_lower_case_finds_its_document(lexical_searcher):
    result = lexical_searcher.search("thong tu 191/2009/tt-btc huong dan noi dung gi", mode="lexical")
    assert not result.abstained, result.reason
    assert result.hits[0].source.number == "191/2009/TT-BTC"


def test_a_document_number_no_document_has_is_declined_even_in_lower_case(fused_searcher):
    result = fused_searcher.search("nghi dinh 20/2015/nd-cp quy dinh ve van de gi")
    assert result.abstained and "20/2015/nd-cp" in result.reason


def test_a_bare_syllable_that_may_be_a_function_word_is_not_content_once_restored():
    """'may' typed bare is 'mấy' (how many) as often as 'máy' (machine): whatever restoration
    picks, a question typed bare is not asked to hold it."""
    from index.searcher import _content_terms

    assert _content_terms(["nghỉ", "máy", "tháng"], (), typed_bare=True) == ["nghỉ", "tháng"]
    assert _content_terms(["nghỉ", "máy", "tháng"], ()) == ["nghỉ", "máy", "tháng"]  # typed with marks: meant


def test_a_restored_word_no_passage_spells_so_is_matched_as_typed(lexical_searcher):
    """In a question typed bare, restoration's marks are a guess: a word restored with marks no
    passage has ('dat' read as 'dát') is looked up as 'dat', the spelling that was typed."""
    from index.searcher import _presence

    lexical = lexical_searcher.lexical
    assert "dát" not in lexical["words"].vocabulary and "dat" in lexical["plain"].vocabulary
    positions = np.arange(len(lexical_searcher.passages))
    bare = (lexical["plain"], lexical["context_plain"])
    _, _, known, _ = _presence(["dát"], positions, lexical["words"], lexical["context_words"], bare, typed_bare=True)
    assert known[0]
    _, _, known, _ = _presence(["dát"], positions, lexical["words"], lexical["context_words"], bare)
    assert not known[0]
