-- Broadcasts (/thongbao) and training events (/taphuan).
-- A broadcast is stored with ONE outbox row per recipient before anything is sent; the sender worker
-- delivers the outbox at the configured pace. Outbox status: pending -> sending -> sent | failed | blocked
-- (a row left in 'sending' by a crash goes back to 'pending' on restart: at-least-once, see services/delivery.py).
-- scope_json: {"communes": [ids], "teams": [ids] or null, "audience": "all" | "leaders" | "officials"}.
CREATE TABLE broadcasts (
    id INTEGER PRIMARY KEY,
    sender_id INTEGER NOT NULL REFERENCES persons(id),
    channel TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'announcement' CHECK (kind IN ('announcement', 'training', 'reminder')),
    scope_json TEXT NOT NULL,
    text TEXT NOT NULL,
    attachment_kind TEXT CHECK (attachment_kind IN ('document', 'photo')),
    attachment_file_id TEXT,
    attachment_name TEXT,
    event_id INTEGER,
    recipients INTEGER NOT NULL DEFAULT 0,
    progress_chat_id TEXT,
    progress_message_id INTEGER,
    created_at TEXT NOT NULL,
    finished_at TEXT
);
CREATE INDEX broadcasts_sender ON broadcasts(sender_id, created_at);
CREATE INDEX broadcasts_unfinished ON broadcasts(channel, finished_at);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    broadcast_id INTEGER NOT NULL REFERENCES broadcasts(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES persons(id),
    channel TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'blocked')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL DEFAULT '',
    claimed_at TEXT,
    sent_at TEXT,
    message_id INTEGER,
    error TEXT,
    acked_at TEXT,
    UNIQUE (broadcast_id, person_id)
);
CREATE INDEX outbox_due ON outbox(channel, status, next_attempt_at, id);
CREATE INDEX outbox_broadcast ON outbox(broadcast_id, status);
CREATE INDEX outbox_person ON outbox(person_id);

-- Training events; starts_at is UTC ISO-8601, local_date the event's calendar day where it takes place.
CREATE TABLE training_events (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    starts_at TEXT NOT NULL,
    local_date TEXT NOT NULL,
    place TEXT NOT NULL,
    scope_json TEXT NOT NULL,
    organiser_id INTEGER NOT NULL REFERENCES persons(id),
    province_id INTEGER REFERENCES provinces(id),
    commune_id INTEGER REFERENCES communes(id),
    announcement_id INTEGER REFERENCES broadcasts(id),
    reminder_id INTEGER REFERENCES broadcasts(id),
    reminded_at TEXT,
    attendance_saved_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX training_events_start ON training_events(starts_at);

CREATE TABLE training_rsvps (
    event_id INTEGER NOT NULL REFERENCES training_events(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES persons(id),
    answer TEXT NOT NULL CHECK (answer IN ('yes', 'no')),
    answered_at TEXT NOT NULL,
    PRIMARY KEY (event_id, person_id)
);

-- Who attended (ticked by the official afterwards); the source of persons.trained_on and of the
-- "trained within 6 months of recognition" indicator. previous_trained_on keeps the value this record replaced
-- (changed_trained_on = 1), so that un-ticking by mistake restores it.
CREATE TABLE training_attendance (
    event_id INTEGER NOT NULL REFERENCES training_events(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES persons(id),
    attended_on TEXT NOT NULL,
    changed_trained_on INTEGER NOT NULL DEFAULT 0,
    previous_trained_on TEXT,
    recorded_by INTEGER REFERENCES persons(id),
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (event_id, person_id)
);
CREATE INDEX training_attendance_person ON training_attendance(person_id, attended_on)
