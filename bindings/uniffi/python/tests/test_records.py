"""The records Python users hold: what they print, how they compare, what they refuse."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal

import pytest

import bigcartel
from conftest import Mock

DOC = {
    "data": [
        {
            "type": "orders",
            "id": "7",
            "attributes": {"customer_first_name": "Ana", "total": "31.20", "shipping_tax_rate": 0.0875},
            "relationships": {
                "items": {"data": [{"type": "order_line_items", "id": "70"}]},
            },
        }
    ],
    "included": [
        {"type": "order_line_items", "id": "70", "attributes": {"product_name": "Tee", "price": "20.0"}}
    ],
}


def decode() -> bigcartel.Order:
    return bigcartel.decode_orders(json.dumps(DOC).encode())[0]


def test_repr_shows_every_field_with_its_value() -> None:
    text = repr(decode())
    assert text.startswith("Order(id='7', ")
    assert "customer_first_name='Ana'" in text
    assert "total='31.20'" in text
    # Nested records print the same way, and values outside the spec keep every digit.
    assert "items=[OrderLineItem(id='70', " in text and "product_name='Tee'" in text
    assert "extra_attributes={'shipping_tax_rate': Decimal('0.0875')}" in text


def test_records_compare_by_value_and_are_not_hashable() -> None:
    a, b = decode(), decode()
    assert a == b and a is not b
    assert a.items[0] == b.items[0]
    other = dict(DOC, data=[dict(DOC["data"][0], id="8")])
    assert bigcartel.decode_orders(json.dumps(other).encode())[0] != a
    # A different record type with the same data is not equal.
    assert a != a.items[0]
    with pytest.raises(TypeError):
        hash(a)


def test_records_are_read_only_and_to_dict_is_a_copy() -> None:
    order = decode()
    with pytest.raises(AttributeError):
        order.total = "0"  # type: ignore[misc]
    data = order.to_dict()
    assert data["total"] == "31.20" and data["items"][0]["product_name"] == "Tee"
    assert data["extra_attributes"] == {"shipping_tax_rate": Decimal("0.0875")}
    data["items"].clear()
    assert len(order.items) == 1


def test_a_wrong_argument_type_is_a_type_error_naming_it(mock: Mock) -> None:
    client = mock.client()
    with pytest.raises(TypeError, match="`params` must be a ListOrdersParams"):
        asyncio.run(client.list_orders({"page_limit": 2}))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="`options` must be a PageOptions"):
        asyncio.run(client.list_orders_all(None, 5))  # type: ignore[arg-type]


def test_the_docstrings_are_written_for_python() -> None:
    for obj in (bigcartel.Client, bigcartel.Client.list_orders, bigcartel.decode_orders, bigcartel.Order):
        doc = obj.__doc__ or ""
        assert doc, obj
        assert "use bigcartel" not in doc and "::" not in doc and "Vec<" not in doc, obj


def test_the_docstring_examples_run() -> None:
    import doctest

    from bigcartel import _views

    result = doctest.testmod(_views, raise_on_error=False)
    assert result.attempted > 0
    assert result.failed == 0
