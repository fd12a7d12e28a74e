//! Adjusting one line of a case's service plan: how often, how urgently, and which provider.

use crate::app::case;
use crate::domain::case::{Case, PlannedItem};
use crate::domain::catalogue::{Catalogue, ListKind};
use crate::domain::provider::Provider;
use crate::domain::validation::Field;
use crate::i18n::tf;
use crate::tui::env::Env;
use crate::tui::screens::form_page::{saved_or_refused, FormPage};
use crate::tui::screens::Outcome;
use crate::tui::widgets::form::{Form, FormField};

/// The form of one plan line.
pub struct PlanLineForm {
    case_id: String,
    item: String,
    form: Form,
}

fn options(kind: ListKind, env: &Env) -> Vec<(String, String)> {
    Catalogue::builtin()
        .entries(kind)
        .iter()
        .map(|e| (e.code.clone(), e.label(env.lang).to_string()))
        .collect()
}

impl PlanLineForm {
    /// The form for `line` of `case`; the providers offered are the active ones offering the
    /// item to the case's community, plus the one chosen now.
    pub fn new(env: &Env, case: &Case, line: &PlannedItem, providers: &[Provider]) -> PlanLineForm {
        let offering: Vec<(String, String)> = providers
            .iter()
            .filter(|p| {
                (p.active
                    && p.items.contains(&line.item)
                    && env.tree.is_within(&case.community, &p.area))
                    || line.provider_id.as_deref() == Some(p.meta.id.as_str())
            })
            .map(|p| (p.meta.id.clone(), crate::tui::text::safe(&p.name)))
            .collect();
        let mut form = Form::new(vec![
            FormField::choice(
                "frequency",
                "field.frequency",
                options(ListKind::Frequency, env),
                false,
            )
            .for_field(Field::Frequency),
            FormField::choice(
                "priority",
                "field.priority",
                options(ListKind::Priority, env),
                false,
            )
            .for_field(Field::Priority),
            FormField::choice("provider", "field.provider", offering, true)
                .for_field(Field::Provider),
        ]);
        form.set_choice("frequency", &line.frequency);
        form.set_choice("priority", &line.priority);
        if let Some(p) = &line.provider_id {
            form.set_choice("provider", p);
        }
        form.mark_saved();
        PlanLineForm {
            case_id: case.meta.id.clone(),
            item: line.item.clone(),
            form,
        }
    }

    fn save(&mut self, env: &mut Env) -> Outcome {
        let provider = self.form.choice("provider");
        let line = PlannedItem {
            item: self.item.clone(),
            frequency: self.form.choice("frequency"),
            priority: self.form.choice("priority"),
            provider_id: Some(provider).filter(|p| !p.is_empty()),
        };
        let id = self.case_id.clone();
        let result = env
            .ctx()
            .and_then(|mut ctx| case::set_plan_line(&mut ctx, &id, &line));
        saved_or_refused(&mut self.form, result, env)
    }
}

impl FormPage for PlanLineForm {
    fn page_title(&self, env: &Env) -> String {
        tf(
            env.lang,
            "cases.plan_title",
            &[(
                "item",
                Catalogue::builtin().label(ListKind::ServiceItem, &self.item, env.lang),
            )],
        )
    }

    fn form(&self) -> &Form {
        &self.form
    }

    fn form_mut(&mut self) -> &mut Form {
        &mut self.form
    }

    fn save(&mut self, env: &mut Env) -> Outcome {
        PlanLineForm::save(self, env)
    }

    fn hint_key(&self) -> &'static str {
        "cases.plan_hint"
    }
}
