-- What several workers must agree on: rate-limit counters, which worker took which update,
-- and which index build is live.
CREATE TABLE rate_events (
    user_id INTEGER NOT NULL,
    at      REAL    NOT NULL  -- Unix seconds of a counted question
);
CREATE INDEX rate_events_user_at ON rate_events(user_id, at);
CREATE TABLE update_claims (
    update_id  INTEGER PRIMARY KEY,  -- Telegram's update_id: a retried delivery has the same one
    worker     TEXT    NOT NULL,
    claimed_at REAL    NOT NULL,     -- Unix seconds; a claim never finished expires (its worker died)
    done       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX update_claims_claimed_at ON update_claims(claimed_at);
CREATE TABLE index_builds (
    id           INTEGER PRIMARY KEY,
    build_id     TEXT NOT NULL,  -- the build's directory name under <index>/builds/
    published_at TEXT NOT NULL,
    published_by TEXT NOT NULL DEFAULT ''
);
