import MapBuffer

/// Why ``BinaryCodableDecoder`` could not decode bytes, or ``BinaryCodableEncoder`` could not
/// encode a value: what went wrong, at which byte, and where in the value.
///
/// A struct with a ``code`` that may gain new values in later versions, as `MapBufferError`:
/// compare ``code`` with `==` or match it in a `catch`.
///
/// ```swift
/// do { _ = try BinaryCodableDecoder().decode(Synapse.self, from: bytes) }
/// catch BinaryCodableError.Code.truncated { … }
/// ```
public struct BinaryCodableError: MapBufferCodedError, Sendable, Equatable, CustomStringConvertible {
  /// The kind of a ``BinaryCodableError``. New codes may be added in later versions.
  public typealias Code = MapBufferErrorCode<BinaryCodableError>

  /// What kind of error this is.
  public let code: Code
  /// The offset in the encoding of the byte the error concerns (0 for encoding errors).
  public let byteOffset: Int
  /// Where in the value: the keys (and `[index]` of unkeyed elements) from the top, as text.
  public let codingPath: [String]
  /// A one-line explanation of what was found or expected.
  public let detail: String

  init(_ code: Code, at byteOffset: Int, path: [String], _ detail: String) {
    self.code = code
    self.byteOffset = byteOffset
    self.codingPath = path
    self.detail = detail
  }

  /// The path as one string: `synapses[3].pre`, or `(top level)`.
  public var pathDescription: String {
    guard !codingPath.isEmpty else { return "(top level)" }
    var text = ""
    for component in codingPath {
      if component.hasPrefix("[") || text.isEmpty { text += component } else { text += "." + component }
    }
    return text
  }

  /// A one-line explanation naming the code, the path and the byte offset.
  public var description: String {
    "\(code) at \(pathDescription), byte \(byteOffset): \(detail)"
  }
}

extension MapBufferErrorCode where Domain == BinaryCodableError {
  /// The bytes end inside a value.
  public static var truncated: Self { Self("truncated") }
  /// The first byte is not a version of the layout this decoder reads.
  public static var unsupportedVersion: Self { Self("unsupportedVersion") }
  /// A byte that starts a value is no tag of the layout.
  public static var invalidTag: Self { Self("invalidTag") }
  /// A value of another kind than the type asks for (a string where a number is decoded, …).
  public static var typeMismatch: Self { Self("typeMismatch") }
  /// A number that does not fit the type asked for (300 as a `UInt8`).
  public static var valueOutOfRange: Self { Self("valueOutOfRange") }
  /// A string that is not valid UTF-8.
  public static var invalidUTF8: Self { Self("invalidUTF8") }
  /// A count or length that does not fit the bytes that hold it, or a malformed varint.
  public static var invalidLength: Self { Self("invalidLength") }
  /// A keyed container has no entry for a key the type requires.
  public static var keyNotFound: Self { Self("keyNotFound") }
  /// An unkeyed container has no element left where the type decodes one.
  public static var endOfContainer: Self { Self("endOfContainer") }
  /// `nil` where the type requires a value.
  public static var valueNotFound: Self { Self("valueNotFound") }
  /// Containers nest deeper than the decoder's `maximumDepth`.
  public static var depthLimitExceeded: Self { Self("depthLimitExceeded") }
  /// Bytes follow the top-level value.
  public static var trailingBytes: Self { Self("trailingBytes") }
  /// The decoder was used after the decode that made it returned (it was kept by the type).
  public static var decoderExpired: Self { Self("decoderExpired") }
  /// A value encoded nothing, or more than one value at a single-value position.
  public static var invalidValue: Self { Self("invalidValue") }
}
