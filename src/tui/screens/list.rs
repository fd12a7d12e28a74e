//! The list screen: one table of records with optional filter tabs, a count line, Enter to
//! open a row, Ctrl+N for a new record where the session may, and search by name where the
//! list wants it. The clue, case, task, transfer and provider lists are this screen; each
//! gives only its differences as a [`ListSpec`].

use crossterm::event::KeyCode;
use ratatui::layout::{Position, Rect};
use ratatui::text::Line;
use ratatui::Frame;

use crate::app::AppError;
use crate::domain::pinyin_keys::keys_of;
use crate::domain::search::{SearchIndex, SearchRow};
use crate::i18n::{t, Lang, Localize};
use crate::tui::env::Env;
use crate::tui::keys::{arrow_moves, list_moves, Action, Command, Key};
use crate::tui::screens::{Outcome, Screen};
use crate::tui::text::width;
use crate::tui::widgets::dialog::Answer;
use crate::tui::widgets::filtered_table::{FilteredTable, Row};
use crate::tui::widgets::text_field::TextField;

/// Most matches a search shows.
const MAX_MATCHES: usize = 2000;

/// A row with whether the session may act on it (the command for the row is offered only then).
pub struct Allowed<T> {
    /// The row.
    pub line: T,
    /// The session may act on it.
    pub may: bool,
}

impl<T> Allowed<T> {
    /// `command` when the selected row `current` lets the session act, else nothing.
    pub fn offer(current: Option<&Allowed<T>>, command: Command) -> Vec<Command> {
        current
            .is_some_and(|x| x.may)
            .then_some(command)
            .into_iter()
            .collect()
    }
}

/// The name a row is searched by, with what the person list's matcher also knows of it.
pub struct SearchName {
    /// The person's name.
    pub name: String,
    /// 服务号, if any.
    pub service_no: Option<String>,
    /// Community code.
    pub community: String,
}

/// What one list is: its data, its columns, its loader and what its keys do.
pub trait ListSpec {
    /// One row as loaded.
    type Item;

    /// Typing narrows the list by name or pinyin ([`Self::search_name`]); letter keys type.
    const SEARCH: bool = false;

    /// String-table key of the title.
    fn title(&self) -> &'static str;

    /// String-table keys of the filter tabs; none draws no tab row.
    fn tabs(&self) -> Vec<String> {
        Vec::new()
    }

    /// The tab the list opens on, for the signed-in session.
    fn first_tab(&self, _env: &Env) -> usize {
        0
    }

    /// String-table keys of the column headers.
    fn headers(&self) -> &'static [&'static str];

    /// The column that takes the width left over.
    fn flex(&self) -> usize;

    /// String-table key of the line shown when there are no rows.
    fn empty(&self) -> &'static str;

    /// Loads the rows of tab `tab` (0 when there are no tabs).
    fn load(&mut self, env: &mut Env, tab: usize) -> Result<Vec<Self::Item>, AppError>;

    /// The cells of one row.
    fn cells(&self, item: &Self::Item, env: &Env) -> Vec<Line<'static>>;

    /// The row is overdue (drawn as an error).
    fn overdue(&self, _item: &Self::Item) -> bool {
        false
    }

    /// The count line over the rows shown; `None` leaves the line blank.
    fn count(&self, shown: &[&Self::Item], lang: Lang) -> Option<String>;

    /// The command bound to Enter for the selected row, if any.
    fn open_command(&self, _current: Option<&Self::Item>) -> Option<Command> {
        Some(Command::bar(
            &[Key::plain(KeyCode::Enter)],
            Action::Open,
            "cmd.open",
        ))
    }

    /// What Enter does on `item`.
    fn open(&self, item: &Self::Item, env: &mut Env) -> Outcome;

    /// The label of Ctrl+N when the session may make a new record here.
    fn new_label(&self) -> Option<&'static str> {
        None
    }

    /// What Ctrl+N does.
    fn new_item(&self, _env: &mut Env) -> Outcome {
        Outcome::None
    }

    /// The list's own commands for the selected row (offered after Enter and Ctrl+N).
    fn extra_commands(&self, _current: Option<&Self::Item>) -> Vec<Command> {
        Vec::new()
    }

    /// Does one of [`Self::extra_commands`].
    fn extra(&self, _action: Action, _current: Option<&Self::Item>, _env: &mut Env) -> Outcome {
        Outcome::None
    }

    /// Answers a dialog one of the list's commands opened; `Some` reloads the list.
    fn on_answer(
        &self,
        _answer: Answer,
        _current: Option<&Self::Item>,
        _env: &mut Env,
    ) -> Option<Outcome> {
        None
    }

    /// The moving keys shown in the help (lists without search).
    fn moves(&self) -> Vec<Command> {
        list_moves()
    }

    /// The name `item` is found by when the list searches.
    fn search_name(&self, _item: &Self::Item) -> Option<SearchName> {
        None
    }
}

/// A list screen over the rows a [`ListSpec`] loads.
pub struct ListScreen<S: ListSpec> {
    spec: S,
    tabs: Vec<String>,
    table: FilteredTable,
    lines: Result<Vec<S::Item>, String>,
    /// The name typed to narrow the list (lists that search).
    query: TextField,
    /// The names of `lines`, searchable as the person list searches.
    index: SearchIndex,
    /// Positions in `lines` of the rows shown: all, or the matches of the query, best first.
    shown: Vec<usize>,
}

impl<S: ListSpec> ListScreen<S> {
    /// The list `spec` describes, on the tab it opens on for this session, loaded now.
    pub fn with(env: &mut Env, spec: S) -> ListScreen<S> {
        let tabs = spec.tabs();
        let first = spec.first_tab(env).min(tabs.len().saturating_sub(1));
        let mut l = ListScreen {
            table: FilteredTable::new(tabs.len(), first),
            tabs,
            spec,
            lines: Ok(Vec::new()),
            query: TextField::new(40),
            index: SearchIndex::default(),
            shown: Vec::new(),
        };
        l.reload(env);
        l
    }

    /// The filter tab shown.
    pub fn tab(&self) -> usize {
        self.table.filter
    }

    /// Selects the first row shown that `f` picks, if any.
    pub fn select_where(&mut self, f: impl Fn(&S::Item) -> bool) {
        if let Some(row) = (0..self.shown.len()).find(|&r| self.line(r).is_some_and(&f)) {
            self.table.selected = row;
        }
    }

    fn reload(&mut self, env: &mut Env) {
        let lang = env.lang;
        self.lines = self
            .spec
            .load(env, self.table.filter)
            .map_err(|e| e.localize(lang));
        if S::SEARCH {
            let rows: Vec<SearchRow> = self
                .lines
                .as_deref()
                .unwrap_or(&[])
                .iter()
                .enumerate()
                .filter_map(|(i, l)| {
                    let n = self.spec.search_name(l)?;
                    let (initials, full) = keys_of(&n.name).joined();
                    Some(SearchRow {
                        id: i.to_string(),
                        name: n.name,
                        initials,
                        full,
                        id_number: None,
                        phone: None,
                        service_no: n.service_no,
                        community: n.community,
                        status: crate::domain::person::PersonStatus::Active,
                    })
                })
                .collect();
            self.index = SearchIndex::build(rows);
        }
        self.refilter();
    }

    /// Recomputes the rows shown from the query.
    fn refilter(&mut self) {
        let n = self.lines.as_ref().map_or(0, Vec::len);
        self.shown = if self.query.value().trim().is_empty() {
            (0..n).collect()
        } else {
            self.index
                .search(self.query.value(), MAX_MATCHES)
                .into_iter()
                .filter_map(|i| self.index.entry(i).id.parse().ok())
                .collect()
        };
        self.table.clamp(self.shown.len());
    }

    fn line(&self, row: usize) -> Option<&S::Item> {
        let i = *self.shown.get(row)?;
        self.lines.as_ref().ok()?.get(i)
    }

    fn current(&self) -> Option<&S::Item> {
        self.line(self.table.selected)
    }

    fn query_prefix(&self, env: &Env) -> Option<String> {
        let q = self.query.value();
        (!q.is_empty()).then(|| format!("{}：{q}  ", t(env.lang, "persons.search")))
    }
}

impl<S: ListSpec> Screen for ListScreen<S> {
    fn title(&self, env: &Env) -> String {
        t(env.lang, self.spec.title()).to_string()
    }

    fn commands(&self) -> Vec<Command> {
        let current = self.current();
        let mut c: Vec<Command> = self.spec.open_command(current).into_iter().collect();
        if let Some(label) = self.spec.new_label() {
            c.push(Command::bar(
                &[Key::ctrl('n'), Key::ch('n')],
                Action::New,
                label,
            ));
        }
        c.extend(self.spec.extra_commands(current));
        let nav = if self.tabs.is_empty() {
            let mut nav = vec![Command::bar(
                &[Key::plain(KeyCode::Esc)],
                Action::Back,
                "cmd.back",
            )];
            nav.extend(self.spec.moves());
            nav
        } else {
            FilteredTable::commands()
        };
        if S::SEARCH {
            // Letters type into the search: only the commands without one stay.
            c.extend(
                nav.into_iter()
                    .filter(|c| !c.keys.iter().any(Key::is_printable)),
            );
            c.extend(arrow_moves());
            c.push(Command::doc(&[], "cmd.type_to_search"));
        } else {
            c.extend(nav);
        }
        c
    }

    fn text_focused(&self) -> bool {
        S::SEARCH
    }

    fn on_key(&mut self, key: Key, _env: &mut Env) -> Outcome {
        if S::SEARCH && self.query.handle(key) {
            self.table.selected = 0;
            self.refilter();
        }
        Outcome::None
    }

    fn cursor(&self, area: Rect, env: &Env) -> Option<Position> {
        let prefix = self.query_prefix(env)?;
        let before = format!("{}：", t(env.lang, "persons.search"));
        let box_x = area.x + 2 + width(&before) as u16;
        let w = width(&prefix).saturating_sub(width(&before)) as u16;
        let y = area.y + u16::from(!self.tabs.is_empty());
        Some(self.query.cursor(Rect::new(box_x, y, w.max(1), 1)))
    }

    fn on_action(&mut self, action: Action, env: &mut Env) -> Outcome {
        match self.table.handle(action, self.shown.len()) {
            Some(true) => {
                self.reload(env);
                return Outcome::None;
            }
            Some(false) => return Outcome::None,
            None => {}
        }
        match action {
            Action::Open => match self.current() {
                Some(item) => self.spec.open(item, env),
                None => Outcome::None,
            },
            Action::New if self.spec.new_label().is_some() => self.spec.new_item(env),
            a => self.spec.extra(a, self.current(), env),
        }
    }

    fn on_answer(&mut self, answer: Answer, env: &mut Env) -> Outcome {
        match self.spec.on_answer(answer, self.current(), env) {
            Some(outcome) => {
                self.reload(env);
                outcome
            }
            None => Outcome::None,
        }
    }

    fn on_resume(&mut self, env: &mut Env) {
        self.reload(env);
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, env: &Env) {
        let lang = env.lang;
        let tabs: Vec<String> = self.tabs.iter().map(|k| t(lang, k).to_string()).collect();
        let headers: Vec<String> = self
            .spec
            .headers()
            .iter()
            .map(|k| t(lang, k).to_string())
            .collect();
        let items: Vec<&S::Item> = (0..self.shown.len()).filter_map(|r| self.line(r)).collect();
        let prefix = self.query_prefix(env).unwrap_or_default();
        let count = self
            .lines
            .as_ref()
            .map_err(Clone::clone)
            .map(|_| self.spec.count(&items, lang).map(|c| prefix + &c));
        let rows: Vec<Row> = items
            .iter()
            .skip(self.table.top(area))
            .take(self.table.page_len(area))
            .map(|l| Row {
                cells: self.spec.cells(l, env),
                overdue: self.spec.overdue(l),
            })
            .collect();
        self.table.render_counted(
            frame,
            area,
            env,
            &tabs,
            count,
            &headers,
            &rows,
            self.spec.flex(),
            t(lang, self.spec.empty()),
        );
    }
}
