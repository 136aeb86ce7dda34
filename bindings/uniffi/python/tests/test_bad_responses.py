"""The shared corpus of broken responses (tests/vectors/bad-responses.json): the mock replays each
case for its operation, and the binding must give the case's typed outcome, with no crash and no
hang. The Rust client (crates/bigcartel-mock/tests/bad_responses.rs) and the npm package run the
same corpus."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, Iterator

import pytest

import bigcartel
from conftest import Mock, bad_responses

CORPUS = bad_responses()
CASES = CORPUS["cases"]
# Far above any case's real time: a hang fails the test instead of stalling the suite.
GUARD_SECS = 30


def test_the_corpus_is_the_one_this_file_expects() -> None:
    assert CORPUS["operation"] == "listProducts"
    assert len(CASES) >= 10
    outcomes = {c["expect"]["outcome"] for c in CASES}
    assert outcomes == {"ok", "api_error", "decode_error"}


@pytest.fixture()
def broken(mock: Mock) -> Iterator[Mock]:
    yield mock
    mock.admin("DELETE", "/overrides")


def list_products(mock: Mock) -> bigcartel.ProductPage:
    client = mock.client(max_retries=0, timeout_ms=10_000)
    page: bigcartel.ProductPage = asyncio.run(
        asyncio.wait_for(client.list_products(), GUARD_SECS)
    )
    return page


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_a_broken_response_gives_its_typed_outcome(broken: Mock, case: Dict[str, Any]) -> None:
    broken.admin("PUT", f"/overrides/{CORPUS['operation']}", case["canned"])
    expect = case["expect"]
    outcome = expect["outcome"]
    if outcome == "ok":
        page = list_products(broken)
        assert page.items, "decoded nothing"
        assert all(isinstance(p, bigcartel.Product) for p in page.items)
        if "default_price" in expect:
            # Exact: the decimal text as sent, not a float's rounding of it.
            assert page.items[0].default_price == expect["default_price"]
    elif outcome == "api_error":
        with pytest.raises(bigcartel.ApiError) as api:
            list_products(broken)
        assert api.value.status == expect["status"]
        assert api.value.operation_id == "listProducts"
        if "detail" in expect:
            assert api.value.errors and api.value.errors[0].detail == expect["detail"]
    elif outcome == "decode_error":
        with pytest.raises(bigcartel.DecodeError) as decode:
            list_products(broken)
        assert decode.value.operation_id == "listProducts"
        assert 200 <= decode.value.status < 300
        assert decode.value.reason
    else:
        pytest.fail(f"unknown outcome {outcome!r} in the corpus")


def test_the_client_works_again_once_the_overrides_are_cleared(broken: Mock) -> None:
    broken.admin("PUT", f"/overrides/{CORPUS['operation']}", CASES[0]["canned"])
    with pytest.raises(bigcartel.BigCartelError):
        list_products(broken)
    broken.admin("DELETE", "/overrides")
    assert list_products(broken).items
