//! Spreadsheet output: one titled, ruled sheet per list, set up to print on A4 landscape with
//! the header row repeated on every page — the shape a community office prints and files.

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook};

use crate::i18n::{t, tf, Lang};

/// The spreadsheet could not be built (a limit of the format, such as a sheet name).
#[derive(Debug, thiserror::Error)]
#[error("spreadsheet: {0}")]
pub struct XlsxError(String);

impl From<rust_xlsxwriter::XlsxError> for XlsxError {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        XlsxError(e.to_string())
    }
}

/// One sheet: a title line, a subtitle line, the header row, the rows, then any closing lines
/// and the 制表日期 line.
pub struct SheetData<'a> {
    /// Worksheet tab name (at most 31 characters; cut if longer).
    pub name: &'a str,
    /// Merged title across the columns.
    pub title: &'a str,
    /// A line under the title (period, unit).
    pub subtitle: &'a str,
    /// Column headers.
    pub headers: &'a [&'a str],
    /// Rows of text.
    pub rows: &'a [Vec<String>],
    /// Columns written as numbers (right-aligned, summable): format `0`, `0.0` or `0.00` as
    /// the column's figures carry no, one or two decimals (money). An empty cell or `-` there
    /// is an empty cell; other text stays text.
    pub numeric: &'a [usize],
    /// Lines under the table (a notice, a phone), each merged across.
    pub closing: &'a [String],
    /// The lines signing it (the issuing unit, the day), to the right under the closing.
    pub sign: &'a [String],
}

/// Characters Excel refuses in a sheet name.
const BAD_SHEET_CHARS: &[char] = &['[', ']', ':', '*', '?', '/', '\\'];

fn sheet_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| if BAD_SHEET_CHARS.contains(&c) { '_' } else { c })
        .take(31)
        .collect();
    if cleaned.is_empty() {
        "Sheet1".into()
    } else {
        cleaned
    }
}

/// Narrowest and widest column, in character widths.
const MIN_WIDTH: f64 = 4.0;
const MAX_WIDTH: f64 = 40.0;
/// Sheets wider than this (the sum of their column widths) print landscape.
const PORTRAIT_MAX: f64 = 90.0;
/// Height of one line of 11-point text, in points, and of the title row.
const LINE_HEIGHT: f64 = 15.0;
const TITLE_HEIGHT: f64 = 24.0;

/// How wide `s` shows, a Chinese character counting two; the widest line of a multi-line cell.
pub fn text_width(s: &str) -> usize {
    s.lines()
        .map(unicode_width::UnicodeWidthStr::width)
        .max()
        .unwrap_or(0)
}

/// How many lines `s` takes wrapped in a column `width` wide.
fn lines_in(s: &str, width: f64) -> usize {
    let room = width.max(1.0);
    s.lines()
        .map(|l| {
            let w = unicode_width::UnicodeWidthStr::width(l) as f64;
            ((w / room).ceil() as usize).max(1)
        })
        .sum::<usize>()
        .max(1)
}

/// The width of each column from its header and cells: the widest plus a margin, kept
/// between [`MIN_WIDTH`] and [`MAX_WIDTH`] (longer cells wrap).
pub fn column_widths(headers: &[&str], rows: &[Vec<String>]) -> Vec<f64> {
    (0..headers.len())
        .map(|c| {
            let widest = rows
                .iter()
                .filter_map(|r| r.get(c))
                .map(|v| text_width(v))
                .chain(std::iter::once(text_width(headers[c])))
                .max()
                .unwrap_or(0);
            (widest as f64 + 2.0).clamp(MIN_WIDTH, MAX_WIDTH)
        })
        .collect()
}

/// True for a cell a numeric column leaves empty: nothing, or `-` (nothing to divide).
fn is_missing(v: &str) -> bool {
    let v = v.trim();
    v.is_empty() || v == "-" || v == "—"
}

/// A workbook of `sheets`, dated `created` (its properties and each sheet's 制表日期 line) so
/// the same data gives the same file. Every sheet has its columns as wide as their content,
/// rows as tall as their wrapped cells, the header row frozen and repeated on every printed
/// page, fitted to the width of A4 (landscape when wide), and every printed page numbered
/// 第 x 页 共 y 页 at the foot.
pub fn workbook(
    sheets: &[SheetData<'_>],
    created: NaiveDate,
    lang: Lang,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let when = ExcelDateTime::from_ymd(
        u16::try_from(created.year()).unwrap_or(2000),
        created.month() as u8,
        created.day() as u8,
    )?;
    wb.set_properties(&DocProperties::new().set_creation_datetime(&when));
    let title_fmt = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let sub_fmt = Format::new().set_align(FormatAlign::Left).set_text_wrap();
    let sign_fmt = Format::new().set_align(FormatAlign::Right);
    let head_fmt = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap()
        .set_background_color(0xF2F2F2);
    let cell_fmt = Format::new()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_num_format("@");
    let int_fmt = Format::new()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Right)
        .set_align(FormatAlign::Top)
        .set_num_format("0");
    let dec_fmt = int_fmt.clone().set_num_format("0.0");
    // Money (元 to the 分) shows two decimals.
    let cent_fmt = int_fmt.clone().set_num_format("0.00");
    let made = tf(
        lang,
        "xlsx.made",
        &[("date", &created.format("%Y-%m-%d").to_string())],
    );
    // Centred (&C); &P and &N are the page and the page count, filled in when printed.
    let footer = format!("&C{}", t(lang, "xlsx.page_footer"));
    let mut used = Vec::new();
    for s in sheets {
        let ws = wb.add_worksheet();
        let mut name = sheet_name(s.name);
        while used.contains(&name) {
            name = sheet_name(&format!("{}_{}", s.name, used.len() + 1));
        }
        used.push(name.clone());
        ws.set_name(&name)?;
        let widths = column_widths(s.headers, s.rows);
        let total: f64 = widths.iter().sum();
        if total > PORTRAIT_MAX {
            ws.set_landscape();
        } else {
            ws.set_portrait();
        }
        ws.set_paper_size(9).set_print_fit_to_pages(1, 0);
        // Pages of a filed workbook come apart; a number on each says what is missing.
        ws.set_footer(&footer);
        let last_col = s.headers.len().saturating_sub(1) as u16;
        // One line merged across the columns, as tall as its wrapped text.
        let line = |ws: &mut rust_xlsxwriter::Worksheet,
                    row: u32,
                    text: &str,
                    fmt: &Format|
         -> Result<(), XlsxError> {
            if last_col > 0 {
                ws.merge_range(row, 0, row, last_col, text, fmt)?;
            } else {
                ws.write_string_with_format(row, 0, text, fmt)?;
            }
            let n = lines_in(text, total.max(MIN_WIDTH));
            if n > 1 {
                ws.set_row_height(row, LINE_HEIGHT * n as f64)?;
            }
            Ok(())
        };
        line(ws, 0, s.title, &title_fmt)?;
        ws.set_row_height(0, TITLE_HEIGHT)?;
        line(ws, 1, s.subtitle, &sub_fmt)?;
        let mut head_lines = 1;
        for (c, h) in s.headers.iter().enumerate() {
            ws.write_string_with_format(2, c as u16, *h, &head_fmt)?;
            let w = widths.get(c).copied().unwrap_or(MIN_WIDTH);
            ws.set_column_width(c as u16, w)?;
            head_lines = head_lines.max(lines_in(h, w));
        }
        if head_lines > 1 {
            ws.set_row_height(2, LINE_HEIGHT * head_lines as f64)?;
        }
        ws.set_repeat_rows(2, 2)?;
        ws.set_freeze_panes(3, 0)?;
        // A numeric column shows as many decimals throughout as its figures carry (at most
        // two: money to the 分).
        let decimals = |c: usize| -> usize {
            s.rows
                .iter()
                .filter_map(|r| r.get(c))
                .filter(|v| v.trim().parse::<f64>().is_ok())
                .filter_map(|v| v.trim().split_once('.').map(|(_, f)| f.len()))
                .max()
                .unwrap_or(0)
                .min(2)
        };
        let places: Vec<usize> = (0..s.headers.len()).map(decimals).collect();
        for (r, row) in s.rows.iter().enumerate() {
            let r = r as u32 + 3;
            let mut tallest = 1;
            for (c, v) in row.iter().enumerate() {
                let col = c as u16;
                let w = widths.get(c).copied().unwrap_or(MIN_WIDTH);
                if s.numeric.contains(&c) {
                    let fmt = match places.get(c) {
                        Some(2) => &cent_fmt,
                        Some(1) => &dec_fmt,
                        _ => &int_fmt,
                    };
                    match v.trim().parse::<f64>() {
                        Ok(n) if n.is_finite() => {
                            ws.write_number_with_format(r, col, n, fmt)?;
                            continue;
                        }
                        _ if is_missing(v) => {
                            ws.write_blank(r, col, fmt)?;
                            continue;
                        }
                        _ => {}
                    }
                }
                // Text cells, so ID and card numbers never turn into 3.60104E+17.
                ws.write_string_with_format(r, col, v, &cell_fmt)?;
                tallest = tallest.max(lines_in(v, w));
            }
            if tallest > 1 {
                ws.set_row_height(r, LINE_HEIGHT * tallest as f64)?;
            }
        }
        let first = s.rows.len() as u32 + 4;
        let lines = s
            .closing
            .iter()
            .map(|l| (l.as_str(), &sub_fmt))
            .chain(s.sign.iter().map(|l| (l.as_str(), &sign_fmt)))
            .chain([(made.as_str(), &sub_fmt)]);
        for (row, (text, fmt)) in (first..).zip(lines) {
            line(ws, row, text, fmt)?;
        }
    }
    Ok(wb.save_to_buffer()?)
}

/// What starts a formula in Excel or WPS (`-` and `+` too, and a tab or carriage return, which
/// they skip before reading the rest): a cell starting so is evaluated even when quoted.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// One CSV field, quoted. A text cell that would start a formula gets a leading `'`, so the
/// spreadsheet shows `=1+2` or `@SUM(A1)` as typed instead of running it; `numeric` marks a
/// column of numbers, whose figures (and the `-` of "nothing to divide") are written as they are.
pub fn csv_field(cell: &str, numeric: bool) -> String {
    let figure = numeric && (cell == "-" || cell.parse::<f64>().is_ok_and(f64::is_finite));
    let guard = if !figure && cell.starts_with(FORMULA_STARTS) {
        "'"
    } else {
        ""
    };
    format!("\"{guard}{}\"", cell.replace('"', "\"\""))
}

/// The same rows as CSV for spreadsheets: UTF-8 with a byte-order mark (so Excel on a Chinese
/// Windows PC reads the Chinese), CRLF line ends, every field quoted and made inert by
/// [`csv_field`]; the columns in `numeric` hold numbers.
pub fn csv(headers: &[&str], rows: &[Vec<String>], numeric: &[usize]) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    let mut line = |fields: Vec<String>| {
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    };
    line(headers.iter().map(|h| csv_field(h, false)).collect());
    for r in rows {
        line(
            r.iter()
                .enumerate()
                .map(|(i, c)| csv_field(c, numeric.contains(&i)))
                .collect(),
        );
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workbook_is_a_zip_and_same_input_same_bytes() {
        let rows = vec![vec!["张三".to_string(), "360104********1234".to_string()]];
        let sheet = SheetData {
            name: "名单[1]",
            title: "公示名单",
            subtitle: "2026年",
            headers: &["姓名", "身份证号"],
            rows: &rows,
            numeric: &[],
            closing: &[],
            sign: &[],
        };
        let d = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        let a = workbook(&[sheet], d, Lang::ZhCn).unwrap();
        assert_eq!(&a[..2], b"PK");
        let sheet = SheetData {
            name: "名单[1]",
            title: "公示名单",
            subtitle: "2026年",
            headers: &["姓名", "身份证号"],
            rows: &rows,
            numeric: &[],
            closing: &[],
            sign: &[],
        };
        assert_eq!(a, workbook(&[sheet], d, Lang::ZhCn).unwrap());
    }

    #[test]
    fn csv_quotes_and_marks_utf8() {
        let out = csv(&["a"], &[vec!["x\"y".into()]], &[]);
        assert_eq!(out, "\u{feff}\"a\"\r\n\"x\"\"y\"\r\n".as_bytes());
    }

    #[test]
    fn csv_text_that_would_start_a_formula_is_made_inert() {
        for (cell, field) in [
            ("=1+2", "\"'=1+2\""),
            ("+cmd|' /C calc'!A0", "\"'+cmd|' /C calc'!A0\""),
            ("@SUM(A1)", "\"'@SUM(A1)\""),
            ("-2+3", "\"'-2+3\""),
            ("\t=1", "\"'\t=1\""),
            ("\r=1", "\"'\r=1\""),
            ("=\"a\"", "\"'=\"\"a\"\"\""),
            ("王=1", "\"王=1\""),
            ("'=1", "\"'=1\""),
            ("", "\"\""),
        ] {
            assert_eq!(csv_field(cell, false), field, "{cell:?}");
        }
        // Figures of a numeric column stay numbers; text there is still guarded.
        for figure in ["-1", "+2", "3.5", "-0.5", "-", "0"] {
            assert_eq!(csv_field(figure, true), format!("\"{figure}\""));
        }
        assert_eq!(csv_field("-1", false), "\"'-1\"");
        assert_eq!(csv_field("=1+2", true), "\"'=1+2\"");
        assert_eq!(csv_field("-inf", true), "\"'-inf\"");
        let out = csv(&["n", "name"], &[vec!["-1".into(), "-1".into()]], &[0]);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\u{feff}\"n\",\"name\"\r\n\"-1\",\"'-1\"\r\n"
        );
    }

    #[test]
    fn sheet_names_lose_forbidden_characters() {
        assert_eq!(sheet_name("a/b:c"), "a_b_c");
        assert_eq!(sheet_name(""), "Sheet1");
        assert_eq!(sheet_name(&"长".repeat(40)).chars().count(), 31);
    }
}
