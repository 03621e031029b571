import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file read with positional reads (`pread`), one range at a time.
///
/// Use it for files that another process may truncate or replace while they are open: where a
/// memory mapping would kill the process with `SIGBUS`, a short read here throws
/// ``MapBufferError/sourceTruncated(offset:expected:read:)``. A file replaced by a rename
/// keeps being read as it was when opened. The descriptor closes when the last reference goes away.
public final class PositionalFileByteSource: MapBufferByteSource {
  private let descriptor: Int32
  /// The file's size when it was opened.
  public let count: Int
  /// The file's path.
  public let path: String

  /// Opens the file at `url` for reading.
  ///
  /// - Throws: ``MapBufferError/io(operation:path:errno:)`` if the file cannot be opened
  ///   or is not a regular file.
  public init(contentsOf url: URL) throws {
    path = url.path
    (descriptor, count) = try FileStatus.openRegularFile(path)
  }

  deinit { close(descriptor) }

  /// Always `false`: every range is read from the file.
  public var isMemoryResident: Bool { false }

  /// Reads `range` into a temporary buffer and calls `body` with it.
  public func withUnsafeBytes<Result>(
    in range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> Result
  ) throws -> Result {
    try checkBounds(range)
    return try withUnsafeTemporaryAllocation(byteCount: range.count, alignment: 16) { buffer in
      try read(range, into: buffer)
      return try body(UnsafeRawBufferPointer(buffer))
    }
  }

  /// Reads `range` straight into a new `Data`.
  public func copyBytes(in range: Range<Int>) throws -> Data {
    try checkBounds(range)
    var data = Data(count: range.count)
    try data.withUnsafeMutableBytes { try read(range, into: $0) }
    return data
  }

  private func read(_ range: Range<Int>, into buffer: UnsafeMutableRawBufferPointer) throws {
    try PositionalIO.read(
      into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<range.count]), from: descriptor,
      at: range.lowerBound, path: path)
  }
}
