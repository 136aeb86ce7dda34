//! Every place that lists the retried statuses lists the ones the runtime retries: the list is
//! defined once (`RETRYABLE_STATUSES` in `crates/api-runtime/src/retry.rs`), and a copy in a doc
//! comment, a README or a TypeScript type had already drifted once (it left out 500).

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The statuses of `RETRYABLE_STATUSES`, as `429/500/...`.
fn canonical() -> String {
    let source = std::fs::read_to_string(root().join("crates/api-runtime/src/retry.rs")).unwrap();
    let line = source
        .lines()
        .find(|l| l.starts_with("pub const RETRYABLE_STATUSES"))
        .expect("RETRYABLE_STATUSES is defined in retry.rs");
    let list = &line[line.find("= [").expect("an array") + 3..line.rfind(']').unwrap()];
    list.split(',').map(str::trim).collect::<Vec<_>>().join("/")
}

/// Runs of three-digit statuses joined by `/` that start with 429 (`429/502/503`), two slashes or
/// more: how the retried statuses are written (other lists, such as the 4xx answers a client
/// documents, start elsewhere).
fn status_lists(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 3 <= bytes.len() {
        let starts =
            (i == 0 || !bytes[i - 1].is_ascii_alphanumeric()) && &bytes[i..i + 3] == b"429";
        if !starts {
            i += 1;
            continue;
        }
        let mut end = i + 3;
        while end + 4 <= bytes.len()
            && bytes[end] == b'/'
            && bytes[end + 1..end + 4].iter().all(u8::is_ascii_digit)
        {
            end += 4;
        }
        if end - i >= 11 {
            out.push(text[i..end].to_string());
        }
        i = end;
    }
    out
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if path.is_dir() {
            if !matches!(name.as_ref(), "target" | "build" | "node_modules" | ".git") {
                sources(&path, out);
            }
        } else if ["rs", "md", "ts", "js", "mjs", "py", "kt", "swift"]
            .iter()
            .any(|e| name.ends_with(&format!(".{e}")))
        {
            out.push(path);
        }
    }
}

#[test]
fn every_list_of_retried_statuses_is_the_runtimes() {
    let want = canonical();
    assert_eq!(want, "429/500/502/503/504", "read from retry.rs");
    let mut files = Vec::new();
    sources(&root(), &mut files);
    let mut seen = 0;
    let mut wrong = Vec::new();
    for f in files {
        if f.ends_with("xtask/tests/retry_docs.rs") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        for list in status_lists(&text) {
            seen += 1;
            if list != want {
                wrong.push(format!("{}: {list}", f.display()));
            }
        }
    }
    assert!(
        seen >= 3,
        "the READMEs and the runtime's docs list them: found {seen}"
    );
    assert!(
        wrong.is_empty(),
        "lists that differ from {want}: {wrong:#?}"
    );
}

#[test]
fn a_drifted_list_is_found() {
    assert_eq!(
        status_lists("retried on 429/502/503/504, not 4xx; see RFC 9110"),
        vec!["429/502/503/504".to_string()]
    );
    assert!(status_lists("a version 1.429/2").is_empty());
    assert!(status_lists("answers 404/409/422").is_empty());
}
