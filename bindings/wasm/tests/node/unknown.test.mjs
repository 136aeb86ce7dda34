// `node --test`: nothing the server sends is lost. The shared "unknown things" vectors
// (tests/vectors/unknown-things.json, documents shaped like the live API's real responses) through
// the installed package's decoders: undeclared attributes in `extra_attributes`, the JSON:API type as
// sent (subtypes included) in `resource_type`, and `resolved: false` on a relationship target the
// document does not include.
import { test } from "node:test";
import process from "node:process";
import { readFileSync } from "node:fs";
import { deepStrictEqual } from "node:assert/strict";
import { decodeOrders, decodeProducts } from "bigcartel-sdk";
import { assert } from "../shared/check.mjs";

const path = process.env.UNKNOWN_THINGS;
if (!path) throw new Error("UNKNOWN_THINGS is not set: run these tests with `cargo xtask test`");
const vectors = JSON.parse(readFileSync(path, "utf8"));
const decoders = { orders: decodeOrders, products: decodeProducts };

function walk(value, path) {
  for (const step of path) {
    if (value === undefined || value === null) return undefined;
    value = value[step];
  }
  return value;
}

test("the shared vectors hold at least one case", () => assert(vectors.cases.length >= 2, "cases"));

for (const c of vectors.cases) {
  test(`${c.name}: decoded with nothing lost`, () => {
    const decoded = decoders[c.decode](JSON.stringify(c.document));
    for (const check of c.checks) {
      deepStrictEqual(walk(decoded, check.path), check.equals, check.path.join("."));
    }
  });
}
