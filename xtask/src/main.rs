//! `cargo xtask <task>`: every build step that is more than `cargo build`/`cargo test`.

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use xtask::{codegen, lint};

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
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

fn main() {
    if let Err(e) = run(Cli::parse()) {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.task {
        Task::Codegen { check } => run_codegen(check),
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
                let findings = lint::lint(&codegen::parse_spec(&text)?);
                for f in &findings {
                    println!("{}: {f}", s.display());
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
        let text = std::fs::read_to_string(root.join(target.spec_path))
            .with_context(|| format!("reading {}", target.spec_path))?;
        for (name, contents) in codegen::generate(&target, &text)? {
            let path = root.join(target.out_dir).join(&name);
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
