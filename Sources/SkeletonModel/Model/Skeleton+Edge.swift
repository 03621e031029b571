extension Skeleton {
  /// An edge: the indices of the two vertices it joins, laid out as the precomputed encoding stores them.
  public struct Edge: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The first vertex's index.
    public var a: UInt32
    /// The second vertex's index.
    public var b: UInt32

    /// An edge joining vertices `a` and `b`.
    public init(_ a: UInt32, _ b: UInt32) {
      self.a = a
      self.b = b
    }

    /// The same edge with its ends in ascending order.
    public var normalized: Edge { a <= b ? self : Edge(b, a) }

    /// `a-b`.
    public var description: String { "\(a)-\(b)" }

    /// Decodes `[a, b]`, the form of `mapbuffer skeleton --json`.
    public init(from decoder: any Decoder) throws {
      var container = try decoder.unkeyedContainer()
      a = try container.decode(UInt32.self)
      b = try container.decode(UInt32.self)
      guard container.isAtEnd else {
        throw DecodingError.dataCorruptedError(in: container, debugDescription: "an edge has exactly 2 vertex indices")
      }
    }

    /// Encodes `[a, b]`, the form of `mapbuffer skeleton --json`.
    public func encode(to encoder: any Encoder) throws {
      var container = encoder.unkeyedContainer()
      try container.encode(a)
      try container.encode(b)
    }
  }
}
