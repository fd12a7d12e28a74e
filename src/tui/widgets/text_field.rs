//! A one-line text field: editing keys, display-width cursor, horizontal scroll, and the real
//! terminal cursor placed where the user types (an input method's composition window appears
//! at the terminal cursor).

use crossterm::event::KeyCode;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::Span;
use ratatui::Frame;
use tui_input::{Input, InputRequest};

use crate::tui::keys::Key;

/// One line of editable text.
#[derive(Debug, Clone, Default)]
pub struct TextField {
    input: Input,
    /// Show `*` instead of the characters (passwords).
    pub masked: bool,
    /// Most characters accepted.
    pub max_chars: usize,
}

impl TextField {
    /// An empty field accepting up to `max_chars` characters.
    pub fn new(max_chars: usize) -> TextField {
        TextField {
            input: Input::default(),
            masked: false,
            max_chars,
        }
    }

    /// A field holding `value`, the cursor at its end.
    pub fn with_value(value: &str, max_chars: usize) -> TextField {
        TextField {
            input: Input::new(value.to_string()),
            masked: false,
            max_chars,
        }
    }

    /// The text.
    pub fn value(&self) -> &str {
        self.input.value()
    }

    /// Replaces the text, cursor at the end.
    pub fn set_value(&mut self, value: &str) {
        self.input = Input::new(value.to_string());
    }

    /// Applies an editing key; returns true when the text changed.
    pub fn handle(&mut self, key: Key) -> bool {
        use KeyCode::*;
        let ctrl = key.mods.contains(crossterm::event::KeyModifiers::CONTROL);
        let req = match (key.code, ctrl) {
            (Char(c), false) if key.mods.is_empty() => {
                if self.input.value().chars().count() >= self.max_chars {
                    return false;
                }
                InputRequest::InsertChar(c)
            }
            (Backspace, false) | (Char('h'), true) => InputRequest::DeletePrevChar,
            (Delete, false) => InputRequest::DeleteNextChar,
            (Left, false) | (Char('b'), true) => InputRequest::GoToPrevChar,
            (Right, false) | (Char('f'), true) => InputRequest::GoToNextChar,
            (Left, true) => InputRequest::GoToPrevWord,
            (Right, true) => InputRequest::GoToNextWord,
            (Home, _) | (Char('a'), true) => InputRequest::GoToStart,
            (End, _) | (Char('e'), true) => InputRequest::GoToEnd,
            (Char('w'), true) => InputRequest::DeletePrevWord,
            (Char('u'), true) => InputRequest::DeleteFromStart,
            (Char('k'), true) => InputRequest::DeleteTillEnd,
            _ => return false,
        };
        self.input.handle(req).is_some_and(|changed| changed.value)
    }

    /// True for keys the field uses (so screens can let it have them first).
    pub fn takes(key: Key) -> bool {
        use KeyCode::*;
        let ctrl = key.mods.contains(crossterm::event::KeyModifiers::CONTROL);
        match key.code {
            Char(c) if !ctrl => key.mods.is_empty() && !c.is_control(),
            Char('h' | 'b' | 'f' | 'a' | 'e' | 'w' | 'u' | 'k') => ctrl,
            Backspace | Delete | Left | Right | Home | End => true,
            _ => false,
        }
    }

    fn shown(&self) -> String {
        if self.masked {
            "*".repeat(self.input.value().chars().count())
        } else {
            crate::tui::text::safe(self.input.value())
        }
    }

    /// Draws the text in `area` (one line): scrolled so the cursor is visible when focused,
    /// from its start otherwise.
    pub fn render(&self, frame: &mut Frame<'_>, area: Rect, style: Style, focused: bool) {
        let width = area.width.max(1) as usize;
        let scroll = if focused {
            self.visual_scroll(width)
        } else {
            0
        };
        let shown = self.shown();
        if !focused && unicode_width::UnicodeWidthStr::width(shown.as_str()) > width {
            // Not being edited: a value longer than its room says so with `..`; the whole of
            // it shows when the field has focus.
            frame.render_widget(
                ratatui::widgets::Paragraph::new(Span::styled(
                    crate::tui::text::truncate(&shown, width),
                    style,
                )),
                area,
            );
            return;
        }
        let mut skipped = 0;
        let mut visible = String::new();
        let mut used = 0;
        for c in shown.chars() {
            let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            if skipped < scroll {
                skipped += w;
                continue;
            }
            if used + w > width {
                break;
            }
            visible.push(c);
            used += w;
        }
        frame.render_widget(
            ratatui::widgets::Paragraph::new(Span::styled(visible, style)),
            area,
        );
    }

    fn visual_cursor(&self) -> usize {
        if self.masked {
            self.input.cursor()
        } else {
            self.input.visual_cursor()
        }
    }

    fn visual_scroll(&self, width: usize) -> usize {
        if self.masked {
            self.input.cursor().saturating_sub(width.saturating_sub(1))
        } else {
            self.input.visual_scroll(width.saturating_sub(1))
        }
    }

    /// Where the terminal cursor goes when the field in `area` has focus.
    pub fn cursor(&self, area: Rect) -> Position {
        let width = area.width.max(1) as usize;
        let col = self
            .visual_cursor()
            .saturating_sub(self.visual_scroll(width));
        Position::new(area.x + (col.min(width - 1)) as u16, area.y)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drawn(f: &TextField, width: u16, focused: bool) -> String {
        let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(width, 1)).unwrap();
        t.draw(|frame| f.render(frame, frame.area(), Style::default(), focused))
            .unwrap();
        let buf = t.backend().buffer();
        (0..width)
            .map(|x| buf[(x, 0)].symbol().to_string())
            .collect()
    }

    #[test]
    fn a_value_longer_than_its_room_ends_in_dots_unless_being_edited() {
        let f = typed("abcdefghijkl");
        assert_eq!(drawn(&f, 8, false), "abcdef..");
        assert_eq!(drawn(&typed("abc"), 8, false), "abc     ");
        // Being edited, it scrolls to the cursor instead.
        assert!(!drawn(&f, 8, true).contains(".."));
    }

    fn typed(s: &str) -> TextField {
        let mut f = TextField::new(50);
        for c in s.chars() {
            f.handle(Key::ch(c));
        }
        f
    }

    #[test]
    fn cursor_counts_display_cells() {
        let f = typed("张三a");
        assert_eq!(f.value(), "张三a");
        assert_eq!(f.cursor(Rect::new(10, 3, 20, 1)), Position::new(15, 3));
    }

    #[test]
    fn backspace_removes_a_whole_wide_character() {
        let mut f = typed("王小");
        f.handle(Key::plain(KeyCode::Backspace));
        assert_eq!(f.value(), "王");
        assert_eq!(f.cursor(Rect::new(0, 0, 20, 1)).x, 2);
    }

    #[test]
    fn editing_keys() {
        let mut f = typed("wang li");
        f.handle(Key::ctrl('w'));
        assert_eq!(f.value(), "wang ");
        // Chinese has no spaces between words: Ctrl+W takes one character at a time.
        let mut f = typed("张三 李四");
        f.handle(Key::ctrl('w'));
        f.handle(Key::ctrl('w'));
        assert_eq!(f.value(), "张三 ");
        f.handle(Key::ctrl('a'));
        f.handle(Key::ch('老'));
        assert_eq!(f.value(), "老张三 ");
        f.handle(Key::ctrl('e'));
        f.handle(Key::ch('x'));
        assert_eq!(f.value(), "老张三 x");
        f.handle(Key::plain(KeyCode::Home));
        f.handle(Key::plain(KeyCode::Delete));
        assert_eq!(f.value(), "张三 x");
    }

    #[test]
    fn length_is_bounded_in_characters() {
        let mut f = TextField::new(2);
        for c in "张三丰".chars() {
            f.handle(Key::ch(c));
        }
        assert_eq!(f.value(), "张三");
    }

    #[test]
    fn long_text_scrolls_and_the_cursor_stays_inside() {
        let f = typed(&"长".repeat(30));
        let p = f.cursor(Rect::new(0, 0, 10, 1));
        assert!(p.x <= 9, "{p:?}");
    }
}
