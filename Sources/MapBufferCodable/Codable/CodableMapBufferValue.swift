import Foundation

/// A `Codable` type stored as JSON: conform with one line and the type is a ``MapBufferValue``.
///
/// ```swift
/// struct Synapse: JSONMapBufferValue {
///   var pre: UInt64
///   var post: UInt64
/// }
/// let map = try TypedMapBuffer<Synapse>(data)
/// ```
///
/// Override ``mapBufferJSONEncoder`` and ``mapBufferJSONDecoder`` to configure date, key or
/// output strategies; return the same stored coder each time so it is built once, not per item.
public protocol JSONMapBufferValue: MapBufferValue, Codable {
  /// The encoder for every value of the type. Defaults to a shared plain `JSONEncoder`.
  static var mapBufferJSONEncoder: JSONEncoder { get }
  /// The decoder for every value of the type. Defaults to a shared plain `JSONDecoder`.
  static var mapBufferJSONDecoder: JSONDecoder { get }
}

extension JSONMapBufferValue {
  /// A shared plain `JSONEncoder`.
  public static var mapBufferJSONEncoder: JSONEncoder { SharedCoders.json.encoder }
  /// A shared plain `JSONDecoder`.
  public static var mapBufferJSONDecoder: JSONDecoder { SharedCoders.json.decoder }

  /// Decodes the value from JSON.
  public init(mapBufferBytes bytes: Data) throws {
    self = try Self.mapBufferJSONDecoder.decode(Self.self, from: bytes)
  }

  /// Encodes the value as JSON.
  public func mapBufferBytes() throws -> Data {
    try Self.mapBufferJSONEncoder.encode(self)
  }
}

/// A `Codable` type stored as a property list (binary by default): conform with one line.
///
/// Override ``mapBufferPropertyListEncoder`` and ``mapBufferPropertyListDecoder`` to configure
/// the format; return the same stored coder each time.
public protocol PropertyListMapBufferValue: MapBufferValue, Codable {
  /// The encoder for every value of the type. Defaults to a shared binary encoder.
  static var mapBufferPropertyListEncoder: PropertyListEncoder { get }
  /// The decoder for every value of the type. Defaults to a shared decoder.
  static var mapBufferPropertyListDecoder: PropertyListDecoder { get }
}

extension PropertyListMapBufferValue {
  /// A shared binary `PropertyListEncoder`.
  public static var mapBufferPropertyListEncoder: PropertyListEncoder { SharedCoders.propertyList.encoder }
  /// A shared `PropertyListDecoder`.
  public static var mapBufferPropertyListDecoder: PropertyListDecoder { SharedCoders.propertyList.decoder }

  /// Decodes the value from a property list.
  public init(mapBufferBytes bytes: Data) throws {
    self = try Self.mapBufferPropertyListDecoder.decode(Self.self, from: bytes)
  }

  /// Encodes the value as a property list.
  public func mapBufferBytes() throws -> Data {
    try Self.mapBufferPropertyListEncoder.encode(self)
  }
}

/// The default coders, built once.
enum SharedCoders {
  static let json = JSONCoders(encoder: JSONEncoder(), decoder: JSONDecoder())
  static let propertyList = PropertyListCoders(encoder: .binary(), decoder: PropertyListDecoder())
}

/// A wrapper that stores any `Codable` value as JSON, for types you cannot conform.
///
/// ```swift
/// let map = try TypedMapBuffer<JSONValue<[String: Int]>>(data)
/// let counts = try map[7]?.value
/// ```
public struct JSONValue<Wrapped: Codable>: JSONMapBufferValue {
  /// The wrapped value.
  public var value: Wrapped
  /// Wraps `value`.
  public init(_ value: Wrapped) { self.value = value }
  /// Decodes the wrapped value.
  public init(from decoder: any Decoder) throws { value = try Wrapped(from: decoder) }
  /// Encodes the wrapped value alone, without a wrapper object.
  public func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}

/// A wrapper that stores any `Codable` value as a binary property list, for types you cannot conform.
public struct PropertyListValue<Wrapped: Codable>: PropertyListMapBufferValue {
  /// The wrapped value.
  public var value: Wrapped
  /// Wraps `value`.
  public init(_ value: Wrapped) { self.value = value }
  /// Decodes the wrapped value.
  public init(from decoder: any Decoder) throws { value = try Wrapped(from: decoder) }
  /// Encodes the wrapped value alone, without a wrapper object.
  public func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}

extension JSONValue: Equatable where Wrapped: Equatable {}
extension JSONValue: Sendable where Wrapped: Sendable {}
extension PropertyListValue: Equatable where Wrapped: Equatable {}
extension PropertyListValue: Sendable where Wrapped: Sendable {}
