import Foundation

extension MapBuffer {
  /// Replaces the value of `key` in a serialized map, in place.
  ///
  /// The replacement is compressed with the map's codec and, in format version 1, followed by
  /// its new checksum (version 0 gets none). Its stored size must equal the stored size of the
  /// item it replaces; nothing else in the buffer moves.
  ///
  /// - Throws: ``MapBufferError/keyNotFound(_:)``, ``MapBufferError/storedSizeMismatch(key:existing:replacement:)``,
  ///   or any error opening the map; `buffer` is unchanged on failure.
  public static func replaceValue(
    forKey key: UInt64, with value: Data, in buffer: inout Data, compressionLevel: Int? = nil
  ) throws {
    let (location, stored) = try replacement(
      forKey: key, with: value, in: MapBuffer(buffer), compressionLevel: compressionLevel)
    buffer.withUnsafeMutableBytes { bytes in
      stored.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: bytes[location.range]).copyMemory(from: $0) }
    }
  }

  /// Replaces the value of `key` in the map file at `url`, in place, with positional writes.
  ///
  /// The same rules as ``replaceValue(forKey:with:in:compressionLevel:)``. The new item is
  /// written and flushed to disk; readers that have the file mapped see the new bytes.
  public static func replaceValue(
    forKey key: UInt64, with value: Data, inFileAt url: URL, compressionLevel: Int? = nil
  ) throws {
    try InPlacePatch.apply(toFileAt: url) { source in
      let (location, stored) = try replacement(
        forKey: key, with: value, in: MapBuffer(source: source), compressionLevel: compressionLevel)
      return (location.range.lowerBound, stored)
    }
  }

  /// Where `key`'s item is, and the stored bytes that would replace it.
  private static func replacement(
    forKey key: UInt64, with value: Data, in map: MapBuffer, compressionLevel: Int?
  ) throws -> (ItemLocation, Data) {
    guard let location = try map.location(of: key) else { throw MapBufferError.keyNotFound(key) }
    let level = try map.compression.resolvedLevel(compressionLevel)
    let stored = try value.withUnsafeBytes { try map.itemCoding.storedItem(for: $0, key: key, level: level) }
    guard stored.count == location.range.count else {
      throw MapBufferError.storedSizeMismatch(key: key, existing: location.range.count, replacement: stored.count)
    }
    return (location, stored)
  }
}
