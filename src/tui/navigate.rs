//! The one navigation point: screens say where to go as a [`Destination`] and this module,
//! the only one that knows every screen, builds it. Screens thus never import one another
//! (see the test below), and a load error is the status line every caller showed.

use super::env::Env;
use super::screens::admin::{audit::AuditScreen, settings::Settings, users::UsersScreen};
use super::screens::archive::household::{HouseholdScreen, RelationForm};
use super::screens::archive::merge::MergeScreen;
use super::screens::archive::person_detail::PersonDetail;
use super::screens::archive::person_form::PersonForm;
use super::screens::archive::person_list::PersonList;
use super::screens::archive::print_menu::PrintMenu;
use super::screens::assessment::{
    case_detail::CaseDetail, case_list::CaseList, plan_form::PlanLineForm,
};
use super::screens::discovery::clue_detail::ClueDetail;
use super::screens::discovery::clue_form::{ClueForm, StepForm};
use super::screens::discovery::clue_list::ClueList;
use super::screens::dynamic::roster::RosterImport;
use super::screens::dynamic::tasks::TaskList;
use super::screens::dynamic::transfer::{TransferForm, TransferList};
use super::screens::exchange::files::{CardScreen, ExportScreen, ImportScreen, TrustScreen};
use super::screens::exchange::overview::ExchangeScreen;
use super::screens::home::Home;
use super::screens::login::Login;
use super::screens::placeholder::Placeholder;
use super::screens::providers::agreements::AgreementList;
use super::screens::providers::registry::ProviderList;
use super::screens::providers::settlements::SettlementList;
use super::screens::service::service_form::ServiceDesk;
use super::screens::supervision::oversight::SupervisionScreen;
use super::screens::supervision::statistics::StatisticsScreen;
use super::screens::supervision::timeliness::TimelinessScreen;
use super::screens::{Destination, Outcome, Screen};

fn boxed<S: Screen + 'static>(s: S) -> Box<dyn Screen> {
    Box::new(s)
}

/// Builds the screen `dest` names; the error is the message for the status line.
pub fn screen(dest: Destination, env: &mut Env) -> Result<Box<dyn Screen>, String> {
    Ok(match dest {
        Destination::Login => boxed(Login::new()),
        Destination::Home => boxed(Home::new().with_inbox(env)),
        Destination::Placeholder(key) => boxed(Placeholder::new(key)),
        Destination::Persons => boxed(PersonList::new(env)),
        Destination::ClueTargetPicker => boxed(PersonList::picker(env)),
        Destination::MergePicker { keep } => boxed(PersonList::merge_picker(env, &keep)),
        Destination::MemberPicker { household } => {
            boxed(PersonList::member_picker(env, &household))
        }
        Destination::PersonFile { id } => boxed(PersonDetail::load(env, &id)?),
        Destination::NewPerson { name, for_clue } => {
            let form = if for_clue {
                PersonForm::create_for_clue(env)
            } else {
                PersonForm::create(env)
            };
            boxed(form.with_name(env, &name))
        }
        Destination::EditPerson(p) => boxed(PersonForm::edit(env, &p)),
        Destination::Household { id } => boxed(HouseholdScreen::load(env, &id)?),
        Destination::AddMember { household, person } => {
            boxed(RelationForm::add(env, &household, &person)?)
        }
        Destination::Merge { keep, other } => boxed(MergeScreen::load(env, &keep, &other)?),
        Destination::TransferForm(p) => boxed(TransferForm::new(env, &p)),
        Destination::Transfers => boxed(TransferList::new(env)),
        Destination::Clues => boxed(ClueList::new(env)),
        Destination::NewClue {
            person_id,
            person_name,
        } => boxed(ClueForm::new(env, &person_id, &person_name)),
        Destination::ClueDetail { id } => boxed(ClueDetail::load(env, &id)?),
        Destination::ClueStep { id, step } => boxed(StepForm::new(&id, step)),
        Destination::Cases { in_service: false } => boxed(CaseList::new(env)),
        Destination::Cases { in_service: true } => boxed(CaseList::in_service(env)),
        Destination::CaseDetail { id } => boxed(CaseDetail::load(env, &id)?),
        Destination::PlanLine {
            case,
            line,
            providers,
        } => boxed(PlanLineForm::new(env, &case, &line, &providers)),
        Destination::PrintMenu { case, person_name } => boxed(PrintMenu::new(&case, &person_name)),
        Destination::RosterImport => boxed(RosterImport::new()),
        Destination::Tasks { at: None } => boxed(TaskList::new(env)),
        Destination::Tasks { at: Some(id) } => boxed(TaskList::at(env, &id)),
        Destination::ServiceDesk => boxed(ServiceDesk::new(env)),
        Destination::Providers => boxed(ProviderList::new(env)),
        Destination::Agreements(p) => boxed(AgreementList::of(env, *p)),
        Destination::Settlements(p) => boxed(SettlementList::of(env, *p)),
        Destination::Funds => boxed(crate::tui::screens::money::funds::FundList::new(env)),
        Destination::Subsidies => boxed(crate::tui::screens::money::subsidies::SubsidyLists::new(
            env,
        )),
        Destination::Helpers => boxed(crate::tui::screens::money::helpers::HelperList::new(env)),
        Destination::Supervision => boxed(SupervisionScreen::new(env)),
        Destination::Complaint { id } => boxed(SupervisionScreen::complaint(env, &id)),
        Destination::Posting { community } => boxed(SupervisionScreen::posting_of(env, &community)),
        Destination::Statistics => boxed(StatisticsScreen::new(env)),
        Destination::Timeliness => boxed(TimelinessScreen::new(env)),
        Destination::Settings => boxed(Settings::new(env)),
        Destination::Users => boxed(UsersScreen::new(env)),
        Destination::Audit => boxed(AuditScreen::new(env)),
        Destination::Exchange { queue: false } => boxed(ExchangeScreen::new(env)),
        Destination::Exchange { queue: true } => boxed(ExchangeScreen::queue(env)),
        Destination::Export { org } => boxed(ExportScreen::new(env, org.as_deref())),
        Destination::Import => boxed(ImportScreen::new(env)),
        Destination::Trust => boxed(TrustScreen::new(env)),
        Destination::Card => boxed(CardScreen::new(env)),
    })
}

/// Opens `dest` on top: the screen to push, or the status line of its load error.
pub fn open(dest: Destination, env: &mut Env) -> Outcome {
    match screen(dest, env) {
        Ok(s) => Outcome::Push(s),
        Err(msg) => Outcome::Status(msg),
    }
}

/// Opens `dest` in place of the top screen, or the status line of its load error.
pub fn open_instead(dest: Destination, env: &mut Env) -> Outcome {
    match screen(dest, env) {
        Ok(s) => Outcome::Replace(s),
        Err(msg) => Outcome::Status(msg),
    }
}

/// Opens `dest` on top, or shows `dialog` if it does not load.
pub fn open_or(
    dest: Destination,
    dialog: super::widgets::dialog::Dialog,
    env: &mut Env,
) -> Outcome {
    match screen(dest, env) {
        Ok(s) => Outcome::Push(s),
        Err(_) => Outcome::Dialog(dialog),
    }
}

#[cfg(test)]
mod tests {
    //! No screen imports another screen: they open one another through [`Destination`].
    //! The check reads the sources under `src/tui/screens`, expands every path written from
    //! `crate::` or `super::` (use trees included) and names the screen module it reaches.

    use std::collections::BTreeSet;
    use std::path::Path;

    /// Modules under `screens` every screen may use: no screen, or a shared component (the
    /// one list screen is a component the lists fill with data; the payment form is one form
    /// each approved money record pays through).
    const SHARED: &[&str] = &["destination", "form_page", "list", "pay_form"];

    /// A screen and the part of it that lives in a file of its own.
    const PARTS: &[(&str, &str)] = &[("archive::person_detail", "archive::person_documents")];

    fn is_ident(c: char) -> bool {
        c.is_alphanumeric() || c == '_'
    }

    fn skip_space(b: &[char], mut i: usize) -> usize {
        while b.get(i).is_some_and(|c| c.is_whitespace()) {
            i += 1;
        }
        i
    }

    fn ident(b: &[char], mut i: usize) -> (String, usize) {
        let start = i;
        while b.get(i).copied().is_some_and(is_ident) {
            i += 1;
        }
        (b[start..i].iter().collect(), i)
    }

    /// The paths starting at `i` (more than one for a use tree), and where they end.
    fn path_at(b: &[char], i: usize, prefix: &[String]) -> (Vec<Vec<String>>, usize) {
        let (first, mut j) = ident(b, i);
        let mut cur = prefix.to_vec();
        cur.push(first);
        while b.get(j) == Some(&':') && b.get(j + 1) == Some(&':') {
            let k = skip_space(b, j + 2);
            match b.get(k) {
                Some('{') => {
                    let mut all = Vec::new();
                    let mut k = k + 1;
                    while let Some(&c) = b.get(k) {
                        if c == '}' {
                            return (all, k + 1);
                        }
                        if is_ident(c) {
                            let (mut found, end) = path_at(b, k, &cur);
                            all.append(&mut found);
                            k = end;
                        } else {
                            k += 1;
                        }
                    }
                    return (all, k);
                }
                Some(&c) if is_ident(c) => {
                    let (next, end) = ident(b, k);
                    cur.push(next);
                    j = end;
                }
                _ => break,
            }
        }
        (vec![cur], j)
    }

    /// Every path in `src` outside comments.
    fn paths(src: &str) -> Vec<Vec<String>> {
        let code: String = src
            .lines()
            .map(|l| l.split("//").next().unwrap_or_default())
            .collect::<Vec<_>>()
            .join("\n");
        let b: Vec<char> = code.chars().collect();
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if is_ident(b[i]) && (i == 0 || !is_ident(b[i - 1])) {
                let (mut found, end) = path_at(&b, i, &[]);
                out.append(&mut found);
                i = end.max(i + 1);
            } else {
                i += 1;
            }
        }
        out
    }

    /// The module under `screens` a path written in module `module` reaches (`None`: outside
    /// `screens`, or relative to a name in scope); `Some(["navigate"])` for `tui::navigate`.
    fn reached(module: &[String], path: &[String]) -> Option<Vec<String>> {
        let rest: Vec<String> = match path.first().map(String::as_str) {
            Some("crate") => match path.get(1..3) {
                Some([a, b]) if a == "tui" && b == "screens" => path[3..].to_vec(),
                Some([a, b]) if a == "tui" && b == "navigate" => vec!["navigate".into()],
                _ => return None,
            },
            Some("super") => {
                let mut base = module.to_vec();
                let mut segs = path.iter().peekable();
                while segs.peek().is_some_and(|s| *s == "super") {
                    segs.next();
                    if base.pop().is_none() {
                        // Above `screens`: only `tui::navigate` matters there.
                        return segs
                            .next()
                            .filter(|s| *s == "navigate")
                            .map(|_| vec!["navigate".into()]);
                    }
                }
                base.extend(segs.cloned());
                base
            }
            _ => return None,
        };
        Some(rest)
    }

    /// The imports between screen modules that break the rule, as `from → to`. `files` are
    /// paths relative to `src/tui/screens` with their sources.
    fn violations(files: &[(String, String)]) -> Vec<String> {
        let module_of = |rel: &str| -> Vec<String> {
            let rel = rel.trim_end_matches(".rs");
            let mut m: Vec<String> = rel.split('/').map(String::from).collect();
            if m.last().is_some_and(|l| l == "mod") {
                m.pop();
            }
            m
        };
        let screens: BTreeSet<Vec<String>> = files
            .iter()
            .filter(|(rel, _)| !rel.ends_with("mod.rs"))
            .map(|(rel, _)| module_of(rel))
            .filter(|m| !(m.len() == 1 && SHARED.contains(&m[0].as_str())))
            .collect();
        let mut bad = BTreeSet::new();
        for (rel, src) in files {
            let module = module_of(rel);
            for p in paths(src) {
                let Some(to) = reached(&module, &p) else {
                    continue;
                };
                let from = module.join("::");
                if to.first().is_some_and(|s| s == "navigate") {
                    bad.insert(format!("{from} → tui::navigate"));
                    continue;
                }
                let Some(target) = (1..=to.len())
                    .rev()
                    .map(|n| to[..n].to_vec())
                    .find(|m| screens.contains(m))
                else {
                    continue;
                };
                let target = target.join("::");
                if target != from && !PARTS.contains(&(from.as_str(), target.as_str())) {
                    bad.insert(format!("{from} → {target}"));
                }
            }
        }
        bad.into_iter().collect()
    }

    fn sources(dir: &Path, base: &Path, out: &mut Vec<(String, String)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                sources(&p, base, out);
            } else if p.extension().is_some_and(|e| e == "rs") {
                let rel = p
                    .strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((rel, std::fs::read_to_string(&p).unwrap()));
            }
        }
    }

    fn file(rel: &str, src: &str) -> (String, String) {
        (rel.to_string(), src.to_string())
    }

    #[test]
    fn no_screen_imports_another_screen() {
        let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tui/screens");
        let mut files = Vec::new();
        sources(&base, &base, &mut files);
        assert!(files.len() > 40, "found only {} files", files.len());
        assert_eq!(violations(&files), Vec::<String>::new());
    }

    #[test]
    fn the_check_sees_imports_in_every_form() {
        let files = [
            file(
                "mod.rs",
                "pub mod archive;\npub mod entry;\npub mod form_page;",
            ),
            file("form_page.rs", ""),
            file("entry.rs", "use super::{archive::list::List, Outcome};"),
            file(
                "archive/list.rs",
                "use crate::tui::screens::{form_page::FormPage, Outcome};\n\
                 // crate::tui::screens::archive::detail in a comment\n\
                 fn f() { crate::tui::screens::archive::detail::Detail::load(); }",
            ),
            file(
                "archive/detail.rs",
                "use super::list::List;\nuse crate::tui::navigate;\n\
                 use crate::app::household;\nfn g() { household::create(); }",
            ),
            file("archive/mod.rs", "pub mod detail;\npub mod list;"),
        ];
        assert_eq!(
            violations(&files),
            vec![
                "archive::detail → archive::list".to_string(),
                "archive::detail → tui::navigate".to_string(),
                "archive::list → archive::detail".to_string(),
                "entry → archive::list".to_string(),
            ]
        );
    }
}
