//! Options and error kinds are defined once, in the core: every facade carries each of them,
//! worded as the core words it. A facade that lacks one, or says it differently, fails here.
//! (The CLI's flags are the core struct itself; `crates/bigcartel-cli/tests/cli/output.rs` checks that
//! each reaches the client.)

use std::path::Path;
use xtask::codegen::{client_options, error_kinds};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
}

fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The checked-in facades carry every option with the core's doc: TypeScript (JSDoc over a
/// camelCase property) and the uniffi record (doc comment over the field, which uniffi
/// gives to Python, Kotlin and Swift). A facade that lacks one, or words it differently,
/// fails here.
#[test]
fn every_facade_carries_every_option_with_the_core_doc() {
    let root = root();
    let ts = std::fs::read_to_string(root.join(xtask::codegen::wasm::OUTPUT)).unwrap();
    let uniffi = std::fs::read_to_string(root.join(xtask::codegen::uniffi::OUT_PATH)).unwrap();
    // JSDoc lines start with ` * `, doc comments with `///`: compare the words.
    let ts_words = flat(
        &ts.replace("\n   * ", " ")
            .replace("/**", " ")
            .replace("*/", " "),
    );
    let uniffi_words = flat(&uniffi.replace("///", " "));
    let options = client_options::read(root).unwrap();
    assert!(!options.is_empty());
    for o in &options {
        let doc = flat(&o.doc);
        let ty = if o.kind == client_options::Kind::Text {
            "string"
        } else {
            "number"
        };
        let ts_decl = format!("{doc} {}?: {ty};", o.js_name());
        assert!(ts_words.contains(&ts_decl), "TypeScript lacks `{ts_decl}`");
        let field = format!("{doc} #[uniffi(default)] pub {}: Option<", o.name);
        assert!(uniffi_words.contains(&field), "uniffi lacks `{field}`");
    }
}

/// The generated facades carry every kind with the core's doc, and every way a call can fail
/// (`bigcartel::Error`'s variants, `DecodeError`'s) has its class or variant in each
/// hand-written facade: JavaScript, TypeScript, uniffi (Kotlin, Swift) and Python.
#[test]
fn every_facade_carries_every_kind_and_every_error() {
    let root = root();
    let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap();
    let ts = flat(
        &read(xtask::codegen::wasm::ERROR_KINDS)
            .replace("/**", " ")
            .replace("*/", " "),
    );
    let uniffi = flat(&read(xtask::codegen::uniffi::OUT_PATH).replace("///", " "));
    for kinds in error_kinds::read(root).unwrap() {
        for v in &kinds.variants {
            let member = format!("{} | \"{}\"", flat(&v.doc), v.wire());
            assert!(
                ts.contains(&member),
                "TypeScript {} lacks `{member}`",
                kinds.name
            );
            if kinds.uniffi {
                let variant = format!("{} {},", flat(&v.doc), v.name);
                assert!(
                    uniffi.contains(&variant),
                    "uniffi {} lacks `{variant}`",
                    kinds.name
                );
            }
        }
    }
    let errors =
        error_kinds::parse("Error", "Error", &read("crates/bigcartel/src/error.rs")).unwrap();
    let js = read("bindings/wasm/js/errors.js");
    let dts = read("bindings/wasm/js/errors.d.ts");
    let uniffi_lib = read("bindings/uniffi/src/lib.rs");
    let python = read("bindings/uniffi/python/bigcartel/errors.py");
    assert!(errors.variants.len() >= 6);
    for v in &errors.variants {
        let class = format!("class {}Error extends BigCartelError", v.name);
        assert!(
            js.contains(&format!("export {class} {{}}")),
            "errors.js lacks {class}"
        );
        assert!(
            dts.contains(&format!("export {class} {{")),
            "errors.d.ts lacks {class}"
        );
        assert!(
            uniffi_lib.contains(&format!("    {} {{", v.name)),
            "uniffi lacks {}",
            v.name
        );
        assert!(
            python.contains(&format!("class {}Error(", v.name)),
            "errors.py lacks {}",
            v.name
        );
    }
    // The uniffi layer carries each webhook reason as a variant of `WebhookError`.
    let webhook =
        error_kinds::parse("", "VerifyError", &read("crates/bigcartel/src/webhook.rs")).unwrap();
    let uniffi_webhook = &uniffi_lib[uniffi_lib.find("pub enum WebhookError").unwrap()..];
    let uniffi_webhook = &uniffi_webhook[..uniffi_webhook.find("\n}").unwrap()];
    for v in &webhook.variants {
        assert!(
            uniffi_webhook.contains(&format!("    {},", v.name))
                || uniffi_webhook.contains(&format!("    {} {{", v.name)),
            "uniffi WebhookError lacks {}",
            v.name
        );
        let py = format!("class Webhook{}(WebhookError", v.name);
        assert!(python.contains(&py), "errors.py lacks {py}");
    }
    let reasons = error_kinds::parse(
        "",
        "DecodeError",
        &read("crates/bigcartel-jsonapi/src/jsonapi.rs"),
    );
    for v in reasons.unwrap().variants {
        let py = format!("class Document{}(DocumentError", v.name);
        assert!(python.contains(&py), "errors.py lacks {py}");
    }
}
