//! 监督管理 through `app`: posting periods with the exact list posted, complaints and
//! objections from receipt to closing, and random inspections of recorded services.

mod common;

use common::{with_ctx, DemoWs};
use jiuzhu::app::print::{ListFormat, PostingRequest};
use jiuzhu::app::supervision::{self, ComplaintDraft, InspectionDraft};
use jiuzhu::app::{check, demo, inbox, AppError};
use jiuzhu::domain::supervision::ComplaintState;
use jiuzhu::domain::validation::Field;
use jiuzhu::i18n::Lang;
use rand::SeedableRng;
use sha2::{Digest, Sha256};

const C1: &str = "360104001001";
const CW: &str = "subdistrict_caseworker";

fn with_people(n: usize) -> DemoWs {
    let mut ws = DemoWs::new();
    with_ctx(&mut ws, "demo", |ctx| {
        demo::generate(ctx, n, 3, &mut |_, _| true).unwrap()
    });
    ws
}

fn follow_up() -> supervision::FollowUp {
    supervision::FollowUp {
        satisfaction: "satisfied".into(),
        note: "电话回访，对答复满意".into(),
        on: None,
        answer: String::new(),
    }
}

fn day(d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
}

#[test]
fn a_posting_records_its_period_place_count_and_the_hash_of_the_list() {
    let mut ws = with_people(200);
    let r = PostingRequest {
        community: C1.into(),
        from: day(1),
        to: Some(day(7)),
        place: "社区居务公开栏".into(),
    };
    let posted = with_ctx(&mut ws, CW, |ctx| {
        supervision::post(ctx, &r, ListFormat::Html, Lang::ZhCn).unwrap()
    });
    let bytes = std::fs::read(&posted.path).unwrap();
    assert_eq!(
        posted.posting.list_sha256,
        hex::encode(Sha256::digest(&bytes))
    );
    assert!(posted.posting.persons > 0);
    assert_eq!(posted.posting.place, "社区居务公开栏");
    let listed = with_ctx(&mut ws, "supervisor", |ctx| {
        supervision::postings(ctx).unwrap()
    });
    assert_eq!(listed, vec![posted.posting.clone()]);
    let backwards = PostingRequest {
        from: day(7),
        to: Some(day(1)),
        ..r.clone()
    };
    let e = with_ctx(&mut ws, CW, |ctx| {
        supervision::post(ctx, &backwards, ListFormat::Html, Lang::ZhCn).unwrap_err()
    });
    assert!(
        matches!(&e, AppError::Validation(v) if v.field == Field::PeriodEnd),
        "{e:?}"
    );
    let e = with_ctx(&mut ws, "supervisor", |ctx| {
        supervision::post(ctx, &r, ListFormat::Html, Lang::ZhCn).unwrap_err()
    });
    assert!(
        matches!(e, AppError::Denied { .. }),
        "the read-only role posts nothing"
    );
    assert!(with_ctx(&mut ws, "supervisor", |ctx| check::run(ctx).unwrap()).ok());
}

#[test]
fn an_objection_is_received_answered_and_closed_and_stays_closed() {
    let mut ws = with_people(50);
    let posting = with_ctx(&mut ws, CW, |ctx| {
        supervision::post(
            ctx,
            &PostingRequest {
                community: C1.into(),
                from: day(1),
                to: Some(day(7)),
                place: "公开栏".into(),
            },
            ListFormat::Html,
            Lang::ZhCn,
        )
        .unwrap()
        .posting
    });
    let d = ComplaintDraft {
        community: C1.into(),
        channel: "posting".into(),
        posting_id: Some(posting.meta.id.clone()),
        complainant: "匿名".into(),
        content: "名单中某人家有小汽车，不符合条件".into(),
        ..Default::default()
    };
    let open_before = waiting(&mut ws);
    let id = with_ctx(&mut ws, CW, |ctx| supervision::receive(ctx, &d).unwrap());
    assert_eq!(waiting(&mut ws), open_before + 1, "the inbox shows it");
    let e = with_ctx(&mut ws, CW, |ctx| {
        supervision::close(ctx, &id, &follow_up()).unwrap_err()
    });
    assert!(
        matches!(&e, AppError::Validation(v) if v.field == Field::Answer),
        "no closing without an answer: {e:?}"
    );
    with_ctx(&mut ws, CW, |ctx| {
        supervision::assign(ctx, &id, "王干事").unwrap()
    });
    let c = with_ctx(&mut ws, CW, |ctx| {
        supervision::answer(ctx, &id, "经入户核实，车辆为亲属所有，符合条件，已答复").unwrap()
    });
    assert_eq!(c.state, ComplaintState::Answered);
    assert_eq!(c.assigned_to.as_deref(), Some("王干事"));
    let c = with_ctx(&mut ws, CW, |ctx| {
        supervision::close(ctx, &id, &follow_up()).unwrap()
    });
    assert_eq!(c.state, ComplaintState::Closed);
    assert!(c.closed_at.is_some());
    assert_eq!(waiting(&mut ws), open_before);
    let e = with_ctx(&mut ws, CW, |ctx| {
        supervision::answer(ctx, &id, "再答复").unwrap_err()
    });
    assert!(matches!(e, AppError::Transition(_)), "{e:?}");
    let bad = ComplaintDraft {
        channel: "letter".into(),
        ..d.clone()
    };
    let e = with_ctx(&mut ws, CW, |ctx| {
        supervision::receive(ctx, &bad).unwrap_err()
    });
    assert!(
        matches!(&e, AppError::Validation(v) if v.field == Field::Channel),
        "{e:?}"
    );
    let empty = ComplaintDraft {
        content: "  ".into(),
        ..d.clone()
    };
    let e = with_ctx(&mut ws, CW, |ctx| {
        supervision::receive(ctx, &empty).unwrap_err()
    });
    assert!(
        matches!(&e, AppError::Validation(v) if v.field == Field::Content),
        "{e:?}"
    );
    let e = with_ctx(&mut ws, "supervisor", |ctx| {
        supervision::receive(ctx, &d).unwrap_err()
    });
    assert!(matches!(e, AppError::Denied { .. }));
    let listed = with_ctx(&mut ws, "supervisor", |ctx| {
        supervision::complaints(ctx).unwrap()
    });
    assert_eq!(listed.len(), 1);
    assert!(with_ctx(&mut ws, "supervisor", |ctx| check::run(ctx).unwrap()).ok());
}

fn waiting(ws: &mut DemoWs) -> i64 {
    with_ctx(ws, CW, |ctx| {
        inbox::counts(ctx)
            .unwrap()
            .into_iter()
            .find(|w| w.label == "inbox.complaints_open")
            .unwrap()
            .count
    })
}

#[test]
fn inspections_draw_recorded_services_and_keep_the_finding() {
    let mut ws = with_people(200);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let drawn = with_ctx(&mut ws, CW, |ctx| {
        supervision::draw_service(ctx, Some(C1), None, &mut rng)
            .unwrap()
            .expect("the demo has services in every community")
    });
    assert_eq!(drawn.community, C1);
    assert!(!drawn.person_name.is_empty() && !drawn.provider_name.is_empty());
    let d = InspectionDraft {
        service_id: drawn.service.meta.id.clone(),
        inspected_on: None,
        inspector: "街道督查组".into(),
        result: "good".into(),
        finding: "电话回访本人，确认按时送餐".into(),
    };
    with_ctx(&mut ws, CW, |ctx| supervision::inspect(ctx, &d).unwrap());
    let lines = with_ctx(&mut ws, "supervisor", |ctx| {
        supervision::inspections(ctx).unwrap()
    });
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].inspection.finding, "电话回访本人，确认按时送餐");
    assert_eq!(lines[0].drawn.service.meta.id, drawn.service.meta.id);
    let bad = InspectionDraft {
        result: "excellent".into(),
        ..d.clone()
    };
    let e = with_ctx(&mut ws, CW, |ctx| {
        supervision::inspect(ctx, &bad).unwrap_err()
    });
    assert!(
        matches!(&e, AppError::Validation(v) if v.field == Field::InspectionResult),
        "{e:?}"
    );
    let e = with_ctx(&mut ws, "info_officer", |ctx| {
        supervision::inspect(ctx, &d).unwrap_err()
    });
    assert!(matches!(e, AppError::Denied { .. }), "{e:?}");
    // With nothing recorded there is nothing to draw.
    let mut empty = DemoWs::new();
    let none = with_ctx(&mut empty, CW, |ctx| {
        supervision::draw_service(ctx, None, None, &mut rng).unwrap()
    });
    assert!(none.is_none());
}

fn kinds(ws: &mut DemoWs, user: &str) -> Vec<(inbox::InboxKind, inbox::Target)> {
    with_ctx(ws, user, |ctx| inbox::tasks(ctx).unwrap())
        .items
        .into_iter()
        .map(|i| (i.kind, i.target))
        .collect()
}

#[test]
fn a_long_term_posting_is_versioned_closed_by_its_reissue_and_flagged_when_out_of_date() {
    use inbox::{InboxKind, Target};
    let mut ws = with_people(60);
    let long = |from: u32, place: &str| PostingRequest {
        community: C1.into(),
        from: day(from),
        to: None,
        place: place.into(),
    };
    let first = with_ctx(&mut ws, CW, |ctx| {
        supervision::post(ctx, &long(1, "居务公开栏"), ListFormat::Html, Lang::ZhCn).unwrap()
    });
    let p = &first.posting;
    assert_eq!(p.period_to, None, "长期公示 has no end");
    assert!(p.long_term && p.replaced_by.is_none());
    assert_eq!(
        p.list_sha256,
        hex::encode(Sha256::digest(std::fs::read(&first.path).unwrap()))
    );
    assert!(p.members_sha256.is_some() && p.persons > 0);
    let html = std::fs::read_to_string(&first.path).unwrap();
    assert!(html.contains("长期公示"), "the list says it is long-term");
    let outdated = |ws: &mut DemoWs| {
        kinds(ws, CW)
            .into_iter()
            .filter(|(k, _)| *k == InboxKind::PostingOutdated)
            .map(|(_, t)| t)
            .collect::<Vec<_>>()
    };
    assert!(
        outdated(&mut ws).is_empty(),
        "the list matches who is in service"
    );
    // Someone enters service: the posted list no longer matches.
    common::history::in_service(&mut ws, "新入户", C1, "2026-11-20");
    assert_eq!(outdated(&mut ws), vec![Target::Posting(C1.into())]);
    // The re-issue records a new version and closes the open one on its own first day.
    let second = with_ctx(&mut ws, CW, |ctx| {
        supervision::post(ctx, &long(3, "居务公开栏"), ListFormat::Html, Lang::ZhCn).unwrap()
    });
    assert_eq!(second.posting.persons, p.persons + 1);
    assert_ne!(second.path, first.path, "the earlier file stays");
    assert!(first.path.exists());
    let all = with_ctx(&mut ws, "supervisor", |ctx| {
        supervision::postings(ctx).unwrap()
    });
    assert_eq!(all.len(), 2);
    let old = all.iter().find(|x| x.meta.id == p.meta.id).unwrap();
    assert_eq!(old.period_to, Some(day(3)));
    assert_eq!(
        old.replaced_by.as_deref(),
        Some(second.posting.meta.id.as_str())
    );
    assert!(old.long_term, "it was posted long-term");
    assert!(outdated(&mut ws).is_empty());
    // A same-day correction closes the morning's version on that day too.
    let third = with_ctx(&mut ws, CW, |ctx| {
        supervision::post(ctx, &long(3, "小区门口公示栏"), ListFormat::Csv, Lang::ZhCn).unwrap()
    });
    let all = with_ctx(&mut ws, "supervisor", |ctx| {
        supervision::postings(ctx).unwrap()
    });
    let second_now = all
        .iter()
        .find(|x| x.meta.id == second.posting.meta.id)
        .unwrap();
    assert_eq!(second_now.period_to, Some(day(3)));
    assert_eq!(
        second_now.replaced_by.as_deref(),
        Some(third.posting.meta.id.as_str())
    );
    assert_eq!(
        all.iter().filter(|x| x.replaced_by.is_none()).count(),
        1,
        "one open version per community"
    );
    // A version cannot start before the one it replaces.
    let e = with_ctx(&mut ws, CW, |ctx| {
        supervision::post(ctx, &long(2, "居务公开栏"), ListFormat::Html, Lang::ZhCn).unwrap_err()
    });
    assert!(
        matches!(&e, AppError::Validation(v) if v.field == Field::PeriodStart),
        "{e:?}"
    );
    assert!(e.to_string().contains("2026-12-03"), "{e}");
    // A fixed period longer than a month is the office's choice now.
    let fixed = PostingRequest {
        to: Some(day(31)),
        ..long(4, "居务公开栏")
    };
    let f = with_ctx(&mut ws, CW, |ctx| {
        supervision::post(ctx, &fixed, ListFormat::Html, Lang::ZhCn).unwrap()
    });
    assert_eq!(f.posting.period_to, Some(day(31)));
    assert!(!f.posting.long_term);
    assert!(with_ctx(&mut ws, "supervisor", |ctx| check::run(ctx).unwrap()).ok());
}

#[test]
fn a_complaint_is_assigned_with_a_due_date_linked_to_a_person_and_a_service_and_followed_up() {
    use inbox::{InboxKind, Target};
    use supervision::{Assignment, FollowUp};
    let mut ws = with_people(50);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
    let drawn = with_ctx(&mut ws, CW, |ctx| {
        supervision::draw_service(ctx, Some(C1), None, &mut rng)
            .unwrap()
            .unwrap()
    });
    let person_id = with_ctx(&mut ws, CW, |ctx| {
        jiuzhu::app::case::get(ctx, &drawn.service.case_id)
            .unwrap()
            .person_id
    });
    let d = ComplaintDraft {
        community: C1.into(),
        channel: "hotline".into(),
        person_id: Some(person_id.clone()),
        service_id: Some(drawn.service.meta.id.clone()),
        received_on: Some(chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()),
        complainant: "李女士".into(),
        content: "送餐迟到一小时".into(),
        ..Default::default()
    };
    // The form finds them as the person list does: by 服务号 (or name, ID number), and the
    // service by its day (and provider).
    let (found, service, refusals) = with_ctx(&mut ws, CW, |ctx| {
        let person = jiuzhu::app::person::get(ctx, &person_id).unwrap();
        let index = jiuzhu::app::search::load(ctx).unwrap();
        let no = person.service_no.clone().expect("in service, enrolled");
        let found = supervision::person_concerned(&index, &no).unwrap();
        let service = supervision::service_concerned(
            ctx,
            &person_id,
            drawn.service.served_on,
            Some(&drawn.service.provider_id),
        )
        .unwrap();
        let refusals = [
            supervision::person_concerned(&index, "查无此人名字")
                .unwrap_err()
                .field,
            match supervision::service_concerned(ctx, &person_id, day(30), None) {
                Err(AppError::Validation(v)) => v.field,
                other => panic!("{other:?}"),
            },
        ];
        (found, service, refusals)
    });
    assert_eq!(found.as_deref(), Some(person_id.as_str()));
    // The day's service of that provider (the first recorded, when the day has two: which
    // one that is depends on the records' ids, not on what the test drew).
    let found_service = with_ctx(&mut ws, CW, |ctx| {
        jiuzhu::app::service::of_case(ctx, &drawn.service.case_id)
            .unwrap()
            .into_iter()
            .find(|s| s.meta.id == service)
            .expect("a service of the drawn case")
    });
    assert_eq!(
        (found_service.served_on, &found_service.provider_id),
        (drawn.service.served_on, &drawn.service.provider_id)
    );
    assert_eq!(refusals, [Field::PersonConcerned, Field::ServiceConcerned]);
    // A service names its person; another person with it is refused.
    let someone_else = with_ctx(&mut ws, "demo", |ctx| {
        jiuzhu::app::person::create(
            ctx,
            &jiuzhu::domain::person::PersonDraft {
                name: "另一人".into(),
                community: C1.into(),
                ..Default::default()
            },
        )
        .unwrap()
    });
    let other = with_ctx(&mut ws, CW, |ctx| {
        supervision::receive(
            ctx,
            &ComplaintDraft {
                person_id: Some(someone_else),
                ..d.clone()
            },
        )
        .unwrap_err()
    });
    assert!(
        matches!(&other, AppError::Validation(v) if v.field == Field::ServiceConcerned),
        "{other:?}"
    );
    let id = with_ctx(&mut ws, CW, |ctx| {
        supervision::receive(
            ctx,
            &ComplaintDraft {
                person_id: None,
                ..d.clone()
            },
        )
        .unwrap()
    });
    let listed = with_ctx(&mut ws, CW, |ctx| supervision::complaints(ctx).unwrap());
    let c = listed.iter().find(|c| c.meta.id == id).unwrap();
    assert_eq!(c.person_id.as_deref(), Some(person_id.as_str()));
    assert_eq!(
        c.service_id.as_deref(),
        Some(drawn.service.meta.id.as_str())
    );
    let nov = |d: u32| chrono::NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
    // Refusals name the field.
    let refused = |ws: &mut DemoWs, a: Assignment| {
        with_ctx(ws, CW, |ctx| {
            supervision::assign_to(ctx, &id, &a).unwrap_err()
        })
    };
    let field_of = |e: AppError| match e {
        AppError::Validation(v) => v.field,
        e => panic!("{e:?}"),
    };
    assert_eq!(
        field_of(refused(&mut ws, Assignment::default())),
        Field::Username
    );
    let e = refused(
        &mut ws,
        Assignment {
            unit: "999999".into(),
            ..Assignment::default()
        },
    );
    assert_eq!(field_of(e), Field::AssignedUnit);
    let e = refused(
        &mut ws,
        Assignment {
            user: "王干事".into(),
            due_on: Some(nov(19)),
            ..Assignment::default()
        },
    );
    assert_eq!(field_of(e), Field::DueDate);
    // 交办 to a unit, due on the 25th: overdue on the 28th (the common clock's day).
    let c = with_ctx(&mut ws, CW, |ctx| {
        supervision::assign_to(
            ctx,
            &id,
            &Assignment {
                user: String::new(),
                unit: C1.into(),
                due_on: Some(nov(25)),
            },
        )
        .unwrap()
    });
    assert_eq!(c.assigned_unit.as_deref(), Some(C1));
    assert_eq!(c.due_on, Some(nov(25)));
    let item = with_ctx(&mut ws, CW, |ctx| inbox::tasks(ctx).unwrap())
        .items
        .into_iter()
        .find(|i| i.target == Target::Complaint(id.clone()))
        .unwrap();
    assert_eq!(item.kind, InboxKind::Complaint);
    assert!(item.overdue, "past its due date: {item:?}");
    // Given until December: not overdue.
    with_ctx(&mut ws, CW, |ctx| {
        supervision::assign_to(
            ctx,
            &id,
            &Assignment {
                user: "王干事".into(),
                unit: C1.into(),
                due_on: Some(day(5)),
            },
        )
        .unwrap()
    });
    let item = with_ctx(&mut ws, CW, |ctx| inbox::tasks(ctx).unwrap())
        .items
        .into_iter()
        .find(|i| i.target == Target::Complaint(id.clone()))
        .unwrap();
    assert!(!item.overdue, "{item:?}");
    with_ctx(&mut ws, CW, |ctx| {
        supervision::answer(ctx, &id, "已与服务机构核实，调整送餐路线").unwrap()
    });
    // Closing asks for the 回访: satisfaction and a note.
    let closing = |ws: &mut DemoWs, f: FollowUp| {
        with_ctx(ws, CW, |ctx| supervision::close(ctx, &id, &f).unwrap_err())
    };
    let e = closing(
        &mut ws,
        FollowUp {
            note: "已回访".into(),
            ..FollowUp::default()
        },
    );
    assert_eq!(field_of(e), Field::Satisfaction);
    let e = closing(
        &mut ws,
        FollowUp {
            satisfaction: "happy".into(),
            note: "已回访".into(),
            on: None,
            answer: String::new(),
        },
    );
    assert_eq!(field_of(e), Field::Satisfaction);
    let e = closing(
        &mut ws,
        FollowUp {
            satisfaction: "basic".into(),
            ..FollowUp::default()
        },
    );
    assert_eq!(field_of(e), Field::Note);
    let c = with_ctx(&mut ws, CW, |ctx| {
        supervision::close(
            ctx,
            &id,
            &FollowUp {
                satisfaction: "basic".into(),
                note: "电话回访李女士，送餐已准时".into(),
                on: None,
                answer: String::new(),
            },
        )
        .unwrap()
    });
    assert_eq!(c.state, ComplaintState::Closed);
    assert_eq!(c.satisfaction.as_deref(), Some("basic"));
    assert_eq!(
        c.followup_note.as_deref(),
        Some("电话回访李女士，送餐已准时")
    );
    assert_eq!(c.followup_on, Some(nov(28)));
    assert!(with_ctx(&mut ws, "supervisor", |ctx| check::run(ctx).unwrap()).ok());
}

#[test]
fn an_inspection_draws_from_recent_months_unless_none_is_recent() {
    use chrono::NaiveDate;
    let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    assert_eq!(
        supervision::recent_since(day("2026-11-28")),
        day("2026-09-01")
    );
    assert_eq!(
        supervision::recent_since(day("2026-01-31")),
        day("2025-11-01")
    );
    let mut ws = with_people(80);
    let since = supervision::recent_since(day("2026-11-28"));
    let (old, recent) = with_ctx(&mut ws, CW, |ctx| {
        let all: Vec<_> = (0..40)
            .filter_map(|seed| {
                let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
                supervision::draw_service(ctx, None, None, &mut rng).unwrap()
            })
            .collect();
        let recent: Vec<_> = (0..40)
            .filter_map(|seed| {
                let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
                supervision::draw_recent_service(ctx, None, &mut rng).unwrap()
            })
            .collect();
        (
            all.iter().filter(|d| d.service.served_on < since).count(),
            recent,
        )
    });
    assert!(old > 0, "the demo has older services to leave out");
    assert!(!recent.is_empty());
    assert!(
        recent.iter().all(|d| d.service.served_on >= since),
        "only this month and the two before"
    );
    // A window with nothing in it draws nothing (the screen then draws from all).
    let far = with_ctx(&mut ws, CW, |ctx| {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        supervision::draw_service(ctx, None, Some(day("2099-01-01")), &mut rng).unwrap()
    });
    assert!(far.is_none());
}

#[test]
fn a_complaint_handed_on_receipt_is_due_by_the_limit_and_may_be_answered_on_closing() {
    let mut ws = with_people(1);
    let nov20 = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    let d = ComplaintDraft {
        community: C1.into(),
        channel: "hotline".into(),
        received_on: Some(nov20),
        complainant: "李女士".into(),
        content: "送餐时间不固定".into(),
        assigned_to: "刘敏".into(),
        ..Default::default()
    };
    let id = with_ctx(&mut ws, CW, |ctx| supervision::receive(ctx, &d).unwrap());
    let complaint = |ws: &mut DemoWs| {
        with_ctx(ws, CW, |ctx| {
            supervision::complaints(ctx)
                .unwrap()
                .into_iter()
                .find(|c| c.meta.id == id)
                .unwrap()
        })
    };
    let days = jiuzhu::domain::timeliness::COMPLAINT_DAYS;
    assert_eq!(
        complaint(&mut ws).due_on,
        Some(nov20 + chrono::Duration::days(days)),
        "交办 on receipt: due within the office's limit"
    );
    // A refused close writes nothing, not even the answer given with it.
    let e = with_ctx(&mut ws, CW, |ctx| {
        supervision::close(
            ctx,
            &id,
            &supervision::FollowUp {
                answer: "已与服务机构约定每天11点前送达".into(),
                note: "已回访".into(),
                ..Default::default()
            },
        )
        .unwrap_err()
    });
    assert!(
        matches!(&e, AppError::Validation(v) if v.field == Field::Satisfaction),
        "{e:?}"
    );
    let c = complaint(&mut ws);
    assert_eq!((c.state, c.answer), (ComplaintState::Open, None));
    let closed = with_ctx(&mut ws, CW, |ctx| {
        supervision::close(
            ctx,
            &id,
            &supervision::FollowUp {
                answer: "已与服务机构约定每天11点前送达".into(),
                ..follow_up()
            },
        )
        .unwrap()
    });
    assert_eq!(closed.state, ComplaintState::Closed);
    assert_eq!(
        closed.answer.as_deref(),
        Some("已与服务机构约定每天11点前送达")
    );
    assert!(closed.answered_at.is_some());
}

#[test]
fn check_finds_a_community_with_two_current_long_term_postings() {
    let mut ws = with_people(5);
    let long = |from: u32| PostingRequest {
        community: C1.into(),
        from: chrono::NaiveDate::from_ymd_opt(2026, 11, from).unwrap(),
        to: None,
        place: "居务公开栏".into(),
    };
    let several = |ws: &mut DemoWs| {
        with_ctx(ws, "demo", |ctx| check::run(ctx).unwrap())
            .findings
            .into_iter()
            .filter(|f| matches!(f, check::Finding::SeveralPostings(..)))
            .collect::<Vec<_>>()
    };
    let first = with_ctx(&mut ws, CW, |ctx| {
        supervision::post(ctx, &long(1), ListFormat::Html, Lang::ZhCn).unwrap()
    });
    with_ctx(&mut ws, CW, |ctx| {
        supervision::post(ctx, &long(2), ListFormat::Html, Lang::ZhCn).unwrap()
    });
    assert!(several(&mut ws).is_empty(), "the reissue ended the first");
    // As when a second workstation posted the same community's list: the first is current
    // again beside the second.
    rusqlite::Connection::open(ws.db())
        .unwrap()
        .execute(
            "UPDATE postings SET replaced_by = NULL WHERE id = ?1",
            [&first.posting.meta.id],
        )
        .unwrap();
    assert_eq!(
        several(&mut ws),
        vec![check::Finding::SeveralPostings(C1.into(), 2)]
    );
    // Posting again ends every current one.
    with_ctx(&mut ws, CW, |ctx| {
        supervision::post(ctx, &long(3), ListFormat::Html, Lang::ZhCn).unwrap()
    });
    assert!(several(&mut ws).is_empty());
}
