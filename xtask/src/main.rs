//! `cargo xtask <task>`: every build step that is more than `cargo build`/`cargo test`.

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use xtask::codegen::{self, lint};
use xtask::process::run;
use xtask::steps::{self, Step};

#[derive(Parser)]
#[command(about = "bigcartel-sdk build tasks")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Regenerate the clients from spec/ (progenitor raw client, resolved models, operations).
    Codegen {
        /// Regenerate in memory and fail with a diff if the checked-in files differ.
        #[arg(long)]
        check: bool,
    },
    /// Lint a spec (default: every spec in spec/) and print what the generator would reject.
    Lint { spec: Option<PathBuf> },
    /// Run every test on a fresh machine: installs what it needs, then formatting, codegen drift,
    /// clippy, the workspace tests, docs, wasm builds, the spec-change drill and fuzz smoke runs.
    Test {
        /// List the steps (their short names and what each checks) and run nothing.
        #[arg(long)]
        list: bool,
        /// Run only this step, by its short name from `--list` (repeatable; in the listed order).
        #[arg(long = "step", value_name = "NAME")]
        steps: Vec<String>,
    },
    /// The spec-change drills alone, Big Cartel and BigCommerce (see `cargo xtask test`).
    Drill,
    /// Every benchmark row, ours and the peers side by side; writes
    /// crates/bigcartel-bench/results/latest.{md,json}.
    Bench {
        /// Each row once on tiny inputs (debug build): checks the harness, measures nothing.
        #[arg(long)]
        smoke: bool,
    },
    /// Generate Python, Kotlin and Swift sources from the uniffi library (Swift: the checked-in snapshot).
    Bindings {
        /// Fail with a diff if the checked-in Swift sources differ instead of rewriting them.
        #[arg(long)]
        check: bool,
        /// Run the bindings' test step alone (as `cargo xtask test` does).
        #[arg(long)]
        test: bool,
    },
    /// The outside validators alone (see `cargo xtask test`): openapi-spec-validator on every
    /// spec, Schemathesis against the mock.
    Validators,
    /// Build every release artifact with the workspace version into build/release/<version>/
    /// (crates, the npm tarball, the release wheel, the Kotlin jar, SHA256SUMS, the changelog) and run
    /// each ecosystem's checker on it. Only a dry run exists: nothing is published.
    Release {
        /// Required: build and check without publishing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Compare the library crates' public API with the previous release tag (v<semver>), as the
    /// release dry run does: a breaking change needs a major bump (0.x: minor).
    Semver,
    /// Build the npm package (build/npm) and print its size report.
    Wasm {
        /// Then test it in Node, Deno, Bun, workerd and Chromium (the `cargo xtask test` step).
        #[arg(long)]
        test: bool,
    },
}

fn root() -> PathBuf {
    xtask::process::root()
}

fn main() {
    if let Err(e) = dispatch(Cli::parse()) {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

fn dispatch(cli: Cli) -> Result<()> {
    match cli.task {
        Task::Codegen { check } => run_codegen(check),
        Task::Drill => xtask::drill::run_drill(&root(), &xtask::drill::BIGCARTEL)
            .and_then(|()| xtask::drill::run_drill(&root(), &xtask::drill::BIGCOMMERCE)),
        Task::Bench { smoke } => xtask::bench::bench(&root(), smoke),
        Task::Bindings { test: true, .. } => xtask::uniffi::test(&root()),
        Task::Bindings { check, .. } => xtask::uniffi::generate(&root(), check),
        Task::Validators => xtask::validators::run(&root()),
        Task::Semver => {
            let root = root();
            let metadata = xtask::process::cargo_metadata(&root)?;
            xtask::semver::check(&root, &xtask::release::workspace_version(&metadata)?)
        }
        Task::Release { dry_run: true } => xtask::release::dry_run(&root()),
        Task::Release { dry_run: false } => {
            bail!(
                "only `cargo xtask release --dry-run` exists: publishing needs registry credentials, which xtask never reads"
            )
        }
        Task::Wasm { test: false } => xtask::npm::build(&root()).map(drop),
        Task::Wasm { test: true } => xtask::npm_test::test(&root()),
        Task::Test { list: true, .. } => {
            for s in test_steps() {
                println!("{:<12} {}", s.id, s.name);
            }
            Ok(())
        }
        Task::Test { steps, .. } => {
            let all = test_steps();
            if let Some(unknown) = steps.iter().find(|id| !all.iter().any(|s| s.id == *id)) {
                bail!("no test step `{unknown}`: `cargo xtask test --list` names them");
            }
            let chosen: Vec<_> = all
                .into_iter()
                .filter(|s| steps.is_empty() || steps.iter().any(|id| id == s.id))
                .collect();
            // Every crate is built once per run here, so incremental caches only cost disk
            // (about 4 GB of a clean run). Set before any child process starts.
            // SAFETY: no other thread exists yet.
            unsafe { std::env::set_var("CARGO_INCREMENTAL", "0") };
            steps::run_steps(&root(), chosen)
        }
        Task::Lint { spec } => {
            let specs: Vec<PathBuf> = match spec {
                Some(s) => vec![s],
                None => codegen::targets()
                    .iter()
                    .map(|t| root().join(t.spec_path))
                    .collect(),
            };
            let mut bad = 0;
            for s in specs {
                let text = std::fs::read_to_string(&s)
                    .with_context(|| format!("reading {}", s.display()))?;
                let spec = codegen::parse_spec(&text)?;
                let findings = lint::lint(&spec);
                for f in &findings {
                    println!("{}: {f}", s.display());
                }
                for n in xtask::codegen::normalise::normalise(&spec).notes {
                    println!("{}: note: {n}", s.display());
                }
                for o in lint::observed(&spec) {
                    println!("{}: {o}", s.display());
                }
                bad += findings.len();
            }
            if bad > 0 {
                bail!("{bad} problem(s)");
            }
            println!("spec lint: clean");
            Ok(())
        }
    }
}

fn run_codegen(check: bool) -> Result<()> {
    let root = root();
    let mut drift = Vec::new();
    for target in codegen::targets() {
        // A drill's scratch workspace holds only the crates it builds: a target whose crate is
        // not there has nothing to regenerate (and its facades' core sources are absent too).
        if !root.join(target.out_dir).is_dir() {
            println!(
                "skipped {}: {} is not in this workspace",
                target.spec_path, target.out_dir
            );
            continue;
        }
        let text = std::fs::read_to_string(root.join(target.spec_path))
            .with_context(|| format!("reading {}", target.spec_path))?;
        for (rel_path, contents) in codegen::generate(&root, &target, &text)? {
            let path = root.join(&rel_path);
            let current = std::fs::read_to_string(&path).unwrap_or_default();
            if current == contents {
                continue;
            }
            if check {
                let diff = similar::TextDiff::from_lines(&current, &contents);
                eprintln!(
                    "{}",
                    diff.unified_diff()
                        .context_radius(2)
                        .header(&format!("{} (checked in)", path.display()), "generated")
                );
                drift.push(
                    path.strip_prefix(&root)
                        .unwrap_or(&path)
                        .display()
                        .to_string(),
                );
            } else {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir)?;
                }
                std::fs::write(&path, contents)
                    .with_context(|| format!("writing {}", path.display()))?;
                println!(
                    "wrote {}",
                    path.strip_prefix(&root).unwrap_or(&path).display()
                );
            }
        }
    }
    if !drift.is_empty() {
        bail!(
            "generated code is out of date ({}); run `cargo xtask codegen`",
            drift.join(", ")
        );
    }
    if check {
        println!("codegen --check: generated code matches the specs");
    }
    Ok(())
}

fn step(
    id: &'static str,
    name: &'static str,
    f: impl Fn(&std::path::Path) -> Result<()> + 'static,
) -> Step {
    Step {
        id,
        name,
        run: Box::new(f),
    }
}

fn test_steps() -> Vec<Step> {
    vec![
        step(
            "toolchain",
            "toolchain: rustfmt, clippy, wasm32 target, nightly (for fuzzing)",
            |root| {
                run(
                    root,
                    "rustup",
                    &["component", "add", "rustfmt", "clippy"],
                    &[],
                )?;
                run(
                    root,
                    "rustup",
                    &["target", "add", "wasm32-unknown-unknown"],
                    &[],
                )?;
                run(
                    root,
                    "rustup",
                    &["toolchain", "install", "nightly", "--profile", "minimal"],
                    &[],
                )
            },
        ),
        step("fmt", "cargo fmt --check", |root| {
            run(root, "cargo", &["fmt", "--all", "--", "--check"], &[])
        }),
        step("codegen", "spec lint and codegen --check", |_| {
            run_lint_all()?;
            run_codegen(true)
        }),
        step(
            "validators",
            "outside validators: openapi-spec-validator, schemathesis against the mock",
            xtask::validators::run,
        ),
        step("clippy", "cargo clippy -D warnings", |root| {
            run(
                root,
                "cargo",
                &[
                    "clippy",
                    "--workspace",
                    "--all-targets",
                    "--",
                    "-D",
                    "warnings",
                ],
                &[],
            )
        }),
        step(
            "workspace",
            "cargo test --workspace (unit, integration, doctests)",
            |root| {
                // The fulfillment service's tests start throwaway PostgreSQL clusters.
                xtask::postgres::ensure()?;
                run(root, "cargo", &["test", "--workspace"], &[])
            },
        ),
        step("doc", "cargo doc -D warnings", |root| {
            run(
                root,
                "cargo",
                &["doc", "--workspace", "--no-deps"],
                &[("RUSTDOCFLAGS", "-D warnings")],
            )
        }),
        step(
            "wasm32",
            "core builds for wasm32-unknown-unknown (full client, and webhooks-only)",
            |root| {
                run(
                    root,
                    "cargo",
                    &[
                        "build",
                        "-p",
                        "bigcartel",
                        "--target",
                        "wasm32-unknown-unknown",
                    ],
                    &[],
                )?;
                run(
                    root,
                    "cargo",
                    &[
                        "build",
                        "-p",
                        "bigcartel",
                        "--no-default-features",
                        "--target",
                        "wasm32-unknown-unknown",
                    ],
                    &[],
                )
            },
        ),
        step(
            "deny",
            "supply chain: cargo deny (licenses, bans, sources; advisories against the RustSec snapshot)",
            |root| {
                let path = xtask::plugins::path(root, &xtask::plugins::CHECKERS)?;
                run(
                    root,
                    "cargo",
                    &["deny", "check", "licenses", "bans", "sources"],
                    &[("PATH", &path)],
                )?;
                xtask::advisories::check(root, &path)
            },
        ),
        step(
            "drill",
            "spec-change drill: Big Cartel (core, npm, CLI, fulfillment, Python, Kotlin, Swift)",
            |root| xtask::drill::run_drill(root, &xtask::drill::BIGCARTEL),
        ),
        step(
            "carts-drill",
            "spec-change drill: BigCommerce carts",
            |root| xtask::drill::run_drill(root, &xtask::drill::BIGCOMMERCE),
        ),
        step("bench-smoke", "benchmark harness (smoke mode)", |root| {
            xtask::bench::bench(root, true)
        }),
        step(
            "uniffi",
            "uniffi bindings: Python wheel + pytest + mypy, Kotlin jar + consumer on the JVM, Swift snapshot + syntax",
            xtask::uniffi::test,
        ),
        step(
            "npm",
            "npm package: build, size report, Node/TypeScript/Deno/Bun/workerd/Chromium against the mock",
            xtask::npm_test::test,
        ),
        step(
            "release",
            "release dry run: cargo package, npm pack + publint + attw, release wheel + auditwheel + twine check, Kotlin jar + mvn verify, npm audit + pip-audit",
            xtask::release::dry_run_after_tests,
        ),
        step("fuzz", "fuzz smoke (bounded)", |root| {
            let path = xtask::plugins::path(root, &xtask::plugins::CHECKERS)?;
            run(
                root,
                "bash",
                &["scripts/fuzz-smoke.sh", "20"],
                &[("PATH", &path)],
            )
        }),
    ]
}

fn run_lint_all() -> Result<()> {
    for t in codegen::targets() {
        let text = std::fs::read_to_string(root().join(t.spec_path))?;
        let findings = lint::lint(&codegen::parse_spec(&text)?);
        if !findings.is_empty() {
            bail!("{}", codegen::LintFailed(findings));
        }
    }
    println!("spec lint: clean");
    Ok(())
}
