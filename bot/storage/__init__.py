"""What the bot remembers, shared by every worker: journal, feedback, rate limits, update claims
and the live index build.

One interface (`Storage`), two backends chosen once, at the edge, from a URL: SQLite (a file
path, or sqlite:///path; the embedded default for one process) and PostgreSQL
(postgresql://…; for several workers on one machine or many).
"""

from __future__ import annotations

from pathlib import Path

from bot.storage.backends import PostgresBackend, SQLiteBackend, StorageError, redact_url
from bot.storage.base import (Migration, ProblemQuestion, PublishedBuild, QuestionRecord, SchemaOutdated, Stats, Storage,
                              migrations)

__all__ = ["Migration", "ProblemQuestion", "PublishedBuild", "QuestionRecord", "SchemaOutdated", "Stats", "Storage",
           "StorageError", "is_postgres_url", "migrations", "open_storage", "redact_url"]


def is_postgres_url(target: str | Path) -> bool:
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


def open_storage(target: str | Path, *, migrate: bool | None = None, check_schema: bool = True,
                 pool_size: int = 8) -> Storage:
    """Open the database `target` names: a PostgreSQL URL, sqlite:///path, or a file path.

    `migrate` applies pending migrations at once; by default SQLite is migrated on open (one
    process owns it, as before) while PostgreSQL must be migrated by `binhdang db migrate`
    first, so that a fleet of workers never races to change a shared schema. Raises
    StorageError when the database cannot be opened, SchemaOutdated when it needs migrating
    (unless `check_schema` is False: `binhdang db` opens an outdated database to migrate it).
    """
    if is_postgres_url(target):
        storage = Storage(PostgresBackend(str(target), max_size=pool_size))
        migrate = False if migrate is None else migrate
    else:
        path = Path(str(target).removeprefix("sqlite://")) if str(target).startswith("sqlite://") else Path(target)
        storage = Storage(SQLiteBackend(path))
        migrate = True if migrate is None else migrate
    try:
        if migrate:
            storage.migrate()
        elif check_schema:
            storage.require_current_schema()
    except BaseException:
        storage.close()
        raise
    return storage
