//! Synthetic people: plausible names, valid ID numbers with Nanchang-area region codes, ages
//! and assistance statuses in realistic proportions. Same seed, same people.

use chrono::{Datelike, Duration, NaiveDate};
use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde::Deserialize;
use std::collections::HashSet;

use crate::domain::id_number::{check_char, IdNumber};
use crate::domain::person::PersonFacts;

/// The material in `assets/demo_data.toml`.
#[derive(Debug, Deserialize)]
pub struct Material {
    pub surnames: Vec<(String, u32)>,
    pub given_male: Vec<String>,
    pub given_female: Vec<String>,
    pub roads: Vec<String>,
    pub address_format: String,
    pub diseases: Vec<String>,
    pub difficulties: Vec<String>,
    pub reporters: Vec<String>,
    pub withdraw_reasons: Vec<String>,
    pub denial_reason: String,
    pub suspend_reason: String,
    pub list_separator: String,
    pub providers: Vec<DemoProvider>,
    pub service_staff: Vec<String>,
    pub service_content: String,
}

/// A provider of the demo district.
#[derive(Debug, Deserialize)]
pub struct DemoProvider {
    pub name: String,
    pub kind: String,
    pub items: Vec<String>,
    pub contact: String,
    pub phone: String,
    /// 统一社会信用代码 (volunteer teams have none).
    #[serde(default)]
    pub credit_code: Option<String>,
    #[serde(default)]
    pub qualification_kind: Option<String>,
    #[serde(default)]
    pub qualification_no: Option<String>,
    /// The items the subdistrict buys from it this year, with unit and price; none: it
    /// serves without an agreement.
    #[serde(default)]
    pub prices: Vec<DemoPrice>,
}

/// One item a demo agreement buys.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct DemoPrice {
    pub item: String,
    pub unit: String,
    pub fen: i64,
}

impl Material {
    /// The compiled-in material (its parse is checked by a test).
    pub fn builtin() -> Option<Material> {
        toml::from_str(include_str!("../../../assets/demo_data.toml")).ok()
    }
}

/// Region codes with weights: mostly the district itself, then the rest of Nanchang, other
/// Jiangxi cities, and a few other provinces (people stranded here by an emergency).
const REGIONS: &[(&str, u32)] = &[
    ("360104", 70),
    ("360102", 4),
    ("360103", 4),
    ("360111", 3),
    ("360112", 2),
    ("360113", 1),
    ("360121", 3),
    ("360123", 1),
    ("360124", 2),
    ("360402", 1),
    ("360502", 1),
    ("361002", 2),
    ("360702", 1),
    ("360302", 1),
    ("430102", 1),
    ("420102", 1),
    ("350102", 1),
    ("330102", 1),
];

fn weighted<'a, T>(rng: &mut ChaCha8Rng, items: &'a [(T, u32)]) -> &'a T {
    let total: u32 = items.iter().map(|(_, w)| *w).sum();
    let mut pick = rng.gen_range(0..total.max(1));
    for (item, w) in items {
        if pick < *w {
            return item;
        }
        pick -= w;
    }
    // Only reached through rounding when `items` is not empty; an empty list is a bug in
    // the compiled-in material, caught by `material_parses`.
    &items[items.len().saturating_sub(1)].0
}

/// Weighted choice among codes.
pub fn weighted_code<'a>(rng: &mut ChaCha8Rng, items: &'a [(&'a str, u32)]) -> &'a str {
    weighted::<&str>(rng, items)
}

/// One synthetic person before storage.
pub struct Synthetic {
    pub facts: PersonFacts,
    /// True when the person is an approved assistance recipient.
    pub recipient: bool,
    /// Age in years today.
    pub age: u32,
}

/// Makes synthetic persons, never repeating an ID number.
pub struct PeopleMaker<'m> {
    material: &'m Material,
    today: NaiveDate,
    used_ids: HashSet<String>,
}

impl<'m> PeopleMaker<'m> {
    /// A maker that avoids the ID numbers in `existing`.
    pub fn new(material: &'m Material, today: NaiveDate, existing: HashSet<String>) -> Self {
        PeopleMaker {
            material,
            today,
            used_ids: existing,
        }
    }

    fn age(rng: &mut ChaCha8Rng) -> u32 {
        // Many elderly, some children: the people social assistance serves.
        match rng.gen_range(0..100) {
            0..=9 => rng.gen_range(1..18),
            10..=44 => rng.gen_range(18..60),
            45..=79 => rng.gen_range(60..80),
            _ => rng.gen_range(80..100),
        }
    }

    fn name(&self, rng: &mut ChaCha8Rng, male: bool, age: u32) -> String {
        let surnames: Vec<(&str, u32)> = self
            .material
            .surnames
            .iter()
            .map(|(s, w)| (s.as_str(), *w))
            .collect();
        let surname = *weighted(rng, &surnames);
        let pool = if male {
            &self.material.given_male
        } else {
            &self.material.given_female
        };
        // Older people more often have two-character given names.
        let two = rng.gen_bool(if age >= 40 { 0.75 } else { 0.55 });
        let mut given = pool.choose(rng).cloned().unwrap_or_default();
        if two {
            given.push_str(pool.choose(rng).map(String::as_str).unwrap_or_default());
        }
        format!("{surname}{given}")
    }

    fn id_number(
        &mut self,
        rng: &mut ChaCha8Rng,
        birth: NaiveDate,
        male: bool,
    ) -> Option<IdNumber> {
        for _ in 0..50 {
            let region = *weighted(rng, REGIONS);
            let seq: u32 = rng.gen_range(0..500) * 2 + u32::from(male);
            let first17 = format!("{region}{}{seq:03}", birth.format("%Y%m%d"));
            let full = format!("{first17}{}", check_char(first17.as_bytes()));
            if self.used_ids.insert(full.clone()) {
                return IdNumber::parse(&full, self.today).ok();
            }
        }
        None
    }

    fn phone(rng: &mut ChaCha8Rng) -> Option<String> {
        match rng.gen_range(0..10) {
            0..=6 => {
                let second = *[3u8, 5, 7, 8, 9].choose(rng).unwrap_or(&3);
                Some(format!(
                    "1{second}{:09}",
                    rng.gen_range(0..1_000_000_000u32)
                ))
            }
            7 => Some(format!("0791-8{:07}", rng.gen_range(0..10_000_000u32))),
            _ => None,
        }
    }

    fn address(&self, rng: &mut ChaCha8Rng) -> String {
        let road = self.material.roads.choose(rng).cloned().unwrap_or_default();
        self.material
            .address_format
            .replace("{road}", &road)
            .replace("{number}", &rng.gen_range(1..400).to_string())
            .replace("{building}", &rng.gen_range(1..30).to_string())
            .replace("{unit}", &rng.gen_range(1..6).to_string())
            .replace(
                "{room}",
                &format!("{}0{}", rng.gen_range(1..19), rng.gen_range(1..5)),
            )
    }

    /// Makes one person of `community`.
    pub fn make(&mut self, rng: &mut ChaCha8Rng, community: &str) -> Synthetic {
        let age = Self::age(rng);
        let male = rng.gen_bool(0.48);
        let day_of_year = rng.gen_range(0..365);
        let year = self.today.year() - age as i32 - 1;
        let birth = NaiveDate::from_ymd_opt(year, 1, 1)
            .map(|d| d + Duration::days(day_of_year))
            .unwrap_or(self.today);
        let recipient = rng.gen_bool(0.25);
        let status = if recipient {
            weighted_code(
                rng,
                &[
                    ("extreme_poverty", 10),
                    ("urban_minimum_living", 55),
                    ("rural_minimum_living", 5),
                    ("low_income", 15),
                    ("expenditure_poverty", 10),
                    ("emergency_stranded", 5),
                ],
            )
        } else {
            "none"
        };
        let stranded = status == "emergency_stranded";
        // About 3% have no ID number at hand, mostly people stranded here.
        let without_id = if stranded {
            rng.gen_bool(0.4)
        } else {
            rng.gen_bool(0.02)
        };
        let id_number = if without_id {
            None
        } else {
            self.id_number(rng, birth, male)
        };
        let elderly = age >= 60;
        let self_care = if recipient || elderly {
            Some(weighted_code(
                rng,
                if age >= 80 {
                    &[
                        ("independent", 40),
                        ("partly_disabled", 40),
                        ("fully_disabled", 20),
                    ]
                } else {
                    &[
                        ("independent", 75),
                        ("partly_disabled", 18),
                        ("fully_disabled", 7),
                    ]
                },
            ))
        } else {
            None
        };
        let disabled = rng.gen_bool(if recipient { 0.18 } else { 0.04 });
        let (disability_type, disability_grade, disability_cert) = if disabled {
            let t = *[
                "visual",
                "hearing",
                "speech",
                "physical",
                "intellectual",
                "mental",
                "multiple",
            ]
            .choose(rng)
            .unwrap_or(&"physical");
            let g = rng.gen_range(1..=4);
            let type_digit = [
                "visual",
                "hearing",
                "speech",
                "physical",
                "intellectual",
                "mental",
                "multiple",
            ]
            .iter()
            .position(|x| *x == t)
            .unwrap_or(0)
                + 1;
            // 残疾人证号: the ID number followed by type and grade digits.
            let cert = id_number.as_ref().map(|id| format!("{id}{type_digit}{g}"));
            (Some(t.to_string()), Some(format!("grade{g}")), cert)
        } else {
            (None, None, None)
        };
        let ill = rng.gen_bool(if elderly || recipient { 0.35 } else { 0.05 });
        let diseases = if ill {
            let n = rng.gen_range(1..=2);
            let picks: Vec<&String> = self.material.diseases.choose_multiple(rng, n).collect();
            Some(
                picks
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(&self.material.list_separator),
            )
        } else {
            None
        };
        let child = age < 18;
        let guardian = child || (age >= 80 && rng.gen_bool(0.3));
        let facts = PersonFacts {
            name: self.name(rng, male, age),
            sex: id_number.as_ref().map(IdNumber::sex),
            birth_date: id_number.as_ref().map(IdNumber::birth_date),
            id_number,
            phone: if child { None } else { Self::phone(rng) },
            address: if stranded && rng.gen_bool(0.5) {
                None
            } else {
                Some(self.address(rng))
            },
            community: community.to_string(),
            hukou_local: !stranded && rng.gen_bool(0.9),
            assistance_status: status.to_string(),
            assistance_certificate: if recipient && !stranded {
                Some(format!(
                    "QYP{}{:06}",
                    self.today.year(),
                    rng.gen_range(0..1_000_000)
                ))
            } else {
                None
            },
            self_care: self_care.map(str::to_string),
            disability_type,
            disability_grade,
            disability_cert,
            diseases,
            lives_alone: elderly && rng.gen_bool(0.25),
            guardian_name: if guardian {
                let male = rng.gen_bool(0.5);
                Some(self.name(rng, male, 45))
            } else {
                None
            },
            guardian_phone: if guardian { Self::phone(rng) } else { None },
            // Drawn from facts already made, not the generator, so that everyone's other data
            // stays as it was before the field existed.
            guardian_status: match (guardian, self_care) {
                (true, _) if age % 3 == 0 => Some("incapable".into()),
                (true, _) => Some("capable".into()),
                (false, Some("partly_disabled" | "fully_disabled")) => Some("none".into()),
                (false, Some(_)) => Some("not_needed".into()),
                (false, None) => None,
            },
            emergency_contact: None,
            note: None,
        };
        Synthetic {
            facts,
            recipient,
            age,
        }
    }

    /// A difficulty text for a clue.
    pub fn difficulty(&self, rng: &mut ChaCha8Rng) -> String {
        self.material
            .difficulties
            .choose(rng)
            .cloned()
            .unwrap_or_default()
    }

    /// Why a clue was withdrawn.
    pub fn withdraw_reason(&self, rng: &mut ChaCha8Rng) -> String {
        self.material
            .withdraw_reasons
            .choose(rng)
            .cloned()
            .unwrap_or_default()
    }

    /// Why a case was withdrawn: the first of the clue's reasons (no draw, so the rest of the
    /// data stays as it was).
    pub fn case_withdraw_reason(&self) -> &str {
        self.material
            .withdraw_reasons
            .first()
            .map(String::as_str)
            .unwrap_or_default()
    }

    /// Why a case was denied.
    pub fn denial_reason(&self) -> &str {
        &self.material.denial_reason
    }

    /// Why a service was suspended.
    pub fn suspend_reason(&self) -> &str {
        &self.material.suspend_reason
    }

    /// A reporter for a clue.
    /// Someone who serves, for a demo service record.
    pub fn service_staff(&self, rng: &mut ChaCha8Rng) -> String {
        self.material
            .service_staff
            .choose(rng)
            .cloned()
            .unwrap_or_default()
    }

    /// What a demo service record says was done for `item_label`.
    pub fn service_content(&self, item_label: &str) -> String {
        self.material.service_content.replace("{item}", item_label)
    }

    pub fn reporter(&self, rng: &mut ChaCha8Rng) -> String {
        self.material
            .reporters
            .choose(rng)
            .cloned()
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn material_parses() {
        let m = Material::builtin().expect("demo material must parse");
        assert!(m.surnames.len() > 50);
        assert!(!m.difficulties.is_empty());
    }

    #[test]
    fn people_are_valid_and_reproducible() {
        let m = Material::builtin().unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let make = |seed| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let mut maker = PeopleMaker::new(&m, today, HashSet::new());
            (0..300)
                .map(|_| maker.make(&mut rng, "360104001001").facts)
                .collect::<Vec<_>>()
        };
        let a = make(7);
        assert_eq!(a, make(7));
        assert_ne!(a, make(8));
        let ids: HashSet<_> = a.iter().filter_map(|f| f.id_number.clone()).collect();
        assert_eq!(
            ids.len(),
            a.iter().filter(|f| f.id_number.is_some()).count(),
            "no repeated ID"
        );
        assert!(ids.len() > 250);
        let nanchang = a
            .iter()
            .filter_map(|f| f.id_number.as_ref())
            .filter(|id| id.region().starts_with("3601"))
            .count();
        assert!(
            nanchang * 10 > ids.len() * 7,
            "mostly Nanchang region codes"
        );
        let elderly = a
            .iter()
            .filter(|f| {
                f.birth_date
                    .is_some_and(|b| crate::domain::id_number::age_on(b, today) >= 60)
            })
            .count();
        assert!(elderly * 100 > a.len() * 35, "many elderly: {elderly}");
        for f in &a {
            let n = f.name.chars().count();
            assert!((2..=4).contains(&n), "{}", f.name);
        }
    }
}
