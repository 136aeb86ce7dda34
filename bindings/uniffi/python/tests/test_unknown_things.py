"""Nothing the server sends is lost: the shared "unknown things" vectors
(tests/vectors/unknown-things.json) through the Python decoders. Undeclared attributes are in each
record's ``extra_attributes`` (as JSON values), the JSON:API type as sent (subtypes included) in
``resource_type``, and a relationship target the document does not include has ``resolved`` False."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, Callable, Dict, List

import pytest

import bigcartel
from conftest import unknown_things

VECTORS = unknown_things()
DECODERS: Dict[str, Callable[[bytes], List[Any]]] = {
    "orders": bigcartel.decode_orders,
    "products": bigcartel.decode_products,
}


def as_json(value: Any) -> Any:
    """A record field's value as the JSON the vectors compare with: an enum (a subtype, or an
    attribute's documented values) as its text, which is its ``str()``."""
    if hasattr(value, "is_other"):
        return str(value)
    return value


def walk(value: Any, path: List[Any]) -> Any:
    """Follows a vector path through records (attributes), lists (indexes) and the open-ended
    fields, which carry JSON values: the ``extra_attributes`` and ``extra_relationships`` dicts and
    a resource's ``links`` and ``meta``."""
    for step in path:
        if isinstance(step, int) or isinstance(value, dict):
            value = value[step]
        else:
            value = getattr(value, step)
    return as_json(value)


@pytest.mark.parametrize("case", VECTORS["cases"], ids=[c["name"] for c in VECTORS["cases"]])
def test_a_document_with_unknown_things_decodes_with_nothing_lost(case: Dict[str, Any]) -> None:
    decoded = DECODERS[case["decode"]](json.dumps(case["document"]).encode())
    # Python's float text round-trips, so the checks re-read with exact decimals are the numbers
    # the document was sent with: fractions come back as `Decimal`, every digit kept.
    checks = json.loads(json.dumps(case["checks"]), parse_float=Decimal)
    for check in checks:
        assert walk(decoded, check["path"]) == check["equals"], check["path"]


def test_an_unresolved_product_is_not_a_product_without_options() -> None:
    case = next(c for c in VECTORS["cases"] if c["decode"] == "orders")
    order = bigcartel.decode_orders(json.dumps(case["document"]).encode())[0]
    product = order.items[0].product
    assert product is not None
    assert product.resolved is False
    assert product.resource_type == "product"
    # Its lists are empty because the document did not say, which `resolved` makes plain.
    assert product.options == []
    assert order.items[0].resolved is True
