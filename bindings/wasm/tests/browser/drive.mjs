// Drives headless Chromium (Debian's, through playwright-core) over a page served on localhost
// that imports the installed package's browser entries. Run with node from the consumer project.
import http from "node:http";
import os from "node:os";
import path from "node:path";
import process from "node:process";
import { createRequire } from "node:module";
import { mkdtemp, readFile, rm } from "node:fs/promises";

const root = process.cwd();
const env = (name) => {
  if (!process.env[name]) throw new Error(`${name} is not set: run with \`cargo xtask test\``);
  return process.env[name];
};
const { chromium } = createRequire(path.join(env("WASM_TOOLS_DIR"), "package.json"))("playwright-core");

// The import map a bundler's resolution would give: the package's "browser" conditions.
const pkgDir = "/node_modules/bigcartel-sdk/";
const pkg = JSON.parse(await readFile(path.join(root, pkgDir, "package.json"), "utf8"));
const importMap = {
  imports: {
    "bigcartel-sdk": pkgDir + pkg.exports["."].browser.slice(2),
    "bigcartel-sdk/webhooks": pkgDir + pkg.exports["./webhooks"].browser.slice(2),
  },
};

const types = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".json": "application/json", ".wasm": "application/wasm" };
const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, "http://localhost");
  if (url.pathname.startsWith("/__mock")) {
    // The mock's admin API, forwarded: the page reaches it same-origin.
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = chunks.length ? Buffer.concat(chunks) : undefined;
    const answer = await fetch(env("BIGCARTEL_MOCK_URL") + req.url, {
      method: req.method,
      headers: body ? { "content-type": "application/json" } : {},
      body,
    });
    res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") || "application/json" });
    res.end(Buffer.from(await answer.arrayBuffer()));
    return;
  }
  try {
    const vectors = { "/vectors/webhooks.json": env("WEBHOOK_VECTORS"), "/vectors/bad-responses.json": env("BAD_RESPONSES") };
    const file = vectors[url.pathname] ?? path.join(root, path.normalize(url.pathname));
    if (!file.startsWith(root) && !(url.pathname in vectors)) throw new Error("outside the project");
    let body = await readFile(file);
    if (url.pathname === "/browser/index.html") body = body.toString().replace("__IMPORT_MAP__", JSON.stringify(importMap));
    res.writeHead(200, { "content-type": types[path.extname(file)] || "application/octet-stream" });
    res.end(body);
  } catch {
    res.writeHead(404);
    res.end();
  }
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

const userDataDir = await mkdtemp(path.join(os.tmpdir(), "bigcartel-chromium-"));
const flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
let result;
const context = await chromium.launchPersistentContext(userDataDir, { executablePath: "/usr/bin/chromium", headless: true, args: flags });
try {
  const page = await context.newPage();
  page.on("console", (m) => console.log(`[page] ${m.text()}`));
  page.on("pageerror", (e) => console.log(`[page error] ${e.message}`));
  const query = new URLSearchParams({ mock: env("BIGCARTEL_MOCK_URL"), products: env("BIGCARTEL_MOCK_PRODUCTS"), orders: env("BIGCARTEL_MOCK_ORDERS") });
  await page.goto(`${origin}/browser/index.html?${query}`);
  await page.waitForFunction(() => window.__result !== undefined, null, { timeout: 180_000 });
  result = await page.evaluate(() => window.__result);
  console.log(await page.evaluate(() => document.getElementById("log").textContent));
  console.log(`chromium ${context.browser()?.version() ?? ""} user agent: ${await page.evaluate(() => navigator.userAgent)}`);
} finally {
  await context.close();
  server.close();
  await rm(userDataDir, { recursive: true, force: true });
}
for (const f of result.failures) console.error(`\n${f}`);
console.log(`chromium: ${result.passed} passed, ${result.failed} failed`);
process.exit(result.failed === 0 && result.passed > 0 ? 0 : 1);
