//! 服务协议: what a buying unit (the district or a subdistrict) bought from a provider — for
//! which communities and period, each service item at a unit price in whole 分, with an
//! optional ceiling. An agreement runs until its period ends or it is ended with a state
//! and a reason; it is never deleted.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::catalogue::{Catalogue, ListKind};
use super::date::parse_date;
use super::money::Fen;
use super::org::{OrgTree, Tier};
use super::provider::Provider;
use super::record::RecordMeta;
use super::text::{optional_line, required_line};
use super::validation::{Field, Reason, ValidationError};

/// Longest agreement number (协议编号).
pub const NUMBER_MAX: usize = 40;
/// Longest reason an agreement ends for.
pub const REASON_MAX: usize = 200;

/// One item an agreement buys: the service item, its pricing unit and the price per unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceLine {
    /// A service item code.
    pub item: String,
    /// A pricing unit code (catalogue `pricing_unit`: per_visit, per_hour …).
    pub unit: String,
    /// The price of one unit, in 分.
    pub price_fen: i64,
}

impl PriceLine {
    /// The price of one unit.
    pub fn price(&self) -> Fen {
        Fen(self.price_fen)
    }
}

/// Where an agreement stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgreementState {
    /// In force within its period.
    Running,
    /// Ended at the end of its period (到期终止).
    Expired,
    /// Ended before its period was over (提前解除).
    Terminated,
    /// Replaced by a new agreement (变更替代).
    Superseded,
}

impl AgreementState {
    /// Every state.
    pub const ALL: [AgreementState; 4] = [
        AgreementState::Running,
        AgreementState::Expired,
        AgreementState::Terminated,
        AgreementState::Superseded,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            AgreementState::Running => "running",
            AgreementState::Expired => "expired",
            AgreementState::Terminated => "terminated",
            AgreementState::Superseded => "superseded",
        }
    }

    /// Parses a stored code.
    pub fn from_code(s: &str) -> Option<AgreementState> {
        Self::ALL.into_iter().find(|x| x.code() == s)
    }

    /// String-table key of its label.
    pub fn label_key(self) -> &'static str {
        match self {
            AgreementState::Running => "agreement_state.running",
            AgreementState::Expired => "agreement_state.expired",
            AgreementState::Terminated => "agreement_state.terminated",
            AgreementState::Superseded => "agreement_state.superseded",
        }
    }
}

/// A stored agreement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agreement {
    /// Identity and version.
    pub meta: RecordMeta,
    /// The provider that serves under it.
    pub provider_id: String,
    /// 协议编号, unique within the buying unit.
    pub number: String,
    /// The buying unit's org code (a district or a subdistrict).
    pub buyer: String,
    /// The day it was signed, if known.
    pub signed_on: Option<NaiveDate>,
    /// First day in force.
    pub period_from: NaiveDate,
    /// Last day in force.
    pub period_to: NaiveDate,
    /// The communities it covers.
    pub communities: Vec<String>,
    /// The items bought, each with its unit and price.
    pub lines: Vec<PriceLine>,
    /// The most it pays in all, if capped.
    pub ceiling: Option<Fen>,
    /// Where it stands.
    pub state: AgreementState,
    /// The day it was ended, once ended.
    pub ended_on: Option<NaiveDate>,
    /// Why it was ended.
    pub end_reason: Option<String>,
    /// The account that recorded it.
    pub recorded_by: String,
}

impl Agreement {
    /// Its last day in force: the end of its period, or the day it was ended if earlier.
    pub fn last_day(&self) -> NaiveDate {
        self.ended_on
            .map_or(self.period_to, |e| e.min(self.period_to))
    }

    /// True when it is in force on `day`: within its period and not after it was ended (an
    /// agreement ended in June still covers what was delivered in May).
    pub fn is_running_on(&self, day: NaiveDate) -> bool {
        self.period_from <= day && day <= self.last_day()
    }

    /// Its price line for `item`, if it buys it.
    pub fn line_for(&self, item: &str) -> Option<&PriceLine> {
        self.lines.iter().find(|l| l.item == item)
    }

    /// Its state as read on `today`: a running agreement past its last day reads as expired
    /// (until someone ends it, as 待办 asks).
    pub fn state_on(&self, today: NaiveDate) -> AgreementState {
        if self.state == AgreementState::Running && today > self.last_day() {
            AgreementState::Expired
        } else {
            self.state
        }
    }

    /// Its items as people read them: `供餐送餐 12.50/份`, separated.
    pub fn items_text(&self, lang: crate::i18n::Lang) -> String {
        let cat = Catalogue::builtin();
        self.lines
            .iter()
            .map(|l| {
                format!(
                    "{} {}/{}",
                    cat.label(ListKind::ServiceItem, &l.item, lang),
                    l.price().yuan_text(),
                    cat.label(ListKind::PricingUnit, &l.unit, lang)
                )
            })
            .collect::<Vec<_>>()
            .join(crate::i18n::t(lang, "form.list_separator"))
    }

    /// True when it buys `item` for `community` on `day`.
    pub fn covers(&self, item: &str, community: &str, day: NaiveDate) -> bool {
        self.is_running_on(day)
            && self.line_for(item).is_some()
            && self.communities.iter().any(|c| c == community)
    }
}

/// One item line as the form holds it.
#[derive(Debug, Clone, Default)]
pub struct PriceLineDraft {
    /// Service item code.
    pub item: String,
    /// Pricing unit code.
    pub unit: String,
    /// The price as typed, in 元.
    pub price: String,
}

/// What the agreement form holds.
#[derive(Debug, Clone, Default)]
pub struct AgreementDraft {
    /// The provider.
    pub provider_id: String,
    /// 协议编号.
    pub number: String,
    /// The buying unit's code.
    pub buyer: String,
    /// Day signed (may be empty).
    pub signed_on: String,
    /// First day.
    pub period_from: String,
    /// Last day.
    pub period_to: String,
    /// Community codes covered.
    pub communities: Vec<String>,
    /// Items with unit and price.
    pub lines: Vec<PriceLineDraft>,
    /// Ceiling in 元 (may be empty: none).
    pub ceiling: String,
}

/// The checked content of an agreement (everything but identity and state).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementFacts {
    pub provider_id: String,
    pub number: String,
    pub buyer: String,
    pub signed_on: Option<NaiveDate>,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub communities: Vec<String>,
    pub lines: Vec<PriceLine>,
    pub ceiling: Option<Fen>,
}

fn required_date(field: Field, input: &str) -> Result<NaiveDate, ValidationError> {
    parse_date(field, input)?.ok_or_else(|| ValidationError::new(field, Reason::Required))
}

impl AgreementDraft {
    /// Checks every field: the buyer is a district or subdistrict, the period runs forward,
    /// every community is one of the buyer's, every item is one the provider offers (once),
    /// with a pricing unit of the catalogue and a price in 元 with at most two decimals.
    pub fn validate(
        &self,
        cat: &Catalogue,
        tree: &OrgTree,
        provider: &Provider,
    ) -> Result<AgreementFacts, ValidationError> {
        let number = required_line(Field::AgreementNo, &self.number, NUMBER_MAX)?;
        let buyer = self.buyer.trim().to_string();
        match tree.get(&buyer).map(|u| u.tier()) {
            Some(Tier::District | Tier::Subdistrict) => {}
            Some(Tier::Community) => {
                return Err(ValidationError::new(
                    Field::Buyer,
                    Reason::Inconsistent {
                        what: "agreement_rule.buyer_not_community",
                    },
                ))
            }
            None if buyer.is_empty() => {
                return Err(ValidationError::new(Field::Buyer, Reason::Required))
            }
            None => {
                return Err(ValidationError::new(
                    Field::Buyer,
                    Reason::NotInCatalogue { code: buyer },
                ))
            }
        }
        let signed_on = parse_date(Field::SignedOn, &self.signed_on)?;
        let period_from = required_date(Field::AgreementFrom, &self.period_from)?;
        let period_to = required_date(Field::AgreementTo, &self.period_to)?;
        if period_to < period_from {
            return Err(ValidationError::new(
                Field::AgreementTo,
                Reason::NotBefore {
                    day: period_from.format("%Y-%m-%d").to_string(),
                },
            ));
        }
        if self.communities.is_empty() {
            return Err(ValidationError::new(Field::Community, Reason::Required));
        }
        let mut communities: Vec<String> = Vec::new();
        for c in &self.communities {
            let is_community = tree.get(c).map(|u| u.tier()) == Some(Tier::Community);
            if !is_community || !tree.is_within(c, &buyer) {
                return Err(ValidationError::new(
                    Field::Community,
                    Reason::Inconsistent {
                        what: "agreement_rule.community_outside_buyer",
                    },
                ));
            }
            if !communities.contains(c) {
                communities.push(c.clone());
            }
        }
        if self.lines.is_empty() {
            return Err(ValidationError::new(Field::Needs, Reason::Required));
        }
        let mut lines: Vec<PriceLine> = Vec::new();
        for l in &self.lines {
            if !cat.contains(ListKind::ServiceItem, &l.item) {
                return Err(ValidationError::new(
                    Field::Needs,
                    Reason::NotInCatalogue {
                        code: l.item.clone(),
                    },
                ));
            }
            if !provider.items.contains(&l.item) {
                return Err(ValidationError::new(
                    Field::Needs,
                    Reason::Inconsistent {
                        what: "agreement_rule.item_not_offered",
                    },
                ));
            }
            if lines.iter().any(|x| x.item == l.item) {
                return Err(ValidationError::new(Field::Needs, Reason::Duplicate));
            }
            if !cat.contains(ListKind::PricingUnit, &l.unit) {
                return Err(ValidationError::new(
                    Field::PricingUnit,
                    Reason::NotInCatalogue {
                        code: l.unit.clone(),
                    },
                ));
            }
            let price = Fen::parse_yuan(Field::UnitPrice, &l.price)?;
            lines.push(PriceLine {
                item: l.item.clone(),
                unit: l.unit.clone(),
                price_fen: price.0,
            });
        }
        let ceiling = match self.ceiling.trim() {
            "" => None,
            text => Some(Fen::parse_yuan(Field::Ceiling, text)?),
        };
        Ok(AgreementFacts {
            provider_id: provider.meta.id.clone(),
            number,
            buyer,
            signed_on,
            period_from,
            period_to,
            communities,
            lines,
            ceiling,
        })
    }
}

/// Checks why an agreement is ended: one line, required.
pub fn parse_end_reason(input: &str) -> Result<String, ValidationError> {
    required_line(Field::Reason, input, REASON_MAX)
}

/// Checks an optional line of a provider's qualification (its certificate number).
pub fn parse_qualification_no(input: &str) -> Result<Option<String>, ValidationError> {
    optional_line(Field::QualificationNo, input, NUMBER_MAX)
}

/// How near a provider is to a community, for the 就近原则: 0 when it serves that very
/// community, 1 when its area is the community's subdistrict, 2 from further away (the
/// district); `None` when its area does not reach the community at all.
pub fn nearness(tree: &OrgTree, provider_area: &str, community: &str) -> Option<u8> {
    if !tree.is_within(community, provider_area) {
        return None;
    }
    if provider_area == community {
        return Some(0);
    }
    let parent = tree.get(community).and_then(|u| u.parent.as_deref());
    Some(if parent == Some(provider_area) { 1 } else { 2 })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::org::{OrgKind, OrgUnit};

    fn tree() -> OrgTree {
        let unit = |code: &str, kind, parent: Option<&str>| OrgUnit {
            code: code.into(),
            name: code.into(),
            kind,
            parent: parent.map(Into::into),
        };
        OrgTree::new(vec![
            unit("360104", OrgKind::District, None),
            unit("360104001", OrgKind::Subdistrict, Some("360104")),
            unit("360104001001", OrgKind::Community, Some("360104001")),
            unit("360104001002", OrgKind::Community, Some("360104001")),
            unit("360104002", OrgKind::Subdistrict, Some("360104")),
            unit("360104002001", OrgKind::Community, Some("360104002")),
        ])
    }

    fn provider() -> Provider {
        Provider {
            meta: RecordMeta::new("a1".into(), "ws", "2026-01-01T00:00:00Z"),
            name: "洪都助餐中心".into(),
            kind: "enterprise_institution".into(),
            items: vec!["meal_delivery".into(), "cleaning".into()],
            contact: None,
            phone: None,
            area: "360104001".into(),
            active: true,
            qualification: Default::default(),
        }
    }

    fn draft() -> AgreementDraft {
        AgreementDraft {
            provider_id: String::new(),
            number: "HD-2026-001".into(),
            buyer: "360104001".into(),
            signed_on: "2026-01-05".into(),
            period_from: "2026-01-01".into(),
            period_to: "2026-12-31".into(),
            communities: vec!["360104001001".into(), "360104001002".into()],
            lines: vec![PriceLineDraft {
                item: "meal_delivery".into(),
                unit: "per_portion".into(),
                price: "12.50".into(),
            }],
            ceiling: "100000".into(),
        }
    }

    fn refused(d: &AgreementDraft) -> (Field, Reason) {
        let e = d
            .validate(Catalogue::builtin(), &tree(), &provider())
            .unwrap_err();
        (e.field, e.reason)
    }

    #[test]
    fn a_good_agreement_prices_in_whole_fen() {
        let f = draft()
            .validate(Catalogue::builtin(), &tree(), &provider())
            .unwrap();
        assert_eq!(f.lines[0].price_fen, 1250);
        assert_eq!(f.ceiling, Some(Fen(10_000_000)));
        assert_eq!(f.period_to, NaiveDate::from_ymd_opt(2026, 12, 31).unwrap());
    }

    #[test]
    fn each_refusal_names_its_field() {
        let mut d = draft();
        d.number = " ".into();
        assert_eq!(refused(&d), (Field::AgreementNo, Reason::Required));
        let mut d = draft();
        d.buyer = "360104001001".into();
        assert_eq!(refused(&d).0, Field::Buyer, "a community buys nothing");
        let mut d = draft();
        d.period_to = "2025-12-31".into();
        assert_eq!(refused(&d).0, Field::AgreementTo);
        let mut d = draft();
        d.communities = vec!["360104002001".into()];
        assert_eq!(
            refused(&d).0,
            Field::Community,
            "another subdistrict's community"
        );
        let mut d = draft();
        d.lines[0].item = "rehabilitation".into();
        assert_eq!(
            refused(&d).0,
            Field::Needs,
            "an item the provider does not offer"
        );
        let mut d = draft();
        d.lines.push(d.lines[0].clone());
        assert_eq!(refused(&d), (Field::Needs, Reason::Duplicate));
        let mut d = draft();
        d.lines[0].unit = "per_year".into();
        assert_eq!(refused(&d).0, Field::PricingUnit);
        let mut d = draft();
        d.lines[0].price = "12.505".into();
        assert_eq!(refused(&d).0, Field::UnitPrice, "no third decimal");
        let mut d = draft();
        d.ceiling = "-1".into();
        assert_eq!(refused(&d).0, Field::Ceiling);
    }

    #[test]
    fn an_agreement_covers_its_items_communities_and_days_while_running() {
        let f = draft()
            .validate(Catalogue::builtin(), &tree(), &provider())
            .unwrap();
        let mut a = Agreement {
            meta: RecordMeta::new("a1".into(), "ws", "2026-01-01T00:00:00Z"),
            provider_id: f.provider_id,
            number: f.number,
            buyer: f.buyer,
            signed_on: f.signed_on,
            period_from: f.period_from,
            period_to: f.period_to,
            communities: f.communities,
            lines: f.lines,
            ceiling: f.ceiling,
            state: AgreementState::Running,
            ended_on: None,
            end_reason: None,
            recorded_by: "demo".into(),
        };
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert!(a.covers("meal_delivery", "360104001001", day("2026-06-01")));
        assert!(!a.covers("cleaning", "360104001001", day("2026-06-01")));
        assert!(!a.covers("meal_delivery", "360104002001", day("2026-06-01")));
        assert!(!a.covers("meal_delivery", "360104001001", day("2027-01-01")));
        a.state = AgreementState::Terminated;
        a.ended_on = Some(day("2026-05-31"));
        assert!(!a.covers("meal_delivery", "360104001001", day("2026-06-01")));
        assert!(
            a.covers("meal_delivery", "360104001001", day("2026-05-15")),
            "what was delivered before the end stays covered"
        );
    }

    #[test]
    fn nearness_orders_same_community_then_subdistrict_then_district() {
        let t = tree();
        assert_eq!(nearness(&t, "360104001001", "360104001001"), Some(0));
        assert_eq!(nearness(&t, "360104001", "360104001001"), Some(1));
        assert_eq!(nearness(&t, "360104", "360104001001"), Some(2));
        assert_eq!(nearness(&t, "360104002", "360104001001"), None);
    }
}
