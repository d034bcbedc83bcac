-- Issue 14 (security): which flow a person's next typed text is for (storage/text_claims.py), so that text
-- typed for one flow never lands in another flow's record.
CREATE TABLE text_claims (
    person_id INTEGER PRIMARY KEY REFERENCES persons(id) ON DELETE CASCADE,
    flow TEXT NOT NULL,
    at TEXT NOT NULL
);

-- Failed invite-code attempts per chat identity, and of everyone together (guessing from many accounts).
CREATE TABLE invite_attempts (
    id INTEGER PRIMARY KEY,
    channel TEXT NOT NULL,
    external_id TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX invite_attempts_identity ON invite_attempts(channel, external_id, at);
CREATE INDEX invite_attempts_at ON invite_attempts(at);
-- /lienket: the failed attempts of everyone since a time (global and per-code limits).
CREATE INDEX link_attempts_at ON link_attempts(at);

-- Webhook updates already handled (several processes behind a proxy that passes a slow request on to another
-- process, or Telegram sending an update again): checked under the chat's lock, so an update is handled once.
CREATE TABLE handled_updates (
    channel TEXT NOT NULL,
    update_id INTEGER NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (channel, update_id)
);
CREATE INDEX handled_updates_at ON handled_updates(at);
