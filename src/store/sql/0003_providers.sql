-- Schema 3: the provider registry (服务资源).

CREATE TABLE providers (
    id          TEXT PRIMARY KEY,
    origin      TEXT NOT NULL,
    version     INTEGER NOT NULL CHECK (version >= 1),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,               -- one of the five provider kinds
    items       TEXT NOT NULL DEFAULT '[]',  -- JSON array of service item codes it offers
    contact     TEXT,
    phone       TEXT,
    area        TEXT NOT NULL,               -- org unit it serves (and everything below)
    active      INTEGER NOT NULL CHECK (active IN (0, 1))
);
CREATE INDEX providers_area ON providers(area, active);

CREATE TRIGGER providers_no_delete BEFORE DELETE ON providers
    BEGIN SELECT RAISE(ABORT, 'records are never deleted'); END;
