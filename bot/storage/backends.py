"""The two databases behind `Storage`: what differs between them, and nothing else.

Storage's SQL is written once, with `?` placeholders, and runs on both; a backend supplies
connections, transactions, the lock that serialises transactions on one key, and the name of
its migrations folder. Parameters always travel separately from the SQL text.
"""

from __future__ import annotations

import sqlite3
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path


class StorageError(RuntimeError):
    """The database cannot be reached or used; the message says which and why."""


class Transaction(ABC):
    """Statements that commit together (or not at all)."""

    @abstractmethod
    def run(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        """Run one statement; its rows (none for a statement without a result)."""

    @abstractmethod
    def script(self, sql: str) -> None:
        """Run a file of statements without parameters (a migration)."""


class Backend(ABC):
    """One database: SQLite or PostgreSQL."""

    name: str  # also the folder of its migrations

    @abstractmethod
    def run(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        """Run one statement in its own transaction; its rows."""

    @abstractmethod
    @contextmanager
    def transaction(self, lock: tuple[int, ...] = ()) -> Iterator[Transaction]:
        """A transaction; with `lock`, transactions holding the same key run one after another,
        in every process using the database."""

    @abstractmethod
    def table_exists(self, table: str) -> bool: ...

    @abstractmethod
    def close(self) -> None: ...


# ---- SQLite ----------------------------------------------------------------------------------

class _SQLiteTransaction(Transaction):
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def run(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        return self._db.execute(sql, tuple(params)).fetchall()

    def script(self, sql: str) -> None:
        for statement in split_statements(sql):
            self._db.execute(statement)


class SQLiteBackend(Backend):
    """One file in WAL mode, so that readers (/thongke) never wait for the writer."""

    name = "sqlite"

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Autocommit (isolation_level=None): transactions are explicit, BEGIN IMMEDIATE, so that
            # two processes on one file serialise instead of failing on a lock upgrade. Not tied to
            # one thread: a shutdown from another thread may close it; `_lock` keeps use serial.
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        except (OSError, sqlite3.Error) as error:
            raise StorageError(f"cannot open the SQLite database {path}: {error}") from error
        self._lock = threading.RLock()

    def run(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, tuple(params)).fetchall()

    @contextmanager
    def transaction(self, lock: tuple[int, ...] = ()) -> Iterator[Transaction]:
        # BEGIN IMMEDIATE takes the file's write lock at once: every transaction is serialised,
        # which covers any `lock` key.
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield _SQLiteTransaction(self._db)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def table_exists(self, table: str) -> bool:
        return bool(self.run("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)))

    def close(self) -> None:
        with self._lock:
            self._db.close()


def split_statements(script: str) -> list[str]:
    """The statements of an SQL file, for a driver that runs one at a time."""
    statements, pending = [], ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            if pending.strip():
                statements.append(pending.strip())
            pending = ""
    if pending.strip() and not all(l.strip().startswith("--") or not l.strip() for l in pending.splitlines()):
        raise ValueError(f"unterminated SQL statement: {pending.strip()[:80]}")
    return statements


# ---- PostgreSQL ------------------------------------------------------------------------------

def _pg_sql(sql: str) -> str:
    # psycopg's placeholder is %s; our SQL contains no literal '%' or '?' besides placeholders.
    if "%" in sql:
        raise ValueError("SQL for both backends must not contain '%'")
    return sql.replace("?", "%s")


class _PostgresTransaction(Transaction):
    def __init__(self, connection) -> None:
        self._connection = connection

    def run(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        cursor = self._connection.execute(_pg_sql(sql), tuple(params))
        return cursor.fetchall() if cursor.description else []

    def script(self, sql: str) -> None:
        # Without parameters psycopg sends the text as one simple query: several statements run.
        self._connection.execute(sql)


class PostgresBackend(Backend):
    """A psycopg 3 connection pool: each call borrows a connection, so threads may share it."""

    name = "postgresql"

    def __init__(self, url: str, *, min_size: int = 1, max_size: int = 8, connect_timeout_s: float = 10) -> None:
        import psycopg
        from psycopg_pool import ConnectionPool, PoolTimeout

        try:
            # One direct connection first: a wrong host, password or database fails at once with
            # libpq's own explanation, where the pool would retry in silence until its timeout.
            psycopg.connect(url, connect_timeout=max(1, round(connect_timeout_s))).close()
        except psycopg.Error as error:
            raise StorageError(f"cannot connect to PostgreSQL at {redact_url(url)}: "
                               f"{str(error).strip()}") from error
        self._pool = ConnectionPool(url, min_size=min_size, max_size=max_size, open=False,
                                    kwargs={"autocommit": True}, name="binhdang",
                                    timeout=connect_timeout_s)
        try:
            self._pool.open(wait=True, timeout=connect_timeout_s)
        except PoolTimeout as error:
            self._pool.close()
            raise StorageError(f"cannot connect to PostgreSQL at {redact_url(url)}: {error}") from error

    def run(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        with self._pool.connection() as connection:
            return _PostgresTransaction(connection).run(sql, params)

    @contextmanager
    def transaction(self, lock: tuple[int, ...] = ()) -> Iterator[Transaction]:
        with self._pool.connection() as connection, connection.transaction():
            if lock:
                # A transaction-scoped advisory lock: released at commit or rollback, and by the
                # server if this process dies. One key (bigint) and two keys (int, int) are
                # separate key spaces, so user ids never collide with our fixed two-key locks.
                sql = ("SELECT pg_advisory_xact_lock(%s::bigint)" if len(lock) == 1
                       else "SELECT pg_advisory_xact_lock(%s::integer, %s::integer)")
                connection.execute(sql, lock)
            yield _PostgresTransaction(connection)

    def table_exists(self, table: str) -> bool:
        (exists,) = self.run("SELECT to_regclass(?) IS NOT NULL", (table,))[0]
        return bool(exists)

    def close(self) -> None:
        self._pool.close()


def redact_url(url: str) -> str:
    """A database URL without its password, for messages and logs."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))
