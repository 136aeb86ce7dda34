//! `cargo xtask release --dry-run`: every artifact of a release, built with the workspace's one
//! version into `build/release/<version>/`, each judged by its own ecosystem's checker. Nothing
//! is published: publishing needs registry credentials, which this command never reads.
//!
//! - **Crates**: `cargo package` for every publishable workspace member (the `.crate` files
//!   crates.io would receive; cargo checks the manifests, the path dependencies' versions and
//!   the files each crate ships).
//!   Before that, the library crates' public API is compared with the previous release tag
//!   ([`crate::semver`]): a breaking change needs the version to say so.
//! - **npm**: the package `cargo xtask wasm` builds, packed with `npm pack`, then `publint` (the
//!   `package.json`, its `exports` map and the files it points at) and `@arethetypeswrong/cli`
//!   (whether TypeScript resolves the types every way a user can import the package).
//! - **Python**: the wheel built for release: its library optimised, linked for glibc 2.17 and
//!   stripped ([`crate::portable`]), tagged `manylinux_2_17`, which `auditwheel show` must
//!   confirm; then `twine check` (the metadata PyPI would render) and an install into a fresh
//!   virtualenv.
//! - **Kotlin**: the library jar with the same release library inside and its POM, laid out
//!   as a Maven repository (`maven/com/bigcartel/bigcartel/<version>/`), built by `mvn verify`.
//! - **Swift**: the package source (`Package.swift` and the generated sources) as a tarball. No
//!   Swift toolchain runs here: the uniffi step checks its syntax, and the XCFramework it names is
//!   built on a Mac (see `bindings/uniffi/README.md`).
//! - Vulnerability audits of the npm and Python sides ([`crate::audit`]).
//! - `SHA256SUMS` over the artifacts, and `CHANGELOG.md`: the changelog's section for this
//!   release.

use crate::process::{path_str, python_venv, run, venv_bin};
use anyhow::{Context, Result, bail};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The Python packaging checker, pinned.
const TWINE: &str = "twine==7.0.0";

/// Run by the installed release wheel (see [`wheel`]).
const INSTALL_CHECK: &str = r#"
import bigcartel
body = b'{"type":"order.created"}'
bigcartel.verify_webhook("secret", body, bigcartel.sign_webhook("secret", body))
try:
    bigcartel.verify_webhook("secret", body, bigcartel.sign_webhook("other", body))
except bigcartel.WebhookError:
    print("release wheel: installs, loads its library, verifies and refuses webhooks")
else:
    raise SystemExit("a wrong signature was accepted")
"#;

/// The release directory: `build/release/<version>`.
pub fn out_dir(root: &Path, version: &str) -> PathBuf {
    root.join("build/release").join(version)
}

/// Builds and checks every artifact (see the module docs). Fails on the first checker that
/// finds a problem, with its output.
pub fn dry_run(root: &Path) -> Result<()> {
    release(root, Npm::Build)
}

/// The test command's step: as [`dry_run`], but the npm package its `npm` step has just built
/// (`build/npm`) is packed as it is instead of being built again.
pub fn dry_run_after_tests(root: &Path) -> Result<()> {
    release(root, Npm::Reuse)
}

/// Whether the npm package is built afresh or the one in `build/npm` is packed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Npm {
    Build,
    Reuse,
}

fn release(root: &Path, npm_build: Npm) -> Result<()> {
    let metadata = crate::process::cargo_metadata(root)?;
    let version = workspace_version(&metadata)?;
    let out = out_dir(root, &version);
    if out.exists() {
        std::fs::remove_dir_all(&out)?;
    }
    std::fs::create_dir_all(&out)?;
    println!("release {version} (dry run) into {}", out.display());

    changelog(root, &version, &out)?;
    println!("\n--- Rust: public API against the previous release tag");
    crate::semver::check(root, &version)?;
    let mut artifacts = crates(root, &metadata, &version, &out)?;
    artifacts.push(npm(root, &version, &out, npm_build)?);
    // The wheel and the jar carry the same native library, linked once.
    let library = crate::portable::library(root)?;
    artifacts.push(wheel(root, &version, &out, &library)?);
    artifacts.extend(kotlin(root, &version, &out, &library)?);
    artifacts.push(swift(root, &version, &out)?);
    checksums(&out, &artifacts)?;

    println!(
        "\nrelease {version}: {} artifacts, every checker clean",
        artifacts.len()
    );
    for a in &artifacts {
        let size = std::fs::metadata(a)?.len();
        println!(
            "  {:>9.1} KiB  {}",
            size as f64 / 1024.0,
            a.strip_prefix(&out).unwrap_or(a).display()
        );
    }
    Ok(())
}

/// Members crates.io would take (`publish` not set to `false`): their `cargo metadata` entries.
fn publishable_packages(metadata: &Value) -> Vec<&Value> {
    let members = metadata["workspace_members"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| members.contains(&p["id"]))
        .filter(|p| p["publish"] != serde_json::json!([]))
        .collect()
}

/// [`publishable_packages`] by name, with their versions.
fn publishable(metadata: &Value) -> Vec<(String, String)> {
    publishable_packages(metadata)
        .into_iter()
        .filter_map(|p| Some((p["name"].as_str()?.into(), p["version"].as_str()?.into())))
        .collect()
}

/// The one version every publishable crate carries (they inherit it from the workspace).
pub fn workspace_version(metadata: &Value) -> Result<String> {
    let crates = publishable(metadata);
    let (_, version) = crates.first().context("no publishable crate")?;
    if let Some((name, other)) = crates.iter().find(|(_, v)| v != version) {
        bail!("{name} is at {other}, the others at {version}: one version per release");
    }
    Ok(version.clone())
}

/// The changelog's section for `version` (or `Unreleased`, titled with the version), written to
/// `out/CHANGELOG.md`; fails when there is none or it is empty.
fn changelog(root: &Path, version: &str, out: &Path) -> Result<()> {
    let text =
        std::fs::read_to_string(root.join("CHANGELOG.md")).context("reading CHANGELOG.md")?;
    let section = changelog_section(&text, version).with_context(|| {
        format!("CHANGELOG.md has no `## {version}` or `## Unreleased` section with entries")
    })?;
    println!(
        "changelog: the {version} section, {} lines",
        section.lines().count()
    );
    std::fs::write(out.join("CHANGELOG.md"), section)?;
    Ok(())
}

/// The body of `## <version>` (or of `## Unreleased`), with a `## <version>` heading; `None` when
/// neither has a list entry.
pub fn changelog_section(text: &str, version: &str) -> Option<String> {
    let body = |heading: &str| -> Option<String> {
        let start = text.lines().position(|l| l.trim() == heading)?;
        let lines: Vec<&str> = text
            .lines()
            .skip(start + 1)
            .take_while(|l| !l.starts_with("## "))
            .collect();
        lines
            .iter()
            .any(|l| l.trim_start().starts_with("- "))
            .then(|| lines.join("\n").trim().to_string())
    };
    let body = body(&format!("## {version}")).or_else(|| body("## Unreleased"))?;
    Some(format!("## {version}\n\n{body}\n"))
}

/// What crates.io shows of a crate and its search needs, missing from `package` (one entry of
/// `cargo metadata`'s `packages`): the fields it renders on the crate's page, and keywords within
/// crates.io's limits (at most 5, each at most 20 ASCII letters, digits, `-` or `_`).
pub fn missing_metadata(package: &Value) -> Vec<String> {
    let mut missing: Vec<String> = [
        "description",
        "license",
        "repository",
        "homepage",
        "rust_version",
    ]
    .into_iter()
    .filter(|field| package[field].as_str().is_none_or(str::is_empty))
    .map(String::from)
    .collect();
    let list = |field: &str| package[field].as_array().cloned().unwrap_or_default();
    let keywords = list("keywords");
    let valid = |k: &Value| {
        k.as_str().is_some_and(|k| {
            !k.is_empty()
                && k.len() <= 20
                && k.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
    };
    if keywords.is_empty() || keywords.len() > 5 || !keywords.iter().all(valid) {
        missing.push(format!("keywords (1 to 5 valid ones; has {keywords:?})"));
    }
    if list("categories").is_empty() {
        missing.push("categories".into());
    }
    missing
}

/// `cargo package` for every publishable crate, into `out/crates/`, after each crate's
/// metadata is found complete ([`missing_metadata`]).
fn crates(root: &Path, metadata: &Value, version: &str, out: &Path) -> Result<Vec<PathBuf>> {
    let names: Vec<String> = publishable(metadata).into_iter().map(|(n, _)| n).collect();
    let incomplete: Vec<String> = publishable_packages(metadata)
        .into_iter()
        .filter_map(|p| {
            let missing = missing_metadata(p);
            (!missing.is_empty()).then(|| format!("{}: {}", p["name"], missing.join(", ")))
        })
        .collect();
    if !incomplete.is_empty() {
        bail!(
            "crate metadata incomplete for crates.io:\n  {}",
            incomplete.join("\n  ")
        );
    }
    println!("\n--- crates: cargo package ({})", names.join(", "));
    let target = out.join("cargo-target");
    let mut args = vec!["package", "--no-verify", "--allow-dirty", "--target-dir"];
    args.push(path_str(&target)?);
    for n in &names {
        args.extend(["-p", n.as_str()]);
    }
    run(root, "cargo", &args, &[])?;
    let dir = out.join("crates");
    std::fs::create_dir_all(&dir)?;
    let mut files = Vec::new();
    for n in &names {
        let file = format!("{n}-{version}.crate");
        let from = target.join("package").join(&file);
        std::fs::rename(&from, dir.join(&file))
            .with_context(|| format!("cargo package wrote no {}", from.display()))?;
        files.push(dir.join(file));
    }
    std::fs::remove_dir_all(&target)?;
    Ok(files)
}

/// The npm tarball, packed from a `cargo xtask wasm` build (made here unless `build` says to
/// reuse `build/npm`), then `publint` and `@arethetypeswrong/cli` on it.
fn npm(root: &Path, version: &str, out: &Path, build: Npm) -> Result<PathBuf> {
    println!("\n--- npm: build, npm pack, publint, @arethetypeswrong/cli");
    let package = root.join("build/npm");
    if build == Npm::Build || !package.join("package.json").exists() {
        crate::npm::build(root)?;
    }
    let tarball = crate::npm::pack(root, out)?;
    let expected = out.join(format!("{}-{version}.tgz", crate::npm::PACKAGE));
    if tarball != expected {
        bail!(
            "npm pack wrote {}, expected {}",
            tarball.display(),
            expected.display()
        );
    }
    let tools = crate::npm::npm_tools(root)?;
    let bin = |name: &str| tools.join("node_modules/.bin").join(name);
    // `--strict`: warnings fail too. publint reads the package folder the tarball was packed from.
    run(
        &package,
        path_str(&bin("publint"))?,
        &["run", "--strict", "--pack", "npm", "."],
        &[],
    )?;
    // One rule is set aside, on purpose: `cjs-resolves-to-esm` says `require()` reaches an ES
    // module, which attw's `node16` model cannot load. Node loads it since 20.19 and 22.12
    // (`require(esm)`; the entries have no top-level await), the `engines` field asks for those
    // versions, and the npm step's `require.test.cjs` runs on Node 20, 22 and 24.
    run(
        out,
        path_str(&bin("attw"))?,
        &[
            path_str(&tarball)?,
            "--format",
            "ascii",
            "--ignore-rules",
            "cjs-resolves-to-esm",
        ],
        &[],
    )?;
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(package.join("package.json"))?)?;
    crate::audit::npm(&manifest, &tools)?;
    Ok(tarball)
}

/// The release wheel (optimised, stripped, linked for an old glibc and judged by auditwheel),
/// then `twine check --strict` on it.
fn wheel(root: &Path, version: &str, out: &Path, library: &Path) -> Result<PathBuf> {
    println!("\n--- Python: release wheel (portable library, auditwheel), twine check");
    let tools = crate::uniffi::tools(root)?;
    let built = crate::portable::release_wheel(root, &tools, library, &out.join("wheel-build"))?;
    let name = built
        .file_name()
        .context("a wheel file name")?
        .to_string_lossy()
        .into_owned();
    if !name.starts_with(&format!("bigcartel-{version}-")) {
        bail!("the wheel {name} does not carry version {version}");
    }
    let wheel = out.join(&name);
    std::fs::rename(&built, &wheel)?;
    std::fs::remove_dir_all(out.join("wheel-build"))?;
    let venv = python_venv(root, &root.join("build/tools/twine"), false, &[TWINE])?;
    run(
        out,
        path_str(&venv_bin(&venv, "twine"))?,
        &["check", "--strict", path_str(&wheel)?],
        &[],
    )?;
    // Installed into a fresh virtualenv as a user would, the stripped library must still load
    // and answer: a webhook signed and verified through it, and a wrong signature refused.
    let fresh = python_venv(root, &out.join("install-check"), true, &[path_str(&wheel)?])?;
    run(
        out,
        path_str(&venv_bin(&fresh, "python"))?,
        &["-c", INSTALL_CHECK],
        &[],
    )?;
    std::fs::remove_dir_all(out.join("install-check"))?;
    crate::audit::python(root, &wheel, &[&tools, &venv])?;
    Ok(wheel)
}

/// The Kotlin jar (the release library inside, stripped) and its POM, laid out as a Maven
/// repository lays them out, built by `mvn verify` over the generated Kotlin.
fn kotlin(root: &Path, version: &str, out: &Path, library: &Path) -> Result<Vec<PathBuf>> {
    println!("\n--- Kotlin: the jar with the release library, mvn verify");
    // The Kotlin sources, generated from the dev library (the portable one has no static symbol
    // table, where uniffi reads its metadata); the jar carries the portable library, the one
    // the wheel carries.
    crate::uniffi::generate(root, true)?;
    let jar = crate::uniffi::library_jar(root, library, "--strip-all", "verify")?;
    let dir = out.join(format!("maven/com/bigcartel/bigcartel/{version}"));
    std::fs::create_dir_all(&dir)?;
    let (to_jar, to_pom) = (
        dir.join(format!("bigcartel-{version}.jar")),
        dir.join(format!("bigcartel-{version}.pom")),
    );
    std::fs::copy(&jar, &to_jar)?;
    std::fs::copy(root.join("bindings/uniffi/kotlin/pom.xml"), &to_pom)?;
    Ok(vec![to_jar, to_pom])
}

/// The Swift package's source (`Package.swift` and `generated/`) as `swift/` in a tarball.
fn swift(root: &Path, version: &str, out: &Path) -> Result<PathBuf> {
    println!("\n--- Swift: the package source");
    let tarball = out.join(format!("bigcartel-swift-{version}.tar.gz"));
    run(
        &root.join("bindings/uniffi"),
        "tar",
        &[
            "--create",
            "--gzip",
            "--file",
            path_str(&tarball)?,
            "swift/Package.swift",
            "swift/generated",
        ],
        &[],
    )?;
    Ok(tarball)
}

/// `SHA256SUMS` in the format `sha256sum -c` reads, paths relative to `out`.
fn checksums(out: &Path, artifacts: &[PathBuf]) -> Result<()> {
    let mut lines = String::new();
    for a in artifacts {
        let digest = Sha256::digest(std::fs::read(a)?);
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        let rel = a.strip_prefix(out).unwrap_or(a);
        lines.push_str(&format!("{hex}  {}\n", rel.display()));
    }
    std::fs::write(out.join("SHA256SUMS"), lines)?;
    // The file must verify with the standard tool, as a user would check a download.
    run(out, "sha256sum", &["--check", "--quiet", "SHA256SUMS"], &[])
}

#[cfg(test)]
mod tests {
    use super::{Value, changelog_section, missing_metadata};

    #[test]
    fn crate_metadata_is_complete_only_with_every_field_and_valid_keywords() {
        let mut package = serde_json::json!({
            "description": "d", "license": "MIT", "repository": "https://x", "homepage": "https://x",
            "rust_version": "1.88", "keywords": ["api", "json-api"], "categories": ["api-bindings"]
        });
        assert!(missing_metadata(&package).is_empty());
        package["keywords"] = serde_json::json!(["has space"]);
        package["homepage"] = Value::Null;
        package["categories"] = serde_json::json!([]);
        let missing = missing_metadata(&package);
        assert_eq!(missing.len(), 3, "{missing:?}");
        assert!(missing[0] == "homepage" && missing[1].starts_with("keywords"));
    }

    #[test]
    fn the_unreleased_section_is_titled_with_the_version() {
        let text = "# Changelog\n\n## Unreleased\n\n### Added\n- a thing\n\n## 0.0.9\n\n- old\n";
        assert_eq!(
            changelog_section(text, "0.1.0").unwrap(),
            "## 0.1.0\n\n### Added\n- a thing\n"
        );
    }

    #[test]
    fn a_versioned_section_wins_and_an_empty_one_is_refused() {
        let text = "## Unreleased\n\n- next\n\n## 0.1.0\n\n- this one\n";
        assert_eq!(
            changelog_section(text, "0.1.0").unwrap(),
            "## 0.1.0\n\n- this one\n"
        );
        assert!(changelog_section("## Unreleased\n\nnothing yet\n", "0.1.0").is_none());
    }
}
