//! A role is offered only the commands it may use: no screen offers a step in its command bar
//! or F1 that the permission check would then refuse. Each screen is loaded as demo accounts
//! that may not act and as one that may, and its command list compared.

mod common;

use common::history::{accepted, in_service, meal_provider, new_clue, new_person, on};
use common::{demo_session, DemoWs};
use jiuzhu::app::clue;
use jiuzhu::i18n::Lang;
use jiuzhu::tui::env::Env;
use jiuzhu::tui::screens::admin::settings::Settings;
use jiuzhu::tui::screens::archive::person_detail::PersonDetail;
use jiuzhu::tui::screens::assessment::case_detail::CaseDetail;
use jiuzhu::tui::screens::discovery::clue_detail::ClueDetail;
use jiuzhu::tui::screens::discovery::clue_list::ClueList;
use jiuzhu::tui::screens::exchange::overview::ExchangeScreen;
use jiuzhu::tui::screens::providers::registry::ProviderList;
use jiuzhu::tui::screens::Screen;

const COMMUNITY: &str = "360104001001";
const DAY: &str = "2026-11-20";

/// The UI's environment on `ws` signed in as demo account `user`.
fn env_as(ws: &DemoWs, user: &str) -> Env {
    let mut env = common::screen::env(&ws.db(), Lang::ZhCn);
    env.session = Some(demo_session(user));
    env
}

fn labels(s: &dyn Screen) -> Vec<&'static str> {
    s.commands().iter().map(|c| c.label).collect()
}

/// `user`'s command list on the screen `open` makes offers none of `refused`.
fn offers_none(
    ws: &DemoWs,
    user: &str,
    open: impl Fn(&mut Env) -> Box<dyn Screen>,
    refused: &[&str],
) {
    let mut env = env_as(ws, user);
    let screen = open(&mut env);
    let got = labels(screen.as_ref());
    for r in refused {
        assert!(!got.contains(r), "{user} is offered {r}: {got:?}");
    }
}

/// `user`'s command list on the screen `open` makes offers all of `wanted`.
fn offers_all(
    ws: &DemoWs,
    user: &str,
    open: impl Fn(&mut Env) -> Box<dyn Screen>,
    wanted: &[&str],
) {
    let mut env = env_as(ws, user);
    let screen = open(&mut env);
    let got = labels(screen.as_ref());
    for w in wanted {
        assert!(got.contains(w), "{user} is not offered {w}: {got:?}");
    }
}

#[test]
fn the_case_page_offers_its_steps_only_to_who_may_take_them() {
    let mut ws = DemoWs::new();
    let serving = in_service(&mut ws, "张桂英", COMMUNITY, DAY);
    let pid = new_person(&mut ws, "李秀兰", COMMUNITY);
    let cid = new_clue(&mut ws, &pid, DAY);
    let fresh = accepted(&mut ws, &cid, DAY, DAY, DAY);
    let open = |id: &str| {
        let id = id.to_string();
        move |env: &mut Env| -> Box<dyn Screen> { Box::new(CaseDetail::load(env, &id).unwrap()) }
    };
    let decide = ["cmd.review", "cmd.suspend", "cmd.stop", "cmd.plan"];
    for user in [
        "info_officer",
        "community_staff",
        "supervisor",
        "district_admin",
    ] {
        offers_none(&ws, user, open(&serving), &decide);
        offers_none(&ws, user, open(&fresh), &["cmd.survey", "cmd.withdraw"]);
        // What anyone who sees the case may do stays.
        offers_all(&ws, user, open(&serving), &["cmd.print", "cmd.back"]);
    }
    offers_all(&ws, "subdistrict_caseworker", open(&serving), &decide);
    offers_all(&ws, "subdistrict_caseworker", open(&fresh), &["cmd.survey"]);
}

#[test]
fn the_clue_page_offers_its_steps_only_to_who_may_take_them() {
    let mut ws = DemoWs::new();
    let pid = new_person(&mut ws, "张桂英", COMMUNITY);
    let recorded = new_clue(&mut ws, &pid, DAY);
    let pid2 = new_person(&mut ws, "李秀兰", COMMUNITY);
    let reported = new_clue(&mut ws, &pid2, DAY);
    on(&mut ws, DAY, "demo", |ctx| {
        clue::verify(ctx, &reported, true, "属实").unwrap();
        clue::report(ctx, &reported).unwrap();
    });
    let open = |id: &str| {
        let id = id.to_string();
        move |env: &mut Env| -> Box<dyn Screen> { Box::new(ClueDetail::load(env, &id).unwrap()) }
    };
    let verify = ["cmd.verify_real", "cmd.verify_unfounded"];
    // 核实 is the information officer's; 撤销 whoever records clues.
    for user in ["community_staff", "subdistrict_caseworker", "supervisor"] {
        offers_none(&ws, user, open(&recorded), &verify);
    }
    offers_none(&ws, "supervisor", open(&recorded), &["cmd.withdraw"]);
    offers_none(&ws, "district_admin", open(&recorded), &["cmd.withdraw"]);
    offers_all(&ws, "info_officer", open(&recorded), &verify);
    offers_all(&ws, "community_staff", open(&recorded), &["cmd.withdraw"]);
    // 受理 is the subdistrict's.
    for user in ["info_officer", "community_staff", "supervisor"] {
        offers_none(&ws, user, open(&reported), &["cmd.accept"]);
    }
    offers_all(
        &ws,
        "subdistrict_caseworker",
        open(&reported),
        &["cmd.accept"],
    );
}

#[test]
fn the_clue_list_offers_a_new_clue_only_to_who_may_record_one() {
    let ws = DemoWs::new();
    let open = |env: &mut Env| -> Box<dyn Screen> { Box::new(ClueList::new(env)) };
    for user in ["supervisor", "district_admin", "provider_staff"] {
        offers_none(&ws, user, open, &["cmd.new_clue"]);
    }
    offers_all(&ws, "info_officer", open, &["cmd.new_clue"]);
}

#[test]
fn the_provider_list_offers_changes_only_to_who_may_manage_providers() {
    let mut ws = DemoWs::new();
    meal_provider(&mut ws);
    let open = |env: &mut Env| -> Box<dyn Screen> { Box::new(ProviderList::new(env)) };
    for user in [
        "info_officer",
        "community_staff",
        "subdistrict_caseworker",
        "supervisor",
    ] {
        offers_none(&ws, user, open, &["cmd.edit", "cmd.new_provider"]);
    }
    offers_all(
        &ws,
        "district_admin",
        open,
        &["cmd.edit", "cmd.new_provider"],
    );
    offers_all(&ws, "admin", open, &["cmd.edit", "cmd.new_provider"]);
}

#[test]
fn settings_offer_demo_data_only_to_who_may_generate_it() {
    let ws = DemoWs::new();
    let open = |env: &mut Env| -> Box<dyn Screen> { Box::new(Settings::new(env)) };
    for user in [
        "info_officer",
        "community_staff",
        "supervisor",
        "provider_staff",
    ] {
        offers_none(&ws, user, open, &["cmd.demo_data"]);
    }
    offers_all(&ws, "admin", open, &["cmd.demo_data"]);
}

#[test]
fn the_exchange_screen_offers_bundles_and_keys_only_to_who_may_use_them() {
    let ws = DemoWs::new();
    let open = |env: &mut Env| -> Box<dyn Screen> { Box::new(ExchangeScreen::new(env)) };
    let bundles = [
        "exchange_screen.cmd_export",
        "exchange_screen.cmd_import",
        "exchange_screen.export_selected",
    ];
    let keys = ["exchange_screen.cmd_trust", "exchange_screen.revoke"];
    for user in ["info_officer", "supervisor", "provider_staff"] {
        offers_none(&ws, user, open, &bundles);
        offers_none(&ws, user, open, &keys);
    }
    offers_all(&ws, "community_staff", open, &bundles);
    offers_none(&ws, "community_staff", open, &keys);
    offers_all(&ws, "admin", open, &bundles);
    offers_all(&ws, "admin", open, &keys);
}

#[test]
fn the_person_page_offers_no_change_to_who_may_only_look() {
    let mut ws = DemoWs::new();
    let pid = new_person(&mut ws, "张桂英", COMMUNITY);
    let open =
        |env: &mut Env| -> Box<dyn Screen> { Box::new(PersonDetail::load(env, &pid).unwrap()) };
    let change = ["cmd.edit", "cmd.new_clue", "cmd.merge", "cmd.transfer"];
    for user in ["supervisor", "district_admin"] {
        offers_none(&ws, user, open, &change);
    }
    offers_all(&ws, "info_officer", open, &change);
}

#[test]
fn the_task_list_offers_done_only_to_who_may_change_the_person() {
    let mut ws = DemoWs::new();
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/roster/monthly-utf8-bom.csv");
    common::with_ctx(&mut ws, "demo", |ctx| {
        jiuzhu::app::roster::import_file(ctx, &file, &mut |_, _| true).unwrap()
    });
    let open = |env: &mut Env| -> Box<dyn Screen> {
        Box::new(jiuzhu::tui::screens::dynamic::tasks::TaskList::new(env))
    };
    for user in ["supervisor", "district_admin"] {
        offers_none(&ws, user, open, &["cmd.mark_done"]);
        offers_all(&ws, user, open, &["cmd.open"]);
    }
    offers_all(&ws, "info_officer", open, &["cmd.mark_done"]);
}

#[test]
fn statistics_offer_exports_only_to_who_may_read_the_figures() {
    let ws = DemoWs::new();
    let open = |env: &mut Env| -> Box<dyn Screen> {
        Box::new(jiuzhu::tui::screens::supervision::statistics::StatisticsScreen::new(env))
    };
    let exports = [
        "cmd.export_month",
        "cmd.export_evaluation",
        "cmd.timeliness",
    ];
    offers_none(&ws, "provider_staff", open, &exports);
    offers_all(&ws, "community_staff", open, &exports);
    offers_all(&ws, "supervisor", open, &exports);
}

#[test]
fn the_transfer_list_offers_receiving_only_to_who_may_change_the_community_it_goes_to() {
    let mut ws = DemoWs::new();
    let pid = new_person(&mut ws, "张桂英", "360104001002");
    on(&mut ws, DAY, "demo", |ctx| {
        jiuzhu::app::person::transfer(ctx, &pid, COMMUNITY, "随子女居住").unwrap()
    });
    let open = |env: &mut Env| -> Box<dyn Screen> {
        Box::new(jiuzhu::tui::screens::dynamic::transfer::TransferList::new(
            env,
        ))
    };
    for user in ["supervisor", "district_admin"] {
        offers_none(&ws, user, open, &["cmd.receive"]);
    }
    offers_all(&ws, "info_officer", open, &["cmd.receive"]);
}

#[test]
fn the_roster_posting_and_complaint_commands_are_for_those_who_may() {
    use jiuzhu::tui::screens::assessment::case_list::CaseList;
    use jiuzhu::tui::screens::supervision::oversight::SupervisionScreen;
    let ws = DemoWs::new();
    let dynamic = |env: &mut Env| Box::new(CaseList::in_service(env)) as Box<dyn Screen>;
    for user in ["supervisor", "district_admin"] {
        offers_none(&ws, user, dynamic, &["cmd.import_roster", "cmd.tasks"]);
    }
    offers_all(
        &ws,
        "community_staff",
        dynamic,
        &["cmd.import_roster", "cmd.tasks"],
    );
    let supervision = |env: &mut Env| Box::new(SupervisionScreen::new(env)) as Box<dyn Screen>;
    offers_none(
        &ws,
        "info_officer",
        supervision,
        &["supervision.new_posting"],
    );
    offers_all(
        &ws,
        "community_staff",
        supervision,
        &["supervision.new_posting"],
    );
}

#[test]
fn the_home_menu_marks_and_refuses_what_a_role_cannot_use() {
    use jiuzhu::tui::app::App;
    let ws = DemoWs::new();
    let mut app = App::signed_in(
        env_as(&ws, "provider_staff"),
        demo_session("provider_staff"),
    );
    // 1 主动发现: nothing there for a provider's staff.
    app.handle_key(jiuzhu::tui::keys::Key::ch('1'));
    let t = common::screen::draw_at(&mut app, 80, 24);
    let text = t.backend().to_string();
    assert!(text.contains("您的角色不能使用此项"), "{text}");
    assert_eq!(app.depth(), 1, "no screen opened");
    // 4 温情服务 is theirs.
    app.handle_key(jiuzhu::tui::keys::Key::ch('4'));
    assert_eq!(app.depth(), 2);
}
