//! The spec-change drill for the second target: in a scratch copy of the workspace, add an
//! attribute (`is_gift` on carts) and a query parameter (`channel_id` on getCart) to
//! `spec/bigcommerce-carts.v3.yaml`, run `cargo xtask codegen`, and compile and run a test of
//! `bigcommerce-carts` that uses both, with no other edit.

use crate::process::run;
use anyhow::{Context, Result, bail};
use std::path::Path;

/// Runs the drill (see the module documentation).
pub fn drill(root: &Path) -> Result<()> {
    let scratch = crate::scratch::workspace(
        root,
        "bigcommerce-drill",
        &["crates/bigcommerce-carts", "xtask"],
        &["spec", ".cargo"],
    )?;

    // The spec edit a changelog entry would bring.
    let spec_path = scratch.join("spec/bigcommerce-carts.v3.yaml");
    let spec = std::fs::read_to_string(&spec_path)?;
    let cart = "    Cart:\n      type: object\n";
    let attribute = "        is_gift:\n          type: boolean\n          description: Whether the cart is a gift.\n";
    let with_attribute = match spec.find(cart).and_then(|i| {
        let props = "      properties:\n";
        spec[i..].find(props).map(|j| i + j + props.len())
    }) {
        Some(at) => format!("{}{attribute}{}", &spec[..at], &spec[at..]),
        None => bail!("the drill could not find the Cart schema; update xtask/src/carts_drill.rs"),
    };
    let include = "        - $ref: \"#/components/parameters/Include\"\n";
    let parameter = "        - name: channel_id\n          in: query\n          description: Only a cart of this channel.\n          schema: { type: integer }\n";
    let spec = match with_attribute.find("operationId: getCart").and_then(|i| {
        with_attribute[i..]
            .find(include)
            .map(|j| i + j + include.len())
    }) {
        Some(at) => format!(
            "{}{parameter}{}",
            &with_attribute[..at],
            &with_attribute[at..]
        ),
        None => {
            bail!("the drill could not find getCart's parameters; update xtask/src/carts_drill.rs")
        }
    };
    std::fs::write(&spec_path, spec)?;

    let target_dir = root.join("target");
    let target = target_dir.to_str().context("non-UTF-8 target dir")?;
    let envs = [("CARGO_TARGET_DIR", target)];
    crate::drill::codegen_in(&scratch)?;

    let test = r##"
#[test]
fn the_new_attribute_and_parameter_arrived() {
    let cart: bigcommerce_carts::models::Cart =
        serde_json::from_str(r#"{"id": "c1", "is_gift": true}"#).unwrap();
    assert_eq!(cart.is_gift, Some(true));
    // The raw client gained the query parameter.
    let client = bigcommerce_carts::Client::builder("abc123", "token").build().unwrap();
    let _ = client.raw().get_cart().cart_id("c1").channel_id(2);
}
"##;
    std::fs::create_dir_all(scratch.join("crates/bigcommerce-carts/tests"))?;
    std::fs::write(
        scratch.join("crates/bigcommerce-carts/tests/drill.rs"),
        test,
    )?;
    run(
        &scratch,
        "cargo",
        &[
            "test",
            "--quiet",
            "-p",
            "bigcommerce-carts",
            "--test",
            "drill",
        ],
        &envs,
    )?;
    std::fs::remove_dir_all(&scratch).ok();
    println!(
        "drill: a BigCommerce spec edit reached the generated models and raw client with no hand edit"
    );
    Ok(())
}
