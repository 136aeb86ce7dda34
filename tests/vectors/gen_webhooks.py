#!/usr/bin/env python3
"""Generates tests/vectors/webhooks.json, the shared webhook test vectors.

Expected signatures are computed here with Python's standard `hmac` module,
independently of the Rust implementation. Run from anywhere:

    python3 tests/vectors/gen_webhooks.py

The output is deterministic; re-running it must not change the file.
"""
import hashlib
import hmac
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "webhooks.json")

SECRET = "bc_client_secret_9f8e7d6c5b4a"

ORDER_JSONAPI = json.dumps(
    {
        "account_id": "12345",
        "type": "order.created",
        "payload": {
            "data": {
                "id": "ORD-100",
                "type": "orders",
                "attributes": {
                    "customer_email": "ana@example.com",
                    "total": "25.0",
                },
                "relationships": {
                    "items": {"data": [{"type": "order_line_items", "id": "LI-1"}]}
                },
            },
            "included": [
                {
                    "id": "LI-1",
                    "type": "order_line_items",
                    "attributes": {"product_name": "Tee", "quantity": 1, "price": "25.0"},
                }
            ],
        },
    },
    separators=(",", ":"),
)


def spec_bytes(spec):
    """Decodes a byte spec exactly as consumers of the vectors must."""
    if "utf8" in spec:
        data = spec["utf8"].encode("utf-8")
    else:
        data = bytes.fromhex(spec["hex"])
    data = data * spec.get("repeat", 1)
    if "flip_bit" in spec:
        b = bytearray(data)
        b[spec["flip_bit"]["byte"]] ^= 1 << spec["flip_bit"]["bit"]
        data = bytes(b)
    return data


def mac(secret, body):
    return hmac.new(secret, body, hashlib.sha256).hexdigest()


def flip_sig_bit(sig_hex, byte, bit):
    raw = bytearray(bytes.fromhex(sig_hex))
    raw[byte] ^= 1 << bit
    return raw.hex()


cases = []


def case(name, description, body, expect, header="__valid__", secret=None,
         error_detail=None, header_from=None):
    """header: '__valid__' = correct signature of the presented body;
    header_from: (secret_spec, body_spec) to sign instead; otherwise literal/None."""
    secret = secret if secret is not None else {"utf8": SECRET}
    sb, bb = spec_bytes(secret), spec_bytes(body)
    c = {
        "name": name,
        "description": description,
        "secret": secret,
        "body": body,
        "body_len": len(bb),
        "body_sha256": hashlib.sha256(bb).hexdigest(),
        "expected_signature": mac(sb, bb),
    }
    if header_from is not None:
        hs, hb = header_from
        header = mac(spec_bytes(hs), spec_bytes(hb))
    elif header == "__valid__":
        header = c["expected_signature"]
    c["header"] = header
    c["expect"] = expect
    if error_detail is not None:
        c["error_detail"] = error_detail
    cases.append(c)
    return c


order = {"utf8": ORDER_JSONAPI}
sig = mac(SECRET.encode(), ORDER_JSONAPI.encode())
one_mib = {"utf8": "ab", "repeat": 524288}

case("valid_order_created", "A JSON:API order.created body with its correct lowercase signature.",
     order, "ok")
case("uppercase_hex_accepted", "The same signature in upper-case hex is accepted.",
     order, "ok", header=sig.upper())
case("mixed_case_hex_accepted", "Mixed-case hex is accepted.",
     order, "ok", header="".join(ch.upper() if i % 2 else ch for i, ch in enumerate(sig)))
case("empty_body", "An empty body has a well-defined signature.", {"utf8": ""}, "ok")
case("one_mib_body", "1 MiB body: the two bytes 'ab' repeated 524288 times.", one_mib, "ok")
case("non_utf8_body", "Bytes that are not valid UTF-8 are signed and verified as bytes.",
     {"hex": "fffe00c328a0a1e28228f0288cbc80"}, "ok")
case("long_secret", "A 100-byte secret (longer than the SHA-256 block, so HMAC hashes it first).",
     order, "ok", secret={"hex": "".join("%02x" % (i * 7 % 256) for i in range(100))})
case("binary_secret", "A secret containing NUL and high bytes.",
     order, "ok", secret={"hex": "00ff10800a0d"})
case("body_bit_flipped", "One bit flipped in the body (byte 10, bit 0); header is the original body's signature.",
     {"utf8": ORDER_JSONAPI, "flip_bit": {"byte": 10, "bit": 0}}, "mismatch", header=sig)
case("one_mib_body_bit_flipped", "1 MiB body with one bit flipped in the middle; header signs the original.",
     {"utf8": "ab", "repeat": 524288, "flip_bit": {"byte": 524288, "bit": 7}}, "mismatch",
     header_from=({"utf8": SECRET}, one_mib))
case("reserialized_body", "The body parsed and re-serialised with spaces: the signature covers raw bytes, so this fails.",
     {"utf8": json.dumps(json.loads(ORDER_JSONAPI))}, "mismatch", header=sig)
case("signature_bit_flipped", "One bit flipped in the decoded signature (byte 0, bit 0).",
     order, "mismatch", header=flip_sig_bit(sig, 0, 0))
case("signature_last_bit_flipped", "One bit flipped in the last byte of the decoded signature.",
     order, "mismatch", header=flip_sig_bit(sig, 31, 7))
case("wrong_secret", "Signed with a different secret.",
     order, "mismatch", header_from=({"utf8": SECRET + "x"}, order))
case("truncated_signature_63", "Signature missing its last hex character.",
     order, "wrong_length", header=sig[:63], error_detail={"len": 63})
case("truncated_signature_32", "Signature truncated to 16 bytes (32 hex characters).",
     order, "wrong_length", header=sig[:32], error_detail={"len": 32})
case("extended_signature_65", "Signature with an extra hex character.",
     order, "wrong_length", header=sig + "0", error_detail={"len": 65})
case("prefixed_signature", "A 'sha256=' prefix is not part of Big Cartel's format.",
     order, "wrong_length", header="sha256=" + sig, error_detail={"len": 71})
case("base64_signature", "The digest in base64 instead of hex.",
     order, "wrong_length",
     header=__import__("base64").b64encode(bytes.fromhex(sig)).decode(), error_detail={"len": 44})
case("missing_header", "No X-Webhook-Signature header at all (null).",
     order, "missing_header", header=None)
case("empty_header", "The header is present but empty.", order, "empty", header="")
case("leading_space", "Correct signature with a leading space.",
     order, "whitespace_padded", header=" " + sig)
case("trailing_newline", "Correct signature with a trailing newline.",
     order, "whitespace_padded", header=sig + "\n")
case("trailing_tab", "Correct signature with a trailing tab.",
     order, "whitespace_padded", header=sig + "\t")
case("only_spaces", "A header of 64 spaces.", order, "whitespace_padded", header=" " * 64)
case("non_hex_character", "A 'g' at character 10 of an otherwise correct-length signature.",
     order, "non_hex", header=sig[:10] + "g" + sig[11:], error_detail={"index": 10})
case("inner_space", "A space inside the signature (not padding).",
     order, "non_hex", header=sig[:40] + " " + sig[41:], error_detail={"index": 40})
case("non_ascii_header", "32 two-byte UTF-8 characters: 64 bytes, none of them hex.",
     order, "non_hex", header="\u00e9" * 32, error_detail={"index": 0})
case("empty_secret", "An empty secret is refused as a configuration error, even with a matching signature.",
     order, "empty_secret", secret={"utf8": ""})


def pcase(name, description, body, expect):
    return {"name": name, "description": description, "body": body, "expect": expect}


def env(t, payload, account_id="12345"):
    return json.dumps({"account_id": account_id, "type": t, "payload": payload},
                      separators=(",", ":"))


product_attrs = {"name": "Tee", "permalink": "tee", "status": "active", "price": "25.0"}
account_attrs = {"store_name": "Ana's Shop", "subdomain": "anashop", "currency": "USD"}

parse_cases = [
    pcase("order_created_jsonapi", "order.created with a JSON:API payload and included line items.",
          {"utf8": ORDER_JSONAPI},
          {"event": "order.created", "account_id": "12345", "id": "ORD-100"}),
    pcase("order_updated_flat", "order.updated with a flat payload object.",
          {"utf8": env("order.updated", {"id": "ORD-101", "customer_email": "b@example.com"})},
          {"event": "order.updated", "account_id": "12345", "id": "ORD-101"}),
    pcase("product_created_jsonapi", "product.created, JSON:API payload.",
          {"utf8": env("product.created", {"data": {"id": "P-1", "type": "products",
                                                    "attributes": product_attrs}})},
          {"event": "product.created", "account_id": "12345", "id": "P-1"}),
    pcase("product_updated_flat", "product.updated, flat payload.",
          {"utf8": env("product.updated", dict(product_attrs, id="P-2"))},
          {"event": "product.updated", "account_id": "12345", "id": "P-2"}),
    pcase("product_deleted_flat", "product.deleted carries only the id.",
          {"utf8": env("product.deleted", {"id": "P-3"})},
          {"event": "product.deleted", "account_id": "12345", "id": "P-3"}),
    pcase("product_deleted_jsonapi", "product.deleted as a JSON:API resource identifier.",
          {"utf8": env("product.deleted", {"data": {"id": "P-4", "type": "products"}})},
          {"event": "product.deleted", "account_id": "12345", "id": "P-4"}),
    pcase("product_deleted_numeric_id", "A numeric id is read as its decimal string.",
          {"utf8": env("product.deleted", {"id": 987})},
          {"event": "product.deleted", "account_id": "12345", "id": "987"}),
    pcase("account_updated_jsonapi", "account.updated, JSON:API payload.",
          {"utf8": env("account.updated", {"data": {"id": "12345", "type": "accounts",
                                                    "attributes": account_attrs}})},
          {"event": "account.updated", "account_id": "12345", "id": "12345"}),
    pcase("account_plan_upgraded_flat", "account.plan.upgraded, flat payload.",
          {"utf8": env("account.plan.upgraded", dict(account_attrs, id="12345"))},
          {"event": "account.plan.upgraded", "account_id": "12345", "id": "12345"}),
    pcase("account_plan_downgraded_flat", "account.plan.downgraded, flat payload.",
          {"utf8": env("account.plan.downgraded", dict(account_attrs, id="12345"))},
          {"event": "account.plan.downgraded", "account_id": "12345", "id": "12345"}),
    pcase("account_deauthorized", "account.deauthorized carries only the id.",
          {"utf8": env("account.deauthorized", {"id": "12345"})},
          {"event": "account.deauthorized", "account_id": "12345", "id": "12345"}),
    pcase("account_closed_legacy_name", "account.closed is the older name of account.deauthorized.",
          {"utf8": env("account.closed", {"id": "12345"})},
          {"event": "account.deauthorized", "account_id": "12345", "id": "12345"}),
    pcase("numeric_account_id", "A numeric account_id is read as its decimal string.",
          {"utf8": env("product.deleted", {"id": "P-5"}, account_id=12345)},
          {"event": "product.deleted", "account_id": "12345", "id": "P-5"}),
    pcase("unknown_type", "A type this SDK does not know yet is kept, not rejected.",
          {"utf8": env("shipment.created", {"id": "S-1", "carrier": "ups"})},
          {"event": "unknown", "event_type": "shipment.created", "account_id": "12345"}),
    pcase("extra_envelope_fields", "Unknown envelope fields are ignored.",
          {"utf8": '{"id":"evt_1","account_id":"12345","type":"product.deleted","payload":{"id":"P-6"},"created_at":"2024-01-01T00:00:00Z"}'},
          {"event": "product.deleted", "account_id": "12345", "id": "P-6"}),
    pcase("not_json", "A body that is not JSON.", {"utf8": "account_id=1&type=order.created"},
          {"error": "invalid_json"}),
    pcase("truncated_json", "A truncated JSON body.", {"utf8": ORDER_JSONAPI[:40]},
          {"error": "invalid_json"}),
    pcase("non_utf8_body", "Bytes that are not UTF-8 are not JSON.",
          {"hex": "fffe00c328a0a1e28228f0288cbc80"}, {"error": "invalid_json"}),
    pcase("empty_body", "An empty body is not JSON.", {"utf8": ""}, {"error": "invalid_json"}),
    pcase("top_level_array", "The envelope must be a JSON object.",
          {"utf8": "[1,2,3]"}, {"error": "invalid_envelope"}),
    pcase("missing_type", "The envelope has no type.",
          {"utf8": '{"account_id":"1","payload":{}}'}, {"error": "invalid_envelope"}),
    pcase("missing_account_id", "The envelope has no account_id.",
          {"utf8": '{"type":"product.deleted","payload":{"id":"1"}}'}, {"error": "invalid_envelope"}),
    pcase("type_not_a_string", "type must be a string.",
          {"utf8": '{"account_id":"1","type":7,"payload":{}}'}, {"error": "invalid_envelope"}),
    pcase("deleted_without_id", "product.deleted whose payload has no id.",
          {"utf8": env("product.deleted", {})}, {"error": "invalid_payload"}),
    pcase("order_payload_not_object", "order.created whose payload is a string.",
          {"utf8": env("order.created", "ORD-1")}, {"error": "invalid_payload"}),
    pcase("order_missing_payload", "order.created without a payload.",
          {"utf8": '{"account_id":"1","type":"order.created"}'}, {"error": "invalid_payload"}),
]

doc = {
    "description": (
        "Shared Big Cartel webhook test vectors. X-Webhook-Signature is the lowercase hex "
        "HMAC-SHA256 of the raw body keyed with the client secret. Generated by gen_webhooks.py "
        "with Python's hmac module; do not edit by hand."
    ),
    "format": {
        "byte_spec": (
            "Secrets and bodies are objects with exactly one of 'utf8' (a string, encode as UTF-8) "
            "or 'hex' (lowercase hex of the bytes); optional 'repeat' N (concatenate the bytes N "
            "times, default 1); then optional 'flip_bit' {byte, bit}: XOR byte[byte] with 1<<bit."
        ),
        "body_len": "length in bytes of the decoded body",
        "body_sha256": "SHA-256 (hex) of the decoded body, to check the decoding",
        "expected_signature": "the correct signature of this body under this secret",
        "header": "the X-Webhook-Signature value presented to verify, or null for no header",
        "expect": "'ok' or one of: missing_header, empty, whitespace_padded, wrong_length, "
                  "non_hex, empty_secret, mismatch (checked in this order)",
        "error_detail": "optional: 'len' (header length in bytes) for wrong_length, 'index' "
                        "(byte offset of the first non-hex byte) for non_hex",
        "parse_cases": (
            "Bodies for the event parser. expect is either {event, account_id, id} (event is the "
            "canonical type; account.closed maps to account.deauthorized), {event: 'unknown', "
            "event_type, account_id}, or {error: invalid_json | invalid_envelope | invalid_payload}."
        ),
    },
    "signature_cases": cases,
    "parse_cases": parse_cases,
}

with open(OUT, "w", encoding="utf-8") as f:
    json.dump(doc, f, indent=2, ensure_ascii=False)
    f.write("\n")
print(f"wrote {len(cases)} signature cases and {len(parse_cases)} parse cases to {OUT}")
