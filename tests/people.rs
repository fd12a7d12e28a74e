//! People on record: duplicates at the door, merging two records of one person, households as
//! the 户口簿 has them, and transfers between communities (迁出 → 迁入), through `app`.

mod common;

use common::{clock, with_ctx, DemoWs};
use jiuzhu::app::refusal::PeopleRefusal;
use jiuzhu::app::{case, check, clue, household, inbox, person, AppError, Ctx, Session};
use jiuzhu::domain::case::CaseState;
use jiuzhu::domain::clue::ClueState;
use jiuzhu::domain::document::Document;
use jiuzhu::domain::permission::{Action, Grant, Role};
use jiuzhu::domain::person::{PersonDraft, PersonStatus};
use jiuzhu::domain::record::RecordMeta;
use jiuzhu::domain::task::{Task, TaskKind, TaskState};
use jiuzhu::domain::transfer::TransferState;
use jiuzhu::domain::validation::Field;
use jiuzhu::i18n::{Lang, Localize};
use rusqlite::Connection;

const C1: &str = "360104001001";
const C2: &str = "360104001002";
/// 张三, born 1949-12-31.
const ZHANG_ID: &str = "11010519491231002X";
/// Born 1950-03-07, three valid numbers.
const B1950_A: &str = "360104195003070027";
const B1950_B: &str = "360104195003070035";

fn draft(name: &str, id: &str, community: &str, phone: &str) -> PersonDraft {
    PersonDraft {
        name: name.into(),
        id_number: id.into(),
        community: community.into(),
        phone: phone.into(),
        ..Default::default()
    }
}

fn create(ws: &mut DemoWs, d: &PersonDraft) -> String {
    with_ctx(ws, "demo", |ctx| person::create(ctx, d).unwrap())
}

fn names_of(cands: &[person::Candidate]) -> Vec<String> {
    cands.iter().map(|c| c.person.facts.name.clone()).collect()
}

fn dups(ws: &mut DemoWs, d: &PersonDraft) -> Vec<String> {
    with_ctx(ws, "demo", |ctx| {
        names_of(&person::possible_duplicates(ctx, d).unwrap())
    })
}

fn check_ok(ws: &mut DemoWs) {
    let report = with_ctx(ws, "supervisor", |ctx| check::run(ctx).unwrap());
    assert!(report.ok(), "{:?}", report.findings);
}

/// Runs `f` as a user holding `role` at `org` only.
fn as_role<T>(ws: &mut DemoWs, role: Role, org: &str, f: impl FnOnce(&mut Ctx<'_>) -> T) -> T {
    let session = Session {
        username: format!("{}@{org}", role.code()),
        grants: vec![Grant {
            role,
            org: org.into(),
        }],
    };
    let c = clock();
    let mut ctx = Ctx::new(&mut ws.store, session, &c).unwrap();
    f(&mut ctx)
}

#[test]
fn duplicates_at_the_door() {
    let mut ws = DemoWs::new();
    create(&mut ws, &draft("张三", ZHANG_ID, C1, "13800001234"));
    create(&mut ws, &draft("汪方", B1950_A, C1, ""));
    create(&mut ws, &draft("李四", "", C1, "13912345678"));
    // Same ID number: refused with the holder, as create refuses it.
    let e = with_ctx(&mut ws, "demo", |ctx| {
        person::possible_duplicates(ctx, &draft("张叁", ZHANG_ID, C1, "")).unwrap_err()
    });
    assert!(matches!(e, AppError::DuplicateIdNumber { .. }), "{e:?}");
    // One character different, same phone.
    assert_eq!(
        dups(&mut ws, &draft("章三", "", C1, "138-0000-1234")),
        ["张三"]
    );
    // Same full pinyin, same birth date (another ID number, perhaps mistyped).
    let found = with_ctx(&mut ws, "demo", |ctx| {
        person::possible_duplicates(ctx, &draft("王芳", B1950_B, C1, "")).unwrap()
    });
    assert_eq!(names_of(&found), ["汪方"]);
    assert!(found[0].same_birth_date && !found[0].same_phone);
    // Similar name but neither birth date nor phone in common: not a candidate.
    assert!(dups(&mut ws, &draft("张三", "", C1, "")).is_empty());
    assert!(dups(&mut ws, &draft("张三", "", C1, "13700000000")).is_empty());
    // Same phone, a name not alike.
    assert!(dups(&mut ws, &draft("赵六", "", C1, "13912345678")).is_empty());
    // Another community is another population.
    assert!(dups(&mut ws, &draft("张三", "", C2, "13800001234")).is_empty());
    // A cancelled record is not offered.
    let gone = create(&mut ws, &draft("李肆", "", C1, "13600000000"));
    let keep = create(&mut ws, &draft("李四", "", C1, "13600000001"));
    with_ctx(&mut ws, "demo", |ctx| {
        person::merge(ctx, &keep, &gone, "重复登记").unwrap()
    });
    assert!(dups(&mut ws, &draft("李肆", "", C1, "13600000000")).is_empty());
    // A bad field is refused by name, like the form's save.
    let e = with_ctx(&mut ws, "demo", |ctx| {
        person::possible_duplicates(ctx, &draft("", "", C1, "")).unwrap_err()
    });
    assert!(matches!(e, AppError::Validation(v) if v.field == Field::Name));
}

/// A person carried from a clue to a card, with a document and a follow-up task.
fn person_with_history(ws: &mut DemoWs, name: &str, id: &str, community: &str) -> (String, String) {
    let pid = create(
        ws,
        &PersonDraft {
            address: "南昌市青云谱区洪都中大道1号".into(),
            diseases: "高血压".into(),
            assistance_status: "urban_minimum_living".into(),
            ..draft(name, id, community, "")
        },
    );
    let case_id = with_ctx(ws, "demo", |ctx| {
        let cid = clue::record(
            ctx,
            &clue::ClueDraft {
                person_id: pid.clone(),
                difficulty: "独居，行动不便".into(),
                key_groups: vec!["disabled_or_dementia".into()],
                source: "visit".into(),
                reporter: String::new(),
                found_on: None,
            },
        )
        .unwrap();
        clue::verify(ctx, &cid, true, "属实").unwrap();
        clue::report(ctx, &cid).unwrap();
        let case_id = clue::accept(ctx, &cid).unwrap();
        case::survey(ctx, &case_id, &common::survey("王干事", "卧床", None)).unwrap();
        case::assess(
            ctx,
            &case_id,
            &case::Assessment {
                category: "minimum_living".into(),
                self_care: String::new(),
                needs: vec!["meal_delivery".into()],
            },
        )
        .unwrap();
        case_id
    });
    with_ctx(ws, "subdistrict_caseworker", |ctx| {
        case::approve(ctx, &case_id, "").unwrap();
        case::issue_card(ctx, &case_id).unwrap();
    });
    let at = "2026-11-28T02:00:00.000Z";
    ws.store
        .write("demo", at, |w| {
            let doc = Document {
                meta: RecordMeta::new(format!("doc-{pid}"), w.origin(), at),
                person_id: pid.clone(),
                kind: "id_card".into(),
                file_name: "身份证.jpg".into(),
                size: 3,
                // SHA-256 of b"abc", the bytes filed below.
                sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad".into(),
                added_by: "demo".into(),
                withdrawn_at: None,
                withdraw_reason: None,
            };
            jiuzhu::store::documents::insert(w, &doc, b"abc")?;
            let task = Task {
                meta: RecordMeta::new(format!("task-{pid}"), w.origin(), at),
                kind: TaskKind::RosterVisit,
                person_id: pid.clone(),
                community: community.into(),
                source: "roster:000000000000:2".into(),
                category: None,
                approved_on: None,
                roster_status: None,
                case_id: None,
                state: TaskState::Open,
                done_at: None,
                done_by: None,
                note: None,
            };
            jiuzhu::store::tasks::insert(w, &task)
        })
        .unwrap();
    (pid, case_id)
}

fn count(conn: &Connection, sql: &str, id: &str) -> i64 {
    conn.query_row(sql, [id], |r| r.get(0)).unwrap()
}

#[test]
fn merging_moves_everything_and_keeps_both_histories() {
    let mut ws = DemoWs::new();
    let keep = create(&mut ws, &draft("王桂英", "", C1, "13800001111"));
    let (gone, case_id) = person_with_history(&mut ws, "王桂英", B1950_A, C1);
    let before_keep = with_ctx(&mut ws, "demo", |ctx| person::timeline(ctx, &keep).unwrap());
    let before_gone = with_ctx(&mut ws, "demo", |ctx| person::timeline(ctx, &gone).unwrap());
    let enrolled = with_ctx(&mut ws, "demo", |ctx| person::get(ctx, &gone).unwrap())
        .service_no
        .unwrap();
    let kept = with_ctx(&mut ws, "demo", |ctx| {
        person::merge(ctx, &keep, &gone, "同一人重复登记").unwrap()
    });
    // Empty facts filled from the merged record, none overwritten.
    assert_eq!(kept.facts.phone.as_deref(), Some("13800001111"));
    assert_eq!(
        kept.facts.id_number.as_ref().map(|i| i.as_str()),
        Some(B1950_A)
    );
    assert_eq!(
        kept.facts.birth_date.map(|d| d.to_string()).as_deref(),
        Some("1950-03-07")
    );
    assert_eq!(
        kept.facts.address.as_deref(),
        Some("南昌市青云谱区洪都中大道1号")
    );
    assert_eq!(kept.facts.diseases.as_deref(), Some("高血压"));
    assert_eq!(kept.service_no.as_deref(), Some(enrolled.as_str()));
    let merged = with_ctx(&mut ws, "demo", |ctx| person::get(ctx, &gone).unwrap());
    assert_eq!(merged.status, PersonStatus::Cancelled);
    assert_eq!(merged.merged_into.as_deref(), Some(keep.as_str()));
    assert_eq!(merged.status_reason.as_deref(), Some("同一人重复登记"));
    assert_eq!(
        merged.facts.id_number, None,
        "the ID number moved to the kept record"
    );
    // Every record that pointed at the merged person points at the kept one.
    let conn = Connection::open(ws.db()).unwrap();
    for table in ["clues", "cases", "documents", "tasks"] {
        let sql = format!("SELECT count(*) FROM {table} WHERE person_id = ?1");
        assert_eq!(count(&conn, &sql, &gone), 0, "{table}");
        assert_eq!(count(&conn, &sql, &keep), 1, "{table}");
    }
    let c = with_ctx(&mut ws, "demo", |ctx| case::get(ctx, &case_id).unwrap());
    assert_eq!(c.state, CaseState::InService);
    // The kept timeline holds both histories, in order; the merge is one transaction.
    let after = with_ctx(&mut ws, "demo", |ctx| person::timeline(ctx, &keep).unwrap());
    let kinds: Vec<&str> = after.iter().map(|e| e.kind.as_str()).collect();
    assert!(
        after.len() >= before_keep.len() + before_gone.len() + 2,
        "{kinds:?}"
    );
    for e in before_gone.iter().chain(&before_keep) {
        assert!(after.contains(e), "{e:?} missing from {kinds:?}");
    }
    for k in [
        "person.merged",
        "person.merge",
        "case.merge",
        "clue.merge",
        "document.merge",
        "task.merge",
    ] {
        assert!(kinds.contains(&k), "{k} in {kinds:?}");
    }
    check_ok(&mut ws);
    // Refusals: a cancelled record, itself, two ID numbers, without the right on a community.
    let e = with_ctx(&mut ws, "demo", |ctx| {
        person::merge(ctx, &keep, &gone, "再次合并").unwrap_err()
    });
    assert!(
        matches!(e, AppError::People(PeopleRefusal::NotActive { .. })),
        "{e:?}"
    );
    let e = with_ctx(&mut ws, "demo", |ctx| {
        person::merge(ctx, &keep, &keep, "x").unwrap_err()
    });
    assert!(matches!(e, AppError::People(PeopleRefusal::MergeSelf)));
    let other = create(&mut ws, &draft("王桂英", B1950_B, C1, ""));
    let e = with_ctx(&mut ws, "demo", |ctx| {
        person::merge(ctx, &keep, &other, "x").unwrap_err()
    });
    assert!(matches!(
        e,
        AppError::People(PeopleRefusal::MergeDifferentIds)
    ));
    assert!(
        e.localize(Lang::ZhCn).contains("身份证号不同"),
        "{}",
        e.localize(Lang::ZhCn)
    );
    let e = with_ctx(&mut ws, "demo", |ctx| {
        person::merge(ctx, &keep, &other, " ").unwrap_err()
    });
    assert!(matches!(e, AppError::Validation(v) if v.field == Field::Reason));
    let far = create(&mut ws, &draft("王贵英", "", C2, ""));
    let e = with_ctx(&mut ws, "info_officer", |ctx| {
        person::merge(ctx, &keep, &far, "x").unwrap_err()
    });
    assert!(
        matches!(
            e,
            AppError::Denied {
                action: Action::EditPerson
            } | AppError::Denied {
                action: Action::ViewPerson
            }
        ),
        "{e:?}"
    );
    let e = with_ctx(&mut ws, "supervisor", |ctx| {
        person::merge(ctx, &keep, &far, "x").unwrap_err()
    });
    assert!(matches!(e, AppError::Denied { .. }), "{e:?}");
    check_ok(&mut ws);
}

#[test]
fn households_one_at_a_time() {
    let mut ws = DemoWs::new();
    let zhang = create(&mut ws, &draft("张建国", "", C1, ""));
    let li = create(&mut ws, &draft("李秀英", "", C1, ""));
    let kid = create(&mut ws, &draft("张小明", "", C1, ""));
    let far = create(&mut ws, &draft("赵大", "", C2, ""));
    let h = with_ctx(&mut ws, "demo", |ctx| {
        household::create(ctx, &zhang, "", "").unwrap()
    });
    with_ctx(&mut ws, "demo", |ctx| {
        household::add_member(ctx, &h, &li, "spouse").unwrap();
        household::add_member(ctx, &h, &kid, "child").unwrap();
    });
    let members = with_ctx(&mut ws, "demo", |ctx| household::members(ctx, &h).unwrap());
    let listed: Vec<(String, String)> = members
        .iter()
        .map(|p| {
            (
                p.facts.name.clone(),
                p.household.as_ref().unwrap().relation.clone(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            ("张建国".to_string(), "head".to_string()),
            ("李秀英".into(), "spouse".into()),
            ("张小明".into(), "child".into())
        ]
    );
    // Refusals: a second head, another community, the head leaving with members.
    let e = with_ctx(&mut ws, "demo", |ctx| {
        household::add_member(ctx, &h, &kid, "head").unwrap_err()
    });
    assert!(matches!(e, AppError::Validation(v) if v.field == Field::Relation));
    let e = with_ctx(&mut ws, "demo", |ctx| {
        household::add_member(ctx, &h, &far, "other").unwrap_err()
    });
    assert!(matches!(
        e,
        AppError::People(PeopleRefusal::OtherCommunity { .. })
    ));
    let e = with_ctx(&mut ws, "demo", |ctx| {
        household::remove_member(ctx, &h, &zhang).unwrap_err()
    });
    assert!(matches!(
        e,
        AppError::People(PeopleRefusal::HeadWithMembers { .. })
    ));
    assert!(e.localize(Lang::ZhCn).contains("请先变更户主"));
    // The child starts a household of their own: they leave the first in the same step.
    let h2 = with_ctx(&mut ws, "demo", |ctx| {
        household::create(ctx, &kid, "南昌市青云谱区新村2号", "").unwrap()
    });
    let kid_now = with_ctx(&mut ws, "demo", |ctx| person::get(ctx, &kid).unwrap());
    assert_eq!(kid_now.household_id(), Some(h2.as_str()));
    assert_eq!(
        with_ctx(&mut ws, "demo", |ctx| household::members(ctx, &h).unwrap()).len(),
        2
    );
    // The spouse joins the child's household: one household at a time.
    with_ctx(&mut ws, "demo", |ctx| {
        household::add_member(ctx, &h2, &li, "parent").unwrap()
    });
    assert_eq!(
        with_ctx(&mut ws, "demo", |ctx| household::members(ctx, &h).unwrap()).len(),
        1
    );
    // Head change: the spouse back, made head; the old head becomes her spouse.
    with_ctx(&mut ws, "demo", |ctx| {
        household::add_member(ctx, &h, &li, "spouse").unwrap();
        household::change_head(ctx, &h, &li, "spouse").unwrap();
    });
    let (hh, members) = with_ctx(&mut ws, "demo", |ctx| {
        household::of_person(ctx, &zhang).unwrap().unwrap()
    });
    assert_eq!(hh.head_person_id, li);
    assert_eq!(members[0].facts.name, "李秀英");
    assert_eq!(members[1].household.as_ref().unwrap().relation, "spouse");
    // Removing a member keeps every record; the last one out closes the household.
    with_ctx(&mut ws, "demo", |ctx| {
        household::remove_member(ctx, &h, &zhang).unwrap();
        household::remove_member(ctx, &h, &li).unwrap();
    });
    let closed = with_ctx(&mut ws, "demo", |ctx| household::get(ctx, &h).unwrap());
    assert!(closed.is_closed());
    let e = with_ctx(&mut ws, "demo", |ctx| {
        household::add_member(ctx, &h, &zhang, "other").unwrap_err()
    });
    assert!(matches!(
        e,
        AppError::People(PeopleRefusal::HouseholdClosed)
    ));
    let p = with_ctx(&mut ws, "demo", |ctx| person::get(ctx, &zhang).unwrap());
    assert_eq!(p.status, PersonStatus::Active);
    assert!(p.household.is_none());
    // A supervisor reads, never changes.
    let e = with_ctx(&mut ws, "supervisor", |ctx| {
        household::create(ctx, &zhang, "", "").unwrap_err()
    });
    assert!(matches!(e, AppError::Denied { .. }));
    check_ok(&mut ws);
}

#[test]
fn merging_keeps_the_household_place() {
    let mut ws = DemoWs::new();
    let head = create(&mut ws, &draft("刘强", "", C1, ""));
    let dup = create(&mut ws, &draft("刘强", B1950_A, C1, ""));
    let wife = create(&mut ws, &draft("陈红", "", C1, ""));
    let h = with_ctx(&mut ws, "demo", |ctx| {
        let h = household::create(ctx, &dup, "", "").unwrap();
        household::add_member(ctx, &h, &wife, "spouse").unwrap();
        h
    });
    // The duplicate heads the household; the record kept takes its place.
    with_ctx(&mut ws, "demo", |ctx| {
        person::merge(ctx, &head, &dup, "重复").unwrap()
    });
    let hh = with_ctx(&mut ws, "demo", |ctx| household::get(ctx, &h).unwrap());
    assert_eq!(hh.head_person_id, head);
    let names: Vec<String> = with_ctx(&mut ws, "demo", |ctx| household::members(ctx, &h).unwrap())
        .into_iter()
        .map(|p| p.facts.name)
        .collect();
    assert_eq!(names, ["刘强", "陈红"]);
    // Two people in different households are not merged.
    let other = create(&mut ws, &draft("陈洪", "", C1, ""));
    with_ctx(&mut ws, "demo", |ctx| {
        household::create(ctx, &other, "", "").unwrap()
    });
    let e = with_ctx(&mut ws, "demo", |ctx| {
        person::merge(ctx, &wife, &other, "重复").unwrap_err()
    });
    assert!(matches!(
        e,
        AppError::People(PeopleRefusal::MergeHouseholds)
    ));
    check_ok(&mut ws);
}

#[test]
fn transfer_send_and_receive() {
    let mut ws = DemoWs::new();
    let (pid, case_id) = person_with_history(&mut ws, "孙丽", B1950_A, C1);
    let old_no = with_ctx(&mut ws, "demo", |ctx| person::get(ctx, &pid).unwrap())
        .service_no
        .unwrap();
    assert_eq!(old_no, format!("{C1}-0001"));
    let card = with_ctx(&mut ws, "demo", |ctx| case::get(ctx, &case_id).unwrap()).card_no;
    // A user of the receiving community has nothing waiting yet.
    let waiting = |ws: &mut DemoWs| {
        as_role(ws, Role::InfoOfficer, C2, |ctx| {
            inbox::counts(ctx)
                .unwrap()
                .into_iter()
                .find(|w| w.label == "inbox.transfers_in")
                .unwrap()
                .count
        })
    };
    assert_eq!(waiting(&mut ws), 0);
    // Refusals before anything moves: unknown, not a community, the same one, no reason,
    // and a role that may not edit the sending community.
    let e = with_ctx(&mut ws, "demo", |ctx| {
        person::transfer(ctx, &pid, "999999999999", "搬迁").unwrap_err()
    });
    assert!(matches!(e, AppError::UnknownOrg(_)));
    assert!(e.localize(Lang::ZhCn).contains("999999999999"));
    let e = with_ctx(&mut ws, "demo", |ctx| {
        person::transfer(ctx, &pid, "360104001", "搬迁").unwrap_err()
    });
    assert!(matches!(
        e,
        AppError::People(PeopleRefusal::NotACommunity { .. })
    ));
    let e = with_ctx(&mut ws, "demo", |ctx| {
        person::transfer(ctx, &pid, C1, "搬迁").unwrap_err()
    });
    assert!(matches!(e, AppError::People(PeopleRefusal::SameCommunity)));
    assert!(e.localize(Lang::ZhCn).contains("相同"));
    let e = with_ctx(&mut ws, "demo", |ctx| {
        person::transfer(ctx, &pid, C2, "").unwrap_err()
    });
    assert!(matches!(e, AppError::Validation(v) if v.field == Field::Reason));
    let e = with_ctx(&mut ws, "supervisor", |ctx| {
        person::transfer(ctx, &pid, C2, "搬迁").unwrap_err()
    });
    assert!(matches!(
        e,
        AppError::Denied {
            action: Action::EditPerson
        }
    ));
    let e = as_role(&mut ws, Role::InfoOfficer, C2, |ctx| {
        person::transfer(ctx, &pid, C2, "搬迁").unwrap_err()
    });
    assert!(matches!(e, AppError::Denied { .. }), "{e:?}");
    // 迁出 by the sending community's information officer.
    let t = with_ctx(&mut ws, "info_officer", |ctx| {
        person::transfer(ctx, &pid, C2, "投靠子女").unwrap()
    });
    assert_eq!(t.state, TransferState::Pending);
    assert_eq!(
        (t.from_community.as_str(), t.to_community.as_str()),
        (C1, C2)
    );
    assert_eq!(t.old_service_no.as_deref(), Some(old_no.as_str()));
    let p = with_ctx(&mut ws, "demo", |ctx| person::get(ctx, &pid).unwrap());
    assert_eq!(p.facts.community, C2);
    assert_eq!(p.status, PersonStatus::Active, "moved, not re-created");
    let c = with_ctx(&mut ws, "demo", |ctx| case::get(ctx, &case_id).unwrap());
    assert_eq!(c.community, C2, "the open case follows");
    assert_eq!(c.card_no, card, "the card number stays");
    let conn = Connection::open(ws.db()).unwrap();
    let clue_community: String = conn
        .query_row(
            "SELECT community FROM clues WHERE person_id = ?1",
            [&pid],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(clue_community, C1, "the accepted clue is closed and stays");
    let _ = ClueState::Accepted;
    assert_eq!(waiting(&mut ws), 1, "the receiving side sees it");
    // A second transfer waits for the first.
    let e = with_ctx(&mut ws, "demo", |ctx| {
        person::transfer(ctx, &pid, "360104001003", "再次搬迁").unwrap_err()
    });
    assert!(matches!(
        e,
        AppError::People(PeopleRefusal::TransferPending { .. })
    ));
    // The sending community's officer cannot receive for the other community.
    let e = with_ctx(&mut ws, "info_officer", |ctx| {
        person::receive_transfer(ctx, &t.meta.id).unwrap_err()
    });
    assert!(matches!(
        e,
        AppError::Denied {
            action: Action::EditPerson
        }
    ));
    // 迁入: a new service number of the receiving community; the old one is kept, never reused.
    let got = as_role(&mut ws, Role::InfoOfficer, C2, |ctx| {
        person::receive_transfer(ctx, &t.meta.id).unwrap()
    });
    assert_eq!(got.state, TransferState::Received);
    assert_eq!(
        got.new_service_no.as_deref(),
        Some(format!("{C2}-0001").as_str())
    );
    assert_eq!(got.old_service_no.as_deref(), Some(old_no.as_str()));
    let p = with_ctx(&mut ws, "demo", |ctx| person::get(ctx, &pid).unwrap());
    assert_eq!(p.service_no.as_deref(), Some(format!("{C2}-0001").as_str()));
    assert_eq!(waiting(&mut ws), 0);
    let e = as_role(&mut ws, Role::InfoOfficer, C2, |ctx| {
        person::receive_transfer(ctx, &t.meta.id).unwrap_err()
    });
    assert!(matches!(e, AppError::Transition(_)));
    assert!(
        e.localize(Lang::ZhCn).contains("已迁入"),
        "{}",
        e.localize(Lang::ZhCn)
    );
    let next = create(&mut ws, &draft("周五", "", C1, ""));
    let no = with_ctx(&mut ws, "demo", |ctx| person::enrol(ctx, &next).unwrap());
    assert_eq!(
        no,
        format!("{C1}-0002"),
        "the old number is not given again"
    );
    // The timeline tells the move.
    let kinds: Vec<String> = with_ctx(&mut ws, "demo", |ctx| person::timeline(ctx, &pid).unwrap())
        .into_iter()
        .map(|e| e.kind)
        .collect();
    for k in [
        "person.transfer_out",
        "case.transfer",
        "transfer.create",
        "transfer.receive",
        "person.transfer_in",
    ] {
        assert!(kinds.iter().any(|x| x == k), "{k} in {kinds:?}");
    }
    let lines = with_ctx(&mut ws, "demo", |ctx| person::transfers(ctx).unwrap());
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].person_name, "孙丽");
    check_ok(&mut ws);
}

#[test]
fn a_household_head_moves_last() {
    let mut ws = DemoWs::new();
    let head = create(&mut ws, &draft("吴刚", "", C1, ""));
    let son = create(&mut ws, &draft("吴小刚", "", C1, ""));
    let h = with_ctx(&mut ws, "demo", |ctx| {
        let h = household::create(ctx, &head, "", "").unwrap();
        household::add_member(ctx, &h, &son, "child").unwrap();
        h
    });
    let e = with_ctx(&mut ws, "demo", |ctx| {
        person::transfer(ctx, &head, C2, "搬迁").unwrap_err()
    });
    assert!(matches!(
        e,
        AppError::People(PeopleRefusal::HeadWithMembers { .. })
    ));
    // A member moves and leaves the household; then the head, alone, moves and it closes.
    with_ctx(&mut ws, "demo", |ctx| {
        person::transfer(ctx, &son, C2, "搬迁").unwrap();
        person::transfer(ctx, &head, C2, "搬迁").unwrap();
    });
    let hh = with_ctx(&mut ws, "demo", |ctx| household::get(ctx, &h).unwrap());
    assert!(hh.is_closed());
    let son_now = with_ctx(&mut ws, "demo", |ctx| person::get(ctx, &son).unwrap());
    assert!(son_now.household.is_none());
    assert!(son_now.service_no.is_none());
    // Receiving someone never enrolled gives no number.
    let pending: Vec<String> = with_ctx(&mut ws, "demo", |ctx| person::transfers(ctx).unwrap())
        .into_iter()
        .map(|l| l.transfer.meta.id)
        .collect();
    for id in pending {
        let t = with_ctx(&mut ws, "demo", |ctx| {
            person::receive_transfer(ctx, &id).unwrap()
        });
        assert_eq!(t.new_service_no, None);
    }
    check_ok(&mut ws);
}

#[test]
fn cases_in_service_grouped_by_household() {
    let mut ws = DemoWs::new();
    let (a, _) = person_with_history(&mut ws, "郑一", B1950_A, C1);
    let (b, _) = person_with_history(&mut ws, "郑二", B1950_B, C1);
    let (c, _) = person_with_history(&mut ws, "冯三", ZHANG_ID, C1);
    with_ctx(&mut ws, "demo", |ctx| {
        let h = household::create(ctx, &a, "", "").unwrap();
        household::add_member(ctx, &h, &b, "spouse").unwrap();
    });
    let groups = with_ctx(&mut ws, "demo", |ctx| {
        household::in_service_by_household(ctx, Some(C1)).unwrap()
    });
    let shape: Vec<(bool, Vec<String>)> = groups
        .iter()
        .map(|(h, people)| {
            (
                h.is_some(),
                people.iter().map(|(_, p)| p.meta.id.clone()).collect(),
            )
        })
        .collect();
    assert_eq!(shape, [(true, vec![a, b]), (false, vec![c])]);
}

/// A database of schema 6 (before households) opens, keeps its people, and still passes
/// `check`: a person logged before the new columns existed matches the row that now has them.
#[test]
fn schema_6_database_gains_households_and_still_checks() {
    use jiuzhu::store::changelog::ChangeEntry;
    use jiuzhu::store::migrations;
    use jiuzhu::store::records::{record_json, Entity};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v6.db");
    {
        let mut c = Connection::open(&path).unwrap();
        migrations::migrate_to(&mut c, &path, 6).unwrap();
        c.execute_batch(
            "INSERT INTO workstation (id, org_code, tier, demo, epoch, created_at)
                 VALUES ('ws-1', '360104001', 'subdistrict', 0, 1, '2026-01-01T00:00:00.000Z');
             INSERT INTO org_units (code, name, kind, parent, hosted) VALUES ('360104001', '洪都街道', 'subdistrict', NULL, 1);
             INSERT INTO org_units (code, name, kind, parent, hosted) VALUES ('360104001001', '洪都新村社区', 'community', '360104001', 1);
             INSERT INTO persons (id, origin, version, created_at, updated_at, name, id_number, community,
                 hukou_local, assistance_status, lives_alone, status)
               VALUES ('p-1', 'ws-1', 1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', '曾小红',
                 '11010519491231002X', '360104001001', 1, 'urban_minimum_living', 0, 'active');
             INSERT INTO person_search (person_id, name, initials, full, id_number, phone, service_no, community, status)
               VALUES ('p-1', '曾小红', 'zxh', 'zengxiaohong', '11010519491231002X', NULL, NULL, '360104001001', 'active');",
        )
        .unwrap();
        let record = record_json(&c, Entity::Person, "p-1").unwrap().unwrap();
        assert!(
            !record.contains("household_id"),
            "schema 6 has no household column"
        );
        let e = ChangeEntry {
            origin: "ws-1".into(),
            epoch: 1,
            seq: 1,
            actor: "admin".into(),
            at: "2026-01-01T00:00:00.000Z".into(),
            kind: "person.create".into(),
            entity: "person".into(),
            record_id: "p-1".into(),
            record,
            prev_hash: [0; 32],
        };
        c.execute(
            "INSERT INTO change_log (origin, epoch, seq, actor, at, kind, entity, record_id, record, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            rusqlite::params![
                e.origin, e.epoch, e.seq, e.actor, e.at, e.kind, e.entity, e.record_id, e.record,
                e.prev_hash.as_slice(), e.hash().as_slice()
            ],
        )
        .unwrap();
    }
    let mut store = jiuzhu::store::Store::open(&path, &Default::default()).unwrap();
    let session = Session {
        username: "admin".into(),
        grants: vec![Grant {
            role: Role::Admin,
            org: "360104001".into(),
        }],
    };
    let c = clock();
    let mut ctx = Ctx::new(&mut store, session, &c).unwrap();
    let report = check::run(&ctx).unwrap();
    assert!(report.ok(), "{:?}", report.findings);
    let p = person::get(&ctx, "p-1").unwrap();
    assert_eq!(p.facts.name, "曾小红");
    assert!(p.household.is_none() && p.merged_into.is_none());
    // The migrated person can head a household at once.
    household::create(&mut ctx, "p-1", "", "").unwrap();
    assert!(check::run(&ctx).unwrap().ok());
}

#[test]
fn the_posting_list_per_household() {
    use jiuzhu::report::lists::{posting_headers_by_household, posting_rows_by_household, Served};
    let mut ws = DemoWs::new();
    let (a, _) = person_with_history(&mut ws, "郑一", B1950_A, C1);
    let (b, _) = person_with_history(&mut ws, "郑二", B1950_B, C1);
    person_with_history(&mut ws, "冯三", ZHANG_ID, C1);
    with_ctx(&mut ws, "demo", |ctx| {
        let h = household::create(ctx, &a, "", "").unwrap();
        household::add_member(ctx, &h, &b, "spouse").unwrap();
    });
    let groups = with_ctx(&mut ws, "demo", |ctx| {
        household::in_service_by_household(ctx, Some(C1)).unwrap()
    });
    let served: Vec<Vec<Served<'_>>> = groups
        .iter()
        .map(|(_, people)| {
            people
                .iter()
                .map(|(case, person)| Served {
                    person,
                    case,
                    community_name: "洪都新村社区",
                })
                .collect()
        })
        .collect();
    let rows = posting_rows_by_household(&served, Lang::ZhCn);
    let shape: Vec<(&str, &str, &str, &str)> = rows
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str(), r[2].as_str(), r[3].as_str()))
        .collect();
    assert_eq!(
        shape,
        [
            ("1", "1", "郑一", "户主"),
            ("1", "2", "郑二", "配偶"),
            ("2", "3", "冯三", "")
        ]
    );
    assert_eq!(
        rows[0].len(),
        posting_headers_by_household(Lang::ZhCn).len()
    );
    assert!(
        rows[0][4].contains('*'),
        "ID numbers masked: {}",
        rows[0][4]
    );
}
