import ArgumentParser
import Foundation
import MapBuffer

/// `mapbuffer unpack FILE -o DIR`: every item as a file named by its key.
struct Unpack: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Write each item of a map to DIR/KEY.",
    discussion: """
      Values are decoded and checked first, in a hidden staging folder inside DIR; only when \
      every item has been written are the files moved into place, so a corrupt map leaves DIR \
      as it was. Existing files named by a key are replaced; if such a name is taken by \
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
    } catch {
      // A failed run leaves no directory of its own making behind.
      created.removeAll()
      throw error
    }
  }

  /// Stages every value in a hidden folder inside `target`, checks every destination, then
  /// moves the values into place, rolling back if any move fails.
  private func unpack(_ map: MapFile, into target: URL) throws {
    let staging = target.appendingPathComponent(
      ".mapbuffer-unpack-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
    guard mkdir(staging.path, 0o700) == 0 else {
      throw ToolFailure("\(printableName(output)): cannot create a staging folder: \(systemErrorText(errno))")
    }
    var keepStaging = false
    defer { if !keepStaging { try? FileManager.default.removeItem(at: staging) } }

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
          "\(printableName(destination)): \(kind.notRegularFileText), so key \(key) cannot be unpacked; nothing was changed")
      }
    }

    // Each file being replaced is first moved aside into the staging folder, so that a failed
    // move can be undone by moving everything back.
    let originals = staging.appendingPathComponent("originals")
    if !replaced.isEmpty, mkdir(originals.path, 0o700) != 0 {
      throw ToolFailure("\(printableName(output)): cannot create a staging folder: \(systemErrorText(errno))")
    }
    var movedAside: [String] = []
    var placed: [String] = []
    /// `message` as a failure, after undoing the moves made so far.
    func failure(_ message: String) -> ToolFailure {
      if let problem = rollBack(placed: placed, movedAside: movedAside, target: target, staging: staging) {
        keepStaging = true
        return ToolFailure("\(message); \(problem)")
      }
      return ToolFailure("\(message); nothing was changed")
    }
    for key in keys {
      let name = String(key)
      let destination = target.appendingPathComponent(name).path
      if replaced.contains(key) {
        guard rename(destination, originals.appendingPathComponent(name).path) == 0 else {
          let reason = systemErrorText(errno)
          throw failure("\(printableName(destination)): cannot move the existing file aside to replace it with key \(key): \(reason)")
        }
        movedAside.append(name)
      }
      guard rename(staging.appendingPathComponent(name).path, destination) == 0 else {
        let reason = systemErrorText(errno)
        throw failure("\(printableName(destination)): cannot move key \(key) into place: \(reason)")
      }
      placed.append(name)
    }
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
      if rename(destination, staging.appendingPathComponent(name).path) != 0 && unlink(destination) != 0 {
        stuck.append(name)
      }
    }
    for name in movedAside.reversed() {
      if rename(originals.appendingPathComponent(name).path, target.appendingPathComponent(name).path) != 0 {
        stuck.append(name)
      }
    }
    guard !stuck.isEmpty else { return nil }
    return "\(stuck.count) file(s) could not be restored (\(stuck.joined(separator: ", "))); "
      + "the originals are in \(printableName(originals.path))"
  }

  private func write(_ value: Data, named key: UInt64, in directory: URL) throws {
    let url = directory.appendingPathComponent(String(key))
    try describingFailures("\(printableName(output)): cannot write key \(key)") { try value.write(to: url) }
  }
}
