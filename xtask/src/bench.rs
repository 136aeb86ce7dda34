//! `cargo xtask bench [--smoke]`: every benchmark row, ours and the peers side by side in one run,
//! written as a Markdown table and JSON. `--smoke` runs each row once on tiny inputs so the harness
//! cannot rot (the test command runs it); it measures nothing worth reporting.

use crate::process::{MockProcess, run};
use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// Starts the mock binary and returns it with its URL.
///
/// `cache_reads`: repeated reads are answered from memory (`--cache-reads`), so the mock's
/// rendering does not share the client's cores in a row that times the client.
fn start_mock(
    bin: &Path,
    orders: usize,
    products: usize,
    latency_ms: u64,
    cache_reads: bool,
) -> Result<(MockProcess, String)> {
    let (orders, products, latency) = (
        orders.to_string(),
        products.to_string(),
        latency_ms.to_string(),
    );
    let mut args = vec![
        "--orders",
        &orders,
        "--products",
        &products,
        "--seed",
        "1",
        "--latency-ms",
        &latency,
    ];
    if cache_reads {
        args.push("--cache-reads");
    }
    let mock = MockProcess::start(&bin.join("bigcartel-mock"), &args)?;
    let url = mock.url.clone();
    Ok((mock, url))
}

/// Runs a command and parses the last line of its stdout as JSON.
fn json_of(cmd: &mut Command) -> Result<Value> {
    let out = cmd
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("running {cmd:?}"))?;
    if !out.status.success() {
        bail!("{cmd:?} failed ({})", out.status);
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let last = text
        .lines()
        .rfind(|l| !l.trim().is_empty())
        .unwrap_or_default();
    serde_json::from_str(last).with_context(|| format!("{cmd:?} printed {last:?}"))
}

fn gzip_size(path: &Path) -> Result<u64> {
    let out = Command::new("gzip")
        .args(["-9", "-c"])
        .arg(path)
        .output()
        .context("gzip")?;
    Ok(out.stdout.len() as u64)
}

fn find_files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = entry.path();
        if p.is_dir() && !p.ends_with("node_modules") {
            find_files(&p, ext, out);
        } else if p.extension().is_some_and(|e| e == ext) {
            out.push(p);
        }
    }
}

/// Median wall time of `runs` spawns of a command, in milliseconds.
fn spawn_ms(cmd: &mut Command, runs: usize) -> Result<f64> {
    let mut samples = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let status = cmd.stdout(Stdio::null()).status()?;
        if !status.success() {
            bail!("{cmd:?} failed");
        }
        samples.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    samples.sort_by(f64::total_cmp);
    Ok(samples[samples.len() / 2])
}

/// The built npm package's Node entry, when the npm package has been built.
fn npm_entry(root: &Path) -> Option<PathBuf> {
    let pkg = root.join("build/npm");
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(pkg.join("package.json")).ok()?).ok()?;
    let node = manifest
        .pointer("/exports/./node")
        .or_else(|| manifest.pointer("/exports/./default"))?;
    let rel = node
        .as_str()
        .or_else(|| node.get("import").and_then(Value::as_str))?;
    Some(pkg.join(rel))
}

/// The Python interpreter of the uniffi bindings' test virtualenv (the wheel installed), when
/// `cargo xtask bindings --test` has made it.
fn binding_python(root: &Path) -> Option<PathBuf> {
    Some(crate::uniffi::test_python(root)).filter(|p| p.exists())
}

pub fn bench(root: &Path, smoke: bool) -> Result<()> {
    let mut build = vec![
        "build",
        "-p",
        "bigcartel-bench",
        "-p",
        "bigcartel-mock",
        "-p",
        "bigcartel-cli",
    ];
    if !smoke {
        build.push("--release");
    }
    run(root, "cargo", &build, &[])?;
    let bin = root
        .join("target")
        .join(if smoke { "debug" } else { "release" });
    let work = root.join("build/bench");
    std::fs::create_dir_all(&work)?;
    let smoke_flag: &[&str] = if smoke { &["--smoke"] } else { &[] };
    let bench_bin = bin.join("bigcartel-bench");
    let mut rows: Vec<Value> = Vec::new();

    println!("bench: webhook verify, native");
    rows.push(json_of(
        Command::new(&bench_bin).arg("webhook").args(smoke_flag),
    )?);

    println!("bench: JSON:API decode (Rust, Node peers, Python)");
    let bodies = work.join("bodies");
    {
        let (_mock, url) = start_mock(&bin, 300, 150, 0, false)?;
        rows.push(json_of(
            Command::new(&bench_bin)
                .args(["dump", "--url", &url, "--out"])
                .arg(&bodies),
        )?);
    }
    rows.push(json_of(
        Command::new(&bench_bin)
            .arg("decode")
            .arg("--bodies")
            .arg(&bodies)
            .args(smoke_flag),
    )?);
    let peers = root.join("crates/bigcartel-bench/peers");
    let node_dir = work.join("node");
    std::fs::create_dir_all(&node_dir)?;
    for f in ["package.json", "decode.mjs", "webhook.mjs"] {
        std::fs::copy(peers.join(f), node_dir.join(f))?;
    }
    run(
        &node_dir,
        "npm",
        &["install", "--no-audit", "--no-fund", "--silent"],
        &[],
    )?;
    let entry = npm_entry(root);
    let mut node = Command::new("node");
    node.arg(node_dir.join("decode.mjs"))
        .arg(&bodies)
        .args(smoke_flag);
    if let Some(e) = &entry {
        node.arg("--ours").arg(e);
    }
    rows.push(json_of(&mut node)?);
    let python = if smoke {
        binding_python(root).unwrap_or_else(|| PathBuf::from("python3"))
    } else {
        crate::uniffi::bench_python(root)?
    };
    rows.push(json_of(
        Command::new(&python)
            .arg(peers.join("decode.py"))
            .arg(&bodies)
            .args(smoke_flag),
    )?);
    println!("bench: JSON:API decode, Kotlin on the JVM");
    let kotlin = crate::uniffi::bench_kotlin(root, &bodies, smoke)?;
    rows.push(serde_json::from_str(&kotlin).with_context(|| format!("Kotlin printed {kotlin:?}"))?);
    println!("bench: webhook verify, Python");
    rows.push(json_of(
        Command::new(&python)
            .arg(peers.join("webhook.py"))
            .args(smoke_flag),
    )?);

    println!("bench: webhook verify, JavaScript");
    match &entry {
        Some(e) => {
            rows.push(json_of(Command::new("node").arg(node_dir.join("webhook.mjs")).arg(e).args(smoke_flag))?);
        }
        None => rows.push(json!({ "row": "webhook_js", "not_yet": "the npm package is not built (cargo xtask wasm)" })),
    }

    println!("bench: fetch every order");
    let (orders, latency) = if smoke { (300, 2) } else { (10_000, 20) };
    {
        let (_mock, url) = start_mock(&bin, orders, 20, latency, true)?;
        let mut fetch = json_of(
            Command::new(&bench_bin)
                .args(["fetch", "--url", &url])
                .args(smoke_flag),
        )?;
        fetch["latency_ms"] = json!(latency);
        rows.push(fetch);
    }
    println!("bench: fulfillment service, orders fulfilled per second by 1, 2 and 4 workers");
    crate::postgres::ensure()?;
    rows.push(json_of(
        Command::new(&bench_bin)
            .args(["fleet", "--bigcartel"])
            .arg(bin.join("bigcartel"))
            .args(["--latency-ms", if smoke { "2" } else { "20" }])
            .args(if smoke {
                &["--workers", "1,2"][..]
            } else {
                &[][..]
            })
            .args(smoke_flag),
    )?);
    let mut rss = Vec::new();
    // Peak RSS varies by a fifth from one process to the next (when each thread's allocator
    // arena grows): the median of five processes per size.
    let runs = if smoke { 1 } else { 5 };
    for n in if smoke { [100, 300] } else { [1_000, 10_000] } {
        let (_mock, url) = start_mock(&bin, n, 20, 0, false)?;
        let mut samples = Vec::new();
        for _ in 0..runs {
            samples.push(json_of(
                Command::new(&bench_bin).args(["rss", "--url", &url]),
            )?);
        }
        samples.sort_by_key(|v| v["peak_rss_kib"].as_u64().unwrap_or(0));
        let mut median = samples[samples.len() / 2].clone();
        median["processes"] = json!(runs);
        median["peak_rss_kib_all"] = json!(
            samples
                .iter()
                .map(|v| v["peak_rss_kib"].clone())
                .collect::<Vec<_>>()
        );
        rss.push(median);
    }
    rows.push(json!({ "row": "rss", "results": rss }));

    println!("bench: sizes and cold start");
    let mut sizes = vec![
        json!({ "artifact": "bigcartel CLI binary", "bytes": std::fs::metadata(bin.join("bigcartel"))?.len() }),
    ];
    let mut wasm = Vec::new();
    find_files(&root.join("build/npm"), "wasm", &mut wasm);
    for w in wasm {
        sizes.push(json!({
            "artifact": w.strip_prefix(root).unwrap_or(&w).display().to_string(),
            "bytes": std::fs::metadata(&w)?.len(),
            "gzip_bytes": gzip_size(&w)?,
        }));
    }
    let mut wheels = Vec::new();
    find_files(&root.join("build"), "whl", &mut wheels);
    for w in wheels {
        sizes.push(json!({ "artifact": w.strip_prefix(root).unwrap_or(&w).display().to_string(), "bytes": std::fs::metadata(&w)?.len() }));
    }
    rows.push(json!({ "row": "sizes", "results": sizes }));
    let runs = if smoke { 1 } else { 11 };
    let mut cold = vec![
        json!({ "what": "node (bare)", "ms": spawn_ms(Command::new("node").args(["-e", ""]), runs)? }),
    ];
    match &entry {
        Some(e) => {
            let script = format!(
                "const m = await import({:?}); if (!m.verifyWebhook) throw new Error('no verifyWebhook export');",
                url_of(e)
            );
            cold.push(json!({ "what": "node: import + 1 verify", "ms": spawn_ms(Command::new("node").args(["--input-type=module", "-e", &script]), runs)? }));
        }
        None => cold.push(
            json!({ "what": "node: import + 1 verify", "not_yet": "the npm package is not built" }),
        ),
    }
    cold.push(json!({ "what": "python (bare)", "ms": spawn_ms(Command::new(&python).args(["-c", ""]), runs)? }));
    let has_binding = Command::new(&python)
        .args(["-c", "import bigcartel"])
        .stderr(Stdio::null())
        .status()?
        .success();
    if has_binding {
        let script = "import bigcartel; bigcartel.verify_webhook(b's', b'{}', bigcartel.sign_webhook(b's', b'{}'))";
        cold.push(json!({ "what": "python: import + 1 verify", "ms": spawn_ms(Command::new(&python).args(["-c", script]), runs)? }));
    } else {
        cold.push(json!({ "what": "python: import + 1 verify", "not_yet": "the Python binding is not installed" }));
    }
    rows.push(json!({ "row": "cold_start", "results": cold }));

    let report = json!({ "smoke": smoke, "rows": rows });
    let md = markdown(&report);
    let dir = if smoke {
        work.clone()
    } else {
        root.join("crates/bigcartel-bench/results")
    };
    std::fs::create_dir_all(&dir)?;
    std::fs::write(
        dir.join("latest.json"),
        serde_json::to_string_pretty(&report)? + "\n",
    )?;
    std::fs::write(dir.join("latest.md"), &md)?;
    println!("{md}");
    println!(
        "wrote {}",
        dir.strip_prefix(root)
            .unwrap_or(&dir)
            .join("latest.md")
            .display()
    );
    Ok(())
}

fn url_of(p: &Path) -> String {
    format!("file://{}", p.display())
}

fn num(v: &Value) -> String {
    match v.as_f64() {
        Some(x) if x >= 100.0 => format!("{x:.0}"),
        Some(x) if x >= 1.0 => format!("{x:.2}"),
        Some(x) => format!("{x:.3}"),
        None => "—".into(),
    }
}

fn row<'a>(report: &'a Value, name: &str) -> Option<&'a Value> {
    report["rows"].as_array()?.iter().find(|r| r["row"] == name)
}

/// The report as Markdown: one table per row.
pub fn markdown(r: &Value) -> String {
    let mut md = String::from("# Benchmarks\n\n");
    if r["smoke"].as_bool() == Some(true) {
        md.push_str("**Smoke run: tiny inputs, debug build. These figures mean nothing.**\n\n");
    }
    md.push_str("Ratios compare runs interleaved in the same process or run; absolute figures depend on the machine.\n\n");
    if let Some(w) = row(r, "webhook_native") {
        md.push_str("## 1. Webhook verify, native (ours vs ring::hmac)\n\n| body | ours MiB/s | ring MiB/s | ratio |\n|---|---|---|---|\n");
        for x in w["results"].as_array().into_iter().flatten() {
            md.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                x["body"].as_str().unwrap_or(""),
                num(&x["ours_mib_s"]),
                num(&x["peer_mib_s"]),
                num(&x["ratio"])
            ));
        }
        md.push('\n');
    }
    if let Some(w) = row(r, "webhook_js") {
        md.push_str("## 2. Webhook verify, JavaScript (our wasm vs node:crypto, 2 KiB body)\n\n");
        match w.get("not_yet") {
            Some(why) => md.push_str(&format!("Not yet: {}.\n\n", why.as_str().unwrap_or(""))),
            None => md.push_str(&format!(
                "| ours calls/s | node:crypto calls/s | ratio |\n|---|---|---|\n| {} | {} | {} |\n\n",
                num(&w["ours_calls_s"]), num(&w["peer_calls_s"]), num(&w["ratio"])
            )),
        }
    }
    if let Some(w) = row(r, "webhook_python") {
        md.push_str(
            "## 2b. Webhook verify, Python (our binding vs hmac + compare_digest, 2 KiB body)\n\n",
        );
        match w.get("not_yet") {
            Some(why) => md.push_str(&format!("Not yet: {}.\n\n", why.as_str().unwrap_or(""))),
            None => md.push_str(&format!(
                "| ours calls/s | hmac calls/s | ratio |\n|---|---|---|\n| {} | {} | {} |\n\n",
                num(&w["ours_calls_s"]),
                num(&w["peer_calls_s"]),
                num(&w["ratio"])
            )),
        }
    }
    md.push_str("## 3. JSON:API decode + relationship resolution (pages per second)\n\n| page | ours (Rust) | ours (Rust, table → JSON) | jsona | kitsu-core | ours (wasm) | pure Python | ours (Python) |\n|---|---|---|---|---|---|---|---|\n");
    for page in ["orders", "products"] {
        let pick = |rowname: &str, key: &str| {
            row(r, rowname)
                .and_then(|x| {
                    x["results"]
                        .as_array()
                        .and_then(|a| a.iter().find(|y| y["page"] == page))
                        .map(|y| num(&y[key]))
                })
                .unwrap_or_else(|| "—".into())
        };
        md.push_str(&format!(
            "| {page} (100) | {} | {} | {} | {} | {} | {} | {} |\n",
            pick("decode_rust", "ours_pages_s"),
            pick("decode_rust", "ours_json_pages_s"),
            pick("decode_node", "jsona_pages_s"),
            pick("decode_node", "kitsu-core_pages_s"),
            pick("decode_node", "ours_wasm_pages_s"),
            pick("decode_python", "python_pure_pages_s"),
            pick("decode_python", "ours_binding_pages_s"),
        ));
    }
    md.push_str("\n(table → JSON: the spec-table decoder writing JSON text, the path the npm package runs natively compiled; — : not built in this run.)\n\n");
    if let Some(k) = row(r, "decode_kotlin") {
        md.push_str(&format!(
            "### 3b. Kotlin on the JVM ({}; pages per second)\n\n| page | Jackson tree + a plain resolver | ours (Kotlin records) | ratio |\n|---|---|---|---|\n",
            k["jvm"].as_str().unwrap_or("?")
        ));
        for y in k["results"].as_array().into_iter().flatten() {
            let (o, p) = (&y["ours_kotlin_pages_s"], &y["jackson_pages_s"]);
            md.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                y["page"].as_str().unwrap_or("?"),
                num(p),
                num(o),
                match (o.as_f64(), p.as_f64()) {
                    (Some(o), Some(p)) if p > 0.0 => format!("{:.2}x", o / p),
                    _ => "—".into(),
                }
            ));
        }
        md.push('\n');
    }
    if let Some(f) = row(r, "fetch_all") {
        md.push_str(&format!(
            "## 4. Fetch every order ({} orders, {} ms latency per request, repeated reads answered from the mock's memory)\n\n| ours (stream) | seconds | links.next one page at a time | speedup |\n|---|---|---|---|\n",
            f["orders"], f["latency_ms"]
        ));
        for y in f["results"].as_array().into_iter().flatten() {
            md.push_str(&format!(
                "| concurrency {} | {} s | {} s | {}x |\n",
                y["concurrency"],
                num(&y["ours_s"]),
                num(&f["peer_s"]),
                num(&y["speedup"])
            ));
        }
        md.push('\n');
    }
    if let Some(x) = row(r, "rss") {
        md.push_str("Peak RSS of a process streaming every order (not keeping them; the median of the processes run):\n\n| orders | peak RSS (KiB) |\n|---|---|\n");
        for y in x["results"].as_array().into_iter().flatten() {
            md.push_str(&format!("| {} | {} |\n", y["orders"], y["peak_rss_kib"]));
        }
        md.push('\n');
    }
    if let Some(x) = row(r, "fulfillment_service") {
        md.push_str(&format!(
            "## 4b. Fulfillment service: orders fulfilled per second ({} merchants, {} ms latency per mock response, {} slots per worker)\n\n| `serve --worker` processes | orders | seconds | orders/s | speedup |\n|---|---|---|---|---|\n",
            x["merchants"], x["latency_ms"], x["slots_per_worker"]
        ));
        for y in x["results"].as_array().into_iter().flatten() {
            md.push_str(&format!(
                "| {} | {} | {} | {} | {}x |\n",
                y["workers"],
                y["orders"],
                num(&y["seconds"]),
                num(&y["orders_per_s"]),
                num(&y["speedup"])
            ));
        }
        md.push('\n');
    }
    if let Some(x) = row(r, "sizes") {
        md.push_str("## 5. Sizes\n\n| artifact | bytes | gzip |\n|---|---|---|\n");
        for y in x["results"].as_array().into_iter().flatten() {
            md.push_str(&format!(
                "| {} | {} | {} |\n",
                y["artifact"].as_str().unwrap_or(""),
                y["bytes"],
                y.get("gzip_bytes")
                    .map(|g| g.to_string())
                    .unwrap_or_else(|| "—".into())
            ));
        }
        md.push('\n');
    }
    if let Some(x) = row(r, "cold_start") {
        md.push_str(
            "## 6. Cold start (median wall time of a fresh process)\n\n| what | ms |\n|---|---|\n",
        );
        for y in x["results"].as_array().into_iter().flatten() {
            let v = y
                .get("ms")
                .map(num)
                .unwrap_or_else(|| format!("not yet: {}", y["not_yet"].as_str().unwrap_or("")));
            md.push_str(&format!(
                "| {} | {} |\n",
                y["what"].as_str().unwrap_or(""),
                v
            ));
        }
        md.push('\n');
    }
    md
}
