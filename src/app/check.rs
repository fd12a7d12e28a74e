//! `jiuzhu check` and `jiuzhu audit verify`: what holds, what does not, in one report.

use super::{Ctx, Result};
use crate::domain::permission::Action;
use crate::store::changelog::{BreakKind, ChainSummary};
use crate::store::check::{self as checks, RecordMismatch};
use crate::store::{access_log, changelog, Store};

/// The outcome of one check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// SQLite's integrity check failed with these messages.
    SqliteIntegrity(String),
    /// Rows violate foreign keys.
    ForeignKeys(i64),
    /// A change-log chain is broken.
    ChainBroken(ChainSummary),
    /// The access log's chain breaks at this entry.
    AccessLogBroken(i64),
    /// Records differ from their latest change entry.
    RecordMismatch(RecordMismatch),
    /// Persons whose search projection is stale.
    SearchStale(i64),
    /// A document's stored bytes are missing or no longer match their hash.
    DocumentBroken(String),
    /// An entry held here differs from the checkpoint its origin signed in a bundle manifest:
    /// (origin, epoch, seq).
    CheckpointBroken(String, i64, i64),
    /// The newest entries of a chain are gone: it ends at `held`, but `witness` knows it
    /// reached `witnessed` (cut with the rows they made, which the chain itself cannot show).
    ChainTailMissing {
        origin: String,
        epoch: i64,
        held: i64,
        witnessed: i64,
        witness: Witness,
    },
    /// The entry a witness names is held with another hash: the chain was cut and written on.
    ChainTailRewritten {
        origin: String,
        epoch: i64,
        seq: i64,
        witness: Witness,
    },
    /// The newest access-log entries are gone: the log ends at `held`, `witness` saw `witnessed`.
    AccessTailMissing {
        held: i64,
        witnessed: i64,
        witness: Witness,
    },
    /// The access-log entry a witness names is held with another hash.
    AccessTailRewritten { seq: i64, witness: Witness },
    /// A unit has more than one current key here (one is the rule): (unit, keys).
    SeveralKeys(String, i64),
    /// A community has more than one current 长期公示 (one is the rule): (community, postings).
    SeveralPostings(String, i64),
    /// A fund ledger entry out of turn, or whose balance is not the one before plus its
    /// amount (edited behind the program's back): its record id.
    LedgerBroken(String),
    /// A settlement or subsidy list whose total is not the sum of its lines (and
    /// adjustments): its record id.
    TotalNotSum(String),
}

/// Who knows how far a log reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Witness {
    /// This database's own record of the highest entry written (kept with each entry).
    Local,
    /// A peer unit's acknowledgement in its bundle (the unit's code).
    Peer(String),
    /// The chain's origin signed its head in a bundle manifest (the unit's code, when known).
    Checkpoint(String),
}

/// What a check run found, with what it covered.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Every chain walked.
    pub chains: Vec<ChainSummary>,
    /// Access-log entries walked.
    pub access_entries: i64,
    /// Records compared with the change log (0 for `audit verify`).
    pub records_compared: u64,
    /// Everything wrong; empty when all holds.
    pub findings: Vec<Finding>,
    /// The unit of each workstation named above, where known: id → (code, name).
    pub units: std::collections::BTreeMap<String, (String, String)>,
}

impl Report {
    /// True when nothing is wrong.
    pub fn ok(&self) -> bool {
        self.findings.is_empty()
    }
}

fn audit_into(store: &Store, report: &mut Report) -> Result<()> {
    report.chains = changelog::verify_chains(store.conn())?;
    for c in &report.chains {
        if c.broken.is_some() {
            report.findings.push(Finding::ChainBroken(c.clone()));
        }
    }
    let (n, broken) = access_log::verify(store.conn())?;
    report.access_entries = n;
    if let Some(seq) = broken {
        report.findings.push(Finding::AccessLogBroken(seq));
    }
    // A chain rewritten after its origin signed a checkpoint of it in a bundle manifest.
    for (origin, epoch, seq) in crate::store::exchange::broken_checkpoints(store.conn())? {
        report
            .findings
            .push(Finding::CheckpointBroken(origin, epoch, seq));
    }
    tails_into(store, report)?;
    let tree = crate::store::orgs::tree(store.conn())?;
    let ws = store.workstation()?;
    report.units.insert(
        ws.id.clone(),
        (ws.org_code.clone(), tree.name_of(&ws.org_code).to_string()),
    );
    for p in crate::store::exchange::peers(store.conn())? {
        report.units.insert(
            p.workstation,
            (p.org_code, crate::domain::text::for_display(&p.org_name)),
        );
    }
    for (org, n) in crate::store::exchange::units_with_several_keys(store.conn())? {
        report.findings.push(Finding::SeveralKeys(org, n));
    }
    Ok(())
}

/// The tails of both logs against everything that witnessed how far they reached: this
/// database's own high-water marks, the peers' acknowledgements of this workstation's chain
/// and of its access log, and the heads origins signed. A hash chain alone cannot tell that
/// its newest entries were cut; these can.
fn tails_into(store: &Store, report: &mut Report) -> Result<()> {
    use crate::store::exchange as ex;
    let conn = store.conn();
    let ws = store.workstation()?;
    let tree = crate::store::orgs::tree(conn)?;
    let peer_org = |workstation: &str| -> Result<String> {
        Ok(super::exchange::origin_unit(store, &tree, workstation)
            .map(|(code, _)| code)
            .unwrap_or_else(|| workstation.to_string()))
    };
    let mut chain_claims: Vec<(String, i64, i64, Option<String>, Witness)> = Vec::new();
    for (origin, epoch, seq, hash) in ex::chain_heads(conn)? {
        chain_claims.push((origin, epoch, seq, Some(hex::encode(hash)), Witness::Local));
    }
    // Only this workstation's current chain is its own to keep whole; an older epoch ended
    // with a restore, and the peers send back what it lost.
    if let Some((peer, seq)) = ex::peers_holding(conn, &ws.id, ws.epoch)?
        .into_iter()
        .next()
    {
        chain_claims.push((
            ws.id.clone(),
            ws.epoch,
            seq,
            None,
            Witness::Peer(peer_org(&peer)?),
        ));
    }
    for (origin, epoch, seq, hash) in ex::checkpoints(conn)? {
        let org = peer_org(&origin)?;
        chain_claims.push((origin, epoch, seq, Some(hash), Witness::Checkpoint(org)));
    }
    let mut named: std::collections::HashSet<(String, i64)> = std::collections::HashSet::new();
    for (origin, epoch, seq, hash, witness) in chain_claims {
        if named.contains(&(origin.clone(), epoch)) {
            continue;
        }
        let held = ex::held(conn, &origin, epoch)?;
        if held < seq {
            named.insert((origin.clone(), epoch));
            report.findings.push(Finding::ChainTailMissing {
                origin,
                epoch,
                held,
                witnessed: seq,
                witness,
            });
            continue;
        }
        let Some(hash) = hash else { continue };
        if let Some(at) = ex::hash_at(conn, &origin, epoch, seq)? {
            if hex::encode(at) != hash && witness == Witness::Local {
                named.insert((origin.clone(), epoch));
                report.findings.push(Finding::ChainTailRewritten {
                    origin,
                    epoch,
                    seq,
                    witness,
                });
            }
        }
    }
    // The access log: its own high-water mark, then each peer's echo of its head.
    let mut access_claims: Vec<(i64, String, Witness)> = Vec::new();
    if let Some((seq, hash)) = access_log::witnessed_head(conn)? {
        access_claims.push((seq, hex::encode(hash), Witness::Local));
    }
    // A peer's echo of a head read before this workstation's last restore (an earlier epoch)
    // speaks of the log the restore replaced: the restore itself is what the log records.
    for (peer, seq, hash, epoch) in ex::access_witnesses(conn)? {
        if epoch == ws.epoch {
            access_claims.push((seq, hash, Witness::Peer(peer_org(&peer)?)));
        }
    }
    // A restore that could not carry the replaced log over says where that log ended.
    let explained: i64 = access_log::of_event(conn, "restore")?
        .iter()
        .filter_map(|e| serde_json::from_str::<super::backup::RestoreNote>(&e.detail).ok())
        .filter_map(|n| n.replaced_head.map(|h| h.seq))
        .max()
        .unwrap_or(0);
    let (held, _) = access_log::head(conn)?;
    for (seq, hash, witness) in access_claims {
        if held < seq {
            if seq <= explained && witness != Witness::Local {
                continue;
            }
            report.findings.push(Finding::AccessTailMissing {
                held,
                witnessed: seq,
                witness,
            });
            break;
        }
        if let Some(at) = access_log::hash_at(conn, seq)? {
            if hex::encode(at) != hash && seq > explained {
                report
                    .findings
                    .push(Finding::AccessTailRewritten { seq, witness });
                break;
            }
        }
    }
    Ok(())
}

/// `audit verify`: walks every hash chain (change log per origin and epoch, access log).
pub fn audit_verify(ctx: &Ctx<'_>) -> Result<Report> {
    ctx.require_somewhere(Action::Inspect)?;
    ctx.store.snapshot(|store| {
        let mut report = Report::default();
        audit_into(store, &mut report)?;
        Ok(report)
    })
}

/// `check`: SQLite's integrity and foreign-key checks, every chain, and every record equal
/// to its latest applied change entry. Everything is read from one snapshot, so a check run
/// while others save compares records and log entries of the same moment.
pub fn run(ctx: &Ctx<'_>) -> Result<Report> {
    ctx.require_somewhere(Action::Inspect)?;
    ctx.store.snapshot(run_in)
}

fn run_in(store: &Store) -> Result<Report> {
    let conn = store.conn();
    let mut report = Report::default();
    if let Some(msg) = checks::sqlite_integrity(conn)? {
        report.findings.push(Finding::SqliteIntegrity(msg));
    }
    let fk = checks::foreign_keys(conn)?;
    if fk > 0 {
        report.findings.push(Finding::ForeignKeys(fk));
    }
    audit_into(store, &mut report)?;
    let (compared, mismatches) = checks::records_match_log(conn, 20)?;
    report.records_compared = compared;
    report.findings.extend(
        crate::store::documents::broken(conn)?
            .into_iter()
            .map(Finding::DocumentBroken),
    );
    report.findings.extend(
        checks::communities_with_several_postings(conn)?
            .into_iter()
            .map(|(c, n)| Finding::SeveralPostings(c, n)),
    );
    let ledger = crate::store::ledger::list(conn)?;
    report.findings.extend(
        crate::domain::ledger::broken(&ledger)
            .into_iter()
            .map(Finding::LedgerBroken),
    );
    for st in crate::store::settlements::list(conn)? {
        if st.total != st.sum() {
            report.findings.push(Finding::TotalNotSum(st.meta.id));
        }
    }
    for l in crate::store::subsidies::list(conn)? {
        if l.total.0 != l.lines.iter().map(|x| x.amount.0).sum::<i64>() {
            report.findings.push(Finding::TotalNotSum(l.meta.id));
        }
    }
    let stale = checks::stale_search_rows(conn)?;
    if stale > 0 {
        report.findings.push(Finding::SearchStale(stale));
    }
    report
        .findings
        .extend(mismatches.into_iter().map(Finding::RecordMismatch));
    Ok(report)
}

/// The string-table key describing a chain break.
pub fn break_key(kind: &BreakKind) -> &'static str {
    match kind {
        BreakKind::ContentChanged => "check.break_content",
        BreakKind::LinkBroken => "check.break_link",
        BreakKind::SequenceGap { .. } => "check.break_gap",
    }
}

/// What the audit screen shows: both logs, newest first, filtered alike.
#[derive(Debug, Clone, Default)]
pub struct Logs {
    /// Access-log events.
    pub access: Vec<crate::store::access_log::AccessEvent>,
    /// Change-log entries.
    pub changes: Vec<crate::store::changelog::LogLine>,
}

/// Most lines of each log the audit screen shows.
pub const LOG_LINES: i64 = 500;

/// Both logs for a supervisor: `query` finds a user, an action or kind, a person's name or a
/// record id; a date in it (`2026-11-28`) keeps that China day only.
pub fn browse_logs(ctx: &Ctx<'_>, query: &str) -> Result<Logs> {
    ctx.require_somewhere(Action::Inspect)?;
    let mut filter = crate::store::access_log::LogFilter::default();
    let mut words = Vec::new();
    for w in query.split_whitespace() {
        match chrono::NaiveDate::parse_from_str(w, "%Y-%m-%d") {
            Ok(day) => {
                // China midnight is 16:00 UTC the day before.
                let start = day
                    .and_hms_opt(0, 0, 0)
                    .map(|t| t - chrono::Duration::hours(8))
                    .map(|t| super::clock::rfc3339(t.and_utc()));
                let end = day
                    .and_hms_opt(0, 0, 0)
                    .map(|t| t + chrono::Duration::hours(16))
                    .map(|t| super::clock::rfc3339(t.and_utc()));
                filter.from = start;
                filter.to = end;
            }
            Err(_) => words.push(w),
        }
    }
    filter.text = words.join(" ");
    let conn = ctx.store.conn();
    Ok(Logs {
        access: access_log::browse(conn, &filter, LOG_LINES)?,
        changes: changelog::browse(conn, &filter, LOG_LINES)?,
    })
}
