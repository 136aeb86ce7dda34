// JSON:API decode + relationship resolution in Node: the npm libraries people use for this
// (jsona, kitsu-core), and our wasm package when one is given, on the same page bodies.
// Usage: node decode.mjs BODIES_DIR [--smoke] [--ours PATH_TO_PACKAGE_ENTRY]
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Jsona } from "jsona";
import { deserialise } from "kitsu-core";

const args = process.argv.slice(2);
const dir = args[0];
const smoke = args.includes("--smoke");
const oursAt = args.indexOf("--ours");
const rounds = smoke ? 2 : 15;
const iters = smoke ? 2 : 200;

const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const jsona = new Jsona();

let ours = null;
if (oursAt >= 0) {
  const mod = await import(pathToFileURL(args[oursAt + 1]).href);
  ours = mod;
}

const contenders = {
  jsona: (text) => jsona.deserialize(JSON.parse(text)),
  "kitsu-core": (text) => deserialise(JSON.parse(text)),
};
if (ours) {
  contenders.ours_wasm = (text, page) => (page === "orders" ? ours.decodeOrders(text) : ours.decodeProducts(text));
}

const results = [];
for (const page of ["orders", "products"]) {
  const text = readFileSync(join(dir, `${page}.json`), "utf8");
  // Check each contender really resolves relationships before timing it.
  for (const [name, f] of Object.entries(contenders)) {
    const out = f(text, page);
    const items = Array.isArray(out) ? out : out.data ?? out.items;
    if (!items || items.length !== 100) throw new Error(`${name} did not decode 100 ${page}`);
  }
  const samples = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [name, f] of Object.entries(contenders)) {
      const t = process.hrtime.bigint();
      for (let i = 0; i < iters; i++) f(text, page);
      const secs = Number(process.hrtime.bigint() - t) / 1e9;
      samples[name].push(iters / secs);
    }
  }
  const row = { page };
  for (const [name, s] of Object.entries(samples)) row[`${name}_pages_s`] = median(s);
  results.push(row);
}
console.log(JSON.stringify({ row: "decode_node", node: process.version, results }));
