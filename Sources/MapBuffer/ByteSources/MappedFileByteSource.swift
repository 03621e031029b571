import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file mapped read-only into memory, unmapped when the last reference goes away.
///
/// Opening costs one `mmap`; the kernel reads pages as lookups touch them. The mapping
/// is advised for random access, so a lookup pulls in only the pages it reads.
///
/// A mapping assumes the file does not shrink while mapped: if another process truncates it,
/// touching the lost pages kills this process with `SIGBUS`. Read files that may change
/// under you through ``PositionalFileByteSource`` instead.
public final class MappedFileByteSource: MapBufferByteSource, @unchecked Sendable {
  // @unchecked: the mapping is read-only and never changes after init; it is
  // unmapped only in deinit, when no other reference can exist.
  private let base: UnsafeRawPointer?
  /// The number of bytes mapped: the file's size when it was opened.
  public let count: Int
  /// The file's path.
  public let path: String

  /// Maps the file at `url` read-only.
  ///
  /// - Throws: ``MapBufferError/io(operation:path:errno:)`` if the file cannot be opened,
  ///   is not a regular file, or cannot be mapped.
  public init(contentsOf url: URL) throws {
    path = url.path
    let (fd, size) = try FileStatus.openRegularFile(path)
    defer { close(fd) }
    count = size
    guard count > 0 else {
      base = nil
      return
    }
    guard let mapping = mmap(nil, count, PROT_READ, MAP_SHARED, fd, 0), mapping != MAP_FAILED else {
      throw MapBufferError.io(operation: "mmap", path: path, errno: errno)
    }
    _ = madvise(mapping, count, MADV_RANDOM)
    base = UnsafeRawPointer(mapping)
  }

  /// The mapped bytes. They stay at this address for as long as this source exists.
  package var mappedBytes: UnsafeRawBufferPointer {
    UnsafeRawBufferPointer(start: base, count: base == nil ? 0 : count)
  }

  deinit {
    if let base { munmap(UnsafeMutableRawPointer(mutating: base), count) }
  }

  /// Always `true`.
  public var isMemoryResident: Bool { true }

  /// Calls `body` with the mapped bytes in `range`, in place.
  @inline(__always)
  public func withUnsafeBytes<Result>(
    in range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> Result
  ) throws -> Result {
    try checkBounds(range)
    guard let base else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
    return try body(UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count))
  }
}

/// Small helpers over `open` and `fstat`.
enum FileStatus {
  /// Opens the regular file at `path` read-only; returns its descriptor and size.
  /// Throws for a missing file, a directory or another kind of file.
  static func openRegularFile(_ path: String) throws -> (descriptor: Int32, size: Int) {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw MapBufferError.io(operation: "open", path: path, errno: errno) }
    do {
      return (descriptor, try regularFileSize(descriptor, path: path))
    } catch {
      close(descriptor)
      throw error
    }
  }

  /// The size of the regular file open at `fd`; throws for a directory or another kind of file.
  static func regularFileSize(_ fd: Int32, path: String) throws -> Int {
    var status = stat()
    guard fstat(fd, &status) == 0 else { throw MapBufferError.io(operation: "stat", path: path, errno: errno) }
    guard (status.st_mode & S_IFMT) == S_IFREG else {
      let isDirectory = (status.st_mode & S_IFMT) == S_IFDIR
      throw MapBufferError.io(operation: "read", path: path, errno: isDirectory ? EISDIR : EINVAL)
    }
    return Int(status.st_size)
  }
}
