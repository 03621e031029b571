// Part of MapBufferHTTP: compiled only with the package's HTTP trait.
#if HTTP

import Foundation

@_spi(MapBufferTool) import MapBuffer

/// The files of a ``RemoteIndexCache``: written whole, atomically, through the core library's
/// atomic writer, and read into one buffer through its file layer.
///
/// The writer gives a new entry the mode the process's umask gives a new file, keeps a replaced
/// entry's mode, and keeps the temporary private while it is written, so that an index is never
/// readable by others before its owner's umask or file says it may be.
enum IndexCacheFile {
  /// Writes `parts`, one after the other, as the file at `url`, atomically.
  static func write(_ parts: [Data], to url: URL) throws {
    try AtomicFile.write(to: url) { output in
      for part in parts { try output.write(part) }
    }
  }

  /// The whole file at `url` in one buffer, or `nil` if it cannot be read, is not a regular
  /// file, or has more than `maximumByteCount` bytes.
  static func read(_ url: URL, maximumByteCount: Int) -> ReceiveBuffer? {
    guard let (descriptor, size) = try? FileDescriptor.openRegularFile(url.path) else { return nil }
    defer { descriptor.close() }
    guard size <= maximumByteCount else { return nil }
    let buffer = ReceiveBuffer(capacity: size)
    do {
      try descriptor.read(into: UnsafeMutableRawBufferPointer(start: buffer.base, count: buffer.capacity), at: 0)
    } catch {
      return nil
    }
    return buffer
  }
}

#endif
