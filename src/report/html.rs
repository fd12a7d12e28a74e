//! A small builder for printable HTML: A4 forms with ruled tables, as a Chinese office files
//! them. Every piece of text passes through [`escape`], so names and notes cannot inject markup
//! or scripts; the pages carry no script at all and load nothing from elsewhere.

use std::fmt::Write as _;

/// The sheet a document is laid out for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sheet {
    /// A4 upright (forms, cards).
    A4Portrait,
    /// A4 on its side (wide lists).
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

/// One table cell: text, and how many columns it spans.
#[derive(Debug, Clone)]
pub struct Cell {
    text: String,
    span: usize,
    head: bool,
}

impl Cell {
    /// A data cell.
    pub fn data(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            span: 1,
            head: false,
        }
    }

    /// A label cell (shaded, bold).
    pub fn label(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            span: 1,
            head: true,
        }
    }

    /// The same cell spanning `n` columns.
    pub fn span(mut self, n: usize) -> Cell {
        self.span = n.max(1);
        self
    }
}

/// A printable document under construction.
pub struct Doc {
    sheet: Sheet,
    title: String,
    body: String,
    extra_css: &'static str,
}

const BASE_CSS: &str = r#"
*{box-sizing:border-box}
body{margin:0;color:#000;background:#fff;font-family:"SimSun","宋体","Songti SC","Noto Serif CJK SC","Source Han Serif SC",serif;font-size:11pt;line-height:1.45}
h1{font-size:18pt;text-align:center;margin:0 0 4mm;letter-spacing:2pt;font-family:"SimHei","黑体","Heiti SC","Noto Sans CJK SC",sans-serif}
h2{font-size:12pt;margin:5mm 0 2mm;font-family:"SimHei","黑体","Heiti SC","Noto Sans CJK SC",sans-serif}
p{margin:1.5mm 0}
.meta{display:flex;justify-content:space-between;margin:0 0 2mm;font-size:10.5pt}
table{width:100%;border-collapse:collapse;margin:0 0 3mm;page-break-inside:auto}
tr{page-break-inside:avoid}
th,td{border:0.8pt solid #000;padding:1.6mm 2mm;vertical-align:top;text-align:left;word-break:break-all}
th{background:#f2f2f2;font-weight:bold;white-space:nowrap}
thead th{text-align:center}
td.num{text-align:right;white-space:nowrap}
.sign{display:flex;gap:6mm;margin-top:6mm;page-break-inside:avoid}
.sign>div{flex:1;border:0.8pt solid #000;min-height:30mm;padding:2mm}
.sign .date{margin-top:16mm;text-align:right}
.note{font-size:9.5pt;color:#222}
.foot{margin-top:4mm;font-size:9pt;color:#444;text-align:right}
@media screen{body{background:#ddd}.page{background:#fff;margin:8mm auto;box-shadow:0 0 3mm #888}}
"#;

impl Doc {
    /// A new document with `title` (the page's and the browser tab's) on `sheet`.
    pub fn new(sheet: Sheet, title: &str) -> Doc {
        Doc {
            sheet,
            title: title.to_string(),
            body: String::new(),
            extra_css: "",
        }
    }

    /// Adds CSS of a special layout (the compact card).
    pub fn with_css(mut self, css: &'static str) -> Doc {
        self.extra_css = css;
        self
    }

    /// The centred heading.
    pub fn heading(&mut self, text: &str) -> &mut Doc {
        let _ = writeln!(self.body, "<h1>{}</h1>", escape(text));
        self
    }

    /// A section heading.
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

    /// A grid of label/value rows, as the top of a form.
    pub fn grid(&mut self, rows: &[Vec<Cell>]) -> &mut Doc {
        self.body.push_str("<table>\n");
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

    /// A list with a header row; columns in `numeric` are right-aligned.
    pub fn list(&mut self, headers: &[&str], rows: &[Vec<String>], numeric: &[usize]) -> &mut Doc {
        self.body.push_str("<table>\n<thead><tr>");
        for h in headers {
            let _ = write!(self.body, "<th>{}</th>", escape(h));
        }
        self.body.push_str("</tr></thead>\n<tbody>\n");
        for row in rows {
            self.body.push_str("<tr>");
            for (i, v) in row.iter().enumerate() {
                if numeric.contains(&i) {
                    let _ = write!(self.body, "<td class=\"num\">{}</td>", escape(v));
                } else {
                    let _ = write!(self.body, "<td>{}</td>", escape(v));
                }
            }
            self.body.push_str("</tr>\n");
        }
        self.body.push_str("</tbody>\n</table>\n");
        self
    }

    /// Boxes for signatures and seals, each with its caption and a date line.
    pub fn signatures(&mut self, captions: &[&str], date_line: &str) -> &mut Doc {
        self.body.push_str("<div class=\"sign\">");
        for c in captions {
            let _ = write!(
                self.body,
                "<div>{}<div class=\"date\">{}</div></div>",
                escape(c),
                escape(date_line)
            );
        }
        self.body.push_str("</div>\n");
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
        let (size, width, margin) = match self.sheet {
            Sheet::A4Portrait => ("A4 portrait", "210mm", "15mm 14mm"),
            Sheet::A4Landscape => ("A4 landscape", "297mm", "12mm 12mm"),
        };
        format!(
            "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
             <title>{title}</title>\n<style>\n@page{{size:{size};margin:{margin}}}\n{BASE_CSS}\
             .page{{width:{width};padding:{margin}}}\n@media print{{.page{{width:auto;padding:0}}}}\n{extra}\n</style>\n\
             </head>\n<body>\n<div class=\"page\">\n{body}</div>\n</body>\n</html>\n",
            title = escape(&self.title),
            extra = self.extra_css,
            body = self.body,
        )
    }
}

fn push_cell(out: &mut String, c: &Cell) {
    let tag = if c.head { "th" } else { "td" };
    if c.span > 1 {
        let _ = write!(
            out,
            "<{tag} colspan=\"{}\">{}</{tag}>",
            c.span,
            escape(&c.text)
        );
    } else {
        let _ = write!(out, "<{tag}>{}</{tag}>", escape(&c.text));
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
        let mut d = Doc::new(Sheet::A4Portrait, "<b>");
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
        let html = Doc::new(Sheet::A4Landscape, "x").finish();
        assert!(html.contains("@page{size:A4 landscape"));
        let html = Doc::new(Sheet::A4Portrait, "x").finish();
        assert!(html.contains("@page{size:A4 portrait"));
    }
}
