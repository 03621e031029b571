import Foundation

/// A JSON encoder and decoder shared by every item of a map.
///
/// Foundation's coders are safe to use from several threads once configured; they are
/// configured when the codec is made and never changed after.
struct JSONCoders: @unchecked Sendable {
  // @unchecked: the coders are configured before this value exists and only read afterwards.
  let encoder: JSONEncoder
  let decoder: JSONDecoder

  func decode<Value: Decodable>(_ type: Value.Type, from bytes: Data) throws -> Value {
    try decoder.decode(type, from: bytes)
  }

  func encode<Value: Encodable>(_ value: Value) throws -> Data {
    try encoder.encode(value)
  }
}

/// A property-list encoder and decoder shared by every item of a map.
struct PropertyListCoders: @unchecked Sendable {
  // @unchecked: as for JSONCoders.
  let encoder: PropertyListEncoder
  let decoder: PropertyListDecoder

  func decode<Value: Decodable>(_ type: Value.Type, from bytes: Data) throws -> Value {
    try decoder.decode(type, from: bytes)
  }

  func encode<Value: Encodable>(_ value: Value) throws -> Data {
    try encoder.encode(value)
  }
}

extension PropertyListEncoder {
  /// A new encoder set to the binary property-list format: `PropertyListEncoder.binary()`.
  /// It replaces the deprecated `BinaryPropertyList.encoder()`.
  public static func binary() -> PropertyListEncoder {
    let encoder = PropertyListEncoder()
    encoder.outputFormat = .binary
    return encoder
  }
}

/// Property-list coders that write the binary format.
@available(*, deprecated, message: "use PropertyListEncoder.binary()")
public enum BinaryPropertyList {
  /// A new encoder set to the binary property-list format.
  public static func encoder() -> PropertyListEncoder { .binary() }
}
