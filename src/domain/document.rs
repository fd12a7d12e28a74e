//! 一人一档: the documents filed in a person's archive — scans of papers (身份证, 户口本 …) and
//! the two forms the program generates — and what a scan file may be.

use super::record::RecordMeta;

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
    /// The scan's file name as it was chosen (shown, and used when exporting).
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
