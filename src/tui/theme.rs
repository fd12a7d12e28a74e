//! Colours and symbols. The theme uses only the 16 named colours plus bold and reverse
//! (PuTTY reports 8 colours, legacy Windows consoles map others to black); `NO_COLOR` gives a
//! monochrome theme where selection is shown by reverse video alone. Ambiguous-width glyphs
//! (box lines, `…`, `•`, arrows) are kept out of the chrome; box borders are the one
//! exception, and `--ascii` replaces them with `+-|`.

use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;

/// Which colour scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// 16 named colours.
    Standard,
    /// Black on white and white on black, bold where it matters.
    HighContrast,
    /// No colour at all (`NO_COLOR`).
    Monochrome,
}

/// The styles the screens use.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub scheme: Scheme,
    /// Top and bottom bars.
    pub bar: Style,
    /// Key names in the bottom bar.
    pub bar_key: Style,
    /// Screen titles.
    pub title: Style,
    /// The selected row or focused field.
    pub selected: Style,
    /// The matched part of a search result.
    pub matched: Style,
    /// Field labels.
    pub label: Style,
    /// Error messages.
    pub error: Style,
    /// Hints and secondary text.
    pub hint: Style,
    /// Text of a focused field.
    pub focused: Style,
}

impl Theme {
    /// The theme for `scheme`.
    pub fn new(scheme: Scheme) -> Theme {
        let plain = Style::default();
        let rev = plain.add_modifier(Modifier::REVERSED);
        let bold = plain.add_modifier(Modifier::BOLD);
        match scheme {
            Scheme::Standard => Theme {
                scheme,
                bar: Style::default().fg(Color::Black).bg(Color::Cyan),
                bar_key: Style::default()
                    .fg(Color::White)
                    .bg(Color::Blue)
                    .add_modifier(Modifier::BOLD),
                title: bold.fg(Color::Cyan),
                selected: rev,
                matched: bold.fg(Color::Yellow),
                label: plain.fg(Color::Gray),
                error: bold.fg(Color::LightRed),
                hint: plain.fg(Color::DarkGray),
                focused: bold.fg(Color::White),
            },
            Scheme::HighContrast => Theme {
                scheme,
                bar: Style::default()
                    .fg(Color::Black)
                    .bg(Color::White)
                    .add_modifier(Modifier::BOLD),
                bar_key: Style::default()
                    .fg(Color::White)
                    .bg(Color::Black)
                    .add_modifier(Modifier::BOLD),
                title: bold.fg(Color::White),
                selected: rev.add_modifier(Modifier::BOLD),
                matched: bold.fg(Color::LightYellow),
                label: plain.fg(Color::White),
                error: bold.fg(Color::LightRed),
                hint: plain.fg(Color::White),
                focused: bold.fg(Color::White),
            },
            Scheme::Monochrome => Theme {
                scheme,
                bar: rev,
                bar_key: bold,
                title: bold,
                selected: rev,
                matched: bold,
                label: plain,
                error: bold,
                hint: plain,
                focused: bold,
            },
        }
    }

    /// The scheme from the environment: monochrome when `NO_COLOR` is set and not empty.
    pub fn from_env(high_contrast: bool) -> Theme {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Theme::new(if no_color {
            Scheme::Monochrome
        } else if high_contrast {
            Scheme::HighContrast
        } else {
            Scheme::Standard
        })
    }
}

/// Glyphs of the chrome.
#[derive(Debug, Clone, Copy)]
pub struct Symbols {
    /// Box borders.
    pub border: border::Set<'static>,
    /// In front of the selected row.
    pub marker: &'static str,
    /// Separator in the top bar.
    pub separator: &'static str,
}

/// `+-|` borders for terminals that draw box lines two cells wide.
const ASCII_BORDER: border::Set<'static> = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

impl Symbols {
    /// Box-line borders, everything else ASCII.
    pub const STANDARD: Symbols = Symbols {
        border: border::PLAIN,
        marker: ">",
        separator: " | ",
    };
    /// Nothing but ASCII (`--ascii`).
    pub const ASCII: Symbols = Symbols {
        border: ASCII_BORDER,
        marker: ">",
        separator: " | ",
    };
}
