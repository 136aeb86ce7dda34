// The shared corpus of broken responses (tests/vectors/bad-responses.json): the mock replays each
// case for the corpus's operation and the package must give the case's typed outcome, with no crash
// and no hang. The Rust client runs the same corpus in crates/bigcartel-mock/tests/bad_responses.rs.
import { assert, eq, CheckFailed } from "./check.mjs";
import { admin, USER_AGENT } from "./scenario.mjs";

/** Long enough for any answer from a local mock; a hang fails the case instead of the run. */
const CASE_TIMEOUT_MS = 20_000;

function withTimeout(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new CheckFailed(`${what}: no outcome after ${CASE_TIMEOUT_MS} ms (hang)`)), CASE_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function badResponseChecks(sdk, corpus, { mockUrl, adminUrl = mockUrl }) {
  const { Client, ApiError, DecodeError } = sdk;
  const op = corpus.operation;
  // The package's method for the corpus's operationId (`listProducts`).
  const call = (client) => client[op]();
  return [
    [`corpus of broken responses: ${corpus.cases.length} cases replayed for ${op}`, async () => {
      eq(typeof Client.prototype[op], "function", `Client.${op}`);
      assert(corpus.cases.length >= 10, "the corpus has its cases");
    }],
    ...corpus.cases.map((c) => [`broken response ${c.name}: ${c.expect.outcome}`, async () => {
      const client = new Client({
        userAgent: USER_AGENT,
        token: "mock-token",
        baseUrl: mockUrl,
        accountId: String((await admin(adminUrl, "GET", "")).account_id),
        maxRetries: 0,
      });
      await admin(adminUrl, "PUT", `/overrides/${op}`, c.canned);
      let result;
      let error;
      try {
        result = await withTimeout(call(client), c.name);
      } catch (e) {
        error = e;
      } finally {
        await admin(adminUrl, "DELETE", "/overrides");
      }
      if (error instanceof CheckFailed) throw error;
      const got = error ? `${error.name}: ${error.message}` : `ok (${result.items.length} items)`;
      const expect = c.expect;
      switch (expect.outcome) {
        case "ok":
          assert(!error, `expected items, got ${got}`);
          assert(result.items.length > 0, "decoded nothing");
          if (expect.default_price !== undefined) eq(result.items[0].default_price, expect.default_price, "default_price");
          break;
        case "api_error":
          assert(error instanceof ApiError, `expected an ApiError, got ${got}`);
          eq(error.status, expect.status, "status");
          eq(error.operation.id, op, "operation");
          if (expect.detail !== undefined) eq(error.errors[0]?.detail, expect.detail, "detail");
          break;
        case "decode_error":
          assert(error instanceof DecodeError, `expected a DecodeError, got ${got}`);
          eq(error.operation.id, op, "operation");
          eq(typeof error.reason, "string", "reason");
          break;
        default:
          throw new CheckFailed(`unknown outcome ${expect.outcome} in the corpus`);
      }
    }]),
  ];
}
