import Foundation

/// The temporary files and folders this process has made and not yet renamed into place or
/// removed, so that a process stopped by a signal can remove them before it exits.
///
/// The library registers every temporary it creates (an atomic write's file, a scratch file
/// until it is unlinked); the `mapbuffer` tool registers its staging folders and downloads, and
/// on `SIGINT` or `SIGTERM` calls ``removeAll()`` and exits. Creation and registration happen
/// under one lock, and so do a commit's rename and its unregistration, so that ``removeAll()``
/// sees every temporary exactly once: none is created after it, and none is removed after it
/// became the user's file.
@_spi(MapBufferTool) public final class TemporaryFiles: @unchecked Sendable {
  // @unchecked: `entries` and `isRemoving` are only touched with `lock` held.
  /// The process's registry.
  public static let shared = TemporaryFiles()

  /// How a registered path is removed.
  public enum Kind: Sendable {
    /// A file: unlinked.
    case file
    /// A folder and everything in it.
    case folderTree
    /// A folder removed only if empty (one the user may have put files in meanwhile).
    case emptyFolder
  }

  /// A registered path, to hand back to ``unregister(_:)``.
  public struct Registration: Sendable {
    fileprivate let id: Int
  }

  /// Recursive, so that a registration can change inside ``withoutRemoval(_:)`` or ``commit(_:_:)``.
  private let lock = NSRecursiveLock()
  private var entries: [Int: (path: String, kind: Kind)] = [:]
  private var nextID = 0
  private var isRemoving = false

  /// Calls `create`, which makes a temporary and returns its path, and registers the path,
  /// both before ``removeAll()`` can run.
  ///
  /// - Throws: what `create` throws. Once the process is removing its temporaries to exit,
  ///   `create` is not called: the caller waits for the exit (``waitForExitIfRemoving()``).
  public func register<Result>(
    _ kind: Kind, _ create: () throws -> (result: Result, path: String)
  ) throws -> (Result, Registration) {
    lock.lock()
    defer { lock.unlock() }
    waitForExitIfRemoving()
    let (result, path) = try create()
    nextID += 1
    entries[nextID] = (path, kind)
    return (result, Registration(id: nextID))
  }

  /// Forgets a registration: the path became the user's file, or was removed.
  public func unregister(_ registration: Registration) {
    lock.lock()
    defer { lock.unlock() }
    entries[registration.id] = nil
  }

  /// Runs `body` (a rename into place) and forgets `registration`, with no removal in between.
  public func commit<Result>(_ registration: Registration, _ body: () throws -> Result) rethrows -> Result {
    lock.lock()
    defer { lock.unlock() }
    let result = try body()
    entries[registration.id] = nil
    return result
  }

  /// Runs `body` with no removal in between: a series of moves that must not be cut halfway.
  public func withoutRemoval<Result>(_ body: () throws -> Result) rethrows -> Result {
    lock.lock()
    defer { lock.unlock() }
    waitForExitIfRemoving()
    return try body()
  }

  /// Called with the lock held: once ``removeAll()`` has run, the process is exiting with the
  /// signal's status, so a thread that comes to create or move a temporary parks (lock released)
  /// instead of going on, failing on what was removed, and racing the exit with a status of its own.
  private func waitForExitIfRemoving() {
    guard isRemoving else { return }
    lock.unlock()
    while true { pause() }
  }

  /// Removes every registered path, newest first, and refuses registrations from then on.
  /// Called from a signal handler's queue before the process exits; never from a signal handler itself.
  public func removeAll() {
    lock.lock()
    defer { lock.unlock() }
    isRemoving = true
    for id in entries.keys.sorted(by: >) {
      guard let (path, kind) = entries[id] else { continue }
      switch kind {
      case .file: try? FileSystem.unlink(path)
      case .folderTree: try? FileManager.default.removeItem(atPath: path)
      case .emptyFolder: try? FileSystem.removeDirectory(path)
      }
    }
    entries.removeAll()
  }
}
