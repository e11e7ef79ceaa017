"""Cleaning keeps every word of the document and drops only page chrome, formatting and extra space."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from knowledge.cleaning import clean_web_text, normalise_whitespace, strip_markup_residue

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"

needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")


def corpus_text(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


def squeeze(text: str) -> str:
    """Compare modulo whitespace: cleaning may only change spaces and line breaks inside the body."""
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


# ---------------------------------------------------------------- whitespace


def test_runs_of_spaces_and_nbsp_collapse_but_words_stay() -> None:
    assert normalise_whitespace("Triển\xa0 khai  thực\thiện ") == "Triển khai thực hiện"


def test_blank_line_runs_collapse_to_one_and_edges_are_trimmed() -> None:
    text = "\n\n  Đoạn một.  \r\n\r\n\r\n\xa0\nĐoạn hai.\n\n"
    assert normalise_whitespace(text) == "Đoạn một.\n\nĐoạn hai."


def test_zero_width_characters_are_removed() -> None:
    assert normalise_whitespace("bình\u200b đẳng\ufeff giới") == "bình đẳng giới"


# ---------------------------------------------------------------- markup residue


def test_bold_markers_are_removed_even_across_lines() -> None:
    assert strip_markup_residue("**KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC**") == "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"
    assert strip_markup_residue("Điều __1. Phạm vi__ áp dụng") == "Điều 1. Phạm vi áp dụng"


def test_heading_marks_are_removed_from_line_starts() -> None:
    text = "## NGHỊ ĐỊNH\n#### Điều 3. Cơ cấu tổ chức"
    assert strip_markup_residue(text) == "NGHỊ ĐỊNH\nĐiều 3. Cơ cấu tổ chức"


def test_flattened_table_row_becomes_one_line_per_cell_without_rules() -> None:
    row = "------- | Độc lập - Tự do - Hạnh phúc --------------- | Số: 25/2025/NĐ-CP | Hà Nội, ngày 21 tháng 02 năm 2025"
    assert strip_markup_residue(row).split("\n") == [
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 25/2025/NĐ-CP",
        "Hà Nội, ngày 21 tháng 02 năm 2025",
    ]


def test_markdown_table_separator_rows_disappear() -> None:
    text = "| Nội dung | Thời gian |\n| --- | --- |\n| Tập huấn | Quý II |"
    assert strip_markup_residue(text).split("\n") == ["Nội dung", "Thời gian", "Tập huấn", "Quý II"]


def test_markup_stripping_never_removes_words_or_blank_placeholders() -> None:
    text = "Số: ____/KH-UBND\nHọ và tên: __________\nĐiều 1. Phạm vi - đối tượng (*) áp dụng; 5 * 3 = 15\nLưu: VT, VP."
    assert strip_markup_residue(text) == text


def test_markdown_links_keep_their_words() -> None:
    assert strip_markup_residue("Xem [Luật Bình đẳng giới](https://x.vn/luat) và ![ảnh](a.png)") == (
        "Xem Luật Bình đẳng giới và "
    )


@needs_corpus
def test_nd25_header_residue_is_gone_but_every_word_remains() -> None:
    raw = corpus_text("nd-25-2025-bo-noi-vu.txt")
    cleaned = strip_markup_residue(raw)
    assert "##" not in cleaned and "**" not in cleaned and "-------" not in cleaned
    assert cleaned.split("\n")[:5] == [
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 25/2025/NĐ-CP",
        "Hà Nội, ngày 21 tháng 02 năm 2025",
        "NGHỊ ĐỊNH",
        "Quy định chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức của Bộ Nội vụ",
    ]
    words = lambda text: re.findall(r"\w+", text)  # noqa: E731
    assert words(cleaned) == words(raw)


# ---------------------------------------------------------------- web chrome, general rules

ARTICLE = (
    "Ngày 5/3, Ủy ban nhân dân huyện ban hành Kế hoạch triển khai công tác bình đẳng giới năm 2024 "
    "trên địa bàn huyện."
)


def page(*lines: str) -> str:
    return "\n".join(lines)


def test_title_and_article_survive_between_header_and_footer_chrome() -> None:
    text = page(
        "• :",
        "Chào mừng quý vị đến với Trang thông tin điện tử huyện Y",
        "A- A A+ | Tăng tương phản Giảm tương phản",
        "Tìm kiếm",
        "Trang chủ » Tin tức » Bình đẳng giới",
        "",
        "Huyện Y triển khai công tác bình đẳng giới",
        "Chủ nhật - 05/03/2024 08:30 2.031 4",
        ARTICLE,
        "Tác giả: Minh Anh",
        "Tin cùng chuyên mục",
        "Huyện Y tổ chức hội nghị",
    )
    assert clean_web_text(text) == "Huyện Y triển khai công tác bình đẳng giới\n" + ARTICLE


def test_everything_after_a_related_news_marker_goes() -> None:
    text = page("Tiêu đề bài viết", ARTICLE, "", "Các tin khác:", ARTICLE)
    assert clean_web_text(text) == "Tiêu đề bài viết\n" + ARTICLE


def test_a_trailer_marker_before_the_article_does_not_cut_the_article() -> None:
    text = page("Tin mới", "", "Tiêu đề bài viết", ARTICLE)
    assert ARTICLE in clean_web_text(text)


def test_menu_runs_of_short_label_lines_are_dropped() -> None:
    text = page("Giới thiệu", "Tin tức sự kiện", "Văn bản pháp luật", "Liên hệ", "", "Tiêu đề bài", ARTICLE)
    assert clean_web_text(text) == "Tiêu đề bài\n" + ARTICLE


def test_numbered_headings_and_dash_items_are_not_mistaken_for_menus() -> None:
    text = page(ARTICLE, "1. Mục tiêu", "a) Mục tiêu chung", "- Nâng cao nhận thức", "- Giảm khoảng cách giới")
    assert clean_web_text(text) == text


def test_post_meta_counters_and_ratings_are_dropped() -> None:
    text = page(
        "Tiêu đề bài viết",
        "Người đăng: Lan Ngày cập nhật: 01/02/2024 Lượt xem: 12",
        "Cập nhật lúc: 09:12 01/02/2024",
        "12/02/2024 10:05",
        ARTICLE,
        "Lượt đọc: 1.234",
        "Tổng số điểm của bài viết là: 5 trong 1 đánh giá",
        "Click để đánh giá bài viết",
    )
    assert clean_web_text(text) == "Tiêu đề bài viết\n" + ARTICLE


def test_a_sentence_that_mentions_views_or_an_author_is_kept() -> None:
    sentence = (
        "Theo tác giả báo cáo, chuyên mục bình đẳng giới trên cổng thông tin đã có lượt xem: 12.000 trong năm, "
        "tăng mạnh so với năm trước nhờ các hoạt động truyền thông của Hội Liên hiệp Phụ nữ tỉnh."
    )
    assert clean_web_text(page("Tiêu đề", sentence)) == "Tiêu đề\n" + sentence


def test_visitor_statistics_and_session_banners_are_dropped() -> None:
    text = page(
        "Tiêu đề bài viết",
        ARTICLE,
        "Thống kê truy cập",
        "• Đang online: 52",
        "• Hôm qua 1.002",
        "Phiên làm việc của bạn sắp hết hạn",
        "Bạn đã không sử dụng Site, Bấm vào đây để duy trì trạng thái đăng nhập. Thời gian chờ: 120 giây",
    )
    assert clean_web_text(text) == "Tiêu đề bài viết\n" + ARTICLE


def test_footer_block_with_contacts_is_dropped() -> None:
    text = page(
        "Tiêu đề bài viết",
        ARTICLE,
        "",
        "Cơ quan chủ quản: Ủy ban nhân dân huyện Y",
        "Địa chỉ: 12 đường Lê Lợi, thị trấn Y",
        "Điện thoại: 0123 456 789",
        "Email: ubnd@y.gov.vn",
        "Copyright © 2024",
    )
    assert clean_web_text(text) == "Tiêu đề bài viết\n" + ARTICLE


def test_a_hotline_inside_the_article_is_kept() -> None:
    text = page(
        "Tiêu đề bài viết",
        ARTICLE,
        "Điện thoại: 1800 1567 (Tổng đài quốc gia bảo vệ trẻ em)",
        "Người bị bạo lực trên cơ sở giới có thể gọi tổng đài này để được tư vấn và hỗ trợ kịp thời, miễn phí.",
    )
    assert clean_web_text(text) == text


def test_a_name_indented_far_right_is_a_signature_and_goes() -> None:
    text = page("Tiêu đề bài viết", ARTICLE, "\xa0" * 40 + "Thu Hà")
    assert clean_web_text(text) == "Tiêu đề bài viết\n" + ARTICLE


def test_clean_web_text_changes_no_character_of_the_body() -> None:
    body = "Triển  khai\xa0 thực hiện “Đề án 938” năm 2024, với  5 nội dung chính – gồm tuyên truyền; tập huấn."
    cleaned = clean_web_text(page("Tiêu đề", body))
    assert squeeze(cleaned) == squeeze("Tiêu đề " + body)


# ---------------------------------------------------------------- the corpus web pages

WEB_PAGE_NOISE = {
    "lai-chau-skhcn-2024.txt": [
        "• :",
        "Chào mừng bạn đến với cổng thông tin",
        "A- A A+",
        "Tăng tương phản",
        "Tác giả",
        "BBT",
        "Tin liên quan",
    ],
    "binh-phuoc-ubnd-2023.txt": [
        "Thứ ba - 21/03/2023",
        "1.545",
        "Tác giả",
        "Hoàng Lan",
        "Tổng số điểm",
        "Ý kiến bạn đọc",
        "lịch làm viec",
        "tai lieu sinh hoat cb",
        "Sổ tay đảng viên điện tử",
        "Fanpage Tuyên Giáo BP",
        "OAZALO",
        "hien ke BP",
        "Văn bản mới",
        "111-HD/BTGTU",
        "Hiệp định Giơnevơ",
        "lượt xem",
        "lượt tải",
        "Tài liệu chuyên đề năm 2024",
        "Lịch su đang bo BP",
        "DIA CHI",
        "lich su tuyen giao",
        "Thống kê",
        "Đang truy cập",
        "Hôm nay",
        "Tổng lượt truy cập",
        "Liên kết",
        "QC_csln",
        "QC_BHXH",
        "Cty dien luc",
        "QC-thue",
        "Bạn đã không sử dụng Site",
        "Thời gian chờ",
    ],
    "son-tra-ubnd-2018.txt": [
        "Tìm kiếm",
        "Người đăng tin",
        "Lượt xem",
        "Nhân Văn",
        "Chuyên mục, tin tức liên quan",
        "Liên kết website",
        "Bản quyền",
        "Địa chỉ",
        "Tel:",
        "Fax",
        "Email",
        "quansontra@danang.gov.vn",
        "Trưởng Ban Biên tập",
        "Ủy viên Ban thường vụ",
        "Đơn vị phát triển",
        "DNICT",
    ],
}

WEB_PAGE_BODY = {
    "lai-chau-skhcn-2024.txt": [
        "Công tác bình đẳng giới và hoạt động Vì sự tiến bộ của phụ nữ tại Sở Khoa học và Công nghệ Lai Châu",
        "Sở Khoa học và Công nghệ ban hành Kế hoạch số 680/KH-SKHCN ngày 31/5/2024 về việc thực hiện công tác "
        "bình đẳng giới và hoạt động Vì sự tiến bộ của Phụ nữ năm 2024.",
        "Với 5 nội dung thực hiện Kế hoạch:",
        "2. Tham mưu với cấp ủy, chính quyền các giải pháp nhằm nâng cao chất lượng công tác cán bộ nữ",
        "Triển khai thực hiện hiệu quả các nội dung đề ra tại Nghị quyết 11-NQ/TW ngày 27/4/2007",
        "Cử công chức tham gia các lớp tập huấn nâng cao nhận thức về bình đẳng giới",
        "5. Thực hiện chế độ thông tin báo cáo: Thực hiện chế độ thông tin báo cáo, thống kế số liệu về bình đẳng "
        "giới theo quy định",
    ],
    "binh-phuoc-ubnd-2023.txt": [
        "Bình Phước triển khai thực hiện công tác bình đẳng giới năm 2023",
        "Ngày 21/3, UBND tỉnh ban hành Kế hoạch số 95/KH-UBND triển khai thực hiện công tác bình đẳng giới tỉnh "
        "Bình Phước năm 2023.",
        "Hội Liên hiệp Phụ nữ tỉnh Bình Phước tổ chức Hội nghị triển khai thực hiện Dự án 8",
        "Tăng cường công tác phối hợp liên ngành, trao đổi kinh nghiệm và đẩy mạnh huy động các nguồn lực khác",
        "thường xuyên báo cáo kết quả hoạt động do ngành, đơn vị phụ trách thường kỳ và đột xuất theo quy định./.",
    ],
    "son-tra-ubnd-2018.txt": [
        "Quận Sơn Trà triển khai thực hiện Đề án “Tăng cường sự lãnh đạo của Đảng đối với công tác bình đẳng giới "
        "và vì sự tiến bộ của phụ nữ trong tình hình mới” trên địa bàn quận Sơn Trà năm 2018",
        "Ngày 09 tháng 02 năm 2018, Ủy ban nhân dân quận Sơn Trà ban hành Kế hoạch số 36/KH-UBND",
        "Theo đó Kế hoạch đề ra các nội dung hoạt động:",
        "báo cáo kết quả thực hiện định kỳ trước ngày 10/6 và ngày 10/12 về UBND quận, Sở Lao động - Thương binh và "
        "Xã hội và UBND thành phố.",
    ],
}


@needs_corpus
@pytest.mark.parametrize("name", sorted(WEB_PAGE_NOISE))
def test_no_chrome_of_the_corpus_web_pages_survives(name: str) -> None:
    cleaned = clean_web_text(corpus_text(name))
    survivors = [noise for noise in WEB_PAGE_NOISE[name] if noise.lower() in cleaned.lower()]
    assert survivors == []


@needs_corpus
@pytest.mark.parametrize("name", sorted(WEB_PAGE_BODY))
def test_key_sentences_of_the_corpus_web_pages_survive(name: str) -> None:
    cleaned = squeeze(clean_web_text(corpus_text(name)))
    missing = [sentence for sentence in WEB_PAGE_BODY[name] if squeeze(sentence) not in cleaned]
    assert missing == []


@needs_corpus
@pytest.mark.parametrize("name", sorted(WEB_PAGE_BODY))
def test_corpus_web_page_title_comes_first(name: str) -> None:
    cleaned = clean_web_text(corpus_text(name))
    assert cleaned.split("\n")[0] == squeeze(WEB_PAGE_BODY[name][0]) or cleaned.startswith(
        squeeze(WEB_PAGE_BODY[name][0])
    )


@needs_corpus
@pytest.mark.parametrize("name", sorted(WEB_PAGE_BODY))
def test_every_body_line_of_the_corpus_web_pages_is_kept_whole(name: str) -> None:
    raw = corpus_text(name)
    article = re.split(r"Ý kiến bạn đọc|Tin liên quan|Chuyên mục, tin tức liên quan", raw)[0]
    raw_lines = [squeeze(line) for line in article.split("\n")]
    cleaned_lines = {squeeze(line) for line in clean_web_text(corpus_text(name)).split("\n")}
    long_lines = [line for line in raw_lines if len(line.split()) >= 25]
    assert [line for line in long_lines if line not in cleaned_lines] == []


@needs_corpus
def test_cleaning_a_clean_document_keeps_it() -> None:
    raw = corpus_text("luat-binh-dang-gioi-2006.txt")
    assert squeeze(clean_web_text(raw)) == squeeze(raw)


@needs_corpus
@pytest.mark.parametrize("name", sorted(WEB_PAGE_BODY))
def test_cleaning_twice_changes_nothing_more(name: str) -> None:
    once = clean_web_text(corpus_text(name))
    assert clean_web_text(once) == once
    assert strip_markup_residue(once) == once
