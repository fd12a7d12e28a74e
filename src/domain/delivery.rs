//! 经常性、连续性: whether a month's delivered services kept to the plan's frequency — under
//! it (a daily meal delivered ten times in a month) or over it (seventy-six deliveries of a
//! daily meal). The plan is checked, not hoped for.

use super::month::Month;
use super::settlement::monthly_cap;

/// How a month's deliveries of one planned item stand against the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gap {
    /// Fewer than four fifths of what the plan asks for the month.
    Under {
        /// What was delivered.
        delivered: i64,
        /// What the plan asks.
        planned: i64,
    },
    /// More than the plan allows in the month.
    Over {
        /// What was delivered.
        delivered: i64,
        /// What the plan allows.
        planned: i64,
    },
}

/// The gap, if any, between `delivered` services in `month` and a plan of `frequency`; `None`
/// when they agree or the plan sets no count (as needed).
pub fn gap(frequency: &str, month: Month, delivered: i64) -> Option<Gap> {
    let planned = monthly_cap(frequency, month)?;
    if delivered > planned {
        Some(Gap::Over { delivered, planned })
    } else if delivered * 5 < planned * 4 {
        Some(Gap::Under { delivered, planned })
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn under_and_over_the_plan_are_told_apart() {
        let nov = Month::new(2026, 11).unwrap();
        assert_eq!(
            gap("daily", nov, 10),
            Some(Gap::Under {
                delivered: 10,
                planned: 30
            })
        );
        assert_eq!(
            gap("daily", nov, 76),
            Some(Gap::Over {
                delivered: 76,
                planned: 30
            })
        );
        assert_eq!(gap("daily", nov, 24), None, "four fifths is enough");
        assert_eq!(gap("daily", nov, 23).map(|_| ()), Some(()));
        assert_eq!(gap("monthly", nov, 1), None);
        assert_eq!(gap("as_needed", nov, 0), None);
    }
}
