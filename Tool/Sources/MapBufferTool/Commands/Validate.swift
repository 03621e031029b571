import ArgumentParser
import MapBuffer

/// `mapbuffer validate FILE [--deep]`: `ok`, or the first problem found.
struct Validate: AsyncParsableCommand {
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

  @Argument(help: "A MapBuffer or IntMap file, or its http(s) URL.")
  var file: String

  @Flag(help: "Also check every checksum and decode every item.")
  var deep = false

  func run() async throws {
    let map: MapFile
    // --deep reads every item: with positional reads, so that a file that shrinks meanwhile is an
    // error, not SIGBUS.
    switch deep
      ? try await MapFile.openForItems(file, access: .positionalReads) : .local(try await MapFile.openIndex(file))
    {
    case .local(let file):
      map = file
    #if HTTP
    case .remote(let remote):
      // Every item fetched in large coalesced ranges, checked, and dropped.
      try await describingFailures("\(RemoteInput.displayName(file)) is invalid") { try await remote.validate(.deep) }
      var output = StandardOutput()
      try output.write("ok\n")
      try output.flush()
      return
    #endif
    }
    try describingFailures("\(RemoteInput.displayName(file)) is invalid") {
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
