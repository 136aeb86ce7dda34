"""Webhook verify in Python: our binding (the Rust core's HMAC-SHA256 and constant-time compare)
against the standard library's ``hmac`` plus ``hmac.compare_digest``, on a 2 KiB body, interleaved
round by round.

Usage: python3 webhook.py [--smoke]
"""
import hashlib
import hmac
import json
import statistics
import sys
import time


def main():
    smoke = "--smoke" in sys.argv
    rounds, iters = (2, 20) if smoke else (15, 20000)
    secret = b"client-secret-0123456789"
    body = (b'{"type":"order.created","data":"' + b"x" * 2048)[:2046] + b'"}'
    header = hmac.new(secret, body, hashlib.sha256).hexdigest()

    def peer():
        expected = hmac.new(secret, body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, header):
            raise SystemExit("the peer rejected a good signature")

    try:
        import bigcartel
    except ImportError:
        print(json.dumps({"row": "webhook_python", "not_yet": "the Python binding is not installed"}))
        return

    def ours():
        bigcartel.verify_webhook(secret, body, header)

    ours()
    peer()
    samples = {"ours": [], "peer": []}
    for _ in range(rounds):
        for name, f in (("ours", ours), ("peer", peer)):
            t = time.perf_counter()
            for _ in range(iters):
                f()
            samples[name].append(iters / (time.perf_counter() - t))
    o, p = statistics.median(samples["ours"]), statistics.median(samples["peer"])
    print(json.dumps({"row": "webhook_python", "body_bytes": len(body), "ours_calls_s": o, "peer_calls_s": p, "ratio": o / p}))


if __name__ == "__main__":
    main()
