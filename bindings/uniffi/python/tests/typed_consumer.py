"""What an application would write; `mypy --strict` checks it against the installed wheel's types
(the step fails on any error), and test_typed_consumer.py runs it against the mock."""

from __future__ import annotations

from decimal import Decimal
from typing import Dict, List, Optional

import bigcartel
from bigcartel import (
    Client,
    ClientOptions,
    ListOrdersParams,
    Order,
    OrderInput,
    OrderShippingStatus,
    PageOptions,
    Product,
    ProductPage,
    blocking,
)


def connect(base_url: str, token: str, account_id: Optional[str]) -> Client:
    return Client.bearer(
        token,
        ClientOptions(user_agent="typed-consumer (me@example.com)", base_url=base_url, account_id=account_id),
    )


def cheapest_option_prices(page: ProductPage) -> Dict[str, Decimal]:
    out: Dict[str, Decimal] = {}
    for product in page.items:
        prices = [Decimal(o.price) for o in product.options if o.price is not None]
        if prices:
            out[product.id] = min(prices)
    return out


async def unshipped_order_ids(client: Client) -> List[str]:
    orders: List[Order] = await client.list_orders_all(
        ListOrdersParams(filter_shipping_status="unshipped"), PageOptions(page_size=20)
    )
    return [o.id for o in orders]


def mark_shipped(client: Client, order_id: str) -> Optional[OrderShippingStatus]:
    try:
        order: Order = blocking(client.update_order(order_id, OrderInput(shipping_status="shipped")))
    except bigcartel.ApiError as e:
        status: int = e.status
        retry: Optional[int] = e.retry_after_secs
        raise RuntimeError(f"could not ship {order_id}: {status} (retry after {retry})") from e
    return order.shipping_status


def first_product(client: Client) -> Product:
    page = blocking(client.list_products())
    return page.items[0]


def verify(secret: bytes, body: bytes, header: Optional[str]) -> bool:
    try:
        bigcartel.verify_webhook(secret, body, header)
    except bigcartel.WebhookMismatch:
        return False
    except bigcartel.WebhookError:
        raise
    return True


def decode_cached_orders(body: bytes) -> List[Order]:
    try:
        return bigcartel.decode_orders(body)
    except bigcartel.DocumentNotJson as e:
        excerpt: str = e.excerpt
        raise ValueError(f"not JSON: {excerpt}") from e
