//! The drill's uniffi check: the bindings library built from the scratch copy, Python, Kotlin and
//! Swift generated from it (into the scratch's `gen/`), and a Python script run against the
//! package users import. Kotlin and Swift are then checked by their declarations
//! ([`super::plan::Check::Holds`] on `gen/kotlin/...` and `gen/swift/...`): no compiler for either runs
//! in this step.

use super::plan::Scratch;
use crate::process::{path_str, run, target_dir};
use crate::uniffi::CRATE_DIR;
use anyhow::Result;

/// Builds, generates and runs `python` (see the module documentation).
pub fn check(scratch: &Scratch, python: &str) -> Result<()> {
    // A target dir of its own: cargo gives a cdylib the same file name wherever its workspace
    // is, so building the edited library into the shared one would replace the workspace's.
    let drill_target = target_dir(&scratch.root).join("uniffi-drill");
    run(
        &scratch.dir,
        "cargo",
        &["build", "--quiet", "-p", "bigcartel-uniffi"],
        &[("CARGO_TARGET_DIR", path_str(&drill_target)?)],
    )?;
    // The workspace's own pinned bindgen (the same sources as the copy's).
    run(
        &scratch.root,
        "cargo",
        &["build", "--quiet", "--bin", "uniffi-bindgen"],
        &[],
    )?;
    let bindgen = target_dir(&scratch.root).join("debug/uniffi-bindgen");
    let lib = drill_target
        .join("debug")
        .join(crate::uniffi::library_name());
    let out = scratch.dir.join("gen");
    for lang in ["python", "kotlin", "swift"] {
        run(
            &scratch.dir,
            path_str(&bindgen)?,
            &[
                "generate",
                "--no-format",
                "--language",
                lang,
                "--out-dir",
                path_str(&out.join(lang))?,
                path_str(&lib)?,
            ],
            &[],
        )?;
    }
    // The package users import: the hand-written modules and the regenerated views from the
    // scratch copy, the uniffi module and the drill's library as `bigcartel._native`.
    let package = out.join("pkg/bigcartel");
    let native = package.join("_native");
    std::fs::create_dir_all(&native)?;
    for entry in std::fs::read_dir(scratch.dir.join(CRATE_DIR).join("python/bigcartel"))? {
        let path = entry?.path();
        if path.is_file() {
            std::fs::copy(&path, package.join(path.file_name().unwrap_or_default()))?;
        }
    }
    std::fs::copy(
        out.join("python/bigcartel_uniffi.py"),
        native.join("bigcartel_uniffi.py"),
    )?;
    std::fs::write(
        native.join("__init__.py"),
        "from .bigcartel_uniffi import *  # NOQA\n",
    )?;
    std::fs::copy(&lib, native.join(lib.file_name().unwrap_or_default()))?;
    run(&out.join("pkg"), "python3", &["-c", python], &[])?;
    // A second full build of the core's dependency tree: not worth keeping on disk.
    std::fs::remove_dir_all(&drill_target).ok();
    Ok(())
}
