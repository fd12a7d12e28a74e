//! No label is cut inside its own column. Forms draw their labels in a fixed column and the
//! detail pages fit theirs to 12 cells; a label longer than that shows as "Local house.." and
//! the clerk has to guess the field. This walks every screen snapshot, in both languages, and
//! fails on a cell that is the start of a string-table text cut with `..`.

use std::path::Path;

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
