//! `jiuzhu fund balance | income`: the pilot fund's ledgers by source, and booking income.

use std::io::Write;

use super::args::FundCommand;
use super::{io_err, open_existing, sign_in, Paths};
use crate::app::ledger::{self, IncomeDraft};
use crate::app::{AppError, Clock, Ctx};
use crate::domain::catalogue::{Catalogue, ListKind};
use crate::domain::ledger::EntryKind;
use crate::domain::validation::{Field, Reason, ValidationError};
use crate::i18n::{t, tf, Lang};

type Out<'a> = std::io::StdoutLock<'a>;

/// Runs a `fund` command.
pub fn run(
    cmd: &FundCommand,
    cli: &super::args::Cli,
    paths: &Paths,
    lang: Lang,
    clock: &dyn Clock,
    out: &mut Out<'_>,
) -> Result<i32, AppError> {
    // The kind is checked before the password is asked for.
    let kind = match cmd {
        FundCommand::Income { kind, .. } => Some(
            EntryKind::from_code(kind)
                .filter(|k| k.is_income())
                .ok_or_else(|| {
                    AppError::from(ValidationError::new(
                        Field::RecordState,
                        Reason::NotInCatalogue { code: kind.clone() },
                    ))
                })?,
        ),
        FundCommand::Balance { .. } => None,
    };
    let mut store = open_existing(paths)?;
    let session = sign_in(&mut store, cli, lang, clock)?;
    let mut ctx = Ctx::new(&mut store, session, clock)?;
    let cat = Catalogue::builtin();
    match cmd {
        FundCommand::Balance { source } => {
            let rows = ledger::balances(&ctx, source.as_deref())?;
            if rows.is_empty() {
                writeln!(out, "{}", t(lang, "fund_cli.none")).map_err(io_err)?;
            }
            for (unit, src, b) in rows {
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}",
                    ctx.tree.name_of(&unit),
                    cat.label(ListKind::FundSource, &src, lang),
                    b.income.yuan_text(),
                    b.spent.yuan_text(),
                    b.balance.yuan_text(),
                )
                .map_err(io_err)?;
            }
            for (measure, spent) in ledger::spent_by_measure(&ctx)? {
                writeln!(
                    out,
                    "{}",
                    tf(
                        lang,
                        "fund_cli.measure",
                        &[
                            ("measure", cat.label(ListKind::Measure, &measure, lang)),
                            ("amount", &spent.yuan_text()),
                        ],
                    )
                )
                .map_err(io_err)?;
            }
            Ok(0)
        }
        FundCommand::Income {
            source,
            amount,
            note,
            ..
        } => {
            let e = ledger::book_income(
                &mut ctx,
                &IncomeDraft {
                    source: source.clone(),
                    kind: kind.unwrap_or(EntryKind::Appropriation),
                    amount: amount.clone(),
                    booked_on: None,
                    note: note.clone(),
                },
            )?;
            writeln!(
                out,
                "{}",
                tf(
                    lang,
                    "fund_cli.booked",
                    &[
                        ("source", cat.label(ListKind::FundSource, &e.source, lang)),
                        ("amount", &e.amount.yuan_text()),
                        ("balance", &e.balance_after.yuan_text()),
                    ],
                )
            )
            .map_err(io_err)?;
            Ok(0)
        }
    }
}
