//! 建立档案: the document checklist of a person's archive — scans filed with their hash (the
//! format known by the content), refused when they are not scans or too large, withdrawn but
//! never deleted, exported for viewing — and the forms the program generates.

mod common;

use std::path::{Path, PathBuf};

use common::{with_ctx, DemoWs};
use jiuzhu::app::{check, document, person, AppError};
use jiuzhu::domain::person::PersonDraft;
use jiuzhu::domain::validation::{Field, Reason};
use jiuzhu::i18n::Lang;

const C1: &str = "360104001001";
const CW: &str = "subdistrict_caseworker";

fn person(ws: &mut DemoWs) -> String {
    with_ctx(ws, "info_officer", |ctx| {
        person::create(
            ctx,
            &PersonDraft {
                name: "赵桂兰".into(),
                community: C1.into(),
                address: "井冈山大道1号".into(),
                ..Default::default()
            },
        )
        .unwrap()
    })
}

fn file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn scans_are_filed_once_per_content_and_listed_by_kind() {
    let mut ws = DemoWs::new();
    let pid = person(&mut ws);
    let tmp = tempfile::tempdir().unwrap();
    let scan = file(
        tmp.path(),
        "身份证正反面.jpg",
        b"\xFF\xD8\xFF\xE0 jpeg bytes",
    );
    let id = with_ctx(&mut ws, "info_officer", |ctx| {
        document::attach(ctx, &pid, "id_card", &scan).unwrap()
    });
    // The same bytes filed again (as the household register by mistake) share one copy.
    with_ctx(&mut ws, "info_officer", |ctx| {
        document::attach(ctx, &pid, "hukou_book", &scan).unwrap()
    });
    let c = rusqlite::Connection::open(ws.db()).unwrap();
    let blobs: i64 = c
        .query_row("SELECT count(*) FROM document_blobs", [], |r| r.get(0))
        .unwrap();
    assert_eq!(blobs, 1);
    let list = with_ctx(&mut ws, "supervisor", |ctx| {
        document::checklist(ctx, &pid).unwrap()
    });
    assert_eq!(list.len(), 7, "every kind of the catalogue");
    assert_eq!(list[0].kind, "id_card");
    assert_eq!(list[0].documents.len(), 1);
    assert_eq!(list[0].documents[0].file_name, "身份证正反面.jpg");
    assert_eq!(list[0].documents[0].meta.id, id);
    assert!(!list[2].complete(), "no proof of illness yet");
    assert!(
        list.iter().all(|l| l.generated_from.is_none()),
        "no case, so no forms to generate"
    );
    // Withdrawn: gone from the checklist, kept in the database and the timeline.
    with_ctx(&mut ws, "info_officer", |ctx| {
        document::withdraw(ctx, &id, "扫错了人").unwrap()
    });
    let e = with_ctx(&mut ws, "info_officer", |ctx| {
        document::withdraw(ctx, &id, "again").unwrap_err()
    });
    assert!(matches!(e, AppError::AlreadyWithdrawn), "{e:?}");
    let list = with_ctx(&mut ws, "supervisor", |ctx| {
        document::checklist(ctx, &pid).unwrap()
    });
    assert!(list[0].documents.is_empty());
    let kept: i64 = c
        .query_row("SELECT count(*) FROM documents", [], |r| r.get(0))
        .unwrap();
    assert_eq!(kept, 2);
    let timeline = with_ctx(&mut ws, "supervisor", |ctx| {
        person::timeline(ctx, &pid).unwrap()
    });
    let kinds: Vec<&str> = timeline.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "person.create",
            "document.create",
            "document.create",
            "document.withdraw"
        ]
    );
    assert!(with_ctx(&mut ws, "supervisor", |ctx| check::run(ctx).unwrap()).ok());
}

#[test]
fn what_is_not_a_scan_or_too_large_is_refused_and_nothing_is_written() {
    let mut ws = DemoWs::new();
    let pid = person(&mut ws);
    let tmp = tempfile::tempdir().unwrap();
    let refuse = |ws: &mut DemoWs, path: &Path| {
        with_ctx(ws, "info_officer", |ctx| {
            document::attach(ctx, &pid, "id_card", path).unwrap_err()
        })
    };
    let exe = file(tmp.path(), "scan.pdf", b"MZ\x90\x00 not a pdf");
    let e = refuse(&mut ws, &exe);
    assert!(
        matches!(&e, AppError::Validation(v) if v.field == Field::File && v.reason == Reason::NotAScan),
        "{e:?}"
    );
    assert!(e.localize_zh().contains("PDF、JPG"), "{}", e.localize_zh());
    let big = tmp.path().join("big.pdf");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(10 * 1024 * 1024 + 1).unwrap();
    let e = refuse(&mut ws, &big);
    assert!(
        matches!(&e, AppError::Validation(v) if v.reason == Reason::FileTooLarge { max_mb: 10 }),
        "{e:?}"
    );
    let e = refuse(&mut ws, tmp.path());
    assert!(
        matches!(&e, AppError::Validation(v) if v.reason == Reason::NotAFile),
        "{e:?}"
    );
    let e = refuse(&mut ws, &tmp.path().join("missing.pdf"));
    assert!(matches!(e, AppError::Store(_)), "{e:?}");
    let pdf = file(tmp.path(), "户口本.pdf", b"%PDF-1.4\n");
    let e = with_ctx(&mut ws, "info_officer", |ctx| {
        document::attach(ctx, &pid, "passport", &pdf).unwrap_err()
    });
    assert!(
        matches!(&e, AppError::Validation(v) if v.field == Field::DocumentKind),
        "{e:?}"
    );
    let e = with_ctx(&mut ws, "supervisor", |ctx| {
        document::attach(ctx, &pid, "hukou_book", &pdf).unwrap_err()
    });
    assert!(
        matches!(e, AppError::Denied { .. }),
        "the read-only role files nothing"
    );
    let c = rusqlite::Connection::open(ws.db()).unwrap();
    let n: i64 = c
        .query_row("SELECT count(*) FROM document_blobs", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 0);
}

trait Zh {
    fn localize_zh(&self) -> String;
}

impl Zh for AppError {
    fn localize_zh(&self) -> String {
        jiuzhu::i18n::Localize::localize(self, Lang::ZhCn)
    }
}

#[test]
fn an_export_is_the_same_bytes_and_a_changed_copy_is_found_by_check() {
    let mut ws = DemoWs::new();
    let pid = person(&mut ws);
    let tmp = tempfile::tempdir().unwrap();
    let bytes = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n".to_vec();
    let scan = file(tmp.path(), "残疾证.pdf", &bytes);
    let id = with_ctx(&mut ws, "info_officer", |ctx| {
        document::attach(ctx, &pid, "disability_cert", &scan).unwrap()
    });
    let out = with_ctx(&mut ws, CW, |ctx| document::export(ctx, &id).unwrap());
    assert!(out.starts_with(ws.dir.path().join("outbox").join(CW)));
    assert!(out.to_string_lossy().ends_with("残疾证.pdf"));
    assert_eq!(std::fs::read(&out).unwrap(), bytes);
    let c = rusqlite::Connection::open(ws.db()).unwrap();
    let exports: i64 = c
        .query_row(
            "SELECT count(*) FROM access_log WHERE event = 'print' AND actor = ?1",
            [CW],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        exports, 1,
        "an export of personal data is in the access log"
    );
    c.execute("UPDATE document_blobs SET content = X'00'", [])
        .unwrap();
    let report = with_ctx(&mut ws, "supervisor", |ctx| check::run(ctx).unwrap());
    assert!(!report.ok());
    assert!(report
        .findings
        .iter()
        .any(|f| matches!(f, check::Finding::DocumentBroken(_))));
}

#[test]
fn a_scan_whose_name_disagrees_with_its_content_is_refused() {
    let mut ws = DemoWs::new();
    let pid = person(&mut ws);
    let tmp = tempfile::tempdir().unwrap();
    // A PDF named .html would be exported as .html and handed to the system opener.
    let disguised = file(tmp.path(), "scan.html", b"%PDF-1.7\n1 0 obj\n");
    let e = with_ctx(&mut ws, "info_officer", |ctx| {
        document::attach(ctx, &pid, "id_card", &disguised).unwrap_err()
    });
    assert!(
        matches!(&e, AppError::Validation(v) if v.field == Field::File),
        "{e:?}"
    );
    assert!(
        e.localize_zh().contains("文件内容是 PDF，但文件名是 .html"),
        "{}",
        e.localize_zh()
    );
    let en = jiuzhu::i18n::Localize::localize(&e, Lang::En);
    assert!(en.contains("PDF") && en.contains(".html"), "{en}");
    let c = rusqlite::Connection::open(ws.db()).unwrap();
    let n: i64 = c
        .query_row("SELECT count(*) FROM documents", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 0, "nothing was filed");
    // The case of the extension does not matter; the stored name takes the format's own.
    let upper = file(tmp.path(), "户口本.PDF", b"%PDF-1.4\n");
    let jpeg = file(tmp.path(), "照片.jpeg", b"\xFF\xD8\xFF\xE0 jpeg");
    with_ctx(&mut ws, "info_officer", |ctx| {
        document::attach(ctx, &pid, "hukou_book", &upper).unwrap();
        document::attach(ctx, &pid, "id_card", &jpeg).unwrap();
    });
    let names: Vec<String> = with_ctx(&mut ws, "info_officer", |ctx| {
        document::checklist(ctx, &pid).unwrap()
    })
    .into_iter()
    .flat_map(|l| l.documents)
    .map(|d| d.file_name)
    .collect();
    assert_eq!(names, ["照片.jpg", "户口本.pdf"]);
}

#[test]
fn an_export_is_named_by_its_content_whatever_the_record_says() {
    let mut ws = DemoWs::new();
    let pid = person(&mut ws);
    let tmp = tempfile::tempdir().unwrap();
    let bytes = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n".to_vec();
    let scan = file(tmp.path(), "残疾证.pdf", &bytes);
    let id = with_ctx(&mut ws, "info_officer", |ctx| {
        document::attach(ctx, &pid, "disability_cert", &scan).unwrap()
    });
    // A record filed by an older release, or received from one, may hold any name.
    let c = rusqlite::Connection::open(ws.db()).unwrap();
    for (stored, exported) in [
        ("残疾证.html", "残疾证.pdf"),
        ("残疾证.hta", "残疾证.pdf"),
        ("残疾证", "残疾证.pdf"),
    ] {
        c.execute(
            "UPDATE documents SET file_name = ?1 WHERE id = ?2",
            [stored, id.as_str()],
        )
        .unwrap();
        let out = with_ctx(&mut ws, "info_officer", |ctx| {
            document::export(ctx, &id).unwrap()
        });
        let name = out.file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.ends_with(&format!("_{exported}")), "{stored}: {name}");
        assert_eq!(std::fs::read(&out).unwrap(), bytes);
    }
}

#[test]
fn a_document_that_does_not_apply_is_recorded_with_its_reason_and_counts_as_complete() {
    let mut ws = DemoWs::new();
    let pid = person(&mut ws);
    let line = |ws: &mut DemoWs, kind: &str| {
        with_ctx(ws, "info_officer", |ctx| {
            document::checklist(ctx, &pid).unwrap()
        })
        .into_iter()
        .find(|l| l.kind == kind)
        .unwrap()
    };
    assert!(!line(&mut ws, "disability_cert").complete());
    let e = with_ctx(&mut ws, "info_officer", |ctx| {
        document::waive(ctx, &pid, "disability_cert", "  ").unwrap_err()
    });
    assert!(
        matches!(&e, AppError::Validation(v) if v.field == Field::Reason),
        "the reason is required: {e:?}"
    );
    let e = with_ctx(&mut ws, "info_officer", |ctx| {
        document::waive(ctx, &pid, "driving_licence", "无").unwrap_err()
    });
    assert!(
        matches!(&e, AppError::Validation(v) if v.field == Field::DocumentKind),
        "{e:?}"
    );
    let id = with_ctx(&mut ws, "info_officer", |ctx| {
        document::waive(ctx, &pid, "disability_cert", "本人无残疾").unwrap()
    });
    let l = line(&mut ws, "disability_cert");
    assert!(l.complete(), "不适用 counts as complete");
    assert!(l.documents.is_empty());
    let w = l.waiver.unwrap();
    assert_eq!(w.reason, "本人无残疾");
    assert_eq!(w.recorded_by, "info_officer");
    // Once is enough; a kind with a scan on file cannot be marked.
    let e = with_ctx(&mut ws, "info_officer", |ctx| {
        document::waive(ctx, &pid, "disability_cert", "再次").unwrap_err()
    });
    assert!(
        matches!(&e, AppError::Validation(v) if v.reason == Reason::Duplicate),
        "{e:?}"
    );
    let tmp = tempfile::tempdir().unwrap();
    let scan = file(tmp.path(), "身份证.jpg", b"\xFF\xD8\xFF\xE0 jpeg bytes");
    with_ctx(&mut ws, "info_officer", |ctx| {
        document::attach(ctx, &pid, "id_card", &scan).unwrap()
    });
    let e = with_ctx(&mut ws, "info_officer", |ctx| {
        document::waive(ctx, &pid, "id_card", "无").unwrap_err()
    });
    assert!(
        matches!(&e, AppError::Validation(v) if v.reason == Reason::AlreadyFiled),
        "{e:?}"
    );
    // A supervisor sees it and may not record one.
    let e = with_ctx(&mut ws, "supervisor", |ctx| {
        document::waive(ctx, &pid, "hukou_book", "无").unwrap_err()
    });
    assert!(matches!(e, AppError::Denied { .. }), "{e:?}");
    // Withdrawn when wrong: the line is open again, the record stays.
    let w = with_ctx(&mut ws, "info_officer", |ctx| {
        document::withdraw_waiver(ctx, &id, "已办理残疾证").unwrap()
    });
    assert!(w.withdrawn_at.is_some());
    assert!(!line(&mut ws, "disability_cert").complete());
    assert!(with_ctx(&mut ws, "supervisor", |ctx| check::run(ctx).unwrap()).ok());
}
