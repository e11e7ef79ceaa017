"""A fake Telegram Bot API on 127.0.0.1: serves what python-telegram-bot calls, records every call.

Runs a stdlib ThreadingHTTPServer in a daemon thread. Updates put in `queue_update` are handed
out by getUpdates (long-polled for up to a second, so an idle poller does not spin).

Faults as Telegram and networks produce them can be queued per method with `inject`: "429"
(Too Many Requests with retry_after), "500", "drop" (the connection closes without a response).
A faulted call is not recorded in `calls`: as far as the user is concerned it never arrived.
Requests with another token than TOKEN get 401 Unauthorized, as Telegram answers a revoked token.
"""

from __future__ import annotations

import email.parser
import email.policy
import itertools
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote

BOT_ID = 7000001
BOT_USERNAME = "binhdang_test_bot"
TOKEN = "7000001:TEST-token-never-logged-abcdefghijk"
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "Bình Đẳng", "username": BOT_USERNAME,
            "can_join_groups": True, "can_read_all_group_messages": False,
            "supports_inline_queries": False}
_JSON_FIELDS = {"reply_markup", "commands", "allowed_updates", "link_preview_options",
                "reply_parameters", "entities", "scope"}


@dataclass
class Call:
    """One request the bot made."""

    method: str
    params: dict
    at: float  # time.monotonic() when it arrived


class FakeBotApi:
    """The fake server; `base_url` is what goes to `--api-base-url` (the token is appended)."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.delivered_at: dict[int, float] = {}  # update_id -> when getUpdates handed it out
        self.paths: list[str] = []
        self._updates: list[dict] = []
        self._lock = threading.Condition()
        self._message_ids = itertools.count(1000)
        self._faults: dict[str, list[str]] = {}
        self.faults_served: list[tuple[str, str]] = []  # (method, fault) in the order served
        self.files: dict[str, bytes] = {}  # file_id -> content, served by getFile and /file/
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/bot"

    def start(self) -> "FakeBotApi":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # ---- what tests use --------------------------------------------------------------------

    def queue_update(self, update: dict) -> None:
        with self._lock:
            self._updates.append(update)
            self._lock.notify_all()

    def inject(self, method: str, *faults: str) -> None:
        """The next calls of `method` fail as listed: "429" or "429:<seconds>", "500", "drop"."""
        with self._lock:
            self._faults.setdefault(method, []).extend(faults)

    def _next_fault(self, method: str) -> str | None:
        with self._lock:
            queued = self._faults.get(method)
            if not queued:
                return None
            fault = queued.pop(0)
            self.faults_served.append((method, fault))
            return fault

    def reset(self) -> None:
        with self._lock:
            self._faults.clear()
            self.faults_served.clear()
            self.files.clear()
            self.calls.clear()
            self.paths.clear()
            self.delivered_at.clear()
            self._updates.clear()

    def sent(self, method: str = "sendMessage") -> list[Call]:
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def texts(self) -> list[str]:
        return [call.params.get("text", "") for call in self.sent("sendMessage")]

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        """Block until `count` calls of `method` arrived (or fail after `timeout` seconds)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len([c for c in self.calls if c.method == method]) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"{method} x{count} not received in {timeout}s; got "
                                       f"{[c.method for c in self.calls]}")
                self._lock.wait(remaining)
            return [c for c in self.calls if c.method == method]

    # ---- serving ---------------------------------------------------------------------------

    def _answer(self, method: str, params: dict) -> object:
        if method == "getMe":
            return BOT_USER
        if method == "getUpdates":
            return self._get_updates(params)
        if method == "getFile":
            file_id = str(params.get("file_id", ""))
            return {"file_id": file_id, "file_unique_id": f"u-{file_id}", "file_size": len(self.files.get(file_id, b"")),
                    "file_path": f"documents/{file_id}"}
        if method in ("sendMessage", "sendDocument", "editMessageText"):
            chat_id = int(params.get("chat_id", 0))
            return {"message_id": int(params.get("message_id") or next(self._message_ids)),
                    "date": int(time.time()), "from": BOT_USER,
                    "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup",
                             "title": None if chat_id > 0 else "Nhóm thử"},
                    "text": params.get("text", "")}
        return True  # answerCallbackQuery, sendChatAction, setMyCommands, deleteWebhook, …

    def _get_updates(self, params: dict) -> list[dict]:
        offset = int(params.get("offset") or 0)
        wait = min(float(params.get("timeout") or 0), 1.0)
        deadline = time.monotonic() + wait
        with self._lock:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while not self._updates and time.monotonic() < deadline:
                self._lock.wait(deadline - time.monotonic())
            handed = self._updates[:int(params.get("limit") or 100)]  # Telegram's cap per call
            now = time.monotonic()
            for update in handed:
                self.delivered_at.setdefault(update["update_id"], now)
            return handed

    def _record(self, method: str, params: dict) -> None:
        with self._lock:
            self.calls.append(Call(method, params, time.monotonic()))
            self._lock.notify_all()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            # Keep-alive, as Telegram's servers do: HTTP/1.0 would cost the bot a new connection
            # for every reply, which is not what it pays in production.
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                api.paths.append(self.path)
                method = self.path.rsplit("/", 1)[-1]
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                if len(body) < length:
                    # The client went away mid-request (a worker killed while sending): Telegram
                    # would have received no message, so nothing is recorded or answered.
                    self.close_connection = True
                    return None
                if unquote(self.path).startswith(f"/file/bot{TOKEN}/"):  # PTB quotes the token's ':' here
                    return self._reply(200, api.files.get(method, b""), "application/octet-stream")
                if not self.path.startswith(f"/bot{TOKEN}/"):
                    return self._reply(401, _error(401, "Unauthorized"))
                params = _decode(self.headers.get("Content-Type", ""), body)
                fault = api._next_fault(method)
                if fault == "drop":
                    self.close_connection = True
                    return None
                if fault is not None:
                    code, _, seconds = fault.partition(":")
                    if code == "429":
                        return self._reply(429, _error(429, f"Too Many Requests: retry after {seconds or 1}",
                                                       {"retry_after": int(seconds or 1)}))
                    return self._reply(int(code), _error(int(code), "Internal Server Error"))
                if method != "getUpdates":
                    api._record(method, params)
                result = api._answer(method, params)
                self._reply(200, json.dumps({"ok": True, "result": result}).encode())

            def _reply(self, status: int, payload: bytes, content_type: str = "application/json") -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the bot stopped while a long poll was pending

            do_GET = do_POST

            def log_message(self, *args: object) -> None:  # keep test output quiet
                pass

        return Handler


def _error(code: int, description: str, parameters: dict | None = None) -> bytes:
    body: dict = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return json.dumps(body).encode()


def _decode(content_type: str, body: bytes) -> dict:
    if not body:
        return {}
    if content_type.startswith("application/json"):
        return json.loads(body)
    if content_type.startswith("multipart/form-data"):
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
        # Telegram reads form fields as UTF-8 whatever the part headers say; files stay bytes.
        raw = {part.get_param("name", header="content-disposition"):
               part.get_payload(decode=True) if part.get_filename()
               else part.get_payload(decode=True).decode("utf-8")
               for part in message.iter_parts()}
    else:
        raw = dict(parse_qsl(body.decode(), keep_blank_values=True))
    return {key: json.loads(value) if key in _JSON_FIELDS and isinstance(value, str) else value
            for key, value in raw.items()}
