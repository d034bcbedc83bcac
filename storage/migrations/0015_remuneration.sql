-- Remuneration of mediators (issue 21): rates, exclusions, pay lists and what each list paid.
-- Rates: the amounts the province's People's Council decided (TT 56/2023/TT-BTC Art. 3 cl. 17 gives the maxima,
-- Art. 5 cl. 1 lets the council set the local amounts), per province, optionally overridden for one commune,
-- each from its effective date. Amounts are integer đồng. Rows are only ever inserted (a change is a new row).
CREATE TABLE remuneration_rates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    province_id INTEGER NOT NULL REFERENCES provinces(id),
    commune_id INTEGER REFERENCES communes(id),
    effective_from TEXT NOT NULL,
    per_case INTEGER NOT NULL CHECK (per_case >= 0),
    per_successful_case INTEGER NOT NULL CHECK (per_successful_case >= 0),
    team_month INTEGER NOT NULL CHECK (team_month >= 0),
    basis TEXT NOT NULL,
    created_by INTEGER REFERENCES persons(id),
    created_at TEXT NOT NULL
);
CREATE INDEX remuneration_rates_scope ON remuneration_rates(province_id, commune_id, effective_from);

-- A case the commune official took off the pay list, with the written reason (e.g. a breach of Law 35/2013
-- Art. 10). Lifting an exclusion keeps the row (lifted_at, lifted_by); one open exclusion per case.
CREATE TABLE remuneration_exclusions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    commune_id INTEGER NOT NULL REFERENCES communes(id),
    reason TEXT NOT NULL,
    created_by INTEGER REFERENCES persons(id),
    created_at TEXT NOT NULL,
    lifted_by INTEGER REFERENCES persons(id),
    lifted_at TEXT
);
CREATE UNIQUE INDEX remuneration_exclusions_open ON remuneration_exclusions(case_id) WHERE lifted_at IS NULL;

-- A pay list of a commune for a period: numbered per commune, drafted then paid (date of payment).
CREATE TABLE remuneration_lists (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    commune_id INTEGER NOT NULL REFERENCES communes(id),
    number INTEGER NOT NULL,
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('drafted', 'paid')),
    total INTEGER NOT NULL,
    data_json TEXT NOT NULL,
    created_by INTEGER REFERENCES persons(id),
    created_at TEXT NOT NULL,
    paid_on TEXT,
    paid_by INTEGER REFERENCES persons(id),
    paid_at TEXT,
    UNIQUE (commune_id, number)
);

-- The lines of a list: a case (with the version of the case it was computed from), an adjustment of a case paid
-- earlier, or a team's monthly support. A paid line is never payable again.
CREATE TABLE remuneration_items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    list_id INTEGER NOT NULL REFERENCES remuneration_lists(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('case', 'adjustment', 'team_month')),
    case_id INTEGER REFERENCES cases(id),
    team_id INTEGER NOT NULL REFERENCES teams(id),
    month TEXT,
    amount INTEGER NOT NULL,
    case_version TEXT,
    detail_json TEXT
);
CREATE INDEX remuneration_items_list ON remuneration_items(list_id);
CREATE INDEX remuneration_items_case ON remuneration_items(case_id);
CREATE INDEX remuneration_items_team_month ON remuneration_items(team_id, month);
