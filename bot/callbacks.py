"""Callback data that only the bot can write, and only for the person it was sent to.

A button's callback data comes back from the client as the client sends it: anyone can press a
button with data they typed themselves (another user's question id, a vote they were never
offered). So every payload the bot puts in a button is followed by an HMAC of the payload, the
user it was shown to and the chat it was sent to; a press whose MAC does not match the presser
and their chat is refused. The key is derived from the bot token: buttons stay valid across
restarts and workers, and a new token (after a leak) invalidates every old button.

Telegram allows 64 bytes of callback data; payloads are short ("v:123456:-1") and the MAC adds
13 (a separator and 12 base64 characters, 72 bits).
"""

from __future__ import annotations

import base64
import hashlib
import hmac

CALLBACK_LIMIT_BYTES = 64
_SEPARATOR = "~"
_MAC_CHARS = 12


class CallbackSigner:
    """Signs and checks callback payloads for one bot (one token)."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    @classmethod
    def for_token(cls, token: str) -> CallbackSigner:
        """The signer of the bot with this token (the token itself is never the key)."""
        return cls(hmac.new(token.encode(), b"binhdang callback data v1", hashlib.sha256).digest())

    def _mac(self, payload: str, user_id: int | None, chat_id: int | None) -> str:
        message = f"{payload}|{user_id or 0}|{chat_id or 0}".encode()
        digest = hmac.new(self._key, message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode()[:_MAC_CHARS]

    def sign(self, payload: str, *, user_id: int | None, chat_id: int | None) -> str:
        """`payload` with its MAC, for a button shown to `user_id` in `chat_id`."""
        if _SEPARATOR in payload:
            raise ValueError(f"callback payload may not contain {_SEPARATOR!r}: {payload!r}")
        data = f"{payload}{_SEPARATOR}{self._mac(payload, user_id, chat_id)}"
        if len(data.encode()) > CALLBACK_LIMIT_BYTES:
            raise ValueError(f"callback data over {CALLBACK_LIMIT_BYTES} bytes: {data!r}")
        return data

    def verify(self, data: str, *, user_id: int | None, chat_id: int | None) -> str | None:
        """The payload when `data` was signed by this bot for this user in this chat, else None."""
        payload, separator, mac = data.rpartition(_SEPARATOR)
        if not separator or not payload:
            return None
        if not hmac.compare_digest(mac, self._mac(payload, user_id, chat_id)):
            return None
        return payload
