extension Skeleton {
  /// A vertex position: three float32 coordinates, laid out as the precomputed encoding stores them.
  public struct Vertex: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The x coordinate.
    public var x: Float
    /// The y coordinate.
    public var y: Float
    /// The z coordinate.
    public var z: Float

    /// A vertex at `(x, y, z)`.
    public init(_ x: Float, _ y: Float, _ z: Float) {
      self.x = x
      self.y = y
      self.z = z
    }

    /// The position as a SIMD vector.
    public var simd: SIMD3<Float> { SIMD3(x, y, z) }

    /// `(x, y, z)`.
    public var description: String { "(\(x), \(y), \(z))" }

    /// Decodes `[x, y, z]`, the form of `mapbuffer skeleton --json`; `null` reads as NaN.
    public init(from decoder: any Decoder) throws {
      var container = try decoder.unkeyedContainer()
      x = try container.decodeJSONFloat()
      y = try container.decodeJSONFloat()
      z = try container.decodeJSONFloat()
      guard container.isAtEnd else {
        throw DecodingError.dataCorruptedError(in: container, debugDescription: "a vertex has exactly 3 coordinates")
      }
    }

    /// Encodes `[x, y, z]`, the form of `mapbuffer skeleton --json`; a NaN or infinite coordinate
    /// is written `null`, as JSON has no such numbers.
    public func encode(to encoder: any Encoder) throws {
      var container = encoder.unkeyedContainer()
      try container.encodeJSONFloat(x)
      try container.encodeJSONFloat(y)
      try container.encodeJSONFloat(z)
    }
  }
}

extension UnkeyedDecodingContainer {
  /// A float that JSON may hold as `null` (NaN or an infinity written by an encoder that cannot spell them).
  mutating func decodeJSONFloat() throws -> Float {
    try decodeNil() ? .nan : decode(Float.self)
  }
}

extension UnkeyedEncodingContainer {
  /// A float, or `null` when it is not finite.
  mutating func encodeJSONFloat(_ value: Float) throws {
    if value.isFinite { try encode(value) } else { try encodeNil() }
  }
}
