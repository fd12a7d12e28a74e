//! A table of records with a row of state tabs above it: moving the selection, paging,
//! cycling the filter, and drawing the page with overdue rows marked. The clue list and the
//! case list are both this, with their own columns.

use crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::table::{column_widths, row_line};
use super::tabs::tab_line;
use crate::tui::env::Env;
use crate::tui::keys::{list_moves, Action, Command, Key};

/// Rows moved by PageUp / PageDown.
const PAGE: usize = 15;

/// One row: its cells and whether it is overdue.
pub struct Row {
    pub cells: Vec<Line<'static>>,
    pub overdue: bool,
}

/// The days column: `-` for a record waiting on nothing, `!n` when overdue.
pub fn days_cell(days: Option<i64>, overdue: bool) -> Line<'static> {
    Line::from(match (days, overdue) {
        (None, _) => "-".to_string(),
        (Some(d), true) => format!("!{d}"),
        (Some(d), false) => d.to_string(),
    })
}

/// Which filter tab and which row are selected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FilteredTable {
    /// The filter tab.
    pub filter: usize,
    /// The selected row.
    pub selected: usize,
    filters: usize,
}

impl FilteredTable {
    /// A table with `filters` tabs, starting on tab `filter`; with none it draws no tab row.
    pub fn new(filters: usize, filter: usize) -> FilteredTable {
        FilteredTable {
            filter,
            selected: 0,
            filters,
        }
    }

    /// Moving, paging and filter keys (the screen adds its own).
    pub fn commands() -> Vec<Command> {
        let mut c = vec![
            Command::bar(
                &[Key::plain(KeyCode::Tab), Key::plain(KeyCode::Right)],
                Action::NextField,
                "cmd.next_filter",
            ),
            Command::help_only(
                &[Key::plain(KeyCode::BackTab), Key::plain(KeyCode::Left)],
                Action::PrevField,
                "cmd.prev_filter",
            ),
            Command::bar(&[Key::plain(KeyCode::Esc)], Action::Back, "cmd.back"),
        ];
        c.extend(list_moves());
        c
    }

    /// Applies a moving or filter action over `len` rows; returns `Some(true)` when the filter
    /// changed (the screen reloads), `Some(false)` when only the selection moved, `None` when
    /// the action is not one of these.
    pub fn handle(&mut self, action: Action, len: usize) -> Option<bool> {
        let last = len.saturating_sub(1);
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => self.selected = (self.selected + 1).min(last),
            Action::PageUp => self.selected = self.selected.saturating_sub(PAGE),
            Action::PageDown => self.selected = (self.selected + PAGE).min(last),
            Action::NextField | Action::PrevField => {
                let n = self.filters.max(1);
                self.filter = if action == Action::NextField {
                    (self.filter + 1) % n
                } else {
                    (self.filter + n - 1) % n
                };
                self.selected = 0;
                return Some(true);
            }
            _ => return None,
        }
        Some(false)
    }

    /// Keeps the selection inside `len` rows (after a reload).
    pub fn clamp(&mut self, len: usize) {
        self.selected = self.selected.min(len.saturating_sub(1));
    }

    /// Rows that fit in `area` below the tabs, count line and header.
    fn page_rows(area: Rect) -> usize {
        (area.height as usize).saturating_sub(4).max(1)
    }

    /// Rows of the page in `area`: one more when there is no tab row.
    pub fn page_len(&self, area: Rect) -> usize {
        if self.filters == 0 {
            (area.height as usize).saturating_sub(3).max(1)
        } else {
            Self::page_rows(area)
        }
    }

    /// The first row of the page that holds the selection.
    pub fn top(&self, area: Rect) -> usize {
        let rows = self.page_len(area);
        (self.selected / rows) * rows
    }

    /// How many rows the page shows.
    pub fn rows(area: Rect) -> usize {
        Self::page_rows(area)
    }

    /// Draws tabs, the count line, the header and `rows` (the page starting at [`Self::top`]);
    /// `error` replaces the table; `empty` shows when there are no rows.
    #[allow(clippy::too_many_arguments)]
    pub fn render(
        &self,
        frame: &mut Frame<'_>,
        area: Rect,
        env: &Env,
        tabs: &[String],
        count: Result<String, String>,
        headers: &[String],
        rows: &[Row],
        flex: usize,
        empty: &str,
    ) {
        self.render_counted(
            frame,
            area,
            env,
            tabs,
            count.map(Some),
            headers,
            rows,
            flex,
            empty,
        );
    }

    /// As [`Self::render`], with no tab row when `tabs` is empty and a blank line in place of
    /// the count line when `count` is `Ok(None)`.
    #[allow(clippy::too_many_arguments)]
    pub fn render_counted(
        &self,
        frame: &mut Frame<'_>,
        area: Rect,
        env: &Env,
        tabs: &[String],
        count: Result<Option<String>, String>,
        headers: &[String],
        rows: &[Row],
        flex: usize,
        empty: &str,
    ) {
        let mut lines = Vec::new();
        if !tabs.is_empty() {
            lines.push(tab_line(tabs, self.filter, &env.theme));
        }
        match count {
            Err(why) => {
                lines.push(Line::styled(format!("  {why}"), env.theme.error));
                frame.render_widget(Paragraph::new(lines), area);
                return;
            }
            Ok(Some(c)) => lines.push(Line::styled(format!("  {c}"), env.theme.hint)),
            Ok(None) => lines.push(Line::from("")),
        }
        let cells: Vec<Vec<Line<'static>>> = rows.iter().map(|r| r.cells.clone()).collect();
        let widths = column_widths(headers, &cells, area.width.saturating_sub(3) as usize, flex);
        let header_cells: Vec<Line<'_>> = headers.iter().map(|h| Line::from(h.as_str())).collect();
        let mut header = row_line(&header_cells, &widths, env.theme.label);
        header.spans.insert(0, Span::raw("  "));
        lines.push(header);
        let top = self.top(area);
        for (n, row) in rows.iter().enumerate() {
            let selected = top + n == self.selected;
            let style = if selected {
                env.theme.selected
            } else if row.overdue {
                env.theme.error
            } else {
                Style::default()
            };
            let mut l = row_line(&row.cells, &widths, style);
            l.spans.insert(
                0,
                Span::raw(if selected {
                    format!("{} ", env.symbols.marker)
                } else {
                    "  ".into()
                }),
            );
            lines.push(l);
        }
        if rows.is_empty() {
            lines.push(Line::styled(format!("  {empty}"), env.theme.hint));
        }
        frame.render_widget(Paragraph::new(lines), area);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moving_paging_and_filters() {
        let mut t = FilteredTable::new(3, 0);
        assert_eq!(t.handle(Action::Down, 40), Some(false));
        assert_eq!(t.handle(Action::PageDown, 40), Some(false));
        assert_eq!(t.selected, 16);
        t.handle(Action::PageDown, 20);
        assert_eq!(t.selected, 19, "stops at the last row");
        assert_eq!(t.handle(Action::PrevField, 20), Some(true));
        assert_eq!(
            (t.filter, t.selected),
            (2, 0),
            "wraps to the last filter, selection reset"
        );
        assert_eq!(t.handle(Action::Open, 20), None);
        assert_eq!(days_cell(None, false), Line::from("-"));
        assert_eq!(days_cell(Some(5), true), Line::from("!5"));
    }
}
