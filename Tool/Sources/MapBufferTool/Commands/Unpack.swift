import ArgumentParser
import Foundation
@_spi(MapBufferTool) import MapBuffer

/// `mapbuffer unpack FILE -o DIR`: every item as a file named by its key.
struct Unpack: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Write each item of a map to DIR/KEY.",
    discussion: """
      The map's structure is checked first, as validate does; a map it rejects is refused. \
      Values are decoded and checked first, in a hidden staging folder inside DIR; only when \
      every item has been written and flushed to disk are the files moved into place, so a \
      corrupt map, or an interrupted run, leaves DIR as it was. Existing files named by a key are replaced; if such a name is taken by \
      anything but a regular file (a directory, a symbolic link), or a move fails, nothing is \
      changed. DIR is created if missing (and removed again if unpacking fails). An IntMap's \
      values are written in decimal with a newline.

      Examples:
        mapbuffer unpack cells.mb -o fragments/
        mapbuffer unpack cells.mb -o /tmp/x && ls /tmp/x | head
      """
  )

  @Argument(help: "A MapBuffer or IntMap file, or its http(s) URL.")
  var file: String

  @Option(name: .shortAndLong, help: "The directory to write into.")
  var output: String

  func run() async throws {
    let map = try await MapFile.openWhole(file)
    var created = CreatedDirectories()
    try created.create(output)
    do {
      try unpack(map, into: URL(fileURLWithPath: output, isDirectory: true))
      created.keep()
    } catch {
      // A failed run leaves no directory of its own making behind.
      created.removeAll()
      throw error
    }
  }

  /// Stages every value in a hidden folder inside `target`, checks every destination, then
  /// moves the values into place, rolling back if any move fails.
  private func unpack(_ map: MapFile, into target: URL) throws {
    // Registered, so that a run stopped by a signal removes it too.
    let (stagingPath, registration) = try describingFailures("\(printableName(output)): cannot create a staging folder")
    {
      try TemporaryFiles.shared.register(.folderTree) {
        let path = try FileSystem.createPrivateDirectory(in: target.path, prefix: ".mapbuffer-unpack-")
        return (path, path)
      }
    }
    let staging = URL(fileURLWithPath: stagingPath, isDirectory: true)
    var keepStaging = false
    defer {
      if !keepStaging { try? FileManager.default.removeItem(at: staging) }
      TemporaryFiles.shared.unregister(registration)
    }

    var keys: [UInt64] = []
    switch map {
    case .mapBuffer(let map):
      let progress = ProgressBar("unpacking", total: map.count)
      defer { progress.finish() }
      var entries = map.entries()
      while let (key, value) = try describingFailures(file, { try entries.next() }) {
        try write(value, named: key, in: staging)
        keys.append(key)
        progress.update(keys.count)
      }
    case .intMap(let map):
      for (key, value) in try describingFailures(file, { try map.sortedEntries() }) {
        try write(Data("\(value)\n".utf8), named: key, in: staging)
        keys.append(key)
      }
    }

    // Every destination must be free or a regular file (to be replaced) before anything moves.
    var replaced: Set<UInt64> = []
    for key in keys {
      let destination = target.appendingPathComponent(String(key)).path
      let kind: PathKind?
      do {
        kind = try PathKind.of(destination, followingLinks: false)
      } catch let failure as ToolFailure {
        throw ToolFailure("\(failure.description), so key \(key) cannot be unpacked; nothing was changed")
      }
      switch kind {
      case nil: break
      case .regularFile?: replaced.insert(key)
      case let kind?:
        throw ToolFailure(
          "\(printableName(destination)): \(kind.notRegularFileText), so key \(key) cannot be unpacked; nothing was changed"
        )
      }
    }

    // Each file being replaced is first moved aside into the staging folder, so that a failed
    // move can be undone by moving everything back.
    let originals = staging.appendingPathComponent("originals")
    if !replaced.isEmpty {
      try describingFailures("\(printableName(output)): cannot create a staging folder") {
        try FileSystem.makeDirectory(originals.path, permissions: 0o700)
      }
    }
    // The staged files and their names, on disk before any of them moves.
    try describingFailures("\(printableName(output)): cannot flush the staged files to disk") {
      try FileSystem.syncFiles(keys.lazy.map { String($0) }, in: staging.path)
    }
    var movedAside: [String] = []
    var placed: [String] = []
    /// `message` as a failure, after undoing the moves made so far.
    func failure(_ message: String) -> ToolFailure {
      if let problem = rollBack(placed: placed, movedAside: movedAside, target: target, staging: staging) {
        // It holds the user's originals now: no longer a temporary that an interruption removes.
        keepStaging = true
        TemporaryFiles.shared.unregister(registration)
        return ToolFailure("\(message); \(problem)")
      }
      return ToolFailure("\(message); nothing was changed")
    }
    // The moves are not cut halfway by SIGINT or SIGTERM: the handler waits for them.
    try TemporaryFiles.shared.withoutRemoval {
      for key in keys {
        let name = String(key)
        let destination = target.appendingPathComponent(name).path
        if replaced.contains(key) {
          do {
            try FileSystem.rename(destination, to: originals.appendingPathComponent(name).path)
          } catch {
            throw failure(
              "\(printableName(destination)): cannot move the existing file aside to replace it with key \(key): \(reason(error))"
            )
          }
          movedAside.append(name)
        }
        do {
          try FileSystem.rename(staging.appendingPathComponent(name).path, to: destination)
        } catch {
          throw failure("\(printableName(destination)): cannot move key \(key) into place: \(reason(error))")
        }
        placed.append(name)
      }
    }
    FileSystem.syncDirectory(target.path)
  }

  /// The system's words for a failed rename.
  private func reason(_ error: any Error) -> String {
    if let error = error as? MapBufferError, error.code == .io, let code = error.posixErrorCode {
      return systemErrorText(code)
    }
    return failureText(error)
  }

  /// Undoes the moves made so far: takes the placed values away and moves the originals
  /// (in `staging/originals`) back.
  ///
  /// - Returns: `nil` when everything was undone; otherwise what could not be, and where the
  ///   originals are (the caller then keeps the staging folder).
  private func rollBack(placed: [String], movedAside: [String], target: URL, staging: URL) -> String? {
    let originals = staging.appendingPathComponent("originals")
    var stuck: [String] = []
    for name in placed.reversed() {
      let destination = target.appendingPathComponent(name).path
      if (try? FileSystem.rename(destination, to: staging.appendingPathComponent(name).path)) == nil
        && (try? FileSystem.unlink(destination)) == nil
      {
        stuck.append(name)
      }
    }
    for name in movedAside.reversed() {
      if (try? FileSystem.rename(
        originals.appendingPathComponent(name).path, to: target.appendingPathComponent(name).path)) == nil
      {
        stuck.append(name)
      }
    }
    guard !stuck.isEmpty else { return nil }
    return "\(stuck.count) file(s) could not be restored (\(stuck.joined(separator: ", "))); "
      + "the originals are in \(printableName(originals.path))"
  }

  /// Writes a staged file, new (its permissions follow the umask); they are all flushed to disk
  /// before any is moved into place.
  ///
  /// No removal of registered temporaries runs while a file is created: an interruption's
  /// removal of the staging folder could otherwise race with a file appearing in it, fail on
  /// the folder that is no longer empty, and leave the staging folder and its parents behind.
  private func write(_ value: Data, named key: UInt64, in directory: URL) throws {
    let path = directory.appendingPathComponent(String(key)).path
    try TemporaryFiles.shared.withoutRemoval { try writeNewFile(value, at: path, key: key) }
  }

  /// ``write(_:named:in:)``'s file, created, written and closed.
  private func writeNewFile(_ value: Data, at path: String, key: UInt64) throws {
    try describingFailures("\(printableName(output)): cannot write key \(key)") {
      let file = try FileDescriptor.open(path, .writeOnly, options: [.create, .exclusiveCreate, .noFollow])
      do {
        try file.write(value)
      } catch {
        file.close()
        throw error
      }
      try file.closeAfterWriting()
    }
  }
}
