//! Opening a file with the system's viewer — only where one can show it: a Windows or macOS
//! desktop, or a Linux desktop session. Over SSH the file is on the server, so nothing is
//! started and the caller shows the path for SFTP instead.

use std::path::Path;
use std::process::{Command, Stdio};

/// True when a viewer started on this machine would appear in front of the user.
pub fn available() -> bool {
    let var = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
    if var("SSH_CONNECTION") || var("SSH_TTY") {
        return false;
    }
    if cfg!(any(windows, target_os = "macos")) {
        return true;
    }
    var("DISPLAY") || var("WAYLAND_DISPLAY")
}

/// Starts the system's viewer on `path` without waiting for it; false when there is none
/// here or it could not be started.
pub fn open(path: &Path) -> bool {
    if !available() {
        return false;
    }
    let mut cmd = if cfg!(windows) {
        let mut c = Command::new("explorer");
        c.arg(path);
        c
    } else if cfg!(target_os = "macos") {
        let mut c = Command::new("open");
        c.arg(path);
        c
    } else {
        let mut c = Command::new("xdg-open");
        c.arg(path);
        c
    };
    // The viewer must not draw on or read from our terminal.
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .is_ok()
}
