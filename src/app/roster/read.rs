//! Reading a roster file as Excel and WPS save them on a Chinese Windows PC: `.xlsx` and
//! legacy `.xls` workbooks, and CSV (or tab-separated text) in UTF-8, GBK/GB18030 or UTF-16.
//! The content decides, not the file name: systems that export "xls" often write a CSV or a
//! web page under that name.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use calamine::{Data, Reader, Xls, Xlsx};
use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::app::AppError;
use crate::domain::roster::{header_score, Cell, FileRefusal, Origin, SourceRow};
use crate::store::StoreError;

/// Largest file read; a monthly roster is a few hundred rows, far below it.
pub const MAX_FILE_MB: u64 = 20;

/// Start of a zip archive: an `.xlsx` workbook.
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
/// Start of an OLE compound file: a legacy `.xls` workbook (or an encrypted `.xlsx`).
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// One worksheet's rows (a CSV file is one sheet).
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// The worksheet's name; `None` for a CSV file.
    pub name: Option<String>,
    /// A CSV file's text cells or a workbook's typed ones.
    pub origin: Origin,
    /// Its rows, with their spreadsheet row numbers.
    pub rows: Vec<SourceRow>,
}

/// A roster file as read: where it is, its fingerprint, its sheets.
#[derive(Debug, Clone, PartialEq)]
pub struct RosterFile {
    /// The full path it was read from.
    pub path: PathBuf,
    /// Hex SHA-256 of its bytes.
    pub sha256: String,
    /// Its worksheets, in workbook order.
    pub sheets: Vec<Sheet>,
}

impl RosterFile {
    /// The file's name without its folder.
    pub fn file_name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}

/// Reads the file at `path`; its size is checked before it is read.
pub fn read(path: &Path) -> Result<RosterFile, AppError> {
    let full = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let io = |source: std::io::Error| {
        AppError::Store(StoreError::Io {
            path: full.clone(),
            source,
        })
    };
    let meta = std::fs::metadata(&full).map_err(io)?;
    if meta.len() > MAX_FILE_MB * 1024 * 1024 {
        return Err(FileRefusal::TooLarge {
            max_mb: MAX_FILE_MB,
        }
        .into());
    }
    let bytes = std::fs::read(&full).map_err(io)?;
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let sheets = sheets_of(&bytes)?;
    Ok(RosterFile {
        path: full,
        sha256,
        sheets,
    })
}

/// The sheets of a file's bytes, by what the bytes are.
pub fn sheets_of(bytes: &[u8]) -> Result<Vec<Sheet>, FileRefusal> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(FileRefusal::Empty);
    }
    if bytes.starts_with(ZIP_MAGIC) {
        if !super::expansion::within(bytes, super::expansion::MAX_EXPANDED) {
            return Err(FileRefusal::Unreadable { format: "xlsx" });
        }
        let book = Xlsx::new(Cursor::new(bytes))
            .map_err(|_| FileRefusal::Unreadable { format: "xlsx" })?;
        return workbook_sheets(book, "xlsx");
    }
    if bytes.starts_with(OLE_MAGIC) {
        if !super::compound::chains_end(bytes) {
            return Err(FileRefusal::Unreadable { format: "xls" });
        }
        let book =
            Xls::new(Cursor::new(bytes)).map_err(|_| FileRefusal::Unreadable { format: "xls" })?;
        return workbook_sheets(book, "xls");
    }
    let text = decode(bytes);
    if text.starts_with("%PDF") {
        return Err(FileRefusal::UnknownFormat);
    }
    if is_html(&text) {
        return Err(FileRefusal::Html);
    }
    let rows = csv_rows(&text);
    // NULs throughout and no header: a picture or a Word file, not a list. A list with its
    // header and a stray NUL is a list; the row holding the NUL is refused on its own.
    if text.contains('\0') && header_score(&rows) == 0 {
        return Err(FileRefusal::UnknownFormat);
    }
    Ok(vec![Sheet {
        name: None,
        origin: Origin::Csv,
        rows,
    }])
}

fn workbook_sheets<R, RS>(mut book: R, format: &'static str) -> Result<Vec<Sheet>, FileRefusal>
where
    R: Reader<RS>,
    RS: std::io::Read + std::io::Seek,
{
    let names = book.sheet_names();
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let range = book
            .worksheet_range(&name)
            .map_err(|_| FileRefusal::Unreadable { format })?;
        // The range starts at its first used cell; line numbers count from the sheet's top.
        let first_row = range.start().map_or(0, |(r, _)| r as usize);
        let rows = range
            .rows()
            .enumerate()
            .map(|(i, cells)| SourceRow {
                line: first_row + i + 1,
                cells: cells.iter().map(cell_of).collect(),
            })
            .collect();
        out.push(Sheet {
            name: Some(name),
            origin: Origin::Workbook,
            rows,
        });
    }
    if out.is_empty() {
        return Err(FileRefusal::Empty);
    }
    Ok(out)
}

/// A workbook cell as the roster parser takes it.
fn cell_of(d: &Data) -> Cell {
    match d {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Float(f) => Cell::Number(*f),
        // An integer too long for a double stays text, so no digit is lost here; unless it
        // ends in 000, as a number kept to 15 digits upstream does: then it is a number
        // that lost digits, refused as Excel's are.
        Data::Int(i) if i.unsigned_abs() < 1_000_000_000_000_000 => Cell::Number(*i as f64),
        Data::Int(i) if i % 1000 == 0 => Cell::Number(*i as f64),
        Data::Int(i) => Cell::Text(i.to_string()),
        Data::Bool(b) => Cell::Text(b.to_string()),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(d))
                .map_or(Cell::Number(dt.as_f64()), Cell::Date)
        }
        Data::DateTime(dt) => Cell::Number(dt.as_f64()),
        // ISO date-times (OpenDocument): the date part is what counts.
        Data::DateTimeIso(s) => Cell::Text(s.split('T').next().unwrap_or("").to_string()),
        Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Text(e.to_string()),
    }
}

/// Text in the encoding a Chinese Windows PC writes: UTF-8 (with or without a byte-order
/// mark), UTF-16 with its mark (Excel's "Unicode text"), else GB18030 (a superset of GBK, the
/// ANSI code page of Chinese Windows, which Excel's plain CSV uses).
pub fn decode(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return String::from_utf8_lossy(rest).into_owned();
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return encoding_rs::UTF_16LE
            .decode_without_bom_handling(rest)
            .0
            .into_owned();
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return encoding_rs::UTF_16BE
            .decode_without_bom_handling(rest)
            .0
            .into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

/// True for a web page saved under a spreadsheet's name.
fn is_html(text: &str) -> bool {
    let head: String = text
        .trim_start()
        .chars()
        .take(200)
        .collect::<String>()
        .to_ascii_lowercase();
    ["<html", "<!doctype html", "<table", "<?xml", "<meta"]
        .iter()
        .any(|tag| head.starts_with(tag))
}

/// The rows of CSV text split on `delimiter`, numbered as a spreadsheet numbers them: a
/// quoted field may hold line breaks and stays in its row, and an empty line is a (blank) row.
/// Quoting follows Excel: a field that starts with `"` runs to the next lone `"`, and `""`
/// inside it is one `"`.
fn split_csv(text: &str, delimiter: char) -> Vec<SourceRow> {
    let mut rows = Vec::new();
    let mut cells: Vec<Cell> = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    // True at the start of a field, where a `"` opens quoting.
    let mut at_start = true;
    let mut chars = text.chars().peekable();
    let end_row = |rows: &mut Vec<SourceRow>, cells: &mut Vec<Cell>, field: &mut String| {
        cells.push(Cell::Text(std::mem::take(field)));
        rows.push(SourceRow {
            line: rows.len() + 1,
            cells: std::mem::take(cells),
        });
    };
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' if at_start => {
                quoted = true;
                at_start = false;
            }
            c if c == delimiter => {
                cells.push(Cell::Text(std::mem::take(&mut field)));
                at_start = true;
            }
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                end_row(&mut rows, &mut cells, &mut field);
                at_start = true;
            }
            c => {
                field.push(c);
                at_start = false;
            }
        }
    }
    // The last row, unless the text ended with its line break.
    if !field.is_empty() || !cells.is_empty() || quoted {
        end_row(&mut rows, &mut cells, &mut field);
    }
    rows
}

/// CSV rows split on whichever of comma, tab or semicolon makes the header readable (Excel
/// writes commas, its "text" export tabs, some European setups semicolons).
fn csv_rows(text: &str) -> Vec<SourceRow> {
    let mut best: Option<(usize, Vec<SourceRow>)> = None;
    for delimiter in [',', '\t', ';'] {
        let rows = split_csv(text, delimiter);
        let score = header_score(&rows);
        if best.as_ref().is_none_or(|(s, _)| score > *s) {
            best = Some((score, rows));
        }
    }
    best.map(|(_, rows)| rows).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(rows: &[SourceRow]) -> Vec<(usize, Vec<String>)> {
        rows.iter()
            .map(|r| (r.line, r.cells.iter().map(Cell::text).collect()))
            .collect()
    }

    #[test]
    fn utf8_with_and_without_bom_gbk_and_utf16() {
        let plain = "姓名,状态\r\n王桂英,新增\r\n";
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(plain.as_bytes());
        let (gbk, _, _) = encoding_rs::GBK.encode(plain);
        let mut utf16 = vec![0xFF, 0xFE];
        for u in plain.encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        for bytes in [plain.as_bytes(), &bom[..], &gbk[..], &utf16[..]] {
            assert_eq!(decode(bytes), plain);
        }
    }

    #[test]
    fn quoted_fields_and_line_numbers() {
        // A quoted field holds a comma, a doubled quote and a line break, and stays in its
        // row: the spreadsheet shows 李四 on row 5, not on the sixth line of text.
        let text =
            "标题\r\n\r\n姓名,身份证号,备注\r\n\"王,\"\"桂英\"\"\",1,\"两\r\n行\"\r\n李四,2,x";
        let rows = split_csv(text, ',');
        assert_eq!(
            texts(&rows),
            vec![
                (1, vec!["标题".to_string()]),
                (2, vec![String::new()]),
                (
                    3,
                    vec!["姓名".to_string(), "身份证号".into(), "备注".into()]
                ),
                (
                    4,
                    vec!["王,\"桂英\"".to_string(), "1".into(), "两\r\n行".into()]
                ),
                (5, vec!["李四".to_string(), "2".into(), "x".into()]),
            ]
        );
        // A trailing line break ends the last row; it does not start another.
        assert_eq!(split_csv("a\nb\n", ',').len(), 2);
        assert_eq!(split_csv("a\rb", ',').len(), 2);
    }

    #[test]
    fn the_delimiter_is_the_one_that_finds_the_header() {
        let tsv = "姓名\t身份证号\t救助类别\t审批日期\t所属社区\t状态\n王桂英\t1\t特困\t2026-03-05\t南钢社区\t新增\n";
        let sheets = sheets_of(tsv.as_bytes()).unwrap();
        assert_eq!(sheets[0].rows[1].cells.len(), 6);
        let csv = tsv.replace('\t', ",");
        let sheets = sheets_of(csv.as_bytes()).unwrap();
        assert_eq!(sheets[0].rows[0].cells.len(), 6);
    }

    #[test]
    fn web_pages_binaries_and_empty_files_are_refused() {
        assert_eq!(
            sheets_of(b"<html><table><tr><td>x</td></tr></table></html>"),
            Err(FileRefusal::Html)
        );
        assert_eq!(sheets_of(b"%PDF-1.4 ..."), Err(FileRefusal::UnknownFormat));
        // A picture: NULs and no header. A list with a NUL in a row is still a list.
        assert_eq!(
            sheets_of(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0"),
            Err(FileRefusal::UnknownFormat)
        );
        let list = "姓名,身份证号,救助类别,审批日期,所属社区,状态\n王\0桂英,1,特困,2026-03-05,南钢社区,新增\n";
        let sheets = sheets_of(list.as_bytes()).unwrap();
        assert_eq!(sheets[0].origin, Origin::Csv);
        assert_eq!(sheets[0].rows[1].cells[0], Cell::Text("王\0桂英".into()));
        assert_eq!(sheets_of(b" \r\n"), Err(FileRefusal::Empty));
        assert_eq!(
            sheets_of(b"PK\x03\x04 not really a zip"),
            Err(FileRefusal::Unreadable { format: "xlsx" })
        );
        let mut ole = OLE_MAGIC.to_vec();
        ole.extend_from_slice(&[0; 100]);
        assert_eq!(
            sheets_of(&ole),
            Err(FileRefusal::Unreadable { format: "xls" })
        );
    }

    #[test]
    fn workbook_cells_become_roster_cells() {
        assert_eq!(cell_of(&Data::Float(3.6e17)), Cell::Number(3.6e17));
        assert_eq!(
            cell_of(&Data::Int(360104195201150028)),
            Cell::Text("360104195201150028".into())
        );
        assert_eq!(cell_of(&Data::Int(12)), Cell::Number(12.0));
        assert_eq!(
            cell_of(&Data::Int(360104194001073000)),
            Cell::Number(360104194001073000.0)
        );
        assert_eq!(
            cell_of(&Data::DateTimeIso("2026-03-05T00:00:00".into())),
            Cell::Text("2026-03-05".into())
        );
        assert_eq!(cell_of(&Data::Empty), Cell::Empty);
    }
}
