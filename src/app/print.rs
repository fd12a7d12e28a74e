//! Printing and exporting a person's forms and the lists others receive: each use case checks
//! the permission, builds the document from the records, writes it whole into the user's
//! outbox (owner-only) and records in the access log who printed whose data.

use std::path::PathBuf;

use super::{person, AppError, Ctx, Result};
use crate::domain::case::{Case, CaseState};
use crate::domain::permission::Action;
use crate::domain::person::{Disclosure, Person};
use crate::i18n::Lang;
use crate::report::forms::{self, PersonSheet};
use crate::report::lists::{self, PostingFrame, Recipient, Served};
use crate::store::{access_log, clues, data_dir, persons, providers, services};

/// The two layouts of the service card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardLayout {
    /// A full A4 page with every item and provider.
    A4,
    /// A wallet card (front and back) to cut out.
    Compact,
}

/// A posting list's file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFormat {
    /// A page to print.
    Html,
    /// A spreadsheet.
    Xlsx,
    /// Comma-separated, UTF-8 with BOM.
    Csv,
}

impl ListFormat {
    /// Parses `html`, `xlsx` or `csv`.
    pub fn parse(s: &str) -> Option<ListFormat> {
        match s.to_ascii_lowercase().as_str() {
            "html" | "htm" => Some(ListFormat::Html),
            "xlsx" => Some(ListFormat::Xlsx),
            "csv" => Some(ListFormat::Csv),
            _ => None,
        }
    }

    /// The file-name extension.
    pub fn extension(self) -> &'static str {
        match self {
            ListFormat::Html => "html",
            ListFormat::Xlsx => "xlsx",
            ListFormat::Csv => "csv",
        }
    }
}

/// The folder the session's prints go to.
pub fn outbox(ctx: &Ctx<'_>) -> Result<PathBuf> {
    let dir = ctx
        .store
        .path()
        .parent()
        .map(|p| p.to_path_buf())
        .unwrap_or_default();
    Ok(data_dir::outbox(&dir, &ctx.session.username)?)
}

/// Writes `bytes` to `path` — or, when a different file of that name exists (an earlier
/// print), to the next free `…-2`, `…-3` version of it — and logs the export of `subject`'s data as `what`.
/// Returns the file written.
pub(crate) fn deliver(
    ctx: &mut Ctx<'_>,
    path: PathBuf,
    bytes: &[u8],
    what: &str,
    subject: &str,
) -> Result<PathBuf> {
    // A reprint never replaces an earlier file: it gets the next free version of the name.
    let path = data_dir::write_new_file(&path, bytes, data_dir::file_mode_at(&path))?;
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    access_log::append_now(
        ctx.store,
        &at,
        &actor,
        "print",
        subject,
        &format!("{what} {file}"),
    )?;
    Ok(path)
}

/// A file name made only of ASCII letters, digits, `-` and `_` (safe over SFTP clients and
/// zip tools that mangle other names).
fn file_stem(parts: &[&str]) -> String {
    parts
        .iter()
        .map(|p| {
            p.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("_")
}

struct Loaded {
    person: Person,
    case: Case,
    disclosure: Disclosure,
    id_number: String,
    community_name: String,
    community_seal: String,
    issuer_seal: String,
    phones: super::settings::PublicPhones,
    /// The real name of the one who prints (never the login name).
    printed_by: String,
    /// The day the card was issued (the case's 发放服务卡 step), if it was.
    card_issued_on: Option<chrono::NaiveDate>,
}

/// Case `case_id` and its person, with their facts as the session may see them: a print is
/// masked like the screen for a reader who may not edit the person, and a reveal on the
/// screen does not unmask it (the paper outlives the reason). `card`: the ID number is
/// masked for everyone, since the card travels with its holder.
fn load(ctx: &Ctx<'_>, case_id: &str, card: bool) -> Result<Loaded> {
    let case = super::case::get(ctx, case_id)?;
    let person = person::get(ctx, &case.person_id)?;
    let disclosure = person::disclosure(ctx, &person.facts.community);
    let id_disclosure = if card { Disclosure::Masked } else { disclosure };
    let id_number = person
        .facts
        .id_number
        .as_ref()
        .map(|n| id_disclosure.id_number(n))
        .unwrap_or_default();
    let community_name = ctx.tree.name_of(&case.community).to_string();
    // The subdistrict issues and files a person's forms; a community without one (a
    // workstation that knows no parent) issues them itself.
    let issuer_code = ctx
        .tree
        .get(&case.community)
        .and_then(|u| u.parent.clone())
        .unwrap_or_else(|| case.community.clone());
    let community_seal = super::settings::seal_name(ctx, &case.community);
    let issuer_seal = super::settings::seal_name(ctx, &issuer_code);
    let phones = super::settings::public_phones(ctx)?;
    let printed_by = super::users::real_name(ctx, &ctx.session.username)?;
    let card_issued_on = crate::store::changelog::latest_of_kind(
        ctx.store.conn(),
        crate::domain::record::Entity::Case,
        &case.meta.id,
        &["case.issue_card"],
    )?
    .and_then(|(_, at, _)| super::clock::stored_day(&at));
    Ok(Loaded {
        person,
        case,
        disclosure,
        id_number,
        community_name,
        community_seal,
        issuer_seal,
        phones,
        printed_by,
        card_issued_on,
    })
}

fn sheet<'a>(
    ctx: &'a Ctx<'_>,
    l: &'a Loaded,
    providers: &'a [crate::domain::provider::Provider],
) -> PersonSheet<'a> {
    PersonSheet {
        person: &l.person,
        disclosure: l.disclosure,
        id_number: l.id_number.clone(),
        community_name: &l.community_name,
        community_seal: &l.community_seal,
        issuer_seal: &l.issuer_seal,
        service_phone: &l.phones.service,
        supervision_phone: &l.phones.supervision,
        providers,
        card_issued_on: l.card_issued_on,
        printed_on: ctx.clock.today(),
        printed_by: &l.printed_by,
    }
}

/// Prints the service card of case `case_id` (the ID number masked: the card travels).
pub fn card(ctx: &mut Ctx<'_>, case_id: &str, layout: CardLayout, lang: Lang) -> Result<PathBuf> {
    let l = load(ctx, case_id, true)?;
    let Some(card_no) = l.case.card_no.clone() else {
        return Err(AppError::NoCard);
    };
    let all = providers::list(ctx.store.conn())?;
    let s = sheet(ctx, &l, &all);
    let (html, kind) = match layout {
        CardLayout::A4 => (forms::card_a4(&s, &l.case, lang), "card"),
        CardLayout::Compact => (forms::card_compact(&s, &l.case, lang), "card-compact"),
    };
    let name = format!(
        "{}.html",
        file_stem(&[kind, &card_no, &format!("v{}", l.case.card_version)])
    );
    let path = outbox(ctx)?.join(name);
    deliver(ctx, path, html.as_bytes(), kind, &l.person.meta.id)
}

/// Prints the 需求认定表 of case `case_id`, the person's facts whole for those who may edit them.
pub fn needs_form(ctx: &mut Ctx<'_>, case_id: &str, lang: Lang) -> Result<PathBuf> {
    let l = load(ctx, case_id, false)?;
    let clue = match &l.case.clue_id {
        Some(id) => clues::get(ctx.store.conn(), id)?,
        None => None,
    };
    let all = providers::list(ctx.store.conn())?;
    let decision = super::case::decision(ctx, &l.case)?;
    let html = forms::needs_form(
        &sheet(ctx, &l, &all),
        &l.case,
        decision.as_ref(),
        clue.as_ref(),
        lang,
    );
    let key = l
        .person
        .service_no
        .clone()
        .unwrap_or_else(|| l.case.meta.id.clone());
    let path = outbox(ctx)?.join(format!("{}.html", file_stem(&["needs-form", &key])));
    deliver(ctx, path, html.as_bytes(), "needs-form", &l.person.meta.id)
}

/// The services a 接受救助服务情况表 covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServicePeriod {
    /// One calendar month.
    Month(crate::domain::month::Month),
    /// One calendar year.
    Year(i32),
    /// Every service recorded on the case.
    All,
}

impl ServicePeriod {
    /// Its first and last day; `None` for every service.
    fn days(self) -> Option<(chrono::NaiveDate, chrono::NaiveDate)> {
        match self {
            ServicePeriod::Month(m) => Some((m.first_day(), m.last_day())),
            ServicePeriod::Year(y) => Some((
                chrono::NaiveDate::from_ymd_opt(y, 1, 1)?,
                chrono::NaiveDate::from_ymd_opt(y, 12, 31)?,
            )),
            ServicePeriod::All => None,
        }
    }

    /// Its part of the file name: `202611`, `2026` or `all`.
    fn file_part(self) -> String {
        match self {
            ServicePeriod::Month(m) => format!("{}{:02}", m.year(), m.month()),
            ServicePeriod::Year(y) => y.to_string(),
            ServicePeriod::All => "all".to_string(),
        }
    }
}

/// The period line of a 接受救助服务情况表, its dates official; a period not over yet runs
/// to the day printed and says so (截至).
fn service_period_line(period: ServicePeriod, today: chrono::NaiveDate, lang: Lang) -> String {
    use crate::domain::date::official;
    use crate::i18n::tf;
    let Some((from, to)) = period.days() else {
        return tf(
            lang,
            "print.service_period_all",
            &[("to", &official(today, lang))],
        );
    };
    let (key, to) = if today < to {
        ("print.service_period_until", today)
    } else {
        ("print.service_period", to)
    };
    tf(
        lang,
        key,
        &[("from", &official(from, lang)), ("to", &official(to, lang))],
    )
}

/// Prints the 接受救助服务情况表 of case `case_id` for `period`: the services in it, their
/// totals, and the recipient's and the community's signatures.
pub fn service_form(
    ctx: &mut Ctx<'_>,
    case_id: &str,
    period: ServicePeriod,
    lang: Lang,
) -> Result<PathBuf> {
    let l = load(ctx, case_id, false)?;
    let today = ctx.clock.today();
    let mut recs = services::of_case(ctx.store.conn(), case_id)?;
    if let Some((from, to)) = period.days() {
        recs.retain(|r| from <= r.served_on && r.served_on <= to);
    }
    let all = providers::list(ctx.store.conn())?;
    let line = service_period_line(period, today, lang);
    let html = forms::service_form(&sheet(ctx, &l, &all), &l.case, &recs, &line, lang);
    let key = l
        .person
        .service_no
        .clone()
        .unwrap_or_else(|| l.case.meta.id.clone());
    let path = outbox(ctx)?.join(format!(
        "{}.html",
        file_stem(&["service-form", &key, &period.file_part()])
    ));
    deliver(
        ctx,
        path,
        html.as_bytes(),
        "service-form",
        &l.person.meta.id,
    )
}

/// The part of a name list's file name that tells providers apart: the provider's name in
/// pinyin (at most 24 letters, readable in any file manager) and its whole record id (unique:
/// the first characters of a UUIDv7 are only its creation time, shared by providers created
/// in the same minute).
fn name_list_key(name: &str, id: &str) -> String {
    let spelled: String = crate::domain::pinyin_keys::keys_of(name)
        .full
        .into_iter()
        .next()
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(24)
        .collect();
    if spelled.is_empty() {
        id.to_string()
    } else {
        format!("{spelled}_{id}")
    }
}

/// Writes provider `provider_id`'s name list (xlsx): every recipient in service whose plan
/// names it, with the items it serves them. Returns the file and how many are on it.
pub fn name_list(ctx: &mut Ctx<'_>, provider_id: &str, lang: Lang) -> Result<(PathBuf, usize)> {
    ctx.require_somewhere(Action::ViewPerson)?;
    let provider = providers::get(ctx.store.conn(), provider_id)?.ok_or(AppError::NotFound {
        what: "record.provider",
    })?;
    let mut rows = Vec::new();
    for case in crate::store::cases::in_service(ctx.store.conn(), None)? {
        if ctx.require(Action::ViewPerson, &case.community).is_err() {
            continue;
        }
        let items: Vec<String> = case
            .plan_lines()
            .into_iter()
            .filter(|l| l.provider_id.as_deref() == Some(provider_id))
            .map(|l| l.item)
            .collect();
        if items.is_empty() {
            continue;
        }
        if let Some(p) = persons::get(ctx.store.conn(), &case.person_id)? {
            rows.push((p, case, items));
        }
    }
    let names: Vec<String> = rows
        .iter()
        .map(|(_, c, _)| ctx.tree.name_of(&c.community).to_string())
        .collect();
    let served: Vec<Recipient<'_>> = rows
        .iter()
        .zip(&names)
        .map(|((p, c, items), n)| Recipient {
            served: Served {
                person: p,
                case: c,
                community_name: n,
            },
            items: items.clone(),
            disclosure: person::disclosure(ctx, &p.facts.community),
        })
        .collect();
    let today = ctx.clock.today();
    let bytes = lists::name_list_xlsx(&provider.name, &served, lang, today)
        .map_err(|e| AppError::Export(e.to_string()))?;
    let n = served.len();
    let path = outbox(ctx)?.join(format!(
        "{}.xlsx",
        file_stem(&[
            "name-list",
            &name_list_key(&provider.name, &provider.meta.id),
            &today.format("%Y%m%d").to_string()
        ])
    ));
    let path = deliver(ctx, path, &bytes, "name-list", provider_id)?;
    Ok((path, n))
}

/// The outbox file name of a posting list (see [`unused_path`] for a second one of a day).
pub fn posting_file_name(r: &PostingRequest, format: ListFormat) -> String {
    format!(
        "{}.{}",
        file_stem(&[
            "posting",
            &r.community,
            &r.from.format("%Y%m%d").to_string()
        ]),
        format.extension()
    )
}

/// What a posting list is for: community, period, place.
#[derive(Debug, Clone)]
pub struct PostingRequest {
    /// Community code.
    pub community: String,
    /// First day.
    pub from: chrono::NaiveDate,
    /// Last day; `None`: long-term (长期公示), until a re-issue replaces it.
    pub to: Option<chrono::NaiveDate>,
    /// Where it is posted.
    pub place: String,
}

/// Who a posting of `community` lists today: each case in service with its person, in the
/// order the list shows them.
pub(crate) fn posting_members(
    conn: &rusqlite::Connection,
    community: &str,
) -> Result<Vec<(Case, Person)>> {
    let mut out = Vec::new();
    for c in crate::store::cases::in_service(conn, Some(community))? {
        if c.state != CaseState::InService {
            continue;
        }
        if let Some(p) = persons::get(conn, &c.person_id)? {
            out.push((c, p));
        }
    }
    Ok(out)
}

/// The hash of who a list names: SHA-256 (hex) of the sorted case ids, one a line. Two lists
/// naming the same people have the same hash whatever their format or period.
pub fn members_sha256<'a>(case_ids: impl IntoIterator<Item = &'a str>) -> String {
    use sha2::{Digest, Sha256};
    let mut ids: Vec<&str> = case_ids.into_iter().collect();
    ids.sort_unstable();
    let mut h = Sha256::new();
    for id in ids {
        h.update(id.as_bytes());
        h.update(b"\n");
    }
    hex::encode(h.finalize())
}

/// A posting list built: its bytes, how many it lists, and the hash of who.
#[derive(Debug, Clone)]
pub struct PostingList {
    /// The file's content.
    pub bytes: Vec<u8>,
    /// How many persons it lists.
    pub persons: usize,
    /// See [`members_sha256`].
    pub members_sha256: String,
}

/// Builds community `r.community`'s posting list in `format`. Writing it and recording the
/// period is the caller's business.
pub fn posting_bytes(
    ctx: &Ctx<'_>,
    r: &PostingRequest,
    format: ListFormat,
    lang: Lang,
) -> Result<PostingList> {
    ctx.require(Action::ViewPerson, &r.community)?;
    let members = posting_members(ctx.store.conn(), &r.community)?;
    let community_name = ctx.tree.name_of(&r.community).to_string();
    let served: Vec<Served<'_>> = members
        .iter()
        .map(|(c, p)| Served {
            person: p,
            case: c,
            community_name: &community_name,
        })
        .collect();
    let contact = crate::i18n::tf(
        lang,
        "posting.contact_default",
        &[("community", &community_name)],
    );
    // The community issues its posting: its seal name closes the list.
    let issuer = super::settings::seal_name(ctx, &r.community);
    let phones = super::settings::public_phones(ctx)?;
    let frame = PostingFrame {
        community_name: &community_name,
        from: r.from,
        to: r.to,
        place: &r.place,
        contact: &contact,
        issuer: &issuer,
        service_phone: &phones.service,
        supervision_phone: &phones.supervision,
    };
    let bytes = match format {
        ListFormat::Html => lists::posting_html(&frame, &served, lang).into_bytes(),
        ListFormat::Xlsx => lists::posting_xlsx(&frame, &served, lang, ctx.clock.today())
            .map_err(|e| AppError::Export(e.to_string()))?,
        ListFormat::Csv => lists::posting_csv(&served, lang),
    };
    Ok(PostingList {
        bytes,
        persons: served.len(),
        members_sha256: members_sha256(members.iter().map(|(c, _)| c.meta.id.as_str())),
    })
}

/// `path`, or, when a file is there already, the same name with `-2`, `-3` … before the
/// extension: a second version of a day never overwrites the first.
pub fn unused_path(path: PathBuf) -> PathBuf {
    if !path.exists() {
        return path;
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = path
        .extension()
        .map(|s| format!(".{}", s.to_string_lossy()))
        .unwrap_or_default();
    let mut n = 2;
    loop {
        let next = path.with_file_name(format!("{stem}-{n}{ext}"));
        if !next.exists() {
            return next;
        }
        n += 1;
    }
}

/// Writes a reading copy of community `r.community`'s posting list to `path` (or to the
/// outbox when `None`), for a reader who may see the community (a supervisor checking what
/// the list says). It is a print, logged as one, not a posting: nothing is recorded, and the
/// screen's 新公示 and `report posting` post through [`super::supervision::post_at`].
pub fn posting(
    ctx: &mut Ctx<'_>,
    r: &PostingRequest,
    format: ListFormat,
    path: Option<PathBuf>,
    lang: Lang,
) -> Result<(PathBuf, usize)> {
    let list = posting_bytes(ctx, r, format, lang)?;
    let path = match path {
        Some(p) => p,
        None => unused_path(outbox(ctx)?.join(posting_file_name(r, format))),
    };
    let community = r.community.clone();
    let path = deliver(ctx, path, &list.bytes, "posting", &community)?;
    Ok((path, list.persons))
}

/// Prints the 受理回执 of complaint `complaint_id`, to hand to whoever made it: the receiving
/// unit's seal name, the time limit and the public phones. Anyone who may see the complaint
/// may print it; the print is access-logged like every other.
pub fn complaint_receipt(ctx: &mut Ctx<'_>, complaint_id: &str, lang: Lang) -> Result<PathBuf> {
    use crate::domain::catalogue::{Catalogue, ListKind};
    use crate::report::receipt::{self, ComplaintReceipt};
    let c = crate::store::supervision::complaint(ctx.store.conn(), complaint_id)?.ok_or(
        AppError::NotFound {
            what: "record.complaint",
        },
    )?;
    ctx.require(Action::ViewPerson, &c.community)?;
    let ws = ctx.store.workstation()?;
    let issuer = super::settings::seal_name(ctx, &ws.org_code);
    let phones = super::settings::public_phones(ctx)?;
    // Who took it in, from its first entry in the change log (a reprint by a colleague still
    // names the one who received it); the one printing when the log has no such entry.
    let receiver = crate::store::changelog::latest_of_kind(
        ctx.store.conn(),
        crate::domain::record::Entity::Complaint,
        &c.meta.id,
        &["complaint.create"],
    )?
    .map(|(actor, _, _)| actor)
    .unwrap_or_else(|| ctx.session.username.clone());
    let received_by = super::users::real_name(ctx, &receiver)?;
    // The unit that handles it: the one it was assigned to, else the assignee's unit over the
    // complaint's community (a receipt names offices, not login names).
    let assignee_unit = match &c.assigned_to {
        Some(name) => crate::store::users::by_username(ctx.store.conn(), name)?.and_then(|u| {
            let covers = |g: &&crate::domain::permission::Grant| {
                g.org == c.community
                    || ctx
                        .tree
                        .ancestors(&c.community)
                        .iter()
                        .any(|a| a.code == g.org)
            };
            u.grants
                .iter()
                .find(covers)
                .or(u.grants.first())
                .map(|g| g.org.clone())
        }),
        None => None,
    };
    let handled_by = c
        .assigned_unit
        .clone()
        .or(assignee_unit)
        .map(|u| super::settings::seal_name(ctx, &u))
        .unwrap_or_default();
    let number = crate::report::layout::paper_no(&c.meta.id);
    let html = receipt::complaint_receipt(
        &ComplaintReceipt {
            number: &number,
            received_on: c.received_on,
            complainant: c.complainant.as_deref().unwrap_or(""),
            channel: Catalogue::builtin().label(ListKind::ComplaintChannel, &c.channel, lang),
            community: ctx.tree.name_of(&c.community),
            content: &c.content,
            handled_by: &handled_by,
            due_on: c.due_on,
            received_by: &received_by,
            issuer: &issuer,
            service_phone: &phones.service,
            supervision_phone: &phones.supervision,
        },
        lang,
    );
    let path = outbox(ctx)?.join(format!(
        "{}.html",
        file_stem(&["complaint-receipt", &number])
    ));
    deliver(ctx, path, html.as_bytes(), "complaint-receipt", &c.meta.id)
}
