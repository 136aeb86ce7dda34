// `node --test`: the installed package against a hostile server on 127.0.0.1 (a redirect that would
// carry the token to another host, a body over the size cap, pages that never end). Each is a typed
// error from the Rust core's one implementation (crates/bigcartel/tests/hostile.rs has the Rust side).
import { test } from "node:test";
import { createServer } from "node:http";
import { ApiError, Client, PagingError, TransportError } from "bigcartel-sdk";
import { assert, eq } from "../shared/check.mjs";

const TOKEN = "tok-js-hostile-secret";

function listen(handler) {
  return new Promise((resolve) => {
    const server = createServer(handler);
    server.listen(0, "127.0.0.1", () => resolve([server, `http://127.0.0.1:${server.address().port}`]));
  });
}

async function withHostile(fn) {
  const counts = { stolen: 0, pages: 0 };
  const [thief, thiefUrl] = await listen((req, res) => {
    counts.stolen += 1;
    res.end('{"data":{"type":"accounts","id":"1","attributes":{}}}');
  });
  const [server, url] = await listen((req, res) => {
    const u = new URL(req.url, "http://x");
    const account = u.pathname.split("/")[3];
    if (account === "redirect") {
      res.writeHead(307, { location: `${thiefUrl}/v1/accounts/1` }).end();
    } else if (account === "huge-declared") {
      // Declares 1 GiB; the client must refuse it before reading.
      res.writeHead(200, { "content-type": "application/json", "content-length": String(1 << 30) });
      res.write("a".repeat(1 << 16));
      req.socket.on("close", () => res.destroy());
    } else if (account === "huge") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end("a".repeat(4 << 20));
    } else if (account === "repeat") {
      counts.pages += 1;
      const limit = Number(u.searchParams.get("page[limit]") ?? 20);
      const data = Array.from({ length: limit }, (_, i) => ({ type: "orders", id: String(i), attributes: { total: "1.00" } }));
      res.writeHead(200, { "content-type": "application/vnd.api+json" });
      res.end(JSON.stringify({ data, meta: { count: 1e12 }, links: { next: `/v1/accounts/repeat/orders?n=${counts.pages}` } }));
    } else {
      res.writeHead(404).end();
    }
  });
  try {
    await fn(url, counts);
  } finally {
    server.closeAllConnections();
    thief.closeAllConnections();
    server.close();
    thief.close();
  }
}

const client = (url, accountId, extra = {}) =>
  new Client({ userAgent: "JsHostile (test@example.com)", token: TOKEN, baseUrl: url, accountId, maxRetries: 0, ...extra });

async function failure(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error("expected a rejection");
}

test("a redirect is an ApiError of kind redirect, never followed", () =>
  withHostile(async (url, counts) => {
    const e = await failure(client(url, "redirect").getAccount());
    assert(e instanceof ApiError, `ApiError, got ${e}`);
    eq(e.status, 307, "status");
    eq(e.kind, "redirect", "kind");
    assert(!String(e.message).includes(TOKEN), "no token in the message");
    eq(counts.stolen, 0, "requests that reached the redirect's target");
  }));

test("a body over maxResponseBytes is a TransportError of kind too_large", () =>
  withHostile(async (url) => {
    for (const account of ["huge-declared", "huge"]) {
      const e = await failure(client(url, account, { maxResponseBytes: 1 << 20 }).getAccount());
      assert(e instanceof TransportError, `${account}: TransportError, got ${e}`);
      eq(e.kind, "too_large", `${account}: kind`);
      assert(String(e.message).includes("1048576"), `${account}: the cap is named: ${e.message}`);
    }
  }));

test("a page sent again stops a stream with a PagingError", () =>
  withHostile(async (url, counts) => {
    let items = 0;
    const e = await failure((async () => {
      for await (const _ of client(url, "repeat").listOrdersStream({}, { pageSize: 10 })) items += 1;
    })());
    assert(e instanceof PagingError, `PagingError, got ${e}`);
    eq(items, 10, "items before the repeat");
    eq(counts.pages, 2, "pages fetched");
    eq(e.operation.id, "listOrders", "operation");
  }));

test("maxPages is settable from JavaScript", () =>
  withHostile(async (url, counts) => {
    const e = await failure((async () => {
      for await (const _ of client(url, "repeat").listOrdersStream({}, { pageSize: 10, maxPages: 1 }));
    })());
    assert(e instanceof PagingError, `PagingError, got ${e}`);
    eq(counts.pages, 1, "pages fetched");
  }));
