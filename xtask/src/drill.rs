//! The spec-change drill for the Big Cartel spec (`cargo xtask drill`, and a step of the test
//! command), and running `cargo xtask codegen` in a drill's scratch workspace.

use crate::process::{ROOT_ENV, run};
use anyhow::{Context, Result, bail};
use std::path::Path;

/// The spec-change drill: in a scratch copy of the workspace, add attributes (`sku` on products,
/// `gift_note` on orders), query parameters (`filter[sku]` on listProducts, `filter[gift]` on
/// listOrders) and an operation (`getFeaturedArtist`) to the spec, run `cargo xtask codegen`,
/// compile and run a test that uses them, find them in the CLI's `api` commands, and compile the
/// hand-written CLI and fulfillment engine, with no other edit.
pub fn drill(root: &Path) -> Result<()> {
    let scratch = crate::scratch::workspace(
        root,
        "bigcartel-drill",
        &[
            "crates/bigcartel",
            "bindings/wasm",
            "crates/bigcartel-cli",
            "crates/bigcartel-fulfillment",
            "xtask",
        ],
        &["spec", ".cargo"],
    )?;

    // The spec edit a changelog entry would bring.
    let spec_path = scratch.join("spec/bigcartel.v1.yaml");
    let spec = changelog_edit(&std::fs::read_to_string(&spec_path)?)?;
    std::fs::write(&spec_path, spec)?;

    let target_dir = root.join("target");
    let target = target_dir.to_str().context("non-UTF-8 target dir")?;
    let envs = [("CARGO_TARGET_DIR", target)];
    codegen_in(&scratch)?;

    let test = r##"
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
    std::fs::create_dir_all(scratch.join("crates/bigcartel/tests"))?;
    std::fs::write(scratch.join("crates/bigcartel/tests/drill.rs"), test)?;
    run(
        &scratch,
        "cargo",
        &["test", "--quiet", "-p", "bigcartel", "--test", "drill"],
        &envs,
    )?;
    // The npm package: its TypeScript types carry the new names, and the facade still compiles.
    let generated = std::fs::read_to_string(scratch.join(crate::gen_wasm::OUTPUT))?;
    for needle in [
        "  sku: string | null;",
        "  filter_sku?: string | null;",
        "  gift_note: string | null;",
        "js_name = getFeaturedArtist,",
    ] {
        if !generated.contains(needle) {
            bail!("the npm package's generated types lack `{}`", needle.trim());
        }
    }
    run(
        &scratch,
        "cargo",
        &[
            "check",
            "--quiet",
            "-p",
            "bigcartel-wasm",
            "--target",
            "wasm32-unknown-unknown",
        ],
        &envs,
    )?;
    // The hand-written crates that build generated params and inputs still compile unchanged.
    run(
        &scratch,
        "cargo",
        &[
            "check",
            "--quiet",
            "-p",
            "bigcartel-cli",
            "-p",
            "bigcartel-fulfillment",
        ],
        &envs,
    )?;
    // The CLI's `api` commands: the new operation is a command, the new parameter a flag in its
    // `--help` (the CLI's own test renders each command's help from the edited tables).
    let expect =
        "get-featured-artist <ARTIST_ID>\nlist-orders --filter-gift\nlist-products --filter-sku";
    run(
        &scratch,
        "cargo",
        &[
            "test",
            "--quiet",
            "-p",
            "bigcartel-cli",
            "--bin",
            "bigcartel",
            "cmd_api::",
        ],
        &[envs[0], ("BIGCARTEL_CLI_EXPECT", expect)],
    )?;
    std::fs::remove_dir_all(&scratch).ok();
    println!(
        "drill: a spec edit reached the raw client, the models, the operations, the spec tables, the npm package's types and the CLI's `api` commands (get-featured-artist, --filter-gift, --filter-sku in --help) with no hand edit; the CLI and the fulfillment engine compile unchanged"
    );
    Ok(())
}

/// `cargo xtask codegen` for a drill's scratch copy of the workspace: xtask built from this
/// workspace (same sources as the copy) and pointed at the copy. Building xtask inside the copy
/// with the shared target dir would replace `target/debug/xtask` with a binary whose workspace is
/// the (soon deleted) copy; running this process's own binary fails once an earlier step has
/// rebuilt it.
pub fn codegen_in(scratch: &Path) -> Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace");
    let dir = scratch.to_str().context("non-UTF-8 path")?;
    run(
        root,
        "cargo",
        &["run", "--quiet", "-p", "xtask", "--", "codegen"],
        &[(ROOT_ENV, dir)],
    )
}

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
                "the drill could not find where to edit the spec for `{needle}`; update xtask/src/drill.rs"
            );
        }
    }
    Ok(spec)
}
