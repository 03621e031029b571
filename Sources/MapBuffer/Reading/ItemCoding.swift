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

  /// The size of the CRC-32C after each item of format version 1.
  package static let checksumByteCount = 4

  /// The number of trailer bytes after each item's payload.
  package var trailerByteCount: Int { hasChecksums ? Self.checksumByteCount : 0 }

  /// The byte range of the payload (the stored bytes without their checksum) of the item at
  /// `location`, whose key is `key`: the one computation of it.
  ///
  /// - Throws: ``MapBufferError/missingChecksum(key:position:storedSize:)`` for an item shorter than its trailer.
  @inline(__always)
  package func payloadRange(of location: ItemLocation, key: UInt64) throws -> Range<Int> {
    let count = try payloadCount(storedCount: location.range.count, key: key, position: location.position)
    return location.range.lowerBound..<(location.range.lowerBound &+ count)
  }

  /// The payload's size for a stored item of `storedCount` bytes.
  @inline(__always)
  package func payloadCount(storedCount: Int, key: UInt64, position: Int) throws -> Int {
    guard storedCount >= trailerByteCount else {
      throw MapBufferError.missingChecksum(key: key, position: position, storedSize: storedCount)
    }
    return storedCount &- trailerByteCount
  }

  /// The stored payload of an item (the compressed bytes without their checksum),
  /// its checksum verified when this coding verifies checksums.
  @inline(__always)
  package func payload(
    of stored: UnsafeRawBufferPointer, key: UInt64, position: Int, verify: Bool? = nil
  ) throws -> UnsafeRawBufferPointer {
    guard hasChecksums else { return stored }
    let count = try payloadCount(storedCount: stored.count, key: key, position: position)
    let payload = UnsafeRawBufferPointer(rebasing: stored[..<count])
    if verify ?? verifiesChecksums {
      let expected = stored.loadLittleEndianUInt32(at: count)
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
      let checksum = CRC32C.checksum(stored)
      withUnsafeBytes(of: checksum.littleEndian) { stored.append(contentsOf: $0) }
    }
    return stored
  }
}
