//! What a drill is made of: the spec it edits, the crates it builds and the checks it runs.

use anyhow::Result;
use std::path::PathBuf;

/// One spec-change drill: which crates, which spec edit, and what must then hold.
pub struct Drill {
    /// A short name, for the scratch directory and the messages (`bigcartel`).
    pub name: &'static str,
    /// The spec it edits, relative to the workspace root.
    pub spec: &'static str,
    /// The edit: spec text in, edited text out; an error when the place to edit is gone.
    pub edit: fn(&str) -> Result<String>,
    /// The crates the checks build (workspace-relative directories); their path dependencies
    /// come along.
    pub crates: &'static [&'static str],
    /// What must hold after regenerating, in order.
    pub checks: &'static [Check],
}

/// One thing a drill checks in its scratch workspace after regenerating.
pub enum Check {
    /// A test written to `<dir>/tests/drill.rs` and run with `cargo test -p <package> --test
    /// drill`: Rust code using the new names compiles and passes.
    RustTest {
        /// The crate's directory, relative to the workspace root.
        dir: &'static str,
        /// Its package name.
        package: &'static str,
        /// The test's source.
        source: &'static str,
    },
    /// A file of the scratch workspace (generated, or written by an earlier check) holds each
    /// needle.
    Holds {
        /// What the file is, for the message (`the npm package's types`).
        what: &'static str,
        /// The file, relative to the scratch workspace.
        file: &'static str,
        /// The texts it must hold.
        needles: &'static [&'static str],
    },
    /// `cargo <args>` succeeds in the scratch workspace, with `env` added.
    Cargo {
        /// What it proves, for the message.
        what: &'static str,
        /// Cargo's arguments.
        args: &'static [&'static str],
        /// Extra environment.
        env: &'static [(&'static str, &'static str)],
    },
    /// The uniffi library built from the scratch copy, Python, Kotlin and Swift generated from
    /// it into `gen/` (see `bindings.rs`), and `python` run against the Python package.
    Bindings {
        /// A Python script run with the package importable as `bigcartel`.
        python: &'static str,
    },
}

/// A drill's scratch workspace while it runs.
pub struct Scratch {
    /// The workspace this drill copied (its target dir is shared).
    pub root: PathBuf,
    /// The scratch copy.
    pub dir: PathBuf,
}
