//! No two modules of the core, the mock or xtask import each other (directly or round a longer
//! cycle): each crate's request path and generator read one way. The graph is read from the
//! sources, `crate::<module>` paths outside comments.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Graph = BTreeMap<String, BTreeSet<String>>;

fn graph(dir: &Path, prefixes: &[&str]) -> Graph {
    let modules: BTreeSet<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            let path = e.unwrap().path();
            let stem = path.file_stem()?.to_str()?.to_string();
            (path.extension()? == "rs" && stem != "lib" && stem != "main").then_some(stem)
        })
        .collect();
    let mut g = Graph::new();
    for m in &modules {
        let text = std::fs::read_to_string(dir.join(format!("{m}.rs"))).unwrap();
        let mut deps = BTreeSet::new();
        for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for prefix in prefixes {
                for (at, _) in line.match_indices(prefix) {
                    let name: String = line[at + prefix.len()..]
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    if name != *m && modules.contains(&name) {
                        deps.insert(name);
                    }
                }
            }
        }
        g.insert(m.clone(), deps);
    }
    g
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
    assert!(g["codegen"].contains("emit"), "the graph is read: {g:?}");
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
fn a_cycle_is_found() {
    let g: Graph = [("a", "b"), ("b", "c"), ("c", "a")]
        .into_iter()
        .map(|(m, d)| (m.to_string(), BTreeSet::from([d.to_string()])))
        .collect();
    assert_eq!(cycle(&g).map(|c| c.len()), Some(4));
}
