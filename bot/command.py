"""`binhdang bot`: run the Telegram bot by long polling, or as a webhook server."""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import logging
import os
import sys
from datetime import datetime, timezone
from pathlib import Path

from telegram import Update
from telegram.error import InvalidToken
from telegram.ext import TypeHandler

from bot import messages
from bot.app import build_application
from bot.batching import batch_question_embedding
from bot.holder import SearcherHolder, warm_up
from bot.rollout import BuildFollower
from bot.settings import ENV_NAMES, Settings, SettingsError, load_settings
from bot.storage import SchemaOutdated, StorageError, open_storage
from index.errors import IndexError_
from index.searcher import open_index

log = logging.getLogger("binhdang.bot")

DESCRIPTION = messages.CLI_DESCRIPTION


def configure_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the `bot` sub-command to the binhdang CLI."""
    parser = subparsers.add_parser("bot", help=messages.CLI_HELP, description=DESCRIPTION,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    option = messages.CLI_OPTIONS
    # dest "index_dir", not "index": the top-level CLI fills a missing `index` with its default,
    # which would override the settings file here.
    parser.add_argument("--index", dest="index_dir", type=Path, metavar="DIR", help=option["index"])
    parser.add_argument("--docs", type=Path, metavar="DIR", help=option["docs"])
    parser.add_argument("--config", type=Path, metavar="FILE", help=option["config"])
    parser.add_argument("--journal", type=Path, metavar="FILE", help=option["journal"])
    parser.add_argument("--database", metavar="URL", help=option["database"])
    parser.add_argument("--api-base-url", metavar="URL", help=option["api-base-url"])
    parser.add_argument("--webhook", metavar="URL", help=option["webhook"])
    parser.add_argument("--listen", metavar="ADDR", help=option["listen"])
    parser.add_argument("--port", type=int, metavar="N", help=option["port"])
    parser.add_argument("--log-level", default="INFO", help=option["log-level"])
    parser.set_defaults(handler=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Start the bot; returns the exit status (2 for a setup problem, told on stderr)."""
    config = args.config or (Path(".env") if Path(".env").is_file() else None)
    overrides = {"index_dir": args.index_dir, "docs_dir": args.docs, "journal_path": args.journal,
                 "database_url": args.database,
                 "api_base_url": args.api_base_url, "webhook_url": args.webhook,
                 "listen": args.listen, "port": args.port}
    try:
        settings = load_settings(os.environ, config, overrides)
    except SettingsError as error:
        return _fail(str(error))
    webhook = bool(settings.webhook_url)
    _configure_logging(args.log_level, settings.token, structured=webhook)
    if settings.webhook_url and importlib.util.find_spec("tornado") is None:
        return _fail(messages.CLI_NO_WEBHOOK_SUPPORT)
    try:
        # The embedding model a dense index needs: $BINHDANG_MODEL, as for the other commands.
        model_dir = Path(os.environ["BINHDANG_MODEL"]) if os.environ.get("BINHDANG_MODEL") else None
        searcher = open_index(settings.index_dir, model_dir=model_dir)
    except IndexError_ as error:
        return _fail(messages.CLI_NO_INDEX.format(path=settings.index_dir, env=ENV_NAMES["index_dir"], error=error))
    warm_up(searcher)  # the first user should not wait for the model to load
    batch_question_embedding(searcher)  # concurrent questions share the model's forward passes
    try:
        journal = open_storage(settings.database)
    except (StorageError, SchemaOutdated) as error:
        return _fail(str(error))
    holder = SearcherHolder(searcher)
    # Follows the build `index build` or /reindex publishes in the storage (see bot.rollout).
    follower = BuildFollower(journal, holder, settings.index_dir)
    try:
        application = build_application(settings, holder, journal, updater=not webhook,
                                        check_documents=getattr(args, "check_documents", None))
        log.info("serving %d documents from %s; %s", len(searcher.sources), settings.index_dir,
                 f"webhook worker {settings.webhook_url}" if webhook else "long polling")
        _serve(application, settings, journal, follower)
    except InvalidToken:
        # PTB's own message repeats the token; this one does not.
        return _fail(messages.CLI_TOKEN_REJECTED.format(env=ENV_NAMES["token"]))
    except Exception:
        log.exception("the bot stopped on an error")  # through the formatter that removes the token
        return 1
    finally:
        journal.close()
    return 0


def _serve(application, settings: Settings, journal, follower: BuildFollower) -> None:
    if settings.webhook_url:
        from bot.worker import Worker  # tornado, only for webhook workers

        asyncio.run(Worker(application, journal, follower, settings).serve())
        return

    async def follow_published_build(update: object, context: object) -> None:
        await follower.follow()

    application.add_handler(TypeHandler(Update, follow_published_build), group=-2)
    application.run_polling(allowed_updates=Update.ALL_TYPES)


class _RedactingFormatter(logging.Formatter):
    """Formats records, then removes the bot token (HTTP logs put it in every URL)."""

    def __init__(self, fmt: str, token: str) -> None:
        super().__init__(fmt)
        self._token = token

    def format(self, record: logging.LogRecord) -> str:
        return super().format(record).replace(self._token, "<token>")


class _JsonFormatter(logging.Formatter):
    """One JSON object per line, with the update id, latency and worker where a record has them,
    for a fleet's log collector; the token is removed as above."""

    FIELDS = ("update_id", "outcome", "latency_ms", "worker", "build", "listen")

    def __init__(self, token: str) -> None:
        super().__init__()
        self._token = token

    def format(self, record: logging.LogRecord) -> str:
        entry = {"ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
                 "level": record.levelname, "logger": record.name, "msg": record.getMessage()}
        entry.update({name: getattr(record, name) for name in self.FIELDS if hasattr(record, name)})
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str).replace(self._token, "<token>")


def _configure_logging(level: str, token: str, *, structured: bool = False) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(_JsonFormatter(token) if structured else
                         _RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", token))
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
    # One line per HTTP request to Telegram is noise at INFO.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("tornado.access").setLevel(logging.WARNING)  # the worker logs each update itself


def _fail(message: str) -> int:
    print(messages.CLI_FAILED.format(message=message), file=sys.stderr)
    return 2
