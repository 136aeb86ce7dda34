// Cloudflare Workers (workerd, and bundlers using the worker condition): the .wasm is imported as
// a module, compiled when the Worker is uploaded; Workers forbid compiling bytes at run time.
import wasmModule from "./webhooks/bigcartel_bg.wasm";
import { initSync } from "./webhooks/bigcartel.js";

initSync({ module: wasmModule });

export { verifyWebhook, signWebhook } from "./webhooks/bigcartel.js";
export { BigCartelError, WebhookSignatureError } from "./errors.js";
