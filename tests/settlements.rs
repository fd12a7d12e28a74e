//! 结算: agreement → services → settlement → submit → approve by another account → pay; each
//! refusal names its reason and changes nothing; an approved settlement is frozen; the money
//! is whole 分 throughout; the subdistrict's approval reaches the community in a bundle.

mod common;

use common::exchange::{pair, Station, COM, SUB};
use common::{with_ctx, DemoWs};
use jiuzhu::app::print::ListFormat;
use jiuzhu::app::{agreement, settlement, AppError};
use jiuzhu::domain::agreement::{AgreementDraft, PriceLineDraft};
use jiuzhu::domain::money::Fen;
use jiuzhu::domain::month::Month;
use jiuzhu::domain::settlement::{Exclusion, SettlementState};
use jiuzhu::domain::validation::{Field, Reason};
use jiuzhu::i18n::Lang;

const CW: &str = "subdistrict_caseworker";

fn agreement_draft(provider_id: &str, price: &str) -> AgreementDraft {
    AgreementDraft {
        provider_id: provider_id.into(),
        number: "HD-GM-2026-20".into(),
        buyer: SUB.into(),
        period_from: "2026-01-01".into(),
        period_to: "2026-12-31".into(),
        communities: vec![COM.into()],
        lines: vec![PriceLineDraft {
            item: "meal_delivery".into(),
            unit: "per_portion".into(),
            price: price.into(),
        }],
        ..Default::default()
    }
}

fn november() -> Month {
    Month::new(2026, 11).unwrap()
}

fn rows(ws: &DemoWs) -> (i64, i64) {
    let c = rusqlite::Connection::open(ws.db()).unwrap();
    let n = |sql: &str| c.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
    (
        n("SELECT count(*) FROM change_log"),
        n("SELECT coalesce(sum(version), 0) FROM settlements"),
    )
}

fn reason_of(e: &AppError) -> (Field, Reason) {
    match e {
        AppError::Validation(v) => (v.field, v.reason.clone()),
        other => panic!("not a refusal: {other:?}"),
    }
}

#[test]
fn a_month_is_settled_submitted_approved_by_another_and_paid() {
    let mut ws = DemoWs::new();
    let s = common::history::served(&mut ws);
    // Without an agreement, the service is listed as not counting, and why.
    let free = with_ctx(&mut ws, CW, |ctx| {
        settlement::make(ctx, &s.provider_id, november()).unwrap()
    });
    assert_eq!(free.total, Fen(0));
    assert_eq!(free.excluded.len(), 1);
    assert_eq!(free.excluded[0].reason, Exclusion::NoAgreement);
    // 0.10 + 0.20 yuan style prices stay exact: 12.30 元 is 1230 分.
    with_ctx(&mut ws, CW, |ctx| {
        agreement::create(ctx, &agreement_draft(&s.provider_id, "12.30")).unwrap()
    });
    let draft = with_ctx(&mut ws, CW, |ctx| {
        settlement::make(ctx, &s.provider_id, november()).unwrap()
    });
    assert_eq!(
        draft.meta.id, free.meta.id,
        "the draft is made again, not a second one"
    );
    assert_eq!(draft.state, SettlementState::Draft);
    assert_eq!(draft.lines.len(), 1);
    assert_eq!(draft.total, Fen(1230));
    assert_eq!(
        draft.total.0,
        draft.lines.iter().map(|l| l.amount.0).sum::<i64>()
    );

    let submitted = with_ctx(&mut ws, CW, |ctx| {
        settlement::submit(ctx, &draft.meta.id).unwrap()
    });
    assert_eq!(submitted.submitted_by.as_deref(), Some(CW));

    // Maker-checker: the submitter may not approve; nothing changes.
    let before = rows(&ws);
    let e = with_ctx(&mut ws, CW, |ctx| {
        settlement::approve(ctx, &draft.meta.id).unwrap_err()
    });
    assert_eq!(
        reason_of(&e),
        (Field::Approver, Reason::SameAccount { account: CW.into() })
    );
    assert_eq!(rows(&ws), before);
    // Paying before approval, or making a submitted month again, is refused too.
    let e = with_ctx(&mut ws, CW, |ctx| {
        settlement::pay(
            ctx,
            &draft.meta.id,
            None,
            "记-2026-1101",
            "district_finance",
        )
        .unwrap_err()
    });
    assert_eq!(reason_of(&e).0, Field::RecordState);
    let e = with_ctx(&mut ws, CW, |ctx| {
        settlement::make(ctx, &s.provider_id, november()).unwrap_err()
    });
    assert_eq!(reason_of(&e).0, Field::RecordState);
    assert_eq!(rows(&ws), before);
    // Who holds no approving role is refused.
    let e = with_ctx(&mut ws, "info_officer", |ctx| {
        settlement::approve(ctx, &draft.meta.id).unwrap_err()
    });
    assert!(matches!(e, AppError::Denied { .. }), "{e:?}");

    let approved = with_ctx(&mut ws, "district_admin", |ctx| {
        settlement::approve(ctx, &draft.meta.id).unwrap()
    });
    assert_eq!(approved.state, SettlementState::Approved);
    assert_eq!(approved.approved_by.as_deref(), Some("district_admin"));
    assert!(approved.frozen());
    let e = with_ctx(&mut ws, "district_admin", |ctx| {
        settlement::approve(ctx, &draft.meta.id).unwrap_err()
    });
    assert_eq!(reason_of(&e).0, Field::RecordState, "a second approval");

    let e = with_ctx(&mut ws, CW, |ctx| {
        settlement::pay(ctx, &draft.meta.id, None, " ", "district_finance").unwrap_err()
    });
    assert_eq!(reason_of(&e), (Field::VoucherNo, Reason::Required));
    // 专款专用: the fund must hold it; an empty source refuses the payment, nothing changes.
    let before = rows(&ws);
    let e = with_ctx(&mut ws, CW, |ctx| {
        settlement::pay(
            ctx,
            &draft.meta.id,
            None,
            "记-2026-1101",
            "district_finance",
        )
        .unwrap_err()
    });
    assert_eq!(
        reason_of(&e),
        (
            Field::FundSource,
            Reason::Overspent {
                balance: "0.00".into(),
                amount: "12.30".into()
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
                amount: "100.10".into(),
                booked_on: None,
                note: "青民字〔2026〕12号".into(),
            },
        )
        .unwrap()
    });
    let paid = with_ctx(&mut ws, CW, |ctx| {
        settlement::pay(
            ctx,
            &draft.meta.id,
            None,
            "记-2026-1101",
            "district_finance",
        )
        .unwrap()
    });
    let (balances, by_measure) = with_ctx(&mut ws, "supervisor", |ctx| {
        (
            jiuzhu::app::ledger::balances(ctx, None).unwrap(),
            jiuzhu::app::ledger::spent_by_measure(ctx).unwrap(),
        )
    });
    assert_eq!(balances.len(), 1);
    let b = balances[0].2;
    assert_eq!(
        (b.income, b.spent, b.balance),
        (Fen(10010), Fen(1230), Fen(8780))
    );
    assert_eq!(by_measure, [("government_purchase".to_string(), Fen(1230))]);
    assert_eq!(paid.state, SettlementState::Paid);
    assert_eq!(paid.voucher_no.as_deref(), Some("记-2026-1101"));
    assert_eq!(
        paid.total,
        Fen(1230),
        "frozen: the lines are those approved"
    );

    // On paper and as a workbook: the lines, the total, who made and approved it, both seals.
    let (html, xlsx, names) = with_ctx(&mut ws, CW, |ctx| {
        let html = settlement::print(ctx, &draft.meta.id, ListFormat::Html, Lang::ZhCn).unwrap();
        let xlsx = settlement::print(ctx, &draft.meta.id, ListFormat::Xlsx, Lang::ZhCn).unwrap();
        let names = (
            jiuzhu::app::users::real_name(ctx, CW).unwrap(),
            jiuzhu::app::users::real_name(ctx, "district_admin").unwrap(),
        );
        (std::fs::read_to_string(html).unwrap(), xlsx, names)
    });
    for want in [
        "服务类社会救助购买服务结算单（2026年11月）",
        "洪都助餐中心",
        "王秀英",
        "HD-GM-2026-20",
        "12.30",
        "本月计入结算的服务共 1 次，结算金额合计 12.30 元。",
        "<div class=\"unit\">南昌市青云谱区洪都街道办事处</div>",
        "已支付",
        &names.0,
        &names.1,
    ] {
        assert!(html.contains(want), "the sheet lacks {want}");
    }
    assert!(
        !html.contains(common::history::SERVED_ID),
        "no ID number on a payment paper"
    );
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    let range = calamine::Reader::worksheet_range_at(&mut book, 0)
        .unwrap()
        .unwrap();
    let amounts: Vec<f64> = range
        .rows()
        .filter_map(|r| match r.get(7) {
            Some(calamine::Data::Float(f)) => Some(*f),
            _ => None,
        })
        .collect();
    assert_eq!(amounts, [12.3, 12.3], "the line and the total, as numbers");

    // The database holds maker-checker too.
    let c = rusqlite::Connection::open(ws.db()).unwrap();
    let forged = c.execute(
        "UPDATE settlements SET approved_by = submitted_by WHERE id = ?1",
        [&draft.meta.id],
    );
    assert!(forged.is_err(), "no row may name its submitter as approver");
    assert!(c.execute("DELETE FROM settlements", []).is_err());
    drop(c);
    assert!(
        with_ctx(&mut ws, "supervisor", |ctx| jiuzhu::app::check::run(ctx)
            .unwrap())
        .ok()
    );
    // A ledger row edited behind the program's back is found.
    let c = rusqlite::Connection::open(ws.db()).unwrap();
    let spent: String = c
        .query_row(
            "SELECT id FROM ledger_entries WHERE kind = 'expenditure'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    c.execute(
        "UPDATE ledger_entries SET amount_fen = 30 WHERE id = ?1",
        [&spent],
    )
    .unwrap();
    drop(c);
    let report = with_ctx(&mut ws, "supervisor", |ctx| {
        jiuzhu::app::check::run(ctx).unwrap()
    });
    assert!(
        report
            .findings
            .contains(&jiuzhu::app::check::Finding::LedgerBroken(spent)),
        "{:?}",
        report.findings
    );
}

#[test]
fn a_settlement_approved_at_the_subdistrict_shows_approved_at_the_community() {
    use jiuzhu::domain::permission::{Grant, Role};
    let mut com = Station::community(false);
    let mut sub = Station::subdistrict(false);
    pair(&mut com, &mut sub);
    let provider = sub.ctx(|ctx| {
        jiuzhu::app::provider::create(
            ctx,
            &jiuzhu::domain::provider::ProviderDraft {
                name: "洪都助餐中心".into(),
                kind: "enterprise_institution".into(),
                items: vec!["meal_delivery".into()],
                area: SUB.into(),
                active: true,
                ..Default::default()
            },
        )
        .unwrap()
    });
    sub.ctx(|ctx| agreement::create(ctx, &agreement_draft(&provider, "12")).unwrap());
    let id = sub.ctx(|ctx| {
        let s = settlement::make(ctx, &provider, november()).unwrap();
        settlement::submit(ctx, &s.meta.id).unwrap();
        s.meta.id
    });
    // A second account of the subdistrict approves.
    sub.ctx(|ctx| {
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
    sub.ctx(|ctx| settlement::approve(ctx, &id).unwrap());
    sub.session = admin;
    let down = sub.export_to(COM);
    com.import_ok(&down.path);
    let held = com.ctx(|ctx| settlement::get(ctx, &id).unwrap());
    assert_eq!(held.state, SettlementState::Approved);
    assert_eq!(held.approved_by.as_deref(), Some("wang.shenhe"));
    com.assert_check();
}

/// The settlement of an earlier month with no services, submitted and approved: frozen.
fn frozen_october(ws: &mut DemoWs, provider_id: &str) -> String {
    let id = with_ctx(ws, CW, |ctx| {
        let s = settlement::make(ctx, provider_id, Month::new(2026, 10).unwrap()).unwrap();
        settlement::submit(ctx, &s.meta.id).unwrap();
        s.meta.id
    });
    with_ctx(ws, "district_admin", |ctx| {
        settlement::approve(ctx, &id).unwrap()
    });
    id
}

#[test]
fn a_correction_is_an_adjusting_line_on_a_later_month() {
    let mut ws = DemoWs::new();
    let s = common::history::served(&mut ws);
    with_ctx(&mut ws, CW, |ctx| {
        agreement::create(ctx, &agreement_draft(&s.provider_id, "12.30")).unwrap()
    });
    let october = frozen_october(&mut ws, &s.provider_id);
    let nov = with_ctx(&mut ws, CW, |ctx| {
        settlement::make(ctx, &s.provider_id, november()).unwrap()
    });
    let before = rows(&ws);
    // The month corrected must be an earlier, frozen one of the same provider and buyer.
    let e = with_ctx(&mut ws, CW, |ctx| {
        settlement::adjust(ctx, &nov.meta.id, &nov.meta.id, "1", "多算").unwrap_err()
    });
    assert_eq!(
        reason_of(&e),
        (
            Field::Settlement,
            Reason::Inconsistent {
                what: "settlement_rule.corrects_earlier_frozen"
            }
        )
    );
    // Taking back more than the month comes to would make it negative.
    let e = with_ctx(&mut ws, CW, |ctx| {
        settlement::adjust(ctx, &nov.meta.id, &october, "-20.00", "10月多结一次").unwrap_err()
    });
    assert_eq!(
        reason_of(&e),
        (
            Field::Amount,
            Reason::Inconsistent {
                what: "settlement_rule.negative_total"
            }
        )
    );
    let e = with_ctx(&mut ws, CW, |ctx| {
        settlement::adjust(ctx, &nov.meta.id, &october, "-2.30", " ").unwrap_err()
    });
    assert_eq!(reason_of(&e), (Field::Reason, Reason::Required));
    assert_eq!(rows(&ws), before, "nothing changed by a refusal");

    let adjusted = with_ctx(&mut ws, CW, |ctx| {
        settlement::adjust(ctx, &nov.meta.id, &october, "-2.30", "10月多结一次").unwrap()
    });
    assert_eq!(adjusted.total, Fen(1000));
    assert_eq!(
        adjusted.total,
        adjusted.sum(),
        "the total is its lines and adjustments"
    );
    // Made again from the records, the draft keeps its correction.
    let remade = with_ctx(&mut ws, CW, |ctx| {
        settlement::make(ctx, &s.provider_id, november()).unwrap()
    });
    assert_eq!((remade.adjustments.len(), remade.total), (1, Fen(1000)));
    let held = with_ctx(&mut ws, CW, |ctx| settlement::get(ctx, &october).unwrap());
    assert_eq!(
        (held.meta.version, held.total),
        (3, Fen(0)),
        "the corrected month is not rewritten"
    );
    let html = with_ctx(&mut ws, CW, |ctx| {
        settlement::print(ctx, &nov.meta.id, ListFormat::Html, Lang::ZhCn).unwrap()
    });
    let html = std::fs::read_to_string(html).unwrap();
    for want in ["调整2026年10月结算", "10月多结一次", "-2.30", "10.00"] {
        assert!(html.contains(want), "the sheet lacks {want}");
    }
}

#[test]
fn a_service_in_an_approved_settlement_is_not_changed_by_a_bundle() {
    use jiuzhu::domain::permission::{Grant, Role};
    let mut ws = DemoWs::new();
    let s = common::history::served(&mut ws);
    with_ctx(&mut ws, CW, |ctx| {
        agreement::create(ctx, &agreement_draft(&s.provider_id, "12.30")).unwrap()
    });
    let id = with_ctx(&mut ws, CW, |ctx| {
        let d = settlement::make(ctx, &s.provider_id, november()).unwrap();
        settlement::submit(ctx, &d.meta.id).unwrap();
        d.meta.id
    });
    with_ctx(&mut ws, "district_admin", |ctx| {
        settlement::approve(ctx, &id).unwrap()
    });
    let service_id = with_ctx(&mut ws, CW, |ctx| settlement::get(ctx, &id).unwrap()).lines[0]
        .service_id
        .clone();
    // The database itself refuses to rewrite it.
    let c = rusqlite::Connection::open(ws.db()).unwrap();
    assert!(c
        .execute(
            "UPDATE services SET minutes = 300 WHERE id = ?1",
            [&service_id]
        )
        .is_err());
    drop(c);

    let mut sub = Station {
        dir: ws.dir,
        store: ws.store,
        session: jiuzhu::app::Session {
            username: "admin".into(),
            grants: vec![Grant {
                role: Role::Admin,
                org: SUB.into(),
            }],
        },
        org: SUB.into(),
    };
    let mut com = Station::community(true);
    pair(&mut com, &mut sub);
    let down = sub.export_to(COM);
    com.import_ok(&down.path);
    // The community holds the freeze too; someone with its database and a SQLite shell
    // drops it and changes the service afterwards.
    com.sql("DROP TRIGGER services_settled_frozen");
    let mut changed = com
        .record(jiuzhu::store::records::Entity::Service, &service_id)
        .unwrap();
    changed["minutes"] = serde_json::json!(300);
    changed["version"] = serde_json::json!(changed["version"].as_i64().unwrap() + 1);
    com.forge(
        jiuzhu::store::records::Entity::Service,
        "service.correct",
        changed,
    );
    let up = com.export_to(SUB);
    let r = sub.import_ok(&up.path);
    assert_eq!((r.reviews, r.applied), (1, 0), "{r:?}");
    let items = sub.ctx(|ctx| jiuzhu::app::exchange::open_items(ctx).unwrap());
    assert_eq!(
        (items[0].kind.as_str(), items[0].reason.as_str()),
        ("review", "settled")
    );
    assert_eq!(
        jiuzhu::i18n::t(Lang::ZhCn, "exchange_reason.settled"),
        "这条服务记录已计入已审核的结算单，不能再修改；如有差错，请在以后月份的结算单中做调整"
    );
    let minutes: i64 = rusqlite::Connection::open(sub.db())
        .unwrap()
        .query_row(
            "SELECT minutes FROM services WHERE id = ?1",
            [&service_id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(minutes, 30, "the settled service stays as approved");
    sub.assert_check();
}
