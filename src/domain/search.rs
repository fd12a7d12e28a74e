//! Person search as the TUI and `jiuzhu find` do it: one matcher, one ranking.
//!
//! A query is read by what it looks like: Chinese characters match names; letters match
//! pinyin initials and full pinyin; digits match the ID number (whole or its tail), the phone
//! and the service number. The index keeps each searchable field of every person in one
//! contiguous text ("haystack", records separated by `\n`), so a keystroke is a few SIMD
//! substring scans over a few megabytes instead of 100,000 scattered string comparisons.

use memchr::memmem;

use super::id_number::IdNumber;
use super::person::{masked_phone, PersonStatus};
use super::text::half_width;

/// One person as the store hands them to the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchRow {
    /// Record id (UUID text).
    pub id: String,
    /// Name as stored.
    pub name: String,
    /// Initials variants separated by spaces, most likely first.
    pub initials: String,
    /// Full-pinyin variants separated by spaces, most likely first.
    pub full: String,
    /// Normalised ID number, if any.
    pub id_number: Option<String>,
    /// Phone, if any.
    pub phone: Option<String>,
    /// 服务号, if enrolled.
    pub service_no: Option<String>,
    /// Community code.
    pub community: String,
    /// Record status.
    pub status: PersonStatus,
}

impl SearchRow {
    /// The row as a reader who sees this person's facts masked may search it: the ID number
    /// and phone only as masked, so a query can match no more of them than the list shows
    /// (the tail of the whole number, typed digit by digit, would otherwise spell it out).
    pub fn masked(mut self) -> SearchRow {
        self.id_number = self
            .id_number
            .map(|n| crate::domain::id_number::mask_text(&n));
        self.phone = self.phone.map(|p| masked_phone(&digits(&p)));
        self
    }
}

/// What a match shows, borrowed from the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchEntry<'a> {
    /// Record id (UUID text).
    pub id: &'a str,
    /// Name as stored.
    pub name: &'a str,
    /// Normalised ID number, if any.
    pub id_number: Option<&'a str>,
    /// 服务号, if enrolled.
    pub service_no: Option<&'a str>,
    /// Community code.
    pub community: &'a str,
    /// Record status; active records rank before closed ones.
    pub status: PersonStatus,
}

impl SearchEntry<'_> {
    /// The ID number as lists show it: masked for every reader (the index of a reader who may
    /// not see it whole holds it masked already).
    pub fn masked_id_number(&self) -> Option<String> {
        let n = self.id_number?;
        if n.contains('*') {
            return Some(n.to_string());
        }
        IdNumber::try_from(n.to_string()).ok().map(|id| id.masked())
    }

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
    /// Anything else (`0791-88123456`, `360104001001-0007`, mixed text).
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
    let lower = q.to_ascii_lowercase();
    Some(if !q.is_ascii() {
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

/// True when an option's label matches what was typed to narrow a list of options: Chinese
/// text anywhere in the label, letters as the pinyin initials or full pinyin of any part of
/// it (`zc` and `zhucan` find 助餐服务, `cf` finds 助餐服务 too), anything else as text.
/// An empty query matches every label.
pub fn label_matches(label: &str, query: &str) -> bool {
    let Some(q) = classify(query) else {
        return true;
    };
    let text: String = half_width(label)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    match q {
        QueryKind::Pinyin(q) => {
            let keys = super::pinyin_keys::keys_of(&text);
            text.to_ascii_lowercase().contains(&q)
                || keys.initials.iter().any(|k| k.contains(&q))
                || (q.len() >= 2 && keys.full.iter().any(|k| k.contains(&q)))
        }
        QueryKind::Name(q) | QueryKind::Number(q) | QueryKind::Other(q) => {
            text.to_ascii_lowercase().contains(&q.to_ascii_lowercase())
        }
    }
}

/// Scores; higher is better. A match on a rarer reading of a polyphonic character (the
/// pinyin tables list readings such as 俊 shun) ranks after every match on the likely one.
mod points {
    pub const NAME_EXACT: u8 = 100;
    pub const ID_EXACT: u8 = 100;
    pub const SERVICE_EXACT: u8 = 98;
    pub const PHONE_EXACT: u8 = 96;
    pub const NAME_PREFIX: u8 = 90;
    pub const INITIALS_EXACT: u8 = 88;
    pub const FULL_EXACT: u8 = 86;
    pub const ID_TAIL: u8 = 84;
    pub const SERVICE_SEQ: u8 = 82;
    pub const PHONE_TAIL: u8 = 80;
    pub const NAME_CONTAINS: u8 = 70;
    pub const INITIALS_PREFIX: u8 = 66;
    pub const FULL_PREFIX: u8 = 64;
    /// A rarer reading of a polyphonic character: after every match on the likely reading.
    pub const ALT_INITIALS_EXACT: u8 = 60;
    pub const ALT_FULL_EXACT: u8 = 58;
    pub const ALT_INITIALS_PREFIX: u8 = 50;
    pub const ALT_FULL_PREFIX: u8 = 48;
    pub const FULL_CONTAINS: u8 = 30;
}

/// One field of every record, `\n`-separated, with each record's start offset.
#[derive(Debug, Default)]
struct Haystack {
    text: String,
    /// `starts[i]` is where record `i` begins; one more entry marks the end.
    starts: Vec<u32>,
}

/// Where a match lies within its record.
struct Hit {
    record: usize,
    /// At the start of a space-separated variant (or of the record).
    at_start: bool,
    /// Reaches the end of a variant (or of the record).
    at_end: bool,
    /// In the first variant.
    primary: bool,
    /// At the start of the record.
    at_record_start: bool,
    /// Reaches the end of the record.
    at_record_end: bool,
    /// Byte offset of the match within its record.
    offset: usize,
}

impl Haystack {
    fn push(&mut self, s: &str) {
        self.starts.push(self.text.len() as u32);
        // A line break inside a value would split its record; stored values never hold one
        // (text input refuses control characters), so this only guards hand-edited data.
        if s.contains('\n') {
            self.text.push_str(&s.replace('\n', " "));
        } else {
            self.text.push_str(s);
        }
        self.text.push('\n');
    }

    fn record(&self, i: usize) -> &str {
        let (a, b) = (self.starts[i] as usize, self.starts[i + 1] as usize - 1);
        &self.text[a..b]
    }

    fn finish(&mut self) {
        self.starts.push(self.text.len() as u32);
        self.text.shrink_to_fit();
        self.starts.shrink_to_fit();
    }

    fn for_each(&self, needle: &[u8], mut f: impl FnMut(Hit)) {
        if needle.is_empty() {
            return;
        }
        let text = self.text.as_bytes();
        for pos in memmem::find_iter(text, needle) {
            let record = self.starts.partition_point(|&s| s as usize <= pos) - 1;
            let start = self.starts[record] as usize;
            let end = self.starts[record + 1] as usize - 1;
            let hi = pos + needle.len();
            if hi > end {
                continue;
            }
            let before = &text[start..pos];
            f(Hit {
                record,
                at_start: pos == start || text[pos - 1] == b' ',
                at_end: hi == end || text[hi] == b' ',
                primary: !before.contains(&b' '),
                at_record_start: pos == start,
                at_record_end: hi == end,
                offset: pos - start,
            });
        }
    }
}

/// The in-memory search index: every field in a contiguous haystack, nothing per person on
/// the heap, so 100,000 persons take a few megabytes.
#[derive(Debug, Default)]
pub struct SearchIndex {
    ids: Haystack,
    names: Haystack,
    initials: Haystack,
    full: Haystack,
    id_numbers: Haystack,
    phones: Haystack,
    services: Haystack,
    /// Index into `community_codes` per person.
    communities: Vec<u32>,
    community_codes: Vec<String>,
    statuses: Vec<PersonStatus>,
    /// Position of each entry in the tie-break order.
    rank: Vec<u32>,
    /// Entries in the tie-break order (for browsing without a query).
    order: Vec<u32>,
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// A phone as the index keeps it: its digits, and the stars of a masked one in their places
/// (no query holds a star, so nothing matches across them).
fn phone_key(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_digit() || *c == '*')
        .collect()
}

/// Builds an index one row at a time, so the rows never need to sit in memory all at once.
#[derive(Debug, Default)]
pub struct SearchIndexBuilder {
    idx: SearchIndex,
}

impl SearchIndexBuilder {
    /// An empty builder.
    pub fn new() -> SearchIndexBuilder {
        SearchIndexBuilder::default()
    }

    /// Adds one person.
    pub fn push(&mut self, r: &SearchRow) {
        let idx = &mut self.idx;
        idx.ids.push(&r.id);
        idx.names.push(&r.name);
        idx.initials.push(&r.initials);
        idx.full.push(&r.full);
        idx.id_numbers.push(r.id_number.as_deref().unwrap_or(""));
        idx.phones
            .push(&r.phone.as_deref().map(phone_key).unwrap_or_default());
        idx.services.push(r.service_no.as_deref().unwrap_or(""));
        let c = match idx.community_codes.iter().position(|c| *c == r.community) {
            Some(i) => i,
            None => {
                idx.community_codes.push(r.community.clone());
                idx.community_codes.len() - 1
            }
        };
        idx.communities.push(c as u32);
        idx.statuses.push(r.status);
    }

    /// Finishes the index: the tie-break order is computed once here.
    pub fn finish(self) -> SearchIndex {
        let mut idx = self.idx;
        for h in [
            &mut idx.ids,
            &mut idx.names,
            &mut idx.initials,
            &mut idx.full,
            &mut idx.id_numbers,
            &mut idx.phones,
            &mut idx.services,
        ] {
            h.finish();
        }
        idx.communities.shrink_to_fit();
        idx.statuses.shrink_to_fit();
        let n = idx.statuses.len();
        // Ties go to active records, then enrolled ones by service number, then pinyin order
        // as Chinese lists are sorted, then the name, then load order: the same on every run.
        let mut order: Vec<u32> = (0..n as u32).collect();
        {
            let idx = &idx;
            let active = |i: usize| idx.statuses[i] == PersonStatus::Active;
            order.sort_unstable_by(|&a, &b| {
                let (a, b) = (a as usize, b as usize);
                let (sa, sb) = (idx.services.record(a), idx.services.record(b));
                active(b)
                    .cmp(&active(a))
                    .then_with(|| (!sb.is_empty()).cmp(&!sa.is_empty()))
                    .then_with(|| sa.cmp(sb))
                    .then_with(|| idx.full.record(a).cmp(idx.full.record(b)))
                    .then_with(|| idx.names.record(a).cmp(idx.names.record(b)))
                    .then_with(|| a.cmp(&b))
            });
        }
        idx.rank = vec![0; n];
        for (pos, &i) in order.iter().enumerate() {
            idx.rank[i as usize] = pos as u32;
        }
        idx.order = order;
        idx
    }
}

impl SearchIndex {
    /// Builds the index from rows at hand.
    pub fn build(rows: Vec<SearchRow>) -> SearchIndex {
        let mut b = SearchIndexBuilder::new();
        for r in &rows {
            b.push(r);
        }
        b.finish()
    }

    /// How many persons the index holds.
    pub fn len(&self) -> usize {
        self.statuses.len()
    }

    /// True when it holds nobody.
    pub fn is_empty(&self) -> bool {
        self.statuses.is_empty()
    }

    /// The entry at `i`.
    pub fn entry(&self, i: usize) -> SearchEntry<'_> {
        fn opt(s: &str) -> Option<&str> {
            if s.is_empty() {
                None
            } else {
                Some(s)
            }
        }
        SearchEntry {
            id: self.ids.record(i),
            name: self.names.record(i),
            id_number: opt(self.id_numbers.record(i)),
            service_no: opt(self.services.record(i)),
            community: self
                .community_codes
                .get(self.communities[i] as usize)
                .map(String::as_str)
                .unwrap_or(""),
            status: self.statuses[i],
        }
    }

    /// `count` entries from position `start` of the browsing order (active, enrolled by
    /// service number, then pinyin order), for a list without a query.
    pub fn browse(&self, start: usize, count: usize) -> Vec<usize> {
        self.order
            .iter()
            .skip(start)
            .take(count)
            .map(|&i| i as usize)
            .collect()
    }

    /// The best `limit` matches of `query`, best first, as entry positions.
    pub fn search(&self, query: &str, limit: usize) -> Vec<usize> {
        self.search_counted(query, limit).0
    }

    /// The best `limit` matches, and how many matched in all.
    pub fn search_counted(&self, query: &str, limit: usize) -> (Vec<usize>, usize) {
        let Some(q) = classify(query) else {
            return (Vec::new(), 0);
        };
        if limit == 0 {
            return (Vec::new(), 0);
        }
        let mut scores = vec![0u8; self.len()];
        let mut touched: Vec<u32> = Vec::new();
        let mut bump = |i: usize, s: u8| {
            if scores[i] == 0 {
                touched.push(i as u32);
            }
            if s > scores[i] {
                scores[i] = s;
            }
        };
        use points::*;
        match &q {
            QueryKind::Name(q) => self.names.for_each(q.as_bytes(), |h| {
                let s = match (h.at_record_start, h.at_record_end) {
                    (true, true) => NAME_EXACT,
                    (true, false) => NAME_PREFIX,
                    _ => NAME_CONTAINS,
                };
                bump(h.record, s);
            }),
            QueryKind::Pinyin(q) => {
                self.initials.for_each(q.as_bytes(), |h| {
                    if h.at_start {
                        let s = match (h.at_end, h.primary) {
                            (true, true) => INITIALS_EXACT,
                            (false, true) => INITIALS_PREFIX,
                            (true, false) => ALT_INITIALS_EXACT,
                            (false, false) => ALT_INITIALS_PREFIX,
                        };
                        bump(h.record, s);
                    }
                });
                // One letter is an initial; the initials already found every such prefix.
                if q.len() >= 2 {
                    self.full.for_each(q.as_bytes(), |h| {
                        let s = match (h.at_start, h.at_end, h.primary) {
                            (true, true, true) => FULL_EXACT,
                            (true, false, true) => FULL_PREFIX,
                            (true, true, false) => ALT_FULL_EXACT,
                            (true, false, false) => ALT_FULL_PREFIX,
                            _ => FULL_CONTAINS,
                        };
                        bump(h.record, s);
                    });
                }
            }
            QueryKind::Number(q) => {
                self.id_numbers.for_each(q.as_bytes(), |h| {
                    if h.at_record_end && h.at_record_start {
                        bump(h.record, ID_EXACT);
                    } else if h.at_record_end && q.len() >= 4 {
                        bump(h.record, ID_TAIL);
                    }
                });
                self.phone_matches(q, &mut bump);
                // The sequence part of a service number, with or without its leading zeros:
                // 7 and 0007 both find 360104001001-0007.
                let seq = q.trim_start_matches('0');
                if !seq.is_empty() && q.len() <= 6 {
                    self.services.for_each(seq.as_bytes(), |h| {
                        let before = &self.services.record(h.record)[..h.offset];
                        let padding = before.rsplit('-').next().unwrap_or(before);
                        if h.at_record_end
                            && before.contains('-')
                            && padding.bytes().all(|b| b == b'0')
                        {
                            bump(h.record, SERVICE_SEQ);
                        }
                    });
                }
            }
            QueryKind::Other(q) => {
                self.services.for_each(q.as_bytes(), |h| {
                    if h.at_record_start && h.at_record_end {
                        bump(h.record, SERVICE_EXACT);
                    }
                });
                if q.bytes()
                    .all(|b| b.is_ascii_digit() || b == b'-' || b == b'+')
                {
                    self.phone_matches(&digits(q.strip_prefix("+86").unwrap_or(q)), &mut bump);
                }
                self.names
                    .for_each(q.as_bytes(), |h| bump(h.record, NAME_CONTAINS));
            }
        }
        let total = touched.len();
        let key = |i: &u32| {
            (
                std::cmp::Reverse(scores[*i as usize]),
                self.rank[*i as usize],
            )
        };
        if touched.len() > limit {
            touched.select_nth_unstable_by_key(limit - 1, key);
            touched.truncate(limit);
        }
        touched.sort_unstable_by_key(key);
        (touched.into_iter().map(|i| i as usize).collect(), total)
    }

    fn phone_matches(&self, q: &str, bump: &mut impl FnMut(usize, u8)) {
        self.phones.for_each(q.as_bytes(), |h| {
            if h.at_record_end && h.at_record_start {
                bump(h.record, points::PHONE_EXACT);
            } else if h.at_record_end && q.len() >= 4 {
                bump(h.record, points::PHONE_TAIL);
            }
        });
    }

    /// The best `limit` matches of `query`, best first.
    pub fn find(&self, query: &str, limit: usize) -> Vec<SearchEntry<'_>> {
        self.search(query, limit)
            .into_iter()
            .map(|i| self.entry(i))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::pinyin_keys::keys_of;
    use super::*;

    #[test]
    fn option_labels_match_by_text_initials_and_pinyin() {
        assert!(label_matches("助餐服务", "助餐"));
        assert!(label_matches("助餐服务", "zc"));
        assert!(label_matches("助餐服务", "ZC"));
        assert!(label_matches("助餐服务", "cf"));
        assert!(label_matches("助餐服务", "zhucan"));
        assert!(label_matches("助餐服务", ""));
        assert!(!label_matches("助餐服务", "zy"));
        assert!(!label_matches("助浴服务", "助餐"));
    }

    fn row(
        name: &str,
        id: Option<&str>,
        phone: Option<&str>,
        no: Option<&str>,
        active: bool,
    ) -> SearchRow {
        let (initials, full) = keys_of(name).joined();
        SearchRow {
            id: name.into(),
            name: name.into(),
            initials,
            full,
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

    fn names(idx: &SearchIndex, q: &str) -> Vec<String> {
        idx.find(q, 20)
            .into_iter()
            .map(|e| e.name.to_string())
            .collect()
    }

    fn sample() -> SearchIndex {
        SearchIndex::build(vec![
            row("张三丰", None, None, None, true),
            row(
                "张三",
                Some("11010519491231002X"),
                Some("13800001234"),
                Some("360104001001-0007"),
                true,
            ),
            row("赵四", None, None, None, true),
            row("曾小红", None, Some("0791-88123456"), None, true),
            row("周山", None, None, None, false),
            row("张珊", None, None, None, true),
            row("周俊", None, None, None, true),
        ])
    }

    #[test]
    fn initials_rank_exact_before_prefix() {
        let idx = sample();
        let got = names(&idx, "zs");
        // 张三, 张珊, 赵四 and 周山 match exactly; 张三丰 by prefix; 周俊 only by a rare
        // reading of 俊 (shun), so after every match on the likely readings.
        assert_eq!(&got[..3], &["张三", "张珊", "赵四"]);
        let pos = |n: &str| got.iter().position(|x| x == n).unwrap();
        assert!(pos("周山") < pos("周俊"), "{got:?}");
        assert!(pos("张三丰") < pos("周俊"), "{got:?}");
    }

    #[test]
    fn closed_records_rank_after_active_ones() {
        let got = names(&sample(), "zs");
        let pos = |n: &str| got.iter().position(|x| x == n).unwrap();
        assert!(pos("周山") > pos("赵四"));
    }

    #[test]
    fn full_pinyin_and_its_prefix() {
        let idx = sample();
        assert_eq!(names(&idx, "zhangsan")[0], "张三");
        assert_eq!(names(&idx, "ZhangSan")[0], "张三");
        assert_eq!(names(&idx, "zhang san")[0], "张三");
        let got = names(&idx, "zhangs");
        assert!(got.contains(&"张三".to_string()) && got.contains(&"张珊".to_string()));
        assert!(!got.contains(&"赵四".to_string()));
        // The given name alone finds a person, after every prefix match.
        assert_eq!(names(&idx, "xiaohong"), vec!["曾小红"]);
    }

    #[test]
    fn surname_reading_finds_zeng() {
        let idx = sample();
        assert_eq!(names(&idx, "zengxiaohong"), vec!["曾小红"]);
        assert_eq!(names(&idx, "zxh"), vec!["曾小红"]);
    }

    #[test]
    fn chinese_exact_then_prefix_then_contains() {
        let idx = sample();
        assert_eq!(names(&idx, "张三"), vec!["张三", "张三丰"]);
        assert_eq!(names(&idx, "三"), vec!["张三", "张三丰"]);
        assert_eq!(names(&idx, "丰"), vec!["张三丰"]);
    }

    #[test]
    fn id_number_whole_and_tail() {
        let idx = sample();
        assert_eq!(names(&idx, "11010519491231002x"), vec!["张三"]);
        assert_eq!(names(&idx, "002X"), vec!["张三"]);
        assert_eq!(names(&idx, "１００２ｘ"), vec!["张三"]);
        assert!(
            names(&idx, "02X").is_empty(),
            "tails shorter than 4 do not match IDs"
        );
        assert!(names(&idx, "11010519").is_empty(), "the head is not a tail");
    }

    #[test]
    fn phone_and_service_number() {
        let idx = sample();
        assert_eq!(names(&idx, "13800001234"), vec!["张三"]);
        assert_eq!(names(&idx, "1234"), vec!["张三"]);
        assert_eq!(names(&idx, "88123456"), vec!["曾小红"]);
        assert_eq!(names(&idx, "0791-88123456"), vec!["曾小红"]);
        assert_eq!(names(&idx, "7"), vec!["张三"]);
        assert_eq!(names(&idx, "0007"), vec!["张三"]);
        assert_eq!(names(&idx, "360104001001-0007"), vec!["张三"]);
    }

    #[test]
    fn a_masked_row_matches_only_what_the_list_shows() {
        let masked = |name: &str, id: &str, phone: &str| {
            row(name, Some(id), Some(phone), None, true).masked()
        };
        let idx = SearchIndex::build(vec![
            masked("张三", "11010519491231002X", "13800001234"),
            masked("曾小红", "360104195003070027", "0791-88123456"),
        ]);
        for hidden in [
            "11010519491231002X",
            "231002X",
            "1002X",
            "13800001234",
            "01234",
            "0791-88123456",
            "88123456",
        ] {
            assert!(names(&idx, hidden).is_empty(), "{hidden} matched");
        }
        assert_eq!(names(&idx, "002X"), vec!["张三"]);
        assert_eq!(names(&idx, "1234"), vec!["张三"]);
        assert_eq!(names(&idx, "3456"), vec!["曾小红"]);
        let e = idx.entry(idx.search("002X", 1)[0]);
        assert_eq!(e.masked_id_number().as_deref(), Some("1101**********002X"));
        let whole = sample();
        let e = whole.entry(whole.search("002X", 1)[0]);
        assert_eq!(e.masked_id_number().as_deref(), Some("1101**********002X"));
    }

    #[test]
    fn limit_keeps_the_best() {
        let idx = sample();
        assert_eq!(idx.search("z", 2).len(), 2);
        assert_eq!(
            names(&idx, "z")[..2],
            ["张三", "曾小红"],
            "then pinyin order"
        );
        assert!(idx.search("", 20).is_empty());
        assert!(idx.search("zs", 0).is_empty());
    }

    #[test]
    fn browsing_and_totals() {
        let idx = sample();
        let all: Vec<String> = idx
            .browse(0, 100)
            .into_iter()
            .map(|i| idx.entry(i).name.to_string())
            .collect();
        assert_eq!(all.len(), 7);
        assert_eq!(all[0], "张三", "enrolled first");
        assert_eq!(all.last().map(String::as_str), Some("周山"), "closed last");
        assert_eq!(idx.browse(5, 10).len(), 2);
        let (hits, total) = idx.search_counted("z", 2);
        assert_eq!((hits.len(), total), (2, 7));
    }

    #[test]
    fn queries_cannot_match_across_records() {
        let idx = SearchIndex::build(vec![
            row("张三", None, None, None, true),
            row("李四", None, None, None, true),
        ]);
        assert!(names(&idx, "三李").is_empty());
        assert!(names(&idx, "sanli").is_empty());
    }
}
