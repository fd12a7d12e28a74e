//! The string table: every text a person reads comes from `assets/i18n/*.toml`.
//!
//! This module sits below `domain`: it is pure (the tables are compiled in) and every layer may
//! use it. Keys are dotted paths (`field.id_number`); `{name}` placeholders are filled by [`tf`].

use std::collections::HashMap;
use std::sync::OnceLock;

/// A language the user interface speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// Simplified Chinese, the default.
    #[default]
    ZhCn,
    /// English, for `--lang en`.
    En,
}

impl Lang {
    /// Parses the command-line spelling (`zh-CN`, `zh`, `en`).
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "zh-cn" | "zh" | "zh_cn" | "cn" => Some(Lang::ZhCn),
            "en" | "en-us" | "en_us" | "english" => Some(Lang::En),
            _ => None,
        }
    }

    /// The code written on the command line and in settings.
    pub fn code(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }
}

const ZH_CN: &str = include_str!("../../assets/i18n/zh-CN.toml");
const EN: &str = include_str!("../../assets/i18n/en.toml");

type Table = HashMap<String, String>;

fn flatten(prefix: &str, table: &toml::Table, out: &mut Table) {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::String(s) => {
                out.insert(key, s.clone());
            }
            toml::Value::Table(t) => flatten(&key, t, out),
            // Other value kinds are not strings a person reads; the key-parity test reports them.
            _ => {}
        }
    }
}

fn parse_table(src: &str) -> Table {
    let mut out = Table::new();
    // The tables are compiled in and checked by `tests::tables_parse`; an unparsable table
    // would make every message fall back to its key, never a panic.
    if let Ok(t) = src.parse::<toml::Table>() {
        flatten("", &t, &mut out);
    }
    out
}

fn table(lang: Lang) -> &'static Table {
    static ZH: OnceLock<Table> = OnceLock::new();
    static EN_T: OnceLock<Table> = OnceLock::new();
    match lang {
        Lang::ZhCn => ZH.get_or_init(|| parse_table(ZH_CN)),
        Lang::En => EN_T.get_or_init(|| parse_table(EN)),
    }
}

/// The text for `key` in `lang`; a missing key shows itself, so a gap is visible, never fatal.
pub fn t(lang: Lang, key: &str) -> &str {
    match table(lang).get(key).or_else(|| table(Lang::ZhCn).get(key)) {
        Some(s) => s.as_str(),
        None => key,
    }
}

/// The text for `key` with each `{name}` replaced by its value.
pub fn tf(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    // One pass over the template, so a value that itself holds `{name}` is not expanded again.
    let template = t(lang, key);
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match args.iter().find(|(n, _)| *n == name) {
                    Some((_, value)) => out.push_str(value),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every key of one language's table, for the parity test and tools.
pub fn keys(lang: Lang) -> Vec<&'static str> {
    let mut v: Vec<&'static str> = table(lang).keys().map(|k| k.as_str()).collect();
    v.sort_unstable();
    v
}

/// Implemented by every error and label that a person reads.
pub trait Localize {
    /// The text in `lang`.
    fn localize(&self, lang: Lang) -> String;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_parse() {
        assert!(
            ZH_CN.parse::<toml::Table>().is_ok(),
            "zh-CN.toml must parse"
        );
        assert!(EN.parse::<toml::Table>().is_ok(), "en.toml must parse");
        assert!(keys(Lang::ZhCn).len() > 20);
    }

    #[test]
    fn every_key_exists_in_both_languages() {
        let zh = keys(Lang::ZhCn);
        let en = keys(Lang::En);
        let only_zh: Vec<_> = zh.iter().filter(|k| !en.contains(k)).collect();
        let only_en: Vec<_> = en.iter().filter(|k| !zh.contains(k)).collect();
        assert!(only_zh.is_empty(), "missing in en: {only_zh:?}");
        assert!(only_en.is_empty(), "missing in zh-CN: {only_en:?}");
    }

    #[test]
    fn placeholders_are_filled() {
        let s = tf(Lang::En, "reason.too_long", &[("max", "30")]);
        assert!(s.contains("30"), "{s}");
        assert!(!s.contains("{max}"));
    }

    #[test]
    fn values_are_not_expanded_again() {
        let s = tf(Lang::En, "reason.not_in_catalogue", &[("code", "{code}")]);
        assert!(s.contains("\"{code}\""), "{s}");
    }

    #[test]
    fn lang_parses_cli_spellings() {
        assert_eq!(Lang::parse("zh-CN"), Some(Lang::ZhCn));
        assert_eq!(Lang::parse("en"), Some(Lang::En));
        assert_eq!(Lang::parse("fr"), None);
    }
}
