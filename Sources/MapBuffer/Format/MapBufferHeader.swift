/// The 16-byte header of a MapBuffer: magic, format version, codec tag and key count.
///
/// ```
/// 0..6 "mapbufr" | 7 version (u8) | 8..11 codec tag | 12..15 key count (u32 LE)
/// ```
package struct MapBufferHeader: Sendable, Equatable {
  /// The header's size in bytes.
  package static let byteCount = 16
  /// The bytes every MapBuffer starts with.
  package static let magic: [UInt8] = Array("mapbufr".utf8)
  /// The size of one index entry: a label and an offset, both u64.
  package static let indexEntryByteCount = 16

  /// Version 0 (no checksums) or 1 (each item ends with its CRC-32C).
  package var formatVersion: MapBuffer.FormatVersion
  /// The codec of every item.
  package var compression: MapBuffer.Compression
  /// The number of keys.
  package var keyCount: Int

  package init(formatVersion: MapBuffer.FormatVersion, compression: MapBuffer.Compression, keyCount: Int) {
    self.formatVersion = formatVersion
    self.compression = compression
    self.keyCount = keyCount
  }

  /// Parses and checks the header at the start of `bytes`: magic, version and codec tag.
  package init(parsing bytes: UnsafeRawBufferPointer) throws {
    guard bytes.count >= Self.byteCount else {
      throw MapBufferError.truncatedHeader(byteCount: bytes.count, required: Self.byteCount)
    }
    guard bytes.prefix(7).elementsEqual(Self.magic) else {
      throw MapBufferError.invalidMagic(found: Array(bytes.prefix(7)), expected: Self.magic)
    }
    guard let version = MapBuffer.FormatVersion(rawValue: bytes[7]) else {
      throw MapBufferError.unsupportedFormatVersion(bytes[7])
    }
    let tag = bytes[8..<12]
    guard let compression = MapBuffer.Compression(tag: tag) else {
      throw MapBufferError.unknownCompression(tag: Array(tag))
    }
    self.init(
      formatVersion: version, compression: compression,
      keyCount: Int(bytes.loadLittleEndianUInt32(at: 12)))
  }

  /// Whether each item ends with a 4-byte CRC-32C.
  package var hasChecksums: Bool { formatVersion.hasChecksums }

  /// The byte range of the index.
  package var indexRange: Range<Int> {
    Self.byteCount..<dataStart
  }

  /// Where the first item starts: right after the index.
  package var dataStart: Int { Self.byteCount + Self.indexEntryByteCount * keyCount }

  /// Throws unless a source of `sourceSize` bytes holds the whole index.
  package func checkIndexFits(sourceSize: Int) throws {
    guard dataStart <= sourceSize else {
      throw MapBufferError.indexExceedsSource(keyCount: keyCount, indexEnd: dataStart, sourceSize: sourceSize)
    }
  }

  /// The 16 header bytes.
  package var bytes: [UInt8] {
    var out = Self.magic
    out.append(formatVersion.rawValue)
    out += compression.tag
    withUnsafeBytes(of: UInt32(keyCount).littleEndian) { out += $0 }
    return out
  }
}

/// The 10-byte header of an IntMap: magic, format version, value type and key count.
///
/// ```
/// 0..3 "intm" | 4 version (u8, 0) | 5 value type (u8, 3 = u64) | 6..9 key count (u32 LE)
/// ```
package struct IntMapHeader: Sendable, Equatable {
  /// The header's size in bytes.
  package static let byteCount = 10
  /// The bytes every IntMap starts with.
  package static let magic: [UInt8] = Array("intm".utf8)
  /// The only defined format version.
  package static let formatVersion: UInt8 = 0
  /// The only defined value type: u64.
  package static let valueTypeUInt64: UInt8 = 3
  /// The size of one entry: a key and a value, both u64.
  package static let entryByteCount = 16

  /// The number of keys.
  package var keyCount: Int

  package init(keyCount: Int) { self.keyCount = keyCount }

  /// Parses and checks the header at the start of `bytes`.
  package init(parsing bytes: UnsafeRawBufferPointer) throws {
    guard bytes.count >= Self.byteCount else {
      throw MapBufferError.truncatedHeader(byteCount: bytes.count, required: Self.byteCount)
    }
    guard bytes.prefix(4).elementsEqual(Self.magic) else {
      throw MapBufferError.invalidMagic(found: Array(bytes.prefix(4)), expected: Self.magic)
    }
    guard bytes[4] == Self.formatVersion else { throw MapBufferError.unsupportedFormatVersion(bytes[4]) }
    guard bytes[5] == Self.valueTypeUInt64 else { throw MapBufferError.unsupportedValueType(bytes[5]) }
    self.init(keyCount: Int(bytes.loadLittleEndianUInt32(at: 6)))
  }

  /// The byte offset of the value of the entry at `position`; its key is the 8 bytes before.
  package static func valueOffset(ofPosition position: Int) -> Int {
    byteCount + entryByteCount * position + 8
  }

  /// The byte range of the entries.
  package var entriesRange: Range<Int> { Self.byteCount..<(Self.byteCount + Self.entryByteCount * keyCount) }

  /// Throws unless a source of `sourceSize` bytes holds every entry.
  package func checkEntriesFit(sourceSize: Int) throws {
    guard entriesRange.upperBound <= sourceSize else {
      throw MapBufferError.indexExceedsSource(
        keyCount: keyCount, indexEnd: entriesRange.upperBound, sourceSize: sourceSize)
    }
  }

  /// The 10 header bytes.
  package var bytes: [UInt8] {
    var out = Self.magic
    out += [Self.formatVersion, Self.valueTypeUInt64]
    withUnsafeBytes(of: UInt32(keyCount).littleEndian) { out += $0 }
    return out
  }
}
