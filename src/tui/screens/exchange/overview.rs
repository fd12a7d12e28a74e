//! 数据交换: four tabs — the peer units whose keys this workstation trusts, the bundles
//! received (Enter shows a receipt), the bundles sent (with their full paths), and the queue of
//! received changes waiting for a person (Enter compares the two versions field by field and
//! settles the item). Exporting, importing, trusting a card and writing this workstation's own
//! card open screens of their own (`exchange::files`); this workstation's fingerprint stands at
//! the foot of every tab.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crossterm::event::KeyCode;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use serde_json::{Map, Value};

use crate::app::clock::show_instant;
use crate::app::exchange::{self, Overview, PeerStatus, Receipt, Resolution};
use crate::app::{person, provider, AppError};
use crate::domain::catalogue::{Catalogue, ListKind};
use crate::domain::org::Tier;
use crate::domain::permission::Action as Permission;
use crate::domain::person::Disclosure;
use crate::i18n::{t, tf, Lang, Localize};
use crate::store::exchange::{BundleIn, KeyAlarm, QueueItem};
use crate::sync::keys::show_fingerprint;
use crate::tui::env::Env;
use crate::tui::keys::{Action, Command, Key};
use crate::tui::screens::exchange::{current, relation, tier_long};
use crate::tui::screens::{Destination, Outcome, Screen};
use crate::tui::text::{fit, safe, width, wrap};
use crate::tui::widgets::dialog::{Answer, Dialog, Purpose};
use crate::tui::widgets::filtered_table::{FilteredTable, Row};
use crate::tui::widgets::text_field::TextField;

/// The tab of the peer units.
pub const TAB_PEERS: usize = 0;
/// The tab of the bundles received.
pub const TAB_RECEIVED: usize = 1;
/// The tab of the bundles sent.
pub const TAB_SENT: usize = 2;
/// The tab of the conflict and review queue.
pub const TAB_QUEUE: usize = 3;
const TABS: [&str; 4] = [
    "exchange_screen.tab_peers",
    "exchange_screen.tab_received",
    "exchange_screen.tab_sent",
    "exchange_screen.tab_queue",
];

const STEP_EXPORT: u8 = 1;
const STEP_IMPORT: u8 = 2;
const STEP_TRUST: u8 = 3;
const STEP_CARD: u8 = 4;
const STEP_REVOKE: u8 = 5;
const STEP_ALARM_SEEN: u8 = 6;
const ASK_REVOKE: u32 = 1;

/// Rows under the table: the selected row's details (three lines) and this workstation's
/// fingerprint.
const FOOT_ROWS: u16 = 4;

/// What the screen shows.
struct Data {
    overview: Overview,
    queue: Vec<QueueItem>,
    /// Likely stolen keys not yet acknowledged (only for whom manages keys).
    alarms: Vec<KeyAlarm>,
}

/// The 数据交换 screen.
pub struct ExchangeScreen {
    table: FilteredTable,
    data: Result<Data, String>,
    /// The fingerprint a revocation was asked for.
    revoking: Option<String>,
    /// The session may write and read bundles (导出, 导入, the queue), and manage keys (信任,
    /// 吊销): only what it may do is offered.
    may_exchange: bool,
    may_keys: bool,
}

/// The short tier name for tables (社区, 街道, 区).
pub(super) fn tier_short(lang: Lang, tier: &str) -> String {
    match Tier::parse(tier) {
        Ok(Tier::Community) => t(lang, "exchange_screen.tier_community").to_string(),
        Ok(Tier::Subdistrict) => t(lang, "exchange_screen.tier_subdistrict").to_string(),
        Ok(Tier::District) => t(lang, "exchange_screen.tier_district").to_string(),
        Err(_) => safe(tier),
    }
}

/// A stored instant in China time, `-` when there is none.
fn when(at: Option<&str>) -> String {
    at.map(|a| safe(&show_instant(a)))
        .unwrap_or_else(|| "-".into())
}

/// The text of `key` if the table has it.
fn lookup(lang: Lang, key: &str) -> Option<String> {
    let s = t(lang, key);
    (s != key).then(|| s.to_string())
}

impl ExchangeScreen {
    /// Opens on the peers tab.
    pub fn new(env: &mut Env) -> ExchangeScreen {
        ExchangeScreen::on_tab(env, TAB_PEERS)
    }

    /// Opens on the queue tab (the 待办 inbox opens it here).
    pub fn queue(env: &mut Env) -> ExchangeScreen {
        ExchangeScreen::on_tab(env, TAB_QUEUE)
    }

    /// Opens on `tab`.
    pub fn on_tab(env: &mut Env, tab: usize) -> ExchangeScreen {
        let mut s = ExchangeScreen {
            table: FilteredTable::new(TABS.len(), tab.min(TABS.len() - 1)),
            data: Err(String::new()),
            revoking: None,
            may_exchange: env.may_somewhere(Permission::ExchangeBundles),
            may_keys: env.may_somewhere(Permission::ManageKeys),
        };
        s.reload(env);
        s
    }

    fn reload(&mut self, env: &mut Env) {
        let lang = env.lang;
        self.data = env
            .ctx()
            .and_then(|ctx| {
                Ok(Data {
                    overview: exchange::overview(&ctx)?,
                    queue: exchange::open_items(&ctx)?,
                    alarms: exchange::key_alarms(&ctx).unwrap_or_default(),
                })
            })
            .map_err(|e| e.localize(lang));
        let n = self.len();
        self.table.clamp(n);
    }

    fn len(&self) -> usize {
        let Ok(d) = &self.data else { return 0 };
        match self.table.filter {
            TAB_PEERS => d.overview.peers.len(),
            TAB_RECEIVED => d.overview.received.len(),
            TAB_SENT => d.overview.sent.len(),
            _ => d.queue.len(),
        }
    }

    /// The name of the peer whose workstation is `ws`, else the unit's name in the tree.
    fn peer_name(&self, env: &Env, ws: &str, org: &str) -> String {
        self.data
            .as_ref()
            .ok()
            .and_then(|d| d.overview.peers.iter().find(|p| p.peer.workstation == ws))
            .map(|p| safe(&p.peer.org_name))
            .unwrap_or_else(|| safe(env.org_name(org)))
    }

    /// The unit that sent bundle `bundle_id`, as far as the history tells.
    fn sender_of(&self, env: &Env, bundle_id: &str) -> String {
        self.data
            .as_ref()
            .ok()
            .and_then(|d| {
                d.overview
                    .received
                    .iter()
                    .find(|b| b.bundle_id == bundle_id)
            })
            .map(|b| self.peer_name(env, &b.sender_workstation, &b.sender_org))
            .unwrap_or_else(|| t(env.lang, "exchange_screen.unknown_sender").to_string())
    }

    fn selected_peer(&self) -> Option<&PeerStatus> {
        match (&self.data, self.table.filter) {
            (Ok(d), TAB_PEERS) => d.overview.peers.get(self.table.selected),
            _ => None,
        }
    }

    fn receipt_dialog(&self, env: &Env, b: &BundleIn) -> Outcome {
        let lang = env.lang;
        let r = stored_receipt(b, self.peer_name(env, &b.sender_workstation, &b.sender_org));
        let mut lines = vec![tf(
            lang,
            "exchange_screen.receipt_when",
            &[
                ("at", &show_instant(&b.imported_at)),
                ("user", &b.imported_by),
            ],
        )];
        lines.extend(exchange::receipt_lines(&r, &env.tree, lang));
        let text: Vec<String> = lines.iter().map(|l| safe(l)).collect();
        Outcome::Dialog(Dialog::message(
            t(lang, "exchange_screen.receipt_title").into(),
            text.join("\n"),
        ))
    }

    fn tab_labels(&self, lang: Lang) -> Vec<String> {
        TABS.iter()
            .enumerate()
            .map(|(i, k)| match (&self.data, i) {
                (Ok(d), TAB_QUEUE) if !d.queue.is_empty() => tf(
                    lang,
                    "exchange_screen.tab_queue_n",
                    &[("n", &d.queue.len().to_string())],
                ),
                _ => t(lang, k).to_string(),
            })
            .collect()
    }

    /// The selected row's details, at most three lines.
    fn details(&self, env: &Env, cells: usize) -> Vec<Line<'static>> {
        let lang = env.lang;
        let Ok(d) = &self.data else {
            return Vec::new();
        };
        let i = self.table.selected;
        let hint = |s: String| Line::styled(s, env.theme.hint);
        let plain = |s: String| Line::from(s);
        let mut out = Vec::new();
        match self.table.filter {
            TAB_PEERS => {
                let Some(p) = d.overview.peers.get(i) else {
                    return out;
                };
                // A likely stolen key of this unit comes before everything else about it.
                if let Some(a) = d.alarms.iter().find(|a| a.org_code == p.peer.org_code) {
                    let alarm = tf(
                        lang,
                        "exchange_screen.key_alarm",
                        &[
                            ("org", &safe(&a.org_name)),
                            ("replaced", &safe(&a.replaced_key)),
                            ("offered", &safe(&a.offered_key)),
                            ("at", &when(Some(&a.at))),
                        ],
                    );
                    out.extend(
                        wrap(&alarm, cells)
                            .into_iter()
                            .take(2)
                            .map(|l| Line::styled(l, env.theme.error)),
                    );
                    out.push(hint(t(lang, "exchange_screen.key_alarm_hint").to_string()));
                    return out;
                }
                out.push(plain(tf(
                    lang,
                    "exchange_screen.peer_detail",
                    &[
                        ("code", &safe(&p.peer.org_code)),
                        ("tier", &tier_long(lang, &p.peer.tier)),
                        ("at", &when(Some(&p.peer.enrolled_at))),
                    ],
                )));
                out.push(plain(tf(
                    lang,
                    "exchange_screen.peer_fingerprint",
                    &[("fingerprint", &show_fingerprint(&p.peer.fingerprint))],
                )));
                out.push(if let Some(at) = &p.peer.revoked_at {
                    Line::styled(
                        tf(
                            lang,
                            "exchange_screen.peer_revoked",
                            &[("at", &when(Some(at)))],
                        ),
                        env.theme.error,
                    )
                } else if p.peer.replaced_by.is_some() {
                    Line::styled(
                        t(lang, "exchange_screen.peer_replaced").to_string(),
                        env.theme.error,
                    )
                } else if p.direction.is_none() {
                    hint(t(lang, "exchange_screen.peer_unrelated").to_string())
                } else {
                    hint(t(lang, "exchange_screen.peer_hint").to_string())
                });
            }
            TAB_RECEIVED => {
                let Some(b) = d.overview.received.get(i) else {
                    return out;
                };
                out.push(plain(tf(
                    lang,
                    "exchange_screen.received_detail",
                    &[
                        ("user", &safe(&b.imported_by)),
                        ("at", &when(Some(&b.imported_at))),
                        ("created", &when(Some(&b.created_at))),
                        ("epoch", &b.epoch.to_string()),
                        ("seq", &b.bundle_seq.to_string()),
                    ],
                )));
                out.push(hint(t(lang, "exchange_screen.received_hint").to_string()));
            }
            TAB_SENT => {
                let Some(b) = d.overview.sent.get(i) else {
                    return out;
                };
                let path = tf(
                    lang,
                    "exchange_screen.sent_path",
                    &[("path", &safe(&b.path))],
                );
                out.extend(wrap(&path, cells).into_iter().take(2).map(plain));
                out.push(hint(tf(
                    lang,
                    "exchange_screen.sent_detail",
                    &[
                        ("user", &safe(&b.created_by)),
                        ("epoch", &b.epoch.to_string()),
                        ("seq", &b.bundle_seq.to_string()),
                    ],
                )));
            }
            _ => {
                let Some(q) = d.queue.get(i) else {
                    return out;
                };
                out.push(plain(tf(
                    lang,
                    "exchange_screen.detail_reason",
                    &[("reason", &reason_label(lang, &q.reason))],
                )));
                out.push(plain(tf(
                    lang,
                    "exchange_screen.queue_detail",
                    &[
                        ("org", &self.sender_of(env, &q.bundle_id)),
                        ("actor", &safe(&q.incoming_actor)),
                        ("at", &when(Some(&q.incoming_at))),
                        ("queued", &when(Some(&q.queued_at))),
                    ],
                )));
                out.push(hint(t(lang, "exchange_screen.queue_hint").to_string()));
            }
        }
        out
    }
}

/// The receipt of an imported bundle as it was stored: its counts, and the kinds and
/// communities kept as JSON beside them.
fn stored_receipt(b: &BundleIn, sender_name: String) -> Receipt {
    let extra: Value = serde_json::from_str(&b.receipt).unwrap_or(Value::Null);
    let counts = |key: &str| -> BTreeMap<String, i64> {
        extra
            .get(key)
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| v.as_i64().map(|n| (k.clone(), n)))
                    .collect()
            })
            .unwrap_or_default()
    };
    Receipt {
        bundle_id: b.bundle_id.clone(),
        sender_org: b.sender_org.clone(),
        sender_name,
        bundle_seq: b.bundle_seq,
        entries: b.entries,
        applied: b.applied,
        already_held: b.already_held,
        conflicts: b.conflicts,
        reviews: b.reviews,
        out_of_scope: extra
            .get("out_of_scope")
            .and_then(Value::as_i64)
            .unwrap_or(0),
        invalid: extra.get("invalid").and_then(Value::as_i64).unwrap_or(0),
        attachments: b.attachments,
        elided: extra.get("elided").and_then(Value::as_i64).unwrap_or(0),
        kinds: counts("kinds"),
        communities: counts("communities"),
        key_rotated: false,
    }
}

fn error_dialog(lang: Lang, e: &AppError) -> Outcome {
    Outcome::Dialog(Dialog::error(
        t(lang, "dialog.error_title").into(),
        e.localize(lang),
    ))
}

/// The label of a queue item's kind (冲突 / 待审核).
fn kind_label(lang: Lang, kind: &str) -> String {
    match kind {
        "conflict" => t(lang, "exchange_screen.kind_conflict").to_string(),
        "review" => t(lang, "exchange_screen.kind_review").to_string(),
        other => safe(other),
    }
}

/// The name of a record kind (人员, 救助服务个案 …).
fn record_label(lang: Lang, entity: &str) -> String {
    lookup(lang, &format!("record.{entity}")).unwrap_or_else(|| safe(entity))
}

/// Why an item waits, in words.
fn reason_label(lang: Lang, code: &str) -> String {
    lookup(lang, &format!("exchange_reason.{code}")).unwrap_or_else(|| safe(code))
}

/// The community of a queue item: its name, or 全区共用 for a record shared by all.
fn community_label(env: &Env, code: &str) -> String {
    if code.is_empty() {
        t(env.lang, "exchange.shared").to_string()
    } else {
        safe(env.org_name(code))
    }
}

impl Screen for ExchangeScreen {
    fn title(&self, env: &Env) -> String {
        t(env.lang, "exchange_screen.title").to_string()
    }

    fn commands(&self) -> Vec<Command> {
        let enter = [Key::plain(KeyCode::Enter)];
        let mut c = Vec::new();
        if !self.may_exchange {
            c.extend(FilteredTable::commands());
            return c;
        }
        match self.table.filter {
            TAB_PEERS => {
                c.push(Command::help_only(
                    &enter,
                    Action::Open,
                    "exchange_screen.export_selected",
                ));
                if self.may_keys {
                    c.push(Command::help_only(
                        &[Key::ch('x')],
                        Action::Step(STEP_REVOKE),
                        "exchange_screen.revoke",
                    ));
                }
                if self.may_keys && matches!(&self.data, Ok(d) if !d.alarms.is_empty()) {
                    c.push(Command::bar(
                        &[Key::ch('a')],
                        Action::Step(STEP_ALARM_SEEN),
                        "exchange_screen.cmd_alarm_seen",
                    ));
                }
            }
            TAB_RECEIVED => c.push(Command::bar(
                &enter,
                Action::Open,
                "exchange_screen.cmd_receipt",
            )),
            TAB_SENT => {}
            _ => c.push(Command::bar(
                &enter,
                Action::Open,
                "exchange_screen.cmd_resolve",
            )),
        }
        c.push(Command::bar(
            &[Key::ch('e')],
            Action::Step(STEP_EXPORT),
            "exchange_screen.cmd_export",
        ));
        c.push(Command::bar(
            &[Key::ch('i')],
            Action::Step(STEP_IMPORT),
            "exchange_screen.cmd_import",
        ));
        if self.may_keys {
            c.push(Command::bar(
                &[Key::ch('t')],
                Action::Step(STEP_TRUST),
                "exchange_screen.cmd_trust",
            ));
        }
        c.push(Command::help_only(
            &[Key::ch('c')],
            Action::Step(STEP_CARD),
            "exchange_screen.cmd_card",
        ));
        c.extend(FilteredTable::commands());
        c
    }

    fn on_action(&mut self, action: Action, env: &mut Env) -> Outcome {
        let lang = env.lang;
        match self.table.handle(action, self.len()) {
            Some(true) => {
                self.reload(env);
                return Outcome::None;
            }
            Some(false) => return Outcome::None,
            None => {}
        }
        match action {
            Action::Step(STEP_EXPORT) => Outcome::Open(Destination::Export { org: None }),
            Action::Step(STEP_IMPORT) => Outcome::Open(Destination::Import),
            Action::Step(STEP_TRUST) => Outcome::Open(Destination::Trust),
            Action::Step(STEP_CARD) => Outcome::Open(Destination::Card),
            Action::Step(STEP_ALARM_SEEN) => {
                let alarm = match (&self.data, self.selected_peer()) {
                    (Ok(d), Some(p)) => d
                        .alarms
                        .iter()
                        .find(|a| a.org_code == p.peer.org_code)
                        .map(|a| a.org_code.clone()),
                    _ => None,
                };
                let Some(org) = alarm else {
                    return Outcome::Status(t(lang, "exchange_screen.no_alarm_here").into());
                };
                match env
                    .ctx()
                    .and_then(|mut ctx| exchange::acknowledge_key_alarms(&mut ctx, &org))
                {
                    Ok(()) => {
                        self.reload(env);
                        Outcome::Status(t(lang, "exchange_screen.alarm_seen").into())
                    }
                    Err(e) => error_dialog(lang, &e),
                }
            }
            Action::Step(STEP_REVOKE) => match self.selected_peer() {
                Some(p) if current(p) => {
                    let fp = p.peer.fingerprint.clone();
                    let dialog = Outcome::Dialog(Dialog::verify(
                        t(lang, "exchange_screen.revoke").into(),
                        tf(
                            lang,
                            "exchange_screen.ask_revoke",
                            &[
                                ("org", &safe(&p.peer.org_name)),
                                ("fingerprint", &show_fingerprint(&p.peer.fingerprint)),
                            ],
                        ),
                        Purpose::Screen(ASK_REVOKE),
                    ));
                    self.revoking = Some(fp);
                    dialog
                }
                Some(_) => Outcome::Status(t(lang, "exchange_screen.already_revoked").into()),
                None => Outcome::None,
            },
            Action::Open => {
                let Ok(d) = &self.data else {
                    return Outcome::None;
                };
                let i = self.table.selected;
                match self.table.filter {
                    TAB_PEERS => match d.overview.peers.get(i) {
                        Some(p) if current(p) && p.direction.is_some() => {
                            let org = p.peer.org_code.clone();
                            Outcome::Open(Destination::Export { org: Some(org) })
                        }
                        Some(_) => {
                            Outcome::Status(t(lang, "exchange_screen.not_exportable").into())
                        }
                        None => Outcome::None,
                    },
                    TAB_RECEIVED => match d.overview.received.get(i) {
                        Some(b) => self.receipt_dialog(env, b),
                        None => Outcome::None,
                    },
                    TAB_SENT => Outcome::None,
                    _ => match d.queue.get(i) {
                        Some(q) => {
                            let sender = self.sender_of(env, &q.bundle_id);
                            Outcome::Push(Box::new(QueueDetail::new(env, q.clone(), sender)))
                        }
                        None => Outcome::None,
                    },
                }
            }
            _ => Outcome::None,
        }
    }

    fn on_answer(&mut self, answer: Answer, env: &mut Env) -> Outcome {
        if answer.purpose != Purpose::Screen(ASK_REVOKE) {
            return Outcome::None;
        }
        let Some(fp) = self.revoking.take() else {
            return Outcome::None;
        };
        if !answer.yes {
            return Outcome::None;
        }
        let lang = env.lang;
        match env
            .ctx()
            .and_then(|mut ctx| exchange::revoke(&mut ctx, &fp))
        {
            Ok(org) => {
                self.reload(env);
                Outcome::Status(tf(lang, "cards.revoked", &[("org", &safe(&org))]))
            }
            Err(e) => error_dialog(lang, &e),
        }
    }

    fn on_resume(&mut self, env: &mut Env) {
        self.reload(env);
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, env: &Env) {
        let lang = env.lang;
        let foot_h = FOOT_ROWS.min(area.height.saturating_sub(5));
        let table_area = Rect::new(
            area.x,
            area.y,
            area.width,
            area.height.saturating_sub(foot_h),
        );
        let top = self.table.top(table_area);
        let page = FilteredTable::rows(table_area);
        let tabs = self.tab_labels(lang);
        let n = |v: i64| v.to_string();
        let (headers, rows, flex, count, empty): (&[&str], Vec<Row>, usize, _, &str) = match &self
            .data
        {
            Err(why) => (&[], Vec::new(), 0, Err(why.clone()), ""),
            Ok(d) => match self.table.filter {
                TAB_PEERS => (
                    &[
                        "exchange_screen.col_unit",
                        "exchange_screen.col_tier",
                        "exchange_screen.col_relation",
                        "exchange_screen.col_last_out",
                        "exchange_screen.col_last_in",
                        "exchange_screen.col_pending",
                        "exchange_screen.col_key",
                    ],
                    d.overview
                        .peers
                        .iter()
                        .skip(top)
                        .take(page)
                        .map(|p| {
                            let live = current(p);
                            let alarmed = d.alarms.iter().any(|a| a.org_code == p.peer.org_code);
                            let state = if alarmed && live {
                                "exchange_screen.key_alarm_state"
                            } else if p.peer.revoked_at.is_some() {
                                "exchange_screen.key_revoked"
                            } else if p.peer.replaced_by.is_some() {
                                "exchange_screen.key_replaced"
                            } else {
                                "exchange_screen.key_current"
                            };
                            Row {
                                cells: vec![
                                    Line::from(safe(&p.peer.org_name)),
                                    Line::from(tier_short(lang, &p.peer.tier)),
                                    Line::from(relation(lang, p.direction).to_string()),
                                    Line::from(when(p.last_out.as_deref())),
                                    Line::from(when(p.last_in.as_deref())),
                                    Line::from(if live { n(p.pending) } else { "-".into() }),
                                    Line::from(t(lang, state).to_string()),
                                ],
                                overdue: !live || alarmed,
                            }
                        })
                        .collect(),
                    0,
                    Ok(tf(
                        lang,
                        "exchange_screen.peers_count",
                        &[(
                            "n",
                            &d.overview
                                .peers
                                .iter()
                                .filter(|p| current(p))
                                .count()
                                .to_string(),
                        )],
                    )),
                    t(lang, "exchange_screen.peers_none"),
                ),
                TAB_RECEIVED => (
                    &[
                        "exchange_screen.col_imported",
                        "exchange_screen.col_from",
                        "exchange_screen.col_no",
                        "exchange_screen.col_entries",
                        "exchange_screen.col_applied",
                        "exchange_screen.col_held",
                        "exchange_screen.col_conflicts",
                        "exchange_screen.col_reviews",
                    ],
                    d.overview
                        .received
                        .iter()
                        .skip(top)
                        .take(page)
                        .map(|b| Row {
                            cells: vec![
                                Line::from(when(Some(&b.imported_at))),
                                Line::from(self.peer_name(
                                    env,
                                    &b.sender_workstation,
                                    &b.sender_org,
                                )),
                                Line::from(n(b.bundle_seq)),
                                Line::from(n(b.entries)),
                                Line::from(n(b.applied)),
                                Line::from(n(b.already_held)),
                                Line::from(n(b.conflicts)),
                                Line::from(n(b.reviews)),
                            ],
                            overdue: false,
                        })
                        .collect(),
                    1,
                    Ok(tf(
                        lang,
                        "exchange_screen.received_count",
                        &[("n", &d.overview.received.len().to_string())],
                    )),
                    t(lang, "exchange_screen.received_none"),
                ),
                TAB_SENT => (
                    &[
                        "exchange_screen.col_written",
                        "exchange_screen.col_to",
                        "exchange_screen.col_no",
                        "exchange_screen.col_entries",
                        "exchange_screen.col_attachments",
                        "exchange_screen.col_file",
                    ],
                    d.overview
                        .sent
                        .iter()
                        .skip(top)
                        .take(page)
                        .map(|b| Row {
                            cells: vec![
                                Line::from(when(Some(&b.created_at))),
                                Line::from(self.peer_name(env, &b.peer_workstation, &b.peer_org)),
                                Line::from(n(b.bundle_seq)),
                                Line::from(n(b.entries)),
                                Line::from(n(b.attachments)),
                                Line::from(safe(&b.path)),
                            ],
                            overdue: false,
                        })
                        .collect(),
                    5,
                    Ok(tf(
                        lang,
                        "exchange_screen.sent_count",
                        &[("n", &d.overview.sent.len().to_string())],
                    )),
                    t(lang, "exchange_screen.sent_none"),
                ),
                _ => (
                    &[
                        "exchange_screen.col_kind",
                        "exchange_screen.col_record",
                        "exchange_screen.col_community",
                        "exchange_screen.col_reason",
                        "exchange_screen.col_changed",
                    ],
                    d.queue
                        .iter()
                        .skip(top)
                        .take(page)
                        .map(|q| Row {
                            cells: vec![
                                Line::from(kind_label(lang, &q.kind)),
                                Line::from(record_label(lang, &q.entity)),
                                Line::from(community_label(env, &q.community)),
                                Line::from(reason_label(lang, &q.reason)),
                                Line::from(when(Some(&q.incoming_at))),
                            ],
                            overdue: false,
                        })
                        .collect(),
                    3,
                    Ok(tf(
                        lang,
                        "exchange_screen.queue_count",
                        &[
                            ("conflicts", &d.overview.open.0.to_string()),
                            ("reviews", &d.overview.open.1.to_string()),
                        ],
                    )),
                    t(lang, "exchange_screen.queue_none"),
                ),
            },
        };
        let headers: Vec<String> = headers.iter().map(|k| t(lang, k).to_string()).collect();
        self.table.render(
            frame, table_area, env, &tabs, count, &headers, &rows, flex, empty,
        );
        if foot_h == 0 {
            return;
        }
        let foot = Rect::new(
            area.x + 2,
            area.y + table_area.height,
            area.width.saturating_sub(3),
            foot_h,
        );
        let mut lines: Vec<Line<'static>> = self
            .details(env, foot.width as usize)
            .into_iter()
            .take(foot_h.saturating_sub(1) as usize)
            .collect();
        while lines.len() + 1 < foot_h as usize {
            lines.push(Line::from(""));
        }
        if let Ok(d) = &self.data {
            lines.push(Line::from(vec![
                Span::styled(
                    tf(
                        lang,
                        "exchange_screen.own",
                        &[("fingerprint", &show_fingerprint(&d.overview.fingerprint))],
                    ),
                    env.theme.label,
                ),
                Span::styled(
                    format!("   {}", t(lang, "exchange_screen.own_hint")),
                    env.theme.hint,
                ),
            ]));
        }
        let lines: Vec<Line<'static>> = lines
            .into_iter()
            .map(|l| {
                if l.width() > foot.width as usize {
                    let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
                    Line::styled(fit(&text, foot.width as usize), l.style)
                } else {
                    l
                }
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), foot);
    }
}

/// One line of the comparison of the two versions.
enum DiffRow {
    /// A heading between the groups (string-table key).
    Group(&'static str),
    /// One field: its label, the value here and the value received.
    Field {
        label: String,
        local: String,
        incoming: String,
        differs: bool,
    },
}

/// Columns every record has, shown last under their own heading, in this order.
const META: [&str; 3] = ["updated_at", "version", "created_at"];
/// Columns of no use to a person deciding (the record's id, the workstation it was made at).
const HIDDEN: [&str; 2] = ["id", "origin"];
/// Fields a person recognises a record by, shown before the others of their group.
const FIRST: [&str; 12] = [
    "name",
    "person_id",
    "provider_id",
    "id_number",
    "community",
    "status",
    "state",
    "phone",
    "address",
    "service_no",
    "card_no",
    "content",
];
/// Whole-number columns that hold yes or no.
const YES_NO: [&str; 4] = ["hukou_local", "lives_alone", "active", "demo"];
/// Columns that hold a unit's code.
const UNITS: [&str; 5] = [
    "community",
    "from_community",
    "to_community",
    "area",
    "org_code",
];

fn catalogue_list(key: &str) -> Option<ListKind> {
    Some(match key {
        "self_care" => ListKind::SelfCare,
        "assistance_status" => ListKind::AssistanceStatus,
        "disability_type" => ListKind::DisabilityType,
        "disability_grade" => ListKind::DisabilityGrade,
        "category" => ListKind::RecipientCategory,
        "source" => ListKind::ClueSource,
        "item" => ListKind::ServiceItem,
        "channel" => ListKind::ComplaintChannel,
        "result" => ListKind::InspectionResult,
        "relation" => ListKind::HouseholdRelation,
        "frequency" => ListKind::Frequency,
        "priority" => ListKind::Priority,
        "stop_reason" => ListKind::StopReason,
        _ => return None,
    })
}

/// The label of a record's column.
fn field_label(lang: Lang, key: &str) -> String {
    let k = match key {
        "version" => "exchange_screen.field_version",
        "created_at" => "exchange_screen.field_created_at",
        "updated_at" => "exchange_screen.field_updated_at",
        "service_no" => "detail.service_no",
        "status" => "detail.status",
        "assistance_certificate" => "field.certificate_no",
        "provider_id" => "field.provider",
        "state" => "detail.status",
        _ => {
            return lookup(lang, &format!("exchange_screen.field_{key}"))
                .or_else(|| lookup(lang, &format!("field.{key}")))
                .unwrap_or_else(|| safe(key))
        }
    };
    t(lang, k).to_string()
}

/// What showing a record's values needs beyond the values.
struct Shown<'a> {
    env: &'a Env,
    entity: &'a str,
    /// ID numbers in full (else masked).
    full_id: bool,
    /// Names of the persons and providers a record refers to, by id.
    names: HashMap<String, String>,
}

impl Shown<'_> {
    /// One code of a JSON list held in column `key`, for people.
    fn code(&self, key: &str, code: &str) -> String {
        let cat = Catalogue::builtin();
        let lang = self.env.lang;
        match key {
            "needs" | "items" | "item" => cat.label(ListKind::ServiceItem, code, lang),
            "key_groups" => cat.label(ListKind::KeyGroup, code, lang),
            "frequency" => cat.label(ListKind::Frequency, code, lang),
            "priority" => cat.label(ListKind::Priority, code, lang),
            _ => code,
        }
        .to_string()
    }

    /// A column holding a JSON list (service items, key groups, the service plan).
    fn list(&self, key: &str, items: &[Value]) -> String {
        let lang = self.env.lang;
        let parts: Vec<String> = items
            .iter()
            .map(|v| match v {
                Value::String(c) => self.code(key, c),
                Value::Object(m) => {
                    let mut bits: Vec<String> = ["item", "frequency", "priority"]
                        .iter()
                        .filter_map(|f| m.get(*f).and_then(Value::as_str).map(|c| self.code(f, c)))
                        .collect();
                    if let Some(name) = m
                        .get("provider_id")
                        .and_then(Value::as_str)
                        .and_then(|id| self.names.get(id))
                    {
                        bits.push(name.clone());
                    }
                    bits.join(" ")
                }
                other => other.to_string(),
            })
            .collect();
        if parts.is_empty() {
            t(lang, "exchange_screen.value_none").to_string()
        } else {
            parts.join(t(lang, "form.list_separator"))
        }
    }

    /// A person's phone, address or birth date as a reader who may not edit the person sees
    /// it on the person screens; `None` for any other column, or for a reader who may.
    fn masked_fact(&self, key: &str, s: &str) -> Option<String> {
        let (shown, lang) = (Disclosure::Masked, self.env.lang);
        match (self.entity, key) {
            _ if self.full_id => None,
            ("person", "phone" | "guardian_phone") => Some(shown.phone(s)),
            ("person", "address" | "emergency_contact") | ("household", "address") => {
                Some(shown.located(s, lang))
            }
            ("person", "birth_date") => {
                Some(match chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                    Ok(d) => shown.birth_date(d, lang, |_| s.to_string()),
                    Err(_) => shown.located(s, lang),
                })
            }
            _ => None,
        }
    }

    /// A value of a received or local record, for people.
    fn value(&self, key: &str, v: Option<&Value>) -> String {
        let env = self.env;
        let lang = env.lang;
        let none = || t(lang, "exchange_screen.value_none").to_string();
        match v {
            None | Some(Value::Null) => none(),
            Some(Value::String(s)) if s.is_empty() => none(),
            Some(Value::String(s)) => {
                let shown = if UNITS.contains(&key) {
                    let name = env.org_name(s);
                    if name == s {
                        s.clone()
                    } else {
                        format!("{name}（{s}）")
                    }
                } else if let Some(name) = self.names.get(s) {
                    name.clone()
                } else if key == "id_number" && !self.full_id {
                    crate::domain::id_number::mask_text(s)
                } else if let Some(hidden) = self.masked_fact(key, s) {
                    hidden
                } else if key.ends_with("_at") {
                    show_instant(s)
                } else if key == "sex" {
                    lookup(lang, &format!("sex.{s}")).unwrap_or_else(|| s.clone())
                } else if key == "status" && self.entity == "person" {
                    lookup(lang, &format!("person_status.{s}")).unwrap_or_else(|| s.clone())
                } else if key == "state" {
                    lookup(lang, &format!("{}_state.{s}", self.entity)).unwrap_or_else(|| s.clone())
                } else if let Some(list) = catalogue_list(key) {
                    Catalogue::builtin().label(list, s, lang).to_string()
                } else if s.starts_with('[') {
                    match serde_json::from_str::<Value>(s) {
                        Ok(Value::Array(items)) => self.list(key, &items),
                        _ => s.clone(),
                    }
                } else {
                    s.clone()
                };
                safe(&shown)
            }
            Some(Value::Bool(b)) => t(lang, if *b { "form.yes" } else { "form.no" }).to_string(),
            Some(Value::Number(n)) if YES_NO.contains(&key) => match n.as_i64() {
                Some(0) => t(lang, "form.no").to_string(),
                Some(1) => t(lang, "form.yes").to_string(),
                _ => n.to_string(),
            },
            Some(Value::Number(n)) => n.to_string(),
            Some(other) => safe(&other.to_string()),
        }
    }
}

fn object(text: &str) -> Map<String, Value> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    }
}

/// The names of the persons and providers the two versions refer to (their service plans
/// included), as this session may see them; an id it may not see stays an id.
fn names_of(env: &mut Env, records: &[&Map<String, Value>]) -> HashMap<String, String> {
    let mut persons = BTreeSet::new();
    let mut providers = BTreeSet::new();
    for r in records {
        if let Some(id) = r.get("person_id").and_then(Value::as_str) {
            persons.insert(id.to_string());
        }
        if let Some(id) = r.get("provider_id").and_then(Value::as_str) {
            providers.insert(id.to_string());
        }
        let plan = r.get("plan").and_then(Value::as_str).unwrap_or("[]");
        if let Ok(Value::Array(lines)) = serde_json::from_str::<Value>(plan) {
            providers.extend(
                lines
                    .iter()
                    .filter_map(|l| l.get("provider_id").and_then(Value::as_str))
                    .map(str::to_string),
            );
        }
    }
    let mut names = HashMap::new();
    let Ok(ctx) = env.ctx() else {
        return names;
    };
    for id in persons {
        if let Ok(p) = person::get(&ctx, &id) {
            names.insert(id, p.facts.name);
        }
    }
    if !providers.is_empty() {
        for p in provider::list(&ctx).unwrap_or_default() {
            if providers.contains(&p.meta.id) {
                names.insert(p.meta.id, p.name);
            }
        }
    }
    names
}

/// The two versions field by field: the fields that differ first, then those alike, then the
/// record's bookkeeping (times, version, references to other records).
fn diff_rows(env: &mut Env, item: &QueueItem, full_id: bool) -> Vec<DiffRow> {
    let lang = env.lang;
    let local = item.local_record.as_deref().map(object);
    let incoming = object(&item.incoming_record);
    let names = {
        let mut records = vec![&incoming];
        records.extend(local.as_ref());
        names_of(env, &records)
    };
    let env: &Env = env;
    let shown = Shown {
        env,
        entity: &item.entity,
        full_id,
        names,
    };
    let keys: BTreeSet<&String> = incoming
        .keys()
        .chain(local.iter().flat_map(|l| l.keys()))
        .collect();
    let rank = |k: &str| FIRST.iter().position(|f| *f == k).unwrap_or(FIRST.len());
    let mut keys: Vec<&String> = keys.into_iter().collect();
    keys.sort_by(|a, b| rank(a).cmp(&rank(b)).then(a.cmp(b)));
    let empty = |v: Option<&Value>| match v {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.is_empty() || s == "[]",
        _ => false,
    };
    // A field empty on both sides (or empty as received, when nothing is held here) says
    // nothing about the choice.
    let keys: Vec<&String> = keys
        .into_iter()
        .filter(|k| !HIDDEN.contains(&k.as_str()))
        .filter(|k| {
            let here = local.as_ref().and_then(|l| l.get(k.as_str()));
            !(empty(here) && empty(incoming.get(k.as_str())))
        })
        .collect();
    let field = |k: &str| {
        let l = local.as_ref().map(|l| l.get(k));
        let i = incoming.get(k);
        DiffRow::Field {
            label: field_label(lang, k),
            local: match l {
                Some(v) => shown.value(k, v),
                None => "-".into(),
            },
            incoming: shown.value(k, i),
            differs: l.is_none_or(|v| v != i),
        }
    };
    let differs = |k: &str| local.as_ref().is_none_or(|l| l.get(k) != incoming.get(k));
    // References to other records are bookkeeping, but for the person and the provider, whose
    // names say what the record is about.
    let bookkeeping = |k: &str| {
        META.contains(&k) || (k.ends_with("_id") && k != "person_id" && k != "provider_id")
    };
    let (mut meta, data): (Vec<&String>, Vec<&String>) =
        keys.into_iter().partition(|k| bookkeeping(k));
    meta.sort_by_key(|k| META.iter().position(|m| *m == k.as_str()));
    let (changed, same): (Vec<&String>, Vec<&String>) = data.into_iter().partition(|k| differs(k));
    let mut out = Vec::new();
    if !changed.is_empty() {
        out.push(DiffRow::Group("exchange_screen.group_changed"));
        out.extend(changed.iter().map(|k| field(k)));
    }
    if !same.is_empty() {
        out.push(DiffRow::Group("exchange_screen.group_same"));
        out.extend(same.iter().map(|k| field(k)));
    }
    if !meta.is_empty() {
        out.push(DiffRow::Group("exchange_screen.group_meta"));
        out.extend(meta.iter().map(|k| field(k)));
    }
    out
}

const STEP_INCOMING: u8 = 1;
const STEP_LOCAL: u8 = 2;
const STEP_DISMISS: u8 = 3;
const STEP_CANCEL_NOTE: u8 = 4;
const ASK_INCOMING: u32 = 2;
const ASK_LOCAL: u32 = 3;
/// Lines moved by PageUp / PageDown.
const PAGE: usize = 10;

/// One queue item: the two versions side by side, and the keys that settle it.
pub struct QueueDetail {
    item: QueueItem,
    rows: Vec<DiffRow>,
    scroll: usize,
    /// The reason typed for dismissing a review, while it is being typed.
    note: Option<TextField>,
    /// For an ID number held here by another person: who holds it.
    holder: Option<String>,
    /// The unit that sent the received version.
    sender: String,
}

impl QueueDetail {
    /// The detail of `item`, received from unit `sender`. The ID numbers show in full only to
    /// whom may edit the person.
    pub fn new(env: &mut Env, item: QueueItem, sender: String) -> QueueDetail {
        let full_id = env
            .ctx()
            .map(|ctx| exchange::shows_whole(&ctx, &item))
            .unwrap_or(false);
        let rows = diff_rows(env, &item, full_id);
        let holder = id_holder(env, &item);
        QueueDetail {
            item,
            rows,
            scroll: 0,
            note: None,
            holder,
            sender,
        }
    }

    fn is_review(&self) -> bool {
        self.item.kind == "review"
    }

    fn resolve(&mut self, env: &mut Env, how: Resolution, note: Option<&str>) -> Outcome {
        let lang = env.lang;
        let id = self.item.id;
        match env
            .ctx()
            .and_then(|mut ctx| exchange::resolve(&mut ctx, id, how, note))
        {
            Ok(()) => Outcome::Pop,
            Err(e) => error_dialog(lang, &e),
        }
    }

    /// The comparison as lines `cells` wide, each cell wrapped in its column.
    fn lines(&self, env: &Env, cells: usize) -> Vec<Line<'static>> {
        let lang = env.lang;
        let (label_w, value_w) = columns(cells);
        let mut out = Vec::new();
        for row in &self.rows {
            match row {
                DiffRow::Group(key) => {
                    out.push(Line::styled(t(lang, key).to_string(), env.theme.title))
                }
                DiffRow::Field {
                    label,
                    local,
                    incoming,
                    differs,
                } => {
                    let labels = wrap(label, label_w);
                    let locals = wrap(local, value_w);
                    let incomings = wrap(incoming, value_w);
                    let (label_style, local_style, incoming_style) = if *differs {
                        (env.theme.focused, Style::default(), env.theme.matched)
                    } else {
                        (env.theme.label, env.theme.hint, env.theme.hint)
                    };
                    let n = labels.len().max(locals.len()).max(incomings.len());
                    for i in 0..n {
                        let cell = |v: &Vec<String>| v.get(i).cloned().unwrap_or_default();
                        out.push(Line::from(vec![
                            Span::styled(fit(&cell(&labels), label_w), label_style),
                            Span::raw(" "),
                            Span::styled(fit(&cell(&locals), value_w), local_style),
                            Span::raw(" "),
                            Span::styled(cell(&incomings), incoming_style),
                        ]));
                    }
                }
            }
        }
        out
    }

    /// A bound on the scroll without knowing the width: a field wraps to a few lines at most.
    fn scroll_bound(&self) -> usize {
        self.rows.len() * 4
    }

    fn note_area(area: Rect) -> Rect {
        Rect::new(
            area.x + 1,
            area.y + area.height.saturating_sub(1),
            area.width.saturating_sub(2),
            1,
        )
    }
}

/// Who holds here the ID number of a received person refused for it (from the search index,
/// when it is loaded): the most useful fact for deciding whether they are the same person.
fn id_holder(env: &Env, item: &QueueItem) -> Option<String> {
    if item.reason != "duplicate_id_number" {
        return None;
    }
    let incoming = object(&item.incoming_record);
    let number = incoming.get("id_number").and_then(Value::as_str)?;
    let index = env.index.as_ref()?;
    let e = index.find(number, 10).into_iter().find(|e| {
        e.id != item.record_id
            && e.id_number
                .is_some_and(|n| n.eq_ignore_ascii_case(number.trim()))
    })?;
    Some(tf(
        env.lang,
        "exchange_screen.id_held_by",
        &[
            ("name", &safe(e.name)),
            ("community", &safe(env.org_name(e.community))),
        ],
    ))
}

/// Widths of the label and of each value column in `cells`.
fn columns(cells: usize) -> (usize, usize) {
    let label_w = (cells / 5).clamp(8, 16);
    let value_w = cells.saturating_sub(label_w + 2) / 2;
    (label_w, value_w.max(4))
}

impl Screen for QueueDetail {
    fn title(&self, env: &Env) -> String {
        let lang = env.lang;
        tf(
            lang,
            "exchange_screen.detail_title",
            &[
                ("kind", &kind_label(lang, &self.item.kind)),
                ("record", &record_label(lang, &self.item.entity)),
            ],
        )
    }

    fn commands(&self) -> Vec<Command> {
        if self.note.is_some() {
            return vec![
                Command::bar(
                    &[Key::plain(KeyCode::Enter)],
                    Action::Save,
                    "exchange_screen.dismiss_save",
                ),
                Command::bar(
                    &[Key::plain(KeyCode::Esc)],
                    Action::Step(STEP_CANCEL_NOTE),
                    "exchange_screen.cancel_note",
                ),
            ];
        }
        let mut c = vec![
            Command::bar(
                &[Key::ch('a')],
                Action::Step(STEP_INCOMING),
                "exchange_screen.take_incoming",
            ),
            Command::bar(
                &[Key::ch('l')],
                Action::Step(STEP_LOCAL),
                "exchange_screen.keep_local",
            ),
        ];
        if self.is_review() {
            c.push(Command::bar(
                &[Key::ch('d')],
                Action::Step(STEP_DISMISS),
                "exchange_screen.dismiss",
            ));
        }
        c.push(Command::bar(
            &[Key::plain(KeyCode::Esc)],
            Action::Back,
            "cmd.back",
        ));
        c.extend(crate::tui::keys::scroll_moves());
        c
    }

    fn text_focused(&self) -> bool {
        self.note.is_some()
    }

    fn unsaved(&self) -> bool {
        self.note
            .as_ref()
            .is_some_and(|n| !n.value().trim().is_empty())
    }

    fn on_action(&mut self, action: Action, env: &mut Env) -> Outcome {
        let lang = env.lang;
        match action {
            Action::Step(STEP_INCOMING) => Outcome::Dialog(Dialog::confirm(
                t(lang, "exchange_screen.take_incoming").into(),
                t(lang, "exchange_screen.ask_incoming").into(),
                Purpose::Screen(ASK_INCOMING),
            )),
            Action::Step(STEP_LOCAL) => Outcome::Dialog(Dialog::confirm(
                t(lang, "exchange_screen.keep_local").into(),
                t(
                    lang,
                    if self.item.local_record.is_some() {
                        "exchange_screen.ask_local"
                    } else {
                        "exchange_screen.ask_local_none"
                    },
                )
                .into(),
                Purpose::Screen(ASK_LOCAL),
            )),
            Action::Step(STEP_DISMISS) if self.is_review() => {
                self.note = Some(TextField::new(200));
                Outcome::None
            }
            Action::Step(STEP_CANCEL_NOTE) => {
                self.note = None;
                Outcome::None
            }
            Action::Save => {
                let Some(note) = &self.note else {
                    return Outcome::None;
                };
                let text = note.value().trim().to_string();
                if text.is_empty() {
                    return Outcome::Status(t(lang, "exchange_screen.note_required").into());
                }
                self.resolve(env, Resolution::Dismiss, Some(&text))
            }
            Action::Up => {
                self.scroll = self.scroll.saturating_sub(1);
                Outcome::None
            }
            Action::Down => {
                self.scroll = (self.scroll + 1).min(self.scroll_bound());
                Outcome::None
            }
            Action::PageUp => {
                self.scroll = self.scroll.saturating_sub(PAGE);
                Outcome::None
            }
            Action::PageDown => {
                self.scroll = (self.scroll + PAGE).min(self.scroll_bound());
                Outcome::None
            }
            _ => Outcome::None,
        }
    }

    fn on_key(&mut self, key: Key, _env: &mut Env) -> Outcome {
        if let Some(n) = &mut self.note {
            n.handle(key);
        }
        Outcome::None
    }

    fn on_answer(&mut self, answer: Answer, env: &mut Env) -> Outcome {
        if !answer.yes {
            return Outcome::None;
        }
        match answer.purpose {
            Purpose::Screen(ASK_INCOMING) => self.resolve(env, Resolution::Incoming, None),
            Purpose::Screen(ASK_LOCAL) => self.resolve(env, Resolution::Local, None),
            _ => Outcome::None,
        }
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, env: &Env) {
        let lang = env.lang;
        let item = &self.item;
        let inner = Rect::new(
            area.x + 1,
            area.y,
            area.width.saturating_sub(2),
            area.height,
        );
        let cells = inner.width as usize;
        let (label_w, value_w) = columns(cells);
        let local_head = if item.local_record.is_some() {
            t(lang, "exchange_screen.col_local").to_string()
        } else {
            t(lang, "exchange_screen.no_local").to_string()
        };
        let mut head = vec![
            Line::from(tf(
                lang,
                "exchange_screen.detail_community",
                &[("community", &community_label(env, &item.community))],
            )),
            Line::from(tf(
                lang,
                "exchange_screen.detail_reason",
                &[("reason", &reason_label(lang, &item.reason))],
            )),
        ];
        if let Some(holder) = &self.holder {
            head.push(Line::styled(holder.clone(), env.theme.matched));
        }
        head.extend([
            Line::from(tf(
                lang,
                "exchange_screen.detail_incoming",
                &[
                    ("org", &self.sender),
                    ("actor", &safe(&item.incoming_actor)),
                    ("at", &when(Some(&item.incoming_at))),
                ],
            )),
            Line::styled(
                format!(
                    "{} {} {}",
                    fit(t(lang, "exchange_screen.col_field"), label_w),
                    fit(&local_head, value_w),
                    t(lang, "exchange_screen.col_incoming")
                ),
                env.theme.label,
            ),
        ]);
        let head_rows = head.len() as u16;
        let head: Vec<Line<'static>> = head
            .into_iter()
            .map(|l| {
                if l.width() > cells {
                    let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
                    Line::styled(fit(&text, cells), l.style)
                } else {
                    l
                }
            })
            .collect();
        frame.render_widget(
            Paragraph::new(head),
            Rect::new(inner.x, inner.y, inner.width, head_rows.min(inner.height)),
        );
        let note_rows = if self.note.is_some() { 2 } else { 0 };
        let body = Rect::new(
            inner.x,
            inner.y + head_rows.min(inner.height),
            inner.width,
            inner
                .height
                .saturating_sub(head_rows)
                .saturating_sub(note_rows),
        );
        let lines = self.lines(env, cells);
        let top = self
            .scroll
            .min(lines.len().saturating_sub(body.height as usize));
        let shown: Vec<Line<'static>> = lines
            .into_iter()
            .skip(top)
            .take(body.height as usize)
            .collect();
        frame.render_widget(Paragraph::new(shown), body);
        if let Some(note) = &self.note {
            let row = QueueDetail::note_area(area);
            let label = t(lang, "exchange_screen.note_label");
            let label_w = width(label) as u16;
            frame.render_widget(
                Paragraph::new(Line::styled(label.to_string(), env.theme.focused)),
                Rect::new(row.x, row.y, label_w.min(row.width), 1),
            );
            let field = note_field(row, label_w);
            frame.render_widget(
                Paragraph::new(" ".repeat(field.width as usize)).style(env.theme.selected),
                field,
            );
            note.render(frame, field, env.theme.selected, true);
        }
    }

    fn cursor(&self, area: Rect, env: &Env) -> Option<Position> {
        let note = self.note.as_ref()?;
        let row = QueueDetail::note_area(area);
        let label_w = width(t(env.lang, "exchange_screen.note_label")) as u16;
        Some(note.cursor(note_field(row, label_w)))
    }
}

/// Where the note field sits: after its label on the last row.
fn note_field(row: Rect, label_w: u16) -> Rect {
    Rect::new(
        row.x + label_w + 1,
        row.y,
        row.width.saturating_sub(label_w + 1),
        1,
    )
}
