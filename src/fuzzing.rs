//! Entry points shared by the fuzz targets (`fuzz/`) and the test that replays their corpus and
//! every crash ever found (`tests/fuzz_corpus.rs`), so CI needs no fuzzer. Each takes arbitrary
//! bytes and panics only when an invariant breaks.

use chrono::NaiveDate;

use crate::app::roster::read::sheets_of;
use crate::domain::id_number::IdNumber;
use crate::domain::org::OrgTree;
use crate::domain::roster;

/// The day every fuzz run is checked against (a fixed clock).
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap_or_default()
}

/// The ID parser: any text is accepted or refused, never a panic; an accepted number is
/// 18 characters with a valid check digit and parses again to itself.
pub fn id_number(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(id) = IdNumber::parse(&text, today()) {
        let s = id.as_str();
        assert_eq!(s.len(), 18, "{s}");
        assert_eq!(
            IdNumber::parse(s, today()).map(|again| again.as_str().to_string()),
            Ok(s.to_string())
        );
        assert!(id.masked().len() == 18);
    }
}

/// The roster reader and parser: any bytes are read as a workbook or text and parsed against
/// the demo district, or refused with a reason, never a panic; every row reported keeps a line
/// number inside the file.
pub fn roster(data: &[u8]) {
    let Ok(sheets) = sheets_of(data) else {
        return;
    };
    let tree = OrgTree::demo();
    for sheet in sheets {
        let max_line = sheet.rows.iter().map(|r| r.line).max().unwrap_or(0);
        if let Ok(parsed) = roster::parse(&sheet.rows, sheet.origin, &tree, today()) {
            let lines = parsed
                .entries
                .iter()
                .map(|e| e.line)
                .chain(parsed.refused.iter().map(|r| r.line));
            for line in lines {
                assert!(
                    line <= max_line,
                    "line {line} beyond the sheet's {max_line}"
                );
            }
        }
    }
}

/// The bundle reader's parsing of untrusted bytes: the container (members, headers, padding,
/// size caps), the signature member, the manifest and the payload's frames. Any bytes are
/// refused with a reason or accepted, never a panic or an allocation beyond the caps; an
/// accepted container's payload lies inside the file.
pub fn bundle(data: &[u8]) {
    use crate::sync::format::{self, Manifest, SignatureMember};
    use crate::sync::payload::{FrameReader, MAX_BLOB_FRAME};
    let len = data.len() as u64;
    if let Ok(opened) = format::open_from(std::io::Cursor::new(data), len) {
        assert!(opened.payload_offset + opened.payload_size <= len);
        assert!(opened.manifest_bytes.len() as u64 <= format::MAX_MANIFEST);
        let _ = Manifest::parse(&opened.manifest_bytes);
    }
    let _ = Manifest::parse(data);
    let _ = SignatureMember::parse(data);
    let mut frames = FrameReader::new(data);
    let mut read = 0usize;
    while let Ok(Some(frame)) = frames.next_frame() {
        if let crate::sync::payload::Frame::Blob { bytes, .. } = &frame {
            assert!(bytes.len() as u64 <= u64::from(MAX_BLOB_FRAME));
        }
        read += 1;
        assert!(read <= data.len(), "every frame takes at least five bytes");
    }
}
