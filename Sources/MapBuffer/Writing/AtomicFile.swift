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
    let pending = try Pending(replacing: url)
    do {
      let result = try body(pending.output)
      try pending.commit()
      return result
    } catch {
      pending.abort()
      throw error
    }
  }

  /// ``write(to:_:)`` for a `body` that suspends, such as one filling the file from the network.
  package static func write<Result>(to url: URL, _ body: (Output) async throws -> Result) async throws -> Result {
    let pending = try Pending(replacing: url)
    do {
      let result = try await body(pending.output)
      try pending.commit()
      return result
    } catch {
      pending.abort()
      throw error
    }
  }

  /// A temporary file that becomes the target when committed, or disappears when aborted.
  private final class Pending {
    let output: Output
    let target: String
    let directory: String
    private var isOpen = true

    init(replacing url: URL) throws {
      target = url.standardizedFileURL.path
      directory = (target as NSString).deletingLastPathComponent
      let name = (target as NSString).lastPathComponent
      let (descriptor, temporary) = try PositionalIO.createUniqueFile(
        in: directory, prefix: ".\(name).tmp-", operation: "create a temporary file in")
      output = Output(descriptor: descriptor, path: temporary)
      var existing = stat()
      let mode: mode_t = stat(target, &existing) == 0 ? existing.st_mode & 0o7777 : 0o644
      guard fchmod(descriptor, mode) == 0 else {
        let code = errno
        abort()
        throw MapBufferError.io(operation: "chmod", path: temporary, errno: code)
      }
    }

    /// Flushes the file to disk and renames it over the target.
    func commit() throws {
      let temporary = output.path
      guard fsync(output.descriptor) == 0 else { throw MapBufferError.io(operation: "fsync", path: temporary, errno: errno) }
      isOpen = false
      guard close(output.descriptor) == 0 else { throw MapBufferError.io(operation: "close", path: temporary, errno: errno) }
      guard rename(temporary, target) == 0 else {
        throw MapBufferError.io(operation: "rename to \(target)", path: temporary, errno: errno)
      }
      AtomicFile.syncDirectory(directory)
    }

    /// Closes and removes the temporary file; the target stays as it was.
    func abort() {
      if isOpen { close(output.descriptor) }
      isOpen = false
      unlink(output.path)
    }
  }

  /// Flushes a directory entry change to disk; best effort.
  fileprivate static func syncDirectory(_ directory: String) {
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
