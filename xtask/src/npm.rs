//! `cargo xtask wasm`: the npm package under `build/npm/` (its test step is `npm_test`).
//!
//! Build: the `bigcartel-wasm` crate twice with the `wasm-release` profile (the full client, and
//! without its `client` feature for the `<pkg>/webhooks` entry), with nightly's `build-std` (the
//! standard library rebuilt for size, panics that abort at once; stable is the loud fallback),
//! then `wasm-bindgen --target web` with a
//! wasm-bindgen-cli of exactly the `wasm-bindgen` crate's version (installed into `build/tools/`
//! from crates.io when missing), `wasm-opt -Oz` (npm `binaryen`), then the package: one entry
//! file per runtime (`bindings/wasm/js/entry/`), the shared error classes, `package.json` with its
//! `exports` map, README and a size report.

use crate::process::{files_under, path_str, run, target_dir};
use anyhow::{Context, Result, bail};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The npm package's name.
pub const PACKAGE: &str = "bigcartel-sdk";
/// The package's base name for the wasm-bindgen output (`full/bigcartel.js`, ...).
const OUT_NAME: &str = "bigcartel";
const CRATE: &str = "bigcartel-wasm";
/// The two builds: (folder in the package, extra cargo arguments).
const BUILDS: [(&str, &[&str]); 2] = [("full", &[]), ("webhooks", &["--no-default-features"])];
/// Size targets (gzip): the full client and the webhooks-only entry.
const FULL_TARGET_GZIP: u64 = 150 * 1024;
const WEBHOOKS_TARGET_GZIP: u64 = 15 * 1024;

/// A locked package's version, read from `Cargo.lock`.
pub fn locked_version(root: &Path, package: &str) -> Result<String> {
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).context("reading Cargo.lock")?;
    let needle = format!("name = \"{package}\"\nversion = \"");
    let start = lock
        .find(&needle)
        .with_context(|| format!("{package} is not in Cargo.lock"))?
        + needle.len();
    let end = lock[start..].find('"').context("malformed Cargo.lock")? + start;
    Ok(lock[start..end].to_string())
}

pub(crate) fn output_of(cmd: &mut Command) -> Option<String> {
    let out = cmd.output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// `build/tools/bin/wasm-bindgen`, installed from crates.io at exactly the crate's version.
fn wasm_bindgen_cli(root: &Path) -> Result<PathBuf> {
    let version = locked_version(root, "wasm-bindgen")?;
    let tools = root.join("build/tools");
    let bin = tools.join("bin/wasm-bindgen");
    let have = output_of(Command::new(&bin).arg("--version"));
    if have.as_deref() == Some(&format!("wasm-bindgen {version}")) {
        return Ok(bin);
    }
    println!("installing wasm-bindgen-cli {version} into build/tools (have: {have:?})");
    let root_arg = tools.to_str().context("non-UTF-8 path")?;
    let args = [
        "install",
        "--root",
        root_arg,
        "wasm-bindgen-cli",
        "--version",
        &version,
        "--force",
    ];
    let locked = [&args[..], &["--locked"]].concat();
    if run(root, "cargo", &locked, &[]).is_err() {
        // The CLI's own lock file can name a dependency version the registry no longer serves
        // (yanked); the CLI's version is still pinned exactly.
        println!(
            "\n!!! `cargo install wasm-bindgen-cli --version {version} --locked` failed; \
             retrying without --locked (same CLI version, freshly resolved dependencies)\n"
        );
        run(root, "cargo", &args, &[])?;
    }
    Ok(bin)
}

/// The npm tools (`bindings/wasm/tests/package.json`) in `build/wasm-tools`, installed when the
/// manifest changed. npm's download cache is `build/npm-cache`, so reruns do not download.
pub fn npm_tools(root: &Path) -> Result<PathBuf> {
    let dir = root.join("build/wasm-tools");
    let manifest = std::fs::read_to_string(root.join("bindings/wasm/tests/package.json"))?;
    let stamp = dir.join(".installed-manifest");
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(manifest.as_str())
        && dir.join("node_modules/.bin/wasm-opt").exists()
    {
        return Ok(dir);
    }
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("package.json"), &manifest)?;
    let cache = root.join("build/npm-cache");
    run(
        &dir,
        "npm",
        &[
            "install",
            "--no-audit",
            "--no-fund",
            "--prefer-offline",
            "--cache",
            cache.to_str().context("non-UTF-8 path")?,
        ],
        &[],
    )?;
    std::fs::write(&stamp, manifest)?;
    Ok(dir)
}

fn gzip_size(path: &Path) -> Result<u64> {
    let mut child = Command::new("gzip")
        .args(["-9", "-c"])
        .arg(path)
        .stdout(Stdio::piped())
        .spawn()
        .context("could not start gzip")?;
    let mut n = 0u64;
    let mut buf = [0u8; 65536];
    let mut out = child.stdout.take().context("gzip stdout")?;
    loop {
        let k = out.read(&mut buf)?;
        if k == 0 {
            break;
        }
        n += k as u64;
    }
    if !child.wait()?.success() {
        bail!("gzip failed on {}", path.display());
    }
    Ok(n)
}

fn kb(n: u64) -> String {
    format!("{:.1} KB", n as f64 / 1024.0)
}

pub(crate) fn copy_file(from: &Path, to: &Path) -> Result<()> {
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::copy(from, to)
        .with_context(|| format!("copying {} to {}", from.display(), to.display()))?;
    Ok(())
}

/// Points wasm-bindgen's copies of `js/errors.js` at the package's one `errors.js`, so both entries
/// throw instances of the same classes.
fn share_error_classes(build_dir: &Path, package: &Path) -> Result<()> {
    let mut files = Vec::new();
    files_under(&build_dir.join("snippets"), &mut files)?;
    for f in files.iter().filter(|f| f.ends_with("js/errors.js")) {
        let depth = f
            .parent()
            .and_then(|p| p.strip_prefix(package).ok())
            .map(|p| p.components().count())
            .context("snippet outside the package")?;
        let up = "../".repeat(depth);
        std::fs::write(
            f,
            format!(
                "// The package's one copy of the error classes.\nexport * from \"{up}errors.js\";\n"
            ),
        )?;
    }
    Ok(())
}

/// `bindings/wasm/js/package.json` with the crate's version (the exports map's order matters: the
/// first condition a runtime knows wins).
fn package_json(root: &Path) -> Result<String> {
    let version = locked_version(root, CRATE)?;
    let template = std::fs::read_to_string(root.join("bindings/wasm/js/package.json"))?;
    if !template.contains("\"version\": \"0.0.0\"") {
        bail!(
            "bindings/wasm/js/package.json must carry \"version\": \"0.0.0\" (filled in at build)"
        );
    }
    Ok(template.replacen(
        "\"version\": \"0.0.0\"",
        &format!("\"version\": \"{version}\""),
        1,
    ))
}

/// Which compiler builds the module.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Toolchain {
    /// Nightly with the standard library rebuilt for size and panics that abort at once (no panic
    /// messages or formatting machinery in the module): a third smaller.
    Nightly,
    /// Stable with the prebuilt standard library: the fallback when nightly is unavailable.
    Stable,
}

/// Builds the crate for wasm32 with the `wasm-release` profile; returns the raw `.wasm`.
fn cargo_build(root: &Path, extra: &[&str], toolchain: &mut Toolchain) -> Result<PathBuf> {
    let mut args = vec![
        "build",
        "-p",
        CRATE,
        "--target",
        "wasm32-unknown-unknown",
        "--profile",
        "wasm-release",
    ];
    args.extend_from_slice(extra);
    if *toolchain == Toolchain::Nightly {
        // Its own target dir: other RUSTFLAGS would otherwise rebuild the stable artifacts.
        let dir = target_dir(root).join("wasm-size");
        let dir_str = dir.to_str().context("non-UTF-8 path")?;
        let mut nightly = vec!["+nightly"];
        nightly.extend_from_slice(&args);
        nightly.extend_from_slice(&[
            "-Z",
            "build-std=std,core,alloc,panic_abort",
            "-Z",
            "build-std-features=optimize_for_size",
        ]);
        let result = run(
            root,
            "rustup",
            &[
                "toolchain",
                "install",
                "nightly",
                "--profile",
                "minimal",
                "--component",
                "rust-src",
            ],
            &[],
        )
        .and_then(|()| {
            run(
                root,
                "cargo",
                &nightly,
                &[
                    ("CARGO_TARGET_DIR", dir_str),
                    ("RUSTFLAGS", "-Zunstable-options -Cpanic=immediate-abort"),
                ],
            )
        });
        match result {
            Ok(()) => {
                return Ok(dir.join("wasm32-unknown-unknown/wasm-release/bigcartel_wasm.wasm"));
            }
            Err(e) => {
                println!(
                    "\n!!! the size-optimised nightly build failed ({e:#});\n!!! building with stable instead: \
                     the module works the same but is larger (see the size report)\n"
                );
                *toolchain = Toolchain::Stable;
            }
        }
    }
    run(root, "cargo", &args, &[])?;
    Ok(target_dir(root).join("wasm32-unknown-unknown/wasm-release/bigcartel_wasm.wasm"))
}

/// What `build` produced, for the report.
pub struct Sizes {
    /// `(entry, raw cargo output, after wasm-bindgen + wasm-opt, gzip -9 of that)`.
    pub rows: Vec<(String, u64, u64, u64)>,
    /// Entries over their gzip target, as report lines. Only a size-optimised (nightly) build
    /// is held to the targets; the stable fallback is known to be larger and says so.
    pub over: Vec<String>,
}

/// `cargo xtask wasm`: builds `build/npm/` and prints the size report.
pub fn build(root: &Path) -> Result<Sizes> {
    let wasm_bindgen = wasm_bindgen_cli(root)?;
    let tools = npm_tools(root)?;
    let wasm_opt = tools.join("node_modules/.bin/wasm-opt");
    let package = root.join("build/npm");
    if package.exists() {
        std::fs::remove_dir_all(&package)?;
    }
    std::fs::create_dir_all(&package)?;
    let mut sizes = Sizes {
        rows: Vec::new(),
        over: Vec::new(),
    };
    let mut toolchain = Toolchain::Nightly;
    for (name, extra) in BUILDS {
        let raw = cargo_build(root, extra, &mut toolchain)?;
        let raw_size = std::fs::metadata(&raw)?.len();
        let out = package.join(name);
        run(
            root,
            wasm_bindgen.to_str().context("non-UTF-8 path")?,
            &[
                raw.to_str().context("non-UTF-8 path")?,
                "--target",
                "web",
                "--out-dir",
                out.to_str().context("non-UTF-8 path")?,
                "--out-name",
                OUT_NAME,
            ],
            &[],
        )?;
        let wasm = out.join(format!("{OUT_NAME}_bg.wasm"));
        let wasm_str = wasm.to_str().context("non-UTF-8 path")?;
        // The features Rust's wasm32-unknown-unknown target enables by default.
        run(
            root,
            wasm_opt.to_str().context("non-UTF-8 path")?,
            &[
                "-Oz",
                "--enable-bulk-memory",
                "--enable-nontrapping-float-to-int",
                "--enable-sign-ext",
                "--enable-mutable-globals",
                "--enable-reference-types",
                "--enable-multivalue",
                "--strip-debug",
                "--strip-producers",
                wasm_str,
                "-o",
                wasm_str,
            ],
            &[],
        )?;
        share_error_classes(&out, &package)?;
        untyped_abi(&out)?;
        // wasm-bindgen's own package.json would make the folder look like a package of its own.
        let _ = std::fs::remove_file(out.join("package.json"));
        let _ = std::fs::remove_file(out.join(".gitignore"));
        sizes.rows.push((
            name.to_string(),
            raw_size,
            std::fs::metadata(&wasm)?.len(),
            gzip_size(&wasm)?,
        ));
    }
    let js = root.join("bindings/wasm/js");
    for f in ["errors.js", "errors.d.ts", "error-kinds.d.ts"] {
        copy_file(&js.join(f), &package.join(f))?;
    }
    for entry in std::fs::read_dir(js.join("entry"))? {
        let path = entry?.path();
        copy_file(&path, &package.join(path.file_name().context("file name")?))?;
    }
    copy_file(
        &root.join("bindings/wasm/README.md"),
        &package.join("README.md"),
    )?;
    std::fs::write(package.join("package.json"), package_json(root)?)?;
    check_no_any(&package)?;

    println!(
        "\nnpm package: build/npm ({PACKAGE}), built with {}",
        match toolchain {
            Toolchain::Nightly => "nightly (std rebuilt for size, immediate-abort panics)",
            Toolchain::Stable => "stable (FALLBACK: nightly was unavailable)",
        }
    );
    println!(
        "{:<10} {:>12} {:>22} {:>12}",
        "entry", "raw .wasm", "wasm-bindgen+wasm-opt", "gzip -9"
    );
    for (name, raw, opt, gz) in &sizes.rows {
        println!(
            "{name:<10} {:>12} {:>22} {:>12}",
            kb(*raw),
            kb(*opt),
            kb(*gz)
        );
    }
    for (name, _, _, gz) in &sizes.rows {
        let target = if name == "full" {
            FULL_TARGET_GZIP
        } else {
            WEBHOOKS_TARGET_GZIP
        };
        let verdict = if *gz <= target { "within" } else { "OVER" };
        let line = format!(
            "size target: {name} {} gzipped, {verdict} the {} target",
            kb(*gz),
            kb(target)
        );
        println!("{line}");
        if *gz > target && toolchain == Toolchain::Nightly {
            sizes.over.push(line);
        }
    }
    Ok(sizes)
}

/// wasm-bindgen declares its raw ABI (`InitOutput`, `*_bg.wasm.d.ts`) and wasm-streams' glue classes
/// with `any`. Nobody calls those: their declarations go, and `InitOutput` names them `unknown`.
fn untyped_abi(out: &Path) -> Result<()> {
    let _ = std::fs::remove_file(out.join(format!("{OUT_NAME}_bg.wasm.d.ts")));
    let dts = out.join(format!("{OUT_NAME}.d.ts"));
    let text = std::fs::read_to_string(&dts)?;
    let mut result = String::with_capacity(text.len());
    let mut in_abi = false;
    let mut in_streams = false;
    for line in text.lines() {
        // wasm-streams' classes (reqwest's response bodies) are exported for the glue only.
        if line.starts_with("export class IntoUnderlying") {
            in_streams = true;
        }
        if in_streams {
            in_streams = !line.starts_with('}');
            continue;
        }
        if line.starts_with("export interface InitOutput") {
            in_abi = true;
        }
        if in_abi {
            result.push_str(
                &line
                    .replace(": any", ": unknown")
                    .replace("=> any", "=> unknown"),
            );
        } else {
            result.push_str(line);
        }
        result.push('\n');
        if in_abi && line.starts_with('}') {
            in_abi = false;
        }
    }
    std::fs::write(&dts, result)?;
    Ok(())
}

/// The public TypeScript must not fall back to `any`.
fn check_no_any(package: &Path) -> Result<()> {
    let mut files = Vec::new();
    files_under(package, &mut files)?;
    let mut bad = Vec::new();
    for f in files
        .iter()
        .filter(|f| f.to_string_lossy().ends_with(".d.ts"))
    {
        let text = std::fs::read_to_string(f)?;
        for (i, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            let is_any = code
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .any(|w| w == "any");
            if is_any && !code.trim_start().starts_with('*') {
                bad.push(format!(
                    "{}:{}: {}",
                    f.strip_prefix(package).unwrap_or(f).display(),
                    i + 1,
                    line.trim()
                ));
            }
        }
    }
    if !bad.is_empty() {
        bail!(
            "the package's TypeScript declarations use `any`:\n  {}",
            bad.join("\n  ")
        );
    }
    Ok(())
}

/// `npm pack` of the built package (`build/npm`) into `dest`; the tarball's path.
pub fn pack(root: &Path, dest: &Path) -> Result<PathBuf> {
    let packed = crate::process::output(
        &root.join("build/npm"),
        "npm",
        &["pack", "--silent", "--pack-destination", path_str(dest)?],
        &[],
    )?;
    let name = String::from_utf8_lossy(&packed)
        .lines()
        .next_back()
        .context("npm pack printed no file name")?
        .trim()
        .to_string();
    Ok(dest.join(name))
}
