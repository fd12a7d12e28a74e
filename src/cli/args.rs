//! The command-line contract (DESIGN.md): scripts and tests rely on every name here.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// 救助 jiuzhu — 服务类社会救助工作站 / workstation for service-type social assistance.
#[derive(Debug, Parser)]
#[command(name = "jiuzhu", version, about, long_about = None, disable_help_subcommand = true)]
pub struct Cli {
    /// 数据目录 / data directory (default: per-user data folder)
    #[arg(long, global = true, env = "JIUZHU_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// 数据库文件，覆盖数据目录中的 jiuzhu.db / database file, overrides DIR/jiuzhu.db
    #[arg(long, global = true, value_name = "FILE")]
    pub db: Option<PathBuf>,

    /// 界面语言 / language: zh-CN | en
    #[arg(long, global = true, default_value = "zh-CN", value_name = "LANG")]
    pub lang: String,

    /// 以该用户身份执行（密码取自 JIUZHU_PASSWORD 或提示输入）/ act as this user
    #[arg(long, global = true, value_name = "U")]
    pub user: Option<String>,

    /// 终端界面只用 ASCII 边框和符号 / ASCII borders and symbols in the terminal UI
    #[arg(long, global = true)]
    pub ascii: bool,

    /// 终端界面使用高对比度配色 / high-contrast colours in the terminal UI
    #[arg(long = "high-contrast", global = true)]
    pub high_contrast: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands; none starts the terminal UI.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// 初始化工作站 / set up a workstation
    Init(InitArgs),
    /// 生成演示数据（仅演示工作站）/ synthetic data on a demo workstation
    Demo(DemoArgs),
    /// 用户管理 / user accounts
    #[command(subcommand)]
    User(UserCommand),
    /// 密钥 / keys
    #[command(subcommand)]
    Keys(KeysCommand),
    /// 数据包交换 / bundle exchange
    #[command(subcommand)]
    Bundle(BundleCommand),
    /// 月度名单导入 / monthly roster
    #[command(subcommand)]
    Roster(RosterCommand),
    /// 查找人员 / search persons
    Find(FindArgs),
    /// 统计报表 / reports
    #[command(subcommand)]
    Report(ReportCommand),
    /// 服务协议 / provider agreements
    #[command(subcommand)]
    Agreement(AgreementCommand),
    /// 结算 / settlements of providers' months
    #[command(subcommand)]
    Settlement(SettlementCommand),
    /// 资金专户 / the pilot fund's ledgers
    #[command(subcommand)]
    Fund(FundCommand),
    /// 邻里互助补贴 / neighbour-help subsidies
    #[command(subcommand)]
    Subsidy(SubsidyCommand),
    /// 审计 / audit
    #[command(subcommand)]
    Audit(AuditCommand),
    /// 在线加密备份 / online encrypted backup
    Backup {
        /// 输出文件或文件夹（默认本人的发件箱）/ file or folder (default: your outbox)
        #[arg(long, value_name = "F")]
        out: Option<PathBuf>,
    },
    /// 从备份恢复（开始新的一期；原数据库改名保存）/ restore from a backup (starts a new epoch; the replaced database is kept)
    Restore {
        /// 备份文件 / backup file
        file: PathBuf,
        /// 托管恢复私钥文件（本机密钥丢失时）/ escrow identity file, when this workstation's keys are lost
        #[arg(long, value_name = "FILE")]
        identity: Option<PathBuf>,
        /// 数据库中有尚未导出、备份中也没有的变更时仍然恢复（原数据库改名保存，这些变更只留在其中）/
        /// restore even over changes never exported and not in the backup (they stay in the
        /// replaced database, which is kept under a new name)
        #[arg(long = "replace-unexported")]
        replace_unexported: bool,
    },
    /// 完整性与一致性检查 / integrity and invariant checks
    Check,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// community | subdistrict | district
    #[arg(long)]
    pub tier: String,
    /// 本单位代码 / org code
    #[arg(long = "org-code", value_name = "C")]
    pub org_code: String,
    /// 本单位名称 / org name
    #[arg(long = "org-name", value_name = "N")]
    pub org_name: String,
    /// 单位全称（用印名称，打印在公示等文书落款处；不填则用单位名称）/ full official name, as on the seal
    #[arg(long = "org-full-name", value_name = "N", default_value = "")]
    pub org_full_name: String,
    /// 上级单位代码 / parent org code
    #[arg(long, value_name = "C")]
    pub parent: Option<String>,
    /// 首个管理员用户名 / first administrator
    #[arg(long, value_name = "U")]
    pub admin: String,
    /// 首个管理员实名（打印在需要签名的表格上）/ their real name, printed where they sign
    #[arg(long = "admin-name", value_name = "NAME", default_value = "")]
    pub admin_name: String,
    /// 演示/培训工作站 / demo or training workstation
    #[arg(long)]
    pub demo: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// 人数 / number of persons
    #[arg(long, default_value_t = 2000, value_name = "N")]
    pub persons: usize,
    /// 随机种子：相同种子生成相同内容 / same seed, same content
    #[arg(long, default_value_t = 1, value_name = "S")]
    pub seed: u64,
}

#[derive(Debug, Args)]
pub struct FindArgs {
    /// 姓名、拼音首字母或全拼、身份证号或尾号、电话、服务号；"-" 从标准输入逐行读取
    pub query: String,
    /// 最多显示条数 / most matches shown
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub limit: usize,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// 添加用户 / add a user
    Add {
        username: String,
        /// 实名（打印时显示）/ the real name prints show
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
        #[arg(long)]
        role: String,
        #[arg(long, value_name = "C")]
        org: Option<String>,
        /// 服务机构人员所属机构（记录号）/ the provider a provider staff account works for
        #[arg(long, value_name = "ID")]
        provider: Option<String>,
    },
    /// 停用用户 / disable a user
    Disable { username: String },
    /// 重置密码（数据目录所有者）/ reset a password (data directory owner)
    Reset { username: String },
    /// 列出用户 / list users
    List,
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// 显示本机公钥 / show this workstation's keys
    Show {
        #[arg(long)]
        fingerprint: bool,
    },
    /// 导出公钥卡 / export the public card
    Export {
        #[arg(long, value_name = "F")]
        out: PathBuf,
    },
    /// 信任对方公钥 / trust a peer's card
    Trust {
        file: PathBuf,
        #[arg(long, value_name = "FP")]
        fingerprint: String,
        /// 所辖单位尚不在本工作站的单位树中：核实代码和名称后加入 / the child unit is not in
        /// this workstation's org tree yet: add it (after checking its code and name)
        #[arg(long)]
        new_unit: bool,
    },
    /// 吊销 / revoke
    Revoke { fingerprint: String },
    /// 更换本机密钥（新密钥由旧密钥签署公告）/ replace this workstation's keys
    Rotate,
    /// 设置离线托管恢复公钥 / offline escrow recipient for bundles
    Escrow {
        /// age1… 公钥 / recipient
        recipient: Option<String>,
        /// 取消托管 / stop encrypting to the escrow recipient
        #[arg(long)]
        clear: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum BundleCommand {
    /// 导出数据包 / export a bundle
    Export {
        #[arg(long, value_name = "ORG_CODE")]
        to: String,
        /// 输出文件或文件夹（默认本人的发件箱）/ file or folder (default: your outbox)
        #[arg(long, value_name = "F")]
        out: Option<PathBuf>,
    },
    /// 导入数据包 / import a bundle
    Import { file: PathBuf },
    /// 查看数据包清单 / show a bundle's manifest
    Inspect { file: PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum RosterCommand {
    /// 导入月度名单 / import a monthly roster
    Import { file: PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// 月度统计 / monthly statistics
    Monthly {
        #[arg(long, value_name = "YYYY-MM")]
        month: String,
        #[arg(long, default_value = "xlsx")]
        format: String,
        #[arg(long, value_name = "F")]
        out: PathBuf,
    },
    /// 年度绩效评估 / yearly evaluation
    Evaluation {
        #[arg(long, value_name = "YYYY")]
        year: String,
        #[arg(long, default_value = "xlsx")]
        format: String,
        #[arg(long, value_name = "F")]
        out: PathBuf,
    },
    /// 公示名单 / public posting list, recorded as the community's current posting
    Posting {
        #[arg(long, value_name = "C")]
        community: Option<String>,
        /// 公示起始日期 (default: today)
        #[arg(long, value_name = "YYYY-MM-DD")]
        from: Option<String>,
        /// 公示截止日期; absent: 长期公示 (long-term, until re-issued)
        #[arg(long, value_name = "YYYY-MM-DD")]
        until: Option<String>,
        /// 公示地点 (default: the community's notice board)
        #[arg(long, value_name = "TEXT")]
        place: Option<String>,
        #[arg(long, default_value = "xlsx")]
        format: String,
        #[arg(long, value_name = "F")]
        out: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum AgreementCommand {
    /// 列出服务协议 / list agreements
    List {
        /// 只列该服务机构的（名称或记录编号）/ only this provider's (name or record id)
        #[arg(long, value_name = "P")]
        provider: Option<String>,
    },
    /// 查看一份协议 / show one agreement
    Show {
        /// 协议编号或记录编号 / agreement number or record id
        agreement: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum SettlementCommand {
    /// 编制（或重新编制）某机构某月的结算单草稿 / make (or remake) a provider's month as a draft
    Make {
        /// 服务机构名称或记录编号 / provider name or record id
        #[arg(long, value_name = "P")]
        provider: String,
        #[arg(long, value_name = "YYYY-MM")]
        month: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum SubsidyCommand {
    /// 编制（或重新编制）社区某月的互助补贴发放表草稿 / make (or remake) a community's month as a draft
    Make {
        #[arg(long, value_name = "YYYY-MM")]
        month: String,
        /// 社区代码（只管一个社区时可省略）/ community code (may be left out by who serves one)
        #[arg(long, value_name = "C")]
        community: Option<String>,
        /// 同时生成发放表：html（打印盖章）或 xlsx / also write the list: html (to print) or xlsx
        #[arg(long, value_name = "FORMAT")]
        format: Option<String>,
    },
    /// 设置本街道的补贴标准 / set the subdistrict's subsidy rule
    Rule {
        /// per_visit | per_hour
        #[arg(long)]
        basis: String,
        /// 标准（元）/ rate in yuan
        #[arg(long, value_name = "YUAN")]
        rate: String,
        /// 每人每月上限（元）/ monthly cap per helper in yuan
        #[arg(long, value_name = "YUAN")]
        cap: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum FundCommand {
    /// 各资金来源的收入、支出和结余 / income, expenditure and balance per fund source
    Balance {
        /// 只看该资金来源（如 district_finance）/ only this source
        #[arg(long, value_name = "S")]
        source: Option<String>,
    },
    /// 登记收入（拨款或捐赠）/ book income (an appropriation or a donation)
    Income {
        #[arg(long, value_name = "S")]
        source: String,
        /// 金额（元）/ amount in yuan
        #[arg(long, value_name = "YUAN")]
        amount: String,
        /// appropriation | donation
        #[arg(long, default_value = "appropriation")]
        kind: String,
        /// 拨款文号、捐赠人等 / document number, donor
        #[arg(long, default_value = "")]
        note: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// 校验哈希链 / walk every hash chain
    Verify,
}
