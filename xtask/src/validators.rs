//! Outside validators: tools that did not write the specs judge them. `openapi-spec-validator`
//! checks both specs against the OpenAPI 3.0 schema, and Schemathesis tests the Big Cartel mock
//! against its spec (examples, coverage, fuzzing and stateful phases), so the spec, the mock and
//! the clients generated from the spec cannot drift apart unseen.
//!
//! Both come from PyPI at pinned versions into `build/validators/venv` (pip's cache under
//! `build/`), so a fresh machine needs only `python3`.

use crate::tasks::{self, MockProcess};
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

/// The pinned packages. Bump deliberately: a new Schemathesis may bring new checks.
pub const PACKAGES: &[&str] = &["openapi-spec-validator==0.9.0", "schemathesis==4.32.5"];

/// The specs `openapi-spec-validator` checks.
pub const SPECS: &[&str] = &["spec/bigcartel.v1.yaml", "spec/bigcommerce-carts.v3.yaml"];

/// The Big Cartel spec Schemathesis tests the mock against.
const MOCK_SPEC: &str = "spec/bigcartel.v1.yaml";

const VENV: &str = "build/validators/venv";

/// Test cases per operation and phase: enough to reach every status each operation declares,
/// small enough that the whole run stays within a few minutes on two cores.
const MAX_EXAMPLES: &str = "30";

/// A fixed seed makes a failure reproducible and the step deterministic: a new finding comes
/// from a change to the spec or the mock, not from luck.
const SEED: &str = "20261128";

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|p| if p.is_absolute() { p } else { root.join(p) })
        .unwrap_or_else(|| root.join("target"))
}

fn path_str(p: &Path) -> Result<&str> {
    p.to_str()
        .with_context(|| format!("non-UTF-8 path {}", p.display()))
}

fn bin(venv: &Path, name: &str) -> PathBuf {
    if cfg!(windows) {
        venv.join("Scripts").join(format!("{name}.exe"))
    } else {
        venv.join("bin").join(name)
    }
}

/// Creates (or reuses) the virtualenv and installs the pinned packages; returns its path.
pub fn venv(root: &Path) -> Result<PathBuf> {
    let dir = root.join(VENV);
    if !bin(&dir, "python").exists() {
        tasks::run(root, "python3", &["-m", "venv", path_str(&dir)?], &[])?;
    }
    let cache = root.join("build/pip-cache");
    let mut args = vec![
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
    ];
    args.extend_from_slice(PACKAGES);
    tasks::run(
        root,
        path_str(&bin(&dir, "python"))?,
        &args,
        &[("PIP_CACHE_DIR", path_str(&cache)?)],
    )?;
    Ok(dir)
}

/// The whole step (`cargo xtask validators`, and a step of `cargo xtask test`): both
/// validators, failing on any finding.
pub fn run(root: &Path) -> Result<()> {
    let venv = venv(root)?;
    spec_validator(root, &venv)?;
    schemathesis(root, &venv)
}

/// `openapi-spec-validator` on every spec, every error listed.
pub fn spec_validator(root: &Path, venv: &Path) -> Result<()> {
    println!("\n--- openapi-spec-validator");
    let mut args = vec!["--validation-errors", "all"];
    args.extend_from_slice(SPECS);
    tasks::run(
        root,
        path_str(&bin(venv, "openapi-spec-validator"))?,
        &args,
        &[],
    )
}

/// Starts the mock on a free loopback port and runs Schemathesis against it with the spec.
pub fn schemathesis(root: &Path, venv: &Path) -> Result<()> {
    println!("\n--- schemathesis against the mock ({MOCK_SPEC})");
    tasks::run(root, "cargo", &["build", "-p", "bigcartel-mock"], &[])?;
    let mock = MockProcess::start(&target_dir(root).join("debug/bigcartel-mock"), &[])?;
    let out = root.join("build/validators");
    // The mock's default token is public (documented in its --help); it still goes through a
    // config file rather than the command line, as a real token would.
    let config = out.join("schemathesis.toml");
    std::fs::write(
        &config,
        "[headers]\n\
         Authorization = \"Bearer ${BIGCARTEL_MOCK_TOKEN}\"\n\
         User-Agent = \"bigcartel-sdk schemathesis (https://github.com/bigcartel-sdk)\"\n",
    )
    .with_context(|| format!("writing {}", config.display()))?;
    let report = out.join("schemathesis-report");
    let result = tasks::run(
        root,
        path_str(&bin(venv, "schemathesis"))?,
        &[
            "--config-file",
            path_str(&config)?,
            "run",
            MOCK_SPEC,
            "--url",
            &mock.url,
            "--checks",
            "all",
            "--phases",
            "examples,coverage,fuzzing,stateful",
            "--max-examples",
            MAX_EXAMPLES,
            "--seed",
            SEED,
            "--generation-database",
            "none",
            "--workers",
            "2",
            "--request-timeout",
            "10",
            "--no-color",
            "--report",
            "junit",
            "--report-dir",
            path_str(&report)?,
        ],
        &[
            ("BIGCARTEL_MOCK_TOKEN", "mock-token"),
            // Its first run would otherwise ask about telemetry and send it.
            ("SCHEMATHESIS_TELEMETRY", "false"),
        ],
    );
    drop(mock);
    if result.is_err() {
        bail!(
            "schemathesis found disagreements between the mock and {MOCK_SPEC} (above; JUnit report in {})",
            report.display()
        );
    }
    Ok(())
}
