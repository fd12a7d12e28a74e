//! 月度名单: the monthly list of newly approved or cancelled assistance recipients, as the civil
//! affairs office hands it out in a spreadsheet, read into typed entries.
//!
//! Columns are found by their header name, in any order, under a title row or not; a row that
//! cannot be used is refused with its line number and the field at fault, and the good rows
//! still go in. Everything here is pure: the file reading lives in `app::roster`.

use chrono::{Duration, NaiveDate};

use super::date::parse_date;
use super::id_number::{normalise, IdNumber};
use super::org::{OrgTree, Tier};
use super::person::NAME_MAX;
use super::text::{for_display, half_width, is_forbidden, required_line};
use super::validation::{Field, Reason, ValidationError};
use crate::i18n::{t, tf, Lang, Localize};

/// How many non-empty rows from the top are searched for the header row (title rows, a date
/// line or a unit name may stand above it).
pub const HEADER_SCAN_ROWS: usize = 10;

/// The longest value quoted back in a refusal, so a pasted paragraph does not flood the receipt.
const QUOTE_MAX: usize = 20;

/// Where a sheet's cells come from, which decides what a cell may have lost on its way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// CSV or tab-separated text: every cell is text as the spreadsheet showed it, so an ID
    /// number it held as a number arrives with zeros for the digits it dropped.
    Csv,
    /// A workbook, whose cells keep their type: text as typed, numbers as numbers.
    Workbook,
}

/// One spreadsheet cell, as the file reader found it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing in it.
    Empty,
    /// Text (every CSV cell; text cells of a workbook).
    Text(String),
    /// A number cell of a workbook (an ID number Excel took for a number lands here).
    Number(f64),
    /// A date cell of a workbook.
    Date(NaiveDate),
}

impl Cell {
    /// True for an empty cell or one holding only white space.
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.chars().all(|c| c.is_whitespace() || c == '\u{FEFF}'),
            Cell::Number(_) | Cell::Date(_) => false,
        }
    }

    /// The cell as text: numbers without a needless `.0`, dates as `YYYY-MM-DD`.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Number(f) => match integral(*f) {
                Some(i) => i.to_string(),
                None => f.to_string(),
            },
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
        }
    }
}

/// A whole number held exactly by `f` (below 10^15, where doubles still count in ones).
fn integral(f: f64) -> Option<i64> {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        Some(f as i64)
    } else {
        None
    }
}

/// One row of the file with its line number as the spreadsheet shows it (1-based).
#[derive(Debug, Clone, PartialEq)]
pub struct SourceRow {
    /// The spreadsheet's row number.
    pub line: usize,
    /// Its cells, from column A.
    pub cells: Vec<Cell>,
}

impl SourceRow {
    /// True when every cell is blank.
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(Cell::is_blank)
    }
}

/// A column the roster must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    /// 姓名
    Name,
    /// 身份证号
    IdNumber,
    /// 救助类别
    Category,
    /// 审批日期
    ApprovalDate,
    /// 所属社区
    Community,
    /// 状态
    Status,
}

/// The header spellings accepted for each column, the usual one first. Compared after
/// removing white space (also inside: `姓　名`), asterisks and a byte-order mark, with
/// full-width letters and brackets made half-width.
pub const HEADER_ALIASES: [(Column, &[&str]); 6] = [
    (Column::Name, &["姓名", "救助对象姓名", "对象姓名"]),
    (
        Column::IdNumber,
        &[
            "身份证号",
            "身份证号码",
            "公民身份号码",
            "公民身份证号码",
            "身份证",
        ],
    ),
    (Column::Category, &["救助类别", "救助类型", "保障类别"]),
    (
        Column::ApprovalDate,
        &["审批日期", "审批时间", "批准日期", "审批通过日期"],
    ),
    (
        Column::Community,
        &["所属社区", "社区", "所属社区(村)", "社区(村)", "所在社区"],
    ),
    (Column::Status, &["状态", "变动状态", "变动类型"]),
];

/// The words accepted in 救助类别 and the `assistance_status` code each means. `true` marks
/// a word that does not say which kind it is: bare 低保 is read as 城市低保, since Qingyunpu is
/// an urban district, and the row says so.
pub const CATEGORY_SPELLINGS: [(&str, &str, bool); 14] = [
    ("特困", "extreme_poverty", false),
    ("特困供养", "extreme_poverty", false),
    ("特困人员", "extreme_poverty", false),
    ("特困供养人员", "extreme_poverty", false),
    ("城市低保", "urban_minimum_living", false),
    ("城镇低保", "urban_minimum_living", false),
    ("农村低保", "rural_minimum_living", false),
    ("低保", "urban_minimum_living", true),
    ("低收入", "low_income", false),
    ("低收入家庭", "low_income", false),
    ("低收入人口", "low_income", false),
    ("支出型贫困", "expenditure_poverty", false),
    ("支出型贫困家庭", "expenditure_poverty", false),
    ("支出型困难家庭", "expenditure_poverty", false),
];

/// The words accepted in 状态.
pub const STATUS_SPELLINGS: [(&str, RosterStatus); 5] = [
    ("新增", RosterStatus::Added),
    ("变更", RosterStatus::Changed),
    ("注销", RosterStatus::Cancelled),
    ("停保", RosterStatus::Cancelled),
    ("退出", RosterStatus::Cancelled),
];

impl Column {
    /// Every column, in the order of the usual header.
    pub const ALL: [Column; 6] = [
        Column::Name,
        Column::IdNumber,
        Column::Category,
        Column::ApprovalDate,
        Column::Community,
        Column::Status,
    ];

    /// The accepted header spellings, the usual one first.
    pub fn aliases(self) -> &'static [&'static str] {
        HEADER_ALIASES
            .iter()
            .find(|(c, _)| *c == self)
            .map_or(&[], |(_, a)| *a)
    }

    /// The usual header, as the file should spell it.
    pub fn header(self) -> &'static str {
        self.aliases().first().copied().unwrap_or("")
    }

    /// The field a refusal of this column names.
    pub fn field(self) -> Field {
        match self {
            Column::Name => Field::Name,
            Column::IdNumber => Field::IdNumber,
            Column::Category => Field::AssistanceCategory,
            Column::ApprovalDate => Field::ApprovalDate,
            Column::Community => Field::Community,
            Column::Status => Field::RosterStatus,
        }
    }

    fn index(self) -> usize {
        match self {
            Column::Name => 0,
            Column::IdNumber => 1,
            Column::Category => 2,
            Column::ApprovalDate => 3,
            Column::Community => 4,
            Column::Status => 5,
        }
    }
}

/// What the row says happened to the person's assistance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RosterStatus {
    /// 新增: newly approved.
    Added,
    /// 变更: the assistance changed (another category, for one).
    Changed,
    /// 注销 (停保, 退出): the assistance ended.
    Cancelled,
}

impl RosterStatus {
    /// What a change of assistance status from `old` to `new` (`assistance_status` codes)
    /// amounts to, as a roster row would say it: `none` is no status, so a status from none
    /// is new, one to none is cancelled (注销), another is a change; `None` when nothing changed.
    pub fn of_change(old: &str, new: &str) -> Option<RosterStatus> {
        match (old, new) {
            _ if old == new => None,
            (_, "none") => Some(RosterStatus::Cancelled),
            ("none", _) => Some(RosterStatus::Added),
            _ => Some(RosterStatus::Changed),
        }
    }

    /// Stable code stored with the follow-up task.
    pub fn code(self) -> &'static str {
        match self {
            RosterStatus::Added => "added",
            RosterStatus::Changed => "changed",
            RosterStatus::Cancelled => "cancelled",
        }
    }

    /// Parses a stored code.
    pub fn from_code(s: &str) -> Option<RosterStatus> {
        Some(match s {
            "added" => RosterStatus::Added,
            "changed" => RosterStatus::Changed,
            "cancelled" => RosterStatus::Cancelled,
            _ => return None,
        })
    }

    /// String-table key of the label.
    pub fn label_key(self) -> &'static str {
        match self {
            RosterStatus::Added => "roster_status.added",
            RosterStatus::Changed => "roster_status.changed",
            RosterStatus::Cancelled => "roster_status.cancelled",
        }
    }
}

/// Something the receipt tells about a row that went in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// A 15-digit first-generation ID number was converted to this 18-digit form.
    IdUpgraded { id: String },
    /// Bare 低保 was read as 城市低保.
    AssumedUrban,
    /// The cancelled person has a case still open: its services need review.
    OpenCase,
    /// The archive keeps the person in another community than the list says.
    KeptCommunity { stored: String },
}

impl Localize for Note {
    fn localize(&self, lang: Lang) -> String {
        match self {
            Note::IdUpgraded { id } => tf(lang, "roster.note_id_upgraded", &[("id", id)]),
            Note::AssumedUrban => t(lang, "roster.note_assumed_urban").to_string(),
            Note::OpenCase => t(lang, "roster.note_open_case").to_string(),
            Note::KeptCommunity { stored } => {
                tf(lang, "roster.note_kept_community", &[("community", stored)])
            }
        }
    }
}

/// A note about the row on `line`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowNote {
    /// The spreadsheet's row number.
    pub line: usize,
    /// What to tell.
    pub note: Note,
}

/// A row that cannot be used: its line and the field at fault with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowRefusal {
    /// The spreadsheet's row number.
    pub line: usize,
    /// The field and why.
    pub error: ValidationError,
}

impl Localize for RowRefusal {
    fn localize(&self, lang: Lang) -> String {
        tf(
            lang,
            "roster.refused_line",
            &[
                ("line", &self.line.to_string()),
                ("field", t(lang, self.error.field.key())),
                ("reason", &self.error.reason.localize(lang)),
            ],
        )
    }
}

impl Localize for RowNote {
    fn localize(&self, lang: Lang) -> String {
        tf(
            lang,
            "roster.note_line",
            &[
                ("line", &self.line.to_string()),
                ("note", &self.note.localize(lang)),
            ],
        )
    }
}

/// One usable row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The spreadsheet's row number.
    pub line: usize,
    /// 姓名, cleaned.
    pub name: String,
    /// 身份证号, valid (a 15-digit one already converted).
    pub id_number: IdNumber,
    /// The `assistance_status` code of 救助类别.
    pub category: &'static str,
    /// 审批日期.
    pub approved_on: NaiveDate,
    /// The community's org code.
    pub community: String,
    /// 状态.
    pub status: RosterStatus,
    /// What the receipt tells about the row.
    pub notes: Vec<Note>,
}

/// Why a whole file was refused (nothing of it is used).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileRefusal {
    /// No header row with these columns in the first rows.
    #[error("missing columns {missing:?}")]
    MissingColumns { missing: Vec<Column> },
    /// Nothing in the file.
    #[error("empty file")]
    Empty,
    /// Larger than the limit (checked before reading).
    #[error("file too large")]
    TooLarge { max_mb: u64 },
    /// A web page saved with a spreadsheet's name (some systems export `.xls` that way).
    #[error("html, not a spreadsheet")]
    Html,
    /// Neither a workbook nor text (a PDF, a Word file, a picture).
    #[error("unknown format")]
    UnknownFormat,
    /// A workbook that could not be read (damaged, or protected with a password).
    #[error("unreadable workbook")]
    Unreadable { format: &'static str },
}

impl Localize for FileRefusal {
    fn localize(&self, lang: Lang) -> String {
        match self {
            FileRefusal::MissingColumns { missing } => {
                let names: Vec<&str> = missing.iter().map(|c| c.header()).collect();
                tf(
                    lang,
                    "roster.file_missing_columns",
                    &[("columns", &names.join(t(lang, "form.list_separator")))],
                )
            }
            FileRefusal::Empty => t(lang, "roster.file_empty").to_string(),
            FileRefusal::TooLarge { max_mb } => tf(
                lang,
                "roster.file_too_large",
                &[("max", &max_mb.to_string())],
            ),
            FileRefusal::Html => t(lang, "roster.file_html").to_string(),
            FileRefusal::UnknownFormat => t(lang, "roster.file_unknown_format").to_string(),
            FileRefusal::Unreadable { format } => {
                tf(lang, "roster.file_unreadable", &[("format", format)])
            }
        }
    }
}

/// The file read into entries and refusals.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Parsed {
    /// The header's row number.
    pub header_line: usize,
    /// Data rows read (blank rows and repeated headers not counted).
    pub rows_read: usize,
    /// The usable rows, in file order.
    pub entries: Vec<Entry>,
    /// The refused rows, in file order.
    pub refused: Vec<RowRefusal>,
}

/// A header or category word in one comparable shape: no byte-order mark, no white space or
/// asterisks (required-column markers), full-width forms made half-width.
pub fn normalise_label(s: &str) -> String {
    half_width(s)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{FEFF}' && *c != '*')
        .collect()
}

/// The column a header cell names, with the rank of the spelling (lower is more usual).
fn header_of(cell: &Cell) -> Option<(Column, usize)> {
    let Cell::Text(s) = cell else {
        return None;
    };
    let label = normalise_label(s);
    if label.is_empty() {
        return None;
    }
    let find = |label: &str| {
        HEADER_ALIASES.iter().find_map(|(col, aliases)| {
            aliases
                .iter()
                .position(|a| normalise_label(a) == label)
                .map(|rank| (*col, rank))
        })
    };
    // `审批日期(年月日)`: a trailing bracketed remark does not hide the header.
    find(&label).or_else(|| {
        let base = label.strip_suffix(')')?;
        let open = base.rfind('(')?;
        find(&base[..open]).map(|(c, rank)| (c, rank + HEADER_ALIASES.len()))
    })
}

/// Where each column sits in the header row: `cols[column.index()]` is its cell index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct HeaderMap {
    row: usize,
    cols: [usize; 6],
}

/// For each column: the rank of its spelling and its cell index.
type Found = [Option<(usize, usize)>; 6];

/// The header row among the first non-empty rows: the one naming most of the columns (the
/// earliest on a tie), with what it names and how many.
fn best_header(rows: &[SourceRow]) -> Option<(usize, Found, usize)> {
    let mut best: Option<(usize, Found, usize)> = None;
    for (i, row) in rows
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.is_blank())
        .take(HEADER_SCAN_ROWS)
    {
        // The most usual spelling of a column wins, then the leftmost cell.
        let mut found: Found = [None; 6];
        for (j, cell) in row.cells.iter().enumerate() {
            if let Some((col, rank)) = header_of(cell) {
                let slot = &mut found[col.index()];
                if slot.is_none_or(|(r, _)| rank < r) {
                    *slot = Some((rank, j));
                }
            }
        }
        let n = found.iter().filter(|f| f.is_some()).count();
        if n > 0 && best.as_ref().is_none_or(|(_, _, m)| n > *m) {
            best = Some((i, found, n));
        }
    }
    best
}

/// How many of the six columns the header row of `rows` names (0 when there is none): the
/// file reader uses it to choose a CSV delimiter and a worksheet.
pub fn header_score(rows: &[SourceRow]) -> usize {
    best_header(rows).map_or(0, |(_, _, n)| n)
}

/// Finds the header row; every column must be in it.
fn find_header(rows: &[SourceRow]) -> Result<HeaderMap, FileRefusal> {
    let Some((row, found, _)) = best_header(rows) else {
        return Err(FileRefusal::MissingColumns {
            missing: Column::ALL.to_vec(),
        });
    };
    let missing: Vec<Column> = Column::ALL
        .into_iter()
        .filter(|c| found[c.index()].is_none())
        .collect();
    if !missing.is_empty() {
        return Err(FileRefusal::MissingColumns { missing });
    }
    let mut cols = [0usize; 6];
    for (slot, f) in cols.iter_mut().zip(found) {
        *slot = f.map_or(0, |(_, j)| j);
    }
    Ok(HeaderMap { row, cols })
}

/// Reads the rows of a roster file: finds the header, then turns every data row into an entry
/// or a refusal. `origin` says what the cells may have lost; `tree` resolves community names
/// and codes; `today` bounds dates.
pub fn parse(
    rows: &[SourceRow],
    origin: Origin,
    tree: &OrgTree,
    today: NaiveDate,
) -> Result<Parsed, FileRefusal> {
    if rows.iter().all(SourceRow::is_blank) {
        return Err(FileRefusal::Empty);
    }
    let header = find_header(rows)?;
    let mut out = Parsed {
        header_line: rows.get(header.row).map_or(0, |r| r.line),
        ..Parsed::default()
    };
    let empty = Cell::Empty;
    for row in rows.iter().skip(header.row + 1) {
        let cells: [&Cell; 6] = header.cols.map(|j| row.cells.get(j).unwrap_or(&empty));
        // A row blank in every column we read is a spacer (or a numbered empty line).
        if cells.iter().all(|c| c.is_blank()) {
            continue;
        }
        // A header repeated on every printed page is not data.
        if header_of(cells[0]).is_some_and(|(c, _)| c == Column::Name)
            && header_of(cells[1]).is_some_and(|(c, _)| c == Column::IdNumber)
        {
            continue;
        }
        out.rows_read += 1;
        match parse_row(row.line, cells, origin, tree, today) {
            Ok(e) => out.entries.push(e),
            Err(error) => out.refused.push(RowRefusal {
                line: row.line,
                error,
            }),
        }
    }
    Ok(out)
}

fn parse_row(
    line: usize,
    cells: [&Cell; 6],
    origin: Origin,
    tree: &OrgTree,
    today: NaiveDate,
) -> Result<Entry, ValidationError> {
    // A NUL of a damaged file or an escape sequence refuses its row, naming the column,
    // whatever else the value would be taken for.
    for (column, cell) in Column::ALL.iter().zip(cells) {
        if cell.text().trim().chars().any(is_forbidden) {
            return Err(ValidationError::new(
                column.field(),
                Reason::ControlCharacter,
            ));
        }
    }
    let [name, id, category, date, community, status] = cells;
    let name = required_line(Field::Name, &name.text(), NAME_MAX)?;
    let mut notes = Vec::new();
    let (id_number, upgraded) = parse_id_number(id, origin, today)?;
    if upgraded {
        notes.push(Note::IdUpgraded {
            id: id_number.to_string(),
        });
    }
    let (category, assumed) = parse_category(category)?;
    if assumed {
        notes.push(Note::AssumedUrban);
    }
    let approved_on = parse_approval_date(date, today)?;
    let community = resolve_community(community, tree)?;
    let status = parse_status(status)?;
    Ok(Entry {
        line,
        name,
        id_number,
        category,
        approved_on,
        community,
        status,
        notes,
    })
}

/// True for what a spreadsheet writes for a number it no longer holds digit by digit:
/// `3.60104E+17`, `3.60104195201150E17`, `360104195201150000.00`.
fn looks_like_float(s: &str) -> bool {
    let s = s.trim_start_matches(['+', '-']);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.trim_start_matches(['+', '-']);
        !e.is_empty() && digits(e)
    });
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let mantissa_ok = digits(int)
        && frac.is_none_or(digits)
        && !(int.is_empty() && frac.is_none_or(str::is_empty));
    exponent_ok && mantissa_ok && (exponent.is_some() || frac.is_some())
}

/// Parses 身份证号: a valid 18-digit number, or a 15-digit one converted (the flag says so).
/// A number a spreadsheet rounded is refused: its last digits are gone. In a CSV that shows
/// only as an 18-digit number ending in `000`, refused unless the exporting system marked it
/// as text with a leading tab or quote mark.
pub fn parse_id_number(
    cell: &Cell,
    origin: Origin,
    today: NaiveDate,
) -> Result<(IdNumber, bool), ValidationError> {
    let refuse = |reason| ValidationError::new(Field::IdNumber, reason);
    let text = match cell {
        // A number cell holds 15 digits exactly; anything longer was rounded by Excel.
        Cell::Number(f) => match integral(*f) {
            Some(i) if i >= 0 => i.to_string(),
            _ => return Err(refuse(Reason::ScientificNotation)),
        },
        other => other.text(),
    };
    let trimmed = half_width(&text);
    // A leading apostrophe is how people force Excel to keep a number as text.
    let marked_text = trimmed.trim_start_matches(' ').starts_with(['\t', '\'']);
    let trimmed = trimmed.trim().trim_start_matches('\'');
    if looks_like_float(&trimmed.replace(' ', "")) {
        return Err(refuse(Reason::ScientificNotation));
    }
    let n = normalise(trimmed);
    if n.len() == 15 && n.bytes().all(|b| b.is_ascii_digit()) {
        return Ok((IdNumber::from_legacy_15(&n, today)?, true));
    }
    // Excel keeps 15 significant digits: the 16th to 18th come out as `000`. A real number
    // ending so (about one in eleven thousand) imports from a workbook's text cell.
    let rounded = n.len() == 18 && n.ends_with("000") && n.bytes().all(|b| b.is_ascii_digit());
    if origin == Origin::Csv && rounded && !marked_text {
        return Err(refuse(Reason::DigitsLost));
    }
    Ok((IdNumber::parse(&n, today)?, false))
}

/// A value quoted back in a refusal: control characters removed, cut to a few characters.
fn quoted(s: &str) -> String {
    let s = for_display(s.trim());
    if s.chars().count() > QUOTE_MAX {
        let mut cut: String = s.chars().take(QUOTE_MAX).collect();
        cut.push('…');
        cut
    } else {
        s
    }
}

/// Parses 救助类别 into its `assistance_status` code; `true` when the word was bare 低保.
pub fn parse_category(cell: &Cell) -> Result<(&'static str, bool), ValidationError> {
    let raw = cell.text();
    let label = normalise_label(&raw);
    if label.is_empty() {
        return Err(ValidationError::new(
            Field::AssistanceCategory,
            Reason::Required,
        ));
    }
    CATEGORY_SPELLINGS
        .iter()
        .find(|(word, _, _)| *word == label)
        .map(|(_, code, assumed)| (*code, *assumed))
        .ok_or_else(|| {
            ValidationError::new(
                Field::AssistanceCategory,
                Reason::NotAccepted {
                    value: quoted(&raw),
                    accepted: "roster.accepted_categories",
                },
            )
        })
}

/// Parses 状态.
pub fn parse_status(cell: &Cell) -> Result<RosterStatus, ValidationError> {
    let raw = cell.text();
    let label = normalise_label(&raw);
    if label.is_empty() {
        return Err(ValidationError::new(Field::RosterStatus, Reason::Required));
    }
    STATUS_SPELLINGS
        .iter()
        .find(|(word, _)| *word == label)
        .map(|(_, s)| *s)
        .ok_or_else(|| {
            ValidationError::new(
                Field::RosterStatus,
                Reason::NotAccepted {
                    value: quoted(&raw),
                    accepted: "roster.accepted_statuses",
                },
            )
        })
}

/// The date of an Excel serial day number (1900 date system, as Chinese Windows Excel uses);
/// `None` outside Excel's range.
pub fn excel_serial_date(serial: f64) -> Option<NaiveDate> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    // Excel counts the non-existent 1900-02-29 as day 60, so days after it start a day earlier.
    let epoch = if days >= 61 {
        NaiveDate::from_ymd_opt(1899, 12, 30)?
    } else {
        NaiveDate::from_ymd_opt(1899, 12, 31)?
    };
    epoch.checked_add_signed(Duration::days(days))
}

/// Parses 审批日期: a date cell, an Excel serial number, or text as people write dates
/// (`2026-03-05`, `2026/3/5`, `2026年3月5日`, `20260305`, with or without a time after it).
pub fn parse_approval_date(cell: &Cell, today: NaiveDate) -> Result<NaiveDate, ValidationError> {
    let field = Field::ApprovalDate;
    let bad = || {
        ValidationError::new(
            field,
            Reason::BadFormat {
                example: "example.date",
            },
        )
    };
    let date = match cell {
        Cell::Empty => return Err(ValidationError::new(field, Reason::Required)),
        Cell::Date(d) => *d,
        Cell::Number(f) => match integral(*f) {
            Some(i @ 19000101..=29991231) => parse_date(field, &i.to_string())?.ok_or_else(bad)?,
            _ => excel_serial_date(*f).ok_or_else(bad)?,
        },
        Cell::Text(s) => {
            let s = half_width(s);
            // `2026/3/5 0:00:00`: Excel's CSV keeps the time of a date-time cell.
            let token = s.split_whitespace().next().unwrap_or("");
            if token.is_empty() {
                return Err(ValidationError::new(field, Reason::Required));
            }
            if token.len() <= 5 && token.bytes().all(|b| b.is_ascii_digit()) {
                let serial: f64 = token.parse().map_err(|_| bad())?;
                excel_serial_date(serial).ok_or_else(bad)?
            } else {
                parse_date(field, token)?.ok_or_else(bad)?
            }
        }
    };
    if date > today {
        return Err(ValidationError::new(field, Reason::FutureDate));
    }
    Ok(date)
}

/// Resolves 所属社区 to the code of a community this workstation knows: by name (as the list
/// writes it) or by code.
pub fn resolve_community(cell: &Cell, tree: &OrgTree) -> Result<String, ValidationError> {
    let field = Field::Community;
    let raw = cell.text();
    let label = normalise_label(&raw);
    if label.is_empty() {
        return Err(ValidationError::new(field, Reason::Required));
    }
    let communities = || tree.units().iter().filter(|u| u.tier() == Tier::Community);
    if let Some(u) = communities().find(|u| u.code == label) {
        return Ok(u.code.clone());
    }
    let named: Vec<&str> = communities()
        .filter(|u| normalise_label(&u.name) == label)
        .map(|u| u.code.as_str())
        .collect();
    match named.as_slice() {
        [code] => Ok((*code).to_string()),
        [] => Err(ValidationError::new(
            field,
            Reason::NotAccepted {
                value: quoted(&raw),
                accepted: "roster.accepted_communities",
            },
        )),
        _ => Err(ValidationError::new(field, Reason::AmbiguousName)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::id_number::check_char;
    use crate::domain::org::{OrgKind, OrgUnit};

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn text(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    fn with_check(first17: &str) -> String {
        format!("{first17}{}", check_char(first17.as_bytes()))
    }

    fn row(line: usize, cells: &[&str]) -> SourceRow {
        SourceRow {
            line,
            cells: cells.iter().map(|s| text(s)).collect(),
        }
    }

    const HEADER: [&str; 6] = [
        "姓名",
        "身份证号",
        "救助类别",
        "审批日期",
        "所属社区",
        "状态",
    ];

    fn good(line: usize) -> SourceRow {
        row(
            line,
            &[
                "王桂英",
                &with_check("36010419520115002"),
                "城市低保",
                "2026-03-05",
                "洪都新村社区",
                "新增",
            ],
        )
    }

    #[test]
    fn header_aliases_and_decorations_are_recognised() {
        for (s, col) in [
            ("姓名", Column::Name),
            ("姓　名", Column::Name),
            ("\u{feff}姓名", Column::Name),
            ("*姓名", Column::Name),
            (" 身份证号码 ", Column::IdNumber),
            ("公民身份号码", Column::IdNumber),
            ("救助类型", Column::Category),
            ("审批时间", Column::ApprovalDate),
            ("审批日期（年月日）", Column::ApprovalDate),
            ("社区", Column::Community),
            ("所属社区（村）", Column::Community),
            ("状态", Column::Status),
        ] {
            assert_eq!(header_of(&text(s)).map(|(c, _)| c), Some(col), "{s}");
        }
        assert_eq!(header_of(&text("序号")), None);
        assert_eq!(header_of(&Cell::Number(1.0)), None);
    }

    #[test]
    fn columns_are_found_in_any_order_under_a_title() {
        let rows = vec![
            row(1, &["青云谱区2026年3月救助对象变动名单"]),
            row(2, &[]),
            row(
                3,
                &[
                    "序号",
                    "状态",
                    "所属社区",
                    "审批日期",
                    "救助类别",
                    "身份证号",
                    "姓名",
                    "电话",
                ],
            ),
            row(
                4,
                &[
                    "1",
                    "新增",
                    "洪都新村社区",
                    "2026/3/5",
                    "特困",
                    &with_check("36010419520115002"),
                    "王桂英",
                    "13800001234",
                ],
            ),
        ];
        let p = parse(&rows, Origin::Csv, &OrgTree::demo(), today()).unwrap();
        assert_eq!(p.header_line, 3);
        assert_eq!(p.rows_read, 1);
        assert!(p.refused.is_empty(), "{:?}", p.refused);
        let e = &p.entries[0];
        assert_eq!((e.line, e.name.as_str()), (4, "王桂英"));
        assert_eq!(e.category, "extreme_poverty");
        assert_eq!(e.community, "360104001001");
        assert_eq!(e.approved_on, d(2026, 3, 5));
        assert_eq!(e.status, RosterStatus::Added);
    }

    #[test]
    fn a_missing_column_refuses_the_file_naming_it() {
        let rows = vec![
            row(1, &["姓名", "身份证号", "救助类别", "所属社区"]),
            good(2),
        ];
        let e = parse(&rows, Origin::Csv, &OrgTree::demo(), today()).unwrap_err();
        assert_eq!(
            e,
            FileRefusal::MissingColumns {
                missing: vec![Column::ApprovalDate, Column::Status]
            }
        );
        let msg = e.localize(Lang::ZhCn);
        assert!(msg.contains("审批日期") && msg.contains("状态"), "{msg}");
        let none = parse(
            &[row(1, &["a", "b"])],
            Origin::Csv,
            &OrgTree::demo(),
            today(),
        )
        .unwrap_err();
        assert_eq!(
            none,
            FileRefusal::MissingColumns {
                missing: Column::ALL.to_vec()
            }
        );
        assert_eq!(
            parse(
                &[row(1, &["", " "])],
                Origin::Csv,
                &OrgTree::demo(),
                today()
            ),
            Err(FileRefusal::Empty)
        );
    }

    #[test]
    fn the_header_is_looked_for_in_the_first_ten_rows_only() {
        let mut rows: Vec<SourceRow> = (1..=10).map(|i| row(i, &["说明"])).collect();
        rows.push(row(11, &HEADER));
        assert!(matches!(
            parse(&rows, Origin::Csv, &OrgTree::demo(), today()),
            Err(FileRefusal::MissingColumns { .. })
        ));
        rows.remove(0);
        assert!(parse(&rows, Origin::Csv, &OrgTree::demo(), today()).is_ok());
    }

    #[test]
    fn blank_rows_and_repeated_headers_are_skipped_silently() {
        let rows = vec![
            row(1, &HEADER),
            good(2),
            row(3, &["", "  ", "", "", "", ""]),
            row(4, &["", "", "", "", "", "", "第 12 户"]),
            row(5, &HEADER),
            good(6),
        ];
        let p = parse(&rows, Origin::Csv, &OrgTree::demo(), today()).unwrap();
        assert_eq!(p.rows_read, 2);
        assert_eq!(
            p.entries.iter().map(|e| e.line).collect::<Vec<_>>(),
            vec![2, 6]
        );
    }

    #[test]
    fn every_category_spelling() {
        for (word, code, assumed) in [
            ("特困", "extreme_poverty", false),
            ("特困供养", "extreme_poverty", false),
            ("特困人员", "extreme_poverty", false),
            ("城市低保", "urban_minimum_living", false),
            ("农村低保", "rural_minimum_living", false),
            (" 低 保 ", "urban_minimum_living", true),
            ("低收入", "low_income", false),
            ("低收入家庭", "low_income", false),
            ("支出型贫困", "expenditure_poverty", false),
            ("支出型贫困家庭", "expenditure_poverty", false),
        ] {
            assert_eq!(parse_category(&text(word)), Ok((code, assumed)), "{word}");
        }
        let e = parse_category(&text("五保")).unwrap_err();
        assert_eq!(e.field, Field::AssistanceCategory);
        assert!(
            matches!(&e.reason, Reason::NotAccepted { value, .. } if value == "五保"),
            "{e:?}"
        );
        assert_eq!(
            parse_category(&Cell::Empty).unwrap_err().reason,
            Reason::Required
        );
        // Every code is one the catalogue knows.
        let cat = crate::domain::catalogue::Catalogue::builtin();
        for (_, code, _) in CATEGORY_SPELLINGS {
            assert!(
                cat.contains(crate::domain::catalogue::ListKind::AssistanceStatus, code),
                "{code}"
            );
        }
    }

    #[test]
    fn every_status_spelling() {
        for (word, s) in [
            ("新增", RosterStatus::Added),
            ("变更", RosterStatus::Changed),
            ("注销", RosterStatus::Cancelled),
            ("停保", RosterStatus::Cancelled),
            ("退出", RosterStatus::Cancelled),
        ] {
            assert_eq!(parse_status(&text(word)), Ok(s), "{word}");
            assert_eq!(RosterStatus::from_code(s.code()), Some(s));
        }
        let e = parse_status(&text("暂停")).unwrap_err();
        assert_eq!(e.field, Field::RosterStatus);
        assert!(matches!(e.reason, Reason::NotAccepted { .. }));
    }

    #[test]
    fn every_date_form() {
        for cell in [
            text("2026-03-05"),
            text("2026/3/5"),
            text("2026年3月5日"),
            text("20260305"),
            text("2026.3.5"),
            text("2026/3/5 0:00:00"),
            text("46086"),
            Cell::Date(d(2026, 3, 5)),
            Cell::Number(46086.0),
            Cell::Number(46086.5),
            Cell::Number(20260305.0),
        ] {
            assert_eq!(
                parse_approval_date(&cell, today()),
                Ok(d(2026, 3, 5)),
                "{cell:?}"
            );
        }
        assert_eq!(
            parse_approval_date(&text("2026-02-30"), today())
                .unwrap_err()
                .reason,
            Reason::BadDate
        );
        assert!(matches!(
            parse_approval_date(&text("三月"), today())
                .unwrap_err()
                .reason,
            Reason::BadFormat { .. }
        ));
        assert_eq!(
            parse_approval_date(&text("2026-12-01"), today())
                .unwrap_err()
                .reason,
            Reason::FutureDate
        );
        assert_eq!(
            parse_approval_date(&Cell::Empty, today())
                .unwrap_err()
                .reason,
            Reason::Required
        );
        assert_eq!(
            parse_approval_date(&Cell::Number(-3.0), today())
                .unwrap_err()
                .field,
            Field::ApprovalDate
        );
    }

    #[test]
    fn excel_serials_match_excel() {
        // Values as Excel shows them for these dates.
        assert_eq!(excel_serial_date(1.0), Some(d(1900, 1, 1)));
        assert_eq!(excel_serial_date(59.0), Some(d(1900, 2, 28)));
        assert_eq!(excel_serial_date(61.0), Some(d(1900, 3, 1)));
        assert_eq!(excel_serial_date(45658.0), Some(d(2025, 1, 1)));
        assert_eq!(excel_serial_date(0.0), None);
        assert_eq!(excel_serial_date(f64::NAN), None);
    }

    #[test]
    fn scientific_notation_ids_are_refused_with_the_reason() {
        for cell in [
            text("3.60104E+17"),
            text("3.60104E17"),
            text("3.60104195201150e+17"),
            text("360104195201150000.00"),
            // What Excel holds for 360104195201150028: the nearest double, last digits gone.
            Cell::Number("360104195201150028".parse::<f64>().unwrap()),
        ] {
            let e = parse_id_number(&cell, Origin::Csv, today()).unwrap_err();
            assert_eq!(e.field, Field::IdNumber);
            assert_eq!(e.reason, Reason::ScientificNotation, "{cell:?}");
        }
        let msg = Reason::ScientificNotation.localize(Lang::ZhCn);
        assert!(msg.contains("科学计数法"), "{msg}");
    }

    #[test]
    fn a_csv_id_ending_in_000_lost_its_last_digits() {
        // 360104194001073 then zeros: its check digit happens to be 0, so only the origin
        // tells a rounded number from a whole one.
        let rounded = with_check("36010419400107300");
        assert!(rounded.ends_with("000"));
        for cell in [text(&rounded), text(&format!(" {rounded} "))] {
            let e = parse_id_number(&cell, Origin::Csv, today()).unwrap_err();
            assert_eq!(e.reason, Reason::DigitsLost, "{cell:?}");
        }
        // Wrong check digit too: the lost digits are the reason to give.
        let e = parse_id_number(&text("360104195201150000"), Origin::Csv, today()).unwrap_err();
        assert_eq!(e.reason, Reason::DigitsLost);
        // Marked as text by the exporting system, or a workbook's text cell: whole.
        for s in [format!("\t{rounded}"), format!("'{rounded}")] {
            assert!(
                parse_id_number(&text(&s), Origin::Csv, today()).is_ok(),
                "{s:?}"
            );
        }
        assert!(parse_id_number(&text(&rounded), Origin::Workbook, today()).is_ok());
        // `X` or other last digits are no sign of rounding.
        let x = with_check("36010419491231002");
        assert!(parse_id_number(&text(&x), Origin::Csv, today()).is_ok());
        let msg = Reason::DigitsLost.localize(Lang::ZhCn);
        assert!(msg.contains("000") && msg.contains("15"), "{msg}");
    }

    #[test]
    fn a_control_character_refuses_its_row_naming_the_column() {
        let id = with_check("36010419520115002");
        let cells = [
            "王桂英",
            id.as_str(),
            "城市低保",
            "2026-03-05",
            "洪都新村社区",
            "新增",
        ];
        for (i, field) in Column::ALL.iter().map(|c| c.field()).enumerate() {
            for bad in ["\0", "\u{1b}[2J", "\u{7}", "\u{202E}"] {
                let dirty = format!("{}{bad}{}", &cells[i][..3], &cells[i][3..]);
                let mut dirty_cells = cells;
                dirty_cells[i] = &dirty;
                let rows = vec![row(1, &HEADER), row(2, &dirty_cells), good(3)];
                let p = parse(&rows, Origin::Csv, &OrgTree::demo(), today()).unwrap();
                assert_eq!(p.entries.len(), 1, "{dirty:?}");
                assert_eq!(p.refused[0].line, 2);
                assert_eq!(p.refused[0].error.field, field, "{dirty:?}");
                assert_eq!(p.refused[0].error.reason, Reason::ControlCharacter);
            }
        }
        // White space around a value is no control character: a tab before an ID number is
        // how some systems keep it text.
        let tabbed = format!("\t{id}");
        let mut cells = cells;
        cells[1] = &tabbed;
        let p = parse(
            &[row(1, &HEADER), row(2, &cells)],
            Origin::Csv,
            &OrgTree::demo(),
            today(),
        )
        .unwrap();
        assert!(p.refused.is_empty(), "{:?}", p.refused);
    }

    #[test]
    fn fifteen_digit_ids_are_upgraded_and_the_row_says_so() {
        let want = with_check("36010419500612002");
        for cell in [text("360104500612002"), Cell::Number(360104500612002.0)] {
            let (id, upgraded) = parse_id_number(&cell, Origin::Csv, today()).unwrap();
            assert_eq!(id.as_str(), want);
            assert!(upgraded);
        }
        let rows = vec![
            row(1, &HEADER),
            row(
                2,
                &[
                    "赵秀兰",
                    "360104500612002",
                    "低保",
                    "2026-03-07",
                    "南钢社区",
                    "新增",
                ],
            ),
        ];
        let p = parse(&rows, Origin::Csv, &OrgTree::demo(), today()).unwrap();
        assert_eq!(
            p.entries[0].notes,
            vec![Note::IdUpgraded { id: want }, Note::AssumedUrban]
        );
    }

    #[test]
    fn ids_as_people_type_them_and_bad_ones() {
        let good = with_check("36010419520115002");
        for s in [good.clone(), format!("'{good}"), format!(" {good} ")] {
            assert_eq!(
                parse_id_number(&text(&s), Origin::Csv, today())
                    .unwrap()
                    .0
                    .as_str(),
                good
            );
        }
        let mut bad = good.clone();
        bad.pop();
        bad.push(if good.ends_with('0') { '1' } else { '0' });
        assert!(matches!(
            parse_id_number(&text(&bad), Origin::Csv, today())
                .unwrap_err()
                .reason,
            Reason::BadCheckDigit { .. }
        ));
        assert_eq!(
            parse_id_number(&Cell::Empty, Origin::Csv, today())
                .unwrap_err()
                .reason,
            Reason::Required
        );
        assert_eq!(
            parse_id_number(&text("3601041952"), Origin::Csv, today())
                .unwrap_err()
                .reason,
            Reason::WrongLength { len: 10 }
        );
    }

    #[test]
    fn communities_by_name_or_code() {
        let tree = OrgTree::demo();
        assert_eq!(
            resolve_community(&text("南钢社区"), &tree).unwrap(),
            "360104001003"
        );
        assert_eq!(
            resolve_community(&text(" 360104001003 "), &tree).unwrap(),
            "360104001003"
        );
        assert_eq!(
            resolve_community(&Cell::Number(360104001003.0), &tree).unwrap(),
            "360104001003"
        );
        let e = resolve_community(&text("火星社区"), &tree).unwrap_err();
        assert!(matches!(e.reason, Reason::NotAccepted { .. }), "{e:?}");
        // A subdistrict is no community.
        assert!(resolve_community(&text("洪都街道"), &tree).is_err());
        let mut units = tree.units().to_vec();
        units.push(OrgUnit {
            code: "360104002009".into(),
            name: "南钢社区".into(),
            kind: OrgKind::Community,
            parent: Some("360104002".into()),
        });
        assert_eq!(
            resolve_community(&text("南钢社区"), &OrgTree::new(units))
                .unwrap_err()
                .reason,
            Reason::AmbiguousName
        );
    }

    #[test]
    fn one_refusal_per_bad_row_naming_the_field_and_the_good_rows_stay() {
        let id = with_check("36010419520115002");
        let rows = vec![
            row(1, &HEADER),
            row(2, &["", &id, "特困", "2026-03-05", "南钢社区", "新增"]),
            good(3),
            row(4, &["李四", &id, "特困", "2026-03-05", "南钢社区", "作废"]),
            row(
                5,
                &[
                    "李四",
                    "3.60104E+17",
                    "特困",
                    "2026-03-05",
                    "南钢社区",
                    "新增",
                ],
            ),
        ];
        let p = parse(&rows, Origin::Csv, &OrgTree::demo(), today()).unwrap();
        assert_eq!(p.entries.len(), 1);
        let got: Vec<(usize, Field)> = p.refused.iter().map(|r| (r.line, r.error.field)).collect();
        assert_eq!(
            got,
            vec![
                (2, Field::Name),
                (4, Field::RosterStatus),
                (5, Field::IdNumber)
            ]
        );
        let line = p.refused[2].localize(Lang::ZhCn);
        assert!(line.starts_with("第 5 行：身份证号："), "{line}");
        let en = p.refused[2].localize(Lang::En);
        assert!(en.contains("5") && en.contains("ID number"), "{en}");
    }

    #[test]
    fn float_detection() {
        for s in ["3.6E+17", "1e5", "12.5", ".5", "360104195201150000.0"] {
            assert!(looks_like_float(s), "{s}");
        }
        for s in [
            "360104195201150028",
            "36010419520115002X",
            "",
            ".",
            "e5",
            "1.2.3",
        ] {
            assert!(!looks_like_float(s), "{s}");
        }
    }
}
