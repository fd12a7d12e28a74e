//! The printable forms of one person: the service card (社会救助服务卡, on A4 or as a compact
//! wallet card), the needs determination form (需求认定表) and the record of services received
//! (接受救助服务情况表). Built from the records; the caller decides what the reader may see
//! (the ID number arrives already masked when it must be, and [`PersonSheet::disclosure`]
//! masks the rest the way the screen does).

use chrono::NaiveDate;

use super::layout::{escape, phone_lines, Cell, Doc, Sheet, Signer};
use crate::domain::case::{Case, CaseState, Decision};
use crate::domain::catalogue::{Catalogue, ListKind};
use crate::domain::clue::Clue;
use crate::domain::date::official;
use crate::domain::person::{Disclosure, Person};
use crate::domain::provider::Provider;
use crate::domain::service::ServiceRecord;
use crate::i18n::{t, tf, Lang};

/// What every form of a person is printed with.
pub struct PersonSheet<'a> {
    /// The person.
    pub person: &'a Person,
    /// How this reader sees their phone, address and birth date.
    pub disclosure: Disclosure,
    /// Their ID number as this reader may see it (full or masked), or empty.
    pub id_number: String,
    /// Name of the person's community.
    pub community_name: &'a str,
    /// The community's full official name, as its seal reads.
    pub community_seal: &'a str,
    /// The full official name of the unit that issues and files the forms (the subdistrict),
    /// as its seal reads.
    pub issuer_seal: &'a str,
    /// 社会救助服务电话; empty: not printed.
    pub service_phone: &'a str,
    /// 监督电话; empty: not printed.
    pub supervision_phone: &'a str,
    /// Every provider, to name those of the plan and of the services.
    pub providers: &'a [Provider],
    /// The day its service card was issued (发卡日期), if it has been.
    pub card_issued_on: Option<NaiveDate>,
    /// The day it is printed.
    pub printed_on: NaiveDate,
    /// Who prints it: the account's real name (实名), never its login name.
    pub printed_by: &'a str,
}

fn label(kind: ListKind, code: &str, lang: Lang) -> &str {
    Catalogue::builtin().label(kind, code, lang)
}

fn opt_label(kind: ListKind, code: Option<&str>, lang: Lang) -> String {
    code.map(|c| label(kind, c, lang).to_string())
        .unwrap_or_default()
}

fn date_text(d: Option<NaiveDate>, lang: Lang) -> String {
    d.map(|d| official(d, lang)).unwrap_or_default()
}

/// The person's name and 服务号, at the top right of every page of their forms.
fn running_head(s: &PersonSheet<'_>, lang: Lang) -> String {
    tf(
        lang,
        "print.running_head",
        &[
            ("name", &s.person.facts.name),
            ("no", s.person.service_no.as_deref().unwrap_or("—")),
        ],
    )
}

fn provider_of<'a>(s: &PersonSheet<'a>, id: Option<&str>) -> Option<&'a Provider> {
    id.and_then(|id| s.providers.iter().find(|p| p.meta.id == id))
}

fn footer(s: &PersonSheet<'_>, lang: Lang) -> String {
    tf(
        lang,
        "print.footer",
        &[
            ("user", s.printed_by),
            ("date", &date_text(Some(s.printed_on), lang)),
        ],
    )
}

fn sex_text(p: &Person, lang: Lang) -> String {
    p.facts
        .sex
        .map(|x| t(lang, x.label_key()).to_string())
        .unwrap_or_default()
}

/// The rows of the plan: number, item, frequency, provider, its phone.
fn plan_rows(s: &PersonSheet<'_>, case: &Case, lang: Lang) -> Vec<Vec<String>> {
    case.plan_lines()
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let p = provider_of(s, line.provider_id.as_deref());
            vec![
                (i + 1).to_string(),
                label(ListKind::ServiceItem, &line.item, lang).to_string(),
                label(ListKind::Frequency, &line.frequency, lang).to_string(),
                p.map(|p| p.name.clone())
                    .unwrap_or_else(|| t(lang, "print.provider_pending").to_string()),
                p.and_then(|p| p.phone.clone()).unwrap_or_default(),
            ]
        })
        .collect()
}

/// The service card on A4: the holder, the card, and every item with who serves it.
pub fn card_a4(s: &PersonSheet<'_>, case: &Case, lang: Lang) -> String {
    let p = s.person;
    let mut d = Doc::new(Sheet::A4Portrait, t(lang, "print.card_title"), lang)
        .running_head(&running_head(s, lang));
    d.heading(t(lang, "print.card_title")).meta(
        &tf(lang, "print.issuer", &[("org", s.issuer_seal)]),
        &tf(
            lang,
            "print.card_no_version",
            &[
                ("card", case.card_no.as_deref().unwrap_or("")),
                ("version", &case.card_version.to_string()),
            ],
        ),
    );
    // Long numbers (服务号, ID number) take the wide cells, so none breaks inside.
    d.grid(&[
        vec![
            Cell::label(t(lang, "field.name")),
            Cell::data(&p.facts.name),
            Cell::label(t(lang, "field.sex")),
            Cell::data(sex_text(p, lang)),
            Cell::label(t(lang, "field.community")),
            Cell::data(s.community_name),
        ],
        vec![
            Cell::label(t(lang, "detail.service_no")),
            Cell::data(p.service_no.clone().unwrap_or_default()).span(3),
            Cell::label(t(lang, "field.self_care")),
            Cell::data(opt_label(
                ListKind::SelfCare,
                case.self_care.as_deref(),
                lang,
            )),
        ],
        vec![
            Cell::label(t(lang, "field.id_number")),
            Cell::data(&s.id_number).span(3),
            Cell::label(t(lang, "print.issued_on")),
            Cell::data(date_text(s.card_issued_on, lang)),
        ],
        vec![
            Cell::label(t(lang, "field.category")),
            Cell::data(opt_label(
                ListKind::RecipientCategory,
                case.category.as_deref(),
                lang,
            ))
            .span(3),
            Cell::label(t(lang, "print.valid_until")),
            Cell::data(date_text(case.card_valid_until, lang)),
        ],
    ]);
    d.section(t(lang, "print.items"));
    d.list(
        &[
            t(lang, "print.no"),
            t(lang, "print.item"),
            t(lang, "field.frequency"),
            t(lang, "field.provider"),
            t(lang, "field.phone"),
        ],
        &plan_rows(s, case, lang),
        &[0],
    );
    d.keep_start().note(t(lang, "print.card_rules"));
    for line in phone_lines(s.service_phone, s.supervision_phone, lang) {
        d.para(&line);
    }
    d.signatures(
        &[Signer::unit(t(lang, "print.seal_issuer"), s.issuer_seal)],
        t(lang, "print.date_line"),
    )
    .keep_end();
    d.footer(&footer(s, lang));
    d.finish()
}

const CARD_CSS: &str = r#"
.piece{display:flex;width:171.2mm;height:54mm;outline:0.8pt solid #000;margin:9mm 0 2mm;break-inside:avoid;page-break-inside:avoid}
.side{position:relative;width:85.6mm;height:54mm;padding:3mm 4mm;font-size:8.5pt;line-height:1.35}
.side.back{border-left:0.8pt dashed #000}
.side h3{margin:0 0 1.5mm;font-size:11pt;text-align:center;font-family:"SimHei","黑体","Heiti SC","Noto Sans CJK SC",sans-serif}
.side h4{margin:0 0 1mm;font-size:8.5pt;font-weight:bold}
.side .big{font-size:12pt;font-weight:bold}
.side .seal{position:absolute;right:4mm;bottom:3mm;width:20mm;height:20mm;border:0.5pt dotted #666;border-radius:50%;font-size:7pt;color:#666;display:flex;align-items:center;justify-content:center}
.side table{margin:0 0 1mm}
.side td,.side th{border:0.5pt solid #000;padding:0.4mm 1mm;font-size:7.5pt}
.side .small{font-size:7pt;line-height:1.3}
.cut{font-size:8pt;color:#555;margin:0}
"#;

/// How many items the back of the first card holds beside the phones and notes.
const ITEMS_ON_FIRST_BACK: usize = 3;

/// How many items one side of a continuation card holds.
const ITEMS_PER_SIDE: usize = 5;

/// One side's table of items: item, provider, its phone.
fn items_table(rows: &[Vec<String>], lang: Lang) -> String {
    let mut out = String::from("<table><tr>");
    for h in [
        t(lang, "print.item"),
        t(lang, "field.provider"),
        t(lang, "field.phone"),
    ] {
        out.push_str(&format!("<th>{}</th>", escape(h)));
    }
    out.push_str("</tr>");
    for row in rows {
        out.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&row[1]),
            escape(&row[3]),
            escape(&row[4])
        ));
    }
    out.push_str("</table>");
    out
}

/// The compact card: a wallet-size (85.6 × 54 mm) card printed as one piece, front and back
/// side by side, to cut out along the solid line, fold on the dashed one and laminate. The
/// front names the holder and the issuing unit with room for its seal; the back lists the
/// items, the public phones and how to use the card. Items beyond what one back holds go on
/// to continuation cards (续卡) printed below, so none is hidden.
pub fn card_compact(s: &PersonSheet<'_>, case: &Case, lang: Lang) -> String {
    let p = s.person;
    let no = p.service_no.as_deref().unwrap_or("");
    let mut d = Doc::new(Sheet::A4Landscape, t(lang, "print.card_title"), lang)
        .with_css(CARD_CSS)
        .running_head(&running_head(s, lang));
    let line = |k: &str, v: &str| {
        format!(
            "<div>{}：<span class=\"big\">{}</span></div>",
            escape(k),
            escape(v)
        )
    };
    let plain = |k: &str, v: &str| format!("<div>{}：{}</div>", escape(k), escape(v));
    let rows = plan_rows(s, case, lang);
    let (first, rest) = rows.split_at(rows.len().min(ITEMS_ON_FIRST_BACK));
    let more: Vec<&[Vec<String>]> = rest.chunks(ITEMS_PER_SIDE).collect();
    let pieces = 1 + more.len().div_ceil(2);
    let mut html = format!("<p class=\"cut\">{}</p>", escape(t(lang, "print.cut_here")));
    html.push_str("<div class=\"piece\"><div class=\"side front\">");
    html.push_str(&format!("<h3>{}</h3>", escape(t(lang, "print.card_title"))));
    html.push_str(&line(t(lang, "field.name"), &p.facts.name));
    html.push_str(&line(t(lang, "detail.service_no"), no));
    html.push_str(&format!(
        "<div>{}：{}（{}）</div>",
        escape(t(lang, "field.card_no")),
        escape(case.card_no.as_deref().unwrap_or("")),
        escape(&tf(
            lang,
            "print.version",
            &[("version", &case.card_version.to_string())]
        ))
    ));
    html.push_str(&plain(t(lang, "field.community"), s.community_name));
    html.push_str(&plain(
        t(lang, "print.issued_on"),
        &date_text(s.card_issued_on, lang),
    ));
    html.push_str(&plain(
        t(lang, "print.valid_until"),
        &date_text(case.card_valid_until, lang),
    ));
    html.push_str(&format!(
        "<div class=\"small\">{}</div><div class=\"seal\">{}</div></div>",
        escape(&tf(lang, "print.issuer", &[("org", s.issuer_seal)])),
        escape(t(lang, "print.seal_here")),
    ));
    html.push_str("<div class=\"side back\">");
    if pieces > 1 {
        html.push_str(&format!(
            "<h4>{}</h4>",
            escape(&tf(
                lang,
                "print.card_items_of",
                &[("n", &pieces.to_string())]
            ))
        ));
    }
    html.push_str(&items_table(first, lang));
    html.push_str("<div class=\"small\">");
    for l in phone_lines(s.service_phone, s.supervision_phone, lang) {
        html.push_str(&format!("<div>{}</div>", escape(&l)));
    }
    html.push_str(&format!(
        "<div>{}</div></div></div></div>",
        escape(t(lang, "print.card_notes"))
    ));
    // Continuation cards: two sides of items each, headed with whose card it continues.
    for (k, sides) in more.chunks(2).enumerate() {
        let head = tf(
            lang,
            "print.card_continued",
            &[
                ("name", &p.facts.name),
                ("k", &(k + 2).to_string()),
                ("n", &pieces.to_string()),
            ],
        );
        html.push_str("<div class=\"piece\">");
        for (i, side) in sides.iter().enumerate() {
            html.push_str(if i == 0 {
                "<div class=\"side front\">"
            } else {
                "<div class=\"side back\">"
            });
            html.push_str(&format!("<h4>{}</h4>", escape(&head)));
            html.push_str(&items_table(side, lang));
            html.push_str("</div>");
        }
        html.push_str("</div>");
    }
    d.markup(&html);
    d.footer(&footer(s, lang));
    d.finish()
}

/// 需求认定表: the person, the clue, the home survey, the assessment with its plan, the decision,
/// and boxes for the community's and the subdistrict's opinion and seal.
pub fn needs_form(
    s: &PersonSheet<'_>,
    case: &Case,
    decision: Option<&Decision>,
    clue: Option<&Clue>,
    lang: Lang,
) -> String {
    let p = s.person;
    let f = &p.facts;
    let yes_no = |b: bool| t(lang, if b { "print.yes" } else { "print.no_word" }).to_string();
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut d = Doc::new(Sheet::A4Portrait, t(lang, "print.needs_form_title"), lang)
        .running_head(&running_head(s, lang));
    d.heading(t(lang, "print.needs_form_title")).meta(
        &tf(
            lang,
            "print.community_line",
            &[("community", s.community_name)],
        ),
        &format!(
            "{}\u{3000}{}",
            tf(
                lang,
                "print.form_no",
                &[("no", &super::layout::paper_no(&case.meta.id))]
            ),
            tf(
                lang,
                "print.service_no_line",
                &[("no", p.service_no.as_deref().unwrap_or("—"))],
            )
        ),
    );
    d.section(t(lang, "print.section_person"));
    let shown = s.disclosure;
    let birth = f
        .birth_date
        .map(|b| shown.birth_date(b, lang, |b| date_text(Some(b), lang)))
        .unwrap_or_default();
    let phone = |v: &Option<String>| v.as_deref().map(|p| shown.phone(p)).unwrap_or_default();
    let located = |v: &Option<String>| {
        v.as_deref()
            .map(|a| shown.located(a, lang))
            .unwrap_or_default()
    };
    d.grid(&[
        vec![
            Cell::label(t(lang, "field.name")),
            Cell::data(&f.name),
            Cell::label(t(lang, "field.sex")),
            Cell::data(sex_text(p, lang)),
            Cell::label(t(lang, "field.birth_date")),
            Cell::data(birth),
        ],
        vec![
            Cell::label(t(lang, "field.id_number")),
            Cell::data(&s.id_number).span(3),
            Cell::label(t(lang, "field.phone")),
            Cell::data(phone(&f.phone)),
        ],
        vec![
            Cell::label(t(lang, "field.address")),
            Cell::data(located(&f.address)).span(5),
        ],
        vec![
            Cell::label(t(lang, "field.assistance_status")),
            Cell::data(label(
                ListKind::AssistanceStatus,
                &f.assistance_status,
                lang,
            )),
            Cell::label(t(lang, "field.hukou_local")),
            Cell::data(yes_no(f.hukou_local)),
            Cell::label(t(lang, "field.lives_alone")),
            Cell::data(yes_no(f.lives_alone)),
        ],
        vec![
            Cell::label(t(lang, "field.disability_type")),
            Cell::data(opt_label(
                ListKind::DisabilityType,
                f.disability_type.as_deref(),
                lang,
            )),
            Cell::label(t(lang, "field.disability_grade")),
            Cell::data(opt_label(
                ListKind::DisabilityGrade,
                f.disability_grade.as_deref(),
                lang,
            )),
            Cell::label(t(lang, "field.diseases")),
            Cell::data(opt(&f.diseases)),
        ],
        vec![
            Cell::label(t(lang, "field.guardian_name")),
            Cell::data(opt(&f.guardian_name)),
            Cell::label(t(lang, "field.guardian_phone")),
            Cell::data(phone(&f.guardian_phone)),
            Cell::label(t(lang, "field.emergency_contact")),
            Cell::data(located(&f.emergency_contact)),
        ],
    ]);
    if let Some(c) = clue {
        d.section(t(lang, "print.section_discovery"));
        let groups: Vec<&str> = c
            .key_groups
            .iter()
            .map(|g| label(ListKind::KeyGroup, g, lang))
            .collect();
        d.grid(&[
            vec![
                Cell::label(t(lang, "field.date")),
                Cell::data(date_text(Some(c.found_on), lang)),
                Cell::label(t(lang, "field.source")),
                Cell::data(label(ListKind::ClueSource, &c.source, lang)),
                Cell::label(t(lang, "field.reporter")),
                Cell::data(opt(&c.reporter)),
            ],
            vec![
                Cell::label(t(lang, "field.key_group")),
                Cell::data(groups.join("、")).span(5),
            ],
            vec![
                Cell::label(t(lang, "field.difficulty")),
                Cell::data(&c.difficulty).span(5),
            ],
            vec![
                Cell::label(t(lang, "print.verify_note")),
                Cell::data(opt(&c.verify_note)).span(5).writing_space(),
            ],
        ]);
    }
    d.section(t(lang, "print.section_survey"));
    let h = &case.household;
    let staff = [&case.survey_staff, &h.second_investigator]
        .into_iter()
        .flatten()
        .cloned()
        .collect::<Vec<_>>()
        .join(t(lang, "form.list_separator"));
    d.grid(&[
        vec![
            Cell::label(t(lang, "cases.survey_date")),
            Cell::data(date_text(case.survey_date, lang)),
            Cell::label(t(lang, "cases.survey_staff")),
            Cell::data(staff).span(3),
        ],
        vec![
            Cell::label(t(lang, "field.household_size")),
            Cell::data(h.size.map(|n| n.to_string()).unwrap_or_default()),
            Cell::label(t(lang, "cases.income")),
            Cell::data(
                h.monthly_income
                    .map(|f| tf(lang, "cases.yuan", &[("amount", &f.yuan_text())]))
                    .unwrap_or_default(),
            ),
            Cell::label(t(lang, "field.housing")),
            Cell::data(opt_label(ListKind::Housing, h.housing.as_deref(), lang)),
        ],
        vec![
            Cell::label(t(lang, "field.care_situation")),
            Cell::data(opt(&h.care)).span(5),
        ],
        vec![
            Cell::label(t(lang, "cases.findings")),
            Cell::data(opt(&case.survey_findings))
                .span(5)
                .writing_space(),
        ],
        vec![
            Cell::label(t(lang, "print.sign_investigators")),
            Cell::data(case.survey_staff.clone().unwrap_or_default())
                .span(2)
                .signing(),
            Cell::label(t(lang, "print.sign_investigators")),
            Cell::data(h.second_investigator.clone().unwrap_or_default())
                .span(2)
                .signing(),
        ],
    ]);
    d.section(t(lang, "print.section_assessment"));
    d.grid(&[vec![
        Cell::label(t(lang, "field.category")),
        Cell::data(opt_label(
            ListKind::RecipientCategory,
            case.category.as_deref(),
            lang,
        ))
        .span(3),
        Cell::label(t(lang, "field.self_care")),
        Cell::data(opt_label(
            ListKind::SelfCare,
            case.self_care.as_deref(),
            lang,
        )),
    ]]);
    let rows: Vec<Vec<String>> = case
        .plan_lines()
        .iter()
        .enumerate()
        .map(|(i, line)| {
            vec![
                (i + 1).to_string(),
                label(ListKind::ServiceItem, &line.item, lang).to_string(),
                label(ListKind::Frequency, &line.frequency, lang).to_string(),
                label(ListKind::Priority, &line.priority, lang).to_string(),
                provider_of(s, line.provider_id.as_deref())
                    .map(|p| p.name.clone())
                    .unwrap_or_else(|| t(lang, "print.provider_pending").to_string()),
            ]
        })
        .collect();
    d.list(
        &[
            t(lang, "print.no"),
            t(lang, "print.item"),
            t(lang, "field.frequency"),
            t(lang, "field.priority"),
            t(lang, "print.proposed_provider"),
        ],
        &rows,
        &[0],
    );
    // 认定意见, 认定日期 and the three signature blocks stay together on one page.
    d.keep_start().section(t(lang, "print.section_decision"));
    // The decision's own note, never a later step's (a suspension's reason is not a reason
    // of the decision).
    let decided = decision.cloned().unwrap_or_default();
    d.grid(&[
        vec![
            Cell::label(t(lang, "print.decision")),
            Cell::data(t(lang, decision_key(case.state))),
            Cell::label(t(lang, "field.approver")),
            Cell::data(opt(&decided.by)),
            Cell::label(t(lang, "print.decided_on")),
            Cell::data(date_text(decided.on, lang)),
        ],
        vec![
            Cell::label(t(lang, "print.decision_note")),
            Cell::data(opt(&decided.note)).span(5).writing_space(),
        ],
    ]);
    d.signatures(
        &[
            Signer::person(t(lang, "print.sign_applicant")),
            Signer::unit(t(lang, "print.sign_community"), s.community_seal),
            Signer::unit(t(lang, "print.sign_subdistrict"), s.issuer_seal),
        ],
        t(lang, "print.date_line"),
    )
    .keep_end();
    d.footer(&footer(s, lang));
    d.finish()
}

/// What the decision was, as the form states it (the case may have moved on since).
fn decision_key(state: CaseState) -> &'static str {
    match state {
        CaseState::Approved | CaseState::InService | CaseState::Suspended | CaseState::Stopped => {
            "print.decision_approved"
        }
        CaseState::Denied => "print.decision_denied",
        CaseState::Withdrawn => "print.decision_withdrawn",
        CaseState::Accepted | CaseState::Surveyed | CaseState::Assessed => "print.decision_pending",
    }
}

/// 接受救助服务情况表: the services of one period (`period` says which, as printed), with the
/// recipient's confirmation and satisfaction, and the totals.
pub fn service_form(
    s: &PersonSheet<'_>,
    case: &Case,
    services: &[ServiceRecord],
    period: &str,
    lang: Lang,
) -> String {
    let p = s.person;
    let mut d = Doc::new(
        Sheet::A4Landscape,
        t(lang, "print.service_form_title"),
        lang,
    )
    .running_head(&running_head(s, lang));
    d.heading(t(lang, "print.service_form_title")).meta(
        &tf(
            lang,
            "print.community_line",
            &[("community", s.community_name)],
        ),
        &tf(
            lang,
            "print.card_no_version",
            &[
                ("card", case.card_no.as_deref().unwrap_or("—")),
                ("version", &case.card_version.to_string()),
            ],
        ),
    );
    d.meta(period, "");
    d.grid(&[vec![
        Cell::label(t(lang, "field.name")),
        Cell::data(&p.facts.name),
        Cell::label(t(lang, "detail.service_no")),
        Cell::data(p.service_no.clone().unwrap_or_default()),
        Cell::label(t(lang, "field.id_number")),
        Cell::data(&s.id_number),
    ]]);
    let mut minutes = 0i64;
    let rows: Vec<Vec<String>> = services
        .iter()
        .enumerate()
        .map(|(i, r)| {
            minutes += r.minutes;
            vec![
                (i + 1).to_string(),
                date_text(Some(r.served_on), lang),
                label(ListKind::ServiceItem, &r.item, lang).to_string(),
                r.minutes.to_string(),
                provider_of(s, Some(&r.provider_id))
                    .map(|p| p.name.clone())
                    .unwrap_or_default(),
                r.served_by.clone(),
                r.content.clone(),
                t(
                    lang,
                    if r.confirmed {
                        "print.yes"
                    } else {
                        "print.no_word"
                    },
                )
                .to_string(),
                r.satisfaction
                    .map(|x| t(lang, x.label_key()).to_string())
                    .unwrap_or_default(),
            ]
        })
        .collect();
    d.list(
        &[
            t(lang, "print.no"),
            t(lang, "print.served_on"),
            t(lang, "print.item"),
            t(lang, "print.minutes"),
            t(lang, "field.provider"),
            t(lang, "print.served_by"),
            t(lang, "print.content"),
            t(lang, "print.confirmed"),
            t(lang, "print.satisfaction"),
        ],
        &rows,
        &[0, 3],
    );
    // Hours as the statistics count them: minutes / 60, one decimal rounded half up.
    let hours = super::statistics::one_decimal(Some(minutes as f64 / 60.0));
    d.keep_start()
        .para(&tf(
            lang,
            "print.service_totals",
            &[
                ("count", &services.len().to_string()),
                ("hours", &hours),
                ("minutes", &minutes.to_string()),
            ],
        ))
        .signatures(
            &[
                Signer::person(t(lang, "print.sign_recipient")),
                Signer::unit(t(lang, "print.sign_community"), s.community_seal),
            ],
            t(lang, "print.date_line"),
        )
        .keep_end();
    d.footer(&footer(s, lang));
    d.finish()
}
