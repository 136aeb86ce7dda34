// CommonJS consumers (Jest's default setup, older apps): `require()` of both entries, through
// Node's require(esm). Run on the machine's Node and on the other Node majors the test command
// installs; the same module instance as `import` gives, so classes and errors are shared.
const { test } = require("node:test");
const assert = require("node:assert/strict");

const full = require("bigcartel-sdk");
const webhooks = require("bigcartel-sdk/webhooks");

test(`require("bigcartel-sdk") on Node ${process.versions.node}: the client, decoders and webhooks`, () => {
  assert.equal(typeof full.Client, "function");
  const body = '{"data":[{"type":"orders","id":"7","attributes":{"total":"31.20"}}]}';
  const [order] = full.decodeOrders(body);
  assert.equal(order.id, "7");
  assert.equal(order.total, "31.20");
  const header = full.signWebhook("s3cret", '{"type":"order.created"}');
  assert.equal(full.verifyWebhook("s3cret", '{"type":"order.created"}', header), undefined);
  assert.throws(
    () => full.verifyWebhook("s3cret", '{"type":"order.created"} ', header),
    (e) => e instanceof full.WebhookSignatureError && e instanceof full.BigCartelError,
  );
});

test(`require("bigcartel-sdk/webhooks") on Node ${process.versions.node}`, () => {
  const header = webhooks.signWebhook("s3cret", "{}");
  assert.equal(webhooks.verifyWebhook("s3cret", "{}", header), undefined);
  assert.throws(() => webhooks.verifyWebhook("wrong", "{}", header), webhooks.WebhookSignatureError);
});

test("require() and import give the same module", async () => {
  const imported = await import("bigcartel-sdk");
  assert.equal(imported.Client, full.Client);
  assert.equal(imported.BigCartelError, full.BigCartelError);
});
