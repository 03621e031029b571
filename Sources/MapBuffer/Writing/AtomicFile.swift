import Foundation

/// Writes a file atomically: into a temporary file in the target's directory, then a rename.
///
/// Readers see either the old file or the whole new one. On any failure the target is
/// untouched and the temporary file removed; a process stopped by a signal removes it through
/// ``TemporaryFiles``. A new file's permissions follow the umask (0o666 less the umask, as for
/// any new file); a replaced file keeps its permissions.
package enum AtomicFile {
  /// A fault for tests to inject into the writes of the current task: every write through an
  /// ``Output`` puts the first half of its bytes on disk, then fails with this `errno`, as a
  /// full disk does. `nil` (the default) injects nothing.
  @TaskLocal package static var injectedWriteError: Int32?

  /// The temporary file's name: short, whatever the target's (a target name of 255 bytes must work).
  static let temporaryPrefix = ".mapbuffer-"
  static let temporarySuffix = ".tmp"

  /// An open temporary file that `body` writes through.
  package struct Output {
    let file: FileDescriptor
    /// The temporary file's path.
    package var path: String { file.path }

    /// Writes all of `bytes` at the current position.
    package func write(_ bytes: UnsafeRawBufferPointer) throws {
      if let code = AtomicFile.injectedWriteError {
        try? file.write(UnsafeRawBufferPointer(rebasing: bytes.prefix(bytes.count / 2)))
        throw SystemCall.error("write", path: path, errno: code)
      }
      try file.write(bytes)
    }

    /// Writes all of `bytes` at byte `offset` of the file, leaving the current position alone.
    package func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws {
      if let code = AtomicFile.injectedWriteError {
        try? file.write(UnsafeRawBufferPointer(rebasing: bytes.prefix(bytes.count / 2)), at: offset)
        throw SystemCall.error("write", path: path, errno: code)
      }
      try file.write(bytes, at: offset)
    }

    /// Writes all of `bytes` at the current position.
    package func write<Bytes: ContiguousBytes>(_ bytes: Bytes) throws {
      try bytes.withUnsafeBytes { try write($0) }
    }
  }

  /// Creates a temporary file beside `url`, lets `body` fill it, flushes it to disk and renames
  /// it over `url`.
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
    let registration: TemporaryFiles.Registration
    private var isOpen = true

    init(replacing url: URL) throws {
      let target = url.standardizedFileURL.path
      let directory = FileSystem.directory(of: target)
      self.target = target
      self.directory = directory
      let (file, registration) = try TemporaryFiles.shared.register(.file) {
        let file = try FileSystem.createUniqueFile(
          in: directory, prefix: AtomicFile.temporaryPrefix, suffix: AtomicFile.temporarySuffix,
          permissions: 0o666, operation: "create a temporary file in")
        return (file, file.path)
      }
      output = Output(file: file)
      self.registration = registration
      do {
        // A replaced file keeps its permissions; a new one has the umask's (from its creation).
        if let existing = try FileStatus.of(path: target), existing.kind == .regularFile {
          try file.setPermissions(existing.permissions)
        }
      } catch {
        abort()
        throw error
      }
    }

    /// Flushes the file to disk and renames it over the target.
    func commit() throws {
      try output.file.sync()
      isOpen = false
      try output.file.closeAfterWriting()
      try TemporaryFiles.shared.commit(registration) { try FileSystem.rename(output.path, to: target) }
      FileSystem.syncDirectory(directory)
    }

    /// Closes and removes the temporary file; the target stays as it was.
    func abort() {
      if isOpen { output.file.close() }
      isOpen = false
      try? FileSystem.unlink(output.path)
      TemporaryFiles.shared.unregister(registration)
    }
  }
}
