// The `decode...` functions (decodeOrders, decodeProduct, ...) on documents fetched from the mock
// with plain `fetch`. The expected values are read from the raw documents by the small resolver
// below, never from the package's own output.
import { assert, eq, rejects } from "./check.mjs";
import { admin, USER_AGENT } from "./scenario.mjs";

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** GET an API path of the mock as the raw JSON:API text. */
async function rawText(mockUrl, path) {
  const res = await fetch(`${mockUrl}${path}`, {
    headers: { authorization: "Bearer mock-token", accept: "application/vnd.api+json", "user-agent": USER_AGENT },
  });
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status}`);
  return res.text();
}

/**
 * Checks `decoded` against the raw resource `raw` of `doc`: the id, every scalar attribute as sent,
 * and every relationship's linkage; related resources found in `included` are checked the same way,
 * `depth` levels down.
 */
function checkResource(decoded, raw, index, where, depth) {
  eq(decoded.id, raw.id, `${where}.id`);
  for (const [key, value] of Object.entries(raw.attributes ?? {})) {
    // An attribute the spec does not declare is kept as sent in `extra_attributes`.
    const got = key in decoded ? decoded[key] : decoded.extra_attributes?.[key];
    if (value === null || typeof value !== "object") eq(got, value, `${where}.${key}`);
  }
  if (depth === 0) return;
  for (const [rel, { data }] of Object.entries(raw.relationships ?? {})) {
    if (!(rel in decoded)) {
      // A relationship without a model (`warnings` on orders) is kept as sent.
      const extra = decoded.extra_relationships?.[rel];
      assert(extra !== undefined, `${where}.${rel} is kept in extra_relationships`);
      eq(JSON.stringify(extra.data), JSON.stringify(data), `${where}.${rel} linkage`);
      continue;
    }
    const linked = data === null ? [] : Array.isArray(data) ? data : [data];
    const got = Array.isArray(data) ? decoded[rel] : decoded[rel] === null ? [] : [decoded[rel]];
    assert(Array.isArray(got), `${where}.${rel} is resolved`);
    eq(got.length, linked.length, `${where}.${rel} length`);
    linked.forEach((link, i) => {
      const target = index.get(`${link.type}/${link.id}`);
      if (target) checkResource(got[i], target, index, `${where}.${rel}[${i}]`, depth - 1);
      else eq(got[i].id, link.id, `${where}.${rel}[${i}].id (not included)`);
    });
  }
}

function checkDocument(decoded, text, label) {
  const doc = JSON.parse(text);
  const index = new Map((doc.included ?? []).map((r) => [`${r.type}/${r.id}`, r]));
  const primary = Array.isArray(doc.data) ? doc.data : [doc.data];
  const items = Array.isArray(doc.data) ? decoded : [decoded];
  assert(Array.isArray(items), `${label}: an array`);
  eq(items.length, primary.length, `${label}: items`);
  primary.forEach((raw, i) => checkResource(items[i], raw, index, `${label}[${i}]`, 2));
  return doc;
}

export function decodeChecks(sdk, { mockUrl, adminUrl = mockUrl }) {
  const { decodeOrders, decodeOrder, decodeProducts, decodeProduct, DecodeError, BigCartelError } = sdk;
  const account = async () => (await admin(adminUrl, "GET", "")).account_id;

  return [
    ["decodeOrders: a list document's orders, relationships resolved as the document links them", async () => {
      const text = await rawText(mockUrl, `/v1/accounts/${await account()}/orders?page%5Blimit%5D=10`);
      const orders = decodeOrders(text);
      const doc = checkDocument(orders, text, "orders");
      assert(doc.data.length === 10, "the mock sent 10 orders");
      assert(orders.some((o) => o.items.length > 0), "some order has line items");
      for (const o of orders) {
        assert(DECIMAL.test(o.total), `total ${o.total} is a decimal string`);
        for (const li of o.items) assert(li.price === null || DECIMAL.test(li.price), `line price ${li.price}`);
      }
    }],

    ["decodeProducts: products with their options, images, artists and categories", async () => {
      const text = await rawText(mockUrl, `/v1/accounts/${await account()}/products?page%5Blimit%5D=8`);
      const products = decodeProducts(text);
      checkDocument(products, text, "products");
      assert(products.every((p) => p.options.length > 0 && DECIMAL.test(p.default_price)), "options and prices");
    }],

    ["decodeProduct and decodeOrder: one-resource documents", async () => {
      const id = await account();
      const list = JSON.parse(await rawText(mockUrl, `/v1/accounts/${id}/products?page%5Blimit%5D=1`));
      const productText = await rawText(mockUrl, `/v1/accounts/${id}/products/${list.data[0].id}`);
      checkDocument(decodeProduct(productText), productText, "product");
      const orders = JSON.parse(await rawText(mockUrl, `/v1/accounts/${id}/orders?page%5Blimit%5D=1`));
      const orderText = await rawText(mockUrl, `/v1/accounts/${id}/orders/${orders.data[0].id}`);
      checkDocument(decodeOrder(orderText), orderText, "order");
    }],

    ["decode functions take UTF-8 bytes (Uint8Array, ArrayBuffer) as well as text", async () => {
      const text = await rawText(mockUrl, `/v1/accounts/${await account()}/products?page%5Blimit%5D=3`);
      const bytes = new TextEncoder().encode(text);
      checkDocument(decodeProducts(bytes), text, "from Uint8Array");
      checkDocument(decodeProducts(bytes.buffer), text, "from ArrayBuffer");
    }],

    ["decode functions throw DecodeError (with a reason, no status) on bad bodies", async () => {
      const cases = [
        ["empty", "", "empty"],
        ["whitespace", " \n", "empty"],
        ["HTML", "<html><body>Maintenance</body></html>", "not_json"],
        ["truncated", '{"data":[{"type":"orders","id":"1"', "not_json"],
        ["invalid UTF-8", new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x7d]), "not_json"],
        ["a JSON array", "[]", "shape"],
        ["no data", '{"meta":{}}', "shape"],
        ["one resource where a list belongs", '{"data":{"type":"orders","id":"1"}}', "shape"],
        ["a wrong attribute type", '{"data":[{"type":"orders","id":"1","attributes":{"item_count":"many"}}]}', "attribute"],
      ];
      for (const [what, body, reason] of cases) {
        const e = await rejects(() => decodeOrders(body), DecodeError, what);
        assert(e instanceof BigCartelError, `${what}: a BigCartelError`);
        eq(e.reason, reason, `${what}: reason`);
        eq(e.status, undefined, `${what}: status`);
        assert(e.message.includes("orders"), `${what}: the message names the type: ${e.message}`);
      }
      const one = await rejects(() => decodeOrder('{"data":[]}'), DecodeError, "a list where one resource belongs");
      eq(one.reason, "shape", "reason");
      for (const wrong of [42, null, undefined, {}]) {
        await rejects(() => decodeProducts(wrong), TypeError, `a ${wrong === null ? "null" : typeof wrong} body`);
      }
    }],
  ];
}
