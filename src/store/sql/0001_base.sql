-- Schema 1. Replicated records (persons …) carry a global id, origin workstation, version and
-- timestamps; local tables (users, access log, counters) never leave this workstation.

CREATE TABLE workstation (
    id          TEXT PRIMARY KEY,            -- UUIDv7: the origin of this workstation's changes
    org_code    TEXT NOT NULL,
    tier        TEXT NOT NULL CHECK (tier IN ('district', 'subdistrict', 'community')),
    demo        INTEGER NOT NULL CHECK (demo IN (0, 1)),
    epoch       INTEGER NOT NULL CHECK (epoch >= 1),
    created_at  TEXT NOT NULL,
    singleton   INTEGER NOT NULL DEFAULT 1 UNIQUE CHECK (singleton = 1)
);

CREATE TABLE org_units (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    parent      TEXT REFERENCES org_units(code),
    hosted      INTEGER NOT NULL DEFAULT 0 CHECK (hosted IN (0, 1))  -- records kept here
);

CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    username       TEXT NOT NULL UNIQUE,
    display_name   TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    disabled       INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);

CREATE TABLE user_roles (
    user_id   TEXT NOT NULL REFERENCES users(id),
    role      TEXT NOT NULL,
    org_code  TEXT NOT NULL REFERENCES org_units(code),
    PRIMARY KEY (user_id, role, org_code)
);

CREATE TABLE persons (
    id                      TEXT PRIMARY KEY,
    origin                  TEXT NOT NULL,
    version                 INTEGER NOT NULL CHECK (version >= 1),
    created_at              TEXT NOT NULL,
    updated_at              TEXT NOT NULL,
    name                    TEXT NOT NULL,
    id_number               TEXT UNIQUE,
    sex                     TEXT,
    birth_date              TEXT,
    phone                   TEXT,
    address                 TEXT,
    community               TEXT NOT NULL,
    hukou_local             INTEGER NOT NULL CHECK (hukou_local IN (0, 1)),
    assistance_status       TEXT NOT NULL,
    assistance_certificate  TEXT,
    self_care               TEXT,
    disability_type         TEXT,
    disability_grade        TEXT,
    disability_cert         TEXT,
    diseases                TEXT,
    lives_alone             INTEGER NOT NULL CHECK (lives_alone IN (0, 1)),
    guardian_name           TEXT,
    guardian_phone          TEXT,
    emergency_contact       TEXT,
    note                    TEXT,
    service_no              TEXT UNIQUE,
    status                  TEXT NOT NULL
);
CREATE INDEX persons_community ON persons(community, service_no);

-- The change log: one hash chain per (origin, epoch). `local_order` is the order in which
-- this database received entries; `applied` is 0 for an imported entry held for review.
CREATE TABLE change_log (
    local_order  INTEGER PRIMARY KEY,
    origin       TEXT NOT NULL,
    epoch        INTEGER NOT NULL,
    seq          INTEGER NOT NULL CHECK (seq >= 1),
    actor        TEXT NOT NULL,
    at           TEXT NOT NULL,
    kind         TEXT NOT NULL,
    entity       TEXT NOT NULL,
    record_id    TEXT NOT NULL,
    record       TEXT NOT NULL,
    prev_hash    BLOB NOT NULL CHECK (length(prev_hash) = 32),
    hash         BLOB NOT NULL CHECK (length(hash) = 32),
    applied      INTEGER NOT NULL DEFAULT 1 CHECK (applied IN (0, 1)),
    UNIQUE (origin, epoch, seq)
);
CREATE INDEX change_log_record ON change_log(record_id, local_order);

-- Events that change no record; hash-chained, kept locally, never replicated.
CREATE TABLE access_log (
    seq        INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    event      TEXT NOT NULL,
    subject    TEXT NOT NULL DEFAULT '',
    detail     TEXT NOT NULL DEFAULT '',
    prev_hash  BLOB NOT NULL CHECK (length(prev_hash) = 32),
    hash       BLOB NOT NULL CHECK (length(hash) = 32)
);

-- Local sequences (服务号 per community). Values only grow, so a number is never reused.
CREATE TABLE counters (
    name   TEXT PRIMARY KEY,
    value  INTEGER NOT NULL
);

-- The logs are append-only and records are never deleted. Triggers stop accidents and
-- program bugs; a person with the sqlite3 shell is caught by the hash chains instead.
CREATE TRIGGER change_log_no_update BEFORE UPDATE ON change_log
    WHEN NOT (OLD.applied = 0 AND NEW.applied = 1 AND OLD.hash = NEW.hash AND OLD.record = NEW.record)
    BEGIN SELECT RAISE(ABORT, 'change_log is append-only'); END;
CREATE TRIGGER change_log_no_delete BEFORE DELETE ON change_log
    BEGIN SELECT RAISE(ABORT, 'change_log is append-only'); END;
CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log
    BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END;
CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
    BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END;
CREATE TRIGGER persons_no_delete BEFORE DELETE ON persons
    BEGIN SELECT RAISE(ABORT, 'records are never deleted'); END;
CREATE TRIGGER users_no_delete BEFORE DELETE ON users
    BEGIN SELECT RAISE(ABORT, 'users are disabled, never deleted'); END;
