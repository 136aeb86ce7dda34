//! `cargo xtask test`'s runner: named steps, each timed, a summary at the end.

use anyhow::{Result, bail};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// The body of a test-suite step, given the workspace root.
pub type StepFn = Box<dyn Fn(&Path) -> Result<()>>;

/// A named step of the test suite.
pub struct Step {
    /// A short name for `cargo xtask test --step` (`clippy`, `npm`).
    pub id: &'static str,
    /// What the step checks.
    pub name: &'static str,
    /// The step itself.
    pub run: StepFn,
}

/// Runs every step in order, printing a header and the time each took, then a summary. A failed
/// step does not stop the others (one formatting slip should not hide a test result); the run
/// fails if any step failed.
pub fn run_steps(root: &Path, steps: Vec<Step>) -> Result<()> {
    let started = Instant::now();
    let mut lines = Vec::new();
    let mut failed = Vec::new();
    for step in steps {
        println!("\n==> [{}] {}{}", step.id, step.name, disk_free(root));
        let t = Instant::now();
        let result = (step.run)(root);
        let secs = t.elapsed().as_secs_f64();
        match result {
            Ok(()) => lines.push(format!("  ok    {:>7.1}s  {}", secs, step.name)),
            Err(e) => {
                // A full disk makes unrelated steps fail at once; say so beside the failure.
                println!("step failed: {}: {e:#}{}", step.name, disk_free(root));
                lines.push(format!("  FAIL  {:>7.1}s  {}", secs, step.name));
                failed.push(step.name);
            }
        }
    }
    println!("\nsummary:");
    for line in &lines {
        println!("{line}");
    }
    println!(
        "{} step(s) in {:.1}s",
        lines.len(),
        started.elapsed().as_secs_f64()
    );
    if !failed.is_empty() {
        bail!("{} step(s) failed: {}", failed.len(), failed.join("; "));
    }
    println!("all steps passed");
    Ok(())
}

/// `" (disk: N GiB free)"` for the file system holding `root`, from POSIX `df -Pk`; empty where
/// `df` is missing or answers something else.
fn disk_free(root: &Path) -> String {
    let Ok(out) = Command::new("df").arg("-Pk").arg(root).output() else {
        return String::new();
    };
    let text = String::from_utf8_lossy(&out.stdout);
    // Second line, fourth column: available 1024-byte blocks.
    let kb = text
        .lines()
        .nth(1)
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|v| v.parse::<u64>().ok());
    match kb {
        Some(kb) => format!(" (disk: {:.1} GiB free)", kb as f64 / 1_048_576.0),
        None => String::new(),
    }
}
