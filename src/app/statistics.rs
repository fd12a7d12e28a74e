//! 统计报表: the monthly statistics and the yearly 绩效评估 of every community the reader may
//! see, counted from the records of one period — clues found, cards issued and services
//! stopped (the "有进有出" of dynamic management), cases in service on the last day, what was
//! delivered per community, per service item and per provider (the basis of the monthly
//! subsidy review of 邻里互助), complaints and inspections.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

use chrono::NaiveDate;

use super::clock::stored_day;
use super::print::{deliver, outbox, ListFormat};
use super::timeliness::{self, Period, Step};
use super::{AppError, Ctx, Result};
use crate::domain::case::CaseState;
use crate::domain::catalogue::{Catalogue, ListKind};
use crate::domain::month::Month;
use crate::domain::org::Tier;
use crate::domain::permission::Action;
use crate::domain::service::Satisfaction;
use crate::domain::statistics::{CommunityFigures, Evaluation, Line, StepMedians, Summary, Tally};
use crate::i18n::Lang;
use crate::report::statistics as sheets;
/// How the statistics show a rate or an hour count: one decimal, rounded half up.
pub use crate::report::statistics::one_decimal;
use crate::store::{providers, statistics as raw};

/// Interns strings as small numbers, so a year of records counts people without copying ids.
#[derive(Default)]
struct Interner {
    ids: HashMap<String, u32>,
    names: Vec<String>,
}

impl Interner {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(&n) = self.ids.get(s) {
            return n;
        }
        let n = self.names.len() as u32;
        self.ids.insert(s.to_string(), n);
        self.names.push(s.to_string());
        n
    }
}

/// One change of a case's service state or community, as the statistics replay it.
struct CaseStep {
    /// The case's number.
    case: u32,
    /// The state it left the case in.
    state: CaseState,
    /// The China day that state began.
    changed: Option<NaiveDate>,
    /// The China day the entry was written: when a move took place.
    written: Option<NaiveDate>,
    /// The community it left the case in (its number).
    community: u32,
}

/// Every case, numbered, with its person's and community's numbers, and the history of each
/// case's service state and community: read in two passes, where a join would look the case
/// up again for each of its services.
struct CaseIndex {
    /// Case id → (case number, person number, community number now).
    cases: HashMap<String, (u32, u32, u32)>,
    communities: Interner,
    /// Each case's steps, a case's together and in order.
    steps: Vec<CaseStep>,
    /// The cases that moved: their community from the start, then from each move's day.
    moves: HashMap<u32, Vec<(Option<NaiveDate>, u32)>>,
}

impl CaseIndex {
    fn load(ctx: &Ctx<'_>) -> Result<CaseIndex> {
        let conn = ctx.store.conn();
        let mut communities = Interner::default();
        let mut persons = Interner::default();
        let mut cases = HashMap::new();
        raw::case_communities(conn, &mut |id, community, person| {
            let n = cases.len() as u32;
            cases.insert(
                id.to_string(),
                (n, persons.id(person), communities.id(community)),
            );
        })?;
        let mut steps = Vec::new();
        for e in raw::case_timeline(conn)? {
            let (Some(&(case, _, _)), Some(state)) =
                (cases.get(&e.case_id), CaseState::from_code(&e.state))
            else {
                continue;
            };
            steps.push(CaseStep {
                case,
                state,
                changed: stored_day(&e.state_changed_at),
                written: stored_day(&e.at),
                community: communities.id(&e.community),
            });
        }
        let mut moves: HashMap<u32, Vec<(Option<NaiveDate>, u32)>> = HashMap::new();
        for history in steps.chunk_by(|a, b| a.case == b.case) {
            let first = history[0].community;
            let mut at = vec![(None, first)];
            for s in &history[1..] {
                if at.last().is_some_and(|(_, c)| *c != s.community) {
                    at.push((s.written, s.community));
                }
            }
            if at.len() > 1 {
                moves.insert(history[0].case, at);
            }
        }
        Ok(CaseIndex {
            cases,
            communities,
            steps,
            moves,
        })
    }

    /// The case's number, its person's, and its community's on `day`.
    fn on(&self, case_id: &str, day: NaiveDate) -> Option<(u32, u32, u32)> {
        let (case, person, now) = self.cases.get(case_id).copied()?;
        let community = match self.moves.get(&case) {
            Some(history) => history
                .iter()
                .take_while(|(from, _)| from.is_none_or(|d| d <= day))
                .last()
                .map_or(now, |(_, c)| *c),
            None => now,
        };
        Some((case, person, community))
    }

    fn community(&self, n: u32) -> &str {
        &self.communities.names[n as usize]
    }
}

/// Tallies grouped by a numbered key, counting each person once per group.
#[derive(Default)]
struct Grouped {
    tallies: Vec<Tally>,
    seen: HashSet<(u32, u32)>,
}

impl Grouped {
    fn add(&mut self, key: u32, person: u32, fact: &raw::ServiceFact<'_>) {
        let k = key as usize;
        if k >= self.tallies.len() {
            self.tallies.resize(k + 1, Tally::default());
        }
        let t = &mut self.tallies[k];
        t.records += 1;
        t.minutes += fact.minutes.max(0) as u64;
        t.confirmed += u64::from(fact.confirmed);
        if let Some(s) = fact.satisfaction.and_then(Satisfaction::from_code) {
            t.rated += 1;
            t.satisfied += u64::from(s != Satisfaction::Unsatisfied);
        }
        if self.seen.insert((key, person)) {
            t.recipients += 1;
        }
    }

    /// The tallies by the names `name` gives their keys.
    fn named<'n>(self, name: impl Fn(u32) -> &'n str) -> HashMap<String, Tally> {
        self.tallies
            .into_iter()
            .enumerate()
            .filter(|(_, t)| t.records > 0)
            .map(|(k, t)| (name(k as u32).to_string(), t))
            .collect()
    }
}

/// What was delivered in the period, per community, per item and per provider, and to how
/// many different persons in all.
struct Delivered {
    communities: HashMap<String, Tally>,
    items: HashMap<String, Tally>,
    providers: HashMap<String, Tally>,
    persons: u64,
}

fn delivered(ctx: &Ctx<'_>, cases: &CaseIndex, period: Period) -> Result<Delivered> {
    let visible: Vec<bool> = cases
        .communities
        .names
        .iter()
        .map(|c| ctx.require(Action::ViewPerson, c).is_ok())
        .collect();
    let (mut items, mut providers) = (Interner::default(), Interner::default());
    let mut by_community = Grouped::default();
    let mut by_item = Grouped::default();
    let mut by_provider = Grouped::default();
    let mut persons: HashSet<u32> = HashSet::new();
    let mut failure = None;
    // The rows come in date order: each day is parsed once.
    let mut current: Option<(String, NaiveDate)> = None;
    raw::services_between(ctx.store.conn(), period.from, period.to, &mut |f| {
        let day = match &current {
            Some((text, day)) if text == f.served_on => *day,
            _ => match NaiveDate::parse_from_str(f.served_on, "%Y-%m-%d") {
                Ok(day) => {
                    current = Some((f.served_on.to_string(), day));
                    day
                }
                Err(_) => {
                    failure.get_or_insert(f.served_on.to_string());
                    return;
                }
            },
        };
        // A service whose case is not here cannot be counted under any community; a service
        // counts where its person lived that day.
        let Some((_, person, community)) = cases.on(f.case_id, day) else {
            return;
        };
        if !visible.get(community as usize).copied().unwrap_or(false) {
            return;
        }
        persons.insert(person);
        by_community.add(community, person, &f);
        by_item.add(items.id(f.item), person, &f);
        by_provider.add(providers.id(f.provider_id), person, &f);
    })?;
    if failure.is_some() {
        return Err(crate::store::StoreError::Corrupt {
            table: "services",
            column: "served_on",
        }
        .into());
    }
    Ok(Delivered {
        communities: by_community.named(|n| cases.community(n)),
        items: by_item.named(|n| &items.names[n as usize]),
        providers: by_provider.named(|n| &providers.names[n as usize]),
        persons: persons.len() as u64,
    })
}

/// Cards issued, services stopped, and cases in service on the last day, per community.
#[derive(Default)]
struct Movement {
    enrolled: u64,
    stopped: u64,
    in_service_at_end: u64,
}

/// Replays each case's history: entering service (not back from a suspension) and stopping
/// within the period, and its state and community on the period's last day.
fn movements(cases: &CaseIndex, period: Period) -> HashMap<String, Movement> {
    let mut by_community: HashMap<u32, Movement> = HashMap::new();
    for history in cases.steps.chunk_by(|a, b| a.case == b.case) {
        let mut before: Option<CaseState> = None;
        let mut at_end: Option<(CaseState, u32)> = None;
        for s in history {
            let state_changed = before != Some(s.state);
            if state_changed && s.changed.is_some_and(|d| period.contains(d)) {
                let m = by_community.entry(s.community).or_default();
                match s.state {
                    CaseState::InService
                        if !matches!(before, Some(CaseState::InService | CaseState::Suspended)) =>
                    {
                        m.enrolled += 1;
                    }
                    CaseState::Stopped => m.stopped += 1,
                    _ => {}
                }
            }
            // A state counts from the day it began; a move from the day it was written.
            let from = if state_changed { s.changed } else { s.written };
            if from.is_some_and(|d| d <= period.to) {
                at_end = Some((s.state, s.community));
            }
            before = Some(s.state);
        }
        if let Some((CaseState::InService, community)) = at_end {
            by_community.entry(community).or_default().in_service_at_end += 1;
        }
    }
    by_community
        .into_iter()
        .map(|(c, m)| (cases.community(c).to_string(), m))
        .collect()
}

/// The figures of every community the session may see over `period`, labelled in `lang`,
/// all read from one snapshot so that a save made meanwhile cannot make them disagree.
pub fn summary(ctx: &Ctx<'_>, period: Period, lang: Lang) -> Result<Summary> {
    ctx.store.snapshot(|_| summary_in(ctx, period, lang))
}

fn summary_in(ctx: &Ctx<'_>, period: Period, lang: Lang) -> Result<Summary> {
    ctx.require_somewhere(Action::ViewPerson)?;
    let visible = |c: &str| ctx.require(Action::ViewPerson, c).is_ok();
    let conn = ctx.store.conn();
    let mut rows: BTreeMap<String, CommunityFigures> = BTreeMap::new();
    fn row<'r>(
        rows: &'r mut BTreeMap<String, CommunityFigures>,
        visible: &dyn Fn(&str) -> bool,
        c: &str,
    ) -> Option<&'r mut CommunityFigures> {
        visible(c).then(|| rows.entry(c.to_string()).or_default())
    }
    for u in super::person::hosted_communities(ctx)? {
        if u.tier() == Tier::Community {
            row(&mut rows, &visible, &u.code);
        }
    }
    for (c, n) in raw::clues_found(conn, period.from, period.to)? {
        if let Some(r) = row(&mut rows, &visible, &c) {
            r.clues_found = n;
        }
    }
    for (c, n) in raw::complaints_received(conn, period.from, period.to)? {
        if let Some(r) = row(&mut rows, &visible, &c) {
            r.complaints_received = n;
        }
    }
    for (c, at) in raw::complaints_closed(conn)? {
        if stored_day(&at).is_some_and(|d| period.contains(d)) {
            if let Some(r) = row(&mut rows, &visible, &c) {
                r.complaints_closed += 1;
            }
        }
    }
    for (c, n, good) in raw::inspections(conn, period.from, period.to)? {
        if let Some(r) = row(&mut rows, &visible, &c) {
            r.inspections = n;
            r.inspections_good = good;
        }
    }
    let cases = CaseIndex::load(ctx)?;
    for (c, m) in movements(&cases, period) {
        if let Some(r) = row(&mut rows, &visible, &c) {
            r.enrolled = m.enrolled;
            r.stopped = m.stopped;
            r.in_service_at_end = m.in_service_at_end;
        }
    }
    let d = delivered(ctx, &cases, period)?;
    for (c, t) in &d.communities {
        if let Some(r) = row(&mut rows, &visible, c) {
            r.services = *t;
        }
    }
    let mut total = CommunityFigures::default();
    let communities: Vec<CommunityFigures> = rows
        .into_iter()
        .map(|(code, mut f)| {
            f.name = ctx.tree.name_of(&code).to_string();
            f.community = code;
            total.add(&f);
            f
        })
        .collect();
    // A person who moved during the period is one person in the total.
    total.services.recipients = d.persons;
    Ok(Summary {
        from: period.from,
        to: period.to,
        unit_name: own_unit_name(ctx)?,
        communities,
        total,
        items: item_lines(d.items, lang),
        providers: provider_lines(ctx, d.providers, lang)?,
    })
}

fn own_unit_name(ctx: &Ctx<'_>) -> Result<String> {
    let code = ctx.store.workstation()?.org_code;
    Ok(ctx.tree.name_of(&code).to_string())
}

/// The category an item is counted under: its service category, else the first measure
/// that lists it.
fn item_group(cat: &Catalogue, item: &crate::domain::catalogue::Entry, lang: Lang) -> String {
    if let Some(c) = &item.category {
        return cat.label(ListKind::ServiceCategory, c, lang).to_string();
    }
    cat.entries(ListKind::Measure)
        .iter()
        .find(|m| m.items.contains(&item.code))
        .map(|m| m.label(lang).to_string())
        .unwrap_or_default()
}

fn item_lines(mut items: HashMap<String, Tally>, lang: Lang) -> Vec<Line> {
    let cat = Catalogue::builtin();
    let mut out: Vec<Line> = Vec::new();
    for e in cat.entries(ListKind::ServiceItem) {
        if let Some(t) = items.remove(&e.code) {
            out.push(Line {
                code: e.code.clone(),
                name: e.label(lang).to_string(),
                group: item_group(cat, e, lang),
                tally: t,
            });
        }
    }
    // Items no longer in the catalogue still count, under their codes.
    let mut rest: Vec<(String, Tally)> = items.into_iter().collect();
    rest.sort_by(|a, b| a.0.cmp(&b.0));
    out.extend(rest.into_iter().map(|(code, tally)| Line {
        name: code.clone(),
        code,
        group: String::new(),
        tally,
    }));
    out
}

fn provider_lines(
    ctx: &Ctx<'_>,
    mut served: HashMap<String, Tally>,
    lang: Lang,
) -> Result<Vec<Line>> {
    let cat = Catalogue::builtin();
    let mut out = Vec::new();
    for p in providers::list(ctx.store.conn())? {
        if let Some(t) = served.remove(&p.meta.id) {
            out.push(Line {
                group: cat.label(ListKind::ProviderKind, &p.kind, lang).to_string(),
                name: p.name,
                code: p.meta.id,
                tally: t,
            });
        }
    }
    out.extend(served.into_iter().map(|(id, tally)| Line {
        name: id.clone(),
        code: id,
        group: String::new(),
        tally,
    }));
    // By the pinyin of the name, as Chinese lists are sorted.
    out.sort_by_cached_key(|l| {
        (
            crate::domain::pinyin_keys::sort_key(&l.name),
            l.code.clone(),
        )
    });
    Ok(out)
}

/// The period of `month`.
pub fn month_period(month: Month) -> Period {
    Period {
        from: month.first_day(),
        to: month.last_day(),
    }
}

/// The monthly statistics of `month`.
pub fn monthly(ctx: &Ctx<'_>, month: Month, lang: Lang) -> Result<Summary> {
    summary(ctx, month_period(month), lang)
}

/// The period of `year`, or a validation error naming the year when there is no such year.
fn year_period(year: i32) -> Result<Period> {
    let (Some(from), Some(to)) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) else {
        return Err(AppError::Validation(
            crate::domain::validation::ValidationError::new(
                crate::domain::validation::Field::Year,
                crate::domain::validation::Reason::BadDate,
            ),
        ));
    };
    Ok(Period { from, to })
}

/// `period` cut at `today` when it has begun and is not yet over: nothing after today has
/// happened, and a figure "on the last day" (期末在册) can only be today's.
fn so_far(period: Period, today: NaiveDate) -> Period {
    if period.from <= today && today < period.to {
        Period {
            from: period.from,
            to: today,
        }
    } else {
        period
    }
}

/// 绩效评估 of `year`: the year's figures and how long the workflow's steps took.
pub fn evaluation(ctx: &Ctx<'_>, year: i32, lang: Lang) -> Result<Evaluation> {
    evaluation_over(ctx, year, year_period(year)?, lang)
}

/// 绩效评估 of `year` counted over `period` (the whole year, or the year so far).
fn evaluation_over(ctx: &Ctx<'_>, year: i32, period: Period, lang: Lang) -> Result<Evaluation> {
    let (summary, timing) = ctx.store.snapshot(|_| {
        Ok::<_, AppError>((
            summary_in(ctx, period, lang)?,
            timeliness::report(ctx, Some(period))?,
        ))
    })?;
    let medians_of = |t: &timeliness::CommunityTimeliness| StepMedians {
        verify: t.step(Step::Verify).median,
        decide: t.step(Step::Decide).median,
        first_service: t.step(Step::FirstService).median,
    };
    let by_code: HashMap<&str, StepMedians> = timing
        .communities
        .iter()
        .map(|t| (t.community.as_str(), medians_of(t)))
        .collect();
    let mut medians: Vec<StepMedians> = summary
        .communities
        .iter()
        .map(|c| {
            by_code
                .get(c.community.as_str())
                .copied()
                .unwrap_or_default()
        })
        .collect();
    medians.push(medians_of(&timing.total));
    Ok(Evaluation {
        year,
        summary,
        medians,
    })
}

/// Which report to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// 月度统计 of one month.
    Monthly(Month),
    /// 绩效评估 of one year.
    Evaluation(i32),
}

impl Which {
    fn file_name(self, format: ListFormat) -> String {
        let stem = match self {
            Which::Monthly(m) => format!("monthly_{}", m.to_string().replace('-', "")),
            Which::Evaluation(y) => format!("evaluation_{y}"),
        };
        format!("{stem}.{}", format.extension())
    }
}

/// Who signs off a report this workstation sends up: its own unit as the seal reads, the
/// signed-in user's real name as 填表人, the 社会救助服务电话, and `today`.
fn sign_off(ctx: &Ctx<'_>, today: NaiveDate) -> Result<sheets::SignOff> {
    let ws = ctx.store.workstation()?;
    Ok(sheets::SignOff {
        unit: super::settings::seal_name(ctx, &ws.org_code),
        filled_by: super::users::real_name(ctx, &ctx.session.username)?,
        phone: super::settings::public_phones(ctx)?.service,
        date: today,
    })
}

/// Counts `which` and writes it to `path` (or the outbox when `None`) in `format`; returns
/// the file and how many communities it covers.
pub fn write(
    ctx: &mut Ctx<'_>,
    which: Which,
    format: ListFormat,
    path: Option<PathBuf>,
    lang: Lang,
) -> Result<(PathBuf, usize)> {
    let today = ctx.clock.today();
    // A period not yet over is counted to today, and its period line says 截至 today.
    let tables = match which {
        Which::Monthly(m) => {
            let s = summary(ctx, so_far(month_period(m), today), lang)?;
            sheets::monthly(&s, m, today, lang)
        }
        Which::Evaluation(y) => {
            let e = evaluation_over(ctx, y, so_far(year_period(y)?, today), lang)?;
            sheets::evaluation(&e, today, lang)
        }
    };
    let n = tables.communities;
    let bytes = match format {
        ListFormat::Xlsx => sheets::xlsx(&tables, today, &sign_off(ctx, today)?, lang)
            .map_err(|e| AppError::Export(e.to_string()))?,
        ListFormat::Csv => sheets::csv(&tables),
        ListFormat::Html => sheets::html(&tables, today, &sign_off(ctx, today)?, lang).into_bytes(),
    };
    let path = match path {
        Some(p) => p,
        None => outbox(ctx)?.join(which.file_name(format)),
    };
    // Counts only: no one's personal data is in it, but who printed what is still logged.
    let subject = match which {
        Which::Monthly(m) => m.to_string(),
        Which::Evaluation(y) => y.to_string(),
    };
    let path = deliver(ctx, path, &bytes, "statistics", &subject)?;
    Ok((path, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: &str) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()
    }

    fn step(case: u32, state: CaseState, changed: &str, written: &str, community: u32) -> CaseStep {
        CaseStep {
            case,
            state,
            changed: day(changed),
            written: day(written),
            community,
        }
    }

    fn index(steps: Vec<CaseStep>) -> CaseIndex {
        let mut communities = Interner::default();
        communities.id("A");
        communities.id("B");
        CaseIndex {
            cases: HashMap::new(),
            communities,
            steps,
            moves: HashMap::new(),
        }
    }

    fn october() -> Period {
        month_period(Month::new(2026, 10).unwrap())
    }

    /// (enrolled, stopped, in service at the end) of community `c`.
    fn figures(m: &HashMap<String, Movement>, c: &str) -> (u64, u64, u64) {
        m.get(c)
            .map_or((0, 0, 0), |m| (m.enrolled, m.stopped, m.in_service_at_end))
    }

    #[test]
    fn a_resumed_service_is_not_enrolled_again() {
        use CaseState::*;
        let cases = index(vec![
            step(0, InService, "2026-10-01", "2026-10-01", 0),
            step(0, Suspended, "2026-10-05", "2026-10-05", 0),
            step(0, InService, "2026-10-09", "2026-10-09", 0),
        ]);
        assert_eq!(figures(&movements(&cases, october()), "A"), (1, 0, 1));
    }

    #[test]
    fn a_stop_counts_by_its_state_whatever_entry_brought_it() {
        use CaseState::*;
        // A stop received from another workstation and accepted from the exchange queue is
        // written under its own kind: the state is what counts.
        let cases = index(vec![
            step(0, InService, "2026-09-01", "2026-09-01", 0),
            step(0, Stopped, "2026-10-12", "2026-10-20", 0),
            // Keeping the local version again writes the same state: not a second stop.
            step(0, Stopped, "2026-10-12", "2026-10-21", 0),
        ]);
        assert_eq!(figures(&movements(&cases, october()), "A"), (0, 1, 0));
        // At the end of September it was still in service.
        let september = month_period(Month::new(2026, 9).unwrap());
        assert_eq!(figures(&movements(&cases, september), "A"), (1, 0, 1));
    }

    #[test]
    fn a_move_counts_from_the_day_it_was_written() {
        use CaseState::*;
        let cases = index(vec![
            step(0, InService, "2026-09-01", "2026-09-01", 0),
            // Moved to B on 11-03; the state began long before.
            step(0, InService, "2026-09-01", "2026-11-03", 1),
        ]);
        assert_eq!(figures(&movements(&cases, october()), "A"), (0, 0, 1));
        let november = month_period(Month::new(2026, 11).unwrap());
        let m = movements(&cases, november);
        assert_eq!(figures(&m, "A"), (0, 0, 0));
        assert_eq!(figures(&m, "B"), (0, 0, 1));
    }
}
