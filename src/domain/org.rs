//! The org tree: district → subdistrict / town / cluster zone → community / village.

use serde::Deserialize;
use std::collections::HashMap;

use super::text::clean_line;
use super::validation::{Field, Reason, ValidationError};

/// The three tiers that run workstations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tier {
    /// 区
    District,
    /// 街道 / 镇 / 集聚区
    Subdistrict,
    /// 社区 / 村
    Community,
}

impl Tier {
    /// The code the command line takes.
    pub fn code(self) -> &'static str {
        match self {
            Tier::District => "district",
            Tier::Subdistrict => "subdistrict",
            Tier::Community => "community",
        }
    }

    /// Parses a command-line tier code.
    pub fn parse(s: &str) -> Result<Tier, ValidationError> {
        match s.trim() {
            "district" => Ok(Tier::District),
            "subdistrict" => Ok(Tier::Subdistrict),
            "community" => Ok(Tier::Community),
            other => Err(ValidationError::new(
                Field::Tier,
                Reason::NotInCatalogue {
                    code: other.to_string(),
                },
            )),
        }
    }

    /// String-table key of the label.
    pub fn label_key(self) -> &'static str {
        match self {
            Tier::District => "tier.district",
            Tier::Subdistrict => "tier.subdistrict",
            Tier::Community => "tier.community",
        }
    }

    /// The tier directly above, if any.
    pub fn parent(self) -> Option<Tier> {
        match self {
            Tier::District => None,
            Tier::Subdistrict => Some(Tier::District),
            Tier::Community => Some(Tier::Subdistrict),
        }
    }
}

/// The kind of unit within its tier, as its name says (街道, 镇, 村 …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// 区
    District,
    /// 街道
    Subdistrict,
    /// 镇
    Town,
    /// 集聚区
    ClusterZone,
    /// 社区
    Community,
    /// 村
    Village,
}

impl OrgKind {
    /// The tier this kind belongs to.
    pub fn tier(self) -> Tier {
        match self {
            OrgKind::District => Tier::District,
            OrgKind::Subdistrict | OrgKind::Town | OrgKind::ClusterZone => Tier::Subdistrict,
            OrgKind::Community | OrgKind::Village => Tier::Community,
        }
    }

    /// Stable code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            OrgKind::District => "district",
            OrgKind::Subdistrict => "subdistrict",
            OrgKind::Town => "town",
            OrgKind::ClusterZone => "cluster_zone",
            OrgKind::Community => "community",
            OrgKind::Village => "village",
        }
    }

    /// Parses a stored code.
    pub fn from_code(s: &str) -> Option<OrgKind> {
        Some(match s {
            "district" => OrgKind::District,
            "subdistrict" => OrgKind::Subdistrict,
            "town" => OrgKind::Town,
            "cluster_zone" => OrgKind::ClusterZone,
            "community" => OrgKind::Community,
            "village" => OrgKind::Village,
            _ => return None,
        })
    }

    /// The default kind of a tier (for `init --tier`).
    pub fn default_for(tier: Tier) -> OrgKind {
        match tier {
            Tier::District => OrgKind::District,
            Tier::Subdistrict => OrgKind::Subdistrict,
            Tier::Community => OrgKind::Community,
        }
    }
}

/// Checks an org code: 1 to 20 ASCII letters or digits.
pub fn parse_org_code(field: Field, input: &str) -> Result<String, ValidationError> {
    let s = clean_line(field, input, 20)?;
    if s.is_empty() {
        return Err(ValidationError::new(field, Reason::Required));
    }
    if !s.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(ValidationError::new(
            field,
            Reason::BadFormat {
                example: "example.org_code",
            },
        ));
    }
    Ok(s)
}

/// Checks an org unit's name.
pub fn parse_org_name(input: &str) -> Result<String, ValidationError> {
    super::text::required_line(Field::OrgName, input, 40)
}

/// One org unit.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct OrgUnit {
    /// Its code.
    pub code: String,
    /// Its name, as people call it.
    pub name: String,
    /// What kind of unit.
    pub kind: OrgKind,
    /// The unit above, if any.
    #[serde(default)]
    pub parent: Option<String>,
}

impl OrgUnit {
    /// Its tier.
    pub fn tier(&self) -> Tier {
        self.kind.tier()
    }
}

/// A set of org units with their parent links.
#[derive(Debug, Clone, Default)]
pub struct OrgTree {
    units: Vec<OrgUnit>,
    index: HashMap<String, usize>,
}

#[derive(Deserialize)]
struct OrgFile {
    unit: Vec<OrgUnit>,
}

impl OrgTree {
    /// Builds a tree; a unit whose parent is missing stays a root.
    pub fn new(units: Vec<OrgUnit>) -> OrgTree {
        let index = units
            .iter()
            .enumerate()
            .map(|(i, u)| (u.code.clone(), i))
            .collect();
        OrgTree { units, index }
    }

    /// The demo tree of Qingyunpu District from `assets/demo_orgs.toml` (checked by tests).
    pub fn demo() -> OrgTree {
        let file: Option<OrgFile> =
            toml::from_str(include_str!("../../assets/demo_orgs.toml")).ok();
        OrgTree::new(file.map(|f| f.unit).unwrap_or_default())
    }

    /// Every unit, in load order.
    pub fn units(&self) -> &[OrgUnit] {
        &self.units
    }

    /// The unit with `code`.
    pub fn get(&self, code: &str) -> Option<&OrgUnit> {
        self.index.get(code).map(|&i| &self.units[i])
    }

    /// The direct children of `code`.
    pub fn children<'a>(&'a self, code: &'a str) -> impl Iterator<Item = &'a OrgUnit> + 'a {
        self.units
            .iter()
            .filter(move |u| u.parent.as_deref() == Some(code))
    }

    /// True when `code` is `ancestor` or lies below it.
    pub fn is_within(&self, code: &str, ancestor: &str) -> bool {
        let mut cur = Some(code);
        // Bounded by the number of units, so a cycle in bad data cannot loop forever.
        for _ in 0..=self.units.len() {
            match cur {
                Some(c) if c == ancestor => return true,
                Some(c) => cur = self.get(c).and_then(|u| u.parent.as_deref()),
                None => return false,
            }
        }
        false
    }

    /// `code` and every unit below it.
    pub fn subtree(&self, code: &str) -> Vec<&OrgUnit> {
        self.units
            .iter()
            .filter(|u| self.is_within(&u.code, code))
            .collect()
    }

    /// The name of `code`, or the code itself when unknown.
    pub fn name_of<'a>(&'a self, code: &'a str) -> &'a str {
        self.get(code).map(|u| u.name.as_str()).unwrap_or(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_tree_loads_with_six_subdistrict_level_units() {
        let tree = OrgTree::demo();
        let root = tree.get("360104").expect("district");
        assert_eq!(root.name, "青云谱区");
        let subs: Vec<_> = tree.children("360104").collect();
        assert_eq!(subs.len(), 6);
        assert!(subs.iter().all(|u| u.tier() == Tier::Subdistrict));
        for sub in subs {
            assert!(
                tree.children(&sub.code).count() >= 2,
                "{} has communities",
                sub.name
            );
        }
    }

    #[test]
    fn within_follows_parents() {
        let tree = OrgTree::demo();
        assert!(tree.is_within("360104001002", "360104001"));
        assert!(tree.is_within("360104001002", "360104"));
        assert!(!tree.is_within("360104002001", "360104001"));
        assert!(tree.is_within("360104001", "360104001"));
        assert_eq!(tree.subtree("360104001").len(), 5);
    }

    #[test]
    fn org_codes_are_checked() {
        assert_eq!(
            parse_org_code(Field::OrgCode, " 360104 ").unwrap(),
            "360104"
        );
        assert_eq!(
            parse_org_code(Field::OrgCode, "36-01").unwrap_err().reason,
            Reason::BadFormat {
                example: "example.org_code"
            }
        );
        assert_eq!(
            parse_org_code(Field::OrgCode, "").unwrap_err().reason,
            Reason::Required
        );
    }

    #[test]
    fn tiers_parse() {
        assert_eq!(Tier::parse("community").unwrap(), Tier::Community);
        assert!(Tier::parse("province").is_err());
    }
}
