//! 动态管理: importing the monthly roster of newly approved or cancelled assistance
//! recipients (`jiuzhu roster import F` and the TUI's 导入名单).
//!
//! Good rows go in, bad rows are listed with their line and reason. A person not yet in the
//! archive is created, a known one gets the new assistance status, and each row leaves a
//! follow-up task: visit the newly approved, review the services of the cancelled. The good
//! rows go in one transaction, all or nothing; a row already imported adds nothing.

pub mod compound;
pub mod expansion;
pub mod read;

use std::path::{Path, PathBuf};

use super::{clock, person, AppError, Ctx, Result};
use crate::domain::catalogue::Catalogue;
use crate::domain::permission::{allows, Action};
use crate::domain::person::PersonDraft;
use crate::domain::record::RecordMeta;
use crate::domain::roster::{
    normalise_label, parse, Entry, FileRefusal, Note, Parsed, RosterStatus, RowNote, RowRefusal,
};
use crate::domain::task::{Task, TaskKind, TaskState};
use crate::domain::validation::{Field, Reason, ValidationError};
use crate::i18n::{t, tf, Lang, Localize};
use crate::store::{access_log, cases, persons, tasks, WriteTx};

/// Hex digits of the file's SHA-256 kept in a task's source.
const SOURCE_HASH_DIGITS: usize = 12;

/// What an import did, for the receipt the user reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Receipt {
    /// The full path of the file read.
    pub path: PathBuf,
    /// Hex SHA-256 of the file.
    pub sha256: String,
    /// The worksheet the rows came from (`None` for CSV).
    pub sheet: Option<String>,
    /// The header's row number.
    pub header_line: usize,
    /// Data rows read (blank rows not counted).
    pub rows_read: usize,
    /// Rows that went in now.
    pub imported: usize,
    /// Rows an earlier import already took (nothing added for them).
    pub already: usize,
    /// Cancellations of people who were never in the archive: nothing to follow up.
    pub not_in_archive: usize,
    /// Rows refused, in line order.
    pub refused: Vec<RowRefusal>,
    /// What the receipt tells about rows that went in, in line order.
    pub notes: Vec<RowNote>,
    /// Persons created.
    pub new_persons: usize,
    /// Persons whose assistance status changed.
    pub updated_persons: usize,
    /// Follow-up tasks created.
    pub tasks_created: usize,
}

impl Receipt {
    /// The receipt's head: the file, then what was read and done (two or three lines).
    pub fn summary(&self, lang: Lang) -> Vec<String> {
        let n = |v: usize| v.to_string();
        let mut out = vec![match &self.sheet {
            Some(sheet) => tf(
                lang,
                "roster.receipt_file_sheet",
                &[
                    ("path", &self.path.display().to_string()),
                    ("sheet", sheet),
                    ("line", &n(self.header_line)),
                ],
            ),
            None => tf(
                lang,
                "roster.receipt_file",
                &[
                    ("path", &self.path.display().to_string()),
                    ("line", &n(self.header_line)),
                ],
            ),
        }];
        out.push(tf(
            lang,
            "roster.receipt_rows",
            &[
                ("read", &n(self.rows_read)),
                ("imported", &n(self.imported)),
                ("already", &n(self.already)),
                ("refused", &n(self.refused.len())),
            ],
        ));
        out.push(tf(
            lang,
            "roster.receipt_done",
            &[
                ("persons", &n(self.new_persons)),
                ("updated", &n(self.updated_persons)),
                ("tasks", &n(self.tasks_created)),
            ],
        ));
        if self.not_in_archive > 0 {
            out.push(tf(
                lang,
                "roster.receipt_not_in_archive",
                &[("n", &n(self.not_in_archive))],
            ));
        }
        out
    }
}

/// The whole receipt as lines for a person: the summary, then each refused row and each note.
pub fn receipt_lines(r: &Receipt, lang: Lang) -> Vec<String> {
    let mut out = r.summary(lang);
    if !r.refused.is_empty() {
        out.push(t(lang, "roster.receipt_refused_heading").to_string());
        out.extend(r.refused.iter().map(|x| x.localize(lang)));
    }
    if !r.notes.is_empty() {
        out.push(t(lang, "roster.receipt_notes_heading").to_string());
        out.extend(r.notes.iter().map(|x| x.localize(lang)));
    }
    out
}

/// Reads and imports the roster file at `path`. `progress(done, total)` is called for each
/// row; when it returns false the import stops and nothing is kept. A file refused as a whole
/// (no header, not a spreadsheet) is an error and is written to the access log.
pub fn import_file(
    ctx: &mut Ctx<'_>,
    path: &Path,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<Receipt> {
    ctx.require_somewhere(Action::EditPerson)?;
    let file = match read::read(path) {
        Ok(f) => f,
        Err(AppError::Roster(why)) => return Err(refuse_file(ctx, "", why)),
        Err(e) => return Err(e),
    };
    import(ctx, file, progress)
}

/// Imports a file already read (see [`import_file`]).
pub fn import(
    ctx: &mut Ctx<'_>,
    file: read::RosterFile,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<Receipt> {
    ctx.require_somewhere(Action::EditPerson)?;
    let today = ctx.clock.today();
    let (sheet, parsed) = match parse_sheets(&file, ctx, today) {
        Ok(p) => p,
        Err(why) => return Err(refuse_file(ctx, &file.sha256, why)),
    };
    let mut receipt = Receipt {
        path: file.path.clone(),
        sha256: file.sha256.clone(),
        sheet,
        header_line: parsed.header_line,
        rows_read: parsed.rows_read,
        refused: parsed.refused,
        ..Receipt::default()
    };
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    let source_prefix: String = file.sha256.chars().take(SOURCE_HASH_DIGITS).collect();
    let file_name = file.file_name();
    let Ctx {
        store,
        session,
        clock: clk,
        tree,
    } = ctx;
    let may_edit = |community: &str| allows(&session.grants, Action::EditPerson, community, tree);
    let community_name = |code: &str| tree.name_of(code).to_string();
    store.write(&actor, &at, |w| {
        let total = parsed.entries.len();
        for (done, entry) in parsed.entries.iter().enumerate() {
            if !progress(done, total) {
                return Err(AppError::Cancelled);
            }
            let row = RowContext {
                entry,
                source: format!("roster:{source_prefix}:{}", entry.line),
                today,
                new_id: || clock::new_id(clk.now(), &mut rand::rngs::OsRng),
            };
            match apply_row(w, &row, &may_edit, &community_name)? {
                Applied::Refused(error) => receipt.refused.push(RowRefusal {
                    line: entry.line,
                    error,
                }),
                Applied::Already => receipt.already += 1,
                Applied::NotInArchive => receipt.not_in_archive += 1,
                Applied::Done {
                    created,
                    updated,
                    notes,
                } => {
                    receipt.imported += 1;
                    receipt.tasks_created += 1;
                    receipt.new_persons += usize::from(created);
                    receipt.updated_persons += usize::from(updated);
                    receipt.notes.extend(notes.into_iter().map(|note| RowNote {
                        line: entry.line,
                        note,
                    }));
                }
            }
        }
        progress(total, total);
        receipt.refused.sort_by_key(|r| r.line);
        let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        tasks::record_import(
            w,
            &tasks::ImportRecord {
                at: at.clone(),
                actor: actor.clone(),
                file_name: file_name.clone(),
                sha256: receipt.sha256.clone(),
                rows_read: count(receipt.rows_read),
                imported: count(receipt.imported),
                already: count(receipt.already),
                refused: count(receipt.refused.len()),
                new_persons: count(receipt.new_persons),
                updated: count(receipt.updated_persons),
                tasks: count(receipt.tasks_created),
            },
        )?;
        Ok::<_, AppError>(())
    })?;
    Ok(receipt)
}

/// The first worksheet whose header is complete, read into entries; when none is, the first
/// sheet's refusal (it names the missing columns).
fn parse_sheets(
    file: &read::RosterFile,
    ctx: &Ctx<'_>,
    today: chrono::NaiveDate,
) -> std::result::Result<(Option<String>, Parsed), FileRefusal> {
    let mut first_error = None;
    for sheet in &file.sheets {
        match parse(&sheet.rows, sheet.origin, &ctx.tree, today) {
            Ok(p) => return Ok((sheet.name.clone(), p)),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(first_error.unwrap_or(FileRefusal::Empty))
}

/// Writes a refused file to the access log (it changed no record) and returns the refusal.
/// The log keeps the file's fingerprint and why, never its content.
fn refuse_file(ctx: &mut Ctx<'_>, sha256: &str, why: FileRefusal) -> AppError {
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    let subject: String = sha256.chars().take(SOURCE_HASH_DIGITS).collect();
    let detail = match &why {
        FileRefusal::MissingColumns { .. } => "missing_columns",
        FileRefusal::Empty => "empty",
        FileRefusal::TooLarge { .. } => "too_large",
        FileRefusal::Html => "html",
        FileRefusal::UnknownFormat => "unknown_format",
        FileRefusal::Unreadable { .. } => "unreadable",
    };
    let logged = ctx
        .store
        .write_local(|tx| access_log::append(tx, &at, &actor, "roster_refused", &subject, detail));
    match logged {
        Ok(()) => AppError::Roster(why),
        // The refusal is what the user needs to read; a log that cannot be written (a full
        // disk) is the more urgent problem, so it wins.
        Err(e) => AppError::Store(e),
    }
}

/// What one row needs besides the entry.
struct RowContext<'e, F: Fn() -> String> {
    entry: &'e Entry,
    source: String,
    today: chrono::NaiveDate,
    new_id: F,
}

/// What became of one row.
enum Applied {
    /// Not used, for this reason.
    Refused(ValidationError),
    /// An earlier import took it.
    Already,
    /// A cancellation of someone never in the archive.
    NotInArchive,
    /// A task was made; the person was created or updated or neither.
    Done {
        created: bool,
        updated: bool,
        notes: Vec<Note>,
    },
}

/// Same name as far as a list typed by someone else can tell: white space and full-width
/// forms do not count.
fn same_name(a: &str, b: &str) -> bool {
    normalise_label(a) == normalise_label(b)
}

/// What a change of assistance status asks to follow up.
pub(crate) struct FollowUpOf<'a> {
    /// New, changed or cancelled.
    pub status: RosterStatus,
    /// The 救助类别 concerned (the new one; for a cancellation, the one cancelled).
    pub category: &'a str,
    /// The approval day, when the change says one (a roster row does; a hand edit does not).
    pub approved_on: Option<chrono::NaiveDate>,
    /// Where the change came from (`roster:<hash>:<line>`, `person:<id>`).
    pub source: String,
}

/// Makes the follow-up task of a change of `person`'s assistance status, inside the caller's
/// transaction: a visit for the newly approved, a review of the services otherwise, naming
/// the person's open case (whose services that review is about). The roster import and a
/// change by hand in the person form make the same task.
pub(crate) fn follow_up(
    w: &mut WriteTx<'_>,
    id: String,
    person: &crate::domain::person::Person,
    of: &FollowUpOf<'_>,
) -> Result<Task> {
    let open_case = match of.status {
        RosterStatus::Added => None,
        RosterStatus::Changed | RosterStatus::Cancelled => {
            cases::of_person(w.conn(), &person.meta.id)?
                .into_iter()
                .find(|c| !c.state.is_closed())
                .map(|c| c.meta.id)
        }
    };
    let task = Task {
        meta: RecordMeta::new(id, w.origin(), w.at()),
        kind: TaskKind::for_roster(of.status),
        person_id: person.meta.id.clone(),
        community: person.facts.community.clone(),
        source: of.source.clone(),
        category: Some(of.category.to_string()),
        approved_on: of.approved_on,
        roster_status: Some(of.status),
        case_id: open_case,
        state: TaskState::Open,
        done_at: None,
        done_by: None,
        note: None,
    };
    tasks::insert(w, &task)?;
    Ok(task)
}

fn apply_row<F: Fn() -> String>(
    w: &mut WriteTx<'_>,
    row: &RowContext<'_, F>,
    may_edit: &dyn Fn(&str) -> bool,
    community_name: &dyn Fn(&str) -> String,
) -> Result<Applied> {
    let e = row.entry;
    let refuse = |field, reason| Ok(Applied::Refused(ValidationError::new(field, reason)));
    if !may_edit(&e.community) {
        return refuse(
            Field::Community,
            Reason::NotPermitted {
                community: community_name(&e.community),
            },
        );
    }
    let mut notes = e.notes.clone();
    let existing = persons::id_by_id_number(w.conn(), e.id_number.as_str())?;
    let (person, created) = match existing {
        None if e.status == RosterStatus::Cancelled => return Ok(Applied::NotInArchive),
        None => {
            let draft = PersonDraft {
                name: e.name.clone(),
                id_number: e.id_number.to_string(),
                community: e.community.clone(),
                assistance_status: e.category.to_string(),
                ..PersonDraft::default()
            };
            let facts = match draft.validate(row.today, Catalogue::builtin()) {
                Ok(f) => f,
                Err(v) => return Ok(Applied::Refused(v)),
            };
            let id = (row.new_id)();
            person::insert_new(w, id.clone(), facts)?;
            let p = persons::get(w.conn(), &id)?.ok_or(AppError::NotFound {
                what: "record.person",
            })?;
            (p, true)
        }
        Some(id) => {
            let p = persons::get(w.conn(), &id)?.ok_or(AppError::NotFound {
                what: "record.person",
            })?;
            // The list never renames anyone: a different name under the same ID number is
            // for a person to look into.
            if !same_name(&p.facts.name, &e.name) {
                return refuse(
                    Field::Name,
                    Reason::NameMismatch {
                        listed: e.name.clone(),
                        stored: p.facts.name.clone(),
                    },
                );
            }
            if p.facts.community != e.community && !may_edit(&p.facts.community) {
                return refuse(
                    Field::Community,
                    Reason::NotPermitted {
                        community: community_name(&p.facts.community),
                    },
                );
            }
            if tasks::roster_row_exists(w.conn(), &p.meta.id, e.status, e.category, e.approved_on)?
            {
                return Ok(Applied::Already);
            }
            if p.facts.community != e.community {
                notes.push(Note::KeptCommunity {
                    stored: community_name(&p.facts.community),
                });
            }
            (p, false)
        }
    };
    let status_now = match e.status {
        RosterStatus::Cancelled => "none",
        RosterStatus::Added | RosterStatus::Changed => e.category,
    };
    let updated = !created && person.facts.assistance_status != status_now;
    if updated {
        let mut next = person.clone();
        next.facts.assistance_status = status_now.to_string();
        person::save_in(w, &next, "person.roster")?;
    }
    let open_case = match e.status {
        RosterStatus::Added => None,
        RosterStatus::Changed | RosterStatus::Cancelled => {
            cases::of_person(w.conn(), &person.meta.id)?
                .into_iter()
                .find(|c| !c.state.is_closed())
                .map(|c| c.meta.id)
        }
    };
    if open_case.is_some() && e.status == RosterStatus::Cancelled {
        notes.push(Note::OpenCase);
    }
    follow_up(
        w,
        (row.new_id)(),
        &person,
        &FollowUpOf {
            status: e.status,
            category: e.category,
            approved_on: Some(e.approved_on),
            source: row.source.clone(),
        },
    )?;
    Ok(Applied::Done {
        created,
        updated,
        notes,
    })
}
