// A Cloudflare Worker run by workerd: it imports the package (its workerd entries, .wasm imported
// as a compiled module), runs the shared checks on GET /run, and verifies webhooks the mock sends
// to POST /webhook.
import * as full from "bigcartel-sdk";
import * as webhooks from "bigcartel-sdk/webhooks";
import vectors from "vectors.json";
import badResponses from "bad-responses.json";
import { runChecks } from "./shared/check.mjs";
import { apiChecks } from "./shared/scenario.mjs";
import { vectorChecks } from "./shared/vectors.mjs";
import { packageChecks } from "./shared/package.mjs";
import { decodeChecks } from "./shared/decode.mjs";
import { badResponseChecks } from "./shared/bad.mjs";
import { secretChecks } from "./shared/secrets.mjs";

// The mock signs webhooks with its default OAuth client secret.
const SECRET = "mock-client-secret";

export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/run") {
      const mock = {
        mockUrl: url.searchParams.get("mock"),
        products: Number(url.searchParams.get("products")),
        orders: Number(url.searchParams.get("orders")),
      };
      const lines = [];
      const result = await runChecks(
        [
          // No file system here: the package's files are checked by the other runtimes.
          ...packageChecks(full, webhooks, { runtime: "workerd", entry: "workerd" }).slice(1),
          ...apiChecks(full, mock),
          ...decodeChecks(full, mock),
          ...badResponseChecks(full, badResponses, mock),
          ...secretChecks(full, mock),
          ...vectorChecks(full, vectors, "main entry"),
          ...vectorChecks(webhooks, vectors, "webhooks entry"),
        ],
        (line) => lines.push(line),
      );
      return Response.json({ ...result, lines });
    }
    if (url.pathname === "/webhook" && request.method === "POST") {
      const body = await request.arrayBuffer();
      const signature = request.headers.get("X-Webhook-Signature");
      try {
        webhooks.verifyWebhook(SECRET, body, signature);
        const event = full.verifyAndParseWebhook(SECRET, body, signature);
        return Response.json({ type: event.type, resource_id: event.resource_id });
      } catch (e) {
        return new Response(`${e.name}: ${e.message}`, { status: e.status ?? 500 });
      }
    }
    return new Response("not found", { status: 404 });
  },
};
