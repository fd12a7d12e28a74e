//! `jiuzhu keys …` and `jiuzhu bundle …`.

use std::io::Write;

use super::args::{BundleCommand, KeysCommand};
use super::{io_err, open_existing, show_path, sign_in, Paths};
use crate::app::exchange::{self, ImportOutcome, TrustOutcome};
use crate::app::{AppError, Clock, Ctx};
use crate::i18n::{t, tf, Lang};
use crate::sync::keys::show_fingerprint;

type Out<'a> = std::io::StdoutLock<'a>;

/// Runs a `keys` command.
pub fn keys(
    cmd: &KeysCommand,
    cli: &super::args::Cli,
    paths: &Paths,
    lang: Lang,
    clock: &dyn Clock,
    out: &mut Out<'_>,
) -> Result<i32, AppError> {
    let mut store = open_existing(paths)?;
    match cmd {
        KeysCommand::Show { fingerprint } => {
            let card = exchange::own_card(&store)?;
            let fp = card.fingerprint();
            if *fingerprint {
                writeln!(out, "{fp}").map_err(io_err)?;
            } else {
                let tier = crate::domain::org::Tier::parse(&card.tier)
                    .map(|t| t.label_key())
                    .unwrap_or("tier.community");
                for line in [
                    tf(
                        lang,
                        "cards.show_org",
                        &[
                            ("org", &card.org_name),
                            ("code", &card.org_code),
                            ("tier", t(lang, tier)),
                        ],
                    ),
                    tf(
                        lang,
                        "cards.show_fingerprint",
                        &[("fingerprint", &show_fingerprint(&fp))],
                    ),
                    tf(
                        lang,
                        "cards.show_age",
                        &[("recipient", &card.age_recipient)],
                    ),
                ] {
                    writeln!(out, "{}", crate::domain::text::for_display(&line)).map_err(io_err)?;
                }
            }
            Ok(0)
        }
        KeysCommand::Export { out: target } => {
            let path = exchange::write_card(&store, target)?;
            let fp = exchange::own_card(&store)?.fingerprint();
            writeln!(
                out,
                "{}",
                tf(
                    lang,
                    "cards.exported",
                    &[
                        ("path", &show_path(&path)),
                        ("fingerprint", &show_fingerprint(&fp))
                    ]
                )
            )
            .map_err(io_err)?;
            Ok(0)
        }
        KeysCommand::Trust {
            file,
            fingerprint,
            new_unit,
        } => {
            let session = sign_in(&mut store, cli, lang, clock)?;
            let mut ctx = Ctx::new(&mut store, session, clock)?;
            let (key, card) = match exchange::trust(&mut ctx, file, fingerprint, *new_unit)? {
                TrustOutcome::Enrolled(c) => ("cards.trusted", c),
                TrustOutcome::AlreadyEnrolled(c) => ("cards.already_trusted", c),
            };
            writeln!(
                out,
                "{}",
                crate::domain::text::for_display(&tf(
                    lang,
                    key,
                    &[("org", &card.org_name), ("code", &card.org_code)]
                ))
            )
            .map_err(io_err)?;
            Ok(0)
        }
        KeysCommand::Revoke { fingerprint } => {
            let session = sign_in(&mut store, cli, lang, clock)?;
            let mut ctx = Ctx::new(&mut store, session, clock)?;
            let org = exchange::revoke(&mut ctx, fingerprint)?;
            writeln!(out, "{}", tf(lang, "cards.revoked", &[("org", &org)])).map_err(io_err)?;
            Ok(0)
        }
        KeysCommand::Rotate => {
            let session = sign_in(&mut store, cli, lang, clock)?;
            let mut ctx = Ctx::new(&mut store, session, clock)?;
            let card = exchange::rotate(&mut ctx)?;
            writeln!(
                out,
                "{}",
                tf(
                    lang,
                    "cards.rotated",
                    &[("fingerprint", &show_fingerprint(&card.fingerprint()))]
                )
            )
            .map_err(io_err)?;
            Ok(0)
        }
        KeysCommand::Escrow { recipient, clear } => {
            let session = sign_in(&mut store, cli, lang, clock)?;
            let mut ctx = Ctx::new(&mut store, session, clock)?;
            let value = if *clear { None } else { recipient.as_deref() };
            exchange::set_escrow(&mut ctx, value)?;
            let line = match value {
                Some(r) => tf(lang, "cards.escrow_set", &[("recipient", r)]),
                None => t(lang, "cards.escrow_cleared").to_string(),
            };
            writeln!(out, "{line}").map_err(io_err)?;
            Ok(0)
        }
    }
}

/// Runs a `bundle` command.
pub fn bundle(
    cmd: &BundleCommand,
    cli: &super::args::Cli,
    paths: &Paths,
    lang: Lang,
    clock: &dyn Clock,
    out: &mut Out<'_>,
) -> Result<i32, AppError> {
    let mut store = open_existing(paths)?;
    match cmd {
        BundleCommand::Inspect { file } => {
            let inspection = exchange::inspect(&store, file)?;
            let tree = crate::store::orgs::tree(store.conn())?;
            for line in exchange::inspection_lines(&inspection, &store, &tree, lang) {
                writeln!(out, "{}", crate::domain::text::for_display(&line)).map_err(io_err)?;
            }
            Ok(0)
        }
        BundleCommand::Export { to, out: target } => {
            let session = sign_in(&mut store, cli, lang, clock)?;
            let mut ctx = Ctx::new(&mut store, session, clock)?;
            let s = exchange::export(&mut ctx, to, target.as_deref(), &mut |_, _| true)?;
            let key = if s.nothing_new() {
                "exchange.exported_nothing_new"
            } else {
                "exchange.exported"
            };
            writeln!(
                out,
                "{}",
                tf(
                    lang,
                    key,
                    &[
                        ("org", &s.peer_name),
                        ("seq", &s.bundle_seq.to_string()),
                        ("entries", &s.entries.to_string()),
                        ("elided", &s.elided.to_string()),
                        ("attachments", &s.attachments.to_string()),
                        ("path", &show_path(&s.path)),
                    ]
                )
            )
            .map_err(io_err)?;
            Ok(0)
        }
        BundleCommand::Import { file } => {
            let session = sign_in(&mut store, cli, lang, clock)?;
            let mut ctx = Ctx::new(&mut store, session, clock)?;
            match exchange::import(&mut ctx, file, &mut |_, _| true)? {
                ImportOutcome::AlreadyImported { imported_at } => {
                    writeln!(
                        out,
                        "{}",
                        tf(
                            lang,
                            "exchange.already_imported",
                            &[("at", &crate::app::clock::show_instant(&imported_at))]
                        )
                    )
                    .map_err(io_err)?;
                }
                ImportOutcome::Imported(r) => {
                    for line in exchange::receipt_lines(&r, &ctx.tree, lang) {
                        writeln!(out, "{}", crate::domain::text::for_display(&line))
                            .map_err(io_err)?;
                    }
                }
            }
            Ok(0)
        }
    }
}
