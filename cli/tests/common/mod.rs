//! What the CLI's test files share: running the program, the repository's data.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn data(name: &str) -> String {
    root()
        .join("examples/data")
        .join(name)
        .display()
        .to_string()
}

/// Runs `fengqiao` with `args`, colours off.
pub fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fengqiao"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the program runs")
}
