//! The terminal UI rendered into a test buffer: every screen at 80x24 and 120x40 in both
//! languages (insta snapshots), and the key map driving state without a terminal.

mod common;

use common::clock;
use common::screen::{draw_at, finish_job, k, press, row, typed};
use crossterm::event::KeyCode;
use jiuzhu::app::{demo, person, Ctx, Session};
use jiuzhu::domain::person::PersonDraft;
use jiuzhu::i18n::Lang;
use jiuzhu::tui::app::App;
use jiuzhu::tui::env::Env;
use jiuzhu::tui::keys::Key;
use jiuzhu::tui::theme::{Scheme, Symbols, Theme};
use ratatui::layout::Position;

/// A demo workstation with a few fixed people, and the `demo` session.
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
    let people = [
        ("张三", "11010519491231002X", "360104001001", "13800001234"),
        ("张珊珊", "", "360104001001", ""),
        (
            "曾小红",
            "360104195003070027",
            "360104001002",
            "0791-88123456",
        ),
        ("欧阳修文", "", "360104001003", ""),
        ("李四", "", "360104001004", "13912345678"),
    ];
    for (name, id, community, phone) in people {
        let d = PersonDraft {
            name: name.into(),
            id_number: id.into(),
            community: community.into(),
            phone: phone.into(),
            address: "南昌市青云谱区广州路1号".into(),
            assistance_status: "urban_minimum_living".into(),
            ..Default::default()
        };
        let pid = person::create(&mut ctx, &d).unwrap();
        if name == "张三" {
            person::enrol(&mut ctx, &pid).unwrap();
        }
        if name == "曾小红" {
            let draft = jiuzhu::app::clue::ClueDraft {
                person_id: pid.clone(),
                difficulty: "独居，行动不便，无人照料".into(),
                key_groups: vec!["disabled_or_dementia".into()],
                source: "neighbour".into(),
                reporter: "楼栋长".into(),
                found_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 20),
            };
            jiuzhu::app::clue::record(&mut ctx, &draft).unwrap();
        }
        if name == "欧阳修文" {
            let draft = jiuzhu::app::clue::ClueDraft {
                person_id: pid.clone(),
                difficulty: "重病卧床".into(),
                key_groups: vec!["seriously_ill".into()],
                source: "visit".into(),
                reporter: String::new(),
                found_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 1),
            };
            let cid = jiuzhu::app::clue::record(&mut ctx, &draft).unwrap();
            jiuzhu::app::clue::verify(&mut ctx, &cid, true, "属实").unwrap();
            jiuzhu::app::clue::report(&mut ctx, &cid).unwrap();
            jiuzhu::app::clue::accept(&mut ctx, &cid).unwrap();
        }
    }
    (dir, session)
}

fn env(dir: &tempfile::TempDir, lang: Lang) -> Env {
    common::screen::env(&dir.path().join("jiuzhu.db"), lang)
}

/// Every screen of the shell, in both languages and both sizes.
#[test]
fn screens_snapshot() {
    let (dir, session) = workstation();
    for lang in [Lang::ZhCn, Lang::En] {
        for (w, h) in [(80u16, 24u16), (120, 40)] {
            let tag = format!("{}_{w}x{h}", lang.code());
            let snap = |app: &mut App, name: &str| {
                let t = draw_at(app, w, h);
                insta::assert_snapshot!(format!("{name}_{tag}"), t.backend());
            };
            let mut login = App::new(env(&dir, lang));
            typed(&mut login, "demo");
            snap(&mut login, "login");

            let mut e = env(&dir, lang);
            // The settings screen shows the database path; a temporary folder's name changes
            // every run, so the snapshots show a fixed one (the screens never reopen it here).
            e.db_path = std::path::PathBuf::from("/srv/jiuzhu/jiuzhu.db");
            let mut app = App::signed_in(e, session.clone());
            snap(&mut app, "home");
            typed(&mut app, "2");
            snap(&mut app, "placeholder");
            press(&mut app, &[k(KeyCode::Esc)]);
            typed(&mut app, "1");
            snap(&mut app, "clues");
            press(&mut app, &[k(KeyCode::Enter)]);
            snap(&mut app, "clue_detail");
            press(
                &mut app,
                &[k(KeyCode::Esc), Key::ctrl('n'), k(KeyCode::Enter)],
            );
            typed(&mut app, "独居");
            snap(&mut app, "clue_form");
            press(&mut app, &[k(KeyCode::Esc), Key::ch('y'), k(KeyCode::Esc)]);
            typed(&mut app, "2");
            snap(&mut app, "cases");
            press(&mut app, &[k(KeyCode::Enter)]);
            snap(&mut app, "case_detail");
            press(&mut app, &[Key::ch('s')]);
            snap(&mut app, "case_survey");
            press(
                &mut app,
                &[k(KeyCode::Esc), k(KeyCode::Esc), k(KeyCode::Esc)],
            );
            typed(&mut app, "4");
            snap(&mut app, "service_desk");
            press(&mut app, &[k(KeyCode::Esc)]);
            typed(&mut app, "7");
            snap(&mut app, "providers");
            press(&mut app, &[k(KeyCode::Esc)]);
            typed(&mut app, "0");
            snap(&mut app, "settings");
            press(&mut app, &[k(KeyCode::Esc), k(KeyCode::F(2))]);
            snap(&mut app, "persons");
            typed(&mut app, "zs");
            snap(&mut app, "persons_zs");
            press(&mut app, &[k(KeyCode::Enter)]);
            snap(&mut app, "detail");
            press(&mut app, &[k(KeyCode::Tab)]);
            snap(&mut app, "detail_timeline");
            press(&mut app, &[k(KeyCode::Tab), Key::ch('e')]);
            snap(&mut app, "edit");
            press(
                &mut app,
                &[
                    k(KeyCode::Esc),
                    k(KeyCode::Esc),
                    Key::ctrl('a'),
                    Key::ctrl('k'),
                    Key::ctrl('n'),
                ],
            );
            typed(&mut app, "王小明");
            press(&mut app, &[k(KeyCode::Tab)]);
            typed(&mut app, "110105194912310021");
            press(&mut app, &[k(KeyCode::Tab)]);
            snap(&mut app, "new_refused_id");
            press(&mut app, &[k(KeyCode::F(1))]);
            snap(&mut app, "help");
        }
        let mut app = App::signed_in(env(&dir, lang), session.clone());
        let t = draw_at(&mut app, 60, 20);
        insta::assert_snapshot!(format!("too_small_{}", lang.code()), t.backend());
    }
}

#[test]
fn cursor_sits_after_wide_characters() {
    let (dir, session) = workstation();
    let mut app = App::signed_in(env(&dir, Lang::ZhCn), session);
    press(&mut app, &[k(KeyCode::F(2)), Key::ctrl('n')]);
    typed(&mut app, "王小明");
    let mut t = draw_at(&mut app, 80, 24);
    // Body starts on row 2; the form on row 3, its input at column 1 + 14.
    assert_eq!(t.get_cursor_position().unwrap(), Position::new(15 + 6, 3));
    app.handle_key(k(KeyCode::Backspace));
    t.draw(|f| app.render(f)).unwrap();
    assert_eq!(t.get_cursor_position().unwrap(), Position::new(15 + 4, 3));
}

#[test]
fn printable_keys_type_while_a_field_has_focus() {
    let (dir, session) = workstation();
    let mut app = App::signed_in(env(&dir, Lang::ZhCn), session);
    press(&mut app, &[k(KeyCode::F(2))]);
    // q, ? and digits go into the search box instead of quitting, helping or jumping.
    typed(&mut app, "q?1");
    assert!(!app.quit);
    let t = draw_at(&mut app, 80, 24);
    let line = row(&t, 2);
    assert!(line.contains("q?1"), "{line}");
    // On the home screen, with no field, 3 opens the archive (the person list).
    let mut app = App::signed_in(env(&dir, Lang::ZhCn), session_of(&dir));
    assert_eq!(app.depth(), 1);
    typed(&mut app, "3");
    assert_eq!(app.depth(), 2);
    press(&mut app, &[k(KeyCode::Esc)]);
    assert_eq!(app.depth(), 1);
    press(&mut app, &[Key::ctrl('q')]);
    assert!(app.quit);
}

fn session_of(_dir: &tempfile::TempDir) -> Session {
    Session {
        username: "demo".into(),
        grants: demo::demo_users()[0].grants.clone(),
    }
}

#[test]
fn leaving_a_changed_form_asks_first() {
    let (dir, session) = workstation();
    let mut app = App::signed_in(env(&dir, Lang::ZhCn), session);
    press(&mut app, &[k(KeyCode::F(2)), Key::ctrl('n')]);
    typed(&mut app, "赵");
    press(&mut app, &[k(KeyCode::Esc)]);
    assert!(app.dialog().is_some(), "Esc on a changed form asks");
    press(&mut app, &[Key::ch('n')]);
    assert!(app.dialog().is_none());
    assert_eq!(app.depth(), 3, "still on the form");
    press(&mut app, &[Key::ctrl('c')]);
    assert!(!app.quit && app.dialog().is_some(), "Ctrl+C asks too");
    press(&mut app, &[k(KeyCode::Esc)]);
    press(&mut app, &[k(KeyCode::Esc), Key::ch('y')]);
    assert_eq!(app.depth(), 2, "discarded, back on the list");
    press(&mut app, &[Key::ctrl('q')]);
    assert!(app.quit, "nothing unsaved: quits at once");
}

#[test]
fn saving_a_new_person_from_the_form() {
    let (dir, session) = workstation();
    let mut app = App::signed_in(env(&dir, Lang::ZhCn), session.clone());
    press(&mut app, &[k(KeyCode::F(2)), Key::ctrl('n')]);
    typed(&mut app, "钱七");
    press(&mut app, &[k(KeyCode::Tab)]);
    typed(&mut app, "360104198001010016");
    press(&mut app, &[Key::ctrl('s')]);
    let t = draw_at(&mut app, 80, 24);
    let title = row(&t, 1);
    assert!(
        title.contains("钱七"),
        "the detail of the new person: {title}"
    );
    // The index reloaded: searching qq finds her.
    press(&mut app, &[k(KeyCode::Esc)]);
    typed(&mut app, "qq");
    let t = draw_at(&mut app, 80, 24);
    let line = row(&t, 5);
    assert!(line.contains("钱七"), "{line}");
}

#[test]
fn only_presses_act() {
    use crossterm::event::{KeyEvent, KeyEventKind, KeyEventState, KeyModifiers};
    let release = KeyEvent {
        code: KeyCode::Char('3'),
        modifiers: KeyModifiers::NONE,
        kind: KeyEventKind::Release,
        state: KeyEventState::NONE,
    };
    assert!(Key::from_event(&release).is_none());
}

#[test]
fn every_screen_binds_each_key_once() {
    let (dir, session) = workstation();
    let mut app = App::signed_in(env(&dir, Lang::ZhCn), session);
    let check = |app: &App| jiuzhu::tui::keys::check_unique(&app.commands()).unwrap();
    check(&app);
    press(&mut app, &[k(KeyCode::F(2))]);
    check(&app);
    press(&mut app, &[k(KeyCode::Enter)]);
    check(&app);
    press(&mut app, &[Key::ch('e')]);
    check(&app);
}

#[test]
fn ascii_mode_draws_no_box_lines() {
    let (dir, session) = workstation();
    let mut e = env(&dir, Lang::ZhCn);
    e.symbols = Symbols::ASCII;
    let mut app = App::signed_in(e, session);
    press(&mut app, &[k(KeyCode::F(2)), k(KeyCode::F(1))]);
    let t = draw_at(&mut app, 80, 24);
    let buf = t.backend().buffer();
    let mut plus = 0;
    for cell in buf.content() {
        for c in cell.symbol().chars() {
            assert!(
                !('\u{2500}'..='\u{257F}').contains(&c),
                "box line {c:?} in ASCII mode"
            );
            if c == '+' {
                plus += 1;
            }
        }
    }
    assert!(plus >= 4, "the help box has ASCII corners");
}

#[test]
fn no_color_theme_has_no_colours() {
    let th = Theme::new(Scheme::Monochrome);
    for s in [
        th.bar,
        th.bar_key,
        th.title,
        th.selected,
        th.matched,
        th.label,
        th.error,
        th.hint,
        th.focused,
    ] {
        assert_eq!((s.fg, s.bg), (None, None), "{s:?}");
    }
    assert_ne!(
        th.selected.add_modifier,
        ratatui::style::Modifier::empty(),
        "selection still visible"
    );
}

#[test]
fn escape_sequences_in_stored_names_never_reach_the_screen() {
    let (dir, session) = workstation();
    let conn = rusqlite::Connection::open(dir.path().join("jiuzhu.db")).unwrap();
    // Data edited outside the program (or from an old bundle) may hold anything.
    conn.execute(
        "UPDATE person_search SET name = '坏' || char(27) || '[2J' || char(27) || ']52;c;aGk=' || char(7) || '人' WHERE name = '李四'",
        [],
    )
    .unwrap();
    let mut app = App::signed_in(env(&dir, Lang::ZhCn), session);
    press(&mut app, &[k(KeyCode::F(2))]);
    let t = draw_at(&mut app, 120, 40);
    let shown: String = (0..40).map(|y| row(&t, y)).collect::<Vec<_>>().join("\n");
    assert!(
        shown.contains("坏[2J]52;c;aGk=人"),
        "the name is shown without its control characters"
    );
    assert!(
        !shown.chars().any(|c| c.is_control() && c != '\n'),
        "no control character reached the buffer"
    );
}

#[test]
fn long_work_shows_progress_and_ends_with_a_message() {
    let (dir, session) = workstation();
    let mut app = App::signed_in(env(&dir, Lang::ZhCn), session);
    typed(&mut app, "0");
    let t = draw_at(&mut app, 80, 24);
    assert!(row(&t, 1).contains("系统设置"), "{}", row(&t, 1));
    typed(&mut app, "g");
    assert!(app.busy());
    let t = draw_at(&mut app, 80, 24);
    let shown: String = (0..24).map(|y| row(&t, y)).collect::<Vec<_>>().join("\n");
    assert!(shown.contains("Esc 取消") && shown.contains('['), "{shown}");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while app.busy() {
        assert!(std::time::Instant::now() < deadline, "the work never ended");
        std::thread::sleep(std::time::Duration::from_millis(20));
        app.tick();
    }
    let d = app.dialog().expect("a message at the end");
    assert!(d.text.contains("1000"), "{}", d.text);
    let n: i64 = rusqlite::Connection::open(dir.path().join("jiuzhu.db"))
        .unwrap()
        .query_row("SELECT count(*) FROM persons", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1005);
}

#[test]
fn a_clue_from_record_to_accepted_by_keys() {
    let (dir, session) = workstation();
    let mut app = App::signed_in(env(&dir, Lang::ZhCn), session);
    // From the person file: x records a clue about this person.
    press(&mut app, &[k(KeyCode::F(2))]);
    typed(&mut app, "lisi");
    press(&mut app, &[k(KeyCode::Enter), Key::ch('x')]);
    typed(&mut app, "卧床，子女在外地");
    press(&mut app, &[k(KeyCode::Tab), Key::ch(' '), Key::ctrl('s')]);
    let t = draw_at(&mut app, 80, 24);
    assert!(row(&t, 1).contains("李四"), "{}", row(&t, 1));
    // Verified as real and, by default, reported at once; accepting opens the case.
    press(&mut app, &[Key::ch('v')]);
    typed(&mut app, "属实");
    press(&mut app, &[Key::ctrl('s'), Key::ch('a'), Key::ch('y')]);
    let t = draw_at(&mut app, 80, 24);
    assert!(row(&t, 1).contains("个案：李四"), "{}", row(&t, 1));
    let db = dir.path().join("jiuzhu.db");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let state: String = conn
        .query_row("SELECT c.state FROM clues c JOIN persons p ON p.id = c.person_id WHERE p.name = '李四'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(state, "accepted");
    let cases: i64 = conn
        .query_row("SELECT count(*) FROM cases c JOIN persons p ON p.id = c.person_id WHERE p.name = '李四' AND c.state = 'accepted'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(cases, 1);
}

#[test]
fn clue_steps_the_state_forbids_are_not_offered() {
    let (dir, session) = workstation();
    let mut app = App::signed_in(env(&dir, Lang::ZhCn), session);
    typed(&mut app, "1");
    press(&mut app, &[k(KeyCode::Enter)]);
    let labels: Vec<&str> = app.commands().iter().map(|c| c.label).collect();
    assert!(
        labels.contains(&"cmd.verify_real") && labels.contains(&"cmd.withdraw"),
        "{labels:?}"
    );
    assert!(
        !labels.contains(&"cmd.report") && !labels.contains(&"cmd.accept"),
        "a clue not yet verified cannot be reported"
    );
}

#[test]
fn a_case_from_survey_to_card_by_keys() {
    let (dir, session) = workstation();
    let mut app = App::signed_in(env(&dir, Lang::ZhCn), session);
    typed(&mut app, "2");
    // 入户调查: what the visit found first (the second investigator, income, housing, the
    // findings); the household's size, the date and the first investigator are filled in.
    press(&mut app, &[k(KeyCode::Enter), Key::ch('s')]);
    typed(&mut app, "李干事");
    press(&mut app, &[k(KeyCode::Tab)]);
    typed(&mut app, "860");
    press(&mut app, &[k(KeyCode::Tab), Key::ch(' '), k(KeyCode::Tab)]);
    typed(&mut app, "卧床，需要送药和居家照料");
    // 需求评估 follows the survey at once, the needs first; the category the person's 城市低保
    // supports is chosen already.
    press(&mut app, &[Key::ctrl('s')]);
    let screen = |app: &mut App| draw_at(app, 80, 24).backend().to_string();
    assert!(
        screen(&mut app).contains(" 需求评估"),
        "{}",
        screen(&mut app)
    );
    press(&mut app, &[Key::ch(' '), Key::ctrl('s')]);
    let conn = rusqlite::Connection::open(dir.path().join("jiuzhu.db")).unwrap();
    let case_of =
        |conn: &rusqlite::Connection| -> (String, Option<i64>, Option<i64>, Option<String>) {
            conn.query_row(
            "SELECT c.state, c.household_size, c.monthly_income_fen, c.category FROM cases c JOIN persons p ON p.id = c.person_id WHERE p.name = '欧阳修文'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap()
        };
    assert_eq!(
        case_of(&conn),
        (
            "assessed".into(),
            Some(1),
            Some(86_000),
            Some("minimum_living".into())
        )
    );
    // The assessor may not decide alone: 认定通过 asks for the approver's account and
    // password, at this desk; a wrong password decides nothing.
    press(&mut app, &[Key::ch('y')]);
    assert!(
        screen(&mut app).contains("另一位审批人"),
        "{}",
        screen(&mut app)
    );
    typed(&mut app, "subdistrict_caseworker");
    press(&mut app, &[k(KeyCode::Tab)]);
    typed(&mut app, "wrong-password");
    press(&mut app, &[Key::ctrl('s')]);
    let shown = app
        .dialog()
        .map(|d| d.text.clone())
        .unwrap_or_else(|| screen(&mut app));
    assert!(shown.contains("用户名或密码错误"), "{shown}");
    assert_eq!(case_of(&conn).0, "assessed");
    if app.dialog().is_some() {
        press(&mut app, &[k(KeyCode::Enter)]);
    }
    // The password field was wiped: the right one is typed again, and the card comes with
    // the decision.
    typed(&mut app, "subdistrict_caseworker");
    press(&mut app, &[Key::ctrl('s')]);
    let status = screen(&mut app);
    assert!(status.contains("360104001-K00001"), "{status}");
    let (state, needs, no, by): (String, String, Option<String>, Option<String>) = conn
        .query_row(
            "SELECT c.state, c.needs, p.service_no, c.decided_by FROM cases c JOIN persons p ON p.id = c.person_id WHERE p.name = '欧阳修文'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(state, "in_service");
    assert_eq!(needs, r#"["meal_delivery"]"#);
    assert_eq!(no.as_deref(), Some("360104001003-0001"));
    assert_eq!(by.as_deref(), Some("subdistrict_caseworker"));
    let mut other = app;
    // 动态管理: suspend with a reason and an expected resume, resume; stop with a reason
    // chosen (none is chosen for the user) and confirmed.
    press(&mut other, &[Key::ch('p')]);
    typed(&mut other, "住院治疗");
    press(&mut other, &[k(KeyCode::Tab)]);
    typed(&mut other, "2026-12-20");
    press(
        &mut other,
        &[
            Key::ctrl('s'),
            Key::ch('u'),
            Key::ch('y'),
            Key::ch('t'),
            Key::ctrl('s'),
        ],
    );
    assert!(
        other.dialog().is_none(),
        "no reason chosen: nothing to confirm"
    );
    let t = draw_at(&mut other, 80, 24);
    assert!(
        t.backend().to_string().contains("不能为空"),
        "{}",
        t.backend()
    );
    press(
        &mut other,
        &[k(KeyCode::Right), k(KeyCode::Right), Key::ctrl('s')],
    );
    let d = other.dialog().expect("a stop is confirmed first");
    assert!(
        d.text.contains("迁出") && d.text.contains("2026-11-28"),
        "{}",
        d.text
    );
    press(&mut other, &[Key::ch('y')]);
    let (state, reason, stopped, resume, note): (String, Option<String>, Option<String>, Option<String>, Option<String>) = conn
        .query_row(
            "SELECT c.state, c.stop_reason, c.stopped_on, c.resume_expected, c.decision_note FROM cases c JOIN persons p ON p.id = c.person_id WHERE p.name = '欧阳修文'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap();
    assert_eq!(
        (state.as_str(), reason.as_deref(), stopped.as_deref()),
        ("stopped", Some("moved_out"), Some("2026-11-28"))
    );
    assert_eq!(
        resume.as_deref(),
        Some("2026-12-20"),
        "the suspension keeps its facts"
    );
    assert_eq!(
        note, None,
        "neither the suspension nor the stop wrote the decision's note"
    );
    // The case page says the stop's reason and day instead of a validity.
    let t = draw_at(&mut other, 80, 24);
    let screen = t.backend().to_string();
    assert!(screen.contains("已于 2026-11-28 终止"), "{screen}");
    assert!(screen.contains("迁出，2026-11-28"), "{screen}");
    let kinds: Vec<String> = conn
        .prepare("SELECT kind FROM change_log WHERE kind LIKE 'case.%' ORDER BY local_order")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(
        kinds.ends_with(&[
            "case.suspend".to_string(),
            "case.resume".to_string(),
            "case.stop".to_string()
        ]),
        "{kinds:?}"
    );
}

#[test]
fn the_service_desk_registers_a_card_and_records_services() {
    let (dir, session) = workstation();
    // Carry the fixture's accepted case to a card covering meal delivery.
    {
        let store_path = dir.path().join("jiuzhu.db");
        let mut store = jiuzhu::store::Store::open(&store_path, &Default::default()).unwrap();
        let c = clock();
        let ctx = Ctx::new(&mut store, session.clone(), &c).unwrap();
        let line = jiuzhu::app::case::list(&ctx, None, 10).unwrap().remove(0);
        let id = line.case.meta.id;
        use jiuzhu::app::case;
        drop(ctx);
        common::carry_to_card(
            &mut store,
            &id,
            &case::Assessment {
                category: "minimum_living".into(),
                self_care: String::new(),
                needs: vec!["meal_delivery".into()],
            },
        );
    }
    let mut app = App::signed_in(env(&dir, Lang::ZhCn), session);
    typed(&mut app, "4");
    let t = draw_at(&mut app, 80, 24);
    assert!(row(&t, 1).contains("温情服务"), "{}", row(&t, 1));
    // One provider: the desk starts on the card number.
    typed(&mut app, "360104001-K00001");
    press(&mut app, &[Key::ctrl('r')]);
    let t = draw_at(&mut app, 80, 24);
    assert!(row(&t, 22).contains("已登记"), "{}", row(&t, 22));
    // Registered: who served and what was done first; the item (meal delivery, the
    // card's first), day and minutes are filled in.
    typed(&mut app, "李师傅");
    press(&mut app, &[k(KeyCode::Tab)]);
    typed(&mut app, "送午餐");
    press(&mut app, &[Key::ctrl('s')]);
    let t = draw_at(&mut app, 80, 24);
    assert!(row(&t, 22).contains("服务已记录"), "{}", row(&t, 22));
    // The item choice offers only what the card covers: Right stays on meal delivery, and
    // the next service is recorded for it.
    press(
        &mut app,
        &[k(KeyCode::Tab), k(KeyCode::Right), k(KeyCode::BackTab)],
    );
    typed(&mut app, "送晚餐");
    press(&mut app, &[Key::ctrl('s')]);
    let t = draw_at(&mut app, 80, 24);
    assert!(row(&t, 22).contains("服务已记录"), "{}", row(&t, 22));
    let items: Vec<String> = rusqlite::Connection::open(dir.path().join("jiuzhu.db"))
        .unwrap()
        .prepare("SELECT item FROM services")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(items, vec!["meal_delivery", "meal_delivery"]);
    // 督查: the draw falls on one of these services; what is typed first is the finding.
    press(&mut app, &[k(KeyCode::F(10))]);
    typed(&mut app, "6");
    press(
        &mut app,
        &[k(KeyCode::Tab), k(KeyCode::Tab), Key::ctrl('n')],
    );
    typed(&mut app, "电话回访属实");
    press(
        &mut app,
        &[k(KeyCode::Tab), k(KeyCode::Right), Key::ctrl('s')],
    );
    let (finding, result): (String, String) =
        rusqlite::Connection::open(dir.path().join("jiuzhu.db"))
            .unwrap()
            .query_row("SELECT finding, result FROM inspections", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
    assert_eq!(finding, "电话回访属实");
    assert!(!result.is_empty());
}

/// The case file of a person in service: the plan table, adjusting a line, the print menu, and
/// a print landing in the user's outbox.
#[test]
fn case_plan_and_print_screens() {
    let (dir, session) = workstation();
    {
        let db = dir.path().join("jiuzhu.db");
        let mut store = jiuzhu::store::Store::open(&db, &Default::default()).unwrap();
        let c = clock();
        let ctx = Ctx::new(&mut store, session.clone(), &c).unwrap();
        let id = jiuzhu::app::case::list(&ctx, None, 10).unwrap()[0]
            .case
            .meta
            .id
            .clone();
        use jiuzhu::app::case;
        drop(ctx);
        common::carry_to_card(
            &mut store,
            &id,
            &case::Assessment {
                category: "minimum_living".into(),
                self_care: "fully_disabled".into(),
                needs: vec!["meal_delivery".into(), "cleaning".into()],
            },
        );
    }
    let mut app = App::signed_in(env(&dir, Lang::ZhCn), session);
    typed(&mut app, "5");
    press(&mut app, &[k(KeyCode::Enter)]);
    let snap = |app: &mut App, name: &str| {
        let t = draw_at(app, 80, 24);
        insta::assert_snapshot!(name.to_string(), t.backend());
    };
    snap(&mut app, "case_in_service_zh-CN_80x24");
    press(&mut app, &[k(KeyCode::Down), Key::ch('e')]);
    snap(&mut app, "plan_line_zh-CN_80x24");
    press(&mut app, &[k(KeyCode::Right), Key::ctrl('s')]);
    let t = draw_at(&mut app, 80, 24);
    assert!(row(&t, 4).contains("第 2 版"), "{}", row(&t, 4));
    press(&mut app, &[Key::ch('d')]);
    snap(&mut app, "print_menu_zh-CN_80x24");
    typed(&mut app, "3");
    let outbox = dir.path().join("outbox").join("demo");
    let files: Vec<String> = std::fs::read_dir(&outbox)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files, ["needs-form_360104001003-0001.html"]);
    let t = draw_at(&mut app, 80, 24);
    let screen: String = (0..24).map(|y| row(&t, y)).collect();
    assert!(screen.contains("已生成"), "{screen}");
}

/// 监督管理: a posting made from the form, an objection recorded and answered, all on screen.
#[test]
fn supervision_screens() {
    let (dir, session) = workstation();
    let mut app = App::signed_in(env(&dir, Lang::ZhCn), session);
    let snap = |app: &mut App, name: &str| {
        let t = draw_at(app, 80, 24);
        insta::assert_snapshot!(name.to_string(), t.backend());
    };
    typed(&mut app, "6");
    snap(&mut app, "supervision_postings_zh-CN_80x24");
    press(&mut app, &[Key::ch('n')]);
    snap(&mut app, "posting_form_zh-CN_80x24");
    press(&mut app, &[Key::ctrl('s'), k(KeyCode::Enter)]);
    let t = draw_at(&mut app, 80, 24);
    assert!(row(&t, 5).contains("社区居务公开栏"), "{}", row(&t, 5));
    let posted = std::fs::read_dir(dir.path().join("outbox").join("demo"))
        .unwrap()
        .count();
    assert_eq!(posted, 1, "the list was written to the outbox");
    press(&mut app, &[k(KeyCode::Tab), Key::ch('n')]);
    // What the caller says first; the channel (an objection to the posting) after.
    typed(&mut app, "匿名");
    press(&mut app, &[k(KeyCode::Tab)]);
    typed(&mut app, "名单中某户家有小汽车");
    press(
        &mut app,
        &[
            k(KeyCode::Tab),
            k(KeyCode::Tab),
            k(KeyCode::Tab),
            k(KeyCode::Tab),
            k(KeyCode::Tab),
            k(KeyCode::Right),
            k(KeyCode::Right),
        ],
    );
    snap(&mut app, "complaint_form_zh-CN_80x24");
    press(&mut app, &[Key::ctrl('s')]);
    snap(&mut app, "supervision_complaints_zh-CN_80x24");
    // P prints the receipt to hand to the complainant, into the outbox.
    press(&mut app, &[Key::ch('p')]);
    let t = draw_at(&mut app, 80, 24);
    let shown: String = (0..24).map(|y| row(&t, y)).collect();
    assert!(shown.contains("已生成"), "{shown}");
    let receipts = std::fs::read_dir(dir.path().join("outbox").join("demo"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("complaint-receipt_")
        })
        .count();
    assert_eq!(receipts, 1);
    press(&mut app, &[k(KeyCode::Esc)]);
    press(&mut app, &[k(KeyCode::Enter)]);
    typed(&mut app, "已入户核实，车辆为亲属所有");
    // 办结 asks for the 回访: the satisfaction is the complainant's to say (none is chosen for
    // them), and a note.
    press(&mut app, &[Key::ctrl('s'), Key::ch('c'), k(KeyCode::Tab)]);
    typed(&mut app, "电话回访，满意");
    press(&mut app, &[Key::ctrl('s')]);
    let t = draw_at(&mut app, 80, 24);
    let shown: String = (0..24).map(|y| row(&t, y)).collect();
    assert!(shown.contains("不能为空"), "{shown}");
    // The refusal put the cursor on the field.
    press(&mut app, &[k(KeyCode::Right), Key::ctrl('s')]);
    let t = draw_at(&mut app, 80, 24);
    assert!(row(&t, 5).contains("已办结"), "{}", row(&t, 5));
    press(&mut app, &[k(KeyCode::Tab), Key::ch('n')]);
    let t = draw_at(&mut app, 80, 24);
    let screen: String = (0..24).map(|y| row(&t, y)).collect();
    assert!(
        screen.contains("还没有服务记录可供抽查"),
        "no services to draw yet: {screen}"
    );
}

/// 动态管理 → Ctrl+R imports the monthly roster (the receipt lists refused rows and notes),
/// Ctrl+T lists the follow-up tasks, Enter opens the person, D marks a task done. (Letters
/// type into the list's name search.)
#[test]
fn roster_import_and_follow_up_tasks_by_keys() {
    for lang in [Lang::ZhCn, Lang::En] {
        let (dir, session) = workstation();
        // A fixed, short path: the receipt shows the file's full path, and a snapshot must
        // not depend on where the temporary folder or the checkout is.
        let folder = std::path::Path::new("/tmp").join(format!("jiuzhu-roster-{}", lang.code()));
        std::fs::create_dir_all(&folder).unwrap();
        let file = folder.join("3月名单.csv");
        std::fs::copy(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("fixtures/roster/monthly-utf8-bom.csv"),
            &file,
        )
        .unwrap();
        let tag = format!("{}_80x24", lang.code());
        let snap = |app: &mut App, name: &str| {
            let t = draw_at(app, 80, 24);
            insta::assert_snapshot!(format!("{name}_{tag}"), t.backend());
        };
        let mut app = App::signed_in(env(&dir, lang), session.clone());
        typed(&mut app, "5");
        snap(&mut app, "cases_dynamic");
        press(&mut app, &[Key::ctrl('r')]);
        // Enter on an empty path asks for one.
        press(&mut app, &[k(KeyCode::Enter)]);
        assert!(!app.busy());
        // A file that is not there: the reason, with the full path, and nothing imported.
        typed(&mut app, "/nonexistent/名单.csv");
        press(&mut app, &[k(KeyCode::Enter)]);
        finish_job(&mut app);
        let d = app.dialog().expect("the refusal is told");
        assert!(d.text.contains("/nonexistent/名单.csv"), "{}", d.text);
        press(&mut app, &[k(KeyCode::Enter), Key::ctrl('u')]);
        typed(&mut app, &file.display().to_string());
        press(&mut app, &[k(KeyCode::Enter)]);
        finish_job(&mut app);
        let d = app.dialog().expect("a message at the end");
        assert!(d.text.contains('4'), "{}", d.text);
        press(&mut app, &[k(KeyCode::Enter)]);
        snap(&mut app, "roster_receipt");
        // The table scrolls to its last line and back.
        press(&mut app, &[k(KeyCode::PageDown), k(KeyCode::PageDown)]);
        let t = draw_at(&mut app, 80, 24);
        let shown: String = (0..24).map(|y| row(&t, y)).collect::<Vec<_>>().join("\n");
        assert!(shown.contains("11"), "the last row's line: {shown}");
        press(&mut app, &[k(KeyCode::PageUp), k(KeyCode::PageUp)]);
        press(&mut app, &[k(KeyCode::Esc), Key::ctrl('t')]);
        snap(&mut app, "tasks");
        press(&mut app, &[k(KeyCode::Enter)]);
        let t = draw_at(&mut app, 80, 24);
        assert!(row(&t, 1).contains("王桂英"), "{}", row(&t, 1));
        press(&mut app, &[k(KeyCode::Esc), Key::ch('d')]);
        typed(&mut app, "已入户走访，暂无服务需求");
        snap(&mut app, "task_done");
        press(&mut app, &[Key::ctrl('s')]);
        let t = draw_at(&mut app, 80, 24);
        let shown: String = (0..24).map(|y| row(&t, y)).collect::<Vec<_>>().join("\n");
        assert!(!shown.contains("王桂英"), "done, off the list: {shown}");
        let conn = rusqlite::Connection::open(dir.path().join("jiuzhu.db")).unwrap();
        let (state, note): (String, String) = conn
            .query_row(
                "SELECT t.state, t.note FROM tasks t JOIN persons p ON p.id = t.person_id
                 WHERE p.name = '王桂英'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(
            (state.as_str(), note.as_str()),
            ("done", "已入户走访，暂无服务需求")
        );
        std::fs::remove_dir_all(&folder).unwrap();
    }
}

/// 建立档案: the documents tab of a person's file, filing a scan by its path.
#[test]
fn documents_tab_files_a_scan() {
    let (dir, session) = workstation();
    let scan = dir.path().join("idcard.pdf");
    std::fs::write(&scan, b"%PDF-1.4\n").unwrap();
    let mut app = App::signed_in(env(&dir, Lang::ZhCn), session);
    press(&mut app, &[k(KeyCode::F(2))]);
    typed(&mut app, "zs");
    press(
        &mut app,
        &[k(KeyCode::Enter), k(KeyCode::Tab), k(KeyCode::Tab)],
    );
    let t = draw_at(&mut app, 80, 24);
    insta::assert_snapshot!("documents_tab_zh-CN_80x24", t.backend());
    press(&mut app, &[Key::ch('a')]);
    typed(&mut app, &scan.display().to_string());
    press(&mut app, &[Key::ctrl('s')]);
    let t = draw_at(&mut app, 80, 24);
    assert!(row(&t, 2).contains("档案材料（1/7）"), "{}", row(&t, 2));
    assert!(row(&t, 5).contains("idcard.pdf"), "{}", row(&t, 5));
}

/// A workstation with something of every kind waiting: a clue overdue for verification, a
/// case to survey, a service due for review, a card about to run out, a complaint, and the
/// follow-up tasks of a monthly roster; a service recorded, so the timeliness table has
/// every step.
fn inbox_workstation() -> common::DemoWs {
    use common::history::{
        accepted, carded, day, in_service, meal_provider, new_clue, new_person, on, C1, C2,
    };
    let mut ws = common::DemoWs::new();
    let p = new_person(&mut ws, "曾小红", C2);
    new_clue(&mut ws, &p, "2026-11-20");
    let p = new_person(&mut ws, "欧阳修文", C1);
    let c = new_clue(&mut ws, &p, "2026-11-18");
    accepted(&mut ws, &c, "2026-11-19", "2026-11-20", "2026-11-25");
    in_service(&mut ws, "刘桂兰", C1, "2026-05-01");
    in_service(&mut ws, "陈建华", C2, "2025-12-10");
    let p = new_person(&mut ws, "张三", C1);
    let c = new_clue(&mut ws, &p, "2026-10-08");
    let case_id = accepted(&mut ws, &c, "2026-10-09", "2026-10-12", "2026-10-13");
    carded(&mut ws, &case_id, "2026-10-16", "2026-10-27", "2026-10-28");
    let provider = meal_provider(&mut ws);
    let provider = on(&mut ws, "2026-10-28", "demo", |ctx| {
        let card = jiuzhu::app::case::get(ctx, &case_id)
            .unwrap()
            .card_no
            .unwrap();
        jiuzhu::app::service::register(ctx, &provider, &card).unwrap();
        (provider, card)
    });
    on(&mut ws, "2026-10-30", "demo", |ctx| {
        jiuzhu::app::service::record(
            ctx,
            &jiuzhu::app::service::ServiceDraft {
                provider_id: provider.0.clone(),
                card_no: provider.1.clone(),
                item: "meal_delivery".into(),
                served_on: Some(day("2026-10-30")),
                minutes: 30,
                served_by: "刘敏".into(),
                content: "送午餐".into(),
                confirmed: true,
                satisfaction: None,
            },
        )
        .unwrap()
    });
    common::with_ctx(&mut ws, "demo", |ctx| {
        jiuzhu::app::supervision::receive(
            ctx,
            &jiuzhu::app::supervision::ComplaintDraft {
                community: C1.into(),
                channel: "hotline".into(),
                received_on: Some(day("2026-11-10")),
                complainant: "邻居".into(),
                content: "送餐不按时".into(),
                ..Default::default()
            },
        )
        .unwrap();
        let roster = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/roster/monthly-utf8-bom.csv");
        jiuzhu::app::roster::import_file(ctx, &roster, &mut |_, _| true).unwrap();
    });
    ws
}

/// The home screen's inbox: overdue first, Tab between menu and inbox, Enter straight to the
/// task's record; the timeliness table and the time-limit form.
#[test]
fn inbox_home_and_timeliness_screens() {
    let ws = inbox_workstation();
    for lang in [Lang::ZhCn, Lang::En] {
        let mut app = App::signed_in(env(&ws.dir, lang), ws.session("demo"));
        let t = draw_at(&mut app, 80, 24);
        insta::assert_snapshot!(format!("inbox_home_{}_80x24", lang.code()), t.backend());
    }
    let mut app = App::signed_in(env(&ws.dir, Lang::ZhCn), ws.session("demo"));
    let screen = |app: &mut App| -> String {
        let t = draw_at(app, 80, 24);
        (0..24).map(|y| row(&t, y)).collect::<Vec<_>>().join("\n")
    };
    // F1 lists every binding of the home screen, in two columns to fit 80x24.
    press(&mut app, &[k(KeyCode::F(1))]);
    let help = screen(&mut app);
    for key in [
        "Tab / Shift+Tab",
        "PgDn",
        "F10",
        "Ctrl+Q",
        "按 Esc、F1 或回车关闭帮助",
    ] {
        assert!(help.contains(key), "{key} missing from the help:\n{help}");
    }
    press(&mut app, &[k(KeyCode::Esc)]);
    // The focus starts on the most urgent task: the review due since 2026-06-08.
    let t = draw_at(&mut app, 80, 24);
    assert!(row(&t, 4).contains("> 到期复核"), "{}", row(&t, 4));
    press(&mut app, &[k(KeyCode::Enter)]);
    let s = screen(&mut app);
    assert!(
        s.contains("个案：陈建华") && s.contains("下次复核     2026-06-08"),
        "{s}"
    );
    // Esc comes back to the inbox, the selection where it was.
    press(&mut app, &[k(KeyCode::Esc), k(KeyCode::Down)]);
    let t = draw_at(&mut app, 80, 24);
    assert!(row(&t, 5).starts_with("  "), "{}", row(&t, 5));
    assert!(row(&t, 5).contains('>'), "{}", row(&t, 5));
    // Down to the complaint: Enter opens 监督管理 on its tab with it selected.
    let pos = |app: &mut App, what: &str| -> usize {
        let t = draw_at(app, 80, 24);
        (4..22u16)
            .find(|y| row(&t, *y).contains(what))
            .map(usize::from)
            .unwrap_or_else(|| panic!("{what} not listed"))
    };
    let at = pos(&mut app, "投诉与异议");
    let mut now = pos(&mut app, ">");
    while now < at {
        press(&mut app, &[k(KeyCode::Down)]);
        now += 1;
    }
    press(&mut app, &[k(KeyCode::Enter)]);
    let s = screen(&mut app);
    assert!(s.contains("送餐不按时") && s.contains("> "), "{s}");
    assert!(
        s.lines()
            .any(|l| l.contains('>') && l.contains("送餐不按时")),
        "{s}"
    );
    // A roster task opens the follow-up list on that task.
    press(&mut app, &[k(KeyCode::Esc)]);
    let at = pos(&mut app, "名单新增走访");
    let mut now = pos(&mut app, ">");
    while now < at {
        press(&mut app, &[k(KeyCode::Down)]);
        now += 1;
    }
    press(&mut app, &[k(KeyCode::Enter)]);
    assert!(
        screen(&mut app).contains("跟进任务"),
        "{}",
        screen(&mut app)
    );
    // Tab gives the menu the keys: Down and Enter open 需求认定; digits work from either side.
    press(&mut app, &[k(KeyCode::Esc), k(KeyCode::Tab)]);
    assert!(screen(&mut app).contains("> 1  主动发现"));
    press(&mut app, &[k(KeyCode::Down), k(KeyCode::Enter)]);
    assert!(
        screen(&mut app).contains("需求认定："),
        "{}",
        screen(&mut app)
    );
    press(&mut app, &[k(KeyCode::Esc), k(KeyCode::Right)]);
    assert!(
        !screen(&mut app).contains("> 2  需求认定"),
        "the inbox has the keys again"
    );
    // 统计报表 opens on this month's statistics; [ goes back to October, when 张三 was carded
    // and served once for 30 minutes.
    typed(&mut app, "9");
    let t = draw_at(&mut app, 80, 24);
    insta::assert_snapshot!("statistics_zh-CN_80x24", t.backend());
    press(&mut app, &[Key::ch('[')]);
    let s = screen(&mut app);
    assert!(s.contains("月度统计（2026年10月）"), "{s}");
    let line = s.lines().find(|l| l.contains("洪都新村社区")).unwrap();
    let cells: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(
        cells[cells.len() - 5..cells.len() - 2],
        ["1", "1", "0.5"],
        "{line}"
    );
    press(&mut app, &[k(KeyCode::Tab)]);
    let t = draw_at(&mut app, 80, 24);
    insta::assert_snapshot!("statistics_movement_zh-CN_80x24", t.backend());
    // By provider: the kind shows whole; the long provider name gives way.
    press(&mut app, &[k(KeyCode::Tab), k(KeyCode::Tab)]);
    let s = screen(&mut app);
    let kinds = ["群团组织及部门", "爱心企业、社会服务机构", "公益性社会组织"];
    assert!(
        s.lines().any(|l| kinds.iter().any(|k| l.contains(k))),
        "the provider's kind shows whole:\n{s}"
    );
    assert!(!s.contains("群.."), "{s}");
    assert!(
        s.contains("洪都街道居家养老服务中心"),
        "the selected provider is named whole under the table:\n{s}"
    );
    press(&mut app, &[k(KeyCode::BackTab), k(KeyCode::BackTab)]);
    // ] comes back, and stops at the month not yet over.
    press(&mut app, &[Key::ch(']'), Key::ch(']')]);
    assert!(screen(&mut app).contains("（2026年11月）"));
    // E writes the month to the outbox and says where.
    press(&mut app, &[Key::ch('e')]);
    let s = screen(&mut app);
    assert!(s.contains("monthly_202611.xlsx"), "{s}");
    assert!(ws
        .dir
        .path()
        .join("outbox/demo/monthly_202611.xlsx")
        .exists());
    press(&mut app, &[Key::ch('t')]);
    let t = draw_at(&mut app, 80, 24);
    insta::assert_snapshot!("timeliness_zh-CN_80x24", t.backend());
    press(&mut app, &[k(KeyCode::Tab)]);
    let t = draw_at(&mut app, 80, 24);
    insta::assert_snapshot!("timeliness_counts_zh-CN_80x24", t.backend());
    // The time limits: a 10-day verification makes the clue found 8 days ago not overdue.
    press(&mut app, &[k(KeyCode::Esc), k(KeyCode::Esc)]);
    typed(&mut app, "0");
    press(&mut app, &[Key::ch('e')]);
    let t = draw_at(&mut app, 80, 24);
    insta::assert_snapshot!("limits_form_zh-CN_80x24", t.backend());
    press(&mut app, &[k(KeyCode::Backspace)]);
    typed(&mut app, "10");
    press(&mut app, &[Key::ctrl('s')]);
    assert!(
        screen(&mut app).contains("核实线索 10 天"),
        "{}",
        screen(&mut app)
    );
    press(&mut app, &[k(KeyCode::Esc)]);
    let s = screen(&mut app);
    let clue_line = s.lines().find(|l| l.contains("曾小红")).unwrap();
    assert!(
        clue_line.trim_end().ends_with('8'),
        "8 days, not overdue: {clue_line}"
    );
    assert!(!clue_line.contains('!'), "{clue_line}");
}

#[test]
fn the_home_help_names_every_menu_entry_and_q_quits() {
    let (dir, session) = workstation();
    for (lang, first, bar) in [
        (Lang::ZhCn, "主动发现", "至 0：菜单项"),
        (Lang::En, "Proactive discovery", "to 0: menu entries"),
    ] {
        let mut app = App::signed_in(env(&dir, lang), session.clone());
        let home = common::screen::screen(&mut app);
        let last = home.lines().last().unwrap_or_default().to_string();
        assert!(last.contains(&format!("1 {bar}")), "{last}");
        press(&mut app, &[k(KeyCode::F(1))]);
        let help = common::screen::screen(&mut app);
        let line = help
            .lines()
            .find(|l| l.contains(first))
            .unwrap_or_else(|| panic!("{help}"));
        assert!(line.contains('1'), "{line}");
        assert!(
            help.lines()
                .filter(|l| l.starts_with('│'))
                .all(|l| !l.contains(bar)),
            "the help names each entry: {help}"
        );
        press(&mut app, &[k(KeyCode::Esc)]);
        assert!(!app.quit);
        typed(&mut app, "q");
        assert!(app.quit, "q quits on the home screen");
    }
}

/// Every key of the screen's F1 table is shown whole with a space before its text.
fn help_keeps_keys_apart(app: &mut App, lang: Lang, at: &str) {
    let keys: Vec<String> = app
        .commands()
        .iter()
        .map(|c| {
            let k: Vec<String> = c.keys.iter().map(|k| k.label(lang)).collect();
            k.join(" / ")
        })
        .collect();
    press(app, &[k(KeyCode::F(1))]);
    let help = common::screen::screen(app);
    for key in keys {
        assert!(
            help.contains(&format!("│{key} ")) || help.contains(&format!(" {key} ")),
            "{at}: the key {key:?} runs into its text or is cut:\n{help}"
        );
    }
    press(app, &[k(KeyCode::Esc)]);
}

#[test]
fn help_tables_keep_a_space_between_key_and_text() {
    let (dir, session) = workstation();
    for lang in [Lang::ZhCn, Lang::En] {
        let mut app = App::signed_in(env(&dir, lang), session.clone());
        help_keeps_keys_apart(&mut app, lang, "home");
        typed(&mut app, "1");
        help_keeps_keys_apart(&mut app, lang, "clues");
        press(&mut app, &[k(KeyCode::Enter)]);
        help_keeps_keys_apart(&mut app, lang, "clue");
        press(&mut app, &[k(KeyCode::Esc), k(KeyCode::Esc)]);
        typed(&mut app, "2");
        help_keeps_keys_apart(&mut app, lang, "cases");
        press(&mut app, &[k(KeyCode::Enter)]);
        help_keeps_keys_apart(&mut app, lang, "case");
        press(&mut app, &[Key::ch('s')]);
        help_keeps_keys_apart(&mut app, lang, "survey");
        press(
            &mut app,
            &[k(KeyCode::Esc), k(KeyCode::Esc), k(KeyCode::Esc)],
        );
        typed(&mut app, "4");
        help_keeps_keys_apart(&mut app, lang, "service desk");
        press(&mut app, &[k(KeyCode::Esc), k(KeyCode::F(2))]);
        help_keeps_keys_apart(&mut app, lang, "persons");
        typed(&mut app, "zs");
        press(&mut app, &[k(KeyCode::Enter)]);
        help_keeps_keys_apart(&mut app, lang, "person");
        press(&mut app, &[k(KeyCode::Tab), k(KeyCode::Tab)]);
        help_keeps_keys_apart(&mut app, lang, "person documents");
        press(&mut app, &[k(KeyCode::Tab), Key::ch('e')]);
        help_keeps_keys_apart(&mut app, lang, "person form");
    }
}

/// A single-line value too long for its row is cut with `..` and shown whole in a detail
/// line: the person's 住址 and the clue's 困难情况.
#[test]
fn long_single_line_values_are_cut_and_shown_whole() {
    let (dir, session) = workstation();
    let address = "南昌市青云谱区洪都街道洪都新村社区洪都中大道一百二十八号大院七栋二单元五楼东户";
    let difficulty = "老人独居多年，子女均在外省务工，腿脚行动不便，近期跌倒两次，无人照料饮食起居，需要上门送餐和日常照料";
    {
        let c = clock();
        let mut store =
            jiuzhu::store::Store::open(&dir.path().join("jiuzhu.db"), &Default::default()).unwrap();
        let mut ctx = Ctx::new(&mut store, session.clone(), &c).unwrap();
        let pid = person::create(
            &mut ctx,
            &PersonDraft {
                name: "钱多多".into(),
                community: "360104001001".into(),
                address: address.into(),
                ..Default::default()
            },
        )
        .unwrap();
        jiuzhu::app::clue::record(
            &mut ctx,
            &jiuzhu::app::clue::ClueDraft {
                person_id: pid,
                difficulty: difficulty.into(),
                key_groups: vec!["seriously_ill".into()],
                source: "visit".into(),
                reporter: String::new(),
                found_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 27),
            },
        )
        .unwrap();
    }
    let joined = |s: &str| s.split_whitespace().collect::<String>();
    let mut app = App::signed_in(env(&dir, Lang::ZhCn), session);
    press(&mut app, &[k(KeyCode::F(2))]);
    typed(&mut app, "钱多多");
    press(&mut app, &[k(KeyCode::Enter)]);
    let s = common::screen::screen(&mut app);
    let row = s.lines().find(|l| l.contains(" 住址 ")).unwrap_or_default();
    assert!(
        row.trim_end().ends_with(".."),
        "the row is cut with ..: {row}\n{s}"
    );
    assert!(
        joined(&s).contains(address),
        "the whole address is shown:\n{s}"
    );

    press(&mut app, &[k(KeyCode::F(10))]);
    typed(&mut app, "1");
    let list = common::screen::screen(&mut app);
    let row_of =
        |f: &dyn Fn(&str) -> bool| list.lines().position(f).unwrap_or_else(|| panic!("{list}"));
    let at = row_of(&|l| l.contains("钱多多")) - row_of(&|l| l.starts_with("> "));
    for _ in 0..at {
        press(&mut app, &[k(KeyCode::Down)]);
    }
    press(&mut app, &[k(KeyCode::Enter)]);
    let s = common::screen::screen(&mut app);
    let row = s
        .lines()
        .find(|l| l.contains(" 困难情况 "))
        .unwrap_or_default();
    assert!(
        row.trim_end().ends_with(".."),
        "the row is cut with ..: {row}\n{s}"
    );
    assert!(
        joined(&s).contains(difficulty),
        "the whole difficulty is shown:\n{s}"
    );
}

/// 调查情况 longer than its row goes on under its label, whole, on the case page.
#[test]
fn long_findings_show_whole_on_the_case_page() {
    let (dir, session) = workstation();
    let findings = "老人独居于老旧小区六楼，无电梯，双膝关节退行性病变，上下楼困难，子女在外省，每月回来一次，日常饮食靠邻居帮忙";
    let case_id = {
        let c = clock();
        let mut store =
            jiuzhu::store::Store::open(&dir.path().join("jiuzhu.db"), &Default::default()).unwrap();
        let mut ctx = Ctx::new(&mut store, session.clone(), &c).unwrap();
        let pid = person::create(
            &mut ctx,
            &PersonDraft {
                name: "钱多多".into(),
                community: "360104001001".into(),
                ..Default::default()
            },
        )
        .unwrap();
        let cid = jiuzhu::app::clue::record(
            &mut ctx,
            &jiuzhu::app::clue::ClueDraft {
                person_id: pid,
                difficulty: "独居".into(),
                key_groups: vec!["seriously_ill".into()],
                source: "visit".into(),
                reporter: String::new(),
                found_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 27),
            },
        )
        .unwrap();
        jiuzhu::app::clue::verify(&mut ctx, &cid, true, "属实").unwrap();
        jiuzhu::app::clue::report(&mut ctx, &cid).unwrap();
        let case_id = jiuzhu::app::clue::accept(&mut ctx, &cid).unwrap();
        jiuzhu::app::case::survey(&mut ctx, &case_id, &common::survey("张伟", findings, None))
            .unwrap();
        case_id
    };
    let mut env = env(&dir, Lang::ZhCn);
    env.session = Some(session);
    let screen =
        jiuzhu::tui::screens::assessment::case_detail::CaseDetail::load(&mut env, &case_id)
            .unwrap();
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
    t.draw(|f| jiuzhu::tui::screens::Screen::render(&screen, f, f.area(), &env))
        .unwrap();
    let s = common::screen::shown(&t);
    let joined: String = s.split_whitespace().collect();
    assert!(joined.contains(findings), "the findings show whole:\n{s}");
}

/// The clue list opens on the filter the signed-in role acts on: the subdistrict, whose only
/// step on a clue is 受理, sees the reported clues waiting for it; the information officer, who
/// verifies and reports, sees them all.
#[test]
fn the_clue_list_opens_on_the_clues_waiting_for_the_role() {
    use common::history::{new_clue, new_person, on};
    use jiuzhu::tui::screens::discovery::clue_list::ClueList;
    let mut ws = common::DemoWs::new();
    let waiting = new_person(&mut ws, "李秀兰", "360104001001");
    let reported = new_clue(&mut ws, &waiting, "2026-11-20");
    on(&mut ws, "2026-11-20", "demo", |ctx| {
        jiuzhu::app::clue::verify(ctx, &reported, true, "属实").unwrap();
        jiuzhu::app::clue::report(ctx, &reported).unwrap();
    });
    let fresh = new_person(&mut ws, "张桂英", "360104001001");
    new_clue(&mut ws, &fresh, "2026-11-20");
    let signed_in = |user: &str| {
        let mut app = App::signed_in(
            common::screen::env(&ws.db(), Lang::ZhCn),
            common::demo_session(user),
        );
        let tab = ClueList::new(&mut app.env).tab();
        typed(&mut app, "1");
        (tab, common::screen::shown(&draw_at(&mut app, 80, 24)))
    };

    let (tab, screen) = signed_in("subdistrict_caseworker");
    assert_eq!(tab, 3, "the 已上报 tab:\n{screen}");
    assert!(screen.contains("李秀兰"), "{screen}");
    assert!(
        !screen.contains("张桂英"),
        "a clue not yet reported: {screen}"
    );

    let (tab, screen) = signed_in("info_officer");
    assert_eq!(tab, 0, "全部:\n{screen}");
    assert!(
        screen.contains("李秀兰") && screen.contains("张桂英"),
        "{screen}"
    );
}

/// 服务资源 → G opens the provider's agreements; Ctrl+N records one by keys (a unit and a
/// price for the first item, the second left unbought), E ends it with a reason.
#[test]
fn agreements_by_keys() {
    let (dir, session) = workstation();
    let mut app = App::signed_in(env(&dir, Lang::ZhCn), session);
    let snap = |app: &mut App, name: &str| {
        let t = draw_at(app, 80, 24);
        insta::assert_snapshot!(name.to_string(), t.backend());
    };
    typed(&mut app, "7");
    press(&mut app, &[Key::ch('g')]);
    snap(&mut app, "agreements_empty_zh-CN_80x24");
    press(&mut app, &[Key::ctrl('n')]);
    snap(&mut app, "agreement_form_zh-CN_80x24");
    typed(&mut app, "HD-GM-2026-09");
    // 购买单位 (the one offered), 签订日期 empty, then the period.
    press(
        &mut app,
        &[k(KeyCode::Tab), k(KeyCode::Tab), k(KeyCode::Tab)],
    );
    typed(&mut app, "2026-01-01");
    press(&mut app, &[k(KeyCode::Tab)]);
    typed(&mut app, "2026-12-31");
    // Every community is ticked already; item one: its unit (the first, 次) and price.
    press(
        &mut app,
        &[
            k(KeyCode::Tab),
            k(KeyCode::Tab),
            k(KeyCode::Tab),
            k(KeyCode::Right),
            k(KeyCode::Tab),
        ],
    );
    typed(&mut app, "12.5");
    press(&mut app, &[Key::ctrl('s')]);
    let t = draw_at(&mut app, 80, 24);
    let shown: String = (0..24).map(|y| row(&t, y)).collect();
    assert!(
        shown.contains("HD-GM-2026-09") && shown.contains("执行中"),
        "{shown}"
    );
    assert!(shown.contains("供餐送餐 12.50/次"), "{shown}");
    assert!(
        !shown.contains("居家照料"),
        "the item without a unit is not bought"
    );
    snap(&mut app, "agreements_zh-CN_80x24");
    press(&mut app, &[Key::ch('e')]);
    press(
        &mut app,
        &[k(KeyCode::Right), k(KeyCode::Tab), k(KeyCode::Tab)],
    );
    typed(&mut app, "服务机构停业");
    press(&mut app, &[Key::ctrl('s')]);
    let t = draw_at(&mut app, 80, 24);
    let shown: String = (0..24).map(|y| row(&t, y)).collect();
    assert!(shown.contains("提前解除"), "{shown}");
}

/// 服务资源 → G → J: a provider's settlements. Ctrl+N makes last month's, T submits it (asked
/// first), A by the same account is refused in a dialog, and the list shows where it stands.
#[test]
fn settlements_by_keys() {
    let (dir, session) = workstation();
    let mut app = App::signed_in(env(&dir, Lang::ZhCn), session);
    let snap = |app: &mut App, name: &str| {
        let t = draw_at(app, 80, 24);
        insta::assert_snapshot!(name.to_string(), t.backend());
    };
    let screen = |app: &mut App| -> String {
        let t = draw_at(app, 80, 24);
        (0..24).map(|y| row(&t, y)).collect()
    };
    typed(&mut app, "7");
    press(&mut app, &[Key::ch('g'), Key::ch('j')]);
    assert!(screen(&mut app).contains("还没有结算单"));
    // The month offered is last month (the test clock's day is 2026-11-28).
    press(&mut app, &[Key::ctrl('n')]);
    assert!(screen(&mut app).contains("2026-10"), "{}", screen(&mut app));
    press(&mut app, &[Key::ctrl('s')]);
    let shown = screen(&mut app);
    assert!(
        shown.contains("2026-10") && shown.contains("草稿"),
        "{shown}"
    );
    snap(&mut app, "settlements_zh-CN_80x24");
    press(&mut app, &[Key::ch('t')]);
    assert!(screen(&mut app).contains("提交 2026-10 结算单（合计 0.00 元）？"));
    press(&mut app, &[k(KeyCode::Enter)]);
    let shown = screen(&mut app);
    assert!(shown.contains("已提交"), "{shown}");
    press(&mut app, &[Key::ch('a'), k(KeyCode::Enter)]);
    let shown = screen(&mut app);
    assert!(
        shown.contains("出错了"),
        "the submitter may not approve: {shown}"
    );
    press(&mut app, &[k(KeyCode::Enter)]);
    assert!(screen(&mut app).contains("已提交"));
}

/// The money screens at 80×24: 统计报表 → F, the fund ledgers with income booked by Ctrl+N;
/// B, the neighbour-help subsidy lists, a month made, submitted, and refused to its
/// submitter's approval; 服务资源 → H, the helpers, and the visit form.
#[test]
fn money_screens_by_keys() {
    let (dir, session) = workstation();
    {
        let db = dir.path().join("jiuzhu.db");
        let mut store = jiuzhu::store::Store::open(&db, &Default::default()).unwrap();
        let c = clock();
        let mut ctx = Ctx::new(&mut store, session.clone(), &c).unwrap();
        let id_of = |name: &str| -> String {
            rusqlite::Connection::open(&db)
                .unwrap()
                .query_row("SELECT id FROM persons WHERE name = ?1", [name], |r| {
                    r.get(0)
                })
                .unwrap()
        };
        let h = jiuzhu::app::helper::register(
            &mut ctx,
            &jiuzhu::domain::helper::HelperDraft {
                person_id: id_of("张珊珊"),
                bank_name: "中国建设银行".into(),
                bank_account: "6217002430012345678".into(),
            },
        )
        .unwrap();
        jiuzhu::app::helper::add_training(
            &mut ctx,
            &h.meta.id,
            &jiuzhu::domain::helper::TrainingDraft {
                course: "居家照料基本技能".into(),
                organiser: "区红十字会".into(),
                on: "2026-09-20".into(),
                hours: "16".into(),
                passed: true,
            },
        )
        .unwrap();
        let p = jiuzhu::app::helper::pair(
            &mut ctx,
            &jiuzhu::app::helper::PairingDraft {
                helper_id: h.meta.id.clone(),
                person_id: id_of("张三"),
                from: "2026-10-01".into(),
                items: vec!["neighbour_home_care".into()],
                frequency: "weekly".into(),
                ..Default::default()
            },
        )
        .unwrap();
        for day in ["2026-10-08", "2026-10-15"] {
            jiuzhu::app::helper::record_visit(
                &mut ctx,
                &jiuzhu::app::helper::VisitDraft {
                    pairing_id: p.meta.id.clone(),
                    visited_on: day.into(),
                    item: "neighbour_home_care".into(),
                    minutes: 60,
                    content: "打扫卫生".into(),
                    confirmed: true,
                },
            )
            .unwrap();
        }
        jiuzhu::app::subsidy::set_rule(&mut ctx, "per_visit", "20", "200").unwrap();
    }
    let mut app = App::signed_in(env(&dir, Lang::ZhCn), session);
    let snap = |app: &mut App, name: &str| {
        let t = draw_at(app, 80, 24);
        insta::assert_snapshot!(name.to_string(), t.backend());
    };
    let screen = |app: &mut App| -> String {
        let t = draw_at(app, 80, 24);
        (0..24).map(|y| row(&t, y)).collect()
    };
    typed(&mut app, "9");
    press(&mut app, &[Key::ch('f')]);
    assert!(
        screen(&mut app).contains("还没有资金账目"),
        "{}",
        screen(&mut app)
    );
    press(
        &mut app,
        &[Key::ctrl('n'), k(KeyCode::Tab), k(KeyCode::Tab)],
    );
    typed(&mut app, "20000");
    press(&mut app, &[k(KeyCode::Tab), k(KeyCode::Tab)]);
    typed(&mut app, "青财社〔2026〕3号");
    press(&mut app, &[Key::ctrl('s')]);
    let shown = screen(&mut app);
    assert!(
        shown.contains("区财政资金") && shown.contains("20000.00"),
        "{shown}"
    );
    snap(&mut app, "funds_zh-CN_80x24");

    press(&mut app, &[Key::ch('b')]);
    assert!(screen(&mut app).contains("还没有补贴发放表"));
    press(&mut app, &[Key::ctrl('n')]);
    assert!(screen(&mut app).contains("2026-10"), "{}", screen(&mut app));
    press(&mut app, &[Key::ctrl('s')]);
    let shown = screen(&mut app);
    assert!(
        shown.contains("2026-10") && shown.contains("草稿") && shown.contains("40.00"),
        "two visits at 20 元: {shown}"
    );
    snap(&mut app, "subsidies_zh-CN_80x24");
    press(&mut app, &[Key::ch('t')]);
    assert!(screen(&mut app).contains("提交 洪都新村社区 2026-10 补贴发放表（合计 40.00 元）？"));
    press(&mut app, &[k(KeyCode::Enter)]);
    assert!(screen(&mut app).contains("已提交"));
    press(&mut app, &[Key::ch('a'), k(KeyCode::Enter)]);
    let shown = screen(&mut app);
    assert!(
        shown.contains("出错了"),
        "the submitter may not approve: {shown}"
    );
    press(
        &mut app,
        &[
            k(KeyCode::Enter),
            k(KeyCode::Esc),
            k(KeyCode::Esc),
            k(KeyCode::Esc),
        ],
    );

    typed(&mut app, "7");
    press(&mut app, &[Key::ch('h')]);
    let shown = screen(&mut app);
    assert!(
        shown.contains("张珊珊") && shown.contains("已通过"),
        "{shown}"
    );
    snap(&mut app, "helpers_zh-CN_80x24");
    press(&mut app, &[Key::ch('v')]);
    let shown = screen(&mut app);
    assert!(
        shown.contains("互助服务登记：张珊珊") && shown.contains("张三"),
        "{shown}"
    );
    snap(&mut app, "help_visit_zh-CN_80x24");
}
