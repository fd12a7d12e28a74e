//! Display width of text: Chinese characters take two cells. Every cut and pad goes by
//! display width, never by bytes or characters.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::domain::text::for_display;

/// Cells `s` takes on screen.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// `s` cut to at most `max` cells, ending in `..` when something was cut.
pub fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let budget = max.saturating_sub(2);
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > budget {
            break;
        }
        out.push(c);
        used += w;
    }
    if max >= 2 {
        out.push_str("..");
    }
    out
}

/// `s` cut or padded with spaces to exactly `cells` cells.
pub fn fit(s: &str, cells: usize) -> String {
    let mut out = truncate(s, cells);
    let w = width(&out);
    out.extend(std::iter::repeat_n(' ', cells.saturating_sub(w)));
    out
}

/// Stored text made safe to show: control characters and escape sequences removed.
pub fn safe(s: &str) -> String {
    for_display(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_is_two_cells() {
        assert_eq!(width("张三"), 4);
        assert_eq!(width("a张"), 3);
    }

    #[test]
    fn truncate_and_fit_by_cells() {
        assert_eq!(truncate("洪都新村社区", 8), "洪都新..");
        assert_eq!(truncate("洪都", 4), "洪都");
        assert_eq!(fit("张三", 6), "张三  ");
        assert_eq!(width(&fit("洪都新村社区", 7)), 7);
    }
}
