-- Schema 11. A provider staff account may be tied to one provider: it then registers and
-- records services for that provider's recipients only.
ALTER TABLE users ADD COLUMN provider_id TEXT;
