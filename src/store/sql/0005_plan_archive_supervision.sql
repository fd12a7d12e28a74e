-- Schema 5: the service plan of each case and its card version; the archive's documents
-- (一人一档 scans); 监督管理 — posting periods, complaints and objections, inspections.

-- JSON array of {item, frequency, priority, provider_id}: one line per assessed need.
ALTER TABLE cases ADD COLUMN plan TEXT NOT NULL DEFAULT '[]';
-- 0 before a card is issued; each change of items on an issued card makes a new version.
ALTER TABLE cases ADD COLUMN card_version INTEGER NOT NULL DEFAULT 0;

-- A scan filed in a person's archive. The bytes live once per content hash in
-- document_blobs; a wrong scan is withdrawn, never deleted.
CREATE TABLE documents (
    id               TEXT PRIMARY KEY,
    origin           TEXT NOT NULL,
    version          INTEGER NOT NULL CHECK (version >= 1),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    person_id        TEXT NOT NULL REFERENCES persons(id),
    kind             TEXT NOT NULL,
    file_name        TEXT NOT NULL,
    size             INTEGER NOT NULL CHECK (size >= 0),
    sha256           TEXT NOT NULL,
    added_by         TEXT NOT NULL,
    withdrawn_at     TEXT,
    withdraw_reason  TEXT
);
CREATE INDEX documents_person ON documents(person_id, kind);

CREATE TABLE document_blobs (
    sha256   TEXT PRIMARY KEY,
    content  BLOB NOT NULL
);

-- 公示: one posting period of a community's list.
CREATE TABLE postings (
    id           TEXT PRIMARY KEY,
    origin       TEXT NOT NULL,
    version      INTEGER NOT NULL CHECK (version >= 1),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    community    TEXT NOT NULL,
    period_from  TEXT NOT NULL,
    period_to    TEXT NOT NULL,
    place        TEXT NOT NULL,
    persons      INTEGER NOT NULL CHECK (persons >= 0),
    list_sha256  TEXT NOT NULL,
    posted_by    TEXT NOT NULL
);
CREATE INDEX postings_community ON postings(community, period_from);

-- 投诉 / 异议: received, assigned, answered, closed.
CREATE TABLE complaints (
    id           TEXT PRIMARY KEY,
    origin       TEXT NOT NULL,
    version      INTEGER NOT NULL CHECK (version >= 1),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    community    TEXT NOT NULL,
    channel      TEXT NOT NULL,
    posting_id   TEXT REFERENCES postings(id),
    person_id    TEXT REFERENCES persons(id),
    provider_id  TEXT REFERENCES providers(id),
    service_id   TEXT REFERENCES services(id),
    received_on  TEXT NOT NULL,
    complainant  TEXT,
    content      TEXT NOT NULL,
    assigned_to  TEXT,
    state        TEXT NOT NULL,
    answer       TEXT,
    answered_at  TEXT,
    closed_at    TEXT
);
CREATE INDEX complaints_state ON complaints(community, state);

-- 督查: a random check of a recorded service.
CREATE TABLE inspections (
    id            TEXT PRIMARY KEY,
    origin        TEXT NOT NULL,
    version       INTEGER NOT NULL CHECK (version >= 1),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    community     TEXT NOT NULL,
    service_id    TEXT NOT NULL REFERENCES services(id),
    inspected_on  TEXT NOT NULL,
    inspector     TEXT NOT NULL,
    result        TEXT NOT NULL,
    finding       TEXT NOT NULL
);
CREATE INDEX inspections_service ON inspections(service_id);

CREATE TRIGGER documents_no_delete BEFORE DELETE ON documents
    BEGIN SELECT RAISE(ABORT, 'records are never deleted'); END;
CREATE TRIGGER document_blobs_no_delete BEFORE DELETE ON document_blobs
    BEGIN SELECT RAISE(ABORT, 'records are never deleted'); END;
CREATE TRIGGER postings_no_delete BEFORE DELETE ON postings
    BEGIN SELECT RAISE(ABORT, 'records are never deleted'); END;
CREATE TRIGGER complaints_no_delete BEFORE DELETE ON complaints
    BEGIN SELECT RAISE(ABORT, 'records are never deleted'); END;
CREATE TRIGGER inspections_no_delete BEFORE DELETE ON inspections
    BEGIN SELECT RAISE(ABORT, 'records are never deleted'); END;
