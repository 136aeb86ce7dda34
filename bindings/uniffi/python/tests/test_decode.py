"""The generated decode_<type>/decode_<model> functions: bytes fetched without the SDK in, the same
resolved records the client returns out, and typed errors for bodies that are not documents."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal

import pytest

import bigcartel
from bigcartel import ListOrdersParams, ListProductsParams
from conftest import Mock


def test_decode_products_resolves_a_list_document(mock: Mock) -> None:
    raw = mock.raw_bytes(f"/v1/accounts/{mock.account_id}/products?page[limit]=20")
    doc = json.loads(raw)
    included = {(r["type"], r["id"]): r for r in doc.get("included", [])}

    products = bigcartel.decode_products(raw)

    assert [p.id for p in products] == [r["id"] for r in doc["data"]]
    for product, resource in zip(products, doc["data"]):
        assert isinstance(product, bigcartel.Product)
        assert product.name == resource["attributes"]["name"]
        wire_price = resource["attributes"].get("default_price")
        if wire_price is not None:
            assert isinstance(product.default_price, str)
            assert Decimal(product.default_price) == Decimal(str(wire_price))
        linked = [o["id"] for o in resource["relationships"]["options"]["data"]]
        assert [o.id for o in product.options] == linked
        for option in product.options:
            assert option.name == included[("product_options", option.id)]["attributes"]["name"]
    assert any(p.options for p in products), "the seeded shop has products with options"
    # The same records the client builds from the same response.
    page = asyncio.run(mock.client().list_products(ListProductsParams(page_limit=20)))
    assert products == page.items


def test_decode_orders_and_a_single_order(mock: Mock) -> None:
    raw = mock.raw_bytes(f"/v1/accounts/{mock.account_id}/orders?page[limit]=5")
    doc = json.loads(raw)
    orders = bigcartel.decode_orders(raw)
    assert [o.id for o in orders] == [r["id"] for r in doc["data"]]
    for order, resource in zip(orders, doc["data"]):
        linked = [i["id"] for i in resource["relationships"]["items"]["data"]]
        assert [i.id for i in order.items] == linked
    client = mock.client()
    assert orders == asyncio.run(client.list_orders(ListOrdersParams(page_limit=5))).items

    one_raw = mock.raw_bytes(f"/v1/accounts/{mock.account_id}/orders/{orders[0].id}")
    one = bigcartel.decode_order(one_raw)
    assert one.id == orders[0].id
    assert one == asyncio.run(client.get_order(orders[0].id))


def test_decoders_are_named_after_the_type_and_the_model() -> None:
    # The list decoder after the JSON:API type, the one-resource decoder after the model.
    for wire, list_name, one_name, model in [
        ("products", "decode_products", "decode_product", bigcartel.Product),
        ("product_options", "decode_product_options", "decode_product_option", bigcartel.ProductOption),
        ("orders", "decode_orders", "decode_order", bigcartel.Order),
        ("categories", "decode_categories", "decode_category", bigcartel.Category),
        ("countries", "decode_countries", "decode_country", bigcartel.Country),
    ]:
        body = json.dumps({"data": [{"type": wire, "id": "7"}, {"type": wire, "id": 8}]}).encode()
        items = getattr(bigcartel, list_name)(body)
        assert [type(i) for i in items] == [model, model]
        assert [i.id for i in items] == ["7", "8"]  # numeric ids kept as text
        one = getattr(bigcartel, one_name)(json.dumps({"data": {"type": wire, "id": "9"}}).encode())
        assert isinstance(one, model) and one.id == "9"


def test_bad_bodies_are_typed_document_errors() -> None:
    with pytest.raises(bigcartel.DocumentEmpty):
        bigcartel.decode_products(b"")

    with pytest.raises(bigcartel.DocumentNotJson) as not_json:
        bigcartel.decode_products(b"<html><body>502 Bad Gateway</body></html>")
    assert not_json.value.excerpt.startswith("<html>")
    assert "not valid JSON" in not_json.value.reason

    with pytest.raises(bigcartel.DocumentNotJson):
        bigcartel.decode_orders(b'{"data": [{"type": "orders", "id": "1"')  # truncated
    with pytest.raises(bigcartel.DocumentNotJson):
        bigcartel.decode_orders(b"\xff\xfe\x00")  # not UTF-8

    with pytest.raises(bigcartel.DocumentShape):
        bigcartel.decode_products(b'{"data": {"type": "products", "id": "1"}}')  # one, not a list
    with pytest.raises(bigcartel.DocumentShape):
        bigcartel.decode_product(b'{"data": [{"type": "products", "id": "1"}]}')  # a list, not one
    with pytest.raises(bigcartel.DocumentShape):
        bigcartel.decode_products(b'{"errors": []}')

    with pytest.raises(bigcartel.DocumentAttribute) as attribute:
        bigcartel.decode_products(
            b'{"data": [{"type": "products", "id": "42", "attributes": {"name": {"oops": 1}}}]}'
        )
    assert (attribute.value.resource_type, attribute.value.id) == ("products", "42")

    # Every one of them is catchable as the base class, and none is a client error.
    with pytest.raises(bigcartel.DocumentError):
        bigcartel.decode_products(b"null")
    assert not issubclass(bigcartel.DocumentError, bigcartel.BigCartelError)


def test_decoders_take_only_bytes() -> None:
    with pytest.raises(TypeError):
        bigcartel.decode_products("{}")  # type: ignore[arg-type]
