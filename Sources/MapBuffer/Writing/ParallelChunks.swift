import Dispatch
import Foundation

/// Runs work over index ranges on all cores.
package enum ParallelChunks {
  /// The number of threads to use by default: every active core.
  package static var defaultConcurrency: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

  /// Calls `body` on disjoint ranges covering `0..<count`, concurrently when `concurrency` > 1
  /// and there is enough work, and rethrows the error of the lowest failing range. With a
  /// `concurrency` of 1, everything runs on the calling thread.
  package static func forEach(
    count: Int, minimumChunk: Int, concurrency: Int,
    _ body: @Sendable (Range<Int>) throws -> Void
  ) throws {
    let chunkCount = min(max(1, concurrency) * 4, max(1, count / max(1, minimumChunk)))
    guard chunkCount > 1, concurrency > 1 else {
      if count > 0 { try body(0..<count) }
      return
    }
    let errors = SendableBuffer(UnsafeMutableBufferPointer<(any Error)?>.allocate(capacity: chunkCount))
    errors.base.initialize(repeating: nil)
    defer {
      errors.base.deinitialize()
      errors.base.deallocate()
    }
    DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
      let lower = count * chunk / chunkCount
      let upper = count * (chunk + 1) / chunkCount
      do { try body(lower..<upper) } catch { errors.base[chunk] = error }
    }
    if let error = errors.base.lazy.compactMap({ $0 }).first { throw error }
  }
}
