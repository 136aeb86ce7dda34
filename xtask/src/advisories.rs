//! `cargo deny check advisories` without the internet: against the RustSec database snapshot in
//! `../shared/advisory-db` (beside the repository; its commit and date in `SNAPSHOT`).
//!
//! cargo-deny reads an advisory database from a git repository: with `--offline`, from the
//! directory it would have fetched the database's URL into (`<db-path>/<last path segment>-<hash
//! of the URL>`). So the snapshot is made into a one-commit repository there, committed with the
//! snapshot's date, and cargo-deny runs offline with the project's `deny.toml` plus an
//! `[advisories]` table naming that `db-path` and allowing the snapshot's age. Nothing here
//! touches the network, and nothing machine-specific is written into the project: the generated
//! configuration lives in `build/`.

use crate::process::{path_str, run};
use anyhow::{Context, Result, bail};
use std::path::Path;

/// Where the snapshot is, relative to the repository root.
const SNAPSHOT_DIR: &str = "../shared/advisory-db";

/// Checks the dependency graph's advisories against the snapshot, then proves the check can
/// fail: the same run against the snapshot plus one planted advisory for a crate the workspace
/// uses must report it.
/// `path` is the `PATH` cargo finds `cargo-deny` on ([`crate::plugins::path`]).
pub fn check(root: &Path, path: &str) -> Result<()> {
    let snapshot = root.join(SNAPSHOT_DIR);
    let stamp = std::fs::read_to_string(snapshot.join("SNAPSHOT")).with_context(|| {
        format!(
            "the RustSec snapshot {} is missing: CI places the shared/ directory beside the repository",
            snapshot.display()
        )
    })?;
    let mut words = stamp.split_whitespace();
    let (commit, date) = (
        words.next().context("SNAPSHOT has no commit")?,
        words.next().context("SNAPSHOT has no date")?,
    );
    let work = root.join("build/deny");
    if work.exists() {
        std::fs::remove_dir_all(&work)?;
    }
    // The project's configuration, read once for both runs; its `[advisories]` table is ours.
    let project = std::fs::read_to_string(root.join("deny.toml"))?;
    if project.lines().any(|l| l.trim() == "[advisories]") {
        bail!(
            "deny.toml has an [advisories] table; this step writes its own (see xtask/src/advisories.rs)"
        );
    }
    println!("advisories: against the RustSec snapshot {commit} of {date}");
    let snapshot = Snapshot {
        dir: &snapshot,
        commit,
        date,
        project: &project,
        path,
    };
    let real = deny(root, &work.join("snapshot"), &snapshot, None)?;
    if !real.status.success() {
        bail!("cargo deny check advisories failed:\n{}", real.text);
    }
    println!("advisories ok");
    let control = deny(root, &work.join("control"), &snapshot, Some(PLANTED))?;
    if control.status.success() || !control.text.contains("RUSTSEC-2099-0001") {
        bail!(
            "cargo deny did not report an advisory planted for `heck`, so its passing means nothing:\n{}",
            control.text
        );
    }
    println!(
        "advisories: an advisory planted for `heck` in a copy of the snapshot is reported, as it must be"
    );
    Ok(())
}

/// An advisory for every version of `heck` (an xtask dependency), for the control run.
const PLANTED: &str = "```toml\n[advisory]\nid = \"RUSTSEC-2099-0001\"\npackage = \"heck\"\n\
    date = \"2026-01-01\"\nurl = \"https://example.com\"\n\n[versions]\npatched = []\n```\n\n\
    # A planted advisory\n\nWritten by `cargo xtask test` to check that advisories are reported.\n";

/// The snapshot and the project configuration both runs start from.
struct Snapshot<'a> {
    dir: &'a Path,
    commit: &'a str,
    date: &'a str,
    project: &'a str,
    /// The `PATH` cargo finds `cargo-deny` on.
    path: &'a str,
}

struct Ran {
    status: std::process::ExitStatus,
    text: String,
}

/// `cargo deny --offline check advisories` against the snapshot (plus `planted`, for `heck`) made
/// into a database repository under `work`.
fn deny(root: &Path, work: &Path, snapshot: &Snapshot, planted: Option<&str>) -> Result<Ran> {
    let db_path = work.join("db");
    let repo = db_path.join(db_dir_name(DB_URL));
    crate::scratch::copy_sources(snapshot.dir, &repo)?;
    if let Some(text) = planted {
        let dir = repo.join("crates/heck");
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join("RUSTSEC-2099-0001.md"), text)?;
    }
    let when = format!("{}T00:00:00Z", snapshot.date);
    let envs = [
        ("GIT_AUTHOR_DATE", when.as_str()),
        ("GIT_COMMITTER_DATE", when.as_str()),
        ("GIT_AUTHOR_NAME", "advisory-db snapshot"),
        ("GIT_AUTHOR_EMAIL", "snapshot@localhost"),
        ("GIT_COMMITTER_NAME", "advisory-db snapshot"),
        ("GIT_COMMITTER_EMAIL", "snapshot@localhost"),
    ];
    run(&repo, "git", &["init", "-q", "-b", "main"], &[])?;
    run(&repo, "git", &["add", "-A"], &[])?;
    let message = format!("RustSec advisory-db at {}", snapshot.commit);
    run(
        &repo,
        "git",
        &["commit", "-q", "--no-gpg-sign", "-m", &message],
        &envs,
    )?;
    let config = work.join("deny.toml");
    std::fs::write(
        &config,
        format!(
            "{project}\n\n# Written by `cargo xtask test` (xtask/src/advisories.rs): the snapshot as a local repository.\n\
             [advisories]\ndb-path = {db:?}\ndb-urls = [{DB_URL:?}]\nmaximum-db-staleness = \"P{days}D\"\n",
            project = snapshot.project,
            db = path_str(&db_path)?,
            days = age_days(&repo)? + 1,
        ),
    )?;
    let out = std::process::Command::new("cargo")
        .args(["deny", "--offline", "--config", path_str(&config)?])
        .args(["check", "advisories"])
        .current_dir(root)
        .env("PATH", snapshot.path)
        .output()?;
    Ok(Ran {
        status: out.status,
        text: format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    })
}

/// The database's canonical URL: cargo-deny names its directory after it.
const DB_URL: &str = "https://github.com/rustsec/advisory-db";

/// cargo-deny 0.20's directory name for a database URL: its last path segment and the 64-bit
/// xxHash (seed `0xca80de71`) of the lower-cased URL, in hex.
fn db_dir_name(url: &str) -> String {
    let url = url.to_lowercase();
    let name = url.rsplit('/').next().unwrap_or("empty_");
    let hash = twox_hash::XxHash64::oneshot(0xca80_de71, url.as_bytes());
    format!("{name}-{hash:016x}")
}

/// Whole days since the commit `repo`'s HEAD carries (the snapshot's date, as git read it when
/// committing), which is the age cargo-deny checks against `maximum-db-staleness`.
fn age_days(repo: &Path) -> Result<u64> {
    let out = std::process::Command::new("git")
        .args(["log", "-1", "--format=%ct"])
        .current_dir(repo)
        .output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let committed: u64 = text.trim().parse().with_context(|| {
        format!(
            "git log gave no commit time in {}: {text:?}",
            repo.display()
        )
    })?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs();
    Ok(now.saturating_sub(committed) / 86_400)
}
