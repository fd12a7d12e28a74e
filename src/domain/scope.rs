//! Whose records a workstation may write: the one rule that decides what a bundle may carry
//! between two units. The export asks it what may go, the import what may come, so a
//! workstation can change only its own units' records, and a relay never passes on what it
//! did not accept itself.
//!
//! - A child writing up to its parent may write the records of its own units (a community: its
//!   own; a subdistrict: its own and its communities').
//! - A parent writing down to a child may write the records of the child's units and the
//!   records shared from above (a provider serving the whole subdistrict or district).
//! - From a child, a record already held must belong to the child's units both as held and as it
//!   comes: a unit never takes, moves or widens another's record, nor moves its own elsewhere —
//!   except a person, with the records that follow them, under a transfer (迁出) held here. A
//!   new record is judged by the unit that creates it (a transfer by the community it leaves),
//!   and every record it refers to (a clue's person, a household's head) must be the child's too.
//! - From the parent, a record is admitted when it concerns the reader as held or as it comes
//!   (a person moving back into this community was last held here as another's).

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

/// How each kind names its unit (an exhaustive match: a new kind must say).
pub fn owner(kind: Entity) -> Owner {
    match kind {
        Entity::Person
        | Entity::Clue
        | Entity::Case
        | Entity::Posting
        | Entity::Complaint
        | Entity::Inspection
        | Entity::Task
        | Entity::Household
        | Entity::Helper
        | Entity::Pairing
        | Entity::HelpVisit
        | Entity::SubsidyList => Owner::Fields(&["community"]),
        Entity::Provider => Owner::Fields(&["area"]),
        // The buying unit writes its agreements; they reach the communities below it.
        Entity::Agreement | Entity::Settlement => Owner::Fields(&["buyer"]),
        // A unit keeps its own ledgers; the district sees them once bundles arrive.
        Entity::LedgerEntry => Owner::Fields(&["unit"]),
        Entity::Transfer => Owner::Fields(&["from_community", "to_community"]),
        Entity::Registration | Entity::Service => Owner::Via {
            field: "case_id",
            kind: Entity::Case,
        },
        Entity::Document | Entity::DocumentWaiver => Owner::Via {
            field: "person_id",
            kind: Entity::Person,
        },
    }
}

/// The references of each kind to other records that a child writing it must be allowed to
/// write too (beyond the one its unit comes through): field and kind referred to.
pub fn references(kind: Entity) -> &'static [(&'static str, Entity)] {
    match kind {
        Entity::Person => &[
            ("household_id", Entity::Household),
            ("merged_into", Entity::Person),
        ],
        Entity::Clue | Entity::Transfer => &[("person_id", Entity::Person)],
        Entity::Case => &[("person_id", Entity::Person), ("clue_id", Entity::Clue)],
        Entity::Task => &[("person_id", Entity::Person), ("case_id", Entity::Case)],
        Entity::Complaint => &[
            ("person_id", Entity::Person),
            ("service_id", Entity::Service),
        ],
        Entity::Household => &[("head_person_id", Entity::Person)],
        Entity::Service => &[("registration_id", Entity::Registration)],
        Entity::Inspection => &[("service_id", Entity::Service)],
        Entity::Helper => &[("person_id", Entity::Person)],
        Entity::Pairing => &[("helper_id", Entity::Helper), ("person_id", Entity::Person)],
        Entity::HelpVisit => &[
            ("pairing_id", Entity::Pairing),
            ("helper_id", Entity::Helper),
            ("person_id", Entity::Person),
        ],
        Entity::Provider
        | Entity::Agreement
        | Entity::Settlement
        | Entity::LedgerEntry
        | Entity::SubsidyList
        | Entity::Registration
        | Entity::Document
        | Entity::DocumentWaiver
        | Entity::Posting => &[],
    }
}

/// True for the kinds that follow a person to another community under a transfer (迁出): the
/// person and their open clues, cases and follow-up tasks.
pub fn follows_person(kind: Entity) -> bool {
    matches!(
        kind,
        Entity::Person | Entity::Clue | Entity::Case | Entity::Task
    )
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

/// True when an entry from `writer` may change a record at `reader`, the record belonging to
/// `held` units as the reader holds it (none for a record new there) and to `incoming` units as
/// it comes. From a child: a new record by the unit that creates it; a held one when it is the
/// child's both as held and as it comes, or when it `moves` under a transfer held here. From
/// the parent: when it concerns the reader as held or as it comes.
pub fn admits(
    tree: &OrgTree,
    direction: Direction,
    writer: &str,
    reader: &str,
    held: Option<&Units>,
    incoming: &Units,
    moves: bool,
) -> bool {
    let may = |units: &Units| may_write(tree, direction, writer, reader, units);
    match (direction, held) {
        (Direction::Down, held) => held.is_some_and(may) || may(incoming),
        (Direction::Up, None) => incoming
            .creator()
            .is_some_and(|u| may_write_unit(tree, direction, writer, reader, u)),
        (Direction::Up, Some(units)) => may(units) && (moves || may(incoming)),
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
        let admit_moving = |held: Option<&[&str]>, incoming: &[&str], moves: bool| {
            admits(
                &tree,
                Direction::Up,
                COM,
                SUB,
                held.map(units).as_ref(),
                &units(incoming),
                moves,
            )
        };
        let admit = |held: Option<&[&str]>, incoming: &[&str]| admit_moving(held, incoming, false);
        // 迁出: the community hands its own person to its sibling under a transfer …
        assert!(admit_moving(Some(&[COM]), &[SIBLING], true));
        // … and never without one, nor widens a record beyond its units.
        assert!(!admit(Some(&[COM]), &[SIBLING]));
        assert!(!admit(Some(&[COM]), &[DISTRICT]));
        assert!(admit(Some(&[COM]), &[COM]));
        // Taking the sibling's person, or writing it in place.
        assert!(!admit(Some(&[SIBLING]), &[COM]));
        assert!(!admit(Some(&[SIBLING]), &[SIBLING]));
        assert!(!admit_moving(Some(&[SIBLING]), &[COM], true));
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
    fn from_above_a_record_is_admitted_when_it_concerns_the_reader() {
        let tree = OrgTree::demo();
        let admit = |held: Option<&[&str]>, incoming: &[&str]| {
            admits(
                &tree,
                Direction::Down,
                SUB,
                COM,
                held.map(units).as_ref(),
                &units(incoming),
                false,
            )
        };
        // A transfer into this community from a community of another subdistrict.
        assert!(admit(None, &["360104002001", COM]));
        assert!(!admit(None, &["360104002001", SIBLING]));
        assert!(admit(None, &[DISTRICT]));
        // A person coming back, last held here as the sibling's.
        assert!(admit(Some(&[SIBLING]), &[COM]));
        assert!(!admit(Some(&[SIBLING]), &[SIBLING]));
    }

    #[test]
    fn a_unit_reached_through_a_reference_is_named_by_the_record_referred_to() {
        // `held_units` follows one reference: the record referred to must name its unit itself.
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
