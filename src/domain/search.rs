//! Person search as the TUI and `jiuzhu find` do it: one matcher, one ranking.
//!
//! A query is read by what it looks like: Chinese characters match names; letters match
//! pinyin initials and full pinyin; digits match the ID number (whole or its tail), the phone
//! and the service number. Entries are compact and held in memory, so a search over 100,000
//! persons is a single pass without touching the database.

use super::person::PersonStatus;
use super::text::half_width;

/// One searchable person, as the index holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchEntry {
    /// Record id (UUID text).
    pub id: Box<str>,
    /// Name as stored.
    pub name: Box<str>,
    /// Initials variants separated by spaces.
    pub initials: Box<str>,
    /// Full-pinyin variants separated by spaces.
    pub full: Box<str>,
    /// Normalised ID number, if any.
    pub id_number: Option<Box<str>>,
    /// Phone, if any.
    pub phone: Option<Box<str>>,
    /// 服务号, if enrolled.
    pub service_no: Option<Box<str>>,
    /// Community code.
    pub community: Box<str>,
    /// Record status; active records rank before closed ones.
    pub status: PersonStatus,
}

impl SearchEntry {
    /// True for an active record.
    pub fn active(&self) -> bool {
        self.status == PersonStatus::Active
    }
}

/// How a query was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryKind {
    /// Chinese characters: names.
    Name(String),
    /// Latin letters: pinyin.
    Pinyin(String),
    /// Digits (and a trailing `X`): ID number, phone, service number.
    Number(String),
    /// Anything else: names and service numbers containing it.
    Other(String),
}

/// Normalises a query the way people type it: full-width to half-width, spaces dropped,
/// letters lower-cased (an ID's `x` matches the stored `X`).
pub fn classify(query: &str) -> Option<QueryKind> {
    let q: String = half_width(query)
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    if q.is_empty() {
        return None;
    }
    let has_cjk = q.chars().any(|c| !c.is_ascii());
    let lower = q.to_ascii_lowercase();
    Some(if has_cjk {
        QueryKind::Name(q)
    } else if lower.bytes().all(|b| b.is_ascii_lowercase()) {
        QueryKind::Pinyin(lower)
    } else if lower
        .bytes()
        .enumerate()
        .all(|(i, b)| b.is_ascii_digit() || (b == b'x' && i == lower.len() - 1 && i > 0))
    {
        QueryKind::Number(lower.to_ascii_uppercase())
    } else {
        QueryKind::Other(q)
    })
}

fn variants(s: &str) -> impl Iterator<Item = &str> {
    s.split(' ').filter(|v| !v.is_empty())
}

/// The match score of one entry (higher is better), or `None` when it does not match.
pub fn score(entry: &SearchEntry, query: &QueryKind) -> Option<u32> {
    match query {
        QueryKind::Name(q) => {
            let name = &*entry.name;
            if name == q {
                Some(100)
            } else if name.starts_with(q.as_str()) {
                Some(90)
            } else if name.contains(q.as_str()) {
                Some(70)
            } else {
                None
            }
        }
        QueryKind::Pinyin(q) => {
            let mut best = None;
            let mut bump = |s: u32| {
                if best.is_none_or(|b| s > b) {
                    best = Some(s);
                }
            };
            for v in variants(&entry.initials) {
                if v == q {
                    bump(88);
                } else if v.starts_with(q.as_str()) {
                    bump(66);
                }
            }
            for v in variants(&entry.full) {
                if v == q {
                    bump(86);
                } else if v.starts_with(q.as_str()) {
                    bump(64);
                } else if q.len() >= 2 && v.contains(q.as_str()) {
                    bump(30);
                }
            }
            best
        }
        QueryKind::Number(q) => {
            let mut best: Option<u32> = None;
            let mut bump = |s: u32| {
                if best.is_none_or(|b| s > b) {
                    best = Some(s);
                }
            };
            if let Some(id) = entry.id_number.as_deref() {
                if id == q {
                    bump(100);
                } else if q.len() >= 4 && id.ends_with(q.as_str()) {
                    bump(84);
                }
            }
            if let Some(p) = entry.phone.as_deref() {
                let digits: String = p.chars().filter(char::is_ascii_digit).collect();
                if digits == *q {
                    bump(96);
                } else if q.len() >= 4 && digits.ends_with(q.as_str()) {
                    bump(80);
                }
            }
            if let Some(no) = entry.service_no.as_deref() {
                let seq = no.rsplit('-').next().unwrap_or(no);
                if no == q {
                    bump(98);
                } else if seq.trim_start_matches('0') == q.trim_start_matches('0') && !q.is_empty()
                {
                    bump(82);
                }
            }
            best
        }
        QueryKind::Other(q) => {
            if entry.service_no.as_deref() == Some(q.as_str()) {
                Some(98)
            } else if entry.phone.as_deref() == Some(q.as_str()) {
                Some(96)
            } else if entry.name.contains(q.as_str()) {
                Some(60)
            } else {
                None
            }
        }
    }
}

/// The best `limit` matches of `query`, best first, as indices into `entries`.
///
/// Ties go to active records, then enrolled ones, then by service number and name, then by
/// position, so the order is the same on every run.
pub fn search(entries: &[SearchEntry], query: &str, limit: usize) -> Vec<usize> {
    let Some(q) = classify(query) else {
        return Vec::new();
    };
    let mut hits: Vec<(u32, usize)> = entries
        .iter()
        .enumerate()
        .filter_map(|(i, e)| score(e, &q).map(|s| (s, i)))
        .collect();
    let order = |a: &(u32, usize), b: &(u32, usize)| {
        let (ea, eb) = (&entries[a.1], &entries[b.1]);
        b.0.cmp(&a.0)
            .then_with(|| eb.active().cmp(&ea.active()))
            .then_with(|| eb.service_no.is_some().cmp(&ea.service_no.is_some()))
            .then_with(|| ea.service_no.cmp(&eb.service_no))
            .then_with(|| ea.name.cmp(&eb.name))
            .then_with(|| a.1.cmp(&b.1))
    };
    if limit == 0 {
        return Vec::new();
    }
    if hits.len() > limit {
        hits.select_nth_unstable_by(limit - 1, order);
        hits.truncate(limit);
    }
    hits.sort_unstable_by(order);
    hits.into_iter().map(|(_, i)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::super::pinyin_keys::keys_of;
    use super::*;

    fn entry(
        name: &str,
        id: Option<&str>,
        phone: Option<&str>,
        no: Option<&str>,
        active: bool,
    ) -> SearchEntry {
        let (initials, full) = keys_of(name).joined();
        SearchEntry {
            id: name.into(),
            name: name.into(),
            initials: initials.into(),
            full: full.into(),
            id_number: id.map(Into::into),
            phone: phone.map(Into::into),
            service_no: no.map(Into::into),
            community: "360104001001".into(),
            status: if active {
                PersonStatus::Active
            } else {
                PersonStatus::MovedOut
            },
        }
    }

    fn names(entries: &[SearchEntry], q: &str) -> Vec<String> {
        search(entries, q, 20)
            .into_iter()
            .map(|i| entries[i].name.to_string())
            .collect()
    }

    fn sample() -> Vec<SearchEntry> {
        vec![
            entry("张三丰", None, None, None, true),
            entry(
                "张三",
                Some("11010519491231002X"),
                Some("13800001234"),
                Some("360104001001-0007"),
                true,
            ),
            entry("赵四", None, None, None, true),
            entry("曾小红", None, Some("0791-88123456"), None, true),
            entry("周山", None, None, None, false),
            entry("张珊", None, None, None, true),
        ]
    }

    #[test]
    fn initials_rank_exact_before_prefix() {
        let e = sample();
        let got = names(&e, "zs");
        // 张三 and 张珊 and 周山 match exactly; 张三丰 only by prefix; 赵四 too.
        assert_eq!(&got[..2], &["张三", "张珊"]);
        assert!(got.iter().position(|n| n == "张三丰") > got.iter().position(|n| n == "周山"));
        assert_eq!(got.last().map(String::as_str), Some("张三丰"));
    }

    #[test]
    fn closed_records_rank_after_active_ones() {
        let e = sample();
        let got = names(&e, "zs");
        let pos = |n: &str| got.iter().position(|x| x == n).unwrap();
        assert!(pos("周山") > pos("张珊"));
    }

    #[test]
    fn full_pinyin_and_its_prefix() {
        let e = sample();
        assert_eq!(names(&e, "zhangsan")[0], "张三");
        assert_eq!(names(&e, "ZhangSan")[0], "张三");
        let got = names(&e, "zhangs");
        assert!(got.contains(&"张三".to_string()) && got.contains(&"张珊".to_string()));
        assert!(!got.contains(&"赵四".to_string()));
    }

    #[test]
    fn surname_reading_finds_zeng() {
        let e = sample();
        assert_eq!(names(&e, "zengxiaohong"), vec!["曾小红"]);
        assert_eq!(names(&e, "zxh"), vec!["曾小红"]);
    }

    #[test]
    fn chinese_exact_then_prefix_then_contains() {
        let e = sample();
        assert_eq!(names(&e, "张三"), vec!["张三", "张三丰"]);
        assert_eq!(names(&e, "三"), vec!["张三", "张三丰"]);
    }

    #[test]
    fn id_number_whole_and_tail() {
        let e = sample();
        assert_eq!(names(&e, "11010519491231002x"), vec!["张三"]);
        assert_eq!(names(&e, "002X"), vec!["张三"]);
        assert_eq!(names(&e, "１００２ｘ"), vec!["张三"]);
        assert!(
            names(&e, "02X").is_empty(),
            "tails shorter than 4 do not match IDs"
        );
    }

    #[test]
    fn phone_and_service_number() {
        let e = sample();
        assert_eq!(names(&e, "13800001234"), vec!["张三"]);
        assert_eq!(names(&e, "1234"), vec!["张三"]);
        assert_eq!(names(&e, "88123456"), vec!["曾小红"]);
        assert_eq!(names(&e, "7"), vec!["张三"]);
        assert_eq!(names(&e, "360104001001-0007"), vec!["张三"]);
    }

    #[test]
    fn limit_keeps_the_best() {
        let e = sample();
        assert_eq!(search(&e, "z", 2).len(), 2);
        assert_eq!(names(&e, "z")[..2], names(&e, "z")[..2]);
        assert!(search(&e, "", 20).is_empty());
        assert!(search(&e, "zs", 0).is_empty());
    }
}
