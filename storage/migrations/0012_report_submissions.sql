-- Submitted reports (chốt số liệu): a commune official freezes the commune's report for a period. Each
-- submission is a numbered revision (1, 2, …) and is never changed afterwards; the latest revision is the one
-- rolled up. report_json holds every count, rate and indicator as submitted (the JSON of `mediator-bot report`);
-- inputs_json the aggregates it was built from (teams, members, results), so a province roll-up from snapshots
-- adds frozen numbers only. Every submission is also in audit_log (action report.submit).
CREATE TABLE report_submissions (
    id INTEGER PRIMARY KEY,
    commune_id INTEGER NOT NULL REFERENCES communes(id),
    province_id INTEGER NOT NULL REFERENCES provinces(id),
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    revision INTEGER NOT NULL CHECK (revision >= 1),
    submitted_by INTEGER REFERENCES persons(id),
    submitted_label TEXT,
    submitted_at TEXT NOT NULL,
    cases_count INTEGER NOT NULL,
    report_json TEXT NOT NULL,
    inputs_json TEXT NOT NULL,
    UNIQUE (commune_id, period_start, period_end, revision)
);
CREATE INDEX report_submissions_province ON report_submissions(province_id, period_start, period_end, commune_id);

-- The cases behind a submission and the version of each that was counted (its counted fields and updated_at).
-- No foreign key to cases: the record of what was submitted outlives a deleted or moved case.
CREATE TABLE report_submission_cases (
    submission_id INTEGER NOT NULL REFERENCES report_submissions(id) ON DELETE CASCADE,
    case_id INTEGER NOT NULL,
    team_id INTEGER NOT NULL,
    field TEXT NOT NULL,
    result TEXT NOT NULL,
    received_on TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (submission_id, case_id)
);

-- National roll-up: cases of the whole country received in a period, grouped by province, field and result.
CREATE INDEX cases_stats_national ON cases(received_on, province_id, commune_id, field, result);

-- The national level: role ministry_official (Bộ Tư pháp, Cục Phổ biến, giáo dục pháp luật). SQLite cannot
-- ALTER a CHECK constraint; widening the allowed values only loosens it, which SQLite documents as safe to do
-- by editing the stored schema text (https://www.sqlite.org/lang_altertable.html, section 7) and bumping
-- schema_version in the same transaction. PostgreSQL (postgres/0012) drops and re-adds the constraint.
PRAGMA writable_schema = ON;
UPDATE sqlite_master SET sql = replace(sql, '''province_official'', ''admin'')', '''province_official'', ''admin'', ''ministry_official'')') WHERE type = 'table' AND name = 'persons';
PRAGMA writable_schema = OFF
