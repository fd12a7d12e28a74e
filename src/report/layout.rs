//! The one print layout every HTML print uses: A4 (upright or on its side) with a 25 mm
//! binding margin, page numbers 第 x 页 共 y 页 in the page margin, an optional running head
//! (the person's name and 服务号 on every page of a personal form), section headings kept with
//! their first rows, blocks kept whole (the last section with its signatures and seals), and a
//! screen-only line asking to turn off the browser's own header and footer.
//!
//! Every piece of text passes through [`escape`] (HTML) or [`css_string`] (the margin boxes),
//! so names and notes cannot inject markup or scripts; the pages carry no script at all and
//! load nothing from elsewhere.

use std::fmt::Write as _;

use crate::i18n::{t, Lang};

/// The sheet a document is laid out for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sheet {
    /// A4 upright (forms, cards): bound on the left.
    A4Portrait,
    /// A4 on its side (wide lists): bound along its top edge, which lies on the left once the
    /// sheet is turned to file it with upright pages.
    A4Landscape,
}

/// Escapes text for HTML element content and attribute values; control characters that
/// slipped past input cleaning are dropped rather than printed.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push('\n'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Text as a quoted CSS string for a `content:` value inside a `<style>` element: quotes and
/// backslashes escaped, `<` and `>` as CSS escapes (so `</style>` cannot end the sheet), line
/// breaks as spaces, other control characters dropped.
pub fn css_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '<' => out.push_str("\\3c "),
            '>' => out.push_str("\\3e "),
            '&' => out.push_str("\\26 "),
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A `content:` value from a template with `{page}` and `{pages}` (the string table's
/// 第 {page} 页 共 {pages} 页): literal parts as CSS strings, the places as page counters.
fn page_counter_content(template: &str) -> String {
    let mut parts = Vec::new();
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        let (lit, tail) = rest.split_at(i);
        if !lit.is_empty() {
            parts.push(css_string(lit));
        }
        if let Some(r) = tail.strip_prefix("{pages}") {
            parts.push("counter(pages)".to_string());
            rest = r;
        } else if let Some(r) = tail.strip_prefix("{page}") {
            parts.push("counter(page)".to_string());
            rest = r;
        } else {
            parts.push(css_string("{"));
            rest = &tail[1..];
        }
    }
    if !rest.is_empty() {
        parts.push(css_string(rest));
    }
    parts.join(" ")
}

/// The number a paper carries for its record (a needs form's 表号, a receipt's 回执编号): the
/// last twelve characters of the record id, in capitals — the random part of the id, whose
/// first characters are only its creation time.
pub fn paper_no(record_id: &str) -> String {
    let id: Vec<char> = record_id.chars().filter(|c| *c != '-').collect();
    id[id.len().saturating_sub(12)..]
        .iter()
        .collect::<String>()
        .to_uppercase()
}

/// The public phones (社会救助服务电话, 监督电话) as printed lines, those set only: the card,
/// the posting and the complaint receipt print the same lines.
pub fn phone_lines(service: &str, supervision: &str, lang: Lang) -> Vec<String> {
    [
        ("posting.service_phone", service),
        ("posting.supervision_phone", supervision),
    ]
    .into_iter()
    .filter(|(_, phone)| !phone.trim().is_empty())
    .map(|(key, phone)| crate::i18n::tf(lang, key, &[("phone", phone)]))
    .collect()
}

/// One table cell: text, and how many columns it spans.
#[derive(Debug, Clone)]
pub struct Cell {
    text: String,
    span: usize,
    head: bool,
    space: Option<&'static str>,
}

impl Cell {
    /// A data cell.
    pub fn data(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            span: 1,
            head: false,
            space: None,
        }
    }

    /// A label cell (shaded, bold).
    pub fn label(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            span: 1,
            head: true,
            space: None,
        }
    }

    /// The same cell with room below its text to write by hand (调查情况, 核实情况, 意见).
    pub fn writing_space(mut self) -> Cell {
        self.space = Some("space");
        self
    }

    /// The same cell tall enough to sign in (its text, an investigator's name, stays small).
    pub fn signing(mut self) -> Cell {
        self.space = Some("signing");
        self
    }

    /// The same cell spanning `n` columns.
    pub fn span(mut self, n: usize) -> Cell {
        self.span = n.max(1);
        self
    }
}

/// Who signs or seals one box of [`Doc::signatures`].
#[derive(Debug, Clone, Copy)]
pub struct Signer<'a> {
    caption: &'a str,
    unit: Option<&'a str>,
}

impl<'a> Signer<'a> {
    /// A person signs (申请人签字).
    pub fn person(caption: &'a str) -> Signer<'a> {
        Signer {
            caption,
            unit: None,
        }
    }

    /// A unit signs and seals: its full name stands above the date, where the seal goes.
    pub fn unit(caption: &'a str, seal_name: &'a str) -> Signer<'a> {
        Signer {
            caption,
            unit: Some(seal_name),
        }
    }
}

/// A printable document under construction.
pub struct Doc {
    sheet: Sheet,
    lang: Lang,
    title: String,
    running_head: Option<String>,
    body: String,
    extra_css: &'static str,
    open_keeps: usize,
}

const BASE_CSS: &str = r#"
*{box-sizing:border-box}
body{margin:0;color:#000;background:#fff;font-family:"SimSun","宋体","Songti SC","Noto Serif CJK SC","Source Han Serif SC",serif;font-size:11pt;line-height:1.45}
h1{font-size:18pt;text-align:center;margin:0 0 4mm;letter-spacing:2pt;font-family:"SimHei","黑体","Heiti SC","Noto Sans CJK SC",sans-serif}
h2{font-size:12pt;margin:5mm 0 2mm;font-family:"SimHei","黑体","Heiti SC","Noto Sans CJK SC",sans-serif;break-after:avoid;page-break-after:avoid}
p{margin:1.5mm 0}
.meta{display:flex;justify-content:space-between;gap:6mm;margin:0 0 2mm;font-size:10.5pt}
table{width:100%;border-collapse:collapse;margin:0 0 3mm;page-break-inside:auto}
table.grid{table-layout:fixed}
thead{display:table-header-group}
tr{break-inside:avoid;page-break-inside:avoid}
th,td{border:0.8pt solid #000;padding:1.6mm 2mm;vertical-align:top;text-align:left;word-break:break-all;overflow-wrap:anywhere}
th{background:#f2f2f2;font-weight:bold}
thead th{text-align:center}
td.num{text-align:right;white-space:nowrap}
td.space{height:28mm;white-space:pre-wrap}
td.signing{height:14mm;font-size:9pt;color:#444}
.keep{break-inside:avoid;page-break-inside:avoid}
.sign{display:flex;gap:6mm;margin-top:6mm;break-inside:avoid;page-break-inside:avoid}
.sign>div{flex:1;display:flex;flex-direction:column;border:0.8pt solid #000;min-height:30mm;padding:2mm}
.sign .unit{margin-top:auto;padding-top:8mm;text-align:right}
.sign .date{margin-top:auto;padding-top:4mm;text-align:right}
.sign .unit+.date{margin-top:1mm;padding-top:0}
.issued{margin:6mm 0 0 auto;width:max-content;max-width:100%;padding:12mm 4mm 0 12mm;text-align:center;break-inside:avoid;page-break-inside:avoid;break-before:avoid;page-break-before:avoid}
.note{font-size:9.5pt;color:#222}
tr.total td{font-weight:bold}
.signoff{margin-top:5mm;break-inside:avoid;page-break-inside:avoid;font-size:10.5pt}
.signoff .line{display:flex;justify-content:space-between;gap:6mm;margin:0 0 5mm}
.signoff .fill{display:inline-block;min-width:28mm;border-bottom:0.6pt solid #000;padding:0 1mm}
.signoff .blank{width:28mm}
.foot{margin-top:4mm;font-size:9pt;color:#444;text-align:right}
.hint{display:none}
@media screen{body{background:#ddd}.page{background:#fff;margin:8mm auto;box-shadow:0 0 3mm #888}.hint{display:block;margin:4mm auto 0;padding:2mm 3mm;background:#ffd;border:0.8pt solid #cc9;font-size:10pt;font-family:sans-serif}}
@media print{.hint{display:none}}
"#;

impl Doc {
    /// A new document with `title` (the page's and the browser tab's) on `sheet`, its page
    /// numbers and hint in `lang`.
    pub fn new(sheet: Sheet, title: &str, lang: Lang) -> Doc {
        Doc {
            sheet,
            lang,
            title: title.to_string(),
            running_head: None,
            body: String::new(),
            extra_css: "",
            open_keeps: 0,
        }
    }

    /// Adds CSS of a special layout (the compact card).
    pub fn with_css(mut self, css: &'static str) -> Doc {
        self.extra_css = css;
        self
    }

    /// Text printed at the top right of every page (a personal form's name and 服务号).
    pub fn running_head(mut self, text: &str) -> Doc {
        self.running_head = Some(text.to_string()).filter(|t| !t.trim().is_empty());
        self
    }

    /// Starts a block printed whole on one page where it fits (the last section with its
    /// signatures); [`Doc::keep_end`] closes it.
    pub fn keep_start(&mut self) -> &mut Doc {
        self.body.push_str("<div class=\"keep\">\n");
        self.open_keeps += 1;
        self
    }

    /// Closes the block [`Doc::keep_start`] opened.
    pub fn keep_end(&mut self) -> &mut Doc {
        if self.open_keeps > 0 {
            self.body.push_str("</div>\n");
            self.open_keeps -= 1;
        }
        self
    }

    /// The centred heading.
    pub fn heading(&mut self, text: &str) -> &mut Doc {
        let _ = writeln!(self.body, "<h1>{}</h1>", escape(text));
        self
    }

    /// A section heading; it stays on the page of the table that follows it.
    pub fn section(&mut self, text: &str) -> &mut Doc {
        let _ = writeln!(self.body, "<h2>{}</h2>", escape(text));
        self
    }

    /// A line with text at the left and at the right (unit, number, date).
    pub fn meta(&mut self, left: &str, right: &str) -> &mut Doc {
        let _ = writeln!(
            self.body,
            "<div class=\"meta\"><span>{}</span><span>{}</span></div>",
            escape(left),
            escape(right)
        );
        self
    }

    /// A paragraph.
    pub fn para(&mut self, text: &str) -> &mut Doc {
        let _ = writeln!(self.body, "<p>{}</p>", escape(text));
        self
    }

    /// A small-print note.
    pub fn note(&mut self, text: &str) -> &mut Doc {
        let _ = writeln!(self.body, "<p class=\"note\">{}</p>", escape(text));
        self
    }

    /// A grid of label/value rows, as the top of a form. Grids of the same width share one
    /// column grid: columns alternate label and value, labels narrower, fixed widths, so the
    /// sections of a form line up and leave room to write by hand.
    pub fn grid(&mut self, rows: &[Vec<Cell>]) -> &mut Doc {
        let columns = rows
            .first()
            .map(|r| r.iter().map(|c| c.span).sum::<usize>())
            .unwrap_or(0);
        self.body.push_str("<table class=\"grid\">\n");
        if columns >= 2 && columns % 2 == 0 {
            let pair = 100.0 / (columns / 2) as f64;
            let label = pair * 0.42;
            self.body.push_str("<colgroup>");
            for i in 0..columns {
                let w = if i % 2 == 0 { label } else { pair - label };
                let _ = write!(self.body, "<col style=\"width:{w:.2}%\">");
            }
            self.body.push_str("</colgroup>\n");
        }
        for row in rows {
            self.body.push_str("<tr>");
            for c in row {
                push_cell(&mut self.body, c);
            }
            self.body.push_str("</tr>\n");
        }
        self.body.push_str("</table>\n");
        self
    }

    /// A list with a header row (repeated on every page); columns in `numeric` are
    /// right-aligned.
    pub fn list(&mut self, headers: &[&str], rows: &[Vec<String>], numeric: &[usize]) -> &mut Doc {
        self.list_with_total(headers, rows, None, numeric)
    }

    /// A list as [`Doc::list`], ended by its 合计 row in bold when there is one.
    pub fn list_with_total(
        &mut self,
        headers: &[&str],
        rows: &[Vec<String>],
        total: Option<&[String]>,
        numeric: &[usize],
    ) -> &mut Doc {
        self.body.push_str("<table>\n<thead><tr>");
        for h in headers {
            let _ = write!(self.body, "<th>{}</th>", escape(h));
        }
        self.body.push_str("</tr></thead>\n<tbody>\n");
        for row in rows {
            self.body.push_str("<tr>");
            push_row_cells(&mut self.body, row, numeric);
            self.body.push_str("</tr>\n");
        }
        if let Some(total) = total {
            self.body.push_str("<tr class=\"total\">");
            push_row_cells(&mut self.body, total, numeric);
            self.body.push_str("</tr>\n");
        }
        self.body.push_str("</tbody>\n</table>\n");
        self
    }

    /// The lines a report is signed off with under its tables (填报单位（盖章）, 负责人,
    /// 填报日期 …): each line a row of `(label, value)` pairs spread across the page; an
    /// empty value leaves a line to write on by hand. Never split across pages.
    pub fn sign_off(&mut self, lines: &[Vec<(&str, &str)>]) -> &mut Doc {
        self.body.push_str("<div class=\"signoff\">\n");
        for line in lines {
            self.body.push_str("<div class=\"line\">");
            for (label, value) in line {
                if value.trim().is_empty() {
                    let _ = write!(
                        self.body,
                        "<span>{}<span class=\"fill blank\"></span></span>",
                        escape(label)
                    );
                } else {
                    let _ = write!(
                        self.body,
                        "<span>{}<span class=\"fill\">{}</span></span>",
                        escape(label),
                        escape(value)
                    );
                }
            }
            self.body.push_str("</div>\n");
        }
        self.body.push_str("</div>\n");
        self
    }

    /// Boxes for signatures and seals, each with its caption, the unit whose seal goes there
    /// (its full name, so the stamp lands on it) and a date line; never split across pages.
    pub fn signatures(&mut self, signers: &[Signer<'_>], date_line: &str) -> &mut Doc {
        self.body.push_str("<div class=\"sign\">");
        for s in signers {
            let unit = s
                .unit
                .filter(|u| !u.trim().is_empty())
                .map(|u| format!("<div class=\"unit\">{}</div>", escape(u)))
                .unwrap_or_default();
            let _ = write!(
                self.body,
                "<div>{}{unit}<div class=\"date\">{}</div></div>",
                escape(s.caption),
                escape(date_line)
            );
        }
        self.body.push_str("</div>\n");
        self
    }

    /// The closing of a notice or receipt a unit issues: its full name and the date at the
    /// right, with room above for the seal that covers them, kept with what precedes it.
    pub fn issued_by(&mut self, unit: &str, date: &str) -> &mut Doc {
        let _ = writeln!(
            self.body,
            "<div class=\"issued\"><div>{}</div><div>{}</div></div>",
            escape(unit),
            escape(date)
        );
        self
    }

    /// The right-aligned footer line (who printed it, when).
    pub fn footer(&mut self, text: &str) -> &mut Doc {
        let _ = writeln!(self.body, "<div class=\"foot\">{}</div>", escape(text));
        self
    }

    /// Raw markup built by a sibling module from escaped parts (the compact card's boxes).
    pub(crate) fn markup(&mut self, escaped: &str) -> &mut Doc {
        self.body.push_str(escaped);
        self
    }

    /// The finished page.
    pub fn finish(&self) -> String {
        // Binding margin 25 mm on the bound edge; 15 mm elsewhere, room for the margin boxes.
        let (size, width, margin) = match self.sheet {
            Sheet::A4Portrait => ("A4 portrait", "210mm", "18mm 15mm 18mm 25mm"),
            Sheet::A4Landscape => ("A4 landscape", "297mm", "25mm 15mm 15mm 15mm"),
        };
        let pages = page_counter_content(t(self.lang, "layout.page_of"));
        let head = self
            .running_head
            .as_deref()
            .map(|h| format!("@top-right{{content:{};font-size:9pt}}", css_string(h)))
            .unwrap_or_default();
        let mut body = self.body.clone();
        for _ in 0..self.open_keeps {
            body.push_str("</div>\n");
        }
        format!(
            "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
             <title>{title}</title>\n<style>\n\
             @page{{size:{size};margin:{margin};@bottom-center{{content:{pages};font-size:9pt}}{head}}}\n{BASE_CSS}\
             .page{{width:{width};padding:{margin}}}\n@media print{{.page{{width:auto;padding:0}}}}\n{extra}\n</style>\n\
             </head>\n<body>\n<p class=\"hint\">{hint}</p>\n<div class=\"page\">\n{body}</div>\n</body>\n</html>\n",
            lang = match self.lang {
                Lang::ZhCn => "zh-CN",
                Lang::En => "en",
            },
            title = escape(&self.title),
            hint = escape(t(self.lang, "layout.print_hint")),
            extra = self.extra_css,
        )
    }
}

/// The cells of one list row; columns in `numeric` right-aligned.
fn push_row_cells(out: &mut String, row: &[String], numeric: &[usize]) {
    for (i, v) in row.iter().enumerate() {
        if numeric.contains(&i) {
            let _ = write!(out, "<td class=\"num\">{}</td>", escape(v));
        } else {
            let _ = write!(out, "<td>{}</td>", escape(v));
        }
    }
}

fn push_cell(out: &mut String, c: &Cell) {
    let tag = if c.head { "th" } else { "td" };
    let class = c
        .space
        .map(|k| format!(" class=\"{k}\""))
        .unwrap_or_default();
    if c.span > 1 {
        let _ = write!(
            out,
            "<{tag}{class} colspan=\"{}\">{}</{tag}>",
            c.span,
            escape(&c.text)
        );
    } else {
        let _ = write!(out, "<{tag}{class}>{}</{tag}>", escape(&c.text));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_cannot_carry_markup_or_control_characters() {
        assert_eq!(
            escape("<script>alert('x')</script> & \u{1b}[31m"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; [31m"
        );
        let mut d = Doc::new(Sheet::A4Portrait, "<b>", Lang::ZhCn);
        d.heading("张三<img src=x>")
            .list(&["姓名"], &[vec!["\"李四\"".into()]], &[]);
        let html = d.finish();
        assert!(html.contains("<title>&lt;b&gt;</title>"));
        assert!(html.contains("张三&lt;img src=x&gt;"));
        assert!(html.contains("&quot;李四&quot;"));
        assert!(!html.contains("<img"));
        assert!(!html.contains("<script"));
    }

    #[test]
    fn landscape_sheet_sets_the_page_size() {
        let html = Doc::new(Sheet::A4Landscape, "x", Lang::ZhCn).finish();
        assert!(html.contains("@page{size:A4 landscape;margin:25mm 15mm 15mm 15mm"));
        let html = Doc::new(Sheet::A4Portrait, "x", Lang::ZhCn).finish();
        assert!(html.contains("@page{size:A4 portrait;margin:18mm 15mm 18mm 25mm"));
    }

    #[test]
    fn pages_are_numbered_in_the_margin_and_carry_the_running_head() {
        let html = Doc::new(Sheet::A4Portrait, "x", Lang::ZhCn)
            .running_head("王秀英 服务号：QYP-0001")
            .finish();
        assert!(html.contains(
            r#"@bottom-center{content:"第 " counter(page) " 页 共 " counter(pages) " 页""#
        ));
        assert!(html.contains(r#"@top-right{content:"王秀英 服务号：QYP-0001""#));
        assert!(html.contains("<p class=\"hint\">"));
        let en = Doc::new(Sheet::A4Portrait, "x", Lang::En).finish();
        assert!(en.contains(r#"content:"Page " counter(page) " of " counter(pages);"#));
        assert!(
            !en.contains("@top-right"),
            "no head unless the document has one"
        );
    }

    #[test]
    fn a_running_head_cannot_leave_its_css_string() {
        assert_eq!(
            css_string("a\"b\\c</style><script>\n"),
            r#""a\"b\\c\3c /style\3e \3c script\3e  ""#
        );
        let html = Doc::new(Sheet::A4Portrait, "x", Lang::ZhCn)
            .running_head("</style><script>alert(1)</script>")
            .finish();
        assert_eq!(html.matches("</style>").count(), 1);
        assert!(!html.contains("<script"));
    }

    #[test]
    fn an_unclosed_block_is_closed_and_grids_share_one_column_grid() {
        let mut d = Doc::new(Sheet::A4Portrait, "x", Lang::ZhCn);
        d.keep_start().grid(&[vec![
            Cell::label("a"),
            Cell::data("b"),
            Cell::label("c"),
            Cell::data("d").writing_space(),
        ]]);
        let html = d.finish();
        assert_eq!(html.matches("<div").count(), html.matches("</div>").count());
        assert!(html.contains("<col style=\"width:21.00%\"><col style=\"width:29.00%\">"));
        assert!(html.contains("<td class=\"space\">d</td>"));
    }

    #[test]
    fn a_total_row_is_marked_and_the_sign_off_escapes_its_names() {
        let rows = vec![vec!["洪都".to_string(), "3".to_string()]];
        let mut plain = Doc::new(Sheet::A4Landscape, "x", Lang::ZhCn);
        plain.list(&["社区", "人数"], &rows, &[1]);
        let mut none = Doc::new(Sheet::A4Landscape, "x", Lang::ZhCn);
        none.list_with_total(&["社区", "人数"], &rows, None, &[1]);
        assert_eq!(plain.finish(), none.finish(), "no total: the plain list");
        let total = vec!["合计".to_string(), "3".to_string()];
        let mut d = Doc::new(Sheet::A4Landscape, "x", Lang::ZhCn);
        d.list_with_total(&["社区", "人数"], &rows, Some(&total), &[1])
            .sign_off(&[vec![("单位：", "<b>某单位</b>"), ("电话：", " ")]]);
        let html = d.finish();
        assert!(html.contains(
            "<td class=\"num\">3</td></tr>\n<tr class=\"total\"><td>合计</td><td class=\"num\">3</td></tr>\n</tbody>"
        ));
        assert!(html.contains("单位：<span class=\"fill\">&lt;b&gt;某单位&lt;/b&gt;</span>"));
        assert!(html.contains("电话：<span class=\"fill blank\"></span>"));
        assert!(!html.contains("<b>"));
    }
}
