//! The npm package's test step (`cargo xtask wasm --test`): `npm pack`, a fresh consumer project
//! that installs the tarball, and real runs against the mock server in Node (`node --test`, and
//! `tsc --noEmit` over a typed consumer), Deno, Bun, workerd and headless Chromium, each with the
//! shared webhook vectors, the shared corpus of broken responses
//! (`tests/vectors/bad-responses.json`), the `decode...` functions and the secrets checks. The
//! package itself is built by `npm`.

use crate::npm::{PACKAGE, build, copy_file, npm_tools, output_of, pack};
use crate::process::{MockProcess, files_under, path_str, run, target_dir};
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// The mock's seeded shop, for assertions that do not depend on our own code's output.
const MOCK_PRODUCTS: u32 = 23;
const MOCK_ORDERS: u32 = 31;

fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

fn wait_for_port(port: u16, child: &mut Child, timeout: Duration) -> Result<()> {
    let started = Instant::now();
    while started.elapsed() < timeout {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        if let Some(status) = child.try_wait()? {
            bail!("exited before listening ({status})");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    bail!("nothing listened on 127.0.0.1:{port} after {timeout:?}")
}

fn chromium() -> Result<()> {
    if Path::new("/usr/bin/chromium").exists() {
        return Ok(());
    }
    println!("installing Debian's chromium (apt-get)");
    let root = Path::new("/");
    run(root, "apt-get", &["update", "-qq"], &[])?;
    run(
        root,
        "apt-get",
        &["install", "-y", "-qq", "chromium"],
        &[("DEBIAN_FRONTEND", "noninteractive")],
    )
}

/// The consumer project: the packed tarball installed into a fresh folder with the test files.
fn consumer(root: &Path) -> Result<PathBuf> {
    let work = root.join("build/wasm-test");
    std::fs::create_dir_all(&work)?;
    for entry in std::fs::read_dir(&work)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "tgz") {
            std::fs::remove_file(path)?;
        }
    }
    let tarball = pack(root, &work)?;
    let tarball = tarball
        .file_name()
        .context("a tarball name")?
        .to_string_lossy()
        .into_owned();
    println!("packed build/wasm-test/{tarball}");
    let project = work.join("consumer");
    if project.exists() {
        std::fs::remove_dir_all(&project)?;
    }
    let tests = root.join("bindings/wasm/tests");
    for dir in ["shared", "node", "ts", "workerd", "browser"] {
        let mut files = Vec::new();
        files_under(&tests.join(dir), &mut files)?;
        for f in files {
            copy_file(&f, &project.join(f.strip_prefix(&tests)?))?;
        }
    }
    let manifest = serde_json::json!({
        "name": "bigcartel-sdk-consumer",
        "private": true,
        "type": "module",
        "dependencies": { PACKAGE: format!("file:../{tarball}") },
    });
    std::fs::write(
        project.join("package.json"),
        serde_json::to_string_pretty(&manifest)?,
    )?;
    let cache = root.join("build/npm-cache");
    run(
        &project,
        "npm",
        &[
            "install",
            "--no-audit",
            "--no-fund",
            "--no-package-lock",
            "--offline",
            "--cache",
            cache.to_str().context("non-UTF-8 path")?,
        ],
        &[],
    )?;
    Ok(project)
}

/// The workerd config: the worker, the shared checks, the vectors, and every file of the installed
/// package as a module, with the package's bare specifiers resolved through its `workerd`
/// conditions (what wrangler's bundler would do).
fn workerd_config(project: &Path, vectors: &Path, bad: &Path, port: u16) -> Result<String> {
    // workerd embeds files relative to its config only.
    std::fs::copy(vectors, project.join("webhooks.json"))?;
    std::fs::copy(bad, project.join("bad-responses.json"))?;
    let pkg_dir = project.join("node_modules").join(PACKAGE);
    let pkg: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(pkg_dir.join("package.json"))?)?;
    let mut modules = vec![
        r#"(name = "worker.mjs", esModule = embed "workerd/worker.mjs")"#.to_string(),
        r#"(name = "vectors.json", json = embed "webhooks.json")"#.to_string(),
        r#"(name = "bad-responses.json", json = embed "bad-responses.json")"#.to_string(),
    ];
    for f in [
        "check", "scenario", "vectors", "package", "decode", "bad", "secrets",
    ] {
        modules.push(format!(
            "(name = \"shared/{f}.mjs\", esModule = embed \"shared/{f}.mjs\")"
        ));
    }
    let mut files = Vec::new();
    files_under(&pkg_dir, &mut files)?;
    files.sort();
    for f in files {
        let rel = f
            .strip_prefix(project)?
            .to_string_lossy()
            .replace('\\', "/");
        let kind = match f.extension().and_then(|e| e.to_str()) {
            Some("js") => "esModule",
            Some("wasm") => "wasm",
            _ => continue,
        };
        modules.push(format!("(name = \"{rel}\", {kind} = embed \"{rel}\")"));
    }
    for (specifier, key) in [
        (PACKAGE.to_string(), "."),
        (format!("{PACKAGE}/webhooks"), "./webhooks"),
    ] {
        let target = pkg["exports"][key]["workerd"]
            .as_str()
            .with_context(|| format!("package.json has no workerd condition for {key}"))?;
        let target = format!("node_modules/{PACKAGE}/{}", target.trim_start_matches("./"));
        let up = "../".repeat(specifier.matches('/').count());
        modules.push(format!(
            "(name = \"{specifier}\", esModule = \"export * from \\\"./{up}{target}\\\";\")"
        ));
    }
    Ok(format!(
        r#"using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    # Outbound fetches may reach loopback only: the mock, never the internet.
    (name = "loopback", network = (allow = ["local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:{port}", http = (), service = "main")],
);

const worker :Workerd.Worker = (
  modules = [
    {}
  ],
  compatibilityDate = "2025-09-01",
  globalOutbound = "loopback",
);
"#,
        modules.join(",\n    ")
    ))
}

/// One runtime's run: a fresh mock (so writes in one runtime never affect another), then `f`.
fn run_runtime(
    name: &str,
    mock_bin: &Path,
    vectors: &Path,
    bad: &Path,
    f: impl FnOnce(&[(&str, &str)]) -> Result<()>,
) -> Result<()> {
    println!("\n--- {name}");
    let mock = MockProcess::start(
        mock_bin,
        &[
            "--products",
            &MOCK_PRODUCTS.to_string(),
            "--orders",
            &MOCK_ORDERS.to_string(),
        ],
    )?;
    let products = MOCK_PRODUCTS.to_string();
    let orders = MOCK_ORDERS.to_string();
    // The shared vectors sit side by side in tests/vectors.
    let unknown = vectors.with_file_name("unknown-things.json");
    let unknown = unknown.to_str().context("non-UTF-8 path")?;
    let vectors = vectors.to_str().context("non-UTF-8 path")?;
    let bad = bad.to_str().context("non-UTF-8 path")?;
    let envs = [
        ("BIGCARTEL_MOCK_URL", mock.url.as_str()),
        ("BIGCARTEL_MOCK_PRODUCTS", products.as_str()),
        ("BIGCARTEL_MOCK_ORDERS", orders.as_str()),
        ("WEBHOOK_VECTORS", vectors),
        ("BAD_RESPONSES", bad),
        ("UNKNOWN_THINGS", unknown),
    ];
    f(&envs)
}

/// `cargo xtask test`'s npm step: build, pack, install, and run in every runtime.
pub fn test(root: &Path) -> Result<()> {
    run(
        root,
        "rustup",
        &["target", "add", "wasm32-unknown-unknown"],
        &[],
    )?;
    chromium()?;
    let sizes = build(root)?;
    if !sizes.over.is_empty() {
        bail!(
            "the npm package is over its size budget:\n{}",
            sizes.over.join("\n")
        );
    }
    let tools = npm_tools(root)?;
    let bin = |name: &str| tools.join("node_modules/.bin").join(name);
    let project = consumer(root)?;
    run(root, "cargo", &["build", "-q", "-p", "bigcartel-mock"], &[])?;
    let mock_bin = target_dir(root).join("debug/bigcartel-mock");
    let vectors = root.join("tests/vectors/webhooks.json");
    let bad = root.join("tests/vectors/bad-responses.json");
    let tools_str = tools.to_str().context("non-UTF-8 path")?.to_string();
    let deno_dir = root.join("build/deno-dir");
    let deno_dir = deno_dir.to_str().context("non-UTF-8 path")?.to_string();

    type Runner<'a> = Box<dyn FnOnce(&[(&str, &str)]) -> Result<()> + 'a>;
    let project_ref = &project;
    let tools_ref = &tools;
    let runtimes: Vec<(&str, &str, Runner)> = vec![
        (
            "node",
            "node --test over the installed tarball, on the machine's Node and on Node 22 and 24 (from the npm registry): API against the mock, vectors, both entries, a hostile server, require() from CommonJS",
            Box::new(move |envs: &[(&str, &str)]| {
                let node22 = tools_ref.join("node_modules/node22/bin/node");
                let node24 = tools_ref.join("node_modules/node24/bin/node");
                let (node22, node24) = (path_str(&node22)?, path_str(&node24)?);
                for node in ["node", node22, node24] {
                    let version = output_of(Command::new(node).arg("--version"))
                        .with_context(|| format!("could not run {node}"))?;
                    println!("node {version}");
                    run(
                        project_ref,
                        node,
                        &[
                            "--test",
                            "--test-reporter=spec",
                            "node/package.test.mjs",
                            "node/hostile.test.mjs",
                            "node/unknown.test.mjs",
                            "node/require.test.cjs",
                        ],
                        envs,
                    )?;
                }
                Ok(())
            }),
        ),
        (
            "typescript",
            "tsc --noEmit (strict) over a consumer using the typed API, with @ts-expect-error probes",
            Box::new(|_: &[(&str, &str)]| {
                run(
                    project_ref,
                    bin("tsc").to_str().unwrap_or("tsc"),
                    &["-p", "ts/tsconfig.json"],
                    &[],
                )
            }),
        ),
        (
            "deno",
            "deno run: the deno entries, API against the mock, vectors",
            Box::new(|envs: &[(&str, &str)]| {
                let mut envs = envs.to_vec();
                envs.push(("DENO_DIR", deno_dir.as_str()));
                envs.push(("DENO_NO_UPDATE_CHECK", "1"));
                run(
                    project_ref,
                    bin("deno").to_str().unwrap_or("deno"),
                    &[
                        "run",
                        "--allow-read",
                        "--allow-env",
                        "--allow-net=127.0.0.1",
                        "shared/run.mjs",
                    ],
                    &envs,
                )
            }),
        ),
        (
            "bun",
            "bun: the node entries under the bun condition, API against the mock, vectors",
            Box::new(|envs: &[(&str, &str)]| {
                run(
                    project_ref,
                    bin("bun").to_str().unwrap_or("bun"),
                    &["shared/run.mjs"],
                    envs,
                )
            }),
        ),
        (
            "workerd",
            "workerd serve: a Worker importing the workerd entries (.wasm as a module); API against the mock, vectors, a webhook the mock signs and delivers",
            Box::new(|envs: &[(&str, &str)]| {
                let port = free_port()?;
                let config = workerd_config(project_ref, &vectors, &bad, port)?;
                std::fs::write(project_ref.join("workerd.capnp"), config)?;
                let mut child = Command::new(bin("workerd"))
                    .args(["serve", "workerd.capnp", "--verbose"])
                    .current_dir(project_ref)
                    .spawn()
                    .context("could not start workerd")?;
                let result = wait_for_port(port, &mut child, Duration::from_secs(60))
                    .context("workerd did not start")
                    .and_then(|()| {
                        let url = format!("http://127.0.0.1:{port}");
                        let mut envs = envs.to_vec();
                        envs.push(("WORKERD_URL", url.as_str()));
                        run(project_ref, "node", &["workerd/drive.mjs"], &envs)
                    });
                let _ = child.kill();
                let _ = child.wait();
                result
            }),
        ),
        (
            "chromium",
            "headless Chromium (playwright-core): a localhost page importing the browser entries; API against the mock through CORS, vectors",
            Box::new(|envs: &[(&str, &str)]| {
                let mut envs = envs.to_vec();
                envs.push(("WASM_TOOLS_DIR", tools_str.as_str()));
                run(project_ref, "node", &["browser/drive.mjs"], &envs)
            }),
        ),
    ];
    let mut report = Vec::new();
    let mut failed = Vec::new();
    for (name, what, f) in runtimes {
        let result = run_runtime(name, &mock_bin, &vectors, &bad, f);
        match result {
            Ok(()) => report.push(format!("  ok    {name:<11} {what}")),
            Err(e) => {
                println!("\n!!! {name} FAILED: {e:#}\n");
                report.push(format!("  FAIL  {name:<11} {what}: {e:#}"));
                failed.push(name);
            }
        }
    }
    println!("\nnpm package in every runtime:");
    for line in &report {
        println!("{line}");
    }
    if !failed.is_empty() {
        bail!("the npm package failed in: {}", failed.join(", "));
    }
    Ok(())
}
