-- Schema 22: 邻里互助 — helpers (persons of the archive, with their trainings and the bank
-- account the subsidy goes to), their pairings with the persons they help, the visits the
-- community records, and each community's monthly subsidy list, approved at the subdistrict
-- by another account than the one that submitted it. Never deleted.
CREATE TABLE helpers (
    id            TEXT PRIMARY KEY,
    origin        TEXT NOT NULL,
    version       INTEGER NOT NULL CHECK (version >= 1),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    person_id     TEXT NOT NULL REFERENCES persons(id),
    community     TEXT NOT NULL,
    bank_name     TEXT,
    bank_account  TEXT,
    trainings     TEXT NOT NULL DEFAULT '[]',  -- JSON: course, organiser, on, hours, passed
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    recorded_by   TEXT NOT NULL
);
CREATE UNIQUE INDEX helpers_person ON helpers(person_id);
CREATE TRIGGER helpers_no_delete BEFORE DELETE ON helpers
    BEGIN SELECT RAISE(ABORT, 'records are never deleted'); END;

CREATE TABLE pairings (
    id            TEXT PRIMARY KEY,
    origin        TEXT NOT NULL,
    version       INTEGER NOT NULL CHECK (version >= 1),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    helper_id     TEXT NOT NULL REFERENCES helpers(id),
    person_id     TEXT NOT NULL REFERENCES persons(id),
    community     TEXT NOT NULL,
    period_from   TEXT NOT NULL,
    period_to     TEXT,
    items         TEXT NOT NULL,               -- JSON array of service item codes
    frequency     TEXT NOT NULL,
    end_reason    TEXT,
    recorded_by   TEXT NOT NULL
);
CREATE INDEX pairings_helper ON pairings(helper_id);
CREATE INDEX pairings_person ON pairings(person_id);
CREATE TRIGGER pairings_no_delete BEFORE DELETE ON pairings
    BEGIN SELECT RAISE(ABORT, 'records are never deleted'); END;

CREATE TABLE help_visits (
    id            TEXT PRIMARY KEY,
    origin        TEXT NOT NULL,
    version       INTEGER NOT NULL CHECK (version >= 1),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    pairing_id    TEXT NOT NULL REFERENCES pairings(id),
    helper_id     TEXT NOT NULL REFERENCES helpers(id),
    person_id     TEXT NOT NULL REFERENCES persons(id),
    community     TEXT NOT NULL,
    visited_on    TEXT NOT NULL,
    item          TEXT NOT NULL,
    minutes       INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 1440),
    content       TEXT NOT NULL,
    confirmed     INTEGER NOT NULL CHECK (confirmed IN (0, 1)),
    recorded_by   TEXT NOT NULL
);
CREATE INDEX help_visits_month ON help_visits(community, visited_on);
CREATE INDEX help_visits_person ON help_visits(person_id);
CREATE TRIGGER help_visits_no_delete BEFORE DELETE ON help_visits
    BEGIN SELECT RAISE(ABORT, 'records are never deleted'); END;

CREATE TABLE subsidy_lists (
    id            TEXT PRIMARY KEY,
    origin        TEXT NOT NULL,
    version       INTEGER NOT NULL CHECK (version >= 1),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    community     TEXT NOT NULL,
    month         TEXT NOT NULL,               -- YYYY-MM
    state         TEXT NOT NULL,
    rule          TEXT NOT NULL,               -- JSON: basis, rate, cap (分)
    lines         TEXT NOT NULL DEFAULT '[]',  -- JSON: one per helper
    excluded      TEXT NOT NULL DEFAULT '[]',  -- JSON: visits that do not count, and why
    total_fen     INTEGER NOT NULL CHECK (total_fen >= 0),
    made_by       TEXT NOT NULL,
    submitted_by  TEXT,
    submitted_at  TEXT,
    approved_by   TEXT,
    approved_at   TEXT,
    paid_on       TEXT,
    voucher_no    TEXT,
    -- Maker-checker, held by the database too.
    CHECK (approved_by IS NULL OR approved_by <> submitted_by)
);
CREATE UNIQUE INDEX subsidy_lists_month ON subsidy_lists(community, month);
CREATE TRIGGER subsidy_lists_no_delete BEFORE DELETE ON subsidy_lists
    BEGIN SELECT RAISE(ABORT, 'records are never deleted'); END;
