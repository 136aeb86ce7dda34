// Node and Bun: the .wasm beside this file, located from import.meta.url (a pattern bundlers
// understand, unlike paths built from the module directory), read and instantiated synchronously.
// No top-level await, so CommonJS code can `require()` this module too (Node's require(esm),
// on by default since Node 20.19 and 22.12).
import { readFileSync } from "node:fs";
import { initSync } from "./full/bigcartel.js";

initSync({ module: readFileSync(new URL("./full/bigcartel_bg.wasm", import.meta.url)) });

export * from "./full/bigcartel.js";
export * from "./errors.js";
