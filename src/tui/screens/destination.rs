//! Where a screen wants to go, as data: a screen returns `Outcome::Open(Destination)` (or
//! `OpenInstead`), and `tui::navigate` — the one place that knows every screen — builds it.
//! This module names no screen, so screens that open one another do not import one another.

use crate::domain::case::{Case, PlannedItem};
use crate::domain::person::Person;
use crate::domain::provider::Provider;

/// A step of a clue that takes a note or a reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClueStep {
    /// 核实属实 (note optional).
    VerifyReal,
    /// 核实不属实 (note required).
    VerifyUnfounded,
    /// 撤销 (reason required).
    Withdraw,
}

/// A screen to open, with what it needs to open.
#[derive(Debug, Clone)]
pub enum Destination {
    /// The sign-in screen.
    Login,
    /// The home screen with its inbox.
    Home,
    /// A placeholder for a menu entry not built yet (its title key).
    Placeholder(&'static str),
    /// 三、建立档案: the person list.
    Persons,
    /// The person list as a chooser of the person a new clue is about.
    ClueTargetPicker,
    /// The person list as a chooser of the duplicate record to merge into person `keep`.
    MergePicker {
        /// The record that stays.
        keep: String,
    },
    /// The person list as a chooser of a new member of household `household`.
    MemberPicker {
        /// The household's id.
        household: String,
    },
    /// One person's file.
    PersonFile {
        /// The person's id.
        id: String,
    },
    /// The form of a new person, `name` already typed; `for_clue` goes on to the clue form.
    NewPerson {
        /// The name typed in the list.
        name: String,
        /// The form was opened while choosing the person of a new clue.
        for_clue: bool,
    },
    /// The form editing a person's record.
    EditPerson(Box<Person>),
    /// A household.
    Household {
        /// The household's id.
        id: String,
    },
    /// The form adding `person` to household `household`.
    AddMember {
        /// The household's id.
        household: String,
        /// The new member.
        person: String,
    },
    /// Merging record `other` into record `keep`.
    Merge {
        /// The record that stays.
        keep: String,
        /// The duplicate.
        other: String,
    },
    /// The form moving a person to another community.
    TransferForm(Box<Person>),
    /// The list of transfers between communities.
    Transfers,
    /// 一、主动发现: the clue list.
    Clues,
    /// The form of a new clue about a person.
    NewClue {
        /// The person's id.
        person_id: String,
        /// The person's name.
        person_name: String,
    },
    /// One clue.
    ClueDetail {
        /// The clue's id.
        id: String,
    },
    /// The form of a clue's step.
    ClueStep {
        /// The clue's id.
        id: String,
        /// Which step.
        step: ClueStep,
    },
    /// The case list (需求认定), or the cases in service (动态管理).
    Cases {
        /// The cases in service.
        in_service: bool,
    },
    /// One case.
    CaseDetail {
        /// The case's id.
        id: String,
    },
    /// The form of one line of a case's service plan.
    PlanLine {
        /// The case.
        case: Box<Case>,
        /// The line.
        line: Box<PlannedItem>,
        /// The providers the case detail loaded.
        providers: Vec<Provider>,
    },
    /// The prints of a case.
    PrintMenu {
        /// The case.
        case: Box<Case>,
        /// Its person's name.
        person_name: String,
    },
    /// The monthly roster import.
    RosterImport,
    /// The follow-up tasks, at task `at` if given.
    Tasks {
        /// The task to select.
        at: Option<String>,
    },
    /// 四、温情服务.
    ServiceDesk,
    /// 服务资源: the provider registry.
    Providers,
    /// The agreements of one provider.
    Agreements(Box<Provider>),
    /// The settlements of one provider.
    Settlements(Box<Provider>),
    /// 资金专户: the fund ledgers.
    Funds,
    /// 互助补贴发放: the neighbour-help subsidy lists.
    Subsidies,
    /// 邻里互助员: the neighbour helpers.
    Helpers,
    /// 六、监督管理.
    Supervision,
    /// The supervision screen on a complaint.
    Complaint {
        /// The complaint's id.
        id: String,
    },
    /// The supervision screen on a community's posting.
    Posting {
        /// The community's code.
        community: String,
    },
    /// The statistics.
    Statistics,
    /// The timeliness of the case steps.
    Timeliness,
    /// 系统设置.
    Settings,
    /// The users.
    Users,
    /// The audit log.
    Audit,
    /// 数据交换, on the peers tab or on the queue tab.
    Exchange {
        /// Open on the queue tab.
        queue: bool,
    },
    /// Exporting a bundle, for unit `org` if given.
    Export {
        /// The receiving unit's code.
        org: Option<String>,
    },
    /// Importing a bundle.
    Import,
    /// Trusting a peer's card.
    Trust,
    /// Writing this workstation's own card.
    Card,
}
