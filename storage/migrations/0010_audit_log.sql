-- One audit log for every change an official makes outside the case log (organisation list, submitted reports,
-- remuneration lists, settings): who, when, what, on which object, the state before and after (JSON).
-- Cases keep their own case_audit (0002). Rows are only ever inserted.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor_id INTEGER REFERENCES persons(id),
    actor_label TEXT,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT,
    province_id INTEGER REFERENCES provinces(id),
    commune_id INTEGER REFERENCES communes(id),
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX audit_log_object ON audit_log(object_type, object_id);
CREATE INDEX audit_log_commune ON audit_log(commune_id, at);
