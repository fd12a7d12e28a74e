//! `jiuzhu settlement make`: a provider's month reckoned under this unit's agreements, stored
//! as a draft, and summed up: what counts, what does not and why.

use std::collections::BTreeMap;
use std::io::Write;

use super::args::SettlementCommand;
use super::{io_err, open_existing, sign_in, Paths};
use crate::app::{provider, settlement, AppError, Clock, Ctx};
use crate::domain::month::Month;
use crate::i18n::{t, tf, Lang};

type Out<'a> = std::io::StdoutLock<'a>;

/// Runs a `settlement` command.
pub fn run(
    cmd: &SettlementCommand,
    cli: &super::args::Cli,
    paths: &Paths,
    lang: Lang,
    clock: &dyn Clock,
    out: &mut Out<'_>,
) -> Result<i32, AppError> {
    let SettlementCommand::Make {
        provider: who,
        month,
    } = cmd;
    // The month is checked before the password is asked for.
    let month = Month::parse(month)?;
    let mut store = open_existing(paths)?;
    let session = sign_in(&mut store, cli, lang, clock)?;
    let mut ctx = Ctx::new(&mut store, session, clock)?;
    let providers = provider::list(&ctx)?;
    let p = super::agreement::provider_named(&providers, who)?.clone();
    let s = settlement::make(&mut ctx, &p.meta.id, month)?;
    writeln!(
        out,
        "{}",
        tf(
            lang,
            "settlement_cli.made",
            &[
                ("provider", &p.name),
                ("month", &month.to_string()),
                ("state", t(lang, s.state.label_key())),
                ("n", &s.lines.len().to_string()),
                ("total", &s.total.yuan_text()),
            ],
        )
    )
    .map_err(io_err)?;
    let mut reasons: BTreeMap<_, usize> = BTreeMap::new();
    for e in &s.excluded {
        *reasons.entry(e.reason).or_default() += 1;
    }
    if !reasons.is_empty() {
        writeln!(out, "{}", t(lang, "settlement_cli.excluded")).map_err(io_err)?;
    }
    for (reason, n) in reasons {
        writeln!(out, "{}\t{n}", t(lang, reason.label_key())).map_err(io_err)?;
    }
    Ok(0)
}
