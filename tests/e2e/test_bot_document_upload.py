"""Admins add documents by sending them to the bot; nobody else can."""

from __future__ import annotations

import asyncio
import io
import json
import shutil

import docx

from bot import messages
from bot.holder import SearcherHolder
from index.build import build_index
from index.searcher import open_index
from tg_updates import ADMIN_ID, USER_ID, callback, message

CAPTION = "Quyết định hỗ trợ gửi trẻ cho lao động nữ | 15/2025/QĐ-UBND | Ủy ban nhân dân tỉnh Thử | 10/3/2025"


def decision_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("QUYẾT ĐỊNH")
    document.add_paragraph("Về việc hỗ trợ chi phí gửi trẻ cho lao động nữ tại khu công nghiệp")
    document.add_paragraph("Điều 1. Đối tượng được hỗ trợ")
    document.add_paragraph("Lao động nữ làm việc tại các khu công nghiệp trên địa bàn tỉnh có con dưới 6 tuổi "
                           "đang gửi tại cơ sở giáo dục mầm non.")
    document.add_paragraph("Điều 2. Mức hỗ trợ chi phí gửi trẻ")
    document.add_paragraph("Lao động nữ có con dưới 6 tuổi được hỗ trợ chi phí gửi trẻ 500.000 đồng mỗi tháng "
                           "cho mỗi con, chi trả theo quý cùng kỳ lương.")
    document.add_paragraph("Điều 3. Tổ chức thực hiện")
    document.add_paragraph("Sở Nội vụ chủ trì, phối hợp với các sở, ngành liên quan hướng dẫn thực hiện Quyết định này.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def upload(user_id: int, file_id: str, size: int) -> dict:
    return message(user_id=user_id, caption=CAPTION, document={
        "file_id": file_id, "file_unique_id": f"u-{file_id}", "file_name": "Quyết định gửi trẻ.docx",
        "mime_type": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "file_size": size})


def buttons_of(call) -> dict[str, str]:
    rows = (call.params.get("reply_markup") or {}).get("inline_keyboard", [])
    return {b["text"]: b["callback_data"] for row in rows for b in row}


def test_an_admin_sends_a_docx_confirms_and_questions_are_answered_from_it(run_bot, docs_dir, tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(docs_dir, docs)
    index = tmp_path / "index"
    build_index(docs, index)
    holder = SearcherHolder(open_index(index))
    data = decision_docx()

    async def scenario(bot):
        bot.api.files["f1"] = data
        await bot.feed(message("Mức hỗ trợ chi phí gửi trẻ cho lao động nữ khu công nghiệp?"))
        before = bot.texts()[-1]
        await bot.feed(upload(ADMIN_ID, "f1", len(data)))
        preview = bot.api.sent("sendMessage")[-1]
        choices = buttons_of(preview)
        assert set(choices) == {messages.BUTTON_ADD, messages.BUTTON_CANCEL}
        assert not (docs / "quyet-dinh-gui-tre.docx").exists(), "nothing is added before Thêm"
        await bot.feed(callback(choices[messages.BUTTON_ADD], user_id=USER_ID))  # not the admin's button
        assert not (docs / "quyet-dinh-gui-tre.docx").exists()
        await bot.feed(callback(choices[messages.BUTTON_ADD], user_id=ADMIN_ID))
        for _ in range(600):
            if any(text.startswith("✅") for text in bot.texts()):
                break
            await asyncio.sleep(0.05)
        await bot.feed(message("Mức hỗ trợ chi phí gửi trẻ cho lao động nữ khu công nghiệp?"))
        bot.before = before

    bot = run_bot(scenario, holder=holder, docs_dir=docs, index_dir=index)
    texts = bot.texts()
    preview = next(text for text in texts if text.startswith("📥"))
    assert "Quyết định hỗ trợ gửi trẻ cho lao động nữ" in preview and "15/2025/QĐ-UBND" in preview
    assert "Số đoạn: <b>" in preview and "Đoạn đầu:" in preview
    assert "500.000 đồng" not in bot.before
    assert any(text.startswith("✅") and "3 tài liệu" in text for text in texts)
    assert "500.000 đồng mỗi tháng" in texts[-1] and "15/2025/QĐ-UBND" in texts[-1]
    assert "Chưa xác minh văn bản còn hiệu lực" in texts[-1]  # until an admin sets its status
    manifest = json.loads((docs / "manifest.json").read_text(encoding="utf-8"))
    (entry,) = [e for e in manifest["sources"] if e["file"] == "quyet-dinh-gui-tre.docx"]
    assert entry["number"] == "15/2025/QĐ-UBND" and entry["issued"] == "2025-03-10" and entry["status"] == "check"
    assert not any((docs / ".incoming").iterdir())


def test_the_same_file_from_a_non_admin_changes_nothing(run_bot, docs_dir, tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(docs_dir, docs)
    listing = sorted(path.name for path in docs.rglob("*"))
    data = decision_docx()

    async def scenario(bot):
        bot.api.files["f2"] = data
        await bot.feed(upload(USER_ID, "f2", len(data)))

    bot = run_bot(scenario, docs_dir=docs)
    assert bot.texts() == [messages.NOT_TEXT]
    assert not bot.api.sent("getFile"), "a non-admin's file is not even downloaded"
    assert sorted(path.name for path in docs.rglob("*")) == listing


def test_an_admins_file_of_the_wrong_type_or_unreadable_is_refused_with_the_reason(run_bot, docs_dir, tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(docs_dir, docs)

    async def scenario(bot):
        await bot.feed(message(user_id=ADMIN_ID, document={"file_id": "x", "file_unique_id": "ux",
                                                           "file_name": "bang-tinh.xlsx", "file_size": 10}))
        bot.api.files["y"] = b"%PDF-1.4 not really a pdf"
        await bot.feed(message(user_id=ADMIN_ID, document={"file_id": "y", "file_unique_id": "uy",
                                                           "file_name": "hong.pdf", "file_size": 25}))

    bot = run_bot(scenario, docs_dir=docs)
    wrong_type, unreadable = bot.texts()
    assert wrong_type.startswith("❌ Không nhận tệp này") and ".docx" in wrong_type
    assert unreadable.startswith("❌ Chưa thêm <b>hong.pdf</b>")
    assert not (docs / "hong.pdf").exists() and not any((docs / ".incoming").iterdir())
