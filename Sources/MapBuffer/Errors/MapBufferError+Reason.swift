import Foundation

extension MapBufferError {
  /// What went wrong and where: one case per ``Code``, with its context. Not public, so that
  /// cases can be added without breaking users' code.
  package enum Reason: Sendable, Equatable, CustomStringConvertible {
    // MARK: Opening

    /// The source holds fewer bytes than the fixed-size header.
    case truncatedHeader(byteCount: Int, required: Int)
    /// The first bytes are not the format's magic (`mapbufr` or `intm`).
    case invalidMagic(found: [UInt8], expected: [UInt8])
    /// The header names a format version this library does not know.
    case unsupportedFormatVersion(UInt8)
    /// The header's compression tag is none of `none`, `gzip`, `00br`, `zstd`, `lzma`.
    case unknownCompression(tag: [UInt8])
    /// An IntMap header names a value type other than 3 (u64).
    case unsupportedValueType(UInt8)
    /// The header claims more keys than the source can hold an index for.
    case indexExceedsSource(keyCount: Int, indexEnd: Int, sourceSize: Int)

    // MARK: Items

    /// An item's offsets point outside the data region or run backwards.
    case itemOutOfBounds(key: UInt64, position: Int, start: UInt64, end: UInt64, sourceSize: Int)
    /// A format version 1 item is shorter than its 4-byte checksum.
    case missingChecksum(key: UInt64, position: Int, storedSize: Int)
    /// An item's CRC-32C does not match the checksum stored after it.
    case checksumMismatch(key: UInt64, position: Int, stored: UInt32, computed: UInt32)
    /// An item's bytes are not a valid stream of the map's codec.
    case decompressionFailed(key: UInt64, compression: MapBuffer.Compression, reason: String)
    /// An item decodes to more bytes than the reader's limit allows.
    case decodedItemTooLarge(key: UInt64, limit: Int)

    // MARK: Validation

    /// The first item does not start right after the index.
    case firstOffsetMismatch(expected: Int, found: UInt64)
    /// An offset is smaller than the one before it, or lies past the end of the source.
    case offsetOutOfOrder(position: Int, offset: UInt64, previous: UInt64, sourceSize: Int)
    /// The keys of the index are not strictly ascending in Eytzinger order.
    case keysOutOfOrder(position: Int, key: UInt64, previousKey: UInt64)
    /// The source's size does not match what its header implies.
    case sizeMismatch(expected: Int, actual: Int)

    // MARK: Writing

    /// A key appears more than once in the input.
    case duplicateKey(UInt64)
    /// More keys than the format's 32-bit count can describe.
    case tooManyKeys(Int)
    /// A format version other than 0 or 1 was requested for writing.
    case invalidFormatVersion(UInt8)
    /// A compression level outside the codec's range was requested.
    case invalidCompressionLevel(Int, compression: MapBuffer.Compression, valid: ClosedRange<Int>)
    /// The codec failed to compress a value.
    case compressionFailed(key: UInt64, compression: MapBuffer.Compression, reason: String)
    /// An in-place replacement's stored size differs from the stored size of the item it replaces.
    case storedSizeMismatch(key: UInt64, existing: Int, replacement: Int)
    /// The key to replace is not in the map.
    case keyNotFound(UInt64)

    // MARK: Input and output

    /// A system call failed.
    case io(operation: String, path: String, errno: Int32)
    /// The path names a FIFO, a socket, a device or a symbolic link not to be followed, where a
    /// regular file was wanted; it was refused without blocking on it.
    case notRegularFile(path: String)
    /// A positional read got fewer bytes than the source held when it was opened:
    /// the file was truncated while open.
    case sourceTruncated(offset: Int, expected: Int, read: Int)
    /// A byte range was requested outside the source.
    case rangeOutOfBounds(lowerBound: Int, upperBound: Int, sourceSize: Int)

    /// The code of this reason.
    package var code: Code {
      switch self {
      case .truncatedHeader: .truncatedHeader
      case .invalidMagic: .invalidMagic
      case .unsupportedFormatVersion: .unsupportedFormatVersion
      case .unknownCompression: .unknownCompression
      case .unsupportedValueType: .unsupportedValueType
      case .indexExceedsSource: .indexExceedsSource
      case .itemOutOfBounds: .itemOutOfBounds
      case .missingChecksum: .missingChecksum
      case .checksumMismatch: .checksumMismatch
      case .decompressionFailed: .decompressionFailed
      case .decodedItemTooLarge: .decodedItemTooLarge
      case .firstOffsetMismatch: .firstOffsetMismatch
      case .offsetOutOfOrder: .offsetOutOfOrder
      case .keysOutOfOrder: .keysOutOfOrder
      case .sizeMismatch: .sizeMismatch
      case .duplicateKey: .duplicateKey
      case .tooManyKeys: .tooManyKeys
      case .invalidFormatVersion: .invalidFormatVersion
      case .invalidCompressionLevel: .invalidCompressionLevel
      case .compressionFailed: .compressionFailed
      case .storedSizeMismatch: .storedSizeMismatch
      case .keyNotFound: .keyNotFound
      case .io: .io
      case .notRegularFile: .notRegularFile
      case .sourceTruncated: .sourceTruncated
      case .rangeOutOfBounds: .rangeOutOfBounds
      }
    }

    /// The key the reason names, if any.
    package var key: UInt64? {
      switch self {
      case let .itemOutOfBounds(key, _, _, _, _), let .missingChecksum(key, _, _),
        let .checksumMismatch(key, _, _, _), let .decompressionFailed(key, _, _),
        let .decodedItemTooLarge(key, _), let .keysOutOfOrder(_, key, _), let .duplicateKey(key),
        let .compressionFailed(key, _, _), let .storedSizeMismatch(key, _, _), let .keyNotFound(key):
        key
      default: nil
      }
    }

    /// The index position the reason names, if any.
    package var position: Int? {
      switch self {
      case let .itemOutOfBounds(_, position, _, _, _), let .missingChecksum(_, position, _),
        let .checksumMismatch(_, position, _, _), let .offsetOutOfOrder(position, _, _, _),
        let .keysOutOfOrder(position, _, _):
        position
      default: nil
      }
    }

    /// The path of a failed system call.
    package var path: String? {
      switch self {
      case let .io(_, path, _), let .notRegularFile(path): path
      default: nil
      }
    }

    /// The `errno` of a failed system call.
    package var posixErrorCode: Int32? {
      if case let .io(_, _, code) = self { code } else { nil }
    }

    /// The bytes found where others were expected.
    package var foundBytes: [UInt8]? {
      switch self {
      case let .invalidMagic(found, _): found
      case let .unknownCompression(tag): tag
      default: nil
      }
    }

    /// A one-line explanation naming the problem and where it is.
    package var description: String {
      switch self {
      case let .truncatedHeader(byteCount, required):
        return "truncated header: the source holds \(byteCount) bytes, a header needs \(required)"
      case let .invalidMagic(found, expected):
        return "not a \(String(decoding: expected, as: UTF8.self)) file: magic bytes are \(Self.hex(found))"
      case let .unsupportedFormatVersion(version):
        return "unsupported format version \(version)"
      case let .unknownCompression(tag):
        return "unknown compression tag \(Self.hex(tag))"
      case let .unsupportedValueType(type):
        return "unsupported IntMap value type \(type) (only 3, u64, is defined)"
      case let .indexExceedsSource(keyCount, indexEnd, sourceSize):
        return
          "the header claims \(keyCount) keys, whose index ends at byte \(indexEnd), past the end of the \(sourceSize)-byte source"
      case let .itemOutOfBounds(key, position, start, end, sourceSize):
        return
          "item of key \(key) (index position \(position)) spans bytes \(start)..<\(end), outside the data region of the \(sourceSize)-byte source"
      case let .missingChecksum(key, position, storedSize):
        return
          "item of key \(key) (index position \(position)) holds \(storedSize) bytes, too few for its 4-byte checksum"
      case let .checksumMismatch(key, position, stored, computed):
        return
          "checksum mismatch for key \(key) (index position \(position)): stored \(Self.hex32(stored)), computed \(Self.hex32(computed))"
      case let .decompressionFailed(key, compression, reason):
        return "cannot decompress the \(compression) item of key \(key): \(reason)"
      case let .decodedItemTooLarge(key, limit):
        return "item of key \(key) decodes to more than the limit of \(limit) bytes"
      case let .firstOffsetMismatch(expected, found):
        return "the first item starts at byte \(found), not right after the index at byte \(expected)"
      case let .offsetOutOfOrder(position, offset, previous, sourceSize):
        return
          "offset \(offset) at index position \(position) is before the previous offset \(previous) or past the end of the \(sourceSize)-byte source"
      case let .keysOutOfOrder(position, key, previousKey):
        return
          "key \(key) at index position \(position) is not greater than the key before it in sorted order (\(previousKey)): the index is not in Eytzinger order"
      case let .sizeMismatch(expected, actual):
        return "the source holds \(actual) bytes where its header implies \(expected)"
      case let .duplicateKey(key):
        return "key \(key) appears more than once"
      case let .tooManyKeys(count):
        return "\(count) keys are more than the format's limit of \(UInt32.max)"
      case let .invalidFormatVersion(version):
        return "format version \(version) cannot be written (0 or 1)"
      case let .invalidCompressionLevel(level, compression, valid):
        return "compression level \(level) is outside \(compression)'s range \(valid.lowerBound)...\(valid.upperBound)"
      case let .compressionFailed(key, compression, reason):
        return "cannot compress the value of key \(key) with \(compression): \(reason)"
      case let .storedSizeMismatch(key, existing, replacement):
        return
          "cannot replace the item of key \(key) in place: it stores \(existing) bytes, the replacement \(replacement)"
      case let .keyNotFound(key):
        return "key \(key) is not in the map"
      case let .io(operation, path, errno):
        return "\(operation) \(path): \(String(cString: strerror(errno)))"
      case let .notRegularFile(path):
        return "\(path) is not a regular file"
      case let .sourceTruncated(offset, expected, read):
        return "the source was truncated while open: reading \(expected) bytes at offset \(offset) returned \(read)"
      case let .rangeOutOfBounds(lowerBound, upperBound, sourceSize):
        return "byte range \(lowerBound)..<\(upperBound) is outside the \(sourceSize)-byte source"
      }
    }

    private static func hex(_ bytes: [UInt8]) -> String {
      bytes.map { String(format: "%02x", $0) }.joined(separator: " ")
    }

    private static func hex32(_ value: UInt32) -> String {
      String(format: "0x%08x", value)
    }
  }
}
