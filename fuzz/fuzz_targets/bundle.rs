#![no_main]
//! Fuzzes `jiuzhu::fuzzing::bundle` (see that function for the invariants checked).

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    jiuzhu::fuzzing::bundle(data);
});
