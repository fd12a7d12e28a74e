//! Masked personal data stays masked: a role that may not edit a person (the supervisor, the
//! district administrator) sees their ID number, phone and address masked and their birth
//! date as its year on every screen, print, export and search it reaches, is offered no form
//! that holds them, and only V with a reason, in the access log, shows them whole — on the
//! person's screen alone.

mod common;

use common::screen::{k, press, screen, typed};
use common::{with_ctx, DemoWs};
use crossterm::event::KeyCode;
use jiuzhu::app::print::{self, CardLayout};
use jiuzhu::app::Session;
use jiuzhu::app::{
    case, clue, document, household, person, provider, search, service, supervision, AppError,
};
use jiuzhu::domain::permission::{Grant, Role};
use jiuzhu::domain::person::PersonDraft;
use jiuzhu::domain::provider::ProviderDraft;
use jiuzhu::domain::service::Satisfaction;
use jiuzhu::i18n::Lang;
use jiuzhu::tui::app::App;
use jiuzhu::tui::keys::Key;

const C1: &str = "360104001001";
const NAME: &str = "王秀英";
const ID: &str = "360104195003070027";
const MASKED_ID: &str = "3601**********0027";
const PHONE: &str = "13807911234";
const MASKED_PHONE: &str = "138****1234";
const GUARDIAN_PHONE: &str = "13907915678";
const ADDRESS: &str = "洪都中大道8栋3单元201";
const EMERGENCY: &str = "李明 13607910000";
const CW: &str = "subdistrict_caseworker";

/// What a masked reader must never see of 王秀英, in either language.
const NEVER: [&str; 9] = [
    ID,
    PHONE,
    GUARDIAN_PHONE,
    "洪都中大道",
    "13607910000",
    "1950-03-07",
    "1950年03月07日",
    "19500307",
    "03-07",
];

fn assert_masked(text: &str, what: &str) {
    for never in NEVER {
        assert!(!text.contains(never), "{what} shows {never}:\n{text}");
    }
}

struct Served {
    person_id: String,
    case_id: String,
    provider_id: String,
}

/// 王秀英 with every fact that is masked, heading a household with her husband, a scan of
/// her ID card filed, assessed, carded and served once.
fn served(ws: &mut DemoWs) -> Served {
    let provider_id = with_ctx(ws, "admin", |ctx| {
        provider::create(
            ctx,
            &ProviderDraft {
                name: "洪都助餐中心".into(),
                kind: "enterprise_institution".into(),
                items: vec!["meal_delivery".into()],
                phone: "0791-88123456".into(),
                area: "360104001".into(),
                active: true,
                ..Default::default()
            },
        )
        .unwrap()
    });
    let scan = ws.dir.path().join("idcard.pdf");
    std::fs::write(&scan, b"%PDF-1.4\n").unwrap();
    let (person_id, clue_id) = with_ctx(ws, "info_officer", |ctx| {
        let pid = person::create(
            ctx,
            &PersonDraft {
                name: NAME.into(),
                id_number: ID.into(),
                community: C1.into(),
                address: ADDRESS.into(),
                phone: PHONE.into(),
                guardian_name: "李明".into(),
                guardian_phone: GUARDIAN_PHONE.into(),
                emergency_contact: EMERGENCY.into(),
                assistance_status: "urban_minimum_living".into(),
                ..Default::default()
            },
        )
        .unwrap();
        let husband = person::create(
            ctx,
            &PersonDraft {
                name: "李国强".into(),
                id_number: "360104194801020011".into(),
                community: C1.into(),
                ..Default::default()
            },
        )
        .unwrap();
        let hid = household::create(ctx, &pid, "", "").unwrap();
        household::add_member(ctx, &hid, &husband, "spouse").unwrap();
        document::attach(ctx, &pid, "id_card", &scan).unwrap();
        let cid = clue::record(
            ctx,
            &clue::ClueDraft {
                person_id: pid.clone(),
                difficulty: "独居，做饭困难".into(),
                key_groups: vec!["seriously_ill".into()],
                source: "visit".into(),
                reporter: "楼栋长".into(),
                found_on: None,
            },
        )
        .unwrap();
        clue::verify(ctx, &cid, true, "属实").unwrap();
        clue::report(ctx, &cid).unwrap();
        (pid, cid)
    });
    let case_id = with_ctx(ws, CW, |ctx| {
        let case_id = clue::accept(ctx, &clue_id).unwrap();
        case::survey(
            ctx,
            &case_id,
            &common::survey("王干事", "独居，行走困难", None),
        )
        .unwrap();
        case::assess(
            ctx,
            &case_id,
            &case::Assessment {
                category: "minimum_living".into(),
                self_care: "partly_disabled".into(),
                needs: vec!["meal_delivery".into()],
            },
        )
        .unwrap();
        case_id
    });
    with_ctx(ws, "demo", |ctx| {
        case::approve(ctx, &case_id, "").unwrap();
        case::issue_card(ctx, &case_id).unwrap();
    });
    let card = with_ctx(ws, CW, |ctx| case::get(ctx, &case_id).unwrap())
        .card_no
        .unwrap();
    with_ctx(ws, "provider_staff", |ctx| {
        service::register(ctx, &provider_id, &card).unwrap();
        service::record(
            ctx,
            &service::ServiceDraft {
                provider_id: provider_id.clone(),
                card_no: card.clone(),
                item: "meal_delivery".into(),
                served_on: None,
                minutes: 30,
                served_by: "李师傅".into(),
                content: "送午餐一份".into(),
                confirmed: true,
                satisfaction: Some(Satisfaction::Satisfied),
            },
        )
        .unwrap();
    });
    Served {
        person_id,
        case_id,
        provider_id,
    }
}

fn app(ws: &DemoWs, user: &str, lang: Lang) -> App {
    let env = common::screen::env(&ws.db(), lang);
    App::signed_in(env, ws.session(user))
}

fn title(app: &mut App) -> String {
    screen(app).lines().nth(1).unwrap_or_default().to_string()
}

/// The bottom bar and the F1 help of the screen on top, as text.
fn keys_offered(app: &mut App) -> String {
    let bar = screen(app);
    press(app, &[k(KeyCode::F(1))]);
    let help = screen(app);
    press(app, &[k(KeyCode::Esc)]);
    format!("{bar}\n{help}")
}

#[test]
fn a_supervisor_is_offered_no_form_that_holds_the_facts() {
    let mut ws = DemoWs::new();
    let _ = served(&mut ws);
    for lang in [Lang::ZhCn, Lang::En] {
        let zh = lang == Lang::ZhCn;
        let mut app = app(&ws, "supervisor", lang);
        press(&mut app, &[k(KeyCode::F(2))]);
        // No Ctrl+N: a new person's form checks for duplicates and lists their facts.
        assert!(!keys_offered(&mut app).contains("Ctrl+N"));
        press(&mut app, &[Key::ctrl('n')]);
        assert_masked(&screen(&mut app), "the person list");
        typed(&mut app, NAME);
        press(&mut app, &[k(KeyCode::Enter)]);
        let file = title(&mut app);
        assert!(file.contains(NAME), "{file}");
        let offered = keys_offered(&mut app);
        for never in if zh {
            ["修改", "合并重复记录", "迁往其他社区", "登记线索"]
        } else {
            [
                "Edit",
                "Merge a duplicate",
                "Move to another",
                "Record a clue",
            ]
        } {
            assert!(!offered.contains(never), "{never} offered:\n{offered}");
        }
        // Each key that opens a form for whom may edit leaves the file as it is.
        for key in [
            Key::ch('e'),
            k(KeyCode::Enter),
            Key::ch('m'),
            Key::ch('t'),
            Key::ch('x'),
        ] {
            press(&mut app, &[key]);
            assert_eq!(title(&mut app), file, "{key:?} left the file");
            assert_masked(&screen(&mut app), "the person's file");
        }
        // The timeline and the documents: the scan cannot be masked, so it is not opened.
        press(&mut app, &[k(KeyCode::Tab)]);
        assert_masked(&screen(&mut app), "the timeline");
        press(&mut app, &[k(KeyCode::Tab)]);
        // "尚未附材料" marks a kind with nothing filed; the command is "附材料" alone.
        let offered = keys_offered(&mut app).replace("尚未附材料", "");
        for never in if zh {
            ["附材料", "撤回"]
        } else {
            ["file a scan", "withdraw"]
        } {
            assert!(!offered.contains(never), "{never} offered:\n{offered}");
        }
        press(&mut app, &[k(KeyCode::Enter)]);
        let s = screen(&mut app);
        assert!(
            s.contains(if zh { "不能打开" } else { "cannot open" }),
            "{s}"
        );
        press(&mut app, &[k(KeyCode::Enter)]);
        // The household: to look at, not to change.
        press(&mut app, &[k(KeyCode::Tab), Key::ch('h')]);
        let s = screen(&mut app);
        assert!(s.contains("李国强") && s.contains(MASKED_ID), "{s}");
        assert!(s.contains(if zh { "1950年" } else { "1950" }), "{s}");
        assert_masked(&s, "the household");
        let offered = keys_offered(&mut app);
        for never in if zh {
            ["添加成员", "修改关系", "移出", "设为户主"]
        } else {
            ["Add member", "Remove", "Make head", "Add member"]
        } {
            assert!(!offered.contains(never), "{never} offered:\n{offered}");
        }
        press(&mut app, &[Key::ch('a'), Key::ch('r'), Key::ch('d')]);
        assert_masked(&screen(&mut app), "the household");
        assert!(title(&mut app).contains(NAME));
    }
}

#[test]
fn masked_facts_show_the_birth_year_until_revealed_and_the_whole_date_to_an_editor() {
    let mut ws = DemoWs::new();
    let _ = served(&mut ws);
    for (lang, year) in [(Lang::ZhCn, "1950年"), (Lang::En, "1950")] {
        let mut app = app(&ws, "supervisor", lang);
        press(&mut app, &[k(KeyCode::F(2))]);
        typed(&mut app, NAME);
        press(&mut app, &[k(KeyCode::Enter)]);
        let s = screen(&mut app);
        assert!(s.contains(MASKED_ID) && s.contains(MASKED_PHONE), "{s}");
        assert!(s.contains(year), "{s}");
        assert!(
            !s.contains("76"),
            "the age beside the year tells the date: {s}"
        );
        assert_masked(&s, "the person's file");
        press(&mut app, &[Key::ch('v')]);
        typed(&mut app, "核对投诉材料");
        press(&mut app, &[k(KeyCode::Enter)]);
        let s = screen(&mut app);
        assert!(s.contains(ID) && s.contains("1950-03-07"), "{s}");
        let mut app = self::app(&ws, CW, lang);
        press(&mut app, &[k(KeyCode::F(2))]);
        typed(&mut app, NAME);
        press(&mut app, &[k(KeyCode::Enter)]);
        let s = screen(&mut app);
        assert!(s.contains(ID) && s.contains("1950-03-07"), "{s}");
    }
}

fn read(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn every_print_of_a_masked_reader_is_masked_like_the_screen_even_after_a_reveal() {
    let mut ws = DemoWs::new();
    let s = served(&mut ws);
    let prints = |ws: &mut DemoWs, user: &str, lang: Lang| {
        with_ctx(ws, user, |ctx| {
            [
                print::needs_form(ctx, &s.case_id, lang).unwrap(),
                print::service_form(ctx, &s.case_id, print::ServicePeriod::All, lang).unwrap(),
                print::card(ctx, &s.case_id, CardLayout::A4, lang).unwrap(),
                print::card(ctx, &s.case_id, CardLayout::Compact, lang).unwrap(),
            ]
            .map(|p| read(&p))
        })
    };
    with_ctx(&mut ws, "supervisor", |ctx| {
        person::reveal(ctx, &s.person_id, "核对投诉材料").unwrap();
    });
    for (lang, year) in [(Lang::ZhCn, "1950年"), (Lang::En, "1950")] {
        let [needs, services, a4, compact] = prints(&mut ws, "supervisor", lang);
        for (html, what) in [
            (&needs, "needs form"),
            (&services, "service form"),
            (&a4, "card"),
            (&compact, "compact card"),
        ] {
            assert_masked(html, what);
        }
        assert!(needs.contains(MASKED_ID) && needs.contains(MASKED_PHONE));
        assert!(needs.contains("139****5678"), "the guardian's phone masked");
        assert!(needs.contains(year) && needs.contains("李明"));
        assert!(services.contains(MASKED_ID));
        let [needs, services, ..] = prints(&mut ws, CW, lang);
        for whole in [ID, PHONE, GUARDIAN_PHONE, ADDRESS, EMERGENCY] {
            assert!(needs.contains(whole), "the caseworker's form lacks {whole}");
        }
        assert!(needs.contains(if lang == Lang::ZhCn {
            "1950年3月7日"
        } else {
            "1950-03-07"
        }));
        assert!(services.contains(ID));
    }
}

/// Every cell of the first sheet of an xlsx file, as text.
fn cells(path: &std::path::Path) -> String {
    use calamine::{Reader, Xlsx};
    let mut wb: Xlsx<_> = calamine::open_workbook(path).unwrap();
    let range = wb.worksheet_range_at(0).unwrap().unwrap();
    range
        .rows()
        .flat_map(|r| r.iter().map(|c| c.to_string()))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_provider_name_list_written_by_a_masked_reader_is_masked() {
    let mut ws = DemoWs::new();
    let s = served(&mut ws);
    let (path, n) = with_ctx(&mut ws, "district_admin", |ctx| {
        print::name_list(ctx, &s.provider_id, Lang::ZhCn).unwrap()
    });
    assert_eq!(n, 1);
    let text = cells(&path);
    assert!(text.contains(NAME) && text.contains(MASKED_PHONE), "{text}");
    assert!(text.contains("（已隐藏）"), "{text}");
    assert_masked(&text, "the name list");
    // No age either, as on the person's file: beside the rest it narrows the birth date.
    let age = "76";
    assert!(!text.contains(age), "{text}");
    let (path, _) = with_ctx(&mut ws, CW, |ctx| {
        print::name_list(ctx, &s.provider_id, Lang::ZhCn).unwrap()
    });
    let text = cells(&path);
    for whole in [PHONE, ADDRESS, EMERGENCY, age] {
        assert!(text.contains(whole), "the caseworker's list lacks {whole}");
    }
}

#[test]
fn the_posting_list_shows_no_birth_date() {
    let mut ws = DemoWs::new();
    let _ = served(&mut ws);
    let r = print::PostingRequest {
        community: C1.into(),
        from: chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
        to: Some(chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()),
        place: "社区公示栏".into(),
    };
    for user in [CW, "supervisor"] {
        for lang in [Lang::ZhCn, Lang::En] {
            let (path, n) = with_ctx(&mut ws, user, |ctx| {
                print::posting(ctx, &r, print::ListFormat::Html, None, lang).unwrap()
            });
            assert_eq!(n, 1);
            let html = read(&path);
            assert!(html.contains(NAME) && html.contains(MASKED_ID));
            assert!(!html.contains("1950"), "{html}");
            assert_masked(&html, "the posting list");
        }
    }
}

#[test]
fn a_masked_reader_finds_by_what_the_list_shows_and_no_more() {
    let mut ws = DemoWs::new();
    let _ = served(&mut ws);
    let found = |ws: &mut DemoWs, user: &str, q: &str| {
        with_ctx(ws, user, |ctx| {
            let idx = search::load(ctx).unwrap();
            idx.find(q, 20)
                .iter()
                .map(|e| e.name.to_string())
                .collect::<Vec<_>>()
        })
    };
    let her = vec![NAME.to_string()];
    // The tail of the whole number, typed a digit longer each time, would spell it out.
    for q in [ID, "070027", "70027", PHONE, "911234", "11234"] {
        assert!(found(&mut ws, "supervisor", q).is_empty(), "{q} found");
        assert_eq!(found(&mut ws, CW, q), her, "{q}");
    }
    for q in ["0027", "1234", NAME] {
        assert_eq!(found(&mut ws, "supervisor", q), her, "{q}");
    }
    // `jiuzhu find -` is the same index, a query a line.
    let queries = ws.dir.path().join("queries.txt");
    std::fs::write(&queries, format!("{ID}\n70027\n0027\n")).unwrap();
    let (code, out, err) = common::run(
        common::jiuzhu(ws.dir.path())
            .args(["--user", "supervisor", "find", "-"])
            .env("JIUZHU_PASSWORD", "supervisor")
            .stdin(std::fs::File::open(&queries).unwrap()),
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.matches(NAME).count(), 1, "only 0027 finds her: {out}");
    assert!(out.contains(MASKED_ID), "{out}");
    assert_masked(&out, "find");
}

#[test]
fn a_masked_reader_gets_no_list_of_possible_duplicates() {
    let mut ws = DemoWs::new();
    let _ = served(&mut ws);
    let draft = PersonDraft {
        name: NAME.into(),
        community: C1.into(),
        phone: PHONE.into(),
        ..Default::default()
    };
    // The list holds the candidates' facts whole; it is for whom may register the person.
    let e = with_ctx(&mut ws, "supervisor", |ctx| {
        person::possible_duplicates(ctx, &draft).unwrap_err()
    });
    assert!(matches!(e, AppError::Denied { .. }), "{e:?}");
    let found = with_ctx(&mut ws, "info_officer", |ctx| {
        person::possible_duplicates(ctx, &draft).unwrap()
    });
    assert_eq!(found.len(), 1);
}

#[test]
fn a_scan_is_not_exported_to_a_masked_reader() {
    let mut ws = DemoWs::new();
    let s = served(&mut ws);
    let scan = with_ctx(&mut ws, "supervisor", |ctx| {
        document::checklist(ctx, &s.person_id).unwrap()[0].documents[0]
            .meta
            .id
            .clone()
    });
    let e = with_ctx(&mut ws, "supervisor", |ctx| {
        document::export(ctx, &scan).unwrap_err()
    });
    assert!(
        matches!(e, AppError::People(_)),
        "a scan cannot be masked: {e:?}"
    );
    with_ctx(&mut ws, CW, |ctx| document::export(ctx, &scan).unwrap());
}

#[test]
fn an_inspection_drawn_by_a_masked_reader_shows_the_phone_masked() {
    let mut ws = DemoWs::new();
    let _ = served(&mut ws);
    let drawn = |ws: &mut DemoWs, user: &str| {
        with_ctx(ws, user, |ctx| {
            let mut rng = <rand_chacha::ChaCha8Rng as rand::SeedableRng>::seed_from_u64(7);
            supervision::draw_service(ctx, Some(C1), None, &mut rng)
                .unwrap()
                .unwrap()
                .person_phone
        })
    };
    assert_eq!(
        drawn(&mut ws, "district_admin").as_deref(),
        Some(MASKED_PHONE)
    );
    assert_eq!(drawn(&mut ws, CW).as_deref(), Some(PHONE));
}

#[test]
fn the_merge_screen_masks_the_record_the_session_may_not_edit() {
    let mut ws = DemoWs::new();
    let _ = served(&mut ws);
    with_ctx(&mut ws, CW, |ctx| {
        person::create(
            ctx,
            &PersonDraft {
                name: NAME.into(),
                community: "360104001002".into(),
                phone: "13807915555".into(),
                address: "洪都北大道12号".into(),
                ..Default::default()
            },
        )
        .unwrap()
    });
    // Edits her community, views the subdistrict's others: the other record is masked.
    let session = Session {
        username: "info_officer".into(),
        grants: vec![
            Grant {
                role: Role::InfoOfficer,
                org: C1.into(),
            },
            Grant {
                role: Role::Supervisor,
                org: "360104001".into(),
            },
        ],
    };
    let env = common::screen::env(&ws.db(), Lang::ZhCn);
    let mut app = App::signed_in(env, session);
    press(&mut app, &[k(KeyCode::F(2))]);
    typed(&mut app, NAME);
    press(&mut app, &[k(KeyCode::Enter), Key::ch('m')]);
    typed(&mut app, NAME);
    press(&mut app, &[k(KeyCode::Down), k(KeyCode::Enter)]);
    let s = screen(&mut app);
    assert!(s.contains(PHONE) && s.contains("1950-03-07"), "{s}");
    assert!(s.contains("138****5555") && s.contains("（已隐藏）"), "{s}");
    assert!(
        !s.contains("13807915555") && !s.contains("洪都北大道"),
        "{s}"
    );
}
