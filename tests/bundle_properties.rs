//! Bundle round trips as a property: whatever the community and the subdistrict record, edit
//! (both of the same person too) and exchange, in any order, a few rounds of exchange with
//! every conflict settled leave both holding the same version of every record they share, every
//! chain whole on both sides, and `check` passing.

mod common;

use common::exchange::{pair, Station, COM, SUB};
use jiuzhu::app::exchange::{self, Resolution};
use jiuzhu::app::person;
use jiuzhu::domain::id_number::check_char;
use jiuzhu::domain::person::PersonDraft;
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    /// The community records person `n` of the pool.
    Create(u8),
    /// The community (true) or the subdistrict changes person `n`'s phone.
    Edit {
        at_community: bool,
        n: u8,
        phone: u16,
    },
    /// A bundle goes up and is imported.
    Up,
    /// A bundle goes down and is imported.
    Down,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0u8..6).prop_map(Op::Create),
        (any::<bool>(), 0u8..6, any::<u16>()).prop_map(|(at_community, n, phone)| Op::Edit {
            at_community,
            n,
            phone
        }),
        Just(Op::Up),
        Just(Op::Down),
    ]
}

fn id_of(n: u8) -> String {
    let first17 = format!("36010419500307{:03}", 20 + u32::from(n) * 7);
    format!("{first17}{}", check_char(first17.as_bytes()))
}

fn draft(n: u8, phone: u16) -> PersonDraft {
    PersonDraft {
        name: format!(
            "测试{}",
            ["甲", "乙", "丙", "丁", "戊", "己"][usize::from(n)]
        ),
        id_number: id_of(n),
        community: COM.into(),
        phone: format!("138{:08}", phone),
        ..Default::default()
    }
}

fn person_id(st: &mut Station, n: u8) -> Option<(String, i64)> {
    let c = rusqlite::Connection::open(st.db()).unwrap();
    c.query_row(
        "SELECT id, version FROM persons WHERE id_number = ?1",
        [id_of(n)],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .ok()
}

fn up(com: &mut Station, sub: &mut Station) {
    let b = com.export_to(SUB);
    sub.import_ok(&b.path);
}

fn down(com: &mut Station, sub: &mut Station) {
    let b = sub.export_to(COM);
    com.import_ok(&b.path);
}

fn settle(st: &mut Station, how: Resolution) {
    for item in st.ctx(|ctx| exchange::open_items(ctx).unwrap()) {
        // Settling one item of a record settles its others too.
        let _ = st.ctx(|ctx| exchange::resolve(ctx, item.id, how, None));
    }
}

fn rows(st: &Station) -> Vec<String> {
    let c = rusqlite::Connection::open(st.db()).unwrap();
    let mut stmt = c
        .prepare("SELECT id, version, phone, name, id_number FROM persons ORDER BY id")
        .unwrap();
    let r = stmt
        .query_map([], |r| {
            Ok(format!(
                "{}|{}|{:?}|{}|{:?}",
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?
            ))
        })
        .unwrap();
    r.map(|x| x.unwrap()).collect()
}

proptest! {
    // PROPTEST_CASES runs more by hand; CI keeps the short form.
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(10)
    ))]

    #[test]
    fn exchanges_in_any_order_converge(ops in prop::collection::vec(op(), 1..14)) {
        let mut com = Station::community(false);
        let mut sub = Station::subdistrict(false);
        pair(&mut com, &mut sub);
        for op in &ops {
            match op {
                Op::Create(n) => {
                    if person_id(&mut com, *n).is_none() {
                        com.ctx(|ctx| person::create(ctx, &draft(*n, 0)).unwrap());
                    }
                }
                Op::Edit { at_community, n, phone } => {
                    let st = if *at_community { &mut com } else { &mut sub };
                    if let Some((id, version)) = person_id(st, *n) {
                        st.ctx(|ctx| person::update(ctx, &id, version, &draft(*n, *phone)).unwrap());
                    }
                }
                Op::Up => up(&mut com, &mut sub),
                Op::Down => down(&mut com, &mut sub),
            }
        }
        // Rounds of exchange; conflicts are settled where they are found.
        for _ in 0..3 {
            up(&mut com, &mut sub);
            settle(&mut sub, Resolution::Incoming);
            down(&mut com, &mut sub);
            settle(&mut com, Resolution::Local);
        }
        prop_assert!(sub.ctx(|ctx| exchange::open_items(ctx).unwrap()).is_empty());
        prop_assert!(com.ctx(|ctx| exchange::open_items(ctx).unwrap()).is_empty());
        prop_assert_eq!(rows(&com), rows(&sub));
        com.assert_check();
        sub.assert_check();
        // Nothing left to send either way.
        prop_assert!(com.export_to(SUB).nothing_new());
        prop_assert!(sub.export_to(COM).nothing_new());
    }
}
