-- Zalo channel: stable integer ids for python-telegram-bot, mapped to Zalo's string ids.
-- The integer seen by handlers (and stored in identities.external_id / chat_id for channel 'zalo') is
-- 10^16 + zalo_ids.id, far above any Telegram user id, so the two channels never share a key.
CREATE TABLE zalo_ids (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    zalo_id TEXT NOT NULL UNIQUE,
    display_name TEXT,
    created_at TEXT NOT NULL
);

-- The last message with numbered options in each Zalo chat (Telegram-shaped JSON, with its keyboard),
-- so that "1", "2" or a button's text typed after a restart still taps the right button.
CREATE TABLE zalo_chats (
    zalo_id TEXT PRIMARY KEY,
    message TEXT,
    updated_at TEXT NOT NULL
);

-- One-time codes (/lienket) that attach a second chat identity (Zalo, Telegram) to the same person.
CREATE TABLE link_codes (
    id INTEGER PRIMARY KEY,
    code_hash TEXT NOT NULL,
    person_id INTEGER NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    used_channel TEXT,
    used_external_id TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX link_codes_hash ON link_codes(code_hash);
CREATE INDEX link_codes_person ON link_codes(person_id);

-- Failed /lienket attempts per chat identity (a 6-digit code must not be guessable by trying).
CREATE TABLE link_attempts (
    id INTEGER PRIMARY KEY,
    channel TEXT NOT NULL,
    external_id TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX link_attempts_identity ON link_attempts(channel, external_id, at);
