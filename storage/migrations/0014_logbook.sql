-- The whole logbook (issue 17): the Part I columns the paper book has and the bot did not record, the link of a
-- re-mediation to the case it follows, and the follow-up of successful agreements (Law 35/2013 Art. 26).
-- invited_kinds: comma-separated codes of the kinds of invited persons (Art. 19), invited_count: how many;
-- invited_names_encrypted: their names, only where the commune stores party names (encrypted like parties).
-- agreement: what the parties agreed / what each asked (column 6, masked like the summary); note: column 10.
-- written_record: a written record of the successful mediation was drawn up and signed (Art. 24 K2; NULL unknown);
-- record_photo: "<channel>:<file id>" of a photo of the signed paper, as the chat platform keeps it.
ALTER TABLE cases ADD COLUMN invited_kinds TEXT;
ALTER TABLE cases ADD COLUMN invited_count INTEGER;
ALTER TABLE cases ADD COLUMN invited_names_encrypted TEXT;
ALTER TABLE cases ADD COLUMN agreement TEXT;
ALTER TABLE cases ADD COLUMN note TEXT;
ALTER TABLE cases ADD COLUMN written_record INTEGER;
ALTER TABLE cases ADD COLUMN record_photo TEXT;
ALTER TABLE cases ADD COLUMN follows_case_id INTEGER REFERENCES cases(id);

-- Following up a successful agreement: one row per case once its mediators have been asked.
-- status: asked -> reminded (one more question a week later) -> listed (shown to the team leader); answered at
-- any time. answer done|ongoing|not_done; action (for not_done) remediate|leader|note.
-- The messages go through the outbox (broadcasts kind 'reminder' with case_id and topic set below); each step
-- is stored in the same transaction as its outbox rows, so a restart never asks twice and never skips one.
CREATE TABLE agreement_followups (
    case_id INTEGER NOT NULL PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
    status TEXT NOT NULL DEFAULT 'asked' CHECK (status IN ('asked', 'reminded', 'listed', 'answered')),
    asked_at TEXT NOT NULL,
    reminded_at TEXT,
    listed_at TEXT,
    answer TEXT CHECK (answer IN ('done', 'ongoing', 'not_done')),
    answered_by INTEGER REFERENCES persons(id),
    answered_at TEXT,
    action TEXT CHECK (action IN ('remediate', 'leader', 'note')),
    note TEXT,
    remediation_case_id INTEGER REFERENCES cases(id)
);
CREATE INDEX agreement_followups_status ON agreement_followups(status, asked_at);

-- Broadcasts about one case (agreement follow-up questions and notices to the team leader).
ALTER TABLE broadcasts ADD COLUMN case_id INTEGER REFERENCES cases(id);
ALTER TABLE broadcasts ADD COLUMN topic TEXT;
