//! 邻里互助: helper → training → pairing → visits → subsidy list → submit → approve by
//! another account → pay → ledger; each refusal names its field and reason and changes
//! nothing; the bank account is printed with its last four digits only; the subdistrict's
//! approval reaches the community in a bundle.

mod common;

use common::history::{new_person, C1};
use common::{with_ctx, DemoWs};
use jiuzhu::app::helper::{self, PairingDraft, VisitDraft};
use jiuzhu::app::print::ListFormat;
use jiuzhu::app::{subsidy, AppError};
use jiuzhu::domain::helper::{HelperDraft, TrainingDraft};
use jiuzhu::domain::money::Fen;
use jiuzhu::domain::month::Month;
use jiuzhu::domain::settlement::SettlementState;
use jiuzhu::domain::subsidy::Exclusion;
use jiuzhu::domain::validation::{Field, Reason};
use jiuzhu::i18n::{Lang, Localize};

const STAFF: &str = "community_staff";
const CW: &str = "subdistrict_caseworker";
const ACCOUNT: &str = "6217002430012345678";

fn reason_of(e: &AppError) -> (Field, Reason) {
    match e {
        AppError::Validation(v) => (v.field, v.reason.clone()),
        other => panic!("not a refusal: {other:?}"),
    }
}

fn inconsistent(field: Field, what: &'static str) -> (Field, Reason) {
    (field, Reason::Inconsistent { what })
}

/// Change-log length and the sum of every money-side record's version: what a refusal must
/// leave as it was.
fn rows(ws: &DemoWs) -> (i64, i64) {
    let c = rusqlite::Connection::open(ws.db()).unwrap();
    let n = |sql: &str| c.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
    (
        n("SELECT count(*) FROM change_log"),
        n("SELECT (SELECT coalesce(sum(version), 0) FROM helpers)
                + (SELECT coalesce(sum(version), 0) FROM pairings)
                + (SELECT count(*) FROM help_visits)
                + (SELECT coalesce(sum(version), 0) FROM subsidy_lists)"),
    )
}

fn november() -> Month {
    Month::new(2026, 11).unwrap()
}

fn training(on: &str, passed: bool) -> TrainingDraft {
    TrainingDraft {
        course: "居家照料基本技能".into(),
        organiser: "南昌市青云谱区红十字会".into(),
        on: on.into(),
        hours: "16".into(),
        passed,
    }
}

fn visit(pairing: &str, day: &str, minutes: i64, confirmed: bool) -> VisitDraft {
    VisitDraft {
        pairing_id: pairing.into(),
        visited_on: day.into(),
        item: "neighbour_home_care".into(),
        minutes,
        content: "打扫卫生，陪同聊天".into(),
        confirmed,
    }
}

struct Pair {
    helper: String,
    pairing: String,
}

/// 李桂兰 helps 张德明 from 2026-10-01, weekly home care; trained when `trained`.
fn paired(ws: &mut DemoWs, trained: bool) -> Pair {
    let helper_person = new_person(ws, "李桂兰", C1);
    let helped = new_person(ws, "张德明", C1);
    let h = with_ctx(ws, STAFF, |ctx| {
        helper::register(
            ctx,
            &HelperDraft {
                person_id: helper_person.clone(),
                bank_name: "中国建设银行南昌洪都支行".into(),
                bank_account: "6217 0024 3001 2345 678".into(),
            },
        )
        .unwrap()
    });
    if trained {
        with_ctx(ws, STAFF, |ctx| {
            helper::add_training(ctx, &h.meta.id, &training("2026-09-20", true)).unwrap()
        });
    }
    let p = with_ctx(ws, STAFF, |ctx| {
        helper::pair(
            ctx,
            &PairingDraft {
                helper_id: h.meta.id.clone(),
                person_id: helped.clone(),
                from: "2026-10-01".into(),
                to: String::new(),
                items: vec!["neighbour_home_care".into()],
                frequency: "weekly".into(),
            },
        )
        .unwrap()
    });
    Pair {
        helper: h.meta.id,
        pairing: p.meta.id,
    }
}

#[test]
fn a_helpers_month_is_listed_approved_by_the_subdistrict_paid_and_booked() {
    let mut ws = DemoWs::new();
    let pair = paired(&mut ws, true);
    // The subdistrict's rule: 20 元 a visit, at most 50 元 a month.
    let rule = with_ctx(&mut ws, CW, |ctx| {
        subsidy::set_rule(ctx, "per_visit", "20", "50").unwrap()
    });
    assert_eq!((rule.rate, rule.cap), (Fen(2000), Fen(5000)));
    for (day, confirmed) in [
        ("2026-11-02", true),
        ("2026-11-09", true),
        ("2026-11-16", true),
        ("2026-11-23", false),
    ] {
        with_ctx(&mut ws, STAFF, |ctx| {
            helper::record_visit(ctx, &visit(&pair.pairing, day, 60, confirmed)).unwrap()
        });
    }
    let list = with_ctx(&mut ws, STAFF, |ctx| {
        subsidy::make(ctx, C1, november()).unwrap()
    });
    assert_eq!(list.lines.len(), 1);
    let line = &list.lines[0];
    assert_eq!(
        (line.visits, line.reckoned, line.amount),
        (3, Fen(6000), Fen(5000))
    );
    assert!(
        line.capped(),
        "three visits come to 60 元; the cap pays 50 元"
    );
    assert_eq!(list.excluded.len(), 1);
    assert_eq!(list.excluded[0].reason, Exclusion::Unconfirmed);
    assert_eq!(list.total, Fen(5000));

    with_ctx(&mut ws, STAFF, |ctx| {
        subsidy::submit(ctx, &list.meta.id).unwrap()
    });
    // The month is closed once submitted: no visit is added to it.
    let before = rows(&ws);
    let e = with_ctx(&mut ws, STAFF, |ctx| {
        helper::record_visit(ctx, &visit(&pair.pairing, "2026-11-25", 60, true)).unwrap_err()
    });
    assert_eq!(
        reason_of(&e),
        inconsistent(Field::Date, "subsidy_rule.month_closed")
    );
    let e = with_ctx(&mut ws, STAFF, |ctx| {
        subsidy::make(ctx, C1, november()).unwrap_err()
    });
    assert_eq!(
        reason_of(&e),
        inconsistent(Field::RecordState, "subsidy_rule.not_a_draft")
    );
    // The community staff may not approve; nothing changed by any refusal.
    let e = with_ctx(&mut ws, STAFF, |ctx| {
        subsidy::approve(ctx, &list.meta.id).unwrap_err()
    });
    assert!(matches!(e, AppError::Denied { .. }), "{e:?}");
    assert_eq!(rows(&ws), before);

    // Waiting for the subdistrict: in its caseworker's 待办, not in the community staff's.
    let waiting = |ws: &mut DemoWs, user: &str| {
        with_ctx(ws, user, |ctx| jiuzhu::app::inbox::tasks(ctx).unwrap())
            .items
            .iter()
            .filter(|i| i.kind == jiuzhu::app::inbox::InboxKind::SubsidyToApprove)
            .count()
    };
    assert_eq!((waiting(&mut ws, CW), waiting(&mut ws, STAFF)), (1, 0));
    let approved = with_ctx(&mut ws, CW, |ctx| {
        subsidy::approve(ctx, &list.meta.id).unwrap()
    });
    assert_eq!(waiting(&mut ws, CW), 0, "approved: no longer waiting");
    assert_eq!(approved.state, SettlementState::Approved);
    assert_eq!(approved.approved_by.as_deref(), Some(CW));
    let before = rows(&ws);
    let e = with_ctx(&mut ws, CW, |ctx| {
        subsidy::approve(ctx, &list.meta.id).unwrap_err()
    });
    assert_eq!(
        reason_of(&e),
        inconsistent(Field::RecordState, "subsidy_rule.not_submitted"),
        "a second approval"
    );
    // 专款专用: the subdistrict's ledger must hold it.
    let e = with_ctx(&mut ws, CW, |ctx| {
        subsidy::pay(ctx, &list.meta.id, None, "记-2026-1201", "district_finance").unwrap_err()
    });
    assert_eq!(
        reason_of(&e),
        (
            Field::FundSource,
            Reason::Overspent {
                balance: "0.00".into(),
                amount: "50.00".into()
            }
        )
    );
    assert_eq!(rows(&ws), before);
    with_ctx(&mut ws, CW, |ctx| {
        jiuzhu::app::ledger::book_income(
            ctx,
            &jiuzhu::app::ledger::IncomeDraft {
                source: "district_finance".into(),
                kind: jiuzhu::domain::ledger::EntryKind::Appropriation,
                amount: "1000".into(),
                booked_on: None,
                note: "青民字〔2026〕30号".into(),
            },
        )
        .unwrap()
    });
    let paid = with_ctx(&mut ws, CW, |ctx| {
        subsidy::pay(ctx, &list.meta.id, None, "记-2026-1201", "district_finance").unwrap()
    });
    assert_eq!(paid.state, SettlementState::Paid);
    let (balances, by_measure) = with_ctx(&mut ws, "supervisor", |ctx| {
        (
            jiuzhu::app::ledger::balances(ctx, None).unwrap(),
            jiuzhu::app::ledger::spent_by_measure(ctx).unwrap(),
        )
    });
    assert_eq!(balances.len(), 1);
    assert_eq!(balances[0].0, "360104001", "the subdistrict pays");
    assert_eq!(
        (balances[0].2.spent, balances[0].2.balance),
        (Fen(5000), Fen(95_000))
    );
    assert_eq!(by_measure, [("neighbour_help".to_string(), Fen(5000))]);
    // A paid month stays closed.
    let e = with_ctx(&mut ws, STAFF, |ctx| {
        helper::record_visit(ctx, &visit(&pair.pairing, "2026-11-26", 30, true)).unwrap_err()
    });
    assert_eq!(
        reason_of(&e),
        inconsistent(Field::Date, "subsidy_rule.month_closed")
    );

    // The payment list: the helper by name, the account with its last four digits only.
    let (html, xlsx) = with_ctx(&mut ws, CW, |ctx| {
        (
            subsidy::print(ctx, &list.meta.id, ListFormat::Html, Lang::ZhCn).unwrap(),
            subsidy::print(ctx, &list.meta.id, ListFormat::Xlsx, Lang::ZhCn).unwrap(),
        )
    });
    let html = std::fs::read_to_string(html).unwrap();
    for want in [
        "邻里互助服务补贴发放表（2026年11月）",
        "李桂兰",
        "**** **** **** *** 5678",
        "50.00（已达上限）",
        "领取人签字",
        "补贴标准：每次 20.00 元，每人每月最高 50.00 元",
        "本月发放补贴共 1 人，合计 50.00 元。",
    ] {
        assert!(html.contains(want), "the list lacks {want}");
    }
    assert!(
        !html.contains(ACCOUNT) && !html.contains("621700"),
        "the account is masked"
    );
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    let range = calamine::Reader::worksheet_range_at(&mut book, 0)
        .unwrap()
        .unwrap();
    let cells: Vec<String> = range.cells().map(|(_, _, c)| c.to_string()).collect();
    assert!(cells.iter().any(|c| c == "**** **** **** *** 5678"));
    assert!(!cells.iter().any(|c| c.contains(ACCOUNT)));
    let amounts: Vec<f64> = range
        .rows()
        .filter_map(|r| match r.get(4) {
            Some(calamine::Data::Float(f)) => Some(*f),
            _ => None,
        })
        .collect();
    assert_eq!(amounts, [50.0, 50.0], "the line and the total, as numbers");

    assert!(
        with_ctx(&mut ws, "supervisor", |ctx| jiuzhu::app::check::run(ctx)
            .unwrap())
        .ok()
    );
    let c = rusqlite::Connection::open(ws.db()).unwrap();
    assert!(
        c.execute(
            "UPDATE subsidy_lists SET approved_by = submitted_by WHERE id = ?1",
            [&list.meta.id],
        )
        .is_err(),
        "the database holds maker-checker too"
    );
    assert!(c.execute("DELETE FROM help_visits", []).is_err());
    // A total edited behind the program's back is found.
    c.execute(
        "UPDATE subsidy_lists SET total_fen = 4000 WHERE id = ?1",
        [&list.meta.id],
    )
    .unwrap();
    drop(c);
    let report = with_ctx(&mut ws, "supervisor", |ctx| {
        jiuzhu::app::check::run(ctx).unwrap()
    });
    assert!(
        report
            .findings
            .contains(&jiuzhu::app::check::Finding::TotalNotSum(
                list.meta.id.clone()
            )),
        "{:?}",
        report.findings
    );
    // The person helped has the pairing and the visits in their file's timeline.
    let helped = with_ctx(&mut ws, STAFF, |ctx| {
        let p = helper::pairings_of(ctx, &pair.helper)
            .unwrap()
            .into_iter()
            .find(|p| p.meta.id == pair.pairing)
            .unwrap();
        jiuzhu::app::person::timeline(ctx, &p.person_id).unwrap()
    });
    let kinds: Vec<&str> = helped.iter().map(|e| e.kind.as_str()).collect();
    assert!(kinds.contains(&"pairing.create"), "{kinds:?}");
    assert_eq!(
        kinds.iter().filter(|k| **k == "help_visit.create").count(),
        4
    );
}

#[test]
fn visits_by_an_untrained_helper_or_outside_the_pairing_are_refused() {
    let mut ws = DemoWs::new();
    let pair = paired(&mut ws, false);
    let before = rows(&ws);
    let e = with_ctx(&mut ws, STAFF, |ctx| {
        helper::record_visit(ctx, &visit(&pair.pairing, "2026-11-02", 60, true)).unwrap_err()
    });
    assert_eq!(
        reason_of(&e),
        inconsistent(Field::Helper, "helper_rule.untrained")
    );
    assert_eq!(
        e.localize(Lang::ZhCn),
        "互助员：该互助员在服务当日尚未通过培训，不能登记互助服务"
    );
    // A failed training does not count either; a passed one from the day it ended.
    with_ctx(&mut ws, STAFF, |ctx| {
        helper::add_training(ctx, &pair.helper, &training("2026-10-10", false)).unwrap();
        helper::add_training(ctx, &pair.helper, &training("2026-10-20", true)).unwrap()
    });
    let e = with_ctx(&mut ws, STAFF, |ctx| {
        helper::record_visit(ctx, &visit(&pair.pairing, "2026-10-15", 60, true)).unwrap_err()
    });
    assert_eq!(
        reason_of(&e),
        inconsistent(Field::Helper, "helper_rule.untrained")
    );
    // Before the pairing began, or after it ended.
    with_ctx(&mut ws, STAFF, |ctx| {
        helper::end_pairing(
            ctx,
            &pair.pairing,
            Some(common::history::day("2026-11-10")),
            "张德明搬去子女家居住",
        )
        .unwrap()
    });
    let e = with_ctx(&mut ws, STAFF, |ctx| {
        helper::record_visit(ctx, &visit(&pair.pairing, "2026-11-12", 60, true)).unwrap_err()
    });
    assert_eq!(
        reason_of(&e),
        inconsistent(Field::Date, "helper_rule.outside_pairing"),
        "after the pairing ended"
    );
    let e = with_ctx(&mut ws, STAFF, |ctx| {
        let mut v = visit(&pair.pairing, "2026-11-05", 60, true);
        v.item = "meal_delivery".into();
        helper::record_visit(ctx, &v).unwrap_err()
    });
    assert_eq!(
        reason_of(&e),
        inconsistent(Field::Needs, "helper_rule.item_not_paired")
    );
    let after_trainings = rows(&ws);
    assert_eq!(
        after_trainings.0,
        before.0 + 3,
        "two trainings and the pairing's end only"
    );
    // Within the period, trained: recorded.
    with_ctx(&mut ws, STAFF, |ctx| {
        helper::record_visit(ctx, &visit(&pair.pairing, "2026-11-05", 60, true)).unwrap()
    });
    // A helper never helps themself.
    let own = with_ctx(&mut ws, STAFF, |ctx| {
        helper::get(ctx, &pair.helper).unwrap()
    })
    .person_id;
    let e = with_ctx(&mut ws, STAFF, |ctx| {
        helper::pair(
            ctx,
            &PairingDraft {
                helper_id: pair.helper.clone(),
                person_id: own.clone(),
                from: "2026-11-01".into(),
                items: vec!["neighbour_home_care".into()],
                frequency: "weekly".into(),
                ..Default::default()
            },
        )
        .unwrap_err()
    });
    assert_eq!(
        reason_of(&e),
        inconsistent(Field::Persons, "helper_rule.helps_self")
    );
    // A month without a rule cannot be listed.
    let e = with_ctx(&mut ws, STAFF, |ctx| {
        subsidy::make(ctx, C1, november()).unwrap_err()
    });
    assert_eq!(
        reason_of(&e),
        inconsistent(Field::SubsidyRate, "subsidy_rule.no_rule")
    );
}

#[test]
fn no_account_approves_the_list_it_submitted() {
    let mut ws = DemoWs::new();
    let pair = paired(&mut ws, true);
    with_ctx(&mut ws, "admin", |ctx| {
        subsidy::set_rule(ctx, "per_hour", "15", "300").unwrap()
    });
    with_ctx(&mut ws, STAFF, |ctx| {
        helper::record_visit(ctx, &visit(&pair.pairing, "2026-11-02", 50, true)).unwrap();
        helper::record_visit(ctx, &visit(&pair.pairing, "2026-11-09", 50, true)).unwrap()
    });
    let id = with_ctx(&mut ws, "admin", |ctx| {
        let l = subsidy::make(ctx, C1, november()).unwrap();
        // 100 minutes are 1.67 hours at 15 元: 25.05 元, exactly.
        assert_eq!(l.total, Fen(2505));
        subsidy::submit(ctx, &l.meta.id).unwrap();
        l.meta.id
    });
    let before = rows(&ws);
    let e = with_ctx(&mut ws, "admin", |ctx| {
        subsidy::approve(ctx, &id).unwrap_err()
    });
    assert_eq!(
        reason_of(&e),
        (
            Field::Approver,
            Reason::SameAccount {
                account: "admin".into()
            }
        )
    );
    // Even with the workstation's maker-checker exception on (for case decisions).
    with_ctx(&mut ws, "admin", |ctx| {
        jiuzhu::app::settings::set_assessor_may_decide(ctx, true).unwrap()
    });
    let e = with_ctx(&mut ws, "admin", |ctx| {
        subsidy::approve(ctx, &id).unwrap_err()
    });
    assert_eq!(reason_of(&e).0, Field::Approver);
    // The rule changed after the list was made: the subdistrict sends it back.
    with_ctx(&mut ws, CW, |ctx| {
        subsidy::set_rule(ctx, "per_hour", "16", "300").unwrap()
    });
    let e = with_ctx(&mut ws, CW, |ctx| subsidy::approve(ctx, &id).unwrap_err());
    assert_eq!(
        reason_of(&e),
        inconsistent(Field::SubsidyRate, "subsidy_rule.rule_changed")
    );
    assert_eq!(rows(&ws), before);
    // Every change of the rule is in the access log.
    let c = rusqlite::Connection::open(ws.db()).unwrap();
    let logged: i64 = c
        .query_row(
            "SELECT count(*) FROM access_log WHERE event = 'setting' AND subject = 'subsidy.rule'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(logged, 2);
}

#[test]
fn a_list_approved_at_the_subdistrict_shows_approved_at_the_community() {
    use common::exchange::{pair, Station, COM, SUB};
    use jiuzhu::domain::permission::{Grant, Role};
    let mut com = Station::community(false);
    let mut sub = Station::subdistrict(false);
    pair(&mut com, &mut sub);
    let person = |ctx: &mut jiuzhu::app::Ctx<'_>, name: &str| {
        jiuzhu::app::person::create(
            ctx,
            &jiuzhu::domain::person::PersonDraft {
                name: name.into(),
                community: COM.into(),
                address: "洪都新村5栋".into(),
                assistance_status: "urban_minimum_living".into(),
                ..Default::default()
            },
        )
        .unwrap()
    };
    let list_id = com.ctx(|ctx| {
        let helper_person = person(ctx, "李桂兰");
        let helped = person(ctx, "张德明");
        let h = helper::register(
            ctx,
            &HelperDraft {
                person_id: helper_person,
                bank_name: "中国建设银行".into(),
                bank_account: ACCOUNT.into(),
            },
        )
        .unwrap();
        helper::add_training(ctx, &h.meta.id, &training("2026-09-20", true)).unwrap();
        let p = helper::pair(
            ctx,
            &PairingDraft {
                helper_id: h.meta.id.clone(),
                person_id: helped,
                from: "2026-10-01".into(),
                items: vec!["neighbour_home_care".into()],
                frequency: "weekly".into(),
                ..Default::default()
            },
        )
        .unwrap();
        helper::record_visit(ctx, &visit(&p.meta.id, "2026-11-02", 60, true)).unwrap();
        // The community enters the rule the subdistrict announced.
        subsidy::set_rule(ctx, "per_visit", "20", "200").unwrap();
        let l = subsidy::make(ctx, COM, november()).unwrap();
        subsidy::submit(ctx, &l.meta.id).unwrap();
        l.meta.id
    });
    let up = com.export_to(SUB);
    sub.import_ok(&up.path);
    sub.ctx(|ctx| {
        subsidy::set_rule(ctx, "per_visit", "20", "200").unwrap();
        jiuzhu::app::users::add(
            ctx,
            "wang.shenhe",
            "王审核",
            &[Role::SubdistrictCaseworker],
            Some(SUB),
            None,
            zeroize::Zeroizing::new("Qingyunpu-2026!".to_string()),
        )
        .unwrap()
    });
    let checker = jiuzhu::app::Session {
        username: "wang.shenhe".into(),
        grants: vec![Grant {
            role: Role::SubdistrictCaseworker,
            org: SUB.into(),
        }],
    };
    let admin = std::mem::replace(&mut sub.session, checker);
    let approved = sub.ctx(|ctx| subsidy::approve(ctx, &list_id).unwrap());
    assert_eq!(approved.total, Fen(2000));
    sub.session = admin;
    let down = sub.export_to(COM);
    com.import_ok(&down.path);
    let held = com.ctx(|ctx| subsidy::get(ctx, &list_id).unwrap());
    assert_eq!(held.state, SettlementState::Approved);
    assert_eq!(held.approved_by.as_deref(), Some("wang.shenhe"));
    com.assert_check();
    sub.assert_check();
}
