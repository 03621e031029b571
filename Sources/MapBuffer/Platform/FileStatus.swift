#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What a path or an open descriptor names, and its size and permissions, as `stat(2)` says.
@_spi(MapBufferTool) public struct FileStatus: Sendable, Equatable {
  /// The kinds of file the library tells apart.
  public enum Kind: Sendable, Equatable {
    /// A regular file.
    case regularFile
    /// A directory.
    case directory
    /// A symbolic link (seen only when links are not followed).
    case symbolicLink
    /// Anything else: a FIFO, a socket, a device.
    case other
  }

  /// The kind of file.
  public var kind: Kind
  /// The size in bytes.
  public var size: Int
  /// The permission bits (`st_mode & 0o7777`).
  public var permissions: UInt16

  init(_ status: stat) {
    switch status.st_mode & S_IFMT {
    case S_IFREG: kind = .regularFile
    case S_IFDIR: kind = .directory
    case S_IFLNK: kind = .symbolicLink
    default: kind = .other
    }
    size = Int(status.st_size)
    permissions = UInt16(truncatingIfNeeded: status.st_mode & 0o7777)
  }

  /// The status of what `path` names, or `nil` when nothing is there (`ENOENT`).
  ///
  /// With `followingLinks` false a symbolic link is reported as ``Kind/symbolicLink``.
  /// - Throws: ``MapBufferError/io(operation:path:errno:)`` for any other failure.
  public static func of(path: String, followingLinks: Bool = true) throws -> FileStatus? {
    var status = stat()
    while true {
      let result = followingLinks ? stat(path, &status) : lstat(path, &status)
      if result == 0 { return FileStatus(status) }
      let code = errno
      if code == EINTR { continue }
      if code == ENOENT { return nil }
      throw SystemCall.error("stat", path: path, errno: code)
    }
  }
}
