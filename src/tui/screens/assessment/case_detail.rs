//! One case: what the survey found, what was assessed and decided, the card; and the steps
//! its state allows, with the forms they need.

use chrono::NaiveDate;
use crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::app::{case, person, provider, settings, AppError};
use crate::domain::case::HOUSEHOLD_MAX;
use crate::domain::case::{Case, CaseEvent, CaseState};
use crate::domain::catalogue::{Catalogue, ListKind};
use crate::domain::date::parse_date;
use crate::domain::money::Fen;
use crate::domain::permission::Action as Permission;
use crate::domain::provider::Provider;
use crate::domain::text::required_line;
use crate::domain::validation::{Field, Reason, ValidationError};
use crate::i18n::{t, tf, Localize};
use crate::tui::env::Env;
use crate::tui::keys::{Action, Command, Key};
use crate::tui::screens::form_page::{saved_or_refused, FormPage};
use crate::tui::screens::{Destination, Outcome, Screen};
use crate::tui::text::{fit, safe, truncate, wrap};
use crate::tui::widgets::dialog::{Answer, Dialog, Purpose};
use crate::tui::widgets::form::{Form, FormField};
use crate::tui::widgets::table::{column_widths, row_line};

/// The steps a case file offers.
mod step {
    pub const SURVEY: u8 = 1;
    pub const ASSESS: u8 = 2;
    pub const APPROVE: u8 = 3;
    pub const DENY: u8 = 4;
    pub const CARD: u8 = 5;
    pub const WITHDRAW: u8 = 6;
    pub const REVIEW: u8 = 7;
    pub const SUSPEND: u8 = 8;
    pub const RESUME: u8 = 9;
    pub const STOP: u8 = 10;
    pub const PLAN: u8 = 11;
    pub const PRINT: u8 = 12;
    pub const PERSON: u8 = 13;
}

/// The steps of a case file: the state-machine event that must be allowed, its key, the
/// step, its label.
const STEPS: [(CaseEvent, char, u8, &str); 10] = [
    (CaseEvent::Survey, 's', step::SURVEY, "cmd.survey"),
    (CaseEvent::Assess, 'a', step::ASSESS, "cmd.assess"),
    (CaseEvent::Approve, 'y', step::APPROVE, "cmd.approve"),
    (CaseEvent::Deny, 'n', step::DENY, "cmd.deny"),
    (CaseEvent::IssueCard, 'c', step::CARD, "cmd.issue_card"),
    (CaseEvent::Withdraw, 'w', step::WITHDRAW, "cmd.withdraw"),
    (CaseEvent::Review, 'r', step::REVIEW, "cmd.review"),
    (CaseEvent::Suspend, 'p', step::SUSPEND, "cmd.suspend"),
    (CaseEvent::Resume, 'u', step::RESUME, "cmd.resume"),
    (CaseEvent::Stop, 't', step::STOP, "cmd.stop"),
];

/// The rows 调查情况 may take on the case page.
const FINDINGS_ROWS: usize = 3;

const ASK_CARD: u32 = 2;
const ASK_RESUME: u32 = 3;

/// The case detail screen.
pub struct CaseDetail {
    case: Case,
    person_name: String,
    /// Every provider, to name those of the plan.
    providers: Vec<Provider>,
    /// The selected line of the service plan.
    selected: usize,
    /// When the service is next due for review (in service only).
    next_review: Option<NaiveDate>,
    /// The decision (认定意见, 审批人, 认定日期), once made.
    decision: Option<case::Decision>,
    /// The categories the person's facts admit, for the assessment's first choice.
    open_categories: Vec<String>,
    /// The permissions the session holds for this case's community, of those its steps need:
    /// a step the session may not take is not offered.
    may: Vec<Permission>,
    /// A decision by the session's account needs another account's countersignature.
    countersign: bool,
}

impl CaseDetail {
    /// Loads case `id`; the error is a message for the status line.
    pub fn load(env: &mut Env, id: &str) -> Result<CaseDetail, String> {
        let lang = env.lang;
        let ctx = env.ctx().map_err(|e| e.localize(lang))?;
        let case = case::get(&ctx, id).map_err(|e| e.localize(lang))?;
        let person_name = person::get(&ctx, &case.person_id)
            .map(|p| p.facts.name)
            .unwrap_or_default();
        let providers = provider::list(&ctx).unwrap_or_default();
        let thresholds = settings::thresholds(&ctx).map_err(|e| e.localize(lang))?;
        let next_review = case::next_review(&case, &thresholds);
        let decision = case::decision(&ctx, &case).map_err(|e| e.localize(lang))?;
        let countersign = case::needs_countersign(&ctx, &case).map_err(|e| e.localize(lang))?;
        let open_categories = case::open_categories(&ctx, &case)
            .map_err(|e| e.localize(lang))?
            .into_iter()
            .map(str::to_string)
            .collect();
        let may = [Permission::SurveyAndAssess, Permission::DecideCase]
            .into_iter()
            .filter(|p| env.may(*p, &case.community))
            .collect();
        Ok(CaseDetail {
            countersign,
            may,
            case,
            person_name,
            providers,
            selected: 0,
            next_review,
            decision,
            open_categories,
        })
    }

    /// The form of a decision, countersigned by another account when this one may not decide.
    fn decision_form(&self, env: &mut Env, kind: Kind) -> CaseForm {
        let f = CaseForm::new(env, &self.case.meta.id, kind);
        if self.countersign {
            f.countersigned(env)
        } else {
            f
        }
    }

    /// The plan may be adjusted once assessed, until the case ends.
    fn plan_editable(&self) -> bool {
        self.case.state.plan_editable()
            && !self.case.needs.is_empty()
            && self.may.contains(&case::plan_permission(self.case.state))
    }

    /// The case's state allows `ev` and the session may take the step.
    fn allows(&self, ev: CaseEvent) -> bool {
        self.case.state.apply(ev).is_ok() && self.may.contains(&case::permission_of(ev))
    }

    /// The line of the step the case stands at after its decision: the stop, the suspension,
    /// the withdrawal, or the last review — each with its own facts.
    fn step_line(&self, env: &Env, width: usize) -> Option<Line<'static>> {
        let lang = env.lang;
        let c = &self.case;
        let cat = Catalogue::builtin();
        let day = |d: Option<NaiveDate>| {
            d.map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default()
        };
        let note = |n: &Option<String>| {
            n.as_deref()
                .map(|n| format!(" {}", safe(n)))
                .unwrap_or_default()
        };
        let (key, text) = match c.state {
            CaseState::Stopped => (
                "cases.stop_line",
                tf(
                    lang,
                    "cases.stop_facts",
                    &[
                        (
                            "reason",
                            c.stop_reason
                                .as_deref()
                                .map(|r| cat.label(ListKind::StopReason, r, lang))
                                .unwrap_or_default(),
                        ),
                        ("date", &day(c.stopped_on)),
                    ],
                ) + &note(&c.stop_note),
            ),
            CaseState::Suspended => (
                "cases.suspend_line",
                tf(
                    lang,
                    "cases.suspend_facts",
                    &[
                        (
                            "reason",
                            &c.suspend_reason.as_deref().map(safe).unwrap_or_default(),
                        ),
                        ("from", &day(c.suspended_on)),
                        ("until", &day(c.resume_expected)),
                    ],
                ),
            ),
            CaseState::Withdrawn => (
                "cases.withdraw_line",
                c.withdraw_reason.as_deref().map(safe).unwrap_or_default(),
            ),
            CaseState::InService if c.review_outcome.is_some() => (
                "cases.review_line",
                tf(
                    lang,
                    "cases.review_facts",
                    &[
                        ("date", &day(c.reviewed_on)),
                        (
                            "outcome",
                            c.review_outcome
                                .as_deref()
                                .map(|o| cat.label(ListKind::ReviewOutcome, o, lang))
                                .unwrap_or_default(),
                        ),
                        (
                            "by",
                            &c.reviewed_by.as_deref().map(safe).unwrap_or_default(),
                        ),
                    ],
                ) + &note(&c.review_note),
            ),
            _ => return None,
        };
        let room = width.saturating_sub(15);
        Some(Line::from(vec![
            Span::raw(" "),
            Span::styled(format!("{} ", fit(t(lang, key), 12)), env.theme.label),
            Span::raw(truncate(&text, room)),
        ]))
    }
}

impl Screen for CaseDetail {
    fn title(&self, env: &Env) -> String {
        tf(
            env.lang,
            "cases.detail_title",
            &[("name", &safe(&self.person_name))],
        )
    }

    fn commands(&self) -> Vec<Command> {
        // Each step is offered only when the case's state allows it (the core checks again).
        let mut c: Vec<Command> = STEPS
            .iter()
            .filter(|(event, ..)| self.allows(*event))
            .map(|(_, key, step, label)| Command::bar(&[Key::ch(*key)], Action::Step(*step), label))
            .collect();
        if self.plan_editable() {
            c.push(Command::bar(
                &[Key::ch('e')],
                Action::Step(step::PLAN),
                "cmd.plan",
            ));
            c.push(Command::help_only(
                &[Key::plain(KeyCode::Up)],
                Action::Up,
                "cmd.up",
            ));
            c.push(Command::help_only(
                &[Key::plain(KeyCode::Down)],
                Action::Down,
                "cmd.down",
            ));
        }
        c.push(Command::bar(
            &[Key::ch('d')],
            Action::Step(step::PRINT),
            "cmd.print",
        ));
        c.push(Command::bar(
            &[Key::ch('f')],
            Action::Step(step::PERSON),
            "cmd.person_file",
        ));
        c.push(Command::bar(
            &[Key::plain(KeyCode::Esc)],
            Action::Back,
            "cmd.back",
        ));
        c
    }

    fn on_action(&mut self, action: Action, env: &mut Env) -> Outcome {
        let lang = env.lang;
        let id = self.case.meta.id.clone();
        let name = safe(&self.person_name);
        match action {
            Action::Up => {
                self.selected = self.selected.saturating_sub(1);
                Outcome::None
            }
            Action::Down => {
                if self.selected + 1 < self.case.needs.len() {
                    self.selected += 1;
                }
                Outcome::None
            }
            Action::Step(step::PLAN) => match self.case.plan_lines().get(self.selected) {
                Some(line) => Outcome::Open(Destination::PlanLine {
                    case: Box::new(self.case.clone()),
                    line: Box::new(line.clone()),
                    providers: self.providers.clone(),
                }),
                None => Outcome::None,
            },
            Action::Step(step::PERSON) => Outcome::Open(Destination::PersonFile {
                id: self.case.person_id.clone(),
            }),
            Action::Step(step::PRINT) => Outcome::Open(Destination::PrintMenu {
                case: Box::new(self.case.clone()),
                person_name: self.person_name.clone(),
            }),
            Action::Step(step::SURVEY) => {
                Outcome::Push(Box::new(CaseForm::new(env, &id, Kind::Survey)))
            }
            Action::Step(step::ASSESS) => {
                let mut f = CaseForm::new(env, &id, Kind::Assess);
                f.preset_category(self.open_categories.first().map(String::as_str));
                Outcome::Push(Box::new(f))
            }
            Action::Step(step::DENY) => {
                Outcome::Push(Box::new(self.decision_form(env, Kind::Deny)))
            }
            Action::Step(step::APPROVE) => {
                Outcome::Push(Box::new(self.decision_form(env, Kind::Approve)))
            }
            Action::Step(step::WITHDRAW) => {
                Outcome::Push(Box::new(CaseForm::new(env, &id, Kind::Withdraw)))
            }
            Action::Step(step::REVIEW) => {
                let mut f = CaseForm::new(env, &id, Kind::Review);
                f.preset_needs(&self.case.needs);
                Outcome::Push(Box::new(f))
            }
            Action::Step(step::SUSPEND) => {
                Outcome::Push(Box::new(CaseForm::new(env, &id, Kind::Suspend)))
            }
            Action::Step(step::STOP) => Outcome::Push(Box::new(
                CaseForm::new(env, &id, Kind::Stop).for_person(&self.person_name),
            )),
            Action::Step(step::RESUME) => Outcome::Dialog(Dialog::confirm(
                t(lang, "cmd.resume").into(),
                tf(lang, "cases.ask_resume", &[("name", &name)]),
                Purpose::Screen(ASK_RESUME),
            )),
            Action::Step(step::CARD) => Outcome::Dialog(Dialog::confirm(
                t(lang, "cmd.issue_card").into(),
                tf(lang, "cases.ask_card", &[("name", &name)]),
                Purpose::Screen(ASK_CARD),
            )),
            _ => Outcome::None,
        }
    }

    fn on_answer(&mut self, answer: Answer, env: &mut Env) -> Outcome {
        if !answer.yes {
            return Outcome::None;
        }
        let lang = env.lang;
        let id = self.case.meta.id.clone();
        let result = match answer.purpose {
            Purpose::Screen(ASK_CARD) => env
                .ctx()
                .and_then(|mut ctx| case::issue_card(&mut ctx, &id)),
            Purpose::Screen(ASK_RESUME) => {
                env.ctx().and_then(|mut ctx| case::resume(&mut ctx, &id))
            }
            _ => return Outcome::None,
        };
        match result {
            Ok(c) => {
                env.reload_index();
                self.on_resume(env);
                match (answer.purpose, c.card_no) {
                    (Purpose::Screen(ASK_CARD), Some(no)) => Outcome::Dialog(Dialog::message(
                        t(lang, "dialog.done_title").into(),
                        tf(lang, "cases.card_issued", &[("card", &no)]),
                    )),
                    _ => Outcome::Status(t(lang, c.state.label_key()).to_string()),
                }
            }
            Err(e) => Outcome::Dialog(Dialog::error(
                t(lang, "dialog.error_title").into(),
                e.localize(lang),
            )),
        }
    }

    fn on_resume(&mut self, env: &mut Env) {
        if let Ok(fresh) = CaseDetail::load(env, &self.case.meta.id) {
            let selected = self.selected.min(fresh.case.needs.len().saturating_sub(1));
            *self = fresh;
            self.selected = selected;
        }
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, env: &Env) {
        let lang = env.lang;
        let cat = Catalogue::builtin();
        let c = &self.case;
        let none = t(lang, "form.none").to_string();
        let label = |k: &str| Span::styled(format!("{} ", fit(t(lang, k), 12)), env.theme.label);
        let full = (area.width as usize).saturating_sub(2);
        let half = full / 2;
        // Two facts a line, each in half the width, so the plan keeps most of the screen; a
        // value cut to its room ends in `..`.
        let pair = |k1: &str, v1: String, k2: &str, v2: String| {
            Line::from(vec![
                Span::raw(" "),
                label(k1),
                Span::raw(format!("{} ", fit(&v1, half.saturating_sub(14)))),
                label(k2),
                Span::raw(truncate(&v2, full.saturating_sub(half + 13))),
            ])
        };
        let row = |k: &str, v: String| {
            Line::from(vec![
                Span::raw(" "),
                label(k),
                Span::raw(truncate(&v, full.saturating_sub(13))),
            ])
        };
        let opt = |v: &Option<String>| v.as_deref().map(safe).unwrap_or_else(|| none.clone());
        let day = |d: Option<NaiveDate>| {
            d.map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_else(|| none.clone())
        };
        let coded = |kind: ListKind, v: &Option<String>| {
            v.as_deref()
                .map(|k| cat.label(kind, k, lang).to_string())
                .unwrap_or_else(|| none.clone())
        };
        let card = match (&c.card_no, c.state) {
            // A stopped service's card is valid no longer: its last day is the stop's.
            (Some(no), CaseState::Stopped) => tf(
                lang,
                "cases.card_line_stopped",
                &[
                    ("card", no),
                    ("version", &c.card_version.to_string()),
                    ("date", &day(c.stopped_on)),
                ],
            ),
            (Some(no), _) => tf(
                lang,
                "cases.card_line",
                &[
                    ("card", no),
                    ("version", &c.card_version.to_string()),
                    ("until", &day(c.card_valid_until)),
                ],
            ),
            (None, _) => none.clone(),
        };
        let staff = match (&c.survey_staff, &c.household.second_investigator) {
            (Some(a), Some(b)) => {
                format!("{}{}{}", safe(a), t(lang, "form.list_separator"), safe(b))
            }
            (a, _) => opt(a),
        };
        let decision = match &self.decision {
            Some(d) => {
                let mut s = d.note.as_deref().map(safe).unwrap_or_else(|| none.clone());
                s.push_str(&tf(
                    lang,
                    "cases.decided_by",
                    &[("by", &opt(&d.by)), ("date", &day(d.on))],
                ));
                if d.by_assessor {
                    s.push_str(t(lang, "cases.by_assessor"));
                }
                s
            }
            None => none.clone(),
        };
        let mut lines = vec![
            pair(
                "clues.col_name",
                safe(&self.person_name),
                "clues.col_state",
                t(lang, c.state.label_key()).to_string(),
            ),
            match self.next_review {
                Some(due) => pair(
                    "field.community",
                    safe(env.org_name(&c.community)),
                    "cases.next_review",
                    day(Some(due)),
                ),
                None => row("field.community", safe(env.org_name(&c.community))),
            },
            row("cases.col_card", card),
            pair(
                "cases.survey_date",
                day(c.survey_date),
                "cases.survey_staff",
                staff,
            ),
        ];
        // 调查情况 is one line of text, often longer than its row: it goes on under its label
        // for up to three rows, so the whole of it shows; beyond that it is cut with `..`.
        let room = full.saturating_sub(13).max(1);
        let mut findings = wrap(&opt(&c.survey_findings), room);
        if findings.len() > FINDINGS_ROWS {
            let rest = findings.split_off(FINDINGS_ROWS - 1).concat();
            findings.push(truncate(&format!("{rest} "), room));
        }
        for (i, part) in findings.into_iter().enumerate() {
            lines.push(if i == 0 {
                row("cases.findings", part)
            } else {
                Line::raw(format!("{}{part}", " ".repeat(14)))
            });
        }
        if c.household.size.is_some() {
            let h = &c.household;
            lines.push(pair(
                "field.household_size",
                h.size
                    .map(|n| n.to_string())
                    .unwrap_or_else(|| none.clone()),
                "cases.income",
                h.monthly_income
                    .map(|f| tf(lang, "cases.yuan", &[("amount", &f.yuan_text())]))
                    .unwrap_or_else(|| none.clone()),
            ));
            lines.push(pair(
                "field.housing",
                coded(ListKind::Housing, &h.housing),
                "field.care_situation",
                opt(&h.care),
            ));
        }
        lines.push(pair(
            "field.category",
            coded(ListKind::RecipientCategory, &c.category),
            "field.self_care",
            coded(ListKind::SelfCare, &c.self_care),
        ));
        lines.push(row("cases.decision_note", decision));
        if let Some(l) = self.step_line(env, area.width as usize) {
            lines.push(l);
        }
        lines.push(Line::from(""));
        let plan = c.plan_lines();
        if plan.is_empty() {
            lines.push(row("field.needs", none.clone()));
        } else {
            let headers: Vec<String> = [
                "cases.plan_item",
                "field.frequency",
                "field.priority",
                "field.provider",
            ]
            .iter()
            .map(|k| t(lang, k).to_string())
            .collect();
            let cells: Vec<Vec<Line<'static>>> = plan
                .iter()
                .map(|p| {
                    let provider = p
                        .provider_id
                        .as_deref()
                        .and_then(|id| self.providers.iter().find(|x| x.meta.id == id))
                        .map(|x| safe(&x.name))
                        .unwrap_or_else(|| t(lang, "print.provider_pending").to_string());
                    vec![
                        Line::from(cat.label(ListKind::ServiceItem, &p.item, lang).to_string()),
                        Line::from(
                            cat.label(ListKind::Frequency, &p.frequency, lang)
                                .to_string(),
                        ),
                        Line::from(cat.label(ListKind::Priority, &p.priority, lang).to_string()),
                        Line::from(provider),
                    ]
                })
                .collect();
            let widths = column_widths(&headers, &cells, area.width.saturating_sub(3) as usize, 3);
            let head: Vec<Line<'_>> = headers.iter().map(|h| Line::from(h.as_str())).collect();
            let mut header = row_line(&head, &widths, env.theme.label);
            header.spans.insert(0, Span::raw("  "));
            lines.push(header);
            let room = (area.height as usize).saturating_sub(lines.len()).max(1);
            let top = (self.selected / room) * room;
            for (n, r) in cells.iter().enumerate().skip(top).take(room) {
                let chosen = n == self.selected && self.plan_editable();
                let mut l = row_line(
                    r,
                    &widths,
                    if chosen {
                        env.theme.selected
                    } else {
                        Style::default()
                    },
                );
                l.spans.insert(
                    0,
                    Span::raw(if chosen {
                        format!("{} ", env.symbols.marker)
                    } else {
                        "  ".into()
                    }),
                );
                lines.push(l);
            }
        }
        frame.render_widget(Paragraph::new(lines), area);
    }
}

/// Which form of a case step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// 入户调查
    Survey,
    /// 需求评估
    Assess,
    /// 认定通过 (认定意见, and the card with it)
    Approve,
    /// 不予认定 (reason)
    Deny,
    /// 撤销 (reason)
    Withdraw,
    /// 复核 (note, needs)
    Review,
    /// 暂停 (reason)
    Suspend,
    /// 终止 (reason from the catalogue, note)
    Stop,
}

fn required_text(v: &str, _: NaiveDate) -> Result<(), ValidationError> {
    required_line(Field::Reason, v, 2000).map(|_| ())
}

fn options(kind: ListKind, env: &Env) -> Vec<(String, String)> {
    Catalogue::builtin()
        .entries(kind)
        .iter()
        .map(|e| (e.code.clone(), e.label(env.lang).to_string()))
        .collect()
}

/// The form of one case step.
pub struct CaseForm {
    case_id: String,
    kind: Kind,
    form: Form,
    /// The person's name, for the stop's confirmation.
    person_name: String,
    /// The decision is signed by another account at this keyboard (see
    /// `case::needs_countersign`): its account and password lead the form.
    countersign: bool,
}

/// The dialog that confirms a stop.
const ASK_STOP: u32 = 10;

impl CaseForm {
    /// The form of step `kind` on case `case_id`.
    pub fn new(env: &mut Env, case_id: &str, kind: Kind) -> CaseForm {
        let fields = match kind {
            // What the visit found comes first; what the program fills in (the household's
            // size as the archive knows it, today, the signed-in investigator) comes last, so
            // a survey as usual is typed without skipping fields.
            Kind::Survey => vec![
                FormField::text("staff2", "field.second_investigator", 50)
                    .for_field(Field::SecondInvestigator)
                    .checked(required_text),
                FormField::text("income", "field.income", 16)
                    .for_field(Field::Income)
                    .checked(check_yuan),
                FormField::choice(
                    "housing",
                    "field.housing",
                    options(ListKind::Housing, env),
                    true,
                )
                .for_field(Field::Housing),
                FormField::text("findings", "cases.findings", 2000)
                    .for_field(Field::Note)
                    .checked(required_text),
                FormField::text("care", "field.care_situation", 200)
                    .for_field(Field::CareSituation),
                FormField::number("household_size", "field.household_size", 1, HOUSEHOLD_MAX)
                    .for_field(Field::HouseholdSize),
                FormField::date("date", "cases.survey_date").for_field(Field::Date),
                FormField::text("staff", "cases.survey_staff", 50)
                    .for_field(Field::Reporter)
                    .checked(required_text),
            ],
            // The services assessed come first; the category is chosen for the user from the
            // person's recorded assistance status (see `preset_category`).
            Kind::Assess => vec![
                FormField::multi(
                    "needs",
                    "field.needs",
                    Catalogue::builtin()
                        .entries(ListKind::ServiceItem)
                        .iter()
                        .filter(|e| e.category.is_some())
                        .map(|e| (e.code.clone(), e.label(env.lang).to_string()))
                        .collect(),
                )
                .for_field(Field::Needs),
                FormField::choice(
                    "category",
                    "field.category",
                    options(ListKind::RecipientCategory, env),
                    false,
                )
                .for_field(Field::Category),
                FormField::choice(
                    "self_care",
                    "field.self_care",
                    options(ListKind::SelfCare, env),
                    true,
                )
                .for_field(Field::SelfCare),
            ],
            Kind::Approve => vec![
                FormField::text("note", "cases.decision_note", 1000).for_field(Field::Note),
                FormField::yes_no("card", "cases.with_card"),
            ],
            Kind::Deny | Kind::Withdraw => {
                vec![FormField::text("reason", "field.reason", 200)
                    .for_field(Field::Reason)
                    .checked(required_text)]
            }
            Kind::Suspend => vec![
                FormField::text("reason", "field.reason", 200)
                    .for_field(Field::Reason)
                    .checked(required_text),
                FormField::date("until", "field.resume_date").for_field(Field::ResumeDate),
                FormField::date("from", "cases.suspended_on").for_field(Field::Date),
            ],
            Kind::Review => vec![
                FormField::choice(
                    "outcome",
                    "field.review_outcome",
                    options(ListKind::ReviewOutcome, env),
                    false,
                )
                .for_field(Field::ReviewOutcome),
                FormField::text("note", "field.note", 1000).for_field(Field::Note),
                FormField::date("date", "cases.review_date").for_field(Field::Date),
                FormField::text("reviewer", "field.reviewer", 50)
                    .for_field(Field::Reviewer)
                    .checked(required_text),
                FormField::multi(
                    "needs",
                    "field.needs",
                    Catalogue::builtin()
                        .entries(ListKind::ServiceItem)
                        .iter()
                        .filter(|e| e.category.is_some())
                        .map(|e| (e.code.clone(), e.label(env.lang).to_string()))
                        .collect(),
                )
                .for_field(Field::Needs),
            ],
            // No reason is chosen for the user: a stop for the wrong reason is worse than a
            // refusal to save without one.
            Kind::Stop => vec![
                FormField::choice(
                    "reason",
                    "cases.stop_reason",
                    options(ListKind::StopReason, env),
                    true,
                )
                .for_field(Field::Reason),
                FormField::date("date", "field.stop_date").for_field(Field::StopDate),
                FormField::text("note", "field.note", 1000).for_field(Field::Note),
            ],
        };
        let mut form = Form::new(fields);
        let today = env.clock.today();
        form.today = today;
        let today_text = today.format("%Y-%m-%d").to_string();
        // The forms ask for names as written on paper: the user's real name.
        let username = env.session.as_ref().map(|s| s.username.clone());
        let user = username.map(|u| {
            env.ctx()
                .and_then(|ctx| crate::app::users::real_name(&ctx, &u))
                .unwrap_or(u)
        });
        match kind {
            Kind::Survey => {
                form.set_value("date", &today_text);
                if let Some(u) = &user {
                    form.set_value("staff", u);
                }
                let size = household_size(env, case_id);
                form.set_value("household_size", &size.to_string());
            }
            Kind::Review => {
                form.set_value("date", &today_text);
                if let Some(u) = &user {
                    form.set_value("reviewer", u);
                }
            }
            Kind::Suspend => form.set_value("from", &today_text),
            Kind::Stop => form.set_value("date", &today_text),
            // The plan issues the card with the decision; the approver may leave it for later.
            Kind::Approve => form.set_yes("card", true),
            _ => {}
        }
        form.mark_saved();
        CaseForm {
            case_id: case_id.to_string(),
            kind,
            form,
            person_name: String::new(),
            countersign: false,
        }
    }

    /// The decision is signed by another account: its account and password come first.
    pub fn countersigned(mut self, env: &Env) -> CaseForm {
        let mut fields = vec![
            FormField::text("approver", "cases.approver_account", 64).for_field(Field::Approver),
            FormField::password("password", "cases.approver_password"),
        ];
        fields.append(&mut self.form.fields);
        let mut form = Form::new(fields);
        form.today = env.clock.today();
        if self.kind == Kind::Approve {
            form.set_yes("card", true);
        }
        form.mark_saved();
        self.form = form;
        self.countersign = true;
        self
    }

    /// Runs the decision `act` as the session's account, or as the countersigning approver
    /// whose password the form holds (wiped from the form whatever the answer).
    fn decide<T>(
        &mut self,
        env: &mut Env,
        act: impl FnOnce(&mut crate::app::Ctx<'_>) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        if !self.countersign {
            return env.ctx().and_then(|mut ctx| act(&mut ctx));
        }
        let approver = self.form.value("approver");
        let password = zeroize::Zeroizing::new(self.form.value("password"));
        self.form.set_value("password", "");
        let id = self.case_id.clone();
        env.ctx().and_then(|mut ctx| {
            crate::app::auth::countersigned(&mut ctx, &approver, password, &id, act)
        })
    }

    /// Names the person in the stop's confirmation.
    pub fn for_person(mut self, name: &str) -> CaseForm {
        self.person_name = name.to_string();
        self
    }

    /// Offers the categories the person's facts admit first: the first is chosen.
    pub fn preset_category(&mut self, code: Option<&str>) {
        if let Some(c) = code {
            self.form.set_choice("category", c);
            self.form.mark_saved();
        }
    }

    fn stop_draft(&self) -> case::Stop {
        let f = &self.form;
        case::Stop {
            reason: f.choice("reason"),
            date: parse_date(Field::StopDate, &f.value("date")).ok().flatten(),
            note: f.value("note"),
        }
    }

    /// Ticks the services the case has now (a review starts from them).
    pub fn preset_needs(&mut self, needs: &[String]) {
        if let Some(f) = self.form.field_mut("needs") {
            if let crate::tui::widgets::form::FieldKind::Multi { options } = &f.kind {
                f.chosen = options.iter().map(|o| needs.contains(&o.0)).collect();
            }
        }
    }

    fn save(&mut self, env: &mut Env) -> Outcome {
        let lang = env.lang;
        if !self.form.check_all(lang) {
            return Outcome::Status(t(lang, "form.fix_errors").to_string());
        }
        let id = self.case_id.clone();
        let f = &self.form;
        let result = match self.kind {
            Kind::Survey => {
                let s = case::Survey {
                    date: parse_date(Field::Date, &f.value("date")).ok().flatten(),
                    staff: f.value("staff"),
                    second_staff: f.value("staff2"),
                    findings: f.value("findings"),
                    household_size: f.value("household_size"),
                    monthly_income: f.value("income"),
                    housing: f.choice("housing"),
                    care: f.value("care"),
                };
                let saved = env
                    .ctx()
                    .and_then(|mut ctx| case::survey(&mut ctx, &id, &s));
                // The needs assessment is made on the same visit: its form follows at once.
                if let Ok(c) = &saved {
                    if c.state.apply(CaseEvent::Assess).is_ok() {
                        self.form.mark_saved();
                        let mut next = CaseForm::new(env, &id, Kind::Assess);
                        let open = env
                            .ctx()
                            .and_then(|ctx| case::open_categories(&ctx, c))
                            .unwrap_or_default();
                        next.preset_category(open.first().copied());
                        return Outcome::Replace(Box::new(next));
                    }
                }
                saved
            }
            Kind::Assess => {
                let a = case::Assessment {
                    category: f.choice("category"),
                    self_care: f.choice("self_care"),
                    needs: f.multi("needs"),
                };
                env.ctx()
                    .and_then(|mut ctx| case::assess(&mut ctx, &id, &a))
            }
            Kind::Approve => {
                let note = f.value("note");
                let card = f.yes("card");
                let done = self.decide(env, |ctx| {
                    let approved = case::approve(ctx, &id, &note)?;
                    // The decision stands even when the card cannot be issued now: it is
                    // issued later with C, and the refusal says why.
                    Ok(if card {
                        (approved, Some(case::issue_card(ctx, &id)))
                    } else {
                        (approved, None)
                    })
                });
                return match done {
                    Ok((_, Some(Ok(c)))) => {
                        self.form.mark_saved();
                        Outcome::PopWith(tf(
                            lang,
                            "cases.approved_with_card",
                            &[("card", c.card_no.as_deref().unwrap_or_default())],
                        ))
                    }
                    Ok((_, Some(Err(e)))) => {
                        self.form.mark_saved();
                        Outcome::PopWith(tf(
                            lang,
                            "cases.card_failed",
                            &[("reason", &e.localize(lang))],
                        ))
                    }
                    Ok((c, None)) => {
                        self.form.mark_saved();
                        Outcome::PopWith(t(lang, c.state.label_key()).to_string())
                    }
                    Err(e) => self.finish(Err(e), env),
                };
            }
            Kind::Deny => {
                let r = f.value("reason");
                self.decide(env, |ctx| case::deny(ctx, &id, &r))
            }
            Kind::Withdraw => {
                let r = f.value("reason");
                env.ctx()
                    .and_then(|mut ctx| case::withdraw(&mut ctx, &id, &r))
            }
            Kind::Suspend => {
                let s = case::Suspension {
                    reason: f.value("reason"),
                    from: parse_date(Field::Date, &f.value("from")).ok().flatten(),
                    resume_expected: parse_date(Field::ResumeDate, &f.value("until"))
                        .ok()
                        .flatten(),
                };
                env.ctx()
                    .and_then(|mut ctx| case::suspend(&mut ctx, &id, &s))
            }
            Kind::Review => {
                let r = case::Review {
                    date: parse_date(Field::Date, &f.value("date")).ok().flatten(),
                    reviewer: f.value("reviewer"),
                    outcome: f.choice("outcome"),
                    note: f.value("note"),
                    needs: Some(f.multi("needs")),
                };
                env.ctx()
                    .and_then(|mut ctx| case::review(&mut ctx, &id, &r))
            }
            Kind::Stop => {
                // Ask first, naming the reason and the day: a stop ends the person's service.
                let s = self.stop_draft();
                if s.reason.is_empty() {
                    let v = ValidationError::new(Field::Reason, Reason::Required);
                    self.form.show_error(&v, lang);
                    return Outcome::Status(v.localize(lang));
                }
                let reason = Catalogue::builtin()
                    .label(ListKind::StopReason, &s.reason, lang)
                    .to_string();
                let day = s
                    .date
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_else(|| f.value("date"));
                return Outcome::Dialog(Dialog::confirm(
                    t(lang, "cmd.stop").into(),
                    tf(
                        lang,
                        "cases.ask_stop",
                        &[
                            ("name", &safe(&self.person_name)),
                            ("reason", &reason),
                            ("date", &day),
                        ],
                    ),
                    Purpose::Screen(ASK_STOP),
                ));
            }
        };
        self.finish(result, env)
    }

    /// Pops the form when the step was saved; shows the refusal beside its field otherwise.
    fn finish(&mut self, result: Result<Case, AppError>, env: &mut Env) -> Outcome {
        saved_or_refused(&mut self.form, result, env)
    }
}

impl FormPage for CaseForm {
    fn page_title(&self, env: &Env) -> String {
        let key = match self.kind {
            Kind::Survey => "cmd.survey",
            Kind::Assess => "cmd.assess",
            Kind::Approve => "cmd.approve",
            Kind::Deny => "cmd.deny",
            Kind::Withdraw => "cmd.withdraw",
            Kind::Review => "cmd.review",
            Kind::Suspend => "cmd.suspend",
            Kind::Stop => "cmd.stop",
        };
        if self.countersign {
            return tf(
                env.lang,
                "cases.countersign_title",
                &[("step", t(env.lang, key))],
            );
        }
        t(env.lang, key).to_string()
    }

    fn form(&self) -> &Form {
        &self.form
    }

    fn form_mut(&mut self) -> &mut Form {
        &mut self.form
    }

    fn save(&mut self, env: &mut Env) -> Outcome {
        CaseForm::save(self, env)
    }

    fn answered(&mut self, answer: Answer, env: &mut Env) -> Outcome {
        if answer.purpose != Purpose::Screen(ASK_STOP) || !answer.yes {
            return Outcome::None;
        }
        let id = self.case_id.clone();
        let s = self.stop_draft();
        let result = env.ctx().and_then(|mut ctx| case::stop(&mut ctx, &id, &s));
        self.finish(result, env)
    }
}

/// How many live in the household of the case's person as the archive records it; one
/// (the person alone) when they are in no household.
fn household_size(env: &mut Env, case_id: &str) -> usize {
    env.ctx()
        .and_then(|ctx| {
            let c = case::get(&ctx, case_id)?;
            crate::app::household::of_person(&ctx, &c.person_id)
        })
        .ok()
        .flatten()
        .map_or(1, |(_, members)| members.len().max(1))
}

fn check_yuan(v: &str, _: NaiveDate) -> Result<(), ValidationError> {
    Fen::parse_yuan(Field::Income, v).map(|_| ())
}
