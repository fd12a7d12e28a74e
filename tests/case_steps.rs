//! The steps of a case keep their own facts: the decision (认定意见, 审批人, 认定日期) by another
//! account than the assessor's, the survey's household, the review's outcome, the
//! suspension's expected resume, the stop's reason and day; the assessment checks the
//! category against the person's facts.

mod common;

use common::history::{accepted, day, new_clue, on, C1};
use common::{with_ctx, DemoWs};
use jiuzhu::app::inbox::{self, InboxKind};
use jiuzhu::app::{case, person, print, settings, AppError};
use jiuzhu::domain::case::CaseState;
use jiuzhu::domain::person::PersonDraft;
use jiuzhu::domain::validation::{Field, Reason};
use jiuzhu::i18n::{Lang, Localize};

const CW: &str = "subdistrict_caseworker";

/// A person with the given facts and an accepted case; returns (person, case).
fn case_for(ws: &mut DemoWs, d: PersonDraft) -> (String, String) {
    let pid = on(ws, "2026-11-01", "demo", |ctx| {
        person::create(ctx, &d).unwrap()
    });
    let clue = new_clue(ws, &pid, "2026-11-02");
    let case_id = accepted(ws, &clue, "2026-11-02", "2026-11-03", "2026-11-04");
    (pid, case_id)
}

fn dibao(name: &str) -> PersonDraft {
    PersonDraft {
        name: name.into(),
        community: C1.into(),
        address: "广州路1号".into(),
        assistance_status: "urban_minimum_living".into(),
        ..Default::default()
    }
}

fn assessment(category: &str, self_care: &str) -> case::Assessment {
    case::Assessment {
        category: category.into(),
        self_care: self_care.into(),
        needs: vec!["meal_delivery".into()],
    }
}

/// Surveyed and assessed by the caseworker.
fn assessed(ws: &mut DemoWs, case_id: &str) {
    with_ctx(ws, CW, |ctx| {
        case::survey(ctx, case_id, &common::survey("王干事", "独居", None)).unwrap();
        case::assess(ctx, case_id, &assessment("minimum_living", "")).unwrap();
    });
}

fn field_and_reason(e: AppError) -> (Field, Reason) {
    match e {
        AppError::Validation(v) => (v.field, v.reason),
        other => panic!("not a refusal of a field: {other:?}"),
    }
}

#[test]
fn the_assessor_may_not_decide_unless_the_logged_exception_is_on() {
    let mut ws = DemoWs::new();
    let (_, case_id) = case_for(&mut ws, dibao("王秀英"));
    assessed(&mut ws, &case_id);
    for step in [
        case::approve as fn(&mut jiuzhu::app::Ctx<'_>, &str, &str) -> _,
        case::deny,
    ] {
        let e = with_ctx(&mut ws, CW, |ctx| step(ctx, &case_id, "理由").unwrap_err());
        let (field, reason) = field_and_reason(e);
        assert_eq!(field, Field::Approver);
        assert_eq!(reason, Reason::SameAccount { account: CW.into() });
    }
    // Only an administrator turns the exception on, and the change is in the access log.
    let e = with_ctx(&mut ws, CW, |ctx| {
        settings::set_assessor_may_decide(ctx, true).unwrap_err()
    });
    assert!(matches!(e, AppError::Denied { .. }), "{e:?}");
    assert!(with_ctx(&mut ws, "demo", |ctx| {
        settings::set_assessor_may_decide(ctx, true).unwrap()
    }));
    let logged: i64 = rusqlite::Connection::open(ws.db())
        .unwrap()
        .query_row(
            "SELECT count(*) FROM access_log WHERE event = 'setting' AND subject = 'assessor_may_decide' AND detail = '0 -> 1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(logged, 1);
    let c = with_ctx(&mut ws, CW, |ctx| {
        case::approve(ctx, &case_id, "符合条件").unwrap()
    });
    assert_eq!(c.state, CaseState::Approved);
    assert_eq!(c.decided_by.as_deref(), Some(CW));
    assert!(
        c.decided_by_assessor,
        "the case says it was decided under the exception"
    );
}

#[test]
fn another_account_decides_and_later_steps_keep_their_own_notes() {
    let mut ws = DemoWs::new();
    let (_, case_id) = case_for(&mut ws, dibao("王秀英"));
    assessed(&mut ws, &case_id);
    let c = with_ctx(&mut ws, "demo", |ctx| {
        case::approve(ctx, &case_id, "符合服务类社会救助对象条件").unwrap();
        case::issue_card(ctx, &case_id).unwrap()
    });
    assert_eq!(c.assessed_by.as_deref(), Some(CW));
    assert_eq!(
        (c.decided_by.as_deref(), c.decided_on, c.decided_by_assessor),
        (Some("demo"), Some(day("2026-11-28")), false)
    );
    with_ctx(&mut ws, CW, |ctx| {
        case::review(
            ctx,
            &case_id,
            &common::review_continue("王干事", "情况稳定"),
        )
        .unwrap();
        case::suspend(
            ctx,
            &case_id,
            &common::suspension("本人住院治疗，暂停上门服务", "2026-12-20"),
        )
        .unwrap();
    });
    let c = with_ctx(&mut ws, CW, |ctx| case::get(ctx, &case_id).unwrap());
    assert_eq!(
        c.decision_note.as_deref(),
        Some("符合服务类社会救助对象条件")
    );
    assert_eq!(c.review_note.as_deref(), Some("情况稳定"));
    assert_eq!(c.reviewed_by.as_deref(), Some("王干事"));
    assert_eq!(c.review_outcome.as_deref(), Some(case::REVIEW_CONTINUE));
    assert_eq!(
        c.suspend_reason.as_deref(),
        Some("本人住院治疗，暂停上门服务")
    );
    assert_eq!(
        (c.suspended_on, c.resume_expected),
        (Some(day("2026-11-28")), Some(day("2026-12-20")))
    );
    // The reprinted 需求认定表 states the decision's note and 审批人, never the suspension's.
    let path = with_ctx(&mut ws, CW, |ctx| {
        print::needs_form(ctx, &case_id, Lang::ZhCn).unwrap()
    });
    let html = std::fs::read_to_string(path).unwrap();
    assert!(html.contains("符合服务类社会救助对象条件"), "{html}");
    assert!(
        !html.contains("本人住院治疗"),
        "the suspension is not the decision's reason"
    );
    assert!(
        html.contains("审批人") && html.contains(">陈志远<"),
        "{html}"
    );
    // The stop has no default reason, keeps its own day, and leaves the decision alone.
    let e = with_ctx(&mut ws, CW, |ctx| {
        case::stop(ctx, &case_id, &common::stop("", "")).unwrap_err()
    });
    assert_eq!(field_and_reason(e), (Field::Reason, Reason::Required));
    let c = with_ctx(&mut ws, CW, |ctx| {
        case::stop(
            ctx,
            &case_id,
            &case::Stop {
                reason: "death".into(),
                date: Some(day("2026-11-26")),
                note: "家属告知".into(),
            },
        )
        .unwrap()
    });
    assert_eq!(
        (
            c.stop_reason.as_deref(),
            c.stopped_on,
            c.stop_note.as_deref()
        ),
        (Some("death"), Some(day("2026-11-26")), Some("家属告知"))
    );
    assert_eq!(
        c.decision_note.as_deref(),
        Some("符合服务类社会救助对象条件")
    );
}

#[test]
fn a_decision_made_before_its_columns_is_read_from_the_change_log() {
    let mut ws = DemoWs::new();
    let (_, case_id) = case_for(&mut ws, dibao("王秀英"));
    assessed(&mut ws, &case_id);
    with_ctx(&mut ws, "demo", |ctx| {
        case::approve(ctx, &case_id, "符合条件").unwrap();
        case::issue_card(ctx, &case_id).unwrap();
    });
    // As on a database of schema 14, where a suspension overwrote the note and the decision
    // had no columns of its own.
    let conn = rusqlite::Connection::open(ws.db()).unwrap();
    conn.execute(
        "UPDATE cases SET decision_note = '住院', decided_by = NULL, decided_on = NULL WHERE id = ?1",
        [&case_id],
    )
    .unwrap();
    let d = with_ctx(&mut ws, CW, |ctx| {
        let c = case::get(ctx, &case_id).unwrap();
        case::decision(ctx, &c).unwrap().unwrap()
    });
    assert_eq!(d.note.as_deref(), Some("符合条件"));
    assert_eq!(
        d.by.as_deref(),
        Some("陈志远"),
        "the real name of the account"
    );
    assert_eq!(d.on, Some(day("2026-11-28")));
}

#[test]
fn the_survey_records_the_household_and_two_investigators() {
    let mut ws = DemoWs::new();
    let (_, case_id) = case_for(&mut ws, dibao("王秀英"));
    let refused = |ws: &mut DemoWs, s: case::Survey| {
        field_and_reason(with_ctx(ws, CW, |ctx| {
            case::survey(ctx, &case_id, &s).unwrap_err()
        }))
    };
    let good = common::survey("王干事", "独居", None);
    assert_eq!(
        refused(
            &mut ws,
            case::Survey {
                second_staff: String::new(),
                ..good.clone()
            }
        )
        .0,
        Field::SecondInvestigator
    );
    assert_eq!(
        refused(
            &mut ws,
            case::Survey {
                second_staff: "王干事".into(),
                ..good.clone()
            }
        ),
        (Field::SecondInvestigator, Reason::Duplicate)
    );
    assert_eq!(
        refused(
            &mut ws,
            case::Survey {
                household_size: "0".into(),
                ..good.clone()
            }
        )
        .0,
        Field::HouseholdSize
    );
    assert!(matches!(
        refused(
            &mut ws,
            case::Survey {
                monthly_income: "1.234".into(),
                ..good.clone()
            }
        ),
        (Field::Income, Reason::BadFormat { .. })
    ));
    assert_eq!(
        refused(
            &mut ws,
            case::Survey {
                housing: String::new(),
                ..good.clone()
            }
        ),
        (Field::Housing, Reason::Required)
    );
    let c = with_ctx(&mut ws, CW, |ctx| {
        case::survey(
            ctx,
            &case_id,
            &case::Survey {
                household_size: "3".into(),
                monthly_income: "2,460.5".into(),
                care: "女儿每周探望一次".into(),
                ..good
            },
        )
        .unwrap()
    });
    let h = &c.household;
    assert_eq!(h.size, Some(3));
    assert_eq!(h.monthly_income.map(|f| f.0), Some(246_050));
    assert_eq!(h.housing.as_deref(), Some("owned"));
    assert_eq!(h.care.as_deref(), Some("女儿每周探望一次"));
    assert_eq!(h.second_investigator.as_deref(), Some("李干事"));
    assert!(
        with_ctx(&mut ws, "supervisor", |ctx| jiuzhu::app::check::run(ctx)
            .unwrap())
        .ok()
    );
}

#[test]
fn the_assessment_checks_the_category_against_the_persons_facts() {
    let mut ws = DemoWs::new();
    let assess = |ws: &mut DemoWs, d: PersonDraft, category: &str, self_care: &str| {
        let (_, case_id) = case_for(ws, d);
        with_ctx(ws, CW, |ctx| {
            case::survey(ctx, &case_id, &common::survey("王干事", "独居", None)).unwrap();
            case::assess(ctx, &case_id, &assessment(category, self_care))
        })
    };
    // 救助身份 that does not support the category; the message names both.
    let e = assess(
        &mut ws,
        PersonDraft {
            assistance_status: "none".into(),
            ..dibao("甲")
        },
        "minimum_living",
        "",
    )
    .unwrap_err();
    assert!(
        e.localize(Lang::ZhCn).contains("暂无救助身份")
            && e.localize(Lang::ZhCn).contains("城市低保"),
        "{}",
        e.localize(Lang::ZhCn)
    );
    // Category 3 needs 生活不能自理.
    let low_income = PersonDraft {
        assistance_status: "low_income".into(),
        ..dibao("乙")
    };
    let e = assess(
        &mut ws,
        low_income.clone(),
        "low_income_dependent",
        "independent",
    )
    .unwrap_err();
    assert!(matches!(
        field_and_reason(e),
        (Field::Category, Reason::CategorySelfCare { .. })
    ));
    assert!(assess(
        &mut ws,
        PersonDraft {
            name: "丙".into(),
            ..low_income
        },
        "low_income_dependent",
        "partly_disabled"
    )
    .is_ok());
    // Category 5 needs no guardian or an incapable one, recorded on the person.
    let e = assess(
        &mut ws,
        dibao("丁"),
        "no_independent_living",
        "fully_disabled",
    )
    .unwrap_err();
    let (_, reason) = field_and_reason(e);
    assert!(
        matches!(reason, Reason::CategoryGuardian { .. }),
        "{reason:?}"
    );
    assert!(assess(
        &mut ws,
        PersonDraft {
            guardian_status: "incapable".into(),
            ..dibao("戊")
        },
        "no_independent_living",
        "fully_disabled"
    )
    .is_ok());
    // Category 6 is for persons whose 户籍 is elsewhere.
    let stranded = PersonDraft {
        assistance_status: "emergency_stranded".into(),
        hukou_local: true,
        ..dibao("己")
    };
    let e = assess(&mut ws, stranded, "stranded_non_local", "").unwrap_err();
    assert_eq!(
        field_and_reason(e),
        (Field::Category, Reason::CategoryNonLocal)
    );
}

#[test]
fn reviews_name_their_outcome_and_it_matches_the_items() {
    let mut ws = DemoWs::new();
    let (_, case_id) = case_for(&mut ws, dibao("王秀英"));
    assessed(&mut ws, &case_id);
    with_ctx(&mut ws, "demo", |ctx| {
        case::approve(ctx, &case_id, "").unwrap();
        case::issue_card(ctx, &case_id).unwrap();
    });
    let review =
        |ws: &mut DemoWs, r: case::Review| with_ctx(ws, CW, |ctx| case::review(ctx, &case_id, &r));
    let base = common::review_continue("王干事", "");
    let more = Some(vec!["meal_delivery".into(), "cleaning".into()]);
    let e = review(
        &mut ws,
        case::Review {
            needs: more.clone(),
            ..base.clone()
        },
    )
    .unwrap_err();
    assert_eq!(
        field_and_reason(e).0,
        Field::ReviewOutcome,
        "continue, yet items changed"
    );
    let e = review(
        &mut ws,
        case::Review {
            outcome: case::REVIEW_ADJUST.into(),
            ..base.clone()
        },
    )
    .unwrap_err();
    assert_eq!(
        field_and_reason(e).0,
        Field::Needs,
        "adjusted, yet nothing changed"
    );
    let e = review(
        &mut ws,
        case::Review {
            outcome: String::new(),
            ..base.clone()
        },
    )
    .unwrap_err();
    assert_eq!(
        field_and_reason(e),
        (Field::ReviewOutcome, Reason::Required)
    );
    let e = review(
        &mut ws,
        case::Review {
            date: Some(day("2026-11-01")),
            ..base.clone()
        },
    )
    .unwrap_err();
    assert!(
        matches!(field_and_reason(e), (Field::Date, Reason::NotBefore { .. })),
        "before the card"
    );
    let c = review(
        &mut ws,
        case::Review {
            outcome: case::REVIEW_ADJUST.into(),
            needs: more,
            date: Some(day("2026-11-28")),
            ..base
        },
    )
    .unwrap();
    assert_eq!(
        (c.card_version, c.review_outcome.as_deref()),
        (2, Some(case::REVIEW_ADJUST))
    );
}

#[test]
fn a_suspension_past_its_expected_resume_waits_in_the_inbox() {
    let mut ws = DemoWs::new();
    let (_, case_id) = case_for(&mut ws, dibao("王秀英"));
    assessed(&mut ws, &case_id);
    with_ctx(&mut ws, "demo", |ctx| {
        case::approve(ctx, &case_id, "").unwrap();
        case::issue_card(ctx, &case_id).unwrap();
    });
    let e = with_ctx(&mut ws, CW, |ctx| {
        case::suspend(
            ctx,
            &case_id,
            &case::Suspension {
                resume_expected: None,
                ..common::suspension("住院", "2026-12-01")
            },
        )
        .unwrap_err()
    });
    assert_eq!(field_and_reason(e), (Field::ResumeDate, Reason::Required));
    let e = with_ctx(&mut ws, CW, |ctx| {
        case::suspend(ctx, &case_id, &common::suspension("住院", "2026-11-20")).unwrap_err()
    });
    assert!(matches!(
        field_and_reason(e),
        (Field::ResumeDate, Reason::NotBefore { .. })
    ));
    with_ctx(&mut ws, CW, |ctx| {
        case::suspend(ctx, &case_id, &common::suspension("住院", "2026-12-01")).unwrap()
    });
    let resume_due = |ws: &mut DemoWs, on_day: &str| {
        on(ws, on_day, CW, |ctx| inbox::tasks(ctx).unwrap())
            .items
            .into_iter()
            .find(|i| i.kind == InboxKind::ResumeDue)
            .map(|i| i.overdue)
    };
    assert_eq!(resume_due(&mut ws, "2026-11-30"), None, "not yet due");
    assert_eq!(
        resume_due(&mut ws, "2026-12-01"),
        Some(false),
        "due on the day"
    );
    assert_eq!(
        resume_due(&mut ws, "2026-12-02"),
        Some(true),
        "overdue after it"
    );
    on(&mut ws, "2026-12-02", CW, |ctx| {
        case::resume(ctx, &case_id).unwrap()
    });
    assert_eq!(resume_due(&mut ws, "2026-12-03"), None, "resumed");
}

#[test]
fn the_demo_obeys_the_rules_of_the_decision() {
    use jiuzhu::domain::catalogue::Catalogue;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("jiuzhu.db");
    let c = common::clock();
    let (mut store, _) = jiuzhu::app::demo::setup(dir.path(), &db, &c).unwrap();
    {
        let mut ctx = jiuzhu::app::Ctx::new(&mut store, common::demo_session("demo"), &c).unwrap();
        jiuzhu::app::demo::generate(&mut ctx, 300, 7, &mut |_, _| true).unwrap();
    }
    let ctx = jiuzhu::app::Ctx::new(&mut store, common::demo_session("demo"), &c).unwrap();
    let lines = case::list(&ctx, None, 100_000).unwrap();
    let mut decided = 0;
    for l in &lines {
        let c = &l.case;
        let p = person::get(&ctx, &c.person_id).unwrap();
        if let Some(category) = &c.category {
            jiuzhu::domain::eligibility::check(
                Catalogue::builtin(),
                category,
                &p.facts,
                c.self_care.as_deref(),
            )
            .unwrap_or_else(|e| panic!("{}: {category}: {e:?}", p.facts.name));
        }
        if let Some(by) = &c.decided_by {
            decided += 1;
            assert_ne!(Some(by), c.assessed_by.as_ref(), "maker-checker");
        }
        if c.state == CaseState::Stopped {
            assert!(c.stop_reason.is_some() && c.stopped_on.is_some());
        }
        if c.state == CaseState::Suspended {
            assert!(c.resume_expected.is_some());
        }
    }
    assert!(decided > 10, "{decided} decided cases");
}

/// Counts the access-log entries of `event`.
fn logged(ws: &DemoWs, event: &str) -> i64 {
    rusqlite::Connection::open(ws.db())
        .unwrap()
        .query_row(
            "SELECT count(*) FROM access_log WHERE event = ?1",
            [event],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn an_approver_countersigns_at_the_assessors_desk_with_their_own_password() {
    use jiuzhu::app::auth;
    use zeroize::Zeroizing;
    let mut ws = DemoWs::new();
    let (_, case_id) = case_for(&mut ws, dibao("王秀英"));
    assessed(&mut ws, &case_id);
    let needs = with_ctx(&mut ws, CW, |ctx| {
        let c = case::get(ctx, &case_id).unwrap();
        case::needs_countersign(ctx, &c).unwrap()
    });
    assert!(needs, "the assessor's own decision would be refused");
    let not_for_demo = with_ctx(&mut ws, "demo", |ctx| {
        let c = case::get(ctx, &case_id).unwrap();
        case::needs_countersign(ctx, &c).unwrap()
    });
    assert!(
        !not_for_demo,
        "another account decides without a countersignature"
    );

    let sign = |ws: &mut DemoWs, user: &str, password: &str| {
        with_ctx(ws, CW, |ctx| {
            auth::countersigned(
                ctx,
                user,
                Zeroizing::new(password.to_string()),
                &case_id,
                |ctx| case::approve(ctx, &case_id, "符合条件"),
            )
        })
    };
    // A wrong password signs nothing, and is counted as at sign-in.
    let e = sign(&mut ws, "demo", "wrong").unwrap_err();
    assert!(matches!(e, AppError::BadLogin), "{e:?}");
    assert_eq!(logged(&ws, "countersign_failed"), 1);
    // The assessor cannot countersign for themselves.
    let e = sign(&mut ws, CW, CW).unwrap_err();
    assert_eq!(
        field_and_reason(e),
        (Field::Approver, Reason::SameAccount { account: CW.into() })
    );
    let still = with_ctx(&mut ws, CW, |ctx| case::get(ctx, &case_id).unwrap());
    assert_eq!(still.state, CaseState::Assessed, "nothing was decided");
    // An account without the right to decide signs nothing either.
    let e = sign(&mut ws, "info_officer", "info_officer").unwrap_err();
    assert!(matches!(e, AppError::Denied { .. }), "{e:?}");

    let c = sign(&mut ws, "demo", "demo").unwrap();
    assert_eq!(c.state, CaseState::Approved);
    assert_eq!(c.decided_by.as_deref(), Some("demo"));
    assert!(
        !c.decided_by_assessor,
        "not the exception: another account signed"
    );
    let conn = rusqlite::Connection::open(ws.db()).unwrap();
    let (actor, subject, detail): (String, String, String) = conn
        .query_row(
            "SELECT actor, subject, detail FROM access_log WHERE event = 'countersign' ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (actor.as_str(), subject.as_str(), detail.as_str()),
        (
            "demo",
            case_id.as_str(),
            "at_session_of=subdistrict_caseworker"
        )
    );
    let approved_by: String = conn
        .query_row(
            "SELECT actor FROM change_log WHERE record_id = ?1 AND kind = 'case.approve'",
            [&case_id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(approved_by, "demo", "the change log names the approver");
}
