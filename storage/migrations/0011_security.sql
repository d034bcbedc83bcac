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

-- An administrator may invite a province official: the invites' role CHECK is widened. SQLite changes a CHECK
-- only by rebuilding the table, and invite_redemptions (which refers to it) with it; ids and rows are kept.
CREATE TABLE invites_v11 (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    commune_id INTEGER NOT NULL REFERENCES communes(id),
    team_id INTEGER REFERENCES teams(id),
    person_id INTEGER REFERENCES persons(id),
    role TEXT NOT NULL CHECK (role IN ('mediator', 'team_leader', 'commune_official', 'province_official')),
    max_uses INTEGER NOT NULL CHECK (max_uses > 0),
    uses INTEGER NOT NULL DEFAULT 0,
    expires_at TEXT NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER REFERENCES persons(id),
    created_at TEXT NOT NULL
);
INSERT INTO invites_v11(id, code, commune_id, team_id, person_id, role, max_uses, uses, expires_at, revoked,
                        created_by, created_at)
    SELECT id, code, commune_id, team_id, person_id, role, max_uses, uses, expires_at, revoked, created_by,
           created_at FROM invites;
CREATE TABLE invite_redemptions_v11 (
    id INTEGER PRIMARY KEY,
    invite_id INTEGER NOT NULL REFERENCES invites_v11(id),
    person_id INTEGER NOT NULL REFERENCES persons(id),
    redeemed_at TEXT NOT NULL
);
INSERT INTO invite_redemptions_v11(id, invite_id, person_id, redeemed_at)
    SELECT id, invite_id, person_id, redeemed_at FROM invite_redemptions;
DROP TABLE invite_redemptions;
DROP TABLE invites;
ALTER TABLE invites_v11 RENAME TO invites;
ALTER TABLE invite_redemptions_v11 RENAME TO invite_redemptions;
