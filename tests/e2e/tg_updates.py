"""Telegram updates as the Bot API sends them (plain dicts), for feeding the bot in tests."""

from __future__ import annotations

import itertools
import time

from fake_bot_api import BOT_ID, BOT_USER, BOT_USERNAME

USER_ID = 111
ADMIN_ID = 999
GROUP_ID = -100500
_ids = itertools.count(1)


def user(user_id: int = USER_ID) -> dict:
    return {"id": user_id, "is_bot": False, "first_name": "Cán bộ", "language_code": "vi"}


def private_chat(user_id: int = USER_ID) -> dict:
    return {"id": user_id, "type": "private", "first_name": "Cán bộ"}


def group_chat() -> dict:
    return {"id": GROUP_ID, "type": "supergroup", "title": "Nhóm công tác BĐG"}


def message(text: str | None = None, *, user_id: int = USER_ID, chat: dict | None = None,
            entities: list[dict] | None = None, reply_to: dict | None = None, **extra: object) -> dict:
    """An update carrying one new message (text, or whatever `extra` holds: sticker, photo…)."""
    body: dict = {"message_id": next(_ids), "date": int(time.time()), "from": user(user_id),
                  "chat": chat or private_chat(user_id), **extra}
    if text is not None:
        body["text"] = text
        if text.startswith("/"):
            command = text.split()[0] if text.split() else text
            entities = [{"type": "bot_command", "offset": 0, "length": len(command)}] + (entities or [])
    if entities:
        body["entities"] = entities
    if reply_to:
        body["reply_to_message"] = reply_to
    return {"update_id": next(_ids), "message": body}


def mention(text_after: str, *, user_id: int = USER_ID) -> dict:
    """A group message that starts by mentioning the bot."""
    handle = f"@{BOT_USERNAME}"
    return message(f"{handle} {text_after}", user_id=user_id, chat=group_chat(),
                   entities=[{"type": "mention", "offset": 0, "length": len(handle)}])


def bot_message(chat: dict, text: str = "…") -> dict:
    """A message the bot sent earlier (for replies to it)."""
    return {"message_id": next(_ids), "date": int(time.time()), "from": BOT_USER, "chat": chat, "text": text}


def callback(data: str, *, user_id: int = USER_ID, chat: dict | None = None) -> dict:
    """A press on an inline button with `data`, under a message of the bot."""
    chat = chat or private_chat(user_id)
    return {"update_id": next(_ids), "callback_query": {
        "id": str(next(_ids)), "from": user(user_id), "chat_instance": "ci", "data": data,
        "message": bot_message(chat)}}


__all__ = ["ADMIN_ID", "BOT_ID", "GROUP_ID", "USER_ID", "bot_message", "callback", "group_chat",
           "mention", "message", "private_chat", "user"]
