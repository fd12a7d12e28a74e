-- Schema 9. Bundle exchange between tiers. Every table here is local: peers, what each peer
-- holds, the bundles sent and received, and the queues a person works through. None of it
-- travels; what travels is the change log.

-- Enrolled peers: a parent or child workstation whose public card was compared and trusted.
CREATE TABLE peers (
    fingerprint    TEXT PRIMARY KEY,          -- digits only, as printed on the card
    workstation    TEXT NOT NULL,
    org_code       TEXT NOT NULL,
    org_name       TEXT NOT NULL,
    tier           TEXT NOT NULL CHECK (tier IN ('district', 'subdistrict', 'community')),
    parent         TEXT,
    demo           INTEGER NOT NULL CHECK (demo IN (0, 1)),
    sign_key       TEXT NOT NULL,             -- Ed25519 public key, hex
    age_recipient  TEXT NOT NULL,             -- age1…
    card           TEXT NOT NULL,             -- the card's exact text
    enrolled_at    TEXT NOT NULL,
    enrolled_by    TEXT NOT NULL,
    revoked_at     TEXT,
    revoked_by     TEXT,
    replaced_by    TEXT                       -- the fingerprint that rotated this key out
);
CREATE INDEX peers_org ON peers(org_code);

-- What each peer last said it holds, per chain: the export sends what lies beyond.
CREATE TABLE peer_holdings (
    peer_workstation  TEXT NOT NULL,
    origin            TEXT NOT NULL,
    epoch             INTEGER NOT NULL,
    seq               INTEGER NOT NULL,
    PRIMARY KEY (peer_workstation, origin, epoch)
);

-- Bundles written by this workstation.
CREATE TABLE bundles_out (
    bundle_id         TEXT PRIMARY KEY,
    peer_workstation  TEXT NOT NULL,
    peer_org          TEXT NOT NULL,
    epoch             INTEGER NOT NULL,
    bundle_seq        INTEGER NOT NULL,
    manifest_sha256   TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    created_by        TEXT NOT NULL,
    path              TEXT NOT NULL,
    entries           INTEGER NOT NULL,
    attachments       INTEGER NOT NULL,
    UNIQUE (peer_workstation, epoch, bundle_seq)
);

-- Bundles imported here, with their receipt.
CREATE TABLE bundles_in (
    bundle_id         TEXT PRIMARY KEY,
    manifest_sha256   TEXT NOT NULL,
    sender_workstation TEXT NOT NULL,
    sender_org        TEXT NOT NULL,
    sender_fingerprint TEXT NOT NULL,
    epoch             INTEGER NOT NULL,
    bundle_seq        INTEGER NOT NULL,
    created_at        TEXT NOT NULL,
    imported_at       TEXT NOT NULL,
    imported_by       TEXT NOT NULL,
    entries           INTEGER NOT NULL,
    applied           INTEGER NOT NULL,
    already_held      INTEGER NOT NULL,
    conflicts         INTEGER NOT NULL,
    reviews           INTEGER NOT NULL,
    attachments       INTEGER NOT NULL,
    receipt           TEXT NOT NULL,          -- JSON: counts per kind and per community
    UNIQUE (sender_workstation, epoch, bundle_seq)
);

-- Stretches of another workstation's chain that concern none of this workstation's units:
-- known by the hash of their last entry only, so the chain still links across them.
CREATE TABLE change_log_elided (
    origin     TEXT NOT NULL,
    epoch      INTEGER NOT NULL,
    from_seq   INTEGER NOT NULL CHECK (from_seq >= 1),
    to_seq     INTEGER NOT NULL CHECK (to_seq >= from_seq),
    last_hash  BLOB NOT NULL CHECK (length(last_hash) = 32),
    PRIMARY KEY (origin, epoch, from_seq)
);

-- Signed checkpoints of senders' chains, from the manifests of imported bundles.
CREATE TABLE chain_checkpoints (
    origin     TEXT NOT NULL,
    epoch      INTEGER NOT NULL,
    seq        INTEGER NOT NULL,
    hash       TEXT NOT NULL,
    bundle_id  TEXT NOT NULL,
    PRIMARY KEY (origin, epoch, seq)
);

-- Imported entries held back for a person: a conflict (the record changed here too since
-- the last exchange) or a review (it breaks a rule here). The entry itself is in the change
-- log with applied = 0; resolving writes a new local change, so both sides converge.
CREATE TABLE exchange_queue (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('conflict', 'review')),
    entry_order   INTEGER NOT NULL REFERENCES change_log(local_order),
    entity        TEXT NOT NULL,
    record_id     TEXT NOT NULL,
    community     TEXT NOT NULL,
    reason        TEXT NOT NULL,
    local_record  TEXT,                       -- the record here when it was queued
    bundle_id     TEXT NOT NULL,
    queued_at     TEXT NOT NULL,
    resolved_at   TEXT,
    resolved_by   TEXT,
    resolution    TEXT CHECK (resolution IN ('incoming', 'local', 'dismissed')),
    note          TEXT
);
CREATE INDEX exchange_queue_open ON exchange_queue(resolved_at, kind);
