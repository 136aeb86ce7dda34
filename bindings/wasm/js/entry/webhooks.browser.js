// Browsers and bundlers: the .wasm is fetched from beside this file and compiled while it
// streams in (bundlers such as webpack and Vite carry `new URL(..., import.meta.url)` assets).
import init from "./webhooks/bigcartel.js";

await init({ module_or_path: new URL("./webhooks/bigcartel_bg.wasm", import.meta.url) });

export { verifyWebhook, signWebhook } from "./webhooks/bigcartel.js";
export { BigCartelError, WebhookSignatureError } from "./errors.js";
