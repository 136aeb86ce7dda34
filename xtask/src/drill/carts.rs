//! The BigCommerce drill: an attribute (`is_gift` on carts) and a query parameter (`channel_id`
//! on getCart) added to `spec/bigcommerce-carts.v3.yaml`, found in `bigcommerce-carts`' generated
//! models and raw client.

use super::plan::{Check, Drill};
use anyhow::{Result, bail};

/// The BigCommerce drill (see the module documentation).
pub const BIGCOMMERCE: Drill = Drill {
    name: "bigcommerce",
    spec: "spec/bigcommerce-carts.v3.yaml",
    edit: changelog_edit,
    crates: &["crates/bigcommerce-carts", "xtask"],
    checks: &[Check::RustTest {
        dir: "crates/bigcommerce-carts",
        package: "bigcommerce-carts",
        source: r##"
#[test]
fn the_new_attribute_and_parameter_arrived() {
    let cart: bigcommerce_carts::models::Cart =
        serde_json::from_str(r#"{"id": "c1", "is_gift": true}"#).unwrap();
    assert_eq!(cart.is_gift, Some(true));
    // The raw client gained the query parameter.
    let client = bigcommerce_carts::Client::builder("abc123", "token").build().unwrap();
    let _ = client.raw().get_cart().cart_id("c1").channel_id(2);
}
"##,
    }],
};

/// The spec edit a changelog entry would bring: `is_gift` on `Cart`, `channel_id` on getCart.
fn changelog_edit(spec: &str) -> Result<String> {
    let cart = "    Cart:\n      type: object\n";
    let attribute = "        is_gift:\n          type: boolean\n          description: Whether the cart is a gift.\n";
    let with_attribute = match spec.find(cart).and_then(|i| {
        let props = "      properties:\n";
        spec[i..].find(props).map(|j| i + j + props.len())
    }) {
        Some(at) => format!("{}{attribute}{}", &spec[..at], &spec[at..]),
        None => bail!("the drill could not find the Cart schema; update xtask/src/drill/carts.rs"),
    };
    let include = "        - $ref: \"#/components/parameters/Include\"\n";
    let parameter = "        - name: channel_id\n          in: query\n          description: Only a cart of this channel.\n          schema: { type: integer }\n";
    match with_attribute.find("operationId: getCart").and_then(|i| {
        with_attribute[i..]
            .find(include)
            .map(|j| i + j + include.len())
    }) {
        Some(at) => Ok(format!(
            "{}{parameter}{}",
            &with_attribute[..at],
            &with_attribute[at..]
        )),
        None => {
            bail!("the drill could not find getCart's parameters; update xtask/src/drill/carts.rs")
        }
    }
}
