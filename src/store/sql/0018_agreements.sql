-- Schema 18: providers under agreement (服务协议), the first of the plan's money side.
--
-- A provider's qualification facts: 统一社会信用代码 (checked, GB 32100), the kind and
-- number of its 资质 and how long it is valid. Volunteer teams and party members' groups
-- have none, so every one is optional.
ALTER TABLE providers ADD COLUMN credit_code TEXT DEFAULT NULL;
ALTER TABLE providers ADD COLUMN qualification_kind TEXT DEFAULT NULL;
ALTER TABLE providers ADD COLUMN qualification_no TEXT DEFAULT NULL;
ALTER TABLE providers ADD COLUMN qualification_valid_until TEXT DEFAULT NULL;

-- 服务协议: what a buying unit (the district or a subdistrict) bought from a provider, for
-- which communities and period, each item at a unit price in whole 分 (never floating
-- point), with an optional ceiling. Agreements end with a state and a reason; nothing is
-- deleted.
CREATE TABLE agreements (
    id           TEXT PRIMARY KEY,
    origin       TEXT NOT NULL,
    version      INTEGER NOT NULL CHECK (version >= 1),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    provider_id  TEXT NOT NULL REFERENCES providers(id),
    number       TEXT NOT NULL,
    buyer        TEXT NOT NULL,
    signed_on    TEXT,
    period_from  TEXT NOT NULL,
    period_to    TEXT NOT NULL,
    communities  TEXT NOT NULL DEFAULT '[]',  -- JSON array of the community codes it covers
    lines        TEXT NOT NULL DEFAULT '[]',  -- JSON array of {item, unit, price_fen}
    ceiling_fen  INTEGER CHECK (ceiling_fen IS NULL OR ceiling_fen >= 0),
    state        TEXT NOT NULL,
    ended_on     TEXT,
    end_reason   TEXT,
    recorded_by  TEXT NOT NULL,
    CHECK (period_from <= period_to)
);
CREATE UNIQUE INDEX agreements_number ON agreements(buyer, number);
CREATE INDEX agreements_provider ON agreements(provider_id, state);
CREATE TRIGGER agreements_no_delete BEFORE DELETE ON agreements
    BEGIN SELECT RAISE(ABORT, 'records are never deleted'); END;
