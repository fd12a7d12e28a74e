-- Schema 21: an approved settlement is frozen. Each service it reckoned (counted or not) is
-- listed here the moment the settlement is approved — locally or as it arrives — so a later
-- change to that service, from a form or a bundle, is refused, and a correction is a new
-- adjusting line on a later month's settlement instead of a rewrite.
ALTER TABLE settlements ADD COLUMN adjustments TEXT NOT NULL DEFAULT '[]';
CREATE TABLE settled_services (
    service_id    TEXT PRIMARY KEY,
    settlement_id TEXT NOT NULL
);
INSERT OR IGNORE INTO settled_services
    SELECT json_extract(j.value, '$.service_id'), s.id
    FROM settlements s, json_each(s.lines) j WHERE s.state IN ('approved', 'paid');
INSERT OR IGNORE INTO settled_services
    SELECT json_extract(j.value, '$.service_id'), s.id
    FROM settlements s, json_each(s.excluded) j WHERE s.state IN ('approved', 'paid');
CREATE TRIGGER settlements_freeze_new AFTER INSERT ON settlements
    WHEN NEW.state IN ('approved', 'paid')
BEGIN
    INSERT OR IGNORE INTO settled_services
        SELECT json_extract(value, '$.service_id'), NEW.id FROM json_each(NEW.lines);
    INSERT OR IGNORE INTO settled_services
        SELECT json_extract(value, '$.service_id'), NEW.id FROM json_each(NEW.excluded);
END;
CREATE TRIGGER settlements_freeze AFTER UPDATE ON settlements
    WHEN NEW.state IN ('approved', 'paid')
BEGIN
    INSERT OR IGNORE INTO settled_services
        SELECT json_extract(value, '$.service_id'), NEW.id FROM json_each(NEW.lines);
    INSERT OR IGNORE INTO settled_services
        SELECT json_extract(value, '$.service_id'), NEW.id FROM json_each(NEW.excluded);
END;
-- The database holds the freeze too: a settled service is never rewritten.
CREATE TRIGGER services_settled_frozen BEFORE UPDATE ON services
    WHEN EXISTS (SELECT 1 FROM settled_services WHERE service_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'the service is in an approved settlement'); END;
