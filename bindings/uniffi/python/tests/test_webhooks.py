"""Webhook verification through the bindings, against the shared vectors (tests/vectors/webhooks.json)."""

from __future__ import annotations

from typing import Any, Dict

import pytest

import bigcartel
from bigcartel import WebhookError

ERRORS = {
    "missing_header": WebhookError.MissingHeader,
    "empty": WebhookError.Empty,
    "whitespace_padded": WebhookError.WhitespacePadded,
    "wrong_length": WebhookError.WrongLength,
    "non_hex": WebhookError.NonHex,
    "empty_secret": WebhookError.EmptySecret,
    "mismatch": WebhookError.Mismatch,
}


def spec_bytes(spec: Dict[str, Any]) -> bytes:
    """Decodes a byte spec as the vectors' `format.byte_spec` says."""
    data = spec["utf8"].encode("utf-8") if "utf8" in spec else bytes.fromhex(spec["hex"])
    data = data * spec.get("repeat", 1)
    if "flip_bit" in spec:
        b = bytearray(data)
        b[spec["flip_bit"]["byte"]] ^= 1 << spec["flip_bit"]["bit"]
        data = bytes(b)
    return data


def test_every_signature_vector(webhook_vectors: Any) -> None:
    import hashlib

    cases = webhook_vectors["signature_cases"]
    assert len(cases) >= 10
    outcomes = set()
    for case in cases:
        secret, body = spec_bytes(case["secret"]), spec_bytes(case["body"])
        assert len(body) == case["body_len"], case["name"]
        assert hashlib.sha256(body).hexdigest() == case["body_sha256"], case["name"]
        if secret:
            assert bigcartel.sign_webhook(secret, body) == case["expected_signature"], case["name"]
        if case["expect"] == "ok":
            assert bigcartel.verify_webhook(secret, body, case["header"]) is None
        else:
            with pytest.raises(ERRORS[case["expect"]]) as info:
                bigcartel.verify_webhook(secret, body, case["header"])
            detail = case.get("error_detail") or {}
            for key, value in detail.items():
                assert getattr(info.value, key) == value, case["name"]
            # The secret never appears in what a log would print.
            if len(secret) > 4:
                assert secret.decode("utf-8", "replace") not in str(info.value)
        outcomes.add(case["expect"])
    assert outcomes >= {"ok", "mismatch", "missing_header", "wrong_length", "non_hex"}
