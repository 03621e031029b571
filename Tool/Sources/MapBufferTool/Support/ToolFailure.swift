import Foundation

#if HTTP
import MapBufferHTTP
#endif

/// A failure the tool reports as one line on standard error, exiting with status 1.
///
/// Every error a command meets is turned into one of these (or is one of the library's errors,
/// whose descriptions already say what is wrong and where), so the user sees a sentence, never
/// a stack trace.
struct ToolFailure: Error, CustomStringConvertible {
  /// The sentence printed after `Error: `.
  var description: String

  init(_ description: String) {
    self.description = description
  }
}

/// Runs `body`, prefixing any error it throws with `context` (a path, usually), as
/// ``toolFailure(_:context:)`` does.
func describingFailures<Result>(_ context: String, _ body: () throws -> Result) throws -> Result {
  do {
    return try body()
  } catch {
    throw toolFailure(error, context: context)
  }
}

/// ``describingFailures(_:_:)`` for a body that suspends.
func describingFailures<Result>(_ context: String, _ body: () async throws -> Result) async throws -> Result {
  do {
    return try await body()
  } catch {
    throw toolFailure(error, context: context)
  }
}

/// `error` as a one-line ``ToolFailure``: a ``ToolFailure`` passes through unchanged, and a
/// remote error's own message already names the URL, so neither is prefixed with `context`;
/// any other error becomes `context: ` and its text from ``failureText(_:)``.
func toolFailure(_ error: any Error, context: String) -> ToolFailure {
  switch error {
  case let failure as ToolFailure: failure
  #if HTTP
  case let remote as RemoteMapBufferError: ToolFailure(remote.description)
  #endif
  default: ToolFailure("\(context): \(failureText(error))")
  }
}

/// The words for `error` that follow a path in a message.
///
/// Swift errors (`MapBufferError`, `SkeletonError`, `TypedMapBufferError`, …) describe
/// themselves well and are printed as they are. Foundation's file errors (`CocoaError`, or an
/// `NSError` in the Cocoa or POSIX domain) would print as a whole `NSError` dump, so they are
/// reduced to the system's text for the underlying POSIX error, as `strerror(3)` gives it.
func failureText(_ error: any Error) -> String {
  if let posix = error as? POSIXError {
    return systemErrorText(posix.code.rawValue)
  }
  let nsError = error as NSError
  switch nsError.domain {
  case NSPOSIXErrorDomain:
    return systemErrorText(Int32(truncatingIfNeeded: nsError.code))
  case NSCocoaErrorDomain:
    if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? any Error {
      return failureText(underlying)
    }
    return cocoaErrorText(code: nsError.code)
  default:
    return "\(error)"
  }
}

/// `strerror(code)`: the system's one-line text for a POSIX error number.
func systemErrorText(_ code: Int32) -> String {
  String(cString: strerror(code))
}

/// The POSIX text closest to a Cocoa file error that carries no underlying POSIX error.
private func cocoaErrorText(code: Int) -> String {
  switch CocoaError.Code(rawValue: code) {
  case .fileNoSuchFile, .fileReadNoSuchFile: systemErrorText(ENOENT)
  case .fileReadNoPermission, .fileWriteNoPermission: systemErrorText(EACCES)
  case .fileWriteFileExists: systemErrorText(EEXIST)
  case .fileWriteOutOfSpace: systemErrorText(ENOSPC)
  case .fileWriteVolumeReadOnly: systemErrorText(EROFS)
  case .fileReadTooLarge: systemErrorText(EFBIG)
  case .fileReadInvalidFileName, .fileWriteInvalidFileName: "invalid file name"
  default: "file operation failed (Cocoa error \(code))"
  }
}
