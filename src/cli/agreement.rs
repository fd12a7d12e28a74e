//! `jiuzhu agreement list | show`: the agreements providers serve under, one per line, and
//! one agreement whole.

use std::io::Write;

use super::args::AgreementCommand;
use super::{io_err, open_existing, sign_in, Paths};
use crate::app::{agreement, provider, AppError, Clock, Ctx};
use crate::domain::catalogue::{Catalogue, ListKind};
use crate::domain::date::official;
use crate::domain::provider::Provider;
use crate::domain::validation::{Field, Reason, ValidationError};
use crate::i18n::{t, tf, Lang};

type Out<'a> = std::io::StdoutLock<'a>;

/// Runs an `agreement` command.
pub fn run(
    cmd: &AgreementCommand,
    cli: &super::args::Cli,
    paths: &Paths,
    lang: Lang,
    clock: &dyn Clock,
    out: &mut Out<'_>,
) -> Result<i32, AppError> {
    let mut store = open_existing(paths)?;
    let session = sign_in(&mut store, cli, lang, clock)?;
    let ctx = Ctx::new(&mut store, session, clock)?;
    let providers = provider::list(&ctx)?;
    let name_of = |id: &str| {
        providers
            .iter()
            .find(|p| p.meta.id == id)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let today = clock.today();
    match cmd {
        AgreementCommand::List { provider } => {
            let list = match provider {
                Some(p) => agreement::of_provider(&ctx, &provider_named(&providers, p)?.meta.id)?,
                None => agreement::list(&ctx)?,
            };
            if list.is_empty() {
                writeln!(out, "{}", t(lang, "agreement_cli.none")).map_err(io_err)?;
            }
            for a in &list {
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{} ~ {}\t{}",
                    a.number,
                    t(lang, a.state_on(today).label_key()),
                    name_of(&a.provider_id),
                    ctx.tree.name_of(&a.buyer),
                    a.period_from.format("%Y-%m-%d"),
                    a.last_day().format("%Y-%m-%d"),
                    a.items_text(lang),
                )
                .map_err(io_err)?;
            }
            Ok(0)
        }
        AgreementCommand::Show { agreement: key } => {
            let a = agreement::find(&ctx, key)?;
            let communities: Vec<&str> =
                a.communities.iter().map(|c| ctx.tree.name_of(c)).collect();
            let sep = t(lang, "form.list_separator");
            let lines = [
                ("field.agreement_no", a.number.clone()),
                ("field.provider", name_of(&a.provider_id)),
                ("field.buyer", ctx.tree.name_of(&a.buyer).to_string()),
                (
                    "field.signed_on",
                    a.signed_on.map(|d| official(d, lang)).unwrap_or_default(),
                ),
                (
                    "agreement_cli.period",
                    tf(
                        lang,
                        "agreement_cli.period_value",
                        &[
                            ("from", &official(a.period_from, lang)),
                            ("to", &official(a.period_to, lang)),
                        ],
                    ),
                ),
                ("field.community", communities.join(sep)),
                (
                    "field.ceiling",
                    a.ceiling.map(|c| c.yuan_text()).unwrap_or_default(),
                ),
                (
                    "agreement_cli.state",
                    t(lang, a.state_on(today).label_key()).to_string(),
                ),
                ("field.reason", a.end_reason.clone().unwrap_or_default()),
            ];
            for (key, value) in lines {
                writeln!(out, "{}\t{}", t(lang, key), value).map_err(io_err)?;
            }
            let cat = Catalogue::builtin();
            for l in &a.lines {
                writeln!(
                    out,
                    "{}\t{}\t{}",
                    cat.label(ListKind::ServiceItem, &l.item, lang),
                    l.price().yuan_text(),
                    cat.label(ListKind::PricingUnit, &l.unit, lang),
                )
                .map_err(io_err)?;
            }
            Ok(0)
        }
    }
}

/// The provider a user names: by record id or by its exact name.
pub(super) fn provider_named<'a>(
    providers: &'a [Provider],
    key: &str,
) -> Result<&'a Provider, AppError> {
    let key = key.trim();
    let hits: Vec<&Provider> = providers
        .iter()
        .filter(|p| p.meta.id == key || p.name == key)
        .collect();
    match hits.as_slice() {
        [one] => Ok(one),
        [] => Err(ValidationError::new(Field::Provider, Reason::NoMatch).into()),
        many => Err(
            ValidationError::new(Field::Provider, Reason::SeveralMatch { n: many.len() }).into(),
        ),
    }
}
