/// The order of a map's keys: which input each sorted position comes from.
///
/// Writers sort millions of keys; a comparison sort costs about log2(n) comparisons per key,
/// while a least-significant-digit radix sort costs a few passes over memory whatever `n` is,
/// and skips the digits that every key shares (the high bits of small keys).
package enum KeyOrder {
  /// Below this many keys a comparison sort is as fast and needs no histograms.
  static let radixThreshold = 4_096

  /// The indices of `keys`, ordered by ascending key; equal keys keep their input order.
  package static func ascendingIndices(of keys: [UInt64]) -> [Int] {
    guard keys.count >= radixThreshold else {
      return keys.indices.sorted { keys[$0] < keys[$1] }
    }
    return radixSortedIndices(of: keys)
  }

  /// An entry being sorted: a key and the index it came from.
  private struct Entry {
    var key: UInt64
    var index: Int
  }

  /// LSD radix sort on 11-bit digits: six stable counting passes, each skipped when every
  /// key has the same digit.
  private static func radixSortedIndices(of keys: [UInt64]) -> [Int] {
    let count = keys.count
    let digitBits = 11
    let bucketCount = 1 << digitBits
    let mask = UInt64(bucketCount - 1)
    var source = [Entry](unsafeUninitializedCapacity: count) { buffer, initialized in
      for index in 0..<count { buffer[index] = Entry(key: keys[index], index: index) }
      initialized = count
    }
    var target = [Entry](repeating: Entry(key: 0, index: 0), count: count)
    var histogram = [Int](repeating: 0, count: bucketCount)
    var shift: UInt64 = 0
    while shift < 64 {
      for bucket in 0..<bucketCount { histogram[bucket] = 0 }
      source.withUnsafeBufferPointer { entries in
        for entry in entries { histogram[Int((entry.key >> shift) & mask)] &+= 1 }
      }
      // Every key has this digit: the pass would not move anything.
      if histogram.contains(count) {
        shift += UInt64(digitBits)
        continue
      }
      var running = 0
      for bucket in 0..<bucketCount {
        let size = histogram[bucket]
        histogram[bucket] = running
        running &+= size
      }
      source.withUnsafeBufferPointer { entries in
        target.withUnsafeMutableBufferPointer { output in
          histogram.withUnsafeMutableBufferPointer { next in
            for entry in entries {
              let bucket = Int((entry.key >> shift) & mask)
              output[next[bucket]] = entry
              next[bucket] &+= 1
            }
          }
        }
      }
      swap(&source, &target)
      shift += UInt64(digitBits)
    }
    return source.map(\.index)
  }
}
