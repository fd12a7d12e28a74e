//! 统计报表 through `app` and the command line: the monthly statistics and the yearly
//! evaluation counted from a hand-made history whose every figure is known, who may see
//! which communities, and the files in each format.

mod common;

use common::history::{
    accepted, carded, day, in_service, meal_provider, meal_provider_named, new_clue, new_person,
    on, C1, C2,
};
use common::{assert_csv_inert, csv_cells, jiuzhu, run, with_ctx, DemoWs};
use jiuzhu::app::print::ListFormat;
use jiuzhu::app::statistics::{self, Which};
use jiuzhu::app::{case, service, AppError, Ctx, Session};
use jiuzhu::domain::month::Month;
use jiuzhu::domain::permission::{Grant, Role};
use jiuzhu::domain::service::Satisfaction;
use jiuzhu::domain::statistics::{CommunityFigures, Summary, Tally};
use jiuzhu::i18n::Lang;

fn card_of(ws: &mut DemoWs, case_id: &str) -> String {
    with_ctx(ws, "demo", |ctx| case::get(ctx, case_id).unwrap())
        .card_no
        .unwrap()
}

/// Records a meal delivered to `card` on `served`.
fn serve(
    ws: &mut DemoWs,
    provider: &str,
    card: &str,
    served: &str,
    minutes: i64,
    confirmed: bool,
    satisfaction: Option<Satisfaction>,
) {
    on(ws, served, "demo", |ctx| {
        service::register(ctx, provider, card).unwrap();
        service::record(
            ctx,
            &service::ServiceDraft {
                provider_id: provider.into(),
                card_no: card.into(),
                item: "meal_delivery".into(),
                served_on: Some(day(served)),
                minutes,
                served_by: "刘敏".into(),
                content: "送午餐".into(),
                confirmed,
                satisfaction,
            },
        )
        .unwrap()
    });
}

/// 洪都新村 (C1): A carded 09-10, served 10-03 (30 min, confirmed, 满意), 10-15 (60 min,
/// not confirmed, 不满意) and 11-02; B carded 10-05, served 10-06 (45 min, confirmed, 基本满意).
/// 顺化门 (C2): C carded 10-20, served 10-21 (20 min, confirmed, not rated), stopped 10-25;
/// D carded 11-03; E a clue found 10-30 and nothing more.
fn history() -> DemoWs {
    let mut ws = DemoWs::new();
    let provider = meal_provider(&mut ws);
    let a = in_service(&mut ws, "甲", C1, "2026-09-10");
    let card_a = card_of(&mut ws, &a);
    serve(
        &mut ws,
        &provider,
        &card_a,
        "2026-10-03",
        30,
        true,
        Some(Satisfaction::Satisfied),
    );
    let b = in_service(&mut ws, "乙", C1, "2026-10-05");
    let card_b = card_of(&mut ws, &b);
    serve(
        &mut ws,
        &provider,
        &card_b,
        "2026-10-06",
        45,
        true,
        Some(Satisfaction::Basic),
    );
    serve(
        &mut ws,
        &provider,
        &card_a,
        "2026-10-15",
        60,
        false,
        Some(Satisfaction::Unsatisfied),
    );
    let c = in_service(&mut ws, "丙", C2, "2026-10-20");
    let card_c = card_of(&mut ws, &c);
    serve(&mut ws, &provider, &card_c, "2026-10-21", 20, true, None);
    on(&mut ws, "2026-10-25", "demo", |ctx| {
        case::stop(ctx, &c, &common::stop("death", "")).unwrap()
    });
    let e = new_person(&mut ws, "戊", C2);
    new_clue(&mut ws, &e, "2026-10-30");
    serve(&mut ws, &provider, &card_a, "2026-11-02", 30, true, None);
    in_service(&mut ws, "丁", C2, "2026-11-03");
    ws
}

fn october() -> Month {
    Month::new(2026, 10).unwrap()
}

fn row<'a>(s: &'a Summary, code: &str) -> &'a CommunityFigures {
    s.communities.iter().find(|c| c.community == code).unwrap()
}

#[test]
fn a_month_counts_what_happened_in_it_per_community() {
    let mut ws = history();
    let s = with_ctx(&mut ws, "subdistrict_caseworker", |ctx| {
        statistics::monthly(ctx, october(), Lang::ZhCn).unwrap()
    });
    assert_eq!(s.from, day("2026-10-01"));
    assert_eq!(s.to, day("2026-10-31"));
    let c1 = row(&s, C1);
    assert_eq!(
        (
            c1.clues_found,
            c1.enrolled,
            c1.stopped,
            c1.in_service_at_end
        ),
        (1, 1, 0, 2)
    );
    assert_eq!(
        c1.services,
        Tally {
            records: 3,
            recipients: 2,
            minutes: 135,
            confirmed: 2,
            rated: 3,
            satisfied: 2,
        }
    );
    assert_eq!(c1.name, "洪都新村社区");
    let c2 = row(&s, C2);
    assert_eq!(
        (
            c2.clues_found,
            c2.enrolled,
            c2.stopped,
            c2.in_service_at_end
        ),
        (2, 1, 1, 0)
    );
    assert_eq!(
        c2.services,
        Tally {
            records: 1,
            recipients: 1,
            minutes: 20,
            confirmed: 1,
            rated: 0,
            satisfied: 0,
        }
    );
    assert_eq!(s.total.services.records, 4);
    assert_eq!(s.total.services.recipients, 3);
    assert_eq!(s.total.in_service_at_end, 2);
    assert_eq!(s.items.len(), 1);
    assert_eq!(s.items[0].code, "meal_delivery");
    assert_eq!(s.items[0].tally.records, 4);
    assert_eq!(s.items[0].tally.recipients, 3);
    assert_eq!(s.providers.len(), 1);
    assert_eq!(s.providers[0].name, "洪都街道居家养老服务中心");
    assert_eq!(s.providers[0].tally, s.total.services);
}

#[test]
fn the_next_month_moves_on() {
    let mut ws = history();
    let s = with_ctx(&mut ws, "subdistrict_caseworker", |ctx| {
        statistics::monthly(ctx, october().next().unwrap(), Lang::ZhCn).unwrap()
    });
    let c1 = row(&s, C1);
    assert_eq!((c1.enrolled, c1.in_service_at_end), (0, 2));
    assert_eq!((c1.services.records, c1.services.minutes), (1, 30));
    let c2 = row(&s, C2);
    assert_eq!((c2.enrolled, c2.stopped, c2.in_service_at_end), (1, 0, 1));
    assert_eq!(c2.services, Tally::default());
    // September: only A's card.
    let s = with_ctx(&mut ws, "subdistrict_caseworker", |ctx| {
        statistics::monthly(ctx, october().prev().unwrap(), Lang::ZhCn).unwrap()
    });
    assert_eq!(row(&s, C1).enrolled, 1);
    assert_eq!(s.total.services.records, 0);
}

#[test]
fn the_evaluation_adds_the_median_days_of_each_community() {
    let mut ws = history();
    let e = with_ctx(&mut ws, "supervisor", |ctx| {
        statistics::evaluation(ctx, 2026, Lang::ZhCn).unwrap()
    });
    assert_eq!(e.summary.total.services.records, 5);
    assert_eq!(e.summary.total.enrolled, 4);
    assert_eq!(e.medians.len(), e.summary.communities.len() + 1);
    let i1 = e
        .summary
        .communities
        .iter()
        .position(|c| c.community == C1)
        .unwrap();
    // A: card 09-10 → first service 10-03 (23 days); B: 10-05 → 10-06 (1 day).
    assert_eq!(e.medians[i1].first_service, Some(12.0));
    // Every step of the hand-made history took place the day the clue was found.
    assert_eq!(e.medians[i1].verify, Some(0.0));
    // All together: 23, 1 and C's 1.
    assert_eq!(e.medians.last().unwrap().first_service, Some(1.0));
}

#[test]
fn a_reader_sees_only_their_communities_and_provider_staff_none() {
    let mut ws = history();
    let session = Session {
        username: "supervisor".into(),
        grants: vec![Grant {
            role: Role::Supervisor,
            org: C1.into(),
        }],
    };
    let clock = common::clock();
    let mut ctx = Ctx::new(&mut ws.store, session, &clock).unwrap();
    let s = statistics::monthly(&ctx, october(), Lang::ZhCn).unwrap();
    let codes: Vec<&str> = s.communities.iter().map(|c| c.community.as_str()).collect();
    assert_eq!(codes, [C1]);
    assert_eq!(s.total.services.records, 3);
    assert_eq!(s.providers[0].tally.records, 3);
    drop(ctx);
    let e = with_ctx(&mut ws, "provider_staff", |ctx| {
        statistics::monthly(ctx, october(), Lang::ZhCn).unwrap_err()
    });
    assert!(matches!(e, AppError::Denied { .. }), "{e:?}");
    ctx = Ctx::new(
        &mut ws.store,
        Session {
            username: "x".into(),
            grants: vec![],
        },
        &clock,
    )
    .unwrap();
    assert!(statistics::monthly(&ctx, october(), Lang::ZhCn).is_err());
}

#[test]
fn the_report_files_hold_the_figures_in_each_format() {
    let mut ws = history();
    let dir = tempfile::tempdir().unwrap();
    for format in [ListFormat::Xlsx, ListFormat::Csv, ListFormat::Html] {
        let target = dir.path().join(format!("m.{}", format.extension()));
        let (path, n) = with_ctx(&mut ws, "subdistrict_caseworker", |ctx| {
            statistics::write(
                ctx,
                Which::Monthly(october()),
                format,
                Some(target.clone()),
                Lang::ZhCn,
            )
            .unwrap()
        });
        assert_eq!(path, target);
        assert!(n >= 2, "{n}");
        let bytes = std::fs::read(&path).unwrap();
        match format {
            ListFormat::Xlsx => {
                use calamine::{Reader, Xlsx};
                let mut wb: Xlsx<_> = calamine::open_workbook(&path).unwrap();
                let names = wb.sheet_names().to_vec();
                assert_eq!(names, ["按社区", "按服务项目", "按服务主体"]);
                let range = wb.worksheet_range("按社区").unwrap();
                let found = range.rows().find(|r| r[0] == "洪都新村社区").unwrap();
                // Numbers are numbers: 服务人次 3, 服务时长 2.25 hours shown as 2.3.
                assert_eq!(found[6], calamine::Data::Float(3.0));
                assert_eq!(found[7], calamine::Data::Float(2.3));
            }
            ListFormat::Csv => {
                let text = String::from_utf8(bytes).unwrap();
                assert!(
                    text.contains("\"洪都新村社区\",\"1\",\"1\",\"0\",\"2\",\"2\",\"3\",\"2.3\""),
                    "{text}"
                );
            }
            ListFormat::Html => {
                let text = String::from_utf8(bytes).unwrap();
                assert!(text.contains("社会救助服务月度统计表（2026年10月）"));
                assert!(!text.contains("<script"));
            }
        }
    }
}

#[test]
fn the_command_line_writes_reports_and_refuses_bad_months_naming_the_field() {
    let ws = history();
    let dir = ws.dir.path().to_path_buf();
    let out = dir.join("eval.csv");
    let (code, stdout, stderr) = run(jiuzhu(&dir)
        .env("JIUZHU_PASSWORD", "demo")
        .args([
            "--user",
            "demo",
            "report",
            "evaluation",
            "--year",
            "2026",
            "--format",
            "csv",
            "--out",
        ])
        .arg(&out));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("绩效评估已写入"), "{stdout}");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("发卡至首次服务（天）"), "{text}");
    for (month, reason) in [("2026-13", "不是真实的日期"), ("十月", "格式不正确")] {
        let (code, _, stderr) = run(jiuzhu(&dir)
            .env("JIUZHU_PASSWORD", "demo")
            .args([
                "--user", "demo", "report", "monthly", "--month", month, "--out",
            ])
            .arg(dir.join("x.xlsx")));
        assert_eq!(code, 1);
        assert!(
            stderr.contains("月份") && stderr.contains(reason),
            "{stderr}"
        );
    }
    let (code, _, stderr) = run(jiuzhu(&dir)
        .env("JIUZHU_PASSWORD", "demo")
        .args([
            "--lang", "en", "--user", "demo", "report", "monthly", "--month", "2026-10",
            "--format", "pdf", "--out",
        ])
        .arg(dir.join("x.pdf")));
    assert_eq!(code, 1);
    assert!(stderr.contains("File format"), "{stderr}");
    assert!(!dir.join("x.xlsx").exists() && !dir.join("x.pdf").exists());
}

#[test]
fn a_person_with_two_cases_in_a_month_is_one_person_served() {
    let mut ws = DemoWs::new();
    let provider = meal_provider(&mut ws);
    let p = new_person(&mut ws, "庚", C1);
    let first = {
        let c = new_clue(&mut ws, &p, "2026-10-01");
        let case_id = accepted(&mut ws, &c, "2026-10-01", "2026-10-01", "2026-10-01");
        carded(&mut ws, &case_id, "2026-10-01", "2026-10-01", "2026-10-01");
        case_id
    };
    let card = card_of(&mut ws, &first);
    serve(&mut ws, &provider, &card, "2026-10-02", 30, true, None);
    on(&mut ws, "2026-10-05", "demo", |ctx| {
        case::stop(ctx, &first, &common::stop("eligibility_ended", "")).unwrap()
    });
    // Applies again and is served under the new case in the same month.
    let c = new_clue(&mut ws, &p, "2026-10-06");
    let second = accepted(&mut ws, &c, "2026-10-06", "2026-10-06", "2026-10-06");
    carded(&mut ws, &second, "2026-10-08", "2026-10-08", "2026-10-08");
    let card = card_of(&mut ws, &second);
    serve(&mut ws, &provider, &card, "2026-10-10", 30, true, None);
    let s = with_ctx(&mut ws, "subdistrict_caseworker", |ctx| {
        statistics::monthly(ctx, october(), Lang::ZhCn).unwrap()
    });
    let c1 = row(&s, C1);
    assert_eq!((c1.services.records, c1.services.recipients), (2, 1));
    assert_eq!((c1.enrolled, c1.stopped, c1.in_service_at_end), (2, 1, 1));
    assert_eq!(s.total.services.recipients, 1);
    assert_eq!(s.items[0].tally.recipients, 1);
    assert_eq!(s.providers[0].tally.recipients, 1);
}

#[test]
fn a_month_counts_a_person_where_they_lived_then() {
    let mut ws = DemoWs::new();
    let provider = meal_provider(&mut ws);
    let case_id = in_service(&mut ws, "辛", C2, "2026-09-10");
    let card = card_of(&mut ws, &case_id);
    serve(&mut ws, &provider, &card, "2026-09-15", 30, true, None);
    serve(&mut ws, &provider, &card, "2026-10-05", 30, true, None);
    let person = with_ctx(&mut ws, "demo", |ctx| case::get(ctx, &case_id).unwrap()).person_id;
    on(&mut ws, "2026-10-10", "demo", |ctx| {
        jiuzhu::app::person::transfer(ctx, &person, C1, "搬迁").unwrap()
    });
    serve(&mut ws, &provider, &card, "2026-10-20", 30, true, None);
    let month = |ws: &mut DemoWs, m: Month| {
        with_ctx(ws, "subdistrict_caseworker", |ctx| {
            statistics::monthly(ctx, m, Lang::ZhCn).unwrap()
        })
    };
    // September, before the move, stays as it was reported: all in 顺化门.
    let s = month(&mut ws, october().prev().unwrap());
    assert_eq!(row(&s, C2).services.records, 1);
    assert_eq!(
        (row(&s, C2).enrolled, row(&s, C2).in_service_at_end),
        (1, 1)
    );
    assert_eq!(row(&s, C1).services.records, 0);
    assert_eq!(row(&s, C1).in_service_at_end, 0);
    // October: served once in each; in service in 洪都新村 at the month's end; one person.
    let s = month(&mut ws, october());
    assert_eq!(row(&s, C2).services.records, 1);
    assert_eq!(row(&s, C1).services.records, 1);
    assert_eq!(row(&s, C2).in_service_at_end, 0);
    assert_eq!(row(&s, C1).in_service_at_end, 1);
    assert_eq!(row(&s, C1).enrolled + row(&s, C2).enrolled, 0);
    assert_eq!(s.total.services.recipients, 1);
}

#[test]
fn formula_like_provider_names_stay_text_in_every_statistics_file() {
    let names = ["=1+2", "@SUM(A1)"];
    let mut ws = DemoWs::new();
    for (i, name) in names.iter().enumerate() {
        let provider = meal_provider_named(&mut ws, name);
        let case_id = in_service(&mut ws, &format!("甲{i}"), C1, "2026-09-10");
        let card = card_of(&mut ws, &case_id);
        serve(&mut ws, &provider, &card, "2026-10-03", 30, true, None);
    }
    let dir = ws.dir.path().to_path_buf();
    let report = |what: &[&str], file: &str| {
        let out = dir.join(file);
        let (code, stdout, stderr) = run(jiuzhu(&dir)
            .env("JIUZHU_PASSWORD", "demo")
            .args(["--user", "demo", "report"])
            .args(what)
            .args(["--format", file.rsplit('.').next().unwrap(), "--out"])
            .arg(&out));
        assert_eq!(code, 0, "{stdout}{stderr}");
        out
    };
    for (what, file) in [
        (&["monthly", "--month", "2026-10"][..], "monthly.csv"),
        (&["evaluation", "--year", "2026"][..], "evaluation.csv"),
    ] {
        let text = std::fs::read_to_string(report(what, file)).unwrap();
        assert_csv_inert(&text);
        let rows = csv_cells(&text);
        for name in names {
            let row = rows
                .iter()
                .find(|r| r[0] == format!("'{name}"))
                .unwrap_or_else(|| panic!("{file} lacks {name}: {text}"));
            // The figures after the name and kind are numbers as they were: 1 person, 1 service.
            assert_eq!(row[2..4], ["1", "1"], "{file}: {row:?}");
        }
    }
    use calamine::{Data, Reader, Xlsx};
    let mut wb: Xlsx<_> =
        calamine::open_workbook(report(&["monthly", "--month", "2026-10"], "monthly.xlsx"))
            .unwrap();
    let providers = wb.worksheet_range("按服务主体").unwrap();
    for name in names {
        let row = providers
            .rows()
            .find(|r| r[0] == Data::String(name.to_string()))
            .unwrap_or_else(|| panic!("{name} is a string cell"));
        assert_eq!(row[2], Data::Float(1.0));
    }
    let formulas = wb.worksheet_formula("按服务主体").unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));
}

/// The month made on its 2nd: sealed by the workstation's own unit, signed by the one who
/// made it, and counted only to that day — 丁's card of 11-03 (already on record) is not in it.
#[test]
fn a_month_written_before_it_ends_is_sealed_and_counted_to_the_day() {
    use calamine::{Data, Reader, Xlsx};
    let mut ws = history();
    let november = october().next().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let write = |ws: &mut DemoWs, format: ListFormat, on_day: &str| {
        let target = dir.path().join(format!("{on_day}.{}", format.extension()));
        common::history::on(ws, on_day, "subdistrict_caseworker", |ctx| {
            statistics::write(
                ctx,
                Which::Monthly(november),
                format,
                Some(target.clone()),
                Lang::ZhCn,
            )
            .unwrap()
            .0
        })
    };
    let html = std::fs::read_to_string(write(&mut ws, ListFormat::Html, "2026-11-02")).unwrap();
    for text in [
        "统计期：2026年11月1日 至 2026年11月30日（截至2026年11月2日）",
        "填报单位（盖章）：<span class=\"fill\">南昌市青云谱区洪都街道办事处</span>",
        "填表人：<span class=\"fill\">张伟</span>",
        "联系电话：<span class=\"fill\">0791-88123456</span>",
        "填报日期：<span class=\"fill\">2026年11月2日</span>",
        "<tr class=\"total\"><td>合计</td>",
    ] {
        assert!(html.contains(text), "{text}");
    }
    let path = write(&mut ws, ListFormat::Xlsx, "2026-11-02");
    let mut wb: Xlsx<_> = calamine::open_workbook(&path).unwrap();
    let sheet = wb.worksheet_range("按社区").unwrap();
    let text: Vec<String> = sheet.used_cells().map(|(_, _, c)| c.to_string()).collect();
    assert!(
        text.iter()
            .any(|c| c == "统计期：2026-11-01 至 2026-11-30（截至2026-11-02）"),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|c| c.starts_with("填报单位（盖章）：南昌市青云谱区洪都街道办事处")),
        "{text:?}"
    );
    assert!(text.iter().any(|c| c.contains("填表人：张伟")), "{text:?}");
    let enrolled = |sheet: &calamine::Range<Data>, name: &str| {
        sheet.rows().find(|r| r[0] == name).unwrap()[2].clone()
    };
    // Counted to 11-02: nobody enrolled in 顺化门 yet, 甲's meal of 11-02 served.
    assert_eq!(enrolled(&sheet, "顺化门社区"), Data::Float(0.0));
    let c1 = sheet.rows().find(|r| r[0] == "洪都新村社区").unwrap();
    assert_eq!(c1[6], Data::Float(1.0));
    // Counted on 12-01, the month is over: 丁 enrolled, the present line, no 截至.
    let path = write(&mut ws, ListFormat::Xlsx, "2026-12-01");
    let mut wb: Xlsx<_> = calamine::open_workbook(&path).unwrap();
    let sheet = wb.worksheet_range("按社区").unwrap();
    assert_eq!(enrolled(&sheet, "顺化门社区"), Data::Float(1.0));
    let text: Vec<String> = sheet.used_cells().map(|(_, _, c)| c.to_string()).collect();
    assert!(
        text.iter().any(|c| c == "统计期：2026-11-01 至 2026-11-30"),
        "{text:?}"
    );
    assert!(text.iter().all(|c| !c.contains("截至")), "{text:?}");
}
