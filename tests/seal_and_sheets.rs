//! The names a document is sealed with, the public phones, and the workbooks every list is
//! written as: read back cell by cell and from the sheet's XML.

mod common;

use std::io::Read;

use calamine::{Data, Reader, Xlsx};
use common::history::{accepted, new_clue, new_person, C1};
use common::{carry_to_card, clock, with_ctx, DemoWs};
use jiuzhu::app::print::{self, ListFormat, PostingRequest};
use jiuzhu::app::settings::{self, PublicPhones};
use jiuzhu::app::{setup, AppError};
use jiuzhu::domain::validation::Field;
use jiuzhu::i18n::Lang;
use jiuzhu::store::access_log;

const SEAL_C1: &str = "南昌市青云谱区洪都街道洪都新村社区居民委员会";

#[test]
fn the_demo_seals_with_full_names_and_an_administrator_changes_them_logged() {
    let mut ws = DemoWs::new();
    with_ctx(&mut ws, "demo", |ctx| {
        assert_eq!(settings::seal_name(ctx, C1), SEAL_C1);
        assert_eq!(
            settings::seal_name(ctx, "360104001"),
            "南昌市青云谱区洪都街道办事处"
        );
        // A unit the workstation does not know is named by its code.
        assert_eq!(settings::seal_name(ctx, "999999"), "999999");
        let names = settings::unit_names(ctx).unwrap();
        assert_eq!(
            names[0].code, "360104001",
            "the workstation's own unit first"
        );
        assert!(names.iter().any(|u| u.code == C1 && u.full_name == SEAL_C1));

        assert!(settings::set_full_name(ctx, C1, " 洪都新村社区居委会 ").unwrap());
        assert_eq!(settings::seal_name(ctx, C1), "洪都新村社区居委会");
        assert!(!settings::set_full_name(ctx, C1, "洪都新村社区居委会").unwrap());
        // Empty: the short name seals.
        assert!(settings::set_full_name(ctx, C1, "").unwrap());
        assert_eq!(settings::seal_name(ctx, C1), "洪都新村社区");
        let e = settings::set_full_name(ctx, C1, &"长".repeat(61)).unwrap_err();
        assert!(
            matches!(&e, AppError::Validation(v) if v.field == Field::OrgFullName),
            "{e:?}"
        );
    });
    let log = access_log::recent(&rusqlite::Connection::open(ws.db()).unwrap(), 5).unwrap();
    let changes: Vec<&str> = log
        .iter()
        .filter(|e| e.event == "setting" && e.subject == format!("org_full_name:{C1}"))
        .map(|e| e.detail.as_str())
        .collect();
    assert_eq!(
        changes,
        [
            "洪都新村社区居委会 -> ",
            &format!("{SEAL_C1} -> 洪都新村社区居委会")[..]
        ]
    );
    // Only an administrator sets names and phones.
    with_ctx(&mut ws, "info_officer", |ctx| {
        let e = settings::set_full_name(ctx, C1, "某某").unwrap_err();
        assert!(matches!(e, AppError::Denied { .. }), "{e:?}");
        let e = settings::set_public_phones(ctx, &PublicPhones::default()).unwrap_err();
        assert!(matches!(e, AppError::Denied { .. }), "{e:?}");
    });
}

#[test]
fn public_phones_are_checked_and_logged() {
    let mut ws = DemoWs::new();
    with_ctx(&mut ws, "demo", |ctx| {
        let p = settings::public_phones(ctx).unwrap();
        assert_eq!(p.service, "0791-88123456");
        assert_eq!(p.supervision, "0791-88654321");
        for (bad, field) in [
            (("12a45", ""), Field::ServicePhone),
            (("12345", "0791-8865#4321"), Field::SupervisionPhone),
            (("12", ""), Field::ServicePhone),
            (("", &"1".repeat(31)[..]), Field::SupervisionPhone),
            (("-12345", ""), Field::ServicePhone),
        ] {
            let e = settings::set_public_phones(
                ctx,
                &PublicPhones {
                    service: bad.0.into(),
                    supervision: bad.1.into(),
                },
            )
            .unwrap_err();
            assert!(
                matches!(&e, AppError::Validation(v) if v.field == field),
                "{bad:?}: {e:?}"
            );
        }
        let n = settings::set_public_phones(
            ctx,
            &PublicPhones {
                service: "12345".into(),
                supervision: " 0791-8865  4321 ".into(),
            },
        )
        .unwrap();
        assert_eq!(n, 2);
        let p = settings::public_phones(ctx).unwrap();
        assert_eq!(
            (p.service.as_str(), p.supervision.as_str()),
            ("12345", "0791-8865 4321")
        );
        // The time limits still read (the phones are other keys of the same table).
        settings::thresholds(ctx).unwrap();
    });
    let log = access_log::recent(&rusqlite::Connection::open(ws.db()).unwrap(), 2).unwrap();
    assert!(log
        .iter()
        .any(|e| e.subject == "service_phone" && e.detail == "0791-88123456 -> 12345"));
}

#[test]
fn init_takes_the_full_name_or_leaves_the_short_one() {
    for (given, sealed) in [
        (
            "南昌市青云谱区洪都街道办事处",
            "南昌市青云谱区洪都街道办事处",
        ),
        ("", "洪都街道"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let params = setup::validate_params(
            "subdistrict",
            "360104001",
            "洪都街道",
            Some("360104"),
            "admin",
            true,
        )
        .unwrap()
        .with_org_full_name(given)
        .unwrap();
        let mut store = setup::init(
            dir.path(),
            &dir.path().join("jiuzhu.db"),
            &params,
            zeroize::Zeroizing::new("admin".into()),
            &clock(),
        )
        .unwrap();
        let session = jiuzhu::app::Session {
            username: "admin".into(),
            grants: vec![jiuzhu::domain::permission::Grant {
                role: jiuzhu::domain::permission::Role::Admin,
                org: "360104001".into(),
            }],
        };
        let c = clock();
        let ctx = jiuzhu::app::Ctx::new(&mut store, session, &c).unwrap();
        assert_eq!(settings::seal_name(&ctx, "360104001"), sealed);
        assert_eq!(
            settings::public_phones(&ctx).unwrap(),
            PublicPhones::default()
        );
    }
    let long = "长".repeat(61);
    let e = setup::validate_params("subdistrict", "360104001", "洪都街道", None, "admin", true)
        .unwrap()
        .with_org_full_name(&long)
        .unwrap_err();
    assert_eq!(e.field, Field::OrgFullName);
}

/// The files of an xlsx (a zip): the text of `name`.
fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut f = zip.by_name(name).unwrap();
    let mut s = String::new();
    f.read_to_string(&mut s).unwrap();
    s
}

/// The width the sheet XML gives column `n` (1-based).
fn col_width(sheet_xml: &str, n: usize) -> f64 {
    let attr = |col: &str, name: &str| -> String {
        let tag = format!("{name}=\"");
        let at = col.find(&tag).unwrap() + tag.len();
        col[at..].split('"').next().unwrap().to_string()
    };
    sheet_xml
        .split("<col ")
        .skip(1)
        .find(|c| {
            let min: usize = attr(c, "min").parse().unwrap();
            let max: usize = attr(c, "max").parse().unwrap();
            (min..=max).contains(&n)
        })
        .map(|c| attr(c, "width").parse().unwrap())
        .unwrap_or_else(|| panic!("no width for column {n}"))
}

/// Two persons in service in 洪都新村社区: 张桂兰 with no ID number needing a home sickbed,
/// rehabilitation and meals; 李建华 (ID number given) needing medicine delivery.
fn posting_ws() -> DemoWs {
    let mut ws = DemoWs::new();
    let first = new_person(&mut ws, "张桂兰", C1);
    let clue = new_clue(&mut ws, &first, "2026-10-08");
    let case = accepted(&mut ws, &clue, "2026-10-09", "2026-10-09", "2026-10-10");
    let assess = |needs: &[&str]| jiuzhu::app::case::Assessment {
        category: "minimum_living".into(),
        self_care: String::new(),
        needs: needs.iter().map(|s| s.to_string()).collect(),
    };
    carry_to_card(
        &mut ws.store,
        &case,
        &assess(&["home_sickbed", "rehabilitation", "meal_delivery"]),
    );
    let second = with_ctx(&mut ws, "info_officer", |ctx| {
        jiuzhu::app::person::create(
            ctx,
            &jiuzhu::domain::person::PersonDraft {
                name: "李建华".into(),
                id_number: "360104195003070027".into(),
                community: C1.into(),
                address: "洪都中大道8栋".into(),
                assistance_status: "urban_minimum_living".into(),
                ..Default::default()
            },
        )
        .unwrap()
    });
    let clue = new_clue(&mut ws, &second, "2026-10-08");
    let case = accepted(&mut ws, &clue, "2026-10-09", "2026-10-09", "2026-10-10");
    carry_to_card(&mut ws.store, &case, &assess(&["medicine_delivery"]));
    ws
}

fn posting(ws: &mut DemoWs, format: ListFormat) -> Vec<u8> {
    with_ctx(ws, "demo", |ctx| {
        print::posting_bytes(
            ctx,
            &PostingRequest {
                community: C1.into(),
                from: common::history::day("2026-11-28"),
                to: Some(common::history::day("2026-12-04")),
                place: "社区居务公开栏".into(),
            },
            format,
            Lang::ZhCn,
        )
        .unwrap()
        .bytes
    })
}

#[test]
fn the_posting_workbook_names_health_only_as_its_category_and_closes_with_the_seal() {
    let mut ws = posting_ws();
    let bytes = posting(&mut ws, ListFormat::Xlsx);
    let mut wb = Xlsx::new(std::io::Cursor::new(bytes.clone())).unwrap();
    let sheet = wb.sheet_names()[0].clone();
    let cells = wb.worksheet_range(&sheet).unwrap();
    let rows: Vec<&[Data]> = cells.rows().collect();
    let at = |name: &str| {
        *rows
            .iter()
            .find(|r| r[1] == Data::String(name.into()))
            .unwrap_or_else(|| panic!("{name} listed: {rows:?}"))
    };
    let zhang = at("张桂兰");
    let li = at("李建华");
    // 序号 is a number; no ID number shows —; the masked one stays text.
    assert!(matches!(zhang[0], Data::Float(_)), "{:?}", zhang[0]);
    assert!(matches!(li[0], Data::Float(_)), "{:?}", li[0]);
    assert_eq!(zhang[2], Data::String("—".into()));
    assert_eq!(li[2], Data::String("3601**********0027".into()));
    // Health items only as 健康护理, once; other items by name.
    assert_eq!(zhang[5], Data::String("健康护理、供餐送餐".into()));
    assert_eq!(li[5], Data::String("健康护理".into()));
    let all: Vec<String> = cells.used_cells().map(|(_, _, c)| c.to_string()).collect();
    for secret in ["家庭病床", "康复", "送药"] {
        assert!(
            all.iter().all(|c| !c.contains(secret)),
            "{secret} shown: {all:?}"
        );
    }
    // The closing: the notice, the phones, the issuing unit, the day, the 制表日期.
    let text = all.join("\n");
    for line in [
        "公示期内，对名单有异议的",
        "社会救助服务电话：0791-88123456",
        "监督电话：0791-88654321",
        SEAL_C1,
        "2026年11月28日",
        "制表日期：2026-11-28",
    ] {
        assert!(text.contains(line), "{line} missing: {text}");
    }
    // Frozen header, repeated on every page, A4 fitted to width; columns as wide as their
    // content (the ID column wider than the names, a Chinese character counting two).
    let xml = part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(
        xml.contains("ySplit=\"3\"") && xml.contains("state=\"frozen\""),
        "{xml}"
    );
    assert!(
        xml.contains("paperSize=\"9\"") && xml.contains("fitToHeight=\"0\""),
        "{xml}"
    );
    assert!(xml.contains("<pageSetUpPr fitToPage=\"1\"/>"), "{xml}");
    let workbook = part(&bytes, "xl/workbook.xml");
    assert!(
        workbook.contains("_xlnm.Print_Titles") && workbook.contains("$3:$3"),
        "{workbook}"
    );
    let (name_w, id_w, items_w) = (col_width(&xml, 2), col_width(&xml, 3), col_width(&xml, 6));
    assert!(id_w >= 20.0 && id_w > name_w, "{name_w} {id_w}");
    // 健康护理、供餐送餐: 9 Chinese characters, 18 wide.
    assert!(items_w >= 20.0, "{items_w}");
    // The closing notice is long: its row is taller than one line.
    assert!(xml.contains("customHeight=\"1\""), "{xml}");

    // The CSV and the page share the rows.
    let csv = String::from_utf8(posting(&mut ws, ListFormat::Csv)).unwrap();
    assert!(csv.contains("\"健康护理、供餐送餐\"") && !csv.contains("家庭病床"));
    assert!(csv.contains("\"—\""), "{csv}");
    let html = String::from_utf8(posting(&mut ws, ListFormat::Html)).unwrap();
    assert!(!html.contains("家庭病床") && !html.contains("送药"));
}

#[test]
fn a_narrow_sheet_prints_portrait_and_a_wide_one_landscape() {
    use jiuzhu::report::xlsx::{workbook, SheetData};
    let day = common::history::day("2026-11-28");
    let narrow = vec![vec!["1".to_string(), "王".to_string()]];
    let wide = vec![vec![
        "1".to_string(),
        "长".repeat(60),
        "长".repeat(60),
        "长".repeat(60),
    ]];
    let make = |headers: &[&str], rows: &[Vec<String>]| {
        workbook(
            &[SheetData {
                name: "表",
                title: "标题",
                subtitle: "",
                headers,
                rows,
                numeric: &[0],
                closing: &[],
                sign: &[],
            }],
            day,
            Lang::ZhCn,
        )
        .unwrap()
    };
    let xml = part(
        &make(&["序号", "姓名"], &narrow),
        "xl/worksheets/sheet1.xml",
    );
    assert!(!xml.contains("orientation=\"landscape\""), "{xml}");
    let bytes = make(&["序号", "甲", "乙", "丙"], &wide);
    let xml = part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(xml.contains("orientation=\"landscape\""), "{xml}");
    // A 60-character cell in a column kept to 40 wraps over several lines: its row is taller.
    let row4 = xml.split("<row r=\"4\"").nth(1).unwrap();
    let ht: f64 = row4
        .split("ht=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(ht >= 45.0, "{ht}");
    assert!(col_width(&xml, 2) <= 41.0);
}

/// Every personal form seals with the full names of the units that sign it; the card prints
/// the public phones.
#[test]
fn personal_forms_seal_with_full_names_and_the_card_prints_the_phones() {
    let mut ws = DemoWs::new();
    let s = common::history::served(&mut ws);
    const SEAL_SUBDISTRICT: &str = "南昌市青云谱区洪都街道办事处";
    let read = |p: std::path::PathBuf| std::fs::read_to_string(p).unwrap();
    let (a4, compact, needs, services) = with_ctx(&mut ws, "subdistrict_caseworker", |ctx| {
        (
            read(print::card(ctx, &s.case_id, print::CardLayout::A4, Lang::ZhCn).unwrap()),
            read(print::card(ctx, &s.case_id, print::CardLayout::Compact, Lang::ZhCn).unwrap()),
            read(print::needs_form(ctx, &s.case_id, Lang::ZhCn).unwrap()),
            read(
                print::service_form(ctx, &s.case_id, print::ServicePeriod::All, Lang::ZhCn)
                    .unwrap(),
            ),
        )
    });
    let unit = |name: &str| format!("<div class=\"unit\">{name}</div>");
    assert!(a4.contains(&unit(SEAL_SUBDISTRICT)), "the card's seal box");
    assert!(needs.contains(&unit(SEAL_C1)) && needs.contains(&unit(SEAL_SUBDISTRICT)));
    assert!(services.contains(&unit(SEAL_C1)));
    for card in [&a4, &compact] {
        assert!(card.contains("社会救助服务电话：0791-88123456"));
        assert!(card.contains("监督电话：0791-88654321"));
    }
    assert!(compact.contains(&format!("发卡单位：{SEAL_SUBDISTRICT}")));
    // Without phones set, no empty phone line is printed.
    with_ctx(&mut ws, "admin", |ctx| {
        settings::set_public_phones(ctx, &PublicPhones::default()).unwrap();
    });
    let a4 = with_ctx(&mut ws, "subdistrict_caseworker", |ctx| {
        read(print::card(ctx, &s.case_id, print::CardLayout::A4, Lang::ZhCn).unwrap())
    });
    assert!(!a4.contains("监督电话") && !a4.contains("服务电话："));
}

/// The posting closes with the issuing unit, its date and the phones, not a signature box;
/// the complaint receipt names the receiving unit, who received it and the phones.
#[test]
fn the_posting_and_the_complaint_receipt_close_with_the_issuer_and_the_phones() {
    let mut ws = posting_ws();
    let html = String::from_utf8(posting(&mut ws, ListFormat::Html)).unwrap();
    assert!(html.contains(&format!(
        "<div class=\"issued\"><div>{SEAL_C1}</div><div>2026年11月28日</div></div>"
    )));
    assert!(html.contains("监督电话：0791-88654321"));
    assert!(html.contains("社会救助服务电话：0791-88123456"));
    assert!(
        !html.contains("社区意见") && !html.contains("class=\"sign\""),
        "no opinion box on a notice"
    );
    let receiver = "subdistrict_caseworker";
    let id = with_ctx(&mut ws, receiver, |ctx| {
        jiuzhu::app::supervision::receive(
            ctx,
            &jiuzhu::app::supervision::ComplaintDraft {
                community: C1.into(),
                channel: "hotline".into(),
                complainant: "李四".into(),
                content: "公示名单有误".into(),
                assigned_to: receiver.into(),
                ..Default::default()
            },
        )
        .unwrap()
    });
    let (receipt, real, due) = with_ctx(&mut ws, "demo", |ctx| {
        let path = print::complaint_receipt(ctx, &id, Lang::ZhCn).unwrap();
        let due = jiuzhu::app::supervision::default_due(ctx, common::history::day("2026-11-28"));
        (
            std::fs::read_to_string(path).unwrap(),
            jiuzhu::app::users::real_name(ctx, receiver).unwrap(),
            jiuzhu::domain::date::official(due.unwrap(), Lang::ZhCn),
        )
    });
    assert_ne!(real, receiver, "the demo gives accounts real names");
    for want in [
        "投诉（异议）受理回执",
        "李四",
        "热线电话",
        "公示名单有误",
        // Handled by the assignee's office, named as its seal reads.
        "<td>南昌市青云谱区洪都街道办事处</td>",
        &real,
        &format!("{due}前答复"),
        "监督电话：0791-88654321",
        "<div class=\"issued\"><div>南昌市青云谱区洪都街道办事处</div><div>2026年11月28日</div></div>",
    ] {
        assert!(receipt.contains(want), "the receipt lacks {want}");
    }
    // A reprint by a colleague still names the one who received it, and is logged.
    let log = access_log::recent(&rusqlite::Connection::open(ws.db()).unwrap(), 3).unwrap();
    assert!(log
        .iter()
        .any(|e| e.event == "print" && e.subject == id && e.actor == "demo"));
    // Who may not see the community may not print its receipts.
    with_ctx(&mut ws, "provider_staff", |ctx| {
        let e = print::complaint_receipt(ctx, &id, Lang::ZhCn).unwrap_err();
        assert!(matches!(e, AppError::Denied { .. }), "{e:?}");
    });
}

/// The footer of every sheet in `bytes`.
fn footers(bytes: &[u8]) -> Vec<String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let sheets: Vec<String> = (1..)
        .map(|i| format!("xl/worksheets/sheet{i}.xml"))
        .take_while(|n| zip.by_name(n).is_ok())
        .collect();
    assert!(!sheets.is_empty());
    sheets
        .iter()
        .map(|name| {
            let xml = part(bytes, name);
            xml.split("<oddFooter>")
                .nth(1)
                .and_then(|f| f.split("</oddFooter>").next())
                .unwrap_or_else(|| panic!("{name} has no footer: {xml}"))
                .to_string()
        })
        .collect()
}

#[test]
fn every_printed_workbook_numbers_its_pages() {
    use jiuzhu::app::statistics::{self, Which};
    use jiuzhu::domain::month::Month;
    let mut ws = posting_ws();
    let posting = posting(&mut ws, ListFormat::Xlsx);
    assert_eq!(footers(&posting), ["&amp;C第 &amp;P 页 共 &amp;N 页"]);
    let dir = tempfile::tempdir().unwrap();
    for (which, lang, footer) in [
        (
            Which::Monthly(Month::new(2026, 11).unwrap()),
            Lang::ZhCn,
            "&amp;C第 &amp;P 页 共 &amp;N 页",
        ),
        (
            Which::Evaluation(2026),
            Lang::En,
            "&amp;CPage &amp;P of &amp;N",
        ),
    ] {
        let target = dir.path().join("report.xlsx");
        let path = with_ctx(&mut ws, "demo", |ctx| {
            statistics::write(ctx, which, ListFormat::Xlsx, Some(target.clone()), lang)
                .unwrap()
                .0
        });
        let bytes = std::fs::read(path).unwrap();
        // Three sheets, each numbered.
        assert_eq!(footers(&bytes), [footer; 3], "{which:?}");
    }
}
