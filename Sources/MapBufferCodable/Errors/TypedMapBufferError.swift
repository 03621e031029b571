import MapBuffer

/// An error converting between a typed map's values and bytes, naming the key.
///
/// A struct with a ``code`` that may gain new values in later versions, as `MapBufferError`
/// (see its policy on errors that can grow): compare ``code`` with `==` or match it in a `catch`.
public struct TypedMapBufferError: MapBufferCodedError, CustomStringConvertible, @unchecked Sendable {
  // @unchecked: the underlying error is whatever a codec threw; errors are immutable values.

  /// The kind of a ``TypedMapBufferError``. New codes may be added in later versions.
  public typealias Code = MapBufferErrorCode<TypedMapBufferError>

  /// What kind of error this is.
  public let code: Code

  /// The key the error concerns.
  public let key: UInt64

  /// The codec's own error.
  public let underlying: any Error

  private init(code: Code, key: UInt64, underlying: any Error) {
    self.code = code
    self.key = key
    self.underlying = underlying
  }

  /// The item of `key` was read but its bytes do not decode as the value type.
  public static func decodingFailed(key: UInt64, underlying: any Error) -> Self {
    Self(code: .decodingFailed, key: key, underlying: underlying)
  }

  /// The value of `key` could not be encoded.
  public static func encodingFailed(key: UInt64, underlying: any Error) -> Self {
    Self(code: .encodingFailed, key: key, underlying: underlying)
  }

  /// A one-line explanation naming the key and the codec's error.
  public var description: String {
    code == .encodingFailed
      ? "cannot encode the value of key \(key): \(underlying)"
      : "cannot decode the value of key \(key): \(underlying)"
  }
}

extension MapBufferErrorCode where Domain == TypedMapBufferError {
  /// The item of a key was read but its bytes do not decode as the value type.
  public static var decodingFailed: Self { Self("decodingFailed") }
  /// The value of a key could not be encoded.
  public static var encodingFailed: Self { Self("encodingFailed") }
}
