/// The keys of a ``MapBuffer`` or an ``IntMap`` in ascending order: a lazy collection over the
/// map's index, which copies nothing.
///
/// Reading a key cannot fail: opening a map checks that its whole index lies inside the source
/// (and, for a source that is not in memory, reads the index once), so `for key in map.keys`
/// needs no `try`. The keys are in ascending order whatever the index's Eytzinger layout.
///
/// Iterating visits each key in O(1) amortized time; `keys[i]`, the `i`-th smallest key, takes
/// O(log n). Use `Array(map.keys)` for an array.
public struct MapBufferKeys: RandomAccessCollection, Equatable, Sendable, CustomStringConvertible {
  private let labels: IndexLabels

  package init(labels: IndexLabels) { self.labels = labels }

  /// The position of the smallest key: 0.
  public var startIndex: Int { 0 }

  /// The number of keys.
  public var endIndex: Int { labels.count }

  /// The `rank`-th smallest key (0-based).
  public subscript(rank: Int) -> UInt64 {
    precondition(rank >= 0 && rank < labels.count, "key index \(rank) out of range 0..<\(labels.count)")
    return labels.word(at: Eytzinger.position(ofRank: rank, count: labels.count))
  }

  /// An iterator that walks the index in order, one step per key.
  public func makeIterator() -> Iterator { Iterator(labels: labels) }

  /// Walks an index in ascending key order.
  public struct Iterator: IteratorProtocol, Sendable {
    private let labels: IndexLabels
    private var walk: InOrderWalk

    fileprivate init(labels: IndexLabels) {
      self.labels = labels
      self.walk = InOrderWalk(count: labels.count)
    }

    /// The next larger key, or `nil` after the largest.
    public mutating func next() -> UInt64? {
      walk.next().map { labels.word(at: $0) }
    }
  }

  /// Whether two collections hold the same keys.
  public static func == (lhs: Self, rhs: Self) -> Bool { lhs.elementsEqual(rhs) }

  /// `N keys` and, for up to 5 keys, the keys themselves.
  public var description: String {
    count <= 5 ? "[" + map(String.init).joined(separator: ", ") + "]" : "\(count) keys, \(first!)…\(last!)"
  }
}

/// The index positions of an Eytzinger index in ascending order of their labels, one step at a time.
package struct InOrderWalk: Sendable {
  private let count: Int
  private var position: Int?

  package init(count: Int) {
    self.count = count
    self.position = Eytzinger.firstPosition(count: count)
  }

  /// The position of the next larger label, or `nil` after the largest.
  package mutating func next() -> Int? {
    guard let current = position else { return nil }
    position = Eytzinger.position(after: current, count: count)
    return current
  }
}
