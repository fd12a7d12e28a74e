//! What a workstation may write through its bundles: only its own units' records, only what a
//! form could have made — shown with forged, correctly chained entries that an operator with
//! the database file and a SQLite shell could append, carried between real workstations.

mod common;

use common::exchange::{pair, person_record, Station, COM, SUB};
use jiuzhu::app::exchange;
use jiuzhu::app::person;
use jiuzhu::domain::org::Tier;
use jiuzhu::domain::person::PersonDraft;
use jiuzhu::store::records::Entity;

/// The sibling community of [`COM`] under the same subdistrict.
const SIBLING: &str = "360104001002";

fn sibling() -> Station {
    Station::new(Tier::Community, SIBLING, "顺化门社区", false)
}

/// A subdistrict with two of its communities, each enrolled with it; the sibling holds one
/// person, whom the subdistrict has received. Returns (community, sibling, subdistrict, id).
fn three_units() -> (Station, Station, Station, String) {
    let mut com = Station::community(false);
    let mut sib = sibling();
    let mut sub = Station::subdistrict(false);
    pair(&mut com, &mut sub);
    pair(&mut sib, &mut sub);
    let id = sib.ctx(|ctx| {
        person::create(
            ctx,
            &PersonDraft {
                name: "李秀兰".into(),
                id_number: "360104195003070027".into(),
                community: SIBLING.into(),
                phone: "13800001234".into(),
                ..Default::default()
            },
        )
        .unwrap()
    });
    let up = sib.export_to(SUB);
    assert_eq!(sub.import_ok(&up.path).applied, 1);
    (com, sib, sub, id)
}

/// `record` with `changes` applied and its version raised, as a forger would write it.
fn changed(mut record: serde_json::Value, changes: serde_json::Value) -> serde_json::Value {
    let version = record["version"].as_i64().unwrap();
    record["version"] = (version + 1).into();
    record["updated_at"] = "2026-11-28T02:30:00.000Z".into();
    for (k, v) in changes.as_object().unwrap() {
        record[k] = v.clone();
    }
    record
}

fn workstation_id(s: &Station) -> String {
    s.store.workstation().unwrap().id
}

fn phone_of(s: &Station, id: &str) -> serde_json::Value {
    s.record(Entity::Person, id).unwrap()["phone"].clone()
}

#[test]
fn a_community_cannot_write_its_siblings_records_through_its_bundle() {
    let (mut com, mut sib, mut sub, victim) = three_units();
    let origin = workstation_id(&com);

    // The community's operator appends, to its own chain, a change of the sibling's person,
    // a new person in the sibling's community and one in a community that does not exist.
    let held = sub.record(Entity::Person, &victim).unwrap();
    com.forge(
        Entity::Person,
        "person.update",
        changed(held, serde_json::json!({"phone": "13900009999"})),
    );
    let planted = "01a23b1d-a839-7095-b31d-000000000001";
    com.forge(
        Entity::Person,
        "person.create",
        person_record(planted, &origin, SIBLING, "王伪造"),
    );
    let nowhere = "01a23b1d-a839-7095-b31d-000000000002";
    com.forge(
        Entity::Person,
        "person.create",
        person_record(nowhere, &origin, "360104001099", "赵伪造"),
    );
    // Its own database looks sound: only the receiving side can tell.
    com.assert_check();

    let up = com.export_to(SUB);
    assert_eq!(up.entries, 3);
    let r = sub.import_ok(&up.path);
    assert_eq!((r.applied, r.reviews, r.out_of_scope), (0, 3, 3), "{r:?}");
    assert_eq!(phone_of(&sub, &victim), "13800001234");
    assert!(sub.record(Entity::Person, planted).is_none());
    assert!(sub.record(Entity::Person, nowhere).is_none());
    sub.assert_check();
    let items = sub.ctx(|ctx| exchange::open_items(ctx).unwrap());
    assert_eq!(items.len(), 3);
    assert!(
        items.iter().all(|q| q.reason == "out_of_scope"),
        "{items:?}"
    );
    let lines = exchange::receipt_lines(
        &r,
        &sub.ctx(|ctx| ctx.tree.clone()),
        jiuzhu::i18n::Lang::ZhCn,
    );
    assert!(
        lines.iter().any(|l| l.contains("无权修改")),
        "the receipt says so: {lines:?}"
    );

    // The subdistrict passes none of it on: the sibling receives the stretch by hash only.
    let down = sub.export_to(SIBLING);
    assert_eq!(down.entries, 0, "{down:?}");
    assert!(down.elided >= 3, "{down:?}");
    let r = sib.import_ok(&down.path);
    assert_eq!((r.applied, r.reviews), (0, 0), "{r:?}");
    assert_eq!(phone_of(&sib, &victim), "13800001234");
    assert!(sib.record(Entity::Person, planted).is_none());
    sib.assert_check();

    // Nor upward: a district would not see them either.
    let mut district = Station::new(Tier::District, "360104", "青云谱区", false);
    pair(&mut sub, &mut district);
    let up = sub.export_to("360104");
    let r = district.import_ok(&up.path);
    assert!(district.record(Entity::Person, planted).is_none(), "{r:?}");
    assert_eq!(phone_of(&district, &victim), "13800001234");
    district.assert_check();
}

#[test]
fn a_community_still_writes_its_own_and_hands_a_person_to_its_sibling() {
    let (mut com, mut sib, mut sub, _) = three_units();
    let own = com.ctx(|ctx| {
        person::create(
            ctx,
            &PersonDraft {
                name: "周建国".into(),
                id_number: "360104195003070035".into(),
                community: COM.into(),
                ..Default::default()
            },
        )
        .unwrap()
    });
    // The community knows its sibling as a demo workstation's tree has it.
    com.sql(&format!(
        "INSERT INTO org_units (code, name, kind, parent) VALUES ('{SIBLING}', '顺化门社区', 'community', '{SUB}')"
    ));
    com.ctx(|ctx| person::transfer(ctx, &own, SIBLING, "随子女居住").unwrap());
    let up = com.export_to(SUB);
    let r = sub.import_ok(&up.path);
    assert_eq!((r.reviews, r.out_of_scope), (0, 0), "{r:?}");
    assert_eq!(
        sub.record(Entity::Person, &own).unwrap()["community"],
        SIBLING
    );
    // The sibling receives the person and the transfer, and may receive it.
    let down = sub.export_to(SIBLING);
    let r = sib.import_ok(&down.path);
    assert_eq!(r.reviews, 0, "{r:?}");
    let t = sib.ctx(|ctx| person::pending_transfer(ctx, &own).unwrap().unwrap());
    sib.ctx(|ctx| person::receive_transfer(ctx, &t.meta.id).unwrap());
    let up = sib.export_to(SUB);
    let r = sub.import_ok(&up.path);
    assert_eq!((r.reviews, r.out_of_scope), (0, 0), "{r:?}");
    sub.assert_check();
}

#[test]
fn what_no_form_accepts_waits_for_review_and_is_not_passed_on() {
    let (mut com, _sib, mut sub, _) = three_units();
    let origin = workstation_id(&com);
    let nul = "01a23b1d-a839-7095-b31d-000000000003";
    com.forge(
        Entity::Person,
        "person.create",
        person_record(nul, &origin, COM, "张\u{0}三\u{1b}[2J"),
    );
    let long = "01a23b1d-a839-7095-b31d-000000000004";
    com.forge(
        Entity::Person,
        "person.create",
        person_record(long, &origin, COM, &"长".repeat(40_000)),
    );
    // A status no program writes: it used to fail the whole import with "run jiuzhu check".
    let odd = "01a23b1d-a839-7095-b31d-000000000005";
    let mut record = person_record(odd, &origin, COM, "钱某");
    record["status"] = "deleted".into();
    com.forge(Entity::Person, "person.create", record);
    let up = com.export_to(SUB);
    let r = sub.import_ok(&up.path);
    assert_eq!((r.applied, r.reviews, r.invalid), (0, 3, 3), "{r:?}");
    assert!(sub.record(Entity::Person, nul).is_none());
    assert!(sub.record(Entity::Person, long).is_none());
    sub.assert_check();
    // Taking the received version is refused: it still breaks the rule.
    let items = sub.ctx(|ctx| exchange::open_items(ctx).unwrap());
    assert!(items.iter().all(|q| q.reason == "invalid"), "{items:?}");
    let taken =
        sub.ctx(|ctx| exchange::resolve(ctx, items[0].id, exchange::Resolution::Incoming, None));
    assert!(taken.is_err(), "{taken:?}");
    assert!(sub.record(Entity::Person, nul).is_none());
    // Passed on by hash only.
    let down = sub.export_to(COM);
    assert_eq!(down.entries, 0, "{down:?}");
}

#[test]
fn every_column_of_every_kind_has_a_rule_and_the_program_s_own_records_pass_them() {
    use jiuzhu::domain::received;
    let mut ws = common::DemoWs::new();
    common::with_ctx(&mut ws, "demo", |ctx| {
        jiuzhu::app::demo::generate(ctx, 120, 3, &mut |_, _| true).unwrap()
    });
    let c = rusqlite::Connection::open(ws.db()).unwrap();
    let tree = jiuzhu::store::orgs::tree(&c).unwrap();
    let cx = received::Context {
        tree: &tree,
        catalogue: jiuzhu::domain::catalogue::Catalogue::builtin(),
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
    };
    let mut checked = 0;
    for kind in Entity::ALL {
        let mut stmt = c
            .prepare(&format!("PRAGMA table_info({})", kind.table()))
            .unwrap();
        let mut columns: Vec<String> = stmt
            .query_map([], |r| r.get(1))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        let mut covered: Vec<String> = received::covered_columns(kind)
            .into_iter()
            .map(String::from)
            .collect();
        columns.sort();
        covered.sort();
        assert_eq!(columns, covered, "{kind:?}");
        jiuzhu::store::records::for_each_record(&c, kind, |id, json| {
            let serde_json::Value::Object(map) = serde_json::from_str(&json).unwrap() else {
                unreachable!()
            };
            assert_eq!(
                received::check(kind, &map, &cx),
                Ok(()),
                "{kind:?} {id}: {json}"
            );
            checked += 1;
            Ok(())
        })
        .unwrap();
    }
    assert!(checked > 500, "{checked}");
}

#[test]
fn a_key_already_rotated_out_cannot_endorse_a_second_key() {
    let mut com = Station::community(false);
    let mut sub = Station::subdistrict(false);
    pair(&mut com, &mut sub);
    // Someone copies the community's data directory, keys and all.
    let mut thief = com.copy();
    // The community rotates its keys; the subdistrict learns the new key.
    let real = com.ctx(|ctx| exchange::rotate(ctx).unwrap());
    let up = com.export_to(SUB);
    assert!(sub.import_ok(&up.path).key_rotated);
    // The copy rotates too: its endorsement by the old key is genuine, and must not count.
    let forged = thief.ctx(|ctx| exchange::rotate(ctx).unwrap());
    let up = thief.export_to(SUB);
    let before = sub.digest();
    let r = sub.refused(&up.path);
    assert_eq!(r.code(), "replaced_key_endorses", "{r:?}");
    // Offered again, it is refused again, and the alarm stays one.
    assert_eq!(sub.refused(&up.path).code(), "replaced_key_endorses");
    let msg = jiuzhu::i18n::Localize::localize(&r, jiuzhu::i18n::Lang::ZhCn);
    assert!(msg.contains("疑似密钥被盗"), "{msg}");
    assert_eq!(sub.digest(), before, "nothing changed");
    // One current key for the unit: the community's own.
    let current: Vec<String> = sub
        .ctx(|ctx| exchange::overview(ctx).unwrap())
        .peers
        .into_iter()
        .filter(|p| {
            p.peer.org_code == COM && p.peer.replaced_by.is_none() && p.peer.revoked_at.is_none()
        })
        .map(|p| p.peer.fingerprint)
        .collect();
    assert_eq!(current, vec![real.fingerprint()]);
    assert_ne!(real.fingerprint(), forged.fingerprint());
    // The administrator is shown the alarm, in 待办 too, until it is acknowledged.
    let alarmed = |s: &mut Station| {
        s.ctx(|ctx| jiuzhu::app::inbox::tasks(ctx).unwrap())
            .items
            .iter()
            .any(|i| i.kind == jiuzhu::app::inbox::InboxKind::KeyAlarm && i.overdue)
    };
    assert!(alarmed(&mut sub));
    let alarms = sub.ctx(|ctx| exchange::key_alarms(ctx).unwrap());
    assert_eq!(alarms.len(), 1);
    assert_eq!(alarms[0].org_code, COM);
    assert!(sub
        .access_events()
        .iter()
        .any(|(event, _)| event == "keys.stolen"));
    sub.ctx(|ctx| exchange::acknowledge_key_alarms(ctx, COM).unwrap());
    assert!(sub.ctx(|ctx| exchange::key_alarms(ctx).unwrap()).is_empty());
    assert!(!alarmed(&mut sub));
    // The community's own bundles still come in.
    let up = com.export_to(SUB);
    sub.import_ok(&up.path);
}

#[test]
fn a_unit_has_one_key_and_a_child_must_stand_in_the_tree() {
    let mut sub = Station::subdistrict(false);
    let com = Station::community(false);
    let (card, fp) = com.card();
    sub.ctx(|ctx| exchange::trust(ctx, &card, &fp, false).unwrap());
    // A second workstation for the same community: its key is refused while the first is current.
    let again = Station::community(false);
    let (card2, fp2) = again.card();
    let r = sub.ctx(|ctx| exchange::trust(ctx, &card2, &fp2, false));
    assert!(
        matches!(
            &r,
            Err(jiuzhu::app::AppError::Bundle(
                jiuzhu::sync::Refusal::UnitHasKey { .. }
            ))
        ),
        "{r:?}"
    );
    // A card claiming to be one of this subdistrict's communities, with a code the tree lacks.
    let stranger = Station::with_parent(
        Tier::Community,
        "360104001099",
        "不存在社区",
        Some(SUB),
        false,
    );
    let (card3, fp3) = stranger.card();
    let r = sub.ctx(|ctx| exchange::trust(ctx, &card3, &fp3, false));
    assert!(
        matches!(
            &r,
            Err(jiuzhu::app::AppError::Bundle(
                jiuzhu::sync::Refusal::NotInTree { .. }
            ))
        ),
        "{r:?}"
    );
    assert!(sub.ctx(|ctx| ctx.tree.get("360104001099").is_none()));
    // Once the administrator has checked the unit with the other office, it joins the tree.
    sub.ctx(|ctx| exchange::trust(ctx, &card3, &fp3, true).unwrap());
    assert!(sub.ctx(|ctx| ctx.tree.get("360104001099").is_some()));
    assert!(sub.access_events().iter().any(|(e, _)| e == "org.add"));
    sub.assert_check();
}

#[test]
fn a_scan_arriving_under_another_format_s_name_waits_for_review() {
    let (mut com, _sib, mut sub, _) = three_units();
    let pid = com.ctx(|ctx| {
        person::create(
            ctx,
            &PersonDraft {
                name: "周建国".into(),
                id_number: "360104195003070035".into(),
                community: COM.into(),
                ..Default::default()
            },
        )
        .unwrap()
    });
    // A PDF filed under an .html name, as an older release (or a forger) could have it.
    let bytes = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n".to_vec();
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes));
    let c = rusqlite::Connection::open(com.db()).unwrap();
    c.execute(
        "INSERT INTO document_blobs (sha256, content) VALUES (?1, ?2)",
        rusqlite::params![sha, bytes],
    )
    .unwrap();
    let origin = workstation_id(&com);
    let doc = "01a23b1d-a839-7095-b31d-000000000006";
    com.forge(
        Entity::Document,
        "document.add",
        serde_json::json!({
            "id": doc, "origin": origin, "version": 1,
            "created_at": "2026-11-28T02:30:00.000Z", "updated_at": "2026-11-28T02:30:00.000Z",
            "person_id": pid, "kind": "id_card", "file_name": "scan.html",
            "size": bytes.len(), "sha256": sha, "added_by": "admin",
            "withdrawn_at": null, "withdraw_reason": null,
        }),
    );
    let up = com.export_to(SUB);
    assert_eq!(up.attachments, 1);
    let r = sub.import_ok(&up.path);
    assert_eq!((r.invalid, r.reviews), (1, 1), "{r:?}");
    assert!(sub.record(Entity::Document, doc).is_none());
    // Nor is it taken: its name still says another format than its bytes.
    let items = sub.ctx(|ctx| exchange::open_items(ctx).unwrap());
    let taken =
        sub.ctx(|ctx| exchange::resolve(ctx, items[0].id, exchange::Resolution::Incoming, None));
    assert!(taken.is_err(), "{taken:?}");
    assert!(sub.record(Entity::Document, doc).is_none());
    assert!(
        sub.record(Entity::Person, &pid).is_some(),
        "the rest is applied"
    );
    sub.assert_check();
}

#[test]
fn a_chain_claiming_the_receivers_own_id_in_a_later_epoch_is_refused() {
    let (com, _sib, mut sub, victim) = three_units();
    let sub_id = workstation_id(&sub);
    let epoch = sub.store.workstation().unwrap().epoch;
    let held = sub.record(Entity::Person, &victim).unwrap();
    com.forge_in(
        Some((&sub_id, epoch + 1)),
        Entity::Person,
        "person.update",
        changed(held, serde_json::json!({"phone": "13900009999"})),
    );
    let mut com = com;
    let up = com.export_to(SUB);
    let before = sub.digest();
    let r = sub.refused(&up.path);
    assert_eq!(r.code(), "forged_own_chain", "{r:?}");
    assert_eq!(sub.digest(), before);
}

#[test]
fn a_community_can_neither_move_its_record_out_without_a_transfer_nor_widen_it() {
    let (mut com, _sib, mut sub, victim) = three_units();
    let own = com.ctx(|ctx| {
        person::create(
            ctx,
            &PersonDraft {
                name: "周建国".into(),
                id_number: "360104195003070035".into(),
                community: COM.into(),
                ..Default::default()
            },
        )
        .unwrap()
    });
    // Its own person moved into the sibling's community with no transfer.
    let mine = com.record(Entity::Person, &own).unwrap();
    com.forge(
        Entity::Person,
        "person.update",
        changed(mine, serde_json::json!({"community": SIBLING})),
    );
    // Its own provider widened to serve the whole district.
    let origin = workstation_id(&com);
    let provider = "01a23b1d-a839-7095-b31d-000000000007";
    let record = |area: &str, version: i64| {
        serde_json::json!({
            "id": provider, "origin": origin, "version": version,
            "created_at": "2026-11-28T02:30:00.000Z", "updated_at": "2026-11-28T02:30:00.000Z",
            "name": "某某服务社", "kind": "public_welfare_org", "items": "[\"cleaning\"]",
            "contact": null, "phone": null, "area": area, "active": 1,
        })
    };
    com.forge(Entity::Provider, "provider.create", record(COM, 1));
    com.forge(Entity::Provider, "provider.update", record("360104", 2));
    // A case of its own for the sibling's person.
    let case = "01a23b1d-a839-7095-b31d-000000000008";
    com.forge(
        Entity::Case,
        "case.accept",
        serde_json::json!({
            "id": case, "origin": origin, "version": 1,
            "created_at": "2026-11-28T02:30:00.000Z", "updated_at": "2026-11-28T02:30:00.000Z",
            "person_id": victim, "clue_id": null, "community": COM, "state": "accepted",
            "state_changed_at": "2026-11-28T02:30:00.000Z", "category": null, "self_care": null,
            "needs": "[]", "survey_date": null, "survey_staff": null, "survey_findings": null,
            "decision_note": null, "card_no": null, "card_valid_until": null, "stop_reason": null,
            "plan": "[]", "card_version": 0, "reviewed_on": null,
        }),
    );
    let up = com.export_to(SUB);
    let r = sub.import_ok(&up.path);
    // The person and the provider as created are the community's; the rest is not.
    assert_eq!((r.applied, r.out_of_scope), (2, 3), "{r:?}");
    assert_eq!(sub.record(Entity::Person, &own).unwrap()["community"], COM);
    assert_eq!(sub.record(Entity::Provider, provider).unwrap()["area"], COM);
    assert!(sub.record(Entity::Case, case).is_none());

    // Taking the move needs the right over the person as held here, not only as it came.
    let items = sub.ctx(|ctx| exchange::open_items(ctx).unwrap());
    let moved = items
        .iter()
        .find(|q| q.record_id == own)
        .expect("the move waits")
        .id;
    let clock = common::clock();
    let staff = jiuzhu::app::Session {
        username: "sibling_staff".into(),
        grants: vec![jiuzhu::domain::permission::Grant {
            role: jiuzhu::domain::permission::Role::CommunityStaff,
            org: SIBLING.into(),
        }],
    };
    let mut ctx = jiuzhu::app::Ctx::new(&mut sub.store, staff, &clock).unwrap();
    let r = exchange::resolve(&mut ctx, moved, exchange::Resolution::Incoming, None);
    assert!(
        matches!(r, Err(jiuzhu::app::AppError::Denied { .. })),
        "{r:?}"
    );
    drop(ctx);
    assert_eq!(sub.record(Entity::Person, &own).unwrap()["community"], COM);
    sub.assert_check();
}

#[test]
fn a_person_moving_back_is_received_where_they_were_held_as_anothers() {
    let (mut com, mut sib, mut sub, _) = three_units();
    let id = com.ctx(|ctx| {
        person::create(
            ctx,
            &PersonDraft {
                name: "周建国".into(),
                id_number: "360104195003070035".into(),
                community: COM.into(),
                ..Default::default()
            },
        )
        .unwrap()
    });
    // Both communities know each other, as a demo workstation's tree has them.
    com.sql(&format!(
        "INSERT INTO org_units (code, name, kind, parent) VALUES ('{SIBLING}', '顺化门社区', 'community', '{SUB}')"
    ));
    sib.sql(&format!(
        "INSERT INTO org_units (code, name, kind, parent) VALUES ('{COM}', '洪都新村社区', 'community', '{SUB}')"
    ));
    let there = |from: &mut Station, to: &mut Station, sub: &mut Station, to_org: &str| {
        from.ctx(|ctx| person::transfer(ctx, &id, to_org, "随子女居住").unwrap());
        let up = from.export_to(SUB);
        let r = sub.import_ok(&up.path);
        assert_eq!(r.reviews, 0, "{r:?}");
        let down = sub.export_to(to_org);
        let r = to.import_ok(&down.path);
        assert_eq!(r.reviews, 0, "{r:?}");
        let t = to.ctx(|ctx| person::pending_transfer(ctx, &id).unwrap().unwrap());
        to.ctx(|ctx| person::receive_transfer(ctx, &t.meta.id).unwrap());
        let up = to.export_to(SUB);
        let r = sub.import_ok(&up.path);
        assert_eq!(r.reviews, 0, "{r:?}");
    };
    there(&mut com, &mut sib, &mut sub, SIBLING);
    // The community still holds its old copy, as the sibling's now; the way back comes down.
    let down = sub.export_to(COM);
    com.import_ok(&down.path);
    there(&mut sib, &mut com, &mut sub, COM);
    assert_eq!(com.record(Entity::Person, &id).unwrap()["community"], COM);
    com.assert_check();
    sub.assert_check();
}

#[test]
fn workstations_set_up_outside_the_built_in_tree_learn_their_units_from_their_peers() {
    // A district, a subdistrict and a community whose codes the built-in tree does not hold:
    // each knows at set-up only itself and the code of its parent.
    let mut district = Station::with_parent(Tier::District, "361000", "某某区", None, false);
    let mut sub = Station::with_parent(
        Tier::Subdistrict,
        "361000001",
        "某某街道",
        Some("361000"),
        false,
    );
    let mut com = Station::with_parent(
        Tier::Community,
        "361000001001",
        "某某社区",
        Some("361000001"),
        false,
    );
    let trust = |at: &mut Station, other: &Station, new_unit: bool| {
        let (card, fp) = other.card();
        at.ctx(|ctx| exchange::trust(ctx, &card, &fp, new_unit).unwrap());
    };
    trust(&mut sub, &com, true);
    trust(&mut com, &sub, false);
    trust(&mut district, &sub, true);
    trust(&mut sub, &district, false);

    // The community's person goes up two tiers and is admitted at both.
    let id = com.ctx(|ctx| {
        person::create(
            ctx,
            &PersonDraft {
                name: "李秀兰".into(),
                id_number: "360104195003070027".into(),
                community: "361000001001".into(),
                ..Default::default()
            },
        )
        .unwrap()
    });
    let up = com.export_to("361000001");
    assert_eq!(sub.import_ok(&up.path).applied, 1);
    let up = sub.export_to("361000");
    let r = district.import_ok(&up.path);
    assert_eq!((r.applied, r.reviews), (1, 0), "{r:?}");
    assert!(district.record(Entity::Person, &id).is_some());
    assert!(district.ctx(|ctx| ctx.tree.is_within("361000001001", "361000")));

    // A provider serving the whole district comes down to the community, which learns the
    // district above its subdistrict (and the subdistrict's name) on the way.
    let provider = district.ctx(|ctx| {
        jiuzhu::app::provider::create(
            ctx,
            &jiuzhu::domain::provider::ProviderDraft {
                name: "区居家养老服务中心".into(),
                kind: "public_welfare_org".into(),
                items: vec!["cleaning".into()],
                contact: String::new(),
                phone: String::new(),
                area: "361000".into(),
                active: true,
                ..Default::default()
            },
        )
        .unwrap()
    });
    let down = district.export_to("361000001");
    assert_eq!(sub.import_ok(&down.path).reviews, 0);
    let down = sub.export_to("361000001001");
    let r = com.import_ok(&down.path);
    assert_eq!(r.reviews, 0, "{r:?}");
    assert!(com.record(Entity::Provider, &provider).is_some());
    assert!(com.ctx(|ctx| ctx.tree.is_within("361000001001", "361000")));
    assert_eq!(
        com.ctx(|ctx| ctx.tree.name_of("361000001").to_string()),
        "某某街道"
    );
    for s in [&mut com, &mut sub, &mut district] {
        s.assert_check();
    }
}

#[test]
fn what_a_child_relayed_after_its_parent_restored_is_applied_once_its_own_unit_sends_it() {
    let (mut com, mut sib, mut sub, person) = three_units();
    let dir = sub.dir.path().to_path_buf();
    let backup = sub
        .ctx(|ctx| jiuzhu::app::backup::backup(ctx, Some(&dir)).unwrap())
        .path;
    // The sibling's person moves to the community; the subdistrict passes it on.
    sib.sql(&format!(
        "INSERT INTO org_units (code, name, kind, parent) VALUES ('{COM}', '洪都新村社区', 'community', '{SUB}')"
    ));
    sib.ctx(|ctx| person::transfer(ctx, &person, COM, "随子女居住").unwrap());
    let up = sib.export_to(SUB);
    sub.import_ok(&up.path);
    let down = sub.export_to(COM);
    com.import_ok(&down.path);

    // The subdistrict's disk fails and it comes back from the backup, which predates the move.
    let db = sub.db();
    let scratch = tempfile::tempdir().unwrap();
    let placeholder = jiuzhu::store::Store::open(
        &scratch.path().join("x.db"),
        &jiuzhu::store::OpenOptions {
            create: true,
            ..Default::default()
        },
    )
    .unwrap();
    drop(std::mem::replace(&mut sub.store, placeholder));
    jiuzhu::app::backup::restore(
        &db,
        &backup,
        None,
        "admin",
        zeroize::Zeroizing::new("Qingyunpu-2026!".into()),
        &common::clock(),
    )
    .unwrap();
    sub.store = jiuzhu::store::Store::open(&db, &Default::default()).unwrap();

    // The community hears what the subdistrict now holds and sends back the sibling's changes
    // it holds: a relay of another unit's records, which the scope rule holds back.
    let down = sub.export_to(COM);
    com.import_ok(&down.path);
    let up = com.export_to(SUB);
    let r = sub.import_ok(&up.path);
    assert!(r.out_of_scope >= 2, "{r:?}");
    assert_eq!(
        sub.record(Entity::Person, &person).unwrap()["community"],
        SIBLING
    );
    // When the sibling itself sends them again, they are its own to write: applied, settled.
    let down = sub.export_to(SIBLING);
    sib.import_ok(&down.path);
    let up = sib.export_to(SUB);
    let r = sub.import_ok(&up.path);
    assert!(r.applied >= 2, "{r:?}");
    assert_eq!(
        sub.record(Entity::Person, &person).unwrap()["community"],
        COM
    );
    assert!(sub.ctx(|ctx| exchange::open_items(ctx).unwrap()).is_empty());
    sub.assert_check();
}
