//! Time and ids. Use cases read the time from a [`Clock`] so tests fix it; dates are shown in
//! China time (UTC+8), stored as RFC 3339 UTC.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rand::RngCore;

/// Where use cases get the time.
pub trait Clock {
    /// Now, in UTC.
    fn now(&self) -> DateTime<Utc>;

    /// Today's date in China (UTC+8), the date people mean.
    fn today(&self) -> NaiveDate {
        china_date(self.now())
    }
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that always says the same time (tests, reproducible demo data).
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

pub use crate::domain::date::{china, china_date, show_day, show_instant, stored_day};

/// The stored form of an instant: RFC 3339 UTC with milliseconds.
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A UUIDv7 for instant `t`, its random bits from `rng`.
pub fn new_id(t: DateTime<Utc>, rng: &mut dyn RngCore) -> String {
    let mut bytes = [0u8; 10];
    rng.fill_bytes(&mut bytes);
    let millis = u64::try_from(t.timestamp_millis()).unwrap_or(0);
    uuid::Builder::from_unix_timestamp_millis(millis, &bytes)
        .into_uuid()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn china_date_crosses_midnight_before_utc() {
        let t = DateTime::parse_from_rfc3339("2026-11-28T17:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            FixedClock(t).today(),
            NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
        );
        assert_eq!(show_instant("2026-11-28T17:30:00.000Z"), "2026-11-29 01:30");
    }

    #[test]
    fn ids_are_v7_and_ordered_by_time() {
        let mut rng = rand::rngs::OsRng;
        let t1 = DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let t2 = DateTime::parse_from_rfc3339("2026-01-01T00:00:01Z")
            .unwrap()
            .with_timezone(&Utc);
        let a = new_id(t1, &mut rng);
        let b = new_id(t2, &mut rng);
        assert!(a < b);
        assert_eq!(uuid::Uuid::parse_str(&a).unwrap().get_version_num(), 7);
    }
}
