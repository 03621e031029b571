import CMapBufferPlatform
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Operations on names in the file system: rename, remove, create directories and unique files.
///
/// Like ``FileDescriptor``, every call retries when interrupted and throws
/// ``MapBufferError/io(operation:path:errno:)`` naming the path.
@_spi(MapBufferTool) public enum FileSystem {
  /// Renames `source` to `destination`, replacing it atomically if it exists (`rename`).
  public static func rename(_ source: String, to destination: String) throws {
    _ = try SystemCall.retryingOnInterrupt("rename to \(destination)", path: source) {
      systemRename(source, destination)
    }
  }

  /// Removes the name `path` (`unlink`).
  public static func unlink(_ path: String) throws {
    _ = try SystemCall.retryingOnInterrupt("remove", path: path) { systemUnlink(path) }
  }

  /// Removes the empty directory `path` (`rmdir`); a directory that is not empty stays.
  public static func removeDirectory(_ path: String) throws {
    _ = try SystemCall.retryingOnInterrupt("remove directory", path: path) { rmdir(path) }
  }

  /// Creates the directory `path` with `permissions` less the umask (`mkdir`).
  public static func makeDirectory(_ path: String, permissions: UInt16 = 0o777) throws {
    _ = try SystemCall.retryingOnInterrupt("create directory", path: path) { mkdir(path, mode_t(permissions)) }
  }

  /// Creates and opens a new file in `directory` named `prefix`, twelve random letters and
  /// `suffix`, for reading and writing, failing rather than opening anything that exists.
  ///
  /// The file gets `permissions` less the umask: 0o666 for a file that becomes the user's
  /// (it then follows the umask, as any new file does), 0o600 for a private temporary.
  /// The name stays short whatever the names around it, so that a target whose name is as
  /// long as the file system allows can still be written through a temporary beside it.
  ///
  /// - Throws: ``MapBufferError/io(operation:path:errno:)`` with `operation`, naming `directory`.
  public static func createUniqueFile(
    in directory: String, prefix: String, suffix: String = "", permissions: UInt16, operation: String
  ) throws -> FileDescriptor {
    let folder = directory.isEmpty ? "." : directory
    for _ in 0..<100 {
      let path = "\(folder)/\(prefix)\(randomName())\(suffix)"
      do {
        return try FileDescriptor.open(
          path, .readWrite, options: [.create, .exclusiveCreate, .noFollow], permissions: permissions)
      } catch let error as MapBufferError where error.posixErrorCode == EEXIST {
        continue
      } catch let error as MapBufferError where error.code == .io {
        throw SystemCall.error(operation, path: folder, errno: error.posixErrorCode ?? EIO)
      }
    }
    throw SystemCall.error(operation, path: folder, errno: EEXIST)
  }

  /// Creates a new directory, 0o700, in `directory`, named `prefix` and twelve random letters;
  /// returns its path.
  public static func createPrivateDirectory(in directory: String, prefix: String) throws -> String {
    let folder = directory.isEmpty ? "." : directory
    for _ in 0..<100 {
      let path = "\(folder)/\(prefix)\(randomName())"
      do {
        try makeDirectory(path, permissions: 0o700)
        return path
      } catch let error as MapBufferError where error.posixErrorCode == EEXIST {
        continue
      }
    }
    throw SystemCall.error("create directory", path: folder, errno: EEXIST)
  }

  /// Flushes `directory`'s entries (a rename or a new name in it) to disk; best effort, as
  /// not every file system can sync a directory.
  public static func syncDirectory(_ directory: String) {
    guard let descriptor = try? FileDescriptor.open(directory.isEmpty ? "." : directory, .readOnly, options: .directory)
    else { return }
    try? descriptor.sync()
    descriptor.close()
  }

  /// Flushes the files `names` of the folder `folder` to disk, and the folder's entries: on
  /// Linux with one `syncfs` for the whole file system (thousands of `fsync` calls, each a
  /// journal commit, take a minute where this takes a moment), elsewhere one `fsync` a file.
  public static func syncFiles(_ names: some Sequence<String>, in folder: String) throws {
    let directory = try FileDescriptor.open(folder.isEmpty ? "." : folder, .readOnly, options: .directory)
    defer { directory.close() }
    var result: Int32 = 0
    repeat { result = mb_sync_file_system(directory.rawValue) } while result != 0 && errno == EINTR
    if result == 0 { return }
    guard errno == ENOSYS else { throw SystemCall.error("sync", path: folder) }
    for name in names {
      let file = try FileDescriptor.open(name, .readOnly, options: .noFollow, relativeTo: directory)
      defer { file.close() }
      try file.sync()
    }
    try directory.sync()
  }

  /// The directory part of `path` (`""` for a bare name).
  public static func directory(of path: String) -> String {
    (path as NSString).deletingLastPathComponent
  }

  /// Twelve random lowercase letters and digits.
  private static func randomName() -> String {
    let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)
    var generator = SystemRandomNumberGenerator()
    return String(decoding: (0..<12).map { _ in alphabet.randomElement(using: &generator)! }, as: UTF8.self)
  }
}

// The system's functions, named apart from the methods above.
private func systemRename(_ source: String, _ destination: String) -> Int32 { rename(source, destination) }
private func systemUnlink(_ path: String) -> Int32 { unlink(path) }
