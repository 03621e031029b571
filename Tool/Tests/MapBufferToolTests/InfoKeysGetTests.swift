import Foundation
import MapBuffer
import MapBufferTestSupport
import Testing

// `info`, `keys` and `get`, checked against the fixtures' manifests (written by the Python
// reference) and, for `--stored`, against the library.

@Suite("mapbuffer info")
struct InfoTests {
  @Test("the fixture manifests load (so the parameterized tests below are not empty)")
  func manifestsLoad() {
    #expect(MapBufferFixture.all.count == 87)
    #expect(MapBufferFixture.all.allSatisfy { $0.entries.count == $0.count })
    #expect(IntMapFixture.all.count == 5)
    #expect(IntMapFixture.all.allSatisfy { $0.entries.count == $0.count })
  }

  @Test(
    "info --json reports what the Python manifest says, for every MapBuffer fixture", arguments: MapBufferFixture.all)
  func infoJSONMapBuffer(fixture: MapBufferFixture) throws {
    let result = try ToolRunner.run(["info", fixture.path, "--json"])
    expectSuccess(result, "info --json \(fixture)")
    #expect(result.output.hasSuffix("\n"))
    #expect(result.output.dropLast().split(separator: "\n").count == 1, "one JSON object on one line")
    let json = try parseJSONObject(result.standardOutput)
    #expect(json["kind"] as? String == "mapbuffer")
    #expect((json["format_version"] as? NSNumber)?.intValue == fixture.formatVersion)
    #expect(json["compression"] as? String == fixture.compression)
    #expect((json["count"] as? NSNumber)?.intValue == fixture.count)
    let fileSize = try FileManager.default.attributesOfItem(atPath: fixture.path)[.size] as! NSNumber
    #expect((json["size"] as? NSNumber)?.intValue == fixture.size)
    #expect((json["size"] as? NSNumber)?.intValue == fileSize.intValue)
    // Layout: a 16-byte header, 16 bytes of index per key, the rest data.
    #expect((json["index_bytes"] as? NSNumber)?.intValue == 16 * fixture.count)
    #expect((json["data_bytes"] as? NSNumber)?.intValue == fixture.size - 16 - 16 * fixture.count)
  }

  @Test(
    "info --json agrees with the library",
    arguments: ["mapbuffer/v0-br-7.mb", "mapbuffer/large-lzma.mb", "mapbuffer/edge-keys-zstd.mb"])
  func infoJSONAgreesWithLibrary(file: String) throws {
    let map = try MapBuffer(contentsOf: Fixtures.url(file))
    let json = try parseJSONObject(try ToolRunner.run(["info", Fixtures.url(file).path, "--json"]).standardOutput)
    #expect((json["count"] as? NSNumber)?.intValue == map.count)
    #expect(json["compression"] as? String == map.compression.name)
    #expect((json["format_version"] as? NSNumber)?.intValue == Int(map.formatVersion.rawValue))
    #expect((json["size"] as? NSNumber)?.intValue == map.byteCount)
    #expect((json["index_bytes"] as? NSNumber)?.intValue == map.indexByteCount)
    #expect((json["data_bytes"] as? NSNumber)?.intValue == map.dataByteCount)
  }

  @Test("info --json on an IntMap: kind intmap, count and size", arguments: IntMapFixture.all)
  func infoJSONIntMap(fixture: IntMapFixture) throws {
    let result = try ToolRunner.run(["info", fixture.path, "--json"])
    expectSuccess(result, "info --json \(fixture)")
    let json = try parseJSONObject(result.standardOutput)
    let fileSize = try FileManager.default.attributesOfItem(atPath: fixture.path)[.size] as! NSNumber
    #expect(json["kind"] as? String == "intmap")
    #expect((json["count"] as? NSNumber)?.intValue == fixture.count)
    #expect((json["size"] as? NSNumber)?.intValue == fileSize.intValue)
    // An IntMap is a 10-byte header and 16 bytes per key.
    #expect(fileSize.intValue == 10 + 16 * fixture.count)
    #expect(json["compression"] as? String == "none")
    #expect(json["format_version"] is NSNumber)
  }

  @Test("the text form names kind, version, codec, count, index and data bytes and size")
  func infoText() throws {
    let fixture = MapBufferFixture.named("mapbuffer/v1-gzip-100.mb")
    let result = try ToolRunner.run(["info", fixture.path])
    expectSuccess(result, "info")
    let fields = Self.fields(result.output)
    #expect(fields["kind"]?.lowercased() == "mapbuffer")
    #expect(fields["format version"] == "1")
    #expect(fields["compression"] == "gzip")
    #expect(fields["count"] == "100")
    #expect(fields["index bytes"] == String(16 * 100))
    #expect(fields["data bytes"] == String(fixture.size - 16 - 1600))
    #expect(fields["size"] == String(fixture.size))

    let intmap = IntMapFixture.named("intmap/intmap-1000.im")
    let intResult = try ToolRunner.run(["info", intmap.path])
    expectSuccess(intResult, "info intmap")
    let intFields = Self.fields(intResult.output)
    #expect(intFields["kind"]?.lowercased() == "intmap")
    #expect(intFields["count"] == "1000")
    #expect(intFields["size"] == String(10 + 16 * 1000))
  }

  @Test("info tells the kind from the magic, not the file name")
  func kindFromMagic() throws {
    try withTemporaryDirectory { directory in
      let disguisedIntMap = directory.appendingPathComponent("labels.mb")
      let disguisedMap = directory.appendingPathComponent("cells.im")
      try Fixtures.data("intmap/intmap-5.im").write(to: disguisedIntMap)
      try Fixtures.data("mapbuffer/v0-zstd-3.mb").write(to: disguisedMap)
      let a = try parseJSONObject(try ToolRunner.run(["info", disguisedIntMap.path, "--json"]).standardOutput)
      let b = try parseJSONObject(try ToolRunner.run(["info", disguisedMap.path, "--json"]).standardOutput)
      #expect(a["kind"] as? String == "intmap")
      #expect((a["count"] as? NSNumber)?.intValue == 5)
      #expect(b["kind"] as? String == "mapbuffer")
      #expect(b["compression"] as? String == "zstd")
      #expect((b["format_version"] as? NSNumber)?.intValue == 0)
    }
  }

  /// `name: value` lines as a dictionary.
  static func fields(_ text: String) -> [String: String] {
    var fields: [String: String] = [:]
    for line in text.split(separator: "\n") {
      guard let colon = line.firstIndex(of: ":") else { continue }
      fields[line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()] =
        line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    return fields
  }
}

@Suite("mapbuffer keys")
struct KeysTests {
  @Test("keys prints every key of a MapBuffer in ascending decimal order", arguments: MapBufferFixture.all)
  func keysMapBuffer(fixture: MapBufferFixture) throws {
    let result = try ToolRunner.run(["keys", fixture.path])
    expectSuccess(result, "keys \(fixture)")
    let expected = fixture.sortedKeys.map { "\($0)\n" }.joined()
    #expect(result.output == expected)
  }

  @Test("keys prints every key of an IntMap in ascending decimal order", arguments: IntMapFixture.all)
  func keysIntMap(fixture: IntMapFixture) throws {
    let result = try ToolRunner.run(["keys", fixture.path])
    expectSuccess(result, "keys \(fixture)")
    #expect(result.output == fixture.entries.keys.sorted().map { "\($0)\n" }.joined())
  }

  @Test("keys >= 2^63 are printed unsigned, in unsigned order")
  func largeKeys() throws {
    let result = try ToolRunner.run(["keys", Fixtures.url("mapbuffer/edge-keys-none.mb").path])
    #expect(
      result.output.split(separator: "\n") == [
        "0", "1", "4294967296", "9223372036854775807", "9223372036854775808", "18446744073709551615",
      ])
  }

  @Test("keys of a large IntMap with keys across the whole UInt64 range")
  func intMapWideKeys() throws {
    try withTemporaryDirectory { directory in
      var generator = SeededGenerator(seed: 17)
      var items: [UInt64: UInt64] = [0: 1, .max: 2, 1 << 63: 3, (1 << 63) - 1: 4]
      while items.count < 3000 { items[generator.next()] = generator.next() }
      let url = directory.appendingPathComponent("wide.im")
      try IntMap.write(items, to: url)
      let result = try ToolRunner.run(["keys", url.path])
      expectSuccess(result, "keys")
      #expect(result.output.split(separator: "\n").map { UInt64($0)! } == items.keys.sorted())
    }
  }
}

@Suite("mapbuffer get")
struct GetTests {
  /// Fixtures small enough to read every key; the large ones are sampled.
  static let sampledFixtures = MapBufferFixture.all.filter { $0.count > 0 }

  @Test("get writes each value exactly (length and SHA-256 from the Python manifest)", arguments: sampledFixtures)
  func getValues(fixture: MapBufferFixture) throws {
    let keys = fixture.sortedKeys
    let sample =
      keys.count <= 10
      ? keys : stride(from: 0, to: keys.count, by: max(1, keys.count / 12)).map { keys[$0] } + [keys.last!]
    for key in sample {
      let result = try ToolRunner.run(["get", fixture.path, String(key)])
      expectSuccess(result, "get \(fixture) \(key)")
      let expected = fixture.entries[key]!
      #expect(result.standardOutput.count == expected.length, "\(fixture) key \(key)")
      #expect(sha256Hex(result.standardOutput) == expected.sha256, "\(fixture) key \(key)")
    }
  }

  @Test(
    "get --stored writes the stored payload, as the library reports it",
    arguments: [
      "mapbuffer/v0-none-8.mb", "mapbuffer/v1-none-8.mb", "mapbuffer/v0-gzip-8.mb", "mapbuffer/v1-gzip-8.mb",
      "mapbuffer/v0-br-8.mb", "mapbuffer/v1-br-8.mb", "mapbuffer/v0-zstd-8.mb", "mapbuffer/v1-zstd-8.mb",
      "mapbuffer/v0-lzma-8.mb", "mapbuffer/v1-lzma-8.mb", "mapbuffer/edge-keys-zstd.mb", "mapbuffer/large-br.mb",
    ])
  func getStored(file: String) throws {
    let fixture = MapBufferFixture.named(file)
    let map = try MapBuffer(contentsOf: fixture.url)
    let data = try Data(contentsOf: fixture.url)
    let layout = Dictionary(uniqueKeysWithValues: itemLayout(of: data).map { ($0.key, $0.range) })
    for key in fixture.sortedKeys {
      let result = try ToolRunner.run(["get", fixture.path, String(key), "--stored"])
      expectSuccess(result, "get --stored \(fixture) \(key)")
      #expect(result.standardOutput == (try map.storedBytes(forKey: key)), "\(fixture) key \(key)")
      // Independently of the library: the item's bytes in the file, less the CRC in version 1.
      let range = layout[key]!
      let payload = data.subdata(in: range.lowerBound..<(range.upperBound - (fixture.formatVersion == 1 ? 4 : 0)))
      #expect(result.standardOutput == payload, "\(fixture) key \(key)")
      let value = fixture.entries[key]!
      if fixture.compression == "none" {
        #expect(sha256Hex(result.standardOutput) == value.sha256)
      } else if value.length > 0 {
        let magic: [UInt8] =
          switch fixture.compression {
          case "gzip": [0x1F, 0x8B]
          case "zstd": [0x28, 0xB5, 0x2F, 0xFD]
          case "lzma": [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]
          default: []
          }
        #expect(
          result.standardOutput.starts(with: magic),
          "\(fixture) key \(key): stored bytes do not start with the codec's magic")
      }
    }
  }

  @Test("get --stored does not check the checksum; plain get does")
  func storedSkipsChecksum() throws {
    try withTemporaryDirectory { directory in
      var data = try Fixtures.data("mapbuffer/v1-none-8.mb")
      let item = itemLayout(of: data)[2]
      data[item.range.upperBound - 1] ^= 0xFF  // corrupt the stored CRC only
      let url = directory.appendingPathComponent("bad-crc.mb")
      try data.write(to: url)
      let stored = try ToolRunner.run(["get", url.path, String(item.key), "--stored"])
      expectSuccess(stored, "get --stored")
      #expect(stored.standardOutput == data.subdata(in: item.range.lowerBound..<(item.range.upperBound - 4)))
      let plain = try ToolRunner.run(["get", url.path, String(item.key)])
      expectOneLineFailure(plain, "get with a bad checksum", mentioning: [String(item.key)])
      #expect(plain.standardOutput.isEmpty, "no partial value on standard output")
    }
  }

  @Test(
    "get on an IntMap prints the value in decimal and a newline", arguments: IntMapFixture.all.filter { $0.count > 0 })
  func getIntMap(fixture: IntMapFixture) throws {
    let keys = fixture.entries.keys.sorted()
    let sample =
      keys.count <= 10 ? keys : stride(from: 0, to: keys.count, by: keys.count / 10).map { keys[$0] } + [keys.last!]
    for key in sample {
      let result = try ToolRunner.run(["get", fixture.path, String(key)])
      expectSuccess(result, "get \(fixture) \(key)")
      #expect(result.output == "\(fixture.entries[key]!)\n")
    }
  }

  @Test("get on an IntMap with values and keys >= 2^63")
  func getIntMapLargeValues() throws {
    try withTemporaryDirectory { directory in
      let items: [UInt64: UInt64] = [0: .max, .max: 0, 1 << 63: (1 << 63) + 7, 42: 1 << 63]
      let url = directory.appendingPathComponent("edges.im")
      try IntMap.write(items, to: url)
      for (key, value) in items {
        let result = try ToolRunner.run(["get", url.path, String(key)])
        expectSuccess(result, "get \(key)")
        #expect(result.output == "\(value)\n")
      }
    }
  }

  @Test("get is binary-safe: NUL, newlines, every byte value, an empty value, 100 kB", arguments: codecNames)
  func binarySafe(codec: String) throws {
    try withTemporaryDirectory { directory in
      let items: [UInt64: Data] = [
        1: Data((0...255).map { UInt8($0) }.reversed() + [0, 0, 10, 13, 10]),
        2: Data(),
        3: Data([0]),
        4: Data("\n".utf8),
        .max: Data(repeating: 0, count: 100_000) + Data([0xFF, 0xFE, 0x0A]),
      ]
      let source = directory.appendingPathComponent("src")
      try writeItems(items, into: source)
      let map = directory.appendingPathComponent("map.mb")
      expectSuccess(try ToolRunner.run(["pack", source.path, "-o", map.path, "--compress", codec]), "pack")
      for (key, value) in items {
        let result = try ToolRunner.run(["get", map.path, String(key)])
        expectSuccess(result, "get \(key)")
        #expect(
          result.standardOutput == value,
          "\(codec) key \(key): \(result.standardOutput.count) bytes, expected \(value.count)")
      }
    }
  }

  @Test("get of the largest fixture items (256 kB)", arguments: ["none", "gzip", "br", "zstd", "lzma"])
  func largeItems(codec: String) throws {
    let fixture = MapBufferFixture.named("mapbuffer/large-\(codec).mb")
    for key in fixture.sortedKeys {
      let result = try ToolRunner.run(["get", fixture.path, String(key)])
      expectSuccess(result, "get \(key)")
      #expect(result.standardOutput.count == fixture.entries[key]!.length)
      #expect(sha256Hex(result.standardOutput) == fixture.entries[key]!.sha256)
    }
  }

  @Test("a missing key: a message on stderr naming the key, exit status 1, nothing on stdout")
  func missingKey() throws {
    let fixture = MapBufferFixture.named("mapbuffer/v1-zstd-100.mb")
    let keys = Set(fixture.entries.keys)
    let absent = [UInt64(0), fixture.sortedKeys[0] + 1, .max].filter { !keys.contains($0) }
    #expect(!absent.isEmpty)
    for key in absent {
      for extra in [[], ["--stored"]] {
        let result = try ToolRunner.run(["get", fixture.path, String(key)] + extra)
        expectOneLineFailure(result, "get missing \(key) \(extra)", mentioning: [String(key)], status: 1)
        #expect(result.standardOutput.isEmpty)
      }
    }
    let empty = try ToolRunner.run(["get", Fixtures.url("mapbuffer/v1-br-0.mb").path, "7"])
    expectOneLineFailure(empty, "get from an empty map", mentioning: ["7"], status: 1)
    let intmap = IntMapFixture.named("intmap/intmap-5.im")
    let intResult = try ToolRunner.run(["get", intmap.path, "3"])
    expectOneLineFailure(intResult, "get missing key from IntMap", mentioning: ["3"], status: 1)
    #expect(intResult.standardOutput.isEmpty)
  }
}
