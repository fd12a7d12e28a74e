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
    /// The 合计 row every output ends the table with (bold on paper), if it has one.
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

/// Who signs off a report sent up (to the 区民政局): the lines under its last table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignOff {
    /// The reporting unit as its seal reads (full official name).
    pub unit: String,
    /// The real name of the one who made it (填表人).
    pub filled_by: String,
    /// The workstation's 社会救助服务电话; empty leaves a line to write on.
    pub phone: String,
    /// The day it is made (填报日期).
    pub date: NaiveDate,
}

/// What the spreadsheet writes where a paper form leaves a line to fill in by hand.
const BLANK: &str = "__________";

impl SignOff {
    /// The sign-off as lines of (label, value) pairs: the unit and the day, then the three
    /// who answer for the figures and the phone. An empty value is a line to write on.
    fn lines(&self, lang: Lang) -> Vec<Vec<(&'static str, String)>> {
        vec![
            vec![
                (t(lang, "statistics.signoff_unit"), self.unit.clone()),
                (
                    t(lang, "statistics.signoff_date"),
                    official(self.date, lang),
                ),
            ],
            vec![
                (t(lang, "statistics.signoff_head"), String::new()),
                (t(lang, "statistics.signoff_checker"), String::new()),
                (
                    t(lang, "statistics.signoff_filled_by"),
                    self.filled_by.clone(),
                ),
                (t(lang, "statistics.signoff_phone"), self.phone.clone()),
            ],
        ]
    }

    /// The same lines as spreadsheet text, blanks drawn as underscores.
    fn text_lines(&self, lang: Lang) -> Vec<String> {
        self.lines(lang)
            .iter()
            .map(|line| {
                line.iter()
                    .map(|(label, value)| {
                        let v = if value.trim().is_empty() {
                            BLANK
                        } else {
                            value
                        };
                        format!("{label}{v}")
                    })
                    .collect::<Vec<_>>()
                    // An ideographic space parts the pairs as a typed form would.
                    .join("\u{3000}\u{3000}")
            })
            .collect()
    }
}

/// The period line with dates written by `date`. A period that ends after `made` (this
/// month printed on the 3rd) says the figures run only to that day: 截至 the day made.
fn period_line_dated(
    s: &Summary,
    end: NaiveDate,
    made: NaiveDate,
    lang: Lang,
    date: impl Fn(NaiveDate) -> String,
) -> String {
    if end > made {
        tf(
            lang,
            "statistics.period_so_far",
            &[
                ("from", &date(s.from)),
                ("to", &date(end)),
                ("as_of", &date(made)),
            ],
        )
    } else {
        tf(
            lang,
            "statistics.period",
            &[("from", &date(s.from)), ("to", &date(s.to))],
        )
    }
}

/// The period line in ISO dates (the data files) and in official dates (the print).
fn period_lines(s: &Summary, end: NaiveDate, made: NaiveDate, lang: Lang) -> (String, String) {
    (
        period_line_dated(s, end, made, lang, |d| d.format("%Y-%m-%d").to_string()),
        period_line_dated(s, end, made, lang, |d| official(d, lang)),
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
    let mut rows: Vec<Vec<String>> = s
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
    // The total was counted with the communities (its medians are the last); it ends the table.
    let total = rows.pop();
    let columns = keys.len();
    Table {
        name: t(lang, "statistics.sheet_communities").to_string(),
        headers: headers(lang, &keys),
        rows,
        numeric: (1..columns).collect(),
        total,
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

/// The monthly statistics of `month`, made on `made`.
pub fn monthly(s: &Summary, month: Month, made: NaiveDate, lang: Lang) -> Tables {
    let (period, printed_period) = period_lines(s, month.last_day(), made, lang);
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
        period,
        printed_period,
        note: t(lang, "statistics.note_monthly").to_string(),
        tables: tables_of(s, None, lang),
        communities: s.communities.len(),
    }
}

/// The yearly evaluation, made on `made`.
pub fn evaluation(e: &Evaluation, made: NaiveDate, lang: Lang) -> Tables {
    let s = &e.summary;
    // The year's last day; a year chrono cannot hold has no end to compare, only its period.
    let end = NaiveDate::from_ymd_opt(e.year, 12, 31).unwrap_or(s.to);
    let (period, printed_period) = period_lines(s, end, made, lang);
    Tables {
        title: tf(
            lang,
            "statistics.title_evaluation",
            &[("unit", &s.unit_name), ("year", &e.year.to_string())],
        ),
        period,
        printed_period,
        note: t(lang, "statistics.note_evaluation").to_string(),
        tables: tables_of(s, Some(&e.medians), lang),
        communities: s.communities.len(),
    }
}

/// The report as a workbook: one sheet per table, each ending with its total, the note and
/// the 制表日期; the first sheet, the one filed and sent up, closes with the sign-off.
pub fn xlsx(
    r: &Tables,
    created: NaiveDate,
    sign: &SignOff,
    lang: Lang,
) -> Result<Vec<u8>, XlsxError> {
    let headers: Vec<Vec<&str>> = r
        .tables
        .iter()
        .map(|tb| tb.headers.iter().map(String::as_str).collect())
        .collect();
    let rows: Vec<Vec<Vec<String>>> = r.tables.iter().map(Table::rows_with_total).collect();
    let closing = [r.note.clone()];
    let mut signed = vec![r.note.clone()];
    signed.extend(sign.text_lines(lang));
    let sheets: Vec<SheetData<'_>> = r
        .tables
        .iter()
        .zip(&headers)
        .zip(&rows)
        .enumerate()
        .map(|(i, ((tb, h), rows))| SheetData {
            name: &tb.name,
            title: &r.title,
            subtitle: &r.period,
            headers: h,
            rows,
            numeric: &tb.numeric,
            closing: if i == 0 { &signed } else { &closing },
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

/// The report as a page to print, signed off under its last table.
pub fn html(r: &Tables, made: NaiveDate, sign: &SignOff, lang: Lang) -> String {
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
        // The last table, the note that explains the figures and the sign-off stay on one
        // page: a seal alone on a page would certify nothing.
        if i + 1 == r.tables.len() {
            d.keep_start();
        }
        let headers: Vec<&str> = tb.headers.iter().map(String::as_str).collect();
        d.section(&tb.name)
            .list_with_total(&headers, &tb.rows, tb.total.as_deref(), &tb.numeric);
    }
    let lines = sign.lines(lang);
    let pairs: Vec<Vec<(&str, &str)>> = lines
        .iter()
        .map(|l| l.iter().map(|(k, v)| (*k, v.as_str())).collect())
        .collect();
    d.note(&r.note).sign_off(&pairs).keep_end();
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

    fn december(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, day).unwrap()
    }

    fn sign_off(date: NaiveDate) -> SignOff {
        SignOff {
            unit: "南昌市青云谱区洪都街道办事处".into(),
            filled_by: "李红梅".into(),
            phone: "0791-88123456".into(),
            date,
        }
    }

    #[test]
    fn the_community_table_ends_with_the_total() {
        let s = summary();
        let r = monthly(&s, Month::new(2026, 11).unwrap(), december(1), Lang::ZhCn);
        let tb = &r.tables[0];
        assert_eq!(tb.rows.len(), 1);
        assert_eq!(tb.rows[0][0], "洪都社区");
        let total = tb.total.as_ref().unwrap();
        assert_eq!(total[0], t(Lang::ZhCn, "statistics.total"));
        assert_eq!(tb.rows_with_total().len(), 2);
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
        let made = december(1);
        let r = monthly(&s, Month::new(2026, 11).unwrap(), made, Lang::ZhCn);
        let bytes = xlsx(&r, made, &sign_off(made), Lang::ZhCn).unwrap();
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
        let r = evaluation(&e, NaiveDate::from_ymd_opt(2027, 1, 5).unwrap(), Lang::ZhCn);
        let tb = &r.tables[0];
        assert_eq!(tb.headers.len(), 18);
        let last = tb.rows[0].len() - 1;
        assert_eq!(tb.rows[0][last - 2..], ["2.0", "6.5", "-"]);
    }

    #[test]
    fn csv_sections_follow_one_byte_order_mark() {
        let s = summary();
        let r = monthly(&s, Month::new(2026, 11).unwrap(), december(1), Lang::ZhCn);
        let bytes = csv(&r);
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with('\u{feff}'));
        assert_eq!(text.matches('\u{feff}').count(), 1);
        for tb in &r.tables {
            assert!(text.contains(&format!("\"{}\"", tb.name)));
        }
    }

    #[test]
    fn the_print_ends_every_table_with_its_total_in_bold() {
        let mut s = summary();
        s.items = vec![Line {
            code: "meal_delivery".into(),
            name: "供餐送餐".into(),
            group: "生活照料".into(),
            tally: s.total.services,
        }];
        let made = december(1);
        let r = monthly(&s, Month::new(2026, 11).unwrap(), made, Lang::ZhCn);
        let page = html(&r, made, &sign_off(made), Lang::ZhCn);
        // One bold total row per table: communities, items, providers (none served, still 0).
        assert_eq!(page.matches("<tr class=\"total\"><td>合计</td>").count(), 3);
        assert!(page.contains("tr.total td{font-weight:bold}"));
        // The items' total counts 4 persons and 10 services after the one item row.
        let items = page.split("<h2>按服务项目</h2>").nth(1).unwrap();
        let items = items.split("</table>").next().unwrap();
        let total = items.split("<tr class=\"total\">").nth(1).unwrap();
        assert!(
            total.starts_with(
                "<td>合计</td><td></td><td class=\"num\">4</td><td class=\"num\">10</td>"
            ),
            "{total}"
        );
        assert!(items.find("供餐送餐").unwrap() < items.find("合计").unwrap());
    }

    #[test]
    fn the_print_and_first_sheet_close_with_the_sign_off() {
        use calamine::{Reader, Xlsx};
        let made = december(1);
        let r = monthly(&summary(), Month::new(2026, 11).unwrap(), made, Lang::ZhCn);
        let page = html(&r, made, &sign_off(made), Lang::ZhCn);
        let block = page.split("<div class=\"signoff\">").nth(1).unwrap();
        for text in [
            "填报单位（盖章）：<span class=\"fill\">南昌市青云谱区洪都街道办事处</span>",
            "负责人：<span class=\"fill blank\"></span>",
            "审核人：<span class=\"fill blank\"></span>",
            "填表人：<span class=\"fill\">李红梅</span>",
            "联系电话：<span class=\"fill\">0791-88123456</span>",
            "填报日期：<span class=\"fill\">2026年12月1日</span>",
        ] {
            assert!(block.contains(text), "{text}: {block}");
        }
        // After the last table and its note, inside the block kept on one page.
        let keep = page.rfind("<div class=\"keep\">").unwrap();
        let signoff = page.find("<div class=\"signoff\">").unwrap();
        assert!(keep < page.find("<h2>按服务主体</h2>").unwrap());
        assert!(page.rfind("</table>").unwrap() < signoff);
        assert!(page.find("<p class=\"note\">").unwrap() < signoff);
        assert!(page[signoff..].matches("</div>").count() >= 4);
        // No phone set: a line to write it on, not an empty label.
        let mut none = sign_off(made);
        none.phone = String::new();
        let page = html(&r, made, &none, Lang::ZhCn);
        assert!(page.contains("联系电话：<span class=\"fill blank\"></span>"));

        // The workbook's first sheet closes with the same lines; the others do not.
        let bytes = xlsx(&r, made, &none, Lang::ZhCn).unwrap();
        let mut wb = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let text = |wb: &mut Xlsx<_>, sheet: &str| -> Vec<String> {
            let cells = wb.worksheet_range(sheet).unwrap();
            cells.used_cells().map(|(_, _, c)| c.to_string()).collect()
        };
        let first = text(&mut wb, "按社区");
        assert!(
            first
                .iter()
                .any(|c| c == "填报单位（盖章）：南昌市青云谱区洪都街道办事处\u{3000}\u{3000}填报日期：2026年12月1日"),
            "{first:?}"
        );
        assert!(
            first.iter().any(|c| c
                == "负责人：__________\u{3000}\u{3000}审核人：__________\u{3000}\u{3000}填表人：李红梅\u{3000}\u{3000}联系电话：__________"),
            "{first:?}"
        );
        let items = text(&mut wb, "按服务项目");
        assert!(items.iter().all(|c| !c.contains("填报单位")), "{items:?}");
    }

    #[test]
    fn a_period_not_yet_over_is_counted_to_the_day_made() {
        let mut s = summary();
        let month = Month::new(2026, 11).unwrap();
        // Made on 28 November: the figures run to that day, and the line says so.
        let made = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        s.to = made;
        let r = monthly(&s, month, made, Lang::ZhCn);
        assert_eq!(
            r.printed_period,
            "统计期：2026年11月1日 至 2026年11月30日（截至2026年11月28日）"
        );
        assert_eq!(
            r.period,
            "统计期：2026-11-01 至 2026-11-30（截至2026-11-28）"
        );
        let page = html(&r, made, &sign_off(made), Lang::ZhCn);
        assert!(page.contains("（截至2026年11月28日）"));
        let csv = String::from_utf8(csv(&r)).unwrap();
        assert!(
            csv.contains("\"统计期：2026-11-01 至 2026-11-30（截至2026-11-28）\""),
            "{csv}"
        );
        let en = monthly(&s, month, made, Lang::En);
        assert_eq!(
            en.period,
            "Period: 2026-11-01 to 2026-11-30 (as of 2026-11-28)"
        );
        // The last day itself is a finished period: the present line, no 截至.
        let r = monthly(
            &summary(),
            month,
            NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
            Lang::ZhCn,
        );
        assert_eq!(r.printed_period, "统计期：2026年11月1日 至 2026年11月30日");
        assert!(!r.period.contains("截至"));
        // A year evaluated before it ends says 截至 too.
        let e = Evaluation {
            year: 2026,
            summary: Summary {
                from: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
                to: made,
                ..summary()
            },
            medians: Vec::new(),
        };
        let r = evaluation(&e, made, Lang::ZhCn);
        assert_eq!(
            r.printed_period,
            "统计期：2026年1月1日 至 2026年12月31日（截至2026年11月28日）"
        );
    }
}
