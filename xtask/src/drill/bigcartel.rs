//! The Big Cartel drill: the edit a changelog entry would bring to `spec/bigcartel.v1.yaml`
//! (attributes, query parameters and an operation), and where each must then show up: the core's
//! models, params, raw client and spec tables; the npm package's types; the CLI's `api` commands;
//! the hand-written CLI and fulfillment engine, which must compile unchanged; Python, Kotlin and
//! Swift.

use super::plan::{Check, Drill};
use anyhow::{Result, bail};

/// The Big Cartel drill (see the module documentation).
pub const BIGCARTEL: Drill = Drill {
    name: "bigcartel",
    spec: "spec/bigcartel.v1.yaml",
    edit: changelog_edit,
    crates: &[
        "crates/bigcartel",
        "bindings/wasm",
        "bindings/uniffi",
        "crates/bigcartel-cli",
        "crates/bigcartel-fulfillment",
        "xtask",
    ],
    checks: &[
        Check::RustTest {
            dir: "crates/bigcartel",
            package: "bigcartel",
            source: RUST_TEST,
        },
        Check::Holds {
            what: "the npm package's generated types",
            file: crate::codegen::wasm::OUTPUT,
            needles: &[
                "  sku: string | null;",
                "  filter_sku?: string | null;",
                "  gift_note: string | null;",
                "js_name = getFeaturedArtist,",
            ],
        },
        Check::Cargo {
            what: "the npm package's glue compiles for wasm32",
            args: &[
                "check",
                "--quiet",
                "-p",
                "bigcartel-wasm",
                "--target",
                "wasm32-unknown-unknown",
            ],
            env: &[],
        },
        Check::Cargo {
            what: "the hand-written CLI and fulfillment engine, which build generated params and inputs, compile unchanged",
            args: &[
                "check",
                "--quiet",
                "-p",
                "bigcartel-cli",
                "-p",
                "bigcartel-fulfillment",
            ],
            env: &[],
        },
        // The CLI's own test renders each `api` command's help from the edited tables.
        Check::Cargo {
            what: "the CLI's `api` commands have get-featured-artist, --filter-gift and --filter-sku in --help",
            args: &[
                "test",
                "--quiet",
                "-p",
                "bigcartel-cli",
                "--bin",
                "bigcartel",
                "cmd_api::",
            ],
            env: &[(
                "BIGCARTEL_CLI_EXPECT",
                "get-featured-artist <ARTIST_ID>\nlist-orders --filter-gift\nlist-products --filter-sku",
            )],
        },
        Check::Bindings {
            python: PYTHON_TEST,
        },
        Check::Holds {
            what: "the Kotlin bindings",
            file: "gen/kotlin/com/bigcartel/sdk/bigcartel_uniffi.kt",
            needles: &[
                "val `sku`: kotlin.String?",
                "val `filterSku`: kotlin.String?",
                "suspend fun `getFeaturedArtist`(",
            ],
        },
        Check::Holds {
            what: "the Swift bindings",
            file: "gen/swift/BigCartel.swift",
            needles: &[
                "let sku: String?",
                "let filterSku: String?",
                "func getFeaturedArtist(",
            ],
        },
    ],
};

/// Rust code using every new name: the attribute decoded, the parameters set, the operation
/// called, all through the generated code and the spec tables.
const RUST_TEST: &str = r##"
use bigcartel::models::Product;
#[test]
fn the_new_attribute_and_parameter_arrived() {
    let body = br#"{"data":{"type":"products","id":"1","attributes":{"name":"Tee","sku":"TEE-1"}}}"#;
    let p: Product = bigcartel::jsonapi::decode_one(body).unwrap();
    assert_eq!(p.sku.as_deref(), Some("TEE-1"));
    let params = bigcartel::ListProductsParams::new().filter_sku("TEE-1");
    assert_eq!(params.filter_sku.as_deref(), Some("TEE-1"));
    // The orders edit: a parameter and an attribute, through the generated setter and decoder.
    let orders = bigcartel::ListOrdersParams::new().filter_gift("yes").page_limit(5);
    assert_eq!(orders.filter_gift.as_deref(), Some("yes"));
    let order: bigcartel::models::Order = bigcartel::jsonapi::decode_one(
        br#"{"data":{"type":"orders","id":"9","attributes":{"gift_note":"Happy birthday"}}}"#,
    )
    .unwrap();
    assert_eq!(order.gift_note.as_deref(), Some("Happy birthday"));
    assert!(order.extra_attributes.is_empty(), "a declared attribute is not an extra one");
    // The raw client gained the query parameter too.
    let client = bigcartel::Client::builder("drill").bearer("t").account_id("1").build().unwrap();
    let _ = client.raw().list_products().filter_sku("TEE-1");
    // The new operation: a typed method, a raw-client builder and a row of the spec tables.
    let _featured = client.get_featured_artist("7");
    let _ = client.raw().get_featured_artist().artist_id("7");
    assert!(bigcartel::dynamic::operation("getFeaturedArtist").is_some());
    // And the spec tables the npm package calls through.
    let products = bigcartel::dynamic::model("Product").unwrap();
    let json = bigcartel::dynamic::decode_one(products, body).unwrap();
    assert!(json.contains(r#""sku":"TEE-1""#), "{json}");
    let op = bigcartel::dynamic::operation("listProducts").unwrap();
    assert!(op.query.iter().any(|q| q.wire_name == "filter[sku]"));
    let args = bigcartel::dynamic::Args {
        params: Some(serde_json::json!({ "filter_sku": "TEE-1" })),
        ..Default::default()
    };
    bigcartel::dynamic::check(op, &args).unwrap();
}
"##;

/// Python using the new names through the package users import: the attribute read from a
/// decoded document, the parameter set and serialised, the operation present.
const PYTHON_TEST: &str = "import bigcartel as b
body = b'{\"data\": [{\"type\": \"products\", \"id\": \"1\", \"attributes\": {\"sku\": \"TEE-1\"}}]}'
assert b.decode_products(body)[0].sku == 'TEE-1'
assert b.ListProductsParams(filter_sku='TEE-1').filter_sku == 'TEE-1'
assert 'filter_sku' in b._views._json_ListProductsParams(b.ListProductsParams(), 'p')
assert callable(b.Client.get_featured_artist)
print('drill bigcartel: Python has Product.sku, ListProductsParams.filter_sku and Client.get_featured_artist')
";

/// The spec edit a changelog entry would bring, as the Big Cartel drills make it: an attribute
/// (`sku` on products) and a query parameter (`filter[sku]` on listProducts). Both this drill and
/// the uniffi drill make it, so both look for the same names.
pub fn changelog_edit(spec: &str) -> Result<String> {
    let spec = spec.replacen(
        "    ProductAttributes:\n      type: object\n      properties:\n",
        "    ProductAttributes:\n      type: object\n      properties:\n        sku: { type: string, nullable: true, description: The product's stock keeping unit. }\n",
        1,
    );
    let spec = spec.replacen(
        "        - name: filter[artist_id]\n",
        "        - name: filter[sku]\n          in: query\n          description: Filter products by SKU.\n          schema: { type: string }\n        - name: filter[artist_id]\n",
        1,
    );
    // The same on orders: the hand-written CLI and fulfillment engine build `ListOrdersParams`
    // and `OrderInput`, so these prove that an addition needs no edit there either.
    let spec = spec.replacen(
        "    OrderAttributes:\n      type: object\n      properties:\n",
        "    OrderAttributes:\n      type: object\n      properties:\n        gift_note: { type: string, nullable: true, description: The buyer's gift note. }\n",
        1,
    );
    let spec = spec.replacen(
        "        - name: filter[shipping_status]\n",
        "        - name: filter[gift]\n          in: query\n          description: Filter orders by whether they are gifts.\n          schema: { type: string }\n        - name: filter[shipping_status]\n",
        1,
    );
    // A new operation, beside an existing one.
    let spec = spec.replacen(
        "  /v1/accounts/{account_id}/artists/{artist_id}:\n",
        concat!(
            "  /v1/accounts/{account_id}/artists/{artist_id}/featured:\n",
            "    parameters:\n",
            "      - $ref: \"#/components/parameters/AccountId\"\n",
            "      - { name: artist_id, in: path, required: true, description: The artist., schema: { type: string } }\n",
            "    get:\n",
            "      operationId: getFeaturedArtist\n",
            "      tags: [artists]\n",
            "      summary: Get a featured artist\n",
            "      description: The artist, when the shop features it.\n",
            "      responses:\n",
            "        \"200\":\n",
            "          description: The artist.\n",
            "          content:\n",
            "            application/vnd.api+json:\n",
            "              schema: { $ref: \"#/components/schemas/ArtistDocument\" }\n",
            "        \"404\": { $ref: \"#/components/responses/NotFound\" }\n",
            "  /v1/accounts/{account_id}/artists/{artist_id}:\n",
        ),
        1,
    );
    for needle in [
        "getFeaturedArtist",
        "filter[sku]",
        "sku: { type: string",
        "filter[gift]",
        "gift_note: { type: string",
    ] {
        if !spec.contains(needle) {
            bail!(
                "the drill could not find where to edit the spec for `{needle}`; update xtask/src/drill/bigcartel.rs"
            );
        }
    }
    Ok(spec)
}
