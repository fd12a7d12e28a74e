//! The bundle exchange from a shell, as scripts use it: keys, trust, export, import, inspect,
//! exit codes and one-line refusals in either language.

mod common;

use std::path::Path;

use common::{jiuzhu, run};

const PW: &str = "Qingyunpu-2026!";

fn init(dir: &Path, tier: &str, code: &str, name: &str) {
    let (rc, out, err) = run(jiuzhu(dir)
        .args([
            "init",
            "--tier",
            tier,
            "--org-code",
            code,
            "--org-name",
            name,
            "--admin",
            "admin",
        ])
        .env("JIUZHU_PASSWORD", PW));
    assert_eq!(rc, 0, "{out}{err}");
}

fn as_admin(dir: &Path, args: &[&str]) -> (i32, String, String) {
    run(jiuzhu(dir)
        .arg("--user")
        .arg("admin")
        .args(args)
        .env("JIUZHU_PASSWORD", PW))
}

fn fingerprint(dir: &Path) -> String {
    let (rc, out, _) = run(jiuzhu(dir).args(["keys", "show", "--fingerprint"]));
    assert_eq!(rc, 0);
    let fp = out.trim().to_string();
    assert_eq!(fp.len(), 30, "{fp}");
    fp
}

#[test]
fn two_workstations_exchange_bundles_from_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let com = tmp.path().join("com");
    let sub = tmp.path().join("sub");
    init(&com, "community", "360104001001", "洪都新村社区");
    init(&sub, "subdistrict", "360104001", "洪都街道");

    let (rc, out, _) = run(jiuzhu(&com).args(["keys", "show"]));
    assert_eq!(rc, 0);
    assert!(
        out.contains("洪都新村社区") && out.contains("指纹"),
        "{out}"
    );

    let com_card = tmp.path().join("com.card");
    let sub_card = tmp.path().join("sub.card");
    assert_eq!(
        run(jiuzhu(&com)
            .args(["keys", "export", "--out"])
            .arg(&com_card))
        .0,
        0
    );
    assert_eq!(
        run(jiuzhu(&sub)
            .args(["keys", "export", "--out"])
            .arg(&sub_card))
        .0,
        0
    );

    // A script states the fingerprint it expects; a wrong one enrols nothing.
    let (rc, _, err) = as_admin(
        &sub,
        &[
            "keys",
            "trust",
            com_card.to_str().unwrap(),
            "--fingerprint",
            "11111 11111 11111 11111 11111 11111",
        ],
    );
    assert_eq!(rc, 1);
    assert!(
        err.contains("指纹不符") && err.lines().count() == 1,
        "{err}"
    );
    // The card's own fingerprint is not told, so nobody copies it from the refusal.
    let true_fp = fingerprint(&com);
    let digits: String = true_fp.chars().filter(char::is_ascii_digit).collect();
    assert!(
        !err.contains(true_fp.trim()) && !err.replace(' ', "").contains(&digits),
        "{err}"
    );
    let (rc, _, err) = as_admin(
        &sub,
        &[
            "keys",
            "trust",
            com_card.to_str().unwrap(),
            "--fingerprint",
            &fingerprint(&com),
        ],
    );
    assert_eq!(rc, 0, "{err}");
    let (rc, _, err) = as_admin(
        &com,
        &[
            "keys",
            "trust",
            sub_card.to_str().unwrap(),
            "--fingerprint",
            &fingerprint(&sub),
        ],
    );
    assert_eq!(rc, 0, "{err}");

    let bundle = tmp.path().join("up.bundle");
    let (rc, out, err) = as_admin(
        &com,
        &[
            "bundle",
            "export",
            "--to",
            "360104001",
            "--out",
            bundle.to_str().unwrap(),
        ],
    );
    assert_eq!(rc, 0, "{err}");
    assert!(
        out.contains("没有新的变更"),
        "a fresh workstation has nothing new: {out}"
    );

    // Inspect needs no user and shows the manifest only.
    let (rc, out, _) = run(jiuzhu(&sub).args(["bundle", "inspect"]).arg(&bundle));
    assert_eq!(rc, 0);
    assert!(
        out.contains("签名有效") && out.contains("360104001001"),
        "{out}"
    );

    let (rc, out, err) = as_admin(&sub, &["bundle", "import", bundle.to_str().unwrap()]);
    assert_eq!(rc, 0, "{err}");
    assert!(out.contains("已导入"), "{out}");
    let (rc, out, _) = as_admin(&sub, &["bundle", "import", bundle.to_str().unwrap()]);
    assert_eq!(rc, 0);
    assert!(out.contains("导入过"), "{out}");

    // Refusals: one line, exit code 1, in the chosen language.
    let junk = tmp.path().join("junk.bundle");
    std::fs::write(&junk, b"not a bundle at all").unwrap();
    let (rc, _, err) = as_admin(&sub, &["bundle", "import", junk.to_str().unwrap()]);
    assert_eq!(rc, 1);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("不是数据包"), "{err}");
    let (rc, _, err) = as_admin(
        &sub,
        &["--lang", "en", "bundle", "import", junk.to_str().unwrap()],
    );
    assert_eq!(rc, 1);
    assert!(err.contains("not a bundle"), "{err}");

    // The subdistrict answers; the community reads it.
    let down = tmp.path().join("down.bundle");
    let (rc, _, err) = as_admin(
        &sub,
        &[
            "bundle",
            "export",
            "--to",
            "360104001001",
            "--out",
            down.to_str().unwrap(),
        ],
    );
    assert_eq!(rc, 0, "{err}");
    let (rc, _, err) = as_admin(&com, &["bundle", "import", down.to_str().unwrap()]);
    assert_eq!(rc, 0, "{err}");
    // A bundle for the subdistrict is not the community's to read.
    let (rc, _, err) = as_admin(
        &com,
        &["--lang", "en", "bundle", "import", bundle.to_str().unwrap()],
    );
    assert_eq!(rc, 1);
    assert!(err.contains("addressed to 360104001"), "{err}");
    for dir in [&com, &sub] {
        let (rc, out, err) = as_admin(dir, &["check"]);
        assert_eq!(rc, 0, "{out}{err}");
    }
}
