//! Bundles between a community and its subdistrict: both ways, receipts, acknowledgements,
//! conflicts and reviews, key rotation and escrow — and every refusal, each leaving the data and
//! change log exactly as they were and the refusal in the access log.

mod common;

use std::path::{Path, PathBuf};

use common::exchange::{pair, put_together, resign, take_apart, Station, COM, SUB};
use jiuzhu::app::exchange::{self, ImportOutcome, Resolution};
use jiuzhu::app::{demo, person, AppError};
use jiuzhu::domain::person::PersonDraft;
use jiuzhu::sync::format::Manifest;
use jiuzhu::sync::payload::Frame;
use jiuzhu::sync::Refusal;

const ID_A: &str = "360104195003070027";
const ID_B: &str = "360104195003070035";

fn draft(name: &str, id: &str, phone: &str) -> PersonDraft {
    PersonDraft {
        name: name.into(),
        id_number: id.into(),
        community: COM.into(),
        phone: phone.into(),
        ..Default::default()
    }
}

/// A demo community with `n` generated persons and its demo subdistrict, enrolled both ways.
fn demo_pair(n: usize) -> (Station, Station) {
    let mut com = Station::community(true);
    let mut sub = Station::subdistrict(true);
    pair(&mut com, &mut sub);
    if n > 0 {
        com.ctx(|ctx| demo::generate(ctx, n, 7, &mut |_, _| true).unwrap());
    }
    (com, sub)
}

/// Real workstations, enrolled both ways, the community holding one person.
fn real_pair() -> (Station, Station, String) {
    let mut com = Station::community(false);
    let mut sub = Station::subdistrict(false);
    pair(&mut com, &mut sub);
    let id = com.ctx(|ctx| person::create(ctx, &draft("张桂英", ID_A, "13800001234")).unwrap());
    (com, sub, id)
}

/// Every row of every replicated table of `from` is in `to`, identical.
fn assert_holds_all_of(from: &Station, to: &Station) {
    let a = rusqlite::Connection::open(from.db()).unwrap();
    let b = rusqlite::Connection::open(to.db()).unwrap();
    let mut compared = 0;
    for table in [
        "persons",
        "clues",
        "cases",
        "providers",
        "registrations",
        "services",
        "documents",
        "postings",
        "complaints",
        "inspections",
        "tasks",
        "households",
        "transfers",
        "document_waivers",
        "agreements",
    ] {
        let mut stmt = a
            .prepare(&format!("SELECT id FROM {table} ORDER BY id"))
            .unwrap();
        let ids: Vec<String> = stmt
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        for id in ids {
            let row = |c: &rusqlite::Connection| -> Option<String> {
                let mut s = c
                    .prepare(&format!("SELECT * FROM {table} WHERE id = ?1"))
                    .unwrap();
                let n = s.column_count();
                let mut rows = s.query([&id]).unwrap();
                rows.next().unwrap().map(|r| {
                    (0..n)
                        .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                        .collect::<Vec<_>>()
                        .join("|")
                })
            };
            assert_eq!(row(&a), row(&b), "{table} {id}");
            compared += 1;
        }
    }
    assert!(compared > 0);
}

#[test]
fn a_round_trip_of_demo_data_leaves_both_sides_agreeing() {
    let (mut com, mut sub) = demo_pair(40);
    let up = com.export_to(SUB);
    assert!(up.entries > 100, "{up:?}");
    let r = sub.import_ok(&up.path);
    assert_eq!(r.applied as u64, up.entries);
    assert_eq!((r.conflicts, r.reviews), (0, 0));
    assert_eq!(r.communities.keys().collect::<Vec<_>>(), vec![COM]);
    assert!(r.kinds["person"] >= 40);
    assert_holds_all_of(&com, &sub);
    sub.assert_check();

    // The subdistrict decides about one of the community's people; the decision goes down.
    let pid = {
        let c = rusqlite::Connection::open(com.db()).unwrap();
        c.query_row("SELECT id FROM persons ORDER BY id LIMIT 1", [], |r| {
            r.get::<_, String>(0)
        })
        .unwrap()
    };
    sub.ctx(|ctx| {
        let p = person::get(ctx, &pid).unwrap();
        let mut d = draft(
            &p.facts.name,
            p.facts.id_number.as_ref().map(|n| n.as_str()).unwrap_or(""),
            "13900002222",
        );
        d.community = p.facts.community.clone();
        // Only the phone changes (a change of 救助身份 would add its follow-up task).
        d.assistance_status = p.facts.assistance_status.clone();
        person::update(ctx, &pid, p.meta.version, &d).unwrap();
    });
    let down = sub.export_to(COM);
    assert_eq!(
        down.entries, 1,
        "only the subdistrict's own change goes down: {down:?}"
    );
    let r = com.import_ok(&down.path);
    assert_eq!(r.applied, 1);
    assert_holds_all_of(&com, &sub);
    com.assert_check();
    sub.assert_check();

    // Both sides now hold everything: the next bundles carry acknowledgements only.
    let again = com.export_to(SUB);
    assert!(again.nothing_new(), "{again:?}");
    let r = sub.import_ok(&again.path);
    assert_eq!(r.entries, 0);
    assert!(sub.export_to(COM).nothing_new());
}

#[test]
fn importing_the_same_bundle_twice_changes_nothing() {
    let (mut com, mut sub) = demo_pair(10);
    let b = com.export_to(SUB);
    sub.import_ok(&b.path);
    let before = sub.digest();
    match sub.import(&b.path).unwrap() {
        ImportOutcome::AlreadyImported { .. } => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(sub.digest(), before);
    assert!(sub
        .access_events()
        .iter()
        .any(|(e, _)| e == "bundle.already_imported"));
}

#[test]
fn unacknowledged_changes_are_sent_again_and_held_ones_are_not_applied_twice() {
    let (mut com, mut sub, _) = real_pair();
    let b1 = com.export_to(SUB);
    com.ctx(|ctx| person::create(ctx, &draft("李秀兰", ID_B, "")).unwrap());
    // No acknowledgement came back: the second bundle carries both changes.
    let b2 = com.export_to(SUB);
    assert_eq!(b2.entries, b1.entries + 1);
    sub.import_ok(&b1.path);
    let r = sub.import_ok(&b2.path);
    assert_eq!((r.already_held, r.applied), (b1.entries as i64, 1));
    sub.assert_check();
}

/// Runs `refuse` against a fresh subdistrict that holds one earlier bundle, and checks the
/// refusal: the expected code, nothing changed, and the refusal in the access log.
fn assert_refused(sub: &mut Station, path: &Path, expected: &str) {
    let before = sub.digest();
    let r = sub.refused(path);
    assert_eq!(r.code(), expected, "{r:?}");
    assert_eq!(sub.digest(), before, "{expected}: data changed");
    let events = sub.access_events();
    let last = events.last().unwrap();
    assert!(
        last.0 == "bundle.refused" || last.0 == "bundle.fork",
        "{expected}: {last:?}"
    );
    assert_eq!(last.1, expected);
    sub.assert_check();
}

fn copy_to(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn a_changed_byte_anywhere_is_refused() {
    let (mut com, mut sub, _) = real_pair();
    let b = com.export_to(SUB);
    let bytes = std::fs::read(&b.path).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    // Tar headers, the manifest, the signature, the age header and the age body.
    let positions = [
        0,
        100,
        148,
        600,
        700,
        1100,
        1600,
        1700,
        bytes.len() / 2,
        bytes.len() - 1100,
    ];
    for (n, &at) in positions.iter().enumerate() {
        let mut t = bytes.clone();
        t[at] ^= 0x01;
        let p = copy_to(tmp.path(), &format!("t{n}.bundle"), &t);
        let before = sub.digest();
        let r = sub.refused(&p);
        assert_eq!(sub.digest(), before, "byte {at}: {r:?}");
    }
    // The untouched bundle still imports: nothing was half-applied.
    sub.import_ok(&b.path);
    sub.assert_check();
}

#[test]
fn truncated_empty_and_foreign_files_are_refused() {
    let (mut com, mut sub, _) = real_pair();
    let b = com.export_to(SUB);
    let bytes = std::fs::read(&b.path).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    assert_refused(&mut sub, &copy_to(tmp.path(), "empty", b""), "empty_file");
    assert_refused(
        &mut sub,
        &copy_to(
            tmp.path(),
            "text",
            "姓名,身份证号\n张三,1\n".repeat(200).as_bytes(),
        ),
        "not_a_bundle",
    );
    for cut in [600, 1024, 1600, bytes.len() - 1030, bytes.len() - 1] {
        let p = copy_to(tmp.path(), &format!("cut{cut}"), &bytes[..cut]);
        let r = sub.refused(&p);
        assert!(
            matches!(
                r,
                Refusal::Truncated | Refusal::NotABundle | Refusal::Members { .. }
            ),
            "cut at {cut}: {r:?}"
        );
    }
    let mut trailing = bytes.clone();
    trailing.extend_from_slice(&[0u8; 512]);
    assert_refused(
        &mut sub,
        &copy_to(tmp.path(), "trailing", &trailing),
        "members",
    );
}

/// A tar of the given (name, content) members, names written as raw bytes.
fn tar_of(members: &[(&[u8], &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, content) in members {
        let mut h = tar::Header::new_ustar();
        h.set_size(content.len() as u64);
        h.set_mode(0o600);
        h.set_entry_type(tar::EntryType::Regular);
        let raw = &mut h.as_ustar_mut().unwrap().name;
        raw[..name.len()].copy_from_slice(name);
        h.set_cksum();
        b.append(&h, *content).unwrap();
    }
    b.into_inner().unwrap()
}

#[test]
fn members_swapped_missing_added_or_escaping_are_refused() {
    let (mut com, mut sub, _) = real_pair();
    let b = com.export_to(SUB);
    let opened = jiuzhu::sync::format::open(&b.path).unwrap();
    let bytes = std::fs::read(&b.path).unwrap();
    let payload = &bytes
        [opened.payload_offset as usize..(opened.payload_offset + opened.payload_size) as usize];
    let sig = opened.signature.to_bytes();
    let m = opened.manifest_bytes.as_slice();
    let tmp = tempfile::tempdir().unwrap();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "swapped",
            tar_of(&[
                (b"manifest.sig", &sig),
                (b"manifest.json", m),
                (b"payload.age", payload),
            ]),
        ),
        (
            "missing",
            tar_of(&[(b"manifest.json", m), (b"manifest.sig", &sig)]),
        ),
        (
            "added",
            tar_of(&[
                (b"manifest.json", m),
                (b"manifest.sig", &sig),
                (b"payload.age", payload),
                (b"extra.txt", b"x"),
            ]),
        ),
        (
            "escaping",
            tar_of(&[
                (b"manifest.json", m),
                (b"../manifest.sig", &sig),
                (b"payload.age", payload),
            ]),
        ),
    ];
    for (name, t) in cases {
        let p = copy_to(tmp.path(), name, &t);
        assert_refused(&mut sub, &p, "members");
    }
    // The genuine members in a freshly made tar import fine: the test tars are fair.
    let p = tmp.path().join("same");
    let f = std::fs::File::create(&p).unwrap();
    jiuzhu::sync::format::write_bundle(f, m, &sig, &mut &payload[..], payload.len() as u64)
        .unwrap();
    sub.import_ok(&p);
}

#[test]
fn a_huge_declared_size_is_refused_without_allocating() {
    let (_com, mut sub, _) = real_pair();
    let mut h = tar::Header::new_ustar();
    h.set_path("manifest.json").unwrap();
    h.set_size(10 << 30);
    h.set_entry_type(tar::EntryType::Regular);
    h.set_cksum();
    let mut bytes = h.as_bytes().to_vec();
    bytes.extend_from_slice(&[0u8; 2048]);
    let tmp = tempfile::tempdir().unwrap();
    assert_refused(&mut sub, &copy_to(tmp.path(), "huge", &bytes), "too_large");
}

#[test]
fn unknown_revoked_and_misaddressed_senders_are_refused() {
    let (mut com, mut sub, _) = real_pair();
    let b = com.export_to(SUB);
    // A second subdistrict workstation of the same unit: it trusts the community, but the
    // bundle names the first as its destination (and is encrypted to it alone).
    let mut other = Station::subdistrict(false);
    assert_refused(&mut other, &b.path, "unknown_sender");
    other.trust(&com);
    assert_refused(&mut other, &b.path, "not_for_us");
    // Revoked: refused from now on.
    let fp = exchange::own_card(&com.store).unwrap().fingerprint();
    sub.ctx(|ctx| exchange::revoke(ctx, &fp).unwrap());
    assert_refused(&mut sub, &b.path, "revoked_sender");
}

#[test]
fn a_manifest_claiming_another_tier_or_a_newer_format_is_refused() {
    let (mut com, mut sub, _) = real_pair();
    let b = com.export_to(SUB);
    let opened = jiuzhu::sync::format::open(&b.path).unwrap();
    let fp = opened.signature.fingerprint.clone();
    let keys = com.keys();
    let tmp = tempfile::tempdir().unwrap();

    let mut m = Manifest::parse(&opened.manifest_bytes).unwrap();
    m.sender.tier = "subdistrict".into();
    let p = tmp.path().join("tier.bundle");
    resign(&b.path, &m.to_bytes(), &keys, &fp, &p);
    assert_refused(&mut sub, &p, "wrong_tier");

    let text = String::from_utf8(opened.manifest_bytes.clone())
        .unwrap()
        .replace(
            &format!("\"version\": \"{}\"", jiuzhu::sync::format::VERSION),
            "\"version\": \"2.0\"",
        );
    let p = tmp.path().join("newer.bundle");
    resign(&b.path, text.as_bytes(), &keys, &fp, &p);
    assert_refused(&mut sub, &p, "newer_format");
    let msg = match sub.import(&p) {
        Err(e) => jiuzhu::i18n::Localize::localize(&e, jiuzhu::i18n::Lang::En),
        Ok(o) => panic!("{o:?}"),
    };
    assert!(msg.contains("2.0") && msg.contains("newer"), "{msg}");

    // Signed by another enrolled key than the one it names: the signature does not verify.
    let p = tmp.path().join("other-key.bundle");
    resign(&b.path, &opened.manifest_bytes, &sub.keys(), &fp, &p);
    assert_refused(&mut sub, &p, "bad_signature");
}

#[test]
fn an_older_bundle_after_a_newer_one_and_a_fork_are_refused() {
    let (mut com, mut sub, _) = real_pair();
    let b1 = com.export_to(SUB);
    com.ctx(|ctx| person::create(ctx, &draft("李秀兰", ID_B, "")).unwrap());
    let b2 = com.export_to(SUB);
    sub.import_ok(&b2.path);
    assert_refused(&mut sub, &b1.path, "replay");

    // A community that forgot it wrote No. 2 writes another No. 2 with other content.
    com.sql("DELETE FROM bundles_out WHERE bundle_seq = 2");
    com.ctx(|ctx| person::create(ctx, &draft("王建国", "36010419400505005X", "")).unwrap());
    let forked = com.export_to(SUB);
    assert_eq!(forked.bundle_seq, 2);
    assert_refused(&mut sub, &forked.path, "fork");
}

#[test]
fn a_gap_names_the_missing_range() {
    let (mut com, mut sub, _) = real_pair();
    // A copy of the subdistrict as it was before anything arrived (a backup).
    let backup_dir = tempfile::tempdir().unwrap();
    let backup_db = backup_dir.path().join("jiuzhu.db");
    {
        let c = rusqlite::Connection::open(sub.db()).unwrap();
        c.execute("VACUUM INTO ?1", [backup_db.to_str().unwrap()])
            .unwrap();
    }
    copy_dir(
        &sub.dir.path().join("keys"),
        &backup_dir.path().join("keys"),
    );

    let b1 = com.export_to(SUB);
    sub.import_ok(&b1.path);
    let ack = sub.export_to(COM);
    com.import_ok(&ack.path);
    com.ctx(|ctx| person::create(ctx, &draft("李秀兰", ID_B, "")).unwrap());
    let b2 = com.export_to(SUB);

    let mut restored = Station {
        store: jiuzhu::store::Store::open(&backup_db, &Default::default()).unwrap(),
        dir: backup_dir,
        session: sub.session.clone(),
        org: SUB.into(),
    };
    let r = restored.refused(&b2.path);
    match &r {
        Refusal::Gap { from, to, .. } => assert_eq!((*from, *to), (1, b1.entries as i64)),
        other => panic!("{other:?}"),
    }
    let msg = jiuzhu::i18n::Localize::localize(&r, jiuzhu::i18n::Lang::ZhCn);
    assert!(
        msg.contains("洪都新村社区") && msg.contains(&format!("1–{}", b1.entries)),
        "{msg}"
    );
    // The earlier bundle fills the gap; then the later one imports.
    restored.import_ok(&b1.path);
    restored.import_ok(&b2.path);
    // The data is whole again; only the access log tells the copy was rolled back by hand
    // (not by `restore`): the community saw its head, and it is no longer there.
    let findings = restored
        .ctx(|ctx| jiuzhu::app::check::run(ctx).unwrap())
        .findings;
    assert!(
        matches!(
            findings.as_slice(),
            [jiuzhu::app::check::Finding::AccessTailRewritten {
                witness: jiuzhu::app::check::Witness::Peer(org),
                ..
            }] if org == COM
        ),
        "{findings:?}"
    );
}

/// Enrols `other`'s card in `st` directly in the database, as no use case would.
fn force_trust(st: &Station, other: &Station) {
    let (card, fp) = other.card();
    let text = std::fs::read_to_string(&card).unwrap();
    let c = jiuzhu::sync::keys::Card::parse(&text).unwrap();
    st.sql(&format!(
        "INSERT INTO peers (fingerprint, workstation, org_code, org_name, tier, parent, demo, sign_key, age_recipient, card, enrolled_at, enrolled_by)
         VALUES ('{fp}', '{}', '{}', 'x', '{}', {}, {}, '{}', '{}', '{}', '2026-11-28T09:00:00.000Z', 'test')",
        c.workstation,
        c.org_code,
        c.tier,
        c.parent.map(|p| format!("'{p}'")).unwrap_or("NULL".into()),
        i32::from(c.demo),
        c.sign_key,
        c.age_recipient,
        text.replace('\'', "''")
    ));
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

#[test]
fn doctored_payloads_are_refused_entry_by_entry() {
    let (mut com, mut sub, _) = real_pair();
    let b = com.export_to(SUB);
    let parts = take_apart(&b.path, &sub.keys());
    let fp = exchange::own_card(&com.store).unwrap().fingerprint();
    let recipient = exchange::own_card(&sub.store).unwrap().recipient().unwrap();
    let keys = com.keys();
    let tmp = tempfile::tempdir().unwrap();
    let first_entry = parts
        .frames
        .iter()
        .position(|f| matches!(f, Frame::Entry(_)))
        .unwrap();

    // A fair rebuild imports (at the end): the doctoring below is what is refused.
    let fair = tmp.path().join("fair.bundle");
    put_together(&parts, &keys, &fp, &recipient, &fair);

    let sub_keys = sub.keys();
    let doctor = |name: &str, f: &dyn Fn(&mut Vec<Frame>)| -> PathBuf {
        let mut p = take_apart(&b.path, &sub_keys);
        f(&mut p.frames);
        let out = tmp.path().join(name);
        put_together(&p, &keys, &fp, &recipient, &out);
        out
    };
    let dup = doctor("dup", &|frames| {
        let Frame::Entry(e) = &frames[first_entry] else {
            unreachable!()
        };
        let e = e.clone();
        frames.insert(first_entry + 1, Frame::Entry(e));
    });
    assert_refused(&mut sub, &dup, "duplicate_entry");

    let changed = doctor("changed", &|frames| {
        if let Frame::Entry(e) = &mut frames[first_entry] {
            e.record = e.record.replace("张桂英", "张桂芳");
        }
    });
    assert_refused(&mut sub, &changed, "entry_hash");

    let malformed = doctor("malformed", &|frames| {
        if let Frame::Entry(e) = &mut frames[first_entry] {
            e.record = "not json".into();
            let mut entry = jiuzhu::store::changelog::ChangeEntry {
                origin: e.origin.clone(),
                epoch: e.epoch,
                seq: e.seq,
                actor: e.actor.clone(),
                at: e.at.clone(),
                kind: e.kind.clone(),
                entity: e.entity.clone(),
                record_id: e.record_id.clone(),
                record: e.record.clone(),
                prev_hash: [0; 32],
            };
            hex::decode_to_slice(&e.prev_hash, &mut entry.prev_hash).unwrap();
            e.hash = hex::encode(entry.hash());
        }
    });
    // Its hash is recomputed, so the next entry's link breaks or the record is refused.
    let r = sub.refused(&malformed);
    assert!(
        matches!(r, Refusal::Malformed { .. } | Refusal::EntryHash { .. }),
        "{r:?}"
    );

    let blob = doctor("blob", &|frames| {
        frames.insert(
            first_entry,
            Frame::Blob {
                sha256: [9u8; 32],
                bytes: b"%PDF-1.4 scan".to_vec(),
            },
        );
    });
    assert_refused(&mut sub, &blob, "attachment_hash");

    let cut = doctor("cut", &|frames| {
        frames.retain(|f| !matches!(f, Frame::Trailer(_)));
    });
    assert_refused(&mut sub, &cut, "truncated");

    let foreign = doctor("foreign", &|frames| {
        if let Frame::Header(h) = &mut frames[0] {
            h.bundle_id = "01900000-0000-7000-8000-000000000000".into();
        }
    });
    assert_refused(&mut sub, &foreign, "header_mismatch");

    // Encrypted to someone else: signed and whole, but this workstation cannot read it.
    let stranger = age::x25519::Identity::generate().to_public();
    let p = take_apart(&b.path, &sub.keys());
    let out = tmp.path().join("stranger");
    put_together(&p, &keys, &fp, &stranger, &out);
    assert_refused(&mut sub, &out, "decrypt");

    sub.import_ok(&fair);
}

#[test]
fn a_demo_bundle_is_refused_by_a_real_workstation() {
    let (mut com, _demo_sub) = demo_pair(3);
    let mut real = Station::subdistrict(false);
    // A real workstation refuses to enrol a demo card …
    let (card, fp) = com.card();
    let r = real.ctx(|ctx| exchange::trust(ctx, &card, &fp, false));
    assert!(
        matches!(r, Err(AppError::Bundle(Refusal::DemoMismatch { .. }))),
        "{r:?}"
    );
    // … and, had the keys been enrolled some other way, refuses the demo bundle.
    force_trust(&real, &com);
    force_trust(&com, &real);
    let ws = real.store.workstation().unwrap();
    // The community now has two subdistrict keys for one unit; it writes to the newest.
    let b = com.export_to(SUB);
    let m = take_apart(&b.path, &real.keys()).manifest;
    assert_eq!(m.destination.workstation, ws.id);
    assert_refused(&mut real, &b.path, "demo_mismatch");
}

#[test]
fn two_imports_of_the_same_file_at_once_apply_it_once() {
    let (mut com, sub) = demo_pair(30);
    let b = com.export_to(SUB);
    let db = sub.db();
    let session = sub.session.clone();
    let run = |path: PathBuf| {
        let db = db.clone();
        let session = session.clone();
        std::thread::spawn(move || {
            let mut store = jiuzhu::store::Store::open(&db, &Default::default()).unwrap();
            let c = common::clock();
            let mut ctx = jiuzhu::app::Ctx::new(&mut store, session, &c).unwrap();
            exchange::import(&mut ctx, &path, &mut |_, _| true).unwrap()
        })
    };
    let t1 = run(b.path.clone());
    let t2 = run(b.path.clone());
    let outcomes = [t1.join().unwrap(), t2.join().unwrap()];
    let imported = outcomes
        .iter()
        .filter(|o| matches!(o, ImportOutcome::Imported(_)))
        .count();
    assert_eq!(imported, 1, "{outcomes:?}");
    let mut sub = sub;
    sub.assert_check();
    assert_holds_all_of(&com, &sub);
}

#[test]
fn a_record_changed_on_both_sides_waits_in_the_conflict_queue() {
    let (mut com, mut sub, pid) = real_pair();
    let b1 = com.export_to(SUB);
    sub.import_ok(&b1.path);
    let ack = sub.export_to(COM);
    com.import_ok(&ack.path);

    let edit = |st: &mut Station, phone: &str| {
        st.ctx(|ctx| {
            let p = person::get(ctx, &pid).unwrap();
            person::update(ctx, &pid, p.meta.version, &draft("张桂英", ID_A, phone)).unwrap();
        })
    };
    edit(&mut com, "13800005555");
    edit(&mut sub, "13900006666");
    let b2 = com.export_to(SUB);
    let r = sub.import_ok(&b2.path);
    assert_eq!((r.conflicts, r.applied), (1, 0));
    // Nothing was overwritten: the subdistrict's version stands, the community's waits.
    let phone = |st: &mut Station| st.ctx(|ctx| person::get(ctx, &pid).unwrap().facts.phone);
    assert_eq!(phone(&mut sub).as_deref(), Some("13900006666"));
    let items = sub.ctx(|ctx| exchange::open_items(ctx).unwrap());
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].kind, "conflict");
    assert!(items[0].incoming_record.contains("13800005555"));
    assert!(items[0]
        .local_record
        .as_deref()
        .unwrap()
        .contains("13900006666"));
    sub.assert_check();

    // A person takes the community's version; it goes back down as the newer change.
    let id = items[0].id;
    sub.ctx(|ctx| exchange::resolve(ctx, id, Resolution::Incoming, None).unwrap());
    assert_eq!(phone(&mut sub).as_deref(), Some("13800005555"));
    assert!(sub.ctx(|ctx| exchange::open_items(ctx).unwrap()).is_empty());
    let d2 = sub.export_to(COM);
    let r = com.import_ok(&d2.path);
    assert_eq!(r.conflicts, 0);
    assert_eq!(phone(&mut com).as_deref(), Some("13800005555"));
    assert_holds_all_of(&com, &sub);
    com.assert_check();
    sub.assert_check();
}

#[test]
fn an_entry_that_breaks_a_rule_here_waits_for_review_without_blocking_the_rest() {
    let (mut com, mut sub, _) = real_pair();
    // The subdistrict already holds someone else under the community person's ID number.
    let mut d = draft("张贵英", ID_A, "");
    d.community = "360104001003".into();
    sub.ctx(|ctx| person::create(ctx, &d).unwrap());
    com.ctx(|ctx| person::create(ctx, &draft("李秀兰", ID_B, "")).unwrap());
    let b = com.export_to(SUB);
    let r = sub.import_ok(&b.path);
    assert_eq!((r.reviews, r.applied), (1, b.entries as i64 - 1), "{r:?}");
    let items = sub.ctx(|ctx| exchange::open_items(ctx).unwrap());
    assert_eq!(items[0].kind, "review");
    assert_eq!(items[0].reason, "duplicate_id_number");
    sub.assert_check();
    // Taking it as it is would still break the rule: refused, the item stays open.
    let id = items[0].id;
    let r = sub.ctx(|ctx| exchange::resolve(ctx, id, Resolution::Incoming, None));
    assert!(
        matches!(r, Err(AppError::ExchangeApply("duplicate_id_number"))),
        "{r:?}"
    );
    sub.ctx(|ctx| {
        exchange::resolve(ctx, id, Resolution::Dismiss, Some("同一人，已另行合并")).unwrap()
    });
    assert!(sub.ctx(|ctx| exchange::open_items(ctx).unwrap()).is_empty());
    sub.assert_check();
}

#[test]
fn a_rotated_key_is_announced_by_the_old_one() {
    let (mut com, mut sub, _) = real_pair();
    let before = com.export_to(SUB);
    let new_card = com.ctx(|ctx| exchange::rotate(ctx).unwrap());
    let after = com.export_to(SUB);
    sub.import_ok(&before.path);
    let r = sub.import_ok(&after.path);
    assert!(r.key_rotated);
    let peers = sub.ctx(|ctx| exchange::overview(ctx).unwrap()).peers;
    let current: Vec<_> = peers
        .iter()
        .filter(|p| p.peer.replaced_by.is_none() && p.peer.revoked_at.is_none())
        .map(|p| p.peer.fingerprint.clone())
        .collect();
    assert!(current.contains(&new_card.fingerprint()));
    // Bundles from the subdistrict now go to the community's new key, which reads them.
    let down = sub.export_to(COM);
    com.import_ok(&down.path);
    // The old key no longer signs anything here.
    let old = take_apart(&after.path, &sub.keys());
    let tmp = tempfile::tempdir().unwrap();
    let forged = tmp.path().join("old-key");
    let old_fp = peers
        .iter()
        .find(|p| p.peer.replaced_by.is_some())
        .unwrap()
        .peer
        .fingerprint
        .clone();
    put_together(
        &old,
        &com.keys(),
        &old_fp,
        &exchange::own_card(&sub.store).unwrap().recipient().unwrap(),
        &forged,
    );
    let r = sub.refused(&forged);
    assert!(
        matches!(r, Refusal::RevokedSender { .. } | Refusal::BadSignature),
        "{r:?}"
    );
}

#[test]
fn an_escrow_recipient_can_read_the_bundle_too() {
    let (mut com, sub, _) = real_pair();
    let escrow = age::x25519::Identity::generate();
    com.ctx(|ctx| exchange::set_escrow(ctx, Some(&escrow.to_public().to_string())).unwrap());
    let b = com.export_to(SUB);
    let opened = jiuzhu::sync::format::open(&b.path).unwrap();
    let m = Manifest::parse(&opened.manifest_bytes).unwrap();
    assert!(m.payload.escrow);
    let reader = jiuzhu::sync::format::payload_reader(&b.path, &opened).unwrap();
    let d = age::Decryptor::new_buffered(reader).unwrap();
    let mut plain = Vec::new();
    std::io::Read::read_to_end(
        &mut d
            .decrypt(std::iter::once(&escrow as &dyn age::Identity))
            .unwrap(),
        &mut plain,
    )
    .unwrap();
    assert_eq!(plain.len() as u64, m.payload.plain_size);
    // A bad recipient is refused by name.
    let r = com.ctx(|ctx| exchange::set_escrow(ctx, Some("age1nonsense")));
    assert!(matches!(r, Err(AppError::Validation(_))), "{r:?}");
    drop(sub);
}

#[test]
fn the_manifest_carries_no_personal_data() {
    let (mut com, _sub, _) = real_pair();
    let b = com.export_to(SUB);
    let opened = jiuzhu::sync::format::open(&b.path).unwrap();
    let text = String::from_utf8(opened.manifest_bytes).unwrap();
    assert!(!text.contains("张桂英") && !text.contains(ID_A) && !text.contains("13800001234"));
    // Nor does the file anywhere in clear.
    let bytes = std::fs::read(&b.path).unwrap();
    let hay = String::from_utf8_lossy(&bytes);
    assert!(!hay.contains(ID_A) && !hay.contains("张桂英"));
}

#[test]
fn only_a_parent_or_child_unit_is_enrolled_and_only_on_a_matching_fingerprint() {
    let mut com = Station::community(false);
    let other_sub = Station::new(
        jiuzhu::domain::org::Tier::Subdistrict,
        "360104002",
        "京山街道",
        false,
    );
    let (card, fp) = other_sub.card();
    let r = com.ctx(|ctx| exchange::trust(ctx, &card, &fp, false));
    assert!(
        matches!(r, Err(AppError::Bundle(Refusal::NotParentOrChild { .. }))),
        "{r:?}"
    );
    let sub = Station::subdistrict(false);
    let (card, fp) = sub.card();
    let wrong: String = fp.chars().rev().collect();
    let r = com.ctx(|ctx| exchange::trust(ctx, &card, &wrong, false));
    assert!(
        matches!(r, Err(AppError::Bundle(Refusal::FingerprintMismatch))),
        "{r:?}"
    );
    let grouped = jiuzhu::sync::keys::show_fingerprint(&fp);
    let r = com
        .ctx(|ctx| exchange::trust(ctx, &card, &grouped, false))
        .unwrap();
    assert!(matches!(r, exchange::TrustOutcome::Enrolled(_)));
}

#[test]
fn a_workstation_restored_from_a_backup_starts_a_new_epoch_and_gets_back_what_it_lost() {
    let (mut com, mut sub, _) = real_pair();
    let b1 = com.export_to(SUB);
    sub.import_ok(&b1.path);
    let backup = com
        .ctx(|ctx| jiuzhu::app::backup::backup(ctx, Some(&ctx_dir(ctx))).unwrap())
        .path;
    // A change made after the backup reaches the subdistrict, then the community's disk fails.
    let lost = com.ctx(|ctx| person::create(ctx, &draft("李秀兰", ID_B, "")).unwrap());
    let b2 = com.export_to(SUB);
    sub.import_ok(&b2.path);

    let scratch = tempfile::tempdir().unwrap();
    let placeholder = jiuzhu::store::Store::open(
        &scratch.path().join("x.db"),
        &jiuzhu::store::OpenOptions {
            create: true,
            ..Default::default()
        },
    )
    .unwrap();
    drop(std::mem::replace(&mut com.store, placeholder));
    let s = jiuzhu::app::backup::restore(
        &com.db(),
        &backup,
        None,
        "admin",
        zeroize::Zeroizing::new("Qingyunpu-2026!".into()),
        &common::clock(),
    )
    .unwrap();
    assert_eq!(s.new_epoch, 2);
    com.store = jiuzhu::store::Store::open(&com.db(), &Default::default()).unwrap();
    assert!(
        com.ctx(|ctx| person::get(ctx, &lost)).is_err(),
        "the backup predates it"
    );

    // New changes go into the new epoch: no collision with what the subdistrict holds.
    com.ctx(|ctx| person::create(ctx, &draft("王建国", "36010419400505005X", "")).unwrap());
    let b3 = com.export_to(SUB);
    let m = take_apart(&b3.path, &sub.keys()).manifest;
    assert_eq!((m.epoch, m.bundle_seq), (2, 1));
    let r = sub.import_ok(&b3.path);
    assert_eq!(r.applied, 1);
    // Its acknowledgement says what it now holds, so the subdistrict sends the lost change back.
    let down = sub.export_to(COM);
    let r = com.import_ok(&down.path);
    assert!(r.applied >= 1, "{r:?}");
    assert!(com.ctx(|ctx| person::get(ctx, &lost)).is_ok());
    assert_holds_all_of(&com, &sub);
    com.assert_check();
    sub.assert_check();
}

fn ctx_dir(ctx: &jiuzhu::app::Ctx<'_>) -> PathBuf {
    ctx.store.path().parent().unwrap().to_path_buf()
}

#[test]
fn a_change_to_a_case_stopped_here_waits_for_review() {
    let (mut com, mut sub) = demo_pair(60);
    let b1 = com.export_to(SUB);
    sub.import_ok(&b1.path);
    let ack = sub.export_to(COM);
    com.import_ok(&ack.path);
    // The community's next bundle carries one more change of a case both hold as stopped —
    // something only a faulty or foreign program would send; it is authentic, so it waits.
    let (case_id, record, last_seq, last_hash, origin): (String, String, i64, Vec<u8>, String) = {
        let c = rusqlite::Connection::open(com.db()).unwrap();
        let (case_id, record): (String, String) = c
            .query_row(
                "SELECT l.record_id, l.record FROM change_log l JOIN cases k ON k.id = l.record_id
                 WHERE k.state = 'stopped' ORDER BY l.local_order DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        let (seq, hash, origin) = c
            .query_row(
                "SELECT seq, hash, origin FROM change_log ORDER BY seq DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        (case_id, record, seq, hash, origin)
    };
    let b2 = com.export_to(SUB);
    assert!(b2.nothing_new());
    let mut parts = take_apart(&b2.path, &sub.keys());
    let mut value: serde_json::Value = serde_json::from_str(&record).unwrap();
    value["state"] = "in_service".into();
    value["version"] = (value["version"].as_i64().unwrap() + 1).into();
    let mut entry = jiuzhu::store::changelog::ChangeEntry {
        origin: origin.clone(),
        epoch: 1,
        seq: last_seq + 1,
        actor: "admin".into(),
        at: "2026-11-28T03:00:00.000Z".into(),
        kind: "case.resume".into(),
        entity: "case".into(),
        record_id: case_id.clone(),
        record: value.to_string(),
        prev_hash: [0; 32],
    };
    entry.prev_hash.copy_from_slice(&last_hash);
    let hash = hex::encode(entry.hash());
    let trailer = parts.frames.pop().unwrap();
    parts
        .frames
        .push(Frame::Entry(jiuzhu::sync::payload::Entry {
            origin: entry.origin.clone(),
            epoch: 1,
            seq: entry.seq,
            actor: entry.actor.clone(),
            at: entry.at.clone(),
            kind: entry.kind.clone(),
            entity: entry.entity.clone(),
            record_id: case_id.clone(),
            record: entry.record.clone(),
            prev_hash: hex::encode(entry.prev_hash),
            hash,
        }));
    if let Frame::Trailer(mut t) = trailer {
        t.entries = 1;
        parts.frames.push(Frame::Trailer(t));
    }
    parts.manifest.entries = 1;
    parts.manifest.ranges = vec![jiuzhu::sync::format::Range {
        origin,
        epoch: 1,
        from: last_seq + 1,
        to: last_seq + 1,
        entries: 1,
    }];
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("resume.bundle");
    let fp = exchange::own_card(&com.store).unwrap().fingerprint();
    let recipient = exchange::own_card(&sub.store).unwrap().recipient().unwrap();
    put_together(&parts, &com.keys(), &fp, &recipient, &out);
    let r = sub.import_ok(&out);
    assert_eq!((r.reviews, r.applied), (1, 0), "{r:?}");
    let items = sub.ctx(|ctx| exchange::open_items(ctx).unwrap());
    assert_eq!(
        (items[0].kind.as_str(), items[0].reason.as_str()),
        ("review", "closed_here")
    );
    let state: String = rusqlite::Connection::open(sub.db())
        .unwrap()
        .query_row("SELECT state FROM cases WHERE id = ?1", [&case_id], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(state, "stopped", "closed stays closed");
    sub.assert_check();
}

#[test]
fn a_chain_rewritten_after_its_signed_checkpoint_is_found() {
    let (mut com, mut sub, _) = real_pair();
    let b = com.export_to(SUB);
    sub.import_ok(&b.path);
    sub.assert_check();
    // Someone with the sqlite3 shell rewrites the community's last entry at the subdistrict
    // and recomputes its hash, so the chain itself still verifies.
    let c = rusqlite::Connection::open(sub.db()).unwrap();
    let (origin, epoch, seq, actor, at, kind, entity, record_id, record, prev): (
        String,
        i64,
        i64,
        String,
        String,
        String,
        String,
        String,
        String,
        Vec<u8>,
    ) = c
        .query_row(
            "SELECT origin, epoch, seq, actor, at, kind, entity, record_id, record, prev_hash
             FROM change_log WHERE entity = 'person' ORDER BY local_order DESC LIMIT 1",
            [],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                    r.get(9)?,
                ))
            },
        )
        .unwrap();
    let mut e = jiuzhu::store::changelog::ChangeEntry {
        origin,
        epoch,
        seq,
        actor,
        at,
        kind,
        entity,
        record_id,
        record: record.replace("13800001234", "13800009999"),
        prev_hash: [0; 32],
    };
    e.prev_hash.copy_from_slice(&prev);
    c.execute_batch("DROP TRIGGER change_log_no_update")
        .unwrap();
    c.execute(
        "UPDATE change_log SET record = ?1, hash = ?2 WHERE origin = ?3 AND epoch = ?4 AND seq = ?5",
        rusqlite::params![e.record, e.hash().to_vec(), e.origin, e.epoch, e.seq],
    )
    .unwrap();
    let report = sub.ctx(|ctx| jiuzhu::app::check::audit_verify(ctx).unwrap());
    assert!(
        report.findings.iter().any(
            |f| matches!(f, jiuzhu::app::check::Finding::CheckpointBroken(_, _, s) if *s == e.seq)
        ),
        "{:?}",
        report.findings
    );
}

#[test]
fn a_scanned_document_travels_with_its_bytes() {
    let (mut com, mut sub, pid) = real_pair();
    let tmp = tempfile::tempdir().unwrap();
    let scan = tmp.path().join("身份证.pdf");
    std::fs::write(&scan, b"%PDF-1.4\n% a scanned ID card\n%%EOF\n").unwrap();
    let doc = com.ctx(|ctx| jiuzhu::app::document::attach(ctx, &pid, "id_card", &scan).unwrap());
    let b = com.export_to(SUB);
    assert_eq!(b.attachments, 1);
    let r = sub.import_ok(&b.path);
    assert_eq!(r.attachments, 1);
    // The subdistrict can export the very bytes; `check` verifies every stored scan's hash.
    let out = sub.ctx(|ctx| jiuzhu::app::document::export(ctx, &doc).unwrap());
    assert_eq!(std::fs::read(out).unwrap(), std::fs::read(&scan).unwrap());
    sub.assert_check();
}

#[test]
fn every_byte_of_a_small_bundle_is_covered() {
    let (mut com, mut sub, _) = real_pair();
    let b = com.export_to(SUB);
    let bytes = std::fs::read(&b.path).unwrap();
    let before = sub.digest();
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("flipped.bundle");
    // Every fifth byte, each flipped on its own: headers, manifest, signature, age header,
    // ciphertext, padding and the end blocks alike.
    for at in (0..bytes.len()).step_by(5) {
        let mut t = bytes.clone();
        t[at] ^= 0x20;
        std::fs::write(&p, &t).unwrap();
        assert!(
            matches!(sub.import(&p), Err(AppError::Bundle(_))),
            "byte {at} of {} changed, yet the bundle was not refused",
            bytes.len()
        );
    }
    assert_eq!(sub.digest(), before);
    sub.import_ok(&b.path);
    sub.assert_check();
}

#[test]
fn a_document_marked_not_applicable_and_a_long_term_posting_travel_up() {
    use jiuzhu::app::print::{ListFormat, PostingRequest};
    use jiuzhu::app::{document, supervision};
    let (mut com, mut sub, pid) = real_pair();
    com.ctx(|ctx| document::waive(ctx, &pid, "disability_cert", "本人无残疾").unwrap());
    let community = com.ctx(|ctx| person::get(ctx, &pid).unwrap().facts.community);
    let long = |from: u32| PostingRequest {
        community: community.clone(),
        from: chrono::NaiveDate::from_ymd_opt(2026, 11, from).unwrap(),
        to: None,
        place: "居务公开栏".into(),
    };
    com.ctx(|ctx| {
        supervision::post(ctx, &long(1), ListFormat::Csv, jiuzhu::i18n::Lang::ZhCn).unwrap();
        supervision::post(ctx, &long(2), ListFormat::Csv, jiuzhu::i18n::Lang::ZhCn).unwrap();
    });
    let up = com.export_to(SUB);
    let r = sub.import_ok(&up.path);
    assert_eq!((r.conflicts, r.reviews), (0, 0), "{r:?}");
    assert_eq!(r.kinds["document_waiver"], 1);
    assert_holds_all_of(&com, &sub);
    let line = sub.ctx(|ctx| document::checklist(ctx, &pid).unwrap());
    let waived = line.iter().find(|l| l.kind == "disability_cert").unwrap();
    assert!(waived.complete());
    sub.assert_check();
}
