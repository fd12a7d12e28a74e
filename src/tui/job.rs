//! Long work on a background thread: it reports progress, can be cancelled (the work then
//! keeps nothing), and ends with a message for the user.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::sync::Arc;

enum Msg {
    Progress(u64, u64),
    Done(Result<String, String>),
}

/// Reports progress from the work; returns false once the user asked to cancel.
pub type Progress<'a> = &'a dyn Fn(u64, u64) -> bool;

/// A running piece of long work.
pub struct Job {
    /// What it is, for the progress box.
    pub title: String,
    rx: Receiver<Msg>,
    cancel: Arc<AtomicBool>,
    /// Done so far.
    pub done: u64,
    /// Of how much.
    pub total: u64,
}

impl Job {
    /// Starts `work` on its own thread; it gets a progress function to call now and then.
    pub fn spawn(
        title: String,
        work: impl FnOnce(Progress<'_>) -> Result<String, String> + Send + 'static,
    ) -> Job {
        let (tx, rx) = mpsc::channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&cancel);
        std::thread::spawn(move || {
            let report = |done: u64, total: u64| {
                let _ = tx.send(Msg::Progress(done, total));
                !flag.load(Ordering::Relaxed)
            };
            let result = work(&report);
            let _ = tx.send(Msg::Done(result));
        });
        Job {
            title,
            rx,
            cancel,
            done: 0,
            total: 0,
        }
    }

    /// Asks the work to stop.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// True once cancelling was asked for.
    pub fn cancelling(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    /// Takes the progress reported so far; the outcome once the work ended.
    pub fn poll(&mut self) -> Option<Result<String, String>> {
        loop {
            match self.rx.try_recv() {
                Ok(Msg::Progress(d, t)) => {
                    self.done = d;
                    self.total = t;
                }
                Ok(Msg::Done(r)) => return Some(r),
                Err(TryRecvError::Empty) => return None,
                Err(TryRecvError::Disconnected) => return Some(Err(String::new())),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn wait(job: &mut Job) -> Result<String, String> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(r) = job.poll() {
                return r;
            }
            assert!(Instant::now() < deadline, "job never ended");
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    #[test]
    fn work_reports_progress_and_ends() {
        let mut job = Job::spawn("t".into(), |progress| {
            for i in 0..=10 {
                progress(i, 10);
            }
            Ok("done".into())
        });
        assert_eq!(wait(&mut job), Ok("done".to_string()));
        assert_eq!((job.done, job.total), (10, 10));
    }

    #[test]
    fn cancelling_stops_the_work() {
        let mut job = Job::spawn("t".into(), |progress| {
            // Runs until told to stop (bounded, so a broken cancel fails instead of hanging).
            for i in 0..u64::MAX {
                if !progress(i, u64::MAX) {
                    return Err("cancelled".into());
                }
                if i > 50_000_000 {
                    break;
                }
            }
            Ok("ran out".into())
        });
        job.cancel();
        assert!(job.cancelling());
        assert_eq!(wait(&mut job), Err("cancelled".to_string()));
    }
}
