import Foundation
import MapBuffer
import MapBufferTestSupport
import Testing

// Helpers shared by the `mapbuffer` command tests: the fixtures' manifests (written by the
// Python reference, so independent of this package's code), failure-message checks, random
// directories to pack and directory snapshots to compare.

// MARK: - Fixture manifests

/// One MapBuffer fixture as `Tests/Fixtures/mapbuffer/manifest.json` describes it.
struct MapBufferFixture: Sendable, CustomStringConvertible {
  /// Path relative to `Tests/Fixtures`.
  var file: String
  var formatVersion: Int
  var compression: String
  var count: Int
  var size: Int
  /// Key -> (length, SHA-256 hex) of its value.
  var entries: [UInt64: (length: Int, sha256: String)]

  var url: URL { Fixtures.url(file) }
  var path: String { url.path }
  var sortedKeys: [UInt64] { entries.keys.sorted() }
  var description: String { file }

  /// Every fixture in the manifest.
  static let all: [MapBufferFixture] = {
    do {
      let json = try JSONSerialization.jsonObject(with: Fixtures.data("mapbuffer/manifest.json"))
      guard let records = json as? [[String: Any]] else { return [] }
      return records.map { record in
        var entries: [UInt64: (length: Int, sha256: String)] = [:]
        for (key, value) in record["entries"] as? [String: [String: Any]] ?? [:] {
          entries[UInt64(key)!] = ((value["length"] as! NSNumber).intValue, value["sha256"] as! String)
        }
        return MapBufferFixture(
          file: record["file"] as! String,
          formatVersion: (record["format_version"] as! NSNumber).intValue,
          compression: record["compression"] as! String,
          count: (record["count"] as! NSNumber).intValue,
          size: (record["size"] as! NSNumber).intValue,
          entries: entries)
      }
    } catch {
      return []
    }
  }()

  /// The fixture at `file` (relative to `Tests/Fixtures`).
  static func named(_ file: String) -> MapBufferFixture {
    all.first { $0.file == file }!
  }
}

/// One IntMap fixture as `Tests/Fixtures/intmap/manifest.json` describes it.
struct IntMapFixture: Sendable, CustomStringConvertible {
  var file: String
  var count: Int
  var entries: [UInt64: UInt64]

  var url: URL { Fixtures.url(file) }
  var path: String { url.path }
  var description: String { file }

  static let all: [IntMapFixture] = {
    do {
      let json = try JSONSerialization.jsonObject(with: Fixtures.data("intmap/manifest.json"))
      guard let records = json as? [[String: Any]] else { return [] }
      return records.map { record in
        var entries: [UInt64: UInt64] = [:]
        for (key, value) in record["entries"] as? [String: String] ?? [:] {
          entries[UInt64(key)!] = UInt64(value)!
        }
        return IntMapFixture(
          file: record["file"] as! String, count: (record["count"] as! NSNumber).intValue, entries: entries)
      }
    } catch {
      return []
    }
  }()

  static func named(_ file: String) -> IntMapFixture {
    all.first { $0.file == file }!
  }
}

// MARK: - Results

extension ToolRunner.Result {
  /// The non-empty lines of standard error.
  var errorLines: [Substring] {
    standardError.split(whereSeparator: \.isNewline).filter { !$0.allSatisfy(\.isWhitespace) }
  }
}

/// Expects a successful run: status 0 and nothing on standard error (no progress output
/// when standard error is not a terminal).
func expectSuccess(
  _ result: ToolRunner.Result, _ what: String,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(
    result.status == 0, "\(what): exit status \(result.status), stderr: \(result.standardError)",
    sourceLocation: sourceLocation)
  #expect(
    result.standardError.isEmpty, "\(what): unexpected stderr: \(result.standardError.debugDescription)",
    sourceLocation: sourceLocation)
}

/// Expects a failure reported the way the spec asks: a non-zero status and exactly one
/// non-empty line on standard error, mentioning every string of `mentioning`, with no crash
/// report, no usage text and no raw `NSError` dump.
func expectOneLineFailure(
  _ result: ToolRunner.Result, _ what: String, mentioning: [String] = [], status: Int32? = nil,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  let stderr = result.standardError
  if let status {
    #expect(
      result.status == status, "\(what): exit status \(result.status), expected \(status)",
      sourceLocation: sourceLocation)
  } else {
    #expect(
      result.status != 0, "\(what): exit status 0, stderr: \(stderr.debugDescription)",
      sourceLocation: sourceLocation)
  }
  #expect(
    result.errorLines.count == 1, "\(what): expected one line on stderr, got \(stderr.debugDescription)",
    sourceLocation: sourceLocation)
  for text in mentioning {
    #expect(
      stderr.contains(text), "\(what): stderr \(stderr.debugDescription) does not mention \(text.debugDescription)",
      sourceLocation: sourceLocation)
  }
  for marker in ["Fatal error", "Stack dump", "backtrace", "Usage:", "Error Domain=", "UserInfo="] {
    #expect(
      !stderr.contains(marker), "\(what): stderr has \(marker.debugDescription): \(stderr.debugDescription)",
      sourceLocation: sourceLocation)
  }
}

// MARK: - Files and directories

/// A new temporary directory, removed at the end of `body`.
func withTemporaryDirectory<Result>(_ body: (URL) throws -> Result) throws -> Result {
  let directory = try Fixtures.temporaryDirectory()
  defer { try? FileManager.default.removeItem(at: directory) }
  return try body(directory)
}

/// Every entry of `directory` (names, including hidden ones), sorted.
func entryNames(of directory: URL) throws -> [String] {
  try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
}

/// The regular files of `directory` by name, with their bytes.
func snapshot(of directory: URL) throws -> [String: Data] {
  var result: [String: Data] = [:]
  for name in try entryNames(of: directory) {
    let url = directory.appendingPathComponent(name)
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
      result[name] = try Data(contentsOf: url)
    }
  }
  return result
}

/// Writes `items` into `directory` as files named by key in decimal.
func writeItems(_ items: [UInt64: Data], into directory: URL) throws {
  try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  for (key, value) in items {
    try value.write(to: directory.appendingPathComponent(String(key)))
  }
}

/// A deterministic random map with edge keys, an empty value, a large compressible value,
/// incompressible values and every byte value (NUL and newline included).
func randomItems(seed: UInt64, count: Int = 40) -> [UInt64: Data] {
  var generator = SeededGenerator(seed: seed)
  var items: [UInt64: Data] = [:]
  let edgeKeys: [UInt64] = [0, 1, UInt64(Int64.max), 1 << 63, .max - 1, .max]
  for key in edgeKeys { items[key] = Data.random(count: Int.random(in: 0...64, using: &generator), using: &generator) }
  items[0] = Data()
  items[1] = Data((0...255).map { UInt8($0) } + Array("\n\r\0 tail".utf8))
  items[2] = Data(repeating: 0x41, count: 100_000) + Data.random(count: 17, using: &generator)
  while items.count < count {
    let key = generator.next() % 3 == 0 ? UInt64.random(in: 0..<10_000, using: &generator) : generator.next()
    let length = Int.random(in: 0...2_000, using: &generator)
    if generator.next() % 2 == 0 {
      items[key] = Data.random(count: length, using: &generator)
    } else {
      let pattern = Data.random(count: Int.random(in: 1...8, using: &generator), using: &generator)
      items[key] = Data((0..<length).map { pattern[$0 % pattern.count] })
    }
  }
  return items
}

/// Lowercase hexadecimal SHA-256 of `data`.
func sha256Hex(_ data: Data) -> String {
  SHA256.hash(data).map { String(format: "%02x", $0) }.joined()
}

/// Parses `info --json` output into a dictionary.
func parseJSONObject(_ data: Data) throws -> [String: Any] {
  let object = try JSONSerialization.jsonObject(with: data)
  guard let dictionary = object as? [String: Any] else {
    throw CocoaError(.coderInvalidValue, userInfo: [NSDebugDescriptionErrorKey: "not a JSON object"])
  }
  return dictionary
}

/// The codecs and format versions `pack` and `transcode` accept.
let codecNames = ["none", "gzip", "br", "zstd", "lzma"]
let formatVersions = [0, 1]

/// The little-endian UInt64 at `offset` of `data`.
func loadUInt64(_ data: Data, at offset: Int) -> UInt64 {
  var value: UInt64 = 0
  for index in 0..<8 { value |= UInt64(data[data.startIndex + offset + index]) << (8 * UInt64(index)) }
  return value
}

/// Stores `value` little-endian at `offset` of `data`.
func storeUInt64(_ value: UInt64, in data: inout Data, at offset: Int) {
  for index in 0..<8 {
    data[data.startIndex + offset + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(index)))
  }
}

/// For a MapBuffer's bytes: each index position's key and its item's stored byte range
/// (payload plus checksum), read straight from the layout (16-byte header, 16-byte entries).
func itemLayout(of data: Data) -> [(position: Int, key: UInt64, range: Range<Int>)] {
  let count =
    Int(data[data.startIndex + 12]) | Int(data[data.startIndex + 13]) << 8
    | Int(data[data.startIndex + 14]) << 16 | Int(data[data.startIndex + 15]) << 24
  let starts = (0..<count).map { Int(loadUInt64(data, at: 16 + 16 * $0 + 8)) }
  return (0..<count).map { position in
    let end = position + 1 < count ? starts[position + 1] : data.count
    return (position, loadUInt64(data, at: 16 + 16 * position), starts[position]..<end)
  }
}
