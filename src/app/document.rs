//! 一人一档: the document checklist of a person's archive — scans filed with their hash,
//! withdrawn (never deleted) when wrong, exported for viewing — and the two forms the program
//! generates from the records.

use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::refusal::PeopleRefusal;
use super::{person, print, AppError, Ctx, Result};
use crate::domain::catalogue::{Catalogue, ListKind};
use crate::domain::document::{
    clean_file_name, stored_name, Document, DocumentWaiver, ScanFormat, GENERATED, MAX_BYTES,
};
use crate::domain::permission::Action;
use crate::domain::record::RecordMeta;
use crate::domain::text::required_line;
use crate::domain::validation::{Field, Reason, ValidationError};
use crate::store::{cases, documents, StoreError};

/// One line of the checklist: a kind of document and what the archive holds of it.
#[derive(Debug, Clone)]
pub struct ChecklistLine {
    /// Catalogue `document_kind` code.
    pub kind: String,
    /// The filed scans of this kind that stand (not withdrawn), oldest first.
    pub documents: Vec<Document>,
    /// For the forms the program makes: the case they are made from, when there is one.
    pub generated_from: Option<String>,
    /// 不适用: the standing record that this document does not apply, with its reason.
    pub waiver: Option<DocumentWaiver>,
}

impl ChecklistLine {
    /// True when the archive has this document (a scan, or a form that can be generated) or
    /// it does not apply to the person (不适用, with a reason).
    pub fn complete(&self) -> bool {
        !self.documents.is_empty() || self.generated_from.is_some() || self.waiver.is_some()
    }
}

/// Longest reason accepted for 不适用.
const WAIVER_REASON_MAX: usize = 200;

/// 不适用: records that document `kind` does not apply to person `person_id` (no 残疾证 for a
/// person with no disability), with the reason; the checklist then counts it complete.
/// Refused for a kind the archive already holds a scan of, or one already marked.
pub fn waive(ctx: &mut Ctx<'_>, person_id: &str, kind: &str, reason: &str) -> Result<String> {
    let p = person::get(ctx, person_id)?;
    ctx.require(Action::EditPerson, &p.facts.community)?;
    if !Catalogue::builtin().contains(ListKind::DocumentKind, kind) {
        return Err(ValidationError::new(
            Field::DocumentKind,
            Reason::NotInCatalogue {
                code: kind.to_string(),
            },
        )
        .into());
    }
    let reason = required_line(Field::Reason, reason, WAIVER_REASON_MAX)?;
    let conn = ctx.store.conn();
    if documents::of_person(conn, person_id)?
        .iter()
        .any(|d| d.kind == kind && d.withdrawn_at.is_none())
    {
        return Err(ValidationError::new(Field::DocumentKind, Reason::AlreadyFiled).into());
    }
    if documents::waivers_of_person(conn, person_id)?
        .iter()
        .any(|d| d.kind == kind && d.withdrawn_at.is_none())
    {
        return Err(ValidationError::new(Field::DocumentKind, Reason::Duplicate).into());
    }
    let id = ctx.new_id();
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    ctx.store.write(&actor, &at, |w| {
        let d = DocumentWaiver {
            meta: RecordMeta::new(id.clone(), w.origin(), &at),
            person_id: person_id.to_string(),
            kind: kind.to_string(),
            reason,
            recorded_by: actor.clone(),
            withdrawn_at: None,
            withdraw_reason: None,
        };
        documents::insert_waiver(w, &d)?;
        Ok::<_, AppError>(())
    })?;
    Ok(id)
}

/// Withdraws a 不适用 recorded wrongly (the document does apply after all), with the reason;
/// the record stays.
pub fn withdraw_waiver(ctx: &mut Ctx<'_>, id: &str, reason: &str) -> Result<DocumentWaiver> {
    let d = documents::waiver(ctx.store.conn(), id)?.ok_or(AppError::NotFound {
        what: "record.document_waiver",
    })?;
    let p = person::get(ctx, &d.person_id)?;
    ctx.require(Action::EditPerson, &p.facts.community)?;
    if d.withdrawn_at.is_some() {
        return Err(AppError::AlreadyWithdrawn);
    }
    let reason = required_line(Field::Reason, reason, WAIVER_REASON_MAX)?;
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    ctx.store.write(&actor, &at, |w| {
        let mut next = d.clone();
        next.withdrawn_at = Some(at.clone());
        next.withdraw_reason = Some(reason);
        Ok(documents::update_waiver(
            w,
            &next,
            "document_waiver.withdraw",
        )?)
    })
}

fn io_err(path: &Path, source: std::io::Error) -> AppError {
    AppError::Store(StoreError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Files the scan at `path` as a document of `kind` in person `person_id`'s archive; returns
/// the document's id. The size is checked before anything is read, the format by the file's
/// first bytes, and the name must agree with the format (see `stored_name`); the bytes are
/// stored once per content hash.
pub fn attach(ctx: &mut Ctx<'_>, person_id: &str, kind: &str, path: &Path) -> Result<String> {
    let p = person::get(ctx, person_id)?;
    ctx.require(Action::EditPerson, &p.facts.community)?;
    if !Catalogue::builtin().contains(ListKind::DocumentKind, kind) {
        return Err(ValidationError::new(
            Field::DocumentKind,
            Reason::NotInCatalogue {
                code: kind.to_string(),
            },
        )
        .into());
    }
    let meta = std::fs::metadata(path).map_err(|e| io_err(path, e))?;
    if !meta.is_file() {
        return Err(ValidationError::new(Field::File, Reason::NotAFile).into());
    }
    if meta.len() > MAX_BYTES {
        return Err(ValidationError::new(
            Field::File,
            Reason::FileTooLarge {
                max_mb: MAX_BYTES / (1024 * 1024),
            },
        )
        .into());
    }
    let mut content = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_BYTES + 1).read_to_end(&mut content))
        .map_err(|e| io_err(path, e))?;
    if content.len() as u64 > MAX_BYTES {
        // Grew between the size check and the read.
        return Err(ValidationError::new(
            Field::File,
            Reason::FileTooLarge {
                max_mb: MAX_BYTES / (1024 * 1024),
            },
        )
        .into());
    }
    let chosen = clean_file_name(&path.to_string_lossy());
    let Some(format) = ScanFormat::sniff(&content, &chosen) else {
        return Err(ValidationError::new(Field::File, Reason::NotAScan).into());
    };
    let file_name = stored_name(&chosen, format)?;
    let sha256 = hex::encode(Sha256::digest(&content));
    let id = ctx.new_id();
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    ctx.store.write(&actor, &at, |w| {
        let d = Document {
            meta: RecordMeta::new(id.clone(), w.origin(), &at),
            person_id: person_id.to_string(),
            kind: kind.to_string(),
            file_name,
            size: content.len() as i64,
            sha256,
            added_by: actor.clone(),
            withdrawn_at: None,
            withdraw_reason: None,
        };
        documents::insert(w, &d, &content)?;
        Ok::<_, AppError>(())
    })?;
    Ok(id)
}

fn get(ctx: &Ctx<'_>, id: &str) -> Result<Document> {
    let d = documents::get(ctx.store.conn(), id)?.ok_or(AppError::NotFound {
        what: "record.document",
    })?;
    // Seeing the person is what allows seeing their documents.
    person::get(ctx, &d.person_id)?;
    Ok(d)
}

/// Withdraws a wrongly filed document with the reason; the record and its bytes stay.
pub fn withdraw(ctx: &mut Ctx<'_>, id: &str, reason: &str) -> Result<Document> {
    let d = get(ctx, id)?;
    let p = person::get(ctx, &d.person_id)?;
    ctx.require(Action::EditPerson, &p.facts.community)?;
    if d.withdrawn_at.is_some() {
        return Err(AppError::AlreadyWithdrawn);
    }
    let reason = required_line(Field::Reason, reason, 200)?;
    let at = ctx.now_text();
    let actor = ctx.session.username.clone();
    ctx.store.write(&actor, &at, |w| {
        let mut next = d.clone();
        next.withdrawn_at = Some(at.clone());
        next.withdraw_reason = Some(reason);
        Ok(documents::update(w, &next, "document.withdraw")?)
    })
}

/// The checklist of person `person_id`: every kind of the catalogue in its order.
pub fn checklist(ctx: &Ctx<'_>, person_id: &str) -> Result<Vec<ChecklistLine>> {
    person::get(ctx, person_id)?;
    let conn = ctx.store.conn();
    let docs = documents::of_person(conn, person_id)?;
    let waivers = documents::waivers_of_person(conn, person_id)?;
    // The forms come from the person's latest case that reached an assessment.
    let case = cases::of_person(conn, person_id)?
        .into_iter()
        .filter(|c| c.category.is_some())
        .max_by(|a, b| a.meta.created_at.cmp(&b.meta.created_at))
        .map(|c| c.meta.id);
    Ok(Catalogue::builtin()
        .entries(ListKind::DocumentKind)
        .iter()
        .map(|e| ChecklistLine {
            kind: e.code.clone(),
            documents: docs
                .iter()
                .filter(|d| d.kind == e.code && d.withdrawn_at.is_none())
                .cloned()
                .collect(),
            generated_from: if GENERATED.contains(&e.code.as_str()) {
                case.clone()
            } else {
                None
            },
            waiver: waivers
                .iter()
                .rev()
                .find(|w| w.kind == e.code && w.withdrawn_at.is_none())
                .cloned(),
        })
        .collect())
}

/// Writes document `id` into the session's outbox under its file name (prefixed with the
/// person's service number or id) to be opened or copied; logged as an export of personal data.
/// The extension is always that of the content's format: the file may be handed to the
/// system's opener, and a record filed by an older release may hold any name. Refused to a
/// session that sees the person's facts masked.
pub fn export(ctx: &mut Ctx<'_>, id: &str) -> Result<PathBuf> {
    let d = get(ctx, id)?;
    let p = person::get(ctx, &d.person_id)?;
    // A picture of the paper shows every number on it; it cannot be masked like a print.
    if !person::disclosure(ctx, &p.facts.community).is_whole() {
        return Err(PeopleRefusal::ScanShowsWhole.into());
    }
    let content = documents::content(ctx.store.conn(), &d.sha256)?.ok_or(AppError::NotFound {
        what: "record.document",
    })?;
    let format = ScanFormat::sniff(&content, &d.file_name)
        .ok_or_else(|| ValidationError::new(Field::File, Reason::NotAScan))?;
    let prefix = p.service_no.clone().unwrap_or_else(|| p.meta.id.clone());
    let path = print::outbox(ctx)?.join(format.named(&format!("{prefix}_{}", d.file_name)));
    print::deliver(ctx, path, &content, "document", &d.person_id)
}

/// Makes one of the forms the program generates (`needs_form`, `service_form`) for the
/// checklist line's case.
pub fn generate(
    ctx: &mut Ctx<'_>,
    line: &ChecklistLine,
    lang: crate::i18n::Lang,
) -> Result<PathBuf> {
    let Some(case_id) = &line.generated_from else {
        return Err(AppError::NotFound {
            what: "record.case",
        });
    };
    match line.kind.as_str() {
        "needs_form" => print::needs_form(ctx, case_id, lang),
        // The file keeps the whole record of services.
        _ => print::service_form(ctx, case_id, print::ServicePeriod::All, lang),
    }
}
