-- Schema 13. What an outside review of the exchange asked for: the tails of both logs
-- witnessed, stolen keys remembered, and entries not admitted found quickly.

-- The highest entry ever written to each chain, raised in the same transaction as the entries
-- (by the program, not a trigger: a trigger on every change entry would make each insert keep a
-- statement journal): cutting the newest entries (with the rows they made) leaves this behind,
-- and `check` names what is missing. A peer's acknowledgement and signed checkpoints witness
-- the same from outside this file.
CREATE TABLE chain_heads (
    origin  TEXT NOT NULL,
    epoch   INTEGER NOT NULL,
    seq     INTEGER NOT NULL,
    hash    BLOB NOT NULL CHECK (length(hash) = 32),
    PRIMARY KEY (origin, epoch)
);
INSERT INTO chain_heads (origin, epoch, seq, hash)
    SELECT c.origin, c.epoch, c.seq, c.hash FROM change_log c
    WHERE c.seq = (SELECT max(d.seq) FROM change_log d WHERE d.origin = c.origin AND d.epoch = c.epoch);

-- The same for the access log, which has one chain.
CREATE TABLE access_head (
    singleton  INTEGER PRIMARY KEY CHECK (singleton = 1),
    seq        INTEGER NOT NULL,
    hash       BLOB NOT NULL CHECK (length(hash) = 32)
);
INSERT INTO access_head (singleton, seq, hash)
    SELECT 1, seq, hash FROM access_log ORDER BY seq DESC LIMIT 1;

-- Access-log heads exchanged with peers: each bundle's manifest carries the sender's head, and
-- the receiver sends back the last one it saw, so a peer witnesses how far this log reached.
-- `direction` is 'theirs' (a peer's head, to send back) or 'ours' (our head as a peer saw it).
CREATE TABLE access_checkpoints (
    peer_workstation  TEXT NOT NULL,
    direction         TEXT NOT NULL CHECK (direction IN ('theirs', 'ours')),
    seq               INTEGER NOT NULL,
    hash              TEXT NOT NULL,
    epoch             INTEGER NOT NULL,           -- the log owner's epoch when it was read
    bundle_id         TEXT NOT NULL,
    PRIMARY KEY (peer_workstation, direction)
);

-- A bundle whose signer was endorsed by a key that had already been replaced: a copy of the
-- old keys is in other hands. The bundle is refused; the administrator is shown the alarm until
-- it is acknowledged.
CREATE TABLE key_alarms (
    id                  INTEGER PRIMARY KEY,
    at                  TEXT NOT NULL,
    org_code            TEXT NOT NULL,
    org_name            TEXT NOT NULL,
    replaced_key        TEXT NOT NULL,
    offered_key         TEXT NOT NULL,
    file                TEXT NOT NULL,
    acknowledged_at     TEXT,
    acknowledged_by     TEXT
);

-- The export asks, for every entry, whether it waits here as not admitted.
CREATE INDEX exchange_queue_entry ON exchange_queue(entry_order);
