//! Fault points for the kill tests: in a debug build, `JIUZHU_FAULT_PAUSE=<point>:<n>` makes the
//! process announce `JIUZHU_PAUSED` on stderr when it reaches that point and wait there, so a
//! test can SIGKILL it at an exact place in the work. Release builds have no fault points.

/// Waits at `point` number `n` when the environment asks for it (debug builds only).
#[cfg(debug_assertions)]
pub fn pause_at(point: &str, n: u64) {
    use std::io::BufRead;
    let Ok(wanted) = std::env::var("JIUZHU_FAULT_PAUSE") else {
        return;
    };
    if wanted == format!("{point}:{n}") {
        eprintln!("JIUZHU_PAUSED");
        // Blocks until the test kills the process (or closes stdin).
        let mut line = String::new();
        let _ = std::io::stdin().lock().read_line(&mut line);
    }
}

/// Release builds: nothing.
#[cfg(not(debug_assertions))]
pub fn pause_at(_point: &str, _n: u64) {}
