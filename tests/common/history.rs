//! Hand-made histories: each step taken on its own day by a fixed clock (10:00 China time),
//! so ages and durations are exact against the common clock's 2026-11-28.

use chrono::{DateTime, NaiveDate, Utc};
use jiuzhu::app::{case, clue, person, provider, service, Ctx, FixedClock};
use jiuzhu::domain::person::PersonDraft;
use jiuzhu::domain::provider::ProviderDraft;
use jiuzhu::domain::service::Satisfaction;

use super::{with_ctx, DemoWs};

/// 洪都新村社区.
pub const C1: &str = "360104001001";
/// 顺化门社区.
pub const C2: &str = "360104001002";

/// A `YYYY-MM-DD` date.
pub fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Runs `f` as `user` with the clock at 10:00 China time on `on`.
pub fn on<T>(ws: &mut DemoWs, on: &str, user: &str, f: impl FnOnce(&mut Ctx<'_>) -> T) -> T {
    let t = DateTime::parse_from_rfc3339(&format!("{on}T02:00:00Z"))
        .unwrap()
        .with_timezone(&Utc);
    let clock = FixedClock(t);
    let session = ws.session(user);
    let mut ctx = Ctx::new(&mut ws.store, session, &clock).unwrap();
    f(&mut ctx)
}

/// A person on record (since 2025-01-01) in `community`.
pub fn new_person(ws: &mut DemoWs, name: &str, community: &str) -> String {
    on(ws, "2025-01-01", "demo", |ctx| {
        person::create(
            ctx,
            &PersonDraft {
                name: name.into(),
                community: community.into(),
                address: "广州路1号".into(),
                assistance_status: "urban_minimum_living".into(),
                ..Default::default()
            },
        )
        .unwrap()
    })
}

/// A clue about `person_id` found on `found`, recorded that day.
pub fn new_clue(ws: &mut DemoWs, person_id: &str, found: &str) -> String {
    on(ws, found, "demo", |ctx| {
        clue::record(
            ctx,
            &clue::ClueDraft {
                person_id: person_id.into(),
                difficulty: "独居，行动不便".into(),
                key_groups: vec!["disabled_or_dementia".into()],
                source: "visit".into(),
                reporter: String::new(),
                found_on: Some(day(found)),
            },
        )
        .unwrap()
    })
}

/// Verified, reported and accepted on the given days; returns the case.
pub fn accepted(
    ws: &mut DemoWs,
    clue_id: &str,
    verified: &str,
    reported: &str,
    acc: &str,
) -> String {
    on(ws, verified, "demo", |ctx| {
        clue::verify(ctx, clue_id, true, "属实").unwrap()
    });
    on(ws, reported, "demo", |ctx| {
        clue::report(ctx, clue_id).unwrap()
    });
    on(ws, acc, "demo", |ctx| clue::accept(ctx, clue_id).unwrap())
}

/// Surveyed on `surveyed`, assessed and approved on `decided`, carded on `carded`.
pub fn carded(ws: &mut DemoWs, case_id: &str, surveyed: &str, decided: &str, carded: &str) {
    on(ws, surveyed, "demo", |ctx| {
        case::survey(
            ctx,
            case_id,
            &super::survey("王干事", "卧床，需人照料", Some(day(surveyed))),
        )
        .unwrap()
    });
    on(ws, decided, "subdistrict_caseworker", |ctx| {
        case::assess(
            ctx,
            case_id,
            &case::Assessment {
                // The first category the person's facts admit.
                category: case::open_categories(ctx, &case::get(ctx, case_id).unwrap())
                    .unwrap()
                    .first()
                    .expect("a category the person fits")
                    .to_string(),
                self_care: String::new(),
                needs: vec!["meal_delivery".into()],
            },
        )
        .unwrap()
    });
    // Decided by another account than the assessor's (maker-checker).
    on(ws, decided, "demo", |ctx| {
        case::approve(ctx, case_id, "").unwrap()
    });
    on(ws, carded, "demo", |ctx| {
        case::issue_card(ctx, case_id).unwrap()
    });
}

/// A person with a card issued on `card_day`, in community `community`.
pub fn in_service(ws: &mut DemoWs, name: &str, community: &str, card_day: &str) -> String {
    let pid = new_person(ws, name, community);
    let cid = new_clue(ws, &pid, card_day);
    let case_id = accepted(ws, &cid, card_day, card_day, card_day);
    carded(ws, &case_id, card_day, card_day, card_day);
    case_id
}

/// 洪都街道居家养老服务中心, delivering meals across the subdistrict; returns its id.
pub fn meal_provider(ws: &mut DemoWs) -> String {
    meal_provider_named(ws, "洪都街道居家养老服务中心")
}

/// A provider named `name` delivering meals across the subdistrict; returns its id.
pub fn meal_provider_named(ws: &mut DemoWs, name: &str) -> String {
    on(ws, "2025-01-01", "demo", |ctx| {
        jiuzhu::app::provider::create(
            ctx,
            &jiuzhu::domain::provider::ProviderDraft {
                name: name.into(),
                kind: "enterprise_institution".into(),
                items: vec!["meal_delivery".into()],
                contact: "刘敏".into(),
                phone: "0791-88210001".into(),
                area: "360104001".into(),
                active: true,
                ..Default::default()
            },
        )
        .unwrap()
    })
}

/// A case carried to its card and served once.
pub struct Served {
    /// The case.
    pub case_id: String,
    /// The provider that served.
    pub provider_id: String,
}

/// Her ID number.
pub const SERVED_ID: &str = "360104195003070027";

/// 王秀英, assessed for meals and cleaning with a provider found for meals, carded, served once.
pub fn served(ws: &mut DemoWs) -> Served {
    let provider_id = with_ctx(ws, "admin", |ctx| {
        provider::create(
            ctx,
            &ProviderDraft {
                name: "洪都助餐中心".into(),
                kind: "enterprise_institution".into(),
                items: vec!["meal_delivery".into()],
                phone: "0791-88123456".into(),
                area: "360104001".into(),
                active: true,
                ..Default::default()
            },
        )
        .unwrap()
    });
    let pid = with_ctx(ws, "info_officer", |ctx| {
        person::create(
            ctx,
            &PersonDraft {
                name: "王秀英".into(),
                id_number: SERVED_ID.into(),
                community: C1.into(),
                address: "洪都中大道8栋3单元201".into(),
                phone: "13807911234".into(),
                diseases: "高血压、糖尿病".into(),
                assistance_status: "urban_minimum_living".into(),
                ..Default::default()
            },
        )
        .unwrap()
    });
    let cid = with_ctx(ws, "info_officer", |ctx| {
        let cid = clue::record(
            ctx,
            &clue::ClueDraft {
                person_id: pid.clone(),
                difficulty: "独居，做饭困难".into(),
                key_groups: vec!["seriously_ill".into()],
                source: "visit".into(),
                reporter: "楼栋长".into(),
                found_on: None,
            },
        )
        .unwrap();
        clue::verify(ctx, &cid, true, "属实").unwrap();
        clue::report(ctx, &cid).unwrap();
        cid
    });
    let case_id = with_ctx(ws, "subdistrict_caseworker", |ctx| {
        let case_id = clue::accept(ctx, &cid).unwrap();
        case::survey(
            ctx,
            &case_id,
            &super::survey("王干事", "独居，行走困难", None),
        )
        .unwrap();
        let c = case::assess(
            ctx,
            &case_id,
            &case::Assessment {
                category: "minimum_living".into(),
                self_care: "partly_disabled".into(),
                needs: vec!["meal_delivery".into(), "cleaning".into()],
            },
        )
        .unwrap();
        assert_eq!(
            c.plan[0].provider_id.as_deref(),
            Some(provider_id.as_str()),
            "the assessment proposes the provider offering the item"
        );
        assert_eq!(c.plan[1].provider_id, None, "no one offers cleaning");
        case_id
    });
    with_ctx(ws, "demo", |ctx| {
        case::approve(ctx, &case_id, "").unwrap();
        case::issue_card(ctx, &case_id).unwrap();
    });
    let card = with_ctx(ws, "subdistrict_caseworker", |ctx| {
        case::get(ctx, &case_id).unwrap()
    })
    .card_no
    .unwrap();
    with_ctx(ws, "provider_staff", |ctx| {
        service::register(ctx, &provider_id, &card).unwrap();
        service::record(
            ctx,
            &service::ServiceDraft {
                provider_id: provider_id.clone(),
                card_no: card.clone(),
                item: "meal_delivery".into(),
                served_on: None,
                minutes: 30,
                served_by: "李师傅".into(),
                content: "送午餐一份".into(),
                confirmed: true,
                satisfaction: Some(Satisfaction::Satisfied),
            },
        )
        .unwrap();
    });
    Served {
        case_id,
        provider_id,
    }
}
