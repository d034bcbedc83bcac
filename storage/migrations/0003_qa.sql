-- Questions asked to the bot (legal Q&A), what search matched, and the asker's feedback.
-- Only the asker's person id (registered) or chat identity (channel, external id) is kept, nothing else.
-- outcome: answered (confident) | not_sure (offered the best matches) | out_of_scope | picked (the asker tapped
-- a suggested or related question; parent_id points to the original question).
CREATE TABLE qa_questions (
    id INTEGER PRIMARY KEY,
    asked_at TEXT NOT NULL,
    channel TEXT NOT NULL,
    asker_ref TEXT NOT NULL,
    person_id INTEGER REFERENCES persons(id),
    commune_id INTEGER REFERENCES communes(id),
    text TEXT NOT NULL,
    folded TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('answered', 'not_sure', 'out_of_scope', 'picked')),
    confidence REAL,
    matched_ids TEXT NOT NULL,
    matched_scores TEXT NOT NULL,
    shown_id TEXT,
    parent_id INTEGER REFERENCES qa_questions(id),
    feedback INTEGER CHECK (feedback IN (-1, 1)),
    feedback_at TEXT
);
CREATE INDEX qa_questions_asked ON qa_questions(asked_at);
CREATE INDEX qa_questions_asker ON qa_questions(channel, asker_ref);

-- Questions handed to a commune's experts (officials, legal supporters); the answer goes to a review queue.
CREATE TABLE qa_expert_requests (
    id INTEGER PRIMARY KEY,
    question_id INTEGER NOT NULL UNIQUE REFERENCES qa_questions(id),
    asker_id INTEGER NOT NULL REFERENCES persons(id),
    commune_id INTEGER NOT NULL REFERENCES communes(id),
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'answered')),
    notified INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    expert_id INTEGER REFERENCES persons(id),
    answer TEXT,
    answered_at TEXT,
    review_status TEXT NOT NULL DEFAULT 'pending' CHECK (review_status IN ('pending', 'accepted', 'rejected')),
    reviewed_by INTEGER REFERENCES persons(id),
    reviewed_at TEXT
);
CREATE INDEX qa_expert_commune ON qa_expert_requests(commune_id, status);
