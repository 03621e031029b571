/// An error decoding, encoding or transforming a skeleton, saying what is wrong and where.
public enum SkeletonError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The buffer is shorter than its counts require.
  case truncated(byteCount: Int, required: Int, vertexCount: UInt32, edgeCount: UInt32)
  /// An edge names a vertex that does not exist.
  case edgeOutOfRange(edge: Int, vertex: UInt32, vertexCount: Int)
  /// An attribute's values run past the end of the buffer.
  case attributeOutOfBounds(name: String, end: Int, byteCount: Int)
  /// An attribute holds a number of bytes other than vertices × components × width.
  case attributeSizeMismatch(name: String, byteCount: Int, expected: Int)
  /// An attribute has a component count below 1.
  case invalidComponentCount(name: String, componentCount: Int)
  /// An attribute was read as another type than it holds.
  case attributeTypeMismatch(name: String, stored: VertexAttribute.DataType, requested: VertexAttribute.DataType)
  /// Fragments to merge carry different attributes.
  case attributeMismatch(expected: [AttributeDescriptor], found: [AttributeDescriptor])
  /// More vertices or edges than the encoding's 32-bit counts allow.
  case tooLarge(vertexCount: Int, edgeCount: Int)
  /// An SWC line cannot be parsed.
  case invalidSWC(line: Int, reason: String)
  /// A skeleton layer's `info` describes files this package does not read (a sharded layer).
  case unsupportedLayer(reason: String)

  /// A one-line explanation.
  public var description: String {
    switch self {
    case let .truncated(byteCount, required, vertexCount, edgeCount):
      "truncated skeleton: \(vertexCount) vertices and \(edgeCount) edges need \(required) bytes, the buffer holds \(byteCount)"
    case let .edgeOutOfRange(edge, vertex, vertexCount):
      "edge \(edge) names vertex \(vertex) of a skeleton with \(vertexCount) vertices"
    case let .attributeOutOfBounds(name, end, byteCount):
      "attribute \(name) ends at byte \(end), past the end of the \(byteCount)-byte buffer"
    case let .attributeSizeMismatch(name, byteCount, expected):
      "attribute \(name) holds \(byteCount) bytes where its vertices need \(expected)"
    case let .invalidComponentCount(name, componentCount):
      "attribute \(name) has \(componentCount) components"
    case let .attributeTypeMismatch(name, stored, requested):
      "attribute \(name) holds \(stored.rawValue), not \(requested.rawValue)"
    case let .attributeMismatch(expected, found):
      "fragments carry different attributes: \(expected.map(\.name)) and \(found.map(\.name))"
    case let .tooLarge(vertexCount, edgeCount):
      "\(vertexCount) vertices and \(edgeCount) edges exceed the encoding's 32-bit counts"
    case let .invalidSWC(line, reason):
      "SWC line \(line): \(reason)"
    case let .unsupportedLayer(reason):
      "unsupported skeleton layer: \(reason)"
    }
  }
}
