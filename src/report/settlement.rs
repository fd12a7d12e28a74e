//! 结算单 on paper and as a workbook: one provider's month — each service that counts with
//! its unit, quantity, price and amount, the total, the services that do not count with the
//! reason, and the signatures of who made and approved it and the seals of both parties.

use chrono::NaiveDate;

use super::layout::{Doc, Sheet, Signer};
use super::xlsx::{self, SheetData, XlsxError};
use crate::domain::catalogue::{Catalogue, ListKind};
use crate::domain::date::official;
use crate::domain::money::Fen;
use crate::domain::settlement::Settlement;
use crate::i18n::{t, tf, Lang};

/// A settlement with the names it is printed with.
pub struct SettlementSheet<'a> {
    /// The settlement.
    pub settlement: &'a Settlement,
    /// The provider's name (its seal).
    pub provider: &'a str,
    /// The buying unit's full name (its seal).
    pub buyer: &'a str,
    /// Per service id: the person served (name only; no ID number on a payment paper).
    pub person_of: &'a dyn Fn(&str) -> String,
    /// Per agreement id: its number.
    pub agreement_no: &'a dyn Fn(&str) -> String,
    /// Real names of who made, submitted and approved it (empty: not yet).
    pub made_by: &'a str,
    /// Who submitted it.
    pub submitted_by: &'a str,
    /// Who approved it.
    pub approved_by: &'a str,
    /// The day it is printed.
    pub printed_on: NaiveDate,
}

fn title(s: &SettlementSheet<'_>, lang: Lang) -> String {
    tf(
        lang,
        "settlement_sheet.title",
        &[
            ("year", &s.settlement.month.year().to_string()),
            ("month", &s.settlement.month.month().to_string()),
        ],
    )
}

/// The quantity of a line as its unit counts it: minutes as hours for an hourly price.
fn quantity(unit: &str, minutes: i64) -> String {
    if unit == "per_hour" {
        let h = crate::domain::settlement::hour_hundredths(minutes);
        format!("{}.{:02}", h / 100, h % 100)
    } else {
        "1".to_string()
    }
}

/// The counted services as rows: 序号, day, person, item, unit, quantity, price, amount,
/// agreement number.
fn line_rows(
    s: &SettlementSheet<'_>,
    lang: Lang,
    day: &dyn Fn(NaiveDate) -> String,
) -> Vec<Vec<String>> {
    let cat = Catalogue::builtin();
    s.settlement
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            vec![
                (i + 1).to_string(),
                day(l.served_on),
                (s.person_of)(&l.service_id),
                cat.label(ListKind::ServiceItem, &l.item, lang).to_string(),
                cat.label(ListKind::PricingUnit, &l.unit, lang).to_string(),
                quantity(&l.unit, l.minutes),
                l.unit_price.yuan_text(),
                l.amount.yuan_text(),
                (s.agreement_no)(&l.agreement_id),
            ]
        })
        .chain(s.settlement.adjustments.iter().map(|a| {
            let month = crate::domain::month::Month::parse(&a.month)
                .map(|m| {
                    tf(
                        lang,
                        "settlement_sheet.adjusts",
                        &[
                            ("year", &m.year().to_string()),
                            ("month", &m.month().to_string()),
                        ],
                    )
                })
                .unwrap_or_else(|_| a.month.clone());
            vec![
                String::new(),
                String::new(),
                month,
                a.reason.clone(),
                String::new(),
                String::new(),
                String::new(),
                a.amount.yuan_text(),
                String::new(),
            ]
        }))
        .collect()
}

fn line_headers(lang: Lang) -> [&'static str; 9] {
    [
        t(lang, "print.no"),
        t(lang, "print.served_on"),
        t(lang, "settlement_sheet.person"),
        t(lang, "print.item"),
        t(lang, "field.pricing_unit"),
        t(lang, "settlement_sheet.quantity"),
        t(lang, "field.unit_price"),
        t(lang, "settlement_sheet.amount"),
        t(lang, "field.agreement_no"),
    ]
}

fn total_row(total: Fen, lang: Lang) -> Vec<String> {
    let mut row = vec![String::new(); 9];
    row[0] = t(lang, "settlement_sheet.total").to_string();
    row[7] = total.yuan_text();
    row
}

/// The day and item label of a service the settlement lists as not counting (its record
/// holds them; the settlement only its id).
pub type Detail<'a> = &'a dyn Fn(&str) -> (Option<NaiveDate>, String);

/// The services that do not count: 序号, day, person, item, reason.
fn excluded_rows(
    s: &SettlementSheet<'_>,
    detail: Detail<'_>,
    lang: Lang,
    day: &dyn Fn(NaiveDate) -> String,
) -> Vec<Vec<String>> {
    s.settlement
        .excluded
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let (served_on, item) = detail(&e.service_id);
            vec![
                (i + 1).to_string(),
                served_on.map(day).unwrap_or_default(),
                (s.person_of)(&e.service_id),
                item,
                t(lang, e.reason.label_key()).to_string(),
            ]
        })
        .collect()
}

fn excluded_headers(lang: Lang) -> [&'static str; 5] {
    [
        t(lang, "print.no"),
        t(lang, "print.served_on"),
        t(lang, "settlement_sheet.person"),
        t(lang, "print.item"),
        t(lang, "settlement_sheet.reason"),
    ]
}

fn meta_line(s: &SettlementSheet<'_>, lang: Lang) -> (String, String) {
    (
        tf(
            lang,
            "settlement_sheet.parties",
            &[("buyer", s.buyer), ("provider", s.provider)],
        ),
        tf(
            lang,
            "settlement_sheet.state",
            &[("state", t(lang, s.settlement.state.label_key()))],
        ),
    )
}

/// The settlement as an A4 page to print, sign and seal. `detail` gives the day and item
/// label of an excluded service.
pub fn html(s: &SettlementSheet<'_>, detail: Detail<'_>, lang: Lang) -> String {
    let day = |d: NaiveDate| official(d, lang);
    let title = title(s, lang);
    let mut d = Doc::new(Sheet::A4Landscape, &title, lang);
    let (left, right) = meta_line(s, lang);
    d.heading(&title).meta(&left, &right);
    d.section(t(lang, "settlement_sheet.counted"));
    d.list_with_total(
        &line_headers(lang),
        &line_rows(s, lang, &day),
        Some(&total_row(s.settlement.total, lang)),
        &[0, 5, 6, 7],
    );
    if !s.settlement.excluded.is_empty() {
        d.section(t(lang, "settlement_sheet.not_counted"));
        d.list(
            &excluded_headers(lang),
            &excluded_rows(s, detail, lang, &day),
            &[0],
        );
    }
    d.keep_start()
        .para(&tf(
            lang,
            "settlement_sheet.in_words",
            &[
                ("total", &s.settlement.total.yuan_text()),
                ("n", &s.settlement.lines.len().to_string()),
            ],
        ))
        .sign_off(&[vec![
            (t(lang, "settlement_sheet.made_by"), s.made_by),
            (t(lang, "settlement_sheet.submitted_by"), s.submitted_by),
            (t(lang, "settlement_sheet.approved_by"), s.approved_by),
        ]])
        .signatures(
            &[
                Signer::unit(t(lang, "settlement_sheet.seal_provider"), s.provider),
                Signer::unit(t(lang, "settlement_sheet.seal_buyer"), s.buyer),
            ],
            t(lang, "print.date_line"),
        )
        .keep_end();
    d.footer(&tf(
        lang,
        "settlement_sheet.printed",
        &[("date", &official(s.printed_on, lang))],
    ));
    d.finish()
}

/// The settlement as a workbook: the counted services with the total, then the services that
/// do not count.
pub fn workbook(
    s: &SettlementSheet<'_>,
    detail: Detail<'_>,
    lang: Lang,
) -> Result<Vec<u8>, XlsxError> {
    let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    let title = title(s, lang);
    let (left, right) = meta_line(s, lang);
    let subtitle = format!("{left}　{right}");
    let mut rows = line_rows(s, lang, &day);
    rows.push(total_row(s.settlement.total, lang));
    let excluded = excluded_rows(s, detail, lang, &day);
    let sign = vec![
        format!("{}{}", t(lang, "settlement_sheet.made_by"), s.made_by),
        format!(
            "{}{}",
            t(lang, "settlement_sheet.approved_by"),
            s.approved_by
        ),
    ];
    xlsx::workbook(
        &[
            SheetData {
                name: t(lang, "settlement_sheet.counted"),
                title: &title,
                subtitle: &subtitle,
                headers: &line_headers(lang),
                rows: &rows,
                numeric: &[0, 5, 6, 7],
                closing: &[],
                sign: &sign,
            },
            SheetData {
                name: t(lang, "settlement_sheet.not_counted"),
                title: &title,
                subtitle: &subtitle,
                headers: &excluded_headers(lang),
                rows: &excluded,
                numeric: &[0],
                closing: &[],
                sign: &[],
            },
        ],
        s.printed_on,
        lang,
    )
}
