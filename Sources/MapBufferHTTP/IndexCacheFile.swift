// Part of MapBufferHTTP: compiled only with the package's HTTP trait.
#if HTTP

import Foundation
import MapBuffer

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The files of a ``RemoteIndexCache``: written whole under a private temporary name and renamed
/// into place, read into one buffer.
///
/// A new entry gets the mode the process's umask gives a new file (`0666 & ~umask`), a replaced
/// one keeps its file's mode, and the temporary is `0600` while it is written, so that an index
/// is never readable by others before its owner's umask or file says it may be. (Local to the
/// cache until the core library's file layer offers the same.)
enum IndexCacheFile {
  /// Writes `parts`, one after the other, as the file at `url`, atomically.
  static func write(_ parts: [Data], to url: URL) throws {
    let target = url.path
    let temporary = url.deletingLastPathComponent().path + "/.\(url.lastPathComponent).tmp-\(UUID().uuidString)"
    // Created as any new file is (the umask applies), so that its mode tells the umask without
    // changing it (process-wide, so not safe to set from a library); private before any byte.
    let descriptor = open(temporary, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o666)
    guard descriptor >= 0 else { throw MapBufferError.io(operation: "create", path: temporary, errno: errno) }
    var isOpen = true
    var isRenamed = false
    defer {
      if isOpen { close(descriptor) }
      if !isRenamed { unlink(temporary) }
    }
    var created = stat()
    guard fstat(descriptor, &created) == 0 else { throw MapBufferError.io(operation: "fstat", path: temporary, errno: errno) }
    guard fchmod(descriptor, 0o600) == 0 else { throw MapBufferError.io(operation: "chmod", path: temporary, errno: errno) }
    var offset = 0
    for part in parts {
      try part.withUnsafeBytes { try PositionalIO.write($0, to: descriptor, at: offset, path: temporary) }
      offset += part.count
    }
    var existing = stat()
    let mode = stat(target, &existing) == 0 ? existing.st_mode & 0o7777 : created.st_mode & 0o777
    guard fchmod(descriptor, mode) == 0 else { throw MapBufferError.io(operation: "chmod", path: temporary, errno: errno) }
    guard fsync(descriptor) == 0 else { throw MapBufferError.io(operation: "fsync", path: temporary, errno: errno) }
    isOpen = false
    guard close(descriptor) == 0 else { throw MapBufferError.io(operation: "close", path: temporary, errno: errno) }
    guard rename(temporary, target) == 0 else { throw MapBufferError.io(operation: "rename", path: temporary, errno: errno) }
    isRenamed = true
  }

  /// The whole file at `url` in one buffer, or `nil` if it cannot be read or has more than
  /// `maximumByteCount` bytes.
  static func read(_ url: URL, maximumByteCount: Int) -> ReceiveBuffer? {
    let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG, status.st_size <= maximumByteCount else {
      return nil
    }
    let buffer = ReceiveBuffer(capacity: Int(status.st_size))
    do {
      try PositionalIO.read(
        into: UnsafeMutableRawBufferPointer(start: buffer.base, count: buffer.capacity), from: descriptor, at: 0, path: url.path)
    } catch {
      return nil
    }
    return buffer
  }
}

#endif
