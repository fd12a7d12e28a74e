//! Printable forms and exported lists: the service card, the two archive forms, a provider's
//! name list and the posting list — written whole into the user's outbox, owner-only, with
//! only the fields each reader may have, and every print in the access log.

mod common;

use common::history::{in_service, served};
use common::{assert_csv_inert, csv_cells, jiuzhu, run, with_ctx, DemoWs};
use jiuzhu::app::print::{self, CardLayout, ListFormat, PostingRequest};
use jiuzhu::app::{case, AppError};
use jiuzhu::domain::case::PlannedItem;
use jiuzhu::i18n::Lang;

const C1: &str = "360104001001";
const ID: &str = common::history::SERVED_ID;
const CW: &str = "subdistrict_caseworker";

fn read(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn the_card_names_items_and_providers_and_masks_the_id_number() {
    let mut ws = DemoWs::new();
    let s = served(&mut ws);
    let a4 = with_ctx(&mut ws, CW, |ctx| {
        print::card(ctx, &s.case_id, CardLayout::A4, Lang::ZhCn).unwrap()
    });
    assert!(a4.starts_with(ws.dir.path().join("outbox").join(CW)));
    let html = read(&a4);
    for want in [
        "社会救助服务卡",
        "王秀英",
        "360104001-K00001",
        "360104001001-0001",
        "供餐送餐",
        "洪都助餐中心",
        "0791-88123456",
        "清洁卫生",
        "待安排",
        "3601**********0027",
        "2027年11月28日",
        "发卡日期",
        "2026年11月28日",
        "size:A4 portrait",
        // The holder's name and 服务号 and the page number on every page.
        "@top-right{content:\"王秀英\u{3000}服务号：360104001001-0001\"",
        "content:\"第 \" counter(page) \" 页 共 \" counter(pages) \" 页\"",
    ] {
        assert!(html.contains(want), "card lacks {want}");
    }
    assert!(!html.contains(ID), "the card carries the ID number masked");
    assert!(!html.contains("糖尿病"), "no health details on the card");
    #[cfg(unix)]
    assert_eq!(mode(&a4), 0o600);
    let compact = with_ctx(&mut ws, CW, |ctx| {
        print::card(ctx, &s.case_id, CardLayout::Compact, Lang::ZhCn).unwrap()
    });
    let html = read(&compact);
    assert!(html.contains("85.6mm") && html.contains("王秀英") && html.contains("洪都助餐中心"));
    assert!(html.contains("发卡日期：2026年11月28日"));
    assert!(
        !html.contains("overflow:hidden"),
        "no item is hidden by overflow"
    );
    assert_ne!(compact, a4);
}

/// On a shared server (group mode) colleagues share the database, not each other's prints:
/// the outbox folder lets each user make their own, and a user's own folder and files are
/// theirs alone.
#[cfg(unix)]
#[test]
fn in_group_mode_a_users_outbox_is_still_theirs_alone() {
    use std::os::unix::fs::PermissionsExt;
    let full = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o7777;
    let mut ws = DemoWs::group_mode();
    assert_eq!(mode(&ws.db()), 0o660, "group mode is in effect");
    let s = served(&mut ws);
    let card = with_ctx(&mut ws, CW, |ctx| {
        print::card(ctx, &s.case_id, CardLayout::A4, Lang::ZhCn).unwrap()
    });
    let outbox = ws.dir.path().join("outbox");
    assert!(card.starts_with(outbox.join(CW)));
    assert_eq!(
        full(&outbox),
        0o2770,
        "every colleague makes their own folder"
    );
    assert_eq!(full(&outbox.join(CW)), 0o700);
    assert_eq!(mode(&card), 0o600);
    // An outbox made group-readable by an older release is closed on its next use.
    std::fs::set_permissions(outbox.join(CW), std::fs::Permissions::from_mode(0o2770)).unwrap();
    let list = with_ctx(&mut ws, CW, |ctx| {
        print::name_list(ctx, &s.provider_id, Lang::ZhCn).unwrap().0
    });
    assert_eq!(full(&outbox.join(CW)), 0o700);
    assert_eq!(mode(&list), 0o600);
}

#[test]
fn a_plan_change_after_issue_makes_a_new_card_version() {
    let mut ws = DemoWs::new();
    let s = served(&mut ws);
    let line = PlannedItem {
        item: "meal_delivery".into(),
        frequency: "daily".into(),
        priority: "high".into(),
        provider_id: Some(s.provider_id.clone()),
    };
    let c = with_ctx(&mut ws, CW, |ctx| {
        case::set_plan_line(ctx, &s.case_id, &line).unwrap()
    });
    assert_eq!(c.card_version, 2);
    assert_eq!(c.plan[0].frequency, "daily");
    let same = with_ctx(&mut ws, CW, |ctx| {
        case::set_plan_line(ctx, &s.case_id, &line).unwrap()
    });
    assert_eq!(same.card_version, 2, "saving the same line changes nothing");
    let wrong = PlannedItem {
        item: "cleaning".into(),
        provider_id: Some(s.provider_id.clone()),
        ..line.clone()
    };
    let e = with_ctx(&mut ws, CW, |ctx| {
        case::set_plan_line(ctx, &s.case_id, &wrong).unwrap_err()
    });
    assert!(matches!(e, AppError::NotOffered { .. }), "{e:?}");
    let e = with_ctx(&mut ws, "info_officer", |ctx| {
        case::set_plan_line(ctx, &s.case_id, &line).unwrap_err()
    });
    assert!(matches!(e, AppError::Denied { .. }), "{e:?}");
    let path = with_ctx(&mut ws, CW, |ctx| {
        print::card(ctx, &s.case_id, CardLayout::A4, Lang::ZhCn).unwrap()
    });
    assert!(path.to_string_lossy().ends_with("_v2.html"));
    assert!(read(&path).contains("第 2 版"));
}

#[test]
fn the_two_archive_forms_come_from_the_records() {
    let mut ws = DemoWs::new();
    let s = served(&mut ws);
    let needs = with_ctx(&mut ws, CW, |ctx| {
        print::needs_form(ctx, &s.case_id, Lang::ZhCn).unwrap()
    });
    let html = read(&needs);
    for want in [
        "需求认定表",
        ID,
        "独居，做饭困难",
        "属实",
        "王干事",
        "独居，行走困难",
        "最低生活保障人员",
        "半失能",
        "每天",
        "一般",
        "街道意见（签字、盖章）",
        "认定通过",
        "调查人签字",
        "编号：",
        "@top-right{content:\"王秀英\u{3000}服务号：360104001001-0001\"",
    ] {
        assert!(html.contains(want), "needs form lacks {want}");
    }
    // The decision and the three signature blocks are one block kept on one page.
    let keep = html.find("<div class=\"keep\">").expect("a kept block");
    let decision = html.find("五、认定意见").unwrap();
    assert!(keep < decision && decision < html.find("街道意见（签字、盖章）").unwrap());
    assert!(
        !html.contains("年0") && !html.contains("月0"),
        "no leading zeros in dates"
    );
    let services = with_ctx(&mut ws, CW, |ctx| {
        print::service_form(ctx, &s.case_id, print::ServicePeriod::All, Lang::ZhCn).unwrap()
    });
    let html = read(&services);
    for want in [
        "接受救助服务情况表",
        "送午餐一份",
        "李师傅",
        "满意",
        "合计：服务 1 次，共 0.5 小时（30 分钟）",
    ] {
        assert!(html.contains(want), "service form lacks {want}");
    }
    assert!(html.contains("size:A4 landscape"));
    // A supervisor may read the file but not the whole ID number.
    let needs = with_ctx(&mut ws, "supervisor", |ctx| {
        print::needs_form(ctx, &s.case_id, Lang::ZhCn).unwrap()
    });
    let html = read(&needs);
    assert!(!html.contains(ID) && html.contains("3601**********0027"));
    let c = rusqlite::Connection::open(ws.db()).unwrap();
    let actors: Vec<String> = c
        .prepare("SELECT actor FROM access_log WHERE event = 'print' ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        actors,
        [CW, CW, "supervisor"],
        "every print is in the access log"
    );
}

#[test]
fn the_provider_name_list_is_a_spreadsheet_of_its_recipients() {
    let mut ws = DemoWs::new();
    let s = served(&mut ws);
    let (path, n) = with_ctx(&mut ws, CW, |ctx| {
        print::name_list(ctx, &s.provider_id, Lang::ZhCn).unwrap()
    });
    assert_eq!(n, 1);
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(&bytes[..2], b"PK", "an xlsx is a zip");
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);
}

#[test]
fn the_posting_list_shows_only_what_may_be_posted() {
    let mut ws = DemoWs::new();
    let _ = served(&mut ws);
    let r = PostingRequest {
        community: C1.into(),
        from: chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
        to: Some(chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()),
        place: "社区公示栏".into(),
    };
    let (path, n) = with_ctx(&mut ws, CW, |ctx| {
        print::posting(ctx, &r, ListFormat::Html, None, Lang::ZhCn).unwrap()
    });
    assert_eq!(n, 1);
    let html = read(&path);
    for want in [
        "王秀英",
        "3601**********0027",
        "最低生活保障人员",
        "供餐送餐",
        "社区公示栏",
    ] {
        assert!(html.contains(want), "posting lacks {want}");
    }
    for never in [
        ID,
        "糖尿病",
        "高血压",
        "洪都中大道",
        "13807911234",
        "半失能",
    ] {
        assert!(!html.contains(never), "posting must not show {never}");
    }
    let (csv, _) = with_ctx(&mut ws, CW, |ctx| {
        print::posting(ctx, &r, ListFormat::Csv, None, Lang::ZhCn).unwrap()
    });
    let text = read(&csv);
    assert!(text.starts_with('\u{feff}'));
    assert!(text.contains("\"王秀英\",\"3601**********0027\""));
    let (xlsx, _) = with_ctx(&mut ws, CW, |ctx| {
        print::posting(ctx, &r, ListFormat::Xlsx, None, Lang::ZhCn).unwrap()
    });
    assert_eq!(&std::fs::read(xlsx).unwrap()[..2], b"PK");
}

/// Names a spreadsheet would run as formulas if they reached it as they are.
const FORMULA_NAMES: [&str; 4] = ["=1+2", "+cmd|' /C calc'!A0", "@SUM(A1)", "-2+3"];

#[test]
fn formula_like_names_reach_the_posting_list_as_text() {
    let mut ws = DemoWs::new();
    for name in FORMULA_NAMES {
        in_service(&mut ws, name, C1, "2026-10-01");
    }
    let dir = ws.dir.path().to_path_buf();
    let posting = |format: &str| {
        let out = dir.join(format!("posting.{format}"));
        let (code, stdout, stderr) = run(jiuzhu(&dir)
            .env("JIUZHU_PASSWORD", "demo")
            .args(["--user", "demo", "report", "posting", "--community", C1])
            .args(["--format", format, "--out"])
            .arg(&out));
        assert_eq!(code, 0, "{stdout}{stderr}");
        out
    };
    let text = read(&posting("csv"));
    assert_csv_inert(&text);
    let names: Vec<String> = csv_cells(&text)
        .into_iter()
        .skip(1)
        .map(|row| row[1].clone())
        .collect();
    let mut want: Vec<String> = FORMULA_NAMES.iter().map(|n| format!("'{n}")).collect();
    want.sort();
    let mut got = names.clone();
    got.sort();
    assert_eq!(got, want, "each name shown as typed, behind a quote mark");
    // The workbook writes every name as a string cell, never as a formula.
    use calamine::{Data, Reader, Xlsx};
    let mut wb: Xlsx<_> = calamine::open_workbook(posting("xlsx")).unwrap();
    let sheet = wb.sheet_names()[0].clone();
    let cells = wb.worksheet_range(&sheet).unwrap();
    for name in FORMULA_NAMES {
        assert!(
            cells.rows().any(|r| r[1] == Data::String(name.to_string())),
            "{name} is a string cell"
        );
    }
    let formulas = wb.worksheet_formula(&sheet).unwrap();
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "no formula cells"
    );
}

/// The 接受救助服务情况表 covers the period chosen: a month, a year or every service; a period
/// not over yet says it runs to the day printed, and each period is its own file.
#[test]
fn the_service_form_covers_the_period_chosen() {
    use jiuzhu::app::print::ServicePeriod;
    use jiuzhu::domain::month::Month;
    let mut ws = DemoWs::new();
    let s = served(&mut ws);
    let form = |ws: &mut DemoWs, p: ServicePeriod| {
        with_ctx(ws, CW, |ctx| {
            print::service_form(ctx, &s.case_id, p, Lang::ZhCn).unwrap()
        })
    };
    let november = form(&mut ws, ServicePeriod::Month(Month::new(2026, 11).unwrap()));
    let html = read(&november);
    assert!(html.contains("服务期间：2026年11月1日至2026年11月28日（本期未满，截至打印之日）"));
    assert!(html.contains("合计：服务 1 次，共 0.5 小时（30 分钟）"));
    let october = form(&mut ws, ServicePeriod::Month(Month::new(2026, 10).unwrap()));
    let html = read(&october);
    assert!(html.contains("服务期间：2026年10月1日至2026年10月31日<"));
    assert!(html.contains("合计：服务 0 次，共 0.0 小时（0 分钟）"));
    assert!(
        !html.contains("送午餐一份"),
        "November's service is not October's"
    );
    let year = read(&form(&mut ws, ServicePeriod::Year(2026)));
    assert!(year.contains("至2026年11月28日（本期未满") && year.contains("送午餐一份"));
    let all = read(&form(&mut ws, ServicePeriod::All));
    assert!(all.contains("服务期间：全部服务记录（截至2026年11月28日）"));
    let name = |p: &std::path::Path| p.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name(&november).ends_with("_202611.html"),
        "{}",
        name(&november)
    );
    assert_ne!(name(&november), name(&october));
}
