//! A row of tabs: the selected one in reverse video, the others plain, ASCII only.

use ratatui::text::{Line, Span};

use crate::tui::theme::Theme;

/// The tab row for `labels` with `selected` highlighted.
pub fn tab_line(labels: &[String], selected: usize, theme: &Theme) -> Line<'static> {
    let mut spans = Vec::new();
    for (i, l) in labels.iter().enumerate() {
        spans.push(Span::raw(" "));
        let text = format!(" {l} ");
        if i == selected {
            spans.push(Span::styled(text, theme.selected));
        } else {
            spans.push(Span::styled(text, theme.label));
        }
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::theme::Scheme;

    #[test]
    fn selected_tab_is_reversed() {
        let theme = Theme::new(Scheme::Monochrome);
        let l = tab_line(&["概况".into(), "时间线".into()], 1, &theme);
        assert_eq!(l.spans[3].style, theme.selected);
        assert_eq!(l.spans[3].content, " 时间线 ");
        assert_ne!(l.spans[1].style, theme.selected);
    }
}
