-- Organisation: province -> commune -> mediation team -> people; chat identities; invites.
CREATE TABLE provinces (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE communes (
    id INTEGER PRIMARY KEY,
    province_id INTEGER NOT NULL REFERENCES provinces(id),
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'xa' CHECK (kind IN ('xa', 'phuong', 'dac_khu')),
    is_pilot INTEGER NOT NULL DEFAULT 0,
    many_ethnic_minority INTEGER NOT NULL DEFAULT 0,
    success_target REAL,
    store_party_names INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX communes_province ON communes(province_id);

CREATE TABLE teams (
    id INTEGER PRIMARY KEY,
    commune_id INTEGER NOT NULL REFERENCES communes(id),
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX teams_commune ON teams(commune_id);

CREATE TABLE persons (
    id INTEGER PRIMARY KEY,
    full_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('mediator', 'team_leader', 'commune_official', 'province_official', 'admin')),
    province_id INTEGER REFERENCES provinces(id),
    commune_id INTEGER REFERENCES communes(id),
    team_id INTEGER REFERENCES teams(id),
    gender TEXT CHECK (gender IN ('nam', 'nu', 'khac')),
    ethnic_minority INTEGER,
    recognised_on TEXT,
    trained_on TEXT,
    legal_background TEXT,
    legal_supporter TEXT,
    external_ref TEXT UNIQUE,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX persons_team ON persons(team_id);
CREATE INDEX persons_commune ON persons(commune_id);

CREATE TABLE identities (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    external_id TEXT NOT NULL,
    chat_id TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (channel, external_id)
);
CREATE INDEX identities_person ON identities(person_id);

CREATE TABLE invites (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    commune_id INTEGER NOT NULL REFERENCES communes(id),
    team_id INTEGER REFERENCES teams(id),
    person_id INTEGER REFERENCES persons(id),
    role TEXT NOT NULL CHECK (role IN ('mediator', 'team_leader', 'commune_official')),
    max_uses INTEGER NOT NULL CHECK (max_uses > 0),
    uses INTEGER NOT NULL DEFAULT 0,
    expires_at TEXT NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER REFERENCES persons(id),
    created_at TEXT NOT NULL
);

CREATE TABLE invite_redemptions (
    id INTEGER PRIMARY KEY,
    invite_id INTEGER NOT NULL REFERENCES invites(id),
    person_id INTEGER NOT NULL REFERENCES persons(id),
    redeemed_at TEXT NOT NULL
);

-- python-telegram-bot persistence (conversation states, user/chat data) kept in the same file.
CREATE TABLE bot_state (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (kind, key)
);
