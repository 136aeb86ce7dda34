"""What the generated views (``_views.py``) share: the read-only record base, the JSON reader,
and the client's constructors and line-item fill. No operation is named here."""

from __future__ import annotations

import copy
import datetime
import json
from decimal import Decimal
from typing import Any, ClassVar, Dict, List, Optional, Sequence, Tuple, Type, TypeVar

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


class Timestamp(str):
    """A date-time attribute (``created_at``, ``completed_at``...) as the API sent it.

    It is the text itself, a ``str`` kept whole whatever the server sends: it compares, prints
    and serializes as that text. :meth:`to_datetime` reads it as RFC 3339 with the Rust core.

    >>> t = Timestamp("2024-08-01T21:59:44.250-06:00")
    >>> t == "2024-08-01T21:59:44.250-06:00"
    True
    >>> t.to_datetime().isoformat()
    '2024-08-01T21:59:44.250000-06:00'
    >>> Timestamp("last tuesday").to_datetime() is None
    True
    """

    __slots__ = ()

    def to_datetime(self) -> Optional[datetime.datetime]:
        """The instant and UTC offset the text states, as an aware ``datetime`` in that offset;
        ``None`` when the text is not RFC 3339. ``datetime`` keeps microseconds: finer digits
        are rounded here, and stay in the text."""
        native = _native.DateTimeText(text=str(self))
        instant, offset = native.instant(), native.offset_seconds()
        if instant is None or offset is None:
            return None
        return instant.astimezone(datetime.timezone(datetime.timedelta(seconds=offset)))


def timestamp(value: Optional[str]) -> Optional[Timestamp]:
    """A view's date-time field: the JSON's text as a :class:`Timestamp` (``None`` stays ``None``)."""
    return None if value is None else Timestamp(value)


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

    async def fill_line_item_products(
        self, orders: Sequence[Record], concurrency: int = 4
    ) -> _native.FillReport:
        """Resolves the line items' products that an orders list did not include.

        The API never includes them in a list of orders, so each line item's ``product`` is a stub
        (``resolved`` is ``False``, its options unknown). This fetches each missing product once,
        ``concurrency`` requests at a time (1 to 16), and puts it in place in the given orders,
        with the line item's ``product_option`` taken from the product's options. A product the
        API no longer has stays a stub and is listed in the report's ``missing``; any other
        error is raised, and then no order is changed.

        Which products are fetched, how, and where they go is decided by the Rust core; only
        each line item's product and option ids travel to it, so nothing else is re-encoded.

        >>> import asyncio, bigcartel
        >>> options = bigcartel.ClientOptions(user_agent="MyApp (me@example.com)", account_id="1")
        >>> client = bigcartel.Client.bearer("ACCESS-TOKEN", options)
        >>> asyncio.run(client.fill_line_item_products([]))
        FillReport(fetched=0, filled=0, missing=[])
        """
        if isinstance(orders, (str, bytes)) or not all(isinstance(o, Record) for o in orders):
            raise TypeError("`orders` must be a sequence of Order records")
        if isinstance(concurrency, bool) or not isinstance(concurrency, int):
            raise TypeError(f"`concurrency` must be an int, not {type(concurrency).__name__}")
        items: List[List[Dict[str, Any]]] = [list(o._d.get("items") or ()) for o in orders]
        skeleton = [{"items": [_ids(item) for item in order]} for order in items]
        filled = await self._native.fill_line_item_products_json(dumps(skeleton), concurrency)
        for order, new_order in zip(items, loads(filled.orders_json)):
            for item, new_item in zip(order, new_order["items"]):
                for key in ("product", "product_option"):
                    old, new = item.get(key), new_item.get(key)
                    if old is not None and new is not None and new.get("resolved") != old.get("resolved"):
                        item[key] = new
        return filled.report

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._native!r})"


def _ids(item: Dict[str, Any]) -> Dict[str, Any]:
    """A line item as the core's fill reads it: its product and option by id and resolution."""
    out: Dict[str, Any] = {}
    for key in ("product", "product_option"):
        related = item.get(key)
        if related is not None:
            out[key] = {"id": related.get("id"), "resolved": related.get("resolved", True)}
    return out


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
