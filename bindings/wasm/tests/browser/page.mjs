// Runs in headless Chromium: the package's browser entries, the shared checks against the mock
// (cross-origin, so through CORS preflights), and the webhook vectors fetched from the page's server.
import * as full from "bigcartel-sdk";
import * as webhooks from "bigcartel-sdk/webhooks";
import { runChecks } from "../shared/check.mjs";
import { apiChecks } from "../shared/scenario.mjs";
import { vectorChecks } from "../shared/vectors.mjs";
import { packageChecks } from "../shared/package.mjs";
import { decodeChecks } from "../shared/decode.mjs";
import { badResponseChecks } from "../shared/bad.mjs";
import { secretChecks } from "../shared/secrets.mjs";

const params = new URLSearchParams(location.search);
const mock = {
  mockUrl: params.get("mock"),
  products: Number(params.get("products")),
  orders: Number(params.get("orders")),
  adminUrl: location.origin,
};
const log = document.getElementById("log");
try {
  const vectors = await (await fetch("/vectors/webhooks.json")).json();
  const badResponses = await (await fetch("/vectors/bad-responses.json")).json();
  const readText = async (url) => (await fetch(url)).text();
  window.__result = await runChecks(
    [
      ...packageChecks(full, webhooks, { runtime: "chromium", entry: "browser", readText }),
      ...apiChecks(full, mock),
      ...decodeChecks(full, mock),
      ...badResponseChecks(full, badResponses, mock),
      ...secretChecks(full, mock),
      ...vectorChecks(full, vectors, "main entry"),
      ...vectorChecks(webhooks, vectors, "webhooks entry"),
    ],
    (line) => (log.textContent += line + "\n"),
  );
} catch (e) {
  window.__result = { passed: 0, failed: 1, failures: [`page: ${e && e.stack ? e.stack : e}`] };
}
