//! What a clerk hits first, driven by keys on the real App: long choice lists that narrow as
//! one types, the searched name carried into 新增人员, the case list searched by pinyin, the
//! card holder shown at the service desk with only the card's items offered, 待办 filtered by
//! kind, and name lists in pinyin order.

mod common;

use common::clock;
use common::screen::{draw, k, press, row, screen, typed};
use crossterm::event::KeyCode;
use jiuzhu::app::{clue, demo, person, Ctx, Session};
use jiuzhu::domain::person::PersonDraft;
use jiuzhu::i18n::Lang;
use jiuzhu::tui::app::App;
use jiuzhu::tui::keys::Key;
use rusqlite::Connection;

/// A demo workstation: 张三, 李四 and 曾小红 with accepted cases (each waiting for a
/// survey), 王五 with a clue waiting to be verified, and a provider; the `demo` session.
fn workstation() -> (tempfile::TempDir, Session) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("jiuzhu.db");
    let c = clock();
    let (mut store, users) = demo::setup(dir.path(), &db, &c).unwrap();
    let session = Session {
        username: "demo".into(),
        grants: users[0].grants.clone(),
    };
    let mut ctx = Ctx::new(&mut store, session.clone(), &c).unwrap();
    let provider = jiuzhu::domain::provider::ProviderDraft {
        name: "洪都街道居家养老服务中心".into(),
        kind: "enterprise_institution".into(),
        items: vec!["meal_delivery".into(), "home_care".into()],
        contact: "刘敏".into(),
        phone: "0791-88210001".into(),
        area: "360104001".into(),
        active: true,
        ..Default::default()
    };
    jiuzhu::app::provider::create(&mut ctx, &provider).unwrap();
    for (name, community) in [
        ("张三", "360104001001"),
        ("李四", "360104001002"),
        ("曾小红", "360104001003"),
        ("王五", "360104001001"),
    ] {
        let pid = person::create(
            &mut ctx,
            &PersonDraft {
                name: name.into(),
                community: community.into(),
                address: "南昌市青云谱区广州路1号".into(),
                assistance_status: "urban_minimum_living".into(),
                ..Default::default()
            },
        )
        .unwrap();
        let cid = clue::record(
            &mut ctx,
            &clue::ClueDraft {
                person_id: pid,
                difficulty: "独居，行动不便".into(),
                key_groups: vec!["severely_disabled".into()],
                source: "visit".into(),
                reporter: String::new(),
                found_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 20),
            },
        )
        .unwrap();
        if name != "王五" {
            clue::verify(&mut ctx, &cid, true, "属实").unwrap();
            clue::report(&mut ctx, &cid).unwrap();
            clue::accept(&mut ctx, &cid).unwrap();
        }
    }
    (dir, session)
}

fn app(dir: &tempfile::TempDir, session: &Session) -> App {
    let env = common::screen::env(&dir.path().join("jiuzhu.db"), Lang::ZhCn);
    App::signed_in(env, session.clone())
}

fn conn(dir: &tempfile::TempDir) -> Connection {
    Connection::open(dir.path().join("jiuzhu.db")).unwrap()
}

/// The screen row that holds `text`.
fn line_with(app: &mut App, text: &str) -> String {
    let s = screen(app);
    s.lines()
        .find(|l| l.contains(text))
        .unwrap_or_else(|| panic!("no line with {text}:\n{s}"))
        .to_string()
}

/// Rows of the case list (below the tabs, count and header), names only.
fn listed_names(app: &mut App) -> Vec<String> {
    let t = draw(app);
    (5..22)
        .map(|y| row(&t, y))
        .filter_map(|l| {
            l.split_whitespace()
                .find(|w| w.chars().any(|c| !c.is_ascii() && c != '▶'))
                .map(str::to_string)
        })
        .collect()
}

#[test]
fn the_key_group_choice_narrows_as_one_types_and_counts_what_is_chosen() {
    let (dir, session) = workstation();
    let mut app = app(&dir, &session);
    // 主动发现 → new clue → 李四.
    typed(&mut app, "1");
    press(&mut app, &[Key::ctrl('n')]);
    typed(&mut app, "李四");
    press(&mut app, &[k(KeyCode::Enter)]);
    typed(&mut app, "卧床，子女在外地");
    press(&mut app, &[k(KeyCode::Tab)]);
    // zd: 重度残疾人 only (重 reads zhong); Space ticks it.
    typed(&mut app, "zd");
    let l = line_with(&mut app, "重点人群");
    assert!(l.contains("重度残疾人"), "{l}");
    assert!(l.contains("筛选：zd（1/4）"), "{l}");
    press(&mut app, &[Key::ch(' ')]);
    // Backspace edits the filter; 重病 is typed in Chinese.
    press(&mut app, &[k(KeyCode::Backspace), k(KeyCode::Backspace)]);
    typed(&mut app, "重病");
    press(&mut app, &[Key::ch(' ')]);
    // Left alone, the field says how many are chosen rather than a cut list.
    press(&mut app, &[k(KeyCode::Tab)]);
    let l = line_with(&mut app, "重点人群");
    assert!(l.contains("已选 2 项"), "{l}");
    assert!(!l.contains("筛选"), "the filter goes with the focus: {l}");
    press(&mut app, &[Key::ctrl('s')]);
    let n: i64 = conn(&dir)
        .query_row(
            "SELECT count(*) FROM clues c JOIN persons p ON p.id = c.person_id
             WHERE p.name = '李四' AND c.key_groups = ?1",
            [r#"["seriously_ill","severely_disabled"]"#],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 1, "the new clue holds both groups");
}

#[test]
fn the_assessment_needs_narrow_by_pinyin_initials() {
    let (dir, session) = workstation();
    let mut app = app(&dir, &session);
    // Survey 张三's case, then assess it choosing 供餐送餐 by the initials of 送餐.
    {
        let mut store =
            jiuzhu::store::Store::open(&dir.path().join("jiuzhu.db"), &Default::default()).unwrap();
        let c = clock();
        let mut ctx = Ctx::new(
            &mut store,
            common::demo_session("subdistrict_caseworker"),
            &c,
        )
        .unwrap();
        let id = jiuzhu::app::case::list(&ctx, None, 10)
            .unwrap()
            .into_iter()
            .find(|l| l.person_name == "张三")
            .unwrap()
            .case
            .meta
            .id;
        jiuzhu::app::case::survey(&mut ctx, &id, &common::survey("王干事", "卧床", None)).unwrap();
    }
    typed(&mut app, "2");
    // The 已调查 tab, 张三's case, 需求评估.
    press(
        &mut app,
        &[k(KeyCode::Tab), k(KeyCode::Enter), Key::ch('a')],
    );
    // The needs come first (the category is chosen already).
    typed(&mut app, "sc");
    let l = line_with(&mut app, "服务需求");
    assert!(l.contains("[ ]供餐送餐"), "{l}");
    assert!(l.contains("筛选：sc（1/"), "{l}");
    press(&mut app, &[Key::ch(' ')]);
    let l = line_with(&mut app, "服务需求");
    assert!(l.contains("[x]"), "{l}");
}

#[test]
fn the_name_searched_for_fills_the_new_person_form_and_the_clue_follows() {
    let (dir, session) = workstation();
    let mut app = app(&dir, &session);
    press(&mut app, &[k(KeyCode::F(2))]);
    typed(&mut app, "钱七");
    press(&mut app, &[Key::ctrl('n')]);
    let l = line_with(&mut app, "姓名");
    assert!(
        l.contains("钱七"),
        "the name typed in the search is not typed twice: {l}"
    );
    // Pinyin is not a name: nothing is filled in.
    press(&mut app, &[k(KeyCode::Esc)]);
    press(&mut app, &[Key::ctrl('a'), Key::ctrl('k')]);
    typed(&mut app, "qq");
    press(&mut app, &[Key::ctrl('n')]);
    let l = line_with(&mut app, "姓名");
    assert!(!l.contains("qq"), "{l}");
    // From the clue path: the person created keeps the name, and the clue form names them.
    press(&mut app, &[Key::ctrl('h')]);
    let mut app = self::app(&dir, &session);
    typed(&mut app, "1");
    press(&mut app, &[Key::ctrl('n')]);
    typed(&mut app, "孙八");
    press(&mut app, &[Key::ctrl('n')]);
    let l = line_with(&mut app, "姓名");
    assert!(l.contains("孙八"), "{l}");
    press(&mut app, &[k(KeyCode::Tab)]);
    typed(&mut app, "360104198001010016");
    press(&mut app, &[Key::ctrl('s')]);
    let title = row(&draw(&mut app), 1);
    assert!(title.contains("孙八"), "the clue form follows: {title}");
    let n: i64 = conn(&dir)
        .query_row(
            "SELECT count(*) FROM persons WHERE name = '孙八'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 1);
}

#[test]
fn the_case_list_searches_by_name_and_pinyin() {
    let (dir, session) = workstation();
    let mut app = app(&dir, &session);
    typed(&mut app, "2");
    let all = listed_names(&mut app);
    assert_eq!(all.len(), 3, "{all:?}");
    typed(&mut app, "zxh");
    assert_eq!(listed_names(&mut app), vec!["曾小红"], "曾 reads zeng");
    let count = row(&draw(&mut app), 3);
    assert!(count.contains("查找：zxh"), "{count}");
    press(&mut app, &[k(KeyCode::Backspace), k(KeyCode::Backspace)]);
    // z: 张三 and 曾小红.
    let mut z = listed_names(&mut app);
    z.sort();
    assert_eq!(z, vec!["张三", "曾小红"]);
    press(&mut app, &[k(KeyCode::Backspace)]);
    typed(&mut app, "李");
    assert_eq!(listed_names(&mut app), vec!["李四"]);
    // Enter opens the case found.
    press(&mut app, &[k(KeyCode::Enter)]);
    let title = row(&draw(&mut app), 1);
    assert!(title.contains("李四"), "{title}");
}

#[test]
fn the_service_desk_names_the_holder_and_offers_the_cards_items() {
    let (dir, session) = workstation();
    let card = {
        let mut store =
            jiuzhu::store::Store::open(&dir.path().join("jiuzhu.db"), &Default::default()).unwrap();
        let c = clock();
        let ctx = Ctx::new(&mut store, session.clone(), &c).unwrap();
        let id = jiuzhu::app::case::list(&ctx, None, 10)
            .unwrap()
            .into_iter()
            .find(|l| l.person_name == "曾小红")
            .unwrap()
            .case
            .meta
            .id;
        drop(ctx);
        common::carry_to_card(
            &mut store,
            &id,
            &jiuzhu::app::case::Assessment {
                category: "minimum_living".into(),
                self_care: String::new(),
                needs: vec!["home_care".into(), "meal_delivery".into()],
            },
        );
        let card: String = conn(&dir)
            .query_row("SELECT card_no FROM cases WHERE id = ?1", [&id], |r| {
                r.get(0)
            })
            .unwrap();
        card
    };
    let mut app = app(&dir, &session);
    // One provider: the desk starts on the card number.
    typed(&mut app, "4");
    typed(&mut app, &card);
    // Before registering: who holds the card, and where.
    let l = line_with(&mut app, "持卡人");
    assert!(l.contains("曾小红"), "{l}");
    let community = {
        let c = conn(&dir);
        c.query_row(
            "SELECT name FROM org_units WHERE code = '360104001003'",
            [],
            |r| r.get::<_, String>(0),
        )
        .unwrap()
    };
    assert!(l.contains(&community), "{l}");
    press(&mut app, &[Key::ctrl('r')]);
    let status = row(&draw(&mut app), 22);
    assert!(status.contains("已登记 曾小红"), "{status}");
    // The item choice holds the card's two items, in the case's order, and nothing else
    // (after who served and what was done, where the focus goes once registered).
    press(&mut app, &[k(KeyCode::Tab), k(KeyCode::Tab)]);
    let first = line_with(&mut app, "服务项目");
    press(&mut app, &[k(KeyCode::Right)]);
    let second = line_with(&mut app, "服务项目");
    press(&mut app, &[k(KeyCode::Right)]);
    let third = line_with(&mut app, "服务项目");
    assert_ne!(first, second);
    assert_eq!(first, third, "two items only: {first} / {second} / {third}");
    // An unknown card says so in the holder line.
    press(
        &mut app,
        &[
            k(KeyCode::BackTab),
            k(KeyCode::BackTab),
            k(KeyCode::BackTab),
        ],
    );
    typed(&mut app, "9");
    let l = line_with(&mut app, "持卡人");
    assert!(!l.contains("曾小红"), "{l}");
}

#[test]
fn the_inbox_filters_by_kind() {
    let (dir, session) = workstation();
    let mut app = app(&dir, &session);
    let s = screen(&mut app);
    assert!(s.contains("线索待核实") && s.contains("待入户调查"), "{s}");
    // F: only the first kind present (王五's clue), then the next (the three surveys).
    press(&mut app, &[Key::ch('f')]);
    let s = screen(&mut app);
    assert!(s.contains("只看“线索待核实”：1 项"), "{s}");
    assert!(s.contains("王五") && !s.contains("待入户调查"), "{s}");
    press(&mut app, &[Key::ch('f')]);
    let s = screen(&mut app);
    assert!(s.contains("只看“待入户调查”：3 项"), "{s}");
    assert!(!s.contains("王五") && !s.contains("线索待核实"), "{s}");
    assert!(s.contains("曾小红"), "{s}");
    // Enter opens the task under the cursor of the kind shown.
    press(&mut app, &[k(KeyCode::Enter)]);
    let title = row(&draw(&mut app), 1);
    assert!(!title.contains("王五"), "{title}");
    press(&mut app, &[k(KeyCode::Esc)]);
    // Pressed on past the last kind: everything again.
    for _ in 0..5 {
        if !screen(&mut app).contains("只看") {
            break;
        }
        press(&mut app, &[Key::ch('f')]);
    }
    let s = screen(&mut app);
    assert!(s.contains("线索待核实") && s.contains("待入户调查"), "{s}");
    // The F1 help says which key.
    press(&mut app, &[k(KeyCode::F(1))]);
    assert!(screen(&mut app).contains("按类别筛选"));
}

#[test]
fn name_lists_sort_by_pinyin() {
    let (dir, session) = workstation();
    let c = clock();
    let mut store =
        jiuzhu::store::Store::open(&dir.path().join("jiuzhu.db"), &Default::default()).unwrap();
    let mut ctx = Ctx::new(&mut store, session, &c).unwrap();
    // By code point 洪 (U+6D2A) comes before 阿 (U+963F) and 张 (U+5F20) before 李 (U+674E).
    for name in ["张家助餐点", "阿福护理站", "李氏康复中心"] {
        jiuzhu::app::provider::create(
            &mut ctx,
            &jiuzhu::domain::provider::ProviderDraft {
                name: name.into(),
                kind: "enterprise_institution".into(),
                items: vec!["meal_delivery".into()],
                contact: "刘敏".into(),
                phone: "0791-88210001".into(),
                area: "360104001".into(),
                active: true,
                ..Default::default()
            },
        )
        .unwrap();
    }
    let names: Vec<String> = jiuzhu::app::provider::list(&ctx)
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(
        names,
        vec![
            "阿福护理站",
            "洪都街道居家养老服务中心",
            "李氏康复中心",
            "张家助餐点"
        ]
    );
}

#[test]
fn tab_completes_the_path_of_a_scan() {
    let (dir, session) = workstation();
    let scans = dir.path().join("scans");
    std::fs::create_dir(&scans).unwrap();
    std::fs::write(scans.join("身份证-张三.pdf"), b"%PDF-1.4\n%%EOF\n").unwrap();
    let mut app = app(&dir, &session);
    press(&mut app, &[k(KeyCode::F(2))]);
    typed(&mut app, "zhangsan");
    // The file, its documents tab, 附材料: the path first (the kind is 身份证 already).
    press(
        &mut app,
        &[
            k(KeyCode::Enter),
            k(KeyCode::Tab),
            k(KeyCode::Tab),
            Key::ch('a'),
        ],
    );
    typed(&mut app, &format!("{}/sc", dir.path().display()));
    press(&mut app, &[k(KeyCode::Tab)]);
    typed(&mut app, "身");
    press(&mut app, &[k(KeyCode::Tab), Key::ctrl('s')]);
    let filed: i64 = conn(&dir)
        .query_row(
            "SELECT count(*) FROM documents d JOIN persons p ON p.id = d.person_id WHERE p.name = '张三' AND d.kind = 'id_card'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(filed, 1, "{}", screen(&mut app));
}

#[test]
fn a_long_user_name_leaves_out_the_role_before_the_top_bar_cuts_anything() {
    let (dir, _) = workstation();
    let mut long = app(&dir, &common::demo_session("subdistrict_caseworker"));
    let s = screen(&mut long);
    let top = s.lines().next().unwrap_or_default().to_string();
    assert!(top.contains("subdistrict_caseworker"), "{top}");
    assert!(top.contains("交换待处理 0"), "nothing cut: {top}");
    assert!(!top.contains(".."), "{top}");
    assert!(
        top.trim_end().ends_with("10:00"),
        "the date stands at the end: {top}"
    );
    // A short name keeps its role.
    let mut short = app(&dir, &common::demo_session("demo"));
    let s = screen(&mut short);
    assert!(
        s.lines()
            .next()
            .unwrap_or_default()
            .contains("demo 系统管理员"),
        "{s}"
    );
}
