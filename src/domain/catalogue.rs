//! The service catalogue: categories, key groups, provider kinds, measures, service items and
//! the other code lists, loaded from `assets/catalogue.toml` so that the district can adjust
//! labels and items without touching code.

use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use std::sync::OnceLock;

use crate::i18n::Lang;

const BUILTIN: &str = include_str!("../../assets/catalogue.toml");

/// One code list of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ListKind {
    /// 服务对象类别 (six).
    RecipientCategory,
    /// 重点人群 (four).
    KeyGroup,
    /// 服务供给主体 (five).
    ProviderKind,
    /// 七项措施.
    Measure,
    /// 三大类服务.
    ServiceCategory,
    /// Every service item: the 18 of the three categories plus the extra services.
    ServiceItem,
    /// 线索来源.
    ClueSource,
    /// 自理能力.
    SelfCare,
    /// 救助身份.
    AssistanceStatus,
    /// 残疾类别.
    DisabilityType,
    /// 残疾等级.
    DisabilityGrade,
    /// 终止原因.
    StopReason,
    /// 与户主关系.
    HouseholdRelation,
    /// 服务频次.
    Frequency,
    /// 优先级.
    Priority,
    /// 档案材料.
    DocumentKind,
    /// 投诉与异议的来源.
    ComplaintChannel,
    /// 督查结论.
    InspectionResult,
    /// 住房情况.
    Housing,
    /// 监护人情况.
    GuardianStatus,
    /// 复核结论.
    ReviewOutcome,
    /// 计价单位 of an agreement's item (次、小时、天、份、月).
    PricingUnit,
    /// 资质类别 of a provider.
    QualificationKind,
    /// 资金来源 of the pilot fund.
    FundSource,
}

/// One coded entry with its labels.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
pub struct Entry {
    /// Stable code, stored and exchanged.
    pub code: String,
    /// Chinese label.
    pub zh: String,
    /// English label.
    pub en: String,
    /// For service items: the category code, or `None` for an extra service.
    #[serde(default)]
    pub category: Option<String>,
    /// For measures: the service items the measure delivers.
    #[serde(default)]
    pub items: Vec<String>,
    /// For service items: the frequency an assessment proposes (a `frequency` code).
    #[serde(default)]
    pub frequency: Option<String>,
    /// For recipient categories: the 救助身份 codes that support it (empty: any).
    #[serde(default)]
    pub statuses: Vec<String>,
    /// For recipient categories: the self-care levels it requires (empty: any).
    #[serde(default)]
    pub self_care: Vec<String>,
    /// For recipient categories: the guardian situations it requires (empty: any).
    #[serde(default)]
    pub guardian: Vec<String>,
    /// For recipient categories: only for persons whose 户籍 is not local.
    #[serde(default)]
    pub non_local: bool,
}

impl Entry {
    /// The label in `lang`.
    pub fn label(&self, lang: Lang) -> &str {
        match lang {
            Lang::ZhCn => &self.zh,
            Lang::En => &self.en,
        }
    }
}

#[derive(Deserialize)]
struct CategoryFile {
    code: String,
    zh: String,
    en: String,
    items: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogueFile {
    version: u32,
    recipient_category: Vec<Entry>,
    key_group: Vec<Entry>,
    provider_kind: Vec<Entry>,
    measure: Vec<Entry>,
    service_category: Vec<CategoryFile>,
    extra_service: Vec<Entry>,
    clue_source: Vec<Entry>,
    self_care: Vec<Entry>,
    assistance_status: Vec<Entry>,
    disability_type: Vec<Entry>,
    disability_grade: Vec<Entry>,
    stop_reason: Vec<Entry>,
    household_relation: Vec<Entry>,
    frequency: Vec<Entry>,
    priority: Vec<Entry>,
    document_kind: Vec<Entry>,
    complaint_channel: Vec<Entry>,
    inspection_result: Vec<Entry>,
    housing: Vec<Entry>,
    guardian_status: Vec<Entry>,
    review_outcome: Vec<Entry>,
    pricing_unit: Vec<Entry>,
    qualification_kind: Vec<Entry>,
    fund_source: Vec<Entry>,
}

/// A catalogue that failed to load: what is wrong, in English for the maintainer who edits it.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CatalogueError {
    /// Not valid TOML or not the expected shape.
    #[error("catalogue is malformed: {0}")]
    Malformed(String),
    /// A code appears twice in one list.
    #[error("catalogue list {list:?} has the code {code:?} twice")]
    DuplicateCode { list: ListKind, code: String },
    /// A code that is not lower-case ASCII with underscores.
    #[error("catalogue code {0:?} must be lower-case letters, digits and underscores")]
    BadCode(String),
    /// A measure names a service item that does not exist.
    #[error("measure {measure:?} names the unknown service item {item:?}")]
    UnknownItem { measure: String, item: String },
    /// A service item proposes a frequency that does not exist.
    #[error("service item {item:?} proposes the unknown frequency {frequency:?}")]
    UnknownFrequency { item: String, frequency: String },
    /// A recipient category's condition names a code its list does not hold.
    #[error("recipient category {entry:?} names the unknown {list:?} code {code:?}")]
    UnknownCode {
        entry: String,
        list: ListKind,
        code: String,
    },
    /// A required list is empty.
    #[error("catalogue list {0:?} is empty")]
    EmptyList(ListKind),
}

/// The loaded catalogue.
#[derive(Debug, Clone)]
pub struct Catalogue {
    /// Format version of the catalogue file.
    pub version: u32,
    lists: BTreeMap<ListKind, Vec<Entry>>,
}

impl Catalogue {
    /// The catalogue compiled in from `assets/catalogue.toml` (checked by the tests below, so
    /// loading it cannot fail in a released binary).
    pub fn builtin() -> &'static Catalogue {
        static CAT: OnceLock<Catalogue> = OnceLock::new();
        CAT.get_or_init(|| {
            Catalogue::parse(BUILTIN).unwrap_or_else(|_| Catalogue {
                version: 0,
                lists: BTreeMap::new(),
            })
        })
    }

    /// Parses and checks a catalogue file.
    pub fn parse(src: &str) -> Result<Catalogue, CatalogueError> {
        let file: CatalogueFile =
            toml::from_str(src).map_err(|e| CatalogueError::Malformed(e.message().to_string()))?;
        let mut items = Vec::new();
        let mut categories = Vec::new();
        for cat in file.service_category {
            for mut item in cat.items {
                item.category = Some(cat.code.clone());
                items.push(item);
            }
            categories.push(Entry {
                code: cat.code,
                zh: cat.zh,
                en: cat.en,
                ..Entry::default()
            });
        }
        items.extend(file.extra_service);
        let mut lists = BTreeMap::new();
        lists.insert(ListKind::RecipientCategory, file.recipient_category);
        lists.insert(ListKind::KeyGroup, file.key_group);
        lists.insert(ListKind::ProviderKind, file.provider_kind);
        lists.insert(ListKind::Measure, file.measure);
        lists.insert(ListKind::ServiceCategory, categories);
        lists.insert(ListKind::ServiceItem, items);
        lists.insert(ListKind::ClueSource, file.clue_source);
        lists.insert(ListKind::SelfCare, file.self_care);
        lists.insert(ListKind::AssistanceStatus, file.assistance_status);
        lists.insert(ListKind::DisabilityType, file.disability_type);
        lists.insert(ListKind::DisabilityGrade, file.disability_grade);
        lists.insert(ListKind::StopReason, file.stop_reason);
        lists.insert(ListKind::HouseholdRelation, file.household_relation);
        lists.insert(ListKind::Frequency, file.frequency);
        lists.insert(ListKind::Priority, file.priority);
        lists.insert(ListKind::DocumentKind, file.document_kind);
        lists.insert(ListKind::ComplaintChannel, file.complaint_channel);
        lists.insert(ListKind::InspectionResult, file.inspection_result);
        lists.insert(ListKind::Housing, file.housing);
        lists.insert(ListKind::GuardianStatus, file.guardian_status);
        lists.insert(ListKind::ReviewOutcome, file.review_outcome);
        lists.insert(ListKind::PricingUnit, file.pricing_unit);
        lists.insert(ListKind::QualificationKind, file.qualification_kind);
        lists.insert(ListKind::FundSource, file.fund_source);
        let cat = Catalogue {
            version: file.version,
            lists,
        };
        cat.check()?;
        Ok(cat)
    }

    fn check(&self) -> Result<(), CatalogueError> {
        for (kind, entries) in &self.lists {
            if entries.is_empty() {
                return Err(CatalogueError::EmptyList(*kind));
            }
            let mut seen = HashSet::new();
            for e in entries {
                let code_ok = !e.code.is_empty()
                    && e.code
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
                if !code_ok {
                    return Err(CatalogueError::BadCode(e.code.clone()));
                }
                if !seen.insert(e.code.as_str()) {
                    return Err(CatalogueError::DuplicateCode {
                        list: *kind,
                        code: e.code.clone(),
                    });
                }
            }
        }
        for item in self.entries(ListKind::ServiceItem) {
            if let Some(f) = &item.frequency {
                if self.get(ListKind::Frequency, f).is_none() {
                    return Err(CatalogueError::UnknownFrequency {
                        item: item.code.clone(),
                        frequency: f.clone(),
                    });
                }
            }
        }
        for c in self.entries(ListKind::RecipientCategory) {
            for (list, codes) in [
                (ListKind::AssistanceStatus, &c.statuses),
                (ListKind::SelfCare, &c.self_care),
                (ListKind::GuardianStatus, &c.guardian),
            ] {
                if let Some(bad) = codes.iter().find(|code| !self.contains(list, code)) {
                    return Err(CatalogueError::UnknownCode {
                        entry: c.code.clone(),
                        list,
                        code: bad.clone(),
                    });
                }
            }
        }
        for m in self.entries(ListKind::Measure) {
            for item in &m.items {
                if self.get(ListKind::ServiceItem, item).is_none() {
                    return Err(CatalogueError::UnknownItem {
                        measure: m.code.clone(),
                        item: item.clone(),
                    });
                }
            }
        }
        Ok(())
    }

    /// Every entry of one list, in catalogue order.
    pub fn entries(&self, kind: ListKind) -> &[Entry] {
        self.lists.get(&kind).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The measure (七项措施) a service item is booked to: the first, in the plan's order,
    /// that delivers it.
    pub fn measure_of(&self, item: &str) -> Option<&str> {
        self.entries(ListKind::Measure)
            .iter()
            .find(|m| m.items.iter().any(|i| i == item))
            .map(|m| m.code.as_str())
    }

    /// The entry with `code`, if the list holds it.
    pub fn get(&self, kind: ListKind, code: &str) -> Option<&Entry> {
        self.entries(kind).iter().find(|e| e.code == code)
    }

    /// True when the list holds `code`.
    pub fn contains(&self, kind: ListKind, code: &str) -> bool {
        self.get(kind, code).is_some()
    }

    /// The label of `code`, or the code itself when unknown (data from a newer catalogue).
    pub fn label<'a>(&'a self, kind: ListKind, code: &'a str, lang: Lang) -> &'a str {
        self.get(kind, code).map(|e| e.label(lang)).unwrap_or(code)
    }

    /// The frequency an assessment proposes for service item `item`, if the catalogue says.
    pub fn proposed_frequency(&self, item: &str) -> Option<&str> {
        self.get(ListKind::ServiceItem, item)
            .and_then(|e| e.frequency.as_deref())
    }

    /// True when naming service item `item` tells of a person's health: an item of the
    /// 健康护理 category ([`HEALTH_CATEGORY`]: 家庭病床, 康复, 送药 …), or one of the other
    /// measures' items about health or a disability (居民健康档案, 家庭医生签约, 双向转诊,
    /// 健康管理, the assistive devices).
    pub fn reveals_health(&self, item: &str) -> bool {
        const OTHERS: [&str; 4] = [
            "health_record",
            "family_doctor",
            "two_way_referral",
            "health_management",
        ];
        self.get(ListKind::ServiceItem, item)
            .is_some_and(|e| e.category.as_deref() == Some(HEALTH_CATEGORY))
            || OTHERS.contains(&item)
            || item.starts_with("aid_")
    }

    /// The service items of one of the three categories.
    pub fn items_of_category<'a>(
        &'a self,
        category: &'a str,
    ) -> impl Iterator<Item = &'a Entry> + 'a {
        self.entries(ListKind::ServiceItem)
            .iter()
            .filter(move |e| e.category.as_deref() == Some(category))
    }
}

/// The service category whose items tell of health: a public list names only the category.
pub const HEALTH_CATEGORY: &str = "health_care";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalogue_loads_with_the_plans_counts() {
        let cat = Catalogue::parse(BUILTIN).expect("built-in catalogue must load");
        assert_eq!(cat.entries(ListKind::RecipientCategory).len(), 6);
        assert_eq!(cat.entries(ListKind::KeyGroup).len(), 4);
        assert_eq!(cat.entries(ListKind::ProviderKind).len(), 5);
        assert_eq!(cat.entries(ListKind::Measure).len(), 7);
        assert_eq!(cat.entries(ListKind::ServiceCategory).len(), 3);
        let categorised = cat
            .entries(ListKind::ServiceItem)
            .iter()
            .filter(|e| e.category.is_some())
            .count();
        assert_eq!(categorised, 18);
        assert_eq!(cat.items_of_category("daily_care").count(), 7);
        assert_eq!(cat.items_of_category("health_care").count(), 6);
        assert_eq!(cat.items_of_category("capacity_building").count(), 5);
        assert_eq!(cat.entries(ListKind::ClueSource).len(), 6);
        assert_eq!(cat.entries(ListKind::StopReason).len(), 7);
    }

    #[test]
    fn labels_in_both_languages() {
        let cat = Catalogue::builtin();
        assert_eq!(
            cat.label(ListKind::ServiceItem, "meal_delivery", Lang::ZhCn),
            "供餐送餐"
        );
        assert_eq!(
            cat.label(ListKind::ServiceItem, "meal_delivery", Lang::En),
            "Meals and meal delivery"
        );
        assert_eq!(
            cat.label(ListKind::KeyGroup, "unknown_code", Lang::ZhCn),
            "unknown_code"
        );
        assert!(cat.contains(ListKind::ServiceItem, "love_doorbell"));
    }

    #[test]
    fn refuses_duplicate_codes() {
        let src = BUILTIN.replacen(
            "code = \"severely_disabled\"",
            "code = \"seriously_ill\"",
            1,
        );
        assert_eq!(
            Catalogue::parse(&src).unwrap_err(),
            CatalogueError::DuplicateCode {
                list: ListKind::KeyGroup,
                code: "seriously_ill".into()
            }
        );
    }

    #[test]
    fn refuses_measure_naming_unknown_item() {
        let src = BUILTIN.replacen(
            "\"party_pairing\", \"visit_comfort\"",
            "\"party_pairing\", \"flying\"",
            1,
        );
        assert!(matches!(
            Catalogue::parse(&src),
            Err(CatalogueError::UnknownItem { .. })
        ));
    }

    #[test]
    fn refuses_malformed_and_bad_codes() {
        assert!(matches!(
            Catalogue::parse("version = "),
            Err(CatalogueError::Malformed(_))
        ));
        let src = BUILTIN.replacen("code = \"visit\"", "code = \"Visit Home\"", 1);
        assert_eq!(
            Catalogue::parse(&src).unwrap_err(),
            CatalogueError::BadCode("Visit Home".into())
        );
    }
}
