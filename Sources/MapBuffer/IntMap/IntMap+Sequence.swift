extension IntMap: Sequence {
  /// Walks an IntMap's entries in ascending key order; no step can fail.
  public struct Iterator: IteratorProtocol, Sendable {
    private let labels: IndexLabels
    private var walk: InOrderWalk

    fileprivate init(labels: IndexLabels) {
      self.labels = labels
      self.walk = InOrderWalk(count: labels.count)
    }

    /// The next key and value in ascending key order, or `nil` after the largest key.
    public mutating func next() -> (key: UInt64, value: UInt64)? {
      walk.next().map { (labels.word(at: $0), labels.word(at: $0, offset: 8)) }
    }
  }

  /// The entries in ascending key order: `for (key, value) in map { … }`, without `try`, since
  /// opening checked that every entry lies inside the source.
  public func makeIterator() -> Iterator { Iterator(labels: labels) }

  /// The number of keys.
  public var underestimatedCount: Int { count }
}
