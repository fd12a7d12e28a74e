//! 监督管理: three lists behind tabs — posting periods (公示), complaints and objections
//! (投诉与异议), inspections (督查) — and the forms that add to them.

use crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::Frame;

use crate::app::print::{self, ListFormat, PostingRequest};
use crate::app::supervision::{
    self, Assignment, ComplaintDraft, Drawn, FollowUp, InspectionDraft, InspectionLine,
};
use crate::app::{person, AppError};
use crate::domain::catalogue::{Catalogue, ListKind};
use crate::domain::date::parse_date;
use crate::domain::supervision::{Complaint, ComplaintState, Posting};
use crate::domain::validation::Field;
use crate::i18n::{t, tf, Localize};
use crate::tui::env::Env;
use crate::tui::keys::{Action, Command, Key};
use crate::tui::screens::form_page::FormPage;
use crate::tui::screens::{Outcome, Screen};
use crate::tui::text::safe;
use crate::tui::widgets::dialog::{Answer, Dialog};
use crate::tui::widgets::filtered_table::{FilteredTable, Row};
use crate::tui::widgets::form::{Form, FormField};

const TAB_POSTINGS: usize = 0;
const TAB_COMPLAINTS: usize = 1;
const TABS: [&str; 3] = [
    "supervision.tab_postings",
    "supervision.tab_complaints",
    "supervision.tab_inspections",
];

/// What the open tab lists.
enum Items {
    Postings(Vec<Posting>),
    Complaints(Vec<Complaint>),
    Inspections(Vec<InspectionLine>),
}

impl Items {
    fn len(&self) -> usize {
        match self {
            Items::Postings(v) => v.len(),
            Items::Complaints(v) => v.len(),
            Items::Inspections(v) => v.len(),
        }
    }
}

/// The 监督管理 screen.
pub struct SupervisionScreen {
    table: FilteredTable,
    items: Result<Items, String>,
    /// The session may post, take complaints and inspect (监督管理 rights); a reader only
    /// reads.
    may_supervise: bool,
}

impl SupervisionScreen {
    /// Opens on the posting tab.
    pub fn new(env: &mut Env) -> SupervisionScreen {
        let mut s = SupervisionScreen {
            table: FilteredTable::new(TABS.len(), TAB_POSTINGS),
            items: Ok(Items::Postings(Vec::new())),
            may_supervise: env.may_somewhere(crate::domain::permission::Action::Supervise),
        };
        s.reload(env);
        s
    }

    /// Opens on the posting tab with community `community`'s latest posting selected (the
    /// inbox's 公示需更新 opens here).
    pub fn posting_of(env: &mut Env, community: &str) -> SupervisionScreen {
        let mut s = SupervisionScreen::new(env);
        if let Ok(Items::Postings(v)) = &s.items {
            if let Some(i) = v.iter().position(|p| p.community == community) {
                s.table.selected = i;
            }
        }
        s
    }

    /// Opens on the complaint tab with complaint `id` selected (the inbox opens one here).
    pub fn complaint(env: &mut Env, id: &str) -> SupervisionScreen {
        let mut s = SupervisionScreen {
            table: FilteredTable::new(TABS.len(), TAB_COMPLAINTS),
            items: Ok(Items::Complaints(Vec::new())),
            may_supervise: env.may_somewhere(crate::domain::permission::Action::Supervise),
        };
        s.reload(env);
        if let Ok(Items::Complaints(v)) = &s.items {
            if let Some(i) = v.iter().position(|c| c.meta.id == id) {
                s.table.selected = i;
            }
        }
        s
    }

    fn reload(&mut self, env: &mut Env) {
        let lang = env.lang;
        let tab = self.table.filter;
        self.items = env
            .ctx()
            .and_then(|ctx| {
                Ok(match tab {
                    TAB_POSTINGS => Items::Postings(supervision::postings(&ctx)?),
                    TAB_COMPLAINTS => Items::Complaints(supervision::complaints(&ctx)?),
                    _ => Items::Inspections(supervision::inspections(&ctx)?),
                })
            })
            .map_err(|e| e.localize(lang));
        self.table.clamp(self.items.as_ref().map_or(0, Items::len));
    }

    fn selected_complaint(&self) -> Option<&Complaint> {
        match &self.items {
            Ok(Items::Complaints(v)) => v.get(self.table.selected),
            _ => None,
        }
    }
}

fn error_dialog(lang: crate::i18n::Lang, e: &AppError) -> Outcome {
    Outcome::Dialog(Dialog::error(
        t(lang, "dialog.error_title").into(),
        e.localize(lang),
    ))
}

impl Screen for SupervisionScreen {
    fn title(&self, env: &Env) -> String {
        t(env.lang, "supervision.title").to_string()
    }

    fn commands(&self) -> Vec<Command> {
        let new_label = match self.table.filter {
            TAB_POSTINGS => "supervision.new_posting",
            TAB_COMPLAINTS => "supervision.new_complaint",
            _ => "supervision.new_inspection",
        };
        let mut c = Vec::new();
        if self.may_supervise {
            c.push(Command::bar(
                &[Key::ctrl('n'), Key::ch('n')],
                Action::New,
                new_label,
            ));
        }
        if self.table.filter == TAB_COMPLAINTS && self.may_supervise {
            c.push(Command::bar(
                &[Key::plain(KeyCode::Enter)],
                Action::Open,
                "supervision.answer",
            ));
            c.push(Command::bar(
                &[Key::ch('a')],
                Action::Step(2),
                "supervision.assign",
            ));
            c.push(Command::bar(
                &[Key::ch('c')],
                Action::Step(1),
                "supervision.close",
            ));
        }
        c.extend(FilteredTable::commands());
        // After the table's keys: on a narrow bar, Esc stays in sight and the receipt is in F1.
        if self.table.filter == TAB_COMPLAINTS && self.may_supervise {
            c.push(Command::bar(
                &[Key::ch('p')],
                Action::Step(3),
                "supervision.print_receipt",
            ));
        }
        c
    }

    fn on_action(&mut self, action: Action, env: &mut Env) -> Outcome {
        let lang = env.lang;
        let n = self.items.as_ref().map_or(0, Items::len);
        match self.table.handle(action, n) {
            Some(true) => {
                self.reload(env);
                return Outcome::None;
            }
            Some(false) => return Outcome::None,
            // Nothing but moving and reading for a session without 监督管理 rights.
            None if !self.may_supervise => return Outcome::None,
            None => {}
        }
        match (action, self.table.filter) {
            (Action::New, TAB_POSTINGS) => Outcome::Push(Box::new(SupervisionForm::posting(env))),
            (Action::New, TAB_COMPLAINTS) => {
                Outcome::Push(Box::new(SupervisionForm::complaint(env)))
            }
            (Action::New, _) => {
                let mut rng = rand::rngs::OsRng;
                match env
                    .ctx()
                    .and_then(|ctx| supervision::draw_recent_service(&ctx, None, &mut rng))
                {
                    Ok(Some(d)) => Outcome::Push(Box::new(SupervisionForm::inspection(env, d))),
                    Ok(None) => Outcome::Status(t(lang, "supervision.nothing_to_draw").to_string()),
                    Err(e) => error_dialog(lang, &e),
                }
            }
            (Action::Open, TAB_COMPLAINTS) => match self.selected_complaint() {
                Some(c) if c.state != ComplaintState::Closed => {
                    Outcome::Push(Box::new(SupervisionForm::answer(c)))
                }
                Some(_) => Outcome::Status(t(lang, "supervision.already_closed").to_string()),
                None => Outcome::None,
            },
            (Action::Step(1), TAB_COMPLAINTS) => match self.selected_complaint() {
                Some(c) if c.state == ComplaintState::Closed => {
                    Outcome::Status(t(lang, "supervision.already_closed").to_string())
                }
                Some(c) => Outcome::Push(Box::new(SupervisionForm::close(c, env))),
                None => Outcome::None,
            },
            (Action::Step(2), TAB_COMPLAINTS) => match self.selected_complaint() {
                Some(c) if c.state == ComplaintState::Open => {
                    Outcome::Push(Box::new(SupervisionForm::assign(c, env)))
                }
                Some(_) => Outcome::Status(t(lang, "supervision.assign_open_only").to_string()),
                None => Outcome::None,
            },
            (Action::Step(3), TAB_COMPLAINTS) => match self.selected_complaint() {
                Some(c) => {
                    let id = c.meta.id.clone();
                    match env
                        .ctx()
                        .and_then(|mut ctx| print::complaint_receipt(&mut ctx, &id, lang))
                    {
                        Ok(path) => Outcome::Dialog(Dialog::message(
                            t(lang, "dialog.done_title").into(),
                            tf(
                                lang,
                                "print_menu.written",
                                &[("path", &safe(&path.display().to_string()))],
                            ),
                        )),
                        Err(e) => error_dialog(lang, &e),
                    }
                }
                None => Outcome::None,
            },
            _ => Outcome::None,
        }
    }

    fn on_resume(&mut self, env: &mut Env) {
        self.reload(env);
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, env: &Env) {
        let lang = env.lang;
        let cat = Catalogue::builtin();
        let tabs: Vec<String> = TABS.iter().map(|k| t(lang, k).to_string()).collect();
        let top = self.table.top(area);
        let page = FilteredTable::rows(area);
        let day = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
        let (headers, rows, flex, count): (&[&str], Vec<Row>, usize, Result<String, String>) =
            match &self.items {
                Err(why) => (&[], Vec::new(), 0, Err(why.clone())),
                Ok(Items::Postings(v)) => (
                    &[
                        "supervision.col_period",
                        "field.community",
                        "supervision.col_persons",
                        "field.place",
                        "supervision.col_by",
                    ],
                    v.iter()
                        .skip(top)
                        .take(page)
                        .map(|p| Row {
                            cells: vec![
                                Line::from(format!(
                                    "{} ~ {}",
                                    day(p.period_from),
                                    match p.period_to {
                                        Some(to) => to.format("%m-%d").to_string(),
                                        None => t(lang, "supervision.long_term").to_string(),
                                    }
                                )),
                                Line::from(safe(env.org_name(&p.community))),
                                Line::from(p.persons.to_string()),
                                Line::from(safe(&p.place)),
                                Line::from(safe(&p.posted_by)),
                            ],
                            overdue: false,
                        })
                        .collect(),
                    3,
                    Ok(tf(
                        lang,
                        "supervision.count",
                        &[("n", &v.len().to_string())],
                    )),
                ),
                Ok(Items::Complaints(v)) => (
                    &[
                        "supervision.col_received",
                        "field.community",
                        "field.channel",
                        "clues.col_state",
                        "supervision.col_assigned",
                        "field.content",
                    ],
                    v.iter()
                        .skip(top)
                        .take(page)
                        .map(|c| Row {
                            cells: vec![
                                Line::from(day(c.received_on)),
                                Line::from(safe(env.org_name(&c.community))),
                                Line::from(
                                    cat.label(ListKind::ComplaintChannel, &c.channel, lang)
                                        .to_string(),
                                ),
                                Line::from(t(lang, c.state.label_key()).to_string()),
                                // Who handles it and by when: what a supervisor chases.
                                Line::from(
                                    match (
                                        c.assigned_to.as_deref().or(c
                                            .assigned_unit
                                            .as_deref()
                                            .map(|u| env.org_name(u))),
                                        c.due_on,
                                    ) {
                                        (Some(who), Some(due)) => {
                                            format!("{} {}", safe(who), due.format("%m-%d"))
                                        }
                                        (Some(who), None) => safe(who),
                                        (None, _) => String::new(),
                                    },
                                ),
                                Line::from(safe(&c.content)),
                            ],
                            overdue: c.state == ComplaintState::Open,
                        })
                        .collect(),
                    5,
                    Ok(tf(
                        lang,
                        "supervision.count_open",
                        &[
                            ("n", &v.len().to_string()),
                            (
                                "open",
                                &v.iter()
                                    .filter(|c| c.state != ComplaintState::Closed)
                                    .count()
                                    .to_string(),
                            ),
                        ],
                    )),
                ),
                Ok(Items::Inspections(v)) => (
                    &[
                        "supervision.col_inspected",
                        "clues.col_name",
                        "print.item",
                        "field.inspection_result",
                        "field.content",
                    ],
                    v.iter()
                        .skip(top)
                        .take(page)
                        .map(|l| Row {
                            cells: vec![
                                Line::from(day(l.inspection.inspected_on)),
                                Line::from(safe(&l.drawn.person_name)),
                                Line::from(
                                    cat.label(ListKind::ServiceItem, &l.drawn.service.item, lang)
                                        .to_string(),
                                ),
                                Line::from(
                                    cat.label(
                                        ListKind::InspectionResult,
                                        &l.inspection.result,
                                        lang,
                                    )
                                    .to_string(),
                                ),
                                Line::from(safe(&l.inspection.finding)),
                            ],
                            overdue: l.inspection.result == "failed",
                        })
                        .collect(),
                    4,
                    Ok(tf(
                        lang,
                        "supervision.count",
                        &[("n", &v.len().to_string())],
                    )),
                ),
            };
        let headers: Vec<String> = headers.iter().map(|k| t(lang, k).to_string()).collect();
        self.table.render(
            frame,
            area,
            env,
            &tabs,
            count,
            &headers,
            &rows,
            flex,
            t(lang, "supervision.none"),
        );
    }
}

/// Which form.
enum Kind {
    /// A new posting period (writes the list).
    Posting,
    /// A complaint or objection received.
    Complaint,
    /// The answer to complaint (id).
    Answer(String),
    /// The finding of an inspection of a drawn service.
    Inspection(Box<Drawn>),
    /// 交办 of complaint (id).
    Assign(String),
    /// 办结 with the 回访 of complaint (id).
    Close(String),
}

/// The forms of 监督管理.
pub struct SupervisionForm {
    kind: Kind,
    form: Form,
    /// Saved: the next acknowledged message closes the form.
    done: bool,
}

fn options(kind: ListKind, env: &Env) -> Vec<(String, String)> {
    Catalogue::builtin()
        .entries(kind)
        .iter()
        .map(|e| (e.code.clone(), e.label(env.lang).to_string()))
        .collect()
}

fn providers(env: &mut Env) -> Vec<(String, String)> {
    env.ctx()
        .and_then(|ctx| crate::app::provider::list(&ctx))
        .unwrap_or_default()
        .into_iter()
        .map(|p| (p.meta.id, safe(&p.name)))
        .collect()
}

fn communities(env: &mut Env) -> Vec<(String, String)> {
    env.ctx()
        .and_then(|ctx| person::hosted_communities(&ctx))
        .unwrap_or_default()
        .into_iter()
        .map(|u| (u.code, u.name))
        .collect()
}

impl SupervisionForm {
    fn with(kind: Kind, mut form: Form, env: &Env) -> SupervisionForm {
        form.today = env.clock.today();
        form.mark_saved();
        SupervisionForm {
            kind,
            form,
            done: false,
        }
    }

    /// A new posting: community, period, place, file format.
    pub fn posting(env: &mut Env) -> SupervisionForm {
        let today = env.clock.today();
        let mut form = Form::new(vec![
            FormField::choice("community", "field.community", communities(env), false)
                .for_field(Field::Community),
            FormField::date("from", "supervision.from").for_field(Field::Date),
            FormField::date("to", "field.period_end").for_field(Field::PeriodEnd),
            FormField::text("place", "field.place", 100).for_field(Field::Place),
            FormField::choice(
                "format",
                "field.format",
                ["html", "xlsx", "csv"]
                    .iter()
                    .map(|f| (f.to_string(), f.to_string()))
                    .collect(),
                false,
            )
            .for_field(Field::Format),
        ]);
        // 长期公示 is the plan's rule: the end date stays empty unless one is typed.
        form.set_value("from", &today.format("%Y-%m-%d").to_string());
        form.set_value("place", t(env.lang, "posting.place_default"));
        SupervisionForm::with(Kind::Posting, form, env)
    }

    /// A complaint or objection received.
    pub fn complaint(env: &mut Env) -> SupervisionForm {
        // What the caller says comes first, as it is written down during the call; then whom
        // it is handed to (交办, due within the office's limit); what is chosen for the user
        // (community, channel, today) last.
        let form = Form::new(vec![
            FormField::text("complainant", "supervision.complainant", 50).for_field(Field::Name),
            FormField::text("content", "field.content", 2000).for_field(Field::Content),
            FormField::text("person", "field.person_concerned", 50)
                .for_field(Field::PersonConcerned),
            FormField::text("assigned_to", "supervision.assigned_to", 50)
                .for_field(Field::Username),
            FormField::date("service_day", "field.service_concerned")
                .for_field(Field::ServiceConcerned),
            FormField::choice(
                "provider",
                "supervision.about_provider",
                providers(env),
                true,
            )
            .for_field(Field::Provider),
            FormField::choice(
                "channel",
                "field.channel",
                options(ListKind::ComplaintChannel, env),
                false,
            )
            .for_field(Field::Channel),
            FormField::choice("community", "field.community", communities(env), false)
                .for_field(Field::Community),
            FormField::date("date", "supervision.col_received").for_field(Field::Date),
        ]);
        let mut f = SupervisionForm::with(Kind::Complaint, form, env);
        f.form
            .set_value("date", &env.clock.today().format("%Y-%m-%d").to_string());
        f.form.mark_saved();
        f
    }

    /// 交办 of complaint `c`: a user, a unit, a due date.
    pub fn assign(c: &Complaint, env: &mut Env) -> SupervisionForm {
        let units: Vec<(String, String)> = env
            .tree
            .units()
            .iter()
            .map(|u| (u.code.clone(), safe(&u.name)))
            .collect();
        let mut form = Form::new(vec![
            FormField::info("content", "field.content"),
            FormField::text("user", "supervision.assigned_to", 50).for_field(Field::Username),
            FormField::choice("unit", "field.assigned_unit", units, true)
                .for_field(Field::AssignedUnit),
            FormField::date("due", "field.due_date").for_field(Field::DueDate),
        ]);
        form.set_value("content", &safe(&c.content));
        if let Some(u) = &c.assigned_to {
            form.set_value("user", u);
        }
        if let Some(u) = &c.assigned_unit {
            form.set_choice("unit", u);
        }
        // The office's time limit for complaints unless a day was set before.
        let due = c.due_on.or_else(|| {
            env.ctx()
                .and_then(|ctx| supervision::default_due(&ctx, c.received_on))
                .ok()
        });
        if let Some(d) = due {
            form.set_value("due", &d.format("%Y-%m-%d").to_string());
        }
        let mut f = SupervisionForm::with(Kind::Assign(c.meta.id.clone()), form, env);
        f.form.mark_saved();
        f
    }

    /// 办结 of complaint `c` with the 回访: satisfaction, note, day.
    pub fn close(c: &Complaint, env: &mut Env) -> SupervisionForm {
        let lang = env.lang;
        let satisfaction = crate::domain::service::Satisfaction::ALL
            .iter()
            .map(|s| (s.code().to_string(), t(lang, s.label_key()).to_string()))
            .collect();
        let mut fields = vec![FormField::info("content", "field.content")];
        // Not answered yet: the answer is given on the closing call, in the same step.
        if c.state == ComplaintState::Open {
            fields.push(FormField::text("answer", "field.answer", 2000).for_field(Field::Answer));
        }
        let mut form = Form::new(vec![
            // Nothing is chosen for the complainant: the call asks them (refused when empty,
            // unless the complaint is anonymous).
            FormField::choice("satisfaction", "field.satisfaction", satisfaction, true)
                .for_field(Field::Satisfaction),
            FormField::text("note", "supervision.followup_note", 2000).for_field(Field::Note),
            FormField::date("on", "supervision.followup_on").for_field(Field::Date),
        ]);
        fields.append(&mut form.fields);
        let mut form = Form::new(fields);
        form.set_value("content", &safe(&c.content));
        form.set_value("on", &env.clock.today().format("%Y-%m-%d").to_string());
        let mut f = SupervisionForm::with(Kind::Close(c.meta.id.clone()), form, env);
        f.form.mark_saved();
        f
    }

    /// The answer to complaint `c`.
    pub fn answer(c: &Complaint) -> SupervisionForm {
        let mut form = Form::new(vec![
            FormField::info("content", "field.content"),
            FormField::text("answer", "field.answer", 2000).for_field(Field::Answer),
        ]);
        form.set_value("content", &safe(&c.content));
        if let Some(a) = &c.answer {
            form.set_value("answer", a);
        }
        form.mark_saved();
        SupervisionForm {
            kind: Kind::Answer(c.meta.id.clone()),
            form,
            done: false,
        }
    }

    /// The finding of an inspection of `d`.
    pub fn inspection(env: &mut Env, d: Drawn) -> SupervisionForm {
        let lang = env.lang;
        let cat = Catalogue::builtin();
        let mut form = Form::new(vec![
            FormField::info("person", "clues.col_name"),
            FormField::info("service", "print.item"),
            FormField::info("provider", "field.provider"),
            FormField::info("served_by", "print.served_by"),
            // What the inspector found first, where the cursor starts: typing goes straight
            // into it, never into a choice that would drop it.
            FormField::text("finding", "field.content", 2000).for_field(Field::Content),
            FormField::choice(
                "result",
                "field.inspection_result",
                options(ListKind::InspectionResult, env),
                false,
            )
            .for_field(Field::InspectionResult),
            FormField::text("inspector", "supervision.inspector", 50).for_field(Field::Reporter),
        ]);
        let phone = d.person_phone.as_deref().map(safe).unwrap_or_default();
        form.set_value(
            "person",
            &format!(
                "{}  {}  {}",
                safe(&d.person_name),
                env.org_name(&d.community),
                phone
            ),
        );
        form.set_value(
            "service",
            &tf(
                lang,
                "supervision.service_line",
                &[
                    ("date", &d.service.served_on.format("%Y-%m-%d").to_string()),
                    (
                        "item",
                        cat.label(ListKind::ServiceItem, &d.service.item, lang),
                    ),
                    ("minutes", &d.service.minutes.to_string()),
                ],
            ),
        );
        form.set_value("provider", &safe(&d.provider_name));
        form.set_value("served_by", &safe(&d.service.served_by));
        if let Some(s) = &env.session {
            form.set_value("inspector", &s.username);
        }
        SupervisionForm::with(Kind::Inspection(Box::new(d)), form, env)
    }

    fn save(&mut self, env: &mut Env) -> Outcome {
        let lang = env.lang;
        if !self.form.check_all(lang) {
            return Outcome::Status(t(lang, "form.fix_errors").to_string());
        }
        let f = &self.form;
        let date = |id: &str| parse_date(Field::Date, &f.value(id)).ok().flatten();
        let result: Result<Option<String>, AppError> = match &self.kind {
            Kind::Posting => {
                let today = env.clock.today();
                let r = PostingRequest {
                    community: f.choice("community"),
                    from: date("from").unwrap_or(today),
                    to: date("to"),
                    place: f.value("place"),
                };
                let format = ListFormat::parse(&f.choice("format")).unwrap_or(ListFormat::Html);
                env.ctx()
                    .and_then(|mut ctx| supervision::post(&mut ctx, &r, format, lang))
                    .map(|p| {
                        Some(tf(
                            lang,
                            "supervision.posted",
                            &[
                                ("n", &p.posting.persons.to_string()),
                                ("path", &safe(&p.path.display().to_string())),
                            ],
                        ))
                    })
            }
            Kind::Complaint => {
                let provider_id = Some(f.choice("provider")).filter(|p| !p.is_empty());
                let query = f.value("person");
                let service_day = parse_date(Field::ServiceConcerned, &f.value("service_day"))
                    .ok()
                    .flatten();
                let mut d = ComplaintDraft {
                    community: f.choice("community"),
                    channel: f.choice("channel"),
                    received_on: date("date"),
                    complainant: f.value("complainant"),
                    content: f.value("content"),
                    assigned_to: f.value("assigned_to"),
                    provider_id: provider_id.clone(),
                    ..Default::default()
                };
                // 涉及对象 by the person list's matcher, then 涉及服务 among their records.
                let resolved = (|| -> Result<(), AppError> {
                    let person = match &env.index {
                        Some(index) => supervision::person_concerned(index, &query)?,
                        None => {
                            let ctx = env.ctx()?;
                            let index = crate::app::search::load(&ctx)?;
                            supervision::person_concerned(&index, &query)?
                        }
                    };
                    if let Some(day) = service_day {
                        let Some(p) = &person else {
                            return Err(crate::domain::validation::ValidationError::new(
                                Field::PersonConcerned,
                                crate::domain::validation::Reason::Required,
                            )
                            .into());
                        };
                        let ctx = env.ctx()?;
                        d.service_id = Some(supervision::service_concerned(
                            &ctx,
                            p,
                            day,
                            provider_id.as_deref(),
                        )?);
                    }
                    d.person_id = person;
                    Ok(())
                })();
                resolved.and_then(|()| {
                    env.ctx()
                        .and_then(|mut ctx| supervision::receive(&mut ctx, &d))
                        .map(|_| None)
                })
            }
            Kind::Assign(id) => {
                let a = Assignment {
                    user: f.value("user"),
                    unit: f.choice("unit"),
                    due_on: parse_date(Field::DueDate, &f.value("due")).ok().flatten(),
                };
                let id = id.clone();
                env.ctx()
                    .and_then(|mut ctx| supervision::assign_to(&mut ctx, &id, &a))
                    .map(|_| None)
            }
            Kind::Close(id) => {
                let follow_up = FollowUp {
                    satisfaction: f.choice("satisfaction"),
                    note: f.value("note"),
                    on: date("on"),
                    answer: f.value("answer"),
                };
                let id = id.clone();
                env.ctx()
                    .and_then(|mut ctx| supervision::close(&mut ctx, &id, &follow_up))
                    .map(|_| None)
            }
            Kind::Answer(id) => {
                let (id, text) = (id.clone(), f.value("answer"));
                env.ctx()
                    .and_then(|mut ctx| supervision::answer(&mut ctx, &id, &text))
                    .map(|_| None)
            }
            Kind::Inspection(d) => {
                let draft = InspectionDraft {
                    service_id: d.service.meta.id.clone(),
                    inspected_on: None,
                    inspector: f.value("inspector"),
                    result: f.choice("result"),
                    finding: f.value("finding"),
                };
                env.ctx()
                    .and_then(|mut ctx| supervision::inspect(&mut ctx, &draft))
                    .map(|_| None)
            }
        };
        match result {
            Ok(None) => {
                self.form.mark_saved();
                Outcome::Pop
            }
            Ok(Some(message)) => {
                self.form.mark_saved();
                self.done = true;
                Outcome::Dialog(Dialog::message(
                    t(lang, "dialog.done_title").into(),
                    message,
                ))
            }
            Err(AppError::Validation(v)) => {
                self.form.show_error(&v, lang);
                Outcome::Status(v.localize(lang))
            }
            Err(e) => error_dialog(lang, &e),
        }
    }
}

impl FormPage for SupervisionForm {
    fn page_title(&self, env: &Env) -> String {
        let key = match self.kind {
            Kind::Posting => "supervision.new_posting",
            Kind::Complaint => "supervision.new_complaint",
            Kind::Answer(_) => "supervision.answer",
            Kind::Inspection(_) => "supervision.new_inspection",
            Kind::Assign(_) => "supervision.assign",
            Kind::Close(_) => "supervision.close",
        };
        t(env.lang, key).to_string()
    }

    fn form(&self) -> &Form {
        &self.form
    }

    fn form_mut(&mut self) -> &mut Form {
        &mut self.form
    }

    fn save(&mut self, env: &mut Env) -> Outcome {
        SupervisionForm::save(self, env)
    }

    fn hint_key(&self) -> &'static str {
        match self.kind {
            Kind::Posting => "supervision.posting_hint",
            Kind::Inspection(_) => "supervision.inspection_hint",
            _ => "form.hint",
        }
    }

    fn answered(&mut self, _answer: Answer, _env: &mut Env) -> Outcome {
        if self.done {
            Outcome::Pop
        } else {
            Outcome::None
        }
    }
}
