import ArgumentParser
import MapBuffer

/// `mapbuffer keys FILE`: every key, ascending, one per line.
struct Keys: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Print every key in decimal, ascending, one per line.",
    discussion: """
      Examples:
        mapbuffer keys cells.mb
        mapbuffer keys cells.mb | wc -l
      """
  )

  @Argument(help: "A MapBuffer or IntMap file, or its http(s) URL.")
  var file: String

  func run() async throws {
    let map = try await MapFile.openIndex(file)
    let keys: [UInt64] = try describingFailures(RemoteInput.displayName(file)) {
      switch map {
      case .mapBuffer(let map): try map.keys
      case .intMap(let map): try map.keys
      }
    }
    var output = StandardOutput()
    for key in keys {
      try output.write(String(key))
      try output.write(CollectionOfOne(UInt8(ascii: "\n")))
    }
    try output.flush()
  }
}
