//! The core of the first steps through `app`, without a terminal: persons, clues, cases,
//! service numbers, and the refusals of the state machines and the permission table.

mod common;

use common::{with_ctx, DemoWs};
use jiuzhu::app::{case, check, clue, person, AppError};
use jiuzhu::domain::case::{CaseEvent, CaseState};
use jiuzhu::domain::clue::ClueState;
use jiuzhu::domain::person::PersonDraft;
use jiuzhu::domain::validation::Field;
use jiuzhu::i18n::{Lang, Localize};
use jiuzhu::store::StoreError;

const C1: &str = "360104001001";

fn draft(name: &str, id: &str) -> PersonDraft {
    PersonDraft {
        name: name.into(),
        id_number: id.into(),
        community: C1.into(),
        address: "广州路1号".into(),
        ..Default::default()
    }
}

fn new_clue(ws: &mut DemoWs, person_id: &str) -> String {
    with_ctx(ws, "info_officer", |ctx| {
        clue::record(
            ctx,
            &clue::ClueDraft {
                person_id: person_id.into(),
                difficulty: "独居，行动不便".into(),
                key_groups: vec!["disabled_or_dementia".into()],
                source: "visit".into(),
                reporter: "楼栋长".into(),
                found_on: None,
            },
        )
        .unwrap()
    })
}

#[test]
fn from_clue_to_stopped_service() {
    let mut ws = DemoWs::new();
    let pid = with_ctx(&mut ws, "info_officer", |ctx| {
        person::create(ctx, &draft("王桂英", "11010519491231002X")).unwrap()
    });
    let cid = new_clue(&mut ws, &pid);
    let c = with_ctx(&mut ws, "info_officer", |ctx| {
        clue::verify(ctx, &cid, true, "属实").unwrap()
    });
    assert_eq!(c.state, ClueState::Verified);
    with_ctx(&mut ws, "info_officer", |ctx| {
        clue::report(ctx, &cid).unwrap()
    });
    let case_id = with_ctx(&mut ws, "subdistrict_caseworker", |ctx| {
        clue::accept(ctx, &cid).unwrap()
    });
    let steps = [
        CaseEvent::Survey,
        CaseEvent::Assess,
        CaseEvent::Approve,
        CaseEvent::IssueCard,
        CaseEvent::Stop,
    ];
    for ev in steps {
        with_ctx(&mut ws, "subdistrict_caseworker", |ctx| {
            case::step(ctx, &case_id, ev, |_| {}).unwrap()
        });
    }
    let c = with_ctx(&mut ws, "subdistrict_caseworker", |ctx| {
        case::get(ctx, &case_id).unwrap()
    });
    assert_eq!(c.state, CaseState::Stopped);
    assert_eq!(c.meta.version, 1 + steps.len() as i64);
    let report = with_ctx(&mut ws, "supervisor", |ctx| check::run(ctx).unwrap());
    assert!(report.ok(), "{:?}", report.findings);
    let entries: i64 = rusqlite::Connection::open(ws.db())
        .unwrap()
        .query_row(
            "SELECT count(*) FROM change_log WHERE record_id IN (?1, ?2, ?3)",
            [&pid, &cid, &case_id],
            |r| r.get(0),
        )
        .unwrap();
    // person 1 + clue (record, verify, report, accept) 4 + case (open + 5 steps) 6
    assert_eq!(entries, 11);
}

#[test]
fn state_machines_refuse_skipped_steps_with_a_clear_message() {
    let mut ws = DemoWs::new();
    let pid = with_ctx(&mut ws, "info_officer", |ctx| {
        person::create(ctx, &draft("李明", "")).unwrap()
    });
    let cid = new_clue(&mut ws, &pid);
    let e = with_ctx(&mut ws, "info_officer", |ctx| {
        clue::report(ctx, &cid).unwrap_err()
    });
    let msg = e.localize(Lang::ZhCn);
    assert!(msg.contains("待核实") && msg.contains("上报街道"), "{msg}");
    with_ctx(&mut ws, "info_officer", |ctx| {
        clue::verify(ctx, &cid, true, "").unwrap()
    });
    with_ctx(&mut ws, "info_officer", |ctx| {
        clue::report(ctx, &cid).unwrap()
    });
    let case_id = with_ctx(&mut ws, "subdistrict_caseworker", |ctx| {
        clue::accept(ctx, &cid).unwrap()
    });
    let e = with_ctx(&mut ws, "subdistrict_caseworker", |ctx| {
        case::step(ctx, &case_id, CaseEvent::IssueCard, |_| {}).unwrap_err()
    });
    assert!(matches!(e, AppError::Transition(_)));
    assert!(
        e.localize(Lang::ZhCn).contains("发放服务卡"),
        "{}",
        e.localize(Lang::ZhCn)
    );
    // Nothing was written by the refusals.
    let c = with_ctx(&mut ws, "subdistrict_caseworker", |ctx| {
        case::get(ctx, &case_id).unwrap()
    });
    assert_eq!((c.state, c.meta.version), (CaseState::Accepted, 1));
    // A clue accepted once cannot be accepted again.
    let e = with_ctx(&mut ws, "subdistrict_caseworker", |ctx| {
        clue::accept(ctx, &cid).unwrap_err()
    });
    assert!(matches!(e, AppError::Transition(_)));
}

#[test]
fn roles_are_checked_in_the_core() {
    let mut ws = DemoWs::new();
    let pid = with_ctx(&mut ws, "info_officer", |ctx| {
        person::create(ctx, &draft("赵六", "")).unwrap()
    });
    let cid = new_clue(&mut ws, &pid);
    // The supervisor reads but changes nothing; the officer cannot decide cases.
    let e = with_ctx(&mut ws, "supervisor", |ctx| {
        clue::verify(ctx, &cid, true, "").unwrap_err()
    });
    assert!(matches!(e, AppError::Denied { .. }));
    assert!(with_ctx(&mut ws, "supervisor", |ctx| person::get(ctx, &pid)).is_ok());
    with_ctx(&mut ws, "info_officer", |ctx| {
        clue::verify(ctx, &cid, true, "").unwrap()
    });
    with_ctx(&mut ws, "info_officer", |ctx| {
        clue::report(ctx, &cid).unwrap()
    });
    let e = with_ctx(&mut ws, "info_officer", |ctx| {
        clue::accept(ctx, &cid).unwrap_err()
    });
    assert!(
        e.localize(Lang::ZhCn).contains("无权受理上报"),
        "{}",
        e.localize(Lang::ZhCn)
    );
}

#[test]
fn bad_person_input_names_the_field_and_writes_nothing() {
    let mut ws = DemoWs::new();
    let cases = [
        (draft("", ""), Field::Name),
        (draft("张三", "110105194912310021"), Field::IdNumber),
        (
            PersonDraft {
                phone: "555".into(),
                ..draft("张三", "")
            },
            Field::Phone,
        ),
        (
            PersonDraft {
                note: "a\u{1b}]52;c;x\u{7}".into(),
                ..draft("张三", "")
            },
            Field::Note,
        ),
        (draft(&"长".repeat(31), ""), Field::Name),
    ];
    for (d, field) in cases {
        let e = with_ctx(&mut ws, "info_officer", |ctx| {
            person::create(ctx, &d).unwrap_err()
        });
        match e {
            AppError::Validation(v) => assert_eq!(v.field, field),
            other => panic!("{other:?}"),
        }
    }
    let en = with_ctx(&mut ws, "info_officer", |ctx| {
        person::create(ctx, &draft("张三", "110105194912310021")).unwrap_err()
    });
    assert!(
        en.localize(Lang::En).contains("ID number"),
        "{}",
        en.localize(Lang::En)
    );
    let n: i64 = rusqlite::Connection::open(ws.db())
        .unwrap()
        .query_row("SELECT count(*) FROM persons", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 0);
}

#[test]
fn one_id_number_one_person() {
    let mut ws = DemoWs::new();
    let first = with_ctx(&mut ws, "info_officer", |ctx| {
        person::create(ctx, &draft("王五", "11010519491231002X")).unwrap()
    });
    let e = with_ctx(&mut ws, "info_officer", |ctx| {
        person::create(ctx, &draft("王伍", "11010519491231002x")).unwrap_err()
    });
    match e {
        AppError::DuplicateIdNumber { existing_id } => assert_eq!(existing_id, first),
        other => panic!("{other:?}"),
    }
}

#[test]
fn service_numbers_are_sequential_per_community_and_kept() {
    let mut ws = DemoWs::new();
    let mut ids = Vec::new();
    for (i, name) in ["甲", "乙", "丙"].iter().enumerate() {
        let community = if i == 2 { "360104001002" } else { C1 };
        let d = PersonDraft {
            community: community.into(),
            ..draft(&format!("王{name}"), "")
        };
        ids.push(with_ctx(&mut ws, "demo", |ctx| {
            person::create(ctx, &d).unwrap()
        }));
    }
    let nos: Vec<String> = ids
        .iter()
        .map(|id| with_ctx(&mut ws, "community_staff", |ctx| person::enrol(ctx, id)))
        .map(|r| r.unwrap_or_else(|e| format!("{e:?}")))
        .collect();
    assert_eq!(nos[0], "360104001001-0001");
    assert_eq!(nos[1], "360104001001-0002");
    // community_staff works in 001 only.
    assert!(nos[2].contains("Denied"), "{}", nos[2]);
    let third = with_ctx(&mut ws, "demo", |ctx| person::enrol(ctx, &ids[2]).unwrap());
    assert_eq!(third, "360104001002-0001");
    let again = with_ctx(&mut ws, "demo", |ctx| person::enrol(ctx, &ids[0]).unwrap());
    assert_eq!(again, nos[0], "enrolling twice keeps the number");
}

#[test]
fn a_save_over_someone_elses_newer_save_is_refused() {
    let mut ws = DemoWs::new();
    let id = with_ctx(&mut ws, "demo", |ctx| {
        person::create(ctx, &draft("孙七", "")).unwrap()
    });
    let d = PersonDraft {
        phone: "13900001111".into(),
        ..draft("孙七", "")
    };
    let saved = with_ctx(&mut ws, "demo", |ctx| {
        person::update(ctx, &id, 1, &d).unwrap()
    });
    assert_eq!(saved.meta.version, 2);
    let e = with_ctx(&mut ws, "demo", |ctx| {
        person::update(ctx, &id, 1, &d).unwrap_err()
    });
    assert!(matches!(e, AppError::Store(StoreError::Stale)), "{e:?}");
}

#[test]
fn search_over_stored_people_ranks_and_respects_scope() {
    let mut ws = DemoWs::new();
    for (name, community) in [
        ("张三", C1),
        ("张珊珊", C1),
        ("曾三", C1),
        ("章山", "360104001002"),
    ] {
        let d = PersonDraft {
            community: community.into(),
            ..draft(name, "")
        };
        with_ctx(&mut ws, "demo", |ctx| person::create(ctx, &d).unwrap());
    }
    let names = |ws: &mut DemoWs, user: &str, q: &str| -> Vec<String> {
        with_ctx(ws, user, |ctx| {
            let idx = jiuzhu::app::search::load(ctx).unwrap();
            idx.find(q, 20).iter().map(|e| e.name.to_string()).collect()
        })
    };
    assert_eq!(
        names(&mut ws, "demo", "zs"),
        vec!["曾三", "张三", "章山", "张珊珊"]
    );
    assert_eq!(names(&mut ws, "demo", "zengsan"), vec!["曾三"]);
    // The information officer of community 001 does not see 章山 of community 002.
    assert_eq!(
        names(&mut ws, "info_officer", "zs"),
        vec!["曾三", "张三", "张珊珊"]
    );
}

fn accepted_case(ws: &mut DemoWs) -> (String, String) {
    // 城市低保, no guardian: the facts the assessments below rely on.
    let d = PersonDraft {
        assistance_status: "urban_minimum_living".into(),
        guardian_status: "none".into(),
        ..draft("周六", "")
    };
    let pid = with_ctx(ws, "info_officer", |ctx| person::create(ctx, &d).unwrap());
    let cid = new_clue(ws, &pid);
    with_ctx(ws, "info_officer", |ctx| {
        clue::verify(ctx, &cid, true, "").unwrap()
    });
    with_ctx(ws, "info_officer", |ctx| clue::report(ctx, &cid).unwrap());
    let case_id = with_ctx(ws, "subdistrict_caseworker", |ctx| {
        clue::accept(ctx, &cid).unwrap()
    });
    (pid, case_id)
}

#[test]
fn survey_assess_approve_and_issue_a_card() {
    let mut ws = DemoWs::new();
    let (pid, case_id) = accepted_case(&mut ws);
    let cw = "subdistrict_caseworker";
    let s = common::survey("王干事", "独居，行走困难", None);
    with_ctx(&mut ws, cw, |ctx| case::survey(ctx, &case_id, &s).unwrap());
    let a = case::Assessment {
        category: "no_independent_living".into(),
        self_care: "partly_disabled".into(),
        needs: vec!["meal_delivery".into(), "home_care".into()],
    };
    with_ctx(&mut ws, cw, |ctx| case::assess(ctx, &case_id, &a).unwrap());
    // The assessor may not decide: another account approves.
    let e = with_ctx(&mut ws, cw, |ctx| {
        case::approve(ctx, &case_id, "").unwrap_err()
    });
    assert!(
        e.localize(Lang::ZhCn).contains("不能再由同一账号认定"),
        "{}",
        e.localize(Lang::ZhCn)
    );
    with_ctx(&mut ws, "demo", |ctx| {
        case::approve(ctx, &case_id, "").unwrap()
    });
    let c = with_ctx(&mut ws, cw, |ctx| case::issue_card(ctx, &case_id).unwrap());
    assert_eq!(c.state, CaseState::InService);
    assert_eq!(c.card_no.as_deref(), Some("360104001-K00001"));
    assert_eq!(
        c.card_valid_until,
        chrono::NaiveDate::from_ymd_opt(2027, 11, 28)
    );
    assert_eq!(
        c.needs,
        vec!["meal_delivery".to_string(), "home_care".to_string()]
    );
    let p = with_ctx(&mut ws, cw, |ctx| person::get(ctx, &pid).unwrap());
    assert_eq!(
        p.service_no.as_deref(),
        Some("360104001001-0001"),
        "the card enrols the person"
    );
    let lines = with_ctx(&mut ws, cw, |ctx| {
        case::list(ctx, Some(CaseState::InService), 10).unwrap()
    });
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].person_name, "周六");
    assert!(with_ctx(&mut ws, "supervisor", |ctx| check::run(ctx).unwrap()).ok());
}

#[test]
fn case_steps_refuse_bad_input_and_wrong_roles() {
    let mut ws = DemoWs::new();
    let (_, case_id) = accepted_case(&mut ws);
    let cw = "subdistrict_caseworker";
    let e = with_ctx(&mut ws, cw, |ctx| {
        case::survey(ctx, &case_id, &case::Survey::default()).unwrap_err()
    });
    assert!(matches!(e, AppError::Validation(_)), "{e:?}");
    let e = with_ctx(&mut ws, "info_officer", |ctx| {
        case::survey(ctx, &case_id, &common::survey("x", "y", None)).unwrap_err()
    });
    assert!(matches!(e, AppError::Denied { .. }), "{e:?}");
    with_ctx(&mut ws, cw, |ctx| {
        case::survey(ctx, &case_id, &common::survey("x", "y", None)).unwrap()
    });
    let e = with_ctx(&mut ws, cw, |ctx| {
        case::assess(
            ctx,
            &case_id,
            &case::Assessment {
                category: "minimum_living".into(),
                self_care: String::new(),
                needs: vec![],
            },
        )
        .unwrap_err()
    });
    match e {
        AppError::Validation(v) => assert_eq!(v.field, Field::Needs),
        other => panic!("{other:?}"),
    }
    let e = with_ctx(&mut ws, cw, |ctx| {
        case::issue_card(ctx, &case_id).unwrap_err()
    });
    assert!(
        matches!(e, AppError::Transition(_)),
        "no card before a decision: {e:?}"
    );
    with_ctx(&mut ws, cw, |ctx| {
        case::assess(
            ctx,
            &case_id,
            &case::Assessment {
                category: "minimum_living".into(),
                self_care: String::new(),
                needs: vec!["cleaning".into()],
            },
        )
        .unwrap()
    });
    let e = with_ctx(&mut ws, "demo", |ctx| {
        case::deny(ctx, &case_id, "  ").unwrap_err()
    });
    assert!(
        matches!(e, AppError::Validation(_)),
        "a refusal needs its reason"
    );
    let c = with_ctx(&mut ws, "demo", |ctx| {
        case::deny(ctx, &case_id, "已有同类服务").unwrap()
    });
    assert_eq!(c.state, CaseState::Denied);
}

#[test]
fn dynamic_management_suspends_resumes_and_stops_for_good() {
    let mut ws = DemoWs::new();
    let (_, case_id) = accepted_case(&mut ws);
    let cw = "subdistrict_caseworker";
    with_ctx(&mut ws, cw, |ctx| {
        case::survey(ctx, &case_id, &common::survey("x", "y", None)).unwrap();
        case::assess(
            ctx,
            &case_id,
            &case::Assessment {
                category: "minimum_living".into(),
                self_care: String::new(),
                needs: vec!["cleaning".into()],
            },
        )
        .unwrap();
    });
    with_ctx(&mut ws, "demo", |ctx| {
        case::approve(ctx, &case_id, "").unwrap();
        case::issue_card(ctx, &case_id).unwrap();
    });
    let c = with_ctx(&mut ws, cw, |ctx| {
        case::review(
            ctx,
            &case_id,
            &case::Review {
                outcome: case::REVIEW_ADJUST.into(),
                needs: Some(vec!["cleaning".into(), "shopping".into()]),
                ..common::review_continue("王干事", "需求增加")
            },
        )
        .unwrap()
    });
    assert_eq!((c.state, c.needs.len()), (CaseState::InService, 2));
    let e = with_ctx(&mut ws, cw, |ctx| {
        case::suspend(ctx, &case_id, &common::suspension("", "2026-12-31")).unwrap_err()
    });
    assert!(matches!(e, AppError::Validation(_)));
    with_ctx(&mut ws, cw, |ctx| {
        case::suspend(ctx, &case_id, &common::suspension("住院", "2026-12-31")).unwrap()
    });
    with_ctx(&mut ws, cw, |ctx| case::resume(ctx, &case_id).unwrap());
    let e = with_ctx(&mut ws, cw, |ctx| {
        case::stop(ctx, &case_id, &common::stop("gone", "")).unwrap_err()
    });
    assert!(
        matches!(e, AppError::Validation(_)),
        "stop reasons come from the catalogue"
    );
    let c = with_ctx(&mut ws, cw, |ctx| {
        case::stop(ctx, &case_id, &common::stop("moved_out", "迁往东湖区")).unwrap()
    });
    assert_eq!(
        (c.state, c.stop_reason.as_deref()),
        (CaseState::Stopped, Some("moved_out"))
    );
    let e = with_ctx(&mut ws, cw, |ctx| case::resume(ctx, &case_id).unwrap_err());
    assert!(matches!(e, AppError::Transition(_)), "closed stays closed");
}

#[test]
fn providers_are_registered_checked_and_found_by_service() {
    use jiuzhu::app::provider;
    use jiuzhu::domain::provider::ProviderDraft;
    let mut ws = DemoWs::new();
    let d = ProviderDraft {
        name: "爱心助餐点".into(),
        kind: "enterprise_institution".into(),
        items: vec!["meal_delivery".into()],
        area: "360104001002".into(),
        active: true,
        ..Default::default()
    };
    let e = with_ctx(&mut ws, "info_officer", |ctx| {
        provider::create(ctx, &d).unwrap_err()
    });
    assert!(matches!(e, AppError::Denied { .. }), "{e:?}");
    let id = with_ctx(&mut ws, "admin", |ctx| provider::create(ctx, &d).unwrap());
    let found = with_ctx(&mut ws, "demo", |ctx| {
        provider::offering(ctx, "meal_delivery", "360104001002").unwrap()
    });
    assert_eq!(found.len(), 1);
    assert!(
        with_ctx(&mut ws, "demo", |ctx| provider::offering(
            ctx,
            "meal_delivery",
            "360104001001"
        )
        .unwrap())
        .is_empty(),
        "another community"
    );
    let off = ProviderDraft {
        active: false,
        ..d.clone()
    };
    let p = with_ctx(&mut ws, "admin", |ctx| {
        provider::update(ctx, &id, 1, &off).unwrap()
    });
    assert_eq!((p.active, p.meta.version), (false, 2));
    assert!(
        with_ctx(&mut ws, "demo", |ctx| provider::offering(
            ctx,
            "meal_delivery",
            "360104001002"
        )
        .unwrap())
        .is_empty(),
        "inactive"
    );
    let bad = ProviderDraft {
        items: vec!["teleport".into()],
        ..d
    };
    let e = with_ctx(&mut ws, "admin", |ctx| {
        provider::create(ctx, &bad).unwrap_err()
    });
    assert!(matches!(e, AppError::Validation(_)));
    assert!(with_ctx(&mut ws, "supervisor", |ctx| check::run(ctx).unwrap()).ok());
}

#[test]
fn from_clue_to_services_to_stop_with_the_timeline() {
    use jiuzhu::app::{provider, service};
    use jiuzhu::domain::provider::ProviderDraft;
    use jiuzhu::domain::service::Satisfaction;
    let mut ws = DemoWs::new();
    let (pid, case_id) = accepted_case(&mut ws);
    let cw = "subdistrict_caseworker";
    with_ctx(&mut ws, cw, |ctx| {
        case::survey(ctx, &case_id, &common::survey("王干事", "独居", None)).unwrap();
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
    });
    let c = with_ctx(&mut ws, "demo", |ctx| {
        case::approve(ctx, &case_id, "").unwrap();
        case::issue_card(ctx, &case_id).unwrap()
    });
    let card = c.card_no.unwrap();
    let pr = ProviderDraft {
        name: "助餐中心".into(),
        kind: "enterprise_institution".into(),
        items: vec!["meal_delivery".into(), "cleaning".into()],
        area: "360104001".into(),
        active: true,
        ..Default::default()
    };
    let prov = with_ctx(&mut ws, "admin", |ctx| provider::create(ctx, &pr).unwrap());
    let meal = service::ServiceDraft {
        provider_id: prov.clone(),
        card_no: card.clone(),
        item: "meal_delivery".into(),
        served_on: None,
        minutes: 30,
        served_by: "李师傅".into(),
        content: "送午餐一份".into(),
        confirmed: true,
        satisfaction: Some(Satisfaction::Satisfied),
    };
    let ps = "provider_staff";
    let e = with_ctx(&mut ws, ps, |ctx| service::record(ctx, &meal).unwrap_err());
    assert!(matches!(e, AppError::NotRegistered), "{e:?}");
    let e = with_ctx(&mut ws, ps, |ctx| {
        service::register(ctx, &prov, "NO-SUCH-CARD").unwrap_err()
    });
    assert!(matches!(e, AppError::UnknownCard), "{e:?}");
    let reg = with_ctx(&mut ws, ps, |ctx| {
        service::register(ctx, &prov, &card).unwrap()
    });
    assert_eq!(
        with_ctx(&mut ws, ps, |ctx| service::register(ctx, &prov, &card)
            .unwrap()),
        reg,
        "registering twice keeps one"
    );
    with_ctx(&mut ws, ps, |ctx| service::record(ctx, &meal).unwrap());
    let cleaning = service::ServiceDraft {
        item: "cleaning".into(),
        ..meal.clone()
    };
    let e = with_ctx(&mut ws, ps, |ctx| {
        service::record(ctx, &cleaning).unwrap_err()
    });
    assert!(
        e.localize(Lang::ZhCn).contains("清洁卫生"),
        "the card does not cover it: {}",
        e.localize(Lang::ZhCn)
    );
    let e = with_ctx(&mut ws, ps, |ctx| {
        service::record(
            ctx,
            &service::ServiceDraft {
                minutes: 0,
                ..meal.clone()
            },
        )
        .unwrap_err()
    });
    assert!(matches!(e, AppError::Validation(_)));
    with_ctx(&mut ws, cw, |ctx| {
        case::suspend(ctx, &case_id, &common::suspension("住院", "2026-12-31")).unwrap()
    });
    let e = with_ctx(&mut ws, ps, |ctx| service::record(ctx, &meal).unwrap_err());
    assert!(
        e.localize(Lang::ZhCn).contains("暂停服务"),
        "{}",
        e.localize(Lang::ZhCn)
    );
    with_ctx(&mut ws, cw, |ctx| case::resume(ctx, &case_id).unwrap());
    with_ctx(&mut ws, ps, |ctx| service::record(ctx, &meal).unwrap());
    with_ctx(&mut ws, cw, |ctx| {
        case::stop(ctx, &case_id, &common::stop("death", "")).unwrap()
    });
    let e = with_ctx(&mut ws, ps, |ctx| service::record(ctx, &meal).unwrap_err());
    assert!(
        matches!(e, AppError::CardNotInService { .. }),
        "a stopped card serves no more: {e:?}"
    );
    let records = with_ctx(&mut ws, cw, |ctx| service::of_case(ctx, &case_id).unwrap());
    assert_eq!(records.len(), 2);
    let kinds: Vec<String> = with_ctx(&mut ws, cw, |ctx| person::timeline(ctx, &pid).unwrap())
        .into_iter()
        .map(|e| e.kind)
        .collect();
    for k in [
        "person.create",
        "clue.create",
        "clue.verify",
        "clue.report",
        "clue.accept",
        "case.create",
        "case.survey",
        "case.assess",
        "case.approve",
        "case.issue_card",
        "person.enrol",
        "registration.create",
        "service.create",
        "case.suspend",
        "case.resume",
        "case.stop",
    ] {
        assert!(
            kinds.iter().any(|x| x == k),
            "timeline lacks {k}: {kinds:?}"
        );
    }
    assert!(with_ctx(&mut ws, "supervisor", |ctx| check::run(ctx).unwrap()).ok());
}

#[test]
fn the_inbox_counts_only_what_the_user_may_see() {
    use jiuzhu::app::inbox;
    let mut ws = DemoWs::new();
    for community in ["360104001001", "360104001002"] {
        let d = PersonDraft {
            community: community.into(),
            ..draft("钱八", "")
        };
        let pid = with_ctx(&mut ws, "demo", |ctx| person::create(ctx, &d).unwrap());
        new_clue_as(&mut ws, "demo", &pid);
    }
    let count = |ws: &mut DemoWs, user: &str, label: &str| -> i64 {
        with_ctx(ws, user, |ctx| inbox::counts(ctx).unwrap())
            .into_iter()
            .find(|w| w.label == label)
            .unwrap()
            .count
    };
    assert_eq!(count(&mut ws, "demo", "inbox.clues_to_verify"), 2);
    assert_eq!(
        count(&mut ws, "info_officer", "inbox.clues_to_verify"),
        1,
        "community 001 only"
    );
    assert_eq!(count(&mut ws, "info_officer", "inbox.persons"), 1);
    let e = with_ctx(&mut ws, "provider_staff", |ctx| {
        inbox::counts(ctx).unwrap_err()
    });
    assert!(matches!(e, AppError::Denied { .. }));
}

fn new_clue_as(ws: &mut DemoWs, user: &str, person_id: &str) -> String {
    with_ctx(ws, user, |ctx| {
        clue::record(
            ctx,
            &clue::ClueDraft {
                person_id: person_id.into(),
                difficulty: "困难".into(),
                key_groups: vec![],
                source: "phone".into(),
                reporter: String::new(),
                found_on: None,
            },
        )
        .unwrap()
    })
}
