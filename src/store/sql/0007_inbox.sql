-- Schema 7: the 待办 inbox and scheduled re-reviews (动态管理).

-- The day of a case's last review (复核); issuing the card sets it too, so the schedule counts
-- from the card. Cases carded before this schema keep NULL and count from the card's issue
-- (its validity minus a year); the explicit DEFAULT lets `check` accept their older log entries.
ALTER TABLE cases ADD COLUMN reviewed_on TEXT DEFAULT NULL;

-- This workstation's own settings (time limits of the inbox, the review interval): local,
-- never replicated and not in the change log — each workstation sets its own, and every
-- change is written to the access log instead.
CREATE TABLE settings (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL
);

-- The inbox reads every waiting record by state.
CREATE INDEX cases_waiting ON cases(state, state_changed_at);
CREATE INDEX clues_waiting ON clues(state, found_on);
-- 时效统计 reads the time of each decision and card from the change log by kind.
CREATE INDEX change_log_kind ON change_log(entity, kind);
