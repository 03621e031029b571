import Foundation
import MapBuffer

extension TypedMapBuffer {
  /// The decoded values of `keys`, in the same order: `nil` for each key the map does not have.
  ///
  /// The same results as one ``subscript(_:)`` per key. A batch of at least
  /// ``concurrentBatchThreshold`` keys is split across the cores, each part looked up and decoded
  /// on its own thread (decoding is what a typed lookup spends most on), values borrowed from
  /// an uncompressed map in memory as single lookups are.
  ///
  /// ```swift
  /// let skeletons = try fragments.values(forKeys: labels)   // [Skeleton?]
  /// ```
  ///
  /// - Throws: the error of the first failing key in `keys`' order, as ``subscript(_:)`` throws it.
  public func values(forKeys keys: some Sequence<UInt64>) throws -> [Value?] {
    let keys = Array(keys)
    return try ConcurrentDecoding.map(count: keys.count, minimumCount: Self.concurrentBatchThreshold) { index in
      try self[keys[index]]
    }
  }

  /// The smallest batch that ``values(forKeys:)`` spreads across the cores: 64 keys.
  public static var concurrentBatchThreshold: Int { 64 }
}

/// Work on `count` indexes, spread across the cores when there are enough.
package enum ConcurrentDecoding {
  /// `body(0) … body(count - 1)` in order; concurrent on all cores when `count` reaches
  /// `minimumCount`, with the error of the lowest failing index rethrown.
  package static func map<Element>(
    count: Int, minimumCount: Int, _ body: @escaping (Int) throws -> Element
  ) throws -> [Element] {
    let workers = min(ProcessInfo.processInfo.activeProcessorCount, count / max(1, minimumCount / 2))
    guard count >= minimumCount, workers > 1 else { return try (0..<count).map(body) }
    do {
      let results = UnsafeMutableBufferPointer<Element?>.allocate(capacity: count)
      results.initialize(repeating: nil)
      let errors = UnsafeMutableBufferPointer<(index: Int, error: any Error)?>.allocate(capacity: workers)
      errors.initialize(repeating: nil)
      defer {
        results.deinitialize().deallocate()
        errors.deinitialize().deallocate()
      }
      let shared = UncheckedBox((body: body, results: results, errors: errors))
      DispatchQueue.concurrentPerform(iterations: workers) { worker in
        let (body, results, errors) = shared.value
        for index in (count * worker / workers)..<(count * (worker + 1) / workers) {
          do {
            results[index] = try body(index)
          } catch {
            errors[worker] = (index, error)
            return
          }
        }
      }
      if let first = errors.compactMap({ $0 }).min(by: { $0.index < $1.index }) { throw first.error }
      return results.map { $0! }
    }
  }
}

/// A value handed to the threads of one `concurrentPerform`, which joins them before it returns:
/// each thread writes only its own indexes, and the caller reads them after the join.
private struct UncheckedBox<Value>: @unchecked Sendable {
  let value: Value
  init(_ value: Value) { self.value = value }
}
