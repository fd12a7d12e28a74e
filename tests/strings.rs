//! Every string-table key the code names exists: a typo would otherwise show the key itself
//! (`field.servce_no`) on a screen or a printed form.

use std::path::Path;

use jiuzhu::i18n::{t, Lang};

fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push((
                p.display().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            ));
        }
    }
}

/// Quoted literals shaped like a key (`section.name`) whose section is one of the table's.
fn keys_named(src: &str, sections: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for part in src.split('"').skip(1).step_by(2) {
        let Some((section, name)) = part.split_once('.') else {
            continue;
        };
        let shaped = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            && sections.iter().any(|s| s == section);
        if shaped {
            out.push(part.to_string());
        }
    }
    out
}

#[test]
fn every_key_named_in_the_code_is_in_the_table() {
    let table: toml::Table = include_str!("../assets/i18n/zh-CN.toml").parse().unwrap();
    let sections: Vec<String> = table
        .iter()
        .filter(|(_, v)| v.is_table())
        .map(|(k, _)| k.clone())
        .collect();
    let mut files = Vec::new();
    sources(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let mut missing = Vec::new();
    for (file, src) in &files {
        // The store's record modules name change-log kinds (`posting.create`), not strings.
        let store = Path::new(file)
            .parent()
            .is_some_and(|d| d.ends_with("store"));
        if store && !file.ends_with("mod.rs") {
            continue;
        }
        for key in keys_named(src, &sections) {
            if t(Lang::ZhCn, &key) == key {
                missing.push(format!("{file}: {key}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "keys missing from the string table:\n{}",
        missing.join("\n")
    );
}
