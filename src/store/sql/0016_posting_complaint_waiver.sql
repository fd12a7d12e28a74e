-- Schema 16: what a clerk hits first.
--
-- 长期公示: a posting may hang with no end (`long_term`; its `period_to` then holds its first
-- day until a re-issue closes it); a re-issue closes the community's open posting, naming
-- the version that replaced it; `members_sha256` is the hash of who was listed (the sorted
-- record ids of the cases in service), so 待办 can tell when the list no longer matches.
ALTER TABLE postings ADD COLUMN long_term INTEGER NOT NULL DEFAULT 0 CHECK (long_term IN (0, 1));
ALTER TABLE postings ADD COLUMN replaced_by TEXT DEFAULT NULL REFERENCES postings(id);
ALTER TABLE postings ADD COLUMN members_sha256 TEXT DEFAULT NULL;

-- 投诉: 交办 to a unit (besides a user) with a due date; on closing, the 回访 (follow-up call):
-- its day, the complainant's satisfaction and a note.
ALTER TABLE complaints ADD COLUMN assigned_unit TEXT DEFAULT NULL;
ALTER TABLE complaints ADD COLUMN due_on TEXT DEFAULT NULL;
ALTER TABLE complaints ADD COLUMN followup_on TEXT DEFAULT NULL;
ALTER TABLE complaints ADD COLUMN satisfaction TEXT DEFAULT NULL;
ALTER TABLE complaints ADD COLUMN followup_note TEXT DEFAULT NULL;

-- 不适用: a required document of the checklist that does not apply to a person (no 残疾证 for
-- a person with no disability), with the reason; withdrawn, never deleted, when wrong.
CREATE TABLE document_waivers (
    id               TEXT PRIMARY KEY,
    origin           TEXT NOT NULL,
    version          INTEGER NOT NULL CHECK (version >= 1),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    person_id        TEXT NOT NULL REFERENCES persons(id),
    kind             TEXT NOT NULL,
    reason           TEXT NOT NULL,
    recorded_by      TEXT NOT NULL,
    withdrawn_at     TEXT,
    withdraw_reason  TEXT
);
CREATE INDEX document_waivers_person ON document_waivers(person_id, kind);
CREATE TRIGGER document_waivers_no_delete BEFORE DELETE ON document_waivers
    BEGIN SELECT RAISE(ABORT, 'records are never deleted'); END;
