//! Free text as people type it: trimmed, bounded, free of control characters.
//!
//! Data arrives from keyboards, spreadsheets and bundles; a control character or an escape
//! sequence in a name could rewrite a terminal screen, so input refuses them and display strips them.

use super::validation::{Field, Reason, ValidationError};

/// Longest name of someone who acted as a form takes it (who served, who complained, who
/// inspected, whom a complaint is assigned to): the forms and the rules for received records
/// share it.
pub const PEOPLE_LINE_MAX: usize = 50;

/// True for characters that must never reach a terminal or a stored line: C0/C1 controls,
/// DEL, and the Unicode bidirectional overrides, isolates and marks that reorder what is shown.
pub fn is_forbidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
        )
}

/// Trims surrounding white space (including the ideographic space) of a one-line value and
/// refuses control characters and values over `max` characters. An empty result is `Ok("")`.
pub fn clean_line(field: Field, input: &str, max: usize) -> Result<String, ValidationError> {
    let s = input.trim_matches(|c: char| c.is_whitespace());
    if s.chars().any(is_forbidden) {
        return Err(ValidationError::new(field, Reason::ControlCharacter));
    }
    if s.chars().count() > max {
        return Err(ValidationError::new(field, Reason::TooLong { max }));
    }
    Ok(s.to_string())
}

/// As [`clean_line`], but an empty value is refused as required.
pub fn required_line(field: Field, input: &str, max: usize) -> Result<String, ValidationError> {
    let s = clean_line(field, input, max)?;
    if s.is_empty() {
        return Err(ValidationError::new(field, Reason::Required));
    }
    Ok(s)
}

/// As [`clean_line`], with an empty value read as "not given".
pub fn optional_line(
    field: Field,
    input: &str,
    max: usize,
) -> Result<Option<String>, ValidationError> {
    let s = clean_line(field, input, max)?;
    Ok(if s.is_empty() { None } else { Some(s) })
}

/// Multi-line text (notes, findings): line breaks and tabs allowed, other controls refused.
pub fn clean_multiline(field: Field, input: &str, max: usize) -> Result<String, ValidationError> {
    let normalised = input.replace("\r\n", "\n");
    let s = normalised.trim();
    if s.chars().any(|c| c != '\n' && c != '\t' && is_forbidden(c)) {
        return Err(ValidationError::new(field, Reason::ControlCharacter));
    }
    if s.chars().count() > max {
        return Err(ValidationError::new(field, Reason::TooLong { max }));
    }
    Ok(s.to_string())
}

/// What may be shown on a terminal: every forbidden character removed, so stored data
/// (which may predate a rule, or come from elsewhere) can never carry an escape sequence.
pub fn for_display(s: &str) -> String {
    s.chars().filter(|&c| !is_forbidden(c)).collect()
}

/// Maps full-width ASCII forms (`０-９`, `Ａ-Ｚ`, `ａ-ｚ`, the ideographic space) to their
/// half-width equivalents, as Chinese input methods in full-width mode produce them.
pub fn half_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_keeps_chinese() {
        assert_eq!(
            clean_line(Field::Name, "\u{3000} 张三 ", 30).unwrap(),
            "张三"
        );
    }

    #[test]
    fn refuses_escape_sequences_and_bidi() {
        for bad in [
            "张\u{1b}[31m三",
            "a\u{0}b",
            "x\u{202E}y",
            "\u{9b}2J",
            "a\u{7f}",
            "左\u{2066}右\u{2069}",
            "阿\u{061C}拉伯",
        ] {
            let e = clean_line(Field::Name, bad, 30).unwrap_err();
            assert_eq!(e.reason, Reason::ControlCharacter, "{bad:?}");
        }
    }

    #[test]
    fn refuses_overlong_counting_characters_not_bytes() {
        let ok = "张".repeat(30);
        assert!(clean_line(Field::Name, &ok, 30).is_ok());
        let e = clean_line(Field::Name, &"张".repeat(31), 30).unwrap_err();
        assert_eq!(e.reason, Reason::TooLong { max: 30 });
    }

    #[test]
    fn required_refuses_blank() {
        let e = required_line(Field::Address, "   ", 10).unwrap_err();
        assert_eq!(e.reason, Reason::Required);
    }

    #[test]
    fn multiline_keeps_newlines_refuses_escape() {
        assert_eq!(clean_multiline(Field::Note, "a\r\nb", 10).unwrap(), "a\nb");
        assert!(clean_multiline(Field::Note, "a\u{1b}b", 10).is_err());
    }

    #[test]
    fn display_strips_controls() {
        assert_eq!(for_display("王\u{1b}]52;c;aGk=\u{7}五"), "王]52;c;aGk=五");
    }

    #[test]
    fn half_width_maps_fullwidth_digits() {
        assert_eq!(half_width("３６０１０４ｘ"), "360104x");
    }
}
