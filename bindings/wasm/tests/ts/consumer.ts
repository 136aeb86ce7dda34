// Type-checked with `tsc --noEmit` against the installed package: the public API is typed (no
// `any`), so each `@ts-expect-error` below must find a real type error.
import {
  ApiError,
  Client,
  DecodeError,
  decodeOrder,
  decodeOrders,
  decodeProducts,
  OAuthApp,
  verifyAndParseWebhook,
  type ListProductsParams,
  type Order,
  type OrderAdjustmentSubtype,
  type OrderShippingStatus,
  type Page,
  type Relationship,
  type Product,
  type WebhookEvent,
} from "bigcartel-sdk";
import { verifyWebhook, WebhookSignatureError } from "bigcartel-sdk/webhooks";

export async function usage(baseUrl: string): Promise<string[]> {
  const client = new Client({ userAgent: "Types (dev@example.com)", token: "t", baseUrl });
  const params: ListProductsParams = { filter_status: "active", page_limit: 10 };
  const page: Page<Product> = await client.listProducts(params);
  const names: string[] = page.items.map((p) => p.name ?? "");
  const price: string | null = page.items[0].default_price;
  // @ts-expect-error money is an exact decimal string, not a number
  const wrong: number = page.items[0].default_price;
  // @ts-expect-error listProducts takes ListProductsParams
  await client.listProducts({ page_limit: "ten" });
  // @ts-expect-error getProduct needs an id
  await client.getProduct();
  const order: Order = await client.getOrder("1");
  // Documented values are a union that still admits any other string the API may send.
  const shipping: OrderShippingStatus | null = order.shipping_status;
  if (shipping === "shipped") names.push(shipping);
  const unlisted: OrderShippingStatus = "partially_shipped";
  // @ts-expect-error a status is a string, not a number
  const badStatus: OrderShippingStatus = 3;
  const subtypes: (OrderAdjustmentSubtype | null)[] = order.adjustments.map((a) => a.subtype);
  const warnings: Relationship | undefined = order.extra_relationships?.["warnings"];
  const links: Record<string, unknown> | undefined = order.links;
  const docMeta: Record<string, unknown> | null = (await client.listOrders()).meta;
  const total: number | null = (await client.listOrders()).total;
  for await (const o of client.listOrdersStream({ filter_shipping_status: "unshipped" }, { concurrency: 2 })) {
    const id: string = o.id;
    names.push(id);
  }
  const artist = await client.createArtist({ name: "New" });
  const removed: void = await client.deleteArtist(artist.id);
  try {
    await client.getProduct("x");
  } catch (e) {
    if (e instanceof ApiError) {
      const status: number = e.status;
      const op: string = e.operation.id;
      const detail: string | null = e.errors[0]?.detail ?? null;
      names.push(`${status} ${op} ${detail}`);
    }
  }
  const event: WebhookEvent = verifyAndParseWebhook("secret", "{}", null);
  if (event.type === "order.created") {
    const items: number = event.order.items.length;
    names.push(String(items));
  } else if (event.type === "unknown") {
    const payload: unknown = event.payload;
    names.push(String(payload));
  }
  try {
    verifyWebhook("secret", new Uint8Array(), "abc");
  } catch (e) {
    if (e instanceof WebhookSignatureError) names.push(e.reason);
  }
  const decoded: Order[] = decodeOrders("{}");
  const one: Order = decodeOrder(new Uint8Array());
  const products: Product[] = decodeProducts(new ArrayBuffer(0));
  // @ts-expect-error decodeProducts returns products, not orders
  const mixed: Order[] = decodeProducts("{}");
  // @ts-expect-error the body is text or bytes
  decodeOrders(42);
  try {
    decodeOrders("");
  } catch (e) {
    if (e instanceof DecodeError) {
      const reason: "empty" | "not_json" | "shape" | "attribute" | "other" = e.reason;
      const status: number | undefined = e.status;
      names.push(`${reason} ${status}`);
    }
  }
  names.push(decoded[0]?.items[0]?.price ?? "", one.id, products[0]?.default_price ?? "");
  void mixed;
  const app = new OAuthApp({ clientId: "id", clientSecret: "secret", userAgent: "Types" });
  names.push(app.authorizeUrl(OAuthApp.newState()));
  void [wrong, price, order, total, removed];
  return names;
}
