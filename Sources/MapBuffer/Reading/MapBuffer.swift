import Foundation

/// An immutable, serialized map from `UInt64` keys to byte buffers that answers a lookup
/// with near-zero parsing.
///
/// A MapBuffer is a 16-byte header, an index of `(key, offset)` pairs in Eytzinger order,
/// then the items, each optionally compressed and, in format version 1, followed by its
/// CRC-32C. Opening reads and checks the header only; a lookup reads the index path to its
/// key and that one item. The format is byte-compatible with the Python `mapbuffer` package.
///
/// ```swift
/// let map = try MapBuffer(encoding: [2848: Data("abc".utf8), 12939: Data("123".utf8)])
/// try map.serialized.write(to: url)
///
/// let reopened = try MapBuffer(contentsOf: url)   // memory-mapped, O(1)
/// let value = try reopened[2848]                  // Data("abc")
/// ```
///
/// A `MapBuffer` is a value: copies share the same bytes, which never change. It is `Sendable`,
/// and one map can serve lookups from many threads at once; a lookup takes no lock and
/// allocates nothing but the value it returns.
public struct MapBuffer: Sendable {
  /// The bytes the map reads from.
  public let source: any MapBufferByteSource
  package let header: MapBufferHeader
  /// How lookups reach the bytes, chosen once when the map is opened.
  package let residentAccess: ResidentAccess
  /// The index's labels, readable without failing (see ``MapBufferKeys``).
  package let labels: IndexLabels
  /// `source.count`, kept so that a lookup does not ask the source through its protocol.
  package let sourceByteCount: Int

  /// Whether lookups verify each item's CRC-32C (format version 1 only). On by default.
  ///
  /// Deep validation verifies every checksum whatever this says.
  public var verifiesChecksums = true

  /// The largest number of bytes one compressed item may decode to; a larger item throws
  /// ``MapBufferError/decodedItemTooLarge(key:limit:)`` instead of exhausting memory.
  /// Defaults to ``defaultMaximumDecodedItemSize``.
  public var maximumDecodedItemSize = MapBuffer.defaultMaximumDecodedItemSize

  /// 256 MiB: the default bound on one item's decoded size.
  public static let defaultMaximumDecodedItemSize = 256 << 20

  /// Opens the map held by `source`, reading and checking its 16-byte header only.
  ///
  /// A source that is not in memory (a file read with positional reads, or your own source)
  /// also has its index read, once, here: 16 bytes a key, so that ``keys`` can never fail.
  ///
  /// - Throws: ``MapBufferError`` if the header is short, has the wrong magic, an unknown
  ///   version or codec, or claims more keys than the source holds an index for.
  public init(source: some MapBufferByteSource) throws {
    guard source.count >= MapBufferHeader.byteCount else {
      throw MapBufferError.truncatedHeader(byteCount: source.count, required: MapBufferHeader.byteCount)
    }
    let header = try source.withUnsafeBytes(in: 0..<MapBufferHeader.byteCount) {
      try MapBufferHeader(parsing: $0)
    }
    try header.checkIndexFits(sourceSize: source.count)
    self.source = source
    self.sourceByteCount = source.count
    self.header = header
    self.residentAccess = ResidentAccess(source)
    self.labels = try IndexLabels(
      source: source, access: residentAccess, range: header.indexRange, count: header.keyCount)
  }

  /// Opens the map serialized in `bytes`, without copying them.
  public init(_ bytes: Data) throws {
    try self.init(source: InMemoryByteSource(bytes))
  }

  /// Opens the map serialized in `bytes`, without copying them.
  public init(_ bytes: [UInt8]) throws {
    try self.init(source: InMemoryByteSource(bytes))
  }

  /// How a map reads a file.
  public enum FileAccess: Sendable {
    /// Map the file read-only into memory: the fastest lookups. The file must not shrink while open.
    case memoryMapped
    /// Read with `pread`: for files another process may truncate or replace while open,
    /// where a shrunken file gives an error instead of `SIGBUS`.
    case positionalReads
  }

  /// Opens the map in the file at `url`, memory-mapped unless `access` says otherwise.
  public init(contentsOf url: URL, access: FileAccess = .memoryMapped) throws {
    switch access {
    case .memoryMapped: try self.init(source: MappedFileByteSource(contentsOf: url))
    case .positionalReads: try self.init(source: PositionalFileByteSource(contentsOf: url))
    }
  }

  /// The number of keys.
  public var count: Int { header.keyCount }

  /// Whether the map has no keys.
  public var isEmpty: Bool { header.keyCount == 0 }

  /// The codec of every item.
  public var compression: Compression { header.compression }

  /// The format version: ``FormatVersion/version0`` (no checksums) or ``FormatVersion/version1``
  /// (each item ends with its CRC-32C).
  public var formatVersion: FormatVersion { header.formatVersion }

  /// The size of the whole serialized map in bytes.
  public var byteCount: Int { sourceByteCount }

  /// The size of the index in bytes: 16 per key.
  public var indexByteCount: Int { header.indexRange.count }

  /// The size of the data region (the stored items and their checksums) in bytes.
  public var dataByteCount: Int { source.count - header.dataStart }

  /// The whole serialized map: the bytes it was opened from when they are `Data`, else a copy.
  public var serialized: Data {
    get throws {
      if let memory = source as? InMemoryByteSource { return memory.data }
      return try source.copyBytes(in: 0..<source.count)
    }
  }

  /// The rules for turning this map's stored items into values.
  package var itemCoding: ItemCoding {
    ItemCoding(
      compression: header.compression, hasChecksums: header.hasChecksums,
      verifiesChecksums: verifiesChecksums, maximumDecodedItemSize: maximumDecodedItemSize)
  }
}
