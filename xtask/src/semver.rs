//! The release's semver check: the public API of the library crates, compared with the previous
//! tagged release, must not break without the version saying so.
//!
//! The API is read from rustdoc's JSON output (nightly's `--output-format json`) by the
//! `public-api` crate, at this tree and at the newest `v<semver>` tag below the workspace version
//! (checked out as a git worktree). An item removed or changed is a breaking change, which needs a
//! major bump, or a minor one while the major version is 0 (Cargo's rule for 0.x versions). An
//! item added needs no more than the patch bump. With no earlier release tag there is nothing to
//! compare, and the check says so.

use crate::process::{output, path_str};
use anyhow::{Context, Result, bail};
use public_api::PublicApi;
use public_api::diff::PublicApiDiff;
use semver::Version;
use std::path::Path;

/// The crates whose API users program against, checked by [`check`].
pub const CHECKED: &[&str] = &["bigcartel", "api-runtime", "bigcartel-jsonapi"];

/// The rustdoc JSON format versions `public-api` 0.52 has been seen to read (57: Rust 1.95;
/// 61: the nightly the test command installs). A newer nightly may change the format in a way
/// it cannot read; a clear error then beats a confusing one.
const READABLE_FORMATS: std::ops::RangeInclusive<u64> = 57..=61;

/// Checks every crate of [`CHECKED`] in the repository at `root` against the previous release.
pub fn check(root: &Path, version: &str) -> Result<()> {
    let current = Version::parse(version)?;
    let Some((tag, previous)) = previous_release(root, &current)? else {
        println!(
            "semver: no release tag below v{current} (tags look like v0.1.0): nothing to compare {} with",
            CHECKED.join(", ")
        );
        return Ok(());
    };
    let work = root.join("build/semver");
    let mut broken = Vec::new();
    for package in CHECKED {
        if let Some(report) = compare(root, &work, package, &tag, &previous, &current)? {
            broken.push(report);
        }
    }
    if !broken.is_empty() {
        bail!("{}", broken.join("\n\n"));
    }
    Ok(())
}

/// Compares one crate with its state at `tag`; `Some(report)` when the change is breaking and
/// the version does not allow it.
fn compare(
    root: &Path,
    work: &Path,
    package: &str,
    tag: &str,
    previous: &Version,
    current: &Version,
) -> Result<Option<String>> {
    let baseline = work.join("baseline");
    if baseline.exists() {
        // Left over from an interrupted run; `worktree prune` then forgets it.
        std::fs::remove_dir_all(&baseline)?;
    }
    git(root, &["worktree", "prune"])?;
    git(
        root,
        &["worktree", "add", "--detach", path_str(&baseline)?, tag],
    )?;
    let old = public_api(&baseline, package, &work.join("target-baseline"));
    git(
        root,
        &["worktree", "remove", "--force", path_str(&baseline)?],
    )?;
    let new = public_api(root, package, &work.join("target"))?;
    let diff = PublicApiDiff::between(old?, new);
    println!(
        "semver: {package} {tag} -> v{current}: {} removed, {} changed, {} added",
        diff.removed.len(),
        diff.changed.len(),
        diff.added.len()
    );
    Ok(verdict(package, &diff, previous, current))
}

/// `None` when `current` may carry `diff` after `previous`; otherwise what broke, and the
/// version it needs.
pub fn verdict(
    package: &str,
    diff: &PublicApiDiff,
    previous: &Version,
    current: &Version,
) -> Option<String> {
    if (diff.removed.is_empty() && diff.changed.is_empty()) || allows_breaking(previous, current) {
        return None;
    }
    let mut lines: Vec<String> = diff
        .removed
        .iter()
        .map(|item| format!("  removed: {item}"))
        .chain(
            diff.changed
                .iter()
                .map(|c| format!("  changed: {}\n       to: {}", c.old, c.new)),
        )
        .collect();
    let total = lines.len();
    lines.truncate(20);
    if total > lines.len() {
        lines.push(format!("  … and {} more", total - 20));
    }
    Some(format!(
        "{package}: breaking API changes since v{previous}, but v{current} is not a {} bump \
         (the next breaking version is {}):\n{}",
        if previous.major == 0 {
            "minor"
        } else {
            "major"
        },
        next_breaking(previous),
        lines.join("\n")
    ))
}

/// Whether going from `previous` to `current` may break the API: a major bump, or while the
/// major version is 0, a minor one.
pub fn allows_breaking(previous: &Version, current: &Version) -> bool {
    if previous.major == 0 {
        current.major > 0 || current.minor > previous.minor
    } else {
        current.major > previous.major
    }
}

fn next_breaking(previous: &Version) -> Version {
    if previous.major == 0 {
        Version::new(0, previous.minor + 1, 0)
    } else {
        Version::new(previous.major + 1, 0, 0)
    }
}

/// The newest `v<semver>` tag below `current` (pre-releases ignored), with its version.
pub fn previous_release(repo: &Path, current: &Version) -> Result<Option<(String, Version)>> {
    let tags = output(repo, "git", &["tag", "--list", "v*"], &[])?;
    Ok(String::from_utf8_lossy(&tags)
        .lines()
        .filter_map(|tag| {
            let version = Version::parse(tag.strip_prefix('v')?).ok()?;
            (version.pre.is_empty() && &version < current).then(|| (tag.to_string(), version))
        })
        .max_by(|a, b| a.1.cmp(&b.1)))
}

/// The public API of `package` in the workspace at `dir`, documented into `target`.
pub fn public_api(dir: &Path, package: &str, target: &Path) -> Result<PublicApi> {
    output(
        dir,
        "cargo",
        &[
            "+nightly",
            "rustdoc",
            "--quiet",
            "-p",
            package,
            "--lib",
            "--",
            "-Z",
            "unstable-options",
            "--output-format",
            "json",
        ],
        &[("CARGO_TARGET_DIR", path_str(target)?)],
    )
    .with_context(|| format!("documenting {package} in {}", dir.display()))?;
    let json = target
        .join("doc")
        .join(format!("{}.json", package.replace('-', "_")));
    let format = format_version(&json)?;
    if !READABLE_FORMATS.contains(&format) {
        bail!(
            "{} is rustdoc JSON format {format}; public-api reads {READABLE_FORMATS:?}: pin the \
             nightly the toolchain step installs, or update public-api",
            json.display()
        );
    }
    public_api::Builder::from_rustdoc_json(&json)
        .build()
        .with_context(|| format!("public-api could not read {}", json.display()))
}

fn format_version(json: &Path) -> Result<u64> {
    // Only the header is needed, but the file has to be parsed to reach it; it is read again
    // by public-api. The JSON of the largest crate checked is a few megabytes.
    let value: serde_json::Value = serde_json::from_slice(&std::fs::read(json)?)?;
    value["format_version"]
        .as_u64()
        .with_context(|| format!("{} has no format_version", json.display()))
}

fn git(dir: &Path, args: &[&str]) -> Result<()> {
    output(dir, "git", args, &[]).map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    #[test]
    fn zero_x_breaks_on_minor_and_later_versions_on_major() {
        assert!(allows_breaking(&v("0.1.0"), &v("0.2.0")));
        assert!(allows_breaking(&v("0.1.3"), &v("1.0.0")));
        assert!(!allows_breaking(&v("0.1.0"), &v("0.1.1")));
        assert!(allows_breaking(&v("1.2.0"), &v("2.0.0")));
        assert!(!allows_breaking(&v("1.2.0"), &v("1.3.0")));
        assert_eq!(next_breaking(&v("0.3.2")), v("0.4.0"));
        assert_eq!(next_breaking(&v("2.3.2")), v("3.0.0"));
    }

    /// A crate in a scratch git repository: released as v0.1.0, then changed. Real rustdoc,
    /// real public-api, real git: the check refuses a removal at 0.1.1, allows it at 0.2.0, and
    /// allows an addition alone at 0.1.1.
    #[test]
    fn a_removed_function_needs_a_minor_bump_while_zero_x() {
        let repo = std::env::temp_dir().join(format!("xtask-semver-{}", std::process::id()));
        if repo.exists() {
            std::fs::remove_dir_all(&repo).unwrap();
        }
        std::fs::create_dir_all(repo.join("src")).unwrap();
        let manifest = |version: &str| {
            format!(
                "[package]\nname = \"semver-probe\"\nversion = \"{version}\"\nedition = \"2021\"\n\n[workspace]\n"
            )
        };
        std::fs::write(repo.join("Cargo.toml"), manifest("0.1.0")).unwrap();
        std::fs::write(
            repo.join("src/lib.rs"),
            "//! Probe.\n/// Kept.\npub fn kept() {}\n/// Dropped later.\npub fn dropped(n: u8) -> u8 { n }\n",
        )
        .unwrap();
        for args in [
            &["init", "-q"][..],
            &["add", "."],
            &[
                "-c",
                "user.name=probe",
                "-c",
                "user.email=probe@localhost",
                "commit",
                "-qm",
                "v0.1.0",
            ],
            &["tag", "v0.1.0"],
        ] {
            git(&repo, args).unwrap();
        }
        std::fs::write(
            repo.join("src/lib.rs"),
            "//! Probe.\n/// Kept.\npub fn kept() {}\n/// Added.\npub fn added() {}\n",
        )
        .unwrap();

        let work = repo.join("target-semver");
        let previous = v("0.1.0");
        let found = previous_release(&repo, &v("0.1.1")).unwrap();
        assert_eq!(found, Some(("v0.1.0".to_string(), previous.clone())));
        let against_release = |version: &str| {
            compare(
                &repo,
                &work,
                "semver-probe",
                "v0.1.0",
                &previous,
                &v(version),
            )
            .unwrap()
        };
        let refused = against_release("0.1.1").expect("a removal at a patch bump is refused");
        assert!(
            refused.contains("removed: pub fn semver_probe::dropped(u8) -> u8"),
            "{refused}"
        );
        assert!(refused.contains("0.2.0"), "{refused}");
        assert_eq!(against_release("0.2.0"), None);

        // Only an addition: a patch bump is enough.
        std::fs::write(
            repo.join("src/lib.rs"),
            "//! Probe.\n/// Kept.\npub fn kept() {}\n/// Dropped later.\npub fn dropped(n: u8) -> u8 { n }\n/// Added.\npub fn added() {}\n",
        )
        .unwrap();
        let additive = against_release("0.1.1");
        assert_eq!(additive, None);
        std::fs::remove_dir_all(&repo).unwrap();
    }
}
