//! The `jiuzhu` binary: error reports installed first, then the command line.

fn main() {
    // Installed before any terminal set-up, so a panic report never lands on a raw-mode screen.
    let _ = color_eyre::install();
    std::process::exit(jiuzhu::cli::run());
}
