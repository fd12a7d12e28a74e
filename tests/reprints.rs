//! Prints and exports never replace an earlier file: a reprint gets the next version of the
//! name, and two providers' name lists never share a name.

mod common;

use common::history::{in_service, meal_provider_named, C1};
use common::{with_ctx, DemoWs};
use jiuzhu::app::print;
use jiuzhu::i18n::Lang;

#[test]
fn a_reprint_is_a_new_file_beside_the_earlier_one() {
    let mut ws = DemoWs::new();
    meal_provider_named(&mut ws, "洪都助餐中心");
    let case_id = in_service(&mut ws, "张三", C1, "2026-11-20");
    let first = with_ctx(&mut ws, "demo", |ctx| {
        print::needs_form(ctx, &case_id, Lang::ZhCn).unwrap()
    });
    let before = std::fs::read(&first).unwrap();
    // The English one differs, so an overwrite would show.
    let second = with_ctx(&mut ws, "demo", |ctx| {
        print::needs_form(ctx, &case_id, Lang::En).unwrap()
    });
    // The same form again, unchanged: the file already written holds it.
    let again = with_ctx(&mut ws, "demo", |ctx| {
        print::needs_form(ctx, &case_id, Lang::En).unwrap()
    });
    // And the first one again.
    let third = with_ctx(&mut ws, "demo", |ctx| {
        print::needs_form(ctx, &case_id, Lang::ZhCn).unwrap()
    });
    assert_ne!(first, second);
    assert_eq!(again, second);
    assert_eq!(third, first);
    assert_eq!(
        std::fs::read(&first).unwrap(),
        before,
        "the first print is kept"
    );
    let name = |p: &std::path::Path| p.file_name().unwrap().to_string_lossy().into_owned();
    let stem = name(&first).trim_end_matches(".html").to_string();
    assert_eq!(name(&second), format!("{stem}-2.html"));
    // The access log names the file each print went to.
    let c = rusqlite::Connection::open(ws.db()).unwrap();
    let details: Vec<String> = c
        .prepare("SELECT detail FROM access_log WHERE event = 'print' ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(
        details[1].ends_with(&format!("{stem}-2.html")),
        "{details:?}"
    );
}

#[test]
fn providers_created_in_the_same_minute_keep_their_own_name_lists() {
    let mut ws = DemoWs::new();
    // Both made at the same instant: their UUIDv7 ids share the first characters.
    let a = meal_provider_named(&mut ws, "洪都助餐中心");
    in_service(&mut ws, "张三", C1, "2026-11-20");
    let b = meal_provider_named(&mut ws, "顺化门助餐点");
    assert_eq!(a[..8], b[..8]);
    let (path_a, n_a) = with_ctx(&mut ws, "demo", |ctx| {
        print::name_list(ctx, &a, Lang::ZhCn).unwrap()
    });
    assert_eq!(n_a, 1);
    let list_a = std::fs::read(&path_a).unwrap();
    let (path_b, n_b) = with_ctx(&mut ws, "demo", |ctx| {
        print::name_list(ctx, &b, Lang::ZhCn).unwrap()
    });
    assert_eq!(n_b, 0);
    assert_ne!(path_a, path_b);
    assert_eq!(
        std::fs::read(&path_a).unwrap(),
        list_a,
        "A's list of one is not replaced by B's empty one"
    );
    // The names are readable: the provider's name in pinyin and its whole id.
    let name = path_b.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("name-list_shunhuamen"), "{name}");
    assert!(name.contains(&b), "{name}");
}
