"""Escaping, bolding and splitting replies for Telegram HTML."""

from __future__ import annotations

import html.parser

import pytest

from bot.formatting import escape, highlight, split_message

ARTICLE = (
    "Điều 5. Giải thích từ ngữ\n"
    "Trong Luật này, các từ ngữ dưới đây được hiểu như sau:\n"
    "1. Giới chỉ đặc điểm, vị trí, vai trò của nam và nữ trong tất cả các mối quan hệ xã hội.\n"
    "3. Bình đẳng giới là việc nam, nữ có vị trí, vai trò ngang nhau."
)


class Balanced(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.text = ""

    def handle_starttag(self, tag, attrs):
        self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack.pop() == tag

    def handle_data(self, data):
        self.text += data


def visible(chunk: str) -> str:
    parser = Balanced()
    parser.feed(chunk)
    parser.close()
    assert parser.stack == []
    return parser.text


def test_escape_leaves_no_tag_or_ampersand_from_the_text():
    assert escape('<b>x</b> & "y"') == '&lt;b&gt;x&lt;/b&gt; &amp; "y"'


def test_highlight_escapes_document_html():
    text = "Dán <script>alert(1)</script> & treo băng rôn."
    out = highlight(text, [(0, len(text))])
    assert out == "<b>Dán &lt;script&gt;alert(1)&lt;/script&gt; &amp; treo băng rôn.</b>"


def test_short_message_is_one_chunk():
    assert split_message("<b>xin chào</b>") == ["<b>xin chào</b>"]


def test_long_message_splits_at_paragraphs_with_balanced_tags():
    paragraph = "<b>Điều {n}.</b> " + "nam nữ bình đẳng &amp; " * 40 + "<i>hết.</i>"
    message = "\n\n".join(paragraph.format(n=n) for n in range(30))
    chunks = split_message(message, 1000)
    assert len(chunks) > 1
    assert all(len(chunk) <= 1000 for chunk in chunks)
    for chunk in chunks:
        visible(chunk)
        assert chunk.startswith("<b>Điều") and chunk.endswith("<i>hết.</i>")  # whole paragraphs


def test_a_paragraph_longer_than_the_limit_splits_between_words_and_reopens_its_tags():
    message = "<b>" + " ".join(f"từ{n}" for n in range(2000)) + "</b>"
    chunks = split_message(message, 500)
    assert all(len(chunk) <= 500 for chunk in chunks)
    words = []
    for chunk in chunks:
        assert chunk.startswith("<b>") and chunk.endswith("</b>")
        words += visible(chunk).split()
    assert words == [f"từ{n}" for n in range(2000)]


def test_entities_are_never_cut():
    message = " ".join(["a&amp;b"] * 1000)
    for chunk in split_message(message, 333):
        assert visible(chunk).replace("a&b", "").strip() == ""


def test_emoji_count_double_as_telegram_counts_them():
    message = " ".join(["👍"] * 3000)
    chunks = split_message(message, 4096)
    assert all(len(chunk.encode("utf-16-le")) // 2 <= 4096 for chunk in chunks)


@pytest.mark.parametrize("limit", [50, 200])
def test_a_word_longer_than_a_message_is_cut_rather_than_lost(limit):
    word = "x" * 1000
    chunks = split_message(f"<i>{word}</i>", limit)
    assert all(len(chunk) <= limit for chunk in chunks)
    assert "".join(visible(chunk) for chunk in chunks) == word
