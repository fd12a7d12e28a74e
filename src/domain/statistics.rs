//! The figures of 统计报表 (monthly statistics and the yearly 绩效评估), as plain values: the
//! application counts them, the report layer lays them out.

use chrono::NaiveDate;

/// What was delivered over a period: records, people, time, confirmation and rating.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// 服务人次: recorded services.
    pub records: u64,
    /// 服务人数: different recipients served.
    pub recipients: u64,
    /// Minutes of service in all.
    pub minutes: u64,
    /// Services the recipient confirmed.
    pub confirmed: u64,
    /// Services the recipient rated.
    pub rated: u64,
    /// Rated 满意 or 基本满意.
    pub satisfied: u64,
}

/// `part` of `whole` in percent, `None` when there is no whole.
pub fn percent(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 * 100.0 / whole as f64)
}

impl Tally {
    /// Hours of service.
    pub fn hours(&self) -> f64 {
        self.minutes as f64 / 60.0
    }

    /// 确认率: confirmed services in percent of all.
    pub fn confirmed_rate(&self) -> Option<f64> {
        percent(self.confirmed, self.records)
    }

    /// 满意率: 满意 and 基本满意 in percent of the rated services (the usual way civil
    /// affairs counts it).
    pub fn satisfaction_rate(&self) -> Option<f64> {
        percent(self.satisfied, self.rated)
    }

    /// Services per recipient served.
    pub fn per_recipient(&self) -> Option<f64> {
        (self.recipients > 0).then(|| self.records as f64 / self.recipients as f64)
    }

    /// Adds another tally as if its recipients were different people; a total over groups a
    /// person may be in twice sets its own count of persons.
    pub fn add_disjoint(&mut self, other: &Tally) {
        self.records += other.records;
        self.recipients += other.recipients;
        self.minutes += other.minutes;
        self.confirmed += other.confirmed;
        self.rated += other.rated;
        self.satisfied += other.satisfied;
    }
}

/// One community's figures for a period (or, with an empty code, all of them together).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CommunityFigures {
    /// Community code; empty for the total.
    pub community: String,
    /// Its name as shown.
    pub name: String,
    /// 新发现线索: clues found in the period.
    pub clues_found: u64,
    /// 新纳入: service cards issued in the period.
    pub enrolled: u64,
    /// 退出: cases whose service stopped in the period.
    pub stopped: u64,
    /// 期末在册: cases in service on the last day.
    pub in_service_at_end: u64,
    /// What was delivered.
    pub services: Tally,
    /// 投诉与异议 received in the period.
    pub complaints_received: u64,
    /// Complaints closed in the period.
    pub complaints_closed: u64,
    /// 督查: services inspected in the period.
    pub inspections: u64,
    /// Inspections that found the service delivered as recorded.
    pub inspections_good: u64,
}

impl CommunityFigures {
    /// Adds another community's figures into this total.
    pub fn add(&mut self, o: &CommunityFigures) {
        self.clues_found += o.clues_found;
        self.enrolled += o.enrolled;
        self.stopped += o.stopped;
        self.in_service_at_end += o.in_service_at_end;
        self.services.add_disjoint(&o.services);
        self.complaints_received += o.complaints_received;
        self.complaints_closed += o.complaints_closed;
        self.inspections += o.inspections;
        self.inspections_good += o.inspections_good;
    }

    /// 督查合格率 in percent.
    pub fn inspection_rate(&self) -> Option<f64> {
        percent(self.inspections_good, self.inspections)
    }
}

/// What one service item, or one provider, delivered.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Item code or provider id.
    pub code: String,
    /// Label or name as shown.
    pub name: String,
    /// A second column: the item's category, or the provider's kind.
    pub group: String,
    /// What was delivered.
    pub tally: Tally,
}

/// The figures of one period for every community the reader may see.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// The workstation's unit, the report's heading.
    pub unit_name: String,
    /// Per community, in code order.
    pub communities: Vec<CommunityFigures>,
    /// All of them.
    pub total: CommunityFigures,
    /// Per service item, in catalogue order; only items served.
    pub items: Vec<Line>,
    /// Per provider, by name; only providers that served.
    pub providers: Vec<Line>,
}

/// Median days of the steps the yearly evaluation weighs, per community.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StepMedians {
    /// Clue found → verified.
    pub verify: Option<f64>,
    /// Survey → decision.
    pub decide: Option<f64>,
    /// Card → first service.
    pub first_service: Option<f64>,
}

/// 绩效评估: a year's summary with the timeliness of each community.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// The year.
    pub year: i32,
    /// The year's figures.
    pub summary: Summary,
    /// One per community of the summary, in the same order, then the total.
    pub medians: Vec<StepMedians>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_need_a_whole() {
        let t = Tally::default();
        assert_eq!(t.confirmed_rate(), None);
        assert_eq!(t.satisfaction_rate(), None);
        assert_eq!(t.per_recipient(), None);
        let t = Tally {
            records: 8,
            recipients: 2,
            minutes: 90,
            confirmed: 6,
            rated: 4,
            satisfied: 3,
        };
        assert_eq!(t.confirmed_rate(), Some(75.0));
        assert_eq!(t.satisfaction_rate(), Some(75.0));
        assert_eq!(t.per_recipient(), Some(4.0));
        assert_eq!(t.hours(), 1.5);
    }

    #[test]
    fn totals_add_every_figure() {
        let a = CommunityFigures {
            clues_found: 1,
            enrolled: 2,
            stopped: 3,
            in_service_at_end: 4,
            services: Tally {
                records: 5,
                recipients: 6,
                minutes: 7,
                confirmed: 8,
                rated: 9,
                satisfied: 10,
            },
            complaints_received: 11,
            complaints_closed: 12,
            inspections: 13,
            inspections_good: 14,
            ..Default::default()
        };
        let mut sum = CommunityFigures::default();
        sum.add(&a);
        sum.add(&a);
        assert_eq!(sum.services.records, 10);
        assert_eq!(sum.services.satisfied, 20);
        assert_eq!(sum.inspections_good, 28);
        assert_eq!(sum.in_service_at_end, 8);
        assert_eq!(sum.clues_found, 2);
    }
}
