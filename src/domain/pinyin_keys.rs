//! Pinyin search keys of a name: initials (张三 → `zs`) and full pinyin (`zhangsan`), with
//! surnames read as surnames (曾 → zeng, 单 → shan) and every reading of a polyphonic
//! character kept, so that whatever reading a caseworker has in mind finds the person.

use std::collections::HashMap;
use std::sync::OnceLock;

use pinyin::ToPinyinMulti;
use serde::Deserialize;

/// At most this many spelling variants are kept per name; beyond it, later characters keep
/// only their first reading. Names of three characters rarely reach it.
const MAX_VARIANTS: usize = 16;

/// Keys are made from at most this many characters of a name: twice the longest name a form
/// takes, so every real name is whole, and a name of any length (from an old database or a
/// hostile file) costs no more than this to index.
pub const KEY_CHARS: usize = 60;

/// Surname readings from `assets/surnames.toml` (checked by the tests below).
struct Surnames {
    single: HashMap<char, String>,
    compound: HashMap<String, Option<[String; 2]>>,
}

#[derive(Deserialize)]
struct SurnameFile {
    single: HashMap<String, String>,
    compound: HashMap<String, String>,
}

fn surnames() -> &'static Surnames {
    static S: OnceLock<Surnames> = OnceLock::new();
    S.get_or_init(|| {
        let file: SurnameFile = toml::from_str(include_str!("../../assets/surnames.toml"))
            .unwrap_or(SurnameFile {
                single: HashMap::new(),
                compound: HashMap::new(),
            });
        Surnames {
            single: file
                .single
                .into_iter()
                .filter_map(|(k, v)| k.chars().next().map(|c| (c, v)))
                .collect(),
            compound: file
                .compound
                .into_iter()
                .map(|(k, v)| {
                    let mut parts = v.split_whitespace().map(str::to_string);
                    let special = match (parts.next(), parts.next()) {
                        (Some(a), Some(b)) => Some([a, b]),
                        _ => None,
                    };
                    (k, special)
                })
                .collect(),
        }
    })
}

/// The search keys of one name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PinyinKeys {
    /// Initials variants, most likely first (`zs`).
    pub initials: Vec<String>,
    /// Full-pinyin variants, most likely first (`zhangsan`).
    pub full: Vec<String>,
}

impl PinyinKeys {
    /// The keys as stored: variants separated by single spaces.
    pub fn joined(&self) -> (String, String) {
        (self.initials.join(" "), self.full.join(" "))
    }
}

/// The spellings of one character: pinyin readings in the crate's order, `ü` written `v` as
/// input methods do; a letter or digit stands for itself; other marks (`·`) have none.
fn readings(c: char) -> Vec<String> {
    if c.is_ascii_alphanumeric() {
        return vec![c.to_ascii_lowercase().to_string()];
    }
    match c.to_pinyin_multi() {
        Some(multi) => {
            let mut out: Vec<String> = Vec::new();
            for p in multi {
                let s: String = p
                    .plain()
                    .chars()
                    .map(|c| match c {
                        'ü' => 'v',
                        'ê' => 'e',
                        _ => c,
                    })
                    .filter(char::is_ascii_lowercase)
                    .collect();
                if !s.is_empty() && !out.contains(&s) {
                    out.push(s);
                }
            }
            out
        }
        None => Vec::new(),
    }
}

fn put_first(list: &mut Vec<String>, reading: &str) {
    list.retain(|r| r != reading);
    list.insert(0, reading.to_string());
}

/// Per-character readings of a name, with surname readings moved to the front.
fn name_readings(name: &str) -> Vec<Vec<String>> {
    let chars: Vec<char> = name.chars().take(KEY_CHARS).collect();
    let mut out: Vec<Vec<String>> = chars.iter().map(|&c| readings(c)).collect();
    let head: String = chars.iter().take(2).collect();
    let table = surnames();
    match table.compound.get(&head) {
        Some(Some(special)) => {
            for (slot, r) in out.iter_mut().zip(special) {
                put_first(slot, r);
            }
        }
        Some(None) => {}
        None => {
            if let (Some(first), Some(slot)) = (chars.first(), out.first_mut()) {
                if let Some(r) = table.single.get(first) {
                    put_first(slot, r);
                }
            }
        }
    }
    out.retain(|r| !r.is_empty());
    out
}

/// Computes the search keys of a name.
pub fn keys_of(name: &str) -> PinyinKeys {
    let per_char = name_readings(name);
    let mut full: Vec<String> = vec![String::new()];
    let mut initials: Vec<String> = vec![String::new()];
    for options in &per_char {
        let take = if full.len() * options.len() > MAX_VARIANTS {
            1
        } else {
            options.len()
        };
        let mut next_full = Vec::with_capacity(full.len() * take);
        let mut next_init = Vec::with_capacity(full.len() * take);
        for (f, i) in full.iter().zip(&initials) {
            for r in options.iter().take(take) {
                next_full.push(format!("{f}{r}"));
                let initial = r.chars().next().map(String::from).unwrap_or_default();
                next_init.push(format!("{i}{initial}"));
            }
        }
        full = next_full;
        initials = next_init;
    }
    dedup_keep_order(&mut full);
    dedup_keep_order(&mut initials);
    full.retain(|s| !s.is_empty());
    initials.retain(|s| !s.is_empty());
    PinyinKeys { initials, full }
}

/// The key a list of names sorts by, as Chinese lists are sorted: the most likely full pinyin
/// (张三 → `zhangsan`), then the name itself so that homophones keep a stable order.
/// Names without pinyin (Latin letters) sort by their lower-cased letters.
pub fn sort_key(name: &str) -> (String, String) {
    let full = keys_of(name).full.into_iter().next().unwrap_or_default();
    (full, name.to_string())
}

fn dedup_keep_order(v: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    v.retain(|s| seen.insert(s.clone()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_of_any_length_costs_no_more_than_its_first_characters() {
        let long = "张".repeat(1_000_000);
        let k = keys_of(&long);
        assert_eq!(k, keys_of(&"张".repeat(KEY_CHARS)));
        assert!(k.full.len() <= MAX_VARIANTS);
        assert!(
            k.full.iter().all(|f| f.len() <= KEY_CHARS * 6),
            "{:?}",
            k.full
        );
        // A real name is whole.
        assert_eq!(keys_of("欧阳娜娜·买买提").initials[0], "oynnmmt");
    }

    #[test]
    fn names_sort_by_pinyin_not_code_point() {
        // By code point 张 (U+5F20) comes before 李 (U+674E) and 王 (U+738B) before 赵.
        let mut names = vec!["赵六", "张三", "王五", "李四", "阿明"];
        names.sort_by_cached_key(|n| sort_key(n));
        assert_eq!(names, vec!["阿明", "李四", "王五", "张三", "赵六"]);
    }

    #[test]
    fn plain_names() {
        let k = keys_of("张三");
        assert_eq!(k.initials[0], "zs");
        assert_eq!(k.full[0], "zhangsan");
    }

    #[test]
    fn surnames_read_as_surnames() {
        for (name, full, initials) in [
            ("曾国强", "zengguoqiang", "zgq"),
            ("单雄信", "shanxiongxin", "sxx"),
            ("解缙", "xiejin", "xj"),
            ("仇英", "qiuying", "qy"),
            ("区明", "ouming", "om"),
            ("朴槿", "piaojin", "pj"),
            ("查良镛", "zhaliangyong", "zly"),
            ("覃海", "qinhai", "qh"),
            ("翟峰", "zhaifeng", "zf"),
            ("缪青", "miaoqing", "mq"),
        ] {
            let k = keys_of(name);
            assert_eq!(k.full[0], full, "{name}: {k:?}");
            assert_eq!(k.initials[0], initials, "{name}: {k:?}");
        }
    }

    #[test]
    fn the_surname_table_loads() {
        let t = surnames();
        assert!(t.single.len() > 40, "{}", t.single.len());
        assert!(t.compound.len() > 20);
        assert_eq!(t.single.get(&'曾').map(String::as_str), Some("zeng"));
    }

    #[test]
    fn compound_surnames() {
        assert_eq!(keys_of("尉迟恭").full[0], "yuchigong");
        assert_eq!(keys_of("欧阳修").initials[0], "oyx");
        assert_eq!(keys_of("长孙无忌").full[0], "zhangsunwuji");
    }

    #[test]
    fn every_reading_of_a_polyphonic_given_name_matches() {
        // 乐 in a given name may be le or yue.
        let k = keys_of("王乐");
        assert!(k.full.contains(&"wangle".to_string()), "{k:?}");
        assert!(k.full.contains(&"wangyue".to_string()), "{k:?}");
        assert!(k.initials.contains(&"wl".to_string()));
        assert!(k.initials.contains(&"wy".to_string()));
    }

    #[test]
    fn u_umlaut_is_typed_as_v() {
        assert_eq!(keys_of("吕布").full[0], "lvbu");
    }

    #[test]
    fn minority_names_skip_the_dot() {
        let k = keys_of("买买提·艾力");
        assert_eq!(k.initials[0], "mmtal");
    }

    #[test]
    fn every_common_character_reads_as_plain_ascii() {
        for cp in 0x4e00..=0x9fa5u32 {
            let c = char::from_u32(cp).unwrap();
            for r in readings(c) {
                assert!(
                    !r.is_empty() && r.bytes().all(|b| b.is_ascii_lowercase()),
                    "{c}: {r:?}"
                );
            }
        }
    }

    #[test]
    fn variants_are_bounded() {
        let k = keys_of("长乐行重朝乐");
        assert!(k.full.len() <= MAX_VARIANTS);
        assert!(!k.full.is_empty());
    }
}
