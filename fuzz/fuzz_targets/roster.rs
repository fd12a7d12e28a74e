#![no_main]
//! Fuzzes `jiuzhu::fuzzing::roster` (see that function for the invariants checked).

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    jiuzhu::fuzzing::roster(data);
});
