/// The targets, checked against one run's rows.
enum Targets {
  static func check(_ report: Report, keyCount n: Int) {
    let size = Report.count(n)
    for chained in [false, true] {
      let suffix = chained ? "-chained" : ""
      if let floor = report.row("floor\(suffix)/\(n)"), let prefetched = report.row("floor-prefetch\(suffix)/\(n)") {
        let best = min(floor.peer!, prefetched.peer!)
        report.checks.append(
          TargetCheck(
            target: "single lookup (none, checksums on, \(size) keys) at most 1.3x the C search + CRC, "
              + (chained ? "latency (each key depends on the previous result)" : "throughput (independent keys)"),
            measured: String(
              format: "%.2fx the faster C loop (%@ against %@)", floor.ours / best,
              Report.format(floor.ours), Report.format(best)),
            met: floor.ours <= 1.3 * best))
      }
    }
    checkLookupOverhead(report, keyCount: n)
    if let lookup = report.row("lookup/none/crc/\(n)"), let reference = lookup.reference {
      report.checks.append(
        TargetCheck(
          target: "single lookup (none, checksums on, \(size) keys) at least 15x faster than the reference",
          measured: String(format: "%.1fx", reference / lookup.ours), met: reference / lookup.ours >= 15))
    }
    if let batch = report.row("batch/\(n)") {
      report.checks.append(
        TargetCheck(
          target: "batch lookup at \(size) keys at least 2x faster per key than single lookups",
          measured: String(format: "%.2fx", batch.peer! / batch.ours), met: batch.peer! / batch.ours >= 2))
    }
    if let build = report.row("build/none/v1/\(n)"), let reference = build.reference {
      report.checks.append(
        TargetCheck(
          target: "building \(size) items with checksums at least 10x faster than the reference",
          measured: String(format: "%.1fx", reference / build.ours), met: reference / build.ours >= 10))
    }
    if let build = report.row("build-contiguous/none/v1/\(n)"),
      let reference = report.row("build/none/v1/\(n)")?.reference
    {
      report.checks.append(
        TargetCheck(
          target:
            "building \(size) items with checksums from one buffer of values at least 10x faster than the reference",
          measured: String(format: "%.1fx", reference / build.ours), met: reference / build.ours >= 10))
    }
    if let zstd = report.row("lookup/zstd/crc/\(n)"), let reference = zstd.reference {
      report.checks.append(
        TargetCheck(
          target: "zstd lookups at \(size) keys at least 4x faster than the reference",
          measured: String(format: "%.1fx", reference / zstd.ours), met: reference / zstd.ours >= 4))
    }
  }

  /// The lookups' own cost over the C floor at `n` keys. Below 1M keys, where the index is in
  /// the cache: a single lookup (returning `Data`, or borrowing with `valueBytes(forKey:)`) at
  /// most 2x, `withUnsafeBytes(forKey:)` 1.3x; at 1M keys every lookup 1.3x (the subscript's
  /// check is in ``check(_:keyCount:)``).
  static func checkLookupOverhead(_ report: Report, keyCount n: Int) {
    let size = Report.count(n)
    if n < 1_000_000, let floor = report.row("floor/\(n)"), let prefetched = report.row("floor-prefetch/\(n)") {
      let best = min(floor.peer!, prefetched.peer!)
      report.checks.append(
        TargetCheck(
          target: "single lookup (none, checksums on, \(size) keys) at most 2x the C search + CRC, independent keys",
          measured: String(
            format: "%.2fx the faster C loop (%@ against %@)", floor.ours / best, Report.format(floor.ours),
            Report.format(best)),
          met: floor.ours <= 2 * best))
    }
    for name in ["unsafe", "borrowed"] {
      if let row = report.row("floor-\(name)/\(n)") {
        let api = name == "unsafe" ? "withUnsafeBytes(forKey:)" : "valueBytes(forKey:)"
        let limit = name == "borrowed" && n < 1_000_000 ? 2.0 : 1.3
        report.checks.append(
          TargetCheck(
            target:
              "\(api) (none, checksums on, \(size) keys) at most \(limit)x the C search + CRC, independent keys",
            measured: String(
              format: "%.2fx the faster C loop (%@ against %@)", row.ours / row.peer!, Report.format(row.ours),
              Report.format(row.peer!)),
            met: row.ours <= limit * row.peer!))
      }
    }
  }
}
