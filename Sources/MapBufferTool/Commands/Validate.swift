import ArgumentParser
import MapBuffer

/// `mapbuffer validate FILE [--deep]`: `ok`, or the first problem found.
struct Validate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Check a file's structure and, with --deep, every item.",
    discussion: """
      Prints `ok` and exits 0 when the file is valid. Otherwise prints the first problem, \
      naming the key or index position, on standard error and exits 1.

      The shallow check reads the header and the index: offsets in order and inside the file, \
      keys in Eytzinger order. --deep also checks every item's checksum and decodes it.

      Examples:
        mapbuffer validate cells.mb
        mapbuffer validate cells.mb --deep && echo intact
      """
  )

  @Argument(help: "A MapBuffer or IntMap file.")
  var file: String

  @Flag(help: "Also check every checksum and decode every item.")
  var deep = false

  func run() throws {
    let map = try MapFile.open(file)
    try describingFailures("\(file) is invalid") {
      switch map {
      case .mapBuffer(let map):
        let progress = ProgressBar("validating", total: deep ? map.count : 0)
        defer { progress.finish() }
        try map.validate(deep ? .deep : .shallow) { checked, _ in progress.update(checked) }
      case .intMap(let map):
        try map.validate()
      }
    }
    var output = StandardOutput()
    try output.write("ok\n")
    try output.flush()
  }
}
