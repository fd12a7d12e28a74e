//! An `.xlsx` workbook is a zip archive whose parts the workbook reader inflates into memory.
//! A file of a few megabytes can inflate to gigabytes (a zip bomb), so before the reader sees
//! it every part is inflated once into nothing, counting, and a workbook that grows past the
//! cap is refused. Memory stays flat; the cost is one pass of decompression.

use std::io::{Cursor, Read};

/// Most a roster workbook may inflate to: a monthly list is well under a megabyte.
pub const MAX_EXPANDED: u64 = 200 * 1024 * 1024;

/// True unless `bytes` is a zip archive whose parts together inflate past `cap` bytes. An
/// archive that cannot be read is left to the workbook reader to refuse.
pub fn within(bytes: &[u8], cap: u64) -> bool {
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return true;
    };
    let mut total = 0u64;
    for i in 0..archive.len() {
        let Ok(mut part) = archive.by_index(i) else {
            return true;
        };
        let room = cap.saturating_sub(total).saturating_add(1);
        match std::io::copy(&mut (&mut part).take(room), &mut std::io::sink()) {
            Ok(n) => total = total.saturating_add(n),
            Err(_) => return true,
        }
        if total > cap {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zipped(parts: &[(&str, usize)]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, len) in parts {
            w.start_file(*name, opts).unwrap();
            w.write_all(&vec![0u8; *len]).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn a_workbook_that_inflates_past_the_cap_is_refused() {
        let small = zipped(&[("a.xml", 500), ("b.xml", 400)]);
        assert!(within(&small, 1000));
        let bomb = zipped(&[("a.xml", 600), ("b.xml", 600)]);
        assert!(bomb.len() < 1000, "compresses well");
        assert!(!within(&bomb, 1000), "together past the cap");
        assert!(within(b"PK\x03\x04 not really a zip", 1000));
    }

    #[test]
    fn the_fixture_workbook_passes() {
        let xlsx = include_bytes!("../../../fixtures/roster/monthly.xlsx");
        assert!(within(xlsx, MAX_EXPANDED));
    }
}
