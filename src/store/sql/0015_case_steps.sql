-- Schema 15: each step of a case keeps its own facts, so that a review, a suspension or a stop
-- no longer overwrites the decision (认定意见); who assessed and who decided, for the
-- maker-checker rule; the home survey's household facts; the person's guardian situation.
-- Every new column has a default, so that records logged before it still match their entries.
ALTER TABLE cases ADD COLUMN assessed_by TEXT DEFAULT NULL;
ALTER TABLE cases ADD COLUMN decided_by TEXT DEFAULT NULL;
ALTER TABLE cases ADD COLUMN decided_on TEXT DEFAULT NULL;
ALTER TABLE cases ADD COLUMN decided_by_assessor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN survey_staff2 TEXT DEFAULT NULL;
ALTER TABLE cases ADD COLUMN household_size INTEGER DEFAULT NULL;
ALTER TABLE cases ADD COLUMN monthly_income_fen INTEGER DEFAULT NULL;
ALTER TABLE cases ADD COLUMN housing TEXT DEFAULT NULL;
ALTER TABLE cases ADD COLUMN care_situation TEXT DEFAULT NULL;
ALTER TABLE cases ADD COLUMN review_outcome TEXT DEFAULT NULL;
ALTER TABLE cases ADD COLUMN review_note TEXT DEFAULT NULL;
ALTER TABLE cases ADD COLUMN reviewed_by TEXT DEFAULT NULL;
ALTER TABLE cases ADD COLUMN suspend_reason TEXT DEFAULT NULL;
ALTER TABLE cases ADD COLUMN suspended_on TEXT DEFAULT NULL;
ALTER TABLE cases ADD COLUMN resume_expected TEXT DEFAULT NULL;
ALTER TABLE cases ADD COLUMN stopped_on TEXT DEFAULT NULL;
ALTER TABLE cases ADD COLUMN stop_note TEXT DEFAULT NULL;
ALTER TABLE cases ADD COLUMN withdraw_reason TEXT DEFAULT NULL;
ALTER TABLE persons ADD COLUMN guardian_status TEXT DEFAULT NULL;
