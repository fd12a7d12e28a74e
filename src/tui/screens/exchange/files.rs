//! The files of 数据交换: exporting a bundle for a peer unit and importing one received (both
//! as background work with a progress bar), reading a peer's public card and trusting it once
//! its fingerprint was compared with the one the other office reads out, and writing this
//! workstation's own card. Every file is shown with its full path.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crossterm::event::KeyCode;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::app::exchange::{self, ExportSummary, ImportOutcome, TrustOutcome};
use crate::app::{AppError, Ctx, FixedClock};
use crate::i18n::{t, tf, Lang, Localize};
use crate::store::{OpenOptions, Store};
use crate::sync::keys::{show_fingerprint, Card};
use crate::tui::env::Env;
use crate::tui::job::Job;
use crate::tui::keys::{Action, Command, Key};
use crate::tui::screens::exchange::{current, relation, tier_long};
use crate::tui::screens::{Outcome, Screen};
use crate::tui::text::{safe, width, wrap};
use crate::tui::widgets::dialog::{Answer, Dialog, Purpose};
use crate::tui::widgets::form::{Form, FormField};
use crate::tui::widgets::text_field::TextField;

/// Longest path accepted in a field.
const PATH_MAX: usize = 1000;
/// Lines moved by PageUp / PageDown.
const PAGE: usize = 10;

/// What background work hands back to its screen: the lines to show, or why it failed.
type Slot = Arc<Mutex<Option<Result<Vec<String>, String>>>>;

/// Leaves a finished job's whole result for its screen and gives the job its closing message.
fn hand_over(
    slot: &Slot,
    result: Result<Vec<String>, String>,
    summary: impl Fn(&[String]) -> String,
) -> Result<String, String> {
    let message = result.as_ref().map(|l| summary(l)).map_err(Clone::clone);
    if let Ok(mut s) = slot.lock() {
        *s = Some(result);
    }
    message
}

/// A path as typed, made absolute: `~` is the home folder, and a path that is not absolute
/// is in `base` (the user's outbox, where files uploaded over SFTP are easy to put; the folder
/// the program was started in means nothing to a person at the menu).
fn resolve(typed: &str, base: &Path) -> PathBuf {
    let home = || std::env::var_os("HOME").map(PathBuf::from);
    let p = match typed.strip_prefix('~') {
        Some(rest) if rest.is_empty() || rest.starts_with(['/', '\\']) => match home() {
            Some(h) => h.join(rest.trim_start_matches(['/', '\\'])),
            None => PathBuf::from(typed),
        },
        _ => PathBuf::from(typed),
    };
    let p = if p.is_absolute() || base.as_os_str().is_empty() {
        p
    } else {
        base.join(p)
    };
    std::path::absolute(&p).unwrap_or(p)
}

/// A path for people.
fn shown(p: &Path) -> String {
    safe(&p.display().to_string())
}

/// The user's outbox, where files are written unless another folder is typed.
fn outbox(env: &mut Env) -> PathBuf {
    env.ctx()
        .and_then(|ctx| crate::app::print::outbox(&ctx))
        .unwrap_or_default()
}

/// Lines wrapped to `cells`, each styled `style`.
fn wrapped(text: &str, cells: usize, style: Style) -> Vec<Line<'static>> {
    text.split('\n')
        .flat_map(|p| wrap(p, cells))
        .map(|l| Line::styled(l, style))
        .collect()
}

/// The rows of a screen that has one path field on top: the field's label, two hint rows
/// and a blank row, then the body.
struct PathLayout {
    label: Rect,
    field: Rect,
    hint: Rect,
    body: Rect,
}

impl PathLayout {
    fn new(area: Rect, label: &str) -> PathLayout {
        let label_w = (width(label) as u16).min(area.width);
        let head = 4.min(area.height);
        PathLayout {
            label: Rect::new(area.x, area.y, label_w, 1.min(area.height)),
            field: Rect::new(
                area.x + label_w,
                area.y,
                area.width.saturating_sub(label_w + 1),
                1.min(area.height),
            ),
            hint: Rect::new(
                area.x + 1,
                area.y + 1.min(area.height),
                area.width.saturating_sub(2),
                2.min(area.height.saturating_sub(1)),
            ),
            body: Rect::new(
                area.x + 1,
                area.y + head,
                area.width.saturating_sub(2),
                area.height.saturating_sub(head),
            ),
        }
    }
}

/// Draws the path field with its label and hint, as the roster import does.
fn render_path(
    frame: &mut Frame<'_>,
    area: Rect,
    env: &Env,
    label_key: &str,
    hint: &str,
    field: &TextField,
) -> PathLayout {
    let label = format!(" {} ", t(env.lang, label_key));
    let l = PathLayout::new(area, &label);
    frame.render_widget(
        Paragraph::new(Line::styled(label.clone(), env.theme.label)),
        l.label,
    );
    frame.render_widget(
        Paragraph::new(" ".repeat(l.field.width as usize)).style(env.theme.selected),
        l.field,
    );
    field.render(frame, l.field, env.theme.selected, true);
    let hint: Vec<Line<'static>> = wrapped(hint, l.hint.width as usize, env.theme.hint)
        .into_iter()
        .take(l.hint.height as usize)
        .collect();
    frame.render_widget(Paragraph::new(hint), l.hint);
    l
}

fn path_cursor(area: Rect, env: &Env, label_key: &str, field: &TextField) -> Position {
    let label = format!(" {} ", t(env.lang, label_key));
    field.cursor(PathLayout::new(area, &label).field)
}

/// Scrolled lines drawn in `body`; scrolling stops with the last line at the bottom.
fn render_scrolled(frame: &mut Frame<'_>, body: Rect, lines: Vec<Line<'static>>, scroll: usize) {
    let top = scroll.min(lines.len().saturating_sub(body.height as usize));
    let shown: Vec<Line<'static>> = lines
        .into_iter()
        .skip(top)
        .take(body.height as usize)
        .collect();
    frame.render_widget(Paragraph::new(shown), body);
}

/// Applies a scrolling action; true when it was one.
fn scroll(action: Action, at: &mut usize, bound: usize) -> bool {
    match action {
        Action::Up => *at = at.saturating_sub(1),
        Action::Down => *at += 1,
        Action::PageUp => *at = at.saturating_sub(PAGE),
        Action::PageDown => *at += PAGE,
        _ => return false,
    }
    *at = (*at).min(bound);
    true
}

/// The message of a finished export: what was written, for whom, and the full path.
fn export_message(lang: Lang, s: &ExportSummary) -> String {
    let key = if s.nothing_new() {
        "exchange.exported_nothing_new"
    } else {
        "exchange.exported"
    };
    tf(
        lang,
        key,
        &[
            ("org", &safe(&s.peer_name)),
            ("seq", &s.bundle_seq.to_string()),
            ("entries", &s.entries.to_string()),
            ("elided", &s.elided.to_string()),
            ("attachments", &s.attachments.to_string()),
            ("path", &shown(&s.path)),
        ],
    )
}

/// 导出数据包: a peer unit (current keys only) and a folder; Enter writes the bundle there as
/// background work.
pub struct ExportScreen {
    form: Form,
    outbox: PathBuf,
    has_peers: bool,
    slot: Slot,
    result: Option<Result<Vec<String>, String>>,
}

impl ExportScreen {
    /// The export form, with the peer of unit `org` chosen when given.
    pub fn new(env: &mut Env, org: Option<&str>) -> ExportScreen {
        let lang = env.lang;
        let peers: Vec<(String, String)> = env
            .ctx()
            .and_then(|ctx| exchange::overview(&ctx))
            .map(|o| {
                o.peers
                    .iter()
                    .filter(|p| current(p) && p.direction.is_some())
                    .map(|p| {
                        (
                            p.peer.org_code.clone(),
                            tf(
                                lang,
                                "exchange_screen.peer_option",
                                &[
                                    ("org", &safe(&p.peer.org_name)),
                                    ("relation", relation(lang, p.direction)),
                                ],
                            ),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let has_peers = !peers.is_empty();
        let mut form = Form::new(vec![
            FormField::choice("peer", "exchange_screen.field_peer", peers, false),
            FormField::text("folder", "exchange_screen.field_folder", PATH_MAX),
        ]);
        form.today = env.clock.today();
        let folder = outbox(env);
        form.set_value("folder", &folder.display().to_string());
        if let Some(org) = org {
            form.set_choice("peer", org);
            form.next(lang);
        }
        form.mark_saved();
        ExportScreen {
            form,
            outbox: folder,
            has_peers,
            slot: Arc::new(Mutex::new(None)),
            result: None,
        }
    }

    fn form_area(area: Rect) -> Rect {
        Rect::new(
            area.x + 1,
            area.y + 3.min(area.height),
            area.width.saturating_sub(1),
            2.min(area.height.saturating_sub(3)),
        )
    }

    fn start(&mut self, env: &Env) -> Outcome {
        let lang = env.lang;
        if !self.has_peers {
            return Outcome::Status(t(lang, "exchange_screen.export_no_peer").into());
        }
        let to = self.form.choice("peer");
        let typed = self.form.value("folder").trim().to_string();
        if typed.is_empty() {
            return Outcome::Status(t(lang, "exchange_screen.folder_required").into());
        }
        let dir = resolve(&typed, &self.outbox);
        if !dir.is_dir() {
            return Outcome::Status(tf(
                lang,
                "exchange_screen.not_a_folder",
                &[("path", &shown(&dir))],
            ));
        }
        let Some(session) = env.session.clone() else {
            return Outcome::None;
        };
        let db = env.db_path.clone();
        // The export runs on its own connection and thread, at the screen's time, so a fixed
        // clock (tests, training) holds there too.
        let now = env.clock.now();
        let org = safe(env.org_name(&to));
        let slot = Arc::clone(&self.slot);
        self.result = None;
        Outcome::Job(Job::spawn(
            tf(lang, "exchange_screen.export_job", &[("org", &org)]),
            move |progress| {
                let run = || -> Result<ExportSummary, AppError> {
                    let mut store = Store::open(&db, &OpenOptions::default())?;
                    let clock = FixedClock(now);
                    let mut ctx = Ctx::new(&mut store, session, &clock)?;
                    exchange::export(&mut ctx, &to, Some(&dir), &mut |d, n| progress(d, n))
                };
                let result = run()
                    .map(|s| {
                        vec![
                            export_message(lang, &s),
                            t(lang, "exchange_screen.export_next").to_string(),
                        ]
                    })
                    .map_err(|e| e.localize(lang));
                hand_over(&slot, result, |l| l.first().cloned().unwrap_or_default())
            },
        ))
    }
}

impl Screen for ExportScreen {
    fn title(&self, env: &Env) -> String {
        t(env.lang, "exchange_screen.export_title").to_string()
    }

    fn commands(&self) -> Vec<Command> {
        vec![
            Command::bar(
                &[Key::plain(KeyCode::Enter)],
                Action::Open,
                "exchange_screen.cmd_export",
            ),
            Command::bar(
                &[Key::plain(KeyCode::Tab), Key::plain(KeyCode::Down)],
                Action::NextField,
                "cmd.next_field",
            ),
            Command::help_only(
                &[Key::plain(KeyCode::BackTab), Key::plain(KeyCode::Up)],
                Action::PrevField,
                "cmd.prev_field",
            ),
            Command::bar(&[Key::plain(KeyCode::Esc)], Action::Back, "cmd.back"),
            Command::doc(
                &[
                    Key::plain(KeyCode::Left),
                    Key::plain(KeyCode::Right),
                    Key::ch(' '),
                ],
                "cmd.choose",
            ),
        ]
    }

    fn text_focused(&self) -> bool {
        self.form.text_focused()
    }

    fn on_action(&mut self, action: Action, env: &mut Env) -> Outcome {
        match action {
            Action::Open => self.start(env),
            Action::NextField => {
                self.form.next(env.lang);
                Outcome::None
            }
            Action::PrevField => {
                self.form.prev(env.lang);
                Outcome::None
            }
            _ => Outcome::None,
        }
    }

    fn on_key(&mut self, key: Key, _env: &mut Env) -> Outcome {
        self.form.handle(key);
        Outcome::None
    }

    fn on_resume(&mut self, _env: &mut Env) {
        if let Some(r) = self.slot.lock().ok().and_then(|mut s| s.take()) {
            self.result = Some(r);
        }
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, env: &Env) {
        let lang = env.lang;
        let hint_area = Rect::new(
            area.x + 1,
            area.y,
            area.width.saturating_sub(2),
            2.min(area.height),
        );
        let hint_key = if self.has_peers {
            "exchange_screen.export_hint"
        } else {
            "exchange_screen.export_no_peer"
        };
        let style = if self.has_peers {
            env.theme.hint
        } else {
            env.theme.error
        };
        frame.render_widget(
            Paragraph::new(wrapped(t(lang, hint_key), hint_area.width as usize, style)),
            hint_area,
        );
        self.form.render(frame, Self::form_area(area), env);
        let top = 6.min(area.height);
        let body = Rect::new(
            area.x + 1,
            area.y + top,
            area.width.saturating_sub(2),
            area.height.saturating_sub(top),
        );
        let cells = body.width as usize;
        let lines: Vec<Line<'static>> = match &self.result {
            None => Vec::new(),
            Some(Err(why)) => wrapped(why, cells, env.theme.error),
            Some(Ok(l)) => {
                let mut out = Vec::new();
                for (i, line) in l.iter().enumerate() {
                    let style = if i == 0 {
                        env.theme.focused
                    } else {
                        env.theme.hint
                    };
                    out.extend(wrapped(line, cells, style));
                }
                out
            }
        };
        frame.render_widget(Paragraph::new(lines), body);
    }

    fn cursor(&self, area: Rect, _env: &Env) -> Option<Position> {
        self.form.cursor(Self::form_area(area))
    }
}

/// 导入数据包: the path of a bundle; Enter imports it as background work and the receipt,
/// "already imported" or the refusal shows below.
pub struct ImportScreen {
    path: TextField,
    outbox: PathBuf,
    slot: Slot,
    result: Option<Result<Vec<String>, String>>,
    scroll: usize,
}

impl ImportScreen {
    /// The import screen; a file name alone is looked for in the user's outbox.
    pub fn new(env: &mut Env) -> ImportScreen {
        ImportScreen {
            path: TextField::new(PATH_MAX),
            outbox: outbox(env),
            slot: Arc::new(Mutex::new(None)),
            result: None,
            scroll: 0,
        }
    }

    fn start(&mut self, env: &Env) -> Outcome {
        let lang = env.lang;
        let typed = self.path.value().trim().to_string();
        if typed.is_empty() {
            return Outcome::Status(t(lang, "exchange_screen.file_required").into());
        }
        let Some(session) = env.session.clone() else {
            return Outcome::None;
        };
        let path = resolve(&typed, &self.outbox);
        let db = env.db_path.clone();
        let now = env.clock.now();
        let file = path
            .file_name()
            .map_or_else(|| typed.clone(), |n| n.to_string_lossy().into_owned());
        let slot = Arc::clone(&self.slot);
        self.result = None;
        self.scroll = 0;
        Outcome::Job(Job::spawn(
            tf(
                lang,
                "exchange_screen.import_job",
                &[("file", &safe(&file))],
            ),
            move |progress| {
                let run = || -> Result<Vec<String>, AppError> {
                    let mut store = Store::open(&db, &OpenOptions::default())?;
                    let clock = FixedClock(now);
                    let mut ctx = Ctx::new(&mut store, session, &clock)?;
                    let outcome = exchange::import(&mut ctx, &path, &mut |d, n| progress(d, n))?;
                    Ok(match outcome {
                        ImportOutcome::Imported(r) => exchange::receipt_lines(&r, &ctx.tree, lang),
                        ImportOutcome::AlreadyImported { imported_at } => vec![tf(
                            lang,
                            "exchange.already_imported",
                            &[("at", &crate::app::clock::show_instant(&imported_at))],
                        )],
                    })
                };
                let result = run()
                    .map(|lines| lines.iter().map(|l| safe(l)).collect::<Vec<_>>())
                    .map_err(|e| safe(&e.localize(lang)));
                hand_over(&slot, result, |l| {
                    l.iter().take(2).cloned().collect::<Vec<_>>().join("\n")
                })
            },
        ))
    }
}

impl Screen for ImportScreen {
    fn title(&self, env: &Env) -> String {
        t(env.lang, "exchange_screen.import_title").to_string()
    }

    fn commands(&self) -> Vec<Command> {
        let mut c = vec![
            Command::bar(
                &[Key::plain(KeyCode::Enter)],
                Action::Open,
                "exchange_screen.cmd_import",
            ),
            Command::bar(&[Key::plain(KeyCode::Esc)], Action::Back, "cmd.back"),
        ];
        c.extend(crate::tui::keys::scroll_moves());
        c
    }

    fn text_focused(&self) -> bool {
        true
    }

    fn on_action(&mut self, action: Action, env: &mut Env) -> Outcome {
        if action == Action::Open {
            return self.start(env);
        }
        let bound = match &self.result {
            Some(Ok(l)) => l.len() * 3,
            _ => 0,
        };
        scroll(action, &mut self.scroll, bound);
        Outcome::None
    }

    fn on_key(&mut self, key: Key, _env: &mut Env) -> Outcome {
        self.path.handle(key);
        Outcome::None
    }

    fn on_resume(&mut self, _env: &mut Env) {
        if let Some(r) = self.slot.lock().ok().and_then(|mut s| s.take()) {
            self.result = Some(r);
            self.scroll = 0;
        }
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, env: &Env) {
        let l = render_path(
            frame,
            area,
            env,
            "exchange_screen.field_file",
            &tf(
                env.lang,
                "exchange_screen.import_hint",
                &[("outbox", &shown(&self.outbox))],
            ),
            &self.path,
        );
        let cells = l.body.width as usize;
        let lines = match &self.result {
            None => Vec::new(),
            Some(Err(why)) => wrapped(why, cells, env.theme.error),
            Some(Ok(lines)) => lines
                .iter()
                .enumerate()
                .flat_map(|(i, s)| {
                    let style = if i == 0 {
                        env.theme.focused
                    } else {
                        Style::default()
                    };
                    wrapped(s, cells, style)
                })
                .collect(),
        };
        render_scrolled(frame, l.body, lines, self.scroll);
    }

    fn cursor(&self, area: Rect, env: &Env) -> Option<Position> {
        Some(path_cursor(
            area,
            env,
            "exchange_screen.field_file",
            &self.path,
        ))
    }
}

const ASK_TRUST: u32 = 1;

/// 信任公钥卡: the path of a peer's card; Enter reads it and shows its unit and fingerprint,
/// Enter again asks whether the fingerprint the other office reads out is the same, and only
/// then trusts it.
pub struct TrustScreen {
    path: TextField,
    outbox: PathBuf,
    /// The card read, with the file it came from; or why it could not be read.
    card: Option<Result<(PathBuf, Card), String>>,
    /// Trusted: the message, and the next acknowledged dialog closes the screen.
    done: Option<String>,
    /// The card's unit is not in the org tree yet and joins it on trusting.
    new_unit: bool,
}

impl TrustScreen {
    /// The screen; a file name alone is looked for in the user's outbox.
    pub fn new(env: &mut Env) -> TrustScreen {
        TrustScreen {
            path: TextField::new(PATH_MAX),
            outbox: outbox(env),
            card: None,
            new_unit: false,
            done: None,
        }
    }

    /// The card read (tests).
    pub fn card(&self) -> Option<&Card> {
        match &self.card {
            Some(Ok((_, c))) => Some(c),
            _ => None,
        }
    }

    fn lines(&self, env: &Env, cells: usize) -> Vec<Line<'static>> {
        let lang = env.lang;
        let mut out = Vec::new();
        if let Some(done) = &self.done {
            out.extend(wrapped(done, cells, env.theme.focused));
            return out;
        }
        let (_, card) = match &self.card {
            None => return out,
            Some(Err(why)) => return wrapped(why, cells, env.theme.error),
            Some(Ok(c)) => c,
        };
        out.extend(wrapped(
            &tf(
                lang,
                "exchange_screen.card_unit",
                &[
                    ("org", &safe(&card.org_name)),
                    ("code", &safe(&card.org_code)),
                ],
            ),
            cells,
            Style::default(),
        ));
        let parent = card
            .parent
            .as_deref()
            .map(|p| {
                let name = env.org_name(p);
                if name == p {
                    safe(p)
                } else {
                    safe(&format!("{name}（{p}）"))
                }
            })
            .unwrap_or_else(|| "-".into());
        out.extend(wrapped(
            &tf(
                lang,
                "exchange_screen.card_tier",
                &[("tier", &tier_long(lang, &card.tier)), ("parent", &parent)],
            ),
            cells,
            Style::default(),
        ));
        if card.demo {
            out.push(Line::styled(
                t(lang, "exchange_screen.card_demo").to_string(),
                env.theme.hint,
            ));
        }
        out.push(Line::from(""));
        out.push(Line::styled(
            format!(
                "{}  {}",
                t(lang, "exchange_screen.card_fingerprint"),
                show_fingerprint(&card.fingerprint())
            ),
            env.theme.matched,
        ));
        out.push(Line::from(""));
        out.extend(wrapped(
            t(lang, "exchange_screen.compare"),
            cells,
            env.theme.focused,
        ));
        out
    }
}

impl Screen for TrustScreen {
    fn title(&self, env: &Env) -> String {
        t(env.lang, "exchange_screen.trust_title").to_string()
    }

    fn commands(&self) -> Vec<Command> {
        let label = if matches!(self.card, Some(Ok(_))) {
            "exchange_screen.cmd_trust_confirm"
        } else {
            "exchange_screen.cmd_read_card"
        };
        vec![
            Command::bar(&[Key::plain(KeyCode::Enter)], Action::Open, label),
            Command::bar(&[Key::plain(KeyCode::Esc)], Action::Back, "cmd.back"),
        ]
    }

    fn text_focused(&self) -> bool {
        true
    }

    fn on_action(&mut self, action: Action, env: &mut Env) -> Outcome {
        let lang = env.lang;
        if action != Action::Open {
            return Outcome::None;
        }
        if let Some(Ok((_, card))) = &self.card {
            // A child unit not yet in the tree joins it only as the administrator confirms it.
            let new_unit = env
                .ctx()
                .and_then(|ctx| exchange::card_unit_is_new(&ctx, card))
                .unwrap_or(false);
            let mut ask = tf(
                lang,
                "exchange_screen.ask_trust",
                &[
                    ("org", &safe(&card.org_name)),
                    ("fingerprint", &show_fingerprint(&card.fingerprint())),
                ],
            );
            if new_unit {
                ask.push_str(&tf(
                    lang,
                    "exchange_screen.ask_new_unit",
                    &[
                        ("org", &safe(&card.org_name)),
                        ("code", &safe(&card.org_code)),
                    ],
                ));
            }
            self.new_unit = new_unit;
            return Outcome::Dialog(Dialog::verify(
                t(lang, "exchange_screen.trust_title").into(),
                ask,
                Purpose::Screen(ASK_TRUST),
            ));
        }
        let typed = self.path.value().trim().to_string();
        if typed.is_empty() {
            return Outcome::Status(t(lang, "exchange_screen.card_required").into());
        }
        let path = resolve(&typed, &self.outbox);
        self.done = None;
        self.card = Some(
            exchange::read_card(&path)
                .map(|c| (path, c))
                .map_err(|e| e.localize(lang)),
        );
        Outcome::None
    }

    fn on_key(&mut self, key: Key, _env: &mut Env) -> Outcome {
        if self.path.handle(key) {
            // Another file: read it before anything is trusted.
            self.card = None;
            self.done = None;
        }
        Outcome::None
    }

    fn on_answer(&mut self, answer: Answer, env: &mut Env) -> Outcome {
        let lang = env.lang;
        if answer.purpose != Purpose::Screen(ASK_TRUST) {
            return if self.done.is_some() {
                Outcome::Pop
            } else {
                Outcome::None
            };
        }
        if !answer.yes {
            return Outcome::Status(t(lang, "exchange_screen.not_trusted").into());
        }
        let Some(Ok((path, card))) = &self.card else {
            return Outcome::None;
        };
        let (path, fp) = (path.clone(), card.fingerprint());
        let new_unit = self.new_unit;
        match env
            .ctx()
            .and_then(|mut ctx| exchange::trust(&mut ctx, &path, &fp, new_unit))
        {
            Ok(outcome) => {
                let (key, c) = match outcome {
                    TrustOutcome::Enrolled(c) => ("cards.trusted", c),
                    TrustOutcome::AlreadyEnrolled(c) => ("cards.already_trusted", c),
                };
                // A child unit new to this workstation joined the org tree.
                if let Ok(tree) = crate::store::orgs::tree(env.store.conn()) {
                    env.tree = tree;
                }
                let msg = safe(&tf(
                    lang,
                    key,
                    &[("org", &c.org_name), ("code", &c.org_code)],
                ));
                self.done = Some(msg.clone());
                Outcome::Dialog(Dialog::message(t(lang, "dialog.done_title").into(), msg))
            }
            Err(e) => Outcome::Dialog(Dialog::error(
                t(lang, "dialog.error_title").into(),
                e.localize(lang),
            )),
        }
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, env: &Env) {
        let l = render_path(
            frame,
            area,
            env,
            "exchange_screen.field_card",
            &tf(
                env.lang,
                "exchange_screen.trust_hint",
                &[("outbox", &shown(&self.outbox))],
            ),
            &self.path,
        );
        let lines = self.lines(env, l.body.width as usize);
        render_scrolled(frame, l.body, lines, 0);
    }

    fn cursor(&self, area: Rect, env: &Env) -> Option<Position> {
        Some(path_cursor(
            area,
            env,
            "exchange_screen.field_card",
            &self.path,
        ))
    }
}

/// 本机公钥卡: this workstation's unit and fingerprint, and a folder to write its card to.
pub struct CardScreen {
    folder: TextField,
    outbox: PathBuf,
    /// This workstation's card, or why it cannot be read.
    own: Result<Card, String>,
    written: Option<Result<String, String>>,
}

impl CardScreen {
    /// The screen, the folder starting at the user's outbox.
    pub fn new(env: &mut Env) -> CardScreen {
        let lang = env.lang;
        let folder = outbox(env);
        CardScreen {
            folder: TextField::with_value(&folder.display().to_string(), PATH_MAX),
            outbox: folder,
            own: exchange::own_card(&env.store).map_err(|e| e.localize(lang)),
            written: None,
        }
    }
}

impl Screen for CardScreen {
    fn title(&self, env: &Env) -> String {
        t(env.lang, "exchange_screen.card_title").to_string()
    }

    fn commands(&self) -> Vec<Command> {
        vec![
            Command::bar(
                &[Key::plain(KeyCode::Enter)],
                Action::Open,
                "exchange_screen.cmd_write_card",
            ),
            Command::bar(&[Key::plain(KeyCode::Esc)], Action::Back, "cmd.back"),
        ]
    }

    fn text_focused(&self) -> bool {
        true
    }

    fn on_action(&mut self, action: Action, env: &mut Env) -> Outcome {
        let lang = env.lang;
        if action != Action::Open {
            return Outcome::None;
        }
        let typed = self.folder.value().trim().to_string();
        if typed.is_empty() {
            return Outcome::Status(t(lang, "exchange_screen.folder_required").into());
        }
        let dir = resolve(&typed, &self.outbox);
        if !dir.is_dir() {
            return Outcome::Status(tf(
                lang,
                "exchange_screen.not_a_folder",
                &[("path", &shown(&dir))],
            ));
        }
        let result = exchange::write_card(&env.store, &dir).and_then(|path| {
            let fp = exchange::own_card(&env.store)?.fingerprint();
            Ok(tf(
                lang,
                "cards.exported",
                &[
                    ("path", &shown(&path)),
                    ("fingerprint", &show_fingerprint(&fp)),
                ],
            ))
        });
        self.written = Some(result.map_err(|e| e.localize(lang)));
        Outcome::None
    }

    fn on_key(&mut self, key: Key, _env: &mut Env) -> Outcome {
        self.folder.handle(key);
        Outcome::None
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, env: &Env) {
        let lang = env.lang;
        let l = render_path(
            frame,
            area,
            env,
            "exchange_screen.field_folder",
            t(lang, "exchange_screen.card_hint"),
            &self.folder,
        );
        let cells = l.body.width as usize;
        let mut lines = Vec::new();
        match &self.own {
            Err(why) => lines.extend(wrapped(why, cells, env.theme.error)),
            Ok(card) => {
                lines.extend(wrapped(
                    &tf(
                        lang,
                        "exchange_screen.own_unit",
                        &[
                            ("org", &safe(&card.org_name)),
                            ("code", &safe(&card.org_code)),
                            ("tier", &tier_long(lang, &card.tier)),
                        ],
                    ),
                    cells,
                    Style::default(),
                ));
                lines.push(Line::from(""));
                lines.push(Line::styled(
                    format!(
                        "{}  {}",
                        t(lang, "exchange_screen.card_fingerprint"),
                        show_fingerprint(&card.fingerprint())
                    ),
                    env.theme.matched,
                ));
                lines.push(Line::from(""));
                lines.extend(wrapped(
                    t(lang, "exchange_screen.read_aloud"),
                    cells,
                    env.theme.hint,
                ));
            }
        }
        match &self.written {
            None => {}
            Some(Ok(msg)) => {
                lines.push(Line::from(""));
                lines.extend(wrapped(msg, cells, env.theme.focused));
            }
            Some(Err(why)) => {
                lines.push(Line::from(""));
                lines.extend(wrapped(why, cells, env.theme.error));
            }
        }
        render_scrolled(frame, l.body, lines, 0);
    }

    fn cursor(&self, area: Rect, env: &Env) -> Option<Position> {
        Some(path_cursor(
            area,
            env,
            "exchange_screen.field_folder",
            &self.folder,
        ))
    }
}
