import Foundation

/// A file read with positional reads (`pread`), one range at a time.
///
/// Use it for files that another process may truncate or replace while they are open: where a
/// memory mapping would kill the process with `SIGBUS`, a short read here throws
/// ``MapBufferError/sourceTruncated(offset:expected:read:)``. A file replaced by a rename
/// keeps being read as it was when opened. The descriptor closes when the last reference goes away.
public final class PositionalFileByteSource: MapBufferByteSource {
  private let file: FileDescriptor
  /// The file's size when it was opened.
  public let count: Int
  /// The file's path.
  public let path: String

  /// Opens the file at `url` for reading.
  ///
  /// Opening does not block on a FIFO or a device: anything but a regular file is refused.
  ///
  /// - Throws: ``MapBufferError/io(operation:path:errno:)`` if the file cannot be opened or is
  ///   a directory, ``MapBufferError/notRegularFile(path:)`` if it is another kind of file.
  public init(contentsOf url: URL) throws {
    path = url.path
    (file, count) = try FileDescriptor.openRegularFile(path)
  }

  /// Reads the regular file open at `file`, `count` bytes long, and closes it when done.
  package init(taking file: FileDescriptor, count: Int) {
    self.file = file
    self.count = count
    self.path = file.path
  }

  deinit { file.close() }

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
    try file.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<range.count]), at: range.lowerBound)
  }
}
