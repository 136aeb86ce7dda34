// Deno: fetch reads the .wasm beside this file (a file: URL) and compiles it while it streams.
import init from "./full/bigcartel.js";

await init({ module_or_path: new URL("./full/bigcartel_bg.wasm", import.meta.url) });

export * from "./full/bigcartel.js";
export * from "./errors.js";
