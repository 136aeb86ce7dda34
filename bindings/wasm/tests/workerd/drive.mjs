// Drives the worker workerd serves: GET /run (the shared checks inside the Worker), then webhooks
// the mock signs and delivers to the Worker, and a forged one sent directly.
import process from "node:process";

const worker = process.env.WORKERD_URL;
const mockUrl = process.env.BIGCARTEL_MOCK_URL;
const query = new URLSearchParams({ mock: mockUrl, products: process.env.BIGCARTEL_MOCK_PRODUCTS, orders: process.env.BIGCARTEL_MOCK_ORDERS });
const run = await (await fetch(`${worker}/run?${query}`)).json();
for (const line of run.lines) console.log(line);
let { passed } = run;
const failures = [...run.failures];
const check = (name, ok, detail) => {
  if (ok) {
    passed += 1;
    console.log(`ok - ${name}`);
  } else {
    failures.push(`${name}: ${detail}`);
    console.log(`not ok - ${name}: ${detail}`);
  }
};

// The mock signs with its client secret and POSTs to the Worker, which verifies and parses.
const delivered = await (await fetch(`${mockUrl}/__mock/webhooks`, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ type: "order.created", payload: { id: "ORD-WORKERD", total: "12.50" }, url: `${worker}/webhook` }),
})).json();
check("a webhook signed and delivered by the mock verifies in the Worker", delivered.status === 200, JSON.stringify(delivered));
const log = await (await fetch(`${mockUrl}/__mock/webhooks`)).json();
check("the mock recorded the Worker's 200", JSON.stringify(log).includes("200"), JSON.stringify(log));

const body = '{"account_id":"12345","type":"product.deleted","payload":{"id":"7"}}';
const forged = await fetch(`${worker}/webhook`, { method: "POST", body, headers: { "X-Webhook-Signature": "ab".repeat(32) } });
check("a forged signature is answered 401", forged.status === 401, `${forged.status} ${await forged.text()}`);
const unsigned = await fetch(`${worker}/webhook`, { method: "POST", body });
check("an unsigned webhook is answered 401", unsigned.status === 401, `${unsigned.status} ${await unsigned.text()}`);

for (const f of failures) console.error(`\n${f}`);
console.log(`workerd: ${passed} passed, ${failures.length} failed`);
process.exit(failures.length === 0 && passed > 0 ? 0 : 1);
