import CMapBufferPrefetch
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
  /// ``MapBuffer/FormatVersion/version1`` (each item followed by its CRC-32C, the default) or
  /// ``MapBuffer/FormatVersion/version0`` (no checksums).
  public var formatVersion: MapBuffer.FormatVersion
  /// The most threads to compress and checksum items on; every core by default.
  public var maximumConcurrency: Int = ParallelChunks.defaultConcurrency

  /// A version number given to the deprecated `UInt8` initializer that names no version: every
  /// encode throws ``MapBufferError`` with code ``MapBufferErrorCode/invalidFormatVersion``, as
  /// writers did when the version was a `UInt8`.
  package var rejectedFormatVersion: UInt8?

  /// A writer with the given codec, level and format version.
  public init(
    compression: MapBuffer.Compression = .none, compressionLevel: Int? = nil,
    formatVersion: MapBuffer.FormatVersion = .default
  ) {
    self.compression = compression
    self.compressionLevel = compressionLevel
    self.formatVersion = formatVersion
  }

  /// A writer with the given codec, level and format version number (0 or 1).
  ///
  /// Any other number makes every encode throw ``MapBufferError`` with code
  /// ``MapBufferErrorCode/invalidFormatVersion``.
  @available(*, deprecated, message: "pass formatVersion: .version0 or .version1")
  public init(compression: MapBuffer.Compression = .none, compressionLevel: Int? = nil, formatVersion: UInt8) {
    self.init(
      compression: compression, compressionLevel: compressionLevel,
      formatVersion: MapBuffer.FormatVersion(rawValue: formatVersion) ?? .default)
    if MapBuffer.FormatVersion(rawValue: formatVersion) == nil { rejectedFormatVersion = formatVersion }
  }

  /// Throws if this writer was made with a version number that names no version.
  package func checkFormatVersion() throws {
    if let rejectedFormatVersion { throw MapBufferError.invalidFormatVersion(rejectedFormatVersion) }
  }

  /// The serialized map of `items`.
  public func encode(_ items: [UInt64: Data]) throws -> Data {
    // The values are read in place, through the dictionary's own indices: copying them into
    // an array would retain each one, an atomic write to a separate allocation per value.
    return try encode(
      keys: Array(items.keys), values: CollectedValues(values: items.values, indices: Array(items.indices)),
      rejectingDuplicates: false)
  }

  /// The serialized map of `pairs`, given in any order.
  ///
  /// - Throws: ``MapBufferError/duplicateKey(_:)`` if a key appears twice.
  public func encode(_ pairs: some Sequence<(UInt64, Data)>) throws -> Data {
    var keys: [UInt64] = []
    var values: [Data] = []
    keys.reserveCapacity(pairs.underestimatedCount)
    values.reserveCapacity(pairs.underestimatedCount)
    for (key, value) in pairs {
      keys.append(key)
      values.append(value)
    }
    return try encode(
      keys: keys, values: CollectedValues(values: values, indices: Array(values.indices)), rejectingDuplicates: true)
  }

  /// The serialized map of values laid out one after another in `values`: the bytes at
  /// `ranges[i]` are the value of `keys[i]`, the keys in any order.
  ///
  /// The fastest way to build a large map: the values are read in place, in the order of
  /// `ranges` (sequentially, when the ranges ascend), instead of from one allocation each.
  /// Ranges may overlap or repeat.
  ///
  /// ```swift
  /// let values = Data("onetwothree".utf8)
  /// let map = try writer.encode(keys: [1, 2, 3], ranges: [0..<3, 3..<6, 6..<11], in: values)
  /// ```
  ///
  /// - Throws: ``MapBufferError/duplicateKey(_:)`` if a key appears twice,
  ///   ``MapBufferError/rangeOutOfBounds(lowerBound:upperBound:sourceSize:)`` for a range
  ///   outside `values`.
  /// - Precondition: `keys` and `ranges` have the same count.
  public func encode(keys: [UInt64], ranges: [Range<Int>], in values: some ContiguousBytes) throws -> Data {
    precondition(keys.count == ranges.count, "one range per key")
    return try values.withUnsafeBytes { buffer in
      for range in ranges where range.lowerBound < 0 || range.upperBound > buffer.count {
        throw MapBufferError.rangeOutOfBounds(
          lowerBound: range.lowerBound, upperBound: range.upperBound, sourceSize: buffer.count)
      }
      return try encode(keys: keys, values: ContiguousValues(buffer: buffer, ranges: ranges), rejectingDuplicates: true)
    }
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
      compression: compression, hasChecksums: formatVersion.hasChecksums,
      verifiesChecksums: true, maximumDecodedItemSize: .max)
  }

  /// How many items ahead the build asks for the cache lines it will write.
  static let writePrefetchDistance = 8

  /// Serializes the value of each input `i` under `keys[i]`, the keys in any order.
  package func encode(keys: [UInt64], values: some WriterValues, rejectingDuplicates: Bool) throws -> Data {
    precondition(keys.count == values.count, "one value per key")
    try checkFormatVersion()
    let level = try compression.resolvedLevel(compressionLevel)
    let count = keys.count
    guard count <= Int(UInt32.max) else { throw MapBufferError.tooManyKeys(count) }
    let order = KeyOrder.ascendingIndices(of: keys)
    for rank in order.indices.dropFirst() where keys[order[rank]] == keys[order[rank - 1]] {
      guard rejectingDuplicates else { preconditionFailure("a dictionary's keys are unique") }
      throw MapBufferError.duplicateKey(keys[order[rank]])
    }
    let header = MapBufferHeader(formatVersion: formatVersion, compression: compression, keyCount: count)

    // The index position of each input: Eytzinger order of the sorted keys. Work below runs in
    // input order, so that the values (allocated in that order, as a rule) are read sequentially
    // and only the writes into the output jump around.
    let positions = [Int](unsafeUninitializedCapacity: count) { buffer, initialized in
      Eytzinger.forEachInOrder(count: count) { position, rank in buffer[order[rank]] = position }
      initialized = count
    }

    // The payload of each input: the value itself, or its compressed form.
    let compressed: [Data]
    if compression != .none {
      var output = [Data](repeating: Data(), count: count)
      try output.withUnsafeMutableBufferPointer { buffer in
        let output = SendableBuffer(buffer)
        try ParallelChunks.forEach(count: count, minimumChunk: 64, concurrency: maximumConcurrency) { chunk in
          for input in chunk {
            output.base[input] = try values.withBytes(of: input) {
              try compression.compress($0, level: level, key: keys[input])
            }
          }
        }
      }
      compressed = output
    } else {
      compressed = []
    }

    // Where each index position's item starts; the last entry is the total size.
    let trailer = formatVersion.trailerByteCount
    var itemStarts = [Int](repeating: 0, count: count + 1)
    if compression == .none {
      for input in 0..<count { itemStarts[positions[input]] = values.byteCount(of: input) + trailer }
    } else {
      for input in 0..<count { itemStarts[positions[input]] = compressed[input].count + trailer }
    }
    var end = header.dataStart
    for position in 0..<count {
      let size = itemStarts[position]
      itemStarts[position] = end
      end += size
    }
    itemStarts[count] = end
    let offsets = itemStarts
    let size = end

    // One buffer for header, index and items, filled in parallel without being zeroed first.
    let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: max(size, 1), alignment: 64)
    do {
      let out = SendableBuffer(UnsafeMutableRawBufferPointer(rebasing: memory[0..<size]))
      out.base.copyBytes(from: header.bytes)
      let chunkItems = max(64, count * 256 * 1024 / max(1, size - header.dataStart))
      try ParallelChunks.forEach(count: count, minimumChunk: chunkItems, concurrency: maximumConcurrency) { chunk in
        let base = out.base.baseAddress.unsafelyUnwrapped
        for input in chunk {
          // The writes jump around the output (the reads go in order): ask for the lines a few
          // items ahead will write, so that their misses overlap.
          let ahead = input &+ Self.writePrefetchDistance
          if ahead < chunk.upperBound {
            let position = positions[ahead]
            mb_prefetch_for_write(base + offsets[position])
            mb_prefetch_for_write(base + MapBuffer.labelOffset(ofPosition: position))
          }
          let position = positions[input]
          let start = offsets[position]
          let entry = MapBuffer.labelOffset(ofPosition: position)
          out.base.storeLittleEndian(keys[input], at: entry)
          out.base.storeLittleEndian(UInt64(start), at: entry + 8)
          let store = { (bytes: UnsafeRawBufferPointer) in
            let destination = UnsafeMutableRawBufferPointer(rebasing: out.base[start..<(start + bytes.count)])
            destination.copyMemory(from: bytes)
            if trailer > 0 {
              out.base.storeLittleEndian(CRC32C.checksum(UnsafeRawBufferPointer(destination)), at: start + bytes.count)
            }
          }
          if compression == .none {
            values.withBytes(of: input, store)
          } else {
            compressed[input].withUnsafeBytes(store)
          }
        }
      }
    } catch {
      memory.deallocate()
      throw error
    }
    return Data(
      bytesNoCopy: memory.baseAddress!, count: size,
      deallocator: .custom { pointer, _ in
        pointer.deallocate()
      })
  }
}

/// The values a writer reads, by input number: one `Data` each, or ranges of one buffer.
package protocol WriterValues: Sendable {
  /// The number of values.
  var count: Int { get }
  /// The size of value `input`.
  func byteCount(of input: Int) -> Int
  /// Calls `body` with the bytes of value `input`.
  func withBytes<Result>(of input: Int, _ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result
}

/// Values held in a collection of `Data` (a dictionary's values, an array), at given indices.
struct CollectedValues<Values: Collection<Data> & Sendable>: WriterValues where Values.Index: Sendable {
  let values: Values
  let indices: [Values.Index]

  var count: Int { indices.count }

  @inline(__always)
  func byteCount(of input: Int) -> Int { values[indices[input]].count }

  @inline(__always)
  func withBytes<Result>(of input: Int, _ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
    try values[indices[input]].withUnsafeBytes(body)
  }
}

/// Values laid out in one buffer, each at its range, checked to lie inside it.
struct ContiguousValues: WriterValues, @unchecked Sendable {
  // @unchecked: the buffer is only read, and outlives the encode that reads it.
  let buffer: UnsafeRawBufferPointer
  let ranges: [Range<Int>]

  var count: Int { ranges.count }

  @inline(__always)
  func byteCount(of input: Int) -> Int { ranges[input].count }

  @inline(__always)
  func withBytes<Result>(of input: Int, _ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
    try body(UnsafeRawBufferPointer(rebasing: buffer[ranges[input]]))
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
  ///   - items: the values to store, by key.
  ///   - compression: the codec for every item.
  ///   - compressionLevel: the codec's level; `nil` for the reference's default.
  ///   - formatVersion: ``FormatVersion/version1`` (checksums, the default) or ``FormatVersion/version0``.
  public init(
    encoding items: [UInt64: Data], compression: Compression = .none,
    compressionLevel: Int? = nil, formatVersion: FormatVersion = .default
  ) throws {
    let writer = MapBufferWriter(
      compression: compression, compressionLevel: compressionLevel, formatVersion: formatVersion)
    try self.init(writer.encode(items))
  }

  /// Serializes `items` with a format version number (0 or 1) and opens the result.
  @available(*, deprecated, message: "pass formatVersion: .version0 or .version1")
  public init(
    encoding items: [UInt64: Data], compression: Compression = .none,
    compressionLevel: Int? = nil, formatVersion: UInt8
  ) throws {
    try self.init(
      encoding: items, compression: compression, compressionLevel: compressionLevel,
      formatVersion: FormatVersion(validating: formatVersion))
  }

  /// Serializes `pairs`, given in any order, and opens the result.
  ///
  /// - Throws: ``MapBufferError/duplicateKey(_:)`` if a key appears twice.
  public init(
    encoding pairs: some Sequence<(UInt64, Data)>, compression: Compression = .none,
    compressionLevel: Int? = nil, formatVersion: FormatVersion = .default
  ) throws {
    let writer = MapBufferWriter(
      compression: compression, compressionLevel: compressionLevel, formatVersion: formatVersion)
    try self.init(writer.encode(pairs))
  }

  /// Serializes `pairs` with a format version number (0 or 1) and opens the result.
  @available(*, deprecated, message: "pass formatVersion: .version0 or .version1")
  public init(
    encoding pairs: some Sequence<(UInt64, Data)>, compression: Compression = .none,
    compressionLevel: Int? = nil, formatVersion: UInt8
  ) throws {
    try self.init(
      encoding: pairs, compression: compression, compressionLevel: compressionLevel,
      formatVersion: FormatVersion(validating: formatVersion))
  }

  /// Writes the serialized map to the file at `url` atomically.
  public func write(to url: URL) throws {
    try AtomicFile.write(to: url) { output in
      let chunk = 1 << 22
      var offset = 0
      while offset < source.count {
        let end = Swift.min(source.count, offset + chunk)
        try source.withUnsafeBytes(in: offset..<end) { try output.write($0) }
        offset = end
      }
    }
  }
}
