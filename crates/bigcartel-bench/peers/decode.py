"""JSON:API decode + relationship resolution in Python: json.loads plus a straightforward
pure-Python resolver (written plainly and fairly), and our binding when it is importable.

Usage: python3 decode.py BODIES_DIR [--smoke]
"""
import json
import statistics
import sys
import time
from pathlib import Path


def resolve(doc, depth=0, index=None):
    """Returns the primary data as dicts with relationships replaced by the included resources."""
    if index is None:
        index = {}
        for r in doc.get("included") or []:
            index.setdefault((r.get("type"), r.get("id")), r)
        data = doc.get("data")
        for r in data if isinstance(data, list) else [data]:
            index.setdefault((r.get("type"), r.get("id")), r)

    def one(resource, depth):
        out = {"id": resource.get("id")}
        out.update(resource.get("attributes") or {})
        for name, rel in (resource.get("relationships") or {}).items():
            linkage = rel.get("data")
            if isinstance(linkage, list):
                out[name] = [link(l, depth) for l in linkage]
            elif isinstance(linkage, dict):
                out[name] = link(linkage, depth)
            else:
                out[name] = None
        return out

    def link(identifier, depth):
        target = index.get((identifier.get("type"), identifier.get("id")))
        if target is None or depth >= 6:
            return {"id": identifier.get("id")}
        return one(target, depth + 1)

    data = doc.get("data")
    if isinstance(data, list):
        return [one(r, depth) for r in data]
    return one(data, depth)


def main():
    bodies = Path(sys.argv[1])
    smoke = "--smoke" in sys.argv
    rounds, iters = (2, 2) if smoke else (15, 100)
    try:
        import bigcartel  # our uniffi binding, when installed
        ours = getattr(bigcartel, "decode_orders", None), getattr(bigcartel, "decode_products", None)
        if not all(ours):
            ours = None
    except ImportError:
        ours = None
    results = []
    for page in ("orders", "products"):
        raw = (bodies / f"{page}.json").read_bytes()
        contenders = {"python_pure": lambda raw=raw: resolve(json.loads(raw))}
        if ours:
            f = ours[0] if page == "orders" else ours[1]
            contenders["ours_binding"] = lambda raw=raw, f=f: f(raw)
        for name, f in contenders.items():
            out = f()
            if len(out) != 100:
                raise SystemExit(f"{name} did not decode 100 {page}")
        samples = {name: [] for name in contenders}
        for _ in range(rounds):
            for name, f in contenders.items():
                t = time.perf_counter()
                for _ in range(iters):
                    f()
                samples[name].append(iters / (time.perf_counter() - t))
        row = {"page": page}
        for name, s in samples.items():
            row[f"{name}_pages_s"] = statistics.median(s)
        results.append(row)
    print(json.dumps({"row": "decode_python", "python": sys.version.split()[0], "binding": ours is not None, "results": results}))


if __name__ == "__main__":
    main()
