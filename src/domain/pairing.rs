//! 结对: a helper paired with a person they help — from a day, optionally to one, for the
//! items agreed and how often. A helper never helps themself; a visit outside the pairing's
//! period, or of an item it does not name, is refused.

use chrono::NaiveDate;

use super::record::RecordMeta;

/// A stored pairing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pairing {
    /// Identity and version.
    pub meta: RecordMeta,
    /// The helper.
    pub helper_id: String,
    /// The person helped.
    pub person_id: String,
    /// The person's community.
    pub community: String,
    /// The first day.
    pub from: NaiveDate,
    /// The last day, when agreed or ended.
    pub to: Option<NaiveDate>,
    /// The service items agreed (catalogue codes).
    pub items: Vec<String>,
    /// How often (a catalogue `frequency` code).
    pub frequency: String,
    /// Why it ended early, when it did.
    pub end_reason: Option<String>,
    /// Who recorded it.
    pub recorded_by: String,
}

impl Pairing {
    /// True when `day` falls within the pairing's period.
    pub fn runs_on(&self, day: NaiveDate) -> bool {
        self.from <= day && self.to.is_none_or(|to| day <= to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pairing_runs_from_its_first_to_its_last_day() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let mut p = Pairing {
            meta: RecordMeta::default(),
            helper_id: "h".into(),
            person_id: "p".into(),
            community: "c".into(),
            from: d("2026-05-01"),
            to: None,
            items: vec!["neighbour_home_care".into()],
            frequency: "weekly".into(),
            end_reason: None,
            recorded_by: "u".into(),
        };
        assert!(!p.runs_on(d("2026-04-30")));
        assert!(p.runs_on(d("2027-01-01")), "open-ended");
        p.to = Some(d("2026-10-31"));
        assert!(p.runs_on(d("2026-10-31")));
        assert!(!p.runs_on(d("2026-11-01")));
    }
}
