// Deno and Bun: every check, then the closing "N passed, N failed" line.
import process from "node:process";
import { readFile } from "node:fs/promises";
import * as full from "bigcartel-sdk";
import * as webhooks from "bigcartel-sdk/webhooks";
import { runChecks } from "./check.mjs";
import { apiChecks } from "./scenario.mjs";
import { vectorChecks } from "./vectors.mjs";
import { packageChecks } from "./package.mjs";
import { decodeChecks } from "./decode.mjs";
import { badResponseChecks } from "./bad.mjs";
import { secretChecks } from "./secrets.mjs";
import { mock, vectors, badResponses } from "./env.mjs";

const runtime = typeof Deno !== "undefined" ? "deno" : typeof Bun !== "undefined" ? "bun" : "node";
// Deno picks the "deno" condition; Bun the "bun" one, which is the Node entry.
const entry = runtime === "deno" ? "deno" : "node";
const result = await runChecks([
  ...packageChecks(full, webhooks, { runtime, entry, readText: (url) => readFile(url, "utf8") }),
  ...apiChecks(full, mock),
  ...decodeChecks(full, mock),
  ...badResponseChecks(full, badResponses, mock),
  ...secretChecks(full, mock),
  ...vectorChecks(full, vectors, "main entry"),
  ...vectorChecks(webhooks, vectors, "webhooks entry"),
]);
for (const f of result.failures) console.error(`\n${f}`);
console.log(`${runtime}: ${result.passed} passed, ${result.failed} failed`);
process.exit(result.failed === 0 && result.passed > 0 ? 0 : 1);
