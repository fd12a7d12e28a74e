//! What a record arriving in a bundle must be, field by field: the same rules as the forms
//! that make such records here (lengths, characters, codes of the catalogue and the org tree,
//! ID numbers with their check digit, real dates), so that a bundle cannot store what a
//! keyboard could not. A record that fails waits in the review queue, never applied.
//!
//! Every column of every kind has a rule; a test over the real schema keeps it so when a
//! migration adds a column or a kind.

use chrono::NaiveDate;

use super::catalogue::{Catalogue, ListKind};
use super::id_number::{IdNumber, Sex};
use super::org::{parse_org_code, OrgTree, Tier};
use super::person::{parse_phone, ADDRESS_MAX, NAME_MAX, NOTE_MAX};
use super::record::Entity;
use super::text::{clean_line, clean_multiline, PEOPLE_LINE_MAX};
use super::validation::{Field, Reason, ValidationError};

/// Longest record id, origin or reference accepted (a UUID is 36).
const ID_MAX: usize = 64;
/// Longest one-line free text (a reason, a place, a reporter) any form takes.
const LINE_MAX: usize = 200;
/// Longest user name, service number, card number or certificate number.
const CODE_MAX: usize = 50;
use super::case::HOUSEHOLD_MAX;
/// Largest amount in 分 any form takes.
const MONEY_MAX_FEN: i64 = super::money::MAX_YUAN * 100;

/// The rule one column's value must meet. `Opt` variants also take `null`.
#[derive(Debug, Clone, Copy)]
enum Rule {
    /// A record id, an origin or a reference to another record.
    Id,
    /// An optional reference to another record.
    OptId,
    /// The record's version, from 1.
    Version,
    /// An RFC 3339 time.
    Time,
    /// An optional RFC 3339 time.
    OptTime,
    /// A calendar day `YYYY-MM-DD`.
    Day(Field),
    /// An optional calendar day.
    OptDay(Field),
    /// One line of text, required, at most `usize` characters.
    Line(Field, usize),
    /// One line of text or nothing.
    OptLine(Field, usize),
    /// Text with line breaks, at most `usize` characters (may be empty or null).
    Text(Field, usize),
    /// A community of the org tree.
    Community(Field),
    /// Any unit of the org tree.
    Unit(Field),
    /// Any unit of the org tree, or nothing.
    OptUnit(Field),
    /// A code of a catalogue list.
    Code(Field, ListKind),
    /// A code of a catalogue list, or nothing.
    OptCode(Field, ListKind),
    /// A JSON array of codes of a catalogue list.
    Codes(Field, ListKind),
    /// One of a fixed set of codes, told by the function.
    Known(Field, fn(&str) -> bool),
    /// As `Known`, or nothing.
    OptKnown(Field, fn(&str) -> bool),
    /// 0 or 1.
    Flag,
    /// A whole number within the bounds.
    Int(Field, i64, i64),
    /// As `Int`, or nothing.
    OptInt(Field, i64, i64),
    /// An 18-digit ID number as this program stores it, or nothing.
    OptIdNumber,
    /// A phone number as this program stores it, or nothing.
    OptPhone(Field),
    /// A SHA-256 in hex.
    Sha256,
    /// A SHA-256 in hex, or nothing.
    OptSha256,
    /// A service plan: a JSON array of {item, frequency, priority, provider_id}.
    Plan,
    /// A 统一社会信用代码 with its check character, or nothing.
    OptCreditCode,
    /// A JSON array of community codes of the org tree, at least one.
    Communities(Field),
    /// An agreement's items: a JSON array of {item, unit, price_fen}, at least one.
    PriceLines,
    /// A settlement's lines: a JSON array of the services that count.
    SettlementLines,
    /// A settlement's exclusions: a JSON array of {service_id, reason}.
    SettlementExcluded,
    /// A settlement's corrections of earlier ones: a JSON array of adjustments.
    SettlementAdjustments,
    /// A helper's trainings: a JSON array of {course, organiser, on, hours, passed}.
    Trainings,
    /// A subsidy list's rule: {basis, rate, cap}.
    SubsidyTerms,
    /// A subsidy list's lines: a JSON array, one per helper.
    SubsidyLines,
    /// A subsidy list's exclusions: a JSON array of {visit_id, reason}.
    SubsidyExcluded,
}

use Rule::*;

fn person_status(s: &str) -> bool {
    super::person::PersonStatus::from_code(s).is_some()
}
fn sex(s: &str) -> bool {
    Sex::from_code(s).is_some()
}
fn clue_state(s: &str) -> bool {
    super::clue::ClueState::from_code(s).is_some()
}
fn case_state(s: &str) -> bool {
    super::case::CaseState::from_code(s).is_some()
}
fn ledger_kind(s: &str) -> bool {
    super::ledger::EntryKind::from_code(s).is_some()
}
fn ledger_reference(s: &str) -> bool {
    matches!(s, "settlement" | "subsidy")
}
fn settlement_state(s: &str) -> bool {
    super::settlement::SettlementState::from_code(s).is_some()
}
fn month_code(s: &str) -> bool {
    super::month::Month::parse(s).is_ok_and(|m| m.to_string() == s)
}
fn agreement_state(s: &str) -> bool {
    super::agreement::AgreementState::from_code(s).is_some()
}
fn satisfaction(s: &str) -> bool {
    super::service::Satisfaction::from_code(s).is_some()
}
fn complaint_state(s: &str) -> bool {
    super::supervision::ComplaintState::from_code(s).is_some()
}
fn task_kind(s: &str) -> bool {
    super::task::TaskKind::from_code(s).is_some()
}
fn task_state(s: &str) -> bool {
    super::task::TaskState::from_code(s).is_some()
}
fn roster_status(s: &str) -> bool {
    super::roster::RosterStatus::from_code(s).is_some()
}
fn transfer_state(s: &str) -> bool {
    super::transfer::TransferState::from_code(s).is_some()
}
fn bank_account(s: &str) -> bool {
    (8..=30).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}
fn relation(s: &str) -> bool {
    s == super::household::HEAD || Catalogue::builtin().contains(ListKind::HouseholdRelation, s)
}

/// The columns every record has.
const META: [(&str, Rule); 5] = [
    ("id", Id),
    ("origin", Id),
    ("version", Version),
    ("created_at", Time),
    ("updated_at", Time),
];

/// The rules of a kind's own columns (besides [`META`]).
fn rules(kind: Entity) -> &'static [(&'static str, Rule)] {
    match kind {
        Entity::Person => &[
            ("name", Line(Field::Name, NAME_MAX)),
            ("id_number", OptIdNumber),
            ("sex", OptKnown(Field::Sex, sex)),
            ("birth_date", OptDay(Field::BirthDate)),
            ("phone", OptPhone(Field::Phone)),
            ("address", OptLine(Field::Address, ADDRESS_MAX)),
            ("community", Community(Field::Community)),
            ("hukou_local", Flag),
            (
                "assistance_status",
                Code(Field::AssistanceStatus, ListKind::AssistanceStatus),
            ),
            (
                "assistance_certificate",
                OptLine(Field::CertificateNo, CODE_MAX),
            ),
            ("self_care", OptCode(Field::SelfCare, ListKind::SelfCare)),
            (
                "disability_type",
                OptCode(Field::DisabilityType, ListKind::DisabilityType),
            ),
            (
                "disability_grade",
                OptCode(Field::DisabilityGrade, ListKind::DisabilityGrade),
            ),
            ("disability_cert", OptLine(Field::DisabilityCert, CODE_MAX)),
            ("diseases", OptLine(Field::Diseases, LINE_MAX)),
            ("lives_alone", Flag),
            ("guardian_name", OptLine(Field::GuardianName, NAME_MAX)),
            ("guardian_phone", OptPhone(Field::GuardianPhone)),
            (
                "guardian_status",
                OptCode(Field::GuardianStatus, ListKind::GuardianStatus),
            ),
            (
                "emergency_contact",
                OptLine(Field::EmergencyContact, LINE_MAX),
            ),
            ("note", Text(Field::Note, NOTE_MAX)),
            ("service_no", OptLine(Field::ServiceNo, CODE_MAX)),
            ("status", Known(Field::RecordState, person_status)),
            ("household_id", OptId),
            ("relation", OptKnown(Field::Relation, relation)),
            ("merged_into", OptId),
            ("status_reason", OptLine(Field::Reason, LINE_MAX)),
        ],
        Entity::Clue => &[
            ("person_id", Id),
            ("community", Community(Field::Community)),
            ("difficulty", Text(Field::Difficulty, NOTE_MAX)),
            ("key_groups", Codes(Field::KeyGroup, ListKind::KeyGroup)),
            ("source", Code(Field::Source, ListKind::ClueSource)),
            ("reporter", OptLine(Field::Reporter, LINE_MAX)),
            ("found_on", Day(Field::Date)),
            ("state", Known(Field::RecordState, clue_state)),
            ("recorded_by", Line(Field::Actor, CODE_MAX)),
            ("verified_at", OptTime),
            ("verify_note", Text(Field::Note, NOTE_MAX)),
            ("reported_at", OptTime),
            ("accepted_at", OptTime),
            ("closed_at", OptTime),
            ("close_reason", Text(Field::Reason, NOTE_MAX)),
        ],
        Entity::Case => &[
            ("person_id", Id),
            ("clue_id", OptId),
            ("community", Community(Field::Community)),
            ("state", Known(Field::RecordState, case_state)),
            ("state_changed_at", Time),
            (
                "category",
                OptCode(Field::Category, ListKind::RecipientCategory),
            ),
            ("self_care", OptCode(Field::SelfCare, ListKind::SelfCare)),
            ("needs", Codes(Field::Needs, ListKind::ServiceItem)),
            ("survey_date", OptDay(Field::Date)),
            ("survey_staff", OptLine(Field::Actor, LINE_MAX)),
            ("survey_findings", Text(Field::Content, NOTE_MAX)),
            ("decision_note", Text(Field::Note, NOTE_MAX)),
            ("card_no", OptLine(Field::CardNo, CODE_MAX)),
            ("card_valid_until", OptDay(Field::Date)),
            ("stop_reason", OptCode(Field::Reason, ListKind::StopReason)),
            ("plan", Plan),
            ("card_version", Int(Field::CardNo, 0, 1_000_000)),
            ("reviewed_on", OptDay(Field::Date)),
            ("assessed_by", OptLine(Field::Actor, CODE_MAX)),
            ("decided_by", OptLine(Field::Approver, CODE_MAX)),
            ("decided_on", OptDay(Field::Date)),
            ("decided_by_assessor", Flag),
            (
                "survey_staff2",
                OptLine(Field::SecondInvestigator, LINE_MAX),
            ),
            (
                "household_size",
                OptInt(Field::HouseholdSize, 1, HOUSEHOLD_MAX),
            ),
            (
                "monthly_income_fen",
                OptInt(Field::Income, 0, MONEY_MAX_FEN),
            ),
            ("housing", OptCode(Field::Housing, ListKind::Housing)),
            ("care_situation", OptLine(Field::CareSituation, LINE_MAX)),
            (
                "review_outcome",
                OptCode(Field::ReviewOutcome, ListKind::ReviewOutcome),
            ),
            ("review_note", Text(Field::Note, NOTE_MAX)),
            ("reviewed_by", OptLine(Field::Reviewer, LINE_MAX)),
            ("suspend_reason", OptLine(Field::Reason, LINE_MAX)),
            ("suspended_on", OptDay(Field::Date)),
            ("resume_expected", OptDay(Field::ResumeDate)),
            ("stopped_on", OptDay(Field::StopDate)),
            ("stop_note", Text(Field::Note, NOTE_MAX)),
            ("withdraw_reason", OptLine(Field::Reason, LINE_MAX)),
        ],
        Entity::Provider => &[
            ("name", Line(Field::ProviderName, 100)),
            ("kind", Code(Field::ProviderKind, ListKind::ProviderKind)),
            ("items", Codes(Field::Needs, ListKind::ServiceItem)),
            ("contact", OptLine(Field::Name, NAME_MAX)),
            ("phone", OptPhone(Field::Phone)),
            ("area", Unit(Field::Community)),
            ("active", Flag),
            ("credit_code", OptCreditCode),
            (
                "qualification_kind",
                OptCode(Field::QualificationKind, ListKind::QualificationKind),
            ),
            (
                "qualification_no",
                OptLine(Field::QualificationNo, CODE_MAX),
            ),
            (
                "qualification_valid_until",
                OptDay(Field::QualificationValidUntil),
            ),
        ],
        Entity::Agreement => &[
            ("provider_id", Id),
            (
                "number",
                Line(Field::AgreementNo, super::agreement::NUMBER_MAX),
            ),
            ("buyer", Unit(Field::Buyer)),
            ("signed_on", OptDay(Field::SignedOn)),
            ("period_from", Day(Field::AgreementFrom)),
            ("period_to", Day(Field::AgreementTo)),
            ("communities", Communities(Field::Community)),
            ("lines", PriceLines),
            ("ceiling_fen", OptInt(Field::Ceiling, 0, MONEY_MAX_FEN)),
            ("state", Known(Field::RecordState, agreement_state)),
            ("ended_on", OptDay(Field::Date)),
            (
                "end_reason",
                OptLine(Field::Reason, super::agreement::REASON_MAX),
            ),
            ("recorded_by", Line(Field::Actor, CODE_MAX)),
        ],
        Entity::Settlement => &[
            ("provider_id", Id),
            ("buyer", Unit(Field::Buyer)),
            ("month", Known(Field::Month, month_code)),
            ("state", Known(Field::RecordState, settlement_state)),
            ("lines", SettlementLines),
            ("excluded", SettlementExcluded),
            ("total_fen", Int(Field::Amount, 0, MONEY_MAX_FEN)),
            ("made_by", Line(Field::Actor, CODE_MAX)),
            ("submitted_by", OptLine(Field::Actor, CODE_MAX)),
            ("submitted_at", OptTime),
            ("approved_by", OptLine(Field::Actor, CODE_MAX)),
            ("approved_at", OptTime),
            ("paid_on", OptDay(Field::PaidOn)),
            ("voucher_no", OptLine(Field::VoucherNo, CODE_MAX)),
            ("adjustments", SettlementAdjustments),
        ],
        Entity::LedgerEntry => &[
            ("unit", Unit(Field::Buyer)),
            ("source", Code(Field::FundSource, ListKind::FundSource)),
            ("kind", Known(Field::RecordState, ledger_kind)),
            ("measure", OptCode(Field::Measure, ListKind::Measure)),
            ("amount_fen", Int(Field::Amount, 1, MONEY_MAX_FEN)),
            ("booked_on", Day(Field::Date)),
            (
                "reference_kind",
                OptKnown(Field::RecordState, ledger_reference),
            ),
            ("reference_id", OptId),
            ("note", OptLine(Field::Note, LINE_MAX)),
            ("recorded_by", Line(Field::Actor, CODE_MAX)),
            ("seq", Int(Field::RecordVersion, 1, i64::MAX)),
            ("balance_after_fen", Int(Field::Amount, 0, i64::MAX)),
        ],
        Entity::Helper => &[
            ("person_id", Id),
            ("community", Community(Field::Community)),
            (
                "bank_name",
                OptLine(Field::BankName, super::helper::LINE_MAX),
            ),
            ("bank_account", OptKnown(Field::BankAccount, bank_account)),
            ("trainings", Trainings),
            ("active", Flag),
            ("recorded_by", Line(Field::Actor, CODE_MAX)),
        ],
        Entity::Pairing => &[
            ("helper_id", Id),
            ("person_id", Id),
            ("community", Community(Field::Community)),
            ("period_from", Day(Field::Date)),
            ("period_to", OptDay(Field::Date)),
            ("items", Codes(Field::Needs, ListKind::ServiceItem)),
            ("frequency", Code(Field::Frequency, ListKind::Frequency)),
            ("end_reason", OptLine(Field::Reason, LINE_MAX)),
            ("recorded_by", Line(Field::Actor, CODE_MAX)),
        ],
        Entity::HelpVisit => &[
            ("pairing_id", Id),
            ("helper_id", Id),
            ("person_id", Id),
            ("community", Community(Field::Community)),
            ("visited_on", Day(Field::Date)),
            ("item", Code(Field::Needs, ListKind::ServiceItem)),
            ("minutes", Int(Field::Minutes, 1, 1440)),
            (
                "content",
                Text(Field::Content, super::help_visit::CONTENT_MAX),
            ),
            ("confirmed", Flag),
            ("recorded_by", Line(Field::Actor, CODE_MAX)),
        ],
        Entity::SubsidyList => &[
            ("community", Community(Field::Community)),
            ("month", Known(Field::Month, month_code)),
            ("state", Known(Field::RecordState, settlement_state)),
            ("rule", SubsidyTerms),
            ("lines", SubsidyLines),
            ("excluded", SubsidyExcluded),
            ("total_fen", Int(Field::Amount, 0, MONEY_MAX_FEN)),
            ("made_by", Line(Field::Actor, CODE_MAX)),
            ("submitted_by", OptLine(Field::Actor, CODE_MAX)),
            ("submitted_at", OptTime),
            ("approved_by", OptLine(Field::Actor, CODE_MAX)),
            ("approved_at", OptTime),
            ("paid_on", OptDay(Field::PaidOn)),
            ("voucher_no", OptLine(Field::VoucherNo, CODE_MAX)),
        ],
        Entity::Registration => &[
            ("provider_id", Id),
            ("case_id", Id),
            ("card_no", Line(Field::CardNo, CODE_MAX)),
            ("registered_on", Day(Field::Date)),
        ],
        Entity::Service => &[
            ("registration_id", Id),
            ("case_id", Id),
            ("provider_id", Id),
            ("item", Code(Field::Needs, ListKind::ServiceItem)),
            ("served_on", Day(Field::Date)),
            ("minutes", Int(Field::Minutes, 1, 1440)),
            ("served_by", Line(Field::Actor, PEOPLE_LINE_MAX)),
            ("content", Text(Field::Content, NOTE_MAX)),
            ("confirmed", Flag),
            ("satisfaction", OptKnown(Field::Satisfaction, satisfaction)),
        ],
        Entity::Document => &[
            ("person_id", Id),
            ("kind", Code(Field::DocumentKind, ListKind::DocumentKind)),
            ("file_name", Line(Field::File, LINE_MAX)),
            ("size", Int(Field::File, 0, 10 * 1024 * 1024)),
            ("sha256", Sha256),
            ("added_by", Line(Field::Actor, CODE_MAX)),
            ("withdrawn_at", OptTime),
            ("withdraw_reason", Text(Field::Reason, NOTE_MAX)),
        ],
        Entity::Posting => &[
            ("community", Community(Field::Community)),
            ("period_from", Day(Field::Date)),
            ("period_to", Day(Field::PeriodEnd)),
            ("place", Line(Field::Place, LINE_MAX)),
            ("persons", Int(Field::Persons, 0, 1_000_000)),
            ("list_sha256", Sha256),
            ("posted_by", Line(Field::Actor, CODE_MAX)),
            ("long_term", Flag),
            ("replaced_by", OptId),
            ("members_sha256", OptSha256),
        ],
        Entity::Complaint => &[
            ("community", Community(Field::Community)),
            ("channel", Code(Field::Channel, ListKind::ComplaintChannel)),
            ("posting_id", OptId),
            ("person_id", OptId),
            ("provider_id", OptId),
            ("service_id", OptId),
            ("received_on", Day(Field::Date)),
            ("complainant", OptLine(Field::Name, PEOPLE_LINE_MAX)),
            ("content", Text(Field::Content, NOTE_MAX)),
            ("assigned_to", OptLine(Field::Actor, PEOPLE_LINE_MAX)),
            ("state", Known(Field::RecordState, complaint_state)),
            ("answer", Text(Field::Answer, NOTE_MAX)),
            ("answered_at", OptTime),
            ("closed_at", OptTime),
            ("assigned_unit", OptUnit(Field::AssignedUnit)),
            ("due_on", OptDay(Field::DueDate)),
            ("followup_on", OptDay(Field::Date)),
            ("satisfaction", OptKnown(Field::Satisfaction, satisfaction)),
            ("followup_note", Text(Field::Note, NOTE_MAX)),
        ],
        Entity::Inspection => &[
            ("community", Community(Field::Community)),
            ("service_id", Id),
            ("inspected_on", Day(Field::Date)),
            ("inspector", Line(Field::Actor, PEOPLE_LINE_MAX)),
            (
                "result",
                Code(Field::InspectionResult, ListKind::InspectionResult),
            ),
            ("finding", Text(Field::Content, NOTE_MAX)),
        ],
        Entity::Task => &[
            ("kind", Known(Field::RecordState, task_kind)),
            ("person_id", Id),
            ("community", Community(Field::Community)),
            ("source", Line(Field::Source, LINE_MAX)),
            (
                "category",
                OptCode(Field::AssistanceCategory, ListKind::AssistanceStatus),
            ),
            ("approved_on", OptDay(Field::ApprovalDate)),
            (
                "roster_status",
                OptKnown(Field::RosterStatus, roster_status),
            ),
            ("case_id", OptId),
            ("state", Known(Field::RecordState, task_state)),
            ("done_at", OptTime),
            ("done_by", OptLine(Field::Actor, CODE_MAX)),
            ("note", Text(Field::Note, NOTE_MAX)),
        ],
        Entity::Household => &[
            ("community", Community(Field::Community)),
            ("head_person_id", Id),
            ("address", OptLine(Field::Address, ADDRESS_MAX)),
            ("note", Text(Field::Note, NOTE_MAX)),
            ("closed_at", OptTime),
        ],
        Entity::DocumentWaiver => &[
            ("person_id", Id),
            ("kind", Code(Field::DocumentKind, ListKind::DocumentKind)),
            ("reason", Line(Field::Reason, LINE_MAX)),
            ("recorded_by", Line(Field::Actor, CODE_MAX)),
            ("withdrawn_at", OptTime),
            ("withdraw_reason", Text(Field::Reason, NOTE_MAX)),
        ],
        Entity::Transfer => &[
            ("person_id", Id),
            ("from_community", Community(Field::Community)),
            ("to_community", Community(Field::Community)),
            ("reason", Line(Field::Reason, LINE_MAX)),
            ("state", Known(Field::RecordState, transfer_state)),
            ("old_service_no", OptLine(Field::ServiceNo, CODE_MAX)),
            ("new_service_no", OptLine(Field::ServiceNo, CODE_MAX)),
            ("sent_at", Time),
            ("sent_by", Line(Field::Actor, CODE_MAX)),
            ("received_at", OptTime),
            ("received_by", OptLine(Field::Actor, CODE_MAX)),
        ],
    }
}

/// The columns a kind's rules cover, for the test that keeps them complete.
pub fn covered_columns(kind: Entity) -> Vec<&'static str> {
    META.iter().chain(rules(kind)).map(|(c, _)| *c).collect()
}

/// What the rules look things up in.
pub struct Context<'a> {
    /// The org tree of the receiving workstation.
    pub tree: &'a OrgTree,
    /// The catalogue.
    pub catalogue: &'a Catalogue,
    /// Today, for ID numbers (a birth date cannot be in the future).
    pub today: NaiveDate,
}

impl<'a> Context<'a> {
    /// The rules of this workstation: its tree, the compiled-in catalogue, today's date.
    pub fn new(tree: &'a OrgTree, today: NaiveDate) -> Context<'a> {
        Context {
            tree,
            catalogue: Catalogue::builtin(),
            today,
        }
    }
}

type Record = serde_json::Map<String, serde_json::Value>;

fn refuse(field: Field, reason: Reason) -> ValidationError {
    ValidationError::new(field, reason)
}

/// Checks a received record of `kind` against the rules: `Ok` or the first field that fails.
/// Columns the record does not carry (it was made before a migration added them) are not
/// asked for; unknown columns are refused by the import before this.
pub fn check(kind: Entity, record: &Record, cx: &Context<'_>) -> Result<(), ValidationError> {
    for (column, rule) in META.iter().chain(rules(kind)) {
        if let Some(value) = record.get(*column) {
            check_value(*rule, value, cx)?;
        }
    }
    Ok(())
}

/// Checks a received scan against its first bytes (`head`; `None` when neither the bundle nor
/// this workstation holds them): they must be a scan, and its name must not say another
/// format (`domain::document::stored_name`: a PDF named `.html` is refused). A name an older
/// release stored otherwise (`照片.JPEG`, no extension) is accepted: export names the file by
/// its bytes whatever the record says.
pub fn check_scan(file_name: &str, head: Option<&[u8]>) -> Result<(), ValidationError> {
    let format = head
        .and_then(|h| super::document::ScanFormat::sniff(h, file_name))
        .ok_or_else(|| refuse(Field::File, Reason::NotAScan))?;
    super::document::stored_name(file_name, format).map(|_| ())
}

/// A value that must be text, or `None` for `null`.
fn text_of(field: Field, v: &serde_json::Value) -> Result<Option<&str>, ValidationError> {
    match v {
        serde_json::Value::Null => Ok(None),
        serde_json::Value::String(s) => Ok(Some(s)),
        _ => Err(refuse(
            field,
            Reason::BadFormat {
                example: "example.received_text",
            },
        )),
    }
}

fn required(field: Field, v: Option<&str>) -> Result<&str, ValidationError> {
    v.ok_or_else(|| refuse(field, Reason::Required))
}

/// A stored single-line value: as the form leaves it (trimmed, no control characters), in
/// bounds.
fn line(field: Field, s: &str, max: usize) -> Result<(), ValidationError> {
    let clean = clean_line(field, s, max)?;
    if clean != s {
        return Err(refuse(field, Reason::ControlCharacter));
    }
    Ok(())
}

fn day(field: Field, s: &str) -> Result<(), ValidationError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(|_| ())
        .map_err(|_| refuse(field, Reason::BadDate))
}

fn time(s: &str) -> Result<(), ValidationError> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|_| ())
        .map_err(|_| refuse(Field::RecordTime, Reason::BadDate))
}

fn id(field: Field, s: &str) -> Result<(), ValidationError> {
    if s.is_empty() {
        return Err(refuse(field, Reason::Required));
    }
    if s.len() > ID_MAX || !s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err(refuse(
            field,
            Reason::BadFormat {
                example: "example.record_id",
            },
        ));
    }
    Ok(())
}

/// A unit code: well formed, and of the right tier when this workstation knows the unit. A
/// unit it does not know may be named (a person moving to a community of another subdistrict);
/// whose records a sender may create is `domain::scope`'s rule, which knows only known units.
fn org(field: Field, s: &str, tree: &OrgTree, community: bool) -> Result<(), ValidationError> {
    let code = parse_org_code(field, s)?;
    if code != s {
        return Err(refuse(field, Reason::ControlCharacter));
    }
    match tree.get(s) {
        Some(u) if community && u.tier() != Tier::Community => Err(refuse(
            field,
            Reason::NotACommunity {
                code: s.to_string(),
            },
        )),
        _ => Ok(()),
    }
}

fn code(field: Field, kind: ListKind, s: &str, cat: &Catalogue) -> Result<(), ValidationError> {
    if cat.contains(kind, s) {
        Ok(())
    } else {
        Err(not_known(field, s))
    }
}

fn not_known(field: Field, s: &str) -> ValidationError {
    refuse(
        field,
        Reason::NotInCatalogue {
            code: super::text::for_display(&s.chars().take(CODE_MAX).collect::<String>()),
        },
    )
}

fn integer(field: Field, v: &serde_json::Value, min: i64, max: i64) -> Result<(), ValidationError> {
    match v.as_i64() {
        Some(n) if (min..=max).contains(&n) => Ok(()),
        _ => Err(refuse(field, Reason::OutOfRange { min, max })),
    }
}

fn codes(field: Field, kind: ListKind, s: &str, cat: &Catalogue) -> Result<(), ValidationError> {
    let list: Vec<String> = serde_json::from_str(s).map_err(|_| {
        refuse(
            field,
            Reason::BadFormat {
                example: "example.received_codes",
            },
        )
    })?;
    list.iter().try_for_each(|c| code(field, kind, c, cat))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanLine {
    item: String,
    frequency: String,
    priority: String,
    provider_id: Option<String>,
}

fn plan(s: &str, cat: &Catalogue) -> Result<(), ValidationError> {
    let lines: Vec<PlanLine> = serde_json::from_str(s).map_err(|_| {
        refuse(
            Field::Needs,
            Reason::BadFormat {
                example: "example.received_codes",
            },
        )
    })?;
    for l in &lines {
        code(Field::Needs, ListKind::ServiceItem, &l.item, cat)?;
        code(Field::Frequency, ListKind::Frequency, &l.frequency, cat)?;
        code(Field::Priority, ListKind::Priority, &l.priority, cat)?;
        if let Some(p) = &l.provider_id {
            id(Field::Provider, p)?;
        }
    }
    Ok(())
}

fn received_json(field: Field) -> ValidationError {
    refuse(
        field,
        Reason::BadFormat {
            example: "example.received_codes",
        },
    )
}

fn price_lines(s: &str, cat: &Catalogue) -> Result<(), ValidationError> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Line {
        item: String,
        unit: String,
        price_fen: i64,
    }
    let lines: Vec<Line> = serde_json::from_str(s).map_err(|_| {
        refuse(
            Field::Needs,
            Reason::BadFormat {
                example: "example.received_codes",
            },
        )
    })?;
    if lines.is_empty() {
        return Err(refuse(Field::Needs, Reason::Required));
    }
    for (i, l) in lines.iter().enumerate() {
        code(Field::Needs, ListKind::ServiceItem, &l.item, cat)?;
        code(Field::PricingUnit, ListKind::PricingUnit, &l.unit, cat)?;
        if !(0..=MONEY_MAX_FEN).contains(&l.price_fen) {
            return Err(refuse(
                Field::UnitPrice,
                Reason::OutOfRange {
                    min: 0,
                    max: MONEY_MAX_FEN,
                },
            ));
        }
        if lines[..i].iter().any(|x| x.item == l.item) {
            return Err(refuse(Field::Needs, Reason::Duplicate));
        }
    }
    Ok(())
}

fn check_value(rule: Rule, v: &serde_json::Value, cx: &Context<'_>) -> Result<(), ValidationError> {
    let cat = cx.catalogue;
    match rule {
        Id => id(
            Field::RecordId,
            required(Field::RecordId, text_of(Field::RecordId, v)?)?,
        ),
        OptId => match text_of(Field::RecordId, v)? {
            Some(s) => id(Field::RecordId, s),
            None => Ok(()),
        },
        Version => integer(Field::RecordVersion, v, 1, i64::MAX),
        Time => time(required(Field::RecordTime, text_of(Field::RecordTime, v)?)?),
        OptTime => text_of(Field::RecordTime, v)?.map_or(Ok(()), time),
        Day(f) => day(f, required(f, text_of(f, v)?)?),
        OptDay(f) => text_of(f, v)?.map_or(Ok(()), |s| day(f, s)),
        Line(f, max) => {
            let s = required(f, text_of(f, v)?)?;
            if s.is_empty() {
                return Err(refuse(f, Reason::Required));
            }
            line(f, s, max)
        }
        OptLine(f, max) => text_of(f, v)?.map_or(Ok(()), |s| line(f, s, max)),
        Text(f, max) => match text_of(f, v)? {
            Some(s) => {
                let clean = clean_multiline(f, s, max)?;
                if clean != s.replace("\r\n", "\n").trim() {
                    return Err(refuse(f, Reason::ControlCharacter));
                }
                Ok(())
            }
            None => Ok(()),
        },
        Community(f) => org(f, required(f, text_of(f, v)?)?, cx.tree, true),
        Unit(f) => org(f, required(f, text_of(f, v)?)?, cx.tree, false),
        OptUnit(f) => text_of(f, v)?.map_or(Ok(()), |s| org(f, s, cx.tree, false)),
        Code(f, kind) => code(f, kind, required(f, text_of(f, v)?)?, cat),
        OptCode(f, kind) => text_of(f, v)?.map_or(Ok(()), |s| code(f, kind, s, cat)),
        Codes(f, kind) => codes(f, kind, required(f, text_of(f, v)?)?, cat),
        Known(f, known) => {
            let s = required(f, text_of(f, v)?)?;
            if known(s) {
                Ok(())
            } else {
                Err(not_known(f, s))
            }
        }
        OptKnown(f, known) => match text_of(f, v)? {
            Some(s) if !known(s) => Err(not_known(f, s)),
            _ => Ok(()),
        },
        Flag => integer(Field::RecordState, v, 0, 1),
        Int(f, min, max) => integer(f, v, min, max),
        OptInt(f, min, max) => match v {
            serde_json::Value::Null => Ok(()),
            _ => integer(f, v, min, max),
        },
        OptIdNumber => match text_of(Field::IdNumber, v)? {
            Some(s) => {
                let parsed = IdNumber::parse(s, cx.today)?;
                if parsed.as_str() != s {
                    return Err(refuse(
                        Field::IdNumber,
                        Reason::BadFormat {
                            example: "example.id_number",
                        },
                    ));
                }
                Ok(())
            }
            None => Ok(()),
        },
        OptPhone(f) => match text_of(f, v)? {
            Some(s) => match parse_phone(f, s)? {
                Some(stored) if stored == s => Ok(()),
                _ => Err(refuse(
                    f,
                    Reason::BadFormat {
                        example: "example.phone",
                    },
                )),
            },
            None => Ok(()),
        },
        Sha256 => sha256(required(Field::File, text_of(Field::File, v)?)?),
        OptSha256 => text_of(Field::File, v)?.map_or(Ok(()), sha256),
        Plan => plan(required(Field::Needs, text_of(Field::Needs, v)?)?, cat),
        OptCreditCode => match text_of(Field::CreditCode, v)? {
            Some(s) => {
                let parsed = super::credit_code::CreditCode::parse(s)?;
                if parsed.as_str() != s {
                    return Err(refuse(
                        Field::CreditCode,
                        Reason::BadFormat {
                            example: "example.credit_code",
                        },
                    ));
                }
                Ok(())
            }
            None => Ok(()),
        },
        Communities(f) => {
            let list: Vec<String> =
                serde_json::from_str(required(f, text_of(f, v)?)?).map_err(|_| {
                    refuse(
                        f,
                        Reason::BadFormat {
                            example: "example.received_codes",
                        },
                    )
                })?;
            if list.is_empty() {
                return Err(refuse(f, Reason::Required));
            }
            list.iter().try_for_each(|c| org(f, c, cx.tree, true))
        }
        PriceLines => price_lines(required(Field::Needs, text_of(Field::Needs, v)?)?, cat),
        SettlementLines => {
            let s = required(Field::Amount, text_of(Field::Amount, v)?)?;
            let lines: Vec<super::settlement::Line> =
                serde_json::from_str(s).map_err(|_| received_json(Field::Amount))?;
            for l in &lines {
                id(Field::RecordId, &l.service_id)?;
                id(Field::RecordId, &l.agreement_id)?;
                code(Field::Needs, ListKind::ServiceItem, &l.item, cat)?;
                code(Field::PricingUnit, ListKind::PricingUnit, &l.unit, cat)?;
                for fen in [l.unit_price.0, l.amount.0] {
                    if !(0..=MONEY_MAX_FEN).contains(&fen) {
                        return Err(refuse(
                            Field::Amount,
                            Reason::OutOfRange {
                                min: 0,
                                max: MONEY_MAX_FEN,
                            },
                        ));
                    }
                }
            }
            Ok(())
        }
        SettlementExcluded => {
            let s = required(Field::Amount, text_of(Field::Amount, v)?)?;
            let out: Vec<super::settlement::Excluded> =
                serde_json::from_str(s).map_err(|_| received_json(Field::Amount))?;
            out.iter()
                .try_for_each(|e| id(Field::RecordId, &e.service_id))
        }
        Trainings => {
            let s = required(Field::Course, text_of(Field::Course, v)?)?;
            let all: Vec<super::helper::Training> =
                serde_json::from_str(s).map_err(|_| received_json(Field::Course))?;
            for t in &all {
                line(Field::Course, &t.course, super::helper::LINE_MAX)?;
                line(Field::Organiser, &t.organiser, super::helper::LINE_MAX)?;
                if !(1..=super::helper::HOURS_MAX).contains(&t.hours) {
                    return Err(refuse(
                        Field::TrainingHours,
                        Reason::OutOfRange {
                            min: 1,
                            max: super::helper::HOURS_MAX,
                        },
                    ));
                }
            }
            Ok(())
        }
        SubsidyTerms => {
            let s = required(Field::SubsidyRate, text_of(Field::SubsidyRate, v)?)?;
            let r: super::subsidy::Rule =
                serde_json::from_str(s).map_err(|_| received_json(Field::SubsidyRate))?;
            for (f, fen) in [(Field::SubsidyRate, r.rate), (Field::SubsidyCap, r.cap)] {
                if !(1..=super::subsidy::RULE_MAX_FEN).contains(&fen.0) {
                    return Err(refuse(
                        f,
                        Reason::OutOfRange {
                            min: 0,
                            max: super::subsidy::RULE_MAX_FEN / 100,
                        },
                    ));
                }
            }
            Ok(())
        }
        SubsidyLines => {
            let s = required(Field::Amount, text_of(Field::Amount, v)?)?;
            let lines: Vec<super::subsidy::Line> =
                serde_json::from_str(s).map_err(|_| received_json(Field::Amount))?;
            for l in &lines {
                id(Field::Helper, &l.helper_id)?;
                let sane = (0..=MONEY_MAX_FEN).contains(&l.amount.0)
                    && (0..=MONEY_MAX_FEN).contains(&l.reckoned.0)
                    && l.visits >= 0
                    && l.minutes >= 0;
                if !sane {
                    return Err(refuse(
                        Field::Amount,
                        Reason::OutOfRange {
                            min: 0,
                            max: MONEY_MAX_FEN,
                        },
                    ));
                }
            }
            Ok(())
        }
        SubsidyExcluded => {
            let s = required(Field::Amount, text_of(Field::Amount, v)?)?;
            let out: Vec<super::subsidy::Excluded> =
                serde_json::from_str(s).map_err(|_| received_json(Field::Amount))?;
            out.iter()
                .try_for_each(|e| id(Field::RecordId, &e.visit_id))
        }
        SettlementAdjustments => {
            let s = required(Field::Amount, text_of(Field::Amount, v)?)?;
            let all: Vec<super::settlement::Adjustment> =
                serde_json::from_str(s).map_err(|_| received_json(Field::Amount))?;
            for a in &all {
                id(Field::Settlement, &a.corrects)?;
                if !month_code(&a.month) {
                    return Err(refuse(Field::Month, Reason::Required));
                }
                line(Field::Reason, &a.reason, LINE_MAX)?;
                line(Field::Actor, &a.by, CODE_MAX)?;
                if !(-MONEY_MAX_FEN..=MONEY_MAX_FEN).contains(&a.amount.0) {
                    return Err(refuse(
                        Field::Amount,
                        Reason::OutOfRange {
                            min: -MONEY_MAX_FEN,
                            max: MONEY_MAX_FEN,
                        },
                    ));
                }
            }
            Ok(())
        }
    }
}

fn sha256(s: &str) -> Result<(), ValidationError> {
    if s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err(refuse(
            Field::File,
            Reason::BadFormat {
                example: "example.sha256",
            },
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cx(tree: &OrgTree) -> Context<'_> {
        Context {
            tree,
            catalogue: Catalogue::builtin(),
            today: NaiveDate::from_ymd_opt(2026, 12, 3).unwrap(),
        }
    }

    fn person() -> Record {
        let v = serde_json::json!({
            "id": "01a23b1d-a839-7095-b31d-7969b29f2172",
            "origin": "01a23b1d-a839-7095-b31d-7969b29f2100",
            "version": 1,
            "created_at": "2026-11-01T00:00:00.000Z",
            "updated_at": "2026-11-01T00:00:00.000Z",
            "name": "张三",
            "id_number": "11010519491231002X",
            "sex": "female",
            "birth_date": "1949-12-31",
            "phone": "13800001234",
            "address": "洪都新村 1 栋",
            "community": "360104001001",
            "hukou_local": 1,
            "assistance_status": "none",
            "lives_alone": 0,
            "note": "第一行\n第二行",
            "status": "active",
        });
        match v {
            serde_json::Value::Object(m) => m,
            _ => unreachable!("a JSON object literal"),
        }
    }

    fn with(field: &str, value: serde_json::Value) -> Record {
        let mut r = person();
        r.insert(field.to_string(), value);
        r
    }

    #[test]
    fn a_person_as_the_form_makes_it_passes() {
        let tree = OrgTree::demo();
        assert_eq!(check(Entity::Person, &person(), &cx(&tree)), Ok(()));
    }

    #[test]
    fn what_a_keyboard_could_not_type_is_refused_with_its_field() {
        let tree = OrgTree::demo();
        let field = |r: Record| check(Entity::Person, &r, &cx(&tree)).unwrap_err();
        let e = field(with("name", "张\u{0}三".into()));
        assert_eq!((e.field, e.reason), (Field::Name, Reason::ControlCharacter));
        let e = field(with("name", "张\u{1b}[2J三".into()));
        assert_eq!(e.field, Field::Name);
        let e = field(with("name", "张\n三".into()));
        assert_eq!(e.reason, Reason::ControlCharacter);
        let e = field(with("name", "长".repeat(40_000).into()));
        assert_eq!(e.reason, Reason::TooLong { max: NAME_MAX });
        let e = field(with("name", "".into()));
        assert_eq!(e.reason, Reason::Required);
        let e = field(with("community", "3601\u{0}04".into()));
        assert_eq!(e.field, Field::Community);
        let e = field(with("community", "360104001".into()));
        assert!(
            matches!(e.reason, Reason::NotACommunity { .. }),
            "a subdistrict is not a community"
        );
        let e = field(with("id_number", "110105194912310021".into()));
        assert_eq!(e.field, Field::IdNumber);
        let e = field(with("assistance_status", "millionaire".into()));
        assert_eq!(e.field, Field::AssistanceStatus);
        let e = field(with("status", "deleted".into()));
        assert_eq!(e.field, Field::RecordState);
        let e = field(with("phone", "1380000123".into()));
        assert_eq!(e.field, Field::Phone);
        let e = field(with("hukou_local", 7.into()));
        assert!(matches!(e.reason, Reason::OutOfRange { .. }));
        let e = field(with("version", 0.into()));
        assert_eq!(e.field, Field::RecordVersion);
        let e = field(with("created_at", "yesterday".into()));
        assert_eq!(e.field, Field::RecordTime);
        let e = field(with("name", 3.into()));
        assert_eq!(e.field, Field::Name);
    }

    #[test]
    fn who_served_is_as_long_as_the_service_form_takes_it() {
        let tree = OrgTree::demo();
        let service = |served_by: &str| {
            let v = serde_json::json!({
                "id": "s1", "origin": "o1", "version": 1,
                "created_at": "2026-11-01T00:00:00.000Z", "updated_at": "2026-11-01T00:00:00.000Z",
                "registration_id": "r1", "case_id": "c1", "provider_id": "p1", "item": "cleaning",
                "served_on": "2026-11-01", "minutes": 60, "served_by": served_by,
                "content": "打扫卫生", "confirmed": 1, "satisfaction": null,
            });
            let serde_json::Value::Object(m) = v else {
                unreachable!("a JSON object literal")
            };
            check(Entity::Service, &m, &cx(&tree))
        };
        assert_eq!(service(&"张".repeat(PEOPLE_LINE_MAX)), Ok(()));
        assert!(service(&"张".repeat(PEOPLE_LINE_MAX + 1)).is_err());
    }

    #[test]
    fn notes_keep_their_line_breaks_but_no_other_controls() {
        let tree = OrgTree::demo();
        assert_eq!(
            check(Entity::Person, &with("note", "a\n\tb".into()), &cx(&tree)),
            Ok(())
        );
        let e = check(Entity::Person, &with("note", "a\u{7}b".into()), &cx(&tree)).unwrap_err();
        assert_eq!((e.field, e.reason), (Field::Note, Reason::ControlCharacter));
    }

    #[test]
    fn a_scan_is_named_by_its_bytes() {
        let pdf: &[u8] = b"%PDF-1.7\n";
        assert_eq!(check_scan("户口本.pdf", Some(pdf)), Ok(()));
        let e = check_scan("scan.html", Some(pdf)).unwrap_err();
        assert!(
            matches!(e.reason, Reason::ExtensionMismatch { .. }),
            "{e:?}"
        );
        assert_eq!(
            check_scan("run.bat", Some(b"@echo off"))
                .unwrap_err()
                .reason,
            Reason::NotAScan
        );
        assert_eq!(
            check_scan("户口本.pdf", None).unwrap_err().reason,
            Reason::NotAScan,
            "no bytes to tell"
        );
        // Names older releases stored stay acceptable.
        assert_eq!(check_scan("户口本", Some(pdf)), Ok(()));
        assert_eq!(check_scan("照片.JPEG", Some(b"\xFF\xD8\xFF\xE0")), Ok(()));
    }

    #[test]
    fn a_plan_names_known_items_frequencies_and_priorities() {
        let tree = OrgTree::demo();
        let good = r#"[{"item":"cleaning","frequency":"twice_weekly","priority":"normal","provider_id":"01a23b1d-a839-7095-b31d-7969b29f2172"}]"#;
        assert_eq!(plan(good, Catalogue::builtin()), Ok(()));
        let bad = good.replace("cleaning", "gold");
        assert_eq!(
            plan(&bad, Catalogue::builtin()).unwrap_err().field,
            Field::Needs
        );
        assert!(plan("[{\"item\":1}]", Catalogue::builtin()).is_err());
        let _ = tree;
    }
}
