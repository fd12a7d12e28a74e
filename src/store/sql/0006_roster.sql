-- Schema 6: 动态管理 — the monthly roster of newly approved or cancelled recipients, and the
-- follow-up tasks it makes (visit the newly approved, review the services of the cancelled).

-- Follow-up tasks are replicated records, versioned and logged like every other.
CREATE TABLE tasks (
    id             TEXT PRIMARY KEY,
    origin         TEXT NOT NULL,
    version        INTEGER NOT NULL CHECK (version >= 1),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('roster_visit', 'roster_review')),
    person_id      TEXT NOT NULL REFERENCES persons(id),
    community      TEXT NOT NULL,
    source         TEXT NOT NULL,
    category       TEXT,
    approved_on    TEXT,
    roster_status  TEXT CHECK (roster_status IN ('added', 'changed', 'cancelled')),
    case_id        TEXT REFERENCES cases(id),
    state          TEXT NOT NULL CHECK (state IN ('open', 'done')),
    done_at        TEXT,
    done_by        TEXT,
    note           TEXT
);
CREATE INDEX tasks_open ON tasks(state, community);
CREATE INDEX tasks_person ON tasks(person_id);
-- One roster row (ID number, status, category, approval date) makes at most one task, so
-- importing the same list twice, or a later list repeating a row, adds nothing.
CREATE UNIQUE INDEX tasks_roster_row ON tasks(person_id, roster_status, category, approved_on)
    WHERE roster_status IS NOT NULL;

CREATE TRIGGER tasks_no_delete BEFORE DELETE ON tasks
    BEGIN SELECT RAISE(ABORT, 'records are never deleted'); END;

-- Each roster file imported here: a local receipt, never replicated (the tasks and person
-- changes it made travel in the change log).
CREATE TABLE roster_imports (
    seq           INTEGER PRIMARY KEY,
    at            TEXT NOT NULL,
    actor         TEXT NOT NULL,
    file_name     TEXT NOT NULL,
    sha256        TEXT NOT NULL CHECK (length(sha256) = 64),
    rows_read     INTEGER NOT NULL,
    imported      INTEGER NOT NULL,
    already       INTEGER NOT NULL,
    refused       INTEGER NOT NULL,
    new_persons   INTEGER NOT NULL,
    updated       INTEGER NOT NULL,
    tasks         INTEGER NOT NULL
);
