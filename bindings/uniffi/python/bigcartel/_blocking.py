"""Calling the async client from synchronous code, generically: no per-operation code here."""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import inspect
from typing import Any, Awaitable, TypeVar

from ._views import Client

T = TypeVar("T")


async def _await(awaitable: Awaitable[T]) -> T:
    return await awaitable


def blocking(awaitable: Awaitable[T]) -> T:
    """Runs one awaitable (any ``Client`` method call) to completion and returns its result.

    Keeps the method's types: ``blocking(client.get_order("1"))`` is an ``Order``. Called from a
    thread that is already running an event loop (Jupyter, an async view), the call runs on a
    helper thread with its own loop instead of deadlocking this one.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(_await(awaitable))
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, _await(awaitable)).result()


class BlockingClient:
    """A ``Client`` whose async methods return their results directly.

    Every attribute is the wrapped client's; coroutine methods are run with :func:`blocking`.
    Use :func:`blocking` on the async client instead where you want the static types.
    """

    def __init__(self, client: Client) -> None:
        self.client = client

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.client, name)
        if not inspect.iscoroutinefunction(attr):
            return attr

        @functools.wraps(attr)
        def call(*args: Any, **kwargs: Any) -> Any:
            return blocking(attr(*args, **kwargs))

        return call

    def __repr__(self) -> str:
        return f"BlockingClient({self.client!r})"


__all__ = ["BlockingClient", "blocking"]
