-- Schema 19: 结算 — one provider's month under one buying unit's agreements: the services
-- that count with what each comes to in whole 分, those that do not with the reason, and the
-- steps draft → submitted → approved (by another account) → paid. Never deleted.
CREATE TABLE settlements (
    id            TEXT PRIMARY KEY,
    origin        TEXT NOT NULL,
    version       INTEGER NOT NULL CHECK (version >= 1),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    provider_id   TEXT NOT NULL REFERENCES providers(id),
    buyer         TEXT NOT NULL,
    month         TEXT NOT NULL,               -- YYYY-MM
    state         TEXT NOT NULL,
    lines         TEXT NOT NULL DEFAULT '[]',  -- JSON: the services that count
    excluded      TEXT NOT NULL DEFAULT '[]',  -- JSON: those that do not, with the reason
    total_fen     INTEGER NOT NULL CHECK (total_fen >= 0),
    made_by       TEXT NOT NULL,
    submitted_by  TEXT,
    submitted_at  TEXT,
    approved_by   TEXT,
    approved_at   TEXT,
    paid_on       TEXT,
    voucher_no    TEXT,
    -- Maker-checker, held by the database too: no account approves what it submitted.
    CHECK (approved_by IS NULL OR approved_by <> submitted_by)
);
CREATE UNIQUE INDEX settlements_month ON settlements(provider_id, buyer, month);
CREATE TRIGGER settlements_no_delete BEFORE DELETE ON settlements
    BEGIN SELECT RAISE(ABORT, 'records are never deleted'); END;
