// Deno: fetch reads the .wasm beside this file (a file: URL) and compiles it while it streams.
import init from "./webhooks/bigcartel.js";

await init({ module_or_path: new URL("./webhooks/bigcartel_bg.wasm", import.meta.url) });

export { verifyWebhook, signWebhook } from "./webhooks/bigcartel.js";
export { BigCartelError, WebhookSignatureError } from "./errors.js";
