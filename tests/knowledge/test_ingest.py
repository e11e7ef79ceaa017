"""A folder of documents → cited passages, end to end through loaders, cleaning and splitting."""

import json
import re

import docx
import pytest

from knowledge.ingest import ingest_folder

WEB_PAGE_NOISE = [
    "Chào mừng bạn đến với cổng thông tin", "Tăng tương phản", "Tin liên quan", "Tác giả:",
    "Tổng số điểm", "Ý kiến bạn đọc", "lượt xem", "Đang truy cập", "Hôm nay15", "Thời gian chờ",
    "Fanpage", "QC_BHXH", "Liên kết website", "Bản quyền", "Địa chỉ:", "Tel:", "Email:",
    "Trưởng Ban Biên tập", "Đơn vị phát triển", "Lượt xem", "Người đăng tin", "Tìm kiếm",
]


@pytest.fixture(scope="module")
def corpus(corpus_dir):
    return ingest_folder(corpus_dir)


def test_every_starter_document_is_ingested(corpus, corpus_dir):
    manifest = json.loads((corpus_dir / "manifest.json").read_text(encoding="utf-8"))
    assert {d.source.id for d in corpus.documents} == {entry["id"] for entry in manifest["sources"]}
    assert corpus.skipped == []


def test_no_passage_of_a_web_page_carries_its_navigation_or_footer(corpus):
    web_pages = [d for d in corpus.documents if d.source.text_kind == "web-page"]
    assert len(web_pages) == 3
    for document in web_pages:
        for passage in document.passages:
            for noise in WEB_PAGE_NOISE:
                assert noise not in passage.text, (passage.id, noise)


def test_passages_are_readable_sizes_and_quote_the_source(corpus, corpus_dir):
    for document in corpus.documents:
        source_text = " ".join((corpus_dir / document.source.file).read_text(encoding="utf-8").split())
        source_text = source_text.replace("*", "").replace("|", " ")
        source_text = " ".join(source_text.split())
        for passage in document.passages:
            assert len(passage.text) <= 1400, passage.id
            for line in passage.text.splitlines():
                assert " ".join(line.replace("*", "").split()) in source_text, (passage.id, line)


def test_citations_name_document_number_issuer_date_and_place_in_it(corpus):
    law = next(d for d in corpus.documents if d.source.id == "luat-binh-dang-gioi-2006")
    assert any(p.citation == "Luật Bình đẳng giới 73/2006/QH11 (Quốc hội, 29/11/2006), Điều 10" for p in law.passages)
    news = next(d for d in corpus.documents if d.source.id == "binh-phuoc-ubnd-2023")
    # A news page is cited as news (its own title, site and date), never as the plan it reports on.
    prefix = "Tin bài: Bình Phước triển khai thực hiện công tác bình đẳng giới năm 2023 (Ủy ban nhân dân tỉnh Bình Phước, 21/3/2023), đoạn "
    assert all(p.citation.startswith(prefix) for p in news.passages)


def test_a_paragraph_split_by_a_page_break_is_one_passage(corpus):
    plan = next(d for d in corpus.documents if d.source.id == "bac-giang-skhcn-2024")
    assert any("Kế hoạch số 183/KH-UBND ngày 13/3/2022" in p.text for p in plan.passages)


def test_unreadable_files_are_reported_by_name_and_the_rest_ingested(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "luat.txt").write_text("Điều 1. Phạm vi điều chỉnh\nLuật này quy định về bình đẳng giới trong mọi lĩnh vực.", encoding="utf-8")
    (folder / "hong.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog")
    (folder / "nhi-phan.txt").write_bytes(bytes(range(256)) * 4)
    (folder / "trong.txt").write_text("", encoding="utf-8")
    (folder / "bang.xlsx").write_bytes(b"PK\x03\x04")
    corpus = ingest_folder(folder)
    assert [d.source.id for d in corpus.documents] == ["luat"]
    skipped = {s.file: s.reason for s in corpus.skipped}
    assert set(skipped) == {"hong.pdf", "nhi-phan.txt", "trong.txt", "bang.xlsx"}
    assert all(reason.strip() for reason in skipped.values())


def test_docx_and_html_documents_become_cited_passages(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    document = docx.Document()
    document.add_paragraph("Số: 12/KH-UBND")
    document.add_paragraph("Hà Giang, ngày 05 tháng 3 năm 2024")
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph("Thực hiện công tác bình đẳng giới năm 2024")
    document.add_paragraph("I. MỤC ĐÍCH")
    document.add_paragraph("Nâng cao nhận thức về bình đẳng giới cho cán bộ, công chức, viên chức và người lao động.")
    document.save(folder / "ke-hoach.docx")
    (folder / "tin.html").write_text(
        "<html><head><title>Tin</title></head><body><nav><a href='/'>Trang chủ</a> | <a>Giới thiệu</a></nav>"
        "<article><h1>Hội nghị tập huấn bình đẳng giới</h1>"
        "<p>Sáng nay, Sở Nội vụ tổ chức hội nghị tập huấn về bình đẳng giới cho cán bộ cơ sở của tỉnh.</p>"
        "<p>Hội nghị nhấn mạnh vai trò của nam giới trong việc chia sẻ công việc gia đình và chăm sóc con cái.</p>"
        "</article><footer>Bản quyền © Sở Nội vụ. Địa chỉ: số 1 đường A. Lượt xem: 1234</footer></body></html>",
        encoding="utf-8",
    )
    corpus = ingest_folder(folder)
    by_id = {d.source.id: d for d in corpus.documents}
    plan = by_id["ke-hoach"]
    assert plan.source.number == "12/KH-UBND" and plan.source.issued == "2024-03-05"
    assert plan.passages[-1].citation.endswith("mục I")
    page_text = "\n".join(p.text for p in by_id["tin"].passages)
    assert "vai trò của nam giới" in page_text
    assert not re.search(r"Bản quyền|Lượt xem|Trang chủ", page_text)


def test_passage_ids_follow_content_so_an_edit_elsewhere_does_not_move_them(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    article = "Điều {n}. Tiêu đề {n}\nNội dung của điều {n} quy định về bình đẳng giới trong lĩnh vực số {n}."
    (folder / "luat.txt").write_text("\n\n".join(article.format(n=n) for n in (2, 3)), encoding="utf-8")
    before = {p.location: p.id for p in ingest_folder(folder).passages}
    (folder / "luat.txt").write_text("\n\n".join(article.format(n=n) for n in (1, 2, 3)), encoding="utf-8")
    after = {p.location: p.id for p in ingest_folder(folder).passages}
    assert after["Điều 2"] == before["Điều 2"] and after["Điều 3"] == before["Điều 3"]
    assert len(set(after.values())) == 3
