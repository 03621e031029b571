import Foundation

/// An immutable, serialized map from `UInt64` keys to `UInt64` values.
///
/// A 10-byte header and `(key, value)` pairs in Eytzinger order of the keys, byte-compatible
/// with the Python `mapbuffer` package's `IntMap`. The API has the shape of ``MapBuffer``'s:
/// opening reads the header only, and a lookup reads the search path to its key.
///
/// ```swift
/// let map = try IntMap(encoding: [1: 10, 2: 20])
/// let value = try map[2]   // 20
/// ```
public struct IntMap: Sendable {
  /// The bytes the map reads from.
  public let source: any MapBufferByteSource
  package let header: IntMapHeader
  /// How lookups reach the bytes, chosen once when the map is opened.
  package let residentAccess: ResidentAccess
  /// The entries, readable without failing: in place in memory, else read at opening.
  package let labels: IndexLabels

  /// Opens the map held by `source`, reading and checking its 10-byte header only.
  ///
  /// A source that is not in memory (a file read with positional reads, or your own source)
  /// has its entries read, once, here: afterwards no read of the map can fail.
  ///
  /// - Throws: ``MapBufferError`` if the header is short or wrong, or the source is too
  ///   small for the entries the header claims.
  public init(source: some MapBufferByteSource) throws {
    guard source.count >= IntMapHeader.byteCount else {
      throw MapBufferError.truncatedHeader(byteCount: source.count, required: IntMapHeader.byteCount)
    }
    let header = try source.withUnsafeBytes(in: 0..<IntMapHeader.byteCount) { try IntMapHeader(parsing: $0) }
    try header.checkEntriesFit(sourceSize: source.count)
    self.source = source
    self.header = header
    self.residentAccess = ResidentAccess(source)
    self.labels = try IndexLabels(
      source: source, access: residentAccess, range: header.entriesRange, count: header.keyCount)
  }

  /// Opens the map serialized in `bytes`, without copying them.
  public init(_ bytes: Data) throws { try self.init(source: InMemoryByteSource(bytes)) }

  /// Opens the map serialized in `bytes`, without copying them.
  public init(_ bytes: [UInt8]) throws { try self.init(source: InMemoryByteSource(bytes)) }

  /// Opens the map in the file at `url`, memory-mapped unless `access` says otherwise.
  public init(contentsOf url: URL, access: MapBuffer.FileAccess = .memoryMapped) throws {
    switch access {
    case .memoryMapped: try self.init(source: MappedFileByteSource(contentsOf: url))
    case .positionalReads: try self.init(source: PositionalFileByteSource(contentsOf: url))
    }
  }

  /// Serializes `items` and opens the result.
  public init(encoding items: [UInt64: UInt64]) throws {
    try self.init(Self.encode(items))
  }

  /// The number of keys.
  public var count: Int { header.keyCount }

  /// Whether the map has no keys.
  public var isEmpty: Bool { header.keyCount == 0 }

  /// The size of the whole serialized map in bytes.
  public var byteCount: Int { source.count }

  /// The whole serialized map: the bytes it was opened from when they are `Data`, else a copy.
  public var serialized: Data {
    get throws {
      if let memory = source as? InMemoryByteSource { return memory.data }
      return try source.copyBytes(in: 0..<source.count)
    }
  }

  // MARK: Lookup

  /// The value for `key`, or `nil` if the map has no such key.
  public subscript(key: UInt64) -> UInt64? {
    get throws {
      if let value = residentAccess.withResidentBytes({ residentValue(forKey: key, in: $0) }) { return value }
      guard let position = position(of: key) else { return nil }
      return labels.word(at: position, offset: 8)
    }
  }

  /// The value of `key` searched for in `file`, all of the map's bytes, in place; or `nil`.
  ///
  /// The header checked at opening guarantees that every entry lies inside `file`.
  @inline(__always)
  private func residentValue(forKey key: UInt64, in file: UnsafeRawBufferPointer) -> UInt64? {
    let count = header.keyCount
    let start = IntMapHeader.byteCount
    let stride = IntMapHeader.entryByteCount
    assert(file.count >= header.entriesRange.upperBound, "the entries must lie inside the source")
    guard
      let position = Eytzinger.position(
        of: key, count: count,
        label: {
          file.loadLittleEndianUInt64(at: start &+ stride &* $0)
        })
    else { return nil }
    return file.loadLittleEndianUInt64(at: start &+ stride &* position &+ 8)
  }

  /// Whether the map has a value for `key`.
  ///
  /// It cannot fail since opening checks the entries; it is marked `throws` so that code
  /// written for earlier versions compiles without warnings.
  public func contains(_ key: UInt64) throws -> Bool {
    position(of: key) != nil
  }

  /// The entry position of `key`, or `nil`.
  package func position(of key: UInt64) -> Int? {
    labels.withEntries { entries in
      Eytzinger.position(of: key, count: header.keyCount, label: { entries.word(at: $0) })
    }
  }

  /// The key and value at entry `position`.
  package func entry(at position: Int) -> (key: UInt64, value: UInt64) {
    (labels.word(at: position), labels.word(at: position, offset: 8))
  }

  // MARK: Iteration

  /// The keys in ascending order: a lazy collection over the entries, which copies nothing
  /// and cannot fail. `Array(map.keys)` makes an array.
  public var keys: Keys { Keys(labels: labels) }

  /// The keys of an IntMap: ``MapBufferKeys``.
  public typealias Keys = MapBufferKeys

  /// Calls `body` with each key and its value, in ascending key order.
  public func forEach(_ body: (_ key: UInt64, _ value: UInt64) throws -> Void) throws {
    for (key, value) in self { try body(key, value) }
  }

  /// Every key and its value, as a dictionary.
  public func dictionary() throws -> [UInt64: UInt64] {
    var result = [UInt64: UInt64](minimumCapacity: count)
    for (key, value) in self { result[key] = value }
    return result
  }

  /// Every entry in ascending key order, as an array. `for (key, value) in map` walks them
  /// without one.
  public func sortedEntries() throws -> [(key: UInt64, value: UInt64)] {
    Array(self)
  }

  // MARK: Validation

  /// Checks that the source is exactly as long as the header implies and that the keys are
  /// strictly ascending in Eytzinger order.
  ///
  /// - Throws: the first problem, as a ``MapBufferError`` naming the entry position.
  public func validate() throws {
    guard source.count == header.entriesRange.upperBound else {
      throw MapBufferError.sizeMismatch(expected: header.entriesRange.upperBound, actual: source.count)
    }
    try labels.withEntries { entries in
      try MapBuffer.checkEytzingerOrder(count: header.keyCount) { entries.word(at: $0) }
    }
  }

  // MARK: Writing

  /// The serialized IntMap of `items`.
  public static func encode(_ items: [UInt64: UInt64]) throws -> Data {
    guard items.count <= Int(UInt32.max) else { throw MapBufferError.tooManyKeys(items.count) }
    var keys: [UInt64] = []
    var values: [UInt64] = []
    keys.reserveCapacity(items.count)
    values.reserveCapacity(items.count)
    for (key, value) in items {
      keys.append(key)
      values.append(value)
    }
    let order = KeyOrder.ascendingIndices(of: keys)
    let header = IntMapHeader(keyCount: keys.count)
    let ranks = Eytzinger.ranks(count: keys.count)
    var result = Data(count: header.entriesRange.upperBound)
    result.withUnsafeMutableBytes { out in
      out.copyBytes(from: header.bytes)
      for (position, rank) in ranks.enumerated() {
        let source = order[rank]
        out.storeLittleEndian(keys[source], at: IntMapHeader.valueOffset(ofPosition: position) - 8)
        out.storeLittleEndian(values[source], at: IntMapHeader.valueOffset(ofPosition: position))
      }
    }
    return result
  }

  /// Serializes `items` into the file at `url` atomically.
  public static func write(_ items: [UInt64: UInt64], to url: URL) throws {
    let bytes = try encode(items)
    try AtomicFile.write(to: url) { try $0.write(bytes) }
  }

  /// Writes the serialized map to the file at `url` atomically.
  public func write(to url: URL) throws {
    let bytes = try serialized
    try AtomicFile.write(to: url) { try $0.write(bytes) }
  }

  // MARK: In-place update

  /// Sets the value of an existing `key` in a serialized IntMap, in place.
  ///
  /// - Throws: ``MapBufferError/keyNotFound(_:)`` or any error opening the map; `buffer` is unchanged on failure.
  public static func replaceValue(forKey key: UInt64, with value: UInt64, in buffer: inout Data) throws {
    guard let position = try IntMap(buffer).position(of: key) else { throw MapBufferError.keyNotFound(key) }
    buffer.withUnsafeMutableBytes { $0.storeLittleEndian(value, at: IntMapHeader.valueOffset(ofPosition: position)) }
  }

  /// Sets the value of an existing `key` in the IntMap file at `url`, in place.
  public static func replaceValue(forKey key: UInt64, with value: UInt64, inFileAt url: URL) throws {
    try InPlacePatch.apply(toFileAt: url) { source in
      guard let position = try IntMap(source: source).position(of: key) else { throw MapBufferError.keyNotFound(key) }
      return (IntMapHeader.valueOffset(ofPosition: position), withUnsafeBytes(of: value.littleEndian) { Data($0) })
    }
  }
}
