//! 邻里互助补贴发放表 on paper and as a workbook: one community's month — per helper the
//! confirmed visits, the hours, the amount under the rule (capped), the bank and the account
//! with only its last four digits, and a column for the helper's signature on receipt.

use chrono::NaiveDate;

use super::layout::{Doc, Sheet, Signer};
use super::xlsx::{self, SheetData, XlsxError};
use crate::domain::date::official;
use crate::domain::helper::masked_account;
use crate::domain::money::Fen;
use crate::domain::subsidy::{Basis, SubsidyList};
use crate::i18n::{t, tf, Lang};

/// A helper as the list prints them.
pub struct Payee {
    /// The helper's name.
    pub name: String,
    /// 开户银行.
    pub bank: String,
    /// The full account (masked when printed).
    pub account: String,
}

/// A subsidy list with the names it is printed with.
pub struct SubsidySheet<'a> {
    /// The list.
    pub list: &'a SubsidyList,
    /// The community's full name (its seal).
    pub community: &'a str,
    /// The subdistrict's full name (its seal).
    pub subdistrict: &'a str,
    /// Per helper id: who they are and where the subsidy goes.
    pub payee: &'a dyn Fn(&str) -> Payee,
    /// Real names of who made and approved it.
    pub made_by: &'a str,
    /// Who approved it.
    pub approved_by: &'a str,
    /// The day it is printed.
    pub printed_on: NaiveDate,
}

fn title(s: &SubsidySheet<'_>, lang: Lang) -> String {
    tf(
        lang,
        "subsidy_sheet.title",
        &[
            ("year", &s.list.month.year().to_string()),
            ("month", &s.list.month.month().to_string()),
        ],
    )
}

fn hours(minutes: i64) -> String {
    let h = crate::domain::settlement::hour_hundredths(minutes);
    format!("{}.{:02}", h / 100, h % 100)
}

fn headers(lang: Lang) -> [&'static str; 8] {
    [
        t(lang, "print.no"),
        t(lang, "subsidy_sheet.helper"),
        t(lang, "subsidy_sheet.visits"),
        t(lang, "subsidy_sheet.hours"),
        t(lang, "settlement_sheet.amount"),
        t(lang, "field.bank_name"),
        t(lang, "field.bank_account"),
        t(lang, "subsidy_sheet.signature"),
    ]
}

fn rows(s: &SubsidySheet<'_>, lang: Lang) -> Vec<Vec<String>> {
    s.list
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let p = (s.payee)(&l.helper_id);
            let amount = if l.capped() {
                tf(
                    lang,
                    "subsidy_sheet.capped",
                    &[("amount", &l.amount.yuan_text())],
                )
            } else {
                l.amount.yuan_text()
            };
            vec![
                (i + 1).to_string(),
                p.name,
                l.visits.to_string(),
                hours(l.minutes),
                amount,
                p.bank,
                if p.account.is_empty() {
                    String::new()
                } else {
                    masked_account(&p.account)
                },
                String::new(),
            ]
        })
        .collect()
}

fn total_row(total: Fen, lang: Lang) -> Vec<String> {
    let mut row = vec![String::new(); 8];
    row[0] = t(lang, "settlement_sheet.total").to_string();
    row[4] = total.yuan_text();
    row
}

fn rule_line(s: &SubsidySheet<'_>, lang: Lang) -> String {
    let r = s.list.rule;
    tf(
        lang,
        match r.basis {
            Basis::PerVisit => "subsidy_sheet.rule_per_visit",
            Basis::PerHour => "subsidy_sheet.rule_per_hour",
        },
        &[("rate", &r.rate.yuan_text()), ("cap", &r.cap.yuan_text())],
    )
}

/// The list as an A4 page to print, sign and seal.
pub fn html(s: &SubsidySheet<'_>, lang: Lang) -> String {
    let title = title(s, lang);
    let mut d = Doc::new(Sheet::A4Landscape, &title, lang);
    let state = tf(
        lang,
        "settlement_sheet.state",
        &[("state", t(lang, s.list.state.label_key()))],
    );
    d.heading(&title).meta(
        &tf(lang, "subsidy_sheet.unit", &[("community", s.community)]),
        &state,
    );
    d.para(&rule_line(s, lang));
    d.list_with_total(
        &headers(lang),
        &rows(s, lang),
        Some(&total_row(s.list.total, lang)),
        &[0, 2, 3, 4],
    );
    d.keep_start()
        .para(&tf(
            lang,
            "subsidy_sheet.in_words",
            &[
                ("n", &s.list.lines.len().to_string()),
                ("total", &s.list.total.yuan_text()),
            ],
        ))
        .sign_off(&[vec![
            (t(lang, "settlement_sheet.made_by"), s.made_by),
            (t(lang, "settlement_sheet.approved_by"), s.approved_by),
        ]])
        .signatures(
            &[
                Signer::unit(t(lang, "subsidy_sheet.seal_community"), s.community),
                Signer::unit(t(lang, "subsidy_sheet.seal_subdistrict"), s.subdistrict),
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

/// The list as a workbook (the payment list the bank or the cashier works from).
pub fn workbook(s: &SubsidySheet<'_>, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let title = title(s, lang);
    let subtitle = format!(
        "{}　{}",
        tf(lang, "subsidy_sheet.unit", &[("community", s.community)]),
        rule_line(s, lang)
    );
    let mut rows = rows(s, lang);
    // In the workbook the amount stays a number the cashier can sum: the cap is said apart.
    for (row, l) in rows.iter_mut().zip(&s.list.lines) {
        row[4] = l.amount.yuan_text();
    }
    rows.push(total_row(s.list.total, lang));
    let sign = vec![
        format!("{}{}", t(lang, "settlement_sheet.made_by"), s.made_by),
        format!(
            "{}{}",
            t(lang, "settlement_sheet.approved_by"),
            s.approved_by
        ),
    ];
    xlsx::workbook(
        &[SheetData {
            name: t(lang, "subsidy_sheet.sheet"),
            title: &title,
            subtitle: &subtitle,
            headers: &headers(lang),
            rows: &rows,
            numeric: &[0, 2, 3, 4],
            closing: &[],
            sign: &sign,
        }],
        s.printed_on,
        lang,
    )
}
