import Foundation

/// An error thrown while opening, reading, validating or writing a MapBuffer or an IntMap.
///
/// Every error says what is wrong and where: the key, the index position, or the byte offset.
/// A lookup of an absent key is not an error (it gives `nil`); these errors describe damaged
/// input, misuse, or a failing file system.
///
/// ## Errors that can grow
///
/// `MapBufferError` is a struct, not an enum, so that later versions can add kinds of error
/// without breaking code that handles them (a `switch` over an enum must name every case, and a
/// new case would break it). What went wrong is ``code``, compared with `==` or matched in a
/// `catch`; where it went wrong is in ``key``, ``position``, ``path`` and the other context
/// properties, and the whole story is in ``description``:
///
/// ```swift
/// do {
///   _ = try map[key]
/// } catch let error as MapBufferError where error.code == .checksumMismatch {
///   print("corrupt item", error.key!, error)
/// }
/// ```
///
/// The same policy holds for every error type of the package (`TypedMapBufferError`,
/// `MapBufferValueError`, `SkeletonError`, `RemoteMapBufferError`): a struct with a `code` that
/// may gain new values, and the context of the failure. Two errors are equal when they have the
/// same code and the same context, so `#expect(throws: MapBufferError.keyNotFound(3))` works.
public struct MapBufferError: MapBufferCodedError, Sendable, Equatable, CustomStringConvertible {
  /// What went wrong, with all of its context.
  package let reason: Reason

  package init(_ reason: Reason) { self.reason = reason }

  /// What kind of error this is. New codes may be added in later versions.
  public var code: Code { reason.code }

  /// The key whose item or value the error concerns, when there is one.
  public var key: UInt64? { reason.key }

  /// The index position (0-based, in the file's Eytzinger order) the error concerns, when there is one.
  public var position: Int? { reason.position }

  /// The file the failing system call was about, for the code `io`.
  public var path: String? { reason.path }

  /// The `errno` of the failing system call, for the code `io`.
  public var posixErrorCode: Int32? { reason.posixErrorCode }

  /// The bytes found where others were expected: the magic of `invalidMagic`, the tag of
  /// `unknownCompression`.
  public var foundBytes: [UInt8]? { reason.foundBytes }

  /// A one-line explanation naming the problem and where it is.
  public var description: String { reason.description }
}

extension MapBufferError: LocalizedError {
  /// The same text as ``description``.
  public var errorDescription: String? { description }
}
