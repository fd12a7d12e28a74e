//! One clue: what was found, where it stands, and the steps its state allows.

use crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::app::clock::show_instant;
use crate::app::{clue, person};
use crate::domain::catalogue::{Catalogue, ListKind};
use crate::domain::clue::{Clue, ClueEvent};
use crate::i18n::{t, tf, Localize};
use crate::tui::env::Env;
use crate::tui::keys::{Action, Command, Key};
use crate::tui::screens::destination::ClueStep as Step;
use crate::tui::screens::{Destination, Outcome, Screen};
use crate::tui::text::{fit, safe, truncate, width, wrap};
use crate::tui::widgets::dialog::{Answer, Dialog, Purpose};

/// The steps a clue file offers.
const REAL: u8 = 1;
const UNFOUNDED: u8 = 2;
const REPORT: u8 = 3;
const ACCEPT: u8 = 4;
const WITHDRAW: u8 = 5;
const OPEN_CASE: u8 = 6;

/// The steps of a clue file: the state-machine event that must be allowed, its key, the
/// step, its label.
const STEPS: [(ClueEvent, char, u8, &str); 5] = [
    (
        ClueEvent::Verify { real: true },
        'v',
        REAL,
        "cmd.verify_real",
    ),
    (
        ClueEvent::Verify { real: false },
        'u',
        UNFOUNDED,
        "cmd.verify_unfounded",
    ),
    (ClueEvent::Report, 'r', REPORT, "cmd.report"),
    (ClueEvent::Accept, 'a', ACCEPT, "cmd.accept"),
    (ClueEvent::Withdraw, 'w', WITHDRAW, "cmd.withdraw"),
];

/// Dialog tags of this screen.
const ASK_REPORT: u32 = 1;
const ASK_ACCEPT: u32 = 2;

/// The clue detail screen.
pub struct ClueDetail {
    clue: Clue,
    person_name: String,
    /// The steps the session may take on this clue's community (the state aside).
    may: Vec<u8>,
}

impl ClueDetail {
    /// Loads clue `id`; the error is a message for the status line.
    pub fn load(env: &mut Env, id: &str) -> Result<ClueDetail, String> {
        let lang = env.lang;
        let ctx = env.ctx().map_err(|e| e.localize(lang))?;
        let clue = clue::get(&ctx, id).map_err(|e| e.localize(lang))?;
        let person_name = person::get(&ctx, &clue.person_id)
            .map(|p| p.facts.name)
            .unwrap_or_default();
        let may = STEPS
            .iter()
            .filter(|(event, ..)| env.may(clue::permission_of(*event), &clue.community))
            .map(|(_, _, step, _)| *step)
            .collect();
        Ok(ClueDetail {
            clue,
            person_name,
            may,
        })
    }

    /// The clue's state allows `ev` and the session may take `step`.
    fn allows(&self, ev: ClueEvent, step: u8) -> bool {
        self.clue.state.apply(ev).is_ok() && self.may.contains(&step)
    }
}

impl Screen for ClueDetail {
    fn title(&self, env: &Env) -> String {
        tf(
            env.lang,
            "clues.detail_title",
            &[("name", &safe(&self.person_name))],
        )
    }

    fn commands(&self) -> Vec<Command> {
        // Each step is offered only when the clue's state allows it (the core checks again).
        let mut c: Vec<Command> = STEPS
            .iter()
            .filter(|(event, _, step, _)| self.allows(*event, *step))
            .map(|(_, key, step, label)| Command::bar(&[Key::ch(*key)], Action::Step(*step), label))
            .collect();
        if self.clue.state == crate::domain::clue::ClueState::Accepted {
            c.push(Command::bar(
                &[Key::ch('g'), Key::plain(KeyCode::Enter)],
                Action::Step(OPEN_CASE),
                "clues.open_case",
            ));
        }
        c.push(Command::bar(
            &[Key::plain(KeyCode::Esc)],
            Action::Back,
            "cmd.back",
        ));
        c
    }

    fn on_action(&mut self, action: Action, env: &mut Env) -> Outcome {
        let lang = env.lang;
        let id = self.clue.meta.id.clone();
        match action {
            Action::Step(OPEN_CASE) => {
                let found = env
                    .ctx()
                    .and_then(|ctx| crate::app::case::of_clue(&ctx, &id))
                    .map_err(|e| e.localize(lang));
                match found {
                    Ok(Some(c)) => Outcome::Open(Destination::CaseDetail { id: c.meta.id }),
                    Ok(None) => Outcome::None,
                    Err(msg) => Outcome::Status(msg),
                }
            }
            Action::Step(REAL) => Outcome::Open(Destination::ClueStep {
                id,
                step: Step::VerifyReal,
            }),
            Action::Step(UNFOUNDED) => Outcome::Open(Destination::ClueStep {
                id,
                step: Step::VerifyUnfounded,
            }),
            Action::Step(WITHDRAW) => Outcome::Open(Destination::ClueStep {
                id,
                step: Step::Withdraw,
            }),
            Action::Step(REPORT) => Outcome::Dialog(Dialog::confirm(
                t(lang, "clues.step_report").into(),
                tf(
                    lang,
                    "clues.ask_report",
                    &[("name", &safe(&self.person_name))],
                ),
                Purpose::Screen(ASK_REPORT),
            )),
            Action::Step(ACCEPT) => Outcome::Dialog(Dialog::confirm(
                t(lang, "clues.step_accept").into(),
                tf(
                    lang,
                    "clues.ask_accept",
                    &[("name", &safe(&self.person_name))],
                ),
                Purpose::Screen(ASK_ACCEPT),
            )),
            _ => Outcome::None,
        }
    }

    fn on_answer(&mut self, answer: Answer, env: &mut Env) -> Outcome {
        if !answer.yes {
            return Outcome::None;
        }
        let lang = env.lang;
        let id = self.clue.meta.id.clone();
        let result = match answer.purpose {
            Purpose::Screen(ASK_REPORT) => env
                .ctx()
                .and_then(|mut ctx| clue::report(&mut ctx, &id).map(|_| String::new())),
            Purpose::Screen(ASK_ACCEPT) => {
                env.ctx().and_then(|mut ctx| clue::accept(&mut ctx, &id))
            }
            _ => return Outcome::None,
        };
        match result {
            Ok(case_id) => {
                self.on_resume(env);
                if case_id.is_empty() {
                    Outcome::Status(t(lang, "clues.reported").to_string())
                } else {
                    // The case is what the subdistrict works on next: open it at once.
                    Outcome::OpenOr(
                        Destination::CaseDetail { id: case_id },
                        Dialog::message(
                            t(lang, "dialog.done_title").into(),
                            t(lang, "clues.accepted").into(),
                        ),
                    )
                }
            }
            Err(e) => Outcome::Dialog(Dialog::error(
                t(lang, "dialog.error_title").into(),
                e.localize(lang),
            )),
        }
    }

    fn on_resume(&mut self, env: &mut Env) {
        if let Ok(fresh) = ClueDetail::load(env, &self.clue.meta.id) {
            *self = fresh;
        }
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, env: &Env) {
        let lang = env.lang;
        let cat = Catalogue::builtin();
        let c = &self.clue;
        let none = t(lang, "form.none").to_string();
        // A value wider than its row is cut with `..` and shown whole in a detail line under
        // the facts.
        let room = (area.width as usize).saturating_sub(16);
        let cut = std::cell::RefCell::new(Vec::new());
        let row = |k: &str, v: String| {
            if width(&v) > room {
                cut.borrow_mut().push(tf(
                    lang,
                    "detail.whole",
                    &[("label", t(lang, k)), ("value", &v)],
                ));
            }
            Line::from(vec![
                Span::raw(" "),
                Span::styled(fit(t(lang, k), 14), env.theme.label),
                Span::raw(truncate(&v, room)),
            ])
        };
        let groups: Vec<&str> = c
            .key_groups
            .iter()
            .map(|g| cat.label(ListKind::KeyGroup, g, lang))
            .collect();
        let when = |s: &Option<String>| {
            s.as_deref()
                .map(show_instant)
                .unwrap_or_else(|| none.clone())
        };
        let mut lines = vec![
            Line::from(""),
            row("clues.col_state", t(lang, c.state.label_key()).to_string()),
            row("clues.col_name", safe(&self.person_name)),
            row("field.community", safe(env.org_name(&c.community))),
            row("field.difficulty", safe(&c.difficulty)),
            row(
                "field.key_group",
                if groups.is_empty() {
                    none.clone()
                } else {
                    groups.join(t(lang, "form.list_separator"))
                },
            ),
            row(
                "field.source",
                cat.label(ListKind::ClueSource, &c.source, lang).to_string(),
            ),
            row(
                "field.reporter",
                c.reporter
                    .as_deref()
                    .map(safe)
                    .unwrap_or_else(|| none.clone()),
            ),
            row("clues.found_on", c.found_on.format("%Y-%m-%d").to_string()),
            row("clues.recorded_by", safe(&c.recorded_by)),
            row("clues.verified_at", when(&c.verified_at)),
            row(
                "field.note",
                c.verify_note
                    .as_deref()
                    .map(safe)
                    .unwrap_or_else(|| none.clone()),
            ),
            row("clues.reported_at", when(&c.reported_at)),
            row("clues.accepted_at", when(&c.accepted_at)),
            row(
                "field.reason",
                c.close_reason
                    .as_deref()
                    .map(safe)
                    .unwrap_or_else(|| none.clone()),
            ),
        ];
        let cut = cut.into_inner();
        if !cut.is_empty() {
            lines.push(Line::from(""));
            for whole in &cut {
                for l in wrap(whole, (area.width as usize).saturating_sub(2)) {
                    lines.push(Line::raw(format!(" {l}")));
                }
            }
        }
        frame.render_widget(Paragraph::new(lines), area);
    }
}
