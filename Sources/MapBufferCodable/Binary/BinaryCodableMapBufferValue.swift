import Foundation

/// A `Codable` type stored in ``BinaryCodableEncoder``'s compact binary layout: conform with
/// one line and the type is a ``MapBufferValue``.
///
/// ```swift
/// struct Synapse: BinaryCodableMapBufferValue {
///   var pre: UInt64
///   var post: UInt64
/// }
/// let map = try TypedMapBuffer<Synapse>(data)
/// ```
///
/// Decoding reads an uncompressed map's own bytes, without a `Data` in between. See
/// <doc:BinaryCodableFormat> for the layout and for when to choose it over JSON.
public protocol BinaryCodableMapBufferValue: MapBufferValue, Codable {
  /// The encoder for every value of the type. Defaults to a plain ``BinaryCodableEncoder``.
  static var mapBufferBinaryEncoder: BinaryCodableEncoder { get }
  /// The decoder for every value of the type. Defaults to a plain ``BinaryCodableDecoder``.
  static var mapBufferBinaryDecoder: BinaryCodableDecoder { get }
}

extension BinaryCodableMapBufferValue {
  /// A plain ``BinaryCodableEncoder``.
  public static var mapBufferBinaryEncoder: BinaryCodableEncoder { BinaryCodableEncoder() }
  /// A plain ``BinaryCodableDecoder``.
  public static var mapBufferBinaryDecoder: BinaryCodableDecoder { BinaryCodableDecoder() }

  /// Decodes the value from the binary layout.
  public init(mapBufferBytes bytes: Data) throws {
    self = try Self.mapBufferBinaryDecoder.decode(Self.self, from: bytes)
  }

  /// Decodes the value from borrowed bytes in the binary layout, without copying them.
  public init(mapBufferBytes bytes: UnsafeRawBufferPointer) throws {
    self = try Self.mapBufferBinaryDecoder.decode(Self.self, from: bytes)
  }

  /// Encodes the value in the binary layout.
  public func mapBufferBytes() throws -> Data {
    try Self.mapBufferBinaryEncoder.encode(self)
  }
}

/// A wrapper that stores any `Codable` value in the binary layout, for types you cannot conform.
///
/// ```swift
/// let map = try TypedMapBuffer(encoding: [7: BinaryCodableValue(["axon": 3])])
/// let counts = try map[7]?.value
/// ```
public struct BinaryCodableValue<Wrapped: Codable>: BinaryCodableMapBufferValue {
  /// The wrapped value.
  public var value: Wrapped
  /// Wraps `value`.
  public init(_ value: Wrapped) { self.value = value }
  /// Decodes the wrapped value.
  public init(from decoder: any Decoder) throws { value = try Wrapped(from: decoder) }
  /// Encodes the wrapped value alone, without a wrapper.
  public func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}

extension BinaryCodableValue: Equatable where Wrapped: Equatable {}
extension BinaryCodableValue: Sendable where Wrapped: Sendable {}

extension MapBufferValueCodec where Value: Codable & SendableMetatype {
  /// The binary layout of ``BinaryCodableEncoder`` through `encoder` and `decoder`, decoding an
  /// uncompressed map's own bytes without a `Data` in between.
  public static func binaryCodable(
    encoder: BinaryCodableEncoder = BinaryCodableEncoder(), decoder: BinaryCodableDecoder = BinaryCodableDecoder()
  ) -> Self {
    Self(
      decode: { try decoder.decode(Value.self, from: $0) }, encode: { try encoder.encode($0) },
      decodeBorrowed: { try decoder.decode(Value.self, from: $0) })
  }
}
