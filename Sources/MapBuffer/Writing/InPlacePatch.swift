import Foundation

/// The in-place update of a map file that ``MapBuffer`` and ``IntMap`` share: the file is
/// opened once (read-write, refusing anything but a regular file without blocking on it), the
/// bytes to write are found by reading through that same descriptor, then written with
/// positional writes and flushed to disk. A file renamed over the path meanwhile is neither
/// read nor written; the one opened is read and written throughout.
package enum InPlacePatch {
  /// Opens the file at `url`; `locate` reads it (positional reads, never a mapping that a
  /// truncation would turn into `SIGBUS`) and says what to write where; writes it and syncs.
  package static func apply(
    toFileAt url: URL, _ locate: (PositionalFileByteSource) throws -> (offset: Int, bytes: Data)
  ) throws {
    let (file, size) = try FileDescriptor.openRegularFile(url.path, .readWrite)
    let source = PositionalFileByteSource(taking: file, count: size)  // closes `file` when released
    try withExtendedLifetime(source) {
      let (offset, bytes) = try locate(source)
      try bytes.withUnsafeBytes { try file.write($0, at: offset) }
      try file.sync()
    }
  }
}
