//! One person's file: facts, household, status, and the timeline of everything recorded.
//! From here: the household screen (H), merging a duplicate record into this one (M), and the
//! transfer to another community (T). A session that sees the ID number, phone and address
//! masked may reveal them (V) with a reason, which the access log keeps; the reveal ends when
//! the screen is left.

use crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::app::clock::show_instant;
use crate::app::{household, person};
use crate::domain::catalogue::{Catalogue, ListKind};
use crate::domain::household::Household;
use crate::domain::permission::Action as Permission;
use crate::domain::person::{Disclosure, Person, PersonStatus};
use crate::domain::transfer::Transfer;
use crate::i18n::{t, tf, Localize};
use crate::store::changelog::TimelineEntry;
use crate::tui::env::Env;
use crate::tui::keys::{Action, Command, Key};
use crate::tui::screens::archive::person_documents::DocumentsTab;
use crate::tui::screens::{Destination, Outcome, Screen};
use crate::tui::text::{fit, safe, truncate, width as width_of, wrap};
use crate::tui::widgets::dialog::{Answer, Dialog, Purpose};
use crate::tui::widgets::tabs::tab_line;
use crate::tui::widgets::text_field::TextField;

/// Dialog tag: register a household headed by this person.
const ASK_NEW_HOUSEHOLD: u32 = 1;
/// Step: the household screen.
const HOUSEHOLD: u8 = 0;
/// Step: merge a duplicate record into this one.
const MERGE: u8 = 1;
/// Step: transfer to another community.
const TRANSFER: u8 = 2;
/// Step: ask the reason to reveal the masked facts.
const REVEAL: u8 = 3;
/// Step: give up revealing.
const CANCEL_REVEAL: u8 = 4;

/// The person detail screen.
pub struct PersonDetail {
    person: Person,
    timeline: Vec<TimelineEntry>,
    /// What each timeline entry's case step recorded (its reason, day, outcome), read once
    /// at load rather than on every frame.
    details: Vec<Option<String>>,
    /// The session may edit the record: the forms that change it are offered, and its facts
    /// show whole. Everyone else sees them masked and is offered no form that holds them.
    may_edit: bool,
    /// The session may record a clue about the person.
    may_record_clue: bool,
    scroll: usize,
    /// 0: the facts; 1: the timeline; 2: the documents.
    tab: usize,
    /// How many timeline lines the last frame had room for.
    timeline_rows: std::cell::Cell<usize>,
    /// The 档案材料 checklist, or why it cannot be shown.
    documents: Result<DocumentsTab, String>,
    /// Their household and its members, if they are in one.
    household: Option<(Household, Vec<Person>)>,
    /// The transfer waiting for the receiving community, if any.
    pending: Option<Transfer>,
    /// The name of the record this one was merged into.
    merged_into: Option<String>,
    /// The masked facts were revealed, with a reason, on this screen.
    revealed: bool,
    /// The reason being typed to reveal them.
    reason: Option<TextField>,
}

/// The documents tab.
const TAB_DOCUMENTS: usize = 2;

impl PersonDetail {
    /// Loads person `id`; the error is a message for the status line.
    pub fn load(env: &mut Env, id: &str) -> Result<PersonDetail, String> {
        let lang = env.lang;
        let ctx = env.ctx().map_err(|e| e.localize(lang))?;
        let person = person::get(&ctx, id).map_err(|e| e.localize(lang))?;
        let timeline = person::timeline(&ctx, id).map_err(|e| e.localize(lang))?;
        let details = timeline
            .iter()
            .map(|e| {
                e.record
                    .as_deref()
                    .and_then(|r| step_detail(&e.kind, r, lang))
            })
            .collect();
        let may_edit = person::may_edit(&ctx, &person);
        let may_record_clue = ctx
            .require(Permission::RecordClue, &person.facts.community)
            .is_ok();
        let household = household::of_person(&ctx, id).map_err(|e| e.localize(lang))?;
        let pending = person::pending_transfer(&ctx, id).map_err(|e| e.localize(lang))?;
        let merged_into = person.merged_into.as_ref().map(|k| {
            person::get(&ctx, k)
                .map(|p| p.facts.name)
                .unwrap_or_else(|_| k.clone())
        });
        drop(ctx);
        let documents = DocumentsTab::load(env, id, may_edit);
        Ok(PersonDetail {
            person,
            timeline,
            details,
            may_edit,
            may_record_clue,
            scroll: 0,
            tab: 0,
            timeline_rows: std::cell::Cell::new(1),
            documents,
            household,
            pending,
            merged_into,
            revealed: false,
            reason: None,
        })
    }

    /// True when the ID number, phone and address show whole.
    fn shows_all(&self) -> bool {
        self.may_edit || self.revealed
    }

    /// True when the person is in a household that still stands (H opens it).
    fn in_household(&self) -> bool {
        self.household.as_ref().is_some_and(|(h, _)| !h.is_closed())
    }

    /// How the facts show now.
    fn disclosure(&self) -> Disclosure {
        Disclosure::whole_if(self.shows_all())
    }

    fn reveal(&mut self, env: &mut Env) -> Outcome {
        let lang = env.lang;
        let reason = self
            .reason
            .as_ref()
            .map(|r| r.value().to_string())
            .unwrap_or_default();
        let id = self.person.meta.id.clone();
        match env
            .ctx()
            .and_then(|mut ctx| person::reveal(&mut ctx, &id, &reason))
        {
            Ok(p) => {
                self.person = p;
                self.revealed = true;
                self.reason = None;
                Outcome::Status(t(lang, "detail.revealed").into())
            }
            Err(e) => Outcome::Status(e.localize(lang)),
        }
    }

    /// The household line: each member with their relation to the head, or how to register.
    fn household_text(&self, env: &Env) -> (String, bool) {
        let lang = env.lang;
        let cat = Catalogue::builtin();
        match &self.household {
            // Only an active record can still join a household, and only by whom may edit it.
            None if self.person.status != PersonStatus::Active || !self.may_edit => {
                (t(lang, "form.none").to_string(), false)
            }
            None => (t(lang, "detail.household_none").to_string(), false),
            Some((h, members)) => {
                let list: Vec<String> = members
                    .iter()
                    .map(|m| {
                        let rel = m
                            .household
                            .as_ref()
                            .map(|x| cat.label(ListKind::HouseholdRelation, &x.relation, lang))
                            .unwrap_or_default();
                        format!("{rel} {}", safe(&m.facts.name))
                    })
                    .collect();
                let mut text = list.join(t(lang, "detail.household_separator"));
                if h.is_closed() {
                    text = t(lang, "households.closed").to_string();
                }
                (text, true)
            }
        }
    }

    fn facts(&self, env: &Env, width: usize) -> Vec<Line<'static>> {
        let lang = env.lang;
        let cat = Catalogue::builtin();
        let f = &self.person.facts;
        let none = t(lang, "form.none").to_string();
        let opt = |v: &Option<String>| v.as_deref().map(safe).unwrap_or_else(|| none.clone());
        let code = |kind: ListKind, v: &Option<String>| {
            v.as_deref()
                .map(|c| cat.label(kind, c, lang).to_string())
                .unwrap_or_else(|| none.clone())
        };
        let yes_no = |b: bool| t(lang, if b { "form.yes" } else { "form.no" }).to_string();
        // A value wider than its row is cut with `..`; the single-line ones (住址, 疾病情况)
        // are then shown whole in a detail line under the facts.
        let room = width.saturating_sub(14);
        let cut = std::cell::RefCell::new(Vec::new());
        let single = |k: &str, v: String| {
            if width_of(&v) > room {
                cut.borrow_mut().push(tf(
                    lang,
                    "detail.whole",
                    &[("label", t(lang, k)), ("value", &v)],
                ));
            }
            Line::from(vec![
                Span::styled(fit(t(lang, k), 12), env.theme.label),
                Span::raw(truncate(&v, room)),
            ])
        };
        let pair = |k1: &str, v1: String, k2: &str, v2: String| {
            Line::from(vec![
                Span::styled(fit(t(lang, k1), 12), env.theme.label),
                Span::raw(fit(&v1, 26)),
                Span::styled(fit(t(lang, k2), 12), env.theme.label),
                Span::raw(truncate(&v2, width.saturating_sub(51))),
            ])
        };
        let shown = self.disclosure();
        let phone = |v: &Option<String>| match v {
            Some(p) => shown.phone(&safe(p)),
            None => none.clone(),
        };
        let id_text = match &f.id_number {
            Some(id) => shown.id_number(id),
            None => t(lang, "find.no_id").to_string(),
        };
        let today = env.clock.today();
        let age = f
            .birth_date
            .and_then(|b| shown.age(b, today))
            .map(|n| tf(lang, "detail.age", &[("n", &n.to_string())]))
            .unwrap_or_default();
        let sex = f
            .sex
            .map(|s| t(lang, s.label_key()).to_string())
            .unwrap_or_default();
        let mut lines = vec![
            Line::from(vec![
                Span::styled(safe(&f.name), env.theme.focused),
                Span::raw(format!("  {sex}  {age}")),
            ]),
            pair(
                "field.id_number",
                id_text,
                "detail.service_no",
                self.person
                    .service_no
                    .clone()
                    .unwrap_or_else(|| none.clone()),
            ),
            pair(
                "field.birth_date",
                f.birth_date
                    .map(|d| shown.birth_date(d, lang, |d| d.format("%Y-%m-%d").to_string()))
                    .unwrap_or_else(|| none.clone()),
                "detail.status",
                t(lang, self.person.status.label_key()).to_string(),
            ),
            pair(
                "field.phone",
                phone(&f.phone),
                "field.community",
                safe(env.org_name(&f.community)),
            ),
            single(
                "field.address",
                match &f.address {
                    Some(a) => shown.located(&safe(a), lang),
                    None => none.clone(),
                },
            ),
            pair(
                "field.assistance_status",
                code(
                    ListKind::AssistanceStatus,
                    &Some(f.assistance_status.clone()),
                ),
                "field.certificate_no",
                opt(&f.assistance_certificate),
            ),
            pair(
                "field.self_care",
                code(ListKind::SelfCare, &f.self_care),
                "field.lives_alone",
                yes_no(f.lives_alone),
            ),
            pair(
                "field.disability_type",
                format!(
                    "{} {}",
                    code(ListKind::DisabilityType, &f.disability_type),
                    f.disability_grade
                        .as_ref()
                        .map(|g| cat.label(ListKind::DisabilityGrade, g, lang).to_string())
                        .unwrap_or_default()
                ),
                "field.hukou_local",
                yes_no(f.hukou_local),
            ),
            single("field.diseases", opt(&f.diseases)),
            pair(
                "field.guardian_name",
                opt(&f.guardian_name),
                "field.guardian_phone",
                phone(&f.guardian_phone),
            ),
        ];
        let (household, known) = self.household_text(env);
        lines.push(Line::from(vec![
            Span::styled(fit(t(lang, "detail.household"), 12), env.theme.label),
            if known {
                Span::raw(truncate(&household, room))
            } else {
                Span::styled(truncate(&household, room), env.theme.hint)
            },
        ]));
        if let Some(tr) = &self.pending {
            lines.push(Line::from(vec![
                Span::styled(fit(t(lang, "detail.transfer"), 12), env.theme.label),
                Span::styled(
                    truncate(
                        &tf(
                            lang,
                            "detail.transfer_pending",
                            &[
                                ("from", &safe(env.org_name(&tr.from_community))),
                                ("to", &safe(env.org_name(&tr.to_community))),
                            ],
                        ),
                        room,
                    ),
                    env.theme.error,
                ),
            ]));
        }
        if let Some(name) = &self.merged_into {
            let reason = self
                .person
                .status_reason
                .as_deref()
                .map(safe)
                .unwrap_or_default();
            lines.push(Line::from(vec![
                Span::styled(fit(t(lang, "detail.merged_into"), 12), env.theme.label),
                Span::styled(
                    truncate(
                        &tf(
                            lang,
                            "detail.merged_text",
                            &[("name", &safe(name)), ("reason", &reason)],
                        ),
                        room,
                    ),
                    env.theme.error,
                ),
            ]));
        }
        let cut = cut.into_inner();
        if !cut.is_empty() {
            lines.push(Line::from(""));
            for whole in &cut {
                for l in wrap(whole, width.saturating_sub(1)) {
                    lines.push(Line::raw(l));
                }
            }
        }
        if self.person.status == PersonStatus::Active {
            let more = if self.may_edit {
                "detail.more_keys"
            } else if self.in_household() {
                "detail.more_keys_view"
            } else {
                "detail.more_keys_help"
            };
            lines.push(Line::from(""));
            lines.push(Line::styled(t(lang, more), env.theme.hint));
        }
        lines
    }
}

impl Screen for PersonDetail {
    fn title(&self, env: &Env) -> String {
        tf(
            env.lang,
            "detail.title",
            &[("name", &safe(&self.person.facts.name))],
        )
    }

    fn commands(&self) -> Vec<Command> {
        if self.reason.is_some() {
            return vec![
                Command::bar(
                    &[Key::plain(KeyCode::Enter)],
                    Action::Save,
                    "cmd.reveal_confirm",
                ),
                Command::bar(
                    &[Key::plain(KeyCode::Esc)],
                    Action::Step(CANCEL_REVEAL),
                    "cmd.cancel",
                ),
            ];
        }
        // A session that may not edit the record is offered no form holding its facts.
        let mut c = Vec::new();
        if self.may_edit {
            // On the documents tab Enter opens the selected document; elsewhere it edits.
            let edit_keys = if self.tab == TAB_DOCUMENTS {
                vec![Key::ch('e')]
            } else {
                vec![Key::ch('e'), Key::plain(KeyCode::Enter)]
            };
            c.push(Command::bar(&edit_keys, Action::Edit, "cmd.edit"));
        }
        if self.may_record_clue {
            c.push(Command::bar(&[Key::ch('x')], Action::New, "cmd.new_clue"));
        }
        if self.may_edit || self.in_household() {
            c.push(Command::help_only(
                &[Key::ch('h')],
                Action::Step(HOUSEHOLD),
                "cmd.household",
            ));
        }
        if self.may_edit {
            c.push(Command::help_only(
                &[Key::ch('m')],
                Action::Step(MERGE),
                "cmd.merge",
            ));
            c.push(Command::help_only(
                &[Key::ch('t')],
                Action::Step(TRANSFER),
                "cmd.transfer",
            ));
        }
        c.push(Command::bar(
            &[Key::plain(KeyCode::Esc)],
            Action::Back,
            "cmd.back",
        ));
        c.push(Command::bar(
            &[Key::plain(KeyCode::Tab), Key::plain(KeyCode::Right)],
            Action::NextField,
            "cmd.next_tab",
        ));
        c.push(Command::help_only(
            &[Key::plain(KeyCode::BackTab), Key::plain(KeyCode::Left)],
            Action::PrevField,
            "cmd.prev_tab",
        ));
        if self.tab == 0 && !self.shows_all() {
            c.push(Command::bar(
                &[Key::ch('v')],
                Action::Step(REVEAL),
                "cmd.reveal",
            ));
        }
        if let (TAB_DOCUMENTS, Ok(d)) = (self.tab, &self.documents) {
            c.extend(d.commands());
        }
        // Scrolling only means something on the timeline.
        if self.tab == 1 {
            c.push(Command::bar(
                &[Key::plain(KeyCode::Down), Key::ch('j')],
                Action::Down,
                "cmd.scroll_down",
            ));
            c.push(Command::bar(
                &[Key::plain(KeyCode::Up), Key::ch('k')],
                Action::Up,
                "cmd.scroll_up",
            ));
        }
        c
    }

    fn on_action(&mut self, action: Action, env: &mut Env) -> Outcome {
        if self.tab == TAB_DOCUMENTS
            && matches!(
                action,
                Action::Open
                    | Action::Up
                    | Action::Down
                    | Action::Step(crate::tui::screens::archive::person_documents::STEP_ATTACH)
                    | Action::Step(crate::tui::screens::archive::person_documents::STEP_WITHDRAW)
                    | Action::Step(crate::tui::screens::archive::person_documents::STEP_WAIVE)
            )
        {
            return match &mut self.documents {
                Ok(d) => d.on_action(action, env),
                Err(_) => Outcome::None,
            };
        }
        match action {
            Action::Step(REVEAL) if !self.shows_all() => {
                self.reason = Some(TextField::new(100));
                Outcome::None
            }
            Action::Step(CANCEL_REVEAL) => {
                self.reason = None;
                Outcome::None
            }
            Action::Save if self.reason.is_some() => self.reveal(env),
            // The commands offer none of these to whom may not; a stray action does nothing.
            Action::Edit | Action::Step(MERGE | TRANSFER) if !self.may_edit => Outcome::None,
            Action::Step(HOUSEHOLD) if !self.may_edit && !self.in_household() => Outcome::None,
            Action::New if !self.may_record_clue => Outcome::None,
            Action::Edit => Outcome::Open(Destination::EditPerson(Box::new(self.person.clone()))),
            Action::New => Outcome::Open(Destination::NewClue {
                person_id: self.person.meta.id.clone(),
                person_name: self.person.facts.name.clone(),
            }),
            Action::Step(HOUSEHOLD) => match &self.household {
                Some((h, _)) if !h.is_closed() => Outcome::Open(Destination::Household {
                    id: h.meta.id.clone(),
                }),
                _ => Outcome::Dialog(Dialog::confirm(
                    t(env.lang, "households.new_title").to_string(),
                    tf(
                        env.lang,
                        "households.ask_new",
                        &[("name", &safe(&self.person.facts.name))],
                    ),
                    Purpose::Screen(ASK_NEW_HOUSEHOLD),
                )),
            },
            Action::Step(MERGE) => Outcome::Open(Destination::MergePicker {
                keep: self.person.meta.id.clone(),
            }),
            Action::Step(TRANSFER) => {
                Outcome::Open(Destination::TransferForm(Box::new(self.person.clone())))
            }
            Action::NextField => {
                self.tab = (self.tab + 1) % 3;
                Outcome::None
            }
            Action::PrevField => {
                self.tab = (self.tab + 2) % 3;
                Outcome::None
            }
            Action::Down => {
                // The last line stays at the bottom: no scrolling into empty rows.
                let last_top = self.timeline.len().saturating_sub(self.timeline_rows.get());
                self.scroll = (self.scroll + 1).min(last_top);
                Outcome::None
            }
            Action::Up => {
                self.scroll = self.scroll.saturating_sub(1);
                Outcome::None
            }
            _ => Outcome::None,
        }
    }

    fn text_focused(&self) -> bool {
        self.reason.is_some()
    }

    fn on_key(&mut self, key: Key, _env: &mut Env) -> Outcome {
        if let Some(r) = &mut self.reason {
            r.handle(key);
        }
        Outcome::None
    }

    fn cursor(&self, area: Rect, env: &Env) -> Option<ratatui::layout::Position> {
        let r = self.reason.as_ref()?;
        let (row, label_w) = reason_row(area, env);
        Some(r.cursor(Rect::new(
            row.x + label_w,
            row.y,
            row.width.saturating_sub(label_w),
            1,
        )))
    }

    fn on_answer(&mut self, answer: Answer, env: &mut Env) -> Outcome {
        if answer.purpose != Purpose::Screen(ASK_NEW_HOUSEHOLD) || !answer.yes {
            return Outcome::None;
        }
        let lang = env.lang;
        let made = env
            .ctx()
            .and_then(|mut ctx| household::create(&mut ctx, &self.person.meta.id, "", ""));
        match made {
            Ok(id) => {
                self.on_resume(env);
                Outcome::Open(Destination::Household { id })
            }
            Err(e) => Outcome::Dialog(Dialog::error(
                t(lang, "dialog.error_title").to_string(),
                e.localize(lang),
            )),
        }
    }

    fn on_resume(&mut self, env: &mut Env) {
        if let Ok(fresh) = PersonDetail::load(env, &self.person.meta.id) {
            let selected = self.documents.as_ref().map_or(0, DocumentsTab::selected);
            // A reveal lasts while this screen is open, also under the screens it opens.
            *self = PersonDetail {
                scroll: self.scroll.min(fresh.timeline.len().saturating_sub(1)),
                tab: self.tab,
                revealed: self.revealed,
                ..fresh
            };
            if let Ok(d) = &mut self.documents {
                d.keep_selection(selected);
            }
        }
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, env: &Env) {
        let docs = match &self.documents {
            Ok(d) => {
                let (done, total) = d.progress();
                tf(
                    env.lang,
                    "documents.tab",
                    &[("done", &done.to_string()), ("total", &total.to_string())],
                )
            }
            Err(_) => t(env.lang, "documents.tab_plain").to_string(),
        };
        let tabs = [
            t(env.lang, "detail.facts").to_string(),
            tf(
                env.lang,
                "detail.timeline_n",
                &[("n", &self.timeline.len().to_string())],
            ),
            docs,
        ];
        let mut lines = vec![tab_line(&tabs, self.tab, &env.theme), Line::from("")];
        if self.tab == 0 {
            lines.extend(self.facts(env, area.width as usize));
        } else if self.tab == TAB_DOCUMENTS {
            match &self.documents {
                Ok(d) => lines.extend(d.lines(env, (area.height as usize).saturating_sub(2))),
                Err(why) => lines.push(Line::styled(why.clone(), env.theme.error)),
            }
        } else {
            // The rows under the tab line and the blank one, for scrolling to stop at the end.
            self.timeline_rows
                .set((area.height as usize).saturating_sub(2).max(1));
            for (e, detail) in self.timeline.iter().zip(&self.details).skip(self.scroll) {
                let label = format!("kind.{}", e.kind);
                let what = t(env.lang, &label);
                let raw_kind = safe(&e.kind);
                let what = if what == label {
                    raw_kind.as_str()
                } else {
                    what
                };
                let mut spans = vec![
                    Span::styled(format!(" {}  ", show_instant(&e.at)), env.theme.hint),
                    Span::raw(fit(what, 24)),
                    Span::styled(safe(&e.actor), env.theme.hint),
                ];
                if let Some(d) = detail {
                    spans.push(Span::raw(format!("  {d}")));
                }
                lines.push(Line::from(spans));
            }
        }
        let lines: Vec<Line<'_>> = lines
            .into_iter()
            .map(|mut l| {
                l.spans.insert(0, Span::raw(" "));
                l
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), area);
        if let Some(r) = &self.reason {
            let (row, label_w) = reason_row(area, env);
            frame.render_widget(ratatui::widgets::Clear, row);
            frame.render_widget(
                Paragraph::new(Line::styled(
                    t(env.lang, "detail.reveal_reason").to_string(),
                    env.theme.label,
                )),
                Rect::new(row.x, row.y, label_w, 1),
            );
            r.render(
                frame,
                Rect::new(row.x + label_w, row.y, row.width.saturating_sub(label_w), 1),
                env.theme.selected,
                true,
            );
        }
    }
}

/// The last row of the body, where the reason to reveal is typed, and its label's width.
fn reason_row(area: Rect, env: &Env) -> (Rect, u16) {
    let row = Rect::new(
        area.x + 1,
        area.bottom().saturating_sub(1),
        area.width.saturating_sub(2),
        1,
    );
    let label_w = crate::tui::text::width(t(env.lang, "detail.reveal_reason")) as u16;
    (row, label_w.min(row.width))
}

/// What a case step's own facts were, for its timeline line: the stop's reason and day, the
/// suspension's reason and expected resume, the review's outcome, the decision's note, the
/// withdrawal's reason. Read from the entry's record, so each line says what that step
/// recorded, whatever came after.
fn step_detail(kind: &str, record: &str, lang: crate::i18n::Lang) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(record).ok()?;
    let text = |k: &str| v.get(k).and_then(|x| x.as_str()).map(safe);
    let cat = Catalogue::builtin();
    let coded = |k: &str, list: ListKind| {
        v.get(k)
            .and_then(|x| x.as_str())
            .map(|c| cat.label(list, c, lang).to_string())
    };
    let detail = match kind {
        "case.stop" => tf(
            lang,
            "cases.stop_facts",
            &[
                ("reason", &coded("stop_reason", ListKind::StopReason)?),
                ("date", &text("stopped_on").unwrap_or_default()),
            ],
        ),
        "case.suspend" => tf(
            lang,
            "cases.suspend_facts",
            &[
                ("reason", &text("suspend_reason")?),
                ("from", &text("suspended_on").unwrap_or_default()),
                ("until", &text("resume_expected").unwrap_or_default()),
            ],
        ),
        "case.review" => coded("review_outcome", ListKind::ReviewOutcome)?,
        "case.approve" | "case.deny" => text("decision_note")?,
        "case.withdraw" => text("withdraw_reason")?,
        _ => return None,
    };
    Some(detail)
}
