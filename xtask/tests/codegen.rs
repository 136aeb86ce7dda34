//! Snapshots of what the generator produces and of what the spec lint reports.

use xtask::codegen::{self, LintFailed, Target};

const MINI: Target = Target {
    spec_path: "xtask/tests/fixtures/mini.yaml",
    out_dir: "out",
    jsonapi: true,
    facades: false,
    inner_type: Some("crate::transport::Transport"),
};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
    .unwrap()
}

#[test]
fn lint_reports_every_problem_of_a_broken_spec() {
    let spec = codegen::parse_spec(&fixture("bad.yaml")).unwrap();
    let findings = xtask::codegen::lint::lint(&spec);
    let text: Vec<String> = findings.iter().map(ToString::to_string).collect();
    insta::assert_snapshot!("lint_bad", text.join("\n"));
}

#[test]
fn generation_refuses_a_broken_spec_with_messages_not_a_panic() {
    let err = codegen::generate(workspace(), &MINI, &fixture("bad.yaml")).unwrap_err();
    let lint = err.downcast_ref::<LintFailed>().expect("a lint failure");
    assert!(lint.0.len() >= 10, "{lint}");
}

#[test]
fn generated_models_and_operations() {
    let files = codegen::generate(workspace(), &MINI, &fixture("mini.yaml")).unwrap();
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "out/generated_raw.rs",
            "out/generated_models.rs",
            "out/generated_operations.rs",
            "out/generated_schema.rs"
        ]
    );
    for (name, contents) in &files {
        insta::assert_snapshot!(name.trim_start_matches("out/"), contents);
    }
}

#[test]
fn generation_is_deterministic() {
    let a = codegen::generate(workspace(), &MINI, &fixture("mini.yaml")).unwrap();
    let b = codegen::generate(workspace(), &MINI, &fixture("mini.yaml")).unwrap();
    assert_eq!(a, b);
}

#[test]
fn not_yaml_is_an_error() {
    let err = codegen::generate(workspace(), &MINI, "paths: [unclosed").unwrap_err();
    assert!(err.to_string().contains("not valid YAML"), "{err}");
}

#[test]
fn normalisation_notes_what_it_rewrites() {
    // Mixed response kinds are not lint errors any more: they are rewritten, and noted.
    let spec = codegen::parse_spec(&fixture("bad.yaml")).unwrap();
    let notes = xtask::codegen::normalise::normalise(&spec).notes;
    let text: Vec<String> = notes.iter().map(ToString::to_string).collect();
    insta::assert_snapshot!("normalise_bad", text.join("\n"));
}

/// The workspace root: where the facades' shared definitions (the core's `ClientOptions`) are.
fn workspace() -> &'static std::path::Path {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
}
