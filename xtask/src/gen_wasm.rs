//! Per-operation wrappers for the npm package (bindings/wasm), generated from the same [`Api`] as the core.

use crate::api::Api;
use anyhow::Result;

/// Files to write, as `(path relative to the workspace root, contents)`.
pub fn generate(api: &Api) -> Result<Vec<(String, String)>> {
    let _ = api;
    Ok(Vec::new())
}
