"""One webhook worker: Telegram (through a reverse proxy) posts updates here; several identical
workers, on one machine or many, share one PostgreSQL.

Each update is claimed in the database by its `update_id` before it is handled, so an update
Telegram delivers twice (it retries when a reply is slow) is answered once, by whichever worker
claimed it. The HTTP reply is sent after the update is handled: a worker that dies mid-update
never acknowledged it, Telegram retries, and once the dead worker's claim expires another worker
answers. GET /healthz says which index build this worker serves and whether the database answers.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import os
import re
import signal
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlparse

import tornado.httpserver
import tornado.web
from telegram import Update
from telegram.ext import Application

from bot.rollout import BuildFollower
from bot.settings import Settings
from bot.storage import Storage

log = logging.getLogger("binhdang.worker")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
PRUNE_EVERY = 1000  # updates between two clean-ups of old claims
CLAIMS_KEPT_S = 2 * 24 * 3600  # Telegram gives up retrying an update well within a day


def webhook_secret(token: str) -> str:
    """The secret Telegram echoes in every post, the same in every worker with the same token
    (so that workers started apart agree) and useless to anyone without the token."""
    return hmac.new(token.encode(), b"binhdang webhook secret", hashlib.sha256).hexdigest()


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class Reply:
    """The HTTP answer to one request."""

    status: int
    body: dict | None = None


class Worker:
    """Handles posted updates and health checks; `serve` runs it as an HTTP server."""

    def __init__(self, application: Application, storage: Storage, follower: BuildFollower,
                 settings: Settings, *, name: str | None = None) -> None:
        self.application, self.storage, self.follower, self.settings = application, storage, follower, settings
        self.name = name or worker_name()
        self.secret = webhook_secret(settings.token)
        self._handled = 0

    async def handle_post(self, secret: str | None, body: bytes) -> Reply:
        """One delivery from Telegram: 200 once it is answered (or is a duplicate), 403 for a
        forged post, 400 for garbage, 503 when it cannot be answered now (Telegram retries)."""
        if not hmac.compare_digest((secret or "").encode(), self.secret.encode()):
            return Reply(403)
        started = time.perf_counter()
        try:
            update = Update.de_json(json.loads(body), self.application.bot)
        except (ValueError, TypeError, KeyError) as error:
            log.warning("unreadable update: %s", error)
            return Reply(400)
        if update is None:
            return Reply(400)
        update_id = update.update_id
        try:
            claimed = self.storage.claim_update(update_id, self.name, time.time(), self.settings.update_lease_s)
        except Exception:  # noqa: BLE001 - the database is away: let Telegram retry later
            log.error("cannot claim update", exc_info=True, extra={"update_id": update_id})
            return Reply(503)
        if not claimed:
            # Answered already (200: stop retrying), or being answered by a worker that may
            # still fail (503: ask again later, by when it is done or its claim has expired).
            done = self.storage.update_done(update_id)
            log.info("duplicate update", extra={"update_id": update_id, "outcome": "duplicate" if done else "in-progress",
                                                "latency_ms": _ms(started)})
            return Reply(200 if done else 503)
        await self.follower.follow()
        try:
            await self.application.process_update(update)
        except Exception:  # noqa: BLE001 - give the claim back so that the retry is handled at once
            log.error("update failed", exc_info=True, extra={"update_id": update_id})
            self.storage.release_update(update_id)
            return Reply(500)
        self.storage.finish_update(update_id)
        log.info("update handled", extra={"update_id": update_id, "outcome": "handled",
                                          "latency_ms": _ms(started), "build": self.follower.state().serving})
        self._handled += 1
        if self._handled % PRUNE_EVERY == 0:
            self.storage.prune_claims(time.time() - CLAIMS_KEPT_S)
        return Reply(200)

    def health(self) -> Reply:
        """/healthz: 200 when the database answers, 503 otherwise; the build this worker serves."""
        searcher = self.follower.holder.get()
        manifest = getattr(searcher, "manifest", {}) or {}
        database = self.storage.ping()
        rollout = self.follower.state()
        body = {"status": "ok" if database else "database unreachable", "worker": self.name,
                "build": rollout.serving, "passages": manifest.get("passages"),
                "documents": manifest.get("documents"), "published_build": rollout.published,
                "build_error": ({"build": rollout.failed, "error": rollout.error} if rollout.failed else None),
                "database": database, "database_kind": self.storage.kind}
        return Reply(200 if database else 503, body)

    # ---- serving -------------------------------------------------------------------------

    async def serve(self, stop: asyncio.Event | None = None) -> None:
        """Listen on settings.listen:port, register the webhook, serve until SIGINT/SIGTERM."""
        stop = stop or asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        path = urlparse(self.settings.webhook_url or "/").path or "/"
        routes = [(r"/healthz", _HealthHandler, {"worker": self}),
                  (_route(path), _UpdateHandler, {"worker": self})]
        server = tornado.httpserver.HTTPServer(tornado.web.Application(routes), xheaders=True)
        await self.application.initialize()
        await self.application.start()
        try:
            server.listen(self.settings.port, address=self.settings.listen)
            if self.settings.webhook_url:
                await self.application.bot.set_webhook(self.settings.webhook_url, secret_token=self.secret,
                                                       allowed_updates=Update.ALL_TYPES)
            log.info("worker listening", extra={"worker": self.name, "listen": f"{self.settings.listen}:{self.settings.port}",
                                                "build": self.follower.state().serving})
            await stop.wait()
        finally:
            server.stop()
            await server.close_all_connections()
            await self.application.stop()
            await self.application.shutdown()


def _route(path: str) -> str:
    return re.escape(path if path.startswith("/") else "/" + path)


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


class _UpdateHandler(tornado.web.RequestHandler):
    def initialize(self, worker: Worker) -> None:
        self.worker = worker

    async def post(self) -> None:
        reply = await self.worker.handle_post(self.request.headers.get(SECRET_HEADER), self.request.body)
        self.set_status(reply.status)
        if reply.status == 503:
            self.set_header("Retry-After", "1")


class _HealthHandler(tornado.web.RequestHandler):
    def initialize(self, worker: Worker) -> None:
        self.worker = worker

    def get(self) -> None:
        reply = self.worker.health()
        self.set_status(reply.status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.write(json.dumps(reply.body, ensure_ascii=False))
