"""The bot's storage — journal, votes, rate limits, update claims, published builds — with the
same tests on SQLite and on PostgreSQL (see the `database` fixture)."""

from __future__ import annotations

import sqlite3
import threading
from datetime import datetime, timedelta, timezone

import pytest

from bot.ratelimit import StoredRateLimiter
from bot.storage import SchemaOutdated, Storage, StorageError, migrations, open_storage
from bot.storage.backends import PostgresBackend

NOW = datetime(2025, 3, 8, 5, 0, tzinfo=timezone.utc)  # 12:00 in Vietnam


@pytest.fixture
def storage(database):
    opened = open_storage(database, migrate=True)
    yield opened
    opened.close()


def ask(storage: Storage, text: str, answered: bool, at: datetime, user_id: int = 1) -> int:
    return storage.record_question(user_id=user_id, chat_id=user_id, chat_type="private", text=text,
                                   answered=answered, reason="" if answered else "low coverage",
                                   latency_ms=3.0, passage_ids=["a#1", "a#2"] if answered else [],
                                   scores=[1.0, 0.5][: 2 * answered], at=at)


# ---- journal ---------------------------------------------------------------------------------

def test_questions_and_their_passages_are_journalled(storage):
    question_id = ask(storage, "Bình đẳng giới là gì?", True, NOW, user_id=5_000_000_000)
    record = storage.question(question_id)
    assert record.text == "Bình đẳng giới là gì?" and record.passage_ids == ("a#1", "a#2")
    assert record.answered and storage.question(question_id + 1000) is None


def test_delivery_is_pending_until_recorded_then_delivered_or_failed(storage):
    sent, lost = ask(storage, "đã gửi", True, NOW), ask(storage, "bị mất", True, NOW)
    assert storage.question(sent).delivery == "pending"
    storage.record_delivery(sent, True)
    storage.record_delivery(lost, False)
    assert storage.question(sent).delivery == "delivered" and storage.question(lost).delivery == "failed"


def test_handout_topics_are_journalled_but_not_counted_as_questions(storage):
    ask(storage, "Bình đẳng giới là gì?", True, NOW)
    storage.record_question(user_id=1, chat_id=1, chat_type="private", text="nấu phở", kind="handout",
                            answered=False, reason="nothing found", latency_ms=9.0, passage_ids=[],
                            scores=[], at=NOW)
    stats = storage.stats(NOW)
    assert stats.today == 1 and stats.top_unanswered == []


def test_question_text_is_stored_verbatim_never_run_as_sql(storage):
    text = "x'); DROP TABLE questions; -- ? %s %(a)s"
    question_id = ask(storage, text, False, NOW)
    assert storage.question(question_id).text == text
    assert storage.stats(NOW).today == 1


def test_a_second_vote_replaces_the_first(storage):
    question_id = ask(storage, "q", True, NOW)
    storage.record_feedback(question_id, 5, -1)
    storage.record_feedback(question_id, 5, 1)
    storage.record_feedback(question_id, 6, -1)
    assert storage.feedback(question_id) == {5: 1, 6: -1}
    stats = storage.stats(NOW)
    assert (stats.up, stats.down) == (1, 1)


def test_stats_count_today_the_week_declines_and_top_unanswered(storage):
    ask(storage, "Bình đẳng giới là gì?", True, NOW)
    ask(storage, "giá vàng", False, NOW - timedelta(hours=1))
    ask(storage, "Giá vàng", False, NOW - timedelta(days=2))
    ask(storage, "thời tiết", False, NOW - timedelta(days=3))
    ask(storage, "cũ quá", False, NOW - timedelta(days=30))
    stats = storage.stats(NOW)
    assert stats.today == 2 and stats.week == 4
    assert stats.declined_share == 0.75
    assert stats.top_unanswered == [("giá vàng", 2), ("thời tiết", 1)]


def test_sqlite_journal_is_in_wal_mode_so_readers_never_wait(tmp_path):
    open_storage(tmp_path / "j.sqlite3").close()
    (mode,) = sqlite3.connect(tmp_path / "j.sqlite3").execute("PRAGMA journal_mode").fetchone()
    assert mode == "wal"


# ---- rate limits -----------------------------------------------------------------------------

def test_rate_limit_allows_the_limit_then_refuses_until_the_window_passes(storage):
    now = [1000.0]
    limiter = StoredRateLimiter(storage, 2, 60, clock=lambda: now[0])
    assert limiter.allow(1) and limiter.allow(1) and not limiter.allow(1)
    assert limiter.allow(2), "other users are not affected"
    assert limiter.retry_after(1) == 60 and limiter.retry_after(2) == 0
    now[0] = 1030.0
    assert not limiter.allow(1) and limiter.retry_after(1) == 30
    now[0] = 1060.0
    assert limiter.allow(1)


def test_a_user_limited_by_one_worker_is_limited_by_the_others(database):
    workers = [open_storage(database, migrate=True) for _ in range(3)]
    try:
        limiters = [StoredRateLimiter(storage, 4, 60, clock=lambda: 500.0) for storage in workers]
        allowed = [limiters[n % 3].allow(77) for n in range(6)]
        assert allowed == [True] * 4 + [False] * 2
        assert all(limiter.retry_after(77) == 60 for limiter in limiters)
    finally:
        for storage in workers:
            storage.close()


def test_concurrent_questions_from_one_user_never_exceed_the_limit(database):
    workers = [open_storage(database, migrate=True) for _ in range(2)]
    results: list[bool] = []
    start = threading.Barrier(8)

    def hammer(storage: Storage) -> None:
        start.wait()
        for _ in range(5):
            results.append(storage.take_rate_slot(9, 10, 60, 100.0))

    threads = [threading.Thread(target=hammer, args=(workers[n % 2],)) for n in range(8)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        for storage in workers:
            storage.close()
    assert len(results) == 40 and results.count(True) == 10


# ---- update claims ---------------------------------------------------------------------------

def test_a_redelivered_update_is_claimed_once_and_a_dead_workers_claim_expires(storage):
    assert storage.claim_update(42, "w1", now=100.0, lease_s=30)
    assert not storage.claim_update(42, "w2", now=101.0, lease_s=30), "being handled by w1"
    assert storage.claim_update(42, "w2", now=131.0, lease_s=30), "w1 never finished: w2 takes over"
    storage.finish_update(42)
    assert not storage.claim_update(42, "w3", now=10_000.0, lease_s=30), "handled: a duplicate for good"
    assert storage.claim_update(43, "w1", now=100.0, lease_s=30)
    storage.release_update(43)
    assert storage.claim_update(43, "w2", now=100.5, lease_s=30), "a released claim is free at once"
    assert storage.prune_claims(older_than=120.0) == 1, "43 (claimed at 100.5) is forgotten, 42 kept"
    assert storage.claim_update(43, "w1", 200.0, 30) and not storage.claim_update(42, "w1", 200.0, 30)


def test_concurrent_deliveries_of_one_update_are_claimed_by_exactly_one_worker(database):
    workers = [open_storage(database, migrate=True) for _ in range(4)]
    won: list[str] = []
    start = threading.Barrier(4)

    def deliver(number: int) -> None:
        start.wait()
        if workers[number].claim_update(7, f"w{number}", now=50.0, lease_s=30):
            won.append(f"w{number}")

    threads = [threading.Thread(target=deliver, args=(n,)) for n in range(4)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        for storage in workers:
            storage.close()
    assert len(won) == 1


# ---- index builds ----------------------------------------------------------------------------

def test_the_last_published_build_is_the_live_one(storage):
    assert storage.published_build() is None
    storage.publish_build("20250101T000000-1-aaaaaa", by="index build")
    storage.publish_build("20250102T000000-2-bbbbbb", by="/reindex")
    live = storage.published_build()
    assert (live.build_id, live.published_by) == ("20250102T000000-2-bbbbbb", "/reindex")


# ---- schema ----------------------------------------------------------------------------------

def test_migrate_applies_every_migration_once_and_records_the_version(database):
    with pytest.raises(SchemaOutdated, match="binhdang db migrate"):
        open_storage(database, migrate=False)
    storage = open_storage(database, migrate=True)
    try:
        assert storage.schema_version() == migrations(storage.kind)[-1].version
        assert storage.migrate() == [] and storage.pending_migrations() == []
    finally:
        storage.close()


def test_postgresql_waits_for_db_migrate_while_sqlite_migrates_on_open(tmp_path):
    from bot.storage import is_postgres_url

    assert is_postgres_url("postgresql://bot@db/binhdang") and not is_postgres_url(str(tmp_path / "x"))
    storage = open_storage(f"sqlite://{tmp_path / 'bot.sqlite3'}")
    try:
        assert storage.kind == "sqlite" and storage.pending_migrations() == []
    finally:
        storage.close()


def test_both_backends_ship_the_same_migration_versions():
    sqlite_versions = [(m.version, m.name) for m in migrations("sqlite")]
    assert sqlite_versions == [(m.version, m.name) for m in migrations("postgresql")]
    assert [v for v, _ in sqlite_versions] == list(range(1, len(sqlite_versions) + 1))


def test_a_journal_written_before_migrations_is_adopted_with_its_questions(tmp_path):
    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path)
    old.executescript("""
        CREATE TABLE questions (id INTEGER PRIMARY KEY, asked_at TEXT NOT NULL, user_id INTEGER,
            chat_id INTEGER, chat_type TEXT, text TEXT NOT NULL, answered INTEGER NOT NULL,
            reason TEXT NOT NULL DEFAULT '', latency_ms REAL, passage_ids TEXT NOT NULL DEFAULT '[]',
            scores TEXT NOT NULL DEFAULT '[]');
        CREATE TABLE feedback (question_id INTEGER NOT NULL REFERENCES questions(id), user_id INTEGER NOT NULL,
            vote INTEGER NOT NULL, at TEXT NOT NULL, PRIMARY KEY (question_id, user_id));
        INSERT INTO questions (asked_at, text, answered) VALUES ('2025-01-01T00:00:00+00:00', 'cũ', 0);
    """)
    old.close()
    storage = open_storage(path)
    try:
        assert storage.question(1).text == "cũ"
        assert storage.claim_update(1, "w", 0.0, 30)
    finally:
        storage.close()


def test_an_unreachable_postgresql_is_a_clear_error_without_the_password():
    with pytest.raises(StorageError) as raised:
        PostgresBackend("postgresql://bot:s3cret@127.0.0.1:1/binhdang", connect_timeout_s=1)
    assert "127.0.0.1:1" in str(raised.value) and "s3cret" not in str(raised.value)


def test_problem_questions_rank_declines_and_down_votes_with_their_comments(storage):
    asked = ask(storage, "Bình đẳng giới là gì?", True, NOW)
    storage.record_feedback(asked, 5, -1, at=NOW)
    storage.record_feedback(asked, 6, 1, at=NOW)
    assert storage.record_feedback_comment(asked, 5, "thiếu văn bản 2025")
    assert not storage.record_feedback_comment(asked, 6, "người 👍 không góp ý kiểu này")
    for _ in range(2):
        ask(storage, "Giá vàng?", False, NOW)
    ask(storage, "cũ", False, NOW - timedelta(days=40))
    problems = storage.problem_questions(days=30, now=NOW)
    assert [(p.text, p.declined, p.down_votes, p.comments) for p in problems] == [
        ("giá vàng?", 2, 0, ()), ("bình đẳng giới là gì?", 0, 1, ("thiếu văn bản 2025",))]
