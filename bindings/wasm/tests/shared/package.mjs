// Checks of the installed package itself: which entry each runtime resolves, and how the .wasm is
// shipped (a separate file, never inlined bytes, never found with __dirname).
import { assert, eq } from "./check.mjs";

export function packageChecks(full, webhooks, { runtime, entry, readText }) {
  return [
    [`${runtime} resolves the "${entry}" entries`, async () => {
      const main = import.meta.resolve("bigcartel-sdk");
      const hooks = import.meta.resolve("bigcartel-sdk/webhooks");
      assert(main.endsWith(`/index.${entry}.js`), `bigcartel-sdk resolved to ${main}`);
      assert(hooks.endsWith(`/webhooks.${entry}.js`), `bigcartel-sdk/webhooks resolved to ${hooks}`);
      if (readText) {
        const text = await readText(new URL(main));
        assert(!text.includes("__dirname"), "the entry uses __dirname");
        const glue = await readText(new URL("./full/bigcartel.js", main));
        assert(!/[A-Za-z0-9+/]{4096}/.test(glue), "the glue embeds the wasm as base64");
      }
    }],
    ["both entries throw the same error classes", async () => {
      eq(webhooks.WebhookSignatureError, full.WebhookSignatureError, "WebhookSignatureError");
      eq(webhooks.BigCartelError, full.BigCartelError, "BigCartelError");
      let error;
      try {
        webhooks.verifyWebhook("secret", "{}", "0".repeat(64));
      } catch (e) {
        error = e;
      }
      assert(error instanceof full.WebhookSignatureError, "instanceof across entries");
      eq(error.reason, "mismatch", "reason");
    }],
    ["the webhooks entry is verification only", async () => {
      eq(typeof webhooks.verifyWebhook, "function", "verifyWebhook");
      eq(webhooks.Client, undefined, "Client");
      eq(webhooks.parseWebhook, undefined, "parseWebhook");
    }],
    ["verifyWebhook takes strings, Uint8Arrays and ArrayBuffers alike", async () => {
      const body = '{"account_id":"1","type":"product.deleted","payload":{"id":"7"}}';
      const sig = full.signWebhook("s3cret", body);
      const bytes = new TextEncoder().encode(body);
      webhooks.verifyWebhook("s3cret", bytes, sig);
      webhooks.verifyWebhook(new TextEncoder().encode("s3cret"), bytes.buffer, sig.toUpperCase());
      const event = full.verifyAndParseWebhook("s3cret", body, sig);
      eq(event.type, "product.deleted", "type");
      eq(event.id, "7", "id");
      let error;
      try {
        webhooks.verifyWebhook("s3cret", 42, sig);
      } catch (e) {
        error = e;
      }
      assert(error instanceof TypeError, "a number body is a TypeError");
    }],
  ];
}
