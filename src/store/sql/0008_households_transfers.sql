-- Schema 8: households as the 户口簿 has them (户主 and each member's 与户主关系), duplicate
-- records merged into one (the merged record ends Cancelled and names the one kept), and
-- transfers of a person between communities (迁出 → 迁入).

-- A household: its head and its community. Members point at it from `persons`; a person is in
-- at most one household at a time. A household whose last member left is closed, never deleted.
CREATE TABLE households (
    id              TEXT PRIMARY KEY,
    origin          TEXT NOT NULL,
    version         INTEGER NOT NULL CHECK (version >= 1),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    community       TEXT NOT NULL,
    head_person_id  TEXT NOT NULL REFERENCES persons(id),
    address         TEXT,
    note            TEXT,
    closed_at       TEXT
);
CREATE INDEX households_community ON households(community);
CREATE INDEX households_head ON households(head_person_id);

-- The defaults are written out (NULL): `check` compares rows logged before this migration with
-- the live rows, and a new column equal to its declared default is what it accepts there.
ALTER TABLE persons ADD COLUMN household_id TEXT DEFAULT NULL REFERENCES households(id);
-- A `household_relation` catalogue code; `head` for the head.
ALTER TABLE persons ADD COLUMN relation TEXT DEFAULT NULL;
-- The person a duplicate record was merged into (its status is then `cancelled`).
ALTER TABLE persons ADD COLUMN merged_into TEXT DEFAULT NULL REFERENCES persons(id);
-- Why the record ended (cancelled, merged), as typed.
ALTER TABLE persons ADD COLUMN status_reason TEXT DEFAULT NULL;
CREATE INDEX persons_household ON persons(household_id);
CREATE INDEX persons_merged_into ON persons(merged_into);

-- A move to another community: sent by the old community (迁出), received by the new (迁入).
-- The person's 服务号 of the old community stays in `old_service_no` and is never reused.
CREATE TABLE transfers (
    id              TEXT PRIMARY KEY,
    origin          TEXT NOT NULL,
    version         INTEGER NOT NULL CHECK (version >= 1),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    person_id       TEXT NOT NULL REFERENCES persons(id),
    from_community  TEXT NOT NULL,
    to_community    TEXT NOT NULL CHECK (to_community <> from_community),
    reason          TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('pending', 'received')),
    old_service_no  TEXT,
    new_service_no  TEXT,
    sent_at         TEXT NOT NULL,
    sent_by         TEXT NOT NULL,
    received_at     TEXT,
    received_by     TEXT
);
CREATE INDEX transfers_to ON transfers(to_community, state);
CREATE INDEX transfers_person ON transfers(person_id);

CREATE TRIGGER households_no_delete BEFORE DELETE ON households
    BEGIN SELECT RAISE(ABORT, 'records are never deleted'); END;
CREATE TRIGGER transfers_no_delete BEFORE DELETE ON transfers
    BEGIN SELECT RAISE(ABORT, 'records are never deleted'); END;
