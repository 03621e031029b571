extension MapBufferError {
  /// The source holds fewer bytes than the fixed-size header.
  public static func truncatedHeader(byteCount: Int, required: Int) -> Self {
    Self(.truncatedHeader(byteCount: byteCount, required: required))
  }

  /// The first bytes are not the format's magic (`mapbufr` or `intm`).
  public static func invalidMagic(found: [UInt8], expected: [UInt8]) -> Self {
    Self(.invalidMagic(found: found, expected: expected))
  }

  /// The header names a format version this library does not know.
  public static func unsupportedFormatVersion(_ version: UInt8) -> Self {
    Self(.unsupportedFormatVersion(version))
  }

  /// The header's compression tag is none of `none`, `gzip`, `00br`, `zstd`, `lzma`.
  public static func unknownCompression(tag: [UInt8]) -> Self {
    Self(.unknownCompression(tag: tag))
  }

  /// An IntMap header names a value type other than 3 (u64).
  public static func unsupportedValueType(_ type: UInt8) -> Self {
    Self(.unsupportedValueType(type))
  }

  /// The header claims more keys than the source can hold an index for.
  public static func indexExceedsSource(keyCount: Int, indexEnd: Int, sourceSize: Int) -> Self {
    Self(.indexExceedsSource(keyCount: keyCount, indexEnd: indexEnd, sourceSize: sourceSize))
  }

  /// An item's offsets point outside the data region or run backwards.
  public static func itemOutOfBounds(key: UInt64, position: Int, start: UInt64, end: UInt64, sourceSize: Int) -> Self {
    Self(.itemOutOfBounds(key: key, position: position, start: start, end: end, sourceSize: sourceSize))
  }

  /// A format version 1 item is shorter than its 4-byte checksum.
  public static func missingChecksum(key: UInt64, position: Int, storedSize: Int) -> Self {
    Self(.missingChecksum(key: key, position: position, storedSize: storedSize))
  }

  /// An item's CRC-32C does not match the checksum stored after it.
  public static func checksumMismatch(key: UInt64, position: Int, stored: UInt32, computed: UInt32) -> Self {
    Self(.checksumMismatch(key: key, position: position, stored: stored, computed: computed))
  }

  /// An item's bytes are not a valid stream of the map's codec.
  public static func decompressionFailed(key: UInt64, compression: MapBuffer.Compression, reason: String) -> Self {
    Self(.decompressionFailed(key: key, compression: compression, reason: reason))
  }

  /// An item decodes to more bytes than the reader's limit allows.
  public static func decodedItemTooLarge(key: UInt64, limit: Int) -> Self {
    Self(.decodedItemTooLarge(key: key, limit: limit))
  }

  /// The first item does not start right after the index.
  public static func firstOffsetMismatch(expected: Int, found: UInt64) -> Self {
    Self(.firstOffsetMismatch(expected: expected, found: found))
  }

  /// An offset is smaller than the one before it, or lies past the end of the source.
  public static func offsetOutOfOrder(position: Int, offset: UInt64, previous: UInt64, sourceSize: Int) -> Self {
    Self(.offsetOutOfOrder(position: position, offset: offset, previous: previous, sourceSize: sourceSize))
  }

  /// The keys of the index are not strictly ascending in Eytzinger order.
  public static func keysOutOfOrder(position: Int, key: UInt64, previousKey: UInt64) -> Self {
    Self(.keysOutOfOrder(position: position, key: key, previousKey: previousKey))
  }

  /// The source's size does not match what its header implies.
  public static func sizeMismatch(expected: Int, actual: Int) -> Self {
    Self(.sizeMismatch(expected: expected, actual: actual))
  }

  /// A key appears more than once in the input.
  public static func duplicateKey(_ key: UInt64) -> Self {
    Self(.duplicateKey(key))
  }

  /// More keys than the format's 32-bit count can describe.
  public static func tooManyKeys(_ count: Int) -> Self {
    Self(.tooManyKeys(count))
  }

  /// A format version other than 0 or 1 was requested for writing.
  public static func invalidFormatVersion(_ version: UInt8) -> Self {
    Self(.invalidFormatVersion(version))
  }

  /// A compression level outside the codec's range was requested.
  public static func invalidCompressionLevel(_ level: Int, compression: MapBuffer.Compression, valid: ClosedRange<Int>)
    -> Self
  {
    Self(.invalidCompressionLevel(level, compression: compression, valid: valid))
  }

  /// The codec failed to compress a value.
  public static func compressionFailed(key: UInt64, compression: MapBuffer.Compression, reason: String) -> Self {
    Self(.compressionFailed(key: key, compression: compression, reason: reason))
  }

  /// An in-place replacement's stored size differs from the stored size of the item it replaces.
  public static func storedSizeMismatch(key: UInt64, existing: Int, replacement: Int) -> Self {
    Self(.storedSizeMismatch(key: key, existing: existing, replacement: replacement))
  }

  /// The key to replace is not in the map.
  public static func keyNotFound(_ key: UInt64) -> Self {
    Self(.keyNotFound(key))
  }

  /// A system call failed.
  public static func io(operation: String, path: String, errno: Int32) -> Self {
    Self(.io(operation: operation, path: path, errno: errno))
  }

  /// The path names a FIFO, a socket, a device or a symbolic link not to be followed, where a
  /// regular file was wanted; it was refused without blocking on it.
  public static func notRegularFile(path: String) -> Self {
    Self(.notRegularFile(path: path))
  }

  /// A positional read got fewer bytes than the source held when it was opened:
  /// the file was truncated while open.
  public static func sourceTruncated(offset: Int, expected: Int, read: Int) -> Self {
    Self(.sourceTruncated(offset: offset, expected: expected, read: read))
  }

  /// A byte range was requested outside the source.
  public static func rangeOutOfBounds(lowerBound: Int, upperBound: Int, sourceSize: Int) -> Self {
    Self(.rangeOutOfBounds(lowerBound: lowerBound, upperBound: upperBound, sourceSize: sourceSize))
  }
}
