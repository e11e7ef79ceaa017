"""The bot's settings: read once, at start, from environment variables and an optional file.

Precedence, highest first: command-line options (passed as `overrides`), environment variables,
then the file. The file is either TOML (`*.toml`, keys named like the fields below, optionally
under a `[bot]` table) or a `.env` file (`NAME=value` lines, names like the environment variables).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot import messages
from index.locations import data_dir, default_index_dir


# field name -> environment variable (and .env key)
ENV_NAMES: dict[str, str] = {
    "token": "TELEGRAM_BOT_TOKEN",
    "api_base_url": "TELEGRAM_API_BASE_URL",
    "index_dir": "BINHDANG_INDEX",  # the same variable `binhdang ask` and `index build` read
    "docs_dir": "BINHDANG_DOCS_DIR",
    "journal_path": "BINHDANG_JOURNAL",
    "database_url": "BINHDANG_DATABASE_URL",  # PostgreSQL shared by several workers; replaces the journal file
    "admin_ids": "BINHDANG_ADMIN_IDS",
    "allowed_chat_ids": "BINHDANG_ALLOWED_CHATS",
    "rate_limit": "BINHDANG_RATE_LIMIT",
    "max_in_flight": "BINHDANG_MAX_IN_FLIGHT",
    "search_workers": "BINHDANG_SEARCH_WORKERS",
    "webhook_url": "BINHDANG_WEBHOOK_URL",
    "listen": "BINHDANG_WEBHOOK_LISTEN",
    "port": "BINHDANG_WEBHOOK_PORT",
    "update_lease_s": "BINHDANG_UPDATE_LEASE_S",  # seconds before a dead worker's update is retaken
    "max_document_mb": "BINHDANG_MAX_DOC_MB",  # /reindex skips documents with more text (as --max-doc-mb)
}

_WINDOWS = {"s": 1.0, "sec": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0, "hour": 3600.0}


class SettingsError(ValueError):
    """A setting is missing or malformed; the message says which and how to fix it."""


@dataclass(frozen=True)
class Settings:
    """Everything the bot needs to run; built by `load_settings`, then passed in."""

    token: str = field(repr=False)  # never printed, never logged
    index_dir: Path
    journal_path: Path
    docs_dir: Path | None = None
    admin_ids: frozenset[int] = frozenset()
    allowed_chat_ids: frozenset[int] | None = None  # None: every chat may use the bot
    rate_limit: int = 20  # questions per user per window
    rate_window_s: float = 60.0
    # Questions admitted at once (searching or waiting for a search thread); beyond it users are
    # told the bot is busy. 256: a training room of 50 asking 4 each (200) is queued, not refused;
    # at the 35-70 questions a second a 2-core machine answers (README "Under real use"), the
    # 256th waits a few seconds, about what "try again in a few seconds" would cost it anyway.
    max_in_flight: int = 256
    # Threads searching at once. They mostly wait for the shared embedding pass (bot.batching),
    # so more threads than cores means bigger batches, not more contention.
    search_workers: int = 8
    api_base_url: str | None = None  # e.g. http://127.0.0.1:8081/bot; the token is appended
    webhook_url: str | None = None
    listen: str = "0.0.0.0"
    port: int = 8443
    database_url: str | None = field(default=None, repr=False)  # may hold a password
    update_lease_s: float = 60.0
    max_document_mb: float | None = None  # None: the build's own limit (knowledge.loaders.MAX_DOCUMENT_BYTES)

    @property
    def max_document_bytes(self) -> int | None:
        """The /reindex document size limit in bytes, or None for the default."""
        return int(self.max_document_mb * 1024 * 1024) if self.max_document_mb else None

    @property
    def database(self) -> str | Path:
        """What to open the storage from: the PostgreSQL URL, else the SQLite journal file."""
        return self.database_url or self.journal_path

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.admin_ids

    def chat_allowed(self, chat_id: int | None) -> bool:
        return self.allowed_chat_ids is None or chat_id in self.allowed_chat_ids


def default_journal_path() -> Path:
    """The SQLite journal when neither BINHDANG_JOURNAL nor BINHDANG_DATABASE_URL says otherwise."""
    return data_dir() / "bot.sqlite3"


def database_from_env(env: Mapping[str, str]) -> str | Path:
    """The storage `binhdang db` and `index build` use, read as the bot reads it: the PostgreSQL
    URL if set, else the SQLite journal."""
    return env.get("BINHDANG_DATABASE_URL") or Path(env.get("BINHDANG_JOURNAL") or default_journal_path())


def read_config_file(path: Path) -> dict[str, Any]:
    """Raw settings from a TOML or .env file, keyed by field name."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise SettingsError(messages.SETTINGS_UNREADABLE.format(path=path, error=error.strerror)) from error
    if path.suffix == ".toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise SettingsError(messages.SETTINGS_BAD_TOML.format(path=path, error=error)) from error
        data = data.get("bot", data)
        unknown = set(data) - set(ENV_NAMES)
        if unknown:
            raise SettingsError(messages.SETTINGS_UNKNOWN.format(path=path, unknown=sorted(unknown), known=sorted(ENV_NAMES)))
        return dict(data)
    by_env = {env: name for name, env in ENV_NAMES.items()}
    values: dict[str, Any] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        key, value = key.strip(), value.strip().strip("'\"")
        if key in by_env:
            values[by_env[key]] = value
    return values


def load_settings(env: Mapping[str, str], config_path: Path | None = None,
                  overrides: Mapping[str, Any] | None = None) -> Settings:
    """Settings from a config file, the environment and command-line overrides (highest wins)."""
    raw: dict[str, Any] = read_config_file(config_path) if config_path else {}
    raw.update({name: env[var] for name, var in ENV_NAMES.items() if env.get(var, "") != ""})
    raw.update({name: value for name, value in (overrides or {}).items() if value is not None})

    token = str(raw.get("token", "")).strip()
    if not token:
        raise SettingsError(messages.SETTINGS_NO_TOKEN)
    limit, window = _rate(raw.get("rate_limit", "20/min"))
    allowed = raw.get("allowed_chat_ids")
    return Settings(
        token=token,
        index_dir=Path(raw.get("index_dir") or default_index_dir()),
        docs_dir=Path(raw["docs_dir"]) if raw.get("docs_dir") else None,
        journal_path=Path(raw.get("journal_path") or default_journal_path()),
        admin_ids=_ids(raw.get("admin_ids", ()), "admin_ids"),
        allowed_chat_ids=_ids(allowed, "allowed_chat_ids") if allowed not in (None, "") else None,
        rate_limit=limit,
        rate_window_s=window,
        max_in_flight=_positive(raw.get("max_in_flight", 256), "max_in_flight"),
        search_workers=_positive(raw.get("search_workers", 8), "search_workers"),
        api_base_url=str(raw["api_base_url"]).rstrip("/") if raw.get("api_base_url") else None,
        webhook_url=raw.get("webhook_url") or None,
        listen=str(raw.get("listen", "0.0.0.0")),
        port=_int(raw.get("port", 8443), "port"),
        database_url=_database_url(raw.get("database_url")),
        update_lease_s=_seconds(raw.get("update_lease_s", 60), "update_lease_s"),
        max_document_mb=_megabytes(raw.get("max_document_mb")),
    )


def _megabytes(value: Any) -> float | None:
    if value in (None, ""):
        return None
    try:
        megabytes = float(str(value).strip())
    except ValueError:
        raise SettingsError(messages.SETTINGS_BAD_MEGABYTES.format(value=value)) from None
    if megabytes <= 0:
        raise SettingsError(messages.SETTINGS_BAD_MEGABYTES.format(value=value))
    return megabytes


def _seconds(value: Any, name: str) -> float:
    try:
        seconds = float(str(value).strip())
    except ValueError:
        raise SettingsError(messages.SETTINGS_NOT_SECONDS.format(name=name, value=value)) from None
    if seconds <= 0:
        raise SettingsError(messages.SETTINGS_NOT_POSITIVE.format(name=name))
    return seconds


def _database_url(value: Any) -> str | None:
    text = str(value or "").strip()
    if text and not text.startswith(("postgresql://", "postgres://", "sqlite://")):
        raise SettingsError(messages.SETTINGS_BAD_DATABASE.format(value=text.split("@")[-1]))
    return text or None


def _ids(value: Any, name: str) -> frozenset[int]:
    items = re.split(r"[,\s;]+", value.strip()) if isinstance(value, str) else list(value)
    return frozenset(_int(item, name) for item in items if str(item).strip())


def _positive(value: Any, name: str) -> int:
    number = _int(value, name)
    if number < 1:
        raise SettingsError(f"{name}: {value!r} must be at least 1")
    return number


def _int(value: Any, name: str) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise SettingsError(messages.SETTINGS_NOT_A_NUMBER.format(name=name, value=value)) from None


def _rate(value: Any) -> tuple[int, float]:
    """'20/min', '20/minute', '5/s', '100/h' or a bare number (per minute)."""
    text = str(value).strip().lower().replace(" ", "")
    match = re.fullmatch(r"(\d+)(?:/(\d*)(s|sec|second|m|min|minute|h|hour)s?)?", text)
    if not match:
        raise SettingsError(messages.SETTINGS_BAD_RATE.format(value=value))
    count, multiple, unit = match.groups()
    unit = {"second": "s", "minute": "min"}.get(unit or "min", unit or "min")
    return int(count), float(multiple or 1) * _WINDOWS[unit]
