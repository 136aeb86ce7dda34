"""Runs the type-checked consumer module (typed_consumer.py) against the mock."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal

import bigcartel
import typed_consumer
from conftest import TOKEN, Mock


def test_the_typed_consumer_works_end_to_end(mock: Mock) -> None:
    client = typed_consumer.connect(mock.url, TOKEN, None)  # account id looked up by the core
    page = bigcartel.blocking(client.list_products(bigcartel.ListProductsParams(page_limit=30)))
    cheapest = typed_consumer.cheapest_option_prices(page)
    assert cheapest and all(isinstance(v, Decimal) for v in cheapest.values())
    for product in page.items:
        if product.id in cheapest:
            assert cheapest[product.id] == min(Decimal(o.price) for o in product.options if o.price)

    unshipped = asyncio.run(typed_consumer.unshipped_order_ids(client))
    assert unshipped
    status = typed_consumer.mark_shipped(client, unshipped[0])
    assert status == bigcartel.OrderShippingStatus.SHIPPED()
    assert str(status) == "shipped"
    assert unshipped[0] not in asyncio.run(typed_consumer.unshipped_order_ids(client))
    assert typed_consumer.first_product(client).id == page.items[0].id

    raw = mock.raw_bytes(f"/v1/accounts/{mock.account_id}/orders?page[limit]=3")
    assert [o.id for o in typed_consumer.decode_cached_orders(raw)] == [
        r["id"] for r in json.loads(raw)["data"]
    ]
    try:
        typed_consumer.decode_cached_orders(b"<html>")
        raise AssertionError("an HTML body must not decode")
    except ValueError as e:
        assert "<html>" in str(e)

    body = b'{"type":"order.created"}'
    sig = bigcartel.sign_webhook(b"k", body)
    assert typed_consumer.verify(b"k", body, sig)
    assert not typed_consumer.verify(b"k", body + b" ", sig)
