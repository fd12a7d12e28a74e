//! Field-level validation errors: which field, and why, in words a caseworker reads.

use crate::domain::catalogue::{Catalogue, ListKind};
use crate::i18n::{t, tf, Lang, Localize};

/// The labels of `codes` in `lang`, joined as a list is written.
fn labels(kind: ListKind, codes: &[String], lang: Lang) -> String {
    let cat = Catalogue::builtin();
    let sep = t(lang, "form.list_separator");
    codes
        .iter()
        .map(|c| cat.label(kind, c, lang))
        .collect::<Vec<_>>()
        .join(sep)
}

/// A field a person fills in; its label comes from the string table (`field.*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Name,
    EscrowRecipient,
    IdNumber,
    Phone,
    Address,
    BirthDate,
    Date,
    OrgCode,
    OrgName,
    ParentCode,
    Tier,
    Username,
    RevealReason,
    Password,
    Role,
    Community,
    Difficulty,
    KeyGroup,
    Source,
    Reporter,
    Note,
    Reason,
    Category,
    SelfCare,
    AssistanceStatus,
    CertificateNo,
    DisabilityType,
    DisabilityGrade,
    DisabilityCert,
    Diseases,
    GuardianName,
    GuardianPhone,
    GuardianStatus,
    Income,
    HouseholdSize,
    Housing,
    CareSituation,
    SecondInvestigator,
    ReviewOutcome,
    Reviewer,
    ResumeDate,
    StopDate,
    Approver,
    EmergencyContact,
    Query,
    Persons,
    Needs,
    ProviderName,
    ProviderKind,
    CardNo,
    Minutes,
    Frequency,
    Priority,
    Provider,
    DocumentKind,
    File,
    Place,
    Channel,
    Content,
    InspectionResult,
    PeriodEnd,
    Answer,
    Format,
    /// 月份 of a monthly report.
    Month,
    /// 年度 of a yearly report.
    Year,
    /// 救助类别 of a roster row.
    AssistanceCategory,
    /// 审批日期 of a roster row.
    ApprovalDate,
    /// 状态 (新增, 变更, 注销) of a roster row.
    RosterStatus,
    /// One of the workstation's time limits (系统设置 → 时限).
    Limit(crate::domain::timeliness::Limit),
    /// 与户主关系 of a household member.
    Relation,
    /// 性别
    Sex,
    /// 服务号
    ServiceNo,
    /// 满意度 of a service.
    Satisfaction,
    /// A received record's state or status code.
    RecordState,
    /// A received record's id or a reference to another record.
    RecordId,
    /// A received record's version.
    RecordVersion,
    /// A time a received record carries (created, changed, closed …).
    RecordTime,
    /// The user a received record names as having acted (recorded, posted, inspected …).
    Actor,
    /// 公示起始日期
    PeriodStart,
    /// 交办单位 of a complaint.
    AssignedUnit,
    /// 办理期限 of a complaint.
    DueDate,
    /// 涉及对象: the person a complaint concerns, as typed (name, 服务号, ID number).
    PersonConcerned,
    /// 涉及服务: the service record a complaint concerns (its day).
    ServiceConcerned,
    /// 单位全称: the full official name a seal reads.
    OrgFullName,
    /// 社会救助服务电话, printed on public lists.
    ServicePhone,
    /// 监督电话, printed on public lists.
    SupervisionPhone,
    /// 统一社会信用代码 of a provider.
    CreditCode,
    /// 资质类别 of a provider.
    QualificationKind,
    /// 资质证书编号.
    QualificationNo,
    /// 资质有效期至.
    QualificationValidUntil,
    /// 协议编号.
    AgreementNo,
    /// 购买单位 of an agreement.
    Buyer,
    /// 签订日期.
    SignedOn,
    /// 协议起始日期.
    AgreementFrom,
    /// 协议终止日期.
    AgreementTo,
    /// 计价单位.
    PricingUnit,
    /// 单价（元）.
    UnitPrice,
    /// 金额上限（元）.
    Ceiling,
    /// 金额 of a settlement.
    Amount,
    /// 支付日期.
    PaidOn,
    /// 凭证号.
    VoucherNo,
    /// 资金来源.
    FundSource,
    /// 措施 (one of the seven measures).
    Measure,
    /// 结算单 (the one corrected).
    Settlement,
    /// 互助员.
    Helper,
    /// 培训课程.
    Course,
    /// 培训组织单位.
    Organiser,
    /// 培训学时.
    TrainingHours,
    /// 开户银行.
    BankName,
    /// 银行账号.
    BankAccount,
    /// 结对.
    Pairing,
    /// 补贴标准.
    SubsidyRate,
    /// 每月补贴上限.
    SubsidyCap,
    /// 补贴计算方式.
    SubsidyBasis,
    /// 补贴发放表.
    SubsidyList,
}

impl Field {
    /// The string-table key of this field's label.
    pub fn key(self) -> &'static str {
        match self {
            Field::Name => "field.name",
            Field::IdNumber => "field.id_number",
            Field::Phone => "field.phone",
            Field::Address => "field.address",
            Field::BirthDate => "field.birth_date",
            Field::Date => "field.date",
            Field::OrgCode => "field.org_code",
            Field::OrgName => "field.org_name",
            Field::ParentCode => "field.parent_code",
            Field::Tier => "field.tier",
            Field::Username => "field.username",
            Field::RevealReason => "field.reveal_reason",
            Field::Password => "field.password",
            Field::Role => "field.role",
            Field::Community => "field.community",
            Field::Difficulty => "field.difficulty",
            Field::KeyGroup => "field.key_group",
            Field::Source => "field.source",
            Field::Reporter => "field.reporter",
            Field::Note => "field.note",
            Field::Reason => "field.reason",
            Field::Category => "field.category",
            Field::SelfCare => "field.self_care",
            Field::AssistanceStatus => "field.assistance_status",
            Field::CertificateNo => "field.certificate_no",
            Field::DisabilityType => "field.disability_type",
            Field::DisabilityGrade => "field.disability_grade",
            Field::DisabilityCert => "field.disability_cert",
            Field::Diseases => "field.diseases",
            Field::GuardianName => "field.guardian_name",
            Field::GuardianPhone => "field.guardian_phone",
            Field::GuardianStatus => "field.guardian_status",
            Field::Income => "field.income",
            Field::HouseholdSize => "field.household_size",
            Field::Housing => "field.housing",
            Field::CareSituation => "field.care_situation",
            Field::SecondInvestigator => "field.second_investigator",
            Field::ReviewOutcome => "field.review_outcome",
            Field::Reviewer => "field.reviewer",
            Field::ResumeDate => "field.resume_date",
            Field::StopDate => "field.stop_date",
            Field::Approver => "field.approver",
            Field::EmergencyContact => "field.emergency_contact",
            Field::Query => "field.query",
            Field::Persons => "field.persons",
            Field::Needs => "field.needs",
            Field::ProviderName => "field.provider_name",
            Field::ProviderKind => "field.provider_kind",
            Field::CardNo => "field.card_no",
            Field::Minutes => "field.minutes",
            Field::Frequency => "field.frequency",
            Field::Priority => "field.priority",
            Field::Provider => "field.provider",
            Field::DocumentKind => "field.document_kind",
            Field::File => "field.file",
            Field::Place => "field.place",
            Field::Channel => "field.channel",
            Field::Content => "field.content",
            Field::InspectionResult => "field.inspection_result",
            Field::PeriodEnd => "field.period_end",
            Field::Answer => "field.answer",
            Field::Format => "field.format",
            Field::Month => "field.month",
            Field::Year => "field.year",
            Field::EscrowRecipient => "field.escrow_recipient",
            Field::AssistanceCategory => "field.assistance_category",
            Field::ApprovalDate => "field.approval_date",
            Field::RosterStatus => "field.roster_status",
            Field::Limit(l) => l.label_key(),
            Field::Relation => "field.relation",
            Field::Sex => "field.sex",
            Field::ServiceNo => "field.service_no",
            Field::Satisfaction => "field.satisfaction",
            Field::RecordState => "field.record_state",
            Field::RecordId => "field.record_id",
            Field::RecordVersion => "field.record_version",
            Field::RecordTime => "field.record_time",
            Field::Actor => "field.actor",
            Field::PeriodStart => "field.period_start",
            Field::AssignedUnit => "field.assigned_unit",
            Field::DueDate => "field.due_date",
            Field::PersonConcerned => "field.person_concerned",
            Field::ServiceConcerned => "field.service_concerned",
            Field::OrgFullName => "field.org_full_name",
            Field::ServicePhone => "field.service_phone",
            Field::SupervisionPhone => "field.supervision_phone",
            Field::CreditCode => "field.credit_code",
            Field::QualificationKind => "field.qualification_kind",
            Field::QualificationNo => "field.qualification_no",
            Field::QualificationValidUntil => "field.qualification_valid_until",
            Field::AgreementNo => "field.agreement_no",
            Field::Buyer => "field.buyer",
            Field::SignedOn => "field.signed_on",
            Field::AgreementFrom => "field.agreement_from",
            Field::AgreementTo => "field.agreement_to",
            Field::PricingUnit => "field.pricing_unit",
            Field::UnitPrice => "field.unit_price",
            Field::Ceiling => "field.ceiling",
            Field::Amount => "field.amount",
            Field::PaidOn => "field.paid_on",
            Field::VoucherNo => "field.voucher_no",
            Field::FundSource => "field.fund_source",
            Field::Measure => "field.measure",
            Field::Settlement => "field.settlement",
            Field::Helper => "field.helper",
            Field::Course => "field.course",
            Field::Organiser => "field.organiser",
            Field::TrainingHours => "field.training_hours",
            Field::BankName => "field.bank_name",
            Field::BankAccount => "field.bank_account",
            Field::Pairing => "field.pairing",
            Field::SubsidyRate => "field.subsidy_rate",
            Field::SubsidyCap => "field.subsidy_cap",
            Field::SubsidyBasis => "field.subsidy_basis",
            Field::SubsidyList => "field.subsidy_list",
        }
    }
}

/// Why a value was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// Nothing was given where something is needed.
    Required,
    /// Longer than `max` characters.
    TooLong { max: usize },
    /// Contains a control character or escape sequence.
    ControlCharacter,
    /// An 18-digit ID number of another length.
    WrongLength { len: usize },
    /// A character that may not stand at `position` (1-based).
    BadCharacter { position: usize },
    /// A character of a 统一社会信用代码 outside its alphabet (or a letter in its region
    /// part) at `position` (1-based).
    BadCodeCharacter { position: usize },
    /// The first six digits are not a region code.
    BadRegion,
    /// Not a real calendar date.
    BadDate,
    /// An ID number whose birth date is not a real calendar date.
    BadBirthDate,
    /// A date that has not happened yet.
    FutureDate,
    /// The 18th character does not match; `expected` is the right one.
    BadCheckDigit { expected: char },
    /// Not in the expected shape (the string-table key `example` shows one).
    BadFormat { example: &'static str },
    /// A code that the catalogue does not hold.
    NotInCatalogue { code: String },
    /// A number outside `min..=max`.
    OutOfRange { min: i64, max: i64 },
    /// Already used by another record.
    Duplicate,
    /// A provider binding for an account that is not a provider staff account.
    NotProviderStaff,
    /// A path that is not a regular file (a folder, a device).
    NotAFile,
    /// A file larger than `max_mb` megabytes.
    FileTooLarge { max_mb: u64 },
    /// Not a scan: not PDF, JPEG, PNG, TIFF or OFD by its first bytes.
    NotAScan,
    /// The name's extension says another kind of file than the content is (`content` is the
    /// format's label, `extension` the name's, without the dot).
    ExtensionMismatch {
        content: &'static str,
        extension: String,
    },
    /// A spreadsheet turned an ID number into a floating-point number: its digits are lost.
    ScientificNotation,
    /// An 18-digit ID number from a CSV ending in `000`: what is left when a spreadsheet kept
    /// the number to its 15 significant digits.
    DigitsLost,
    /// A value that is none of the accepted words; `accepted` is the string-table key
    /// listing them.
    NotAccepted {
        value: String,
        accepted: &'static str,
    },
    /// A name that several org units share.
    AmbiguousName,
    /// The list names someone else than the archive does for the same ID number.
    NameMismatch { listed: String, stored: String },
    /// The user may not change records of this community.
    NotPermitted { community: String },
    /// A unit code that names a unit which is not a community where a community is asked for.
    NotACommunity { code: String },
    /// The person's 救助身份 `status` does not support the category; `allowed` do.
    CategoryStatus {
        status: String,
        allowed: Vec<String>,
    },
    /// The category needs one of the self-care levels `allowed` (生活不能自理).
    CategorySelfCare { allowed: Vec<String> },
    /// The category needs one of the guardian situations `allowed` recorded on the person.
    CategoryGuardian { allowed: Vec<String> },
    /// The category is for persons whose 户籍 is not local.
    CategoryNonLocal,
    /// The account that assessed may not also decide (maker-checker).
    SameAccount { account: String },
    /// An earlier step of the case must be redone first (string-table key of what).
    Inconsistent { what: &'static str },
    /// A day earlier than `day` (`YYYY-MM-DD`), the first it may be.
    NotBefore { day: String },
    /// A document the archive already holds a scan of.
    AlreadyFiled,
    /// Nothing on record matches what was typed.
    NoMatch,
    /// `n` records match what was typed; more is needed to tell which.
    SeveralMatch { n: usize },
    /// The service record named is not one of the person named.
    NotThePersons,
    /// `n` service records of the day match; the provider tells which.
    SeveralServices { n: usize },
    /// More than the fund source holds: its balance and what was to be spent, in 元.
    Overspent { balance: String, amount: String },
}

impl Localize for Reason {
    fn localize(&self, lang: Lang) -> String {
        match self {
            Reason::Required => t(lang, "reason.required").to_string(),
            Reason::TooLong { max } => tf(lang, "reason.too_long", &[("max", &max.to_string())]),
            Reason::ControlCharacter => t(lang, "reason.control_character").to_string(),
            Reason::WrongLength { len } => {
                tf(lang, "reason.wrong_length", &[("len", &len.to_string())])
            }
            Reason::BadCharacter { position } => tf(
                lang,
                "reason.bad_character",
                &[("position", &position.to_string())],
            ),
            Reason::BadCodeCharacter { position } => tf(
                lang,
                "reason.bad_code_character",
                &[("position", &position.to_string())],
            ),
            Reason::BadRegion => t(lang, "reason.bad_region").to_string(),
            Reason::BadDate => t(lang, "reason.bad_date").to_string(),
            Reason::BadBirthDate => t(lang, "reason.bad_birth_date").to_string(),
            Reason::FutureDate => t(lang, "reason.future_date").to_string(),
            Reason::BadCheckDigit { expected } => tf(
                lang,
                "reason.bad_check_digit",
                &[("expected", &expected.to_string())],
            ),
            Reason::BadFormat { example } => {
                tf(lang, "reason.bad_format", &[("example", t(lang, example))])
            }
            Reason::NotInCatalogue { code } => {
                tf(lang, "reason.not_in_catalogue", &[("code", code)])
            }
            Reason::OutOfRange { min, max } => tf(
                lang,
                "reason.out_of_range",
                &[("min", &min.to_string()), ("max", &max.to_string())],
            ),
            Reason::Duplicate => t(lang, "reason.duplicate").to_string(),
            Reason::NotProviderStaff => t(lang, "reason.not_provider_staff").to_string(),
            Reason::NotAFile => t(lang, "reason.not_a_file").to_string(),
            Reason::FileTooLarge { max_mb } => tf(
                lang,
                "reason.file_too_large",
                &[("max", &max_mb.to_string())],
            ),
            Reason::NotAScan => t(lang, "reason.not_a_scan").to_string(),
            Reason::ExtensionMismatch { content, extension } => tf(
                lang,
                "reason.extension_mismatch",
                &[("content", content), ("extension", extension)],
            ),
            Reason::ScientificNotation => t(lang, "reason.scientific_notation").to_string(),
            Reason::DigitsLost => t(lang, "reason.digits_lost").to_string(),
            Reason::NotAccepted { value, accepted } => tf(
                lang,
                "reason.not_accepted",
                &[("value", value), ("accepted", t(lang, accepted))],
            ),
            Reason::AmbiguousName => t(lang, "reason.ambiguous_name").to_string(),
            Reason::NameMismatch { listed, stored } => tf(
                lang,
                "reason.name_mismatch",
                &[("listed", listed), ("stored", stored)],
            ),
            Reason::NotPermitted { community } => {
                tf(lang, "reason.not_permitted", &[("community", community)])
            }
            Reason::NotACommunity { code } => tf(lang, "reason.not_a_community", &[("code", code)]),
            Reason::CategoryStatus { status, allowed } => tf(
                lang,
                "reason.category_status",
                &[
                    (
                        "status",
                        labels(
                            ListKind::AssistanceStatus,
                            std::slice::from_ref(status),
                            lang,
                        )
                        .as_str(),
                    ),
                    (
                        "allowed",
                        &labels(ListKind::AssistanceStatus, allowed, lang),
                    ),
                ],
            ),
            Reason::CategorySelfCare { allowed } => tf(
                lang,
                "reason.category_self_care",
                &[("allowed", &labels(ListKind::SelfCare, allowed, lang))],
            ),
            Reason::CategoryGuardian { allowed } => tf(
                lang,
                "reason.category_guardian",
                &[("allowed", &labels(ListKind::GuardianStatus, allowed, lang))],
            ),
            Reason::CategoryNonLocal => t(lang, "reason.category_non_local").to_string(),
            Reason::SameAccount { account } => {
                tf(lang, "reason.same_account", &[("account", account)])
            }
            Reason::Inconsistent { what } => t(lang, what).to_string(),
            Reason::NotBefore { day } => tf(lang, "reason.not_before", &[("day", day)]),
            Reason::Overspent { balance, amount } => tf(
                lang,
                "reason.overspent",
                &[("balance", balance), ("amount", amount)],
            ),
            Reason::AlreadyFiled => t(lang, "reason.already_filed").to_string(),
            Reason::NoMatch => t(lang, "reason.no_match").to_string(),
            Reason::SeveralMatch { n } => {
                tf(lang, "reason.several_match", &[("n", &n.to_string())])
            }
            Reason::NotThePersons => t(lang, "reason.not_the_persons").to_string(),
            Reason::SeveralServices { n } => {
                tf(lang, "reason.several_services", &[("n", &n.to_string())])
            }
        }
    }
}

/// A refused field value: the field and the reason, never the value itself (it may be personal).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {field:?}: {reason:?}")]
pub struct ValidationError {
    /// Which field.
    pub field: Field,
    /// Why.
    pub reason: Reason,
}

impl ValidationError {
    /// Shorthand constructor.
    pub fn new(field: Field, reason: Reason) -> Self {
        ValidationError { field, reason }
    }
}

impl Localize for ValidationError {
    fn localize(&self, lang: Lang) -> String {
        tf(
            lang,
            "error.validation",
            &[
                ("field", t(lang, self.field.key())),
                ("reason", &self.reason.localize(lang)),
            ],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_names_field_and_reason_in_both_languages() {
        let e = ValidationError::new(Field::IdNumber, Reason::BadCheckDigit { expected: 'X' });
        let zh = e.localize(Lang::ZhCn);
        assert!(zh.contains("身份证号"), "{zh}");
        assert!(zh.contains('X'), "{zh}");
        let en = e.localize(Lang::En);
        assert!(en.contains("ID number"), "{en}");
    }
}
