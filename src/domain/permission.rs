//! Who may do what, where: the one table of role × action × scope that every `app` use case
//! consults before it acts. Hiding a menu entry is a courtesy; this is the rule.

use super::org::OrgTree;
use super::validation::{Field, Reason, ValidationError};

/// A role a user holds at one org unit (codes as the command line takes them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// 系统管理员
    Admin,
    /// 社会救助服务信息员
    InfoOfficer,
    /// 社区工作人员
    CommunityStaff,
    /// 街道经办人
    SubdistrictCaseworker,
    /// 区级管理员
    DistrictAdmin,
    /// 服务机构人员
    ProviderStaff,
    /// 监督查询
    Supervisor,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 7] = [
        Role::Admin,
        Role::InfoOfficer,
        Role::CommunityStaff,
        Role::SubdistrictCaseworker,
        Role::DistrictAdmin,
        Role::ProviderStaff,
        Role::Supervisor,
    ];

    /// The command-line code.
    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::InfoOfficer => "info_officer",
            Role::CommunityStaff => "community_staff",
            Role::SubdistrictCaseworker => "subdistrict_caseworker",
            Role::DistrictAdmin => "district_admin",
            Role::ProviderStaff => "provider_staff",
            Role::Supervisor => "supervisor",
        }
    }

    /// Parses one role code.
    pub fn parse(s: &str) -> Result<Role, ValidationError> {
        let s = s.trim();
        Role::ALL
            .into_iter()
            .find(|r| r.code() == s)
            .ok_or_else(|| {
                ValidationError::new(
                    Field::Role,
                    Reason::NotInCatalogue {
                        code: s.to_string(),
                    },
                )
            })
    }

    /// Parses a comma-separated list (`info_officer,community_staff`).
    pub fn parse_list(s: &str) -> Result<Vec<Role>, ValidationError> {
        let mut out = Vec::new();
        for part in s.split(',').filter(|p| !p.trim().is_empty()) {
            let r = Role::parse(part)?;
            if !out.contains(&r) {
                out.push(r);
            }
        }
        if out.is_empty() {
            return Err(ValidationError::new(Field::Role, Reason::Required));
        }
        Ok(out)
    }

    /// String-table key of the label.
    pub fn label_key(self) -> &'static str {
        match self {
            Role::Admin => "role.admin",
            Role::InfoOfficer => "role.info_officer",
            Role::CommunityStaff => "role.community_staff",
            Role::SubdistrictCaseworker => "role.subdistrict_caseworker",
            Role::DistrictAdmin => "role.district_admin",
            Role::ProviderStaff => "role.provider_staff",
            Role::Supervisor => "role.supervisor",
        }
    }
}

/// Something a user does, checked before it is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Read a person's record and search.
    ViewPerson,
    /// Create or edit a person.
    EditPerson,
    /// 登记线索
    RecordClue,
    /// 核实线索
    VerifyClue,
    /// 上报街道
    ReportClue,
    /// 受理上报 (opens a case)
    AcceptReport,
    /// 入户调查、需求评估
    SurveyAndAssess,
    /// 认定、发卡、复核、暂停、终止
    DecideCase,
    /// 编制服务号 (enrol into the archive)
    Enrol,
    /// 服务记录
    RecordService,
    /// 服务目录
    ManageCatalogue,
    /// 服务机构登记
    ManageProviders,
    /// 服务协议: record and end the agreements a unit buys services under
    ManageAgreements,
    /// 结算: make a provider's month and submit it
    MakeSettlement,
    /// 结算审核: approve a settlement another account submitted
    ApproveSettlement,
    /// 结算支付: record that an approved settlement was paid
    PaySettlement,
    /// 资金专户: book income into the unit's fund ledgers, set the neighbour-help subsidy rule
    ManageFunds,
    /// 邻里互助: register helpers and their trainings, pair them, record their visits
    ManageHelpers,
    /// 互助补贴: make a community's monthly subsidy list and submit it
    MakeSubsidy,
    /// 互助补贴审核: approve a list another account submitted
    ApproveSubsidy,
    /// 互助补贴发放: record that an approved list was paid
    PaySubsidy,
    /// 用户管理
    ManageUsers,
    /// 备份与恢复: the whole workstation, every unit's records and the keys
    BackupRestore,
    /// 审计与检查
    Inspect,
    /// 监督管理: posting periods, complaints and objections, inspections of services
    Supervise,
    /// 生成演示数据
    GenerateDemo,
    /// 系统设置: this workstation's time limits and review interval
    ManageSettings,
    /// 数据交换: write and read bundles, resolve the conflict and review queue
    ExchangeBundles,
    /// 密钥管理: enrol, revoke and rotate keys
    ManageKeys,
}

impl Action {
    /// String-table key naming the action in a refusal.
    pub fn label_key(self) -> &'static str {
        match self {
            Action::ViewPerson => "action.view_person",
            Action::EditPerson => "action.edit_person",
            Action::RecordClue => "action.record_clue",
            Action::VerifyClue => "action.verify_clue",
            Action::ReportClue => "action.report_clue",
            Action::AcceptReport => "action.accept_report",
            Action::SurveyAndAssess => "action.survey_and_assess",
            Action::DecideCase => "action.decide_case",
            Action::Enrol => "action.enrol",
            Action::RecordService => "action.record_service",
            Action::ManageCatalogue => "action.manage_catalogue",
            Action::ManageProviders => "action.manage_providers",
            Action::ManageAgreements => "action.manage_agreements",
            Action::MakeSettlement => "action.make_settlement",
            Action::ApproveSettlement => "action.approve_settlement",
            Action::PaySettlement => "action.pay_settlement",
            Action::ManageFunds => "action.manage_funds",
            Action::ManageHelpers => "action.manage_helpers",
            Action::MakeSubsidy => "action.make_subsidy",
            Action::ApproveSubsidy => "action.approve_subsidy",
            Action::PaySubsidy => "action.pay_subsidy",
            Action::ManageUsers => "action.manage_users",
            Action::BackupRestore => "action.backup_restore",
            Action::Inspect => "action.inspect",
            Action::Supervise => "action.supervise",
            Action::GenerateDemo => "action.generate_demo",
            Action::ManageSettings => "action.manage_settings",
            Action::ExchangeBundles => "action.exchange_bundles",
            Action::ManageKeys => "action.manage_keys",
        }
    }
}

/// Where a granted action reaches, measured from the unit the role is held at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The unit itself only.
    Own,
    /// The unit, the units it hosts and every unit below it.
    Subtree,
    /// Every unit of the district.
    All,
}

/// The permission table. `None`: the role may not do it at all.
pub fn scope_of(role: Role, action: Action) -> Option<Scope> {
    use Action as A;
    use Role as R;
    use Scope::*;
    match (role, action) {
        // The administrator runs its workstation and may do all of its tier's work.
        (R::Admin, A::RecordService | A::ManageCatalogue) => None,
        (R::Admin, _) => Some(Subtree),

        (
            R::InfoOfficer,
            A::ViewPerson
            | A::EditPerson
            | A::RecordClue
            | A::VerifyClue
            | A::ReportClue
            | A::ManageHelpers,
        ) => Some(Subtree),

        (
            R::CommunityStaff,
            A::ViewPerson
            | A::EditPerson
            | A::RecordClue
            | A::ReportClue
            | A::Enrol
            | A::RecordService
            | A::Supervise
            | A::ManageHelpers
            | A::MakeSubsidy
            | A::ExchangeBundles,
        ) => Some(Subtree),

        (
            R::SubdistrictCaseworker,
            A::ViewPerson
            | A::EditPerson
            | A::RecordClue
            | A::AcceptReport
            | A::SurveyAndAssess
            | A::DecideCase
            | A::Enrol
            | A::Supervise
            | A::ManageAgreements
            | A::MakeSettlement
            | A::ApproveSettlement
            | A::PaySettlement
            | A::ManageFunds
            | A::ManageHelpers
            | A::ApproveSubsidy
            | A::PaySubsidy
            | A::ExchangeBundles,
        ) => Some(Subtree),

        (
            R::DistrictAdmin,
            A::ViewPerson
            | A::ManageCatalogue
            | A::ManageProviders
            | A::ManageAgreements
            | A::ApproveSettlement
            | A::ManageFunds
            | A::Inspect
            | A::Supervise
            | A::ExchangeBundles,
        ) => Some(All),

        // Provider staff serve the card holders of the area their role is held at; tying
        // an account to one provider (and only its registered recipients) comes with accounts.
        (R::ProviderStaff, A::RecordService) => Some(Subtree),

        (R::Supervisor, A::ViewPerson | A::Inspect) => Some(Subtree),

        _ => None,
    }
}

/// One role held at one org unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// The role.
    pub role: Role,
    /// The unit it is held at.
    pub org: String,
}

/// True when any of `grants` allows `action` on a record of unit `target`.
pub fn allows(grants: &[Grant], action: Action, target: &str, tree: &OrgTree) -> bool {
    grants.iter().any(|g| match scope_of(g.role, action) {
        None => false,
        Some(Scope::All) => true,
        Some(Scope::Own) => g.org == target,
        Some(Scope::Subtree) => tree.is_within(target, &g.org),
    })
}

/// True when any grant allows `action` somewhere (for showing a menu entry at all).
pub fn allows_anywhere(grants: &[Grant], action: Action) -> bool {
    grants.iter().any(|g| scope_of(g.role, action).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(role: Role, org: &str) -> Vec<Grant> {
        vec![Grant {
            role,
            org: org.into(),
        }]
    }

    #[test]
    fn info_officer_works_in_its_community_only() {
        let tree = OrgTree::demo();
        let g = grant(Role::InfoOfficer, "360104001001");
        assert!(allows(&g, Action::RecordClue, "360104001001", &tree));
        assert!(!allows(&g, Action::RecordClue, "360104001002", &tree));
        assert!(!allows(&g, Action::DecideCase, "360104001001", &tree));
    }

    #[test]
    fn caseworker_reaches_its_communities() {
        let tree = OrgTree::demo();
        let g = grant(Role::SubdistrictCaseworker, "360104001");
        assert!(allows(&g, Action::DecideCase, "360104001003", &tree));
        assert!(!allows(&g, Action::DecideCase, "360104002001", &tree));
        assert!(!allows(&g, Action::ManageUsers, "360104001", &tree));
    }

    #[test]
    fn supervisor_changes_nothing() {
        let g = grant(Role::Supervisor, "360104");
        let tree = OrgTree::demo();
        assert!(allows(&g, Action::ViewPerson, "360104001001", &tree));
        for a in [
            Action::EditPerson,
            Action::RecordClue,
            Action::DecideCase,
            Action::ManageUsers,
            Action::Enrol,
        ] {
            assert!(!allows(&g, a, "360104001001", &tree), "{a:?}");
        }
    }

    #[test]
    fn only_the_administrator_changes_settings() {
        let tree = OrgTree::demo();
        for role in Role::ALL {
            let may = allows(
                &grant(role, "360104001"),
                Action::ManageSettings,
                "360104001",
                &tree,
            );
            assert_eq!(may, role == Role::Admin, "{role:?}");
        }
    }

    #[test]
    fn provider_staff_cannot_browse_people() {
        let g = grant(Role::ProviderStaff, "360104001");
        assert!(!allows(
            &g,
            Action::ViewPerson,
            "360104001",
            &OrgTree::demo()
        ));
    }

    #[test]
    fn role_lists_parse_and_refuse_unknown() {
        assert_eq!(
            Role::parse_list("info_officer, community_staff,info_officer").unwrap(),
            vec![Role::InfoOfficer, Role::CommunityStaff]
        );
        assert_eq!(Role::parse_list("boss").unwrap_err().field, Field::Role);
        assert_eq!(Role::parse_list("").unwrap_err().reason, Reason::Required);
    }
}
