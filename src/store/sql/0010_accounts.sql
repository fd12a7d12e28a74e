-- Schema 10. Lock-out after repeated wrong passwords: the count of failures since the last
-- good sign-in, and until when the account is locked (RFC 3339 UTC, none when not locked).
ALTER TABLE users ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until TEXT;
