//! Screens: each one handles keys, renders itself without changing, lists the commands that
//! work now (the one source of the key bar and the F1 help) and says where the cursor goes.

pub mod admin;
pub mod archive;
pub mod assessment;
pub mod destination;
pub mod discovery;
pub mod dynamic;
pub mod exchange;
pub mod form_page;
pub mod home;
pub mod list;
pub mod lock;
pub mod login;
pub mod money;
pub mod pay_form;
pub mod placeholder;
pub mod providers;
pub mod service;
pub mod supervision;

use ratatui::layout::{Position, Rect};
use ratatui::Frame;

use super::env::Env;
use super::keys::{Action, Command, Key};
use super::widgets::dialog::{Answer, Dialog};
pub use destination::Destination;

/// What a key led to.
pub enum Outcome {
    /// Nothing beyond the screen's own change.
    None,
    /// Open a screen on top.
    Push(Box<dyn Screen>),
    /// Close this screen.
    Pop,
    /// Close this screen and say what it did in the status line of the one below.
    PopWith(String),
    /// Swap this screen for another.
    Replace(Box<dyn Screen>),
    /// Open the screen a destination names on top (`tui::navigate` builds it; a load error
    /// is a status line).
    Open(Destination),
    /// Swap this screen for the one a destination names (a load error is a status line and
    /// this screen stays).
    OpenInstead(Destination),
    /// Open a destination on top; if it does not load, show this dialog instead.
    OpenOr(Destination, Dialog),
    /// Ask or tell something; the answer comes back to this screen.
    Dialog(Dialog),
    /// A line in the status area.
    Status(String),
    /// Leave the program.
    Quit,
    /// Run long work with a progress bar.
    Job(super::job::Job),
}

/// One screen of the UI.
pub trait Screen {
    /// The title shown above the body.
    fn title(&self, env: &Env) -> String;

    /// The commands that work now.
    fn commands(&self) -> Vec<Command>;

    /// True while a text field has focus: printable keys type instead of commanding.
    fn text_focused(&self) -> bool {
        false
    }

    /// True when leaving would lose typed data.
    fn unsaved(&self) -> bool {
        false
    }

    /// Handles a bound action.
    fn on_action(&mut self, action: Action, env: &mut Env) -> Outcome;

    /// Handles a key no command took (typing).
    fn on_key(&mut self, _key: Key, _env: &mut Env) -> Outcome {
        Outcome::None
    }

    /// Handles the answer to a dialog this screen opened.
    fn on_answer(&mut self, _answer: Answer, _env: &mut Env) -> Outcome {
        Outcome::None
    }

    /// Called when the screen is on top again after the one above it closed.
    fn on_resume(&mut self, _env: &mut Env) {}

    /// Called when the search index finished loading.
    fn on_index(&mut self, _env: &Env) {}

    /// Draws the screen into `area`; never changes it.
    fn render(&self, frame: &mut Frame<'_>, area: Rect, env: &Env);

    /// Where the terminal cursor goes, if a text field has focus.
    fn cursor(&self, _area: Rect, _env: &Env) -> Option<Position> {
        None
    }
}
