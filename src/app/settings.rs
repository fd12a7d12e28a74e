//! 系统设置: this workstation's time limits — how long each step may wait before the 待办
//! inbox and the lists mark it overdue, how often a service is re-reviewed, how early an
//! expiring card is listed. Stored locally (never replicated): each workstation sets its own.

use super::{AppError, Ctx, Result};
use crate::domain::permission::Action;
use crate::domain::timeliness::{Limit, Thresholds};
use crate::domain::validation::{Field, Reason, ValidationError};
use crate::store::{access_log, settings, StoreError};

/// The thresholds in force: the stored ones, the defaults for any never set.
pub fn thresholds(ctx: &Ctx<'_>) -> Result<Thresholds> {
    let mut t = Thresholds::default();
    for (key, value) in settings::all(ctx.store.conn())? {
        // Keys of other settings are not ours to read.
        let Some(limit) = Limit::from_code(&key) else {
            continue;
        };
        let (min, max) = limit.range();
        match value.trim().parse::<i64>() {
            Ok(days) if (min..=max).contains(&days) => t.set(limit, days),
            _ => {
                return Err(StoreError::Corrupt {
                    table: "settings",
                    column: "value",
                }
                .into())
            }
        }
    }
    Ok(t)
}

/// Checks every limit of `t` against its range; the refusal names the first one outside.
pub fn check(t: &Thresholds) -> std::result::Result<(), ValidationError> {
    for limit in Limit::ALL {
        let (min, max) = limit.range();
        if !(min..=max).contains(&t.get(limit)) {
            return Err(ValidationError::new(
                Field::Limit(limit),
                Reason::OutOfRange { min, max },
            ));
        }
    }
    Ok(())
}

/// Stores new thresholds (administrators only); each changed value is written to the
/// access log as `setting` with its old and new value. Returns how many changed.
pub fn set_thresholds(ctx: &mut Ctx<'_>, t: &Thresholds) -> Result<usize> {
    let ws = ctx.store.workstation()?;
    ctx.require(Action::ManageSettings, &ws.org_code)?;
    check(t)?;
    let old = thresholds(ctx)?;
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    ctx.store
        .write_local(|tx| {
            let mut changed = 0;
            for limit in Limit::ALL {
                let (before, after) = (old.get(limit), t.get(limit));
                if before == after {
                    continue;
                }
                settings::put(tx, limit.code(), &after.to_string(), &at, &actor)?;
                access_log::append(
                    tx,
                    &at,
                    &actor,
                    "setting",
                    limit.code(),
                    &format!("{before} -> {after}"),
                )?;
                changed += 1;
            }
            Ok::<_, StoreError>(changed)
        })
        .map_err(Into::into)
}

/// The settings key of the maker-checker exception.
const ASSESSOR_MAY_DECIDE: &str = "assessor_may_decide";

/// True when this workstation lets the account that assessed a case also decide it (a small
/// office with one caseworker). Off unless an administrator turned it on.
pub fn assessor_may_decide(ctx: &Ctx<'_>) -> Result<bool> {
    Ok(settings::get(ctx.store.conn(), ASSESSOR_MAY_DECIDE)?.as_deref() == Some("1"))
}

/// Turns the maker-checker exception on or off (administrators only), written to the access
/// log as `setting`; true when it changed.
pub fn set_assessor_may_decide(ctx: &mut Ctx<'_>, on: bool) -> Result<bool> {
    let ws = ctx.store.workstation()?;
    ctx.require(Action::ManageSettings, &ws.org_code)?;
    let before = assessor_may_decide(ctx)?;
    if before == on {
        return Ok(false);
    }
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    let value = if on { "1" } else { "0" };
    ctx.store
        .write_local(|tx| {
            settings::put(tx, ASSESSOR_MAY_DECIDE, value, &at, &actor)?;
            access_log::append(
                tx,
                &at,
                &actor,
                "setting",
                ASSESSOR_MAY_DECIDE,
                &format!("{} -> {value}", u8::from(before)),
            )
        })
        .map_err(AppError::from)?;
    Ok(true)
}

/// Longest full official name of a unit.
pub const FULL_NAME_MAX: usize = 60;

/// Checks a full official name: one line of at most [`FULL_NAME_MAX`] characters; empty
/// means "use the short name".
pub fn parse_full_name(input: &str) -> std::result::Result<String, ValidationError> {
    crate::domain::text::clean_line(Field::OrgFullName, input, FULL_NAME_MAX)
}

/// The name a document issued by unit `org_code` is sealed with: its full official name when
/// one is set, else its short name (and the code itself for a unit this workstation does not
/// know, or when the name cannot be read — a print is never left without an issuer).
pub fn seal_name(ctx: &Ctx<'_>, org_code: &str) -> String {
    match crate::store::orgs::full_name(ctx.store.conn(), org_code) {
        Ok(Some(full)) if !full.trim().is_empty() => full,
        _ => ctx.tree.name_of(org_code).to_string(),
    }
}

/// One unit's names, as the settings screen lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitNames {
    /// Its code.
    pub code: String,
    /// Its short name.
    pub name: String,
    /// Its full official name; empty: the short name is used.
    pub full_name: String,
}

/// The names of this workstation's unit and every unit below it, parents first.
pub fn unit_names(ctx: &Ctx<'_>) -> Result<Vec<UnitNames>> {
    let ws = ctx.store.workstation()?;
    let mut out = Vec::new();
    for u in ctx.tree.subtree(&ws.org_code) {
        let full = crate::store::orgs::full_name(ctx.store.conn(), &u.code)?.unwrap_or_default();
        out.push(UnitNames {
            code: u.code.clone(),
            name: u.name.clone(),
            full_name: full,
        });
    }
    Ok(out)
}

/// Sets the full official name of unit `org_code` (administrators of it only; empty: use the
/// short name), written to the access log as `setting` with the old and new name. True when
/// it changed.
pub fn set_full_name(ctx: &mut Ctx<'_>, org_code: &str, input: &str) -> Result<bool> {
    ctx.require(Action::ManageSettings, org_code)?;
    let after = parse_full_name(input)?;
    let before = crate::store::orgs::full_name(ctx.store.conn(), org_code)?
        .ok_or_else(|| AppError::UnknownOrg(org_code.to_string()))?;
    if before == after {
        return Ok(false);
    }
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    ctx.store
        .write_local(|tx| {
            crate::store::orgs::set_full_name(tx, org_code, &after)?;
            access_log::append(
                tx,
                &at,
                &actor,
                "setting",
                &format!("{FULL_NAME_KEY}:{org_code}"),
                &format!("{before} -> {after}"),
            )
        })
        .map_err(AppError::from)?;
    Ok(true)
}

/// The subject the access log names a full-name change by (with the unit's code).
const FULL_NAME_KEY: &str = "org_full_name";
/// The settings key of the 社会救助服务电话.
const SERVICE_PHONE: &str = "service_phone";
/// The settings key of the 监督电话.
const SUPERVISION_PHONE: &str = "supervision_phone";
/// Longest public phone, spaces and dashes counted.
pub const PUBLIC_PHONE_MAX: usize = 30;

/// The phones printed on public lists; empty: not printed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublicPhones {
    /// 社会救助服务电话.
    pub service: String,
    /// 监督电话.
    pub supervision: String,
}

/// Checks one public phone: digits, `-` and spaces, at most [`PUBLIC_PHONE_MAX`] characters
/// with 3 to 20 digits (12345, 0791-88123456, 0791-8812 3456 转 8 is not one); empty is
/// allowed (not printed). Runs of spaces become one.
pub fn parse_public_phone(
    field: Field,
    input: &str,
) -> std::result::Result<String, ValidationError> {
    let s = input.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.is_empty() {
        return Ok(s);
    }
    if s.chars().count() > PUBLIC_PHONE_MAX {
        return Err(ValidationError::new(
            field,
            Reason::TooLong {
                max: PUBLIC_PHONE_MAX,
            },
        ));
    }
    let digits = s.chars().filter(char::is_ascii_digit).count();
    let only_allowed = s
        .chars()
        .all(|c| c.is_ascii_digit() || c == '-' || c == ' ');
    if !only_allowed || !(3..=20).contains(&digits) || !s.starts_with(|c: char| c.is_ascii_digit())
    {
        return Err(ValidationError::new(
            field,
            Reason::BadFormat {
                example: "example.public_phone",
            },
        ));
    }
    Ok(s)
}

/// The public phones set on this workstation (empty where never set).
pub fn public_phones(ctx: &Ctx<'_>) -> Result<PublicPhones> {
    let conn = ctx.store.conn();
    Ok(PublicPhones {
        service: settings::get(conn, SERVICE_PHONE)?.unwrap_or_default(),
        supervision: settings::get(conn, SUPERVISION_PHONE)?.unwrap_or_default(),
    })
}

/// Stores the public phones (administrators only), each checked; each changed one is written
/// to the access log as `setting` with its old and new value. Returns how many changed.
pub fn set_public_phones(ctx: &mut Ctx<'_>, phones: &PublicPhones) -> Result<usize> {
    let ws = ctx.store.workstation()?;
    ctx.require(Action::ManageSettings, &ws.org_code)?;
    let new = [
        (
            SERVICE_PHONE,
            parse_public_phone(Field::ServicePhone, &phones.service)?,
        ),
        (
            SUPERVISION_PHONE,
            parse_public_phone(Field::SupervisionPhone, &phones.supervision)?,
        ),
    ];
    let old = public_phones(ctx)?;
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    ctx.store
        .write_local(|tx| {
            let mut changed = 0;
            for ((key, after), before) in new.iter().zip([&old.service, &old.supervision]) {
                if before == after {
                    continue;
                }
                settings::put(tx, key, after, &at, &actor)?;
                access_log::append(
                    tx,
                    &at,
                    &actor,
                    "setting",
                    key,
                    &format!("{before} -> {after}"),
                )?;
                changed += 1;
            }
            Ok::<_, StoreError>(changed)
        })
        .map_err(Into::into)
}
