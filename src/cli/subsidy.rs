//! `jiuzhu subsidy make | rule`: a community's month of neighbour-help visits reckoned into
//! its subsidy list (a draft), optionally written out to print or as a workbook; and the
//! subdistrict's rule.

use std::io::Write;

use super::args::SubsidyCommand;
use super::{io_err, open_existing, show_path, sign_in, Paths};
use crate::app::print::ListFormat;
use crate::app::{helper, subsidy, AppError, Clock, Ctx};
use crate::domain::month::Month;
use crate::domain::org::Tier;
use crate::domain::permission::Action;
use crate::domain::validation::{Field, Reason, ValidationError};
use crate::i18n::{t, tf, Lang};

type Out<'a> = std::io::StdoutLock<'a>;

fn format_of(s: &str) -> Result<ListFormat, AppError> {
    match ListFormat::parse(s) {
        Some(f @ (ListFormat::Html | ListFormat::Xlsx)) => Ok(f),
        _ => Err(ValidationError::new(
            Field::Format,
            Reason::BadFormat {
                example: "example.print_format",
            },
        )
        .into()),
    }
}

/// The one community the session makes lists for, when it names none.
fn only_community(ctx: &Ctx<'_>) -> Result<String, AppError> {
    let mine: Vec<&str> = ctx
        .tree
        .units()
        .iter()
        .filter(|u| {
            u.tier() == Tier::Community && ctx.require(Action::MakeSubsidy, &u.code).is_ok()
        })
        .map(|u| u.code.as_str())
        .collect();
    match mine.as_slice() {
        [one] => Ok(one.to_string()),
        _ => Err(ValidationError::new(Field::Community, Reason::Required).into()),
    }
}

/// Runs a `subsidy` command.
pub fn run(
    cmd: &SubsidyCommand,
    cli: &super::args::Cli,
    paths: &Paths,
    lang: Lang,
    clock: &dyn Clock,
    out: &mut Out<'_>,
) -> Result<i32, AppError> {
    match cmd {
        SubsidyCommand::Make {
            month,
            community,
            format,
        } => {
            // The typed values are checked before the password is asked for.
            let month = Month::parse(month)?;
            let format = format.as_deref().map(format_of).transpose()?;
            let mut store = open_existing(paths)?;
            let session = sign_in(&mut store, cli, lang, clock)?;
            let mut ctx = Ctx::new(&mut store, session, clock)?;
            let community = match community {
                Some(c) => c.trim().to_string(),
                None => only_community(&ctx)?,
            };
            let list = subsidy::make(&mut ctx, &community, month)?;
            writeln!(
                out,
                "{}",
                tf(
                    lang,
                    "subsidy_cli.made",
                    &[
                        ("community", ctx.tree.name_of(&community)),
                        ("month", &month.to_string()),
                        ("state", t(lang, list.state.label_key())),
                        ("n", &list.lines.len().to_string()),
                        ("total", &list.total.yuan_text()),
                    ],
                )
            )
            .map_err(io_err)?;
            let names: std::collections::HashMap<String, String> = helper::list(&ctx)?
                .into_iter()
                .map(|(h, name)| (h.meta.id, name))
                .collect();
            for l in &list.lines {
                let capped = if l.capped() {
                    t(lang, "subsidy_cli.capped")
                } else {
                    ""
                };
                writeln!(
                    out,
                    "{}\t{}\t{}{capped}",
                    names.get(&l.helper_id).map_or("", String::as_str),
                    l.visits,
                    l.amount.yuan_text(),
                )
                .map_err(io_err)?;
            }
            if !list.excluded.is_empty() {
                writeln!(
                    out,
                    "{}",
                    tf(
                        lang,
                        "subsidy_cli.excluded",
                        &[("n", &list.excluded.len().to_string())]
                    )
                )
                .map_err(io_err)?;
            }
            if let Some(f) = format {
                let path = subsidy::print(&mut ctx, &list.meta.id, f, lang)?;
                writeln!(
                    out,
                    "{}",
                    tf(lang, "subsidy_cli.written", &[("path", &show_path(&path))])
                )
                .map_err(io_err)?;
            }
            Ok(0)
        }
        SubsidyCommand::Rule { basis, rate, cap } => {
            crate::domain::subsidy::Rule::parse(basis, rate, cap)?;
            let mut store = open_existing(paths)?;
            let session = sign_in(&mut store, cli, lang, clock)?;
            let mut ctx = Ctx::new(&mut store, session, clock)?;
            let r = subsidy::set_rule(&mut ctx, basis, rate, cap)?;
            writeln!(
                out,
                "{}",
                tf(
                    lang,
                    "subsidy_cli.rule",
                    &[
                        ("basis", t(lang, r.basis.label_key())),
                        ("rate", &r.rate.yuan_text()),
                        ("cap", &r.cap.yuan_text()),
                    ],
                )
            )
            .map_err(io_err)?;
            Ok(0)
        }
    }
}
