-- Case reporting flow (issue 4): drafts kept after every answer, reminder bookkeeping, index for reminders.
-- Drafts: one per person and purpose (new = a new report, edit = a correction, result = recording a result).
-- data is JSON {values, history, editing, started}; party names in it are already encrypted.
CREATE TABLE case_drafts (
    person_id INTEGER NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('new', 'edit', 'result')),
    case_id INTEGER REFERENCES cases(id) ON DELETE CASCADE,
    submission_key TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (person_id, purpose)
);

-- Reminders already sent: once per case, recipient and period (period n = n times CASE_REMINDER_DAYS days
-- pending), so that a restart never sends a reminder twice.
CREATE TABLE case_reminders (
    case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    recipient_id INTEGER NOT NULL REFERENCES persons(id),
    kind TEXT NOT NULL CHECK (kind IN ('reporter', 'leader')),
    period INTEGER NOT NULL,
    sent_at TEXT NOT NULL,
    PRIMARY KEY (case_id, recipient_id, kind, period)
);

CREATE INDEX cases_result_received ON cases(result, received_on);
CREATE INDEX case_drafts_updated ON case_drafts(updated_at);
