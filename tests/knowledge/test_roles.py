"""Passages know their role in the document; the signer is read; questions say which roles they ask about."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from knowledge import roles
from knowledge.ingest import ingest_folder
from knowledge.roles import role_of, roles_asked
from knowledge.signature import parse_signer, split_tail
from knowledge.splitting import split_text


@pytest.fixture(scope="module")
def corpus(corpus_dir):
    return ingest_folder(corpus_dir)


def _document(corpus, source_id):
    return next(d for d in corpus.documents if d.source.id == source_id)


def test_every_passage_of_the_starter_corpus_has_a_known_role(corpus):
    for passage in corpus.passages:
        assert passage.role in roles.ROLES, passage.id


def test_plans_with_a_signature_get_a_signer_and_a_signature_passage(corpus):
    expected = {
        "tp-hcm-ubnd-2025": ("Trần Thị Diệu Thúy", "KT. CHỦ TỊCH, PHÓ CHỦ TỊCH"),
        "bac-giang-skhcn-2024": ("Triệu Ngọc Trung", "KT. GIÁM ĐỐC, PHÓ GIÁM ĐỐC"),
        "ha-nam-sct-2020": ("Đinh Văn An", "GIÁM ĐỐC"),
        "nd-25-2025-bo-noi-vu": ("Nguyễn Hòa Bình", "KT. THỦ TƯỚNG, PHÓ THỦ TƯỚNG"),
    }
    for source_id, (name, title) in expected.items():
        document = _document(corpus, source_id)
        assert (document.source.signer, document.source.signer_title) == (name, title)
        signatures = [p for p in document.passages if p.role == roles.SIGNATURE]
        assert len(signatures) == 1 and name in signatures[0].text
        assert name in signatures[0].citation and title in signatures[0].citation


def test_a_document_without_a_signature_block_has_no_signer(corpus):
    for source_id in ("luat-binh-dang-gioi-2006", "binh-phuoc-ubnd-2023", "lai-chau-skhcn-2024"):
        document = _document(corpus, source_id)
        assert document.source.signer == ""
        assert all(p.role != roles.SIGNATURE for p in document.passages)


def test_the_signature_of_nd_25_is_no_longer_glued_into_its_last_article(corpus):
    document = _document(corpus, "nd-25-2025-bo-noi-vu")
    last_article = [p for p in document.passages if p.section == "Điều 5"]
    assert last_article and all("Nguyễn Hòa Bình" not in p.text and "Lưu: VT" not in p.text for p in last_article)
    assert last_article[0].role == roles.EXECUTION


def test_noi_nhan_is_kept_as_a_recipients_passage(corpus):
    for source_id in ("tp-hcm-ubnd-2025", "bac-giang-skhcn-2024", "ha-nam-sct-2020", "nd-25-2025-bo-noi-vu"):
        recipients = [p for p in _document(corpus, source_id).passages if p.role == roles.RECIPIENTS]
        assert recipients, source_id
        assert any("Lưu" in p.text for p in recipients)
    hcm = [p for p in _document(corpus, "tp-hcm-ubnd-2025").passages if p.role == roles.RECIPIENTS]
    assert "Bộ Nội vụ" in hcm[0].text and hcm[0].location == "nơi nhận"


def test_letterhead_preamble_and_execution_roles_on_the_corpus(corpus):
    hcm = _document(corpus, "tp-hcm-ubnd-2025").passages
    assert hcm[0].role == roles.LETTERHEAD and "Số: 174/KH-UBND" in hcm[0].text
    preamble = [p for p in hcm if p.role == roles.PREAMBLE]
    assert preamble and all(p.text.startswith("Căn cứ") for p in preamble)
    # The title of a plan that starts with "Thực hiện …" is letterhead, the "Căn cứ" line after it preamble.
    bac_giang = _document(corpus, "bac-giang-skhcn-2024").passages
    assert bac_giang[0].role == roles.LETTERHEAD and bac_giang[0].text.endswith("năm 2024")
    assert bac_giang[1].role == roles.PREAMBLE and bac_giang[1].text.startswith("Căn cứ")
    law = _document(corpus, "luat-binh-dang-gioi-2006").passages
    assert {p.section for p in law if p.role == roles.EXECUTION} == {"Điều 43", "Điều 44"}
    qd = _document(corpus, "qd-114-2008-uy-ban-quoc-gia-tbpn").passages
    assert {p.section for p in qd if p.role == roles.EXECUTION} == {"Điều 9", "Điều 10"}  # untitled, read by content
    # An article about organising a policy is body, not an execution clause.
    nd_145 = _document(corpus, "nd-145-2020-lao-dong-nu").passages
    assert all(p.role == roles.BODY for p in nd_145)


def test_news_pages_are_cited_as_news_with_paragraphs_counted_on_the_page(corpus, corpus_dir):
    manifest = json.loads((corpus_dir / "manifest.json").read_text(encoding="utf-8"))
    news_ids = {entry["id"] for entry in manifest["sources"] if entry.get("doc_type") == "news"}
    assert news_ids == {"binh-phuoc-ubnd-2023", "lai-chau-skhcn-2024", "son-tra-ubnd-2018"}
    for source_id in news_ids:
        document = _document(corpus, source_id)
        for passage in document.passages:
            assert passage.citation.startswith(f"Tin bài: {document.source.title} ("), passage.citation
            assert passage.location.startswith("đoạn ")
            assert document.source.number not in passage.citation  # the plan's number is not the page's
    binh_phuoc = _document(corpus, "binh-phuoc-ubnd-2023").passages
    # Paragraphs of the page, not passages: the first passage holds the headline and paragraphs 1–2.
    assert binh_phuoc[0].location == "đoạn 1–2"
    assert binh_phuoc[1].location == "đoạn 3" and binh_phuoc[1].text.startswith("Tại Kế hoạch này")
    son_tra = _document(corpus, "son-tra-ubnd-2018")
    assert "7/3/2018" in son_tra.passages[0].citation  # the day the page was posted


def test_every_citation_is_unique_within_its_document(corpus):
    for document in corpus.documents:
        counts = Counter(p.citation for p in document.passages)
        assert [c for c, n in counts.items() if n > 1] == [], document.source.id


def test_plan_passages_cite_their_deepest_heading(corpus):
    hcm = {p.location for p in _document(corpus, "tp-hcm-ubnd-2025").passages}
    assert "mục II, điểm 1.3" in hcm
    ha_nam = [p.location for p in _document(corpus, "ha-nam-sct-2020").passages if p.location.startswith("mục II, điểm 3")]
    assert len(ha_nam) > 1 and all(", đoạn " in location for location in ha_nam)


def test_nd_25_khoan_18_and_19_are_separate_passages(corpus):
    locations = [p.location for p in _document(corpus, "nd-25-2025-bo-noi-vu").passages]
    assert "Điều 2 khoản 18" in locations and "Điều 2 khoản 19" in locations


def test_a_lead_in_is_kept_with_what_it_introduces(corpus):
    for passage in corpus.passages:
        if passage.role in (roles.BODY, roles.EXECUTION):  # a preamble ends "… ban hành … như sau:" by nature
            assert not passage.text.rstrip().endswith(":"), passage.id
    lai_chau = _document(corpus, "lai-chau-skhcn-2024").passages
    lead = next(p for p in lai_chau if "Với 5 nội dung thực hiện Kế hoạch:" in p.text)
    assert "1. Tăng cường phối hợp" in lead.text


def test_a_lone_article_lead_in_never_stands_alone():
    text = ("Điều 3. Nội dung\n" + "Đoạn dẫn dài của Điều này được viết ra để vượt ngưỡng tiền tố. " * 6
            + "Các nội dung như sau:\n" + "\n".join(f"{n}. Nội dung số {n} " + "chi tiết. " * 60 for n in (1, 2)))
    pieces = split_text(text)
    assert all(not p.text.rstrip().endswith("như sau:") for p in pieces)


NEW_PLAN = """ỦY BAN NHÂN DÂN XÃ AN BÌNH
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 07/KH-UBND
An Bình, ngày 05 tháng 3 năm 2026

KẾ HOẠCH
Tổ chức Ngày hội gia đình bình đẳng năm 2026

Căn cứ Kế hoạch số 12/KH-UBND ngày 10/01/2026 của Ủy ban nhân dân huyện về công tác bình đẳng giới;
Ủy ban nhân dân xã ban hành Kế hoạch tổ chức Ngày hội gia đình bình đẳng như sau:

I. MỤC ĐÍCH
Nâng cao nhận thức của người dân về chia sẻ việc nhà giữa vợ và chồng.

II. NỘI DUNG
1. Tổ chức hội thi "Bố giỏi việc nhà" vào ngày 28/6/2026 tại nhà văn hóa xã.
2. Giao Hội Liên hiệp Phụ nữ xã chủ trì, phối hợp với Đoàn Thanh niên thực hiện.

Nơi nhận:
- UBND huyện;
- Hội LHPN xã;
- Lưu: VT.

TM. ỦY BAN NHÂN DÂN
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
(Đã ký)
Lê Thị Hồng Nhung
"""


def test_a_new_plan_written_here_gets_its_signer_roles_and_citations(tmp_path):
    (tmp_path / "ngay-hoi-an-binh.txt").write_text(NEW_PLAN, encoding="utf-8")
    corpus = ingest_folder(tmp_path)
    document = corpus.documents[0]
    assert document.source.signer == "Lê Thị Hồng Nhung"
    assert document.source.signer_title == "TM. ỦY BAN NHÂN DÂN, KT. CHỦ TỊCH, PHÓ CHỦ TỊCH"
    by_role = {}
    for passage in document.passages:
        by_role.setdefault(passage.role, []).append(passage)
    assert set(by_role) == {"letterhead", "preamble", "body", "recipients", "signature"}
    assert "Số: 07/KH-UBND" in by_role["letterhead"][0].text
    assert by_role["preamble"][0].text.startswith("Căn cứ Kế hoạch số 12/KH-UBND")
    assert "Lưu: VT." in by_role["recipients"][0].text
    signature = by_role["signature"][0]
    assert "Lê Thị Hồng Nhung" in signature.text and "Lê Thị Hồng Nhung" in signature.citation
    assert any("Bố giỏi việc nhà" in p.text for p in by_role["body"])
    assert len({p.citation for p in document.passages}) == len(document.passages)


def test_signature_before_the_recipients_and_a_signature_without_noi_nhan():
    lines = ["Điều 3. Hiệu lực", "Quyết định này có hiệu lực từ ngày ký.", "CHỦ TỊCH", "Nguyễn Văn A"]
    tail = split_tail(lines)
    assert tail.body == lines[:2] and tail.signature == ["CHỦ TỊCH", "Nguyễn Văn A"]
    assert parse_signer(tail.signature).name == "Nguyễn Văn A"
    tail = split_tail(["Nội dung.", "KT. BỘ TRƯỞNG THỨ TRƯỞNG Trần Văn B", "Nơi nhận:", "- Như Điều 3;", "- Lưu: VT."])
    assert tail.recipients == ["Nơi nhận:", "- Như Điều 3;", "- Lưu: VT."]
    assert parse_signer(tail.signature).title == "KT. BỘ TRƯỞNG, THỨ TRƯỞNG"


def test_a_capitalised_body_line_at_the_end_is_not_taken_for_a_signature():
    lines = ["1. Giao Văn phòng theo dõi.", "Trên đây là Kế hoạch của Sở./.", "Hà Nội Xanh"]
    assert split_tail(lines).signature == []


@pytest.mark.parametrize(
    ("question", "role"),
    [
        ("Ai ký Kế hoạch 174/KH-UBND?", "signature"),
        ("ai ky ke hoach 174", "signature"),
        ("Người ký Nghị định 25 là ai", "signature"),
        ("Kế hoạch được ban hành căn cứ những văn bản nào?", "preamble"),
        ("ke hoach dua tren co so phap ly nao", "preamble"),
        ("Nghị định này có hiệu lực từ ngày nào?", "execution"),
        ("nghi dinh co hieu luc thi hanh tu khi nao", "execution"),
        ("Kế hoạch được gửi cho ai?", "recipients"),
        ("noi nhan cua ke hoach gom nhung co quan nao", "recipients"),
        ("KH 174 ký ngày nào", "letterhead"),
        ("Cơ quan nào ban hành kế hoạch này?", "letterhead"),
        ("co quan nao ban hanh ke hoach nay", "letterhead"),
        ("Kế hoạch được xây dựng để thực hiện chỉ thị nào?", "preamble"),
        ("Ai chịu trách nhiệm thi hành Nghị định 70?", "execution"),
        ("thong tu 191 thay the thong tu nao", "execution"),
    ],
)
def test_roles_asked_with_and_without_diacritics(question, role):
    assert role in roles_asked(question)


@pytest.mark.parametrize(
    "question",
    ["Bình đẳng giới là gì?", "Người đăng ký kết hôn cần giấy tờ gì", "Tháng hành động diễn ra khi nào",
     "lao dong nu duoc nghi thai san bao lau", "Cơ quan lồng ghép tuyên truyền vào những ngày kỷ niệm nào?",
     "Nghị định nào quy định chi tiết một số điều của Luật?"],
)
def test_content_questions_ask_for_no_special_role(question):
    assert roles_asked(question) == frozenset()


def test_role_of_reads_a_passage_by_its_words():
    assert role_of("Nơi nhận:\n- Lưu: VT.") == roles.RECIPIENTS
    assert role_of("Điều 9.\nQuyết định này có hiệu lực thi hành kể từ ngày ký.", heading="Điều 9.") == roles.EXECUTION
    assert role_of("Căn cứ Luật Bình đẳng giới;") == roles.PREAMBLE
    assert role_of("Số: 12/KH-UBND\nHà Nội, ngày 5 tháng 3 năm 2026") == roles.LETTERHEAD
    assert role_of("1. Nam, nữ bình đẳng trong tham gia quản lý nhà nước.") == roles.BODY


def test_columns_run_together_in_a_pdf_are_told_apart():
    lines = ["Giao Văn phòng theo dõi thực hiện./.", "Nơi nhận: KT. CHỦ TỊCH", "- Như Điều 3; PHÓ CHỦ TỊCH",
             "- Lưu: VT. Nguyễn Văn A"]
    tail = split_tail(lines)
    assert tail.body == lines[:1]
    assert tail.recipients == ["Nơi nhận:", "- Như Điều 3;", "- Lưu: VT."]
    signer = parse_signer(tail.signature)
    assert (signer.name, signer.title) == ("Nguyễn Văn A", "KT. CHỦ TỊCH, PHÓ CHỦ TỊCH")
    # An ordinary recipients line keeps its words.
    assert split_tail(["Nội dung./.", "Nơi nhận:", "- UBND tỉnh;", "- Lưu: VT, VP."]).recipients == [
        "Nơi nhận:", "- UBND tỉnh;", "- Lưu: VT, VP."]


NEW_DECISION = """ỦY BAN NHÂN DÂN TỈNH AN GIANG
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 12/QĐ-UBND
An Giang, ngày 5 tháng 3 năm 2026
QUYẾT ĐỊNH
Về việc kiện toàn Ban vì sự tiến bộ của phụ nữ tỉnh
CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 02 năm 2025;
Xét đề nghị của Giám đốc Sở Nội vụ.
QUYẾT ĐỊNH:
Điều 1. Kiện toàn Ban vì sự tiến bộ của phụ nữ tỉnh gồm 15 thành viên, do Phó Chủ tịch Ủy ban nhân dân tỉnh làm Trưởng ban.
Điều 2. Ban có nhiệm vụ tham mưu về bình đẳng giới và phối hợp với Ủy ban nhân dân cấp xã trong việc thực hiện.
Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc Sở Nội vụ chịu trách nhiệm thi hành Quyết định này./.
Nơi nhận:
- Như Điều 3;
- Lưu: VT.
CHỦ TỊCH
(Đã ký)
Nguyễn Văn Bình
"""


def test_a_new_decision_gets_letterhead_preamble_execution_and_signer(tmp_path):
    (tmp_path / "qd-12.txt").write_text(NEW_DECISION, encoding="utf-8")
    document = ingest_folder(tmp_path).documents[0]
    assert (document.source.signer, document.source.signer_title) == ("Nguyễn Văn Bình", "CHỦ TỊCH")
    assert document.source.doc_type == "decision" and document.source.number == "12/QĐ-UBND"
    roles_by_location = {p.location: p.role for p in document.passages}
    assert roles_by_location["phần tiêu đề"] == "letterhead"
    assert roles_by_location["phần mở đầu"] == "preamble"
    assert roles_by_location["Điều 1"] == roles_by_location["Điều 2"] == "body"
    assert roles_by_location["Điều 3"] == "execution"
    assert roles_by_location["nơi nhận"] == "recipients"
    assert roles_by_location["phần chữ ký"] == "signature"
    letterhead = next(p for p in document.passages if p.role == "letterhead")
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH" in letterhead.text and "Căn cứ" not in letterhead.text
