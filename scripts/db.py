"""`binhdang db`: create or upgrade the bot's database (SQLite journal or shared PostgreSQL)."""

from __future__ import annotations

import argparse
import os

from bot.settings import database_from_env
from bot.storage import StorageError, is_postgres_url, migrations, open_storage, redact_url

DESCRIPTION = """\
The bot's database: the journal of questions, votes, rate limits, update claims, the live index
build. SQLite by default (BINHDANG_JOURNAL, migrated on open); PostgreSQL when
BINHDANG_DATABASE_URL (or --database) is postgresql://user:password@host/dbname — then run
`binhdang db migrate` once before starting the workers, and again after each upgrade.
"""


def configure_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the `db` sub-command to the binhdang CLI."""
    parser = subparsers.add_parser("db", help="create or upgrade the bot's database", description=DESCRIPTION,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="db_command", required=True)
    for name, handler, text in (("migrate", cmd_migrate, "apply the migrations not applied yet"),
                                ("status", cmd_status, "the schema version and the migrations still to apply")):
        command = sub.add_parser(name, help=text)
        command.add_argument("--database", metavar="URL",
                             help="postgresql://… or a SQLite file (default: $BINHDANG_DATABASE_URL, else the journal)")
        command.set_defaults(handler=handler)
    return parser


def _target(args: argparse.Namespace):
    return args.database or database_from_env(os.environ)


def _label(target) -> str:
    return redact_url(str(target)) if is_postgres_url(target) else f"SQLite {target}"


def _open(args: argparse.Namespace):
    target = _target(args)
    return target, open_storage(target, migrate=False, check_schema=False)


def cmd_migrate(args: argparse.Namespace) -> int:
    """Apply the pending migrations; safe to run while workers serve and from several machines."""
    try:
        target, storage = _open(args)
    except StorageError as error:
        print(f"Lỗi: {error}")
        return 2
    try:
        applied = storage.migrate()
        for migration in applied:
            print(f"  đã áp dụng {migration.version:04d}_{migration.name}")
        print(f"{_label(target)}: lược đồ ở phiên bản {storage.schema_version()}"
              + ("" if applied else " (không có gì để nâng cấp)"))
    finally:
        storage.close()
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    """Print the schema version and what `migrate` would apply; exit 1 when it would apply any."""
    try:
        target, storage = _open(args)
    except StorageError as error:
        print(f"Lỗi: {error}")
        return 2
    try:
        pending = storage.pending_migrations()
        print(f"{_label(target)}: lược đồ ở phiên bản {storage.schema_version()} "
              f"(mã nguồn có {migrations(storage.kind)[-1].version})")
        for migration in pending:
            print(f"  chưa áp dụng: {migration.version:04d}_{migration.name} — chạy: binhdang db migrate")
        published = None if pending else storage.published_build()
        if published:
            print(f"  bản chỉ mục đang công bố: {published.build_id} ({published.published_at}, {published.published_by})")
    finally:
        storage.close()
    return 1 if pending else 0
