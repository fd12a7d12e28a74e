//! A progress bar for long work, in ASCII (`[#####-----]  50%  2500/5000`), with the key that
//! cancels it shown beside.

use ratatui::text::{Line, Span};

use crate::tui::theme::Theme;

/// The bar for `done` of `total` in `width` cells, followed by `note` (e.g. "Esc 取消").
pub fn progress_line(
    done: u64,
    total: u64,
    width: usize,
    note: &str,
    theme: &Theme,
) -> Line<'static> {
    let total = total.max(1);
    let done = done.min(total);
    let percent = done * 100 / total;
    let figures = format!(" {percent:>3}%  {done}/{total}  {note}");
    let bar_w = width
        .saturating_sub(crate::tui::text::width(&figures) + 2)
        .max(4);
    let filled = (bar_w as u64 * done / total) as usize;
    Line::from(vec![
        Span::raw("["),
        Span::styled("#".repeat(filled), theme.focused),
        Span::styled("-".repeat(bar_w - filled), theme.hint),
        Span::raw("]"),
        Span::raw(figures),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::theme::Scheme;

    #[test]
    fn bar_fills_in_proportion_and_fits() {
        let theme = Theme::new(Scheme::Monochrome);
        let l = progress_line(2500, 5000, 60, "Esc 取消", &theme);
        let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
        assert!(text.contains(" 50%  2500/5000  Esc 取消"), "{text}");
        let hashes = text.matches('#').count();
        let dashes = text.matches('-').count();
        assert_eq!(hashes, dashes);
        assert!(l.width() <= 60);
        let done = progress_line(9, 5, 40, "", &theme);
        let t: String = done.spans.iter().map(|s| s.content.as_ref()).collect();
        assert!(t.contains("100%") && !t.contains('-'), "{t}");
    }
}
