//! The UI's one loop step: a key goes to the open dialog or help, then to the global
//! commands, then to the screen's commands, then to the screen as typing. Rendering draws
//! the top bar, the screen, the key bar, and any dialog or help on top.

use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

use super::env::Env;
use super::keys::{self, Action, Command, Key};
use super::screens::{home::Home, login::Login, Destination, Outcome, Screen};
use super::text::{fit, truncate, width};
use super::widgets::dialog::{Answer, Dialog, Purpose};
use crate::app::clock::china;
use crate::domain::text::{for_display, is_forbidden};
use crate::i18n::{t, tf};

/// Smallest usable terminal.
pub const MIN_WIDTH: u16 = 80;

/// Smallest usable terminal.
pub const MIN_HEIGHT: u16 = 24;

/// The running UI.
pub struct App {
    /// Shared state.
    pub env: Env,
    stack: Vec<Box<dyn Screen>>,
    dialog: Option<Dialog>,
    help: bool,
    status: Option<String>,
    job: Option<super::job::Job>,
    /// Open exchange conflicts and reviews, for the top bar: read when the screen changes,
    /// not every frame.
    pending: i64,
    /// Set when the user quit.
    pub quit: bool,
    /// The terminal size, for ignoring keys on a too-small screen.
    pub size: Rect,
    /// When the last key or paste came (the workstation's clock).
    last_input: chrono::DateTime<chrono::Utc>,
    /// The stack's height with the idle lock on top, while locked.
    locked_at: Option<usize>,
    /// Time without a key before the screen locks (read when the screen changes).
    idle_limit: chrono::Duration,
}

impl App {
    /// Starts on the login screen (or the set-up notice on an uninitialised database).
    pub fn new(env: Env) -> App {
        App {
            // No workstation yet: the set-up form instead of sign-in.
            stack: vec![if env.workstation.is_some() {
                Box::new(Login::new())
            } else {
                Box::new(super::screens::admin::setup::SetupScreen(
                    super::screens::admin::setup::SetupWizard::new(env.lang),
                ))
            }],
            dialog: None,
            help: false,
            status: None,
            job: None,
            pending: 0,
            quit: false,
            size: Rect::new(0, 0, MIN_WIDTH, MIN_HEIGHT),
            last_input: env.clock.now(),
            locked_at: None,
            idle_limit: chrono::Duration::minutes(crate::app::auth::idle_minutes(&env.store)),
            env,
        }
    }

    /// True while the idle lock hides the screens.
    pub fn locked(&self) -> bool {
        self.locked_at.is_some()
    }

    /// Locks the screen when the signed-in user has pressed no key for the idle minutes (and
    /// no long work runs); the lock is written to the access log.
    fn lock_when_idle(&mut self) {
        let Some(session) = &self.env.session else {
            return;
        };
        if self.locked_at.is_some() || self.job.is_some() {
            return;
        }
        let idle = self.env.clock.now() - self.last_input;
        if idle < self.idle_limit {
            return;
        }
        let user = session.username.clone();
        // The screen locks even when the log cannot be written (a full disk): hiding the
        // screen matters more than recording it.
        let _ = crate::app::auth::screen_locked(&mut self.env.store, &user, &*self.env.clock);
        self.dialog = None;
        self.help = false;
        self.stack
            .push(Box::new(super::screens::lock::LockScreen::new(
                self.env.clock.now(),
            )));
        self.locked_at = Some(self.stack.len());
    }

    /// Starts signed in (tests, and after a successful login).
    pub fn signed_in(mut env: Env, session: crate::app::Session) -> App {
        env.session = Some(session);
        env.reload_index();
        let home = Home::new().with_inbox(&mut env);
        let mut app = App::new(env);
        app.stack = vec![Box::new(home)];
        app.refresh_pending();
        app
    }

    /// Re-reads what the app keeps between screens rather than per key: the open exchange
    /// conflicts and reviews shown in the top bar, and the screen-lock time.
    fn refresh_pending(&mut self) {
        self.idle_limit =
            chrono::Duration::minutes(crate::app::auth::idle_minutes(&self.env.store));
        self.pending = match self.env.session {
            Some(_) => crate::app::exchange::open_counts(&self.env.store)
                .map(|(conflicts, reviews)| conflicts + reviews)
                .unwrap_or(0),
            None => 0,
        };
    }

    fn top(&self) -> &dyn Screen {
        // The stack is never empty: Pop on the last screen is refused below.
        self.stack
            .last()
            .map(|b| b.as_ref())
            .unwrap_or_else(|| unreachable_screen())
    }

    fn too_small(&self) -> bool {
        self.size.width < MIN_WIDTH || self.size.height < MIN_HEIGHT
    }

    /// The commands that work now: the screen's, then the global ones.
    pub fn commands(&self) -> Vec<Command> {
        let mut c = self.top().commands();
        if self.env.session.is_some() && self.locked_at.is_none() {
            for g in keys::global() {
                // A key the screen binds to the same action already (L on home signs out,
                // as F12 does anywhere) shares its line of the help.
                match c.iter_mut().find(|s| s.action == g.action && !g.in_bar) {
                    Some(same) => same.keys.extend(g.keys),
                    None => c.push(g),
                }
            }
        } else {
            c.extend(
                keys::global()
                    .into_iter()
                    .filter(|c| matches!(c.action, Action::Help | Action::Quit)),
            );
        }
        c
    }

    /// Takes background results: the index load, and progress or the end of long work; locks
    /// the screen after the idle minutes.
    pub fn tick(&mut self) {
        self.lock_when_idle();
        if let Some(job) = &mut self.job {
            if let Some(result) = job.poll() {
                self.job = None;
                let lang = self.env.lang;
                self.dialog = Some(match result {
                    Ok(msg) => Dialog::message(t(lang, "dialog.done_title").into(), msg),
                    Err(msg) => Dialog::error(t(lang, "dialog.error_title").into(), msg),
                });
                self.env.reload_index();
                let App { env, stack, .. } = self;
                if let Some(s) = stack.last_mut() {
                    s.on_resume(env);
                }
                self.refresh_pending();
            }
        }
        if self.env.poll_index() {
            let App { env, stack, .. } = self;
            if let Some(s) = stack.last_mut() {
                s.on_index(env);
            }
        }
    }

    fn any_unsaved(&self) -> bool {
        self.stack.iter().any(|s| s.unsaved())
    }

    /// Pasted text: typed into the focused text field, ignored when none has focus (so a
    /// pasted `e` or `g` never acts as a command). Line breaks are dropped.
    pub fn paste(&mut self, text: &str) {
        self.last_input = self.env.clock.now();
        if self.job.is_some() || self.dialog.is_some() || self.help || !self.top().text_focused() {
            return;
        }
        for c in text.chars().filter(|c| !c.is_control()) {
            self.handle_key(Key::ch(c));
        }
    }

    /// True while long work runs.
    pub fn busy(&self) -> bool {
        self.job.is_some()
    }

    /// Handles one key press.
    pub fn handle_key(&mut self, key: Key) {
        self.last_input = self.env.clock.now();
        self.handle_key_inner(key);
        // The lock screen pops itself once the password is right.
        if self.locked_at.is_some_and(|h| self.stack.len() < h) {
            self.locked_at = None;
        }
    }

    fn handle_key_inner(&mut self, key: Key) {
        self.status = None;
        if let Some(job) = &self.job {
            // Long work takes no keys but the one that cancels it.
            if key.code == crossterm::event::KeyCode::Esc {
                job.cancel();
            }
            return;
        }
        if self.help {
            if matches!(
                key.code,
                crossterm::event::KeyCode::Esc
                    | crossterm::event::KeyCode::Enter
                    | crossterm::event::KeyCode::F(1)
            ) || key == Key::ch('q')
                || key == Key::ch('Q')
                || key == Key::ch('?')
            {
                self.help = false;
            }
            return;
        }
        if let Some(d) = &self.dialog {
            if let Some(answer) = d.answer(key) {
                self.dialog = None;
                self.answer(answer);
            }
            return;
        }
        let commands = self.commands();
        let text_focused = self.top().text_focused();
        let action = keys::lookup(&commands, key, text_focused);
        if self.too_small() && action != Some(Action::Quit) {
            return;
        }
        match action {
            Some(Action::Quit) => {
                if self.any_unsaved() {
                    self.dialog = Some(Dialog::confirm(
                        t(self.env.lang, "dialog.unsaved_title").into(),
                        t(self.env.lang, "dialog.quit_unsaved").into(),
                        Purpose::Quit,
                    ));
                } else {
                    self.quit = true;
                }
            }
            Some(Action::Help) => self.help = true,
            Some(Action::Back) if self.top().unsaved() => {
                self.dialog = Some(Dialog::confirm(
                    t(self.env.lang, "dialog.unsaved_title").into(),
                    t(self.env.lang, "dialog.leave_unsaved").into(),
                    Purpose::Leave,
                ));
            }
            Some(Action::Back) if self.stack.len() > 1 => self.pop(),
            Some(Action::Persons) if self.env.session.is_some() => {
                if let Ok(s) = super::navigate::screen(Destination::Persons, &mut self.env) {
                    self.go_to(s);
                }
            }
            Some(Action::Home) if self.env.session.is_some() => self.go_home(),
            Some(Action::SwitchUser) if self.env.session.is_some() => self.switch_user(),
            Some(a) => {
                let outcome = {
                    let App { env, stack, .. } = self;
                    match stack.last_mut() {
                        Some(s) => s.on_action(a, env),
                        None => Outcome::None,
                    }
                };
                self.apply(outcome);
            }
            None => {
                let outcome = {
                    let App { env, stack, .. } = self;
                    match stack.last_mut() {
                        Some(s) => s.on_key(key, env),
                        None => Outcome::None,
                    }
                };
                self.apply(outcome);
            }
        }
    }

    /// Closes the top screen (never the last) and lets the one below refresh.
    fn pop(&mut self) {
        if self.stack.len() > 1 {
            self.stack.pop();
            let App { env, stack, .. } = self;
            if let Some(s) = stack.last_mut() {
                s.on_resume(env);
            }
            self.refresh_pending();
        }
    }

    fn go_home(&mut self) {
        if self.any_unsaved() {
            self.status = Some(t(self.env.lang, "status.save_first").into());
            return;
        }
        self.stack = vec![Box::new(Home::new().with_inbox(&mut self.env))];
        self.refresh_pending();
    }

    /// Signs the user out for the next one (F12 anywhere, L on home): what the last user
    /// saw stays behind, and the next one starts from sign-in.
    fn switch_user(&mut self) {
        if self.any_unsaved() {
            self.status = Some(t(self.env.lang, "status.save_first").into());
            return;
        }
        let Ok(login) = super::navigate::screen(Destination::Login, &mut self.env) else {
            return;
        };
        self.env.index = None;
        if let Some(session) = self.env.session.take() {
            let _ = crate::app::auth::signed_out(
                &mut self.env.store,
                &session.username,
                &*self.env.clock,
            );
        }
        self.stack = vec![login];
        self.status = None;
    }

    fn go_to(&mut self, screen: Box<dyn Screen>) {
        if self.any_unsaved() {
            self.status = Some(t(self.env.lang, "status.save_first").into());
            return;
        }
        self.stack.truncate(1);
        self.stack.push(screen);
        self.refresh_pending();
    }

    fn answer(&mut self, answer: Answer) {
        match answer.purpose {
            Purpose::Quit => self.quit = answer.yes,
            Purpose::Leave => {
                if answer.yes {
                    self.pop();
                }
            }
            Purpose::Screen(_) => {
                let outcome = {
                    let App { env, stack, .. } = self;
                    match stack.last_mut() {
                        Some(s) => s.on_answer(answer, env),
                        None => Outcome::None,
                    }
                };
                self.apply(outcome);
            }
        }
    }

    fn apply(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::None => {}
            Outcome::Push(s) => {
                self.stack.push(s);
                self.refresh_pending();
            }
            Outcome::Pop => self.pop(),
            Outcome::PopWith(s) => {
                self.pop();
                self.status = Some(s);
            }
            Outcome::Replace(s) => {
                self.stack.pop();
                self.stack.push(s);
                self.refresh_pending();
            }
            Outcome::Dialog(d) => self.dialog = Some(d),
            Outcome::Status(s) => self.status = Some(s),
            Outcome::Quit => self.quit = true,
            Outcome::Job(j) => self.job = Some(j),
            Outcome::Open(d) => {
                let o = super::navigate::open(d, &mut self.env);
                self.apply(o);
            }
            Outcome::OpenInstead(d) => {
                let o = super::navigate::open_instead(d, &mut self.env);
                self.apply(o);
            }
            Outcome::OpenOr(d, dialog) => {
                let o = super::navigate::open_or(d, dialog, &mut self.env);
                self.apply(o);
            }
        }
    }

    /// Draws everything; the terminal cursor goes where the focused field wants it.
    pub fn render(&self, frame: &mut Frame<'_>) {
        self.render_all(frame);
        strip_cells(frame.buffer_mut());
    }

    fn render_all(&self, frame: &mut Frame<'_>) {
        let area = frame.area();
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            let msg = tf(
                self.env.lang,
                "tui.too_small",
                &[
                    ("w", &area.width.to_string()),
                    ("h", &area.height.to_string()),
                ],
            );
            let y = area.y + area.height / 2;
            frame.render_widget(
                Paragraph::new(truncate(&msg, area.width as usize)),
                Rect::new(area.x, y, area.width, 1),
            );
            return;
        }
        let [top, title, body, status, bottom] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(area);
        self.render_top_bar(frame, top);
        let screen = self.top();
        frame.render_widget(
            Paragraph::new(Line::styled(
                format!(" {}", screen.title(&self.env)),
                self.env.theme.title,
            )),
            title,
        );
        screen.render(frame, body, &self.env);
        if let Some(s) = &self.status {
            frame.render_widget(
                Paragraph::new(Line::styled(format!(" {s}"), self.env.theme.error)),
                status,
            );
        }
        self.render_key_bar(frame, bottom);
        if let Some(job) = &self.job {
            self.render_job(frame, body, job);
        } else if self.help {
            self.render_help(frame, body);
        } else if let Some(d) = &self.dialog {
            d.render(frame, body, &self.env);
        } else if let Some(p) = screen.cursor(body, &self.env) {
            frame.set_cursor_position(p);
        }
    }

    /// Where the cursor was placed in the last frame (tests).
    pub fn cursor_in(&self, body: Rect) -> Option<Position> {
        self.top().cursor(body, &self.env)
    }

    fn render_top_bar(&self, frame: &mut Frame<'_>, area: Rect) {
        let env = &self.env;
        let lang = env.lang;
        let sep = env.symbols.separator;
        let now = env
            .clock
            .now()
            .with_timezone(&china())
            .format("%Y-%m-%d %H:%M ")
            .to_string();
        // A cell always stays between what is cut and the date, so the two never run together.
        let room = (area.width as usize).saturating_sub(width(&now) + 1);
        let bar = |with_role: bool| {
            let mut parts = vec![t(lang, "tui.app_name").to_string()];
            if let Some(ws) = &env.workstation {
                parts.push(env.org_name(&ws.org_code).to_string());
            }
            if let Some(s) = &env.session {
                let role = s
                    .grants
                    .first()
                    .filter(|_| with_role)
                    .map(|g| format!(" {}", t(lang, g.role.label_key())))
                    .unwrap_or_default();
                let more = if with_role && s.grants.len() > 1 {
                    t(lang, "tui.more_roles")
                } else {
                    ""
                };
                parts.push(format!("{}{role}{more}", s.username));
                parts.push(tf(
                    lang,
                    "tui.pending_bundles",
                    &[("n", &self.pending.to_string())],
                ));
            }
            format!(" {}", parts.join(sep))
        };
        // A long user name leaves out the role before the bar cuts anything.
        let full = bar(true);
        let left = if width(&full) > room {
            bar(false)
        } else {
            full
        };
        let line = format!("{} {now}", fit(&left, room));
        frame.render_widget(Paragraph::new(line).style(env.theme.bar), area);
    }

    fn render_key_bar(&self, frame: &mut Frame<'_>, area: Rect) {
        let env = &self.env;
        let mut spans = Vec::new();
        let mut used = 0;
        for c in self.commands().iter().filter(|c| c.in_bar) {
            let Some(k) = c.keys.first() else { continue };
            let key = k.label(env.lang);
            let label = format!(" {} ", t(env.lang, c.bar_label.unwrap_or(c.label)));
            let w = width(&key) + width(&label) + 1;
            if used + w > area.width as usize {
                break;
            }
            used += w;
            spans.push(Span::raw(" "));
            spans.push(Span::styled(key, env.theme.bar_key));
            spans.push(Span::raw(label));
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), area);
    }

    fn render_job(&self, frame: &mut Frame<'_>, area: Rect, job: &super::job::Job) {
        let env = &self.env;
        let w = 64.min(area.width);
        let rect = Rect::new(
            // `render` draws overlays only at 80x24 or more, but stays safe at any size.
            area.x + area.width.saturating_sub(w) / 2,
            area.y + (area.height / 2).saturating_sub(2),
            w,
            4,
        );
        let note = if job.cancelling() {
            t(env.lang, "job.cancelling")
        } else {
            t(env.lang, "job.cancel_key")
        };
        let bar = super::widgets::progress::progress_line(
            job.done,
            job.total,
            (w as usize).saturating_sub(2),
            note,
            &env.theme,
        );
        frame.render_widget(Clear, super::widgets::dialog::clear_area(rect, area));
        frame.render_widget(
            Paragraph::new(vec![bar]).block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_set(env.symbols.border)
                    .title(Line::styled(format!(" {} ", job.title), env.theme.title)),
            ),
            rect,
        );
    }

    fn render_help(&self, frame: &mut Frame<'_>, area: Rect) {
        let env = &self.env;
        let commands = self.commands();
        // Two columns across the whole width when one column would not fit the screen (the
        // home screen binds a key for every menu entry besides moving in two lists); the
        // two hint lines below take about four rows with the borders and the blank line.
        let two = commands.len() + 6 > area.height as usize;
        // The key column is as wide as the longest keys and a space, so a key never runs
        // into its text; in two columns each half keeps what the keys leave to the text.
        let keys_of = |c: &Command| -> String {
            let keys: Vec<String> = c.keys.iter().map(|k| k.label(env.lang)).collect();
            keys.join(" / ")
        };
        let longest = commands
            .iter()
            .map(|c| width(&keys_of(c)))
            .max()
            .unwrap_or(0);
        let (key_w, label_w) = if two {
            let half = (area.width as usize).saturating_sub(3) / 2;
            let key_w = (longest + 1).clamp(16, half / 2);
            (key_w, half.saturating_sub(key_w))
        } else {
            ((longest + 1).clamp(22, 30), 40)
        };
        let entry = |c: &Command| -> Vec<Span<'static>> {
            vec![
                Span::styled(
                    fit(&truncate(&keys_of(c), key_w - 1), key_w),
                    env.theme.focused.add_modifier(Modifier::BOLD),
                ),
                Span::raw(if two {
                    fit(t(env.lang, c.label), label_w)
                } else {
                    t(env.lang, c.label).to_string()
                }),
            ]
        };
        let mut lines = Vec::new();
        if two {
            let half = commands.len().div_ceil(2);
            for i in 0..half {
                let mut spans = entry(&commands[i]);
                if let Some(right) = commands.get(i + half) {
                    spans.push(Span::raw(" "));
                    spans.extend(entry(right));
                }
                lines.push(Line::from(spans));
            }
        } else {
            lines.extend(commands.iter().map(|c| Line::from(entry(c))));
        }
        lines.push(Line::from(""));
        lines.push(Line::styled(t(env.lang, "help.typing"), env.theme.hint));
        lines.push(Line::styled(t(env.lang, "help.close"), env.theme.hint));
        let h = (lines.len() as u16 + 4).min(area.height);
        let w = if two { area.width } else { 64.min(area.width) };
        let rect = Rect::new(area.x + area.width.saturating_sub(w) / 2, area.y, w, h);
        frame.render_widget(Clear, super::widgets::dialog::clear_area(rect, area));
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(ratatui::widgets::Wrap { trim: false })
                .block(
                    Block::default()
                        .borders(Borders::ALL)
                        .border_set(env.symbols.border)
                        .title(Line::styled(
                            format!(" {} ", t(env.lang, "help.title")),
                            env.theme.title,
                        )),
                ),
            rect,
        );
    }

    /// The screen stack's depth (tests).
    pub fn depth(&self) -> usize {
        self.stack.len()
    }

    /// The dialog shown, if any (tests).
    pub fn dialog(&self) -> Option<&Dialog> {
        self.dialog.as_ref()
    }
}

fn unreachable_screen() -> &'static dyn Screen {
    // Only reachable if the stack were emptied, which `apply` and `handle_key` never do; a
    // static placeholder keeps that a blank screen rather than a panic.
    static EMPTY: std::sync::OnceLock<super::screens::placeholder::Placeholder> =
        std::sync::OnceLock::new();
    EMPTY.get_or_init(|| super::screens::placeholder::Placeholder::new("menu.home"))
}

/// The last guard before the terminal: any cell whose text still holds a control character,
/// an escape sequence's introducer or a bidirectional override (stored text drawn by a path
/// that forgot `safe`) keeps only what may be shown. Screens strip text themselves; this makes
/// the rule hold for every screen, whatever draws into the frame.
fn strip_cells(buf: &mut ratatui::buffer::Buffer) {
    for cell in buf.content.iter_mut() {
        if cell.symbol().chars().any(is_forbidden) {
            let shown = for_display(cell.symbol());
            cell.set_symbol(if shown.is_empty() { " " } else { &shown });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::buffer::Buffer;

    #[test]
    fn no_cell_keeps_a_control_character() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 4, 1));
        buf[(0, 0)].set_symbol("恶\u{1b}]52;c;ZXZpbA==\u{7}");
        buf[(1, 0)].set_symbol("\u{202E}");
        buf[(2, 0)].set_symbol("a");
        strip_cells(&mut buf);
        assert_eq!(buf[(0, 0)].symbol(), "恶]52;c;ZXZpbA==");
        assert_eq!(buf[(1, 0)].symbol(), " ");
        assert_eq!(buf[(2, 0)].symbol(), "a");
    }
}
