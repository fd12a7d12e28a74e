-- Schema 20: 资金专户, 专款专用 — one ledger per unit and fund source. Income is an
-- appropriation or a donation; an expenditure only ever pays a record (a settlement, later a
-- subsidy list) and names the measure. Each entry carries its number in its ledger and the
-- balance after it, so `check` can tell an entry edited behind the program's back.
CREATE TABLE ledger_entries (
    id              TEXT PRIMARY KEY,
    origin          TEXT NOT NULL,
    version         INTEGER NOT NULL CHECK (version >= 1),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    unit            TEXT NOT NULL,
    source          TEXT NOT NULL,
    kind            TEXT NOT NULL,
    measure         TEXT,
    amount_fen      INTEGER NOT NULL CHECK (amount_fen > 0),
    booked_on       TEXT NOT NULL,
    reference_kind  TEXT,
    reference_id    TEXT,
    note            TEXT,
    recorded_by     TEXT NOT NULL,
    seq             INTEGER NOT NULL CHECK (seq >= 1),
    balance_after_fen INTEGER NOT NULL CHECK (balance_after_fen >= 0),
    -- No expenditure that is not backed by a record, and none without its measure.
    CHECK (kind <> 'expenditure' OR (reference_id IS NOT NULL AND measure IS NOT NULL))
);
CREATE UNIQUE INDEX ledger_entries_seq ON ledger_entries(unit, source, seq);
CREATE INDEX ledger_entries_reference ON ledger_entries(reference_id);
CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
    BEGIN SELECT RAISE(ABORT, 'records are never deleted'); END;
