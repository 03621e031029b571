import Foundation

extension MapBuffer {
  /// The keys in ascending order: a lazy collection over the index, which copies nothing.
  ///
  /// Reading keys cannot fail (opening checked the index), so no `try` is needed:
  /// `for key in map.keys { … }`. `Array(map.keys)` makes an array.
  public var keys: Keys { Keys(labels: labels) }

  /// The keys of a map: ``MapBufferKeys``.
  public typealias Keys = MapBufferKeys

  /// A cursor over the map's entries in ascending key order, decoding one item at a time.
  ///
  /// ```swift
  /// var entries = map.entries()
  /// while let (key, value) = try entries.next() { … }
  /// ```
  public func entries() -> Entries { Entries(map: self) }

  /// Calls `body` with each key and its value, in ascending key order, one item at a time.
  ///
  /// - Throws: the first error from decoding an item or from `body`; iteration stops there.
  public func forEach(_ body: (_ key: UInt64, _ value: Data) throws -> Void) throws {
    var entries = entries()
    while let (key, value) = try entries.next() { try body(key, value) }
  }

  /// Every key and its value, decoded into a dictionary.
  public func dictionary() throws -> [UInt64: Data] {
    var result = [UInt64: Data](minimumCapacity: count)
    try forEach { key, value in result[key] = value }
    return result
  }

  /// The key at index `position` and where its item is stored.
  package func entryLocation(at position: Int) throws -> (key: UInt64, location: ItemLocation) {
    let key = labels.word(at: position)
    return (key, try location(at: position, key: key))
  }

  /// The key at index `position` and its value.
  package func entry(at position: Int) throws -> (key: UInt64, value: Data) {
    let coding = itemCoding
    // In memory: the key, the offsets and the item in one access to the bytes.
    if let entry = try residentAccess.withResidentBytes({ file -> (key: UInt64, value: Data) in
      let key = file.loadLittleEndianUInt64(at: Self.labelOffset(ofPosition: position))
      let location = try residentLocation(at: position, key: key, in: file)
      let stored = UnsafeRawBufferPointer(rebasing: file[location.range])
      return (key, try coding.value(of: stored, key: key, position: location.position))
    }) {
      return entry
    }
    let (key, location) = try entryLocation(at: position)
    return (key, try value(at: location, key: key))
  }

  /// A cursor over a map's entries in ascending key order.
  ///
  /// Each call to ``next()`` reads one index entry and decodes one item, so iterating a
  /// large map holds one value at a time. A corrupt item throws from `next()` with its key.
  public struct Entries: Sendable {
    /// The map, boxed: a cursor is copied at each step of a loop, and copying one reference
    /// costs one retain where copying a map costs several.
    private let box: SharedMapBuffer
    private var walk: InOrderWalk
    private var map: MapBuffer { box.map }

    init(map: MapBuffer) {
      self.box = SharedMapBuffer(map)
      self.walk = InOrderWalk(count: map.count)
    }

    /// The next key and value, or `nil` after the largest key.
    public mutating func next() throws -> (key: UInt64, value: Data)? {
      guard let current = walk.next() else { return nil }
      return try map.entry(at: current)
    }

    /// The next key and where its item is stored, without decoding it.
    package mutating func nextLocation() throws -> (key: UInt64, location: ItemLocation)? {
      guard let current = walk.next() else { return nil }
      return try map.entryLocation(at: current)
    }
  }
}

/// A map behind one reference: an iterator or entry that holds one costs a retain to copy,
/// where a map costs several.
package final class SharedMapBuffer: Sendable {
  package let map: MapBuffer
  package init(_ map: MapBuffer) { self.map = map }
}
