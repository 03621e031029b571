/// The kind of an error of the package, within the error type `Domain`: what
/// `MapBufferError.Code`, `SkeletonError.Code` and the others are.
///
/// A struct rather than an enum, so that later versions can add codes without breaking a
/// `switch` over them (which needs a `default`). Compare codes with `==`, or match one in a `catch`:
///
/// ```swift
/// do { _ = try map[key] } catch MapBufferError.Code.checksumMismatch { … }
/// ```
public struct MapBufferErrorCode<Domain>: Hashable, Sendable, CustomStringConvertible {
  /// The code's name, as it is spelled in Swift (`checksumMismatch`).
  public let name: String

  /// The code named `name`; only the package makes codes.
  package init(_ name: String) { self.name = name }

  /// The code's name.
  public var description: String { name }
}

/// An error of the package: a struct whose ``code`` says what kind of error it is.
public protocol MapBufferCodedError: Error {
  /// What kind of error this is. New codes may be added in later versions.
  var code: MapBufferErrorCode<Self> { get }
}

extension MapBufferErrorCode where Domain: MapBufferCodedError {
  /// Whether `error` is a `Domain` error with this code: `catch MapBufferError.Code.keyNotFound`.
  public static func ~= (code: Self, error: any Error) -> Bool {
    (error as? Domain)?.code == code
  }
}
