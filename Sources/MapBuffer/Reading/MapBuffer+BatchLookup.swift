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
    var results: [Data?] = []
    results.reserveCapacity(keys.count)
    let count = header.keyCount
    guard count > 0 else { return [Data?](repeating: nil, count: keys.count) }
    guard source.isMemoryResident else {
      for key in keys { results.append(try self[key]) }
      return results
    }
    let coding = itemCoding
    let levels = Int.bitWidth - count.leadingZeroBitCount
    let indexRange = header.indexRange
    try source.withUnsafeBytes(in: 0..<source.count) { file in
      let index = UnsafeRawBufferPointer(rebasing: file[indexRange])
      let indexBase = index.baseAddress!
      let fileBase = file.baseAddress!
      try keys.withUnsafeBufferPointer { keys in
        try withUnsafeTemporaryAllocation(of: Int.self, capacity: Self.batchLaneCount) { nodes in
          var groupStart = 0
          while groupStart < keys.count {
            let lanes = min(Self.batchLaneCount, keys.count - groupStart)
            for lane in 0..<lanes { nodes[lane] = 1 }
            // Descend all searches one level at a time.
            for _ in 0..<levels {
              for lane in 0..<lanes {
                let node = nodes[lane]
                guard node <= count else { continue }
                if 4 &* node <= count { mb_prefetch(indexBase + 16 &* (4 &* node &- 1)) }
                let label = index.loadLittleEndianUInt64(at: 16 &* (node &- 1))
                nodes[lane] = 2 &* node &+ (label < keys[groupStart &+ lane] ? 1 : 0)
              }
            }
            // Resolve each search to a position (or -1), and prefetch its item.
            for lane in 0..<lanes {
              var node = nodes[lane]
              node >>= (~node).trailingZeroBitCount &+ 1
              let key = keys[groupStart &+ lane]
              if node != 0, index.loadLittleEndianUInt64(at: 16 &* (node &- 1)) == key {
                nodes[lane] = node &- 1
                let start = Int(truncatingIfNeeded: index.loadLittleEndianUInt64(at: 16 &* (node &- 1) &+ 8))
                if start >= 0, start < file.count {
                  mb_prefetch(fileBase + start)
                  if start &+ 64 < file.count { mb_prefetch(fileBase + (start &+ 64)) }
                }
              } else {
                nodes[lane] = -1
              }
            }
            // Verify, decode and copy the items found.
            for lane in 0..<lanes {
              let position = nodes[lane]
              guard position >= 0 else {
                results.append(nil)
                continue
              }
              let key = keys[groupStart &+ lane]
              let start = index.loadLittleEndianUInt64(at: 16 &* position &+ 8)
              let end = position &+ 1 < count ? index.loadLittleEndianUInt64(at: 16 &* position &+ 24) : UInt64(file.count)
              let location = try checkedLocation(key: key, position: position, start: start, end: end)
              let stored = UnsafeRawBufferPointer(rebasing: file[location.range])
              results.append(try coding.value(of: stored, key: key, position: position))
            }
            groupStart += lanes
          }
        }
      }
    }
    return results
  }
}
