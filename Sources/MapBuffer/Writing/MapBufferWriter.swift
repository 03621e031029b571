import Foundation

/// Serializes maps from keys to bytes in the MapBuffer format.
///
/// The layout is exactly the Python reference's: keys sorted ascending and laid out in
/// Eytzinger order, items in index order, each compressed with the chosen codec and, in format
/// version 1, followed by its CRC-32C. For codec `none` the bytes are identical to the
/// reference's for the same map. Items are compressed on all cores when the map is large.
///
/// ```swift
/// let writer = MapBufferWriter(compression: .zstd)
/// try writer.write([1: Data("one".utf8)], to: url)   // atomic
/// ```
public struct MapBufferWriter: Sendable {
  /// The codec for every item.
  public var compression: MapBuffer.Compression
  /// The codec's level; `nil` for the reference's default (gzip 9, brotli 5, zstd 3, lzma 6).
  public var compressionLevel: Int?
  /// 1 (each item followed by its CRC-32C, the default) or 0 (no checksums).
  public var formatVersion: UInt8
  /// The most threads to compress and checksum items on; every core by default.
  public var maximumConcurrency: Int = ParallelChunks.defaultConcurrency

  /// A writer with the given codec, level and format version.
  public init(compression: MapBuffer.Compression = .none, compressionLevel: Int? = nil, formatVersion: UInt8 = 1) {
    self.compression = compression
    self.compressionLevel = compressionLevel
    self.formatVersion = formatVersion
  }

  /// The serialized map of `items`.
  public func encode(_ items: [UInt64: Data]) throws -> Data {
    var pairs = items.map { (key: $0.key, value: $0.value) }
    pairs.sort { $0.key < $1.key }
    return try encode(sortedUniquePairs: pairs)
  }

  /// The serialized map of `pairs`, given in any order.
  ///
  /// - Throws: ``MapBufferError/duplicateKey(_:)`` if a key appears twice.
  public func encode(_ pairs: some Sequence<(UInt64, Data)>) throws -> Data {
    var sorted = pairs.map { (key: $0.0, value: $0.1) }
    sorted.sort { $0.key < $1.key }
    for index in sorted.indices.dropFirst() where sorted[index].key == sorted[index - 1].key {
      throw MapBufferError.duplicateKey(sorted[index].key)
    }
    return try encode(sortedUniquePairs: sorted)
  }

  /// Serializes `items` into the file at `url` atomically.
  public func write(_ items: [UInt64: Data], to url: URL) throws {
    let bytes = try encode(items)
    try AtomicFile.write(to: url) { try $0.write(bytes) }
  }

  /// Serializes `pairs` into the file at `url` atomically.
  public func write(_ pairs: some Sequence<(UInt64, Data)>, to url: URL) throws {
    let bytes = try encode(pairs)
    try AtomicFile.write(to: url) { try $0.write(bytes) }
  }

  /// The rules for turning values into stored items.
  package var itemCoding: ItemCoding {
    ItemCoding(
      compression: compression, hasChecksums: formatVersion >= 1,
      verifiesChecksums: true, maximumDecodedItemSize: .max)
  }

  /// Serializes pairs sorted by strictly ascending key.
  package func encode(sortedUniquePairs pairs: [(key: UInt64, value: Data)]) throws -> Data {
    guard formatVersion <= 1 else { throw MapBufferError.invalidFormatVersion(formatVersion) }
    let level = try compression.resolvedLevel(compressionLevel)
    let count = pairs.count
    guard count <= Int(UInt32.max) else { throw MapBufferError.tooManyKeys(count) }
    let header = MapBufferHeader(formatVersion: formatVersion, compression: compression, keyCount: count)
    let ranks = Eytzinger.ranks(count: count)
    let coding = itemCoding

    // The payload of each index position: the value itself, or its compressed form.
    let payloads: [Data]
    if compression == .none {
      payloads = ranks.map { pairs[$0].value }
    } else {
      var compressed = [Data](repeating: Data(), count: count)
      try compressed.withUnsafeMutableBufferPointer { buffer in
        let output = SendableBuffer(buffer)
        try ParallelChunks.forEach(count: count, minimumChunk: 64, concurrency: maximumConcurrency) { chunk in
          for position in chunk {
            let (key, value) = pairs[ranks[position]]
            let compressed = try value.withUnsafeBytes { try compression.compress($0, level: level, key: key) }
            output.base[position] = compressed
          }
        }
      }
      payloads = compressed
    }

    // Offsets, then one buffer holding header, index and items.
    let trailer = coding.trailerByteCount
    var end = header.dataStart
    let offsets = payloads.map { payload in
      defer { end += payload.count + trailer }
      return end
    }
    var result = Data(count: end)
    try result.withUnsafeMutableBytes { (out: UnsafeMutableRawBufferPointer) in
      out.copyBytes(from: header.bytes)
      for position in 0..<count {
        out.storeLittleEndian(pairs[ranks[position]].key, at: 16 + 16 * position)
        out.storeLittleEndian(UInt64(offsets[position]), at: 24 + 16 * position)
      }
      let items = SendableBuffer(out)
      let totalBytes = end - header.dataStart
      let chunkItems = max(64, count * 256 * 1024 / max(1, totalBytes))
      try ParallelChunks.forEach(count: count, minimumChunk: chunkItems, concurrency: maximumConcurrency) { chunk in
        for position in chunk {
          let start = offsets[position]
          payloads[position].withUnsafeBytes { payload in
            let destination = UnsafeMutableRawBufferPointer(rebasing: items.base[start..<(start + payload.count)])
            destination.copyMemory(from: payload)
            if trailer > 0 {
              items.base.storeLittleEndian(CRC32C.checksum(UnsafeRawBufferPointer(destination)), at: start + payload.count)
            }
          }
        }
      }
    }
    return result
  }
}

/// A buffer handed to parallel workers that write disjoint parts of it.
struct SendableBuffer<Base>: @unchecked Sendable {
  // @unchecked: every worker writes only the elements of its own range.
  let base: Base
  init(_ base: Base) { self.base = base }
}

extension MapBuffer {
  /// Serializes `items` and opens the result.
  ///
  /// ```swift
  /// let map = try MapBuffer(encoding: [2848: Data("abc".utf8)], compression: .gzip)
  /// ```
  ///
  /// - Parameters:
  ///   - compression: the codec for every item.
  ///   - compressionLevel: the codec's level; `nil` for the reference's default.
  ///   - formatVersion: 1 (checksums, the default) or 0.
  public init(
    encoding items: [UInt64: Data], compression: Compression = .none,
    compressionLevel: Int? = nil, formatVersion: UInt8 = 1
  ) throws {
    let writer = MapBufferWriter(compression: compression, compressionLevel: compressionLevel, formatVersion: formatVersion)
    try self.init(writer.encode(items))
  }

  /// Serializes `pairs`, given in any order, and opens the result.
  ///
  /// - Throws: ``MapBufferError/duplicateKey(_:)`` if a key appears twice.
  public init(
    encoding pairs: some Sequence<(UInt64, Data)>, compression: Compression = .none,
    compressionLevel: Int? = nil, formatVersion: UInt8 = 1
  ) throws {
    let writer = MapBufferWriter(compression: compression, compressionLevel: compressionLevel, formatVersion: formatVersion)
    try self.init(writer.encode(pairs))
  }

  /// Writes the serialized map to the file at `url` atomically.
  public func write(to url: URL) throws {
    try AtomicFile.write(to: url) { output in
      let chunk = 1 << 22
      var offset = 0
      while offset < source.count {
        let end = min(source.count, offset + chunk)
        try source.withUnsafeBytes(in: offset..<end) { try output.write($0) }
        offset = end
      }
    }
  }
}
