//! The 待办 inbox, its time limits, scheduled re-reviews and timeliness per community, through
//! `app` with hand-made histories: each step is taken on its own day by a fixed clock, and
//! "today" is the common clock's 2026-11-28.

mod common;

use common::history::{accepted, carded, day, in_service, meal_provider, new_clue, new_person, on};
use common::{with_ctx, DemoWs};
use jiuzhu::app::inbox::{self, InboxKind, Target};
use jiuzhu::app::timeliness::{self, Period, Step};
use jiuzhu::app::{case, clue, service, settings, supervision, AppError};
use jiuzhu::domain::timeliness::{Limit, Thresholds};
use jiuzhu::domain::validation::Field;
use jiuzhu::i18n::{Lang, Localize};

const C1: &str = common::history::C1;
const C2: &str = common::history::C2;

fn kinds_of(ws: &mut DemoWs, user: &str) -> Vec<(InboxKind, String)> {
    with_ctx(ws, user, |ctx| inbox::tasks(ctx).unwrap())
        .items
        .into_iter()
        .map(|i| (i.kind, i.community))
        .collect()
}

#[test]
fn each_role_sees_only_the_tasks_it_may_act_on() {
    let mut ws = DemoWs::new();
    // In each of two communities: a clue to verify, one to report, a report to accept.
    for (n, community) in [C1, C2].into_iter().enumerate() {
        let p = new_person(&mut ws, &format!("甲{n}"), community);
        new_clue(&mut ws, &p, "2026-11-20");
        let p = new_person(&mut ws, &format!("乙{n}"), community);
        let c = new_clue(&mut ws, &p, "2026-11-20");
        on(&mut ws, "2026-11-21", "demo", |ctx| {
            clue::verify(ctx, &c, true, "").unwrap()
        });
        let p = new_person(&mut ws, &format!("丙{n}"), community);
        let c = new_clue(&mut ws, &p, "2026-11-20");
        on(&mut ws, "2026-11-21", "demo", |ctx| {
            clue::verify(ctx, &c, true, "").unwrap();
            clue::report(ctx, &c).unwrap()
        });
    }
    // A case to survey and a service due for review in community 1; a complaint there.
    let p = new_person(&mut ws, "丁", C1);
    let c = new_clue(&mut ws, &p, "2026-11-01");
    accepted(&mut ws, &c, "2026-11-02", "2026-11-02", "2026-11-03");
    in_service(&mut ws, "戊", C1, "2026-03-01");
    with_ctx(&mut ws, "demo", |ctx| {
        supervision::receive(
            ctx,
            &supervision::ComplaintDraft {
                community: C1.into(),
                channel: "hotline".into(),
                received_on: Some(day("2026-11-27")),
                complainant: "邻居".into(),
                content: "送餐不按时".into(),
                ..Default::default()
            },
        )
        .unwrap()
    });

    let officer = kinds_of(&mut ws, "info_officer");
    assert!(
        officer.iter().all(|(_, c)| c == C1),
        "community 1 only: {officer:?}"
    );
    let kinds: Vec<InboxKind> = officer.iter().map(|(k, _)| *k).collect();
    assert!(kinds.contains(&InboxKind::VerifyClue) && kinds.contains(&InboxKind::ReportClue));
    for k in [
        InboxKind::AcceptReport,
        InboxKind::Survey,
        InboxKind::ReviewDue,
        InboxKind::Complaint,
    ] {
        assert!(!kinds.contains(&k), "an officer does not {k:?}: {kinds:?}");
    }

    let staff: Vec<InboxKind> = kinds_of(&mut ws, "community_staff")
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert!(staff.contains(&InboxKind::ReportClue) && staff.contains(&InboxKind::Complaint));
    assert!(!staff.contains(&InboxKind::VerifyClue), "{staff:?}");

    let caseworker = kinds_of(&mut ws, "subdistrict_caseworker");
    let kinds: Vec<InboxKind> = caseworker.iter().map(|(k, _)| *k).collect();
    for k in [
        InboxKind::AcceptReport,
        InboxKind::Survey,
        InboxKind::ReviewDue,
        InboxKind::Complaint,
    ] {
        assert!(kinds.contains(&k), "a caseworker handles {k:?}: {kinds:?}");
    }
    assert!(
        !kinds.contains(&InboxKind::VerifyClue) && !kinds.contains(&InboxKind::ReportClue),
        "verifying and reporting are the community's: {kinds:?}"
    );
    assert!(
        caseworker.iter().any(|(_, c)| c == C2),
        "the subdistrict's communities"
    );

    for nobody in ["supervisor", "provider_staff"] {
        let i = with_ctx(&mut ws, nobody, |ctx| inbox::tasks(ctx).unwrap());
        assert_eq!((i.items.len(), i.total), (0, 0), "{nobody}");
    }
    let all = with_ctx(&mut ws, "demo", |ctx| inbox::tasks(ctx).unwrap());
    // 6 clues, 1 survey, 1 review, 1 complaint, and the one in service all October with no
    // service recorded: off the plan.
    assert_eq!(all.total, 10, "{:?}", all.items);
}

#[test]
fn overdue_first_then_oldest_with_ages_and_limits() {
    let mut ws = DemoWs::new();
    let fresh = new_person(&mut ws, "新线索", C1);
    new_clue(&mut ws, &fresh, "2026-11-27");
    let old = new_person(&mut ws, "旧线索", C1);
    new_clue(&mut ws, &old, "2026-11-20");
    let older = new_person(&mut ws, "更旧线索", C1);
    new_clue(&mut ws, &older, "2026-11-26");
    // Accepted 2026-11-25: 3 days of the survey's 7, not overdue, but older than the fresh clue.
    let p = new_person(&mut ws, "待调查", C1);
    let c = new_clue(&mut ws, &p, "2026-11-24");
    accepted(&mut ws, &c, "2026-11-24", "2026-11-24", "2026-11-25");

    let inbox = with_ctx(&mut ws, "demo", |ctx| inbox::tasks(ctx).unwrap());
    let names: Vec<&str> = inbox.items.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["旧线索", "待调查", "更旧线索", "新线索"]);
    let first = &inbox.items[0];
    assert_eq!(
        (first.kind, first.days, first.limit, first.overdue),
        (InboxKind::VerifyClue, 8, 3, true)
    );
    assert!(matches!(first.target, Target::Clue(_)));
    let survey = &inbox.items[1];
    assert_eq!(
        (survey.kind, survey.days, survey.limit, survey.overdue),
        (InboxKind::Survey, 3, 7, false)
    );
    assert!(matches!(survey.target, Target::Case(_)));
    assert_eq!((inbox.total, inbox.overdue), (4, 1));
}

#[test]
fn thresholds_changed_in_settings_change_what_is_overdue() {
    let mut ws = DemoWs::new();
    let p = new_person(&mut ws, "王桂英", C1);
    new_clue(&mut ws, &p, "2026-11-23");
    let overdue = |ws: &mut DemoWs| {
        let inbox = with_ctx(ws, "demo", |ctx| inbox::tasks(ctx).unwrap());
        let listed = with_ctx(ws, "demo", |ctx| clue::list(ctx, None, 10).unwrap());
        assert_eq!(
            inbox.items[0].overdue, listed[0].overdue,
            "inbox and list agree"
        );
        inbox.items[0].overdue
    };
    assert!(overdue(&mut ws), "5 days against the default 3");

    let relaxed = Thresholds::default().with(Limit::Verify, 7);
    let e = with_ctx(&mut ws, "info_officer", |ctx| {
        settings::set_thresholds(ctx, &relaxed).unwrap_err()
    });
    assert!(matches!(e, AppError::Denied { .. }), "{e:?}");
    assert!(overdue(&mut ws), "a refused change changes nothing");

    let changed = with_ctx(&mut ws, "demo", |ctx| {
        settings::set_thresholds(ctx, &relaxed).unwrap()
    });
    assert_eq!(changed, 1);
    assert!(!overdue(&mut ws), "5 days against 7");
    let stored = with_ctx(&mut ws, "supervisor", |ctx| {
        settings::thresholds(ctx).unwrap()
    });
    assert_eq!(stored.get(Limit::Verify), 7);
    assert_eq!(
        stored.get(Limit::Survey),
        7,
        "the others keep their defaults"
    );

    let e = with_ctx(&mut ws, "demo", |ctx| {
        settings::set_thresholds(ctx, &relaxed.with(Limit::ReviewInterval, 5)).unwrap_err()
    });
    match &e {
        AppError::Validation(v) => assert_eq!(v.field, Field::Limit(Limit::ReviewInterval)),
        other => panic!("{other:?}"),
    }
    let msg = e.localize(Lang::ZhCn);
    assert!(msg.contains("复核周期") && msg.contains("30"), "{msg}");
    assert!(e.localize(Lang::En).contains("Review every"));

    // Each change is on the access log, never in the change log.
    let c = rusqlite::Connection::open(ws.db()).unwrap();
    let (event, detail): (String, String) = c
        .query_row(
            "SELECT event, detail FROM access_log WHERE subject = 'verify_days'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((event.as_str(), detail.as_str()), ("setting", "3 -> 7"));
    let logged: i64 = c
        .query_row(
            "SELECT count(*) FROM change_log WHERE kind LIKE 'setting%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(logged, 0);
}

#[test]
fn a_service_past_its_review_date_is_due_and_a_review_reschedules_it() {
    let mut ws = DemoWs::new();
    let case_id = in_service(&mut ws, "周敏", C1, "2026-05-01");
    let c = with_ctx(&mut ws, "demo", |ctx| case::get(ctx, &case_id).unwrap());
    assert_eq!(
        c.reviewed_on,
        Some(day("2026-05-01")),
        "the card starts the schedule"
    );
    let t = Thresholds::default();
    assert_eq!(case::next_review(&c, &t), Some(day("2026-10-28")));

    let inbox = with_ctx(&mut ws, "subdistrict_caseworker", |ctx| {
        inbox::tasks(ctx).unwrap()
    });
    let due: Vec<_> = inbox
        .items
        .iter()
        .filter(|i| i.kind == InboxKind::ReviewDue)
        .collect();
    assert_eq!(due.len(), 1);
    assert_eq!(
        (due[0].since, due[0].days, due[0].overdue),
        (day("2026-10-28"), 31, true)
    );
    assert_eq!(due[0].target, Target::Case(case_id.clone()));

    // A yearly schedule is not due yet.
    with_ctx(&mut ws, "demo", |ctx| {
        settings::set_thresholds(ctx, &t.with(Limit::ReviewInterval, 365)).unwrap()
    });
    let kinds = kinds_of(&mut ws, "subdistrict_caseworker");
    assert!(!kinds.iter().any(|(k, _)| *k == InboxKind::ReviewDue));
    with_ctx(&mut ws, "demo", |ctx| {
        settings::set_thresholds(ctx, &t).unwrap()
    });

    // The review continues the service: due again in 180 days, the card renewed for a year.
    let reviewed = with_ctx(&mut ws, "subdistrict_caseworker", |ctx| {
        case::review(
            ctx,
            &case_id,
            &common::review_continue("王干事", "半年复核，继续服务"),
        )
        .unwrap()
    });
    assert_eq!(reviewed.reviewed_on, Some(day("2026-11-28")));
    assert_eq!(reviewed.card_valid_until, Some(day("2027-11-28")));
    assert_eq!(
        reviewed.card_version, 1,
        "the same items: the same card version"
    );
    assert_eq!(case::next_review(&reviewed, &t), Some(day("2027-05-27")));
    let kinds = kinds_of(&mut ws, "subdistrict_caseworker");
    assert!(
        !kinds.iter().any(|(k, _)| *k == InboxKind::ReviewDue),
        "{kinds:?}"
    );

    // Changing the items makes a new card version; the change log keeps the old one.
    let changed = with_ctx(&mut ws, "subdistrict_caseworker", |ctx| {
        case::review(
            ctx,
            &case_id,
            &case::Review {
                outcome: case::REVIEW_ADJUST.into(),
                needs: Some(vec!["meal_delivery".into(), "cleaning".into()]),
                ..common::review_continue("王干事", "")
            },
        )
        .unwrap()
    });
    assert_eq!(changed.card_version, 2);
    let versions: i64 = rusqlite::Connection::open(ws.db())
        .unwrap()
        .query_row(
            "SELECT count(DISTINCT json_extract(record, '$.card_version')) FROM change_log WHERE record_id = ?1",
            [&case_id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(versions, 3, "0 before the card, then 1 and 2");
    let report = with_ctx(&mut ws, "supervisor", |ctx| {
        jiuzhu::app::check::run(ctx).unwrap()
    });
    assert!(report.ok(), "{:?}", report.findings);
}

#[test]
fn cards_about_to_expire_and_expired_are_listed() {
    let mut ws = DemoWs::new();
    // Valid until 2026-12-10: in the 30-day window, not yet late.
    let soon = in_service(&mut ws, "快到期", C1, "2025-12-10");
    // Valid until 2026-11-01: expired.
    let gone = in_service(&mut ws, "已过期", C2, "2025-11-01");
    // Valid until 2027-06-01: not listed.
    in_service(&mut ws, "有效", C1, "2026-06-01");
    let inbox = with_ctx(&mut ws, "demo", |ctx| inbox::tasks(ctx).unwrap());
    let cards: Vec<_> = inbox
        .items
        .iter()
        .filter(|i| i.kind == InboxKind::CardExpiring)
        .collect();
    assert_eq!(cards.len(), 2, "{cards:?}");
    assert_eq!(
        cards[0].target,
        Target::Case(gone.clone()),
        "the expired first"
    );
    assert!(cards[0].overdue);
    assert_eq!(cards[1].target, Target::Case(soon.clone()));
    assert_eq!(
        (cards[1].since, cards[1].days, cards[1].overdue),
        (day("2026-11-10"), 18, false)
    );
    // A narrower warning window leaves the valid card out.
    let t = Thresholds::default().with(Limit::CardWarning, 7);
    with_ctx(&mut ws, "demo", |ctx| {
        settings::set_thresholds(ctx, &t).unwrap()
    });
    let inbox = with_ctx(&mut ws, "demo", |ctx| inbox::tasks(ctx).unwrap());
    let cards: Vec<&Target> = inbox
        .items
        .iter()
        .filter(|i| i.kind == InboxKind::CardExpiring)
        .map(|i| &i.target)
        .collect();
    assert_eq!(cards, [&Target::Case(gone.clone())]);
    // A review renews the expired card: it leaves the inbox.
    with_ctx(&mut ws, "demo", |ctx| {
        case::review(ctx, &gone, &common::review_continue("王干事", "")).unwrap()
    });
    let kinds = kinds_of(&mut ws, "demo");
    assert!(!kinds.iter().any(|(k, _)| *k == InboxKind::CardExpiring));
}

#[test]
fn timeliness_per_community_from_the_stored_timestamps() {
    let mut ws = DemoWs::new();
    let provider = meal_provider(&mut ws);
    // Community 1, A: found 11-01, verified 11-03 (2), reported 11-04 (1), accepted 11-06 (2),
    // surveyed 11-10 (4), approved 11-20 (10), card 11-21, first service 11-23 (2).
    let a = new_person(&mut ws, "甲", C1);
    let ca = new_clue(&mut ws, &a, "2026-11-01");
    let case_a = accepted(&mut ws, &ca, "2026-11-03", "2026-11-04", "2026-11-06");
    carded(&mut ws, &case_a, "2026-11-10", "2026-11-20", "2026-11-21");
    let card = with_ctx(&mut ws, "demo", |ctx| case::get(ctx, &case_a).unwrap())
        .card_no
        .unwrap();
    for served in ["2026-11-25", "2026-11-23"] {
        on(&mut ws, served, "demo", |ctx| {
            service::register(ctx, &provider, &card).unwrap();
            service::record(
                ctx,
                &service::ServiceDraft {
                    provider_id: provider.clone(),
                    card_no: card.clone(),
                    item: "meal_delivery".into(),
                    served_on: Some(day(served)),
                    minutes: 30,
                    served_by: "刘敏".into(),
                    content: "送午餐".into(),
                    confirmed: true,
                    satisfaction: None,
                },
            )
            .unwrap()
        });
    }
    // Community 1, B: found 11-10, verified 11-14 (4), reported 11-14 (0), accepted 11-15 (1);
    // not surveyed by 11-28: 13 days against 7, overdue.
    let b = new_person(&mut ws, "乙", C1);
    let cb = new_clue(&mut ws, &b, "2026-11-10");
    accepted(&mut ws, &cb, "2026-11-14", "2026-11-14", "2026-11-15");
    // Community 2, C: found 11-20, found unfounded 11-21 (1).
    let c = new_person(&mut ws, "丙", C2);
    let cc = new_clue(&mut ws, &c, "2026-11-20");
    on(&mut ws, "2026-11-21", "demo", |ctx| {
        clue::verify(ctx, &cc, false, "已有子女照料").unwrap()
    });

    let report = with_ctx(&mut ws, "demo", |ctx| {
        timeliness::report(ctx, None).unwrap()
    });
    let row = |code: &str| {
        report
            .communities
            .iter()
            .find(|r| r.community == code)
            .unwrap_or_else(|| panic!("{code} missing"))
            .clone()
    };
    let c1 = row(C1);
    let got = |r: &timeliness::CommunityTimeliness| -> Vec<(usize, Option<f64>)> {
        Step::ALL
            .iter()
            .map(|s| (r.step(*s).count, r.step(*s).median))
            .collect()
    };
    assert_eq!(
        got(&c1),
        [
            (2, Some(3.0)),
            (2, Some(0.5)),
            (2, Some(1.5)),
            (1, Some(4.0)),
            (1, Some(10.0)),
            (1, Some(2.0)),
        ]
    );
    assert_eq!(c1.overdue, 1);
    let c2 = row(C2);
    assert_eq!(c2.step(Step::Verify).count, 1);
    assert_eq!(c2.step(Step::Verify).median, Some(1.0));
    assert_eq!(c2.step(Step::Report).median, None);
    assert_eq!(c2.overdue, 0);
    assert_eq!(report.total.step(Step::Verify).count, 3);
    assert_eq!(report.total.step(Step::Verify).median, Some(2.0));
    assert_eq!(report.total.overdue, 1);
    assert!(
        report.communities.len() >= 4,
        "every hosted community has a row, even without data"
    );

    // Only steps that ended in the period: 11-15 to 11-28.
    let period = Period {
        from: day("2026-11-15"),
        to: day("2026-11-28"),
    };
    let rows = with_ctx(&mut ws, "demo", |ctx| {
        timeliness::by_community(ctx, Some(period)).unwrap()
    });
    let c1 = rows.iter().find(|r| r.community == C1).unwrap();
    assert_eq!(got(c1)[0], (0, None), "both verified before the period");
    assert_eq!(got(c1)[2], (1, Some(1.0)), "B accepted 11-15");
    assert_eq!(got(c1)[4], (1, Some(10.0)), "A decided 11-20");

    // A community officer sees only their community.
    let rows = with_ctx(&mut ws, "info_officer", |ctx| {
        timeliness::by_community(ctx, None).unwrap()
    });
    assert!(rows.iter().all(|r| r.community == C1), "{rows:?}");
    let e = with_ctx(&mut ws, "provider_staff", |ctx| {
        timeliness::by_community(ctx, None).unwrap_err()
    });
    assert!(matches!(e, AppError::Denied { .. }));
}

/// The review falls due on its day and the card's warning window opens on its day, not a day
/// later or earlier, however the cases in service are picked from the database.
#[test]
fn review_and_card_windows_open_on_their_exact_day() {
    let mut ws = DemoWs::new();
    // Carded (and so last reviewed) 180 days before 2026-11-28: due today.
    let due_today = in_service(&mut ws, "今天到期", C1, "2026-06-01");
    let not_yet = in_service(&mut ws, "明天到期", C1, "2026-06-02");
    // Cards ending 30 and 31 days from today.
    let in_window = in_service(&mut ws, "三十天", C2, "2025-12-28");
    let outside = in_service(&mut ws, "三十一天", C2, "2025-12-29");
    let inbox = with_ctx(&mut ws, "demo", |ctx| inbox::tasks(ctx).unwrap());
    let listed = |kind: InboxKind, case_id: &str| {
        inbox
            .items
            .iter()
            .any(|i| i.kind == kind && i.target == Target::Case(case_id.to_string()))
    };
    assert!(listed(InboxKind::ReviewDue, &due_today));
    assert!(!listed(InboxKind::ReviewDue, &not_yet));
    assert!(listed(InboxKind::CardExpiring, &in_window));
    assert!(!listed(InboxKind::CardExpiring, &outside));
}

fn set_status(ws: &mut DemoWs, person_id: &str, name: &str, community: &str, status: &str) {
    let version = with_ctx(ws, "demo", |ctx| {
        jiuzhu::app::person::get(ctx, person_id)
            .unwrap()
            .meta
            .version
    });
    with_ctx(ws, "demo", |ctx| {
        jiuzhu::app::person::update(
            ctx,
            person_id,
            version,
            &jiuzhu::domain::person::PersonDraft {
                name: name.into(),
                community: community.into(),
                address: "广州路1号".into(),
                assistance_status: status.into(),
                ..Default::default()
            },
        )
        .unwrap()
    });
}

#[test]
fn a_status_changed_by_hand_makes_the_rosters_follow_up_and_a_cancellation_asks_for_a_recheck() {
    use jiuzhu::app::task;
    use jiuzhu::domain::roster::RosterStatus;
    use jiuzhu::domain::task::TaskKind;
    let mut ws = DemoWs::new();
    let case_id = in_service(&mut ws, "张桂兰", C1, "2026-11-02");
    let pid = with_ctx(&mut ws, "demo", |ctx| {
        case::get(ctx, &case_id).unwrap().person_id
    });
    let open = |ws: &mut DemoWs| with_ctx(ws, "demo", |ctx| task::list_open(ctx).unwrap());
    assert!(open(&mut ws).is_empty());
    // 城市低保 → 特困供养: a change, reviewed like a roster row's change, naming the case.
    set_status(&mut ws, &pid, "张桂兰", C1, "extreme_poverty");
    let tasks = open(&mut ws);
    assert_eq!(tasks.len(), 1, "{tasks:?}");
    let t = &tasks[0].task;
    assert_eq!(t.kind, TaskKind::RosterReview);
    assert_eq!(t.roster_status, Some(RosterStatus::Changed));
    assert_eq!(t.category.as_deref(), Some("extreme_poverty"));
    assert_eq!(t.case_id.as_deref(), Some(case_id.as_str()));
    assert!(t.source.starts_with("person:"), "{}", t.source);
    assert!(!kinds_of(&mut ws, "subdistrict_caseworker")
        .iter()
        .any(|(k, _)| *k == InboxKind::RecheckCancelled));
    // 注销 by hand: a review task for the status cancelled, and the case in service waits as
    // 注销待复核 for the caseworker, who may suspend it.
    set_status(&mut ws, &pid, "张桂兰", C1, "none");
    let tasks = open(&mut ws);
    assert_eq!(tasks.len(), 2);
    let t = &tasks[1].task;
    assert_eq!(t.roster_status, Some(RosterStatus::Cancelled));
    assert_eq!(t.category.as_deref(), Some("extreme_poverty"));
    let items = with_ctx(&mut ws, "subdistrict_caseworker", |ctx| {
        inbox::tasks(ctx).unwrap()
    })
    .items;
    let recheck: Vec<_> = items
        .iter()
        .filter(|i| i.kind == InboxKind::RecheckCancelled)
        .collect();
    assert_eq!(recheck.len(), 1, "{items:?}");
    assert_eq!(recheck[0].target, Target::Case(case_id.clone()));
    assert_eq!(recheck[0].name, "张桂兰");
    assert_eq!(
        InboxKind::RecheckCancelled.action(),
        jiuzhu::domain::permission::Action::DecideCase
    );
    // A status given back: a visit, as for the newly approved; no recheck any more.
    set_status(&mut ws, &pid, "张桂兰", C1, "urban_minimum_living");
    let tasks = open(&mut ws);
    assert_eq!(tasks.len(), 3);
    assert_eq!(tasks[2].task.kind, TaskKind::RosterVisit);
    assert!(!kinds_of(&mut ws, "subdistrict_caseworker")
        .iter()
        .any(|(k, _)| *k == InboxKind::RecheckCancelled));
    // An edit that leaves the status alone makes no task.
    set_status(&mut ws, &pid, "张桂兰", C1, "urban_minimum_living");
    assert_eq!(open(&mut ws).len(), 3);
}

#[test]
fn overdue_means_one_thing_on_the_home_screen_and_in_the_timeliness_table() {
    use common::history::{accepted, new_clue, new_person, C1};
    let mut ws = DemoWs::new();
    // Accepted on 2026-11-01 and never surveyed: overdue by the 28th, a step of the
    // subdistrict's, in the information officer's community.
    let pid = new_person(&mut ws, "钱七", C1);
    let clue = new_clue(&mut ws, &pid, "2026-11-01");
    accepted(&mut ws, &clue, "2026-11-01", "2026-11-01", "2026-11-01");
    let of = |ws: &mut DemoWs, user: &str| {
        with_ctx(ws, user, |ctx| {
            let inbox = inbox::tasks(ctx).unwrap();
            let table = jiuzhu::app::timeliness::report(ctx, None).unwrap();
            (inbox.overdue, inbox.overdue_in_view, table.total.overdue)
        })
    };
    let (own, in_view, table) = of(&mut ws, "info_officer");
    assert_eq!(
        (own, in_view, table),
        (0, 1, 1),
        "not the officer's step, yet in view"
    );
    let (own, in_view, table) = of(&mut ws, "subdistrict_caseworker");
    assert_eq!((own, in_view, table), (1, 1, 1));
}

/// 经常性、连续性: last month's services of a planned item far under the plan (a daily meal
/// ten times in October) wait in 待办 for the community staff; a case that began mid-month is
/// not judged on it.
#[test]
fn services_far_under_the_plan_wait_in_the_inbox() {
    let mut ws = DemoWs::new();
    let provider = meal_provider(&mut ws);
    let whole = in_service(&mut ws, "甲", C1, "2026-09-20");
    let late = in_service(&mut ws, "乙", C1, "2026-10-15");
    let planned = with_ctx(&mut ws, "demo", |ctx| case::get(ctx, &whole).unwrap());
    assert_eq!(planned.plan[0].frequency, "daily");
    let card = planned.card_no.unwrap();
    for d in 1..=10 {
        let served = format!("2026-10-{d:02}");
        on(&mut ws, &served, "demo", |ctx| {
            if d == 1 {
                service::register(ctx, &provider, &card).unwrap();
            }
            service::record(
                ctx,
                &service::ServiceDraft {
                    provider_id: provider.clone(),
                    card_no: card.clone(),
                    item: "meal_delivery".into(),
                    served_on: Some(day(&served)),
                    minutes: 30,
                    served_by: "刘敏".into(),
                    content: "送午餐".into(),
                    confirmed: true,
                    satisfaction: None,
                },
            )
            .unwrap()
        });
    }
    let gaps = |ws: &mut DemoWs, user: &str| -> Vec<String> {
        with_ctx(ws, user, |ctx| inbox::tasks(ctx).unwrap())
            .items
            .into_iter()
            .filter(|i| i.kind == InboxKind::PlanGap)
            .map(|i| i.target.id().to_string())
            .collect()
    };
    assert_eq!(
        gaps(&mut ws, "community_staff"),
        std::slice::from_ref(&whole)
    );
    assert!(!gaps(&mut ws, "community_staff").contains(&late));
    assert!(gaps(&mut ws, "info_officer").is_empty());
}
