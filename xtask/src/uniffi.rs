//! `cargo xtask bindings` and the uniffi test step: Python, Kotlin and Swift sources generated
//! from the built `bigcartel-uniffi` library, then tested in each language.
//!
//! Sources are generated in library mode from an unstripped dev build (stripping removes the
//! metadata uniffi reads). Python and Kotlin are generated into `build/uniffi/gen/`; the Swift
//! sources are checked in under `bindings/uniffi/swift/generated/` as a snapshot, since no Swift
//! compiler runs here: a change to them shows in review, and `--check` fails on drift.
//! Everything downloaded (pip packages, Maven artifacts) is cached under `build/`.

use crate::process::{path_str, python_venv as venv, run, target_dir, venv_bin as python_bin};
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The bindings crate, relative to the workspace root.
pub(crate) const CRATE_DIR: &str = "bindings/uniffi";
/// The checked-in Swift snapshot, relative to the workspace root.
const SWIFT_DIR: &str = "bindings/uniffi/swift/generated";
/// Tools for building and checking, pinned (PyPI).
const TOOLS: &[&str] = &[
    "maturin==1.16.0",
    "tree-sitter==0.26.1",
    "tree-sitter-swift==0.7.4",
    // Unpacks and repacks the release wheel around its portable library, and retags it.
    "wheel==0.48.0",
    // Judges which manylinux tag the release wheel's library really allows.
    "auditwheel==6.8.2",
];
/// What the Python tests need besides the wheel (PyPI).
const TEST_PACKAGES: &[&str] = &["pytest==9.2.0", "mypy==2.4.1"];

/// The built cdylib (dev profile: unstripped, so its uniffi metadata is intact).
fn library(root: &Path) -> PathBuf {
    target_dir(root).join("debug").join(library_name())
}

/// The cdylib's file name on this platform.
pub fn library_name() -> &'static str {
    if cfg!(target_os = "macos") {
        "libbigcartel_uniffi.dylib"
    } else if cfg!(windows) {
        "bigcartel_uniffi.dll"
    } else {
        "libbigcartel_uniffi.so"
    }
}

fn gen_dir(root: &Path) -> PathBuf {
    root.join("build/uniffi/gen")
}

/// Builds the library and the pinned `uniffi-bindgen`, then generates Python, Kotlin and Swift
/// sources from the library. With `check`, the Swift snapshot must match; otherwise it is
/// rewritten.
pub fn generate(root: &Path, check: bool) -> Result<()> {
    // Each is built as maturin builds it, so maturin's build reuses these artifacts instead of
    // compiling the dependencies again with other features: the library on its own, the
    // bindgen as `cargo run --bin uniffi-bindgen` from the workspace root (every member's
    // features unified), which is how maturin runs a workspace's own uniffi-bindgen.
    run(root, "cargo", &["build", "-p", "bigcartel-uniffi"], &[])?;
    run(root, "cargo", &["build", "--bin", "uniffi-bindgen"], &[])?;
    let lib = library(root);
    let bindgen = target_dir(root).join("debug/uniffi-bindgen");
    let out = gen_dir(root);
    if out.exists() {
        std::fs::remove_dir_all(&out)?;
    }
    for lang in ["python", "kotlin", "swift"] {
        let dir = out.join(lang);
        run(
            root,
            path_str(&bindgen)?,
            &[
                "generate",
                "--no-format",
                "--language",
                lang,
                "--out-dir",
                path_str(&dir)?,
                path_str(&lib)?,
            ],
            &[],
        )?;
    }
    let snapshot = root.join(SWIFT_DIR);
    let mut drift = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(out.join("swift"))?
        .map(|e| e.map(|e| e.file_name()))
        .collect::<std::io::Result<_>>()?;
    names.sort();
    for name in &names {
        let fresh = std::fs::read_to_string(out.join("swift").join(name))?;
        let current = std::fs::read_to_string(snapshot.join(name)).unwrap_or_default();
        if fresh != current {
            if check {
                let diff = similar::TextDiff::from_lines(&current, &fresh);
                eprintln!(
                    "{}",
                    diff.unified_diff().context_radius(2).header(
                        &format!("{SWIFT_DIR}/{} (checked in)", name.to_string_lossy()),
                        "generated"
                    )
                );
                drift.push(name.to_string_lossy().into_owned());
            } else {
                std::fs::create_dir_all(&snapshot)?;
                std::fs::write(snapshot.join(name), fresh)?;
                println!("wrote {SWIFT_DIR}/{}", name.to_string_lossy());
            }
        }
    }
    // A file uniffi no longer generates must not linger in the snapshot.
    if snapshot.exists() {
        for entry in std::fs::read_dir(&snapshot)? {
            let name = entry?.file_name();
            if !names.contains(&name) {
                if check {
                    drift.push(format!("{} (no longer generated)", name.to_string_lossy()));
                } else {
                    std::fs::remove_file(snapshot.join(&name))?;
                }
            }
        }
    }
    if !drift.is_empty() {
        bail!(
            "the Swift snapshot is out of date ({}); run `cargo xtask bindings`",
            drift.join(", ")
        );
    }
    println!(
        "bindings: Python and Kotlin in build/uniffi/gen, Swift in {SWIFT_DIR} ({})",
        if check { "matches" } else { "up to date" }
    );
    Ok(())
}

/// The virtualenv the Python tests run in, with the wheel installed (kept after the step; the
/// benchmark runs the Python rows with it).
const TEST_VENV: &str = "build/uniffi/test-venv";

/// The Python interpreter of the test virtualenv (`build/uniffi/test-venv`).
pub fn test_python(root: &Path) -> PathBuf {
    python_bin(&root.join(TEST_VENV), "python")
}

/// The test step: generate (Swift snapshot checked), then Swift syntax, the Python wheel with
/// pytest and mypy in a fresh virtualenv, and the Kotlin tests on the JVM, all against the mock.
pub fn test(root: &Path) -> Result<()> {
    run(root, "cargo", &["build", "-p", "bigcartel-mock"], &[])?;
    generate(root, true)?;
    let mock = target_dir(root).join("debug/bigcartel-mock");
    let tools = tools(root)?;

    println!("\n--- Swift: snapshot matches; tree-sitter-swift parse; C header compiles");
    swift(root, &tools)?;

    println!("\n--- Python: wheel (maturin), fresh virtualenv, pytest, mypy --strict");
    python(root, &tools, &mock)?;

    println!(
        "\n--- Kotlin: the library jar (kotlinc via Maven) installed into build/m2; a consumer project depending on it runs the tests on the JVM"
    );
    kotlin(root, &mock)?;
    Ok(())
}

fn swift(root: &Path, tools: &Path) -> Result<()> {
    let py = python_bin(tools, "python");
    let checker = root.join("bindings/uniffi/swift/check_syntax.py");
    let swift_file = root.join(SWIFT_DIR).join("BigCartel.swift");
    let manifest = root.join(CRATE_DIR).join("swift/Package.swift");
    run(
        root,
        path_str(&py)?,
        &[
            path_str(&checker)?,
            path_str(&swift_file)?,
            path_str(&manifest)?,
        ],
        &[],
    )?;
    // The checker must reject a broken file, or its passing means nothing.
    let broken = gen_dir(root).join("swift-broken.swift");
    let text = std::fs::read_to_string(&swift_file)?;
    std::fs::write(&broken, text.replacen("func ", "func (", 1))?;
    let status = Command::new(&py)
        .args([&checker, &broken])
        .current_dir(root)
        .stdout(std::process::Stdio::null())
        .status()?;
    if status.success() {
        bail!("the Swift syntax check accepted a deliberately broken file");
    }
    println!("the Swift syntax check rejects a deliberately broken copy, as it should");
    // The C header Swift imports through the modulemap, compiled for real (by gcc here: clang's
    // nullability qualifiers are defined away, they only annotate pointers for Swift).
    let unit = gen_dir(root).join("ffi_header_check.c");
    std::fs::write(
        &unit,
        "#include \"BigCartelFFI.h\"\nint main(void) { return 0; }\n",
    )?;
    let include = format!("-I{}", path_str(&root.join(SWIFT_DIR))?);
    run(
        root,
        "cc",
        &[
            "-fsyntax-only",
            "-Wall",
            "-Werror",
            "-D_Nonnull=",
            "-D_Nullable=",
            "-D_Null_unspecified=",
            &include,
            path_str(&unit)?,
        ],
        &[],
    )?;
    println!("BigCartelFFI.h compiles (cc -fsyntax-only -Wall -Werror)");
    Ok(())
}

/// The packaging tools (maturin, wheel, auditwheel, the Swift syntax checker; pinned) in their
/// virtualenv, installed or reused.
pub fn tools(root: &Path) -> Result<PathBuf> {
    venv(root, &root.join("build/uniffi/tools"), false, TOOLS)
}

/// Builds the wheel with maturin into `out` (emptied first): dev profile, or release. The
/// library inside is left unstripped: maturin's `--strip` strips before uniffi-bindgen reads
/// the library's uniffi metadata, which then finds none.
pub fn build_wheel(root: &Path, tools: &Path, out: &Path, release: bool) -> Result<PathBuf> {
    if out.exists() {
        std::fs::remove_dir_all(out)?;
    }
    let mut args = vec!["build", "--out", path_str(out)?];
    if release {
        args.push("--release");
    }
    run(
        &root.join(CRATE_DIR),
        path_str(&python_bin(tools, "maturin"))?,
        &args,
        &[],
    )?;
    let wheel = only_wheel(out)?;
    println!(
        "wheel: {} ({:.1} MiB, {} profile)",
        wheel.file_name().unwrap_or_default().to_string_lossy(),
        std::fs::metadata(&wheel)?.len() as f64 / (1024.0 * 1024.0),
        if release { "release" } else { "dev" }
    );
    Ok(wheel)
}

/// The one wheel in `dir`: an error when there is none, or more than one.
pub fn only_wheel(dir: &Path) -> Result<PathBuf> {
    let wheels: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "whl"))
        .collect();
    match wheels.as_slice() {
        [one] => Ok(one.clone()),
        _ => bail!("{} holds {} wheels, not one", dir.display(), wheels.len()),
    }
}

/// For the benchmark's measured run: a release wheel in a virtualenv of its own
/// (`build/uniffi/bench-venv`); returns its Python interpreter. The test step's wheel is a dev
/// build, whose figures would say nothing about what users install.
pub fn bench_python(root: &Path) -> Result<PathBuf> {
    let tools = tools(root)?;
    let wheel = build_wheel(
        root,
        &tools,
        &root.join("build/uniffi/wheels-release"),
        true,
    )?;
    let dir = venv(
        root,
        &root.join("build/uniffi/bench-venv"),
        true,
        &[path_str(&wheel)?],
    )?;
    Ok(python_bin(&dir, "python"))
}

/// The Kotlin row of the bench: the library jar installed into `build/m2` (the release library
/// inside, or with `smoke` the dev one), then the bench's Maven project compiled and run on the
/// saved pages in `bodies`; returns its JSON line.
pub fn bench_kotlin(root: &Path, bodies: &Path, smoke: bool) -> Result<String> {
    generate(root, false)?;
    let lib = if smoke {
        library(root)
    } else {
        run(
            root,
            "cargo",
            &["build", "--release", "-p", "bigcartel-uniffi"],
            &[],
        )?;
        target_dir(root).join("release").join(library_name())
    };
    library_jar(root, &lib, "--strip-debug", "install")?;
    let mut exec_args = path_str(bodies)?.to_string();
    if smoke {
        exec_args.push_str(" --smoke");
    }
    let out = mvn_command(
        root,
        &root.join("crates/bigcartel-bench/peers/kotlin/pom.xml"),
    )?
    .arg("-q")
    .arg(format!("-Dexec.args={exec_args}"))
    .args(["compile", "exec:java"])
    .stderr(std::process::Stdio::inherit())
    .output()
    .context("running mvn for the Kotlin bench")?;
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        bail!("the Kotlin bench failed ({}): {text}", out.status);
    }
    // The Kotlin plugin writes colour codes even when quiet: the row starts at its `{"row"`.
    text.lines()
        .filter_map(|l| l.find("{\"row\"").map(|at| &l[at..]))
        .next_back()
        .map(str::to_owned)
        .with_context(|| format!("the Kotlin bench printed no result: {text}"))
}

fn python(root: &Path, tools: &Path, mock: &Path) -> Result<()> {
    // A dev build: the same unstripped library the other languages are generated from.
    let wheel = build_wheel(root, tools, &root.join("build/uniffi/wheels"), false)?;
    let mut packages = vec![path_str(&wheel)?];
    packages.extend_from_slice(TEST_PACKAGES);
    let env_dir = venv(root, &root.join(TEST_VENV), true, &packages)?;
    let tests = root.join(CRATE_DIR).join("python/tests");
    let vectors = root.join("tests/vectors/webhooks.json");
    let bad = root.join("tests/vectors/bad-responses.json");
    let unknown = root.join("tests/vectors/unknown-things.json");
    let envs = [
        ("BIGCARTEL_MOCK_BIN", path_str(mock)?),
        ("BIGCARTEL_WEBHOOK_VECTORS", path_str(&vectors)?),
        ("BIGCARTEL_BAD_RESPONSES", path_str(&bad)?),
        ("BIGCARTEL_UNKNOWN_THINGS", path_str(&unknown)?),
        ("PYTHONDONTWRITEBYTECODE", "1"),
    ];
    // Run from the tests directory so `import bigcartel` can only find the installed wheel.
    run(
        &tests,
        path_str(&python_bin(&env_dir, "pytest"))?,
        &["-p", "no:cacheprovider", "-q"],
        &envs,
    )?;
    let cache = root.join("build/uniffi/mypy-cache");
    let mypy = python_bin(&env_dir, "mypy");
    run(
        &tests,
        path_str(&mypy)?,
        &[
            "--strict",
            "--cache-dir",
            path_str(&cache)?,
            "typed_consumer.py",
        ],
        &[],
    )?;
    // The types must be real: misuse has to be caught, or a clean run means nothing.
    let misuse = root.join("build/uniffi/typed_misuse.py");
    std::fs::write(
        &misuse,
        "import bigcartel\n\n\nasync def f(client: bigcartel.Client) -> None:\n    \
         page = await client.list_products()\n    total: str = page.total\n    \
         await client.get_order(42)\n    bigcartel.OrderInput(shipping_status=1)\n",
    )?;
    let out = Command::new(&mypy)
        .args([
            "--strict",
            "--cache-dir",
            path_str(&cache)?,
            path_str(&misuse)?,
        ])
        .current_dir(&tests)
        .output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    if out.status.success() || !text.contains("Found 3 errors") {
        bail!(
            "mypy should report the 3 type errors in {}; it said:\n{text}",
            misuse.display()
        );
    }
    println!("mypy --strict: typed_consumer.py clean; the 3 deliberate misuses are reported");
    Ok(())
}

/// JNA's resource folder for this machine's platform (where it looks for the library inside a
/// jar), as `com.sun.jna.Platform.RESOURCE_PREFIX` names it.
fn jna_resource_prefix() -> Result<&'static str> {
    Ok(match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", "x86_64") => "linux-x86-64",
        ("linux", "aarch64") => "linux-aarch64",
        ("macos", "x86_64") => "darwin-x86-64",
        ("macos", "aarch64") => "darwin-aarch64",
        ("windows", "x86_64") => "win32-x86-64",
        (os, arch) => bail!("no JNA resource folder known for {os}/{arch}"),
    })
}

/// The Kotlin library's POM must carry the workspace's version, and the consumer must ask for it.
fn check_kotlin_versions(root: &Path) -> Result<String> {
    let version = crate::npm::locked_version(root, "bigcartel")?;
    let dir = root.join(CRATE_DIR).join("kotlin");
    let library = std::fs::read_to_string(dir.join("pom.xml"))?;
    let consumer = std::fs::read_to_string(dir.join("consumer/pom.xml"))?;
    let own = format!("<artifactId>bigcartel</artifactId>\n  <version>{version}</version>");
    let asked = format!("<bigcartel.version>{version}</bigcartel.version>");
    if !library.contains(&own) || !consumer.contains(&asked) {
        bail!(
            "bindings/uniffi/kotlin/pom.xml (and consumer/pom.xml's bigcartel.version) must carry the workspace version {version}"
        );
    }
    Ok(version)
}

/// The library jar (`com.bigcartel:bigcartel`): Maven `goal` (`install`, `verify`) on
/// `kotlin/pom.xml` over the generated Kotlin (`cargo xtask bindings`), with `lib` inside as a
/// JNA resource after `strip` with `strip_flag`; returns the jar Maven built.
pub fn library_jar(root: &Path, lib: &Path, strip_flag: &str, goal: &str) -> Result<PathBuf> {
    let version = check_kotlin_versions(root)?;
    let prefix = jna_resource_prefix()?;
    let native = root.join("build/uniffi/jar-native");
    if native.exists() {
        std::fs::remove_dir_all(&native)?;
    }
    let packed = native
        .join(prefix)
        .join(lib.file_name().context("a library file name")?);
    std::fs::create_dir_all(packed.parent().context("a folder")?)?;
    std::fs::copy(lib, &packed)?;
    run(root, "strip", &[strip_flag, path_str(&packed)?], &[])?;
    mvn(
        root,
        &root.join(CRATE_DIR).join("kotlin/pom.xml"),
        &[
            format!(
                "-Duniffi.kotlin.dir={}",
                path_str(&gen_dir(root).join("kotlin"))?
            ),
            format!("-Dnative.dir={}", path_str(&native)?),
        ],
        goal,
    )?;
    let jar = root.join(format!("build/uniffi/maven-lib/bigcartel-{version}.jar"));
    println!(
        "Kotlin: {} ({:.1} MiB; the library for {} inside)",
        jar.file_name().unwrap_or_default().to_string_lossy(),
        std::fs::metadata(&jar)
            .with_context(|| format!("Maven wrote no {}", jar.display()))?
            .len() as f64
            / 1048576.0,
        prefix
    );
    Ok(jar)
}

/// Maven, batch mode, on `pom` with the project's local repository (`build/m2`, also the cache of
/// what Maven downloads).
///
/// Without the library path `cargo run` gives its child processes: on it, JNA would load the
/// dev library from `target/` before the one packed in the jar, and the jar would go untested.
fn mvn(root: &Path, pom: &Path, props: &[String], goal: &str) -> Result<()> {
    let status = mvn_command(root, pom)?
        .args(props)
        .arg(goal)
        .status()
        .context("could not start `mvn`")?;
    if !status.success() {
        bail!("`mvn {goal}` on {} failed ({status})", pom.display());
    }
    Ok(())
}

/// `mvn` in batch mode on `pom` with the project's local repository, run in `root`, without the
/// dynamic library path (see [`mvn`]); the caller adds properties and goals.
fn mvn_command(root: &Path, pom: &Path) -> Result<Command> {
    let repo = format!("-Dmaven.repo.local={}", path_str(&root.join("build/m2"))?);
    let mut cmd = Command::new("mvn");
    cmd.current_dir(root)
        .env_remove("LD_LIBRARY_PATH")
        .env_remove("DYLD_FALLBACK_LIBRARY_PATH")
        .args(["-B", "--no-transfer-progress", "-f", path_str(pom)?, &repo]);
    Ok(cmd)
}

/// The library jar (the dev library inside, debug info stripped) installed into `build/m2`, then
/// the consumer project, which depends on it by coordinates, compiled and run against the mock
/// with no library path set.
fn kotlin(root: &Path, mock: &Path) -> Result<()> {
    library_jar(root, &library(root), "--strip-debug", "install")?;
    let vectors = root.join("tests/vectors/webhooks.json");
    mvn(
        root,
        &root.join(CRATE_DIR).join("kotlin/consumer/pom.xml"),
        &[
            format!("-Dmock.bin={}", path_str(mock)?),
            format!("-Dwebhook.vectors={}", path_str(&vectors)?),
        ],
        "test",
    )
}
