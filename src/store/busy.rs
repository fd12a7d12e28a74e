//! Waiting for another writer. SQLite calls the busy handler while another connection holds
//! the write lock; it waits in short steps up to the busy timeout, and once the wait passes
//! the notice threshold it tells an injected notifier (the TUI shows "waiting for another
//! user's save"), so a shared-server user never faces a silent freeze.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::RwLock;
use std::time::Duration;

/// How long one waiting step sleeps.
const STEP: Duration = Duration::from_millis(20);

static TIMEOUT_MS: AtomicU64 = AtomicU64::new(30_000);
static NOTICE_AFTER_MS: AtomicU64 = AtomicU64::new(1_000);
static NOTIFIER: RwLock<Option<fn(Duration)>> = RwLock::new(None);

/// Sets how long a statement waits for another writer before giving up.
pub fn set_timeout(timeout: Duration) {
    TIMEOUT_MS.store(timeout.as_millis() as u64, Ordering::Relaxed);
}

/// Installs the function told about a long wait, and after how long it is told.
pub fn set_notifier(notify: fn(Duration), after: Duration) {
    NOTICE_AFTER_MS.store(after.as_millis() as u64, Ordering::Relaxed);
    if let Ok(mut n) = NOTIFIER.write() {
        *n = Some(notify);
    }
}

/// The busy handler given to every connection: `count` is how often it was called for this
/// wait. Returns false to give up (the statement then fails as busy).
pub(crate) fn handler(count: i32) -> bool {
    let waited = STEP * count.max(0) as u32;
    if waited.as_millis() as u64 >= TIMEOUT_MS.load(Ordering::Relaxed) {
        return false;
    }
    if waited.as_millis() as u64 >= NOTICE_AFTER_MS.load(Ordering::Relaxed) {
        if let Ok(n) = NOTIFIER.read() {
            if let Some(notify) = *n {
                notify(waited);
            }
        }
    }
    std::thread::sleep(STEP);
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{OpenOptions, Store, StoreError};
    use std::sync::atomic::AtomicUsize;

    static TOLD: AtomicUsize = AtomicUsize::new(0);

    fn count_notice(_: Duration) {
        TOLD.fetch_add(1, Ordering::Relaxed);
    }

    #[test]
    fn a_long_wait_is_told_then_given_up() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.db");
        let mut store = Store::open(
            &path,
            &OpenOptions {
                create: true,
                busy_timeout: Duration::from_millis(400),
                ..OpenOptions::default()
            },
        )
        .unwrap();
        let other = rusqlite::Connection::open(&path).unwrap();
        other.execute_batch("BEGIN IMMEDIATE").unwrap();
        set_notifier(count_notice, Duration::from_millis(100));
        let r = store.write_local(|tx| {
            tx.execute_batch("INSERT INTO counters(name, value) VALUES ('x', 1)")
                .map_err(StoreError::from)
        });
        assert!(matches!(r, Err(StoreError::Busy)), "{r:?}");
        assert!(
            TOLD.load(Ordering::Relaxed) > 0,
            "the notifier heard of the wait"
        );
        other.execute_batch("ROLLBACK").unwrap();
        store
            .write_local(|tx| {
                tx.execute_batch("INSERT INTO counters(name, value) VALUES ('x', 1)")
                    .map_err(StoreError::from)
            })
            .unwrap();
        set_timeout(Duration::from_secs(30));
    }
}
