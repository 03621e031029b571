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
public protocol MapBufferValue: SendableMetatype {
  /// Makes a value from the decoded bytes of an item.
  init(mapBufferBytes bytes: Data) throws

  /// The bytes to store for this value (before compression).
  func mapBufferBytes() throws -> Data
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

  /// The bytes of the array.
  public func mapBufferBytes() -> Data { Data(self) }
}

extension String: MapBufferValue {
  /// Decodes UTF-8 strictly: invalid UTF-8 throws ``MapBufferValueError/invalidUTF8(byteCount:)``
  /// instead of turning into replacement characters.
  public init(mapBufferBytes bytes: Data) throws {
    guard let string = String(validating: bytes, as: UTF8.self) else {
      throw MapBufferValueError.invalidUTF8(byteCount: bytes.count)
    }
    self = string
  }

  /// The string's UTF-8 bytes.
  public func mapBufferBytes() -> Data { Data(utf8) }
}
