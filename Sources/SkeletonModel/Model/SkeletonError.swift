import MapBuffer

/// An error decoding, encoding or transforming a skeleton, saying what is wrong and where.
///
/// A struct with a ``code`` that may gain new values in later versions, so that handling it
/// never breaks when a kind of error is added (the policy of every error of the package; see
/// `MapBufferError`): compare ``code`` with `==`, or match it in a `catch`:
///
/// ```swift
/// catch let error as SkeletonError where error.code == .truncated { … }
/// ```
public struct SkeletonError: MapBufferCodedError, Sendable, Equatable, CustomStringConvertible {
  /// The kind of a ``SkeletonError``. New codes may be added in later versions.
  public typealias Code = MapBufferErrorCode<SkeletonError>

  /// What went wrong, with its context. Not public, so that cases can be added.
  package enum Reason: Sendable, Equatable, CustomStringConvertible {
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

    /// The code of this reason.
    package var code: Code {
      switch self {
      case .truncated: .truncated
      case .edgeOutOfRange: .edgeOutOfRange
      case .attributeOutOfBounds: .attributeOutOfBounds
      case .attributeSizeMismatch: .attributeSizeMismatch
      case .invalidComponentCount: .invalidComponentCount
      case .attributeTypeMismatch: .attributeTypeMismatch
      case .attributeMismatch: .attributeMismatch
      case .tooLarge: .tooLarge
      case .invalidSWC: .invalidSWC
      case .unsupportedLayer: .unsupportedLayer
      }
    }

    /// A one-line explanation.
    package var description: String {
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

  /// What went wrong, with all of its context.
  package let reason: Reason

  package init(_ reason: Reason) { self.reason = reason }

  /// What kind of error this is.
  public var code: Code { reason.code }

  /// The name of the attribute the error concerns, when there is one.
  public var attributeName: String? {
    switch reason {
    case let .attributeOutOfBounds(name, _, _), let .attributeSizeMismatch(name, _, _),
      let .invalidComponentCount(name, _), let .attributeTypeMismatch(name, _, _):
      name
    default: nil
    }
  }

  /// The SWC line the error concerns (1-based), for the code `invalidSWC`.
  public var line: Int? {
    if case let .invalidSWC(line, _) = reason { line } else { nil }
  }

  /// A one-line explanation.
  public var description: String { reason.description }

  /// The buffer is shorter than its counts require.
  public static func truncated(byteCount: Int, required: Int, vertexCount: UInt32, edgeCount: UInt32) -> Self {
    Self(.truncated(byteCount: byteCount, required: required, vertexCount: vertexCount, edgeCount: edgeCount))
  }
  /// An edge names a vertex that does not exist.
  public static func edgeOutOfRange(edge: Int, vertex: UInt32, vertexCount: Int) -> Self {
    Self(.edgeOutOfRange(edge: edge, vertex: vertex, vertexCount: vertexCount))
  }
  /// An attribute's values run past the end of the buffer.
  public static func attributeOutOfBounds(name: String, end: Int, byteCount: Int) -> Self {
    Self(.attributeOutOfBounds(name: name, end: end, byteCount: byteCount))
  }
  /// An attribute holds a number of bytes other than vertices × components × width.
  public static func attributeSizeMismatch(name: String, byteCount: Int, expected: Int) -> Self {
    Self(.attributeSizeMismatch(name: name, byteCount: byteCount, expected: expected))
  }
  /// An attribute has a component count below 1.
  public static func invalidComponentCount(name: String, componentCount: Int) -> Self {
    Self(.invalidComponentCount(name: name, componentCount: componentCount))
  }
  /// An attribute was read as another type than it holds.
  public static func attributeTypeMismatch(
    name: String, stored: VertexAttribute.DataType, requested: VertexAttribute.DataType
  ) -> Self {
    Self(.attributeTypeMismatch(name: name, stored: stored, requested: requested))
  }
  /// Fragments to merge carry different attributes.
  public static func attributeMismatch(expected: [AttributeDescriptor], found: [AttributeDescriptor]) -> Self {
    Self(.attributeMismatch(expected: expected, found: found))
  }
  /// More vertices or edges than the encoding's 32-bit counts allow.
  public static func tooLarge(vertexCount: Int, edgeCount: Int) -> Self {
    Self(.tooLarge(vertexCount: vertexCount, edgeCount: edgeCount))
  }
  /// An SWC line cannot be parsed.
  public static func invalidSWC(line: Int, reason: String) -> Self {
    Self(.invalidSWC(line: line, reason: reason))
  }

  /// A skeleton layer's `info` describes files this package does not read (a sharded layer).
  public static func unsupportedLayer(reason: String) -> Self {
    Self(.unsupportedLayer(reason: reason))
  }
}

extension MapBufferErrorCode where Domain == SkeletonError {
  /// The buffer is shorter than its counts require.
  public static var truncated: Self { Self("truncated") }
  /// An edge names a vertex that does not exist.
  public static var edgeOutOfRange: Self { Self("edgeOutOfRange") }
  /// An attribute's values run past the end of the buffer.
  public static var attributeOutOfBounds: Self { Self("attributeOutOfBounds") }
  /// An attribute holds a number of bytes other than vertices × components × width.
  public static var attributeSizeMismatch: Self { Self("attributeSizeMismatch") }
  /// An attribute has a component count below 1.
  public static var invalidComponentCount: Self { Self("invalidComponentCount") }
  /// An attribute was read as another type than it holds.
  public static var attributeTypeMismatch: Self { Self("attributeTypeMismatch") }
  /// Fragments to merge carry different attributes.
  public static var attributeMismatch: Self { Self("attributeMismatch") }
  /// More vertices or edges than the encoding's 32-bit counts allow.
  public static var tooLarge: Self { Self("tooLarge") }
  /// An SWC line cannot be parsed.
  public static var invalidSWC: Self { Self("invalidSWC") }
  /// A skeleton layer's `info` describes files this package does not read.
  public static var unsupportedLayer: Self { Self("unsupportedLayer") }
}
