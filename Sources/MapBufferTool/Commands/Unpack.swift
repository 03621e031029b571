import ArgumentParser
import Foundation
import MapBuffer

/// `mapbuffer unpack FILE -o DIR`: every item as a file named by its key.
struct Unpack: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Write each item of a map to DIR/KEY.",
    discussion: """
      Values are decoded and checked first, in a hidden staging folder inside DIR; only when \
      every item has been written are the files moved into place, so a corrupt map leaves DIR \
      as it was. DIR is created if missing. An IntMap's values are written in decimal with a newline.

      Examples:
        mapbuffer unpack cells.mb -o fragments/
        mapbuffer unpack cells.mb -o /tmp/x && ls /tmp/x | head
      """
  )

  @Argument(help: "A MapBuffer or IntMap file.")
  var file: String

  @Option(name: .shortAndLong, help: "The directory to write into.")
  var output: String

  func run() throws {
    let map = try MapFile.open(file)
    let fileManager = FileManager.default
    let target = URL(fileURLWithPath: output, isDirectory: true)
    try describingFailures(output) {
      try fileManager.createDirectory(at: target, withIntermediateDirectories: true)
    }
    let staging = target.appendingPathComponent(".mapbuffer-unpack-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
    try describingFailures(output) { try fileManager.createDirectory(at: staging, withIntermediateDirectories: false) }
    defer { try? fileManager.removeItem(at: staging) }

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
    for key in keys {
      let name = String(key)
      try describingFailures(target.appendingPathComponent(name).path) {
        guard rename(staging.appendingPathComponent(name).path, target.appendingPathComponent(name).path) == 0 else {
          throw ToolFailure("cannot move into place: \(String(cString: strerror(errno)))")
        }
      }
    }
  }

  private func write(_ value: Data, named key: UInt64, in directory: URL) throws {
    let url = directory.appendingPathComponent(String(key))
    try describingFailures(output) { try value.write(to: url) }
  }
}
