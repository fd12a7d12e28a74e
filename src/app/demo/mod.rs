//! Demo and training data (`jiuzhu demo`): a demo subdistrict workstation hosting its
//! communities, its users, and synthetic people with clues and cases in every state.
//! Synthetic people never mix with real ones: only a demo workstation accepts them.

pub mod money;
pub mod people;

use std::collections::HashSet;
use std::path::Path;

use chrono::{Datelike, Duration};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use zeroize::Zeroizing;

use self::people::{weighted_code, Material, PeopleMaker};
use super::setup::{create_workstation, InitParams, NewUser};
use super::{clock, AppError, Clock, Ctx, Result};
use crate::domain::agreement::{Agreement, AgreementState, PriceLine};
use crate::domain::case::{Case, CaseEvent, CaseState, PlannedItem};
use crate::domain::catalogue::{Catalogue, ListKind};
use crate::domain::clue::{Clue, ClueEvent, ClueState};
use crate::domain::org::{OrgTree, Tier};
use crate::domain::permission::{Action, Grant, Role};
use crate::domain::person::{Person, PersonStatus};
use crate::domain::provider::Provider;
use crate::domain::record::RecordMeta;
use crate::domain::service::{Registration, Satisfaction, ServiceRecord};
use crate::i18n::Lang;
use crate::store::{
    agreements, cases, clues, helpers, persons, providers, services, settlements, workstation,
    Store, WriteTx,
};

/// The demo subdistrict (洪都街道).
pub const DEMO_ORG: &str = "360104001";
/// The first demo community, where single-community roles sit.
pub const DEMO_COMMUNITY: &str = "360104001001";

/// A demo account, printed so people can sign in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoUser {
    pub username: String,
    pub password: String,
    pub grants: Vec<Grant>,
}

/// The demo accounts: `demo` with every role of both tiers, and one account per role whose
/// password is its name.
pub fn demo_users() -> Vec<DemoUser> {
    let g = |role, org: &str| Grant {
        role,
        org: org.to_string(),
    };
    let mut out = vec![DemoUser {
        username: "demo".into(),
        password: "demo".into(),
        grants: vec![
            g(Role::Admin, DEMO_ORG),
            g(Role::InfoOfficer, DEMO_ORG),
            g(Role::CommunityStaff, DEMO_ORG),
            g(Role::SubdistrictCaseworker, DEMO_ORG),
            g(Role::Supervisor, DEMO_ORG),
        ],
    }];
    for role in Role::ALL {
        let org = match role {
            Role::InfoOfficer | Role::CommunityStaff => DEMO_COMMUNITY,
            Role::DistrictAdmin => "360104",
            _ => DEMO_ORG,
        };
        out.push(DemoUser {
            username: role.code().to_string(),
            password: role.code().to_string(),
            grants: vec![g(role, org)],
        });
    }
    out
}

/// The real name (实名) of demo account `username`, what prints show.
pub fn demo_real_name(username: &str) -> &'static str {
    match username {
        "demo" => "陈志远",
        "admin" => "刘建国",
        "info_officer" => "王丽",
        "community_staff" => "赵敏",
        "subdistrict_caseworker" => "张伟",
        "district_admin" => "孙涛",
        "provider_staff" => "刘敏",
        "supervisor" => "周洁",
        _ => "演示用户",
    }
}

/// The demo provider the `provider_staff` account works for (its contact is that account's
/// real name).
pub const DEMO_STAFF_PROVIDER: &str = "洪都街道居家养老服务中心";

/// Sets up the demo workstation in an empty data directory.
pub fn setup(data_dir: &Path, db_path: &Path, clock: &dyn Clock) -> Result<(Store, Vec<DemoUser>)> {
    let tree = OrgTree::demo();
    let name = tree.name_of(DEMO_ORG).to_string();
    let params = InitParams {
        tier: Tier::Subdistrict,
        org_code: DEMO_ORG.into(),
        org_name: name,
        parent: Some("360104".into()),
        admin: "demo".into(),
        admin_name: String::new(),
        org_full_name: String::new(),
        demo: true,
    };
    let users = demo_users();
    let new_users = users
        .iter()
        .map(|u| NewUser {
            username: u.username.clone(),
            display_name: demo_real_name(&u.username).to_string(),
            password: Zeroizing::new(u.password.clone()),
            grants: u.grants.clone(),
        })
        .collect();
    let mut store = create_workstation(data_dir, db_path, &params, new_users, clock)?;
    set_demo_names_and_phones(&mut store, &tree, clock)?;
    Ok((store, users))
}

/// The demo's 社会救助服务电话 and 监督电话 (made up, in Nanchang's 0791 form).
pub const DEMO_PHONES: (&str, &str) = ("0791-88123456", "0791-88654321");

/// The full official name the demo gives a unit of its tree, as a seal in 青云谱区 reads.
pub fn demo_full_name(tree: &OrgTree, code: &str) -> String {
    use crate::domain::org::OrgKind;
    const CITY: &str = "南昌市";
    let Some(u) = tree.get(code) else {
        return String::new();
    };
    let district = tree
        .get("360104")
        .map(|d| d.name.clone())
        .unwrap_or_default();
    let parent = u
        .parent
        .as_deref()
        .and_then(|p| tree.get(p))
        .map(|p| p.name.clone())
        .unwrap_or_default();
    match u.kind {
        OrgKind::District => format!("{CITY}{}民政局", u.name),
        OrgKind::Subdistrict => format!("{CITY}{district}{}办事处", u.name),
        OrgKind::Town => format!("{CITY}{district}{}人民政府", u.name),
        OrgKind::ClusterZone => format!("{CITY}{district}{}管理委员会", u.name),
        OrgKind::Community => format!("{CITY}{district}{parent}{}居民委员会", u.name),
        OrgKind::Village if u.name.ends_with('村') => {
            format!("{CITY}{district}{parent}{}民委员会", u.name)
        }
        OrgKind::Village => format!("{CITY}{district}{parent}{}村民委员会", u.name),
    }
}

/// Gives every unit the demo workstation knows its full official name and sets the public
/// phones, as an office would on its first day.
fn set_demo_names_and_phones(store: &mut Store, tree: &OrgTree, clock: &dyn Clock) -> Result<()> {
    let at = clock::rfc3339(clock.now());
    let known = crate::store::orgs::tree(store.conn())?;
    store.write_local(|tx| {
        for u in known.units() {
            let full = demo_full_name(tree, &u.code);
            if !full.is_empty() {
                crate::store::orgs::set_full_name(tx, &u.code, &full)?;
            }
        }
        crate::store::settings::put(tx, "service_phone", DEMO_PHONES.0, &at, "demo")?;
        crate::store::settings::put(tx, "supervision_phone", DEMO_PHONES.1, &at, "demo")?;
        Ok::<_, crate::store::StoreError>(())
    })?;
    Ok(())
}

/// Ties the demo `provider_staff` account, when it exists and is not tied yet, to the demo
/// provider [`DEMO_STAFF_PROVIDER`], so that it can register cards and record services.
fn bind_provider_staff(conn: &rusqlite::Connection, list: &[Provider]) -> Result<()> {
    let name = Role::ProviderStaff.code();
    let Some(user) = crate::store::users::by_username(conn, name)? else {
        return Ok(());
    };
    if !user.grants.iter().any(|g| g.role == Role::ProviderStaff)
        || crate::store::users::provider_of(conn, name)?.is_some()
    {
        return Ok(());
    }
    if let Some(p) = list.iter().find(|p| p.name == DEMO_STAFF_PROVIDER) {
        crate::store::users::set_provider(conn, name, Some(&p.meta.id))?;
    }
    Ok(())
}

/// What `generate` made.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub persons: usize,
    pub clues: usize,
    pub cases: usize,
    pub enrolled: usize,
    pub services: usize,
    pub change_entries: usize,
    /// Helpers, visits, subsidy lists and settlements of the year.
    pub money: money::MoneySummary,
}

/// Generates `n` synthetic persons with clues and cases on a demo workstation; the same
/// seed on the same workstation state gives the same content. `progress(done, total)` is
/// called now and then; when it returns false the work stops and nothing is kept (it all
/// runs in one transaction).
pub fn generate(
    ctx: &mut Ctx<'_>,
    n: usize,
    seed: u64,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<Summary> {
    let ws = workstation::require(ctx.store.conn())?;
    if !ws.demo {
        return Err(AppError::NotDemo);
    }
    ctx.require(Action::GenerateDemo, &ws.org_code)?;
    let communities: Vec<String> = super::person::hosted_communities(ctx)?
        .into_iter()
        .map(|u| u.code)
        .collect();
    if communities.is_empty() {
        return Err(AppError::UnknownOrg(ws.org_code));
    }
    let material = Material::builtin().ok_or(AppError::NotYetAvailable("demo material"))?;
    let today = ctx.clock.today();
    let now = ctx.clock.now();
    let at = clock::rfc3339(now);
    let actor = ctx.session.username.clone();
    // Cards are numbered by the issuing subdistrict: this one, or a community's parent.
    let subdistrict = match ws.tier {
        Tier::Community => ctx
            .tree
            .get(&ws.org_code)
            .and_then(|u| u.parent.clone())
            .unwrap_or(ws.org_code.clone()),
        _ => ws.org_code.clone(),
    };
    // The subdistrict buys for every community under it (a community workstation's demo
    // buys for its own).
    let buyer_communities: Vec<String> = ctx
        .tree
        .subtree(&ws.org_code)
        .into_iter()
        .filter(|u| u.tier() == Tier::Community)
        .map(|u| u.code.clone())
        .collect();
    let tree = ctx.tree.clone();
    let year_start = chrono::NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    let year_end = chrono::NaiveDate::from_ymd_opt(today.year(), 12, 31).unwrap_or(today);
    ctx.store
        .write(&actor, &at, |w| {
            // Read inside the write lock, so a person saved meanwhile by another user is seen.
            let mut existing: HashSet<String> = HashSet::new();
            persons::for_each_search_row(w.conn(), |row| existing.extend(row.id_number))?;
            if providers::list(w.conn())?.is_empty() {
                for p in &material.providers {
                    let provider = Provider {
                        meta: RecordMeta::new(
                            clock::new_id(now, &mut rand::rngs::OsRng),
                            w.origin(),
                            &at,
                        ),
                        name: p.name.clone(),
                        kind: p.kind.clone(),
                        items: p.items.clone(),
                        contact: Some(p.contact.clone()),
                        phone: Some(p.phone.clone()),
                        area: ws.org_code.clone(),
                        active: true,
                        qualification: crate::domain::provider::Qualification {
                            credit_code: p.credit_code.clone(),
                            kind: p.qualification_kind.clone(),
                            number: p.qualification_no.clone(),
                            // Certificates run a few years; these lapse after the demo's.
                            valid_until: p
                                .credit_code
                                .as_ref()
                                .and_then(|_| year_end.with_year(today.year() + 2)),
                        },
                    };
                    providers::insert(w, &provider)?;
                    if !p.prices.is_empty() && ws.tier != Tier::Community {
                        let n = agreements::list(w.conn())?.len() + 1;
                        let a = Agreement {
                            meta: RecordMeta::new(
                                clock::new_id(now, &mut rand::rngs::OsRng),
                                w.origin(),
                                &at,
                            ),
                            provider_id: provider.meta.id.clone(),
                            number: format!("GM-{}-{n:03}", today.year()),
                            buyer: ws.org_code.clone(),
                            signed_on: Some(year_start),
                            period_from: year_start,
                            period_to: year_end,
                            communities: buyer_communities.clone(),
                            lines: p
                                .prices
                                .iter()
                                .map(|x| PriceLine {
                                    item: x.item.clone(),
                                    unit: x.unit.clone(),
                                    price_fen: x.fen,
                                })
                                .collect(),
                            ceiling: None,
                            state: AgreementState::Running,
                            ended_on: None,
                            end_reason: None,
                            recorded_by: actor.clone(),
                        };
                        agreements::insert(w, &a)?;
                    }
                }
            }
            let provider_list = providers::list(w.conn())?;
            bind_provider_staff(w.conn(), &provider_list)?;
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let mut maker = PeopleMaker::new(&material, today, existing);
            let mut summary = Summary::default();
            let mut neighbours = money::Neighbours::default();
            for i in 0..n {
                if i % 500 == 0 && !progress(i, n) {
                    return Err(AppError::Cancelled);
                }
                let community = &communities[rng.gen_range(0..communities.len())];
                let s = maker.make(&mut rng, community);
                let id = clock::new_id(now, &mut rand::rngs::OsRng);
                let status = if rng.gen_bool(0.03) {
                    PersonStatus::MovedOut
                } else if s.age >= 85 && rng.gen_bool(0.05) {
                    PersonStatus::Deceased
                } else {
                    PersonStatus::Active
                };
                let person = Person {
                    status,
                    ..Person::new(RecordMeta::new(id.clone(), w.origin(), &at), s.facts)
                };
                persons::insert(w, &person)?;
                summary.persons += 1;
                if status == PersonStatus::Active && !s.recipient && (35..=65).contains(&s.age) {
                    neighbours
                        .helpers
                        .entry(community.clone())
                        .or_default()
                        .push(id.clone());
                }
                super::fault::pause_at("demo", summary.persons as u64);
                let has_clue = status == PersonStatus::Active
                    && rng.gen_bool(if s.recipient { 0.95 } else { 0.05 });
                if has_clue {
                    let world = World {
                        maker: &maker,
                        providers: &provider_list,
                        subdistrict: &subdistrict,
                        today,
                    };
                    history(w, &mut rng, &world, &person, &mut summary)?;
                    neighbours
                        .helped
                        .entry(community.clone())
                        .or_default()
                        .push(id.clone());
                }
            }
            // The year of money is made once, on the first run: a second run adds people only.
            let first_run =
                settlements::list(w.conn())?.is_empty() && helpers::list(w.conn())?.is_empty();
            if ws.tier == Tier::Subdistrict && first_run {
                // Its own stream, so the people above stay what they were for the seed.
                let mut money_rng = ChaCha8Rng::seed_from_u64(seed ^ 0x006d_6f6e_6579);
                let year = money::Year {
                    unit: &ws.org_code,
                    tree: &tree,
                    today,
                };
                summary.money = money::generate(w, &mut money_rng, &year, &neighbours)?;
            }
            let _ = progress(n, n);
            summary.change_entries = w.appended();
            super::fault::pause_at("demo_commit", 0);
            Ok(summary)
        })
        .inspect(|_| super::fault::pause_at("demo_done", 0))
}

/// What every person's history is made from.
#[derive(Clone, Copy)]
struct World<'a> {
    maker: &'a PeopleMaker<'a>,
    providers: &'a [Provider],
    subdistrict: &'a str,
    today: chrono::NaiveDate,
}

/// A clue for `person`, walked to a state drawn in realistic proportions, and for accepted
/// clues a case walked on the same way. Each step is a real change entry.
fn history(
    w: &mut WriteTx<'_>,
    rng: &mut ChaCha8Rng,
    world: &World<'_>,
    person: &Person,
    summary: &mut Summary,
) -> Result<()> {
    let World {
        maker,
        providers: provider_list,
        subdistrict,
        today,
    } = *world;
    let target = weighted_code(
        rng,
        &[
            ("recorded", 4),
            ("verified", 2),
            ("unfounded", 3),
            ("reported", 3),
            ("accepted", 85),
            ("withdrawn", 3),
        ],
    );
    let days_ago = if target == "accepted" {
        rng.gen_range(20..720)
    } else {
        rng.gen_range(0..20)
    };
    let found_on = today - Duration::days(days_ago);
    // Steps fall on the days after the clue was found, but never after today.
    let stamp = |d: i64| {
        format!(
            "{}T02:00:00.000Z",
            (found_on + Duration::days(d)).min(today).format("%Y-%m-%d")
        )
    };
    let key_groups: Vec<String> = match person.facts.self_care.as_deref() {
        Some("fully_disabled") | Some("partly_disabled") => vec!["disabled_or_dementia".into()],
        _ if person.facts.diseases.is_some() => vec!["seriously_ill".into()],
        _ if person.facts.disability_type.is_some() => vec!["severely_disabled".into()],
        _ => vec!["without_support".into()],
    };
    let source = weighted_code(
        rng,
        &[
            ("visit", 40),
            ("phone", 15),
            ("neighbour", 20),
            ("window", 10),
            ("monthly_roster", 12),
            ("other", 3),
        ],
    );
    let mut clue = Clue {
        meta: RecordMeta::new(
            clock::new_id(parse_at(w.at()), &mut rand::rngs::OsRng),
            w.origin(),
            w.at(),
        ),
        person_id: person.meta.id.clone(),
        community: person.facts.community.clone(),
        difficulty: maker.difficulty(rng),
        key_groups,
        source: source.to_string(),
        reporter: if source == "neighbour" || source == "phone" {
            Some(maker.reporter(rng))
        } else {
            None
        },
        found_on,
        state: ClueState::Recorded,
        recorded_by: "info_officer".into(),
        verified_at: None,
        verify_note: None,
        reported_at: None,
        accepted_at: None,
        closed_at: None,
        close_reason: None,
    };
    clues::insert(w, &clue)?;
    summary.clues += 1;
    let path: &[ClueEvent] = match target {
        "recorded" => &[],
        "verified" => &[ClueEvent::Verify { real: true }],
        "unfounded" => &[ClueEvent::Verify { real: false }],
        "reported" => &[ClueEvent::Verify { real: true }, ClueEvent::Report],
        "withdrawn" => &[ClueEvent::Withdraw],
        _ => &[
            ClueEvent::Verify { real: true },
            ClueEvent::Report,
            ClueEvent::Accept,
        ],
    };
    for (i, ev) in path.iter().enumerate() {
        let mut next = clue.clone();
        next.state = clue.state.apply(*ev)?;
        let when = stamp(i as i64 + 1);
        match ev {
            ClueEvent::Verify { real } => {
                next.verified_at = Some(when.clone());
                if !real {
                    next.closed_at = Some(when);
                }
            }
            ClueEvent::Report => next.reported_at = Some(when),
            ClueEvent::Accept => next.accepted_at = Some(when),
            ClueEvent::Withdraw => {
                next.closed_at = Some(when);
                next.close_reason = Some(maker.withdraw_reason(rng));
            }
        }
        clue = clues::update(
            w,
            &next,
            &format!("clue.{}", ev.label_key().trim_start_matches("clue_event.")),
        )?;
    }
    if clue.state != ClueState::Accepted {
        return Ok(());
    }
    let case_target = weighted_code(
        rng,
        &[
            ("accepted", 3),
            ("surveyed", 3),
            ("assessed", 3),
            ("approved", 2),
            ("denied", 4),
            ("in_service", 70),
            ("suspended", 4),
            ("stopped", 9),
            ("withdrawn", 2),
        ],
    );
    let mut case = Case::open(
        RecordMeta::new(
            clock::new_id(parse_at(w.at()), &mut rand::rngs::OsRng),
            w.origin(),
            w.at(),
        ),
        person.meta.id.clone(),
        Some(clue.meta.id.clone()),
        clue.community.clone(),
    );
    case.state_changed_at = stamp(4);
    cases::insert(w, &case)?;
    summary.cases += 1;
    use CaseEvent as E;
    let path: &[CaseEvent] = match case_target {
        "accepted" => &[],
        "surveyed" => &[E::Survey],
        "assessed" => &[E::Survey, E::Assess],
        "approved" => &[E::Survey, E::Assess, E::Approve],
        "denied" => &[E::Survey, E::Assess, E::Deny],
        "suspended" => &[E::Survey, E::Assess, E::Approve, E::IssueCard, E::Suspend],
        "stopped" => &[E::Survey, E::Assess, E::Approve, E::IssueCard, E::Stop],
        "withdrawn" => &[E::Withdraw],
        _ => &[E::Survey, E::Assess, E::Approve, E::IssueCard],
    };
    // Whoever fits no category is denied after the survey: the assessment would refuse them.
    let category = category_for(person);
    let path: &[CaseEvent] = match category {
        None if path.contains(&E::Assess) => &[E::Survey, E::Deny],
        _ => path,
    };
    let mut enrolled = false;
    let mut issued_on = None;
    for (i, ev) in path.iter().enumerate() {
        let mut next = case.clone();
        next.state = case.state.apply(*ev)?;
        let day = 5 + 3 * i as i64;
        next.state_changed_at = stamp(day);
        match ev {
            E::Survey => {
                next.survey_date = Some(found_on + Duration::days(day));
                next.survey_staff = Some(demo_real_name(SURVEYOR).into());
                next.household = survey_household(person, found_on);
            }
            E::Assess => {
                next.category = category.map(str::to_string);
                next.self_care = person.facts.self_care.clone();
                next.assessed_by = Some(SURVEYOR.into());
                next.needs = needs_for(rng, person);
                next.plan = plan_for(&next.needs, person, provider_list);
            }
            E::IssueCard => {
                next.card_no = Some(super::case::next_card_no(w, subdistrict)?);
                next.card_valid_until = Some(found_on + Duration::days(day + 365));
                next.card_version = 1;
                next.reviewed_on = Some(found_on + Duration::days(day));
                issued_on = Some((found_on + Duration::days(day)).min(today));
                enrolled = true;
            }
            E::Approve | E::Deny => {
                next.decided_by = Some(DECIDER.into());
                next.decided_on = Some(found_on + Duration::days(day));
                if *ev == E::Deny {
                    next.decision_note = Some(maker.denial_reason().to_string());
                }
            }
            E::Suspend => {
                let from = found_on + Duration::days(day);
                next.suspend_reason = Some(maker.suspend_reason().to_string());
                next.suspended_on = Some(from);
                // Some expected resumes have passed: the inbox shows them.
                next.resume_expected = Some(from + Duration::days(30 + days_ago % 60));
            }
            E::Withdraw => {
                next.withdraw_reason = Some(maker.case_withdraw_reason().to_string());
            }
            E::Stop => {
                next.stopped_on = Some(found_on + Duration::days(day));
                next.stop_reason = Some(
                    weighted_code(
                        rng,
                        &[
                            ("death", 3),
                            ("moved_out", 2),
                            ("eligibility_ended", 3),
                            ("entered_institution", 1),
                            ("improved", 2),
                            ("own_request", 1),
                        ],
                    )
                    .to_string(),
                );
            }
            _ => {}
        }
        let kind = format!("case.{}", ev.label_key().trim_start_matches("case_event."));
        case = cases::update(w, &next, &kind)?;
    }
    if case.state == CaseState::InService {
        case = reviews(w, case, days_ago, today)?;
    }
    if let (Some(card_no), Some(issued)) = (case.card_no.clone(), issued_on) {
        let until = match case.state {
            CaseState::Stopped | CaseState::Suspended => {
                clock::stored_day(&case.state_changed_at).unwrap_or(today)
            }
            _ => today,
        };
        served(w, rng, maker, &case, &card_no, issued, until, summary)?;
    }
    if enrolled {
        let mut p = persons::get(w.conn(), &person.meta.id)?.ok_or(AppError::NotFound {
            what: "record.person",
        })?;
        p.service_no = Some(super::person::next_service_no(w, &p.facts.community)?);
        persons::update(w, &p, "person.enrol")?;
        summary.enrolled += 1;
    }
    Ok(())
}

/// The half-yearly reviews of a service since its card, each renewing the card, done a few
/// days after they fell due. About one service in five has its latest review still
/// outstanding, so the inbox shows reviews due and cards running out. Drawn from the clue's
/// age, not the generator, so that adding reviews changed no one's other data.
fn reviews(
    w: &mut WriteTx<'_>,
    mut case: Case,
    days_ago: i64,
    today: chrono::NaiveDate,
) -> Result<Case> {
    let interval = Duration::days(crate::domain::timeliness::REVIEW_INTERVAL_DAYS);
    let late = Duration::days(days_ago % 7);
    let skip_last = days_ago % 5 == 0;
    let mut done = Vec::new();
    let Some(mut last) = case.reviewed_on else {
        return Ok(case);
    };
    while last + interval + late <= today {
        last = last + interval + late;
        done.push(last);
    }
    if skip_last {
        done.pop();
    }
    for day in done {
        let mut next = case.clone();
        next.state = case.state.apply(CaseEvent::Review)?;
        next.reviewed_on = Some(day);
        next.review_outcome = Some(super::case::REVIEW_CONTINUE.into());
        next.reviewed_by = Some(demo_real_name(SURVEYOR).into());
        next.card_valid_until = Some(day + Duration::days(crate::domain::case::CARD_VALID_DAYS));
        case = cases::update(w, &next, "case.review")?;
    }
    Ok(case)
}

fn parse_at(at: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_default()
}

/// The account that surveys and assesses the demo's cases.
const SURVEYOR: &str = "subdistrict_caseworker";
/// The account that decides them: another one, as the maker-checker rule asks.
const DECIDER: &str = "demo";

/// The first category the person's facts admit (the assessment refuses any other), or
/// `None` for someone who fits none.
fn category_for(p: &Person) -> Option<&'static str> {
    let cat = Catalogue::builtin();
    crate::domain::eligibility::open_categories(cat, &p.facts, None)
        .first()
        .copied()
}

/// What a demo survey found of the household, drawn from the person's facts (not the
/// generator, so that the rest of the data stays as it was).
fn survey_household(
    p: &Person,
    found_on: chrono::NaiveDate,
) -> crate::domain::case::SurveyHousehold {
    let seed = p.facts.name.chars().map(u32::from).sum::<u32>() as i64 + found_on.ordinal() as i64;
    let size = if p.facts.lives_alone { 1 } else { 1 + seed % 4 };
    let housing = ["owned", "public_rental", "private_rental", "with_relatives"];
    crate::domain::case::SurveyHousehold {
        size: Some(size),
        monthly_income: Some(crate::domain::money::Fen(
            (600 + (seed * 37) % 1800) * 100 * size,
        )),
        housing: Some(housing[(seed % 4) as usize].into()),
        care: None,
        // The community's staff member goes along (村居协助调查核实).
        second_investigator: Some(demo_real_name("community_staff").into()),
    }
}

/// Services of a carded case from `from` to `to`: the providers of its plan register the
/// card, then serve each item at about its planned frequency, at most a few dozen times.
#[allow(clippy::too_many_arguments)]
fn served(
    w: &mut WriteTx<'_>,
    rng: &mut ChaCha8Rng,
    maker: &PeopleMaker<'_>,
    case: &Case,
    card_no: &str,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    summary: &mut Summary,
) -> Result<()> {
    let days = (to - from).num_days();
    if days < 1 {
        return Ok(());
    }
    let cat = Catalogue::builtin();
    let mut registered: Vec<(String, String)> = Vec::new();
    for line in case.plan_lines() {
        let Some(provider_id) = line.provider_id.clone() else {
            continue;
        };
        let reg_id = match registered.iter().find(|(p, _)| *p == provider_id) {
            Some((_, r)) => r.clone(),
            None => {
                let r = Registration {
                    meta: RecordMeta::new(
                        clock::new_id(parse_at(w.at()), &mut rand::rngs::OsRng),
                        w.origin(),
                        w.at(),
                    ),
                    provider_id: provider_id.clone(),
                    case_id: case.meta.id.clone(),
                    card_no: card_no.to_string(),
                    registered_on: from,
                };
                services::insert_registration(w, &r)?;
                registered.push((provider_id.clone(), r.meta.id.clone()));
                r.meta.id
            }
        };
        let every = match line.frequency.as_str() {
            "daily" => 1,
            "twice_weekly" => 3,
            "weekly" => 7,
            "twice_monthly" => 15,
            "monthly" => 30,
            _ => 45,
        };
        let n = (days / every).clamp(1, 24);
        let label = cat.label(ListKind::ServiceItem, &line.item, Lang::ZhCn);
        for _ in 0..n {
            let served_on = from + Duration::days(rng.gen_range(0..=days));
            let s = ServiceRecord {
                meta: RecordMeta::new(
                    clock::new_id(parse_at(w.at()), &mut rand::rngs::OsRng),
                    w.origin(),
                    w.at(),
                ),
                registration_id: reg_id.clone(),
                case_id: case.meta.id.clone(),
                provider_id: provider_id.clone(),
                item: line.item.clone(),
                served_on,
                minutes: rng.gen_range(2..=12) * 10,
                served_by: maker.service_staff(rng),
                content: maker.service_content(label),
                confirmed: rng.gen_bool(0.97),
                satisfaction: Some(match rng.gen_range(0..100) {
                    0..=84 => Satisfaction::Satisfied,
                    85..=97 => Satisfaction::Basic,
                    _ => Satisfaction::Unsatisfied,
                }),
            };
            services::insert_service(w, &s)?;
            summary.services += 1;
        }
    }
    Ok(())
}

/// A plan without drawing from the generator (so adding plans changed no one's other data):
/// the catalogue's frequency for the item, priority by self-care, the first provider offering it.
fn plan_for(needs: &[String], p: &Person, provider_list: &[Provider]) -> Vec<PlannedItem> {
    let urgent = matches!(
        p.facts.self_care.as_deref(),
        Some("fully_disabled") | Some("partly_disabled")
    );
    needs
        .iter()
        .map(|item| PlannedItem {
            item: item.clone(),
            frequency: Catalogue::builtin()
                .proposed_frequency(item)
                .unwrap_or(crate::domain::case::DEFAULT_FREQUENCY)
                .into(),
            priority: if urgent { "high" } else { "normal" }.into(),
            provider_id: provider_list
                .iter()
                .find(|x| x.active && x.items.contains(item))
                .map(|x| x.meta.id.clone()),
        })
        .collect()
}

fn needs_for(rng: &mut ChaCha8Rng, p: &Person) -> Vec<String> {
    let mut pool: Vec<&str> = vec!["meal_delivery", "cleaning", "shopping", "information"];
    if p.facts.self_care.as_deref() != Some("independent") {
        pool.extend(["home_care", "personal_care", "day_care"]);
    }
    if p.facts.diseases.is_some() {
        pool.extend([
            "medicine_delivery",
            "escort_to_doctor",
            "home_sickbed",
            "rehabilitation",
        ]);
    }
    if p.facts.lives_alone {
        pool.push("love_doorbell");
    }
    let k = rng.gen_range(1..=3.min(pool.len()));
    let mut out: Vec<String> = rand::seq::SliceRandom::choose_multiple(pool.as_slice(), rng, k)
        .map(|s| s.to_string())
        .collect();
    out.sort();
    out
}
