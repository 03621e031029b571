import Foundation

extension MapBuffer: Sequence {
  /// One entry of a map met in a `for` loop: its key, and its value read on demand.
  ///
  /// ```swift
  /// for entry in map {
  ///   print(entry.key, try entry.value.count)
  /// }
  /// ```
  ///
  /// The key never fails to read (opening checked the index). The value is read, verified and
  /// decompressed only when asked for, so a loop that skips entries reads nothing for them and
  /// a loop holds one value at a time; a corrupt item throws from ``value`` naming its key.
  public struct Entry: Sendable {
    private let shared: SharedMapBuffer
    /// The entry's index position.
    private let position: Int
    /// The entry's key.
    public let key: UInt64

    fileprivate init(shared: SharedMapBuffer, position: Int, key: UInt64) {
      self.shared = shared
      self.position = position
      self.key = key
    }

    /// The entry's value: read from the map, verified and decompressed on each access.
    ///
    /// - Throws: the ``MapBufferError`` of a corrupt item, naming ``key``, or a source's I/O error.
    public var value: Data {
      get throws {
        let map = shared.map
        return try map.value(at: map.location(at: position, key: key), key: key)
      }
    }

    /// Calls `body` with the entry's value: the item's own bytes for an uncompressed map in
    /// memory, else a temporary buffer; valid only during the call.
    public func withUnsafeValueBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) throws -> Result {
      let map = shared.map
      return try map.withValueBytes(at: map.location(at: position, key: key), key: key, body)
    }

    /// ``withUnsafeValueBytes(_:)`` without a generic result, for callers in other modules.
    package func withValueBytes(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
      try withUnsafeValueBytes(body)
    }
  }

  /// Walks a map's entries in ascending key order, reading no item.
  public struct Iterator: IteratorProtocol, Sendable {
    private let shared: SharedMapBuffer
    private var walk: InOrderWalk

    fileprivate init(_ map: MapBuffer) {
      shared = SharedMapBuffer(map)
      walk = InOrderWalk(count: map.count)
    }

    /// The next entry in ascending key order, or `nil` after the largest key.
    public mutating func next() -> Entry? {
      walk.next().map { Entry(shared: shared, position: $0, key: shared.map.labels.word(at: $0)) }
    }
  }

  /// The entries in ascending key order: `for entry in map { try entry.value }`.
  ///
  /// The loop itself cannot fail; each value is read when asked for. To stop at the first corrupt
  /// item instead, use ``forEach(_:)`` or the cursor of ``entries()``.
  public func makeIterator() -> Iterator { Iterator(self) }

  /// The number of keys.
  public var underestimatedCount: Int { count }
}
