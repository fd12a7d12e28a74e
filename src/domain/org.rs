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

    /// `code`'s ancestors, nearest first (bounded, so a cycle in bad data cannot loop).
    pub fn ancestors(&self, code: &str) -> Vec<&OrgUnit> {
        let mut out = Vec::new();
        let mut cur = self.get(code).and_then(|u| u.parent.as_deref());
        while let Some(c) = cur {
            match self.get(c) {
                Some(u) if out.len() <= self.units.len() => {
                    out.push(u);
                    cur = u.parent.as_deref();
                }
                _ => break,
            }
        }
        out
    }

    /// What a peer's list of units (`named`) may teach this tree: from a child unit `peer`,
    /// the units below it; from the parent unit `peer`, the units above it. A unit already
    /// known is kept as it is, except that a known unit without a parent learns the one named
    /// for it (the parent unit of a community set up alone knows no district above it). Each
    /// unit learnt sits in a tier directly under its parent's. Returns the units to add or
    /// complete; a workstation outside the built-in tree learns its district this way.
    pub fn learnable(&self, peer: &str, from_child: bool, named: &[OrgUnit]) -> Vec<OrgUnit> {
        let by_code: HashMap<&str, &OrgUnit> = named.iter().map(|u| (u.code.as_str(), u)).collect();
        let fits = |child: &OrgUnit, parent_tier: Option<Tier>| {
            parent_tier.is_some_and(|t| child.tier().parent() == Some(t))
        };
        let tier_of = |code: &str| -> Option<Tier> {
            self.get(code)
                .map(OrgUnit::tier)
                .or_else(|| by_code.get(code).map(|u| u.tier()))
        };
        let mut out = Vec::new();
        if from_child {
            // Units whose chain of parents, through the list, reaches the child.
            for u in named {
                if self.get(&u.code).is_some() || u.code == peer {
                    continue;
                }
                let mut cur = u;
                let mut reaches = false;
                for _ in 0..named.len() {
                    let Some(parent) = cur.parent.as_deref() else {
                        break;
                    };
                    if !fits(cur, tier_of(parent)) {
                        break;
                    }
                    if parent == peer {
                        reaches = true;
                        break;
                    }
                    match by_code.get(parent) {
                        Some(p) if self.get(parent).is_none() => cur = p,
                        _ => break,
                    }
                }
                if reaches {
                    out.push(u.clone());
                }
            }
            // Parents before children, so that each unit's parent exists when it is stored.
            let mut ordered: Vec<OrgUnit> = Vec::with_capacity(out.len());
            while !out.is_empty() {
                let before = out.len();
                let (ready, rest): (Vec<OrgUnit>, Vec<OrgUnit>) = out.into_iter().partition(|u| {
                    u.parent.as_deref().is_some_and(|p| {
                        self.get(p).is_some() || ordered.iter().any(|o| o.code == p)
                    })
                });
                ordered.extend(ready);
                out = rest;
                if out.len() == before {
                    break;
                }
            }
            out = ordered;
        } else {
            // The parent and the units above it, as far as this tree has no parent for them.
            let mut cur = peer.to_string();
            for _ in 0..=named.len() {
                let known = self.get(&cur);
                if known.is_some_and(|k| k.parent.is_some()) {
                    break;
                }
                let Some(told) = by_code.get(cur.as_str()) else {
                    break;
                };
                let Some(parent) = told.parent.clone() else {
                    break;
                };
                let Some(above) = by_code
                    .get(parent.as_str())
                    .copied()
                    .or_else(|| self.get(&parent))
                else {
                    break;
                };
                let unit = match known {
                    Some(k) if k.name == k.code => OrgUnit {
                        name: told.name.clone(),
                        ..k.clone()
                    },
                    Some(k) => k.clone(),
                    None => (*told).clone(),
                };
                if unit.tier().parent() != Some(above.tier()) {
                    break;
                }
                // The unit above first, so that each unit's parent exists when it is stored.
                if self.get(&parent).is_none() {
                    out.push(OrgUnit {
                        parent: None,
                        ..(*above).clone()
                    });
                }
                out.push(OrgUnit {
                    parent: Some(parent.clone()),
                    ..unit
                });
                cur = parent;
            }
        }
        out
    }

    /// This tree with `units` added or completed (see [`OrgTree::learnable`]).
    pub fn with(&self, units: &[OrgUnit]) -> OrgTree {
        let mut all = self.units.clone();
        for u in units {
            match all.iter_mut().find(|k| k.code == u.code) {
                Some(k) => {
                    if k.parent.is_none() {
                        k.parent.clone_from(&u.parent);
                    }
                    // A unit set up by its code alone takes the name its own peers give it.
                    if k.name == k.code {
                        k.name.clone_from(&u.name);
                    }
                }
                None => all.push(u.clone()),
            }
        }
        OrgTree::new(all)
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

    fn unit(code: &str, kind: OrgKind, parent: Option<&str>) -> OrgUnit {
        OrgUnit {
            code: code.into(),
            name: format!("单位{code}"),
            kind,
            parent: parent.map(String::from),
        }
    }

    #[test]
    fn a_child_teaches_the_units_below_it_and_nothing_else() {
        // A district set up alone, which trusted one subdistrict.
        let tree = OrgTree::new(vec![
            unit("361000", OrgKind::District, None),
            unit("361000001", OrgKind::Subdistrict, Some("361000")),
        ]);
        let named = vec![
            unit("361000001", OrgKind::Subdistrict, Some("361000")),
            unit("361000001001", OrgKind::Community, Some("361000001")),
            unit("361000001002", OrgKind::Village, Some("361000001")),
            // Not below the child: a sibling subdistrict's community, and a unit above.
            unit("361000002001", OrgKind::Community, Some("361000002")),
            unit("361000009", OrgKind::Subdistrict, Some("361000")),
            // A community claiming to sit under a community.
            unit("361000001003", OrgKind::Community, Some("361000001001")),
        ];
        let learnt: Vec<String> = tree
            .learnable("361000001", true, &named)
            .into_iter()
            .map(|u| u.code)
            .collect();
        assert_eq!(learnt, vec!["361000001001", "361000001002"]);
        let grown = tree.with(&tree.learnable("361000001", true, &named));
        assert!(grown.is_within("361000001002", "361000"));
    }

    #[test]
    fn a_parent_teaches_the_units_above_it() {
        // A community set up alone: its subdistrict known by code, with no district above.
        let tree = OrgTree::new(vec![
            unit("361000001", OrgKind::Subdistrict, None),
            unit("361000001001", OrgKind::Community, Some("361000001")),
        ]);
        let named = vec![
            unit("361000001", OrgKind::Subdistrict, Some("361000")),
            unit("361000", OrgKind::District, None),
            unit("361000002", OrgKind::Subdistrict, Some("361000")),
        ];
        let learnt = tree.learnable("361000001", false, &named);
        let grown = tree.with(&learnt);
        assert!(grown.is_within("361000001001", "361000"));
        assert!(grown.get("361000002").is_none(), "a sibling is not taught");
        // A tree that knows its parent's parent keeps it.
        let known = grown.with(&[unit("361000001", OrgKind::Subdistrict, Some("999999"))]);
        assert_eq!(
            known.get("361000001").unwrap().parent.as_deref(),
            Some("361000")
        );
    }

    #[test]
    fn tiers_parse() {
        assert_eq!(Tier::parse("community").unwrap(), Tier::Community);
        assert!(Tier::parse("province").is_err());
    }
}
