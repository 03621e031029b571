import Foundation
import MapBuffer
import MapBufferTestSupport
import Testing

// `pack`, `unpack` and `transcode`: round trips for every codec and format version, byte
// identity with the library's writer, the Python reference reading a packed file, offending
// directory entries, and atomicity (nothing the user had is changed by a failed command).

/// Every (codec, format version) pair.
let codecVersionPairs: [(String, Int)] = codecNames.flatMap { codec in formatVersions.map { (codec, $0) } }

@Suite("mapbuffer pack and unpack")
struct PackUnpackTests {
  @Test("pack, then unpack, gives back the same directory", arguments: codecVersionPairs)
  func roundTrip(codec: String, version: Int) throws {
    try withTemporaryDirectory { directory in
      let items = randomItems(seed: 1000 + UInt64(codecNames.firstIndex(of: codec)!) * 2 + UInt64(version))
      let source = directory.appendingPathComponent("source")
      try writeItems(items, into: source)
      let map = directory.appendingPathComponent("map.mb")
      let pack = try ToolRunner.run([
        "pack", source.path, "-o", map.path, "--compress", codec, "--format-version", String(version),
      ])
      expectSuccess(pack, "pack \(codec) v\(version)")

      let info = try parseJSONObject(try ToolRunner.run(["info", map.path, "--json"]).standardOutput)
      #expect(info["compression"] as? String == codec)
      #expect((info["format_version"] as? NSNumber)?.intValue == version)
      #expect((info["count"] as? NSNumber)?.intValue == items.count)

      // The header says what was asked for, independently of the tool's `info`.
      let bytes = try Data(contentsOf: map)
      #expect(bytes.prefix(7) == Data("mapbufr".utf8))
      #expect(Int(bytes[7]) == version)
      #expect(String(decoding: bytes[8..<12], as: UTF8.self) == (codec == "br" ? "00br" : codec))

      // Through the library.
      #expect(try MapBuffer(contentsOf: map).dictionary() == items)

      let output = directory.appendingPathComponent("unpacked")
      let unpack = try ToolRunner.run(["unpack", map.path, "-o", output.path])
      expectSuccess(unpack, "unpack \(codec) v\(version)")
      let expected = Dictionary(uniqueKeysWithValues: items.map { (String($0.key), $0.value) })
      #expect(try snapshot(of: output) == expected)
      #expect(try entryNames(of: output) == expected.keys.sorted(), "no staging folder or other entries left")
    }
  }

  @Test("pack with codec none is byte-identical to MapBufferWriter(compression: .none)", arguments: formatVersions)
  func packNoneMatchesWriter(version: Int) throws {
    try withTemporaryDirectory { directory in
      let items = randomItems(seed: 7 + UInt64(version), count: 60)
      let source = directory.appendingPathComponent("source")
      try writeItems(items, into: source)
      let map = directory.appendingPathComponent("map.mb")
      var arguments = ["pack", source.path, "-o", map.path, "--compress", "none"]
      if version == 0 { arguments += ["--format-version", "0"] }
      expectSuccess(try ToolRunner.run(arguments), "pack")
      let expected = try MapBufferWriter(
        compression: .none, formatVersion: #require(MapBuffer.FormatVersion(rawValue: UInt8(version)))
      ).encode(items)
      #expect(try Data(contentsOf: map) == expected)
    }
  }

  @Test("pack's defaults: codec none, format version 1, identical to the default writer")
  func packDefaults() throws {
    try withTemporaryDirectory { directory in
      let items = randomItems(seed: 31, count: 20)
      let source = directory.appendingPathComponent("source")
      try writeItems(items, into: source)
      let map = directory.appendingPathComponent("map.mb")
      expectSuccess(try ToolRunner.run(["pack", source.path, "-o", map.path]), "pack")
      let bytes = try Data(contentsOf: map)
      #expect(bytes[7] == 1)
      #expect(bytes[8..<12] == Data("none".utf8))
      #expect(bytes == (try MapBufferWriter(compression: .none).encode(items)))
    }
  }

  @Test(
    "--level is passed to the codec: pack equals the writer at that level",
    arguments: [
      ("gzip", 1), ("gzip", 9), ("zstd", 1), ("zstd", 19), ("br", 0), ("br", 11), ("lzma", 0), ("lzma", 9),
    ])
  func packLevel(codec: String, level: Int) throws {
    try withTemporaryDirectory { directory in
      let items = randomItems(seed: 55, count: 25)
      let source = directory.appendingPathComponent("source")
      try writeItems(items, into: source)
      let map = directory.appendingPathComponent("map.mb")
      expectSuccess(
        try ToolRunner.run(["pack", source.path, "-o", map.path, "--compress", codec, "--level", String(level)]), "pack"
      )
      let compression = MapBuffer.Compression(name: codec)!
      let expected = try MapBufferWriter(compression: compression, compressionLevel: level).encode(items)
      #expect(try Data(contentsOf: map) == expected, "\(codec) level \(level)")
      #expect(try MapBuffer(contentsOf: map).dictionary() == items)
    }
  }

  @Test("the Python reference reads a file packed with zstd", arguments: formatVersions)
  func pythonReadsPackedZstd(version: Int) throws {
    try withTemporaryDirectory { directory in
      let items = randomItems(seed: 4242 + UInt64(version), count: 80)
      let source = directory.appendingPathComponent("source")
      try writeItems(items, into: source)
      let map = directory.appendingPathComponent("map.mb")
      expectSuccess(
        try ToolRunner.run([
          "pack", source.path, "-o", map.path, "--compress", "zstd", "--format-version", String(version),
        ]), "pack")
      let manifest = directory.appendingPathComponent("expected.json")
      let object = Dictionary(uniqueKeysWithValues: items.map { (String($0.key), $0.value.hex) })
      try JSONSerialization.data(withJSONObject: object).write(to: manifest)
      let output = try ReferencePython.run(Self.pythonCheck, arguments: [map.path, manifest.path, String(version)])
      #expect(
        String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == "ok \(items.count)")
    }
  }

  /// argv: map manifest version. Checks the map with the reference reader against key -> hex.
  static let pythonCheck = #"""
    import json, sys
    from mapbuffer import MapBuffer

    path, manifest, version = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(manifest) as f:
        expected = {int(k): bytes.fromhex(v) for k, v in json.load(f).items()}
    with open(path, "rb") as f:
        mb = MapBuffer(f.read())
    assert mb.compress == "zstd", mb.compress
    assert mb.format_version == version, mb.format_version
    assert len(mb) == len(expected), (len(mb), len(expected))
    assert mb.validate() is True
    items = {int(k): bytes(v) for k, v in mb.items()}
    assert items == expected, sorted(set(items) ^ set(expected))[:5]
    for key, value in expected.items():
        if key < 2**63:
            assert bytes(mb[key]) == value, key
    print("ok", len(items))
    """#

  @Test("an empty directory packs into an empty map; unpacking it writes nothing")
  func emptyDirectory() throws {
    try withTemporaryDirectory { directory in
      let source = directory.appendingPathComponent("empty")
      try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
      let map = directory.appendingPathComponent("map.mb")
      expectSuccess(try ToolRunner.run(["pack", source.path, "-o", map.path, "--compress", "lzma"]), "pack")
      #expect(try MapBuffer(contentsOf: map).count == 0)
      #expect(try Data(contentsOf: map).count == 16)
      let output = directory.appendingPathComponent("out")
      expectSuccess(try ToolRunner.run(["unpack", map.path, "-o", output.path]), "unpack")
      #expect(try entryNames(of: output).isEmpty)
    }
  }

  @Test("pack with relative paths, run in another directory")
  func relativePaths() throws {
    try withTemporaryDirectory { directory in
      let items: [UInt64: Data] = [3: Data("three".utf8), 11: Data("eleven".utf8)]
      try writeItems(items, into: directory.appendingPathComponent("frags"))
      expectSuccess(try ToolRunner.run(["pack", "frags", "-o", "out.mb"], in: directory), "pack")
      #expect(try MapBuffer(contentsOf: directory.appendingPathComponent("out.mb")).dictionary() == items)
      expectSuccess(try ToolRunner.run(["unpack", "out.mb", "-o", "again"], in: directory), "unpack")
      #expect(
        try snapshot(of: directory.appendingPathComponent("again")) == [
          "3": Data("three".utf8), "11": Data("eleven".utf8),
        ])
    }
  }

  @Test("pack replaces an existing output file and leaves no temporary file")
  func packReplacesExisting() throws {
    try withTemporaryDirectory { directory in
      let items: [UInt64: Data] = [1: Data("one".utf8)]
      let source = directory.appendingPathComponent("source")
      try writeItems(items, into: source)
      let output = directory.appendingPathComponent("out")
      try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
      let map = output.appendingPathComponent("map.mb")
      try Data("old contents".utf8).write(to: map)
      expectSuccess(try ToolRunner.run(["pack", source.path, "-o", map.path]), "pack")
      #expect(try MapBuffer(contentsOf: map).dictionary() == items)
      #expect(try entryNames(of: output) == ["map.mb"])
    }
  }

  @Test("entries that are not regular files named by a decimal key are listed; nothing is written")
  func offendingEntries() throws {
    try withTemporaryDirectory { directory in
      let source = directory.appendingPathComponent("source")
      try writeItems([1: Data("a".utf8), 20: Data("b".utf8), .max: Data("c".utf8)], into: source)
      let offenders = ["notes.txt", ".hidden", "12a", "-5", "18446744073709551616", "3.0", " 4"]
      for name in offenders { try Data("x".utf8).write(to: source.appendingPathComponent(name)) }
      try FileManager.default.createDirectory(
        at: source.appendingPathComponent("77"), withIntermediateDirectories: true)

      let map = directory.appendingPathComponent("map.mb")
      let result = try ToolRunner.run(["pack", source.path, "-o", map.path])
      expectOneLineFailure(result, "pack with offenders", mentioning: [source.lastPathComponent])
      for name in offenders + ["77"] {
        #expect(
          result.standardError.contains(name), "offender \(name.debugDescription) not listed: \(result.standardError)")
      }
      for valid in ["18446744073709551615", "20"] {
        #expect(!result.standardError.contains("\(valid) ("), "valid entry \(valid) listed as an offender")
      }
      #expect(!FileManager.default.fileExists(atPath: map.path), "nothing written")
      #expect(try entryNames(of: directory) == ["source"], "no temporary file left")
    }
  }

  @Test("pack onto an existing file with an offending entry: the old file is byte-identical afterwards")
  func offendingEntryKeepsExistingFile() throws {
    try withTemporaryDirectory { directory in
      let source = directory.appendingPathComponent("source")
      try writeItems([1: Data("a".utf8), 2: Data("b".utf8)], into: source)
      try FileManager.default.createDirectory(
        at: source.appendingPathComponent("subdir"), withIntermediateDirectories: true)
      let map = directory.appendingPathComponent("map.mb")
      let old = try Fixtures.data("mapbuffer/v1-zstd-100.mb")
      try old.write(to: map)
      let result = try ToolRunner.run(["pack", source.path, "-o", map.path, "--compress", "gzip"])
      expectOneLineFailure(result, "pack", mentioning: ["subdir"])
      #expect(try Data(contentsOf: map) == old)
      #expect(try entryNames(of: directory) == ["map.mb", "source"])
    }
  }

  @Test("the same key twice (leading zeros) is an offender")
  func duplicateKeyNames() throws {
    try withTemporaryDirectory { directory in
      let source = directory.appendingPathComponent("source")
      try writeItems([7: Data("seven".utf8)], into: source)
      try Data("also seven".utf8).write(to: source.appendingPathComponent("007"))
      let map = directory.appendingPathComponent("map.mb")
      let result = try ToolRunner.run(["pack", source.path, "-o", map.path])
      expectOneLineFailure(result, "pack with 7 and 007", mentioning: ["007"])
      #expect(!FileManager.default.fileExists(atPath: map.path))
    }
  }

  @Test("an offending file name with a newline still gives one line on stderr")
  func offenderWithNewline() throws {
    try withTemporaryDirectory { directory in
      let source = directory.appendingPathComponent("source")
      try writeItems([7: Data("seven".utf8)], into: source)
      try Data("x".utf8).write(to: source.appendingPathComponent("bad\nname"))
      let map = directory.appendingPathComponent("map.mb")
      let result = try ToolRunner.run(["pack", source.path, "-o", map.path])
      expectOneLineFailure(result, "pack with a newline in a name", mentioning: ["bad"])
      #expect(!FileManager.default.fileExists(atPath: map.path))
    }
  }

  @Test(
    "bad --level, --format-version or --compress: an error, nothing written",
    arguments: [
      ["--compress", "zstd", "--level", "99"], ["--compress", "gzip", "--level", "10"],
      ["--compress", "br", "--level", "12"],
      ["--format-version", "2"],
    ])
  func badEncodingOptions(options: [String]) throws {
    try withTemporaryDirectory { directory in
      let source = directory.appendingPathComponent("source")
      try writeItems([1: Data("a".utf8)], into: source)
      let map = directory.appendingPathComponent("map.mb")
      try Data("keep".utf8).write(to: map)
      let result = try ToolRunner.run(["pack", source.path, "-o", map.path] + options)
      expectOneLineFailure(result, "pack \(options)", mentioning: [options[options.count - 1]])
      #expect(try Data(contentsOf: map) == Data("keep".utf8))
    }
  }

  @Test("an unknown codec name is rejected and nothing is written")
  func unknownCodec() throws {
    try withTemporaryDirectory { directory in
      let source = directory.appendingPathComponent("source")
      try writeItems([1: Data("a".utf8)], into: source)
      let map = directory.appendingPathComponent("map.mb")
      let result = try ToolRunner.run(["pack", source.path, "-o", map.path, "--compress", "snappy"])
      #expect(result.status != 0)
      #expect(result.standardError.contains("snappy"))
      #expect(!FileManager.default.fileExists(atPath: map.path))
    }
  }

  @Test("unpack into a directory with other files: they stay; keyed files are replaced; no staging folder")
  func unpackIntoExistingDirectory() throws {
    try withTemporaryDirectory { directory in
      let output = directory.appendingPathComponent("out")
      try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
      try Data("unrelated".utf8).write(to: output.appendingPathComponent("README"))
      try Data("numbered but not a key".utf8).write(to: output.appendingPathComponent("42"))
      let fixture = MapBufferFixture.named("mapbuffer/v1-gzip-100.mb")
      #expect(fixture.entries[42] == nil)
      let result = try ToolRunner.run(["unpack", fixture.path, "-o", output.path])
      expectSuccess(result, "unpack")
      let files = try snapshot(of: output)
      #expect(files["README"] == Data("unrelated".utf8))
      #expect(files["42"] == Data("numbered but not a key".utf8))
      #expect(try entryNames(of: output) == (fixture.sortedKeys.map(String.init) + ["42", "README"]).sorted())
      for (key, value) in fixture.entries {
        let data = try #require(files[String(key)])
        #expect(data.count == value.length)
        #expect(sha256Hex(data) == value.sha256, "key \(key)")
      }
    }
  }

  @Test("unpack overwrites a file named by a key with the map's value")
  func unpackOverwritesKeyedFile() throws {
    try withTemporaryDirectory { directory in
      let fixture = MapBufferFixture.named("mapbuffer/v0-br-3.mb")
      let key = fixture.sortedKeys[1]
      let output = directory.appendingPathComponent("out")
      try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
      try Data("stale contents that are longer than anything".utf8).write(
        to: output.appendingPathComponent(String(key)))
      expectSuccess(try ToolRunner.run(["unpack", fixture.path, "-o", output.path]), "unpack")
      let data = try Data(contentsOf: output.appendingPathComponent(String(key)))
      #expect(sha256Hex(data) == fixture.entries[key]!.sha256)
    }
  }

  @Test("unpack creates missing parent directories")
  func unpackCreatesDirectories() throws {
    try withTemporaryDirectory { directory in
      let output = directory.appendingPathComponent("a/b/c")
      let fixture = MapBufferFixture.named("mapbuffer/edge-keys-zstd.mb")
      expectSuccess(try ToolRunner.run(["unpack", fixture.path, "-o", output.path]), "unpack")
      #expect(try entryNames(of: output) == fixture.sortedKeys.map(String.init).sorted())
    }
  }

  @Test("unpack of an IntMap writes each value in decimal with a newline")
  func unpackIntMap() throws {
    try withTemporaryDirectory { directory in
      let fixture = IntMapFixture.named("intmap/intmap-1000.im")
      let output = directory.appendingPathComponent("out")
      expectSuccess(try ToolRunner.run(["unpack", fixture.path, "-o", output.path]), "unpack")
      let expected = Dictionary(
        uniqueKeysWithValues: fixture.entries.map { (String($0.key), Data("\($0.value)\n".utf8)) })
      #expect(try snapshot(of: output) == expected)
      #expect(try entryNames(of: output).count == 1000)
    }
  }

  @Test("unpack of a corrupt map: existing files unchanged, no new files, no staging folder left")
  func unpackCorruptMapLeavesDirectory() throws {
    try withTemporaryDirectory { directory in
      // Corrupt the item of the largest key, so that every smaller key is staged before the failure.
      var data = try Fixtures.data("mapbuffer/v1-none-8.mb")
      let layout = itemLayout(of: data)
      let keys = layout.map(\.key).sorted()
      let victim = layout.first { $0.key == keys.last! }!
      data[victim.range.lowerBound] ^= 0xFF
      let map = directory.appendingPathComponent("corrupt.mb")
      try data.write(to: map)

      let output = directory.appendingPathComponent("out")
      try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
      var before: [String: Data] = ["README": Data("mine".utf8)]
      for key in keys.prefix(3) { before[String(key)] = Data("user's \(key)".utf8) }
      for (name, contents) in before { try contents.write(to: output.appendingPathComponent(name)) }

      let result = try ToolRunner.run(["unpack", map.path, "-o", output.path])
      expectOneLineFailure(result, "unpack corrupt", mentioning: [String(victim.key)], status: 1)
      #expect(try snapshot(of: output) == before)
      #expect(try entryNames(of: output) == before.keys.sorted(), "a staging folder or new file was left behind")
    }
  }

  @Test("unpack when a key's path is a directory: fails naming it, and changes no file the user had")
  func unpackConflictIsAtomic() throws {
    try withTemporaryDirectory { directory in
      let items: [UInt64: Data] = [1: Data("new one".utf8), 5: Data("new five".utf8), 9: Data("new nine".utf8)]
      let source = directory.appendingPathComponent("source")
      try writeItems(items, into: source)
      let map = directory.appendingPathComponent("map.mb")
      expectSuccess(try ToolRunner.run(["pack", source.path, "-o", map.path]), "pack")

      let output = directory.appendingPathComponent("out")
      try FileManager.default.createDirectory(at: output.appendingPathComponent("5"), withIntermediateDirectories: true)
      try Data("user's one".utf8).write(to: output.appendingPathComponent("1"))
      let result = try ToolRunner.run(["unpack", map.path, "-o", output.path])
      expectOneLineFailure(result, "unpack onto a directory named 5", mentioning: ["5"])
      #expect(
        result.standardError.contains(output.appendingPathComponent("5").path)
          || result.standardError.contains("key 5"),
        "the message names neither the path nor the key: \(result.standardError)")
      #expect(
        try Data(contentsOf: output.appendingPathComponent("1")) == Data("user's one".utf8),
        "file 1 was overwritten although unpack failed")
      #expect(!FileManager.default.fileExists(atPath: output.appendingPathComponent("9").path))
      #expect(try entryNames(of: output) == ["1", "5"])
    }
  }
}

@Suite("mapbuffer transcode")
struct TranscodeTests {
  @Test("transcode to every codec and version keeps the map", arguments: codecVersionPairs)
  func transcodeAll(codec: String, version: Int) throws {
    try withTemporaryDirectory { directory in
      for file in ["mapbuffer/v1-lzma-100.mb", "mapbuffer/v0-none-100.mb", "mapbuffer/edge-keys-zstd.mb"] {
        let fixture = MapBufferFixture.named(file)
        let output = directory.appendingPathComponent("out-\(codec)-\(version).mb")
        let result = try ToolRunner.run([
          "transcode", fixture.path, "-o", output.path, "--compress", codec, "--format-version", String(version),
        ])
        expectSuccess(result, "transcode \(file) to \(codec) v\(version)")
        let map = try MapBuffer(contentsOf: output)
        #expect(map.compression.name == codec)
        #expect(Int(map.formatVersion.rawValue) == version)
        let transcoded = try map.dictionary()
        #expect(transcoded == (try MapBuffer(contentsOf: fixture.url).dictionary()))
        // Against the Python manifest too.
        #expect(transcoded.count == fixture.count)
        for (key, value) in fixture.entries {
          #expect(transcoded[key].map(sha256Hex) == value.sha256, "\(file) -> \(codec) v\(version), key \(key)")
        }
        let validation = try ToolRunner.run(["validate", output.path, "--deep"])
        expectSuccess(validation, "validate --deep")
      }
    }
  }

  @Test("options not given keep the input's codec and version")
  func keepsUnspecifiedOptions() throws {
    try withTemporaryDirectory { directory in
      let fixture = MapBufferFixture.named("mapbuffer/v0-br-100.mb")
      let versionOnly = directory.appendingPathComponent("v1.mb")
      expectSuccess(
        try ToolRunner.run(["transcode", fixture.path, "-o", versionOnly.path, "--format-version", "1"]), "transcode")
      let a = try MapBuffer(contentsOf: versionOnly)
      #expect(a.compression == .brotli)
      #expect(a.formatVersion == .version1)

      let codecOnly = directory.appendingPathComponent("zstd.mb")
      expectSuccess(
        try ToolRunner.run(["transcode", fixture.path, "-o", codecOnly.path, "--compress", "zstd"]), "transcode")
      let b = try MapBuffer(contentsOf: codecOnly)
      #expect(b.compression == .zstd)
      #expect(b.formatVersion == .version0)

      let nothing = directory.appendingPathComponent("same.mb")
      expectSuccess(try ToolRunner.run(["transcode", fixture.path, "-o", nothing.path]), "transcode")
      let c = try MapBuffer(contentsOf: nothing)
      #expect(c.compression == .brotli)
      #expect(c.formatVersion == .version0)
      for map in [a, b, c] { #expect(try map.dictionary() == (try MapBuffer(contentsOf: fixture.url).dictionary())) }
    }
  }

  @Test("transcode of a none file written by Python to none v1 reproduces it byte for byte")
  func transcodeNoneIsIdentity() throws {
    try withTemporaryDirectory { directory in
      for file in ["mapbuffer/v1-none-1000.mb", "mapbuffer/v0-none-100.mb", "mapbuffer/edge-keys-none.mb"] {
        let output = directory.appendingPathComponent("copy.mb")
        expectSuccess(
          try ToolRunner.run(["transcode", Fixtures.url(file).path, "-o", output.path]), "transcode \(file)")
        #expect(try Data(contentsOf: output) == Fixtures.data(file), "\(file)")
      }
    }
  }

  @Test("transcode in place: output may be the input")
  func inPlace() throws {
    try withTemporaryDirectory { directory in
      let fixture = MapBufferFixture.named("mapbuffer/v1-gzip-1000.mb")
      let url = directory.appendingPathComponent("map.mb")
      try FileManager.default.copyItem(at: fixture.url, to: url)
      let result = try ToolRunner.run([
        "transcode", url.path, "-o", url.path, "--compress", "zstd", "--format-version", "0",
      ])
      expectSuccess(result, "transcode in place")
      let map = try MapBuffer(contentsOf: url)
      #expect(map.compression == .zstd)
      #expect(map.formatVersion == .version0)
      #expect(try map.dictionary() == (try MapBuffer(contentsOf: fixture.url).dictionary()))
      #expect(try entryNames(of: directory) == ["map.mb"])
    }
  }

  @Test("transcode --level is passed to the codec")
  func transcodeLevel() throws {
    try withTemporaryDirectory { directory in
      let fixture = MapBufferFixture.named("mapbuffer/v1-none-100.mb")
      let output = directory.appendingPathComponent("out.mb")
      expectSuccess(
        try ToolRunner.run(["transcode", fixture.path, "-o", output.path, "--compress", "zstd", "--level", "15"]),
        "transcode")
      let items = try MapBuffer(contentsOf: fixture.url).dictionary()
      #expect(try Data(contentsOf: output) == MapBufferWriter(compression: .zstd, compressionLevel: 15).encode(items))
    }
  }

  @Test("transcode of a corrupt map fails naming the key and leaves an existing output untouched")
  func corruptInput() throws {
    try withTemporaryDirectory { directory in
      var data = try Fixtures.data("mapbuffer/v1-zstd-8.mb")
      let item = itemLayout(of: data)[5]
      data[item.range.lowerBound + 1] ^= 0x10
      let input = directory.appendingPathComponent("corrupt.mb")
      try data.write(to: input)
      let output = directory.appendingPathComponent("out.mb")
      let old = try Fixtures.data("mapbuffer/v0-gzip-7.mb")
      try old.write(to: output)
      let result = try ToolRunner.run(["transcode", input.path, "-o", output.path, "--compress", "none"])
      expectOneLineFailure(result, "transcode corrupt", mentioning: [String(item.key)], status: 1)
      #expect(try Data(contentsOf: output) == old)
      #expect(try entryNames(of: directory) == ["corrupt.mb", "out.mb"])
    }
  }

  @Test("transcode of an IntMap is an error naming the file; nothing is written")
  func intMapInput() throws {
    try withTemporaryDirectory { directory in
      let fixture = IntMapFixture.named("intmap/intmap-5.im")
      let output = directory.appendingPathComponent("out.mb")
      let result = try ToolRunner.run(["transcode", fixture.path, "-o", output.path])
      expectOneLineFailure(result, "transcode intmap", mentioning: [fixture.path])
      #expect(!FileManager.default.fileExists(atPath: output.path))
      try Data("keep".utf8).write(to: output)
      let again = try ToolRunner.run(["transcode", fixture.path, "-o", output.path, "--compress", "zstd"])
      expectOneLineFailure(again, "transcode intmap onto existing", mentioning: [fixture.path])
      #expect(try Data(contentsOf: output) == Data("keep".utf8))
    }
  }
}
