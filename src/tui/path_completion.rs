//! Completing a typed file path as a shell does on Tab: the one entry of its folder that
//! starts as typed, or what all such entries share; a folder gets its separator so the next
//! Tab goes on inside it.

use std::path::{Path, MAIN_SEPARATOR};

/// The completion of `typed`, or `None` when Tab would add nothing (no match, or several
/// sharing nothing more than what is typed).
pub fn complete(typed: &str) -> Option<String> {
    if typed.is_empty() {
        return None;
    }
    // Split at the last separator: the folder to list, and the start of a name in it.
    let cut = typed.rfind(['/', '\\']).map_or(0, |i| i + 1);
    let (folder, start) = typed.split_at(cut);
    let listed = if folder.is_empty() { "." } else { folder };
    let mut names: Vec<(String, bool)> = std::fs::read_dir(Path::new(listed))
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let is_dir = e.file_type().ok()?.is_dir();
            name.starts_with(start).then_some((name, is_dir))
        })
        .collect();
    names.sort();
    let completed = match names.as_slice() {
        [] => return None,
        [(name, true)] => format!("{folder}{name}{MAIN_SEPARATOR}"),
        [(name, false)] => format!("{folder}{name}"),
        several => format!(
            "{folder}{}",
            common_prefix(several.iter().map(|n| n.0.as_str()))
        ),
    };
    (completed.len() > typed.len()).then_some(completed)
}

/// The longest start every name shares, whole characters only.
fn common_prefix<'a>(mut names: impl Iterator<Item = &'a str>) -> String {
    let Some(first) = names.next() else {
        return String::new();
    };
    let mut len = first.len();
    for n in names {
        len = first
            .char_indices()
            .zip(n.chars())
            .take_while(|((_, a), b)| a == b)
            .last()
            .map_or(0, |((i, a), _)| i + a.len_utf8())
            .min(len);
    }
    first[..len].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completes_the_one_match_a_folder_with_its_separator_and_several_to_what_they_share() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("身份证-王新民.pdf"), b"%PDF").unwrap();
        std::fs::write(dir.path().join("户口本-王新民.pdf"), b"%PDF").unwrap();
        std::fs::write(dir.path().join("户口本-王新民-2.pdf"), b"%PDF").unwrap();
        std::fs::create_dir(dir.path().join("扫描件")).unwrap();
        let base = format!("{}{MAIN_SEPARATOR}", dir.path().display());
        assert_eq!(
            complete(&format!("{base}身份")),
            Some(format!("{base}身份证-王新民.pdf"))
        );
        assert_eq!(
            complete(&format!("{base}户")),
            Some(format!("{base}户口本-王新民"))
        );
        assert_eq!(
            complete(&format!("{base}扫")),
            Some(format!("{base}扫描件{MAIN_SEPARATOR}"))
        );
        assert_eq!(
            complete(&format!("{base}户口本-王新民")),
            None,
            "nothing more shared"
        );
        assert_eq!(complete(&format!("{base}无此文件")), None);
        assert_eq!(complete(""), None);
    }
}
