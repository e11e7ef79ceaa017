"""Legacy Vietnamese encodings: VNI and TCVN3 are recognised and converted, mojibake is never indexed."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import docx
import pytest

from knowledge.encodings import decode_bytes, is_vietnamese_syllable, judge, repair_text, strip_format_characters
from knowledge.errors import UnreadableDocument
from knowledge.loaders import read_document

SENTENCE = "Điều 1. Ủy ban nhân dân tỉnh ban hành kế hoạch thực hiện bình đẳng giới năm 2024."
# The same sentence as VNI-Windows and TCVN3 files show it when opened as Windows-1252
# (what admins see in Notepad; the VNI line is the one reported in issue 14).
SENTENCE_VNI = "Ñieàu 1. UÛy ban nhaân daân tænh ban haønh keá hoaïch thöïc hieän bình ñaúng giôùi naêm 2024."
SENTENCE_TCVN3 = "§iÒu 1. Uû ban nh©n d©n tØnh ban hµnh kÕ ho¹ch thùc hiÖn b×nh ®¼ng giíi n¨m 2024."

# Every vowel with every tone (none, sắc, huyền, hỏi, ngã, nặng), as the VNI keyboard tables
# spell them: the vowel, then one byte for its hat and tone.
VNI_ROWS = {
    "a": ["a", "aù", "aø", "aû", "aõ", "aï"],
    "â": ["aâ", "aá", "aà", "aå", "aã", "aä"],
    "ă": ["aê", "aé", "aè", "aú", "aü", "aë"],
    "e": ["e", "eù", "eø", "eû", "eõ", "eï"],
    "ê": ["eâ", "eá", "eà", "eå", "eã", "eä"],
    "o": ["o", "où", "oø", "oû", "oõ", "oï"],
    "ô": ["oâ", "oá", "oà", "oå", "oã", "oä"],
    "ơ": ["ô", "ôù", "ôø", "ôû", "ôõ", "ôï"],
    "u": ["u", "uù", "uø", "uû", "uõ", "uï"],
    "ư": ["ö", "öù", "öø", "öû", "öõ", "öï"],
    "i": ["i", "í", "ì", "æ", "ó", "ò"],
    "y": ["y", "yù", "yø", "yû", "yõ", "î"],
}
# The same for TCVN3 (ABC): one byte per lower-case marked vowel.
TCVN3_ROWS = {
    "a": "a\xb8\xb5\xb6\xb7\xb9",
    "â": "\xa9\xca\xc7\xc8\xc9\xcb",
    "ă": "\xa8\xbe\xbb\xbc\xbd\xc6",
    "e": "e\xd0\xcc\xce\xcf\xd1",
    "ê": "\xaa\xd5\xd2\xd3\xd4\xd6",
    "o": "o\xe3\xdf\xe1\xe2\xe4",
    "ô": "\xab\xe8\xe5\xe6\xe7\xe9",
    "ơ": "\xac\xed\xea\xeb\xec\xee",
    "u": "u\xf3\xef\xf1\xf2\xf4",
    "ư": "\xad\xf8\xf5\xf6\xf7\xf9",
    "i": "i\xdd\xd7\xd8\xdc\xde",
    "y": "y\xfd\xfa\xfb\xfc\xfe",
}
TONES = ["", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"]


def toned(vowel: str, tone: str) -> str:
    return unicodedata.normalize("NFC", vowel + tone)


def test_the_vni_sentence_of_the_issue_is_converted() -> None:
    decoded = decode_bytes(SENTENCE_VNI.encode("cp1252"))
    assert decoded.text == SENTENCE
    assert decoded.encoding == "vni"
    assert "VNI" in decoded.label


def test_the_tcvn3_sentence_is_converted() -> None:
    decoded = decode_bytes(SENTENCE_TCVN3.encode("cp1252"))
    assert decoded.text == SENTENCE.replace("Ủy", "Uỷ")  # TCVN3 has no capital Ủ: typists wrote Uỷ
    assert decoded.encoding == "tcvn3"


@pytest.mark.parametrize("vowel", sorted(VNI_ROWS))
def test_every_vni_vowel_and_tone_becomes_the_nfc_letter(vowel: str) -> None:
    for tone, spelling in zip(TONES, VNI_ROWS[vowel]):
        # "nh…m" around the vowel keeps each sample a syllable; d/ñ check đ too.
        sample = f"ñ{spelling}m nh{spelling}n " * 4
        decoded = decode_bytes(sample.encode("cp1252"))
        expected = f"đ{toned(vowel, tone)}m nh{toned(vowel, tone)}n " * 4
        if spelling.isascii():
            continue  # plain ASCII: nothing to tell VNI from anything else
        assert decoded.text == expected, (vowel, tone, decoded)
        assert unicodedata.is_normalized("NFC", decoded.text)


@pytest.mark.parametrize("vowel", sorted(TCVN3_ROWS))
def test_every_tcvn3_vowel_and_tone_becomes_the_nfc_letter(vowel: str) -> None:
    for tone, byte in zip(TONES, TCVN3_ROWS[vowel]):
        if byte.isascii():
            continue
        sample = f"\xae{byte}m nh{byte}n " * 4  # đ…m: TCVN3's đ is 0xAE
        decoded = decode_bytes(sample.encode("latin-1"))
        assert decoded.text == f"đ{toned(vowel, tone)}m nh{toned(vowel, tone)}n " * 4, (vowel, tone, decoded)
        assert decoded.encoding == "tcvn3"


def test_tcvn3_headers_typed_in_the_capitals_font_come_back_as_capitals() -> None:
    header = "CéNG HßA X· HéI CHñ NGHÜA VIÖT NAM\n§éc lËp - Tù do - H¹nh phóc\n"
    decoded = decode_bytes(header.encode("cp1252"))
    assert decoded.text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"


def test_tcvn3_keeps_typed_quotes_and_dashes() -> None:
    text = "\x93b\xd7nh \xae\xbcng gi\xedi\x94 \x96 ch\xddnh s\xb8ch"
    assert decode_bytes(text.encode("latin-1")).text == "“bình đẳng giới” – chính sách"


def test_windows_1258_is_still_read_and_named(tmp_path: Path) -> None:
    path = tmp_path / "cu.txt"
    # Windows-1258 writes toned vowels as a precomposed letter plus a combining tone byte.
    data = "Lao \xf0\xf4\xf2ng n\xfd\xde \xf0\xfd\xf5\xf2c nghi\xd2 thai sa\xd2n".encode("latin-1")
    path.write_bytes(data)
    document = read_document(path)
    assert document.text == "Lao động nữ được nghỉ thai sản"
    assert document.encoding == "cp1258"
    assert document.encoding_label == "Windows-1258"


def test_utf16_without_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = tmp_path / "xuat-tu-he-thong-cu.txt"
    path.write_bytes((SENTENCE + "\n").encode("utf-16-le") * 3)
    document = read_document(path)
    assert document.text.splitlines()[0] == SENTENCE
    assert document.encoding == "utf-16-le"


def test_utf8_files_with_and_without_bom_report_no_encoding(tmp_path: Path) -> None:
    plain, bom = tmp_path / "a.txt", tmp_path / "b.txt"
    plain.write_text(SENTENCE, encoding="utf-8")
    bom.write_text(SENTENCE, encoding="utf-8-sig")
    assert (read_document(plain).text, read_document(plain).encoding) == (SENTENCE, "")
    assert (read_document(bom).text, read_document(bom).encoding) == (SENTENCE, "")


def test_vni_text_already_saved_as_utf8_is_converted_too(tmp_path: Path) -> None:
    # Text copied out of a VNI-Times document and saved as UTF-8 keeps the mojibake letters.
    path = tmp_path / "dan-tu-word.txt"
    path.write_text(SENTENCE_VNI, encoding="utf-8")
    document = read_document(path)
    assert (document.text, document.encoding) == (SENTENCE, "vni")


def test_utf8_once_misread_as_windows_1252_is_repaired() -> None:
    # Each UTF-8 byte shown as Windows-1252 does (Latin-1 for the five bytes 1252 leaves undefined).
    misread = "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in SENTENCE.encode("utf-8"))
    repaired = repair_text(misread)
    assert (repaired.text, repaired.encoding) == (SENTENCE, "utf-8-as-cp1252")


def test_word_file_typed_in_a_tcvn3_font_is_converted(tmp_path: Path) -> None:
    path = tmp_path / "ke-hoach.docx"
    document = docx.Document()
    document.add_paragraph("KÕ ho¹ch thùc hiÖn c«ng t¸c b×nh ®¼ng giíi n¨m 2024")
    document.add_paragraph("T¨ng c­êng sù tham gia cña phô n÷ vµo c¸c vÞ trÝ l·nh ®¹o.")
    document.save(path)
    raw = read_document(path)
    assert raw.text.split("\n") == [
        "Kế hoạch thực hiện công tác bình đẳng giới năm 2024",
        "Tăng cường sự tham gia của phụ nữ vào các vị trí lãnh đạo.",
    ]
    assert raw.encoding == "tcvn3"


def test_web_page_in_a_vni_font_is_converted(tmp_path: Path) -> None:
    path = tmp_path / "tin.html"
    body = f"<p><font face='VNI-Times'>{SENTENCE_VNI}</font></p>" * 3
    path.write_text(f"<html><head><meta charset='utf-8'></head><body><article>{body}</article></body></html>", encoding="utf-8")
    raw = read_document(path)
    assert SENTENCE in raw.text
    assert raw.encoding == "vni"


def test_text_that_reads_as_vietnamese_in_no_encoding_is_refused_with_examples(tmp_path: Path) -> None:
    path = tmp_path / "la.txt"
    # Cyrillic KOI8-R bytes: valid in no Vietnamese reading.
    path.write_bytes(("Ñëó÷àéíûé òåêñò íà ðóññêîì ÿçûêå, ñîâñåì íå âüåòíàìñêèé. " * 5).encode("cp1252"))
    with pytest.raises(UnreadableDocument, match="không đọc được thành tiếng Việt") as caught:
        read_document(path)
    assert "«" in str(caught.value)  # shows words that were not Vietnamese
    assert "UTF-8" in str(caught.value)


def test_unicode_text_with_a_few_foreign_words_is_left_alone() -> None:
    text = "Hội nghị tại Genève về quyền phụ nữ; đại biểu dùng café và bánh mì trong giờ nghỉ giữa các phiên họp."
    assert repair_text(text).text == text
    assert repair_text(text).encoding == ""


def test_abbreviations_without_vowels_are_not_counted_as_mojibake() -> None:
    verdict = judge("Nghị định 125/2021/NĐ-CP về BĐG và HĐND các cấp")
    assert verdict.bad == 0


def test_vietnamese_syllables_are_recognised_and_mojibake_is_not() -> None:
    for word in ("Nghiêng", "ĐẲNG", "giới", "khuyến", "quốc", "người", "Ủy", "thuở", "oái"):
        assert is_vietnamese_syllable(word), word
    for word in ("Ñieàu", "nhaân", "b×nh", "giíi", "tænh", "café"):
        assert not is_vietnamese_syllable(word), word


def test_format_characters_are_removed_from_what_is_indexed(tmp_path: Path) -> None:
    path = tmp_path / "copy-tu-web.txt"
    path.write_text("Bình\u200b đẳng\u00ad giới\u200d là\ufeff việc\u2060 nam, nữ", encoding="utf-8")
    assert read_document(path).text == "Bình đẳng giới là việc nam, nữ"
    assert strip_format_characters("a\u200bb\u200cc\u200dd\ufeffe\u00adf") == "abcdef"
