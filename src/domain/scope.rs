//! Whose records a workstation may write: the one rule that decides what a bundle may carry
//! between two units. The export asks it what may go, the import what may come, so a
//! workstation can change only its own units' records, and a relay never passes on what it
//! did not accept itself.
//!
//! - A child writing up to its parent may write the records of its own units (a community: its
//!   own; a subdistrict: its own and its communities').
//! - A parent writing down to a child may write the records of the child's units and the
//!   records shared from above (a provider serving the whole subdistrict or district).
//! - A record already held is judged by the units it belongs to as held: a unit may hand its own
//!   record to another (迁出 moves a person to another community) but never take another's. A
//!   new record is judged by the unit that creates it (a transfer by the community it leaves).

use super::org::OrgTree;
use super::record::Entity;

/// Which way a bundle goes between two units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// To the parent unit.
    Up,
    /// To a child unit.
    Down,
}

/// How a record kind names the unit it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// Its own fields name the unit, the first being the unit that creates such a record.
    Fields(&'static [&'static str]),
    /// It belongs where the record of kind `kind` that its field `field` refers to belongs.
    Via {
        /// The referring field.
        field: &'static str,
        /// The kind referred to.
        kind: Entity,
    },
}

/// How each kind names its unit. Every kind must be listed: a new kind that is not cannot
/// travel at all.
pub fn owner(kind: Entity) -> Owner {
    match kind {
        Entity::Person
        | Entity::Clue
        | Entity::Case
        | Entity::Posting
        | Entity::Complaint
        | Entity::Inspection
        | Entity::Task
        | Entity::Household => Owner::Fields(&["community"]),
        Entity::Provider => Owner::Fields(&["area"]),
        Entity::Transfer => Owner::Fields(&["from_community", "to_community"]),
        Entity::Registration | Entity::Service => Owner::Via {
            field: "case_id",
            kind: Entity::Case,
        },
        Entity::Document => Owner::Via {
            field: "person_id",
            kind: Entity::Person,
        },
    }
}

/// The units a record belongs to, in the order its owner names them; the first is the one
/// that creates it. Empty when no unit can be told (a reference to a record not held).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Units(pub Vec<String>);

impl Units {
    /// The unit that creates such a record.
    pub fn creator(&self) -> Option<&str> {
        self.0.first().map(String::as_str)
    }
}

/// True when `writer`, relating to `reader` by `direction`, may write a record of `unit`.
fn may_write_unit(
    tree: &OrgTree,
    direction: Direction,
    writer: &str,
    reader: &str,
    unit: &str,
) -> bool {
    match direction {
        Direction::Up => tree.is_within(unit, writer),
        Direction::Down => tree.is_within(unit, reader) || tree.is_within(reader, unit),
    }
}

/// True when `writer` may write a record that belongs to `units`: when any of them is a unit
/// the writer may write for (a transfer belongs to the community it leaves and the one it goes
/// to, and either may act on it).
pub fn may_write(
    tree: &OrgTree,
    direction: Direction,
    writer: &str,
    reader: &str,
    units: &Units,
) -> bool {
    units
        .0
        .iter()
        .any(|u| may_write_unit(tree, direction, writer, reader, u))
}

/// True when an entry from `writer` may change a record at `reader`: judged by the units the
/// record belongs to as `held` at the reader; for a record new there, as it comes
/// (`incoming`): from a child, by the unit that creates it; from the parent, by whether it
/// concerns the reader at all (a transfer into one of its communities from elsewhere does).
pub fn admits(
    tree: &OrgTree,
    direction: Direction,
    writer: &str,
    reader: &str,
    held: Option<&Units>,
    incoming: &Units,
) -> bool {
    match (held, direction) {
        (Some(units), _) => may_write(tree, direction, writer, reader, units),
        (None, Direction::Up) => incoming
            .creator()
            .is_some_and(|u| may_write_unit(tree, direction, writer, reader, u)),
        (None, Direction::Down) => may_write(tree, direction, writer, reader, incoming),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUB: &str = "360104001";
    const COM: &str = "360104001001";
    const SIBLING: &str = "360104001002";
    const OTHER_SUB: &str = "360104002";
    const DISTRICT: &str = "360104";

    fn units(u: &[&str]) -> Units {
        Units(u.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn a_community_writes_up_only_its_own_records() {
        let tree = OrgTree::demo();
        let up = |u: &[&str]| may_write(&tree, Direction::Up, COM, SUB, &units(u));
        assert!(up(&[COM]));
        assert!(!up(&[SIBLING]));
        assert!(!up(&[SUB]));
        assert!(!up(&[DISTRICT]));
        assert!(!up(&["360104001099"]), "a community that does not exist");
        assert!(!up(&[]), "a record whose unit cannot be told");
    }

    #[test]
    fn a_subdistrict_writes_up_its_subtree() {
        let tree = OrgTree::demo();
        let up = |u: &[&str]| may_write(&tree, Direction::Up, SUB, DISTRICT, &units(u));
        assert!(up(&[SUB]));
        assert!(up(&[COM]));
        assert!(up(&[SIBLING]));
        assert!(!up(&[OTHER_SUB]));
        assert!(!up(&[DISTRICT]));
    }

    #[test]
    fn a_parent_writes_down_the_childs_records_and_shared_ones() {
        let tree = OrgTree::demo();
        let down = |u: &[&str]| may_write(&tree, Direction::Down, SUB, COM, &units(u));
        assert!(down(&[COM]));
        assert!(down(&[SUB]), "a provider serving the subdistrict");
        assert!(down(&[DISTRICT]), "a provider serving the district");
        assert!(!down(&[SIBLING]));
        assert!(!down(&[OTHER_SUB]));
    }

    #[test]
    fn a_held_record_is_judged_as_held_a_new_one_by_its_creator() {
        let tree = OrgTree::demo();
        let admit = |held: Option<&[&str]>, incoming: &[&str]| {
            admits(
                &tree,
                Direction::Up,
                COM,
                SUB,
                held.map(units).as_ref(),
                &units(incoming),
            )
        };
        // 迁出: the community hands its own person to its sibling.
        assert!(admit(Some(&[COM]), &[SIBLING]));
        // Taking the sibling's person, or writing it in place.
        assert!(!admit(Some(&[SIBLING]), &[COM]));
        assert!(!admit(Some(&[SIBLING]), &[SIBLING]));
        // A new person in the sibling's community.
        assert!(!admit(None, &[SIBLING]));
        assert!(admit(None, &[COM]));
        // A transfer is created by the community it leaves …
        assert!(admit(None, &[COM, SIBLING]));
        assert!(!admit(None, &[SIBLING, COM]));
        // … and received by the one it goes to.
        assert!(admit(Some(&[SIBLING, COM]), &[SIBLING, COM]));
    }

    #[test]
    fn from_above_a_new_record_is_admitted_when_it_concerns_the_reader() {
        let tree = OrgTree::demo();
        let admit =
            |incoming: &[&str]| admits(&tree, Direction::Down, SUB, COM, None, &units(incoming));
        // A transfer into this community from a community of another subdistrict.
        assert!(admit(&["360104002001", COM]));
        assert!(!admit(&["360104002001", SIBLING]));
        assert!(admit(&[DISTRICT]));
    }

    #[test]
    fn every_kind_names_its_unit() {
        for kind in Entity::ALL {
            match owner(kind) {
                Owner::Fields(fields) => assert!(!fields.is_empty(), "{kind:?}"),
                Owner::Via { kind: via, .. } => {
                    assert!(matches!(owner(via), Owner::Fields(_)), "{kind:?}")
                }
            }
        }
    }
}
