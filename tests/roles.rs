//! Each role is refused, by the use case itself, every action the permission table does not
//! give it — and is not refused the ones it gives. The command line and the screens call the
//! same use cases, so this holds for both.

mod common;

use common::{with_ctx, DemoWs};
use jiuzhu::app::{clue, exchange, person, provider, settings, users, AppError};
use jiuzhu::domain::permission::{scope_of, Action, Role};
use jiuzhu::domain::person::PersonDraft;
use jiuzhu::domain::provider::ProviderDraft;

const COMMUNITY: &str = "360104001001";

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
            };
            attempts.push((Action::ManageProviders, denied(&provider::create(ctx, &p))));
            let pw = zeroize::Zeroizing::new("Qingyunpu-2026!".to_string());
            let new_user = format!("{}.x", user.replace('_', ""));
            attempts.push((
                Action::ManageUsers,
                denied(&users::add(
                    ctx,
                    &new_user,
                    &[Role::InfoOfficer],
                    Some(COMMUNITY),
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
