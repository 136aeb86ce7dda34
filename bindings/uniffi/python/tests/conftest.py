"""Starts the project's mock Big Cartel server (the `bigcartel-mock` binary) on a free port."""

from __future__ import annotations

import json
import os
import re
import subprocess
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Optional

import pytest

import bigcartel

TOKEN = "mock-token"
USER_AGENT = "bigcartel-python-tests (tests@example.com)"


def _mock_binary() -> str:
    path = os.environ.get("BIGCARTEL_MOCK_BIN")
    if not path:
        raise RuntimeError(
            "set BIGCARTEL_MOCK_BIN to the built bigcartel-mock binary (cargo xtask test does)"
        )
    return path


@dataclass
class Mock:
    """A running mock server and its admin API (`/__mock`)."""

    url: str
    account_id: str

    def admin(self, method: str, path: str, body: Optional[Any] = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"{self.url}/__mock{path}", data=data, method=method)
        req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=10) as resp:
            raw = resp.read()
        return json.loads(raw) if raw else None

    def raw_bytes(self, path: str) -> bytes:
        """A response body straight from the server, read without the SDK."""
        req = urllib.request.Request(f"{self.url}{path}")
        req.add_header("Authorization", f"Bearer {TOKEN}")
        req.add_header("Accept", "application/vnd.api+json")
        req.add_header("User-Agent", USER_AGENT)
        with urllib.request.urlopen(req, timeout=10) as resp:
            body: bytes = resp.read()
            return body

    def raw_get(self, path: str) -> Any:
        """A JSON:API document straight from the server, parsed by json.loads."""
        return json.loads(self.raw_bytes(path))

    def client(self, token: str = TOKEN, **options: Any) -> bigcartel.Client:
        return bigcartel.Client.bearer(
            token,
            bigcartel.ClientOptions(
                user_agent=USER_AGENT, base_url=self.url, account_id=self.account_id, **options
            ),
        )


@pytest.fixture(scope="session")
def mock_server() -> Iterator[Mock]:
    proc = subprocess.Popen(
        [_mock_binary(), "--port", "0", "--quiet", "--seed", "7", "--products", "30", "--orders", "45"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        found = re.search(r"listening on (http://\S+) \(account (\d+)", line)
        if not found:
            raise RuntimeError(f"bigcartel-mock did not start: {line!r}")
        yield Mock(url=found.group(1), account_id=found.group(2))
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture()
def mock(mock_server: Mock) -> Mock:
    """The mock, re-seeded before each test so tests do not see each other's writes."""
    mock_server.admin("POST", "/reset")
    return mock_server


@pytest.fixture(scope="session")
def webhook_vectors() -> Any:
    path = os.environ.get("BIGCARTEL_WEBHOOK_VECTORS") or str(
        Path(__file__).resolve().parents[4] / "tests" / "vectors" / "webhooks.json"
    )
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def bad_responses() -> Any:
    """The shared corpus of broken responses (tests/vectors/bad-responses.json); read at collection
    time, so each case is a test of its own."""
    path = os.environ.get("BIGCARTEL_BAD_RESPONSES") or str(
        Path(__file__).resolve().parents[4] / "tests" / "vectors" / "bad-responses.json"
    )
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def unknown_things() -> Any:
    """The shared "unknown things" vectors (tests/vectors/unknown-things.json): documents shaped like
    the live API's real responses, with what the spec does not declare."""
    path = os.environ.get("BIGCARTEL_UNKNOWN_THINGS") or str(
        Path(__file__).resolve().parents[4] / "tests" / "vectors" / "unknown-things.json"
    )
    with open(path, encoding="utf-8") as f:
        return json.load(f)
