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

/// `s` broken into lines of at most `cells` cells by display width: between Chinese
/// characters anywhere, between other words at spaces, inside a word only when it is wider
/// than a line. An empty `s` is one empty line.
pub fn wrap(s: &str, cells: usize) -> Vec<String> {
    let cells = cells.max(2);
    // Tokens: a run of spaces, a run of other narrow characters (a word), or one wide
    // character (Chinese needs no space to break).
    let mut tokens: Vec<String> = Vec::new();
    for c in s.chars() {
        let joins = tokens
            .last()
            .and_then(|t| t.chars().last())
            .is_some_and(|p| {
                let narrow = |x: char| x.width().unwrap_or(0) < 2;
                narrow(p) && narrow(c) && (p == ' ') == (c == ' ')
            });
        match tokens.last_mut() {
            Some(t) if joins => t.push(c),
            _ => tokens.push(c.to_string()),
        }
    }
    let mut out = Vec::new();
    let mut line = String::new();
    for token in tokens {
        let w = width(&token);
        if width(&line) + w <= cells {
            line.push_str(&token);
            continue;
        }
        if token.starts_with(' ') {
            // Spaces at a break are dropped.
            out.push(std::mem::take(&mut line));
            continue;
        }
        if !line.is_empty() {
            out.push(std::mem::take(&mut line).trim_end().to_string());
        }
        if w <= cells {
            line = token;
            continue;
        }
        // A word longer than a line is cut where the line ends.
        for c in token.chars() {
            if width(&line) + c.width().unwrap_or(0) > cells {
                out.push(std::mem::take(&mut line));
            }
            line.push(c);
        }
    }
    out.push(line);
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

    #[test]
    fn wrap_by_cells() {
        assert_eq!(wrap("洪都新村社区", 5), vec!["洪都", "新村", "社区"]);
        assert_eq!(wrap("ab", 10), vec!["ab"]);
        assert_eq!(wrap("", 10), vec![""]);
        assert_eq!(
            wrap("its digits are lost", 10),
            vec!["its digits", "are lost"]
        );
        assert_eq!(wrap("身份证号 abc", 9), vec!["身份证号", "abc"]);
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        for l in wrap("Excel 把身份证号变成了科学计数法 and more words here", 12) {
            assert!(width(&l) <= 12, "{l}");
        }
    }
}
