import Foundation
import MapBuffer
import MapBufferTestSupport
import Testing

// Bad input of every kind: each command gives one clear line on standard error (mentioning the
// path or key, with no crash report, usage text or raw NSError dump), a non-zero exit status,
// and writes nothing.

/// A kind of bad input file, made fresh in a temporary directory.
enum BadInput: String, CaseIterable, Sendable, CustomStringConvertible {
  case missing, directory, empty, threeBytes, garbage, truncatedMapBufferHeader, truncatedIndex
  case unknownCodec, unknownVersion, truncatedIntMap, intMapBadValueType

  var description: String { rawValue }

  /// Creates the input at `url` (or, for `missing`, nothing).
  func make(at url: URL) throws {
    switch self {
    case .missing:
      break
    case .directory:
      try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
      try Data("x".utf8).write(to: url.appendingPathComponent("1"))
    case .empty:
      try Data().write(to: url)
    case .threeBytes:
      try Data("map".utf8).write(to: url)
    case .garbage:
      var generator = SeededGenerator(seed: 3)
      try (Data("PK\u{3}\u{4}".utf8) + Data.random(count: 300, using: &generator)).write(to: url)
    case .truncatedMapBufferHeader:
      try Fixtures.data("mapbuffer/v1-zstd-8.mb").prefix(11).write(to: url)
    case .truncatedIndex:
      try Fixtures.data("mapbuffer/v1-zstd-8.mb").prefix(40).write(to: url)
    case .unknownCodec:
      var data = try Fixtures.data("mapbuffer/v1-none-3.mb")
      data.replaceSubrange(8..<12, with: Data("snap".utf8))
      try data.write(to: url)
    case .unknownVersion:
      var data = try Fixtures.data("mapbuffer/v1-none-3.mb")
      data[7] = 7
      try data.write(to: url)
    case .truncatedIntMap:
      try Fixtures.data("intmap/intmap-5.im").prefix(30).write(to: url)
    case .intMapBadValueType:
      var data = try Fixtures.data("intmap/intmap-5.im")
      data[5] = 9
      try data.write(to: url)
    }
  }
}

/// The commands that read a map file, with the arguments that follow the path.
enum ReadingCommand: String, CaseIterable, Sendable, CustomStringConvertible {
  case info, infoJSON, keys, get, getStored, validate, validateDeep, unpack, transcode, skeleton

  var description: String { rawValue }

  /// The arguments for reading `path`, writing (if at all) to `output`.
  func arguments(_ path: String, output: String) -> [String] {
    switch self {
    case .info: ["info", path]
    case .infoJSON: ["info", path, "--json"]
    case .keys: ["keys", path]
    case .get: ["get", path, "17"]
    case .getStored: ["get", path, "17", "--stored"]
    case .validate: ["validate", path]
    case .validateDeep: ["validate", path, "--deep"]
    case .unpack: ["unpack", path, "-o", output]
    case .transcode: ["transcode", path, "-o", output]
    case .skeleton: ["skeleton", path, "17"]
    }
  }
}

@Suite("mapbuffer failures")
struct FailureTests {
  @Test(
    "every reading command, every bad input: one clear line naming the path, non-zero exit, nothing written",
    arguments: ReadingCommand.allCases, BadInput.allCases)
  func badInput(command: ReadingCommand, input: BadInput) throws {
    try withTemporaryDirectory { directory in
      let url = directory.appendingPathComponent("input.mb")
      try input.make(at: url)
      let before = try entryNames(of: directory)
      let output = directory.appendingPathComponent("output")
      let result = try ToolRunner.run(command.arguments(url.path, output: output.path))
      expectOneLineFailure(result, "\(command) on \(input)", mentioning: [url.path])
      #expect(result.standardOutput.isEmpty, "\(command) on \(input) printed \(result.output.debugDescription)")
      #expect(try entryNames(of: directory) == before, "\(command) on \(input) left something behind")
    }
  }

  @Test(
    "a truncated data region: commands reading items fail naming the path; header commands still answer",
    arguments: ["none", "zstd"])
  func truncatedData(codec: String) throws {
    try withTemporaryDirectory { directory in
      let original = try Fixtures.data("mapbuffer/v1-\(codec)-100.mb")
      let url = directory.appendingPathComponent("cut.mb")
      try original.prefix(original.count - original.count / 4).write(to: url)
      let fixture = MapBufferFixture.named("mapbuffer/v1-\(codec)-100.mb")

      // The last item is cut off whatever the layout: get the key whose item ends the file.
      let lastKey = itemLayout(of: original).max { $0.range.lowerBound < $1.range.lowerBound }!.key
      let get = try ToolRunner.run(["get", url.path, String(lastKey)])
      expectOneLineFailure(get, "get of a cut item", mentioning: [url.path, String(lastKey)])
      #expect(get.standardOutput.isEmpty)

      for arguments in [["validate", url.path], ["validate", url.path, "--deep"]] {
        expectOneLineFailure(try ToolRunner.run(arguments), "\(arguments)", mentioning: [url.path], status: 1)
      }
      let output = directory.appendingPathComponent("out")
      expectOneLineFailure(
        try ToolRunner.run(["unpack", url.path, "-o", output.path]), "unpack", mentioning: [url.path])
      #expect(!FileManager.default.fileExists(atPath: output.appendingPathComponent(String(lastKey)).path))
      let transcoded = directory.appendingPathComponent("t.mb")
      expectOneLineFailure(
        try ToolRunner.run(["transcode", url.path, "-o", transcoded.path]), "transcode", mentioning: [url.path])
      #expect(!FileManager.default.fileExists(atPath: transcoded.path))

      // The header and index are intact: info and keys work.
      let keys = try ToolRunner.run(["keys", url.path])
      expectSuccess(keys, "keys")
      #expect(keys.output == fixture.sortedKeys.map { "\($0)\n" }.joined())
      let info = try ToolRunner.run(["info", url.path, "--json"])
      expectSuccess(info, "info")
      #expect(
        (try parseJSONObject(info.standardOutput)["size"] as? NSNumber)?.intValue == original.count - original.count / 4
      )
    }
  }

  @Test(
    "a key that is not a decimal UInt64: one line naming it",
    arguments: [
      "abc", "1.5", "18446744073709551616", "0x10", "1e3", "12 ", "٣",
    ])
  func badKey(key: String) throws {
    for arguments in [
      ["get", Fixtures.url("mapbuffer/v1-none-8.mb").path, key],
      ["get", Fixtures.url("intmap/intmap-5.im").path, key],
      ["skeleton", Fixtures.url("skeleton/fragments-br.frags").path, key],
    ] {
      let result = try ToolRunner.run(arguments)
      expectOneLineFailure(result, "\(arguments)", mentioning: [key])
      #expect(result.standardOutput.isEmpty)
    }
  }

  @Test("an empty key is one line")
  func emptyKey() throws {
    let result = try ToolRunner.run(["get", Fixtures.url("mapbuffer/v1-none-8.mb").path, ""])
    expectOneLineFailure(result, "get with an empty key")
  }

  @Test("a negative key is one line naming it, like any other key that is not a UInt64")
  func negativeKey() throws {
    let result = try ToolRunner.run(["get", Fixtures.url("mapbuffer/v1-none-8.mb").path, "-1"])
    expectOneLineFailure(result, "get with key -1", mentioning: ["-1"])
  }

  @Test(
    "pack of a missing directory or of a file: one clear line naming it, nothing written",
    arguments: ["missing", "file"])
  func packBadDirectory(kind: String) throws {
    try withTemporaryDirectory { directory in
      let source = directory.appendingPathComponent("frags")
      if kind == "file" { try Data("not a directory".utf8).write(to: source) }
      let map = directory.appendingPathComponent("map.mb")
      let result = try ToolRunner.run(["pack", source.path, "-o", map.path])
      expectOneLineFailure(result, "pack of a \(kind)", mentioning: [source.path])
      #expect(!FileManager.default.fileExists(atPath: map.path))
    }
  }

  @Test("pack or transcode into a folder that does not exist: one line naming it")
  func unwritableOutput() throws {
    try withTemporaryDirectory { directory in
      let source = directory.appendingPathComponent("frags")
      try writeItems([1: Data("a".utf8)], into: source)
      let missingParent = directory.appendingPathComponent("no/such/dir/map.mb")
      let pack = try ToolRunner.run(["pack", source.path, "-o", missingParent.path])
      expectOneLineFailure(
        pack, "pack into a missing folder", mentioning: [missingParent.deletingLastPathComponent().path])
      let transcode = try ToolRunner.run([
        "transcode", Fixtures.url("mapbuffer/v1-none-8.mb").path, "-o", missingParent.path,
      ])
      expectOneLineFailure(
        transcode, "transcode into a missing folder", mentioning: [missingParent.deletingLastPathComponent().path])
    }
  }

  @Test("unpack onto an existing regular file: one clear line, the file unchanged")
  func unpackOntoFile() throws {
    try withTemporaryDirectory { directory in
      let target = directory.appendingPathComponent("out")
      try Data("precious".utf8).write(to: target)
      let result = try ToolRunner.run(["unpack", Fixtures.url("mapbuffer/v1-none-8.mb").path, "-o", target.path])
      expectOneLineFailure(result, "unpack onto a file", mentioning: [target.path])
      #expect(try Data(contentsOf: target) == Data("precious".utf8))
      #expect(try entryNames(of: directory) == ["out"])
    }
  }

  @Test("a corrupt item: get names the key and writes nothing to stdout")
  func corruptItemGet() throws {
    try withTemporaryDirectory { directory in
      var data = try Fixtures.data("mapbuffer/v0-lzma-8.mb")
      let item = itemLayout(of: data)[2]
      for offset in item.range.prefix(6) { data[offset] = 0 }  // no longer an .xz stream
      let url = directory.appendingPathComponent("bad.mb")
      try data.write(to: url)
      let result = try ToolRunner.run(["get", url.path, String(item.key)])
      expectOneLineFailure(result, "get corrupt", mentioning: [url.path, String(item.key)])
      #expect(result.standardOutput.isEmpty)
      // The other items still read.
      let other = itemLayout(of: data)[0]
      expectSuccess(try ToolRunner.run(["get", url.path, String(other.key)]), "get intact item")
    }
  }
}
