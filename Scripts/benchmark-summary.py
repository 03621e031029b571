"""Prints a Markdown summary of a MapBufferBenchmarks JSON file: the headline rows per key
count, and the target checks. Used to refresh the README's benchmark section.

    python Scripts/benchmark-summary.py Benchmarks/results/latest.json
"""

import json
import sys


def fmt(ns):
    if ns is None:
        return "—"
    if ns < 1_000:
        return f"{ns:.0f} ns"
    if ns < 1_000_000:
        return f"{ns / 1_000:.2f} µs"
    if ns < 1_000_000_000:
        return f"{ns / 1_000_000:.2f} ms"
    return f"{ns / 1_000_000_000:.2f} s"


def count(keys):
    if keys >= 1_000_000:
        return f"{keys // 1_000_000}M"
    if keys >= 1_000:
        return f"{keys // 1_000}k"
    return str(keys)


HEADLINES = [
    ("lookup/none/crc/", "open + 10% lookups, none, checksums on"),
    ("lookup/none/nocrc/", "open + 10% lookups, none, checksums off"),
    ("lookup/zstd/crc/", "open + 10% lookups, zstd"),
    ("lookup/br/crc/", "open + 10% lookups, brotli"),
    ("lookup/gzip/crc/", "open + 10% lookups, gzip"),
    ("lookup/lzma/crc/", "open + 10% lookups, lzma"),
    ("batch/", "batch lookups (peer: single)"),
    ("floor-prefetch/", "single lookup (peer: C search + CRC + prefetch)"),
    ("floor-prefetch-chained/", "single lookup, dependent keys (peer: C, same)"),
    ("dictionary/", "open + 10% lookups (peer: plist decode + Dictionary)"),
    ("iterate/none/", "iterate every item, none"),
    ("deep/none/", "deep validation, none"),
    ("intmap/", "IntMap: open + 10% lookups"),
    ("build/none/v1/", "build from a dictionary, none, checksums"),
    ("build/zstd/v1/", "build from a dictionary, zstd"),
    ("typed/string/", "typed lookups: String"),
    ("typed/json/", "typed lookups: JSON Codable"),
    ("typed/skeleton/", "typed lookups: Skeleton (10 KB)"),
]


def main():
    with open(sys.argv[1]) as f:
        document = json.load(f)
    rows = document["rows"]
    print(f"Machine: {document['machine']}; medians of {document['runs']} runs.\n")
    print("| workload | keys | ours | reference | ref/ours | peer |")
    print("|---|---:|---:|---:|---:|---|")
    for prefix, label in HEADLINES:
        for row in sorted((r for r in rows if r["id"].startswith(prefix)), key=lambda r: r["keys"]):
            reference = row.get("reference")
            ratio = f"{reference / row['ours']:.1f}x" if reference else "—"
            peer = ""
            if row.get("peer") is not None:
                peer = f"{row.get('peerName', 'peer')} {fmt(row['peer'])} (ours/peer {row['ours'] / row['peer']:.2f})"
            print(f"| {label} | {count(row['keys'])} | {fmt(row['ours'])} | {fmt(reference)} | {ratio} | {peer} |")
    print("\n| target | measured | |")
    print("|---|---|---|")
    for check in document["checks"]:
        print(f"| {check['target']} | {check['measured']} | {'met' if check['met'] else '**missed**'} |")


if __name__ == "__main__":
    main()
