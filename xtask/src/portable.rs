//! The native library a release ships, linked so it loads on old Linux systems, and the wheel
//! built around it.
//!
//! A library linked by this machine's toolchain asks for the glibc symbol versions of the
//! machine it was linked on (GLIBC_2.34 here), and pip refuses a wheel tagged for a newer glibc
//! than the user's. `cargo zigbuild` links with `zig cc` against glibc [`GLIBC`] instead, so the
//! same library loads on any distribution since then. Its output has no static symbol table, and
//! uniffi-bindgen reads its metadata from that table, so the Python module is generated from the
//! dev build of the same source (maturin, as the test step builds it) and the portable library
//! takes the dev library's place in the wheel. `auditwheel show`, PyPA's own judge of what a
//! wheel's libraries require, then has to agree with the tag the wheel is given.

use crate::process::{path_str, run, target_dir, venv_bin};
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

/// The oldest glibc the release library is linked for: the manylinux2014 baseline, which
/// Rust's `x86_64-unknown-linux-gnu` standard library also requires.
pub const GLIBC: &str = "2.17";

/// The release library, optimised and linked against glibc [`GLIBC`]; its path.
pub fn library(root: &Path) -> Result<PathBuf> {
    if std::env::consts::OS != "linux" {
        bail!(
            "the portable release library is linked for Linux; this is {}",
            std::env::consts::OS
        );
    }
    let path = crate::plugins::path(root, &crate::plugins::ZIGBUILD)?;
    let triple = format!("{}-unknown-linux-gnu", std::env::consts::ARCH);
    run(
        root,
        "cargo",
        &[
            "zigbuild",
            "--release",
            "-p",
            "bigcartel-uniffi",
            "--target",
            &format!("{triple}.{GLIBC}"),
        ],
        &[("PATH", &path)],
    )?;
    let lib = target_dir(root)
        .join(triple)
        .join("release")
        .join(crate::uniffi::library_name());
    if !lib.exists() {
        bail!("cargo zigbuild wrote no {}", lib.display());
    }
    Ok(lib)
}

/// The wheel's platform tag for [`GLIBC`] on this machine's architecture.
pub fn platform_tag() -> String {
    format!(
        "manylinux_{}_{}",
        GLIBC.replace('.', "_"),
        std::env::consts::ARCH
    )
}

/// The wheel a release ships, built into `out`: the dev wheel's Python module with `library`
/// (the portable one, [`library`]; stripped) in place of the dev one, tagged [`platform_tag`],
/// and `auditwheel show` agreeing with that tag. `tools` is the packaging virtualenv
/// ([`crate::uniffi::tools`]). Returns its path.
pub fn release_wheel(root: &Path, tools: &Path, library: &Path, out: &Path) -> Result<PathBuf> {
    let dev = crate::uniffi::build_wheel(root, tools, out, false)?;
    let python = venv_bin(tools, "python");
    let python = path_str(&python)?;

    let work = out.join("unpacked");
    run(
        root,
        python,
        &[
            "-m",
            "wheel",
            "unpack",
            "--dest",
            path_str(&work)?,
            path_str(&dev)?,
        ],
        &[],
    )?;
    let tree = std::fs::read_dir(&work)?
        .next()
        .context("wheel unpack wrote nothing")??
        .path();
    let mut inside = Vec::new();
    crate::process::files_under(&tree, &mut inside)?;
    inside.retain(|p| {
        p.file_name()
            .is_some_and(|n| n == crate::uniffi::library_name())
    });
    let [packed] = inside.as_slice() else {
        bail!(
            "the wheel {} holds {} copies of the library",
            dev.display(),
            inside.len()
        );
    };
    std::fs::copy(library, packed)?;
    run(root, "strip", &["--strip-all", path_str(packed)?], &[])?;
    println!(
        "portable library in the wheel: {:.1} MiB stripped",
        std::fs::metadata(packed)?.len() as f64 / 1048576.0
    );
    std::fs::remove_file(&dev)?;
    run(
        root,
        python,
        &[
            "-m",
            "wheel",
            "pack",
            "--dest-dir",
            path_str(out)?,
            path_str(&tree)?,
        ],
        &[],
    )?;
    std::fs::remove_dir_all(&work)?;
    let repacked = crate::uniffi::only_wheel(out)?;
    let tag = platform_tag();
    run(
        root,
        python,
        &[
            "-m",
            "wheel",
            "tags",
            "--remove",
            "--platform-tag",
            &tag,
            path_str(&repacked)?,
        ],
        &[],
    )?;
    let wheel = crate::uniffi::only_wheel(out)?;
    judge(&venv_bin(tools, "auditwheel"), &wheel, &tag)?;
    Ok(wheel)
}

/// `auditwheel show` on `wheel` must name `tag` as the tag its libraries allow.
fn judge(auditwheel: &Path, wheel: &Path, tag: &str) -> Result<()> {
    let out = std::process::Command::new(auditwheel)
        .arg("show")
        .arg(wheel)
        .output()
        .with_context(|| format!("could not run {}", auditwheel.display()))?;
    let text = String::from_utf8_lossy(&out.stdout);
    print!("{text}");
    if !out.status.success() || !allows(&text, tag) {
        bail!(
            "auditwheel does not find {} consistent with {tag}:\n{text}{}",
            wheel.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    println!("auditwheel: the wheel's library allows {tag}");
    Ok(())
}

/// Whether `auditwheel show`'s report names `tag` as the platform tag the wheel is consistent
/// with (it wraps its lines, so whitespace is not compared).
pub fn allows(report: &str, tag: &str) -> bool {
    let words: Vec<&str> = report.split_whitespace().collect();
    let flat = words.join(" ");
    flat.contains(&format!(
        "is consistent with the following platform tag: \"{tag}\""
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_is_read_across_its_line_breaks() {
        let report =
            "x.whl is consistent with\nthe following platform tag: \"manylinux_2_17_x86_64\".\n";
        assert!(allows(report, "manylinux_2_17_x86_64"));
        let newer =
            "x.whl is consistent with\nthe following platform tag: \"manylinux_2_34_x86_64\".\n";
        assert!(!allows(newer, "manylinux_2_17_x86_64"));
    }

    #[test]
    fn the_tag_names_the_glibc_and_the_architecture() {
        let tag = platform_tag();
        assert!(tag.starts_with("manylinux_2_17_"), "{tag}");
        assert!(tag.ends_with(std::env::consts::ARCH), "{tag}");
    }
}
