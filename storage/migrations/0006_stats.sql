-- Statistics: covering indexes for the report aggregations, and the monthly summary bookkeeping.
-- Commune and team reports: cases of one commune received in a period, grouped by team, field and result.
CREATE INDEX cases_stats_commune ON cases(commune_id, received_on, team_id, field, result);
-- Province roll-up: cases of one province received in a period, grouped by commune, team, field and result.
CREATE INDEX cases_stats_province ON cases(province_id, received_on, commune_id, team_id, field, result);
-- Team reports (team leaders).
CREATE INDEX cases_stats_team ON cases(team_id, received_on, field, result);
-- Organisation and training indicators: the mediators of each team, read from the index alone.
CREATE INDEX persons_stats ON persons(team_id, active, role, recognised_on, trained_on, gender, ethnic_minority,
                                      legal_supporter);

-- Commune officials who asked not to receive the monthly summary.
CREATE TABLE stats_summary_optout (
    person_id INTEGER PRIMARY KEY REFERENCES persons(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL
);

-- Monthly summaries already sent (one row per person and month 'YYYY-MM'), so a restart never resends.
CREATE TABLE stats_summary_sent (
    person_id INTEGER NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
    month TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    PRIMARY KEY (person_id, month)
)
