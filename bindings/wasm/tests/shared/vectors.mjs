// The shared webhook vectors (tests/vectors/webhooks.json), checked through the package.
import { assert, eq, rejects } from "./check.mjs";

function hexBytes(hex) {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Decodes a byte spec as the vectors' `format.byte_spec` describes. */
export function specBytes(spec) {
  const one = "utf8" in spec ? new TextEncoder().encode(spec.utf8) : hexBytes(spec.hex);
  const repeat = spec.repeat ?? 1;
  const data = new Uint8Array(one.length * repeat);
  for (let i = 0; i < repeat; i++) data.set(one, i * one.length);
  if (spec.flip_bit) data[spec.flip_bit.byte] ^= 1 << spec.flip_bit.bit;
  return data;
}

async function sha256Hex(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Checks for every signature case (and, when the entry has `parseWebhook`, every parse case).
 * `sdk` is the package's main entry or its `webhooks` entry; `label` prefixes the check names.
 */
export function vectorChecks(sdk, vectors, label) {
  const { verifyWebhook, signWebhook, parseWebhook, WebhookSignatureError, WebhookParseError } = sdk;
  const checks = [];
  for (const c of vectors.signature_cases) {
    checks.push([`${label}: signature vector ${c.name}`, async () => {
      const secret = specBytes(c.secret);
      const body = specBytes(c.body);
      eq(body.length, c.body_len, "decoded body length");
      eq(await sha256Hex(body), c.body_sha256, "decoded body sha256");
      eq(signWebhook(secret, body), c.expected_signature, "signWebhook");
      if (c.expect === "ok") {
        verifyWebhook(secret, body, c.header);
        return;
      }
      const e = await rejects(() => verifyWebhook(secret, body, c.header), WebhookSignatureError, c.name);
      eq(e.reason, c.expect, "reason");
      eq(e.status, 401, "status");
      for (const [key, value] of Object.entries(c.error_detail ?? {})) eq(e[key], value, key);
      const secretText = "utf8" in c.secret ? c.secret.utf8 : null;
      if (secretText) assert(!e.message.includes(secretText), "the message must not contain the secret");
    }]);
  }
  if (!parseWebhook) return checks;
  for (const c of vectors.parse_cases) {
    checks.push([`${label}: parse vector ${c.name}`, async () => {
      const body = specBytes(c.body);
      if (c.expect.error) {
        const e = await rejects(() => parseWebhook(body), WebhookParseError, c.name);
        eq(e.reason, c.expect.error, "reason");
        eq(e.status, 400, "status");
        return;
      }
      const event = parseWebhook(body);
      eq(event.account_id, c.expect.account_id, "account_id");
      if (c.expect.event === "unknown") {
        eq(event.type, "unknown", "type");
        eq(event.event_type, c.expect.event_type, "event_type");
        eq(event.resource_id, null, "resource_id");
      } else {
        eq(event.type, c.expect.event, "type");
        eq(event.resource_id, c.expect.id, "resource_id");
      }
    }]);
  }
  return checks;
}
