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
    ("floor-borrowed/", "`valueBytes(forKey:)` (peer: the faster C search + CRC, independent keys)"),
    ("floor-unsafe/", "`withUnsafeBytes(forKey:)` (peer: the faster C search + CRC, independent keys)"),
    ("dictionary/", "open + 10% lookups (peer: plist decode + Dictionary)"),
    ("iterate/none/", "iterate every item, none"),
    ("deep/none/", "deep validation, none"),
    ("intmap/", "IntMap: open + 10% lookups"),
    ("build/none/v1/", "build from a dictionary, none, checksums"),
    ("build-contiguous/none/v1/", "build from one buffer of values, none, checksums (peer: from a dictionary)"),
    ("build/zstd/v1/", "build from a dictionary, zstd"),
    ("typed/string/", "typed lookups: String"),
    ("typed/json/", "typed lookups: JSON Codable"),
    ("typed/binary/", "typed lookups: binary Codable (reference: its JSON)"),
    ("typed/skeleton/", "typed lookups: Skeleton (10 KB)"),
    ("typed/string/open/", "typed String lookups in an open map (peer: raw lookup)"),
    ("typed/skeleton/open-cpu/", "typed Skeleton lookups in an open map, CPU time (peer: raw + decode from Data)"),
    ("typed/skeleton/view-cpu/", "`withSkeletonView(forKey:_:)`, vertex count, CPU time (peer: typed lookup)"),
    ("typed/skeleton/view-cpu-data/", "`withSkeletonView(forKey:_:)`, vertex count, CPU time (peer: raw + decode)"),
    ("typed/skeleton/view-sum-cpu/", "`withSkeletonView(forKey:_:)`, x summed, CPU time (peer: typed lookup)"),
]

# Rows whose reference figure is another row's: the build from one buffer has no counterpart in
# the reference, whose build from the dictionary is what its target compares with.
REFERENCE_FROM = {"build-contiguous/none/v1/": "build/none/v1/"}


def main():
    with open(sys.argv[1]) as f:
        document = json.load(f)
    rows = document["rows"]
    by_id = {r["id"]: r for r in rows}
    print(f"Machine: {document['machine']}; medians of {document['runs']} runs.\n")
    print("| workload | keys | ours | reference | ref/ours | peer |")
    print("|---|---:|---:|---:|---:|---|")
    for prefix, label in HEADLINES:
        matching = (r for r in rows if r["id"].startswith(prefix) and r["id"][len(prefix):].isdigit())
        for row in sorted(matching, key=lambda r: r["keys"]):
            reference = row.get("reference")
            if reference is None and prefix in REFERENCE_FROM:
                other = by_id.get(REFERENCE_FROM[prefix] + row["id"][len(prefix):])
                reference = other.get("reference") if other else None
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
