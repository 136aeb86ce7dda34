//! The spec-change drill (`cargo xtask drill`, and the `drill`/`carts-drill` steps of the test
//! command): one runner, one description per spec.
//!
//! A drill proves that a spec edit plus `cargo xtask codegen` reaches every layer with no hand
//! edit. Each run builds a scratch copy of the crates it names (and their path dependencies, see
//! [`crate::scratch`]), makes the spec edit a changelog entry would bring, regenerates with the
//! same generator, then runs its [`Check`]s in order. Only the descriptions differ between specs:
//! [`BIGCARTEL`] (the core, the npm package, the CLI, the fulfillment engine and the uniffi
//! bindings) and [`BIGCOMMERCE`] (the second target's client).

mod bigcartel;
mod bindings;
mod carts;
mod plan;

use crate::process::{ROOT_ENV, path_str, run, target_dir};
use anyhow::{Context, Result, bail};
use std::path::Path;

pub use bigcartel::{BIGCARTEL, changelog_edit};
pub use carts::BIGCOMMERCE;
pub use plan::{Check, Drill, Scratch};

/// Runs `drill`: scratch copy, spec edit, `cargo xtask codegen`, then each check.
pub fn run_drill(root: &Path, drill: &Drill) -> Result<()> {
    let dir = crate::scratch::workspace(
        root,
        &format!("{}-drill", drill.name),
        drill.crates,
        &["spec", ".cargo"],
    )?;
    let scratch = Scratch {
        root: root.to_path_buf(),
        dir,
    };
    let spec_path = scratch.dir.join(drill.spec);
    let edited = (drill.edit)(&std::fs::read_to_string(&spec_path)?)?;
    std::fs::write(&spec_path, edited)?;
    codegen_in(&scratch.dir)?;
    let target = target_dir(root);
    let shared_target = [("CARGO_TARGET_DIR", path_str(&target)?)];
    for check in drill.checks {
        match check {
            Check::RustTest {
                dir,
                package,
                source,
            } => {
                let tests = scratch.dir.join(dir).join("tests");
                std::fs::create_dir_all(&tests)?;
                std::fs::write(tests.join("drill.rs"), source)?;
                run(
                    &scratch.dir,
                    "cargo",
                    &["test", "--quiet", "-p", package, "--test", "drill"],
                    &shared_target,
                )?;
                println!(
                    "drill {}: {package}'s test of the new names passes",
                    drill.name
                );
            }
            Check::Holds {
                what,
                file,
                needles,
            } => {
                let text = std::fs::read_to_string(scratch.dir.join(file))
                    .with_context(|| format!("reading {file}"))?;
                for needle in *needles {
                    if !text.contains(needle) {
                        bail!(
                            "drill {}: {what} ({file}) lack `{}` after the spec edit",
                            drill.name,
                            needle.trim()
                        );
                    }
                }
                println!(
                    "drill {}: {what} hold {}",
                    drill.name,
                    needles
                        .iter()
                        .map(|n| format!("`{}`", n.trim()))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            Check::Cargo { what, args, env } => {
                let mut envs = shared_target.to_vec();
                envs.extend_from_slice(env);
                run(&scratch.dir, "cargo", args, &envs)?;
                println!("drill {}: {what}", drill.name);
            }
            Check::Bindings { python } => bindings::check(&scratch, python)?,
        }
    }
    std::fs::remove_dir_all(&scratch.dir).ok();
    println!(
        "drill {}: the edit to {} reached every check ({}) with no hand edit",
        drill.name,
        drill.spec,
        drill.checks.len()
    );
    Ok(())
}

/// `cargo xtask codegen` for a drill's scratch copy of the workspace: xtask built from this
/// workspace (same sources as the copy) and pointed at the copy. Building xtask inside the copy
/// with the shared target dir would replace `target/debug/xtask` with a binary whose workspace is
/// the (soon deleted) copy; running this process's own binary fails once an earlier step has
/// rebuilt it.
fn codegen_in(scratch: &Path) -> Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace");
    run(
        root,
        "cargo",
        &["run", "--quiet", "-p", "xtask", "--", "codegen"],
        &[(ROOT_ENV, path_str(scratch)?)],
    )
}
