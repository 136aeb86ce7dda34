//! Conformance: the generator over an OpenAPI file nobody on this project wrote, BigCommerce's own
//! published Carts v3 description (`../shared/conformance/bigcommerce-carts.v3.yml`, placed beside
//! the clone by CI). It must produce a client that compiles, with every rewrite it needed reported
//! as a note, or fail with a message naming each construct it cannot handle: never a panic.

use std::path::{Path, PathBuf};
use std::process::Command;
use xtask::codegen::{self, Target};

const INPUT: &str = "../shared/conformance/bigcommerce-carts.v3.yml";

/// A scratch crate holding nothing but the generated client: no hooks, no inner state.
const SCRATCH: Target = Target {
    spec_path: INPUT,
    out_dir: "src",
    jsonapi: false,
    facades: false,
    inner_type: None,
};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

fn input() -> String {
    let path = root().join(INPUT);
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "the conformance input {} is missing ({e}): CI places the shared/ directory beside \
             the clone; put BigCommerce's carts.v3.yml there to run this test",
            path.display()
        )
    })
}

fn generated_raw() -> String {
    let files = codegen::generate(&root(), &SCRATCH, &input())
        .unwrap_or_else(|e| panic!("the generator refused BigCommerce's spec:\n{e:#}"));
    assert_eq!(
        files.len(),
        1,
        "only the raw client for a non-JSON:API target"
    );
    assert_eq!(files[0].0, "src/generated_raw.rs");
    files.into_iter().next().unwrap().1
}

#[test]
fn every_operation_is_generated_and_every_rewrite_noted() {
    let spec = codegen::parse_spec(&input()).unwrap();
    let mut operation_ids: Vec<String> = Vec::new();
    for item in spec["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            if let Some(id) = op.get("operationId").and_then(|v| v.as_str()) {
                operation_ids.push(id.to_string());
            }
        }
    }
    // (The conformance README says 22; the file holds 21 operationIds.)
    assert!(operation_ids.len() >= 20, "{operation_ids:?}");

    let raw = generated_raw();
    for id in &operation_ids {
        let method = heck::ToSnakeCase::to_snake_case(id.as_str());
        assert!(
            raw.contains(&format!("pub fn {method}(")),
            "no raw method for {id}"
        );
    }
    // The rewrites are listed in the generated file, where its users read them.
    for expected in [
        // Mixed 200-with-body and 204 on one operation.
        "paths./carts/{cartId}/items/{itemId}.delete.responses: mixed success response kinds",
        // `include` is a comma list (explode: false), not repeated parameters.
        "paths./carts/{cartId}.get.parameters.include: array sent as one `,`-separated string",
        // Accept/Content-Type header parameters belong to the client.
        "paths./carts.post.parameters.Content-Type: header parameter `Content-Type` dropped",
        // ErrorResponse beside an inline error schema on one operation.
        "paths./carts/settings.put.responses: mixed error response kinds",
    ] {
        assert!(
            raw.contains(expected),
            "the generated header does not note: {expected}"
        );
    }
    // Query names with colons keep their wire names and get Rust names.
    assert!(raw.contains("\"date_created:min\""));
    assert!(raw.contains("pub fn date_created_min<"));
}

#[test]
fn unsupported_constructs_are_reported_not_panicked_on() {
    // Constructs the generator cannot handle, added to the real file: each must be named.
    let text = input();
    let mut spec = codegen::parse_spec(&text).unwrap();
    let op = spec
        .pointer_mut("/paths/~1carts~1{cartId}/get")
        .expect("getCart");
    op["parameters"].as_array_mut().unwrap().push(
        serde_json::json!({ "name": "session", "in": "cookie", "schema": { "type": "string" } }),
    );
    let post = spec.pointer_mut("/paths/~1carts/post").expect("createCart");
    post["requestBody"]["content"]["application/xml"] =
        serde_json::json!({ "schema": { "type": "object" } });
    let broken = serde_json::to_string(&spec).unwrap();
    let err = std::panic::catch_unwind(|| codegen::generate(&root(), &SCRATCH, &broken))
        .expect("the generator panicked")
        .expect_err("a spec with a cookie parameter and an XML body must be refused");
    let message = format!("{err:#}");
    assert!(
        message.contains("paths./carts/{cartId}.get.parameters.session: cookie parameters"),
        "{message}"
    );
    assert!(
        message.contains("paths./carts.post.requestBody: 2 request media types"),
        "{message}"
    );
    assert!(
        message.contains("request media type `application/xml` is not supported"),
        "{message}"
    );
}

/// Generates the client into a scratch crate and `cargo check`s it with the workspace's lockfile
/// and target directory (so the dependencies are the ones already built).
#[test]
fn the_generated_client_compiles() {
    let raw = generated_raw();
    let scratch =
        std::env::temp_dir().join(format!("bigcommerce-conformance-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(scratch.join("src")).unwrap();
    let _cleanup = RemoveOnDrop(scratch.clone());
    // The dependencies the generated code names, pinned as the workspace pins them.
    let manifest = r#"[package]
name = "bigcommerce-conformance"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
progenitor-client = "=0.15.1"
reqwest = { version = "0.13", default-features = false, features = ["json", "query", "stream", "form"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
chrono = { version = "0.4", default-features = false, features = ["serde", "std"] }

[workspace]
"#;
    std::fs::write(scratch.join("Cargo.toml"), manifest).unwrap();
    std::fs::copy(root().join("Cargo.lock"), scratch.join("Cargo.lock")).unwrap();
    std::fs::write(scratch.join("src/generated_raw.rs"), raw).unwrap();
    std::fs::write(
        scratch.join("src/lib.rs"),
        "//! BigCommerce's published Carts v3 spec, through `cargo xtask codegen`.\n\
         #[allow(unused, clippy::all)]\nmod generated_raw;\npub use generated_raw::*;\n",
    )
    .unwrap();
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"));
    let output = Command::new(env!("CARGO"))
        .args(["check", "--quiet", "--offline", "--message-format", "short"])
        .current_dir(&scratch)
        .env("CARGO_TARGET_DIR", &target_dir)
        .output()
        .expect("could not run cargo");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the client generated from BigCommerce's spec does not compile:\n{stderr}"
    );
}

/// Removes the scratch crate however the test ends.
struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

/// Every node of the real file replaced, one at a time, by a value of the wrong shape: the lint
/// and the normalisation never panic, and a sample goes through the whole generator.
#[test]
fn malformed_variants_never_panic() {
    use serde_json::{Value, json};
    fn pointers(v: &Value, at: String, depth: usize, out: &mut Vec<String>) {
        if depth > 5 {
            return;
        }
        let children: Vec<(String, &Value)> = match v {
            Value::Object(m) => m
                .iter()
                .map(|(k, c)| (k.replace('~', "~0").replace('/', "~1"), c))
                .collect(),
            Value::Array(a) => a
                .iter()
                .enumerate()
                .map(|(i, c)| (i.to_string(), c))
                .collect(),
            _ => return,
        };
        for (k, c) in children {
            let p = format!("{at}/{k}");
            out.push(p.clone());
            pointers(c, p, depth + 1, out);
        }
    }
    let mut spec = codegen::parse_spec(&input()).unwrap();
    let mut all = Vec::new();
    pointers(&spec, String::new(), 0, &mut all);
    let wrong = [json!(null), json!("x"), json!({})];
    let mut generated = 0;
    for (n, pointer) in all.iter().enumerate() {
        // One wrong value per node, rotating, keeps this to a few seconds.
        let value = &wrong[n % wrong.len()];
        // Mutate in place and restore: cloning the whole file per case would dominate.
        let old = std::mem::replace(spec.pointer_mut(pointer).unwrap(), value.clone());
        let outcome = std::panic::catch_unwind(|| {
            xtask::codegen::lint::lint(&spec);
            xtask::codegen::normalise::normalise(&spec);
        });
        assert!(
            outcome.is_ok(),
            "lint or normalise panicked with {pointer} = {value}"
        );
        // The whole generator on a spread-out sample (it takes a while per run).
        if n % 600 == 0 {
            let text = serde_json::to_string(&spec).unwrap();
            let outcome = std::panic::catch_unwind(|| codegen::generate(&root(), &SCRATCH, &text));
            assert!(
                outcome.is_ok(),
                "the generator panicked with {pointer} = {value}"
            );
            generated += 1;
        }
        *spec.pointer_mut(pointer).unwrap() = old;
    }
    println!("{} nodes, {generated} generated", all.len());
    assert!(
        all.len() > 1000 && generated >= 3,
        "{} nodes, {generated} generated",
        all.len()
    );
}
