import ArgumentParser
import MapBuffer

/// `mapbuffer get FILE KEY [--stored]`: one item's value on standard output.
struct Get: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Write one key's value to standard output, exactly as it is.",
    // Written out because the generated one shows the key, collected as an array, as `[<key> ...]`.
    usage: "mapbuffer get <file> <key> [--stored]",
    discussion: """
      For a MapBuffer the value is decompressed and its checksum checked; --stored writes the \
      item as stored instead. For an IntMap the value is printed in decimal with a newline. \
      A missing key is a message on standard error and exit status 1.

      Examples:
        mapbuffer get cells.mb 2848 > 2848.bin
        mapbuffer get cells.mb 2848 --stored | zstd -d
        mapbuffer get labels.im 17
      """
  )

  @Argument(help: "A MapBuffer or IntMap file, or its http(s) URL.")
  var file: String

  /// The key as typed: collected with `.allUnrecognized` so that `-1` is reported as a bad key,
  /// not as an unknown option; ``singleKey(from:)`` requires exactly one.
  @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The key, a decimal integer.", valueName: "key"))
  var key: [String] = []

  @Flag(help: "Write the item's stored bytes, without decompressing or checking its checksum.")
  var stored = false

  func run() async throws {
    let key = try singleKey(from: key)
    var output = StandardOutput()
    switch try await MapFile.openForItems(file) {
    #if HTTP
    case .remote(let remote):
      // One range request for the item.
      let value = try await describingFailures(RemoteInput.displayName(file)) {
        try await stored ? remote.storedBytes(forKey: key) : remote[key]
      }
      guard let value else { throw ToolFailure("key \(key) is not in \(RemoteInput.displayName(file))") }
      try value.withUnsafeBytes { try output.writeDirectly($0) }
    #endif
    case .local(.mapBuffer(let map)):
      let value = try describingFailures(RemoteInput.displayName(file)) {
        try stored ? map.storedBytes(forKey: key) : map[key]
      }
      guard let value else { throw ToolFailure("key \(key) is not in \(RemoteInput.displayName(file))") }
      try value.withUnsafeBytes { try output.writeDirectly($0) }
    case .local(.intMap(let map)):
      guard let value = try describingFailures(RemoteInput.displayName(file), { try map[key] }) else {
        throw ToolFailure("key \(key) is not in \(RemoteInput.displayName(file))")
      }
      if stored {
        try withUnsafeBytes(of: value.littleEndian) { try output.writeDirectly($0) }
      } else {
        try output.write("\(value)\n")
      }
    }
    try output.flush()
  }
}
