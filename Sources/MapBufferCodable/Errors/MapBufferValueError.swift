import MapBuffer

/// Why a value could not be made from an item's bytes, before the key is known.
///
/// A struct with a ``code`` that may gain new values in later versions, as `MapBufferError`.
public struct MapBufferValueError: MapBufferCodedError, Sendable, Equatable, CustomStringConvertible {
  /// The kind of a ``MapBufferValueError``. New codes may be added in later versions.
  public typealias Code = MapBufferErrorCode<MapBufferValueError>

  /// What kind of error this is.
  public let code: Code

  /// The number of bytes that could not be made into a value.
  public let byteCount: Int

  private init(code: Code, byteCount: Int) {
    self.code = code
    self.byteCount = byteCount
  }

  /// The `byteCount` bytes are not valid UTF-8.
  public static func invalidUTF8(byteCount: Int) -> Self {
    Self(code: .invalidUTF8, byteCount: byteCount)
  }

  /// A one-line explanation.
  public var description: String {
    "the \(byteCount) bytes are not valid UTF-8"
  }
}

extension MapBufferErrorCode where Domain == MapBufferValueError {
  /// The bytes are not valid UTF-8.
  public static var invalidUTF8: Self { Self("invalidUTF8") }
}
