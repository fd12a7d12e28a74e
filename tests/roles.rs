//! Each role is refused, by the use case itself, every action the permission table does not
//! give it — and is not refused the ones it gives. The command line and the screens call the
//! same use cases, so this holds for both.

mod common;

use common::history::meal_provider_named;
use common::{with_ctx, DemoWs};
use jiuzhu::app::{backup, clue, exchange, person, provider, settings, users, AppError};
use jiuzhu::domain::permission::{scope_of, Action, Role};
use jiuzhu::domain::person::PersonDraft;
use jiuzhu::domain::provider::ProviderDraft;

const COMMUNITY: &str = "360104001001";

/// `liumin`, provider staff of the subdistrict tied to provider `provider`, added by the
/// administrator; returns the session.
fn provider_staff(ws: &mut DemoWs, provider: &str) -> jiuzhu::app::Session {
    use jiuzhu::domain::permission::Grant;
    with_ctx(ws, "demo", |ctx| {
        let pw = zeroize::Zeroizing::new("Provider-2026".to_string());
        users::add(
            ctx,
            "liumin",
            "刘敏",
            &[Role::ProviderStaff],
            Some("360104001"),
            Some(provider),
            pw,
        )
        .unwrap();
    });
    jiuzhu::app::Session {
        username: "liumin".into(),
        grants: vec![Grant {
            role: Role::ProviderStaff,
            org: "360104001".into(),
        }],
    }
}

fn denied<T: std::fmt::Debug>(r: &Result<T, AppError>) -> bool {
    matches!(r, Err(AppError::Denied { .. }))
}

#[test]
fn every_role_is_refused_what_the_table_does_not_give_it() {
    let mut ws = DemoWs::new();
    let pid = with_ctx(&mut ws, "demo", |ctx| {
        person::create(
            ctx,
            &PersonDraft {
                name: "张桂英".into(),
                community: COMMUNITY.into(),
                ..Default::default()
            },
        )
        .unwrap()
    });
    let seller = meal_provider_named(&mut ws, "洪都助餐中心");
    let backups = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for role in Role::ALL {
        let user = role.code();
        let mut attempts: Vec<(Action, bool)> = Vec::new();
        with_ctx(&mut ws, user, |ctx| {
            attempts.push((Action::ViewPerson, denied(&person::get(ctx, &pid))));
            let draft = PersonDraft {
                name: format!("{user}测试"),
                community: COMMUNITY.into(),
                ..Default::default()
            };
            attempts.push((Action::EditPerson, denied(&person::create(ctx, &draft))));
            let clue = clue::ClueDraft {
                person_id: pid.clone(),
                difficulty: "独居".into(),
                key_groups: vec!["disabled_or_dementia".into()],
                source: "visit".into(),
                reporter: String::new(),
                found_on: None,
            };
            attempts.push((Action::RecordClue, denied(&clue::record(ctx, &clue))));
            let p = ProviderDraft {
                name: format!("{user}服务中心"),
                kind: "public_welfare_org".into(),
                items: vec!["meal_delivery".into()],
                contact: "李".into(),
                phone: "079188123456".into(),
                area: "360104001".into(),
                active: true,
                ..Default::default()
            };
            attempts.push((Action::ManageProviders, denied(&provider::create(ctx, &p))));
            let a = jiuzhu::domain::agreement::AgreementDraft {
                provider_id: seller.clone(),
                number: format!("{user}-001"),
                buyer: "360104001".into(),
                period_from: "2026-01-01".into(),
                period_to: "2026-12-31".into(),
                communities: vec![COMMUNITY.into()],
                lines: vec![jiuzhu::domain::agreement::PriceLineDraft {
                    item: "meal_delivery".into(),
                    unit: "per_portion".into(),
                    price: "12".into(),
                }],
                ..Default::default()
            };
            attempts.push((
                Action::ManageAgreements,
                denied(&jiuzhu::app::agreement::create(ctx, &a)),
            ));
            attempts.push((
                Action::MakeSettlement,
                denied(&jiuzhu::app::settlement::make(
                    ctx,
                    &seller,
                    jiuzhu::domain::month::Month::new(2026, 11).unwrap(),
                )),
            ));
            attempts.push((
                Action::ManageHelpers,
                denied(&jiuzhu::app::helper::register(
                    ctx,
                    &jiuzhu::domain::helper::HelperDraft {
                        person_id: pid.clone(),
                        ..Default::default()
                    },
                )),
            ));
            attempts.push((
                Action::MakeSubsidy,
                denied(&jiuzhu::app::subsidy::make(
                    ctx,
                    COMMUNITY,
                    jiuzhu::domain::month::Month::new(2026, 11).unwrap(),
                )),
            ));
            let pw = zeroize::Zeroizing::new("Qingyunpu-2026!".to_string());
            let new_user = format!("{}.x", user.replace('_', ""));
            attempts.push((
                Action::ManageUsers,
                denied(&users::add(
                    ctx,
                    &new_user,
                    "",
                    &[Role::InfoOfficer],
                    Some(COMMUNITY),
                    None,
                    pw,
                )),
            ));
            let t = settings::thresholds(ctx);
            if let Ok(t) = t {
                attempts.push((
                    Action::ManageSettings,
                    denied(&settings::set_thresholds(ctx, &t)),
                ));
            }
            attempts.push((
                Action::Inspect,
                denied(&jiuzhu::app::check::audit_verify(ctx)),
            ));
            attempts.push((
                Action::ExchangeBundles,
                denied(&exchange::export(ctx, "360104", None, &mut |_, _| true)),
            ));
            attempts.push((
                Action::ManageKeys,
                denied(&exchange::revoke(ctx, "0".repeat(30).as_str())),
            ));
            attempts.push((
                Action::BackupRestore,
                denied(&backup::backup(ctx, Some(backups.path()))),
            ));
        });
        for (action, was_denied) in attempts {
            let allowed = scope_of(role, action).is_some();
            assert_eq!(
                was_denied,
                !allowed,
                "{user}: {action:?} {}",
                if allowed {
                    "was refused"
                } else {
                    "was let through"
                }
            );
            checked += 1;
        }
    }
    assert!(checked >= 7 * 8, "{checked}");
}

#[test]
fn provider_staff_tied_to_a_provider_serve_its_recipients_only() {
    use jiuzhu::app::{case, service, Ctx};
    let mut ws = DemoWs::new();
    let case_id = common::history::in_service(&mut ws, "王秀英", COMMUNITY, "2026-11-20");
    let the_case = with_ctx(&mut ws, "demo", |ctx| case::get(ctx, &case_id).unwrap());
    let card = the_case.card_no.clone().unwrap();
    let ours = meal_provider_named(&mut ws, "洪都街道居家养老服务中心");
    let theirs = meal_provider_named(&mut ws, "顺化门助餐点");
    with_ctx(&mut ws, "demo", |ctx| {
        let pw = zeroize::Zeroizing::new("Provider-2026".to_string());
        let r = users::add(
            ctx,
            "nobody",
            "",
            &[Role::ProviderStaff],
            None,
            Some("no-such-provider"),
            pw,
        );
        assert!(matches!(r, Err(AppError::NotFound { .. })), "{r:?}");
    });
    let session = provider_staff(&mut ws, &ours);
    let clock = common::clock();
    let mut ctx = Ctx::new(&mut ws.store, session, &clock).unwrap();
    let r = service::register(&mut ctx, &theirs, &card);
    assert!(denied(&r), "another provider's registration: {r:?}");
    service::register(&mut ctx, &ours, &card).unwrap();
    let draft = |p: &str| service::ServiceDraft {
        provider_id: p.to_string(),
        card_no: card.clone(),
        item: "meal_delivery".into(),
        served_on: None,
        minutes: 30,
        served_by: "刘敏".into(),
        content: "送午餐".into(),
        confirmed: true,
        satisfaction: None,
    };
    assert!(denied(&service::record(&mut ctx, &draft(&theirs))));
    service::record(&mut ctx, &draft(&ours)).unwrap();
    // And provider staff never search or open people's files.
    assert!(denied(&person::get(&ctx, &the_case.person_id)));
}

#[test]
fn provider_staff_list_their_providers_recipients_and_no_others() {
    use jiuzhu::app::{case, service, Ctx};
    let mut ws = DemoWs::new();
    let served = common::history::in_service(&mut ws, "王秀英", COMMUNITY, "2026-11-20");
    let other = common::history::in_service(&mut ws, "李桂兰", COMMUNITY, "2026-11-20");
    let card = |ws: &mut DemoWs, id: &str| {
        with_ctx(ws, "demo", |ctx| case::get(ctx, id).unwrap())
            .card_no
            .unwrap()
    };
    let (card_a, card_b) = (card(&mut ws, &served), card(&mut ws, &other));
    let ours = meal_provider_named(&mut ws, "甲服务中心");
    let theirs = meal_provider_named(&mut ws, "乙助餐点");
    with_ctx(&mut ws, "demo", |ctx| {
        service::register(ctx, &ours, &card_a).unwrap();
        service::register(ctx, &theirs, &card_b).unwrap();
    });
    let session = provider_staff(&mut ws, &ours);
    let clock = common::clock();
    let ctx = Ctx::new(&mut ws.store, session, &clock).unwrap();
    let names: Vec<String> = service::recipients(&ctx, &ours)
        .unwrap()
        .into_iter()
        .map(|r| r.name)
        .collect();
    assert_eq!(names, ["王秀英"]);
    assert!(denied(&service::recipients(&ctx, &theirs)));
}
