//! The monthly roster import (`jiuzhu roster import F`): each fixture in `fixtures/roster/`
//! (UTF-8 and GBK CSV, xlsx, legacy xls) through the command line and through `app`, with the
//! refused rows, the notes, the follow-up tasks, and re-imports that add nothing.

mod common;

use std::path::{Path, PathBuf};

use common::{jiuzhu, run, with_ctx, DemoWs};
use jiuzhu::app::roster::{self, Receipt};
use jiuzhu::app::{check, clue, person, task, AppError};
use jiuzhu::domain::person::PersonDraft;
use jiuzhu::domain::roster::{Column, FileRefusal, Note};
use jiuzhu::domain::task::{TaskKind, TaskState};
use jiuzhu::domain::validation::{Field, Reason};
use jiuzhu::i18n::{Lang, Localize};
use rusqlite::Connection;

/// 钱六 (in the fixtures as cancelled): in the archive before any import.
const QIAN_ID: &str = "36010419400505005X";
/// 王桂英 (newly approved in every fixture).
const WANG_ID: &str = "360104195201150028";
/// 赵秀兰's 15-digit number converted.
const ZHAO_ID: &str = "360104195006120026";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/roster")
        .join(name)
}

/// A demo workstation where 钱六 (extreme poverty) is on record with an open case.
fn workstation() -> DemoWs {
    let mut ws = DemoWs::new();
    with_ctx(&mut ws, "demo", |ctx| {
        let pid = person::create(
            ctx,
            &PersonDraft {
                name: "钱六".into(),
                id_number: QIAN_ID.into(),
                community: "360104001001".into(),
                assistance_status: "extreme_poverty".into(),
                ..Default::default()
            },
        )
        .unwrap();
        let cid = clue::record(
            ctx,
            &clue::ClueDraft {
                person_id: pid,
                difficulty: "独居，行动不便".into(),
                key_groups: vec!["disabled_or_dementia".into()],
                source: "visit".into(),
                reporter: String::new(),
                found_on: None,
            },
        )
        .unwrap();
        clue::verify(ctx, &cid, true, "属实").unwrap();
        clue::report(ctx, &cid).unwrap();
        clue::accept(ctx, &cid).unwrap();
    });
    ws
}

fn import(ws: &mut DemoWs, user: &str, name: &str) -> Result<Receipt, AppError> {
    with_ctx(ws, user, |ctx| {
        roster::import_file(ctx, &fixture(name), &mut |_, _| true)
    })
}

fn cli_import(ws: &DemoWs, file: &Path, lang: &str) -> (i32, String, String) {
    run(jiuzhu(ws.dir.path())
        .args(["--user", "demo", "--lang", lang, "roster", "import"])
        .arg(file)
        .env("JIUZHU_PASSWORD", "demo"))
}

fn count(ws: &DemoWs, sql: &str) -> i64 {
    Connection::open(ws.db())
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

/// (persons, tasks, change-log entries): what a repeated import must leave as it was.
fn totals(ws: &DemoWs) -> (i64, i64, i64) {
    (
        count(ws, "SELECT count(*) FROM persons"),
        count(ws, "SELECT count(*) FROM tasks"),
        count(ws, "SELECT count(*) FROM change_log"),
    )
}

fn status_of(ws: &DemoWs, id_number: &str) -> String {
    Connection::open(ws.db())
        .unwrap()
        .query_row(
            "SELECT assistance_status FROM persons WHERE id_number = ?1",
            [id_number],
            |r| r.get(0),
        )
        .unwrap()
}

/// (kind, roster status, source) of every task, in the order they were made.
fn tasks_of(ws: &DemoWs) -> Vec<(String, String, String)> {
    Connection::open(ws.db())
        .unwrap()
        .prepare("SELECT kind, roster_status, source FROM tasks ORDER BY rowid")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn refused(r: &Receipt) -> Vec<(usize, Field)> {
    r.refused.iter().map(|x| (x.line, x.error.field)).collect()
}

/// Every data row is accounted for exactly once.
fn balanced(r: &Receipt) {
    assert_eq!(
        r.rows_read,
        r.imported + r.already + r.refused.len() + r.not_in_archive,
        "{r:?}"
    );
}

fn check_ok(ws: &mut DemoWs) {
    let report = with_ctx(ws, "supervisor", |ctx| check::run(ctx).unwrap());
    assert!(report.ok(), "{:?}", report.findings);
}

#[test]
fn utf8_csv_by_command_line_lists_each_refused_row_and_keeps_the_good_ones() {
    let mut ws = workstation();
    let persons_before = count(&ws, "SELECT count(*) FROM persons");
    let (code, out, err) = cli_import(&ws, &fixture("monthly-utf8-bom.csv"), "zh-CN");
    assert_eq!(code, 0, "{out}{err}");
    for want in [
        "monthly-utf8-bom.csv（表头在第 1 行）",
        "读取 9 行：本次导入 5 行，此前已导入 0 行，拒收 4 行",
        "新建人员 4 人，更新救助身份 1 人，生成跟进任务 5 条",
        "第 5 行：身份证号：Excel 把身份证号变成了科学计数法，原号码已丢失；请把该列设为文本后重新导出",
        "第 7 行：身份证号：校验位不正确",
        "第 8 行：所属社区：「京山社区」无法识别",
        "第 9 行：救助类别：「五保」无法识别",
        "第 4 行：15 位旧身份证号已转换为 18 位：360104195006120026",
        "第 10 行：该人员有未结束的救助服务个案",
        "第 11 行：救助类别只写了“低保”，已按城市低保登记",
    ] {
        assert!(out.contains(want), "receipt lacks {want:?}:\n{out}");
    }
    // The blank row (line 6) is skipped silently.
    assert!(!out.contains("第 6 行"), "{out}");
    assert_eq!(
        count(&ws, "SELECT count(*) FROM persons"),
        persons_before + 4
    );
    assert_eq!(status_of(&ws, WANG_ID), "urban_minimum_living");
    assert_eq!(status_of(&ws, ZHAO_ID), "rural_minimum_living");
    assert_eq!(status_of(&ws, "360104198808080066"), "urban_minimum_living");
    assert_eq!(status_of(&ws, QIAN_ID), "none", "注销 ends the status");
    let kinds: Vec<(String, String)> = tasks_of(&ws).into_iter().map(|(k, s, _)| (k, s)).collect();
    let visit = ("roster_visit".to_string(), "added".to_string());
    let review = ("roster_review".to_string(), "cancelled".to_string());
    assert_eq!(
        kinds,
        vec![visit.clone(), visit.clone(), visit.clone(), review, visit]
    );
    let case: Option<String> = Connection::open(ws.db())
        .unwrap()
        .query_row(
            "SELECT case_id FROM tasks WHERE roster_status = 'cancelled'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(case.is_some(), "the review names the open case");
    let (code, out, err) = run(jiuzhu(ws.dir.path())
        .args(["--user", "demo", "check"])
        .env("JIUZHU_PASSWORD", "demo"));
    assert_eq!(code, 0, "check after the import: {out}{err}");
    check_ok(&mut ws);
}

#[test]
fn the_receipt_in_english() {
    let ws = workstation();
    let (code, out, err) = cli_import(&ws, &fixture("monthly-utf8-bom.csv"), "en");
    assert_eq!(code, 0, "{out}{err}");
    for want in [
        "9 rows read: 5 imported now, 0 imported before, 4 refused",
        "Line 5: ID number: Excel turned the ID number into scientific notation",
        "Line 9: Assistance category (救助类别): \"五保\" is not recognised",
        "Line 4: 15-digit ID number converted to 18 digits: 360104195006120026",
    ] {
        assert!(out.contains(want), "receipt lacks {want:?}:\n{out}");
    }
}

#[test]
fn importing_the_same_file_twice_adds_nothing() {
    let mut ws = workstation();
    let first = import(&mut ws, "demo", "monthly-utf8-bom.csv").unwrap();
    balanced(&first);
    assert_eq!(first.imported, 5);
    let after_first = totals(&ws);
    let second = import(&mut ws, "demo", "monthly-utf8-bom.csv").unwrap();
    balanced(&second);
    assert_eq!(
        (second.imported, second.already, second.tasks_created),
        (0, 5, 0)
    );
    assert_eq!(second.new_persons + second.updated_persons, 0);
    assert_eq!(refused(&second), refused(&first), "the same rows refused");
    assert_eq!(
        totals(&ws),
        after_first,
        "no record and no change entry added"
    );
    // Both imports are on this workstation's list of receipts.
    assert_eq!(count(&ws, "SELECT count(*) FROM roster_imports"), 2);
    // Through the command line too.
    let (code, out, _) = cli_import(&ws, &fixture("monthly-utf8-bom.csv"), "zh-CN");
    assert_eq!(code, 0);
    assert!(out.contains("本次导入 0 行，此前已导入 5 行"), "{out}");
    assert_eq!(totals(&ws), after_first);
    check_ok(&mut ws);
}

#[test]
fn gbk_csv_with_a_title_row_other_headers_and_columns_out_of_order() {
    let mut ws = workstation();
    // 王桂英's row repeats one of the UTF-8 list: a later list repeating a row adds nothing.
    import(&mut ws, "demo", "monthly-utf8-bom.csv").unwrap();
    let r = import(&mut ws, "demo", "monthly-gbk.csv").unwrap();
    balanced(&r);
    assert_eq!(r.header_line, 3);
    assert_eq!(r.rows_read, 5);
    assert_eq!(r.already, 1, "王桂英 was imported from the first list");
    assert!(r.refused.is_empty(), "{:?}", r.refused);
    // 钱六 was cancelled by the first list (same person, now 停保 on another date): the task
    // is new, and the list's community differs from the archive's.
    assert!(r.notes.iter().any(|n| n.line == 5
        && matches!(&n.note, Note::KeptCommunity { stored } if stored == "洪都新村社区")));
    // 郑伟 by community code, 支出型贫困家庭; 吴芳 变更 with 低收入家庭 is a new person.
    assert_eq!(status_of(&ws, "360104196801010031"), "expenditure_poverty");
    assert_eq!(status_of(&ws, "360104197508230048"), "low_income");
    // 李建国 (退出) was made by the first list in 顺化门社区; the list says 南钢社区.
    assert_eq!(status_of(&ws, "360104194803210011"), "none");
    let sources: Vec<String> = tasks_of(&ws).into_iter().map(|t| t.2).collect();
    // Line numbers are the spreadsheet's: the quoted line break in row 6 does not count.
    for line in [5, 6, 7, 8] {
        assert!(
            sources.iter().any(|s| s.ends_with(&format!(":{line}"))),
            "no task from line {line}: {sources:?}"
        );
    }
    check_ok(&mut ws);
}

#[test]
fn xlsx_with_a_title_row_date_cells_and_numbers_for_ids() {
    let mut ws = workstation();
    let r = import(&mut ws, "demo", "monthly.xlsx").unwrap();
    balanced(&r);
    assert_eq!(r.sheet.as_deref(), Some("3月名单"));
    assert_eq!(r.header_line, 2);
    assert_eq!(r.rows_read, 6, "the blank row 7 is not counted");
    assert_eq!(
        refused(&r),
        vec![(5, Field::IdNumber), (8, Field::Community)]
    );
    assert_eq!(r.refused[0].error.reason, Reason::ScientificNotation);
    assert_eq!((r.imported, r.new_persons, r.updated_persons), (4, 3, 1));
    // The 15-digit number Excel kept as a number is exact, and converted.
    assert!(r
        .notes
        .iter()
        .any(|n| n.line == 6 && n.note == Note::IdUpgraded { id: ZHAO_ID.into() }));
    assert_eq!(status_of(&ws, ZHAO_ID), "rural_minimum_living");
    assert_eq!(status_of(&ws, QIAN_ID), "none");
    let approved: String = Connection::open(ws.db())
        .unwrap()
        .query_row(
            "SELECT approved_on FROM tasks WHERE source LIKE '%:3'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(approved, "2026-03-05", "an Excel date cell");
    let (code, out, _) = cli_import(&ws, &fixture("monthly.xlsx"), "zh-CN");
    assert_eq!(code, 0);
    assert!(out.contains("工作表「3月名单」（表头在第 2 行）"), "{out}");
    assert!(out.contains("第 8 行：所属社区：「火星社区」"), "{out}");
    check_ok(&mut ws);
}

#[test]
fn legacy_xls() {
    let mut ws = workstation();
    let r = import(&mut ws, "demo", "monthly.xls").unwrap();
    balanced(&r);
    assert_eq!(r.header_line, 1);
    assert_eq!(
        refused(&r),
        vec![(4, Field::IdNumber), (5, Field::IdNumber)]
    );
    assert_eq!(r.refused[0].error.reason, Reason::ScientificNotation);
    assert!(matches!(
        r.refused[1].error.reason,
        Reason::BadCheckDigit { .. }
    ));
    assert_eq!((r.imported, r.new_persons), (2, 2));
    assert_eq!(status_of(&ws, "360104194803210011"), "extreme_poverty");
    check_ok(&mut ws);
}

#[test]
fn a_file_without_the_needed_columns_is_refused_whole() {
    let mut ws = workstation();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("名单.csv");
    std::fs::write(
        &path,
        "姓名,身份证号,救助类别,社区\n王桂英,360104195201150028,低保,南钢社区\n",
    )
    .unwrap();
    let before = totals(&ws);
    let access_before = count(&ws, "SELECT count(*) FROM access_log");
    let (code, out, err) = cli_import(&ws, &path, "zh-CN");
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("名单缺少这些列：审批日期、状态"),
        "names the missing columns: {err}"
    );
    assert!(out.is_empty(), "{out}");
    assert_eq!(totals(&ws), before, "nothing written");
    assert_eq!(
        count(
            &ws,
            "SELECT count(*) FROM access_log WHERE event = 'roster_refused'"
        ),
        1
    );
    assert!(count(&ws, "SELECT count(*) FROM access_log") > access_before);
    let e = with_ctx(&mut ws, "demo", |ctx| {
        roster::import_file(ctx, &path, &mut |_, _| true)
    })
    .unwrap_err();
    assert!(matches!(
        e,
        AppError::Roster(FileRefusal::MissingColumns { ref missing })
            if *missing == vec![Column::ApprovalDate, Column::Status]
    ));
    // A web page saved as .xls and a missing file are refused with their own reasons.
    let html = dir.path().join("名单.xls");
    std::fs::write(
        &html,
        "<html><body><table><tr><td>姓名</td></tr></table></body></html>",
    )
    .unwrap();
    let (code, _, err) = cli_import(&ws, &html, "zh-CN");
    assert_eq!(code, 1);
    assert!(err.contains("网页"), "{err}");
    let (code, _, err) = cli_import(&ws, &dir.path().join("none.csv"), "zh-CN");
    assert_eq!(code, 1);
    assert!(err.contains("none.csv"), "the full path is named: {err}");
    // An oversized file is refused by its size, before it is read (a sparse file here).
    let big = dir.path().join("big.csv");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(21 * 1024 * 1024)
        .unwrap();
    let (code, _, err) = cli_import(&ws, &big, "zh-CN");
    assert_eq!(code, 1);
    assert!(err.contains("20 MB"), "{err}");
    assert_eq!(totals(&ws), before);
}

#[test]
fn a_different_name_under_a_known_id_number_is_refused_and_not_overwritten() {
    let mut ws = workstation();
    with_ctx(&mut ws, "demo", |ctx| {
        person::create(
            ctx,
            &PersonDraft {
                name: "王桂兰".into(),
                id_number: WANG_ID.into(),
                community: "360104001001".into(),
                ..Default::default()
            },
        )
        .unwrap()
    });
    let r = import(&mut ws, "demo", "monthly-utf8-bom.csv").unwrap();
    balanced(&r);
    let mismatch = r.refused.iter().find(|x| x.line == 2).unwrap();
    assert_eq!(mismatch.error.field, Field::Name);
    let msg = mismatch.localize(Lang::ZhCn);
    assert!(
        msg.contains("王桂英") && msg.contains("王桂兰"),
        "names both: {msg}"
    );
    let name: String = Connection::open(ws.db())
        .unwrap()
        .query_row(
            "SELECT name FROM persons WHERE id_number = ?1",
            [WANG_ID],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(name, "王桂兰");
    assert_eq!(status_of(&ws, WANG_ID), "none", "her record is unchanged");
}

#[test]
fn rows_of_communities_the_user_may_not_edit_are_refused() {
    let mut ws = workstation();
    // The information officer works in 洪都新村社区 (360104001001) only.
    let r = import(&mut ws, "info_officer", "monthly-utf8-bom.csv").unwrap();
    balanced(&r);
    let denied: Vec<usize> = r
        .refused
        .iter()
        .filter(|x| matches!(x.error.reason, Reason::NotPermitted { .. }))
        .map(|x| x.line)
        .collect();
    assert_eq!(denied, vec![3, 4, 11], "顺化门、南钢、广州路");
    assert!(r.refused[0]
        .localize(Lang::ZhCn)
        .contains("您无权登记或修改顺化门社区的人员"));
    assert_eq!(r.imported, 2, "王桂英 and 钱六 of 洪都新村社区");
    // Someone who may not edit persons at all is refused before the file is read.
    let e = import(&mut ws, "supervisor", "monthly-utf8-bom.csv").unwrap_err();
    assert!(matches!(e, AppError::Denied { .. }), "{e:?}");
}

#[test]
fn a_cancelled_import_keeps_nothing() {
    let mut ws = workstation();
    let before = totals(&ws);
    let e = with_ctx(&mut ws, "demo", |ctx| {
        roster::import_file(ctx, &fixture("monthly-utf8-bom.csv"), &mut |done, _| {
            done < 3
        })
    })
    .unwrap_err();
    assert!(matches!(e, AppError::Cancelled));
    assert_eq!(totals(&ws), before);
    assert_eq!(count(&ws, "SELECT count(*) FROM roster_imports"), 0);
}

#[test]
fn open_tasks_are_listed_in_scope_and_marked_done_with_a_note() {
    let mut ws = workstation();
    import(&mut ws, "demo", "monthly-utf8-bom.csv").unwrap();
    let lines = with_ctx(&mut ws, "demo", |ctx| task::list_open(ctx).unwrap());
    assert_eq!(lines.len(), 5);
    let counts = with_ctx(&mut ws, "demo", |ctx| task::counts(ctx).unwrap());
    assert_eq!((counts.visits, counts.reviews, counts.total()), (4, 1, 5));
    // The information officer of 洪都新村社区 sees its two tasks only.
    let own = with_ctx(&mut ws, "info_officer", |ctx| task::list_open(ctx).unwrap());
    assert_eq!(own.len(), 2);
    assert!(own.iter().all(|l| l.task.community == "360104001001"));
    let review = lines
        .iter()
        .find(|l| l.task.kind == TaskKind::RosterReview)
        .unwrap();
    assert_eq!(review.person_name, "钱六");
    let t = review.task.clone();
    let e = with_ctx(&mut ws, "demo", |ctx| {
        task::done(ctx, &t.meta.id, t.meta.version, "  ").unwrap_err()
    });
    assert!(
        matches!(e, AppError::Validation(ref v) if v.field == Field::Note),
        "{e:?}"
    );
    let e = with_ctx(&mut ws, "supervisor", |ctx| {
        task::done(ctx, &t.meta.id, t.meta.version, "看过").unwrap_err()
    });
    assert!(matches!(e, AppError::Denied { .. }), "{e:?}");
    let done = with_ctx(&mut ws, "demo", |ctx| {
        task::done(ctx, &t.meta.id, t.meta.version, "已复核，个案终止服务").unwrap()
    });
    assert_eq!(done.state, TaskState::Done);
    assert_eq!(done.done_by.as_deref(), Some("demo"));
    assert_eq!(done.meta.version, 2);
    let e = with_ctx(&mut ws, "demo", |ctx| {
        task::done(ctx, &t.meta.id, done.meta.version, "again").unwrap_err()
    });
    assert!(matches!(e, AppError::Transition(_)), "{e:?}");
    let left = with_ctx(&mut ws, "demo", |ctx| task::list_open(ctx).unwrap());
    assert_eq!(left.len(), 4);
    // The person's timeline shows the task and its end.
    let timeline = with_ctx(&mut ws, "demo", |ctx| {
        person::timeline(ctx, &t.person_id).unwrap()
    });
    let kinds: Vec<&str> = timeline.iter().map(|e| e.kind.as_str()).collect();
    assert!(
        kinds.ends_with(&["person.roster", "task.create", "task.done"]),
        "{kinds:?}"
    );
    check_ok(&mut ws);
}

/// Writes `text` as a roster CSV in a fresh folder and imports it as the demo user.
fn import_text(ws: &mut DemoWs, text: &str) -> (tempfile::TempDir, PathBuf, Receipt) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("名单.csv");
    std::fs::write(&path, text).unwrap();
    let r = with_ctx(ws, "demo", |ctx| {
        roster::import_file(ctx, &path, &mut |_, _| true)
    })
    .unwrap();
    balanced(&r);
    (dir, path, r)
}

const ROSTER_HEADER: &str = "姓名,身份证号,救助类别,审批日期,所属社区,状态\r\n";

/// An ID number whose check digit is 0 after 73 (a real number's shape), and what Excel keeps
/// of 王桂英's number typed as a number: its first 15 digits, then zeros.
const ENDS_000: &str = "360104194001073000";
const WANG_ROUNDED: &str = "360104195201150000";

#[test]
fn an_id_number_whose_last_digits_excel_rounded_to_000_is_refused_in_a_csv() {
    let mut ws = workstation();
    let text = format!(
        "{ROSTER_HEADER}\
         孙桂芳,{ENDS_000},特困,2026-03-05,南钢社区,新增\r\n\
         王桂英,{WANG_ROUNDED},城市低保,2026-03-05,洪都新村社区,新增\r\n\
         李秀珍,360104194001065000,特困,2026-03-05,南钢社区,新增\r\n\
         周建国,360104194803210011,特困,2026-03-05,南钢社区,新增\r\n"
    );
    let before = count(&ws, "SELECT count(*) FROM persons");
    let (_dir, path, r) = import_text(&mut ws, &text);
    assert_eq!(
        refused(&r),
        vec![
            (2, Field::IdNumber),
            (3, Field::IdNumber),
            (4, Field::IdNumber)
        ]
    );
    assert!(r
        .refused
        .iter()
        .all(|x| x.error.reason == Reason::DigitsLost));
    assert_eq!(r.imported, 1, "the whole number goes in");
    assert_eq!(count(&ws, "SELECT count(*) FROM persons"), before + 1);
    let (code, out, err) = cli_import(&ws, &path, "zh-CN");
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains(
            "第 2 行：身份证号：末 3 位是 000，像是 Excel 把号码当作数字、只保留了前 15 位"
        ),
        "{out}"
    );
    let (_, out, _) = cli_import(&ws, &path, "en");
    assert!(out.contains("Line 3: ID number: it ends in 000"), "{out}");
    assert!(out.contains("digits after the 15th were lost"), "{out}");
    // A number the exporting system marked as text (a leading tab or quote mark) kept its
    // digits: it goes in.
    let text = format!(
        "{ROSTER_HEADER}孙桂芳,\"\t{ENDS_000}\",特困,2026-03-05,南钢社区,新增\r\n\
         李秀珍,'360104194001065000,特困,2026-03-05,南钢社区,新增\r\n"
    );
    let (_dir, _, r) = import_text(&mut ws, &text);
    assert!(r.refused.is_empty(), "{:?}", r.refused);
    assert_eq!(r.imported, 2);
    check_ok(&mut ws);
}

#[test]
fn in_a_workbook_a_text_cell_ending_in_000_is_whole_and_a_number_cell_is_refused() {
    let mut ws = workstation();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in [
        "姓名",
        "身份证号",
        "救助类别",
        "审批日期",
        "所属社区",
        "状态",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (r, name) in [(1u32, "孙桂芳"), (2, "李秀珍")] {
        for (c, v) in [
            (0u16, name),
            (2, "特困"),
            (3, "2026-03-05"),
            (4, "南钢社区"),
            (5, "新增"),
        ] {
            sheet.write_string(r, c, v).unwrap();
        }
    }
    // Row 2: the column was text. Row 3: Excel took the number as a number.
    sheet.write_string(1, 1, ENDS_000).unwrap();
    sheet
        .write_number(2, 1, ENDS_000.parse::<f64>().unwrap())
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("名单.xlsx");
    book.save(&path).unwrap();
    let r = with_ctx(&mut ws, "demo", |ctx| {
        roster::import_file(ctx, &path, &mut |_, _| true)
    })
    .unwrap();
    balanced(&r);
    assert_eq!(refused(&r), vec![(3, Field::IdNumber)]);
    assert_eq!(r.refused[0].error.reason, Reason::ScientificNotation);
    assert_eq!(r.imported, 1);
    assert_eq!(status_of(&ws, ENDS_000), "extreme_poverty");
}

#[test]
fn a_row_with_a_nul_or_other_control_character_is_refused_and_the_rest_imports() {
    let mut ws = workstation();
    let text = format!(
        "{ROSTER_HEADER}\
         王桂英,{WANG_ID},城市低保,2026-03-05,洪都新村社区,新增\r\n\
         孙\0桂芳,{ENDS_000},特困,2026-03-05,南钢社区,新增\r\n\
         李秀珍,360104194001065000,特困,2026-03-05,南\u{1b}[2J钢社区,新增\r\n\
         周建国,3601041948032100\u{7}11,特困,2026-03-05,南钢社区,新增\r\n\
         吴淑兰,36010419480321002X,特困,2026-03-05,南钢社区,新增\r\n"
    );
    let mut ws2 = workstation();
    let (_dir, path, r) = import_text(&mut ws, &text);
    assert_eq!(
        refused(&r),
        vec![
            (3, Field::Name),
            (4, Field::Community),
            (5, Field::IdNumber)
        ]
    );
    assert!(r
        .refused
        .iter()
        .all(|x| x.error.reason == Reason::ControlCharacter));
    assert_eq!(r.imported, 2, "王桂英 and 吴淑兰");
    assert_eq!(status_of(&ws, WANG_ID), "urban_minimum_living");
    let (code, out, err) = cli_import(&ws2, &path, "zh-CN");
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("第 3 行：姓名：含有控制字符或转义序列"),
        "{out}"
    );
    assert!(!out.contains('\u{1b}') && !out.contains('\0'), "{out:?}");
    check_ok(&mut ws2);
}

#[test]
fn a_cancellation_of_someone_in_service_asks_for_a_recheck_with_a_suspension() {
    use common::history::{accepted, carded, new_clue};
    use jiuzhu::app::inbox::{self, InboxKind, Target};
    let mut ws = DemoWs::new();
    let pid = with_ctx(&mut ws, "demo", |ctx| {
        person::create(
            ctx,
            &PersonDraft {
                name: "钱六".into(),
                id_number: QIAN_ID.into(),
                community: "360104001001".into(),
                assistance_status: "extreme_poverty".into(),
                ..Default::default()
            },
        )
        .unwrap()
    });
    let clue_id = new_clue(&mut ws, &pid, "2026-11-02");
    let case_id = accepted(&mut ws, &clue_id, "2026-11-02", "2026-11-02", "2026-11-02");
    carded(&mut ws, &case_id, "2026-11-03", "2026-11-03", "2026-11-03");
    let recheck = |ws: &mut DemoWs| -> Vec<Target> {
        with_ctx(ws, "subdistrict_caseworker", |ctx| {
            inbox::tasks(ctx).unwrap()
        })
        .items
        .into_iter()
        .filter(|i| i.kind == InboxKind::RecheckCancelled)
        .map(|i| i.target)
        .collect()
    };
    assert!(recheck(&mut ws).is_empty());
    import(&mut ws, "demo", "monthly-utf8-bom.csv").unwrap();
    assert_eq!(status_of(&ws, QIAN_ID), "none");
    assert_eq!(recheck(&mut ws), vec![Target::Case(case_id)]);
}
