//! The command line: parses the contract, signs the user in, calls `app`, prints in the
//! chosen language. Output for people goes to stdout; a refusal is one line on stderr and
//! exit code 1.

mod agreement;
pub mod args;
mod exchange;
mod fund;
mod output;
mod report;
mod settlement;
mod subsidy;

use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};

use clap::Parser;
use zeroize::Zeroizing;

use self::args::{AuditCommand, Cli, Command, RosterCommand};

use crate::app::{auth, check, demo, roster, setup, AppError, Clock, Ctx, Session, SystemClock};
use crate::i18n::{t, tf, Lang, Localize};
use crate::store::{data_dir, OpenOptions, Store, StoreError};

/// Where this run reads and writes.
#[derive(Debug, Clone)]
pub struct Paths {
    /// The data directory.
    pub data_dir: PathBuf,
    /// The database file.
    pub db: PathBuf,
}

impl Paths {
    fn resolve(cli: &Cli) -> Result<Paths, AppError> {
        let data_dir = match &cli.data_dir {
            Some(d) => d.clone(),
            None => data_dir::default_dir().ok_or(AppError::Store(StoreError::NotInitialised))?,
        };
        let db = cli
            .db
            .clone()
            .unwrap_or_else(|| data_dir.join(data_dir::DB_FILE));
        Ok(Paths { data_dir, db })
    }
}

/// Busy timeout from `JIUZHU_BUSY_TIMEOUT_MS` (operators on a slow shared disk may raise it;
/// tests lower it), else the 30 s default.
fn open_options() -> OpenOptions {
    let mut opts = OpenOptions::default();
    if let Some(ms) = std::env::var("JIUZHU_BUSY_TIMEOUT_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        opts.busy_timeout = std::time::Duration::from_millis(ms);
    }
    opts
}

fn open_existing(paths: &Paths) -> Result<Store, AppError> {
    Store::open(&paths.db, &open_options()).map_err(|e| match e {
        StoreError::NotInitialised => AppError::Store(StoreError::NotInitialised),
        other => AppError::Store(other),
    })
}

/// The password from `JIUZHU_PASSWORD`, or asked for on the terminal without echo.
fn read_password(lang: Lang, prompt_key: &str) -> Result<Zeroizing<String>, AppError> {
    if let Ok(p) = std::env::var("JIUZHU_PASSWORD") {
        return Ok(Zeroizing::new(p));
    }
    rpassword::prompt_password(t(lang, prompt_key))
        .map(Zeroizing::new)
        .map_err(|_| AppError::NoPasswordPrompt)
}

fn sign_in(
    store: &mut Store,
    cli: &Cli,
    lang: Lang,
    clock: &dyn Clock,
) -> Result<Session, AppError> {
    let Some(user) = cli.user.as_deref() else {
        return Err(AppError::NeedsUser);
    };
    let password = read_password(lang, "prompt.password")?;
    auth::login(store, user, password, clock)
}

/// Runs the command line; returns the process exit code.
pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            // clap prints help and version itself, with exit code 0; usage errors exit 2.
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    let lang = match Lang::parse(&cli.lang) {
        Some(l) => l,
        None => {
            eprintln!(
                "{}",
                tf(Lang::ZhCn, "error.bad_lang", &[("lang", &cli.lang)])
            );
            return 1;
        }
    };
    let clock = SystemClock;
    match dispatch(&cli, lang, &clock) {
        Ok(code) => code,
        // A reader such as `head` closed the pipe: what it wanted was printed.
        Err(AppError::Store(StoreError::Io { source, .. }))
            if source.kind() == io::ErrorKind::BrokenPipe =>
        {
            0
        }
        Err(e) => {
            eprintln!("{}{}", t(lang, "error.prefix"), e.localize(lang));
            1
        }
    }
}

fn dispatch(cli: &Cli, lang: Lang, clock: &dyn Clock) -> Result<i32, AppError> {
    let paths = Paths::resolve(cli)?;
    let mut out = io::stdout().lock();
    match &cli.command {
        None => {
            drop(out);
            let look = crate::tui::Look {
                ascii: cli.ascii,
                high_contrast: cli.high_contrast,
            };
            crate::tui::run(&paths, lang, look)?;
            Ok(0)
        }
        Some(Command::Init(a)) => {
            let params = setup::validate_params(
                &a.tier,
                &a.org_code,
                &a.org_name,
                a.parent.as_deref(),
                &a.admin,
                a.demo,
            )?
            .with_admin_name(&a.admin_name)?
            .with_org_full_name(&a.org_full_name)?;
            if paths.db.exists() {
                let store = open_existing(&paths)?;
                if store.workstation().is_ok() {
                    return Err(AppError::AlreadyInitialised(paths.db.clone()));
                }
            }
            let password = read_password(lang, "prompt.new_password")?;
            if !params.demo {
                auth::check_strength(&password)?;
            }
            if std::env::var("JIUZHU_PASSWORD").is_err() {
                let again = read_password(lang, "prompt.repeat_password")?;
                if *again != *password {
                    return Err(AppError::PasswordsDiffer);
                }
            }
            setup::init(&paths.data_dir, &paths.db, &params, password, clock)?;
            output::init_done(&mut out, lang, &params, &paths)?;
            Ok(0)
        }
        Some(Command::Demo(a)) => {
            let fresh = !paths.db.exists() || open_existing(&paths)?.workstation().is_err();
            let (mut store, session, users) = if fresh {
                let (store, users) = demo::setup(&paths.data_dir, &paths.db, clock)?;
                let session = Session {
                    username: "demo".into(),
                    grants: users[0].grants.clone(),
                };
                (store, session, Some(users))
            } else {
                let mut store = open_existing(&paths)?;
                if !store.workstation()?.demo {
                    return Err(AppError::NotDemo);
                }
                let session = sign_in(&mut store, cli, lang, clock)?;
                (store, session, None)
            };
            let mut ctx = Ctx::new(&mut store, session, clock)?;
            let mut progress = |done: usize, total: usize| {
                if total >= 20_000 && done % 2000 == 0 {
                    eprint!(
                        "\r{}",
                        tf(
                            lang,
                            "demo.progress",
                            &[("done", &done.to_string()), ("total", &total.to_string())]
                        )
                    );
                    if done == total {
                        eprintln!();
                    }
                }
                true
            };
            let summary = demo::generate(&mut ctx, a.persons, a.seed, &mut progress)?;
            output::demo_done(&mut out, lang, &summary, users.as_deref(), &paths)?;
            Ok(0)
        }
        Some(Command::Find(a)) => {
            let mut store = open_existing(&paths)?;
            let session = sign_in(&mut store, cli, lang, clock)?;
            let ctx = Ctx::new(&mut store, session, clock)?;
            ctx.require_somewhere(crate::domain::permission::Action::ViewPerson)?;
            let index = crate::app::search::load(&ctx)?;
            if a.query == "-" {
                let stdin = io::stdin();
                for line in stdin.lock().lines() {
                    let line = line.map_err(|e| {
                        AppError::Store(StoreError::Io {
                            path: PathBuf::from("-"),
                            source: e,
                        })
                    })?;
                    output::matches(&mut out, lang, &ctx.tree, &index.find(&line, a.limit))?;
                    writeln!(out).map_err(io_err)?;
                }
            } else {
                let found = index.find(&a.query, a.limit);
                if found.is_empty() {
                    writeln!(out, "{}", t(lang, "find.none")).map_err(io_err)?;
                }
                output::matches(&mut out, lang, &ctx.tree, &found)?;
            }
            Ok(0)
        }
        Some(Command::Check) => {
            let mut store = open_existing(&paths)?;
            let session = sign_in(&mut store, cli, lang, clock)?;
            let ctx = Ctx::new(&mut store, session, clock)?;
            let report = check::run(&ctx)?;
            output::check_report(&mut out, lang, &paths.db, &report, true)?;
            Ok(if report.ok() { 0 } else { 1 })
        }
        Some(Command::Audit(AuditCommand::Verify)) => {
            let mut store = open_existing(&paths)?;
            let session = sign_in(&mut store, cli, lang, clock)?;
            let ctx = Ctx::new(&mut store, session, clock)?;
            let report = check::audit_verify(&ctx)?;
            output::check_report(&mut out, lang, &paths.db, &report, false)?;
            output::restores(&mut out, lang, &crate::app::backup::restores(&ctx)?)?;
            Ok(if report.ok() { 0 } else { 1 })
        }
        Some(Command::User(cmd)) => user_command(cmd, cli, &paths, lang, clock, &mut out),
        Some(Command::Keys(k)) => exchange::keys(k, cli, &paths, lang, clock, &mut out),
        Some(Command::Bundle(b)) => exchange::bundle(b, cli, &paths, lang, clock, &mut out),
        Some(Command::Roster(RosterCommand::Import { file })) => {
            let mut store = open_existing(&paths)?;
            let session = sign_in(&mut store, cli, lang, clock)?;
            let mut ctx = Ctx::new(&mut store, session, clock)?;
            let receipt = roster::import_file(&mut ctx, file, &mut |_, _| true)?;
            output::roster_receipt(&mut out, lang, &receipt)?;
            // The file was read and its good rows are in: refused rows are reported, not a
            // failure of the command (exit 1 is for a file refused as a whole).
            Ok(0)
        }
        Some(Command::Report(r)) => report::run(r, cli, &paths, lang, clock, &mut out),
        Some(Command::Agreement(a)) => agreement::run(a, cli, &paths, lang, clock, &mut out),
        Some(Command::Settlement(s)) => settlement::run(s, cli, &paths, lang, clock, &mut out),
        Some(Command::Fund(f)) => fund::run(f, cli, &paths, lang, clock, &mut out),
        Some(Command::Subsidy(s)) => subsidy::run(s, cli, &paths, lang, clock, &mut out),
        Some(Command::Backup { out: target }) => {
            let mut store = open_existing(&paths)?;
            let session = sign_in(&mut store, cli, lang, clock)?;
            let mut ctx = Ctx::new(&mut store, session, clock)?;
            let s = crate::app::backup::backup(&mut ctx, target.as_deref())?;
            writeln!(
                out,
                "{}",
                tf(
                    lang,
                    if s.escrow {
                        "backing_up.done_escrow"
                    } else {
                        "backing_up.done"
                    },
                    &[
                        ("path", &show_path(&s.path)),
                        ("bytes", &s.bytes.to_string())
                    ]
                )
            )
            .map_err(io_err)?;
            Ok(0)
        }
        Some(Command::Restore {
            file,
            identity,
            replace_unexported,
        }) => {
            let Some(user) = cli.user.as_deref() else {
                return Err(AppError::NeedsUser);
            };
            let password = read_password(lang, "prompt.password")?;
            let restore = if *replace_unexported {
                crate::app::backup::restore_replacing_unexported
            } else {
                crate::app::backup::restore
            };
            let s = restore(&paths.db, file, identity.as_deref(), user, password, clock)?;
            writeln!(
                out,
                "{}",
                tf(
                    lang,
                    "restoring.done",
                    &[
                        (
                            "created",
                            &crate::app::clock::show_instant(&s.meta.created_at)
                        ),
                        ("epoch", &s.new_epoch.to_string()),
                        ("path", &show_path(&paths.db)),
                    ]
                )
            )
            .map_err(io_err)?;
            if let Some(kept) = &s.replaced {
                writeln!(
                    out,
                    "{}",
                    tf(
                        lang,
                        "restoring.replaced_kept",
                        &[
                            ("path", &show_path(kept)),
                            ("carried", &s.carried.to_string())
                        ]
                    )
                )
                .map_err(io_err)?;
            }
            Ok(0)
        }
    }
}

/// A new password for someone else: `JIUZHU_NEW_PASSWORD`, or typed twice at a prompt.
fn read_new_password(lang: Lang) -> Result<Zeroizing<String>, AppError> {
    if let Ok(p) = std::env::var("JIUZHU_NEW_PASSWORD") {
        return Ok(Zeroizing::new(p));
    }
    let first = rpassword::prompt_password(t(lang, "prompt.new_password"))
        .map(Zeroizing::new)
        .map_err(|_| AppError::NoPasswordPrompt)?;
    let again = rpassword::prompt_password(t(lang, "prompt.repeat_password"))
        .map(Zeroizing::new)
        .map_err(|_| AppError::NoPasswordPrompt)?;
    if *first != *again {
        return Err(AppError::PasswordsDiffer);
    }
    Ok(first)
}

fn user_command(
    cmd: &args::UserCommand,
    cli: &Cli,
    paths: &Paths,
    lang: Lang,
    clock: &dyn Clock,
    out: &mut io::StdoutLock<'_>,
) -> Result<i32, AppError> {
    use crate::app::users;
    let mut store = open_existing(paths)?;
    match cmd {
        args::UserCommand::Reset { username } => {
            // No sign-in: the operating-system owner of the database file is the way back in.
            let password = read_new_password(lang)?;
            users::reset_as_owner(&mut store, username, password, clock)?;
            writeln!(
                out,
                "{}",
                tf(lang, "users.reset_done", &[("username", username)])
            )
            .map_err(io_err)?;
            Ok(0)
        }
        args::UserCommand::Add {
            username,
            name,
            role,
            org,
            provider,
        } => {
            let roles = crate::domain::permission::Role::parse_list(role)?;
            let session = sign_in(&mut store, cli, lang, clock)?;
            let mut ctx = Ctx::new(&mut store, session, clock)?;
            let password = read_new_password(lang)?;
            users::add(
                &mut ctx,
                username,
                name.as_deref().unwrap_or(""),
                &roles,
                org.as_deref(),
                provider.as_deref(),
                password,
            )?;
            writeln!(
                out,
                "{}",
                tf(lang, "users.added", &[("username", username)])
            )
            .map_err(io_err)?;
            Ok(0)
        }
        args::UserCommand::Disable { username } => {
            let session = sign_in(&mut store, cli, lang, clock)?;
            let mut ctx = Ctx::new(&mut store, session, clock)?;
            users::disable(&mut ctx, username)?;
            writeln!(
                out,
                "{}",
                tf(lang, "users.disabled", &[("username", username)])
            )
            .map_err(io_err)?;
            Ok(0)
        }
        args::UserCommand::List => {
            let session = sign_in(&mut store, cli, lang, clock)?;
            let ctx = Ctx::new(&mut store, session, clock)?;
            for a in users::list(&ctx)? {
                let roles: Vec<String> = a
                    .grants
                    .iter()
                    .map(|g| format!("{}@{}", t(lang, g.role.label_key()), g.org))
                    .collect();
                let state = a.localize(lang);
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}",
                    crate::domain::text::for_display(&a.username),
                    crate::domain::text::for_display(&a.display_name),
                    roles.join(t(lang, "form.list_separator")),
                    state
                )
                .map_err(io_err)?;
            }
            Ok(0)
        }
    }
}

fn io_err(e: io::Error) -> AppError {
    AppError::Store(StoreError::Io {
        path: PathBuf::from("stdout"),
        source: e,
    })
}

/// Shown for paths in messages.
pub fn show_path(p: &Path) -> String {
    data_dir::shown_path(p)
}
