-- Schema 2: the first two steps of the workflow (clues, cases) and the derived search keys.

CREATE TABLE clues (
    id            TEXT PRIMARY KEY,
    origin        TEXT NOT NULL,
    version       INTEGER NOT NULL CHECK (version >= 1),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    person_id     TEXT NOT NULL REFERENCES persons(id),
    community     TEXT NOT NULL,
    difficulty    TEXT NOT NULL,
    key_groups    TEXT NOT NULL,              -- JSON array of catalogue codes
    source        TEXT NOT NULL,
    reporter      TEXT,
    found_on      TEXT NOT NULL,              -- YYYY-MM-DD
    state         TEXT NOT NULL,
    recorded_by   TEXT NOT NULL,
    verified_at   TEXT,
    verify_note   TEXT,
    reported_at   TEXT,
    accepted_at   TEXT,
    closed_at     TEXT,
    close_reason  TEXT
);
CREATE INDEX clues_state ON clues(community, state, found_on);
CREATE INDEX clues_person ON clues(person_id);

CREATE TABLE cases (
    id                TEXT PRIMARY KEY,
    origin            TEXT NOT NULL,
    version           INTEGER NOT NULL CHECK (version >= 1),
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    person_id         TEXT NOT NULL REFERENCES persons(id),
    clue_id           TEXT REFERENCES clues(id),
    community         TEXT NOT NULL,
    state             TEXT NOT NULL,
    state_changed_at  TEXT NOT NULL,
    category          TEXT,                   -- one of the six recipient categories
    self_care         TEXT,
    needs             TEXT NOT NULL DEFAULT '[]',  -- JSON array of service item codes
    survey_date       TEXT,
    survey_staff      TEXT,
    survey_findings   TEXT,
    decision_note     TEXT,
    card_no           TEXT UNIQUE,
    card_valid_until  TEXT,
    stop_reason       TEXT
);
CREATE INDEX cases_state ON cases(community, state);
CREATE INDEX cases_person ON cases(person_id);

-- A narrow projection of persons for the search index (one sequential scan loads it), with
-- the pinyin keys of the name. Derived: rebuilt at will, never replicated.
CREATE TABLE person_search (
    person_id   TEXT PRIMARY KEY REFERENCES persons(id),
    name        TEXT NOT NULL,
    initials    TEXT NOT NULL,
    full        TEXT NOT NULL,
    id_number   TEXT,
    phone       TEXT,
    service_no  TEXT,
    community   TEXT NOT NULL,
    status      TEXT NOT NULL
);

CREATE TRIGGER clues_no_delete BEFORE DELETE ON clues
    BEGIN SELECT RAISE(ABORT, 'records are never deleted'); END;
CREATE TRIGGER cases_no_delete BEFORE DELETE ON cases
    BEGIN SELECT RAISE(ABORT, 'records are never deleted'); END;
