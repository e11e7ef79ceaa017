"""Every Vietnamese string a user reads, in one place.

All texts are Telegram HTML: constants are written already escaped, and the functions below
escape whatever they insert (document titles, user text), so a caller never has to.
"""

from __future__ import annotations

from html import escape as _escape


def _e(text: str) -> str:
    return _escape(text, quote=False)


# Shown by /start as buttons; short enough to fit a 64-byte callback payload as text.
EXAMPLE_QUESTIONS: tuple[str, ...] = (
    "Bình đẳng giới là gì?",
    "Các nguyên tắc cơ bản về bình đẳng giới?",
    "Tháng hành động vì bình đẳng giới diễn ra khi nào?",
)

COMMANDS: tuple[tuple[str, str], ...] = (
    ("hoi", "Đặt câu hỏi (dùng trong nhóm): /hoi câu hỏi"),
    ("nguon", "Danh sách tài liệu trong cơ sở dữ liệu"),
    ("tailieu", "Tài liệu tập huấn về một chủ đề (tệp Word): /tailieu chủ đề"),
    ("huongdan", "Hướng dẫn sử dụng"),
    ("start", "Giới thiệu"),
)


def welcome(documents: int, newest: str) -> str:
    """The /start text: what the bot knows and how to use it."""
    newest_line = f", văn bản mới nhất ban hành {_e(newest)}" if newest else ""
    return (
        "Xin chào! Tôi trả lời câu hỏi về <b>chính sách bình đẳng giới</b> bằng cách trích "
        "nguyên văn luật, nghị định, kế hoạch — kèm nguồn để anh/chị kiểm tra.\n\n"
        f"Hiện có <b>{documents}</b> tài liệu{newest_line}. Gõ /nguon để xem danh sách.\n\n"
        "Cứ gõ câu hỏi bằng tiếng Việt (có dấu hoặc không dấu), hoặc bấm một câu hỏi mẫu dưới đây.\n\n"
        f"{GROUP_USAGE}"
    )


GROUP_USAGE = (
    "<b>Trong nhóm:</b> nhắc tên tôi (@tên_bot câu hỏi), trả lời (reply) tin nhắn của tôi, "
    "hoặc dùng lệnh /hoi câu hỏi. Tôi không đọc các tin nhắn khác trong nhóm."
)

HELP = (
    "<b>Cách dùng</b>\n"
    "• Gõ câu hỏi trong tin nhắn riêng, ví dụ: <i>Bình đẳng giới là gì?</i>\n"
    "• /hoi câu hỏi — hỏi trực tiếp (cần dùng trong nhóm)\n"
    "• /nguon — các tài liệu tôi trích dẫn\n"
    "• /tailieu chủ đề — tài liệu tập huấn (tệp Word) về một chủ đề, trích nguyên văn kèm nguồn\n"
    "• /huongdan hoặc /help — hướng dẫn này\n\n"
    "Mỗi câu trả lời là đoạn trích nguyên văn kèm tên văn bản, số hiệu, cơ quan ban hành, "
    "ngày và Điều/khoản. Bấm <b>Xem thêm</b> để xem các đoạn khác, <b>Toàn văn</b> để đọc cả "
    "Điều/mục, 👍/👎 để góp ý.\n\n"
    f"{GROUP_USAGE}"
)

SOURCES_HEADER = "<b>Tài liệu trong cơ sở dữ liệu</b> ({count}):"


def source_line(number_in_list: int, title: str, number: str, issuer: str, date: str,
                excerpt: bool, note: str) -> str:
    """One entry of /nguon."""
    details = " · ".join(_e(part) for part in (number, issuer, date) if part)
    line = f"{number_in_list}. <b>{_e(title)}</b>"
    if details:
        line += f"\n   {details}"
    if excerpt:
        line += "\n   <i>(Chỉ có phần trích, không phải toàn văn)</i>"
    if note:
        line += f"\n   ⚠️ <i>{_e(note)}</i>"
    return line


def citation(text: str) -> str:
    """The citation line under a quoted passage."""
    return f"📄 <i>{_e(text)}</i>"


def standing_text(status: str, effective: str) -> str:
    """Whether the document holds now (the manifest's status, knowledge.levels.STATUSES; the words
    of STATUS_NOTES for any status but in force) and since when, as plain text (for `binhdang ask`
    too); '' when neither is known."""
    status = (status or "").strip().lower()
    since = f" từ ngày {effective}" if effective else ""
    if status == "in-force":
        return f"Đang có hiệu lực{since}"
    if status in STATUS_NOTES:
        applies = f"Có hiệu lực{since}. " if since and status != "historical" else ""
        return applies + STATUS_NOTES[status]
    return f"Có hiệu lực{since}" if since else ""


def standing(status: str, effective: str) -> str:
    """The line under a citation in the bot: `standing_text` in italics, '' when unknown."""
    text = standing_text(status, effective)
    return f"⚖️ <i>{_e(text)}</i>" if text else ""


def currency_note(note: str) -> str:
    """A document's currency warning, shown under its citation."""
    return f"⚠️ <i>{_e(note)}</i>"


# What a reader is told about a document whose manifest status is not "in force as issued", when the
# manifest gives no note of its own (see knowledge.levels and ../shared/corpus/manifest.json "about").
STATUS_NOTES = {
    "amended": "Văn bản đã có quy định được sửa đổi hoặc thay thế; kiểm tra quy định hiện hành trước khi áp dụng.",
    "historical": "Văn bản về một giai đoạn đã kết thúc: ghi nhận điều đã quyết định khi đó, không phải quy định hiện hành.",
    "check": "Chưa xác minh văn bản còn hiệu lực hay không; kiểm tra trước khi áp dụng.",
}


MORE_PASSAGES_HEADER = "<b>Các đoạn liên quan khác:</b>"
ANSWER_HEADER = "<b>Trích dẫn phù hợp nhất:</b>"
FULL_TEXT_HEADER = "<b>Toàn văn {label}</b>"

NOT_FOUND = (
    "Không tìm thấy nội dung phù hợp trong tài liệu hiện có.\n\n"
    "Anh/chị thử diễn đạt lại câu hỏi (dùng từ ngữ trong văn bản, ví dụ “biện pháp thúc đẩy "
    "bình đẳng giới”), hoặc gõ /nguon để xem những tài liệu tôi có."
)
NO_MORE = "Không còn đoạn trích nào khác cho câu hỏi này."

BUTTON_MORE = "Xem thêm"
BUTTON_FULL = "Toàn văn {label}"
BUTTON_FULL_GENERIC = "Toàn văn Điều/mục"
BUTTON_UP = "👍"
BUTTON_DOWN = "👎"
BUTTON_VOTED = "✓ {vote}"


def related_label(question: str) -> str:
    """A related question on a button (plain text: button labels are not HTML), kept short."""
    return f"❓ {question if len(question) <= 48 else question[:47].rsplit(' ', 1)[0] + '…'}"
THANKS_FEEDBACK = "Cảm ơn anh/chị đã góp ý!"
NOT_YOUR_BUTTON = "Nút này không dành cho anh/chị. Anh/chị vui lòng tự đặt câu hỏi để có nút của mình."
STALE_BUTTON = "Tài liệu đã được cập nhật; anh/chị vui lòng hỏi lại."

HANDOUT_USAGE = (
    "Anh/chị gõ chủ đề sau lệnh, ví dụ: <code>/tailieu bạo lực trên cơ sở giới</code>. "
    "Tôi sẽ gửi một tệp Word gồm các đoạn trích nguyên văn, số liệu và câu hỏi ôn tập, kèm nguồn, "
    "và một tệp trình chiếu (PowerPoint) để trình bày."
)
HANDOUT_SLIDES_CAPTION = "Bản trình chiếu cùng chủ đề: mỗi trang một nội dung, nguồn trích dẫn ở phần ghi chú."
HANDOUT_BUSY = "Tôi đang soạn một tài liệu khác, anh/chị vui lòng thử lại sau ít phút."


def handout_nothing(reason: str) -> str:
    """/tailieu on a topic the documents do not cover."""
    return f"{_e(reason)} Anh/chị thử một chủ đề khác, ví dụ «lao động nữ» hoặc «Tháng hành động»."


def handout_caption(title: str, sources: int, questions: int) -> str:
    """The caption under the handout file (the title carries the user's topic: escaped)."""
    return f"{_e(title)} — trích từ {sources} văn bản, {questions} câu hỏi ôn tập. Kiểm tra hiệu lực văn bản trước khi dùng."


ASK_USAGE = "Anh/chị gõ câu hỏi sau lệnh, ví dụ: <code>/hoi Bình đẳng giới là gì?</code>"
EMPTY_QUESTION = "Anh/chị vui lòng gõ câu hỏi bằng chữ, ví dụ: <i>Bình đẳng giới là gì?</i>"
TOO_LONG = "Câu hỏi dài quá ({length} ký tự). Anh/chị vui lòng hỏi ngắn gọn, dưới {limit} ký tự."
NOT_TEXT = (
    "Xin lỗi, tôi chỉ đọc được câu hỏi bằng chữ (không đọc được ảnh, nhãn dán, tin nhắn thoại "
    "hay tệp). Anh/chị vui lòng gõ câu hỏi."
)
BUSY = "Hệ thống đang bận, anh/chị vui lòng thử lại sau ít giây."
RATE_LIMITED = "Anh/chị hỏi nhanh quá. Vui lòng đợi khoảng {seconds} giây rồi hỏi tiếp."
PRIVATE_BOT = "Xin lỗi, bot này chỉ phục vụ các nhóm và người dùng được cấp quyền."
ADMIN_ONLY = "Xin lỗi, lệnh này chỉ dành cho quản trị viên."
SOMETHING_WENT_WRONG = "Xin lỗi, đã có lỗi xảy ra. Anh/chị vui lòng thử lại sau ít phút."

REINDEX_STARTED = "Đang xây dựng lại chỉ mục từ thư mục tài liệu. Bot vẫn trả lời bằng chỉ mục cũ trong lúc chờ."
REINDEX_BUSY = "Chỉ mục đang được xây dựng lại; vui lòng đợi lần này xong."
REINDEX_NO_DOCS = "Chưa cấu hình thư mục tài liệu (--docs hoặc BINHDANG_DOCS_DIR), không thể xây dựng lại."


REINDEX_LISTED = 10  # files named in the /reindex report; `binhdang docs check` lists them all


def reindex_done(documents: int, passages: int, seconds: float, *, skipped: tuple[tuple[str, str], ...] = (),
                 encodings: tuple[tuple[str, str], ...] = (), warnings: tuple[str, ...] = ()) -> str:
    """Reported to the admin once the new index serves: with the files left out and why, the
    files converted from another encoding, and warnings about the folder."""
    lines = [f"✅ Đã xây dựng lại chỉ mục: {documents} tài liệu, {passages} đoạn, "
             f"trong {seconds:.1f} giây. Chỉ mục mới đã được dùng."]
    for warning in warnings:
        lines.append(f"⚠️ {_e(warning)}")
    if encodings:
        lines.append(f"Đã chuyển sang Unicode {len(encodings)} tệp:")
        lines.extend(f"• {_e(file)}: {_e(label)}" for file, label in encodings[:REINDEX_LISTED])
    if skipped:
        lines.append(f"Bỏ qua {len(skipped)} tệp:")
        lines.extend(f"• {_e(file)}: {_e(reason)}" for file, reason in skipped[:REINDEX_LISTED])
    if len(skipped) > REINDEX_LISTED or len(encodings) > REINDEX_LISTED:
        lines.append("… (xem đủ bằng: <code>binhdang docs check</code>)")
    return "\n".join(lines)


def reindex_failed(error: str) -> str:
    """Reported to the admin when the rebuild fails; the old index keeps serving."""
    return f"❌ Xây dựng lại thất bại, vẫn dùng chỉ mục cũ.\nLỗi: <code>{_e(error)}</code>"


def stats(today: int, week: int, declined_share: float, up: int, down: int,
          problems: list, days: int) -> str:
    """The /thongke report: usage, then the questions most often declined or voted down in the last
    `days` days with what voters said was missing (`problems`: bot.storage.ProblemQuestion)."""
    lines = [
        "<b>Thống kê</b>",
        f"Câu hỏi hôm nay: <b>{today}</b>",
        f"Câu hỏi 7 ngày qua: <b>{week}</b>",
        f"Tỷ lệ không tìm thấy (7 ngày): <b>{declined_share:.0%}</b>",
        f"Góp ý: 👍 {up} · 👎 {down}",
    ]
    if problems:
        lines.append(f"\n<b>Câu hỏi chưa trả lời được hoặc bị chê nhiều nhất ({days} ngày):</b>")
        for i, problem in enumerate(problems, 1):
            counts = " · ".join(part for part in (
                f"không tìm thấy {problem.declined}" if problem.declined else "",
                f"👎 {problem.down_votes}" if problem.down_votes else "") if part)
            lines.append(f"{i}. {_e(problem.text)} ({counts})")
            lines += [f"   💬 <i>{_e(comment)}</i>" for comment in problem.comments[:3]]
        lines.append("\nĐây là danh sách để bổ sung tài liệu.")
    else:
        lines.append(f"\nKhông có câu hỏi nào chưa trả lời được hay bị chê trong {days} ngày qua.")
    return "\n".join(lines)


STATS_USAGE = "Dùng: <code>/thongke</code> hoặc <code>/thongke 30</code> (số ngày, từ 1 đến 365)."


def feedback_prompt(question_id: int) -> str:
    """Sent after a 👎: one optional line on what was missing. The number lets the bot tie the
    reply to the question (bot.answers.FEEDBACK_PROMPT reads it back)."""
    return (f"Câu trả lời cho câu hỏi số {question_id} còn thiếu gì? Nếu muốn, anh/chị trả lời "
            "tin nhắn này bằng một dòng (không bắt buộc); quản trị viên sẽ đọc để bổ sung tài liệu.")


FEEDBACK_PLACEHOLDER = "Ví dụ: thiếu quy định mới năm 2025"
THANKS_COMMENT = "Cảm ơn anh/chị, góp ý đã được ghi lại cho quản trị viên."


# ---- `binhdang bot` on the command line (plain text for the admin's terminal, not HTML) ----------

CLI_HELP = "chạy bot Telegram"
CLI_DESCRIPTION = """\
Trả lời câu hỏi về chính sách bình đẳng giới trong Telegram, trích dẫn từ các tài liệu đã dựng chỉ mục.

Thiết lập lấy từ (ưu tiên trước) các tùy chọn dưới đây, biến môi trường, rồi tệp --config
(TOML, hoặc các dòng .env; ./.env được đọc khi có và không có --config):
  TELEGRAM_BOT_TOKEN      token lấy từ @BotFather (bắt buộc)
  BINHDANG_INDEX          chỉ mục đã dựng (--index; mặc định: thư mục dữ liệu người dùng)
  BINHDANG_DOCS_DIR       thư mục tài liệu để /reindex dựng lại (--docs)
  BINHDANG_JOURNAL        nhật ký SQLite các câu hỏi và đánh giá (một tiến trình)
  BINHDANG_DATABASE_URL   postgresql://… dùng chung cho nhiều worker (--database);
                          tạo bảng trước bằng `binhdang db migrate`
  BINHDANG_ADMIN_IDS      id người dùng được dùng /thongke và /reindex, cách nhau bằng dấu phẩy
  BINHDANG_ALLOWED_CHATS  nếu đặt, chỉ các chat id này được dùng bot
  BINHDANG_RATE_LIMIT     số câu hỏi mỗi người, ví dụ 20/min (mặc định)
  BINHDANG_MAX_DOC_MB     /reindex bỏ qua tài liệu có hơn số MB chữ này (mặc định 5)
  TELEGRAM_API_BASE_URL   máy chủ Bot API tự dựng, ví dụ http://127.0.0.1:8081/bot

Không có --webhook thì bot hỏi Telegram liên tục (long polling, một tiến trình). Có --webhook thì chạy
một worker webhook tại --listen/--port: chạy nhiều worker sau một reverse proxy, dùng chung
BINHDANG_DATABASE_URL; mỗi worker trả lời một phần cập nhật, cập nhật gửi hai lần chỉ được trả lời một
lần, và GET /healthz cho biết bản chỉ mục đang phục vụ và cơ sở dữ liệu có trả lời không. Nhật ký của
worker là các dòng JSON.
"""
CLI_OPTIONS = {
    "index": "thư mục chỉ mục (BINHDANG_INDEX; mặc định: thư mục dữ liệu người dùng)",
    "docs": "thư mục tài liệu cho /reindex (BINHDANG_DOCS_DIR)",
    "config": "tệp thiết lập: .toml hoặc .env",
    "journal": "tệp nhật ký SQLite (BINHDANG_JOURNAL)",
    "database": "URL PostgreSQL dùng chung cho các worker (BINHDANG_DATABASE_URL)",
    "api-base-url": "địa chỉ Bot API; token được nối vào sau (TELEGRAM_API_BASE_URL)",
    "webhook": "URL HTTPS công khai để Telegram gửi cập nhật tới",
    "listen": "địa chỉ máy chủ webhook lắng nghe (mặc định 0.0.0.0)",
    "port": "cổng máy chủ webhook (mặc định 8443)",
    "log-level": "DEBUG, INFO, WARNING (mặc định INFO)",
}
CLI_FAILED = "binhdang bot: {message}"
CLI_TOKEN_REJECTED = "Telegram từ chối token của bot (401 Unauthorized): kiểm tra {env}"
CLI_NO_WEBHOOK_SUPPORT = 'chế độ webhook cần python-telegram-bot[webhooks]: pip install "python-telegram-bot[webhooks]"'
CLI_NO_INDEX = "không mở được chỉ mục tại {path} ({env}, --index): {error}"
SETTINGS_UNREADABLE = "không đọc được tệp thiết lập {path}: {error}"
SETTINGS_BAD_TOML = "{path} không phải TOML hợp lệ: {error}"
SETTINGS_UNKNOWN = "{path}: thiết lập không biết {unknown}; các thiết lập có: {known}"
SETTINGS_NO_TOKEN = "chưa có token của bot: đặt TELEGRAM_BOT_TOKEN (lấy từ @BotFather)"
SETTINGS_BAD_DATABASE = "database_url: {value!r} không có dạng postgresql://user@host/dbname"
SETTINGS_NOT_A_NUMBER = "{name}: {value!r} không phải số nguyên"
SETTINGS_BAD_RATE = "rate_limit: {value!r} không có dạng '20/min'"
SETTINGS_NOT_SECONDS = "{name}: {value!r} không phải một số giây"
SETTINGS_NOT_POSITIVE = "{name}: phải lớn hơn 0 giây"
SETTINGS_BAD_MEGABYTES = "max_document_mb (BINHDANG_MAX_DOC_MB): {value!r} không phải một số MB dương"

# ---- documents sent by admins ------------------------------------------------------------------

BUTTON_ADD = "Thêm"
BUTTON_CANCEL = "Huỷ"
UPLOAD_GONE = "Tệp này đã được thêm hoặc đã huỷ."
UPLOAD_CANCELLED = "Đã huỷ, không thêm tệp."
UPLOAD_ADDING = "Đang thêm tài liệu…"


def upload_refused(reason: str) -> str:
    """An admin's file that cannot be taken at all (type, size, caption)."""
    return f"❌ Không nhận tệp này. {_e(reason)}"


def upload_problems(file_name: str, problems: list[str]) -> str:
    """What `docs check` found wrong with an admin's file; nothing was added."""
    lines = [f"❌ Chưa thêm <b>{_e(file_name)}</b>: kiểm tra thấy lỗi"]
    lines += [f"• {_e(problem)}" for problem in problems] or ["• không đọc được nội dung"]
    return "\n".join(lines)


def upload_duplicate(title: str, number: str) -> str:
    """The uploaded document is already in the knowledge base."""
    return f"đã có trong cơ sở dữ liệu: {title}{f' ({number})' if number else ''}"


def upload_preview(file_name: str, title: str, kind: str, number: str, issuer: str, issued: str,
                   passages: int, first_passage: str, warnings: list[str]) -> str:
    """What the bot read from an admin's file, shown before "Thêm"."""
    details = " · ".join(_e(part) for part in (kind, number, issuer, issued) if part)
    first = first_passage if len(first_passage) <= 500 else first_passage[:500].rsplit(" ", 1)[0] + " …"
    lines = [f"📥 <b>{_e(file_name)}</b> — tôi đọc được:",
             f"Tiêu đề: <b>{_e(title)}</b>"]
    if details:
        lines.append(details)
    lines += [f"Số đoạn: <b>{passages}</b>", f"Đoạn đầu:\n<i>{_e(first)}</i>"]
    lines += [f"⚠️ {_e(warning)}" for warning in warnings]
    lines.append("\nBấm <b>Thêm</b> để đưa vào thư mục tài liệu và xây dựng lại chỉ mục "
                 "(bot vẫn trả lời bằng chỉ mục cũ trong lúc chờ), hoặc <b>Huỷ</b>.")
    return "\n".join(lines)


def upload_added(file_name: str) -> str:
    """The file is in the documents folder; the rebuild runs."""
    return f"Đã lưu <b>{_e(file_name)}</b> vào thư mục tài liệu. {REINDEX_STARTED}"
