-- Issue 14 (security): which flow a person's next typed text is for (storage/text_claims.py), so that text
-- typed for one flow never lands in another flow's record.
CREATE TABLE text_claims (
    person_id INTEGER PRIMARY KEY REFERENCES persons(id) ON DELETE CASCADE,
    flow TEXT NOT NULL,
    at TEXT NOT NULL
);
