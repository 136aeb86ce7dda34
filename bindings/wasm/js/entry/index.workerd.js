// Cloudflare Workers (workerd, and bundlers using the worker condition): the .wasm is imported as
// a module, compiled when the Worker is uploaded; Workers forbid compiling bytes at run time.
import wasmModule from "./full/bigcartel_bg.wasm";
import { initSync } from "./full/bigcartel.js";

initSync({ module: wasmModule });

export * from "./full/bigcartel.js";
export * from "./errors.js";
