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

fn day(d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
}

#[test]
fn a_posting_records_its_period_place_count_and_the_hash_of_the_list() {
    let mut ws = with_people(200);
    let r = PostingRequest {
        community: C1.into(),
        from: day(1),
        to: day(7),
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
    let too_long = PostingRequest {
        to: day(1) + chrono::Duration::days(60),
        ..r.clone()
    };
    let e = with_ctx(&mut ws, CW, |ctx| {
        supervision::post(ctx, &too_long, ListFormat::Html, Lang::ZhCn).unwrap_err()
    });
    assert!(
        matches!(&e, AppError::Validation(v) if v.field == Field::PeriodEnd),
        "{e:?}"
    );
    let backwards = PostingRequest {
        from: day(7),
        to: day(1),
        ..r.clone()
    };
    assert!(with_ctx(&mut ws, CW, |ctx| supervision::post(
        ctx,
        &backwards,
        ListFormat::Html,
        Lang::ZhCn
    ))
    .is_err());
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
                to: day(7),
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
    let e = with_ctx(&mut ws, CW, |ctx| supervision::close(ctx, &id).unwrap_err());
    assert!(
        matches!(e, AppError::Transition(_)),
        "no closing before an answer: {e:?}"
    );
    assert!(e.to_string().contains("does not allow"));
    with_ctx(&mut ws, CW, |ctx| {
        supervision::assign(ctx, &id, "王干事").unwrap()
    });
    let c = with_ctx(&mut ws, CW, |ctx| {
        supervision::answer(ctx, &id, "经入户核实，车辆为亲属所有，符合条件，已答复").unwrap()
    });
    assert_eq!(c.state, ComplaintState::Answered);
    assert_eq!(c.assigned_to.as_deref(), Some("王干事"));
    let c = with_ctx(&mut ws, CW, |ctx| supervision::close(ctx, &id).unwrap());
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
        supervision::draw_service(ctx, Some(C1), &mut rng)
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
        supervision::draw_service(ctx, None, &mut rng).unwrap()
    });
    assert!(none.is_none());
}
