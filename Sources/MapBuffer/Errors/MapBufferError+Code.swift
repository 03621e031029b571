extension MapBufferError {
  /// The kind of a ``MapBufferError``: compare with `==`, or match in a `catch`.
  ///
  /// Not an enum, so that new codes can be added without breaking a `switch`; a `switch` over
  /// codes needs a `default`.
  ///
  /// ```swift
  /// catch let error as MapBufferError where error.code == .checksumMismatch { … }
  /// ```
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    /// The code's name, as it is spelled in Swift (`checksumMismatch`).
    public let name: String

    private init(_ name: String) { self.name = name }

    /// The code's name.
    public var description: String { name }

    // MARK: Opening

    /// The source holds fewer bytes than the fixed-size header.
    public static let truncatedHeader = Code("truncatedHeader")
    /// The first bytes are not the format's magic (`mapbufr` or `intm`).
    public static let invalidMagic = Code("invalidMagic")
    /// The header names a format version this library does not know.
    public static let unsupportedFormatVersion = Code("unsupportedFormatVersion")
    /// The header's compression tag is none of `none`, `gzip`, `00br`, `zstd`, `lzma`.
    public static let unknownCompression = Code("unknownCompression")
    /// An IntMap header names a value type other than 3 (u64).
    public static let unsupportedValueType = Code("unsupportedValueType")
    /// The header claims more keys than the source can hold an index for.
    public static let indexExceedsSource = Code("indexExceedsSource")

    // MARK: Items

    /// An item's offsets point outside the data region or run backwards.
    public static let itemOutOfBounds = Code("itemOutOfBounds")
    /// A format version 1 item is shorter than its 4-byte checksum.
    public static let missingChecksum = Code("missingChecksum")
    /// An item's CRC-32C does not match the checksum stored after it.
    public static let checksumMismatch = Code("checksumMismatch")
    /// An item's bytes are not a valid stream of the map's codec.
    public static let decompressionFailed = Code("decompressionFailed")
    /// An item decodes to more bytes than the reader's limit allows.
    public static let decodedItemTooLarge = Code("decodedItemTooLarge")

    // MARK: Validation

    /// The first item does not start right after the index.
    public static let firstOffsetMismatch = Code("firstOffsetMismatch")
    /// An offset is smaller than the one before it, or lies past the end of the source.
    public static let offsetOutOfOrder = Code("offsetOutOfOrder")
    /// The keys of the index are not strictly ascending in Eytzinger order.
    public static let keysOutOfOrder = Code("keysOutOfOrder")
    /// The source's size does not match what its header implies.
    public static let sizeMismatch = Code("sizeMismatch")

    // MARK: Writing

    /// A key appears more than once in the input.
    public static let duplicateKey = Code("duplicateKey")
    /// More keys than the format's 32-bit count can describe.
    public static let tooManyKeys = Code("tooManyKeys")
    /// A format version other than 0 or 1 was requested for writing.
    public static let invalidFormatVersion = Code("invalidFormatVersion")
    /// A compression level outside the codec's range was requested.
    public static let invalidCompressionLevel = Code("invalidCompressionLevel")
    /// The codec failed to compress a value.
    public static let compressionFailed = Code("compressionFailed")
    /// An in-place replacement's stored size differs from the stored size of the item it replaces.
    public static let storedSizeMismatch = Code("storedSizeMismatch")
    /// The key to replace is not in the map.
    public static let keyNotFound = Code("keyNotFound")

    // MARK: Input and output

    /// A system call failed.
    public static let io = Code("io")
    /// The path names something other than a regular file, refused without blocking on it.
    public static let notRegularFile = Code("notRegularFile")
    /// A positional read got fewer bytes than the source held when it was opened.
    public static let sourceTruncated = Code("sourceTruncated")
    /// A byte range was requested outside the source.
    public static let rangeOutOfBounds = Code("rangeOutOfBounds")
  }
}

extension MapBufferError.Code {
  /// Whether `error` is a ``MapBufferError`` with this code: `catch MapBufferError.Code.keyNotFound`.
  public static func ~= (code: Self, error: any Error) -> Bool {
    (error as? MapBufferError)?.code == code
  }
}
