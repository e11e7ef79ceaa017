"""The bot's journal: every question, what it returned, how long it took, and the feedback on it.

One SQLite file in WAL mode, so /thongke can read while questions are written. Question texts
are kept so that admins can see what the knowledge base fails to answer.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS questions (
    id          INTEGER PRIMARY KEY,
    asked_at    TEXT    NOT NULL,  -- UTC, ISO 8601
    user_id     INTEGER,
    chat_id     INTEGER,
    chat_type   TEXT,
    text        TEXT    NOT NULL,
    answered    INTEGER NOT NULL,  -- 0 when the bot declined
    reason      TEXT    NOT NULL DEFAULT '',
    latency_ms  REAL,
    passage_ids TEXT    NOT NULL DEFAULT '[]',  -- JSON list, best first
    scores      TEXT    NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS questions_asked_at ON questions(asked_at);
CREATE TABLE IF NOT EXISTS feedback (
    question_id INTEGER NOT NULL REFERENCES questions(id),
    user_id     INTEGER NOT NULL,
    vote        INTEGER NOT NULL,  -- +1 or -1; a second vote replaces the first
    at          TEXT    NOT NULL,
    PRIMARY KEY (question_id, user_id)
);
"""


@dataclass(frozen=True)
class QuestionRecord:
    """A journalled question, as the buttons under its answer need it."""

    id: int
    text: str
    answered: bool
    passage_ids: tuple[str, ...]


@dataclass(frozen=True)
class Stats:
    """What /thongke reports."""

    today: int
    week: int
    declined_share: float
    up: int
    down: int
    top_unanswered: list[tuple[str, int]]


class Journal:
    """Append-only record of questions and feedback in one SQLite file."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Handlers run on one event loop thread; check_same_thread is off only so that a
        # shutdown from another thread can close the connection.
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def record_question(self, *, user_id: int | None, chat_id: int | None, chat_type: str,
                        text: str, answered: bool, reason: str, latency_ms: float,
                        passage_ids: list[str], scores: list[float],
                        at: datetime | None = None) -> int:
        """Store one question and what the bot returned; the new question's id."""
        cursor = self._db.execute(
            "INSERT INTO questions (asked_at, user_id, chat_id, chat_type, text, answered, reason,"
            " latency_ms, passage_ids, scores) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (_iso(at), user_id, chat_id, chat_type, text, int(answered), reason, latency_ms,
             json.dumps(passage_ids, ensure_ascii=False), json.dumps([round(s, 6) for s in scores])),
        )
        return int(cursor.lastrowid)

    def question(self, question_id: int) -> QuestionRecord | None:
        """A journalled question, or None when it is unknown."""
        row = self._db.execute(
            "SELECT id, text, answered, passage_ids FROM questions WHERE id = ?", (question_id,)
        ).fetchone()
        if row is None:
            return None
        return QuestionRecord(row[0], row[1], bool(row[2]), tuple(json.loads(row[3])))

    def record_feedback(self, question_id: int, user_id: int, vote: int,
                        at: datetime | None = None) -> None:
        """Store a 👍 (+1) or 👎 (-1); the same user voting again changes their vote."""
        self._db.execute(
            "INSERT INTO feedback (question_id, user_id, vote, at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (question_id, user_id) DO UPDATE SET vote = excluded.vote, at = excluded.at",
            (question_id, user_id, 1 if vote > 0 else -1, _iso(at)),
        )

    def feedback(self, question_id: int) -> dict[int, int]:
        """Votes on one question, by user id."""
        rows = self._db.execute(
            "SELECT user_id, vote FROM feedback WHERE question_id = ?", (question_id,))
        return dict(rows.fetchall())

    def stats(self, now: datetime | None = None, top: int = 5) -> Stats:
        """Counts for /thongke: today (UTC+7, Vietnam's day), the last 7 days, feedback."""
        now = now or datetime.now(timezone.utc)
        vietnam = timezone(timedelta(hours=7))
        midnight = now.astimezone(vietnam).replace(hour=0, minute=0, second=0, microsecond=0)
        today, week_ago = _iso(midnight), _iso(now - timedelta(days=7))
        count = "SELECT COUNT(*) FROM questions WHERE asked_at >= ?"
        (today_n,) = self._db.execute(count, (today,)).fetchone()
        (week_n,) = self._db.execute(count, (week_ago,)).fetchone()
        (declined,) = self._db.execute(count + " AND answered = 0", (week_ago,)).fetchone()
        up, down = self._db.execute(
            "SELECT COALESCE(SUM(vote > 0), 0), COALESCE(SUM(vote < 0), 0) FROM feedback").fetchone()
        unanswered = self._db.execute(
            "SELECT lower(trim(text)) AS q, COUNT(*) AS n, MAX(asked_at) FROM questions"
            " WHERE answered = 0 AND asked_at >= ? GROUP BY q ORDER BY n DESC, MAX(asked_at) DESC"
            " LIMIT ?", (week_ago, top)).fetchall()
        return Stats(today=today_n, week=week_n, declined_share=declined / week_n if week_n else 0.0,
                     up=up, down=down, top_unanswered=[(text, n) for text, n, _ in unanswered])


def _iso(moment: datetime | None) -> str:
    return (moment or datetime.now(timezone.utc)).astimezone(timezone.utc).isoformat(timespec="seconds")
