//! Spreadsheet output: one titled, ruled sheet per list, set up to print on A4 landscape with
//! the header row repeated on every page — the shape a community office prints and files.

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook};

/// The spreadsheet could not be built (a limit of the format, such as a sheet name).
#[derive(Debug, thiserror::Error)]
#[error("spreadsheet: {0}")]
pub struct XlsxError(String);

impl From<rust_xlsxwriter::XlsxError> for XlsxError {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        XlsxError(e.to_string())
    }
}

/// One sheet: a title line, a subtitle line, the header row and the rows.
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
    /// Column widths in characters (a Chinese character counts two).
    pub widths: &'a [f64],
    /// Columns written as numbers (right-aligned, summable); the others stay text.
    pub numeric: &'a [usize],
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

/// A workbook of `sheets`, dated `created` so the same data gives the same file.
pub fn workbook(sheets: &[SheetData<'_>], created: NaiveDate) -> Result<Vec<u8>, XlsxError> {
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
        .set_align(FormatAlign::Center);
    let sub_fmt = Format::new().set_align(FormatAlign::Left);
    let head_fmt = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_background_color(0xF2F2F2);
    let cell_fmt = Format::new()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_num_format("@");
    let num_fmt = Format::new()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Right);
    let mut used = Vec::new();
    for s in sheets {
        let ws = wb.add_worksheet();
        let mut name = sheet_name(s.name);
        while used.contains(&name) {
            name = sheet_name(&format!("{}_{}", s.name, used.len() + 1));
        }
        used.push(name.clone());
        ws.set_name(&name)?;
        ws.set_landscape()
            .set_paper_size(9)
            .set_print_fit_to_pages(1, 0);
        let last_col = s.headers.len().saturating_sub(1) as u16;
        if last_col > 0 {
            ws.merge_range(0, 0, 0, last_col, s.title, &title_fmt)?;
            ws.merge_range(1, 0, 1, last_col, s.subtitle, &sub_fmt)?;
        } else {
            ws.write_string_with_format(0, 0, s.title, &title_fmt)?;
            ws.write_string_with_format(1, 0, s.subtitle, &sub_fmt)?;
        }
        for (c, h) in s.headers.iter().enumerate() {
            ws.write_string_with_format(2, c as u16, *h, &head_fmt)?;
            if let Some(w) = s.widths.get(c) {
                ws.set_column_width(c as u16, *w)?;
            }
        }
        ws.set_repeat_rows(2, 2)?;
        ws.set_freeze_panes(3, 0)?;
        for (r, row) in s.rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                let (r, col) = (r as u32 + 3, c as u16);
                match v.parse::<f64>() {
                    Ok(n) if s.numeric.contains(&c) && n.is_finite() => {
                        ws.write_number_with_format(r, col, n, &num_fmt)?;
                    }
                    // Text cells, so ID and card numbers never turn into 3.60104E+17.
                    _ => {
                        ws.write_string_with_format(r, col, v, &cell_fmt)?;
                    }
                }
            }
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
            widths: &[10.0, 22.0],
            numeric: &[],
        };
        let d = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        let a = workbook(&[sheet], d).unwrap();
        assert_eq!(&a[..2], b"PK");
        let sheet = SheetData {
            name: "名单[1]",
            title: "公示名单",
            subtitle: "2026年",
            headers: &["姓名", "身份证号"],
            rows: &rows,
            widths: &[10.0, 22.0],
            numeric: &[],
        };
        assert_eq!(a, workbook(&[sheet], d).unwrap());
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
