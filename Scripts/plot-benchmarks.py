"""Plots lookup time against the number of keys from a MapBufferBenchmarks JSON file.

    python Scripts/plot-benchmarks.py Benchmarks/results/latest.json Benchmarks/results/lookup.png

Lines: our single lookup (codec none, checksums on), our batch lookup, the C floor (search +
CRC, with prefetch), and the Python reference on the same files; log-log axes.
"""

import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def series(rows, prefix, field="ours"):
    points = []
    for row in rows:
        if row["id"].startswith(prefix) and row.get(field) is not None:
            points.append((row["keys"], row[field]))
    return sorted(points)


def main():
    source, target = sys.argv[1], sys.argv[2]
    with open(source) as f:
        document = json.load(f)
    rows = document["rows"]
    lines = [
        ("Python reference (mapbuffer 1.2.0)", series(rows, "lookup/none/crc/", "reference"), "o-", "tab:red"),
        ("ours: single lookup", series(rows, "lookup/none/crc/"), "s-", "tab:blue"),
        ("ours: batch lookup", series(rows, "batch/"), "^-", "tab:green"),
        ("C floor: search + CRC, prefetch", series(rows, "floor-prefetch/", "peer"), "d--", "tab:gray"),
    ]
    figure, axes = plt.subplots(figsize=(8, 5))
    for label, points, style, color in lines:
        if points:
            axes.plot([p[0] for p in points], [p[1] for p in points], style, label=label, color=color)
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("keys in the map")
    axes.set_ylabel("time per lookup (ns, median)")
    axes.set_title("Open and look up 10% of the keys in random order (codec none, checksums on)")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend()
    figure.text(0.01, 0.01, document["machine"], fontsize=8, color="gray")
    figure.tight_layout()
    figure.savefig(target, dpi=120)
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
