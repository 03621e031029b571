extension MapBufferError {
  /// The kind of a ``MapBufferError``: compare with `==`, or match in a `catch`.
  ///
  /// Not an enum, so that new codes can be added without breaking a `switch`; a `switch` over
  /// codes needs a `default`.
  ///
  /// ```swift
  /// catch let error as MapBufferError where error.code == .checksumMismatch { … }
  /// ```
  public typealias Code = MapBufferErrorCode<MapBufferError>
}

extension MapBufferErrorCode where Domain == MapBufferError {
  // MARK: Opening

  /// The source holds fewer bytes than the fixed-size header.
  public static var truncatedHeader: Self { Self("truncatedHeader") }
  /// The first bytes are not the format's magic (`mapbufr` or `intm`).
  public static var invalidMagic: Self { Self("invalidMagic") }
  /// The header names a format version this library does not know.
  public static var unsupportedFormatVersion: Self { Self("unsupportedFormatVersion") }
  /// The header's compression tag is none of `none`, `gzip`, `00br`, `zstd`, `lzma`.
  public static var unknownCompression: Self { Self("unknownCompression") }
  /// An IntMap header names a value type other than 3 (u64).
  public static var unsupportedValueType: Self { Self("unsupportedValueType") }
  /// The header claims more keys than the source can hold an index for.
  public static var indexExceedsSource: Self { Self("indexExceedsSource") }

  // MARK: Items

  /// An item's offsets point outside the data region or run backwards.
  public static var itemOutOfBounds: Self { Self("itemOutOfBounds") }
  /// A format version 1 item is shorter than its 4-byte checksum.
  public static var missingChecksum: Self { Self("missingChecksum") }
  /// An item's CRC-32C does not match the checksum stored after it.
  public static var checksumMismatch: Self { Self("checksumMismatch") }
  /// An item's bytes are not a valid stream of the map's codec.
  public static var decompressionFailed: Self { Self("decompressionFailed") }
  /// An item decodes to more bytes than the reader's limit allows.
  public static var decodedItemTooLarge: Self { Self("decodedItemTooLarge") }

  // MARK: Validation

  /// The first item does not start right after the index.
  public static var firstOffsetMismatch: Self { Self("firstOffsetMismatch") }
  /// An offset is smaller than the one before it, or lies past the end of the source.
  public static var offsetOutOfOrder: Self { Self("offsetOutOfOrder") }
  /// The keys of the index are not strictly ascending in Eytzinger order.
  public static var keysOutOfOrder: Self { Self("keysOutOfOrder") }
  /// The source's size does not match what its header implies.
  public static var sizeMismatch: Self { Self("sizeMismatch") }

  // MARK: Writing

  /// A key appears more than once in the input.
  public static var duplicateKey: Self { Self("duplicateKey") }
  /// More keys than the format's 32-bit count can describe.
  public static var tooManyKeys: Self { Self("tooManyKeys") }
  /// A format version other than 0 or 1 was requested for writing.
  public static var invalidFormatVersion: Self { Self("invalidFormatVersion") }
  /// A compression level outside the codec's range was requested.
  public static var invalidCompressionLevel: Self { Self("invalidCompressionLevel") }
  /// The codec failed to compress a value.
  public static var compressionFailed: Self { Self("compressionFailed") }
  /// An in-place replacement's stored size differs from the stored size of the item it replaces.
  public static var storedSizeMismatch: Self { Self("storedSizeMismatch") }
  /// The key to replace is not in the map.
  public static var keyNotFound: Self { Self("keyNotFound") }

  // MARK: Input and output

  /// A system call failed.
  public static var io: Self { Self("io") }
  /// The path names something other than a regular file, refused without blocking on it.
  public static var notRegularFile: Self { Self("notRegularFile") }
  /// A positional read got fewer bytes than the source held when it was opened.
  public static var sourceTruncated: Self { Self("sourceTruncated") }
  /// A byte range was requested outside the source.
  public static var rangeOutOfBounds: Self { Self("rangeOutOfBounds") }
}
