"""Typed names for the error variants.

uniffi builds each variant class (``BigCartelError.Api``, ...) at import time, which type checkers
cannot see. These aliases are the same classes at run time, and declare the variants' fields for
type checkers; a test checks the declarations against the generated classes so they cannot drift.

    try:
        order = await client.get_order("1")
    except bigcartel.ApiError as e:      # same class as BigCartelError.Api
        if e.kind == bigcartel.ApiErrorKind.NOT_FOUND: ...

    try:
        orders = bigcartel.decode_orders(body)
    except bigcartel.DocumentNotJson as e:   # same class as DocumentError.NotJson
        log(e.excerpt)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, List, Optional

from ._native import (
    ApiErrorKind,
    BigCartelError,
    DocumentError,
    ErrorDetail,
    TransportKind,
    WebhookError,
)


class _ApiFields:
    reason: str
    status: int
    kind: ApiErrorKind
    operation_id: str
    errors: List[ErrorDetail]
    body_excerpt: Optional[str]
    retry_after_secs: Optional[int]


class _DecodeFields:
    reason: str
    status: int
    operation_id: str


class _TransportFields:
    reason: str
    kind: TransportKind
    operation_id: str


class _PagingFields:
    reason: str
    operation_id: str


class _InvalidInputFields:
    reason: str
    operation_id: str


class _ConfigFields:
    reason: str


class _WrongLengthFields:
    len: int


class _NonHexFields:
    index: int


class _NoFields:
    pass


class _ReasonFields:
    reason: str


class _NotJsonFields:
    reason: str
    excerpt: str


class _AttributeFields:
    reason: str
    resource_type: str
    id: str


if TYPE_CHECKING:

    class ApiError(BigCartelError, _ApiFields): ...

    class DecodeError(BigCartelError, _DecodeFields): ...

    class TransportError(BigCartelError, _TransportFields): ...

    class PagingError(BigCartelError, _PagingFields): ...

    class InvalidInputError(BigCartelError, _InvalidInputFields): ...

    class ConfigError(BigCartelError, _ConfigFields): ...

    class WebhookMissingHeader(WebhookError, _NoFields): ...

    class WebhookEmpty(WebhookError, _NoFields): ...

    class WebhookWhitespacePadded(WebhookError, _NoFields): ...

    class WebhookWrongLength(WebhookError, _WrongLengthFields): ...

    class WebhookNonHex(WebhookError, _NonHexFields): ...

    class WebhookEmptySecret(WebhookError, _NoFields): ...

    class WebhookMismatch(WebhookError, _NoFields): ...

    class DocumentEmpty(DocumentError, _ReasonFields): ...

    class DocumentNotJson(DocumentError, _NotJsonFields): ...

    class DocumentShape(DocumentError, _ReasonFields): ...

    class DocumentAttribute(DocumentError, _AttributeFields): ...

else:
    ApiError = BigCartelError.Api
    DecodeError = BigCartelError.Decode
    TransportError = BigCartelError.Transport
    PagingError = BigCartelError.Paging
    InvalidInputError = BigCartelError.InvalidInput
    ConfigError = BigCartelError.Config
    WebhookMissingHeader = WebhookError.MissingHeader
    WebhookEmpty = WebhookError.Empty
    WebhookWhitespacePadded = WebhookError.WhitespacePadded
    WebhookWrongLength = WebhookError.WrongLength
    WebhookNonHex = WebhookError.NonHex
    WebhookEmptySecret = WebhookError.EmptySecret
    WebhookMismatch = WebhookError.Mismatch
    DocumentEmpty = DocumentError.Empty
    DocumentNotJson = DocumentError.NotJson
    DocumentShape = DocumentError.Shape
    DocumentAttribute = DocumentError.Attribute

# (alias, the fields it declares): what the drift test compares with the generated classes.
DECLARED = {
    "ApiError": _ApiFields,
    "DecodeError": _DecodeFields,
    "TransportError": _TransportFields,
    "PagingError": _PagingFields,
    "InvalidInputError": _InvalidInputFields,
    "ConfigError": _ConfigFields,
    "WebhookMissingHeader": _NoFields,
    "WebhookEmpty": _NoFields,
    "WebhookWhitespacePadded": _NoFields,
    "WebhookWrongLength": _WrongLengthFields,
    "WebhookNonHex": _NonHexFields,
    "WebhookEmptySecret": _NoFields,
    "WebhookMismatch": _NoFields,
    "DocumentEmpty": _ReasonFields,
    "DocumentNotJson": _NotJsonFields,
    "DocumentShape": _ReasonFields,
    "DocumentAttribute": _AttributeFields,
}

__all__ = [
    "ApiError",
    "DecodeError",
    "TransportError",
    "PagingError",
    "InvalidInputError",
    "ConfigError",
    "WebhookMissingHeader",
    "WebhookEmpty",
    "WebhookWhitespacePadded",
    "WebhookWrongLength",
    "WebhookNonHex",
    "WebhookEmptySecret",
    "WebhookMismatch",
    "DocumentEmpty",
    "DocumentNotJson",
    "DocumentShape",
    "DocumentAttribute",
]
assert set(__all__) == set(DECLARED)
