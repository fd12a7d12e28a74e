//! 一人一档: the documents filed in a person's archive — scans of papers (身份证, 户口本 …) and
//! the two forms the program generates — and what a scan file may be.

use super::record::RecordMeta;
use super::validation::{Field, Reason, ValidationError};

/// Largest scan accepted: a phone photo or a multi-page PDF of one paper fits easily.
pub const MAX_BYTES: u64 = 10 * 1024 * 1024;

/// The two document kinds the program can generate from the records.
pub const GENERATED: [&str; 2] = ["needs_form", "service_form"];

/// A document filed in a person's archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Identity and version.
    pub meta: RecordMeta,
    /// The person.
    pub person_id: String,
    /// Catalogue `document_kind` code.
    pub kind: String,
    /// The scan's file name as it was chosen, with its format's extension (shown, and the
    /// stem of the exported file's name).
    pub file_name: String,
    /// Size in bytes.
    pub size: i64,
    /// SHA-256 of the content, hex: the key of the stored bytes.
    pub sha256: String,
    /// Who filed it.
    pub added_by: String,
    /// When it was withdrawn (a wrong scan), RFC 3339.
    pub withdrawn_at: Option<String>,
    /// Why.
    pub withdraw_reason: Option<String>,
}

/// 不适用: a document of the checklist that does not apply to a person (no 残疾证 for a person
/// with no disability), with the reason. It counts as complete; withdrawn, never deleted,
/// when wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentWaiver {
    /// Identity and version.
    pub meta: RecordMeta,
    /// The person.
    pub person_id: String,
    /// Catalogue `document_kind` code.
    pub kind: String,
    /// Why it does not apply.
    pub reason: String,
    /// Who recorded it.
    pub recorded_by: String,
    /// When it was withdrawn, RFC 3339.
    pub withdrawn_at: Option<String>,
    /// Why.
    pub withdraw_reason: Option<String>,
}

/// The formats of a scan, known by their first bytes rather than their names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanFormat {
    Pdf,
    Jpeg,
    Png,
    Tiff,
    /// OFD, China's fixed-layout document format (a zip container).
    Ofd,
}

impl ScanFormat {
    /// The format of `head` (the first bytes of a file), if it is one a scan may have.
    pub fn sniff(head: &[u8], file_name: &str) -> Option<ScanFormat> {
        let ext = file_name
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        if head.starts_with(b"%PDF-") {
            Some(ScanFormat::Pdf)
        } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(ScanFormat::Jpeg)
        } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(ScanFormat::Png)
        } else if head.starts_with(b"II*\0") || head.starts_with(b"MM\0*") {
            Some(ScanFormat::Tiff)
        } else if head.starts_with(b"PK\x03\x04") && ext == "ofd" {
            Some(ScanFormat::Ofd)
        } else {
            None
        }
    }
}

impl ScanFormat {
    /// The format's name as people know it ("PDF", "JPG" …), the same in every language.
    pub fn label(self) -> &'static str {
        match self {
            ScanFormat::Pdf => "PDF",
            ScanFormat::Jpeg => "JPG",
            ScanFormat::Png => "PNG",
            ScanFormat::Tiff => "TIF",
            ScanFormat::Ofd => "OFD",
        }
    }

    /// The extension files of this format are stored and exported under.
    pub fn extension(self) -> &'static str {
        match self {
            ScanFormat::Pdf => "pdf",
            ScanFormat::Jpeg => "jpg",
            ScanFormat::Png => "png",
            ScanFormat::Tiff => "tif",
            ScanFormat::Ofd => "ofd",
        }
    }

    /// True when `ext` (without the dot, any case) is a usual name of this format's files.
    fn is_named_by(self, ext: &str) -> bool {
        let ext = ext.to_ascii_lowercase();
        match self {
            ScanFormat::Jpeg => ext == "jpg" || ext == "jpeg",
            ScanFormat::Tiff => ext == "tif" || ext == "tiff",
            other => ext == other.extension(),
        }
    }

    /// `file_name` with this format's extension in place of its own (or added, when it has
    /// none): the name a file of this content is written under, whatever it was called.
    pub fn named(self, file_name: &str) -> String {
        let stem = split_extension(file_name).map_or(file_name, |(stem, _)| stem);
        clean_file_name(&format!("{stem}.{}", self.extension()))
    }
}

/// The stem and extension of `name`, when what follows its last dot reads as an extension:
/// up to ten ASCII letters and digits with at least one letter (so `扫描 2026.11` has none).
fn split_extension(name: &str) -> Option<(&str, &str)> {
    let (stem, ext) = name.rsplit_once('.')?;
    let shaped = !stem.is_empty()
        && (1..=10).contains(&ext.len())
        && ext.chars().all(|c| c.is_ascii_alphanumeric())
        && ext.chars().any(|c| c.is_ascii_alphabetic());
    shaped.then_some((stem, ext))
}

/// The name a scan whose content is of format `detected` is stored under: `file_name`
/// cleaned (see [`clean_file_name`]), ending in the format's own extension. A name whose
/// extension names some other kind of file is refused, naming both: exported under it, a
/// PDF called `scan.html` would be handed to a browser, and on Windows a `.bat` or `.hta`
/// would run. A name without an extension gets the format's.
pub fn stored_name(file_name: &str, detected: ScanFormat) -> Result<String, ValidationError> {
    let cleaned = clean_file_name(file_name);
    if cleaned.is_empty() {
        return Err(ValidationError::new(Field::File, Reason::Required));
    }
    match split_extension(&cleaned) {
        Some((_, ext)) if !detected.is_named_by(ext) => Err(ValidationError::new(
            Field::File,
            Reason::ExtensionMismatch {
                content: detected.label(),
                extension: ext.to_string(),
            },
        )),
        _ => Ok(detected.named(&cleaned)),
    }
}

/// A file name safe to show and to write: the last path component, without control
/// characters or path separators, at most 80 characters.
pub fn clean_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| {
            if matches!(c, ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.');
    let count = trimmed.chars().count();
    if count <= 80 {
        return trimmed.to_string();
    }
    // Keep the extension when shortening.
    match trimmed.rsplit_once('.') {
        Some((stem, ext)) if ext.chars().count() <= 8 => {
            let keep = 80 - ext.chars().count() - 1;
            format!("{}.{ext}", stem.chars().take(keep).collect::<String>())
        }
        _ => trimmed.chars().take(80).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_are_known_by_their_first_bytes() {
        assert_eq!(
            ScanFormat::sniff(b"%PDF-1.7\n", "a.pdf"),
            Some(ScanFormat::Pdf)
        );
        assert_eq!(
            ScanFormat::sniff(&[0xFF, 0xD8, 0xFF, 0xE0], "x.bin"),
            Some(ScanFormat::Jpeg),
            "the content decides, not the name"
        );
        assert_eq!(
            ScanFormat::sniff(b"\x89PNG\r\n\x1a\n..", "a.png"),
            Some(ScanFormat::Png)
        );
        assert_eq!(ScanFormat::sniff(b"II*\0", "a.tif"), Some(ScanFormat::Tiff));
        assert_eq!(
            ScanFormat::sniff(b"PK\x03\x04", "a.OFD"),
            Some(ScanFormat::Ofd)
        );
        assert_eq!(ScanFormat::sniff(b"PK\x03\x04", "a.docx"), None);
        assert_eq!(
            ScanFormat::sniff(b"MZ\x90\0", "scan.pdf"),
            None,
            "a program named .pdf"
        );
    }

    #[test]
    fn a_scan_is_stored_under_its_formats_extension() {
        assert_eq!(
            stored_name("C:\\扫描\\户口本.PDF", ScanFormat::Pdf).unwrap(),
            "户口本.pdf"
        );
        assert_eq!(
            stored_name("照片.JPEG", ScanFormat::Jpeg).unwrap(),
            "照片.jpg"
        );
        assert_eq!(stored_name("a.tiff", ScanFormat::Tiff).unwrap(), "a.tif");
        assert_eq!(
            stored_name("残疾证", ScanFormat::Png).unwrap(),
            "残疾证.png"
        );
        assert_eq!(
            stored_name("扫描 2026.11", ScanFormat::Pdf).unwrap(),
            "扫描 2026.11.pdf",
            "digits after a dot are not an extension"
        );
        for (name, ext) in [
            ("scan.html", "html"),
            ("a.pdf.bat", "bat"),
            ("b.HTA", "HTA"),
        ] {
            assert_eq!(
                stored_name(name, ScanFormat::Pdf).unwrap_err(),
                ValidationError::new(
                    Field::File,
                    Reason::ExtensionMismatch {
                        content: "PDF",
                        extension: ext.into()
                    }
                ),
                "{name}"
            );
        }
        assert_eq!(
            stored_name("x.jpg", ScanFormat::Png).unwrap_err().reason,
            Reason::ExtensionMismatch {
                content: "PNG",
                extension: "jpg".into()
            }
        );
        assert_eq!(
            stored_name("/tmp/", ScanFormat::Pdf).unwrap_err().reason,
            Reason::Required
        );
        // A name ending in a dot or a space (which Windows drops) still ends in the format's.
        assert_eq!(
            stored_name("a.html.", ScanFormat::Pdf).unwrap(),
            "a.html..pdf"
        );
        let long = format!("{}.pdf", "长".repeat(100));
        let kept = stored_name(&long, ScanFormat::Pdf).unwrap();
        assert_eq!(kept.chars().count(), 80);
        assert!(kept.ends_with(".pdf"));
    }

    #[test]
    fn an_export_name_takes_the_contents_extension() {
        assert_eq!(ScanFormat::Pdf.named("残疾证.html"), "残疾证.pdf");
        assert_eq!(ScanFormat::Pdf.named("P1_残疾证.hta"), "P1_残疾证.pdf");
        assert_eq!(ScanFormat::Ofd.named("P1_证明"), "P1_证明.ofd");
    }

    #[test]
    fn file_names_lose_paths_and_control_characters() {
        assert_eq!(clean_file_name("/home/a/身份证.jpg"), "身份证.jpg");
        assert_eq!(clean_file_name("C:\\扫描\\户口本.pdf"), "户口本.pdf");
        assert_eq!(clean_file_name("a\u{1b}[31mb.png"), "a[31mb.png");
        assert_eq!(clean_file_name("..hidden.pdf"), "hidden.pdf");
        let long = format!("{}.pdf", "长".repeat(100));
        let c = clean_file_name(&long);
        assert_eq!(c.chars().count(), 80);
        assert!(c.ends_with(".pdf"));
    }
}
