import CMapBufferPrefetch
import Foundation

extension MapBuffer {
  /// The number of searches a batch lookup interleaves.
  static let batchLaneCount = 16

  /// The values of `keys`, in the same order: `nil` for each key the map does not have.
  ///
  /// The same results as one ``subscript(_:)`` per key, faster per key for large maps in
  /// memory (bytes or a mapped file): the searches run in groups of 16, interleaved level by
  /// level, each step prefetching the cache line of the node's grandchildren, so that the
  /// memory latencies of a group overlap instead of adding up; then the group's items are
  /// prefetched before they are verified and copied. Other sources look up each key in turn.
  ///
  /// ```swift
  /// let values = try map.values(forKeys: [2848, 12939, 7])   // [Data?] of 3
  /// ```
  ///
  /// - Throws: the first error a lookup meets, as ``subscript(_:)`` throws it, naming its key.
  public func values(forKeys keys: some Sequence<UInt64>) throws -> [Data?] {
    let keys = Array(keys)
    guard header.keyCount > 0 else { return [Data?](repeating: nil, count: keys.count) }
    if let values = try residentAccess.withResidentBytes({ file in
      try keys.withUnsafeBufferPointer { try residentValues(forKeys: $0, in: file) }
    }) {
      return values
    }
    return try keys.map { try self[$0] }
  }

  /// The batch lookup over `file`, all of the map's bytes in memory: the steps of
  /// ``Eytzinger/position(of:count:label:prefetch:)``, interleaved. Tree node `k` (1-based)
  /// sits at byte `16 * k`, and its four grandchildren fill the 64-byte line at byte `64 * k`.
  private func residentValues(forKeys keys: UnsafeBufferPointer<UInt64>, in file: UnsafeRawBufferPointer) throws
    -> [Data?]
  {
    let count = header.keyCount
    let levels = Int.bitWidth - count.leadingZeroBitCount
    let coding = itemCoding
    let base = file.baseAddress.unsafelyUnwrapped
    var results: [Data?] = []
    results.reserveCapacity(keys.count)
    try withUnsafeTemporaryAllocation(of: Int.self, capacity: Self.batchLaneCount) { nodes in
      var groupStart = 0
      while groupStart < keys.count {
        let lanes = Swift.min(Self.batchLaneCount, keys.count - groupStart)
        for lane in 0..<lanes { nodes[lane] = 1 }
        // Descend all searches one level at a time.
        for _ in 0..<levels {
          for lane in 0..<lanes {
            let node = nodes[lane]
            guard node <= count else { continue }
            if 4 &* node <= count { mb_prefetch(base + 64 &* node) }
            let label = file.loadLittleEndianUInt64(at: Self.labelOffset(ofPosition: node &- 1))
            nodes[lane] = Eytzinger.child(of: node, label: label, key: keys[groupStart &+ lane])
          }
        }
        // Resolve each search to its node (or 0 when absent), and prefetch its item.
        for lane in 0..<lanes {
          let node = Eytzinger.candidate(afterDescentTo: nodes[lane])
          if node != 0,
            file.loadLittleEndianUInt64(at: Self.labelOffset(ofPosition: node &- 1)) == keys[groupStart &+ lane]
          {
            let start = Int(
              truncatingIfNeeded: file.loadLittleEndianUInt64(at: Self.labelOffset(ofPosition: node &- 1) &+ 8))
            if start >= 0, start < file.count {
              mb_prefetch(base + start)
              if start &+ 64 < file.count { mb_prefetch(base + (start &+ 64)) }
            }
            nodes[lane] = node
          } else {
            nodes[lane] = 0
          }
        }
        // Verify, decode and copy the items found.
        for lane in 0..<lanes {
          let node = nodes[lane]
          guard node != 0 else {
            results.append(nil)
            continue
          }
          let key = keys[groupStart &+ lane]
          let location = try residentLocation(at: node &- 1, key: key, in: file)
          let stored = UnsafeRawBufferPointer(rebasing: file[location.range])
          results.append(try coding.value(of: stored, key: key, position: location.position))
        }
        groupStart += lanes
      }
    }
    return results
  }
}
