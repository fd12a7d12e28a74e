//! `jiuzhu report monthly | evaluation | posting`.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::args::ReportCommand;
use super::{io_err, open_existing, show_path, sign_in, Paths};
use crate::app::print::{self, ListFormat, PostingRequest};
use crate::app::statistics::{self, Which};
use crate::app::{person, supervision, AppError, Clock, Ctx};
use crate::domain::date::parse_date;
use crate::domain::month::{parse_year, Month};
use crate::domain::permission::Action;
use crate::domain::validation::{Field, Reason, ValidationError};
use crate::i18n::{t, tf, Lang};
use crate::store::data_dir;

type Out<'a> = std::io::StdoutLock<'a>;

/// `xlsx`, `csv` or `html`, or a message naming the format field.
fn parse_format(s: &str) -> Result<ListFormat, AppError> {
    ListFormat::parse(s).ok_or_else(|| {
        AppError::Validation(ValidationError::new(
            Field::Format,
            Reason::BadFormat {
                example: "example.list_format",
            },
        ))
    })
}

/// Runs a `report` command.
pub fn run(
    cmd: &ReportCommand,
    cli: &super::args::Cli,
    paths: &Paths,
    lang: Lang,
    clock: &dyn Clock,
    out: &mut Out<'_>,
) -> Result<i32, AppError> {
    // Arguments are checked before the password is asked for.
    let (which, format, target) = match cmd {
        ReportCommand::Monthly { month, format, out } => (
            Some(Which::Monthly(Month::parse(month)?)),
            parse_format(format)?,
            out,
        ),
        ReportCommand::Evaluation { year, format, out } => (
            Some(Which::Evaluation(parse_year(year)?)),
            parse_format(format)?,
            out,
        ),
        ReportCommand::Posting {
            format,
            out,
            from,
            until,
            ..
        } => {
            // Dates are checked before the password is asked for too.
            parse_date(Field::PeriodStart, from.as_deref().unwrap_or(""))?;
            parse_date(Field::PeriodEnd, until.as_deref().unwrap_or(""))?;
            (None, parse_format(format)?, out)
        }
    };
    let mut store = open_existing(paths)?;
    let session = sign_in(&mut store, cli, lang, clock)?;
    let mut ctx = Ctx::new(&mut store, session, clock)?;
    let Some(which) = which else {
        let ReportCommand::Posting {
            community,
            from,
            until,
            place,
            ..
        } = cmd
        else {
            return Ok(0);
        };
        let from = parse_date(Field::PeriodStart, from.as_deref().unwrap_or(""))?
            .unwrap_or_else(|| ctx.clock.today());
        let to = parse_date(Field::PeriodEnd, until.as_deref().unwrap_or(""))?;
        let place = place
            .clone()
            .unwrap_or_else(|| t(lang, "posting.place_default").to_string());
        let period = Period { from, to, place };
        return posting(
            &mut ctx,
            community.as_deref(),
            &period,
            format,
            target,
            lang,
            out,
        );
    };
    let (path, n) = statistics::write(&mut ctx, which, format, Some(target.clone()), lang)?;
    let what = match which {
        Which::Monthly(_) => t(lang, "statistics.monthly"),
        Which::Evaluation(_) => t(lang, "statistics.evaluation"),
    };
    writeln!(
        out,
        "{}",
        tf(
            lang,
            "statistics.written",
            &[
                ("what", what),
                ("path", &show_path(&path)),
                ("n", &n.to_string()),
            ]
        )
    )
    .map_err(io_err)?;
    Ok(0)
}

/// The period and place of a posting from the command line.
struct Period {
    from: chrono::NaiveDate,
    to: Option<chrono::NaiveDate>,
    place: String,
}

/// One community's posting list to `target`, or, without a community, one list per
/// community this workstation serves into the folder `target`; each is recorded as the
/// community's current posting, exactly as the screen's 公示 records it.
fn posting(
    ctx: &mut Ctx<'_>,
    community: Option<&str>,
    period: &Period,
    format: ListFormat,
    target: &Path,
    lang: Lang,
    out: &mut Out<'_>,
) -> Result<i32, AppError> {
    let request = |code: &str| PostingRequest {
        community: code.to_string(),
        from: period.from,
        to: period.to,
        place: period.place.clone(),
    };
    let jobs: Vec<(PostingRequest, PathBuf)> = match community {
        Some(code) => vec![(request(code), target.to_path_buf())],
        None => {
            data_dir::ensure_dir(target)?;
            person::hosted_communities(ctx)?
                .iter()
                .filter(|u| ctx.require(Action::ViewPerson, &u.code).is_ok())
                .map(|u| {
                    let r = request(&u.code);
                    let file = target.join(print::posting_file_name(&r, format));
                    (r, file)
                })
                .collect()
        }
    };
    for (r, file) in jobs {
        let posted = supervision::post_at(ctx, &r, format, lang, Some(file))?;
        let (path, n) = (posted.path, posted.posting.persons);
        writeln!(
            out,
            "{}",
            tf(
                lang,
                "posting.written",
                &[
                    ("community", ctx.tree.name_of(&r.community)),
                    ("n", &n.to_string()),
                    ("path", &show_path(&path)),
                ]
            )
        )
        .map_err(io_err)?;
    }
    Ok(0)
}
