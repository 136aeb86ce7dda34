// The API through the package, against a fresh bigcartel-mock started by the harness with
// `--products ${products} --orders ${orders}`. Expected values come from the mock's admin API or its
// start-up arguments, never from the package's own earlier output.
import { assert, eq, rejects } from "./check.mjs";

const DECIMAL = /^-?\d+(\.\d+)?$/;
export const USER_AGENT = "bigcartel-sdk JS tests (dev@example.com)";

/** A call to the mock's admin API (`/__mock...`). */
export async function admin(baseUrl, method, path, body) {
  const res = await fetch(`${baseUrl}/__mock${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`mock admin ${method} ${path}: ${res.status}`);
  return res.status === 204 ? null : res.json();
}

/**
 * `adminUrl` is where the mock's admin API is reached (the page's own origin in the browser, whose
 * server forwards it: the admin API's PUT is not allowed cross-origin).
 */
export function apiChecks(sdk, { mockUrl, products, orders, adminUrl = mockUrl }) {
  const { Client, OAuthApp, BigCartelError, ApiError, ConfigError, InvalidInputError } = sdk;
  const client = (extra = {}) =>
    new Client({ userAgent: USER_AGENT, token: "mock-token", baseUrl: mockUrl, maxRetries: 0, ...extra });

  return [
    ["accountId() is discovered with GET /v1/accounts", async () => {
      const info = await admin(adminUrl, "GET", "");
      eq(await client().accountId(), info.account_id, "account id");
    }],

    ["listProducts: a page of resolved products, total as seeded, money as decimal strings", async () => {
      const page = await client().listProducts({ page_limit: 5 });
      eq(page.items.length, 5, "items");
      eq(page.total, products, "total");
      for (const p of page.items) {
        eq(typeof p.id, "string", "id type");
        assert(typeof p.default_price === "string" && DECIMAL.test(p.default_price), `default_price ${p.default_price} is a decimal string`);
        assert(Array.isArray(p.options) && p.options.length > 0, "options are resolved");
        for (const o of p.options) assert(o.price === null || DECIMAL.test(o.price), `option price ${o.price}`);
        assert(Array.isArray(p.images), "images is a list");
      }
    }],

    ["getProduct returns the product the list returned", async () => {
      const c = client();
      const [first] = (await c.listProducts({ page_limit: 1 })).items;
      const p = await c.getProduct(first.id);
      eq(p.id, first.id, "id");
      eq(p.name, first.name, "name");
      eq(p.default_price, first.default_price, "default_price");
    }],

    ["listProductsStream yields every product, 7 a page, 2 pages at once", async () => {
      const ids = new Set();
      let n = 0;
      for await (const p of client().listProductsStream({}, { pageSize: 7, concurrency: 2 })) {
        ids.add(p.id);
        n += 1;
      }
      eq(n, products, "items streamed");
      eq(ids.size, products, "distinct ids");
    }],

    ["breaking out of a stream stops fetching pages", async () => {
      await admin(adminUrl, "DELETE", "/counters");
      let n = 0;
      for await (const o of client().listOrdersStream({}, { pageSize: 5 })) {
        assert(typeof o.id === "string", "order id");
        if (++n === 3) break;
      }
      const counters = await admin(adminUrl, "GET", "/counters");
      eq(n, 3, "items taken");
      assert(orders > 5, "the mock has more than one page of orders");
      // One page was requested: nothing after the break.
      eq(counters.requests.listOrders, 1, "listOrders requests");
    }],

    ["listOrders: total as seeded, line items resolved, money exact", async () => {
      const page = await client().listOrders({ page_limit: 10 });
      eq(page.total, orders, "total");
      for (const o of page.items) {
        assert(o.total === null || DECIMAL.test(o.total), `total ${o.total}`);
        assert(Array.isArray(o.items), "items is a list");
        for (const li of o.items) assert(li.price === null || DECIMAL.test(li.price), `line price ${li.price}`);
      }
    }],

    ["create, update, get and delete an artist", async () => {
      const c = client();
      const created = await c.createArtist({ name: "Wasm Band" });
      eq(created.name, "Wasm Band", "created name");
      const updated = await c.updateArtist(created.id, { name: "Wasm Band II" });
      eq(updated.name, "Wasm Band II", "updated name");
      eq((await c.getArtist(created.id)).name, "Wasm Band II", "fetched name");
      const listed = (await c.listArtists()).items.map((a) => a.id);
      assert(listed.includes(created.id), "the new artist is listed");
      eq(await c.deleteArtist(created.id), undefined, "delete resolves to undefined");
      const e = await rejects(() => c.getArtist(created.id), ApiError, "get after delete");
      eq(e.status, 404, "status after delete");
    }],

    ["a 404 is an ApiError carrying status, kind, JSON:API errors and the operation", async () => {
      const e = await rejects(() => client().getProduct("no-such-product"), ApiError, "getProduct");
      assert(e instanceof BigCartelError && e instanceof Error, "an Error subclass");
      eq(e.name, "ApiError", "name");
      eq(e.status, 404, "status");
      eq(e.kind, "not_found", "kind");
      eq(e.operation.id, "getProduct", "operation.id");
      eq(e.operation.method, "GET", "operation.method");
      eq(e.operation.path, "/v1/accounts/{account_id}/products/{product_id}", "operation.path");
      assert(Array.isArray(e.errors) && e.errors.length > 0, "JSON:API errors");
      assert(typeof e.errors[0].title === "string" || typeof e.errors[0].detail === "string", "error details");
      assert(e.message.includes("getProduct") && e.message.includes("404"), e.message);
    }],

    ["a wrong token is a 401 whose message and fields never show the token", async () => {
      const token = "secret-token-that-must-not-leak";
      const e = await rejects(() => client({ token, accountId: "12345" }).listProducts(), ApiError, "listProducts");
      eq(e.status, 401, "status");
      eq(e.kind, "unauthorized", "kind");
      assert(!JSON.stringify({ ...e, message: e.message, stack: e.stack }).includes(token), "token leaked");
    }],

    ["arguments of the wrong type are InvalidInputError naming the operation", async () => {
      const c = client();
      let e = await rejects(() => c.listProducts({ page_limit: "many" }), InvalidInputError, "page_limit");
      eq(e.operation.id, "listProducts", "operation");
      e = await rejects(() => c.getProduct(42), InvalidInputError, "numeric id");
      eq(e.operation.id, "getProduct", "operation");
      e = await rejects(() => c.repositionProducts([]), InvalidInputError, "empty id list");
      eq(e.operation.id, "repositionProducts", "operation");
      e = await rejects(() => c.createArtist(undefined), InvalidInputError, "missing input");
      eq(e.operation.id, "createArtist", "operation");
    }],

    ["bad configuration is a ConfigError, without the credential in the message", async () => {
      await rejects(() => new Client({ userAgent: " ", token: "t", baseUrl: mockUrl }), ConfigError, "blank User-Agent");
      await rejects(() => new Client({ userAgent: USER_AGENT, baseUrl: mockUrl }), ConfigError, "no credentials");
      const e = await rejects(
        () => new Client({ userAgent: USER_AGENT, token: "tok-12345", baseUrl: "http://api.example.com" }),
        ConfigError,
        "plain http to a remote host",
      );
      assert(!e.message.includes("tok-12345"), "token in message");
      const typed = await rejects(() => new Client({ userAgent: USER_AGENT, token: 987654321 }), ConfigError, "numeric token");
      assert(!typed.message.includes("987654321"), "the bad value is not echoed");
      // Base URLs are read by the runtime's own URL parser: the same rules as the Rust core.
      const creds = await rejects(
        () => new Client({ userAgent: USER_AGENT, token: "t", baseUrl: "https://me:s3cret-pw@api.example.com" }),
        ConfigError,
        "credentials in the base URL",
      );
      assert(!creds.message.includes("s3cret-pw"), "the URL's password is not echoed");
      const bad = await rejects(
        () => new Client({ userAgent: USER_AGENT, token: "t", baseUrl: "https://me:s3cret-pw@exa mple.com" }),
        ConfigError,
        "an unparsable base URL",
      );
      assert(!bad.message.includes("s3cret-pw"), "an unparsable URL is not echoed");
      await rejects(() => new Client({ userAgent: USER_AGENT, token: "t", baseUrl: "ftp://api.example.com" }), ConfigError, "ftp");
      await rejects(() => new Client({ userAgent: USER_AGENT, token: "t", baseUrl: "http://127.0.0.1.example.com" }), ConfigError, "a domain that looks like loopback");
      for (const loopback of ["http://localhost:4010", "http://127.0.0.1:4010", "http://[::1]:4010", "https://api.bigcartel.com"]) {
        new Client({ userAgent: USER_AGENT, token: "t", baseUrl: loopback });
      }
    }],

    ["the authorize URL carries the app's parameters, form-encoded", async () => {
      const app = new OAuthApp({
        clientId: "my id", clientSecret: "s", userAgent: USER_AGENT,
        redirectUri: "https://myapp.example/cb?x=1&y=2", authorizeEndpoint: "https://my.bigcartel.com/oauth/authorize?lang=en",
      });
      const url = new URL(app.authorizeUrl("st4te"));
      eq(url.origin + url.pathname, "https://my.bigcartel.com/oauth/authorize", "endpoint");
      eq(url.searchParams.get("lang"), "en", "the endpoint's own query is kept");
      eq(url.searchParams.get("client_id"), "my id", "client_id");
      eq(url.searchParams.get("response_type"), "code", "response_type");
      eq(url.searchParams.get("state"), "st4te", "state");
      eq(url.searchParams.get("redirect_uri"), "https://myapp.example/cb?x=1&y=2", "redirect_uri");
      assert(!url.href.includes("my id"), "spaces are encoded");
    }],

    ["HTTP Basic authentication works", async () => {
      const c = new Client({
        userAgent: USER_AGENT,
        basic: { username: "mockshop", password: "mock-password" },
        baseUrl: mockUrl,
      });
      eq((await c.getAccount()).id, (await admin(adminUrl, "GET", "")).account_id, "account");
    }],

    ["a 503 is retried by the core's policy (timers work in this runtime)", async () => {
      await admin(adminUrl, "PUT", "/faults", { error_503_rate: 1.0, max_faults: 1, operations: ["listCategories"] });
      try {
        const c = client({ maxRetries: 2, retryBaseDelayMs: 20, retryMaxDelayMs: 50 });
        const page = await c.listCategories();
        assert(Array.isArray(page.items), "categories");
        eq(c.stats().retries, 1, "retries");
        const counters = await admin(adminUrl, "GET", "/counters");
        eq(counters.faults_by_operation.listCategories, 1, "faults injected");
      } finally {
        await admin(adminUrl, "DELETE", "/faults");
      }
    }],
  ];
}
