import Foundation

/// Timing by the median of repeated runs, as every row of the benchmark is measured.
enum Timing {
  /// The median nanoseconds per operation of `body`, which performs `operations` operations.
  ///
  /// One warm-up pass estimates the cost of a pass; each of the `runs` timed runs then repeats
  /// `body` enough times to last at least `minimumRunTime`, so short workloads are not lost in
  /// the clock's resolution.
  static func median(
    runs: Int, operations: Int, minimumRunTime: Duration = .milliseconds(20), _ body: () throws -> Void
  ) rethrows -> Double {
    let clock = ContinuousClock()
    let once = try clock.measure(body)
    let repeats = max(1, Int((minimumRunTime / max(once, .nanoseconds(1))).rounded(.up)))
    var samples: [Double] = []
    for _ in 0..<runs {
      let elapsed = try clock.measure {
        for _ in 0..<repeats { try body() }
      }
      samples.append(elapsed.nanoseconds / Double(repeats))
    }
    samples.sort()
    let middle = samples.count / 2
    let median = samples.count % 2 == 1 ? samples[middle] : (samples[middle - 1] + samples[middle]) / 2
    return median / Double(max(operations, 1))
  }

  /// The duration of one call of `body`, in nanoseconds.
  static func once(_ body: () throws -> Void) rethrows -> Double {
    try ContinuousClock().measure(body).nanoseconds
  }
}

extension Duration {
  /// The duration in nanoseconds.
  var nanoseconds: Double {
    let (seconds, attoseconds) = components
    return Double(seconds) * 1e9 + Double(attoseconds) / 1e9
  }
}

/// Where every measured result goes, so the optimizer cannot delete the work; printed at the end.
nonisolated(unsafe) var benchmarkSink: UInt64 = 0

/// Folds `value` into the sink.
@inline(never)
func sink(_ value: UInt64) {
  benchmarkSink &+= value
}
