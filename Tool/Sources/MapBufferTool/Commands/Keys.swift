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
    // Opening checked the index: reading the keys cannot fail.
    let keys =
      switch map {
      case .mapBuffer(let map): map.keys
      case .intMap(let map): map.keys
      }
    var output = StandardOutput()
    for key in keys {
      try output.write(String(key))
      try output.write(CollectionOfOne(UInt8(ascii: "\n")))
    }
    try output.flush()
  }
}
