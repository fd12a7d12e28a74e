//! Tables without borders: columns sized by the display width of their contents, cells cut
//! and padded by display width so Chinese text never breaks the alignment.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::tui::text::{truncate, width};

/// Column widths for `headers` and `rows` in `available` cells: each column as wide as its
/// widest cell; when they do not fit, column `flex` gives way (down to 4 cells), then the rest
/// are cut from the right.
pub fn column_widths(
    headers: &[String],
    rows: &[Vec<Line<'_>>],
    available: usize,
    flex: usize,
) -> Vec<usize> {
    let gap = 1;
    let mut w: Vec<usize> = headers.iter().map(|h| width(h)).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            if let Some(cw) = w.get_mut(i) {
                *cw = (*cw).max(c.width());
            }
        }
    }
    let total = |w: &[usize]| w.iter().sum::<usize>() + gap * w.len().saturating_sub(1);
    if total(&w) > available {
        let over = total(&w) - available;
        if let Some(f) = w.get_mut(flex) {
            *f = f.saturating_sub(over).max(4);
        }
    }
    let mut left = available;
    for cw in w.iter_mut() {
        *cw = (*cw).min(left);
        left = left.saturating_sub(*cw + gap);
    }
    w
}

/// A line cut to `cells` cells and padded with spaces, keeping the spans' styles.
pub fn fit_line(line: &Line<'_>, cells: usize) -> Vec<Span<'static>> {
    let mut out = Vec::new();
    let mut used = 0;
    let full = line.width() > cells;
    for span in &line.spans {
        if used >= cells {
            break;
        }
        let room = cells - used;
        let text = if full {
            truncate(&span.content, room)
        } else {
            span.content.to_string()
        };
        let text = if width(&text) > room {
            truncate(&text, room)
        } else {
            text
        };
        used += width(&text);
        out.push(Span::styled(text, span.style));
    }
    if used < cells {
        out.push(Span::raw(" ".repeat(cells - used)));
    }
    out
}

/// One table row as a line: fitted cells separated by a space, styled as a whole by `style`.
pub fn row_line(cells: &[Line<'_>], widths: &[usize], style: Style) -> Line<'static> {
    let mut spans = Vec::new();
    for (i, (c, w)) in cells.iter().zip(widths).enumerate() {
        if i > 0 {
            spans.push(Span::raw(" "));
        }
        spans.extend(fit_line(c, *w));
    }
    Line::from(spans).style(style)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_follow_the_widest_cell_by_display_width() {
        let headers = vec!["姓名".to_string(), "社区".to_string()];
        let rows = vec![vec![Line::from("欧阳修"), Line::from("洪都新村社区")]];
        assert_eq!(column_widths(&headers, &rows, 80, 1), vec![6, 12]);
        let narrow = column_widths(&headers, &rows, 12, 1);
        assert_eq!(narrow, vec![6, 5]);
    }

    #[test]
    fn rows_keep_alignment_with_wide_characters() {
        let widths = [6, 4];
        let a = row_line(
            &[Line::from("张三"), Line::from("ab")],
            &widths,
            Style::default(),
        );
        let b = row_line(
            &[Line::from("欧阳修文"), Line::from("abcdef")],
            &widths,
            Style::default(),
        );
        assert_eq!(a.width(), 11);
        assert_eq!(b.width(), 11);
    }
}
