//! 服务协议: providers' qualifications and the agreements they serve under — recorded, refused
//! with the field named and nothing written, ended but never deleted, carried down to the
//! communities in bundles, and followed by the service plan's 就近原则.

mod common;

use common::exchange::{pair, Station, COM, SUB};
use common::history::{accepted, new_clue, new_person};
use common::{with_ctx, DemoWs};
use jiuzhu::app::agreement::{self, Ending};
use jiuzhu::app::{case, provider, AppError};
use jiuzhu::domain::agreement::{AgreementDraft, AgreementState, PriceLineDraft};
use jiuzhu::domain::money::Fen;
use jiuzhu::domain::provider::ProviderDraft;
use jiuzhu::domain::validation::{Field, Reason};
use jiuzhu::i18n::{Lang, Localize};

const CW: &str = "subdistrict_caseworker";

fn provider_draft(name: &str, area: &str) -> ProviderDraft {
    ProviderDraft {
        name: name.into(),
        kind: "enterprise_institution".into(),
        items: vec!["meal_delivery".into(), "cleaning".into()],
        phone: "0791-88210001".into(),
        area: area.into(),
        active: true,
        ..Default::default()
    }
}

fn agreement_draft(provider_id: &str, number: &str) -> AgreementDraft {
    AgreementDraft {
        provider_id: provider_id.into(),
        number: number.into(),
        buyer: SUB.into(),
        signed_on: "2026-01-05".into(),
        period_from: "2026-01-01".into(),
        period_to: "2026-12-31".into(),
        communities: vec![COM.into()],
        lines: vec![PriceLineDraft {
            item: "meal_delivery".into(),
            unit: "per_portion".into(),
            price: "12.50".into(),
        }],
        ceiling: "36000".into(),
    }
}

fn count(ws: &DemoWs, table: &str) -> i64 {
    rusqlite::Connection::open(ws.db())
        .unwrap()
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

fn refusal(e: &AppError) -> (Field, Reason) {
    match e {
        AppError::Validation(v) => (v.field, v.reason.clone()),
        other => panic!("not a refusal of a field: {other:?}"),
    }
}

#[test]
fn a_provider_keeps_its_qualification_and_a_bad_credit_code_is_refused_by_name() {
    let mut ws = DemoWs::new();
    let mut d = provider_draft("洪都助餐中心", SUB);
    d.credit_code = "914403001922038217".into();
    let before = count(&ws, "providers");
    let e = with_ctx(&mut ws, "admin", |ctx| {
        provider::create(ctx, &d).unwrap_err()
    });
    assert_eq!(
        refusal(&e),
        (Field::CreditCode, Reason::BadCheckDigit { expected: '6' })
    );
    assert_eq!(
        e.localize(Lang::ZhCn),
        "统一社会信用代码：校验位不正确，按前 17 位计算应为 6"
    );
    assert_eq!(count(&ws, "providers"), before, "nothing written");
    d.credit_code = "914403001922038216".into();
    d.qualification_kind = "business_licence".into();
    d.qualification_no = "360104600123456".into();
    d.qualification_valid_until = "2028-06-30".into();
    let id = with_ctx(&mut ws, "admin", |ctx| provider::create(ctx, &d).unwrap());
    let p = with_ctx(&mut ws, CW, |ctx| {
        provider::list(ctx)
            .unwrap()
            .into_iter()
            .find(|p| p.meta.id == id)
            .unwrap()
    });
    assert_eq!(
        p.qualification.credit_code.as_deref(),
        Some("914403001922038216")
    );
    assert_eq!(p.qualification.kind.as_deref(), Some("business_licence"));
    assert_eq!(
        p.qualification.valid_until,
        chrono::NaiveDate::from_ymd_opt(2028, 6, 30)
    );
}

/// A change to a good draft that makes it wrong.
type Change = Box<dyn Fn(&mut AgreementDraft)>;

#[test]
fn an_agreement_is_recorded_refused_by_field_and_ended_but_never_deleted() {
    let mut ws = DemoWs::new();
    let seller = with_ctx(&mut ws, "admin", |ctx| {
        provider::create(ctx, &provider_draft("洪都助餐中心", SUB)).unwrap()
    });
    let id = with_ctx(&mut ws, CW, |ctx| {
        agreement::create(ctx, &agreement_draft(&seller, "HD-GM-2026-01")).unwrap()
    });
    let a = with_ctx(&mut ws, CW, |ctx| {
        agreement::find(ctx, "HD-GM-2026-01").unwrap()
    });
    assert_eq!(a.meta.id, id);
    assert_eq!(a.lines[0].price(), Fen(1250), "12.50 元 is 1250 分");
    assert_eq!(a.ceiling, Some(Fen(3_600_000)));
    assert_eq!(a.state, AgreementState::Running);
    assert_eq!(a.recorded_by, CW);

    // Each refusal names its field, and writes nothing.
    let before = count(&ws, "agreements");
    let log_before = count(&ws, "change_log");
    let cases: Vec<(Change, Field)> = vec![
        (Box::new(|_| {}), Field::AgreementNo),
        (
            Box::new(|d| {
                d.number = "X-2".into();
                d.lines[0].price = "12.345".into();
            }),
            Field::UnitPrice,
        ),
        (
            Box::new(|d| {
                d.number = "X-3".into();
                d.communities = vec!["360104002001".into()];
            }),
            Field::Community,
        ),
        (
            Box::new(|d| {
                d.number = "X-4".into();
                d.period_to = "2025-12-31".into();
            }),
            Field::AgreementTo,
        ),
        (
            Box::new(|d| {
                d.number = "X-5".into();
                d.lines[0].item = "rehabilitation".into();
            }),
            Field::Needs,
        ),
    ];
    for (change, field) in cases {
        let mut d = agreement_draft(&seller, "HD-GM-2026-01");
        change(&mut d);
        let e = with_ctx(&mut ws, CW, |ctx| agreement::create(ctx, &d).unwrap_err());
        assert_eq!(refusal(&e).0, field, "{e:?}");
        assert!(
            e.localize(Lang::ZhCn)
                .starts_with(&format!("{}：", jiuzhu::i18n::t(Lang::ZhCn, field.key()))),
            "{}",
            e.localize(Lang::ZhCn)
        );
    }
    assert_eq!(count(&ws, "agreements"), before);
    assert_eq!(count(&ws, "change_log"), log_before);

    // Who may not manage agreements is refused; a community cannot buy.
    let e = with_ctx(&mut ws, "info_officer", |ctx| {
        agreement::create(ctx, &agreement_draft(&seller, "X-6")).unwrap_err()
    });
    assert!(matches!(e, AppError::Denied { .. }), "{e:?}");

    // Ended with a state and a reason; what came before stays covered.
    let ended = with_ctx(&mut ws, CW, |ctx| {
        agreement::end(
            ctx,
            &id,
            &Ending {
                state: AgreementState::Terminated,
                on: chrono::NaiveDate::from_ymd_opt(2026, 6, 30),
                reason: "服务机构搬迁".into(),
            },
        )
        .unwrap()
    });
    assert_eq!(ended.state, AgreementState::Terminated);
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    assert!(ended.covers("meal_delivery", COM, day("2026-06-30")));
    assert!(!ended.covers("meal_delivery", COM, day("2026-07-01")));
    let e = with_ctx(&mut ws, CW, |ctx| {
        agreement::end(
            ctx,
            &id,
            &Ending {
                state: AgreementState::Expired,
                on: None,
                reason: "到期".into(),
            },
        )
        .unwrap_err()
    });
    assert_eq!(refusal(&e).0, Field::RecordState);
    let deleted = rusqlite::Connection::open(ws.db())
        .unwrap()
        .execute("DELETE FROM agreements", []);
    assert!(deleted.is_err(), "records are never deleted");
    assert!(
        with_ctx(&mut ws, "supervisor", |ctx| jiuzhu::app::check::run(ctx)
            .unwrap())
        .ok()
    );
}

#[test]
fn the_plan_proposes_the_provider_under_agreement_then_the_nearest() {
    let mut ws = DemoWs::new();
    // Names chosen so that "first by name" would pick the district's provider.
    let district = with_ctx(&mut ws, "district_admin", |ctx| {
        provider::create(ctx, &provider_draft("阿福助餐公司", "360104")).unwrap()
    });
    let subdistrict = with_ctx(&mut ws, "admin", |ctx| {
        provider::create(ctx, &provider_draft("八方助餐中心", SUB)).unwrap()
    });
    let community = with_ctx(&mut ws, "admin", |ctx| {
        provider::create(ctx, &provider_draft("社区老年食堂", COM)).unwrap()
    });
    let planned = |ws: &mut DemoWs, name: &str| {
        let person = new_person(ws, name, COM);
        let clue = new_clue(ws, &person, "2026-11-20");
        let case_id = accepted(ws, &clue, "2026-11-20", "2026-11-21", "2026-11-22");
        common::carry_to_card(
            &mut ws.store,
            &case_id,
            &case::Assessment {
                category: "minimum_living".into(),
                self_care: String::new(),
                needs: vec!["meal_delivery".into()],
            },
        );
        with_ctx(ws, CW, |ctx| case::get(ctx, &case_id).unwrap()).plan[0]
            .provider_id
            .clone()
    };
    assert_eq!(
        planned(&mut ws, "甲").as_deref(),
        Some(community.as_str()),
        "the community's own provider is nearest"
    );
    with_ctx(&mut ws, CW, |ctx| {
        agreement::create(ctx, &agreement_draft(&subdistrict, "HD-GM-2026-02")).unwrap()
    });
    assert_eq!(
        planned(&mut ws, "乙").as_deref(),
        Some(subdistrict.as_str()),
        "a provider under agreement for the item there comes first"
    );
    assert_ne!(planned(&mut ws, "丙").as_deref(), Some(district.as_str()));
}

#[test]
fn an_agreement_made_at_the_subdistrict_reaches_the_community_and_so_does_its_end() {
    let mut com = Station::community(false);
    let mut sub = Station::subdistrict(false);
    pair(&mut com, &mut sub);
    let seller =
        sub.ctx(|ctx| provider::create(ctx, &provider_draft("洪都助餐中心", SUB)).unwrap());
    let id =
        sub.ctx(|ctx| agreement::create(ctx, &agreement_draft(&seller, "HD-GM-2026-03")).unwrap());
    let down = sub.export_to(COM);
    com.import_ok(&down.path);
    let held = com.ctx(|ctx| agreement::get(ctx, &id).unwrap());
    assert_eq!(held.number, "HD-GM-2026-03");
    assert_eq!(held.lines[0].price_fen, 1250);
    assert_eq!(held.state, AgreementState::Running);
    sub.ctx(|ctx| {
        agreement::end(
            ctx,
            &id,
            &Ending {
                state: AgreementState::Superseded,
                on: chrono::NaiveDate::from_ymd_opt(2026, 11, 27),
                reason: "续签新协议".into(),
            },
        )
        .unwrap()
    });
    let down = sub.export_to(COM);
    com.import_ok(&down.path);
    let held = com.ctx(|ctx| agreement::get(ctx, &id).unwrap());
    assert_eq!(held.state, AgreementState::Superseded);
    assert_eq!(held.end_reason.as_deref(), Some("续签新协议"));
    com.assert_check();
    sub.assert_check();
}

/// 待办 lists a running agreement near its last day (as a card's expiry is), overdue once
/// past it, to whoever records agreements for the buying unit; an ended one drops out.
#[test]
fn an_agreement_near_its_end_waits_in_the_inbox_until_it_is_ended() {
    use jiuzhu::app::inbox::{self, InboxKind};
    let mut ws = DemoWs::new();
    let seller = with_ctx(&mut ws, "admin", |ctx| {
        provider::create(ctx, &provider_draft("洪都助餐中心", SUB)).unwrap()
    });
    let mut near = agreement_draft(&seller, "HD-GM-2026-10");
    near.period_to = "2026-12-15".into();
    let mut far = agreement_draft(&seller, "HD-GM-2026-11");
    far.period_to = "2027-06-30".into();
    let id = with_ctx(&mut ws, CW, |ctx| {
        agreement::create(ctx, &far).unwrap();
        agreement::create(ctx, &near).unwrap()
    });
    let waiting = |ws: &mut DemoWs, user: &str| {
        with_ctx(ws, user, |ctx| inbox::tasks(ctx).unwrap())
            .items
            .into_iter()
            .filter(|i| i.kind == InboxKind::AgreementExpiring)
            .collect::<Vec<_>>()
    };
    let items = waiting(&mut ws, CW);
    assert_eq!(
        items.len(),
        1,
        "only the one ending within the warning days"
    );
    assert_eq!(items[0].name, "洪都助餐中心");
    assert!(!items[0].overdue);
    assert!(waiting(&mut ws, "info_officer").is_empty());
    with_ctx(&mut ws, CW, |ctx| {
        agreement::end(
            ctx,
            &id,
            &Ending {
                state: AgreementState::Expired,
                on: None,
                reason: "到期不再续签".into(),
            },
        )
        .unwrap()
    });
    assert!(waiting(&mut ws, CW).is_empty());
}

/// A service under no running agreement is recorded all the same and told apart.
#[test]
fn a_service_is_told_whether_an_agreement_covers_it() {
    let mut ws = DemoWs::new();
    let s = common::history::served(&mut ws);
    let card = with_ctx(&mut ws, CW, |ctx| case::get(ctx, &s.case_id).unwrap())
        .card_no
        .unwrap();
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    let covered = |ws: &mut DemoWs| {
        with_ctx(ws, "provider_staff", |ctx| {
            jiuzhu::app::service::agreement_of(ctx, &card, &s.provider_id, "meal_delivery", day)
                .unwrap()
                .map(|a| a.number)
        })
    };
    assert_eq!(covered(&mut ws), None, "served free: no agreement yet");
    with_ctx(&mut ws, CW, |ctx| {
        agreement::create(ctx, &agreement_draft(&s.provider_id, "HD-GM-2026-12")).unwrap()
    });
    assert_eq!(covered(&mut ws).as_deref(), Some("HD-GM-2026-12"));
}

/// 待办 lists an active provider whose qualification lapses within the warning days, to whoever
/// registers providers there.
#[test]
fn a_lapsing_qualification_waits_in_the_inbox() {
    use jiuzhu::app::inbox::{self, InboxKind};
    let mut ws = DemoWs::new();
    let mut lapsing = provider_draft("洪都助餐中心", SUB);
    lapsing.qualification_kind = "business_licence".into();
    lapsing.qualification_valid_until = "2026-12-10".into();
    let mut valid = provider_draft("八方助餐中心", SUB);
    valid.qualification_valid_until = "2028-12-31".into();
    with_ctx(&mut ws, "admin", |ctx| {
        provider::create(ctx, &lapsing).unwrap();
        provider::create(ctx, &valid).unwrap();
    });
    let names = |ws: &mut DemoWs, user: &str| -> Vec<String> {
        with_ctx(ws, user, |ctx| inbox::tasks(ctx).unwrap())
            .items
            .into_iter()
            .filter(|i| i.kind == InboxKind::QualificationExpiring)
            .map(|i| i.name)
            .collect()
    };
    assert_eq!(names(&mut ws, "admin"), ["洪都助餐中心"]);
    assert!(
        names(&mut ws, CW).is_empty(),
        "the caseworker registers no providers"
    );
}
