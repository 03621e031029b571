import Foundation
import MapBuffer

/// A `MapBuffer` whose values are decoded into `Value` on access.
///
/// The map's bytes stay as they are; a lookup decodes the one item it reads, and iteration
/// decodes one item at a time. Any byte source works: bytes, a memory-mapped file, a file read
/// with positional reads, or an existing `MapBuffer`.
///
/// ```swift
/// let skeletons = try TypedMapBuffer<Skeleton>(data)
/// let skeleton = try skeletons[label]
///
/// let names = try TypedMapBuffer(data, codec: .utf8)   // the same file, read through a codec
/// ```
public struct TypedMapBuffer<Value>: Sendable {
  /// The untyped map underneath.
  public var map: MapBuffer
  /// The conversions between values and bytes.
  public let codec: MapBufferValueCodec<Value>

  /// Types an existing map with `codec`.
  public init(_ map: MapBuffer, codec: MapBufferValueCodec<Value>) {
    self.map = map
    self.codec = codec
  }

  /// Opens the map serialized in `bytes` (no copy), typed with `codec`.
  public init(_ bytes: Data, codec: MapBufferValueCodec<Value>) throws {
    try self.init(MapBuffer(bytes), codec: codec)
  }

  /// Opens the map in the file at `url`, typed with `codec`.
  public init(contentsOf url: URL, access: MapBuffer.FileAccess = .memoryMapped, codec: MapBufferValueCodec<Value>)
    throws
  {
    try self.init(MapBuffer(contentsOf: url, access: access), codec: codec)
  }

  /// Opens the map held by `source`, typed with `codec`.
  public init(source: some MapBufferByteSource, codec: MapBufferValueCodec<Value>) throws {
    try self.init(MapBuffer(source: source), codec: codec)
  }

  // MARK: Lookup

  /// The decoded value for `key`, or `nil` if the map has no such key.
  ///
  /// - Throws: ``TypedMapBufferError/decodingFailed(key:underlying:)`` naming the key when the
  ///   bytes do not decode as `Value`, or the `MapBufferError` of a corrupt item.
  ///
  /// For an uncompressed map in memory (bytes or a mapped file) a codec with a borrowed form
  /// (``MapBufferValueCodec/decodeBorrowed``, as every ``MapBufferValue`` conformance has) makes
  /// the value straight from the item's own bytes, without an intermediate `Data`.
  @inlinable
  public subscript(key: UInt64) -> Value? {
    get throws {
      if map.compression == .none, let borrowed = codec.borrowedDecoder {
        var value: Value?
        _ = try map.withValueBytes(forKey: key) { value = try Self.decode($0, key: key) { try borrowed($0, key) } }
        return value
      }
      guard let bytes = try map[key] else { return nil }
      return try decode(bytes, key: key)
    }
  }

  /// Whether the map has a value for `key`. Decodes nothing.
  public func contains(_ key: UInt64) throws -> Bool { try map.contains(key) }

  /// The number of keys.
  public var count: Int { map.count }

  /// Whether the map has no keys.
  public var isEmpty: Bool { map.isEmpty }

  /// The keys in ascending order: a lazy collection over the index that cannot fail
  /// (see `MapBuffer.keys`).
  public var keys: MapBuffer.Keys { map.keys }

  // MARK: Iteration

  /// A cursor over the entries in ascending key order, decoding one value at a time.
  public func entries() -> Entries { Entries(entries: map.entries(), codec: codec) }

  /// Calls `body` with each key and its decoded value, in ascending key order.
  public func forEach(_ body: (_ key: UInt64, _ value: Value) throws -> Void) throws {
    var entries = entries()
    while let (key, value) = try entries.next() { try body(key, value) }
  }

  /// Every key and its decoded value.
  public func dictionary() throws -> [UInt64: Value] {
    var result = [UInt64: Value](minimumCapacity: count)
    try forEach { key, value in result[key] = value }
    return result
  }

  /// A cursor over a typed map's entries in ascending key order.
  public struct Entries {
    var entries: MapBuffer.Entries
    let codec: MapBufferValueCodec<Value>

    /// The next key and its decoded value, or `nil` after the largest key.
    public mutating func next() throws -> (key: UInt64, value: Value)? {
      guard let (key, bytes) = try entries.next() else { return nil }
      return (key, try TypedMapBuffer.decode(bytes, key: key, codec: codec))
    }
  }

  // MARK: Writing

  /// Serializes `values` with `codec`.
  ///
  /// - Throws: ``TypedMapBufferError/encodingFailed(key:underlying:)`` naming the key of a
  ///   value that cannot be encoded, or a `MapBufferError`.
  public static func encode(
    _ values: [UInt64: Value], codec: MapBufferValueCodec<Value>, writer: MapBufferWriter = MapBufferWriter()
  ) throws -> Data {
    try writer.encode(encodedItems(values, codec: codec))
  }

  /// Serializes `pairs`, given in any order, with `codec`.
  ///
  /// - Throws: ``TypedMapBufferError/encodingFailed(key:underlying:)`` naming the key of a value
  ///   that cannot be encoded, or `MapBufferError.duplicateKey` for a repeated key.
  public static func encode(
    _ pairs: some Sequence<(UInt64, Value)>, codec: MapBufferValueCodec<Value>,
    writer: MapBufferWriter = MapBufferWriter()
  ) throws -> Data {
    let encoded = try pairs.map { key, value in (key, try encodeValue(value, key: key, codec: codec)) }
    return try writer.encode(encoded)
  }

  /// Serializes `values` with `codec` into the file at `url` atomically.
  public static func write(
    _ values: [UInt64: Value], to url: URL, codec: MapBufferValueCodec<Value>,
    writer: MapBufferWriter = MapBufferWriter()
  ) throws {
    try writer.write(encodedItems(values, codec: codec), to: url)
  }

  /// Serializes `values` with `codec` and opens the result.
  public init(
    encoding values: [UInt64: Value], codec: MapBufferValueCodec<Value>,
    compression: MapBuffer.Compression = .none, compressionLevel: Int? = nil, formatVersion: UInt8 = 1
  ) throws {
    let writer = MapBufferWriter(
      compression: compression, compressionLevel: compressionLevel, formatVersion: formatVersion)
    try self.init(Self.encode(values, codec: codec, writer: writer), codec: codec)
  }

  // MARK: Conversions

  private static func encodedItems(_ values: [UInt64: Value], codec: MapBufferValueCodec<Value>) throws -> [UInt64:
    Data]
  {
    var items = [UInt64: Data](minimumCapacity: values.count)
    for (key, value) in values {
      items[key] = try encodeValue(value, key: key, codec: codec)
    }
    return items
  }

  private static func encodeValue(_ value: Value, key: UInt64, codec: MapBufferValueCodec<Value>) throws -> Data {
    do {
      return try codec.encode(value)
    } catch {
      throw TypedMapBufferError.encodingFailed(key: key, underlying: error)
    }
  }

  @usableFromInline
  func decode(_ bytes: Data, key: UInt64) throws -> Value {
    try Self.decode(bytes, key: key, codec: codec)
  }

  package static func decode(_ bytes: Data, key: UInt64, codec: MapBufferValueCodec<Value>) throws -> Value {
    do {
      return try codec.decode(bytes, storedUnder: key)
    } catch {
      throw TypedMapBufferError.decodingFailed(key: key, underlying: error)
    }
  }

  /// The value of `key` made from borrowed bytes, a failure wrapped with the key.
  @usableFromInline
  package static func decode(
    _ bytes: UnsafeRawBufferPointer, key: UInt64, _ borrowed: (UnsafeRawBufferPointer) throws -> Value
  ) throws -> Value {
    do {
      return try borrowed(bytes)
    } catch {
      throw TypedMapBufferError.decodingFailed(key: key, underlying: error)
    }
  }
}

extension TypedMapBuffer where Value: MapBufferValue {
  /// Types an existing map with `Value`'s conformance.
  public init(_ map: MapBuffer) { self.init(map, codec: .conformance) }

  /// Opens the map serialized in `bytes` (no copy), typed with `Value`'s conformance.
  public init(_ bytes: Data) throws { try self.init(bytes, codec: .conformance) }

  /// Opens the map in the file at `url`, typed with `Value`'s conformance.
  public init(contentsOf url: URL, access: MapBuffer.FileAccess = .memoryMapped) throws {
    try self.init(contentsOf: url, access: access, codec: .conformance)
  }

  /// Opens the map held by `source`, typed with `Value`'s conformance.
  public init(source: some MapBufferByteSource) throws { try self.init(source: source, codec: .conformance) }

  /// Serializes `values` with their conformance and opens the result.
  public init(
    encoding values: [UInt64: Value], compression: MapBuffer.Compression = .none,
    compressionLevel: Int? = nil, formatVersion: UInt8 = 1
  ) throws {
    try self.init(
      encoding: values, codec: .conformance, compression: compression,
      compressionLevel: compressionLevel, formatVersion: formatVersion)
  }

  /// Serializes `values` with their conformance.
  public static func encode(_ values: [UInt64: Value], writer: MapBufferWriter = MapBufferWriter()) throws -> Data {
    try encode(values, codec: .conformance, writer: writer)
  }

  /// Serializes `pairs`, given in any order, with their conformance.
  public static func encode(_ pairs: some Sequence<(UInt64, Value)>, writer: MapBufferWriter = MapBufferWriter()) throws
    -> Data
  {
    try encode(pairs, codec: .conformance, writer: writer)
  }

  /// Serializes `values` with their conformance into the file at `url` atomically.
  public static func write(_ values: [UInt64: Value], to url: URL, writer: MapBufferWriter = MapBufferWriter()) throws {
    try write(values, to: url, codec: .conformance, writer: writer)
  }
}

extension TypedMapBuffer where Value: MapBufferValue {
  /// Serializes `values` with their conformance, each item compressed with `compression`: the
  /// parameters of `MapBuffer.init(encoding:compression:compressionLevel:formatVersion:)`,
  /// without a `MapBufferWriter`.
  public static func encode(
    _ values: [UInt64: Value], compression: MapBuffer.Compression, compressionLevel: Int? = nil,
    formatVersion: UInt8 = 1
  ) throws -> Data {
    try encode(
      values,
      writer: MapBufferWriter(
        compression: compression, compressionLevel: compressionLevel, formatVersion: formatVersion))
  }

  /// Serializes `values` with their conformance into the file at `url` atomically, each item
  /// compressed with `compression`.
  public static func write(
    _ values: [UInt64: Value], to url: URL, compression: MapBuffer.Compression, compressionLevel: Int? = nil,
    formatVersion: UInt8 = 1
  ) throws {
    try write(
      values, to: url,
      writer: MapBufferWriter(
        compression: compression, compressionLevel: compressionLevel, formatVersion: formatVersion))
  }
}
