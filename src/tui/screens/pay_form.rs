//! 登记支付: the day paid, the voucher number and the fund source of an approved record (a
//! settlement or a subsidy list) — one form for both, each paying through its own `app` step.

use chrono::NaiveDate;

use crate::app::{Ctx, Result};
use crate::domain::catalogue::{Catalogue, ListKind};
use crate::domain::validation::Field;
use crate::tui::env::Env;
use crate::tui::screens::form_page::{saved_or_refused, FormPage};
use crate::tui::screens::Outcome;
use crate::tui::widgets::form::{Form, FormField};

/// The `app` step that pays record `id` on a day (today when `None`) under a voucher number
/// from a fund source.
pub type Pay = fn(&mut Ctx<'_>, &str, Option<NaiveDate>, &str, &str) -> Result<()>;

/// The form.
pub struct PayForm {
    id: String,
    title: String,
    pay: Pay,
    form: Form,
}

impl PayForm {
    /// The form paying record `id` through `pay`, titled `title`.
    pub fn new(env: &Env, id: &str, title: String, pay: Pay) -> PayForm {
        let sources: Vec<(String, String)> = Catalogue::builtin()
            .entries(ListKind::FundSource)
            .iter()
            .map(|e| (e.code.clone(), e.label(env.lang).to_string()))
            .collect();
        let mut form = Form::new(vec![
            FormField::date("paid_on", "field.paid_on").for_field(Field::PaidOn),
            FormField::text("voucher", "field.voucher_no", 30).for_field(Field::VoucherNo),
            FormField::choice("source", "field.fund_source", sources, false)
                .for_field(Field::FundSource),
        ]);
        form.today = env.clock.today();
        form.set_value("paid_on", &env.clock.today().format("%Y-%m-%d").to_string());
        form.mark_saved();
        PayForm {
            id: id.to_string(),
            title,
            pay,
            form,
        }
    }
}

impl FormPage for PayForm {
    fn page_title(&self, _env: &Env) -> String {
        self.title.clone()
    }

    fn form(&self) -> &Form {
        &self.form
    }

    fn form_mut(&mut self) -> &mut Form {
        &mut self.form
    }

    fn save(&mut self, env: &mut Env) -> Outcome {
        let on = match crate::domain::date::parse_date(Field::PaidOn, &self.form.value("paid_on")) {
            Ok(on) => on,
            Err(e) => return saved_or_refused::<()>(&mut self.form, Err(e.into()), env),
        };
        let voucher = self.form.value("voucher");
        let source = self.form.choice("source");
        let (id, pay) = (self.id.clone(), self.pay);
        let result = env
            .ctx()
            .and_then(|mut ctx| pay(&mut ctx, &id, on, &voucher, &source));
        saved_or_refused(&mut self.form, result, env)
    }
}
