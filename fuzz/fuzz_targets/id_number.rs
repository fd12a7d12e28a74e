#![no_main]
//! Fuzzes `jiuzhu::fuzzing::id_number` (see that function for the invariants checked).

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    jiuzhu::fuzzing::id_number(data);
});
