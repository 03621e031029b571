import Foundation

/// The two conversions between a value and an item's bytes, carried as closures.
///
/// A codec types a map without a conformance: the same file can be read as different types,
/// and one type can be stored in several ways.
///
/// ```swift
/// let upper = MapBufferValueCodec<String>(
///   decode: { String(decoding: $0, as: UTF8.self).uppercased() },
///   encode: { Data($0.utf8) })
/// let map = try TypedMapBuffer(data, codec: upper)
/// ```
public struct MapBufferValueCodec<Value>: Sendable {
  /// Makes a value from an item's decoded bytes.
  public var decode: @Sendable (Data) throws -> Value
  /// Turns a value into the bytes to store.
  public var encode: @Sendable (Value) throws -> Data
  /// Makes a value from an item's bytes borrowed for the call, when the codec can: used instead
  /// of ``decode`` for uncompressed maps in memory, where the bytes are the map's own.
  public var decodeBorrowed: (@Sendable (UnsafeRawBufferPointer) throws -> Value)?

  /// A codec with the given conversions; `decodeBorrowed`, if given, must make the same value
  /// as `decode` from the same bytes.
  public init(
    decode: @escaping @Sendable (Data) throws -> Value, encode: @escaping @Sendable (Value) throws -> Data,
    decodeBorrowed: (@Sendable (UnsafeRawBufferPointer) throws -> Value)? = nil
  ) {
    self.decode = decode
    self.encode = encode
    self.decodeBorrowed = decodeBorrowed
  }
}

extension MapBufferValueCodec where Value: MapBufferValue {
  /// The conversions of the value's ``MapBufferValue`` conformance.
  public static var conformance: Self {
    Self(
      decode: { try Value(mapBufferBytes: $0) }, encode: { try $0.mapBufferBytes() },
      decodeBorrowed: { try Value(mapBufferBytes: $0) })
  }
}

extension MapBufferValueCodec where Value == String {
  /// Strict UTF-8, as `String`'s conformance.
  public static var utf8: Self { .conformance }
}

extension MapBufferValueCodec where Value: Codable & SendableMetatype {
  /// JSON through `encoder` and `decoder`, which are configured once and reused for every item.
  public static func json(encoder: JSONEncoder = JSONEncoder(), decoder: JSONDecoder = JSONDecoder()) -> Self {
    let coders = JSONCoders(encoder: encoder, decoder: decoder)
    return Self(decode: { try coders.decode(Value.self, from: $0) }, encode: { try coders.encode($0) })
  }

  /// Property lists (binary by default) through `encoder` and `decoder`, configured once and reused.
  public static func propertyList(
    encoder: PropertyListEncoder = .binary(), decoder: PropertyListDecoder = PropertyListDecoder()
  ) -> Self {
    let coders = PropertyListCoders(encoder: encoder, decoder: decoder)
    return Self(decode: { try coders.decode(Value.self, from: $0) }, encode: { try coders.encode($0) })
  }
}
