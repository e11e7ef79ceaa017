"""`binhdang db migrate` and `binhdang db status`, on SQLite and PostgreSQL."""

from __future__ import annotations

from scripts.cli import main


def test_db_migrate_brings_an_empty_database_to_the_shipped_version_once(database, capsys):
    assert main(["db", "status", "--database", database]) == 1
    assert "chưa áp dụng: 0001_journal" in capsys.readouterr().out
    assert main(["db", "migrate", "--database", database]) == 0
    out = capsys.readouterr().out
    assert "đã áp dụng 0001_journal" in out and "đã áp dụng 0002_shared_state" in out
    assert main(["db", "migrate", "--database", database]) == 0
    assert "không có gì để nâng cấp" in capsys.readouterr().out
    assert main(["db", "status", "--database", database]) == 0


def test_db_migrate_never_prints_the_database_password(capsys):
    assert main(["db", "migrate", "--database", "postgresql://bot:s3cret@127.0.0.1:1/x"]) == 2
    out = capsys.readouterr().out
    assert "127.0.0.1:1" in out and "s3cret" not in out
