// `node --test` over the packed-and-installed package: the API against the mock, the shared
// webhook vectors through both entries, and the package's shape.
import { test } from "node:test";
import { readFile } from "node:fs/promises";
import * as full from "bigcartel-sdk";
import * as webhooks from "bigcartel-sdk/webhooks";
import { apiChecks } from "../shared/scenario.mjs";
import { vectorChecks } from "../shared/vectors.mjs";
import { packageChecks } from "../shared/package.mjs";
import { decodeChecks } from "../shared/decode.mjs";
import { badResponseChecks } from "../shared/bad.mjs";
import { secretChecks } from "../shared/secrets.mjs";
import { mock, vectors, badResponses } from "../shared/env.mjs";

const checks = [
  ...packageChecks(full, webhooks, { runtime: "node", entry: "node", readText: (url) => readFile(url, "utf8") }),
  ...apiChecks(full, mock),
  ...decodeChecks(full, mock),
  ...badResponseChecks(full, badResponses, mock),
  ...secretChecks(full, mock),
  ...vectorChecks(full, vectors, "main entry"),
  ...vectorChecks(webhooks, vectors, "webhooks entry"),
];
for (const [name, fn] of checks) test(name, fn);
