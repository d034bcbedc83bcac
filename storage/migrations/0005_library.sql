-- Materials library (/tailieu) and self-test quizzes (/ontap).

-- Telegram's file id of an uploaded material, reused instead of uploading again.
-- Keyed by material id and the SHA-256 of the file sent, so an edited file is uploaded again.
CREATE TABLE material_files (
    material_id TEXT NOT NULL,
    file_hash TEXT NOT NULL,
    channel TEXT NOT NULL,
    file_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (material_id, file_hash, channel)
);

-- Who opened which material (the "access to training materials" indicator of QĐ 315).
-- Registered people are recorded by person id only; for people not registered yet the chat identity is kept,
-- so that a mediator who read materials before registering still counts once registered.
CREATE TABLE material_opens (
    id INTEGER PRIMARY KEY,
    material_id TEXT NOT NULL,
    person_id INTEGER REFERENCES persons(id) ON DELETE CASCADE,
    channel TEXT,
    external_id TEXT,
    opened_at TEXT NOT NULL,
    CHECK (person_id IS NOT NULL OR (channel IS NOT NULL AND external_id IS NOT NULL))
);
CREATE INDEX material_opens_person ON material_opens(person_id);
CREATE INDEX material_opens_identity ON material_opens(channel, external_id);

-- A quiz session: the questions drawn (JSON list of question ids), where the person is, the score.
CREATE TABLE quiz_sessions (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
    topic TEXT,
    question_ids TEXT NOT NULL,
    total INTEGER NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    score INTEGER NOT NULL DEFAULT 0,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    abandoned INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX quiz_sessions_person ON quiz_sessions(person_id, started_at);

-- One answer per question position of a session: the primary key makes a second tap a no-op.
CREATE TABLE quiz_answers (
    session_id INTEGER NOT NULL REFERENCES quiz_sessions(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    question_id TEXT NOT NULL,
    choice INTEGER NOT NULL,
    correct INTEGER NOT NULL,
    answered_at TEXT NOT NULL,
    PRIMARY KEY (session_id, position)
);
