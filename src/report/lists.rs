//! Lists printed for others: the public posting list (公示名单) of a community and each
//! provider's name list (服务对象名单). Both are built from a whitelist of columns — a field
//! not named here never leaves the workstation through them.

use chrono::NaiveDate;

use super::layout::{phone_lines, Doc, Sheet};
use super::xlsx::{self, SheetData, XlsxError};
use crate::domain::case::Case;
use crate::domain::catalogue::{Catalogue, ListKind, HEALTH_CATEGORY};
use crate::domain::date::official;
use crate::domain::person::{Disclosure, Person};
use crate::i18n::{t, tf, Lang};

/// One served person with their case.
pub struct Served<'a> {
    /// The person.
    pub person: &'a Person,
    /// Their case in service.
    pub case: &'a Case,
    /// Name of their community.
    pub community_name: &'a str,
}

/// How the posting list is framed.
pub struct PostingFrame<'a> {
    /// Community name.
    pub community_name: &'a str,
    /// First day posted.
    pub from: NaiveDate,
    /// Last day posted; `None`: long-term (长期公示).
    pub to: Option<NaiveDate>,
    /// Where it hangs.
    pub place: &'a str,
    /// Who to tell of an objection (the community's office, a phone).
    pub contact: &'a str,
    /// The issuing unit as its seal reads (the closing).
    pub issuer: &'a str,
    /// 社会救助服务电话; empty: not printed.
    pub service_phone: &'a str,
    /// 监督电话; empty: not printed.
    pub supervision_phone: &'a str,
}

/// The service items as a public list names them: an item that tells of health (see
/// [`Catalogue::reveals_health`]) only as its category, 健康护理, once.
fn public_items_text(case: &Case, lang: Lang) -> String {
    let cat = Catalogue::builtin();
    let mut shown: Vec<&str> = Vec::new();
    for item in &case.needs {
        let label = if cat.reveals_health(item) {
            cat.label(ListKind::ServiceCategory, HEALTH_CATEGORY, lang)
        } else {
            cat.label(ListKind::ServiceItem, item, lang)
        };
        if !shown.contains(&label) {
            shown.push(label);
        }
    }
    shown.join(if lang == Lang::ZhCn { "、" } else { ", " })
}

/// What a list shows for a person without an ID number.
pub const NO_ID: &str = "—";

/// The posting list's columns: 序号, name, masked ID number (— for none), address down to the
/// community, category, service items (health ones only as 健康护理). Never health details,
/// phone or street address.
pub fn posting_rows(served: &[Served<'_>], lang: Lang) -> Vec<Vec<String>> {
    let cat = Catalogue::builtin();
    served
        .iter()
        .enumerate()
        .map(|(i, s)| {
            vec![
                (i + 1).to_string(),
                s.person.facts.name.clone(),
                s.person
                    .facts
                    .id_number
                    .as_ref()
                    .map(|n| n.masked())
                    .unwrap_or_else(|| NO_ID.to_string()),
                s.community_name.to_string(),
                s.case
                    .category
                    .as_deref()
                    .map(|c| cat.label(ListKind::RecipientCategory, c, lang).to_string())
                    .unwrap_or_default(),
                public_items_text(s.case, lang),
            ]
        })
        .collect()
}

/// The posting list per household (一户一档): the same whitelist of columns, with the
/// household's number first and each member's relation to the head after the name, so a
/// household's members stand together. Each group is one household (or one person in none),
/// in the order given; 序号 counts persons across the whole list.
pub fn posting_rows_by_household(groups: &[Vec<Served<'_>>], lang: Lang) -> Vec<Vec<String>> {
    let cat = Catalogue::builtin();
    let mut out = Vec::new();
    for (h, group) in groups.iter().enumerate() {
        for (s, mut row) in group.iter().zip(posting_rows(group, lang)) {
            if let Some(no) = row.first_mut() {
                *no = (out.len() + 1).to_string();
            }
            let relation = s
                .person
                .household
                .as_ref()
                .map(|m| {
                    cat.label(ListKind::HouseholdRelation, &m.relation, lang)
                        .to_string()
                })
                .unwrap_or_default();
            row.insert(0, (h + 1).to_string());
            row.insert(3, relation);
            out.push(row);
        }
    }
    out
}

/// Headers of the posting list per household.
pub fn posting_headers_by_household(lang: Lang) -> [&'static str; 8] {
    [
        t(lang, "posting.household_no"),
        t(lang, "print.no"),
        t(lang, "field.name"),
        t(lang, "field.relation"),
        t(lang, "field.id_number"),
        t(lang, "field.community"),
        t(lang, "field.category"),
        t(lang, "print.item"),
    ]
}

/// Headers of the posting list.
pub fn posting_headers(lang: Lang) -> [&'static str; 6] {
    [
        t(lang, "print.no"),
        t(lang, "field.name"),
        t(lang, "field.id_number"),
        t(lang, "field.community"),
        t(lang, "field.category"),
        t(lang, "print.item"),
    ]
}

fn posting_title(f: &PostingFrame<'_>, lang: Lang) -> String {
    tf(lang, "posting.title", &[("community", f.community_name)])
}

fn posting_period(f: &PostingFrame<'_>, lang: Lang) -> String {
    posting_period_dated(f, lang, |d| d.format("%Y-%m-%d").to_string())
}

/// The posting's period with its dates as `date` writes them (official on paper).
fn posting_period_dated(
    f: &PostingFrame<'_>,
    lang: Lang,
    date: impl Fn(NaiveDate) -> String,
) -> String {
    let from = date(f.from);
    match f.to {
        Some(to) => tf(
            lang,
            "posting.period",
            &[("from", &from), ("to", &date(to)), ("place", f.place)],
        ),
        None => tf(
            lang,
            "posting.period_long",
            &[("from", &from), ("place", f.place)],
        ),
    }
}

/// The posting list as a page to print and hang.
pub fn posting_html(f: &PostingFrame<'_>, served: &[Served<'_>], lang: Lang) -> String {
    let title = posting_title(f, lang);
    let mut d = Doc::new(Sheet::A4Landscape, &title, lang);
    d.heading(&title)
        .meta(
            &posting_period_dated(f, lang, |d| official(d, lang)),
            &tf(lang, "posting.count", &[("n", &served.len().to_string())]),
        )
        .list(&posting_headers(lang), &posting_rows(served, lang), &[0])
        .keep_start();
    for line in posting_closing(f, lang) {
        d.para(&line);
    }
    let [unit, date] = posting_sign(f, lang);
    d.issued_by(&unit, &date).keep_end();
    d.finish()
}

/// The lines under the posting list's table: the objection notice and the phones set.
fn posting_closing(f: &PostingFrame<'_>, lang: Lang) -> Vec<String> {
    let mut out = vec![tf(lang, "posting.objection", &[("contact", f.contact)])];
    out.extend(phone_lines(f.service_phone, f.supervision_phone, lang));
    out
}

/// The posting list's signature: the issuing unit as its seal reads and the first day posted.
fn posting_sign(f: &PostingFrame<'_>, lang: Lang) -> [String; 2] {
    [f.issuer.to_string(), official(f.from, lang)]
}

/// The posting list as a spreadsheet: the table, then the notice and the closing.
pub fn posting_xlsx(
    f: &PostingFrame<'_>,
    served: &[Served<'_>],
    lang: Lang,
    created: NaiveDate,
) -> Result<Vec<u8>, XlsxError> {
    let rows = posting_rows(served, lang);
    let title = posting_title(f, lang);
    let subtitle = format!(
        "{}　{}",
        posting_period(f, lang),
        tf(lang, "posting.count", &[("n", &served.len().to_string())])
    );
    xlsx::workbook(
        &[SheetData {
            name: f.community_name,
            title: &title,
            subtitle: &subtitle,
            headers: &posting_headers(lang),
            rows: &rows,
            numeric: &[0],
            closing: &posting_closing(f, lang),
            sign: &posting_sign(f, lang),
        }],
        created,
        lang,
    )
}

/// The posting list as CSV.
pub fn posting_csv(served: &[Served<'_>], lang: Lang) -> Vec<u8> {
    xlsx::csv(&posting_headers(lang), &posting_rows(served, lang), &[0])
}

/// One recipient on a provider's name list.
pub struct Recipient<'a> {
    /// The person and their case.
    pub served: Served<'a>,
    /// The service items the provider serves them.
    pub items: Vec<String>,
    /// How the one who writes the list sees their phone and address.
    pub disclosure: Disclosure,
}

/// A provider's name list: who to serve, where to reach them, what to do. The full phone and
/// address are there because the provider goes to the door (masked, like the screen, when the
/// one who writes the list may not edit the person); the ID number and health details are not.
pub fn name_list_xlsx(
    provider_name: &str,
    served: &[Recipient<'_>],
    lang: Lang,
    today: NaiveDate,
) -> Result<Vec<u8>, XlsxError> {
    let cat = Catalogue::builtin();
    let headers = [
        t(lang, "print.no"),
        t(lang, "detail.service_no"),
        t(lang, "field.name"),
        t(lang, "field.sex"),
        t(lang, "name_list.age"),
        t(lang, "field.phone"),
        t(lang, "field.address"),
        t(lang, "field.community"),
        t(lang, "print.item"),
        t(lang, "field.card_no"),
        t(lang, "print.valid_until"),
        t(lang, "field.emergency_contact"),
    ];
    let rows: Vec<Vec<String>> = served
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let (s, items, shown) = (&r.served, &r.items, r.disclosure);
            let f = &s.person.facts;
            let plan = s.case.plan_lines();
            let items: Vec<String> = items
                .iter()
                .map(|item| {
                    let freq = plan
                        .iter()
                        .find(|p| &p.item == item)
                        .map(|p| cat.label(ListKind::Frequency, &p.frequency, lang))
                        .unwrap_or("");
                    format!(
                        "{}（{}）",
                        cat.label(ListKind::ServiceItem, item, lang),
                        freq
                    )
                })
                .collect();
            vec![
                (i + 1).to_string(),
                s.person.service_no.clone().unwrap_or_default(),
                f.name.clone(),
                f.sex
                    .map(|x| t(lang, x.label_key()).to_string())
                    .unwrap_or_default(),
                f.birth_date
                    .and_then(|b| shown.age(b, today))
                    .map(|n| n.to_string())
                    .unwrap_or_default(),
                f.phone
                    .as_deref()
                    .map(|p| shown.phone(p))
                    .unwrap_or_default(),
                f.address
                    .as_deref()
                    .map(|a| shown.located(a, lang))
                    .unwrap_or_default(),
                s.community_name.to_string(),
                items.join("、"),
                s.case.card_no.clone().unwrap_or_default(),
                s.case
                    .card_valid_until
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
                f.emergency_contact
                    .as_deref()
                    .map(|c| shown.located(c, lang))
                    .unwrap_or_default(),
            ]
        })
        .collect();
    let title = tf(lang, "name_list.title", &[("provider", provider_name)]);
    let subtitle = tf(
        lang,
        "name_list.subtitle",
        &[
            ("date", &today.format("%Y-%m-%d").to_string()),
            ("n", &served.len().to_string()),
        ],
    );
    xlsx::workbook(
        &[SheetData {
            name: provider_name,
            title: &title,
            subtitle: &subtitle,
            headers: &headers,
            rows: &rows,
            numeric: &[0, 4],
            closing: &[],
            sign: &[],
        }],
        today,
        lang,
    )
}
