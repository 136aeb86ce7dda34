// Node and Bun: the .wasm beside this file, located from import.meta.url (a pattern bundlers
// understand, unlike paths built from the module directory), read once and instantiated.
import { readFile } from "node:fs/promises";
import init from "./full/bigcartel.js";

await init({ module_or_path: await readFile(new URL("./full/bigcartel_bg.wasm", import.meta.url)) });

export * from "./full/bigcartel.js";
export * from "./errors.js";
