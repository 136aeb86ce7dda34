"""Webhook signatures, for Python callers: the secret as ``str`` or ``bytes``.

The check itself is the Rust core's (``bigcartel::webhook::verify``, a constant-time comparison);
these functions only accept the secret the way Python code usually holds it (read from an
environment variable, it is a ``str``).
"""

from __future__ import annotations

import ctypes
from typing import Callable, Optional, Union

from . import _native
from ._native import bigcartel_uniffi as _generated


def _load_verifies() -> Optional[Callable[..., int]]:
    # The core's plain C function ``bigcartel_webhook_verifies`` in the library uniffi loaded:
    # one foreign call, the bytes passed without copying. It only says "verifies or not"; the
    # typed reason for "not" comes from the uniffi function, so errors have one path.
    lib = getattr(_generated, "_UniffiLib", None)
    verifies = getattr(lib, "bigcartel_webhook_verifies", None)
    if verifies is None:
        return None
    size = ctypes.c_size_t
    verifies.argtypes = (ctypes.c_char_p, size, ctypes.c_char_p, size, ctypes.c_char_p, size)
    verifies.restype = ctypes.c_int
    return verifies


_verifies = _load_verifies()


def _secret(secret: Union[str, bytes]) -> bytes:
    if isinstance(secret, str):
        return secret.encode("utf-8")
    if isinstance(secret, (bytes, bytearray, memoryview)):
        return bytes(secret)
    raise TypeError(f"the secret must be str or bytes, not {type(secret).__name__}")


def verify_webhook(secret: Union[str, bytes], body: bytes, signature_header: Optional[str]) -> None:
    """Checks a webhook's ``X-Webhook-Signature`` header against its raw body.

    ``secret`` is your app's client secret (``str`` or ``bytes``), ``body`` the request body
    exactly as received (``bytes``, before any JSON parsing), ``signature_header`` the header's
    value or ``None`` when the request had none. Returns ``None`` when the signature matches and
    raises a ``WebhookError`` (``WebhookMismatch``, ``WebhookMissingHeader``, ...) when it does
    not. Neither the secret nor the received signature appears in the error.

    >>> import bigcartel
    >>> body = b'{"type": "order.created"}'
    >>> header = bigcartel.sign_webhook("s3cret", body)
    >>> bigcartel.verify_webhook("s3cret", body, header)
    >>> try:
    ...     bigcartel.verify_webhook("s3cret", body + b" ", header)
    ... except bigcartel.WebhookMismatch:
    ...     print("rejected")
    rejected
    """
    key = _secret(secret)
    header = b"" if signature_header is None else signature_header.encode("utf-8")
    if (
        _verifies is not None
        and signature_header is not None
        and type(body) is bytes
        and _verifies(key, len(key), body, len(body), header, len(header)) == 1
    ):
        return
    # Not verified (or not bytes): the uniffi call raises the typed error.
    _native.verify_webhook_borrowed(key, body, header, signature_header is not None)


def sign_webhook(secret: Union[str, bytes], body: bytes) -> str:
    """The ``X-Webhook-Signature`` value for ``body``: for tests and local servers that send
    webhooks. Check incoming webhooks with :func:`verify_webhook`, never by comparing strings.

    >>> import bigcartel
    >>> len(bigcartel.sign_webhook(b"s3cret", b"{}"))
    64
    """
    return _native.sign_webhook(_secret(secret), body)


__all__ = ["verify_webhook", "sign_webhook"]
