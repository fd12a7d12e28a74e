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
