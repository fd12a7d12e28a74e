//! No label is cut inside its own column. Forms draw their labels in a fixed column and the
//! detail pages fit theirs to 12 cells; a label longer than that shows as "Local house.." and
//! the clerk has to guess the field. This walks every screen snapshot, in both languages, and
//! fails on a cell that is the start of a string-table text cut with `..`.

mod common;

use std::path::Path;

use common::history::{in_service, new_clue, new_person, on};
use jiuzhu::i18n::Lang;
use jiuzhu::tui::screens::archive::person_detail::PersonDetail;
use jiuzhu::tui::screens::assessment::case_detail::CaseDetail;
use jiuzhu::tui::screens::discovery::clue_detail::ClueDetail;
use jiuzhu::tui::screens::Screen;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use unicode_width::UnicodeWidthStr;

/// The widest label column of any screen (clue page: 14 cells).
const LABEL_COLUMN: usize = 14;
/// The narrowest (household page: 10 cells); a shorter cut is a value's, not a label's.
const NARROWEST_COLUMN: usize = 10;

fn strings(v: &toml::Value, out: &mut Vec<String>) {
    match v {
        toml::Value::String(s) => out.push(s.clone()),
        toml::Value::Table(t) => t.values().for_each(|v| strings(v, out)),
        toml::Value::Array(a) => a.iter().for_each(|v| strings(v, out)),
        _ => {}
    }
}

fn table_texts() -> Vec<String> {
    let mut out = Vec::new();
    for src in [
        include_str!("../assets/i18n/zh-CN.toml"),
        include_str!("../assets/i18n/en.toml"),
    ] {
        let table: toml::Table = src.parse().unwrap();
        strings(&toml::Value::Table(table), &mut out);
    }
    out
}

/// The screen rows of an insta snapshot of a ratatui test backend: each row is quoted,
/// maybe followed by a note on wide characters.
fn rows(snap: &str) -> Vec<String> {
    if !snap.starts_with("---") {
        return snap.lines().map(str::to_string).collect();
    }
    let body = snap.splitn(3, "---\n").nth(2).unwrap_or("");
    body.lines()
        .filter(|l| l.starts_with('"'))
        .map(|l| {
            let l = l
                .split(" Hidden by multi-width symbols")
                .next()
                .unwrap_or(l);
            let l = l.strip_prefix('"').unwrap_or(l);
            l.strip_suffix('"').unwrap_or(l).to_string()
        })
        .collect()
}

/// Every text cut with `..` that starts a cell: at the row's start or after a gap of two
/// spaces or a frame line, within a label column's width.
fn cut_cells(row: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = row[from..].find("..") {
        let end = from + at;
        from = end + 2;
        let before = &row[..end];
        // The cell starts after the last gap or frame line.
        let start = [
            before.rfind("  ").map(|i| i + 2),
            before.rfind('│').map(|i| i + 3),
        ]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(0);
        let cell = before[start..].trim_start().trim_start_matches("> ");
        let cut = UnicodeWidthStr::width(cell) + 2;
        // `fit` fills the column: a cut label ends at its column's edge, a cell wider is no
        // label's and one narrower no column's.
        if cell.trim().is_empty() || !(NARROWEST_COLUMN - 1..=LABEL_COLUMN).contains(&cut) {
            continue;
        }
        out.push(cell.to_string());
    }
    out
}

fn cut_labels(snap: &str, texts: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    for row in rows(snap) {
        for cell in cut_cells(&row) {
            if let Some(whole) = texts
                .iter()
                .find(|t| t.len() > cell.len() && t.starts_with(cell.as_str()))
            {
                found.push(format!("{cell:?}.. (of {whole:?}) in {row:?}"));
            }
        }
    }
    found
}

#[test]
fn the_walk_finds_a_cut_label() {
    let texts = vec![
        "Local household register".to_string(),
        "重点人群（含特殊群体）".to_string(),
    ];
    let snap = "---\nsource: x\n---\n\" Local house.. no                  \"\n\
                \" 重点人群（含..  x \" Hidden by multi-width symbols: [(2, \" \")]\n\
                \" Name          wrong check character; the ..\"\n\
                \" ID num │Tab       Next field    │  the ..\"\n";
    let found = cut_labels(snap, &texts);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].starts_with("\"Local house\""));
    assert!(found[1].starts_with("\"重点人群（含\""));
}

#[test]
fn no_snapshot_cuts_a_label_inside_its_column() {
    let texts = table_texts();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "snap"))
        .collect();
    files.sort();
    assert!(
        files.iter().any(|f| f.to_string_lossy().contains("_en_"))
            && files
                .iter()
                .any(|f| f.to_string_lossy().contains("_zh-CN_")),
        "snapshots of both languages"
    );
    let mut cuts = Vec::new();
    for f in &files {
        let snap = std::fs::read_to_string(f).unwrap();
        for c in cut_labels(&snap, &texts) {
            cuts.push(format!(
                "{}: {c}",
                f.file_name().unwrap_or_default().to_string_lossy()
            ));
        }
    }
    assert!(
        cuts.is_empty(),
        "labels cut inside their column:\n{}",
        cuts.join("\n")
    );
}

/// The detail pages with every fact filled in (the snapshots show mostly empty ones), drawn
/// at 80x24 in both languages: no label is cut there either.
#[test]
fn filled_detail_pages_cut_no_label() {
    let texts = table_texts();
    let mut ws = common::DemoWs::new();
    let case_id = in_service(&mut ws, "张桂英", "360104001001", "2026-11-20");
    let pid = new_person(&mut ws, "李秀兰", "360104001001");
    let clue_id = new_clue(&mut ws, &pid, "2026-11-20");
    on(&mut ws, "2026-11-21", "demo", |ctx| {
        jiuzhu::app::clue::verify(ctx, &clue_id, true, "属实").unwrap();
        jiuzhu::app::case::suspend(ctx, &case_id, &common::suspension("住院治疗", "2026-12-20"))
            .unwrap();
    });
    let person_of_case = on(&mut ws, "2026-11-21", "demo", |ctx| {
        jiuzhu::app::case::get(ctx, &case_id).unwrap().person_id
    });
    let mut cuts = Vec::new();
    for lang in [Lang::ZhCn, Lang::En] {
        let mut env = common::screen::env(&ws.db(), lang);
        env.session = Some(common::demo_session("demo"));
        let screens: Vec<(&str, Box<dyn Screen>)> = vec![
            (
                "case",
                Box::new(CaseDetail::load(&mut env, &case_id).unwrap()),
            ),
            (
                "clue",
                Box::new(ClueDetail::load(&mut env, &clue_id).unwrap()),
            ),
            (
                "person",
                Box::new(PersonDetail::load(&mut env, &person_of_case).unwrap()),
            ),
        ];
        for (name, screen) in screens {
            let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
            t.draw(|f| screen.render(f, f.area(), &env)).unwrap();
            let text = common::screen::shown(&t);
            for c in cut_labels(&text, &texts) {
                cuts.push(format!("{name} ({}): {c}", lang.code()));
            }
        }
    }
    assert!(
        cuts.is_empty(),
        "labels cut inside their column:\n{}",
        cuts.join("\n")
    );
}
