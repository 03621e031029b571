#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The one place where a system call's failure becomes an error.
///
/// Every call the library and the tool make to the system (open, read, write, sync, rename,
/// map, status) goes through ``retryingOnInterrupt(_:path:_:)``: a call interrupted by a
/// signal (`EINTR`) is made again; any other failure throws
/// ``MapBufferError/io(operation:path:errno:)`` naming the operation and the path.
@_spi(MapBufferTool) public enum SystemCall {
  /// Calls `call` until it does not fail with `EINTR`; returns its non-negative result.
  ///
  /// - Throws: ``MapBufferError/io(operation:path:errno:)`` when `call` returns a negative
  ///   value, with the `errno` it left.
  @inline(__always)
  public static func retryingOnInterrupt<Result: BinaryInteger>(
    _ operation: String, path: String, _ call: () -> Result
  ) throws -> Result {
    while true {
      let result = call()
      if result >= 0 { return result }
      let code = errno
      if code == EINTR { continue }
      throw error(operation, path: path, errno: code)
    }
  }

  /// The error for `operation` on `path` failing with `errno` (by default, the current one).
  public static func error(_ operation: String, path: String, errno code: Int32 = errno) -> MapBufferError {
    MapBufferError.io(operation: operation, path: path, errno: code)
  }

  /// The system's one-line text for the error number `code` (`strerror`).
  public static func errorText(_ code: Int32) -> String {
    String(cString: strerror(code))
  }
}
