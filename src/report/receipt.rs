//! 投诉（异议）受理回执: the slip handed to whoever complained or objected, saying it was
//! received, by whom, what about, by when it will be answered, and where to turn if it is
//! not. The record itself stays in the system, so one copy is printed (no 存根联).

use chrono::NaiveDate;

use super::layout::{phone_lines, Cell, Doc, Sheet};
use crate::domain::date::official;
use crate::i18n::{t, tf, Lang};

/// What the receipt of one complaint says.
pub struct ComplaintReceipt<'a> {
    /// Its number (the random part of the record id).
    pub number: &'a str,
    /// The day received.
    pub received_on: NaiveDate,
    /// Who complained; empty: anonymous.
    pub complainant: &'a str,
    /// How it came in (the channel's label).
    pub channel: &'a str,
    /// The community it concerns.
    pub community: &'a str,
    /// What they said.
    pub content: &'a str,
    /// The unit that handles it, empty while not yet assigned.
    pub handled_by: &'a str,
    /// The day by which it is answered, if set.
    pub due_on: Option<NaiveDate>,
    /// Who received it: the account's real name.
    pub received_by: &'a str,
    /// The receiving unit as its seal reads.
    pub issuer: &'a str,
    /// 社会救助服务电话; empty: not printed.
    pub service_phone: &'a str,
    /// 监督电话; empty: not printed.
    pub supervision_phone: &'a str,
}

/// The receipt as a page to print (A4 upright; it is handed over or posted).
pub fn complaint_receipt(r: &ComplaintReceipt<'_>, lang: Lang) -> String {
    let title = t(lang, "receipt.title");
    let mut d = Doc::new(Sheet::A4Portrait, title, lang);
    let or_dash = |s: &str| {
        if s.trim().is_empty() {
            "—".to_string()
        } else {
            s.to_string()
        }
    };
    d.heading(title).meta(
        &tf(lang, "receipt.number", &[("no", r.number)]),
        &tf(
            lang,
            "receipt.received_on",
            &[("date", &official(r.received_on, lang))],
        ),
    );
    let complainant = if r.complainant.trim().is_empty() {
        t(lang, "receipt.anonymous").to_string()
    } else {
        r.complainant.to_string()
    };
    let handled_by = if r.handled_by.trim().is_empty() {
        t(lang, "receipt.not_assigned").to_string()
    } else {
        r.handled_by.to_string()
    };
    let due = r
        .due_on
        .map(|d| tf(lang, "receipt.due", &[("date", &official(d, lang))]))
        .unwrap_or_else(|| t(lang, "receipt.due_default").to_string());
    d.grid(&[
        vec![
            Cell::label(t(lang, "receipt.complainant")),
            Cell::data(complainant),
            Cell::label(t(lang, "receipt.channel")),
            Cell::data(or_dash(r.channel)),
        ],
        vec![
            Cell::label(t(lang, "field.community")),
            Cell::data(or_dash(r.community)),
            Cell::label(t(lang, "receipt.handled_by")),
            Cell::data(handled_by),
        ],
        vec![
            Cell::label(t(lang, "receipt.content")),
            Cell::data(r.content).span(3).writing_space(),
        ],
        vec![
            Cell::label(t(lang, "receipt.answer_by")),
            Cell::data(due),
            Cell::label(t(lang, "receipt.received_by")),
            Cell::data(or_dash(r.received_by)),
        ],
    ]);
    d.keep_start().para(t(lang, "receipt.promise"));
    for line in phone_lines(r.service_phone, r.supervision_phone, lang) {
        d.para(&line);
    }
    d.issued_by(r.issuer, &official(r.received_on, lang))
        .keep_end();
    d.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn receipt<'a>(complainant: &'a str, due: Option<NaiveDate>) -> ComplaintReceipt<'a> {
        ComplaintReceipt {
            number: "0A1B2C3D4E5F",
            received_on: NaiveDate::from_ymd_opt(2026, 11, 3).unwrap(),
            complainant,
            channel: "电话",
            community: "洪都新村社区",
            content: "送餐经常迟到",
            handled_by: "",
            due_on: due,
            received_by: "王干事",
            issuer: "南昌市青云谱区洪都街道办事处",
            service_phone: "0791-88123456",
            supervision_phone: "0791-88654321",
        }
    }

    #[test]
    fn the_receipt_names_the_unit_the_date_the_time_limit_and_the_phones() {
        let html = complaint_receipt(
            &receipt("李四", NaiveDate::from_ymd_opt(2026, 11, 10)),
            Lang::ZhCn,
        );
        for want in [
            "投诉（异议）受理回执",
            "回执编号：0A1B2C3D4E5F",
            "受理日期：2026年11月3日",
            "李四",
            "2026年11月10日前答复",
            "监督电话：0791-88654321",
            "社会救助服务电话：0791-88123456",
            "<div class=\"issued\"><div>南昌市青云谱区洪都街道办事处</div><div>2026年11月3日</div></div>",
            "待交办",
        ] {
            assert!(html.contains(want), "missing {want}");
        }
    }

    #[test]
    fn an_anonymous_complaint_without_a_time_limit_still_says_what_happens() {
        let html = complaint_receipt(&receipt(" ", None), Lang::ZhCn);
        assert!(html.contains("匿名"));
        assert!(html.contains("按规定时限答复"));
        let en = complaint_receipt(&receipt("", None), Lang::En);
        assert!(en.contains("Anonymous") && en.contains("2026-11-03"));
    }
}
