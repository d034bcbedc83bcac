-- Issue 16: the organisation list kept by commune officials.
-- A person's recognition decision and retirement (Law 35/2013 Art. 8, Art. 11) on the person; the history of a
-- person's team, role, status and marks with dates (valid_from included, valid_to excluded, NULL = still valid),
-- so that indicators for a past period count the teams and mediators as they were then; the same for teams; and
-- commune mergers (a commune's reports roll up the communes merged into it, the merged commune keeps its own).
ALTER TABLE persons ADD COLUMN recognition_decision TEXT;
ALTER TABLE persons ADD COLUMN retired_on TEXT;
ALTER TABLE persons ADD COLUMN retire_reason TEXT;

CREATE TABLE person_history (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
    province_id INTEGER REFERENCES provinces(id),
    commune_id INTEGER REFERENCES communes(id),
    team_id INTEGER REFERENCES teams(id),
    role TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'retired')),
    retire_reason TEXT,
    gender TEXT,
    ethnic_minority INTEGER,
    recognition_decision TEXT,
    recognised_on TEXT,
    trained_on TEXT,
    legal_supporter TEXT,
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    recorded_at TEXT NOT NULL
);
CREATE INDEX person_history_person ON person_history(person_id, valid_from);
CREATE INDEX person_history_commune ON person_history(commune_id, valid_from);
CREATE INDEX person_history_province ON person_history(province_id, valid_from);
CREATE INDEX person_history_team ON person_history(team_id, valid_from);

CREATE TABLE team_history (
    id INTEGER PRIMARY KEY,
    team_id INTEGER NOT NULL REFERENCES teams(id),
    commune_id INTEGER NOT NULL REFERENCES communes(id),
    name TEXT NOT NULL,
    active INTEGER NOT NULL,
    valid_from TEXT,
    valid_to TEXT,
    recorded_at TEXT NOT NULL
);
CREATE INDEX team_history_team ON team_history(team_id, valid_from);
CREATE INDEX team_history_commune ON team_history(commune_id);

CREATE TABLE commune_merges (
    id INTEGER PRIMARY KEY,
    from_commune_id INTEGER NOT NULL REFERENCES communes(id),
    into_commune_id INTEGER NOT NULL REFERENCES communes(id),
    merged_on TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (from_commune_id, into_commune_id)
);
CREATE INDEX commune_merges_into ON commune_merges(into_commune_id);

-- Existing people: one history row each, from their recognition (else creation) date; existing teams: one row,
-- valid since before the records began (NULL).
INSERT INTO person_history(person_id, province_id, commune_id, team_id, role, status, gender, ethnic_minority,
                           recognised_on, trained_on, legal_supporter, valid_from, recorded_at)
SELECT id, province_id, commune_id, team_id, role, CASE WHEN active = 1 THEN 'active' ELSE 'retired' END, gender,
       ethnic_minority, recognised_on, trained_on, legal_supporter,
       COALESCE(recognised_on, substr(created_at, 1, 10)), updated_at
FROM persons;
INSERT INTO team_history(team_id, commune_id, name, active, valid_from, recorded_at)
SELECT id, commune_id, name, active, NULL, '2000-01-01T00:00:00+00:00' FROM teams;
