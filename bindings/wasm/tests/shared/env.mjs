// What the harness (`cargo xtask test`, xtask/src/wasm.rs) passes to Node, Deno and Bun.
import process from "node:process";
import { readFileSync } from "node:fs";

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run these tests with \`cargo xtask test\``);
  return value;
}

export const mock = {
  mockUrl: required("BIGCARTEL_MOCK_URL"),
  products: Number(required("BIGCARTEL_MOCK_PRODUCTS")),
  orders: Number(required("BIGCARTEL_MOCK_ORDERS")),
};
export const vectors = JSON.parse(readFileSync(required("WEBHOOK_VECTORS"), "utf8"));
export const badResponses = JSON.parse(readFileSync(required("BAD_RESPONSES"), "utf8"));
