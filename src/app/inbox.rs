//! 待办: what waits in the communities the user may see — the counts by workflow step, and
//! the per-task inbox of the home screen: one item per waiting record the session's roles
//! may act on, with its age against the workstation's time limits, overdue first.

use std::cmp::Ordering;

use chrono::NaiveDate;

use super::{Ctx, Result};
use crate::domain::case::CaseState;
use crate::domain::clue::ClueState;
use crate::domain::permission::Action;
use crate::domain::task::TaskKind;
use crate::domain::timeliness::{card_expiring, review_due, Limit, Thresholds, Wait};
use crate::store::{cases, clues, persons, supervision, tasks, transfers};

/// One line of the inbox: the string-table key of what waits, and how many.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    /// String-table key.
    pub label: &'static str,
    /// How many.
    pub count: i64,
}

/// The counts shown on the home screen, over the communities the session may see.
pub fn counts(ctx: &Ctx<'_>) -> Result<Vec<Waiting>> {
    ctx.require_somewhere(Action::ViewPerson)?;
    let conn = ctx.store.conn();
    let visible = |community: &str| ctx.require(Action::ViewPerson, community).is_ok();
    let clue_counts = clues::count_by_community_and_state(conn)?;
    let case_counts = cases::count_by_community_and_state(conn)?;
    let of_clue = |s: ClueState| -> i64 {
        clue_counts
            .iter()
            .filter(|(c, st, _)| *st == s && visible(c))
            .map(|(_, _, n)| n)
            .sum()
    };
    let of_case = |s: CaseState| -> i64 {
        case_counts
            .iter()
            .filter(|(c, st, _)| *st == s && visible(c))
            .map(|(_, _, n)| n)
            .sum()
    };
    let persons: i64 = persons::count_by_community(conn)?
        .iter()
        .filter(|(c, _)| visible(c))
        .map(|(_, n)| n)
        .sum();
    Ok(vec![
        Waiting {
            label: "inbox.clues_to_verify",
            count: of_clue(ClueState::Recorded),
        },
        Waiting {
            label: "inbox.clues_to_report",
            count: of_clue(ClueState::Verified),
        },
        Waiting {
            label: "inbox.reports_to_accept",
            count: of_clue(ClueState::Reported),
        },
        Waiting {
            label: "inbox.cases_to_survey",
            count: of_case(CaseState::Accepted),
        },
        Waiting {
            label: "inbox.cases_to_assess",
            count: of_case(CaseState::Surveyed),
        },
        Waiting {
            label: "inbox.cases_to_decide",
            count: of_case(CaseState::Assessed),
        },
        Waiting {
            label: "inbox.cards_to_issue",
            count: of_case(CaseState::Approved),
        },
        Waiting {
            label: "inbox.in_service",
            count: of_case(CaseState::InService),
        },
        Waiting {
            label: "inbox.roster_follow_ups",
            count: super::task::counts(ctx)?.total(),
        },
        Waiting {
            label: "inbox.complaints_open",
            count: supervision::open_complaints_by_community(conn)?
                .iter()
                .filter(|(c, _)| visible(c))
                .map(|(_, n)| n)
                .sum(),
        },
        Waiting {
            label: "inbox.transfers_in",
            count: transfers::pending_by_community(conn)?
                .iter()
                .filter(|(c, _)| visible(c))
                .map(|(_, n)| n)
                .sum(),
        },
        Waiting {
            label: "inbox.persons",
            count: persons,
        },
    ])
}

/// Most items the inbox lists; the rest are counted (a workstation that far behind needs the
/// step lists, whose filters reach every record, more than a longer inbox).
pub const INBOX_MAX: usize = 500;

/// A row limit no workstation reaches: every open task is read, so the total is right.
const EVERY_ROW: usize = 1 << 30;

/// What an inbox item asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InboxKind {
    /// A recorded clue to verify.
    VerifyClue,
    /// A verified clue to report to the subdistrict.
    ReportClue,
    /// A report to accept (opens a case).
    AcceptReport,
    /// A case waiting for the home survey.
    Survey,
    /// A surveyed case waiting for the needs assessment.
    Assess,
    /// An assessed case waiting for the decision.
    Decide,
    /// An approved case waiting for its card.
    IssueCard,
    /// A service card about to expire, or expired.
    CardExpiring,
    /// A service due for its scheduled review.
    ReviewDue,
    /// A suspended service whose expected resume day has come.
    ResumeDue,
    /// A roster follow-up: visit the newly approved.
    RosterVisit,
    /// A roster follow-up: review the services of a changed or cancelled recipient.
    RosterReview,
    /// A case in service whose person's assistance status was cancelled (注销): 待复核, and
    /// a suspension is suggested.
    RecheckCancelled,
    /// A complaint or objection not yet closed.
    Complaint,
    /// A community's long-term posting that no longer names who is in service (公示需更新).
    PostingOutdated,
    /// A person moved here from another community, waiting to be received.
    TransferIn,
    /// Received changes waiting in the exchange queue (conflicts and reviews): one item for
    /// all of them, opening the 数据交换 screen's queue.
    Exchange,
    /// The last backup is older than the reminder's days (or there was none).
    Backup,
    /// A likely stolen key: a bundle signed by a key that an already-replaced key endorsed
    /// was refused; the administrator checks with the other office and revokes one.
    KeyAlarm,
    /// A running agreement about to reach its last day, or past it and not yet ended or
    /// renewed (协议到期待续签).
    AgreementExpiring,
    /// An active provider whose qualification (资质) is about to lapse, or has.
    QualificationExpiring,
    /// Last month's services of a planned item under or over the plan's frequency, for a
    /// case in service the whole month (服务未按计划).
    PlanGap,
    /// A provider's month submitted and waiting for another account's approval (结算待审核).
    SettlementToApprove,
    /// A community's subsidy list submitted and waiting for the subdistrict's approval
    /// (补贴待审核).
    SubsidyToApprove,
}

impl InboxKind {
    /// Every kind.
    pub const ALL: [InboxKind; 24] = [
        InboxKind::VerifyClue,
        InboxKind::ReportClue,
        InboxKind::AcceptReport,
        InboxKind::Survey,
        InboxKind::Assess,
        InboxKind::Decide,
        InboxKind::IssueCard,
        InboxKind::CardExpiring,
        InboxKind::ReviewDue,
        InboxKind::ResumeDue,
        InboxKind::RosterVisit,
        InboxKind::RosterReview,
        InboxKind::RecheckCancelled,
        InboxKind::Complaint,
        InboxKind::PostingOutdated,
        InboxKind::TransferIn,
        InboxKind::Exchange,
        InboxKind::Backup,
        InboxKind::KeyAlarm,
        InboxKind::AgreementExpiring,
        InboxKind::QualificationExpiring,
        InboxKind::PlanGap,
        InboxKind::SettlementToApprove,
        InboxKind::SubsidyToApprove,
    ];

    /// String-table key of the label.
    pub fn label_key(self) -> &'static str {
        match self {
            InboxKind::VerifyClue => "inbox.kind_verify",
            InboxKind::ReportClue => "inbox.kind_report",
            InboxKind::AcceptReport => "inbox.kind_accept",
            InboxKind::Survey => "inbox.kind_survey",
            InboxKind::Assess => "inbox.kind_assess",
            InboxKind::Decide => "inbox.kind_decide",
            InboxKind::IssueCard => "inbox.kind_card",
            InboxKind::CardExpiring => "inbox.kind_card_expiring",
            InboxKind::ReviewDue => "inbox.kind_review",
            InboxKind::ResumeDue => "inbox.kind_resume",
            InboxKind::RosterVisit => "inbox.kind_roster_visit",
            InboxKind::RosterReview => "inbox.kind_roster_review",
            InboxKind::RecheckCancelled => "inbox.kind_recheck_cancelled",
            InboxKind::Complaint => "inbox.kind_complaint",
            InboxKind::PostingOutdated => "inbox.kind_posting_outdated",
            InboxKind::TransferIn => "inbox.kind_transfer_in",
            InboxKind::Exchange => "inbox.kind_exchange",
            InboxKind::Backup => "inbox.kind_backup",
            InboxKind::KeyAlarm => "inbox.kind_key_alarm",
            InboxKind::AgreementExpiring => "inbox.kind_agreement_expiring",
            InboxKind::QualificationExpiring => "inbox.kind_qualification_expiring",
            InboxKind::PlanGap => "inbox.kind_plan_gap",
            InboxKind::SettlementToApprove => "inbox.kind_settlement_to_approve",
            InboxKind::SubsidyToApprove => "inbox.kind_subsidy_to_approve",
        }
    }

    /// The permission the item's step needs: the inbox lists an item only to a session that
    /// may take that step in the record's community.
    pub fn action(self) -> Action {
        match self {
            InboxKind::VerifyClue => Action::VerifyClue,
            InboxKind::ReportClue => Action::ReportClue,
            InboxKind::AcceptReport => Action::AcceptReport,
            InboxKind::Survey | InboxKind::Assess => Action::SurveyAndAssess,
            InboxKind::Decide
            | InboxKind::IssueCard
            | InboxKind::CardExpiring
            | InboxKind::ReviewDue
            | InboxKind::ResumeDue
            | InboxKind::RecheckCancelled => Action::DecideCase,
            InboxKind::RosterVisit | InboxKind::RosterReview | InboxKind::TransferIn => {
                Action::EditPerson
            }
            InboxKind::Complaint | InboxKind::PostingOutdated => Action::Supervise,
            InboxKind::Exchange => Action::ExchangeBundles,
            InboxKind::Backup => Action::BackupRestore,
            InboxKind::KeyAlarm => Action::ManageKeys,
            InboxKind::AgreementExpiring => Action::ManageAgreements,
            InboxKind::QualificationExpiring => Action::ManageProviders,
            // The community staff follow a recipient's services up.
            InboxKind::PlanGap => Action::Enrol,
            InboxKind::SettlementToApprove => Action::ApproveSettlement,
            InboxKind::SubsidyToApprove => Action::ApproveSubsidy,
        }
    }
}

/// The record an inbox item opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A clue (its record id).
    Clue(String),
    /// A case.
    Case(String),
    /// A follow-up task, and the person it concerns.
    Task { id: String, person_id: String },
    /// A complaint or objection.
    Complaint(String),
    /// The postings of a community (its code).
    Posting(String),
    /// A transfer to receive.
    Transfer(String),
    /// The exchange queue, holding `open` items this session may resolve.
    ExchangeQueue { open: usize },
    /// A backup to make now; `last` is the last one's time (RFC 3339 UTC), if any.
    Backup { last: Option<String> },
    /// The key alarms not yet acknowledged: `open` of them, the newest about unit `org`.
    KeyAlarms { open: usize, org: String },
    /// The agreements of a provider (its record id).
    Agreements(String),
    /// The provider registry, on provider (its record id).
    Provider(String),
    /// The settlements of a provider (its record id).
    Settlements(String),
    /// The neighbour-help subsidy lists, on list (its record id).
    Subsidy(String),
}

impl Target {
    /// The record id.
    pub fn id(&self) -> &str {
        match self {
            Target::Clue(id)
            | Target::Case(id)
            | Target::Complaint(id)
            | Target::Transfer(id)
            | Target::Posting(id)
            | Target::Agreements(id)
            | Target::Provider(id)
            | Target::Settlements(id)
            | Target::Subsidy(id) => id,
            Target::Task { id, .. } => id,
            Target::ExchangeQueue { .. } | Target::Backup { .. } | Target::KeyAlarms { .. } => "",
        }
    }
}

/// One thing waiting for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxItem {
    /// What it asks for.
    pub kind: InboxKind,
    /// The person's name (for a complaint about no one, the complainant's, or empty).
    pub name: String,
    /// The record's community code.
    pub community: String,
    /// What Enter opens.
    pub target: Target,
    /// The day it started waiting.
    pub since: NaiveDate,
    /// Whole days waited.
    pub days: i64,
    /// The days it may wait.
    pub limit: i64,
    /// Waited longer than it may.
    pub overdue: bool,
}

/// The inbox: the first [`INBOX_MAX`] items in order, and how many there are in all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inbox {
    /// The items listed, overdue first, then oldest first.
    pub items: Vec<InboxItem>,
    /// Every item waiting, listed or not.
    pub total: usize,
    /// How many of all are overdue.
    pub overdue: usize,
    /// How many steps are overdue in the communities the session may see, whoever's step it
    /// is: what 时效统计 counts, by the same definition (a waiting step past its limit).
    pub overdue_in_view: usize,
}

/// The inbox order: overdue first, then the longest waiting; ties in workflow order, then
/// by name and id so the list never reshuffles between refreshes.
pub fn order(a: &InboxItem, b: &InboxItem) -> Ordering {
    b.overdue
        .cmp(&a.overdue)
        .then(a.since.cmp(&b.since))
        .then(a.kind.cmp(&b.kind))
        .then_with(|| a.name.cmp(&b.name))
        .then_with(|| a.target.id().cmp(b.target.id()))
}

/// The per-task inbox of the signed-in user: one item per waiting record their roles may act
/// on, in the communities where they may, measured against this workstation's thresholds.
/// A role that acts on nothing (supervisor, provider staff) gets an empty inbox.
pub fn tasks(ctx: &Ctx<'_>) -> Result<Inbox> {
    let thresholds = super::settings::thresholds(ctx)?;
    // One pass over what waits in view; the user's own items are those their roles may take.
    let in_view = waiting(ctx, &thresholds, &|_, community| {
        ctx.require(Action::ViewPerson, community).is_ok()
    })?;
    let overdue_in_view = in_view.iter().filter(|i| i.overdue).count();
    let mut items: Vec<InboxItem> = in_view
        .into_iter()
        .filter(|i| ctx.require(i.kind.action(), &i.community).is_ok())
        .collect();
    items.extend(exchange_queue(ctx)?);
    items.extend(backup_due(ctx)?);
    items.extend(key_alarms(ctx)?);
    items.sort_by(order);
    let total = items.len();
    let overdue = items.iter().filter(|i| i.overdue).count();
    items.truncate(INBOX_MAX);
    Ok(Inbox {
        items,
        total,
        overdue,
        overdue_in_view,
    })
}

/// The exchange queue as one item, when it holds something this session may resolve. It has
/// no time limit of its own (so it is never overdue) and waits since its oldest item arrived;
/// it is not a step of a community's work, so the timeliness table does not count it.
fn exchange_queue(ctx: &Ctx<'_>) -> Result<Option<InboxItem>> {
    if ctx.require_somewhere(Action::ExchangeBundles).is_err() {
        return Ok(None);
    }
    let open = super::exchange::open_items(ctx)?;
    if open.is_empty() {
        return Ok(None);
    }
    let today = ctx.clock.today();
    let since = open
        .iter()
        .filter_map(|q| super::clock::stored_day(&q.queued_at))
        .min()
        .unwrap_or(today);
    let community = ctx.store.workstation()?.org_code;
    Ok(Some(InboxItem {
        kind: InboxKind::Exchange,
        name: String::new(),
        community,
        target: Target::ExchangeQueue { open: open.len() },
        since,
        days: crate::domain::timeliness::days_waiting(since, today),
        limit: i64::MAX,
        overdue: false,
    }))
}

/// The key alarms as one item, for a session that manages keys: always overdue, since a
/// copy of a unit's secret key is in other hands until one of the two keys is revoked.
fn key_alarms(ctx: &Ctx<'_>) -> Result<Option<InboxItem>> {
    if ctx.require_somewhere(Action::ManageKeys).is_err() {
        return Ok(None);
    }
    let alarms = super::exchange::key_alarms(ctx)?;
    let Some(newest) = alarms.first() else {
        return Ok(None);
    };
    let today = ctx.clock.today();
    let since = alarms
        .iter()
        .filter_map(|a| super::clock::stored_day(&a.at))
        .min()
        .unwrap_or(today);
    Ok(Some(InboxItem {
        kind: InboxKind::KeyAlarm,
        name: crate::domain::text::for_display(&newest.org_name),
        community: newest.org_code.clone(),
        target: Target::KeyAlarms {
            open: alarms.len(),
            org: crate::domain::text::for_display(&newest.org_name),
        },
        since,
        days: crate::domain::timeliness::days_waiting(since, today),
        limit: 0,
        overdue: true,
    }))
}

/// A reminder to back up, for a session that may (administrators), once the last backup —
/// or the set-up, when there was none — is the reminder's days old.
fn backup_due(ctx: &Ctx<'_>) -> Result<Option<InboxItem>> {
    if ctx.require_somewhere(Action::BackupRestore).is_err() {
        return Ok(None);
    }
    let ws = ctx.store.workstation()?;
    let last = super::backup::last_backup(ctx.store)?;
    let today = ctx.clock.today();
    let since = last
        .as_deref()
        .or(Some(ws.created_at.as_str()))
        .and_then(super::clock::stored_day)
        .unwrap_or(today);
    let days = crate::domain::timeliness::days_waiting(since, today);
    let limit = super::backup::remind_days(ctx.store);
    if days < limit {
        return Ok(None);
    }
    Ok(Some(InboxItem {
        kind: InboxKind::Backup,
        name: String::new(),
        community: ws.org_code,
        target: Target::Backup { last },
        since,
        days,
        limit,
        overdue: days > limit,
    }))
}

/// The steps overdue now in each community the session may see, whoever's step it is (what
/// 时效统计 shows, and the home screen beside the user's own).
pub fn overdue_by_community(
    ctx: &Ctx<'_>,
    t: &Thresholds,
) -> Result<std::collections::BTreeMap<String, usize>> {
    let mut out = std::collections::BTreeMap::new();
    for item in waiting(ctx, t, &|_, c| ctx.require(Action::ViewPerson, c).is_ok())? {
        if item.overdue {
            *out.entry(item.community).or_default() += 1;
        }
    }
    Ok(out)
}

/// Every waiting item under `t` for which `may(action, community)` holds, unordered.
pub(crate) fn waiting(
    ctx: &Ctx<'_>,
    t: &Thresholds,
    may: &dyn Fn(Action, &str) -> bool,
) -> Result<Vec<InboxItem>> {
    let today = ctx.clock.today();
    let conn = ctx.store.conn();
    let mut out = Vec::new();
    let push = |kind: InboxKind,
                name: &str,
                community: &str,
                target: Target,
                wait: Wait,
                out: &mut Vec<InboxItem>| {
        if may(kind.action(), community) {
            out.push(InboxItem {
                kind,
                name: name.to_string(),
                community: community.to_string(),
                target,
                since: wait.since,
                days: wait.days(today),
                limit: wait.limit,
                overdue: wait.overdue(today),
            });
        }
    };
    for (clue, name) in clues::waiting(conn)? {
        let kind = match clue.state {
            ClueState::Recorded => InboxKind::VerifyClue,
            ClueState::Verified => InboxKind::ReportClue,
            ClueState::Reported => InboxKind::AcceptReport,
            _ => continue,
        };
        if let Some(wait) = super::clue::wait_of(&clue, t) {
            let target = Target::Clue(clue.meta.id.clone());
            push(kind, &name, &clue.community, target, wait, &mut out);
        }
    }
    let due = cases::ServiceDue {
        reviewed_by: today - chrono::Duration::days(t.get(Limit::ReviewInterval)),
        card_ends_by: today + chrono::Duration::days(t.get(Limit::CardWarning)),
        resume_by: today,
    };
    cases::for_each_waiting(conn, &due, |case, name| {
        let target = || Target::Case(case.meta.id.clone());
        let step = match case.state {
            CaseState::Accepted => Some(InboxKind::Survey),
            CaseState::Surveyed => Some(InboxKind::Assess),
            CaseState::Assessed => Some(InboxKind::Decide),
            CaseState::Approved => Some(InboxKind::IssueCard),
            _ => None,
        };
        if let (Some(kind), Some(wait)) = (step, super::case::wait_of(&case, t, today)) {
            push(kind, &name, &case.community, target(), wait, &mut out);
        }
        if let (CaseState::Suspended, Some(day)) = (case.state, case.resume_expected) {
            // Due on the expected day, overdue the day after.
            let wait = Wait {
                since: day,
                limit: 0,
            };
            if day <= today {
                push(
                    InboxKind::ResumeDue,
                    &name,
                    &case.community,
                    target(),
                    wait,
                    &mut out,
                );
            }
        }
        if case.state != CaseState::InService {
            return Ok(());
        }
        if let Some(wait) = case.review_from().and_then(|d| review_due(d, t, today)) {
            push(
                InboxKind::ReviewDue,
                &name,
                &case.community,
                target(),
                wait,
                &mut out,
            );
        }
        if let Some(wait) = case
            .card_valid_until
            .and_then(|d| card_expiring(d, t, today))
        {
            push(
                InboxKind::CardExpiring,
                &name,
                &case.community,
                target(),
                wait,
                &mut out,
            );
        }
        Ok(())
    })?;
    for (task, name) in tasks::list_open(conn, EVERY_ROW)? {
        let kind = match task.kind {
            TaskKind::RosterVisit => InboxKind::RosterVisit,
            TaskKind::RosterReview => InboxKind::RosterReview,
        };
        let wait = Wait {
            since: super::clock::stored_day(&task.meta.created_at).unwrap_or(today),
            limit: t.get(Limit::FollowUp),
        };
        let target = Target::Task {
            id: task.meta.id.clone(),
            person_id: task.person_id.clone(),
        };
        push(kind, &name, &task.community, target, wait, &mut out);
    }
    for (case, name, cancelled_at) in cases::in_service_without_assistance(conn)? {
        let wait = Wait {
            since: super::clock::stored_day(&cancelled_at).unwrap_or(today),
            limit: t.get(Limit::FollowUp),
        };
        let target = Target::Case(case.meta.id.clone());
        push(
            InboxKind::RecheckCancelled,
            &name,
            &case.community,
            target,
            wait,
            &mut out,
        );
    }
    for posting in super::supervision::outdated_postings(conn)? {
        let since =
            cases::last_state_change_after(conn, &posting.community, &posting.meta.created_at)?
                .as_deref()
                .and_then(super::clock::stored_day)
                .unwrap_or(today);
        let wait = Wait {
            since,
            limit: t.get(Limit::FollowUp),
        };
        let target = Target::Posting(posting.community.clone());
        push(
            InboxKind::PostingOutdated,
            "",
            &posting.community,
            target,
            wait,
            &mut out,
        );
    }
    // An agreement nearing its last day, as a card does: within the card warning's days,
    // overdue once past it while still running.
    for a in crate::store::agreements::list(conn)? {
        if a.state != crate::domain::agreement::AgreementState::Running {
            continue;
        }
        if let Some(wait) = card_expiring(a.last_day(), t, today) {
            let name = crate::store::providers::get(conn, &a.provider_id)?
                .map(|p| p.name)
                .unwrap_or_default();
            push(
                InboxKind::AgreementExpiring,
                &name,
                &a.buyer,
                Target::Agreements(a.provider_id.clone()),
                wait,
                &mut out,
            );
        }
    }
    // Last month, against each plan: a case in service since before the month began.
    if let Some(month) = crate::domain::month::Month::of(today).prev() {
        let counts =
            crate::store::services::counts_by_case_item(conn, month.first_day(), month.last_day())?;
        for case in cases::in_service(conn, None)? {
            let since = super::clock::stored_day(&case.state_changed_at).unwrap_or(today);
            if since > month.first_day() {
                continue;
            }
            for line in case.plan_lines() {
                let delivered = counts
                    .get(&(case.meta.id.clone(), line.item.clone()))
                    .copied()
                    .unwrap_or(0);
                if crate::domain::delivery::gap(&line.frequency, month, delivered).is_some() {
                    let name = persons::get(conn, &case.person_id)?
                        .map(|p| p.facts.name)
                        .unwrap_or_default();
                    let wait = Wait {
                        since: month.last_day() + chrono::Duration::days(1),
                        limit: t.get(Limit::FollowUp),
                    };
                    push(
                        InboxKind::PlanGap,
                        &name,
                        &case.community,
                        Target::Case(case.meta.id.clone()),
                        wait,
                        &mut out,
                    );
                    // One item per case: the case page shows which items.
                    break;
                }
            }
        }
    }
    // Money waiting for its checker: a submitted settlement or subsidy list, from the day
    // it was submitted, within the follow-up limit.
    let submitted_day = |at: &Option<String>| {
        at.as_deref()
            .and_then(super::clock::stored_day)
            .unwrap_or(today)
    };
    for s in crate::store::settlements::list(conn)? {
        if s.state != crate::domain::settlement::SettlementState::Submitted {
            continue;
        }
        let name = crate::store::providers::get(conn, &s.provider_id)?
            .map(|p| p.name)
            .unwrap_or_default();
        let wait = Wait {
            since: submitted_day(&s.submitted_at),
            limit: t.get(Limit::FollowUp),
        };
        push(
            InboxKind::SettlementToApprove,
            &name,
            &s.buyer,
            Target::Settlements(s.provider_id.clone()),
            wait,
            &mut out,
        );
    }
    for l in crate::store::subsidies::list(conn)? {
        if l.state != crate::domain::settlement::SettlementState::Submitted {
            continue;
        }
        let wait = Wait {
            since: submitted_day(&l.submitted_at),
            limit: t.get(Limit::FollowUp),
        };
        push(
            InboxKind::SubsidyToApprove,
            &l.month.to_string(),
            &l.community,
            Target::Subsidy(l.meta.id.clone()),
            wait,
            &mut out,
        );
    }
    for p in crate::store::providers::list(conn)? {
        let Some(until) = p.qualification.valid_until.filter(|_| p.active) else {
            continue;
        };
        if let Some(wait) = card_expiring(until, t, today) {
            push(
                InboxKind::QualificationExpiring,
                &p.name,
                &p.area,
                Target::Provider(p.meta.id.clone()),
                wait,
                &mut out,
            );
        }
    }
    for (complaint, person) in supervision::open_complaints(conn)? {
        let name = person
            .or_else(|| complaint.complainant.clone())
            .unwrap_or_default();
        // 交办 with a due date: overdue past that day; otherwise the workstation's limit.
        let wait = Wait {
            since: complaint.received_on,
            limit: complaint
                .due_on
                .map(|d| (d - complaint.received_on).num_days().max(0))
                .unwrap_or_else(|| t.get(Limit::Complaint)),
        };
        let target = Target::Complaint(complaint.meta.id.clone());
        push(
            InboxKind::Complaint,
            &name,
            &complaint.community,
            target,
            wait,
            &mut out,
        );
    }
    for (transfer, name) in transfers::list(conn, EVERY_ROW)? {
        if transfer.state != crate::domain::transfer::TransferState::Pending {
            continue;
        }
        let wait = Wait {
            since: super::clock::stored_day(&transfer.sent_at).unwrap_or(today),
            limit: t.get(Limit::Accept),
        };
        let target = Target::Transfer(transfer.meta.id.clone());
        push(
            InboxKind::TransferIn,
            &name,
            &transfer.to_community,
            target,
            wait,
            &mut out,
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(kind: InboxKind, since: &str, overdue: bool, name: &str) -> InboxItem {
        InboxItem {
            kind,
            name: name.into(),
            community: "360104001001".into(),
            target: Target::Clue(format!("id-{name}")),
            since: NaiveDate::parse_from_str(since, "%Y-%m-%d").unwrap(),
            days: 0,
            limit: 3,
            overdue,
        }
    }

    #[test]
    fn overdue_first_then_the_longest_waiting() {
        let mut v = [
            item(InboxKind::VerifyClue, "2026-11-27", false, "甲"),
            item(InboxKind::Survey, "2026-11-20", true, "乙"),
            item(InboxKind::VerifyClue, "2026-10-01", false, "丙"),
            item(InboxKind::ReviewDue, "2026-11-25", true, "丁"),
            item(InboxKind::Complaint, "2026-10-01", false, "戊"),
        ];
        v.sort_by(order);
        let names: Vec<&str> = v.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["乙", "丁", "丙", "戊", "甲"]);
    }

    #[test]
    fn ties_keep_a_stable_order() {
        let a = item(InboxKind::VerifyClue, "2026-11-01", false, "张三");
        let b = item(InboxKind::VerifyClue, "2026-11-01", false, "李四");
        assert_eq!(order(&a, &b), "张三".cmp("李四"));
        assert_eq!(order(&a, &a), Ordering::Equal);
    }

    #[test]
    fn every_kind_names_a_step_of_the_permission_table() {
        use crate::domain::permission::{scope_of, Role};
        for k in InboxKind::ALL {
            assert!(
                scope_of(Role::Admin, k.action()).is_some(),
                "{k:?} must be reachable by the administrator"
            );
            assert!(
                scope_of(Role::Supervisor, k.action()).is_none(),
                "a supervisor changes nothing, so {k:?} is not theirs"
            );
        }
    }
}
