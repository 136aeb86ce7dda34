//! `cargo xtask test` and `cargo xtask drill`: the whole test suite, and the spec-change drill.

use anyhow::{Context, Result, bail};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

/// Runs a command in `dir`, streaming its output; fails with the command line on a non-zero exit.
pub fn run(dir: &Path, program: &str, args: &[&str], envs: &[(&str, &str)]) -> Result<()> {
    let mut cmd = Command::new(program);
    cmd.args(args).current_dir(dir);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let status = cmd
        .status()
        .with_context(|| format!("could not start `{program}`"))?;
    if !status.success() {
        bail!("`{program} {}` failed ({status})", args.join(" "));
    }
    Ok(())
}

/// The body of a test-suite step, given the workspace root.
pub type StepFn = Box<dyn Fn(&Path) -> Result<()>>;

/// A named step of the test suite.
pub struct Step {
    /// A short name for `cargo xtask test --step` (`clippy`, `npm`).
    pub id: &'static str,
    /// What the step checks.
    pub name: &'static str,
    /// The step itself.
    pub run: StepFn,
}

/// Runs every step in order, printing a header and the time each took, then a summary. A failed
/// step does not stop the others (one formatting slip should not hide a test result); the run
/// fails if any step failed.
pub fn run_steps(root: &Path, steps: Vec<Step>) -> Result<()> {
    let started = Instant::now();
    let mut lines = Vec::new();
    let mut failed = Vec::new();
    for step in steps {
        println!("\n==> [{}] {}{}", step.id, step.name, disk_free(root));
        let t = Instant::now();
        let result = (step.run)(root);
        let secs = t.elapsed().as_secs_f64();
        match result {
            Ok(()) => lines.push(format!("  ok    {:>7.1}s  {}", secs, step.name)),
            Err(e) => {
                // A full disk makes unrelated steps fail at once; say so beside the failure.
                println!("step failed: {}: {e:#}{}", step.name, disk_free(root));
                lines.push(format!("  FAIL  {:>7.1}s  {}", secs, step.name));
                failed.push(step.name);
            }
        }
    }
    println!("\nsummary:");
    for line in &lines {
        println!("{line}");
    }
    println!(
        "{} step(s) in {:.1}s",
        lines.len(),
        started.elapsed().as_secs_f64()
    );
    if !failed.is_empty() {
        bail!("{} step(s) failed: {}", failed.len(), failed.join("; "));
    }
    println!("all steps passed");
    Ok(())
}

/// `" (disk: N GiB free)"` for the file system holding `root`, from POSIX `df -Pk`; empty where
/// `df` is missing or answers something else.
fn disk_free(root: &Path) -> String {
    let Ok(out) = Command::new("df").arg("-Pk").arg(root).output() else {
        return String::new();
    };
    let text = String::from_utf8_lossy(&out.stdout);
    // Second line, fourth column: available 1024-byte blocks.
    let kb = text
        .lines()
        .nth(1)
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|v| v.parse::<u64>().ok());
    match kb {
        Some(kb) => format!(" (disk: {:.1} GiB free)", kb as f64 / 1_048_576.0),
        None => String::new(),
    }
}

/// The spec-change drill: in a scratch copy of the workspace, add an attribute (`sku` on
/// products) and a query parameter (`filter[sku]` on listProducts) to the spec, run
/// `cargo xtask codegen`, and compile and run a test that uses both, with no other edit.
pub fn drill(root: &Path) -> Result<()> {
    let scratch = crate::scratch::workspace(
        root,
        "bigcartel-drill",
        &["crates/bigcartel", "bindings/wasm", "xtask"],
        &["spec", ".cargo"],
    )?;

    // The spec edit a changelog entry would bring.
    let spec_path = scratch.join("spec/bigcartel.v1.yaml");
    let spec = std::fs::read_to_string(&spec_path)?;
    let spec = spec.replacen(
        "    ProductAttributes:\n      type: object\n      properties:\n",
        "    ProductAttributes:\n      type: object\n      properties:\n        sku: { type: string, nullable: true, description: The product's stock keeping unit. }\n",
        1,
    );
    let spec = spec.replacen(
        "        - name: filter[artist_id]\n",
        "        - name: filter[sku]\n          in: query\n          description: Filter products by SKU.\n          schema: { type: string }\n        - name: filter[artist_id]\n",
        1,
    );
    if !spec.contains("filter[sku]") || !spec.contains("sku: { type: string") {
        bail!("the drill could not find where to edit the spec; update xtask/src/tasks.rs");
    }
    std::fs::write(&spec_path, spec)?;

    let target_dir = root.join("target");
    let target = target_dir.to_str().context("non-UTF-8 target dir")?;
    let envs = [("CARGO_TARGET_DIR", target)];
    codegen_in(&scratch)?;

    let test = r##"
use bigcartel::models::Product;
#[test]
fn the_new_attribute_and_parameter_arrived() {
    let body = br#"{"data":{"type":"products","id":"1","attributes":{"name":"Tee","sku":"TEE-1"}}}"#;
    let p: Product = bigcartel::jsonapi::decode_one(body).unwrap();
    assert_eq!(p.sku.as_deref(), Some("TEE-1"));
    let params = bigcartel::ListProductsParams { filter_sku: Some("TEE-1".into()), ..Default::default() };
    assert_eq!(params.filter_sku.as_deref(), Some("TEE-1"));
    // The raw client gained the query parameter too.
    let client = bigcartel::Client::builder("drill").bearer("t").account_id("1").build().unwrap();
    let _ = client.raw().list_products().filter_sku("TEE-1");
    // And the spec tables the npm package calls through.
    let products = bigcartel::dynamic::model("Product").unwrap();
    let json = bigcartel::dynamic::decode_one(products, body).unwrap();
    assert!(json.contains(r#""sku":"TEE-1""#), "{json}");
    let op = bigcartel::dynamic::operation("listProducts").unwrap();
    assert!(op.query.iter().any(|q| q.wire_name == "filter[sku]"));
    let args = bigcartel::dynamic::Args {
        params: Some(serde_json::json!({ "filter_sku": "TEE-1" })),
        ..Default::default()
    };
    bigcartel::dynamic::check(op, &args).unwrap();
}
"##;
    std::fs::create_dir_all(scratch.join("crates/bigcartel/tests"))?;
    std::fs::write(scratch.join("crates/bigcartel/tests/drill.rs"), test)?;
    run(
        &scratch,
        "cargo",
        &["test", "--quiet", "-p", "bigcartel", "--test", "drill"],
        &envs,
    )?;
    // The npm package: its TypeScript types carry the new names, and the facade still compiles.
    let generated = std::fs::read_to_string(scratch.join(crate::gen_wasm::OUTPUT))?;
    for needle in ["  sku: string | null;", "  filter_sku?: string | null;"] {
        if !generated.contains(needle) {
            bail!("the npm package's generated types lack `{}`", needle.trim());
        }
    }
    run(
        &scratch,
        "cargo",
        &[
            "check",
            "--quiet",
            "-p",
            "bigcartel-wasm",
            "--target",
            "wasm32-unknown-unknown",
        ],
        &envs,
    )?;
    std::fs::remove_dir_all(&scratch).ok();
    println!(
        "drill: a spec edit reached the raw client, the models, the operations, the spec tables and the npm package's types with no hand edit"
    );
    Ok(())
}

/// The workspace root.
pub fn root() -> PathBuf {
    // A drill points this binary at its scratch copy of the workspace (see `codegen_in`).
    if let Some(dir) = std::env::var_os(ROOT_ENV) {
        return PathBuf::from(dir);
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// The variable that points xtask at another copy of the workspace.
const ROOT_ENV: &str = "BIGCARTEL_XTASK_ROOT";

/// `cargo xtask codegen` for a drill's scratch copy of the workspace: xtask built from this
/// workspace (same sources as the copy) and pointed at the copy. Building xtask inside the copy
/// with the shared target dir would replace `target/debug/xtask` with a binary whose workspace is
/// the (soon deleted) copy; running this process's own binary fails once an earlier step has
/// rebuilt it.
pub fn codegen_in(scratch: &Path) -> Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace");
    let dir = scratch.to_str().context("non-UTF-8 path")?;
    run(
        root,
        "cargo",
        &["run", "--quiet", "-p", "xtask", "--", "codegen"],
        &[(ROOT_ENV, dir)],
    )
}

/// A `bigcartel-mock` process on a free port (`--port 0`; the URL is read from its first line),
/// stopped on drop. Used by every step that needs the mock as a separate process.
pub struct MockProcess {
    child: Child,
    /// The mock's base URL.
    pub url: String,
}

impl MockProcess {
    /// Starts the mock binary `bin` with `args` beside `--port 0 --quiet`.
    pub fn start(bin: &Path, args: &[&str]) -> Result<MockProcess> {
        let mut child = Command::new(bin)
            .args(["--port", "0", "--quiet"])
            .args(args)
            .stdout(Stdio::piped())
            .spawn()
            .with_context(|| format!("could not start {}", bin.display()))?;
        let stdout = child.stdout.take().context("mock stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let mock = |child| MockProcess {
            child,
            url: String::new(),
        };
        let first = match lines.next() {
            Some(Ok(line)) => line,
            _ => {
                drop(mock(child));
                bail!("the mock printed nothing");
            }
        };
        // "bigcartel-mock listening on http://127.0.0.1:PORT (account ...".
        let Some(url) = first.split_whitespace().find(|w| w.starts_with("http://")) else {
            drop(mock(child));
            bail!("no URL in the mock's first line: {first}");
        };
        let url = url.to_string();
        // Keep draining its output so it never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Ok(MockProcess { child, url })
    }
}

impl Drop for MockProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
