//! A structural check of an OLE compound file (a legacy `.xls`) before the workbook reader sees
//! it: every sector chain of the file allocation table must end. The reader follows chains
//! without looking for loops, so a damaged or hostile file whose chain loops makes it allocate
//! until the process dies — one 6 KB file found by fuzzing asked for 4 GiB. Walking the table
//! once here, in time and memory proportional to the file, refuses such a file instead.

/// Marks the end of a chain.
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
/// First of the special values (free, end of chain, FAT and DIFAT sectors) that end a walk.
const MAX_REGULAR: u32 = 0xFFFF_FFFA;
/// Header entries listing FAT sectors.
const HEADER_DIFAT: usize = 109;

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// True when `bytes` is a compound file whose allocation chains all end inside the file.
pub fn chains_end(bytes: &[u8]) -> bool {
    check(bytes).is_some()
}

fn check(bytes: &[u8]) -> Option<()> {
    let shift = u16_at(bytes, 0x1E)?;
    if shift != 9 && shift != 12 {
        return None;
    }
    let size = 1usize << shift;
    let sectors = (bytes.len() / size).saturating_sub(1);
    let sector = |id: u32| -> Option<&[u8]> {
        let start = (id as usize).checked_add(1)?.checked_mul(size)?;
        bytes.get(start..start.checked_add(size)?)
    };
    // The FAT's own sectors: listed in the header, then in a chain of DIFAT sectors whose last
    // entry names the next one. That chain is bounded by the number of sectors.
    let mut fat_sectors: Vec<u32> = (0..HEADER_DIFAT)
        .filter_map(|i| u32_at(bytes, 0x4C + 4 * i))
        .filter(|id| *id <= MAX_REGULAR)
        .collect();
    let mut next = u32_at(bytes, 0x44)?;
    let mut hops = 0;
    while next <= MAX_REGULAR {
        hops += 1;
        if hops > sectors {
            return None;
        }
        let s = sector(next)?;
        let entries = size / 4;
        for i in 0..entries - 1 {
            let id = u32_at(s, 4 * i)?;
            if id <= MAX_REGULAR {
                fat_sectors.push(id);
            }
        }
        next = u32_at(s, 4 * (entries - 1))?;
    }
    if fat_sectors.len() > sectors {
        return None;
    }
    let mut fat = Vec::with_capacity(fat_sectors.len() * size / 4);
    for id in fat_sectors {
        let s = sector(id)?;
        fat.extend((0..size / 4).filter_map(|i| u32_at(s, 4 * i)));
    }
    // Every chain must reach an end: colour each entry 0 (unseen), 1 (on the walk now),
    // 2 (known to end); meeting a 1 again is a loop.
    let mut state = vec![0u8; fat.len()];
    let mut path = Vec::new();
    for start in 0..fat.len() {
        let mut at = start;
        while at < fat.len() && state[at] == 0 {
            state[at] = 1;
            path.push(at);
            let next = fat[at];
            if next > MAX_REGULAR || next == END_OF_CHAIN {
                break;
            }
            at = next as usize;
            if at >= fat.len() {
                // A chain into sectors the table does not describe: the reader would fail on
                // it anyway, so it is not a loop; the file stays the reader's to refuse.
                break;
            }
            if state[at] == 1 {
                return None;
            }
        }
        for p in path.drain(..) {
            state[p] = 2;
        }
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 512-byte-sector compound file: header, one FAT sector (sector 0) holding `fat`.
    fn file(fat: &[u32]) -> Vec<u8> {
        let mut b = vec![0u8; 512 * 3];
        b[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
        b[0x1E..0x20].copy_from_slice(&9u16.to_le_bytes());
        b[0x44..0x48].copy_from_slice(&END_OF_CHAIN.to_le_bytes());
        for i in 0..HEADER_DIFAT {
            b[0x4C + 4 * i..0x50 + 4 * i].copy_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
        }
        b[0x4C..0x50].copy_from_slice(&0u32.to_le_bytes());
        for (i, v) in fat.iter().enumerate() {
            b[512 + 4 * i..512 + 4 * i + 4].copy_from_slice(&v.to_le_bytes());
        }
        for i in fat.len()..128 {
            b[512 + 4 * i..512 + 4 * i + 4].copy_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
        }
        b
    }

    #[test]
    fn chains_that_end_pass_and_loops_are_refused() {
        assert!(chains_end(&file(&[0xFFFF_FFFD, 2, END_OF_CHAIN])));
        assert!(!chains_end(&file(&[0xFFFF_FFFD, 2, 1])), "1 → 2 → 1");
        assert!(
            !chains_end(&file(&[0xFFFF_FFFD, 1])),
            "a sector pointing at itself"
        );
        assert!(!chains_end(b"\xD0\xCF\x11\xE0"), "cut short");
    }

    #[test]
    fn the_fixture_workbook_passes() {
        let xls = include_bytes!("../../../fixtures/roster/monthly.xls");
        assert!(chains_end(xls));
    }
}
