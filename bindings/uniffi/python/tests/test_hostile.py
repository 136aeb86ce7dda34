"""The Python bindings against a hostile server on 127.0.0.1: a redirect that would carry the token
to another host, a body far over the size cap, and a list whose pages never end. Each is a typed
error, in bounded time; the limits are the Rust core's (crates/bigcartel/tests/hostile.rs holds the
same cases for Rust)."""

from __future__ import annotations

import asyncio
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator, Tuple
from urllib.parse import parse_qs, urlparse

import pytest

import bigcartel
from bigcartel import ApiErrorKind, PageOptions, TransportKind

TOKEN = "tok-python-hostile-secret"
GUARD_SECS = 30


class Counts:
    stolen = 0
    produced = 0
    pages = 0


def serve(handler: type) -> Tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture()
def hostile() -> Iterator[Tuple[str, Counts]]:
    counts = Counts()

    class Thief(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            counts.stolen += 1
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'{"data":{"type":"accounts","id":"1","attributes":{}}}')

        def log_message(self, *args: Any) -> None:
            pass

    thief, thief_url = serve(Thief)

    class Hostile(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            url = urlparse(self.path)
            parts = url.path.strip("/").split("/")
            account = parts[2] if len(parts) > 2 else ""
            if account == "redirect":
                self.send_response(307)
                self.send_header("Location", f"{thief_url}/v1/accounts/1")
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif account == "huge":
                # 1 GiB on offer, written until the client stops reading.
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                chunk = b"a" * 65536
                try:
                    for _ in range(16384):
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                        counts.produced += len(chunk)
                except OSError:
                    return
            elif account == "repeat":
                counts.pages += 1
                limit = int(parse_qs(url.query).get("page[limit]", ["20"])[0])
                data = [
                    {"type": "orders", "id": str(i), "attributes": {"total": "1.00"}}
                    for i in range(limit)
                ]
                body = json.dumps(
                    {
                        "data": data,
                        "meta": {"count": 10**12},
                        "links": {"next": f"/v1/accounts/repeat/orders?n={counts.pages}"},
                    }
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/vnd.api+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server, url = serve(Hostile)
    try:
        yield url, counts
    finally:
        server.shutdown()
        thief.shutdown()


def client(url: str, account: str, **options: Any) -> bigcartel.Client:
    return bigcartel.Client.bearer(
        TOKEN,
        bigcartel.ClientOptions(
            user_agent="PythonHostile (test@example.com)",
            base_url=url,
            account_id=account,
            max_retries=0,
            **options,
        ),
    )


def run(coro: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coro, GUARD_SECS))


def test_a_redirect_is_an_api_error_of_kind_redirect_and_is_not_followed(
    hostile: Tuple[str, Counts],
) -> None:
    url, counts = hostile
    with pytest.raises(bigcartel.ApiError) as info:
        run(client(url, "redirect").get_account())
    assert info.value.status == 307
    assert info.value.kind == ApiErrorKind.REDIRECT
    assert TOKEN not in str(info.value)
    assert counts.stolen == 0


def test_a_body_over_the_cap_is_a_transport_error_of_kind_too_large(
    hostile: Tuple[str, Counts],
) -> None:
    url, counts = hostile
    with pytest.raises(bigcartel.TransportError) as info:
        run(client(url, "huge", max_response_bytes=1 << 20).get_account())
    assert info.value.kind == TransportKind.TOO_LARGE
    assert "1048576" in str(info.value)
    # Reading stopped near the cap: nowhere near the 1 GiB on offer was written.
    assert counts.produced < 64 << 20


def test_a_page_sent_again_stops_paging_with_a_paging_error(hostile: Tuple[str, Counts]) -> None:
    url, counts = hostile
    with pytest.raises(bigcartel.PagingError) as info:
        run(client(url, "repeat").list_orders_all(None, PageOptions(page_size=10)))
    assert info.value.operation_id == "listOrders"
    assert "repeats" in str(info.value)
    assert counts.pages == 2


def test_the_page_cap_is_settable_from_python(hostile: Tuple[str, Counts]) -> None:
    url, counts = hostile
    with pytest.raises(bigcartel.PagingError) as info:
        run(
            client(url, "repeat").list_orders_all(
                None, PageOptions(page_size=10, max_pages=1)
            )
        )
    assert "1 pages" in str(info.value)
    assert counts.pages == 1
