"""The SQLite journal and the per-user rate limit."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone

from bot.journal import Journal
from bot.ratelimit import RateLimiter

NOW = datetime(2025, 3, 8, 5, 0, tzinfo=timezone.utc)  # 12:00 in Vietnam


def ask(journal: Journal, text: str, answered: bool, at: datetime) -> int:
    return journal.record_question(user_id=1, chat_id=1, chat_type="private", text=text, answered=answered,
                                   reason="" if answered else "low coverage", latency_ms=3.0,
                                   passage_ids=["a#1", "a#2"] if answered else [], scores=[1.0, 0.5][: 2 * answered],
                                   at=at)


def test_questions_and_their_passages_are_journalled_in_wal_mode(tmp_path):
    journal = Journal(tmp_path / "j.sqlite3")
    question_id = ask(journal, "Bình đẳng giới là gì?", True, NOW)
    record = journal.question(question_id)
    assert record.text == "Bình đẳng giới là gì?" and record.passage_ids == ("a#1", "a#2")
    assert journal.question(999) is None
    journal.close()
    (mode,) = sqlite3.connect(tmp_path / "j.sqlite3").execute("PRAGMA journal_mode").fetchone()
    assert mode == "wal"


def test_a_second_vote_replaces_the_first(tmp_path):
    journal = Journal(tmp_path / "j.sqlite3")
    question_id = ask(journal, "q", True, NOW)
    journal.record_feedback(question_id, 5, -1)
    journal.record_feedback(question_id, 5, 1)
    journal.record_feedback(question_id, 6, -1)
    assert journal.feedback(question_id) == {5: 1, 6: -1}
    stats = journal.stats(NOW)
    assert (stats.up, stats.down) == (1, 1)


def test_stats_count_today_the_week_declines_and_top_unanswered(tmp_path):
    journal = Journal(tmp_path / "j.sqlite3")
    ask(journal, "Bình đẳng giới là gì?", True, NOW)
    ask(journal, "giá vàng", False, NOW - timedelta(hours=1))
    ask(journal, "Giá vàng", False, NOW - timedelta(days=2))
    ask(journal, "thời tiết", False, NOW - timedelta(days=3))
    ask(journal, "cũ quá", False, NOW - timedelta(days=30))
    stats = journal.stats(NOW)
    assert stats.today == 2 and stats.week == 4
    assert stats.declined_share == 0.75
    assert stats.top_unanswered == [("giá vàng", 2), ("thời tiết", 1)]


def test_rate_limit_allows_the_limit_then_refuses_until_the_window_passes():
    now = [0.0]
    limiter = RateLimiter(2, 60, clock=lambda: now[0])
    assert limiter.allow(1) and limiter.allow(1) and not limiter.allow(1)
    assert limiter.allow(2), "other users are not affected"
    assert limiter.retry_after(1) == 60
    now[0] = 60.0
    assert limiter.allow(1)
