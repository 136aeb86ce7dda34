// Credentials given to the package (a token, a Basic password, an OAuth client secret) never show
// in what it exposes: error messages, stacks and fields, or the client and app objects themselves.
import { assert, eq, rejects } from "./check.mjs";
import { admin, USER_AGENT } from "./scenario.mjs";

/**
 * Every string reachable from `value`: its `String()` and `JSON.stringify` forms, and its own
 * properties (enumerable or not, getters not called), recursively.
 */
function exposedStrings(value, seen = new Set(), out = []) {
  if (typeof value === "string") {
    out.push(value);
    return out;
  }
  if (value === null || (typeof value !== "object" && typeof value !== "function") || seen.has(value)) return out;
  seen.add(value);
  try {
    out.push(String(value));
  } catch {
    // An object without a string form exposes nothing through it.
  }
  try {
    out.push(JSON.stringify(value) ?? "");
  } catch {
    // Nor does one JSON cannot carry.
  }
  for (const key of Reflect.ownKeys(value)) {
    out.push(String(key));
    const desc = Object.getOwnPropertyDescriptor(value, key);
    if (desc && "value" in desc) exposedStrings(desc.value, seen, out);
  }
  return out;
}

function assertHidden(value, secret, what) {
  const leaks = exposedStrings(value).filter((s) => s.includes(secret));
  assert(leaks.length === 0, `${what} shows the secret: ${leaks[0]}`);
}

export function secretChecks(sdk, { mockUrl, adminUrl = mockUrl }) {
  const { Client, OAuthApp, ApiError } = sdk;
  const accountId = async () => String((await admin(adminUrl, "GET", "")).account_id);

  return [
    ["a wrong token: a 401 ApiError; neither it nor the client shows the token", async () => {
      const token = "tok-SECRET-0e1f2a3b4c5d";
      const client = new Client({ userAgent: USER_AGENT, token, baseUrl: mockUrl, accountId: await accountId(), maxRetries: 0 });
      const e = await rejects(() => client.listOrders(), ApiError, "listOrders with a wrong token");
      eq(e.status, 401, "status");
      assertHidden(e, token, "the ApiError");
      assertHidden(client, token, "the client");
      // Discovering the account fails the same way.
      const unset = new Client({ userAgent: USER_AGENT, token, baseUrl: mockUrl, maxRetries: 0 });
      const e2 = await rejects(() => unset.accountId(), ApiError, "accountId with a wrong token");
      eq(e2.status, 401, "status");
      assertHidden(e2, token, "the accountId() error");
    }],

    ["a wrong Basic password: a 401 ApiError; neither it nor the client shows the password", async () => {
      const password = "pw-SECRET-9a8b7c6d5e4f";
      const client = new Client({ userAgent: USER_AGENT, basic: { username: "mockshop", password }, baseUrl: mockUrl, maxRetries: 0 });
      const e = await rejects(() => client.getAccount(), ApiError, "getAccount with a wrong password");
      eq(e.status, 401, "status");
      assertHidden(e, password, "the ApiError");
      assertHidden(client, password, "the client");
      // base64 of "user:password" is what travels: it must not show either.
      const basic = btoa(`mockshop:${password}`);
      assertHidden(e, basic, "the ApiError (Basic header)");
    }],

    ["a wrong OAuth client secret: the code exchange and deauthorize fail without showing it", async () => {
      const clientSecret = "cs-SECRET-5f4e3d2c1b0a";
      const app = new OAuthApp({ clientId: "mock-client-id", clientSecret, userAgent: USER_AGENT, baseUrl: mockUrl, redirectUri: "https://example.com/cb" });
      assertHidden(app, clientSecret, "the app");
      assertHidden(app.authorizeUrl(OAuthApp.newState()), clientSecret, "the authorize URL");
      const e = await rejects(() => app.exchangeCode("mock-code"), ApiError, "exchangeCode with a wrong secret");
      eq(e.status, 401, "status");
      assertHidden(e, clientSecret, "the exchangeCode error");
      const account = await accountId();
      const d = await rejects(() => app.deauthorize(account), ApiError, "deauthorize with a wrong secret");
      eq(d.status, 401, "status");
      assertHidden(d, clientSecret, "the deauthorize error");
      assertHidden(d, btoa(`mock-client-id:${clientSecret}`), "the deauthorize error (Basic header)");
      assertHidden(app, clientSecret, "the app after use");
    }],

    ["the right OAuth client secret exchanges the code; the app still does not show the secret", async () => {
      const clientSecret = "mock-client-secret";
      const app = new OAuthApp({ clientId: "mock-client-id", clientSecret, userAgent: USER_AGENT, baseUrl: mockUrl, redirectUri: "https://example.com/cb" });
      const token = await app.exchangeCode("mock-code");
      assert(typeof token.access_token === "string" && token.access_token.length > 0, "an access token");
      assertHidden(token, clientSecret, "the token");
      assertHidden(app, clientSecret, "the app");
      // The issued token works, and a client holding it does not show it.
      const client = new Client({ userAgent: USER_AGENT, token: token.access_token, baseUrl: mockUrl });
      eq(String((await client.getAccount()).id), await accountId(), "account through the issued token");
      assertHidden(client, token.access_token, "the client");
    }],
  ];
}
