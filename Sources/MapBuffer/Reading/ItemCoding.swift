import Foundation

/// How a stored item becomes a value: checksum trailer, verification, codec and size limit.
///
/// Kept apart from any byte source so that every reader, local or remote, decodes alike.
package struct ItemCoding: Sendable {
  package var compression: MapBuffer.Compression
  package var hasChecksums: Bool
  package var verifiesChecksums: Bool
  package var maximumDecodedItemSize: Int

  package init(
    compression: MapBuffer.Compression, hasChecksums: Bool,
    verifiesChecksums: Bool, maximumDecodedItemSize: Int
  ) {
    self.compression = compression
    self.hasChecksums = hasChecksums
    self.verifiesChecksums = verifiesChecksums
    self.maximumDecodedItemSize = maximumDecodedItemSize
  }

  /// The number of trailer bytes after each item's payload.
  package var trailerByteCount: Int { hasChecksums ? 4 : 0 }

  /// The stored payload of an item (the compressed bytes without their checksum),
  /// its checksum verified when this coding verifies checksums.
  @inline(__always)
  package func payload(
    of stored: UnsafeRawBufferPointer, key: UInt64, position: Int, verify: Bool? = nil
  ) throws -> UnsafeRawBufferPointer {
    guard hasChecksums else { return stored }
    guard stored.count >= 4 else {
      throw MapBufferError.missingChecksum(key: key, position: position, storedSize: stored.count)
    }
    let payload = UnsafeRawBufferPointer(rebasing: stored[..<(stored.count - 4)])
    if verify ?? verifiesChecksums {
      let expected = stored.loadLittleEndianUInt32(at: stored.count - 4)
      let computed = CRC32C.checksum(payload)
      guard computed == expected else {
        throw MapBufferError.checksumMismatch(key: key, position: position, stored: expected, computed: computed)
      }
    }
    return payload
  }

  /// Decompresses a payload (for codec `none`, copies it).
  package func decode(payload: UnsafeRawBufferPointer, key: UInt64) throws -> Data {
    guard compression != .none else { return Data(payload) }
    return try compression.decompress(payload, limit: maximumDecodedItemSize, key: key)
  }

  /// The value of a stored item: verified, then decoded.
  package func value(of stored: UnsafeRawBufferPointer, key: UInt64, position: Int) throws -> Data {
    try decode(payload: payload(of: stored, key: key, position: position), key: key)
  }

  /// Calls `body` with the value of a stored item: in place for codec `none`, else decoded first.
  package func withValue<Result>(
    of stored: UnsafeRawBufferPointer, key: UInt64, position: Int,
    _ body: (UnsafeRawBufferPointer) throws -> Result
  ) throws -> Result {
    let payload = try payload(of: stored, key: key, position: position)
    if compression == .none { return try body(payload) }
    return try decode(payload: payload, key: key).withUnsafeBytes(body)
  }

  /// The stored item for `value`: compressed, then followed by its checksum in format version 1.
  package func storedItem(for value: UnsafeRawBufferPointer, key: UInt64, level: Int) throws -> Data {
    var stored: Data
    if compression == .none {
      stored = Data(value)
    } else {
      stored = try compression.compress(value, level: level, key: key)
    }
    if hasChecksums {
      let checksum = CRC32C.checksum(of: stored)
      withUnsafeBytes(of: checksum.littleEndian) { stored.append(contentsOf: $0) }
    }
    return stored
  }
}
