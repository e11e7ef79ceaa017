"""`Storage`: everything the bot remembers, on SQLite or PostgreSQL through the same SQL.

The journal of questions (with what each returned and how long it took), the votes on answers,
the rate-limit counters, the claims that make a retried Telegram update answered once, and the
id of the live index build. Question texts are kept so that admins can see what the knowledge
base fails to answer. Every value reaches the database as a parameter, never inside SQL text.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from importlib import resources

from bot.storage.backends import Backend

MIGRATIONS_LOCK = (0x62640001, 1)  # "bd": one `migrate` at a time across every worker
_VERSIONS = "schema_migrations"


class SchemaOutdated(RuntimeError):
    """The database's schema is older than this code: run `binhdang db migrate`."""


@dataclass(frozen=True)
class Migration:
    """One plain-SQL file of the package's migrations folder: `0002_shared_state.sql`."""

    version: int
    name: str
    sql: str


@dataclass(frozen=True)
class QuestionRecord:
    """A journalled question, as the buttons under its answer need it."""

    id: int
    text: str
    answered: bool
    passage_ids: tuple[str, ...]
    delivery: str = "pending"  # pending, delivered, failed


@dataclass(frozen=True)
class Stats:
    """What /thongke reports."""

    today: int
    week: int
    declined_share: float
    up: int
    down: int
    top_unanswered: list[tuple[str, int]]


@dataclass(frozen=True)
class ProblemQuestion:
    """A question (as typed, folded to lower case) that was declined or voted down, for /thongke."""

    text: str
    declined: int
    down_votes: int
    comments: tuple[str, ...]  # what the people who voted it down said was missing, newest first


@dataclass(frozen=True)
class PublishedBuild:
    """The index build every worker should serve, as `index build` or /reindex published it."""

    build_id: str
    published_at: str
    published_by: str


def migrations(backend_name: str) -> list[Migration]:
    """The migrations shipped for one backend, oldest first."""
    folder = resources.files("bot.storage") / "migrations" / backend_name
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            number, _, rest = entry.name.partition("_")
            found.append(Migration(int(number), rest.removesuffix(".sql"), entry.read_text(encoding="utf-8")))
    return sorted(found, key=lambda migration: migration.version)


class Storage:
    """The bot's memory, shared by every worker that opens the same database."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    @property
    def kind(self) -> str:
        """'sqlite' or 'postgresql'."""
        return self.backend.name

    def close(self) -> None:
        self.backend.close()

    def ping(self) -> bool:
        """Whether the database answers now (for /healthz); never raises."""
        try:
            return self.backend.run("SELECT 1") == [(1,)]
        except Exception:  # noqa: BLE001 - any failure means "not reachable"
            return False

    # ---- schema --------------------------------------------------------------------------

    def schema_version(self) -> int:
        """The newest migration applied (0 for an empty database)."""
        if not self.backend.table_exists(_VERSIONS):
            return 0
        (version,) = self.backend.run(f"SELECT COALESCE(MAX(version), 0) FROM {_VERSIONS}")[0]
        return int(version)

    def pending_migrations(self) -> list[Migration]:
        current = self.schema_version()
        return [m for m in migrations(self.kind) if m.version > current]

    def migrate(self) -> list[Migration]:
        """Apply the migrations not applied yet, each in its own transaction; the ones applied.

        Safe to run from several machines at once: they take turns, and the later ones find
        nothing left to do."""
        applied = []
        for migration in migrations(self.kind):
            with self.backend.transaction(lock=MIGRATIONS_LOCK) as tx:
                tx.run(f"CREATE TABLE IF NOT EXISTS {_VERSIONS} (version INTEGER PRIMARY KEY,"
                       " name TEXT NOT NULL, applied_at TEXT NOT NULL)")
                if tx.run(f"SELECT 1 FROM {_VERSIONS} WHERE version = ?", (migration.version,)):
                    continue
                tx.script(migration.sql)
                tx.run(f"INSERT INTO {_VERSIONS} (version, name, applied_at) VALUES (?, ?, ?)",
                       (migration.version, migration.name, _iso(None)))
            applied.append(migration)
        return applied

    def require_current_schema(self) -> None:
        """Raise SchemaOutdated unless every shipped migration is applied."""
        pending = self.pending_migrations()
        if pending:
            raise SchemaOutdated(
                f"the {self.kind} database lacks {len(pending)} migration(s) "
                f"({', '.join(f'{m.version:04d}_{m.name}' for m in pending)}): run `binhdang db migrate`")

    # ---- journal -------------------------------------------------------------------------

    def record_question(self, *, user_id: int | None, chat_id: int | None, chat_type: str,
                        text: str, answered: bool, reason: str, latency_ms: float,
                        passage_ids: list[str], scores: list[float],
                        at: datetime | None = None, kind: str = "question") -> int:
        """Store one question (or /tailieu topic: kind 'handout') and what the bot returned; its id."""
        ((question_id,),) = self.backend.run(
            "INSERT INTO questions (asked_at, user_id, chat_id, chat_type, text, answered, reason,"
            " latency_ms, passage_ids, scores, kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (_iso(at), user_id, chat_id, chat_type, text, int(answered), reason, latency_ms,
             json.dumps(passage_ids, ensure_ascii=False), json.dumps([round(s, 6) for s in scores]), kind))
        return int(question_id)

    def record_delivery(self, question_id: int, delivered: bool) -> None:
        """Whether the reply to a question reached Telegram ('delivered') or was given up ('failed')."""
        self.backend.run("UPDATE questions SET delivery = ? WHERE id = ?",
                         ("delivered" if delivered else "failed", question_id))

    def question(self, question_id: int) -> QuestionRecord | None:
        """A journalled question, or None when it is unknown."""
        rows = self.backend.run(
            "SELECT id, text, answered, passage_ids, delivery FROM questions WHERE id = ?", (question_id,))
        if not rows:
            return None
        row = rows[0]
        return QuestionRecord(int(row[0]), row[1], bool(row[2]), tuple(json.loads(row[3])), row[4])

    def record_feedback(self, question_id: int, user_id: int, vote: int,
                        at: datetime | None = None) -> None:
        """Store a 👍 (+1) or 👎 (-1); the same user voting again changes their vote."""
        self.backend.run(
            "INSERT INTO feedback (question_id, user_id, vote, at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (question_id, user_id) DO UPDATE SET vote = excluded.vote, at = excluded.at",
            (question_id, user_id, 1 if vote > 0 else -1, _iso(at)))

    def record_feedback_comment(self, question_id: int, user_id: int, comment: str) -> bool:
        """Keep what a user who voted the answer down says was missing; False when they did not."""
        rows = self.backend.run(
            "UPDATE feedback SET comment = ? WHERE question_id = ? AND user_id = ? AND vote < 0"
            " RETURNING question_id", (comment, question_id, user_id))
        return bool(rows)

    def feedback_comments(self, question_id: int) -> dict[int, str]:
        """The comments left on one question's 👎, by user id."""
        rows = self.backend.run(
            "SELECT user_id, comment FROM feedback WHERE question_id = ? AND comment <> ''", (question_id,))
        return {int(user): comment for user, comment in rows}

    def problem_questions(self, days: int, top: int = 10, now: datetime | None = None) -> list[ProblemQuestion]:
        """The questions of the last `days` days most often declined or voted down, with what the
        voters said was missing: the list an admin reads to decide which documents to add."""
        since = _iso((now or datetime.now(timezone.utc)) - timedelta(days=days))
        rows = self.backend.run(
            "SELECT lower(trim(q.text)) AS t,"
            " COUNT(DISTINCT CASE WHEN q.answered = 0 THEN q.id END) AS declined,"
            " COUNT(CASE WHEN f.vote < 0 THEN 1 END) AS down, MAX(q.asked_at) AS last"
            " FROM questions q LEFT JOIN feedback f ON f.question_id = q.id"
            " WHERE q.kind = 'question' AND q.asked_at >= ?"
            " GROUP BY lower(trim(q.text))"
            " HAVING COUNT(DISTINCT CASE WHEN q.answered = 0 THEN q.id END) + COUNT(CASE WHEN f.vote < 0 THEN 1 END) > 0"
            " ORDER BY COUNT(DISTINCT CASE WHEN q.answered = 0 THEN q.id END) + COUNT(CASE WHEN f.vote < 0 THEN 1 END) DESC,"
            " MAX(q.asked_at) DESC LIMIT ?", (since, top))
        comments: dict[str, list[str]] = {}
        for text, comment in self.backend.run(
                "SELECT lower(trim(q.text)), f.comment FROM feedback f JOIN questions q ON q.id = f.question_id"
                " WHERE f.vote < 0 AND f.comment <> '' AND q.asked_at >= ? ORDER BY f.at DESC", (since,)):
            comments.setdefault(text, []).append(comment)
        return [ProblemQuestion(text, int(declined), int(down), tuple(comments.get(text, ())))
                for text, declined, down, _ in rows]

    def feedback(self, question_id: int) -> dict[int, int]:
        """Votes on one question, by user id."""
        rows = self.backend.run("SELECT user_id, vote FROM feedback WHERE question_id = ?", (question_id,))
        return {int(user): int(vote) for user, vote in rows}

    def stats(self, now: datetime | None = None, top: int = 5) -> Stats:
        """Counts for /thongke: today (UTC+7, Vietnam's day), the last 7 days, feedback."""
        now = now or datetime.now(timezone.utc)
        vietnam = timezone(timedelta(hours=7))
        midnight = now.astimezone(vietnam).replace(hour=0, minute=0, second=0, microsecond=0)
        today, week_ago = _iso(midnight), _iso(now - timedelta(days=7))
        count = "SELECT COUNT(*) FROM questions WHERE kind = 'question' AND asked_at >= ?"
        ((today_n,),) = self.backend.run(count, (today,))
        ((week_n,),) = self.backend.run(count, (week_ago,))
        ((declined,),) = self.backend.run(count + " AND answered = 0", (week_ago,))
        ((up, down),) = self.backend.run(
            "SELECT COALESCE(SUM(CASE WHEN vote > 0 THEN 1 ELSE 0 END), 0),"
            " COALESCE(SUM(CASE WHEN vote < 0 THEN 1 ELSE 0 END), 0) FROM feedback")
        unanswered = self.backend.run(
            "SELECT lower(trim(text)) AS q, COUNT(*) AS n, MAX(asked_at) AS last FROM questions"
            " WHERE kind = 'question' AND answered = 0 AND asked_at >= ? GROUP BY lower(trim(text))"
            " ORDER BY n DESC, last DESC LIMIT ?", (week_ago, top))
        return Stats(today=int(today_n), week=int(week_n),
                     declined_share=int(declined) / int(week_n) if week_n else 0.0,
                     up=int(up), down=int(down),
                     top_unanswered=[(text, int(n)) for text, n, _ in unanswered])

    # ---- rate limits ---------------------------------------------------------------------

    def take_rate_slot(self, user_id: int, limit: int, window_s: float, now: float) -> bool:
        """Count one question for `user_id` if fewer than `limit` were counted in the last
        `window_s` seconds; False (and nothing counted) otherwise. Atomic across workers."""
        with self.backend.transaction(lock=(user_id,)) as tx:
            tx.run("DELETE FROM rate_events WHERE user_id = ? AND at <= ?", (user_id, now - window_s))
            ((counted,),) = tx.run("SELECT COUNT(*) FROM rate_events WHERE user_id = ?", (user_id,))
            if counted >= limit:
                return False
            tx.run("INSERT INTO rate_events (user_id, at) VALUES (?, ?)", (user_id, now))
            return True

    def rate_retry_after(self, user_id: int, limit: int, window_s: float, now: float) -> int:
        """Whole seconds until `user_id` may ask again (0 when they may now)."""
        ((counted, oldest),) = self.backend.run(
            "SELECT COUNT(*), MIN(at) FROM rate_events WHERE user_id = ? AND at > ?",
            (user_id, now - window_s))
        if counted < limit or oldest is None:
            return 0
        return max(1, math.ceil(oldest + window_s - now))

    # ---- update claims -------------------------------------------------------------------

    def claim_update(self, update_id: int, worker: str, now: float, lease_s: float) -> bool:
        """Take `update_id` for `worker`: True the first time; False for a redelivery while the
        first claim is being handled or is done. A claim never finished for `lease_s` seconds
        (its worker died) can be taken again, so a killed worker loses no update."""
        rows = self.backend.run(
            "INSERT INTO update_claims (update_id, worker, claimed_at, done) VALUES (?, ?, ?, 0)"
            " ON CONFLICT (update_id) DO UPDATE SET worker = excluded.worker, claimed_at = excluded.claimed_at"
            " WHERE update_claims.done = 0 AND update_claims.claimed_at <= ?"
            " RETURNING update_id",
            (update_id, worker, now, now - lease_s))
        return bool(rows)

    def finish_update(self, update_id: int) -> None:
        """Mark a claimed update handled: later deliveries of it are duplicates for good."""
        self.backend.run("UPDATE update_claims SET done = 1 WHERE update_id = ?", (update_id,))

    def update_done(self, update_id: int) -> bool:
        """Whether a claimed update was handled to the end."""
        rows = self.backend.run("SELECT done FROM update_claims WHERE update_id = ?", (update_id,))
        return bool(rows and rows[0][0])

    def release_update(self, update_id: int) -> None:
        """Give a claim back after a failure, so that Telegram's retry is handled at once."""
        self.backend.run("DELETE FROM update_claims WHERE update_id = ? AND done = 0", (update_id,))

    def prune_claims(self, older_than: float) -> int:
        """Forget claims older than `older_than` (Telegram stops retrying after a day)."""
        rows = self.backend.run("DELETE FROM update_claims WHERE claimed_at < ? RETURNING update_id",
                                (older_than,))
        return len(rows)

    # ---- index builds --------------------------------------------------------------------

    def publish_build(self, build_id: str, by: str = "", at: datetime | None = None) -> None:
        """Announce `build_id` as the build every worker should serve from now on."""
        self.backend.run("INSERT INTO index_builds (build_id, published_at, published_by) VALUES (?, ?, ?)",
                         (build_id, _iso(at), by))

    def published_build(self) -> PublishedBuild | None:
        """The build published last, or None when none was."""
        rows = self.backend.run(
            "SELECT build_id, published_at, published_by FROM index_builds ORDER BY id DESC LIMIT 1")
        return PublishedBuild(*rows[0]) if rows else None


def _iso(moment: datetime | None) -> str:
    return (moment or datetime.now(timezone.utc)).astimezone(timezone.utc).isoformat(timespec="seconds")
