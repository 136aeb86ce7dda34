"""What the generated views (``_views.py``) share: the read-only record base, the JSON reader,
and the client's constructors. No Big Cartel model or operation is named here."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any, ClassVar, Dict, Optional, Tuple, Type, TypeVar

from . import _native


def loads(data: bytes) -> Any:
    """The resolved JSON the Rust core answers, as Python values.

    Numbers with a fraction become ``Decimal`` rather than ``float``, so an undeclared attribute
    such as ``12.50`` keeps every digit; integers are Python integers at any size.
    """
    return json.loads(data, parse_float=Decimal)


def dumps(value: Any) -> str:
    """Arguments as the JSON text the core's ``call_json`` reads."""
    return json.dumps(value, separators=(",", ":"), default=str)


class Record:
    """A resolved resource or page: a read-only view over the JSON the Rust core resolved.

    Fields are read when accessed, so decoding a page costs one JSON parse (C code) rather than
    one Python object per field. Records compare equal when their data is equal, print every
    field (as a dataclass does), and give a deep copy of their data with :meth:`to_dict`.
    """

    __slots__ = ("_d",)
    _FIELDS: ClassVar[Tuple[str, ...]] = ()

    def __init__(self, data: Dict[str, Any]) -> None:
        self._d = data

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return bool(self._d == other._d)  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]  # equal by value, like a non-frozen dataclass

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._FIELDS)
        return f"{type(self).__name__}({fields})"

    def to_dict(self) -> Dict[str, Any]:
        """The record's data as plain dicts and lists (a deep copy): the fields by name, related
        records nested, money as decimal strings, numbers outside the spec as ``Decimal``."""
        return copy.deepcopy(self._d)


C = TypeVar("C", bound="ClientBase")


class ClientBase:
    """Credentials, options and the account id; the generated ``Client`` adds one method per
    operation."""

    __slots__ = ("_native",)

    def __init__(self, native: _native.Client) -> None:
        self._native = native

    @classmethod
    def bearer(cls: Type[C], token: str, options: _native.ClientOptions) -> C:
        """A client that sends an OAuth access token (``Authorization: Bearer``)."""
        return cls(_native.Client.bearer(token, options))

    @classmethod
    def basic(cls: Type[C], username: str, password: str, options: _native.ClientOptions) -> C:
        """A client that signs in with a store's subdomain and password (HTTP Basic)."""
        return cls(_native.Client.basic(username, password, options))

    async def account_id(self) -> str:
        """The account id: the configured one, or the first account the credentials can access."""
        return await self._native.account_id()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._native!r})"


def optional(value: Optional[Any], kind: type, name: str) -> Optional[Any]:
    """Refuses an argument of the wrong type with a ``TypeError`` naming it."""
    if value is not None and not isinstance(value, kind):
        raise TypeError(f"`{name}` must be a {kind.__name__}, not {type(value).__name__}")
    return value


def show_fields(module: object) -> None:
    """Gives every uniffi record and enum of ``module`` a ``repr`` that shows its fields.

    uniffi's Python records print their fields with ``str()`` but not with ``repr()``
    (``ListOrdersParams()``), which is what the REPL, debuggers, logs and the lists inside errors
    (``errors=[ErrorDetail(...)]``) show. Their ``str()`` is the generated one, so this names no
    record.
    """
    for name in getattr(module, "__all__", ()):
        cls = getattr(module, name, None)
        if (
            isinstance(cls, type)
            and not issubclass(cls, BaseException)
            and "__str__" in cls.__dict__
            and "__init__" in cls.__dict__
        ):
            cls.__repr__ = cls.__str__  # type: ignore[method-assign]
