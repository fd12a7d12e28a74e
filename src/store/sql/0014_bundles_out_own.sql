-- Schema 14. What each bundle written carried of this workstation's own chains: per bundle
-- and epoch, the last sequence number. A restore refuses to set aside own changes that no
-- bundle carried and no peer acknowledged. Bundles written before this schema are not known
-- to carry anything (their peers' acknowledgements still count): a guess from times could
-- call a change exported that was not. `bundle_id` is that of `bundles_out` but not a foreign
-- key: this table only ever adds knowledge, and must not stand in the way of that table's
-- own changes.
CREATE TABLE bundles_out_own (
    bundle_id  TEXT NOT NULL,
    epoch      INTEGER NOT NULL,
    seq        INTEGER NOT NULL CHECK (seq >= 1),
    PRIMARY KEY (bundle_id, epoch)
);
