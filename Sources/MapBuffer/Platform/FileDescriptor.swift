import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An open file descriptor and the path it was opened by, for messages: the library's and
/// the tool's one way to open, read, write, sync and close files (after swift-system's
/// `FileDescriptor`).
///
/// Every call retries when a signal interrupts it and throws
/// ``MapBufferError/io(operation:path:errno:)`` naming the path when it fails. Descriptors are
/// opened close-on-exec. The value does not own the descriptor: call ``close()``.
@_spi(MapBufferTool) public struct FileDescriptor: Sendable {
  /// The descriptor number.
  public let rawValue: Int32
  /// The path it was opened by (or a name such as `standard output`), for messages.
  public let path: String

  /// Wraps an open descriptor.
  public init(rawValue: Int32, path: String) {
    self.rawValue = rawValue
    self.path = path
  }

  /// Standard output.
  public static let standardOutput = FileDescriptor(rawValue: STDOUT_FILENO, path: "standard output")
  /// Standard error.
  public static let standardError = FileDescriptor(rawValue: STDERR_FILENO, path: "standard error")

  /// How a file is opened.
  public enum AccessMode: Sendable {
    /// Reading only (`O_RDONLY`).
    case readOnly
    /// Writing only (`O_WRONLY`).
    case writeOnly
    /// Reading and writing (`O_RDWR`).
    case readWrite

    var flags: Int32 {
      switch self {
      case .readOnly: O_RDONLY
      case .writeOnly: O_WRONLY
      case .readWrite: O_RDWR
      }
    }
  }

  /// Options of ``open(_:_:options:permissions:relativeTo:)``.
  public struct OpenOptions: OptionSet, Sendable {
    /// The `open(2)` flags.
    public let rawValue: Int32
    /// The options whose `open(2)` flags are `rawValue`.
    public init(rawValue: Int32) { self.rawValue = rawValue }
    /// Create the file if it does not exist (`O_CREAT`).
    public static let create = OpenOptions(rawValue: O_CREAT)
    /// With ``create``: fail if the file exists (`O_EXCL`).
    public static let exclusiveCreate = OpenOptions(rawValue: O_EXCL)
    /// Fail if the last component is a symbolic link (`O_NOFOLLOW`).
    public static let noFollow = OpenOptions(rawValue: O_NOFOLLOW)
    /// Do not block opening a FIFO or a device (`O_NONBLOCK`).
    public static let nonBlocking = OpenOptions(rawValue: O_NONBLOCK)
    /// Fail unless the path is a directory (`O_DIRECTORY`).
    public static let directory = OpenOptions(rawValue: O_DIRECTORY)
  }

  /// Opens `path` (relative to the open directory `directory` when given), close-on-exec.
  ///
  /// A file created gets `permissions` less the process's umask, as `open(2)` does.
  public static func open(
    _ path: String, _ mode: AccessMode, options: OpenOptions = [], permissions: UInt16 = 0o666,
    relativeTo directory: FileDescriptor? = nil
  ) throws -> FileDescriptor {
    let flags = mode.flags | options.rawValue | O_CLOEXEC
    let descriptor = try SystemCall.retryingOnInterrupt("open", path: directory.map { "\($0.path)/\(path)" } ?? path) {
      if let directory {
        openat(directory.rawValue, path, flags, mode_t(permissions))
      } else {
        systemOpen(path, flags, mode_t(permissions))
      }
    }
    return FileDescriptor(rawValue: descriptor, path: directory.map { "\($0.path)/\(path)" } ?? path)
  }

  /// Opens the regular file at `path` for reading without blocking on a FIFO or a device, and
  /// without following a symbolic link when `followingLinks` is false; returns it and its size.
  ///
  /// - Throws: ``MapBufferError/io(operation:path:errno:)`` for a missing file or a directory
  ///   (`EISDIR`), ``MapBufferError/notRegularFile(path:)`` for anything else that is not a
  ///   regular file. Nothing is left open on failure.
  public static func openRegularFile(
    _ path: String, _ mode: AccessMode = .readOnly, followingLinks: Bool = true,
    relativeTo directory: FileDescriptor? = nil
  ) throws -> (descriptor: FileDescriptor, size: Int) {
    let options: OpenOptions = followingLinks ? [.nonBlocking] : [.nonBlocking, .noFollow]
    let descriptor = try open(path, mode, options: options, relativeTo: directory)
    do {
      let size = try descriptor.requireRegularFile()
      return (descriptor, size)
    } catch {
      descriptor.close()
      throw error
    }
  }

  /// Throws unless the descriptor is open on a regular file; returns its size. Clears the
  /// non-blocking flag, which means nothing for a regular file's reads.
  public func requireRegularFile() throws -> Int {
    let status = try status()
    switch status.kind {
    case .regularFile:
      let flags = fcntl(rawValue, F_GETFL)
      if flags >= 0 && flags & O_NONBLOCK != 0 { _ = fcntl(rawValue, F_SETFL, flags & ~O_NONBLOCK) }
      return status.size
    case .directory:
      throw SystemCall.error("read", path: path, errno: EISDIR)
    case .symbolicLink, .other:
      throw MapBufferError.notRegularFile(path: path)
    }
  }

  /// The file's status (`fstat`).
  public func status() throws -> FileStatus {
    var status = stat()
    _ = try SystemCall.retryingOnInterrupt("stat", path: path) { fstat(rawValue, &status) }
    return FileStatus(status)
  }

  /// Closes the descriptor; errors are ignored (use ``closeAfterWriting()`` after writes).
  public func close() {
    _ = systemClose(rawValue)
  }

  /// Closes the descriptor, reporting a failure (some file systems report write errors here).
  public func closeAfterWriting() throws {
    // Not retried: on Linux the descriptor is closed even when close(2) says EINTR.
    guard systemClose(rawValue) == 0 else { throw SystemCall.error("close", path: path) }
  }

  /// Reads exactly `buffer.count` bytes at byte `offset` (`pread`).
  ///
  /// - Throws: ``MapBufferError/sourceTruncated(offset:expected:read:)`` if the file ends first
  ///   (it shrank since its size was learned), or an I/O error.
  public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws {
    var done = 0
    while done < buffer.count {
      let result = try SystemCall.retryingOnInterrupt("read", path: path) {
        pread(rawValue, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
      }
      if result == 0 { throw MapBufferError.sourceTruncated(offset: offset, expected: buffer.count, read: done) }
      done += result
    }
  }

  /// Reads from the current position to the end of the file, `sizeHint` bytes expected (a file
  /// that grew meanwhile is read to its new end).
  public func readToEnd(sizeHint: Int) throws -> Data {
    var data = Data(count: max(0, sizeHint) + 1)
    var done = 0
    while true {
      if done == data.count { data.count *= 2 }
      let result = try data.withUnsafeMutableBytes { buffer in
        try SystemCall.retryingOnInterrupt("read", path: path) {
          systemRead(rawValue, buffer.baseAddress! + done, buffer.count - done)
        }
      }
      if result == 0 { break }
      done += result
    }
    data.count = done
    return data
  }

  /// Writes all of `bytes` at byte `offset` (`pwrite`), leaving the position alone.
  ///
  /// - Throws: ``MapBufferError/io(operation:path:errno:)`` (a full disk gives `ENOSPC`).
  public func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws {
    var done = 0
    while done < bytes.count {
      done += try SystemCall.retryingOnInterrupt("write", path: path) {
        pwrite(rawValue, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
      }
    }
  }

  /// Writes all of `bytes` at the current position (`write`).
  public func write(_ bytes: UnsafeRawBufferPointer) throws {
    var done = 0
    while done < bytes.count {
      done += try SystemCall.retryingOnInterrupt("write", path: path) {
        systemWrite(rawValue, bytes.baseAddress! + done, bytes.count - done)
      }
    }
  }

  /// Writes all of `bytes` at the current position.
  public func write<Bytes: ContiguousBytes>(_ bytes: Bytes) throws {
    try bytes.withUnsafeBytes { try write($0) }
  }

  /// Flushes the file's data and metadata to the disk (`fsync`).
  public func sync() throws {
    _ = try SystemCall.retryingOnInterrupt("fsync", path: path) { fsync(rawValue) }
  }

  /// Sets the permission bits (`fchmod`).
  public func setPermissions(_ permissions: UInt16) throws {
    _ = try SystemCall.retryingOnInterrupt("chmod", path: path) { fchmod(rawValue, mode_t(permissions)) }
  }

  /// Whether the descriptor is a terminal.
  public var isTerminal: Bool { isatty(rawValue) != 0 }
}

// The system's functions, named apart from the methods above.
private func systemOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { open(path, flags, mode) }
private func systemClose(_ descriptor: Int32) -> Int32 { close(descriptor) }
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
  read(descriptor, buffer, count)
}
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
  write(descriptor, bytes, count)
}
