import ArgumentParser
import Foundation
@_spi(MapBufferTool) import MapBuffer

/// `mapbuffer info FILE [--json]`: what a file is and how it is laid out.
struct Info: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Show what a file is: kind, format version, codec, key count and sizes.",
    discussion: """
      Reads the header only, so it answers at once for a file of any size.

      Examples:
        mapbuffer info cells.mb
        mapbuffer info cells.mb --json
      """
  )

  @Argument(help: "A MapBuffer or IntMap file, or its http(s) URL.")
  var file: String

  @Flag(help: "Print one JSON object: kind, format_version, compression, count, index_bytes, data_bytes, size.")
  var json = false

  func run() async throws {
    let fields: [(name: String, value: InfoValue)]
    switch try await MapFile.openIndex(file) {
    case .mapBuffer(let map):
      fields = [
        ("kind", .text("mapbuffer")),
        ("format_version", .number(Int(map.formatVersion.rawValue))),
        ("compression", .text(map.compression.name)),
        ("count", .number(map.count)),
        ("index_bytes", .number(map.indexByteCount)),
        ("data_bytes", .number(map.dataByteCount)),
        ("size", .number(map.byteCount)),
      ]
    case .intMap(let map):
      fields = [
        ("kind", .text("intmap")),
        ("format_version", .number(0)),
        ("compression", .text("none")),
        ("count", .number(map.count)),
        ("index_bytes", .number(map.byteCount - IntMap.headerByteCount)),
        ("data_bytes", .number(0)),
        ("size", .number(map.byteCount)),
      ]
    }
    var output = StandardOutput()
    if json {
      let members = fields.map { "\(InfoValue.text($0.name).json): \($0.value.json)" }
      try output.write("{" + members.joined(separator: ", ") + "}\n")
    } else {
      for field in fields {
        try output.write("\(field.name.replacingOccurrences(of: "_", with: " ")): \(field.value.text)\n")
      }
    }
    try output.flush()
  }
}

/// A value `info` prints.
enum InfoValue {
  case text(String)
  case number(Int)

  var json: String {
    switch self {
    case .text(let text): Self.jsonString(text)
    case .number(let number): String(number)
    }
  }

  /// `text` as a JSON string literal (Foundation's escaping, slashes left as they are).
  private static func jsonString(_ text: String) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .withoutEscapingSlashes
    guard let data = try? encoder.encode(text) else { return "\"\"" }
    return String(decoding: data, as: UTF8.self)
  }

  var text: String {
    switch self {
    case .text(let text): text
    case .number(let number): String(number)
    }
  }
}
