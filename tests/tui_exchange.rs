//! The 数据交换 screen on two real workstations, a community and its subdistrict, that trust
//! each other and have exchanged bundles: every tab and the comparison of a conflict as insta
//! snapshots at 80x24, and exporting, importing, trusting a card and settling the queue driven
//! by keys as a person would.

mod common;

use std::path::{Path, PathBuf};

use common::exchange::{pair, Station, COM, SUB};
use common::screen::{draw, finish_job, k, press, screen, typed};
use crossterm::event::KeyCode;
use jiuzhu::app::exchange::{self, ExportSummary};
use jiuzhu::app::person;
use jiuzhu::domain::person::PersonDraft;
use jiuzhu::i18n::Lang;
use jiuzhu::sync::keys::show_fingerprint;
use jiuzhu::tui::app::App;
use jiuzhu::tui::env::Env;
use jiuzhu::tui::keys::Key;

const ID_A: &str = "360104195003070027";
const ID_B: &str = "360104195003070035";

fn draft(name: &str, id: &str, phone: &str, community: &str) -> PersonDraft {
    PersonDraft {
        name: name.into(),
        id_number: id.into(),
        community: community.into(),
        phone: phone.into(),
        address: "南昌市青云谱区广州路1号".into(),
        ..Default::default()
    }
}

/// A fixed folder for the bundles a test writes: the sent tab shows their full paths, and a
/// snapshot must not depend on a temporary folder's random name. Each test has its own.
fn folder(name: &str) -> PathBuf {
    let dir = Path::new("/tmp").join(format!("jiuzhu-exchange-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn export(st: &mut Station, to: &str, dir: &Path) -> ExportSummary {
    st.ctx(|ctx| exchange::export(ctx, to, Some(dir), &mut |_, _| true).unwrap())
}

/// A community and its subdistrict, real workstations that trust each other. The community's
/// person went up and the acknowledgement came back; then both changed her phone number and
/// the community sent a second person whose ID number the subdistrict already holds under
/// another name: the subdistrict has one conflict and one review waiting.
fn exchanged(dir: &Path) -> (Station, Station, String) {
    let mut com = Station::community(false);
    let mut sub = Station::subdistrict(false);
    pair(&mut com, &mut sub);
    let pid =
        com.ctx(|ctx| person::create(ctx, &draft("张桂英", ID_A, "13800001234", COM)).unwrap());
    let b1 = export(&mut com, SUB, dir);
    sub.import_ok(&b1.path);
    let ack = export(&mut sub, COM, dir);
    com.import_ok(&ack.path);
    let edit = |st: &mut Station, phone: &str| {
        st.ctx(|ctx| {
            let p = person::get(ctx, &pid).unwrap();
            let d = draft("张桂英", ID_A, phone, COM);
            person::update(ctx, &pid, p.meta.version, &d).unwrap();
        })
    };
    edit(&mut com, "13800005555");
    edit(&mut sub, "13900006666");
    sub.ctx(|ctx| person::create(ctx, &draft("张贵英", ID_B, "", "360104001003")).unwrap());
    com.ctx(|ctx| person::create(ctx, &draft("李秀兰", ID_B, "", COM)).unwrap());
    let b2 = export(&mut com, SUB, dir);
    let r = sub.import_ok(&b2.path);
    assert_eq!((r.conflicts, r.reviews), (1, 1), "{r:?}");
    (com, sub, pid)
}

fn env(st: &Station, lang: Lang) -> Env {
    common::screen::env(&st.db(), lang)
}

fn app(st: &Station, lang: Lang) -> App {
    App::signed_in(env(st, lang), st.session.clone())
}

/// What changes from run to run, with a fixed stand-in of the same width: the workstations'
/// fingerprints (their keys are new every run) and their data folders.
struct Stable(Vec<(String, String)>);

impl Stable {
    fn of(stations: &[&Station]) -> Stable {
        let mut v = Vec::new();
        for (i, st) in stations.iter().enumerate() {
            let fp = exchange::own_card(&st.store).unwrap().fingerprint();
            let digit = char::from(b'1' + i as u8);
            let fixed: String = fp.chars().map(|_| digit).collect();
            v.push((show_fingerprint(&fp), show_fingerprint(&fixed)));
            let dir = st.dir.path().display().to_string();
            let same: String = "/tmp/station-"
                .chars()
                .chain(std::iter::repeat('x'))
                .take(dir.len())
                .collect();
            v.push((dir, same));
        }
        Stable(v)
    }

    fn snap(&self, app: &mut App, name: &str) {
        let t = draw(app);
        let mut text = format!("{}", t.backend());
        for (from, to) in &self.0 {
            text = text.replace(from, to);
        }
        insta::assert_snapshot!(name.to_string(), text);
    }
}

/// Every tab of the subdistrict's 数据交换 screen, the receipt, the comparison of the
/// conflict and of the review, and the home screen's inbox and top bar with the queue.
#[test]
fn exchange_screen_tabs() {
    let dir = folder("tabs");
    let (com, sub, _) = exchanged(&dir);
    let stable = Stable::of(&[&sub, &com]);
    for lang in [Lang::ZhCn, Lang::En] {
        let tag = format!("{}_80x24", lang.code());
        let mut app = app(&sub, lang);
        stable.snap(&mut app, &format!("exchange_home_{tag}"));
        typed(&mut app, "8");
        stable.snap(&mut app, &format!("exchange_peers_{tag}"));
        press(&mut app, &[k(KeyCode::Tab)]);
        stable.snap(&mut app, &format!("exchange_received_{tag}"));
        press(&mut app, &[k(KeyCode::Enter)]);
        stable.snap(&mut app, &format!("exchange_receipt_{tag}"));
        press(&mut app, &[k(KeyCode::Enter), k(KeyCode::Tab)]);
        stable.snap(&mut app, &format!("exchange_sent_{tag}"));
        press(&mut app, &[k(KeyCode::Tab)]);
        stable.snap(&mut app, &format!("exchange_queue_{tag}"));
        press(&mut app, &[k(KeyCode::Enter)]);
        stable.snap(&mut app, &format!("exchange_conflict_{tag}"));
        press(
            &mut app,
            &[k(KeyCode::Esc), k(KeyCode::Down), k(KeyCode::Enter)],
        );
        stable.snap(&mut app, &format!("exchange_review_{tag}"));
        press(&mut app, &[k(KeyCode::F(1))]);
        stable.snap(&mut app, &format!("exchange_review_help_{tag}"));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The 待办 inbox lists the queue as one item that opens the queue tab; settling the
/// conflict by keys takes the received version, dismissing the review needs a reason, and
/// the top bar's count follows.
#[test]
fn the_queue_is_settled_by_keys() {
    let dir = folder("queue");
    let (_com, mut sub, pid) = exchanged(&dir);
    let mut app = app(&sub, Lang::ZhCn);
    let home = screen(&mut app);
    assert!(home.contains("交换待处理 2"), "top bar: {home}");
    assert!(home.contains("2 条交换记录待处理"), "inbox: {home}");
    // The inbox has the focus when something waits; the queue item is its only line.
    press(&mut app, &[k(KeyCode::Enter)]);
    let shown = screen(&mut app);
    assert!(shown.contains("冲突 1 条，待审核 1 条"), "{shown}");
    assert!(shown.contains("本工作站也修改了这条记录"), "{shown}");

    // The conflict: the phone numbers differ, the received one is taken.
    press(&mut app, &[k(KeyCode::Enter)]);
    let detail = screen(&mut app);
    assert!(
        detail.contains("13900006666") && detail.contains("13800005555"),
        "{detail}"
    );
    press(&mut app, &[Key::ch('a')]);
    assert!(app.dialog().is_some(), "asks first");
    press(&mut app, &[Key::ch('n')]);
    assert!(
        screen(&mut app).contains("13900006666"),
        "N changes nothing"
    );
    press(&mut app, &[Key::ch('a'), Key::ch('y')]);
    let list = screen(&mut app);
    assert!(list.contains("冲突 0 条，待审核 1 条"), "{list}");
    assert!(list.contains("交换待处理 1"), "top bar: {list}");
    let items = sub.ctx(|ctx| exchange::open_items(ctx).unwrap());
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].kind, "review");

    // The review: taking it would break the rule again (the ID number is someone else's).
    press(&mut app, &[k(KeyCode::Enter), Key::ch('a'), Key::ch('y')]);
    let refused = app.dialog().expect("the refusal is told").text.clone();
    assert!(refused.contains("身份证号"), "{refused}");
    press(&mut app, &[k(KeyCode::Enter)]);
    // Dismissing needs a reason; while it is typed, letters type.
    press(&mut app, &[Key::ch('d'), k(KeyCode::Enter)]);
    assert!(screen(&mut app).contains("请写明不采用的原因"));
    typed(&mut app, "同一人，已另行合并 a");
    press(&mut app, &[k(KeyCode::Enter)]);
    let list = screen(&mut app);
    assert!(list.contains("没有待处理的交换记录"), "{list}");
    assert!(list.contains("交换待处理 0"), "{list}");
    assert!(sub.ctx(|ctx| exchange::open_items(ctx).unwrap()).is_empty());
    let phone = sub.ctx(|ctx| person::get(ctx, &pid).unwrap().facts.phone);
    assert_eq!(phone.as_deref(), Some("13800005555"));
    sub.assert_check();
    let _ = std::fs::remove_dir_all(&dir);
}

/// A reader who may settle the queue but not edit the person (the district administrator)
/// compares the two versions with the person's facts masked as the person screens mask them.
#[test]
fn the_queue_compares_masked_facts_for_whom_may_not_edit_the_person() {
    let dir = folder("masked");
    let (_com, sub, _) = exchanged(&dir);
    let district = jiuzhu::app::Session {
        username: "district".into(),
        grants: vec![jiuzhu::domain::permission::Grant {
            role: jiuzhu::domain::permission::Role::DistrictAdmin,
            org: "360104".into(),
        }],
    };
    let mut app = App::signed_in(env(&sub, Lang::ZhCn), district);
    typed(&mut app, "8");
    press(
        &mut app,
        &[
            k(KeyCode::Tab),
            k(KeyCode::Tab),
            k(KeyCode::Tab),
            k(KeyCode::Enter),
        ],
    );
    let detail = screen(&mut app);
    assert!(
        detail.contains("139****6666") && detail.contains("138****5555"),
        "{detail}"
    );
    assert!(detail.contains("3601**********0027"), "{detail}");
    for never in [
        "13900006666",
        "13800005555",
        ID_A,
        "广州路",
        "1950-03-07",
        "03-07",
    ] {
        assert!(!detail.contains(never), "{never} shown:\n{detail}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Trusting a card, exporting and importing, all through the screens: the subdistrict reads
/// the community's card and trusts it after Y; the community's bundle written by keys lands
/// in the folder typed, with its full path shown; the subdistrict imports it by keys and the
/// receipt shows; importing it again says so; a file that is no bundle is refused in one
/// line, in red, and changes nothing.
#[test]
fn trust_export_and_import_by_keys() {
    let dir = folder("keys");
    let mut com = Station::community(false);
    let mut sub = Station::subdistrict(false);
    com.trust(&sub);
    com.ctx(|ctx| person::create(ctx, &draft("张桂英", ID_A, "13800001234", COM)).unwrap());
    let (card, fp) = com.card();

    // The subdistrict trusts the community's card through the screen.
    let mut s_app = app(&sub, Lang::ZhCn);
    typed(&mut s_app, "8");
    assert!(screen(&mut s_app).contains("还没有信任任何单位的公钥"));
    typed(&mut s_app, "t");
    press(&mut s_app, &[Key::ctrl('u')]);
    typed(&mut s_app, &card.display().to_string());
    press(&mut s_app, &[k(KeyCode::Enter)]);
    let read = screen(&mut s_app);
    assert!(read.contains("洪都新村社区"), "{read}");
    assert!(read.contains(&show_fingerprint(&fp)), "{read}");
    press(&mut s_app, &[k(KeyCode::Enter)]);
    let ask = s_app.dialog().expect("asks to compare").text.clone();
    assert!(ask.contains(&show_fingerprint(&fp)), "{ask}");
    // Only Y trusts: an Enter pressed once too often does not.
    press(&mut s_app, &[k(KeyCode::Enter)]);
    assert!(s_app.dialog().is_some(), "Enter does not answer");
    press(&mut s_app, &[Key::ch('n')]);
    assert!(
        sub.ctx(|ctx| exchange::overview(ctx).unwrap())
            .peers
            .is_empty(),
        "N trusts nothing"
    );
    press(&mut s_app, &[k(KeyCode::Enter), Key::ch('y')]);
    assert!(s_app.dialog().expect("done").text.contains("已信任"));
    press(&mut s_app, &[k(KeyCode::Enter)]);
    let peers = screen(&mut s_app);
    assert!(
        peers.contains("洪都新村社区") && peers.contains("下级"),
        "{peers}"
    );

    // The community exports through the screen into the folder typed.
    let mut c_app = app(&com, Lang::ZhCn);
    typed(&mut c_app, "8");
    typed(&mut c_app, "e");
    let form = screen(&mut c_app);
    assert!(form.contains("洪都街道（上级）"), "{form}");
    // A folder that is not there is refused before anything runs.
    press(&mut c_app, &[k(KeyCode::Tab), Key::ctrl('u')]);
    typed(&mut c_app, "/nonexistent/usb");
    press(&mut c_app, &[k(KeyCode::Enter)]);
    assert!(!c_app.busy());
    assert!(screen(&mut c_app).contains("不是已有的文件夹：/nonexistent/usb"));
    press(&mut c_app, &[Key::ctrl('u')]);
    typed(&mut c_app, &dir.display().to_string());
    press(&mut c_app, &[k(KeyCode::Enter)]);
    assert!(c_app.busy(), "the export runs as background work");
    finish_job(&mut c_app);
    let bundle = dir.join(format!("{COM}-to-{SUB}-e1-00001.bundle"));
    assert!(bundle.is_file(), "the bundle was written where typed");
    let told = c_app.dialog().expect("a message at the end").text.clone();
    assert!(told.contains(&bundle.display().to_string()), "{told}");
    press(&mut c_app, &[k(KeyCode::Enter)]);
    let shown = screen(&mut c_app);
    assert!(shown.contains("请把这个文件交给对方单位导入"), "{shown}");
    press(
        &mut c_app,
        &[k(KeyCode::Esc), k(KeyCode::Tab), k(KeyCode::Tab)],
    );
    let sent = screen(&mut c_app);
    assert!(sent.contains("共发出 1 个数据包"), "{sent}");

    // The subdistrict imports it through the screen.
    press(&mut s_app, &[Key::ch('i'), Key::ctrl('u')]);
    typed(&mut s_app, &bundle.display().to_string());
    press(&mut s_app, &[k(KeyCode::Enter)]);
    finish_job(&mut s_app);
    let told = s_app.dialog().expect("a message at the end").text.clone();
    assert!(
        told.contains("已导入 洪都新村社区 的第 1 号数据包"),
        "{told}"
    );
    press(&mut s_app, &[k(KeyCode::Enter)]);
    let receipt = screen(&mut s_app);
    assert!(
        receipt.contains("已导入 洪都新村社区 的第 1 号数据包"),
        "{receipt}"
    );
    assert!(receipt.contains("按类别：人员 1"), "{receipt}");
    let held = rusqlite::Connection::open(sub.db())
        .unwrap()
        .query_row(
            "SELECT count(*) FROM persons WHERE name = '张桂英'",
            [],
            |r| r.get::<_, i64>(0),
        )
        .unwrap();
    assert_eq!(held, 1, "the person came up");

    // Again: already imported, nothing changes.
    let before = sub.digest();
    press(&mut s_app, &[k(KeyCode::Enter)]);
    finish_job(&mut s_app);
    press(&mut s_app, &[k(KeyCode::Enter)]);
    assert!(screen(&mut s_app).contains("这个数据包已于 2026-11-28 10:00 导入过"));
    // Not a bundle: refused in one line, nothing changes.
    let junk = dir.join("笔记.txt");
    std::fs::write(&junk, "这不是数据包").unwrap();
    press(&mut s_app, &[Key::ctrl('u')]);
    typed(&mut s_app, &junk.display().to_string());
    press(&mut s_app, &[k(KeyCode::Enter)]);
    finish_job(&mut s_app);
    let d = s_app.dialog().expect("the refusal is told");
    assert_eq!(d.kind, jiuzhu::tui::widgets::dialog::Kind::Error);
    assert!(d.text.contains("不是数据包文件"), "{}", d.text);
    press(&mut s_app, &[k(KeyCode::Enter)]);
    assert!(screen(&mut s_app).contains("不是数据包文件"));
    assert_eq!(sub.digest(), before);
    press(&mut s_app, &[k(KeyCode::Esc), k(KeyCode::Tab)]);
    let received = screen(&mut s_app);
    assert!(received.contains("共导入 1 个数据包"), "{received}");

    // This workstation's own card, written by keys.
    press(&mut s_app, &[Key::ch('c'), Key::ctrl('u')]);
    typed(&mut s_app, &dir.display().to_string());
    press(&mut s_app, &[k(KeyCode::Enter)]);
    let written = screen(&mut s_app);
    assert!(dir.join(format!("{SUB}.card")).is_file(), "{written}");
    assert!(written.contains("公钥卡已写入"), "{written}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every screen of 数据交换 binds each key once.
#[test]
fn every_exchange_screen_binds_each_key_once() {
    let dir = folder("bindings");
    let (_com, sub, _) = exchanged(&dir);
    let mut app = app(&sub, Lang::ZhCn);
    let check = |app: &App| jiuzhu::tui::keys::check_unique(&app.commands()).unwrap();
    typed(&mut app, "8");
    for _ in 0..4 {
        check(&app);
        press(&mut app, &[k(KeyCode::Tab)]);
    }
    press(&mut app, &[k(KeyCode::BackTab), k(KeyCode::Enter)]);
    check(&app);
    press(
        &mut app,
        &[
            k(KeyCode::Esc),
            k(KeyCode::Down),
            k(KeyCode::Enter),
            Key::ch('d'),
        ],
    );
    check(&app);
    press(&mut app, &[k(KeyCode::Esc), k(KeyCode::Esc)]);
    for key in ['e', 'i', 't', 'c'] {
        typed(&mut app, &key.to_string());
        check(&app);
        press(&mut app, &[k(KeyCode::Esc)]);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
