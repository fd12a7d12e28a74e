//! The person list: a search box that filters on every keystroke with the same matcher as
//! `jiuzhu find`, and a table that draws only the rows on screen.

use crossterm::event::KeyCode;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::domain::permission::{allows_anywhere, Action as Permission};
use crate::domain::pinyin_keys::keys_of;
use crate::domain::search::{classify, QueryKind, SearchEntry};
use crate::i18n::{t, tf};
use crate::tui::env::Env;
use crate::tui::keys::{Action, Command, Key};
use crate::tui::screens::{Destination, Outcome, Screen};
use crate::tui::text::{safe, width};
use crate::tui::widgets::table::{column_widths, row_line};
use crate::tui::widgets::text_field::TextField;

/// Most matches a query lists; more means the query should be narrowed.
const MAX_MATCHES: usize = 500;

/// What choosing a person in the list is for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Pick {
    /// The person a new clue is about: Enter opens the clue form.
    Clue,
    /// The duplicate record to merge into `keep`: Enter opens the merge screen.
    Merge { keep: String },
    /// A new member of household `household`: Enter asks their relation to the head.
    Member { household: String },
}

/// The person list screen.
pub struct PersonList {
    query: TextField,
    /// Matches of the query, best first (empty query: browsing).
    hits: Vec<usize>,
    total: usize,
    selected: usize,
    /// Browsing (`None`) or choosing a person for something.
    pick: Option<Pick>,
    /// The session may register persons somewhere (Ctrl+N opens the form).
    may_create: bool,
}

impl PersonList {
    /// The list, browsing everyone.
    pub fn new(env: &Env) -> PersonList {
        let mut l = PersonList {
            query: TextField::new(40),
            hits: Vec::new(),
            total: 0,
            selected: 0,
            pick: None,
            may_create: env
                .session
                .as_ref()
                .is_some_and(|s| allows_anywhere(&s.grants, Permission::EditPerson)),
        };
        l.refilter(env);
        l
    }

    /// The list as a chooser of the person a new clue is about.
    pub fn picker(env: &Env) -> PersonList {
        let mut l = PersonList::new(env);
        l.pick = Some(Pick::Clue);
        l
    }

    /// The list as a chooser of the duplicate record to merge into person `keep`.
    pub fn merge_picker(env: &Env, keep: &str) -> PersonList {
        let mut l = PersonList::new(env);
        l.pick = Some(Pick::Merge {
            keep: keep.to_string(),
        });
        l
    }

    /// The list as a chooser of a new member of household `household`.
    pub fn member_picker(env: &Env, household: &str) -> PersonList {
        let mut l = PersonList::new(env);
        l.pick = Some(Pick::Member {
            household: household.to_string(),
        });
        l
    }

    /// The query when it is a name (Chinese text), for the form of a new person; empty for
    /// pinyin, numbers and anything else.
    fn typed_name(&self) -> String {
        match classify(self.query.value()) {
            Some(QueryKind::Name(_)) => self.query.value().trim().to_string(),
            _ => String::new(),
        }
    }

    fn browsing(&self) -> bool {
        self.query.value().trim().is_empty()
    }

    fn len(&self, env: &Env) -> usize {
        if self.browsing() {
            env.index.as_ref().map_or(0, |i| i.len())
        } else {
            self.hits.len()
        }
    }

    fn refilter(&mut self, env: &Env) {
        self.selected = 0;
        let Some(index) = &env.index else {
            self.hits.clear();
            self.total = 0;
            return;
        };
        if self.browsing() {
            self.hits.clear();
            self.total = index.len();
        } else {
            let (hits, total) = index.search_counted(self.query.value(), MAX_MATCHES);
            self.hits = hits;
            self.total = total;
        }
    }

    /// The entry positions on the page that holds the selection.
    fn page(&self, env: &Env, rows: usize) -> (usize, Vec<usize>) {
        let rows = rows.max(1);
        let top = (self.selected / rows) * rows;
        let shown = match &env.index {
            None => Vec::new(),
            Some(index) if self.browsing() => index.browse(top, rows),
            Some(_) => self.hits.iter().skip(top).take(rows).copied().collect(),
        };
        (top, shown)
    }

    fn selected_entry<'e>(&self, env: &'e Env) -> Option<SearchEntry<'e>> {
        let index = env.index.as_ref()?;
        let i = if self.browsing() {
            index.browse(self.selected, 1).first().copied()?
        } else {
            *self.hits.get(self.selected)?
        };
        Some(index.entry(i))
    }

    fn move_by(&mut self, delta: isize, env: &Env) {
        let n = self.len(env);
        if n == 0 {
            return;
        }
        self.selected = (self.selected as isize + delta).clamp(0, n as isize - 1) as usize;
    }

    /// The name with the part the query matched in the match style.
    fn name_cell(name: &str, query: &Option<QueryKind>, env: &Env) -> Line<'static> {
        let name = safe(name);
        let split = match query {
            Some(QueryKind::Name(q)) => name.find(q.as_str()).map(|b| (b, b + q.len())),
            Some(QueryKind::Pinyin(q)) => {
                let keys = keys_of(&name);
                keys.initials
                    .iter()
                    .find(|v| v.starts_with(q.as_str()))
                    .map(|_| {
                        let end = name
                            .char_indices()
                            .nth(q.len())
                            .map_or(name.len(), |(b, _)| b);
                        (0, end)
                    })
            }
            _ => None,
        };
        match split {
            Some((a, b)) => Line::from(vec![
                Span::raw(name[..a].to_string()),
                Span::styled(name[a..b].to_string(), env.theme.matched),
                Span::raw(name[b..].to_string()),
            ]),
            None => Line::from(name),
        }
    }

    fn id_cell(e: &SearchEntry<'_>, env: &Env) -> String {
        e.masked_id_number()
            .unwrap_or_else(|| t(env.lang, "find.no_id").to_string())
    }
}

impl Screen for PersonList {
    fn title(&self, env: &Env) -> String {
        t(
            env.lang,
            match self.pick {
                None => "persons.title",
                Some(Pick::Clue) => "persons.pick_title",
                Some(Pick::Merge { .. }) => "persons.pick_merge_title",
                Some(Pick::Member { .. }) => "persons.pick_member_title",
            },
        )
        .to_string()
    }

    fn commands(&self) -> Vec<Command> {
        let mut c = vec![Command::bar(
            &[Key::plain(KeyCode::Enter)],
            Action::Open,
            "cmd.open",
        )];
        match self.pick {
            // Choosing a duplicate or a member is choosing someone already on record.
            Some(Pick::Merge { .. } | Pick::Member { .. }) => {}
            Some(Pick::Clue) if self.may_create => c.push(Command::bar(
                &[Key::ctrl('n')],
                Action::New,
                "cmd.new_person",
            )),
            Some(Pick::Clue) => {}
            None => {
                if self.may_create {
                    c.push(Command::bar(
                        &[Key::ctrl('n')],
                        Action::New,
                        "cmd.new_person",
                    ));
                }
                c.push(Command::bar(
                    &[Key::ctrl('t')],
                    Action::Step(0),
                    "cmd.transfers",
                ));
            }
        }
        c.push(Command::bar(
            &[Key::plain(KeyCode::Esc)],
            Action::Back,
            "cmd.back",
        ));
        c.extend(crate::tui::keys::arrow_moves());
        c
    }

    fn text_focused(&self) -> bool {
        true
    }

    fn on_action(&mut self, action: Action, env: &mut Env) -> Outcome {
        match action {
            Action::Up => self.move_by(-1, env),
            Action::Down => self.move_by(1, env),
            Action::PageUp => self.move_by(-15, env),
            Action::PageDown => self.move_by(15, env),
            Action::Open => {
                if let Some(e) = self.selected_entry(env) {
                    let id = e.id.to_string();
                    let name = e.name.to_string();
                    return match self.pick.clone() {
                        Some(Pick::Clue) => Outcome::OpenInstead(Destination::NewClue {
                            person_id: id,
                            person_name: name,
                        }),
                        Some(Pick::Merge { keep }) => {
                            Outcome::OpenInstead(Destination::Merge { keep, other: id })
                        }
                        Some(Pick::Member { household }) => {
                            Outcome::OpenInstead(Destination::AddMember {
                                household,
                                person: id,
                            })
                        }
                        None => Outcome::Open(Destination::PersonFile { id }),
                    };
                }
            }
            Action::New if !self.may_create => {}
            Action::New if matches!(self.pick, Some(Pick::Clue)) => {
                // The picker gives way to the form, which goes on to the clue once saved.
                let name = self.typed_name();
                return Outcome::OpenInstead(Destination::NewPerson {
                    name,
                    for_clue: true,
                });
            }
            Action::New => {
                let name = self.typed_name();
                return Outcome::Open(Destination::NewPerson {
                    name,
                    for_clue: false,
                });
            }
            Action::Step(0) => return Outcome::Open(Destination::Transfers),
            _ => {}
        }
        Outcome::None
    }

    fn on_key(&mut self, key: Key, env: &mut Env) -> Outcome {
        if self.query.handle(key) {
            self.refilter(env);
        }
        Outcome::None
    }

    fn on_index(&mut self, env: &Env) {
        let keep = self.selected;
        self.refilter(env);
        self.selected = keep.min(self.len(env).saturating_sub(1));
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, env: &Env) {
        let lang = env.lang;
        let label = format!(" {} ", t(lang, "persons.search"));
        let label_w = width(&label) as u16;
        frame.render_widget(
            Paragraph::new(Span::styled(label, env.theme.label)),
            Rect::new(area.x, area.y, label_w, 1),
        );
        let box_area = self.search_box(area);
        frame.render_widget(
            Paragraph::new(" ".repeat(box_area.width as usize)).style(env.theme.selected),
            box_area,
        );
        self.query.render(frame, box_area, env.theme.selected, true);
        let count = match &env.index {
            None => env
                .index_error
                .clone()
                .unwrap_or_else(|| t(lang, "persons.loading").to_string()),
            Some(index) if self.browsing() => tf(
                lang,
                "persons.count_all",
                &[("n", &index.len().to_string())],
            ),
            Some(index) => tf(
                lang,
                if self.total > self.hits.len() {
                    "persons.count_capped"
                } else {
                    "persons.count_matches"
                },
                &[
                    ("all", &index.len().to_string()),
                    ("n", &self.total.to_string()),
                    ("shown", &self.hits.len().to_string()),
                ],
            ),
        };
        let cx = box_area.x + box_area.width + 2;
        frame.render_widget(
            Paragraph::new(Span::styled(count, env.theme.hint)),
            Rect::new(cx, area.y, (area.x + area.width).saturating_sub(cx), 1),
        );
        if area.height < 4 {
            return;
        }
        let rows = (area.height - 3) as usize;
        let (top, shown) = self.page(env, rows);
        let query = classify(self.query.value());
        let headers: Vec<String> = [
            "persons.col_no",
            "persons.col_name",
            "persons.col_id",
            "persons.col_community",
            "persons.col_status",
        ]
        .iter()
        .map(|k| t(lang, k).to_string())
        .collect();
        let cells: Vec<Vec<Line<'static>>> = match &env.index {
            Some(index) => shown
                .iter()
                .map(|&i| {
                    let e = index.entry(i);
                    vec![
                        Line::from(safe(e.service_no.unwrap_or("-"))),
                        Self::name_cell(e.name, &query, env),
                        Line::from(Self::id_cell(&e, env)),
                        Line::from(safe(env.org_name(e.community))),
                        Line::from(t(lang, e.status.label_key()).to_string()),
                    ]
                })
                .collect(),
            None => Vec::new(),
        };
        let table_w = area.width.saturating_sub(3) as usize;
        let widths = column_widths(&headers, &cells, table_w, 3);
        let header_cells: Vec<Line<'_>> = headers.iter().map(|h| Line::from(h.as_str())).collect();
        let mut lines = vec![
            Line::from(""),
            Line::from(vec![Span::raw("  "), Span::raw("")]).patch_style(Style::default()),
        ];
        lines[1] = {
            let mut l = row_line(&header_cells, &widths, env.theme.label);
            l.spans.insert(0, Span::raw("  "));
            l
        };
        for (n, row) in cells.iter().enumerate() {
            let selected = top + n == self.selected;
            let style = if selected {
                env.theme.selected
            } else {
                Style::default()
            };
            let mut l = row_line(row, &widths, style);
            let marker = if selected { env.symbols.marker } else { " " };
            l.spans.insert(0, Span::raw(format!("{marker} ")));
            lines.push(l);
        }
        if cells.is_empty() && env.index.is_some() && !self.browsing() {
            lines.push(Line::styled(
                format!("  {}", t(lang, "find.none")),
                env.theme.hint,
            ));
        }
        frame.render_widget(
            Paragraph::new(lines),
            Rect::new(area.x, area.y + 1, area.width, area.height - 1),
        );
    }

    fn cursor(&self, area: Rect, _env: &Env) -> Option<Position> {
        Some(self.query.cursor(self.search_box(area)))
    }
}

impl PersonList {
    fn search_box(&self, area: Rect) -> Rect {
        Rect::new(area.x + 8, area.y, 28.min(area.width.saturating_sub(10)), 1)
    }
}
