// Browsers and bundlers: the .wasm is fetched from beside this file and compiled while it
// streams in (bundlers such as webpack and Vite carry `new URL(..., import.meta.url)` assets).
import init from "./full/bigcartel.js";

await init({ module_or_path: new URL("./full/bigcartel_bg.wasm", import.meta.url) });

export * from "./full/bigcartel.js";
export * from "./errors.js";
