"""`binhdang db`: create or upgrade the bot's database (SQLite journal or shared PostgreSQL)."""

from __future__ import annotations

import argparse
import os

from bot.settings import database_from_env
from bot.storage import StorageError, is_postgres_url, migrations, open_storage, redact_url
from scripts import messages

DESCRIPTION = messages.DB_DESCRIPTION


def configure_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the `db` sub-command to the binhdang CLI."""
    parser = subparsers.add_parser("db", help=messages.HELP["db"], description=DESCRIPTION,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="db_command", required=True)
    for name, handler, text in (("migrate", cmd_migrate, messages.HELP["db migrate"]),
                                ("status", cmd_status, messages.HELP["db status"])):
        command = sub.add_parser(name, help=text)
        command.add_argument("--database", metavar="URL",
                             help=messages.HELP["db database"])
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
