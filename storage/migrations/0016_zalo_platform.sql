-- Zalo as it really is (issue 20): events seen once, first contact disclosed, the Official Account channel.

-- Zalo events already handled (or being handled), by channel and event key (event name + Zalo's message id):
-- a repeated delivery is dropped, also after a restart or on another process. `done_at` is NULL while a
-- process handles the event (`claimed_by`: its liveness token on PostgreSQL, 0 on SQLite); the claim of a
-- process that died is taken over by the next delivery. Rows older than a day are pruned.
CREATE TABLE channel_events (
    channel TEXT NOT NULL,
    event_key TEXT NOT NULL,
    claimed_at TEXT NOT NULL,
    claimed_by INTEGER NOT NULL DEFAULT 0,
    done_at TEXT,
    PRIMARY KEY (channel, event_key)
);
CREATE INDEX channel_events_claimed ON channel_events(claimed_at);

-- Chat accounts (zalo_ids.zalo_id: a Zalo Bot user id, or "oa:<user id>" for the Official Account) that have
-- been told, on first contact, that the bot is automated and its legal answers are for reference only.
CREATE TABLE chat_disclosures (
    zalo_id TEXT PRIMARY KEY,
    shown_at TEXT NOT NULL
);

-- The Official Account's OAuth v4 tokens (one row per developers' app): the access token, its expiry, and the
-- single-use refresh token. Refreshed before expiry under a lock, so two processes never spend the same
-- refresh token.
CREATE TABLE oa_tokens (
    app_id TEXT PRIMARY KEY,
    access_token TEXT NOT NULL,
    refresh_token TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    refreshed_at TEXT NOT NULL
);

-- The OA messaging window of each user: replies are free for 48 hours after the user's last message, at most
-- 8 of them; outside it a message needs the OA's quota of proactive messages.
CREATE TABLE oa_windows (
    user_id TEXT PRIMARY KEY,
    last_user_at TEXT NOT NULL,
    last_message_id TEXT,
    replies_used INTEGER NOT NULL DEFAULT 0
);
