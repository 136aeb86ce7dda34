// Webhook verification in Node: our wasm export vs node:crypto (createHmac + timingSafeEqual), on
// a 2 KiB body, calls per second including the crossing into wasm.
// Usage: node webhook.mjs PATH_TO_PACKAGE_ENTRY [--smoke]
import { createHmac, timingSafeEqual } from "node:crypto";
import { pathToFileURL } from "node:url";

const [entry, ...rest] = process.argv.slice(2);
const smoke = rest.includes("--smoke");
const ours = await import(pathToFileURL(entry).href);
const secret = "bc_client_secret_9f8e7d6c5b4a";
const body = Buffer.from('{"account_id":"12345","type":"order.created","payload":{}} '.repeat(40).slice(0, 2048));
const signature = createHmac("sha256", secret).update(body).digest("hex");

const nodeVerify = () => {
  const expected = createHmac("sha256", secret).update(body).digest();
  const given = Buffer.from(signature, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
};
const oursVerify = () => {
  const r = ours.verifyWebhook(secret, body, signature);
  return r === undefined || r === true;
};
if (!nodeVerify() || !oursVerify()) throw new Error("a verifier rejected a valid signature");

const rounds = smoke ? 2 : 15;
const iters = smoke ? 10 : 20000;
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const a = [], b = [];
for (let r = 0; r < rounds; r++) {
  let t = process.hrtime.bigint();
  for (let i = 0; i < iters; i++) oursVerify();
  a.push(iters / (Number(process.hrtime.bigint() - t) / 1e9));
  t = process.hrtime.bigint();
  for (let i = 0; i < iters; i++) nodeVerify();
  b.push(iters / (Number(process.hrtime.bigint() - t) / 1e9));
}
console.log(JSON.stringify({ row: "webhook_js", ours_calls_s: median(a), peer_calls_s: median(b), ratio: median(a) / median(b) }));
