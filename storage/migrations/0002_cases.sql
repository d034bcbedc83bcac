-- The digital logbook (Sổ theo dõi hoạt động hòa giải ở cơ sở): one row per case (vụ, việc).
-- Codes: field dat_dai|hon_nhan_gia_dinh|dan_su|xom_gieng|vi_pham_phap_luat|khac;
-- basis yeu_cau|chung_kien|phan_cong_de_nghi; result thanh|khong_thanh|dang_hoa_giai|chuyen_co_quan|rut_yeu_cau.
CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    province_id INTEGER NOT NULL REFERENCES provinces(id),
    commune_id INTEGER NOT NULL REFERENCES communes(id),
    team_id INTEGER NOT NULL REFERENCES teams(id),
    reporter_id INTEGER REFERENCES persons(id),
    received_on TEXT NOT NULL,
    field TEXT NOT NULL CHECK (field IN ('dat_dai', 'hon_nhan_gia_dinh', 'dan_su', 'xom_gieng',
                                         'vi_pham_phap_luat', 'khac')),
    basis TEXT NOT NULL CHECK (basis IN ('yeu_cau', 'chung_kien', 'phan_cong_de_nghi')),
    parties_count INTEGER NOT NULL CHECK (parties_count >= 2),
    result TEXT NOT NULL CHECK (result IN ('thanh', 'khong_thanh', 'dang_hoa_giai', 'chuyen_co_quan',
                                           'rut_yeu_cau')),
    closed_on TEXT,
    court_recognition INTEGER,
    summary TEXT,
    parties_encrypted TEXT,
    external_id TEXT,
    submission_key TEXT UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX cases_external ON cases(commune_id, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX cases_commune_received ON cases(commune_id, received_on);
CREATE INDEX cases_province_received ON cases(province_id, received_on);
CREATE INDEX cases_team_received ON cases(team_id, received_on);
CREATE INDEX cases_reporter ON cases(reporter_id, result);

-- Mediators who took part in a case.
CREATE TABLE case_mediators (
    case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES persons(id),
    PRIMARY KEY (case_id, person_id)
);

-- Every change to a case: who, when, before/after (JSON).
CREATE TABLE case_audit (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    person_id INTEGER REFERENCES persons(id),
    action TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT,
    at TEXT NOT NULL
);
CREATE INDEX case_audit_case ON case_audit(case_id);
