import Foundation

/// A value that a map stores as bytes: made from an item's bytes, turned into an item's bytes.
///
/// The Swift form of the Python reference's `frombytesfn` and `tobytesfn` hooks. `Data`,
/// `[UInt8]` and `String` (UTF-8) conform; any `Codable` type can opt in with one line through
/// ``JSONMapBufferValue`` or ``PropertyListMapBufferValue``.
///
/// ```swift
/// struct Label: MapBufferValue {
///   var id: UInt32
///   init(mapBufferBytes bytes: Data) throws {
///     guard bytes.count == 4 else { throw LabelError.wrongSize }
///     id = bytes.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) }
///   }
///   func mapBufferBytes() throws -> Data { withUnsafeBytes(of: id.littleEndian) { Data($0) } }
/// }
/// ```
///
/// ## Borrowed bytes
///
/// A typed lookup in an uncompressed map in memory (bytes or a mapped file) hands the item's own
/// bytes to ``init(mapBufferBytes:)-(UnsafeRawBufferPointer)``, without copying them into a
/// `Data` first. Its default makes a `Data` and calls ``init(mapBufferBytes:)-(Data)``, so a
/// simple conformer writes only the `Data` form; a type that parses bytes (as `String` and
/// `Skeleton` do) implements the buffer form too and saves a copy per lookup.
public protocol MapBufferValue: SendableMetatype {
  /// Makes a value from the decoded bytes of an item.
  init(mapBufferBytes bytes: Data) throws

  /// Makes a value from the decoded bytes of an item, borrowed: `bytes` is valid only during
  /// the call, and may be the map's own memory.
  ///
  /// Defaults to copying the bytes into a `Data` for ``init(mapBufferBytes:)-(Data)``.
  init(mapBufferBytes bytes: UnsafeRawBufferPointer) throws

  /// The bytes to store for this value (before compression).
  func mapBufferBytes() throws -> Data
}

extension MapBufferValue {
  /// Copies the bytes into a `Data` and makes the value from it.
  public init(mapBufferBytes bytes: UnsafeRawBufferPointer) throws {
    try self.init(mapBufferBytes: Data(bytes))
  }
}

extension Data: MapBufferValue {
  /// The bytes themselves.
  public init(mapBufferBytes bytes: Data) { self = bytes }

  /// The bytes themselves.
  public func mapBufferBytes() -> Data { self }
}

extension Array: MapBufferValue where Element == UInt8 {
  /// The bytes, as an array.
  public init(mapBufferBytes bytes: Data) { self = [UInt8](bytes) }

  /// The borrowed bytes, copied once into an array.
  public init(mapBufferBytes bytes: UnsafeRawBufferPointer) { self = [UInt8](bytes) }

  /// The bytes of the array.
  public func mapBufferBytes() -> Data { Data(self) }
}

extension String: MapBufferValue {
  /// Decodes UTF-8 strictly: invalid UTF-8 throws ``MapBufferValueError/invalidUTF8(byteCount:)``
  /// instead of turning into replacement characters.
  public init(mapBufferBytes bytes: Data) throws {
    self = try bytes.withUnsafeBytes { try String(mapBufferBytes: $0) }
  }

  /// Decodes UTF-8 strictly from borrowed bytes, copying them once, into the string.
  public init(mapBufferBytes bytes: UnsafeRawBufferPointer) throws {
    // Decoding repairs invalid UTF-8 (each bad sequence becomes U+FFFD), so the string holds
    // exactly the item's bytes only when they were valid: one specialized pass and a compare,
    // where `String(validating:as:)` runs generic code.
    let string = String(decoding: bytes, as: UTF8.self)
    let same =
      string.utf8.count == bytes.count
      && (string.utf8.withContiguousStorageIfAvailable { $0.elementsEqual(bytes) } ?? string.utf8.elementsEqual(bytes))
    guard same else { throw MapBufferValueError.invalidUTF8(byteCount: bytes.count) }
    self = string
  }

  /// The string's UTF-8 bytes.
  public func mapBufferBytes() -> Data { Data(utf8) }
}
