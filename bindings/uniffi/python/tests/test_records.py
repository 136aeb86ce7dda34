"""The records Python users hold: what they print, how they compare, what they refuse."""

from __future__ import annotations

import asyncio
import inspect
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


RUST_MARKERS = ("```", "use bigcartel", "::", "Vec<", "Option<", "Result<", "Arc<", "[`")


def test_the_docstrings_are_written_for_python() -> None:
    """Every public name's docstring, and its methods', holds no Rust (code, paths, types, doc
    links): what `help()` shows is for Python users."""
    checked, rust = 0, []
    for name in bigcartel.__all__:
        obj = getattr(bigcartel, name)
        docs = [(name, inspect.getdoc(obj) or "")]
        if inspect.isclass(obj):
            docs += [(f"{name}.{m}", inspect.getdoc(v) or "") for m, v in vars(obj).items() if not m.startswith("_") and callable(v)]
        for where, doc in docs:
            checked += 1
            if any(marker in doc for marker in RUST_MARKERS):
                rust.append(where)
    assert checked > 100
    assert rust == []
    for obj in (bigcartel.Client, bigcartel.Client.list_orders, bigcartel.decode_orders, bigcartel.Order, bigcartel.verify_webhook):
        assert obj.__doc__, obj


def test_the_docstring_examples_run() -> None:
    import doctest

    from bigcartel import _views

    result = doctest.testmod(_views, raise_on_error=False)
    assert result.attempted > 0
    assert result.failed == 0


def test_argument_records_and_error_details_show_their_fields() -> None:
    assert repr(bigcartel.ListOrdersParams(page_limit=3)) == (
        "ListOrdersParams(search=None, filter_shipping_status=None, sort=None, page_limit=3, page_offset=None)"
    )
    detail = bigcartel.ErrorDetail(status="404", code=None, title="Not Found", detail="no such order", source=None)
    assert "detail=no such order" in repr(detail)
    assert "no such order" in repr([detail])


def test_an_api_error_shows_its_details(mock: Mock) -> None:
    client = mock.client()
    with pytest.raises(bigcartel.ApiError) as caught:
        asyncio.run(client.get_order("does-not-exist"))
    assert caught.value.errors, "the mock answers a JSON:API errors document"
    assert "ErrorDetail()" not in str(caught.value)
    assert any(e.title and e.title in str(caught.value) for e in caught.value.errors)


def test_webhook_secrets_may_be_str_or_bytes() -> None:
    body = b'{"type":"order.created"}'
    header = bigcartel.sign_webhook(b"s3cret", body)
    assert bigcartel.sign_webhook("s3cret", body) == header
    assert bigcartel.verify_webhook("s3cret", body, header) is None
    assert bigcartel.verify_webhook(b"s3cret", body, header) is None
    with pytest.raises(bigcartel.WebhookMismatch):
        bigcartel.verify_webhook("another", body, header)
    with pytest.raises(TypeError, match="must be str or bytes"):
        bigcartel.verify_webhook(42, body, header)  # type: ignore[arg-type]


def test_webhook_verification_takes_the_one_call_path_and_keeps_typed_errors() -> None:
    from bigcartel import _webhooks

    # The plain C function is found in the library uniffi loaded (else every call would pay
    # uniffi's lowering: about three times the standard library's time).
    assert _webhooks._verifies is not None
    body = b'{"type":"order.created"}' * 100
    header = bigcartel.sign_webhook(b"s3cret", body)
    assert _webhooks._verifies(b"s3cret", 6, body, len(body), header.encode(), 64) == 1
    assert _webhooks._verifies(b"s3cret", 6, body + b" ", len(body) + 1, header.encode(), 64) == 0
    # Each failure still raises its typed reason, through the uniffi function.
    with pytest.raises(bigcartel.WebhookMismatch):
        bigcartel.verify_webhook(b"s3cret", body + b" ", header)
    with pytest.raises(bigcartel.WebhookMissingHeader):
        bigcartel.verify_webhook(b"s3cret", body, None)
    with pytest.raises(bigcartel.WebhookWrongLength):
        bigcartel.verify_webhook(b"s3cret", body, header[:10])
    with pytest.raises(TypeError):
        bigcartel.verify_webhook(b"s3cret", bytearray(body), header)  # type: ignore[arg-type]


def test_the_webhook_docstring_examples_run() -> None:
    import doctest

    from bigcartel import _webhooks

    result = doctest.testmod(_webhooks, raise_on_error=False)
    assert result.attempted > 0
    assert result.failed == 0


def test_timestamps_are_their_text_and_read_as_aware_datetimes() -> None:
    doc = {
        "data": {
            "type": "orders",
            "id": "8",
            "attributes": {
                "created_at": "2024-08-01T21:59:44.123456789+05:30",
                "updated_at": "last tuesday",
                "completed_at": None,
            },
        }
    }
    order = bigcartel.decode_order(json.dumps(doc).encode())
    created = order.created_at
    assert isinstance(created, bigcartel.Timestamp) and isinstance(created, str)
    assert created == "2024-08-01T21:59:44.123456789+05:30"
    when = created.to_datetime()
    assert when is not None
    # The instant and the offset as sent, to the microsecond datetime keeps (rounded); the text
    # keeps every digit.
    assert when.isoformat() == "2024-08-01T21:59:44.123457+05:30"
    assert when.utcoffset() is not None and when.utcoffset().total_seconds() == 5.5 * 3600
    # Text that is not RFC 3339 is kept, and reads as no datetime rather than an error.
    assert order.updated_at == "last tuesday" and order.updated_at.to_datetime() is None
    assert order.completed_at is None
    assert order.to_dict()["created_at"] == "2024-08-01T21:59:44.123456789+05:30"
