// Node and Bun: the .wasm beside this file, located from import.meta.url (a pattern bundlers
// understand, unlike paths built from the module directory), read once and instantiated.
import { readFile } from "node:fs/promises";
import init from "./webhooks/bigcartel.js";

await init({ module_or_path: await readFile(new URL("./webhooks/bigcartel_bg.wasm", import.meta.url)) });

export { verifyWebhook, signWebhook } from "./webhooks/bigcartel.js";
export { BigCartelError, WebhookSignatureError } from "./errors.js";
