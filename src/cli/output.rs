//! What the command line prints for people, in the chosen language.

use std::io::Write;
use std::path::Path;

use super::{io_err, show_path, Paths};
use crate::app::check::{break_key, Finding, Report, Witness};
use crate::app::demo::{DemoUser, Summary};
use crate::app::roster::Receipt;
use crate::app::setup::InitParams;
use crate::app::AppError;
use crate::domain::org::OrgTree;
use crate::domain::search::SearchEntry;
use crate::domain::text::for_display;
use crate::i18n::{t, tf, Lang};
use crate::store::records::Entity;

type Out<'a> = std::io::StdoutLock<'a>;

/// `init` finished.
pub fn init_done(
    out: &mut Out<'_>,
    lang: Lang,
    p: &InitParams,
    paths: &Paths,
) -> Result<(), AppError> {
    writeln!(
        out,
        "{}",
        tf(
            lang,
            "init.done",
            &[
                ("org", &p.org_name),
                ("code", &p.org_code),
                ("tier", t(lang, p.tier.label_key())),
                ("admin", &p.admin)
            ]
        )
    )
    .map_err(io_err)?;
    writeln!(
        out,
        "{}",
        tf(lang, "init.database", &[("path", &show_path(&paths.db))])
    )
    .map_err(io_err)
}

/// `demo` finished: what was made and, for a new demo workstation, who can sign in.
pub fn demo_done(
    out: &mut Out<'_>,
    lang: Lang,
    s: &Summary,
    users: Option<&[DemoUser]>,
    paths: &Paths,
) -> Result<(), AppError> {
    writeln!(
        out,
        "{}",
        tf(
            lang,
            "demo.done",
            &[
                ("persons", &s.persons.to_string()),
                ("clues", &s.clues.to_string()),
                ("cases", &s.cases.to_string()),
                ("enrolled", &s.enrolled.to_string()),
                ("services", &s.services.to_string()),
                ("entries", &s.change_entries.to_string()),
            ]
        )
    )
    .map_err(io_err)?;
    writeln!(
        out,
        "{}",
        tf(lang, "init.database", &[("path", &show_path(&paths.db))])
    )
    .map_err(io_err)?;
    if let Some(users) = users {
        writeln!(out, "{}", t(lang, "demo.users_heading")).map_err(io_err)?;
        for u in users {
            let roles: Vec<String> = u
                .grants
                .iter()
                .map(|g| t(lang, g.role.label_key()).to_string())
                .collect();
            let name = crate::app::demo::demo_real_name(&u.username);
            let who = if u
                .grants
                .iter()
                .any(|g| g.role == crate::domain::permission::Role::ProviderStaff)
            {
                tf(
                    lang,
                    "demo.works_at",
                    &[
                        ("name", name),
                        ("provider", crate::app::demo::DEMO_STAFF_PROVIDER),
                    ],
                )
            } else {
                tf(lang, "demo.real_name", &[("name", name)])
            };
            writeln!(
                out,
                "  {:<24} {:<24} {}{who}",
                u.username,
                u.password,
                roles.join(t(lang, "form.list_separator"))
            )
            .map_err(io_err)?;
        }
    }
    Ok(())
}

/// One line per match: 服务号 or `-`, name, masked ID number, community, status.
pub fn matches(
    out: &mut Out<'_>,
    lang: Lang,
    tree: &OrgTree,
    found: &[SearchEntry<'_>],
) -> Result<(), AppError> {
    for e in found {
        let id = e
            .masked_id_number()
            .unwrap_or_else(|| t(lang, "find.no_id").to_string());
        writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}",
            for_display(e.service_no.unwrap_or("-")),
            for_display(e.name),
            id,
            for_display(tree.name_of(e.community)),
            t(lang, e.status.label_key()),
        )
        .map_err(io_err)?;
    }
    Ok(())
}

fn entity_key(e: Entity) -> &'static str {
    match e {
        Entity::Person => "record.person",
        Entity::Clue => "record.clue",
        Entity::Case => "record.case",
        Entity::Provider => "record.provider",
        Entity::Registration => "record.registration",
        Entity::Service => "record.service",
        Entity::Document => "record.document",
        Entity::Posting => "record.posting",
        Entity::Complaint => "record.complaint",
        Entity::Inspection => "record.inspection",
        Entity::Task => "record.task",
        Entity::Household => "record.household",
        Entity::Transfer => "record.transfer",
        Entity::DocumentWaiver => "record.document_waiver",
        Entity::Agreement => "record.agreement",
        Entity::Settlement => "record.settlement",
        Entity::LedgerEntry => "record.ledger_entry",
        Entity::Helper => "record.helper",
        Entity::Pairing => "record.pairing",
        Entity::HelpVisit => "record.help_visit",
        Entity::SubsidyList => "record.subsidy_list",
    }
}

/// The report of `check` (with records) or `audit verify` (chains only).
pub fn check_report(
    out: &mut Out<'_>,
    lang: Lang,
    db: &Path,
    r: &Report,
    with_records: bool,
) -> Result<(), AppError> {
    let mut say = |s: String| writeln!(out, "{s}").map_err(io_err);
    // A workstation by its unit where known, always with its whole id: the first digits of a
    // UUIDv7 are its creation time and repeat for workstations made in the same minute.
    let origin = |id: &str| -> String {
        let id = crate::domain::text::for_display(id);
        match r.units.get(&id) {
            Some((code, name)) => tf(
                lang,
                "check.origin_known",
                &[("name", name), ("code", code), ("id", &id)],
            ),
            None => id,
        }
    };
    let witness = |w: &Witness| -> String {
        match w {
            Witness::Local => t(lang, "check.witness_local").to_string(),
            Witness::Peer(org) => tf(lang, "check.witness_peer", &[("org", org)]),
            Witness::Checkpoint(org) => tf(lang, "check.witness_checkpoint", &[("org", org)]),
        }
    };
    say(tf(lang, "check.database", &[("path", &show_path(db))]))?;
    let total: i64 = r.chains.iter().map(|c| c.entries).sum();
    say(tf(
        lang,
        "check.chains",
        &[
            ("chains", &r.chains.len().to_string()),
            ("entries", &total.to_string()),
        ],
    ))?;
    for c in &r.chains {
        let head: String = c.head.chars().take(16).collect();
        say(tf(
            lang,
            "check.chain_line",
            &[
                ("origin", &origin(&c.origin)),
                ("epoch", &c.epoch.to_string()),
                ("entries", &c.entries.to_string()),
                ("head", &head),
            ],
        ))?;
    }
    say(tf(
        lang,
        "check.access_log",
        &[("entries", &r.access_entries.to_string())],
    ))?;
    if with_records {
        say(tf(
            lang,
            "check.records",
            &[("n", &r.records_compared.to_string())],
        ))?;
    }
    for f in &r.findings {
        let line = match f {
            Finding::SqliteIntegrity(msg) => tf(lang, "check.sqlite_failed", &[("msg", msg)]),
            Finding::ForeignKeys(n) => {
                tf(lang, "check.foreign_keys_failed", &[("n", &n.to_string())])
            }
            Finding::ChainBroken(c) => match &c.broken {
                Some(b) => tf(
                    lang,
                    "check.chain_broken",
                    &[
                        ("origin", &origin(&b.origin)),
                        ("epoch", &b.epoch.to_string()),
                        ("seq", &b.seq.to_string()),
                        ("why", t(lang, break_key(&b.kind))),
                    ],
                ),
                None => continue,
            },
            Finding::AccessLogBroken(seq) => {
                tf(lang, "check.access_broken", &[("seq", &seq.to_string())])
            }
            Finding::SearchStale(n) => tf(lang, "check.search_stale", &[("n", &n.to_string())]),
            Finding::DocumentBroken(key) => tf(lang, "check.document_broken", &[("key", key)]),
            Finding::CheckpointBroken(origin_id, epoch, seq) => tf(
                lang,
                "check.checkpoint_broken",
                &[
                    ("origin", &origin(origin_id)),
                    ("epoch", &epoch.to_string()),
                    ("seq", &seq.to_string()),
                ],
            ),
            Finding::ChainTailMissing {
                origin: o,
                epoch,
                held,
                witnessed,
                witness: w,
            } => tf(
                lang,
                "check.chain_tail_missing",
                &[
                    ("origin", &origin(o)),
                    ("epoch", &epoch.to_string()),
                    ("from", &(held + 1).to_string()),
                    ("to", &witnessed.to_string()),
                    ("witness", &witness(w)),
                ],
            ),
            Finding::ChainTailRewritten {
                origin: o,
                epoch,
                seq,
                witness: w,
            } => tf(
                lang,
                "check.chain_tail_rewritten",
                &[
                    ("origin", &origin(o)),
                    ("epoch", &epoch.to_string()),
                    ("seq", &seq.to_string()),
                    ("witness", &witness(w)),
                ],
            ),
            Finding::AccessTailMissing {
                held,
                witnessed,
                witness: w,
            } => tf(
                lang,
                "check.access_tail_missing",
                &[
                    ("from", &(held + 1).to_string()),
                    ("to", &witnessed.to_string()),
                    ("witness", &witness(w)),
                ],
            ),
            Finding::AccessTailRewritten { seq, witness: w } => tf(
                lang,
                "check.access_tail_rewritten",
                &[("seq", &seq.to_string()), ("witness", &witness(w))],
            ),
            Finding::SeveralKeys(org, n) => tf(
                lang,
                "check.several_keys",
                &[("org", org), ("n", &n.to_string())],
            ),
            Finding::SeveralPostings(community, n) => tf(
                lang,
                "check.several_postings",
                &[("community", community), ("n", &n.to_string())],
            ),
            Finding::LedgerBroken(id) => tf(lang, "check.ledger_broken", &[("id", id)]),
            Finding::TotalNotSum(id) => tf(lang, "check.total_not_sum", &[("id", id)]),
            Finding::RecordMismatch(m) => tf(
                lang,
                if m.unlogged {
                    "check.record_unlogged"
                } else {
                    "check.record_mismatch"
                },
                &[("kind", t(lang, entity_key(m.entity))), ("id", &m.id)],
            ),
        };
        say(line)?;
    }
    say(t(lang, if r.ok() { "check.ok" } else { "check.failed" }).to_string())
}

/// The receipt of `roster import`: what was read and done, then one line per refused row and
/// The restores `audit verify` found in the access log, one line each.
pub fn restores(
    out: &mut Out<'_>,
    lang: Lang,
    list: &[crate::app::backup::RestoreEntry],
) -> Result<(), AppError> {
    use crate::app::clock::show_instant;
    for r in list {
        let at = show_instant(&r.at);
        let actor = for_display(&r.actor);
        let line = match &r.note {
            None => tf(
                lang,
                "restoring.audit_line_old",
                &[
                    ("at", &at),
                    ("actor", &actor),
                    ("detail", &for_display(&r.detail)),
                ],
            ),
            Some(n) => {
                let key = match (&n.replaced, &n.replaced_head) {
                    (None, _) => "restoring.audit_line_fresh",
                    (Some(_), Some(_)) => "restoring.audit_line_diverged",
                    (Some(_), None) => "restoring.audit_line",
                };
                let (seq, hash) = match &n.replaced_head {
                    Some(h) => (h.seq.to_string(), for_display(&h.hash)),
                    None => (String::new(), String::new()),
                };
                let args = [
                    ("at", at.clone()),
                    ("actor", actor.clone()),
                    ("backup", for_display(&n.backup)),
                    ("created", show_instant(&n.backup_created_at)),
                    (
                        "replaced",
                        n.replaced.as_deref().map(for_display).unwrap_or_default(),
                    ),
                    ("carried", n.carried.to_string()),
                    ("seq", seq),
                    ("hash", hash),
                ];
                let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
                tf(lang, key, &args)
            }
        };
        writeln!(out, "{line}").map_err(io_err)?;
    }
    Ok(())
}

/// one per note.
pub fn roster_receipt(out: &mut Out<'_>, lang: Lang, r: &Receipt) -> Result<(), AppError> {
    for line in crate::app::roster::receipt_lines(r, lang) {
        writeln!(out, "{}", for_display(&line)).map_err(io_err)?;
    }
    Ok(())
}
