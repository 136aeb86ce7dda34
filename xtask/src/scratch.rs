//! Scratch workspaces for the spec-change drills: a copy of the crates a drill builds, and of
//! every workspace crate they depend on by path, found with `cargo metadata`. A crate added to the
//! workspace (or a new dependency between crates) therefore reaches every drill without a list to
//! edit, which is how drills used to break.

use anyhow::{Context, Result, bail};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Sections of a crate manifest a drill never builds: they name files the copy leaves out
/// (`tests/`, `benches/`, `examples/`) and dependencies of those.
const LEFT_OUT: [&str; 4] = ["[dev-dependencies]", "[[bench]]", "[[example]]", "[[test]]"];

/// Directories of a crate the copy leaves out (see [`LEFT_OUT`]).
const LEFT_OUT_DIRS: [&str; 3] = ["tests", "benches", "examples"];

/// Build output, left out at any depth.
const BUILD_DIRS: [&str; 2] = ["target", "node_modules"];

/// Builds a fresh scratch workspace in the temp dir (`<name>-<pid>`) holding `crates`
/// (workspace-relative crate directories), every workspace crate they depend on by path, and
/// `extra` (files or directories, copied as they are). Its manifest is the real one with exactly
/// those crates as members and `crates[0]` as the default member; the lock file is the real one.
/// Returns the scratch directory.
pub fn workspace(root: &Path, name: &str, crates: &[&str], extra: &[&str]) -> Result<PathBuf> {
    let scratch = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
    if scratch.exists() {
        std::fs::remove_dir_all(&scratch)?;
    }
    let members = path_closure(root, crates)?;
    for member in &members {
        copy_crate(&root.join(member), &scratch.join(member))?;
    }
    for item in extra {
        copy_into(root, &scratch, item)?;
    }
    let list = |items: &mut dyn Iterator<Item = &str>| {
        items
            .map(|m| format!("{m:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut manifest = String::new();
    for line in std::fs::read_to_string(root.join("Cargo.toml"))?.lines() {
        if line.starts_with("members = ") {
            manifest.push_str(&format!(
                "members = [{}]",
                list(&mut members.iter().map(String::as_str))
            ));
        } else if line.starts_with("default-members = ") {
            manifest.push_str(&format!(
                "default-members = [{}]",
                list(&mut crates.iter().take(1).copied())
            ));
        } else {
            manifest.push_str(line);
        }
        manifest.push('\n');
    }
    std::fs::write(scratch.join("Cargo.toml"), manifest)?;
    std::fs::copy(root.join("Cargo.lock"), scratch.join("Cargo.lock"))?;
    Ok(scratch)
}

/// `crates` and every workspace crate they depend on by path (normal and build dependencies),
/// as workspace-relative directories, sorted.
fn path_closure(root: &Path, crates: &[&str]) -> Result<BTreeSet<String>> {
    let metadata = crate::process::cargo_metadata(root)?;
    let relative = |manifest: &str| -> Option<String> {
        let dir = Path::new(manifest).parent()?;
        Some(dir.strip_prefix(root).ok()?.to_str()?.to_string())
    };
    let mut deps: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for package in metadata["packages"].as_array().into_iter().flatten() {
        let Some(dir) = package["manifest_path"].as_str().and_then(relative) else {
            continue;
        };
        let on: Vec<String> = package["dependencies"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|d| d["kind"].as_str() != Some("dev"))
            .filter_map(|d| d["path"].as_str())
            .filter_map(|p| {
                Path::new(p)
                    .strip_prefix(root)
                    .ok()?
                    .to_str()
                    .map(String::from)
            })
            .collect();
        deps.insert(dir, on);
    }
    let mut seen = BTreeSet::new();
    let mut todo: Vec<String> = crates.iter().map(|c| c.to_string()).collect();
    while let Some(dir) = todo.pop() {
        let Some(on) = deps.get(&dir) else {
            bail!("`{dir}` is not a crate of this workspace");
        };
        if seen.insert(dir.clone()) {
            todo.extend(on.iter().cloned());
        }
    }
    Ok(seen)
}

/// Copies a crate without what drills never build (see [`LEFT_OUT`]), doctests off.
fn copy_crate(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        let target = to.join(&name);
        if entry.file_type()?.is_dir() {
            if !LEFT_OUT_DIRS.iter().any(|d| name == *d) {
                copy_sources(&entry.path(), &target)?;
            }
        } else if name == "Cargo.toml" {
            std::fs::write(
                &target,
                trim_manifest(
                    &std::fs::read_to_string(entry.path())?,
                    from.join("src/lib.rs").exists(),
                ),
            )?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// Copies `item` (a file or a directory, relative) from `root` to the same place under `scratch`:
/// how the drills build their scratch workspaces.
fn copy_into(root: &Path, scratch: &Path, item: &str) -> Result<()> {
    let from = root.join(item);
    let to = scratch.join(item);
    if from.is_dir() {
        copy_sources(&from, &to)
    } else {
        std::fs::create_dir_all(to.parent().context("a relative path")?)?;
        std::fs::copy(&from, &to)
            .with_context(|| format!("copying {}", from.display()))
            .map(drop)
    }
}

/// Copies a directory tree without build output (`target`, `node_modules`).
pub fn copy_sources(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        if entry.file_type()?.is_dir() {
            if !BUILD_DIRS.iter().any(|d| name == *d) {
                copy_sources(&entry.path(), &to.join(&name))?;
            }
        } else {
            std::fs::copy(entry.path(), to.join(&name))?;
        }
    }
    Ok(())
}

/// A crate manifest without the [`LEFT_OUT`] sections (and any target-specific
/// dev-dependencies), with doctests off for its library (`lib_rs`: the crate has the default
/// `src/lib.rs`; a binary-only crate gets no `[lib]`).
fn trim_manifest(text: &str, lib_rs: bool) -> String {
    let mut out = String::new();
    let mut skipping = false;
    let mut has_lib = false;
    for line in text.lines() {
        if line.starts_with('[') {
            let header = line.trim();
            skipping = LEFT_OUT.contains(&header) || header.ends_with(".dev-dependencies]");
            if header == "[lib]" {
                has_lib = true;
                out.push_str("[lib]\ndoctest = false\n");
                continue;
            }
        }
        if !skipping {
            out.push_str(line);
            out.push('\n');
        }
    }
    if !has_lib && lib_rs {
        out.push_str("\n[lib]\ndoctest = false\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests_lose_what_drills_do_not_build_and_keep_the_rest() {
        let text = "[package]\nname = \"x\"\n\n[lib]\ncrate-type = [\"rlib\"]\n\n[dev-dependencies]\nwiremock = \"0.6\"\n\n[features]\ndefault = []\n\n[[bench]]\nname = \"b\"\nharness = false\n\n[target.'cfg(unix)'.dev-dependencies]\nnix = \"1\"\n\n[dependencies]\nserde = \"1\"\n";
        let trimmed = trim_manifest(text, true);
        assert_eq!(
            trimmed,
            "[package]\nname = \"x\"\n\n[lib]\ndoctest = false\ncrate-type = [\"rlib\"]\n\n[features]\ndefault = []\n\n[dependencies]\nserde = \"1\"\n"
        );
        assert!(
            trim_manifest("[package]\nname = \"y\"\n", true).ends_with("[lib]\ndoctest = false\n")
        );
        // A binary-only crate (the CLI) gets no library section.
        assert!(!trim_manifest("[package]\nname = \"z\"\n", false).contains("[lib]"));
    }

    #[test]
    fn the_closure_of_the_core_holds_its_path_dependencies() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let closure = path_closure(root, &["crates/bigcartel"]).unwrap();
        assert!(closure.contains("crates/bigcartel"));
        assert!(closure.contains("crates/bigcartel-jsonapi"), "{closure:?}");
        // Its dev-dependencies (the mock) are not built by a drill.
        assert!(!closure.contains("crates/bigcartel-mock"), "{closure:?}");
        assert!(path_closure(root, &["crates/nope"]).is_err());
    }
}
