//! No two modules of the core, the mock or xtask import each other (directly or round a longer
//! cycle): each crate's request path and generator read one way. The graph is read from the
//! sources, `crate::<module>` paths outside comments.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Graph = BTreeMap<String, BTreeSet<String>>;

fn graph(dir: &Path, prefixes: &[&str]) -> Graph {
    let mut files = BTreeMap::new();
    read_modules(dir, "", &mut files);
    let modules: BTreeSet<String> = files.keys().cloned().collect();
    let mut g = Graph::new();
    for (m, text) in &files {
        let mut deps = BTreeSet::new();
        let code = text
            .lines()
            // A file's unit tests (`use super::*` there means the file itself) are not its
            // dependencies.
            .take_while(|l| l.trim() != "#[cfg(test)]")
            .filter(|l| !l.trim_start().starts_with("//"));
        for line in code {
            for path in paths(line) {
                if let Some(to) = resolve(m, &path, prefixes, &modules)
                    && to != *m
                {
                    deps.insert(to);
                }
            }
        }
        g.insert(m.clone(), deps);
    }
    g
}

/// Every `.rs` file under `dir` as its module path (`codegen`, `codegen::emit`; a directory's
/// `mod.rs` is the directory's module), with its text. `lib.rs` and `main.rs` are left out.
fn read_modules(dir: &Path, parent: &str, out: &mut BTreeMap<String, String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_str().unwrap().to_string();
        let join = |name: &str| match parent {
            "" => name.to_string(),
            p => format!("{p}::{name}"),
        };
        if path.is_dir() {
            read_modules(&path, &join(&stem), out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let name = match stem.as_str() {
                "lib" | "main" if parent.is_empty() => continue,
                "mod" => parent.to_string(),
                _ => join(&stem),
            };
            out.insert(name, std::fs::read_to_string(&path).unwrap());
        }
    }
}

/// The paths of a line (`a::b::c`), as their segments.
fn paths(line: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let mut ident = String::new();
    let mut chars = line.chars().peekable();
    let mut after_colons = false;
    while let Some(c) = chars.next() {
        if c.is_ascii_alphanumeric() || c == '_' {
            ident.push(c);
            continue;
        }
        if c == ':' && chars.peek() == Some(&':') && !ident.is_empty() {
            chars.next();
            current.push(std::mem::take(&mut ident));
            after_colons = true;
            continue;
        }
        if after_colons && !ident.is_empty() {
            current.push(std::mem::take(&mut ident));
        }
        if current.len() > 1 {
            out.push(std::mem::take(&mut current));
        }
        current.clear();
        ident.clear();
        after_colons = false;
    }
    if after_colons && !ident.is_empty() {
        current.push(ident);
    }
    if current.len() > 1 {
        out.push(current);
    }
    out
}

/// The module of this crate a path in module `from` names: absolute (`crate::`, or the crate's
/// own name), `super::`, `self::`, or a child of `from`; the longest module prefix wins.
fn resolve(
    from: &str,
    path: &[String],
    prefixes: &[&str],
    modules: &BTreeSet<String>,
) -> Option<String> {
    let mut base: Vec<&str> = if from.is_empty() {
        vec![]
    } else {
        from.split("::").collect()
    };
    let mut rest = path;
    let absolute = prefixes.iter().any(|p| p.trim_end_matches("::") == rest[0]);
    if absolute {
        base.clear();
        rest = &rest[1..];
    } else if rest[0] == "self" {
        rest = &rest[1..];
    } else if rest[0] == "super" {
        while rest.first().is_some_and(|s| s == "super") {
            base.pop()?;
            rest = &rest[1..];
        }
    } else {
        // A child module named without a prefix.
        let child = [base.clone(), vec![rest[0].as_str()]].concat().join("::");
        if !modules.contains(&child) {
            return None;
        }
    }
    let mut found = (!base.is_empty()).then(|| base.join("::"));
    let mut name = base.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    for segment in rest {
        name.push(segment.clone());
        let candidate = name.join("::");
        if modules.contains(&candidate) {
            found = Some(candidate);
        } else {
            break;
        }
    }
    found.filter(|f| modules.contains(f))
}

/// A cycle of `g` if it has one, as the modules along it.
fn cycle(g: &Graph) -> Option<Vec<String>> {
    fn visit(
        g: &Graph,
        m: &str,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == m) {
            let mut c = path[i..].to_vec();
            c.push(m.to_string());
            return Some(c);
        }
        if done.contains(m) {
            return None;
        }
        path.push(m.to_string());
        for d in g.get(m).into_iter().flatten() {
            if let Some(c) = visit(g, d, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(m.to_string());
        None
    }
    let mut done = BTreeSet::new();
    g.keys()
        .find_map(|m| visit(g, m, &mut Vec::new(), &mut done))
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

#[test]
fn the_core_has_no_module_cycle() {
    let g = graph(&root().join("crates/bigcartel/src"), &["crate::"]);
    assert!(g.len() > 10, "read the core's modules: {g:?}");
    assert!(g["client"].contains("exchange"), "the graph is read: {g:?}");
    assert_eq!(cycle(&g), None);
}

#[test]
fn xtask_has_no_module_cycle() {
    let g = graph(&root().join("xtask/src"), &["crate::", "xtask::"]);
    assert!(
        g["codegen"].contains("codegen::models"),
        "the graph is read: {g:?}"
    );
    assert!(
        g["codegen::models"].contains("codegen::emit"),
        "the graph is read: {g:?}"
    );
    assert!(
        g["drill"].contains("drill::bindings"),
        "the graph is read: {g:?}"
    );
    assert_eq!(cycle(&g), None);
}

#[test]
fn the_mock_has_no_module_cycle() {
    let g = graph(&root().join("crates/bigcartel-mock/src"), &["crate::"]);
    assert!(g["server"].contains("app"), "the graph is read: {g:?}");
    assert_eq!(cycle(&g), None);
}

#[test]
fn the_runtime_has_no_module_cycle() {
    let g = graph(&root().join("crates/api-runtime/src"), &["crate::"]);
    assert!(g["retry"].contains("body"), "the graph is read: {g:?}");
    assert_eq!(cycle(&g), None);
}

/// The BigCommerce client shares the runtime, not the Big Cartel client.
#[test]
fn the_bigcommerce_client_does_not_depend_on_the_big_cartel_client() {
    let manifest =
        std::fs::read_to_string(root().join("crates/bigcommerce-carts/Cargo.toml")).unwrap();
    assert!(manifest.contains("api-runtime"), "{manifest}");
    let deps = manifest
        .lines()
        .filter(|l| l.starts_with("bigcartel"))
        .collect::<Vec<_>>();
    assert!(deps.is_empty(), "{deps:?}");
}

#[test]
fn paths_resolve_as_rust_does() {
    let modules: BTreeSet<String> = ["a", "a::b", "a::c", "a::c::d", "e"]
        .into_iter()
        .map(String::from)
        .collect();
    let at = |from: &str, line: &str| -> Vec<String> {
        paths(line)
            .iter()
            .filter_map(|p| resolve(from, p, &["crate::"], &modules))
            .collect()
    };
    assert_eq!(at("a::b", "use super::c::d::Thing;"), ["a::c::d"]);
    assert_eq!(at("a::c::d", "super::super::b::f(x)"), ["a::b"]);
    assert_eq!(at("a", "let y = c::run(b::x);"), ["a::c", "a::b"]);
    assert_eq!(at("a::b", "crate::e::Z, std::mem::take"), ["e"]);
    assert_eq!(at("a::b", "use super::Input;"), ["a"]);
}

#[test]
fn a_cycle_is_found() {
    let g: Graph = [("a", "b"), ("b", "c"), ("c", "a")]
        .into_iter()
        .map(|(m, d)| (m.to_string(), BTreeSet::from([d.to_string()])))
        .collect();
    assert_eq!(cycle(&g).map(|c| c.len()), Some(4));
}
