-- Schema 4: 温情服务 — providers register recipients by their card, then record each service.

CREATE TABLE registrations (
    id             TEXT PRIMARY KEY,
    origin         TEXT NOT NULL,
    version        INTEGER NOT NULL CHECK (version >= 1),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    provider_id    TEXT NOT NULL REFERENCES providers(id),
    case_id        TEXT NOT NULL REFERENCES cases(id),
    card_no        TEXT NOT NULL,
    registered_on  TEXT NOT NULL,
    UNIQUE (provider_id, case_id)
);

CREATE TABLE services (
    id               TEXT PRIMARY KEY,
    origin           TEXT NOT NULL,
    version          INTEGER NOT NULL CHECK (version >= 1),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    registration_id  TEXT NOT NULL REFERENCES registrations(id),
    case_id          TEXT NOT NULL REFERENCES cases(id),
    provider_id      TEXT NOT NULL REFERENCES providers(id),
    item             TEXT NOT NULL,
    served_on        TEXT NOT NULL,
    minutes          INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 1440),
    served_by        TEXT NOT NULL,
    content          TEXT NOT NULL,
    confirmed        INTEGER NOT NULL CHECK (confirmed IN (0, 1)),
    satisfaction     TEXT
);
CREATE INDEX services_case ON services(case_id, served_on);
CREATE INDEX services_month ON services(served_on);

CREATE TRIGGER registrations_no_delete BEFORE DELETE ON registrations
    BEGIN SELECT RAISE(ABORT, 'records are never deleted'); END;
CREATE TRIGGER services_no_delete BEFORE DELETE ON services
    BEGIN SELECT RAISE(ABORT, 'records are never deleted'); END;
