//! Keys and bindings. A binding matches on key code and modifiers only, never on the whole
//! event (whose equality includes press/release kind); only presses act, since Windows also
//! reports releases; Shift is ignored for printable characters, since Windows reports `?` and
//! full-width punctuation with it and Unix terminals do not.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::i18n::{t, Lang};

/// A normalised key press.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    /// The key.
    pub code: KeyCode,
    /// Control and Alt (Shift only for non-printable keys such as BackTab).
    pub mods: KeyModifiers,
}

impl Key {
    /// A key without modifiers.
    pub const fn plain(code: KeyCode) -> Key {
        Key {
            code,
            mods: KeyModifiers::NONE,
        }
    }

    /// A character key without modifiers.
    pub const fn ch(c: char) -> Key {
        Key::plain(KeyCode::Char(c))
    }

    /// Ctrl plus a letter.
    pub const fn ctrl(c: char) -> Key {
        Key {
            code: KeyCode::Char(c),
            mods: KeyModifiers::CONTROL,
        }
    }

    /// Normalises a terminal key event; `None` for releases.
    pub fn from_event(e: &KeyEvent) -> Option<Key> {
        if e.kind == KeyEventKind::Release {
            return None;
        }
        let mut mods =
            e.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let code = match e.code {
            KeyCode::Char(c) if mods.contains(KeyModifiers::CONTROL) => {
                KeyCode::Char(c.to_ascii_lowercase())
            }
            other => other,
        };
        if matches!(code, KeyCode::Char(_)) {
            mods.remove(KeyModifiers::SHIFT);
        }
        // Shift+Tab arrives as BackTab, with or without the Shift flag.
        if code == KeyCode::BackTab {
            mods.remove(KeyModifiers::SHIFT);
        }
        Some(Key { code, mods })
    }

    /// The key presses this event stands for. Nothing is bound to Alt (PuTTY and Xshell
    /// send it unreliably), but a terminal reports Esc followed quickly by a key, as over a
    /// slow SSH link, as Alt plus that key: such a key is read as Esc, then the key.
    pub fn presses(self) -> Vec<Key> {
        if self.mods.contains(KeyModifiers::ALT) {
            let mut rest = self;
            rest.mods.remove(KeyModifiers::ALT);
            vec![Key::plain(KeyCode::Esc), rest]
        } else {
            vec![self]
        }
    }

    /// A character a text field should take: printable, no Control or Alt.
    pub fn typed_char(&self) -> Option<char> {
        match self.code {
            KeyCode::Char(c) if self.mods.is_empty() && !c.is_control() => Some(c),
            _ => None,
        }
    }

    /// True for keys that type when a text field has focus (bound commands on them act only
    /// when no text field has focus).
    pub fn is_printable(&self) -> bool {
        self.typed_char().is_some()
    }

    /// How the key is written in the key bar and help (`Ctrl+S`, `F1`, `Enter`).
    pub fn label(&self, lang: Lang) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => t(lang, "key.space").to_string(),
            KeyCode::Char(c) => c.to_ascii_uppercase().to_string(),
            KeyCode::F(n) => format!("F{n}"),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift+Tab".into(),
            KeyCode::Up => t(lang, "key.up").to_string(),
            KeyCode::Down => t(lang, "key.down").to_string(),
            KeyCode::Left => t(lang, "key.left").to_string(),
            KeyCode::Right => t(lang, "key.right").to_string(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::Backspace => "Backspace".into(),
            KeyCode::Delete => "Del".into(),
            other => format!("{other:?}"),
        };
        let mut s = String::new();
        if self.mods.contains(KeyModifiers::CONTROL) {
            s.push_str("Ctrl+");
        }
        if self.mods.contains(KeyModifiers::ALT) {
            s.push_str("Alt+");
        }
        s.push_str(&base);
        s
    }
}

/// What a binding does; screens interpret their own actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Leave the program (asks first when a form is unsaved).
    Quit,
    /// Show every binding of the screen.
    Help,
    /// Go back one level (asks first when a form is unsaved).
    Back,
    /// Open the selected item.
    Open,
    /// Make a new record.
    New,
    /// Edit the shown record.
    Edit,
    /// Save the form.
    Save,
    /// Move the selection or focus.
    Up,
    Down,
    PageUp,
    PageDown,
    First,
    Last,
    NextField,
    PrevField,
    /// Put the focus in the search box.
    Search,
    /// Jump to main-menu entry `n` (0-based).
    Menu(u8),
    /// Show the person list from anywhere.
    Persons,
    /// Show the home screen (待办) from anywhere.
    Home,
    /// Sign out for another user to sign in, from anywhere.
    SwitchUser,
    /// Toggle or cycle the focused choice.
    Toggle,
    /// A workflow step of the screen's record; each screen names its own steps.
    Step(u8),
}

/// One binding: keys, what it does, its label, and whether the key bar shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// The keys that trigger it (the first is shown).
    pub keys: Vec<Key>,
    /// The action.
    pub action: Action,
    /// String-table key of its description.
    pub label: &'static str,
    /// Shown in the bottom bar (all commands are in the help).
    pub in_bar: bool,
    /// Documentation only: the help lists it, but the key goes to the screen as typing
    /// (choosing with Left/Right/Space in a form, for example).
    pub passive: bool,
    /// What the bottom bar says instead of `label`, when the bar speaks for a group of keys
    /// ("1 至 0：菜单项") while the help names each.
    pub bar_label: Option<&'static str>,
}

impl Command {
    /// A command shown in the key bar.
    pub fn bar(keys: &[Key], action: Action, label: &'static str) -> Command {
        Command {
            keys: keys.to_vec(),
            action,
            label,
            in_bar: true,
            passive: false,
            bar_label: None,
        }
    }

    /// A command listed only in the help.
    pub fn help_only(keys: &[Key], action: Action, label: &'static str) -> Command {
        Command {
            keys: keys.to_vec(),
            action,
            label,
            in_bar: false,
            passive: false,
            bar_label: None,
        }
    }

    /// A help line for keys the screen handles itself.
    pub fn doc(keys: &[Key], label: &'static str) -> Command {
        Command {
            keys: keys.to_vec(),
            action: Action::Toggle,
            label,
            in_bar: false,
            passive: true,
            bar_label: None,
        }
    }
}

/// Two commands bound to the same key: a programming error the tests catch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateBinding(pub Key);

/// Checks that no key is bound twice among `commands`.
pub fn check_unique(commands: &[Command]) -> Result<(), DuplicateBinding> {
    let mut seen = std::collections::HashSet::new();
    for c in commands {
        for k in &c.keys {
            if !seen.insert(*k) {
                return Err(DuplicateBinding(*k));
            }
        }
    }
    Ok(())
}

/// The action bound to `key`, honouring the rule that printable keys type into a focused
/// text field instead of acting.
pub fn lookup(commands: &[Command], key: Key, text_focused: bool) -> Option<Action> {
    if text_focused && key.is_printable() {
        return None;
    }
    let find = |key: Key| {
        commands
            .iter()
            .filter(|c| !c.passive)
            .find(|c| c.keys.contains(&key))
            .map(|c| c.action)
    };
    // Letter commands are bound in lower case; with Caps Lock on (common after typing an ID
    // number's X) or Shift held, the upper-case letter means the same command.
    find(key).or_else(|| match key.code {
        KeyCode::Char(c) if c.is_ascii_uppercase() => find(Key {
            code: KeyCode::Char(c.to_ascii_lowercase()),
            mods: key.mods,
        }),
        _ => None,
    })
}

/// Up/Down (with k/j when `letters`) and PageUp/PageDown, in the help only.
fn moves(letters: bool, up: &'static str, down: &'static str) -> Vec<Command> {
    let keys = |code: KeyCode, letter: char| {
        let mut k = vec![Key::plain(code)];
        if letters {
            k.push(Key::ch(letter));
        }
        k
    };
    vec![
        Command::help_only(&keys(KeyCode::Up, 'k'), Action::Up, up),
        Command::help_only(&keys(KeyCode::Down, 'j'), Action::Down, down),
        Command::help_only(
            &[Key::plain(KeyCode::PageUp)],
            Action::PageUp,
            "cmd.page_up",
        ),
        Command::help_only(
            &[Key::plain(KeyCode::PageDown)],
            Action::PageDown,
            "cmd.page_down",
        ),
    ]
}

/// Moving in a list: Up/Down (or k/j) by a row, PageUp/PageDown by a page. Listed in the help
/// only, as every list has them.
pub fn list_moves() -> Vec<Command> {
    moves(true, "cmd.up", "cmd.down")
}

/// Moving in a list whose search field has focus: the arrows and page keys only (letters
/// type), in the help only.
pub fn arrow_moves() -> Vec<Command> {
    moves(false, "cmd.up", "cmd.down")
}

/// The keys that scroll a page of text while a text field has focus (arrows and page keys
/// only: letters type), in the help only.
pub fn scroll_moves() -> Vec<Command> {
    moves(false, "cmd.scroll_up", "cmd.scroll_down")
}

/// The global commands, available on every screen.
pub fn global() -> Vec<Command> {
    vec![
        Command::bar(
            &[Key::plain(KeyCode::F(1)), Key::ch('?')],
            Action::Help,
            "cmd.help",
        ),
        Command::bar(&[Key::ctrl('q')], Action::Quit, "cmd.quit"),
        Command::help_only(&[Key::ctrl('c')], Action::Quit, "cmd.quit"),
        Command::help_only(&[Key::plain(KeyCode::F(2))], Action::Persons, "cmd.persons"),
        Command::help_only(&[Key::plain(KeyCode::F(10))], Action::Home, "cmd.home"),
        Command::help_only(
            &[Key::plain(KeyCode::F(12))],
            Action::SwitchUser,
            "cmd.switch_user",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEventState;

    fn ev(code: KeyCode, mods: KeyModifiers, kind: KeyEventKind) -> KeyEvent {
        KeyEvent {
            code,
            modifiers: mods,
            kind,
            state: KeyEventState::NONE,
        }
    }

    #[test]
    fn releases_are_dropped_and_repeats_kept() {
        assert_eq!(
            Key::from_event(&ev(
                KeyCode::Char('j'),
                KeyModifiers::NONE,
                KeyEventKind::Release
            )),
            None
        );
        assert_eq!(
            Key::from_event(&ev(
                KeyCode::Char('j'),
                KeyModifiers::NONE,
                KeyEventKind::Repeat
            )),
            Some(Key::ch('j'))
        );
    }

    #[test]
    fn shift_is_ignored_for_printable_characters() {
        let k = Key::from_event(&ev(
            KeyCode::Char('?'),
            KeyModifiers::SHIFT,
            KeyEventKind::Press,
        ))
        .unwrap();
        assert_eq!(k, Key::ch('?'));
        let k = Key::from_event(&ev(
            KeyCode::Char('（'),
            KeyModifiers::SHIFT,
            KeyEventKind::Press,
        ))
        .unwrap();
        assert_eq!(k.typed_char(), Some('（'));
        let k = Key::from_event(&ev(
            KeyCode::Char('Q'),
            KeyModifiers::CONTROL | KeyModifiers::SHIFT,
            KeyEventKind::Press,
        ))
        .unwrap();
        assert_eq!(k, Key::ctrl('q'));
        let k = Key::from_event(&ev(
            KeyCode::BackTab,
            KeyModifiers::SHIFT,
            KeyEventKind::Press,
        ))
        .unwrap();
        assert_eq!(k, Key::plain(KeyCode::BackTab));
    }

    #[test]
    fn printable_commands_wait_while_a_field_has_focus() {
        let cmds = global();
        assert_eq!(lookup(&cmds, Key::ch('?'), false), Some(Action::Help));
        assert_eq!(
            lookup(&cmds, Key::ch('?'), true),
            None,
            "? types into the field"
        );
        assert_eq!(
            lookup(&cmds, Key::plain(KeyCode::F(1)), true),
            Some(Action::Help)
        );
        assert_eq!(lookup(&cmds, Key::ctrl('q'), true), Some(Action::Quit));
        // Caps Lock: an upper-case letter is its lower-case command, but still types in a field.
        let letters = vec![Command::bar(&[Key::ch('e')], Action::Edit, "cmd.edit")];
        assert_eq!(lookup(&letters, Key::ch('E'), false), Some(Action::Edit));
        assert_eq!(lookup(&letters, Key::ch('E'), true), None);
        assert_eq!(lookup(&letters, Key::ch('F'), false), None);
    }

    #[test]
    fn duplicate_bindings_are_refused() {
        let mut cmds = global();
        assert!(check_unique(&cmds).is_ok());
        cmds.push(Command::bar(&[Key::ch('?')], Action::Back, "cmd.back"));
        assert_eq!(check_unique(&cmds), Err(DuplicateBinding(Key::ch('?'))));
    }

    #[test]
    fn esc_run_into_the_next_key_is_both_keys() {
        let alt_ctrl_q = Key {
            code: KeyCode::Char('q'),
            mods: KeyModifiers::ALT | KeyModifiers::CONTROL,
        };
        assert_eq!(
            alt_ctrl_q.presses(),
            vec![Key::plain(KeyCode::Esc), Key::ctrl('q')]
        );
        assert_eq!(Key::ch('a').presses(), vec![Key::ch('a')]);
    }

    #[test]
    fn labels() {
        assert_eq!(Key::ctrl('s').label(Lang::ZhCn), "Ctrl+S");
        assert_eq!(Key::plain(KeyCode::F(1)).label(Lang::En), "F1");
    }
}
