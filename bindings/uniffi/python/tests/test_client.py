"""The Python bindings against the mock server: real HTTP on 127.0.0.1, the Rust core underneath."""

from __future__ import annotations

import json

import asyncio
import gc
import threading
from decimal import Decimal
from typing import Any, Dict, List

import pytest

import bigcartel
from bigcartel import (
    ApiErrorKind,
    BigCartelError,
    BlockingClient,
    ListOrdersParams,
    ListProductsParams,
    OrderInput,
    PageOptions,
    blocking,
)
from conftest import TOKEN, Mock


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def included_by_key(doc: Dict[str, Any]) -> Dict[Any, Dict[str, Any]]:
    return {(r["type"], r["id"]): r for r in doc.get("included", [])}


def test_list_products_resolves_options_from_included(mock: Mock) -> None:
    client = mock.client()
    page = run(client.list_products(ListProductsParams(page_limit=10)))
    raw = mock.raw_get(f"/v1/accounts/{mock.account_id}/products?page[limit]=10")
    included = included_by_key(raw)

    assert [p.id for p in page.items] == [r["id"] for r in raw["data"]]
    assert page.total == raw["meta"]["count"]
    # The document's own meta and links reach Python whole, as JSON values.
    assert page.meta == raw["meta"]
    assert page.links == raw["links"]
    with_options = 0
    for product, resource in zip(page.items, raw["data"]):
        assert isinstance(product, bigcartel.Product)
        assert product.name == resource["attributes"]["name"]
        option_ids = [o["id"] for o in resource["relationships"]["options"]["data"]]
        assert [o.id for o in product.options] == option_ids
        for option in product.options:
            wire = included[("product_options", option.id)]["attributes"]
            assert option.name == wire["name"]
            # Money stays the exact decimal text the API sent, never a float.
            assert isinstance(option.price, str)
            assert Decimal(option.price) == Decimal(str(wire["price"]))
        with_options += bool(product.options)
    assert with_options > 0, "the seeded shop has products with options"


def test_page_through_orders_by_hand_and_with_the_cores_paging(mock: Mock) -> None:
    client = mock.client()
    seen: List[str] = []
    offset = 0
    total = None
    while True:
        page = run(client.list_orders(ListOrdersParams(page_limit=7, page_offset=offset)))
        total = page.total
        seen.extend(o.id for o in page.items)
        offset += len(page.items)
        if page.next is None or not page.items:
            break
    assert total == 45
    assert len(seen) == len(set(seen)) == 45

    every = run(client.list_orders_all(None, PageOptions(page_size=10, concurrency=3)))
    assert [o.id for o in every] == seen
    assert all(o.items for o in every), "orders carry their resolved line items"


def test_fill_line_item_products_fetches_each_missing_product_once_in_place(mock: Mock) -> None:
    client = mock.client()
    page = run(client.list_orders(ListOrdersParams(page_limit=20)))
    before = [item for order in page.items for item in order.items]
    assert before, "the seeded orders have line items"
    # An orders list names each product without including it: a stub, not "no options".
    assert all(item.product is not None and item.product.resolved is False for item in before)
    untouched = [order.to_dict() for order in page.items]
    distinct = {item.product.id for item in before if item.product is not None}

    def asked() -> int:
        return int(mock.admin("GET", "/counters")["requests"].get("getProduct", 0))

    start = asked()
    report = run(client.fill_line_item_products(page.items, concurrency=3))
    assert asked() - start == len(distinct), "one request per distinct product"
    assert (report.fetched, report.filled, report.missing) == (len(distinct), len(before), [])
    after = [item for order in page.items for item in order.items]
    for old, item in zip(before, after):
        assert item.product is not None and item.product.resolved is True
        assert old.product is not None and item.product.id == old.product.id
        assert isinstance(item.product.name, str) and item.product.options
        if item.product_option is not None:
            assert item.product_option.resolved is True
            assert item.product_option.id in [o.id for o in item.product.options]
    # Only the products and options changed: every other field is as the list sent it.
    for order, old_dict in zip(page.items, untouched):
        new_dict = order.to_dict()
        for new_item, old_item in zip(new_dict["items"], old_dict["items"]):
            for key in ("product", "product_option"):
                new_item.pop(key, None)
                old_item.pop(key, None)
        assert new_dict == old_dict
    # Nothing is left to fetch the second time.
    assert run(client.fill_line_item_products(page.items)).fetched == 0
    assert asked() - start == len(distinct)
    with pytest.raises(TypeError):
        run(client.fill_line_item_products("orders"))  # type: ignore[arg-type]


def test_update_order_round_trips_through_the_server(mock: Mock) -> None:
    client = mock.client()
    order = run(client.list_orders(ListOrdersParams(page_limit=1))).items[0]
    # A status is an enum whose text is its `str()`.
    assert order.shipping_status is not None
    assert isinstance(order.shipping_status, bigcartel.OrderShippingStatus)
    new_status = "shipped" if str(order.shipping_status) != "shipped" else "unshipped"
    updated = run(
        client.update_order(
            order.id, OrderInput(shipping_status=new_status, customer_first_name="Ada")
        )
    )
    assert updated.id == order.id
    assert str(updated.shipping_status) == new_status
    expected = (
        bigcartel.OrderShippingStatus.SHIPPED()
        if new_status == "shipped"
        else bigcartel.OrderShippingStatus.UNSHIPPED()
    )
    assert updated.shipping_status == expected
    assert updated.customer_first_name == "Ada"
    again = run(client.get_order(order.id))
    assert (str(again.shipping_status), again.customer_first_name) == (new_status, "Ada")
    # Fields not sent are unchanged.
    assert again.customer_email == order.customer_email


def test_not_found_is_a_typed_error_with_the_jsonapi_details(mock: Mock) -> None:
    client = mock.client()
    with pytest.raises(BigCartelError.Api) as info:
        run(client.get_order("no-such-order"))
    e = info.value
    assert e.status == 404
    assert e.kind == ApiErrorKind.NOT_FOUND
    assert e.operation_id == "getOrder"
    assert e.errors and e.errors[0].detail
    assert "getOrder" in e.reason and "404" in e.reason


def test_wrong_token_is_unauthorized_and_never_echoed(mock: Mock) -> None:
    secret = "wrong-token-s3cr3t"
    client = mock.client(token=secret)
    with pytest.raises(BigCartelError.Api) as info:
        run(client.get_account())
    assert info.value.status == 401
    assert info.value.kind == ApiErrorKind.UNAUTHORIZED
    for text in (str(info.value), repr(info.value), repr(client)):
        assert secret not in text
        assert TOKEN not in text


def test_a_bad_body_is_a_decode_error(mock: Mock) -> None:
    mock.admin("PUT", "/overrides/listProducts", {"canned": "truncated_json"})
    with pytest.raises(BigCartelError.Decode) as info:
        run(mock.client(max_retries=0).list_products())
    assert info.value.operation_id == "listProducts"
    assert info.value.status == 200


def test_an_html_error_page_keeps_its_status_and_an_excerpt(mock: Mock) -> None:
    mock.admin("PUT", "/overrides/getAccount", {"canned": "html_502"})
    with pytest.raises(BigCartelError.Api) as info:
        run(mock.client(max_retries=0).get_account())
    assert info.value.status == 502
    assert info.value.kind == ApiErrorKind.SERVER
    assert info.value.body_excerpt


def test_invalid_input_is_refused_before_sending(mock: Mock) -> None:
    before = mock.admin("GET", "/counters")
    with pytest.raises(BigCartelError.InvalidInput) as info:
        run(mock.client().reposition_products([]))
    assert info.value.operation_id == "repositionProducts"
    assert mock.admin("GET", "/counters") == before


def test_bad_configuration_is_a_typed_error() -> None:
    with pytest.raises(BigCartelError.Config):
        bigcartel.Client.bearer(
            "t", bigcartel.ClientOptions(user_agent="x", base_url="not a url")
        )


def test_blocking_api_runs_any_method(mock: Mock) -> None:
    client = mock.client()
    product = blocking(client.list_products(ListProductsParams(page_limit=1))).items[0]
    shop = BlockingClient(client)
    assert shop.get_product(product.id) == product
    artist = shop.create_artist(bigcartel.ArtistInput(name="Blocking Band"))
    assert artist.name == "Blocking Band"
    assert shop.get_artist(artist.id).name == "Blocking Band"

    async def inside_a_running_loop() -> bigcartel.Product:
        return blocking(client.get_product(product.id))

    assert run(inside_a_running_loop()) == product


def test_concurrent_calls_share_one_client(mock: Mock) -> None:
    client = mock.client()

    async def many() -> List[bigcartel.Order]:
        page = await client.list_orders(ListOrdersParams(page_limit=8))
        return list(await asyncio.gather(*(client.get_order(o.id) for o in page.items)))

    orders = run(many())
    assert len(orders) == 8 and len({o.id for o in orders}) == 8


def test_clients_dropped_on_other_threads(mock: Mock) -> None:
    """Clients made, used and dropped on foreign threads; the shared runtime survives them all."""
    errors: List[BaseException] = []

    def use_and_drop() -> None:
        try:
            client = mock.client()
            assert run(client.get_account()).id == mock.account_id
            del client
            gc.collect()
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=use_and_drop) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    holder = [mock.client()]
    t = threading.Thread(target=holder.clear)
    t.start()
    t.join()
    gc.collect()
    assert run(mock.client().get_account()).id == mock.account_id


def test_typed_error_aliases_match_the_generated_variants() -> None:
    import inspect
    import typing

    from bigcartel import errors

    for alias, fields in errors.DECLARED.items():
        cls = getattr(bigcartel, alias)
        assert cls is getattr(errors, alias)
        assert issubclass(cls, (BigCartelError, bigcartel.WebhookError, bigcartel.DocumentError)), alias
        params = set(inspect.signature(cls.__init__).parameters) - {"self"}
        declared = set(typing.get_type_hints(fields))
        if params == {"args", "kwargs"} or params == {"values"}:
            params = set()  # a variant without fields
        assert declared == params, (alias, declared, params)
    variants = {
        (base, name)
        for base in (BigCartelError, bigcartel.WebhookError, bigcartel.DocumentError)
        for name, v in vars(base).items()
        if isinstance(v, type) and issubclass(v, base)
    }
    assert len(variants) == len(errors.DECLARED), "every variant has a typed alias"
