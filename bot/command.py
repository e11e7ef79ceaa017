"""`binhdang bot`: run the Telegram bot by long polling, or as a webhook server."""

from __future__ import annotations

import argparse
import importlib.util
import logging
import os
import secrets
import sys
from pathlib import Path
from urllib.parse import urlparse

from telegram import Update

from bot.app import build_application
from bot.holder import SearcherHolder, warm_up
from bot.settings import ENV_NAMES, Settings, SettingsError, load_settings
from bot.storage import SchemaOutdated, StorageError, open_storage
from index.errors import IndexError_
from index.searcher import open_index

log = logging.getLogger("binhdang.bot")

DESCRIPTION = """\
Answer questions on gender-equality policy in Telegram, quoting the indexed documents.

Settings come from (highest first) these options, environment variables, then the --config
file (TOML, or .env lines; ./.env is read when present and --config is not given):
  TELEGRAM_BOT_TOKEN      the token from @BotFather (required)
  BINHDANG_INDEX          the built index (--index; default: the user data dir)
  BINHDANG_DOCS_DIR       documents folder /reindex rebuilds from (--docs)
  BINHDANG_JOURNAL        SQLite journal of questions and feedback (one process)
  BINHDANG_DATABASE_URL   postgresql://… shared by several workers instead (--database);
                          create its tables first with `binhdang db migrate`
  BINHDANG_ADMIN_IDS      user ids allowed /thongke and /reindex, comma separated
  BINHDANG_ALLOWED_CHATS  if set, only these chat ids may use the bot
  BINHDANG_RATE_LIMIT     questions per user, e.g. 20/min (default)
  TELEGRAM_API_BASE_URL   a self-hosted Bot API server, e.g. http://127.0.0.1:8081/bot

Without --webhook the bot long-polls Telegram; with it, it serves a webhook on --listen/--port.
"""


def configure_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the `bot` sub-command to the binhdang CLI."""
    parser = subparsers.add_parser("bot", help="run the Telegram bot", description=DESCRIPTION,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    # dest "index_dir", not "index": the top-level CLI fills a missing `index` with its default,
    # which would override the settings file here.
    parser.add_argument("--index", dest="index_dir", type=Path, metavar="DIR",
                        help="index directory (BINHDANG_INDEX; default: the user data dir)")
    parser.add_argument("--docs", type=Path, metavar="DIR", help="documents folder for /reindex (BINHDANG_DOCS_DIR)")
    parser.add_argument("--config", type=Path, metavar="FILE", help="settings file: .toml or .env")
    parser.add_argument("--journal", type=Path, metavar="FILE", help="SQLite journal file (BINHDANG_JOURNAL)")
    parser.add_argument("--database", metavar="URL", help="PostgreSQL URL shared by workers (BINHDANG_DATABASE_URL)")
    parser.add_argument("--api-base-url", metavar="URL", help="Bot API base URL; the token is appended (TELEGRAM_API_BASE_URL)")
    parser.add_argument("--webhook", metavar="URL", help="public HTTPS URL Telegram posts updates to")
    parser.add_argument("--listen", metavar="ADDR", help="address the webhook server binds (default 0.0.0.0)")
    parser.add_argument("--port", type=int, metavar="N", help="port the webhook server binds (default 8443)")
    parser.add_argument("--log-level", default="INFO", help="DEBUG, INFO, WARNING (default INFO)")
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
    _configure_logging(args.log_level, settings.token)
    if settings.webhook_url and importlib.util.find_spec("tornado") is None:
        return _fail('webhook mode needs python-telegram-bot[webhooks]: pip install "python-telegram-bot[webhooks]"')
    try:
        # The embedding model a dense index needs: $BINHDANG_MODEL, as for the other commands.
        model_dir = Path(os.environ["BINHDANG_MODEL"]) if os.environ.get("BINHDANG_MODEL") else None
        searcher = open_index(settings.index_dir, model_dir=model_dir)
    except IndexError_ as error:
        return _fail(f"cannot open the index at {settings.index_dir} ({ENV_NAMES['index_dir']}, --index): {error}")
    warm_up(searcher)  # the first user should not wait for the model to load
    try:
        journal = open_storage(settings.database)
    except (StorageError, SchemaOutdated) as error:
        return _fail(str(error))
    try:
        application = build_application(settings, SearcherHolder(searcher), journal)
        log.info("serving %d documents from %s; %s", len(searcher.sources), settings.index_dir,
                 f"webhook {settings.webhook_url}" if settings.webhook_url else "long polling")
        _serve(application, settings)
    finally:
        journal.close()
    return 0


def _serve(application, settings: Settings) -> None:
    if settings.webhook_url:
        application.run_webhook(
            listen=settings.listen, port=settings.port,
            url_path=urlparse(settings.webhook_url).path.lstrip("/"),
            webhook_url=settings.webhook_url,
            # Telegram echoes this secret in a header, so forged posts to the URL are refused.
            secret_token=secrets.token_urlsafe(32),
            allowed_updates=Update.ALL_TYPES)
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)


class _RedactingFormatter(logging.Formatter):
    """Formats records, then removes the bot token (HTTP logs put it in every URL)."""

    def __init__(self, fmt: str, token: str) -> None:
        super().__init__(fmt)
        self._token = token

    def format(self, record: logging.LogRecord) -> str:
        return super().format(record).replace(self._token, "<token>")


def _configure_logging(level: str, token: str) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(_RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", token))
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
    # One line per HTTP request to Telegram is noise at INFO.
    logging.getLogger("httpx").setLevel(logging.WARNING)


def _fail(message: str) -> int:
    print(f"binhdang bot: {message}", file=sys.stderr)
    return 2
