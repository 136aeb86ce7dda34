// Webhook verification alone: no HTTP client, for edge handlers that only verify.
export { verifyWebhook, signWebhook } from "./webhooks/bigcartel.js";
export { BigCartelError, WebhookSignatureError } from "./errors.js";
