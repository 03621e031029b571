import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a file atomically: into a temporary file in the target's directory, then a rename.
///
/// Readers see either the old file or the whole new one. On any failure the target is
/// untouched and the temporary file removed.
package enum AtomicFile {
  /// A fault for tests to inject into the writes of the current task: every write through an
  /// ``Output`` puts the first half of its bytes on disk, then fails with this `errno`, as a
  /// full disk does. `nil` (the default) injects nothing.
  @TaskLocal package static var injectedWriteError: Int32?

  /// An open temporary file that `body` writes through.
  package struct Output {
    let descriptor: Int32
    /// The temporary file's path.
    package let path: String

    /// Writes all of `bytes` at the current position.
    package func write(_ bytes: UnsafeRawBufferPointer) throws {
      if let code = AtomicFile.injectedWriteError, let base = bytes.baseAddress {
        _ = systemWrite(descriptor, base, bytes.count / 2)
        throw MapBufferError.io(operation: "write", path: path, errno: code)
      }
      var done = 0
      while done < bytes.count {
        let result = systemWrite(descriptor, bytes.baseAddress! + done, bytes.count - done)
        if result < 0 {
          if errno == EINTR { continue }
          throw MapBufferError.io(operation: "write", path: path, errno: errno)
        }
        done += result
      }
    }

    /// Writes all of `bytes` at byte `offset` of the file, leaving the current position alone.
    package func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws {
      if let code = AtomicFile.injectedWriteError, let base = bytes.baseAddress {
        _ = pwrite(descriptor, base, bytes.count / 2, off_t(offset))
        throw MapBufferError.io(operation: "write", path: path, errno: code)
      }
      try PositionalIO.write(bytes, to: descriptor, at: offset, path: path)
    }

    /// Writes all of `bytes` at the current position.
    package func write<Bytes: ContiguousBytes>(_ bytes: Bytes) throws {
      try bytes.withUnsafeBytes { try write($0) }
    }
  }

  /// Creates a temporary file beside `url`, lets `body` fill it, flushes it to disk and renames
  /// it over `url`.
  ///
  /// A new file gets mode 0644; a replaced file keeps its mode.
  package static func write<Result>(to url: URL, _ body: (Output) throws -> Result) throws -> Result {
    let target = url.standardizedFileURL.path
    let directory = (target as NSString).deletingLastPathComponent
    let name = (target as NSString).lastPathComponent
    let (descriptor, temporary) = try PositionalIO.createUniqueFile(
      in: directory, prefix: ".\(name).tmp-", operation: "create a temporary file in")
    var isOpen = true
    do {
      var existing = stat()
      let mode: mode_t = stat(target, &existing) == 0 ? existing.st_mode & 0o7777 : 0o644
      guard fchmod(descriptor, mode) == 0 else {
        throw MapBufferError.io(operation: "chmod", path: temporary, errno: errno)
      }
      let result = try body(Output(descriptor: descriptor, path: temporary))
      guard fsync(descriptor) == 0 else { throw MapBufferError.io(operation: "fsync", path: temporary, errno: errno) }
      isOpen = false
      guard close(descriptor) == 0 else { throw MapBufferError.io(operation: "close", path: temporary, errno: errno) }
      guard rename(temporary, target) == 0 else {
        throw MapBufferError.io(operation: "rename to \(target)", path: temporary, errno: errno)
      }
      syncDirectory(directory)
      return result
    } catch {
      if isOpen { close(descriptor) }
      unlink(temporary)
      throw error
    }
  }

  /// Flushes a directory entry change to disk; best effort.
  private static func syncDirectory(_ directory: String) {
    let descriptor = systemOpen(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard descriptor >= 0 else { return }
    _ = fsync(descriptor)
    close(descriptor)
  }
}

/// `write(2)`, named apart from the methods called `write`.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
  write(descriptor, bytes, count)
}

/// `open(2)`, named apart from local variables.
private func systemOpen(_ path: String, _ flags: Int32) -> Int32 {
  open(path, flags)
}
