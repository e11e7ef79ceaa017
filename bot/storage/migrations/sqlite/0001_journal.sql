-- The journal of questions and the votes on them. IF NOT EXISTS: a journal written before
-- migrations existed is adopted as it is.
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
