//! 统计报表 laid out: the monthly statistics and the yearly 绩效评估 as titled tables — per
//! community with the total, per service item, per provider — written as a workbook of
//! sheets, one CSV of sections, or one page to print.

use chrono::NaiveDate;

use super::layout::{Doc, Sheet};
use super::xlsx::{self, SheetData, XlsxError};
use crate::domain::date::official;
use crate::domain::month::Month;
use crate::domain::statistics::{CommunityFigures, Evaluation, Line, StepMedians, Summary, Tally};
use crate::i18n::{t, tf, Lang};

/// One table of a report.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Sheet or section name.
    pub name: String,
    /// Column headers.
    pub headers: Vec<String>,
    /// Rows of text; numbers already formatted.
    pub rows: Vec<Vec<String>>,
    /// Columns holding numbers.
    pub numeric: Vec<usize>,
    /// The 合计 row the spreadsheet and CSV end the table with, if it has one apart from
    /// its rows (the per-community table carries its total as its last row).
    pub total: Option<Vec<String>>,
}

impl Table {
    /// The rows, and the total row after them when there is one.
    pub fn rows_with_total(&self) -> Vec<Vec<String>> {
        let mut rows = self.rows.clone();
        rows.extend(self.total.clone());
        rows
    }
}

/// A whole report: its title, period line, explanation and tables.
#[derive(Debug, Clone, PartialEq)]
pub struct Tables {
    /// The heading.
    pub title: String,
    /// The period line (ISO dates, for the data files).
    pub period: String,
    /// The period line as printed (official dates).
    pub printed_period: String,
    /// What the figures mean.
    pub note: String,
    /// The tables, the per-community one first.
    pub tables: Vec<Table>,
    /// How many communities the first table covers (the total row not counted).
    pub communities: usize,
}

/// A whole number as text.
fn n(v: u64) -> String {
    v.to_string()
}

/// One decimal rounded half up (四舍五入, as a statistics table is checked by hand), or `-`
/// when there is nothing to divide.
pub fn one_decimal(v: Option<f64>) -> String {
    v.map_or_else(
        || "-".to_string(),
        |x| format!("{:.1}", (x * 10.0).round() / 10.0),
    )
}

fn headers(lang: Lang, keys: &[&str]) -> Vec<String> {
    keys.iter().map(|k| t(lang, k).to_string()).collect()
}

fn period_line(s: &Summary, lang: Lang) -> String {
    period_line_dated(s, lang, |d| d.format("%Y-%m-%d").to_string())
}

fn period_line_dated(s: &Summary, lang: Lang, date: impl Fn(NaiveDate) -> String) -> String {
    tf(
        lang,
        "statistics.period",
        &[("from", &date(s.from)), ("to", &date(s.to))],
    )
}

fn name_of(c: &CommunityFigures, lang: Lang) -> String {
    if c.community.is_empty() {
        t(lang, "statistics.total").to_string()
    } else {
        c.name.clone()
    }
}

/// The per-community columns both reports share, after the name.
fn community_cells(c: &CommunityFigures) -> Vec<String> {
    let mut cells = vec![
        n(c.clues_found),
        n(c.enrolled),
        n(c.stopped),
        n(c.in_service_at_end),
    ];
    cells.extend(tally_cells(&c.services));
    cells.extend([
        n(c.complaints_received),
        n(c.complaints_closed),
        n(c.inspections),
        one_decimal(c.inspection_rate()),
    ]);
    cells
}

/// Persons, services, hours, services per person, confirmed and satisfied rates.
fn tally_cells(s: &Tally) -> [String; 6] {
    [
        n(s.recipients),
        n(s.records),
        one_decimal(Some(s.hours())),
        one_decimal(s.per_recipient()),
        one_decimal(s.confirmed_rate()),
        one_decimal(s.satisfaction_rate()),
    ]
}

/// The headings of [`tally_cells`], in its order.
const TALLY_COLUMNS: [&str; 6] = [
    "statistics.col_recipients",
    "statistics.col_records",
    "statistics.col_hours",
    "statistics.col_per_recipient",
    "statistics.col_confirmed",
    "statistics.col_satisfied",
];

/// The headings of [`community_cells`], in its order.
fn community_columns() -> Vec<&'static str> {
    let mut keys = vec![
        "statistics.col_clues",
        "statistics.col_enrolled",
        "statistics.col_stopped",
        "statistics.col_in_service",
    ];
    keys.extend(TALLY_COLUMNS);
    keys.extend([
        "statistics.col_complaints",
        "statistics.col_closed",
        "statistics.col_inspections",
        "statistics.col_inspection_rate",
    ]);
    keys
}

fn community_table(s: &Summary, medians: Option<&[StepMedians]>, lang: Lang) -> Table {
    let mut keys = vec!["statistics.col_community"];
    keys.extend(community_columns());
    if medians.is_some() {
        keys.extend([
            "statistics.col_verify_days",
            "statistics.col_decide_days",
            "statistics.col_first_service_days",
        ]);
    }
    let rows = s
        .communities
        .iter()
        .chain(std::iter::once(&s.total))
        .enumerate()
        .map(|(i, c)| {
            let mut row = vec![name_of(c, lang)];
            row.extend(community_cells(c));
            if let Some(m) = medians.and_then(|m| m.get(i)) {
                row.extend([
                    one_decimal(m.verify),
                    one_decimal(m.decide),
                    one_decimal(m.first_service),
                ]);
            } else if medians.is_some() {
                row.extend(["-".to_string(), "-".to_string(), "-".to_string()]);
            }
            row
        })
        .collect();
    let columns = keys.len();
    Table {
        name: t(lang, "statistics.sheet_communities").to_string(),
        headers: headers(lang, &keys),
        rows,
        numeric: (1..columns).collect(),
        total: None,
    }
}

/// A table of lines (items or providers), ended by the period's total: persons counted once
/// however many lines name them.
fn line_table(lines: &[Line], total: &Tally, sheet: &str, first: [&str; 2], lang: Lang) -> Table {
    let mut keys = first.to_vec();
    keys.extend(TALLY_COLUMNS);
    let rows = lines
        .iter()
        .map(|l| {
            let mut row = vec![l.name.clone(), l.group.clone()];
            row.extend(tally_cells(&l.tally));
            row
        })
        .collect();
    Table {
        name: t(lang, sheet).to_string(),
        headers: headers(lang, &keys),
        rows,
        numeric: (2..keys.len()).collect(),
        total: Some(
            [t(lang, "statistics.total").to_string(), String::new()]
                .into_iter()
                .chain(tally_cells(total))
                .collect(),
        ),
    }
}

fn tables_of(s: &Summary, medians: Option<&[StepMedians]>, lang: Lang) -> Vec<Table> {
    vec![
        community_table(s, medians, lang),
        line_table(
            &s.items,
            &s.total.services,
            "statistics.sheet_items",
            ["statistics.col_item", "statistics.col_category"],
            lang,
        ),
        line_table(
            &s.providers,
            &s.total.services,
            "statistics.sheet_providers",
            ["statistics.col_provider", "statistics.col_kind"],
            lang,
        ),
    ]
}

/// The monthly statistics of `month`.
pub fn monthly(s: &Summary, month: Month, lang: Lang) -> Tables {
    Tables {
        title: tf(
            lang,
            "statistics.title_monthly",
            &[
                ("unit", &s.unit_name),
                ("year", &month.year().to_string()),
                ("month", &month.month().to_string()),
            ],
        ),
        period: period_line(s, lang),
        printed_period: period_line_dated(s, lang, |d| official(d, lang)),
        note: t(lang, "statistics.note_monthly").to_string(),
        tables: tables_of(s, None, lang),
        communities: s.communities.len(),
    }
}

/// The yearly evaluation.
pub fn evaluation(e: &Evaluation, lang: Lang) -> Tables {
    let s = &e.summary;
    Tables {
        title: tf(
            lang,
            "statistics.title_evaluation",
            &[("unit", &s.unit_name), ("year", &e.year.to_string())],
        ),
        period: period_line(s, lang),
        printed_period: period_line_dated(s, lang, |d| official(d, lang)),
        note: t(lang, "statistics.note_evaluation").to_string(),
        tables: tables_of(s, Some(&e.medians), lang),
        communities: s.communities.len(),
    }
}

/// The report as a workbook: one sheet per table, each ending with its total, the note and
/// the 制表日期.
pub fn xlsx(r: &Tables, created: NaiveDate, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let headers: Vec<Vec<&str>> = r
        .tables
        .iter()
        .map(|tb| tb.headers.iter().map(String::as_str).collect())
        .collect();
    let rows: Vec<Vec<Vec<String>>> = r.tables.iter().map(Table::rows_with_total).collect();
    let closing = [r.note.clone()];
    let sheets: Vec<SheetData<'_>> = r
        .tables
        .iter()
        .zip(&headers)
        .zip(&rows)
        .map(|((tb, h), rows)| SheetData {
            name: &tb.name,
            title: &r.title,
            subtitle: &r.period,
            headers: h,
            rows,
            numeric: &tb.numeric,
            closing: &closing,
            sign: &[],
        })
        .collect();
    xlsx::workbook(&sheets, created, lang)
}

/// The report as one CSV: the title, then each table under its name (with its total), a
/// blank line between.
pub fn csv(r: &Tables) -> Vec<u8> {
    let mut out = Vec::new();
    // The title names the unit, which its administrator typed: a cell like any other.
    let quoted = |s: &str| format!("{}\r\n", xlsx::csv_field(s, false));
    for (i, tb) in r.tables.iter().enumerate() {
        let headers: Vec<&str> = tb.headers.iter().map(String::as_str).collect();
        let part = xlsx::csv(&headers, &tb.rows_with_total(), &tb.numeric);
        if i == 0 {
            // The byte-order mark goes first, before the title.
            out.extend_from_slice("\u{feff}".as_bytes());
            out.extend_from_slice(quoted(&r.title).as_bytes());
            out.extend_from_slice(quoted(&r.period).as_bytes());
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(quoted(&tb.name).as_bytes());
        out.extend_from_slice(part.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&part));
    }
    out
}

/// The report as a page to print.
pub fn html(r: &Tables, made: NaiveDate, lang: Lang) -> String {
    // The first column names a community or an item: on one line (洪都新村社区).
    let mut d = Doc::new(Sheet::A4Landscape, &r.title, lang)
        .with_css("tbody td:first-child{white-space:nowrap}");
    d.heading(&r.title).meta(
        &r.printed_period,
        &tf(
            lang,
            "statistics.made_on",
            &[("date", &official(made, lang))],
        ),
    );
    for (i, tb) in r.tables.iter().enumerate() {
        // The last table and the note that explains the figures stay on one page.
        if i + 1 == r.tables.len() {
            d.keep_start();
        }
        let headers: Vec<&str> = tb.headers.iter().map(String::as_str).collect();
        d.section(&tb.name).list(&headers, &tb.rows, &tb.numeric);
    }
    d.note(&r.note).keep_end();
    d.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary() -> Summary {
        let c = CommunityFigures {
            community: "360104001001".into(),
            name: "洪都社区".into(),
            clues_found: 3,
            enrolled: 2,
            services: Tally {
                records: 10,
                recipients: 4,
                minutes: 90,
                confirmed: 5,
                rated: 0,
                satisfied: 0,
            },
            ..Default::default()
        };
        let mut total = CommunityFigures::default();
        total.add(&c);
        Summary {
            from: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            to: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
            unit_name: "洪都街道".into(),
            communities: vec![c],
            total,
            items: Vec::new(),
            providers: Vec::new(),
        }
    }

    #[test]
    fn the_community_table_ends_with_the_total() {
        let s = summary();
        let r = monthly(&s, Month::new(2026, 11).unwrap(), Lang::ZhCn);
        let tb = &r.tables[0];
        assert_eq!(tb.rows.len(), 2);
        assert_eq!(tb.rows[0][0], "洪都社区");
        assert_eq!(tb.rows[1][0], t(Lang::ZhCn, "statistics.total"));
        // Hours with one decimal, a rate with nothing rated shows a dash.
        assert_eq!(tb.rows[0][7], "1.5");
        assert_eq!(tb.rows[0][10], "-");
        assert_eq!(tb.rows[0][9], "50.0");
        assert_eq!(tb.headers.len(), tb.rows[0].len());
        assert!(r.title.contains("洪都街道"), "{}", r.title);
    }

    #[test]
    fn the_workbook_ends_item_and_provider_tables_with_totals_in_numbers() {
        use calamine::{Data, Reader, Xlsx};
        let mut s = summary();
        s.items = vec![Line {
            code: "meal_delivery".into(),
            name: "供餐送餐".into(),
            group: "生活照料".into(),
            tally: s.total.services,
        }];
        s.providers = s.items.clone();
        let r = monthly(&s, Month::new(2026, 11).unwrap(), Lang::ZhCn);
        let made = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let bytes = xlsx(&r, made, Lang::ZhCn).unwrap();
        let mut wb = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        for sheet in ["按服务项目", "按服务主体"] {
            let cells = wb.worksheet_range(sheet).unwrap();
            let rows: Vec<&[Data]> = cells.rows().collect();
            let total = rows
                .iter()
                .find(|r| r[0] == Data::String("合计".into()))
                .unwrap_or_else(|| panic!("{sheet}: {rows:?}"));
            // 4 persons, 10 services, 1.5 hours, 2.5 a person, 50.0% confirmed, none rated.
            assert_eq!(total[2], Data::Float(4.0), "{sheet}");
            assert_eq!(total[3], Data::Float(10.0));
            assert_eq!(total[4], Data::Float(1.5));
            assert_eq!(total[5], Data::Float(2.5));
            assert_eq!(total[6], Data::Float(50.0));
            assert_eq!(total[7], Data::Empty, "nothing rated: an empty cell, not -");
            let text: Vec<String> = cells.used_cells().map(|(_, _, c)| c.to_string()).collect();
            assert!(text.iter().any(|c| c == "制表日期：2026-12-01"), "{text:?}");
            assert!(text.iter().all(|c| c != "-"), "{text:?}");
        }
        // The CSV carries the totals too.
        let csv = String::from_utf8(csv(&r)).unwrap();
        assert_eq!(csv.matches("\"合计\"").count(), 3, "{csv}");
    }

    #[test]
    fn decimals_round_half_up() {
        assert_eq!(one_decimal(Some(2.25)), "2.3");
        assert_eq!(one_decimal(Some(0.05)), "0.1");
        assert_eq!(one_decimal(Some(12.0)), "12.0");
        assert_eq!(one_decimal(None), "-");
    }

    #[test]
    fn the_evaluation_adds_the_medians() {
        let s = summary();
        let e = Evaluation {
            year: 2026,
            summary: s,
            medians: vec![
                StepMedians {
                    verify: Some(2.0),
                    decide: Some(6.5),
                    first_service: None,
                },
                StepMedians::default(),
            ],
        };
        let r = evaluation(&e, Lang::ZhCn);
        let tb = &r.tables[0];
        assert_eq!(tb.headers.len(), 18);
        let last = tb.rows[0].len() - 1;
        assert_eq!(tb.rows[0][last - 2..], ["2.0", "6.5", "-"]);
    }

    #[test]
    fn csv_sections_follow_one_byte_order_mark() {
        let s = summary();
        let r = monthly(&s, Month::new(2026, 11).unwrap(), Lang::ZhCn);
        let bytes = csv(&r);
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with('\u{feff}'));
        assert_eq!(text.matches('\u{feff}').count(), 1);
        for tb in &r.tables {
            assert!(text.contains(&format!("\"{}\"", tb.name)));
        }
    }
}
