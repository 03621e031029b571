import Foundation
import MapBufferTestSupport
import Testing

@testable import MapBuffer

/// One file of `Tests/Fixtures/mapbuffer/manifest.json`, written by the Python reference.
struct MapBufferVector: Decodable, Sendable, CustomTestStringConvertible {
  struct Entry: Decodable, Sendable {
    var length: Int
    var sha256: String
  }
  var file: String
  var format_version: UInt8
  var compression: String
  var count: Int
  var size: Int
  var entries: [String: Entry]

  var testDescription: String { file }

  static let all: [MapBufferVector] = {
    let data = try! Fixtures.data("mapbuffer/manifest.json")
    return try! JSONDecoder().decode([MapBufferVector].self, from: data)
  }()

  /// The manifest's entries as sorted (key, entry) pairs.
  var sortedEntries: [(key: UInt64, entry: Entry)] {
    entries.map { (UInt64($0.key)!, $0.value) }.sorted { $0.key < $1.key }
  }

  /// The map's values, made again by the reference's own generator where the vector uses it.
  func expectedValues() -> [UInt64: Data]? {
    var result: [UInt64: Data] = [:]
    for (key, entry) in sortedEntries {
      let value = referenceValue(key: key, length: entry.length)
      guard SHA256.hash(value).hexString == entry.sha256 else { return nil }
      result[key] = value
    }
    return result
  }
}

extension [UInt8] {
  var hexString: String { map { String(format: "%02x", $0) }.joined() }
}

@Suite("Reference vectors")
struct ReferenceVectorTests {
  @Test("The manifest lists every vector file")
  func manifestIsComplete() throws {
    let files = try FileManager.default.contentsOfDirectory(atPath: Fixtures.url("mapbuffer").path)
      .filter { $0.hasSuffix(".mb") }
    #expect(Set(files.map { "mapbuffer/\($0)" }) == Set(MapBufferVector.all.map(\.file)))
    #expect(MapBufferVector.all.count == 87)
  }

  @Test("Every vector reads as its manifest says, from every kind of source", arguments: MapBufferVector.all)
  func readsVector(_ vector: MapBufferVector) throws {
    let url = Fixtures.url(vector.file)
    let maps = [
      try MapBuffer(Data(contentsOf: url)),
      try MapBuffer([UInt8](Data(contentsOf: url))),
      try MapBuffer(contentsOf: url),
      try MapBuffer(contentsOf: url, access: .positionalReads),
    ]
    let expected = vector.sortedEntries
    for map in maps {
      #expect(map.count == vector.count)
      #expect(map.isEmpty == (vector.count == 0))
      #expect(map.formatVersion.rawValue == vector.format_version)
      #expect(map.compression.name == vector.compression)
      #expect(map.byteCount == vector.size)
      #expect(map.indexByteCount == 16 * vector.count)
      #expect(map.dataByteCount == vector.size - 16 - 16 * vector.count)
      #expect(Array(map.keys) == expected.map(\.key))
      for (key, entry) in expected {
        let value = try #require(try map[key], "key \(key) of \(vector.file)")
        #expect(value.count == entry.length, "key \(key) of \(vector.file)")
        #expect(SHA256.hash(value).hexString == entry.sha256, "key \(key) of \(vector.file)")
        #expect(try map.valueBytes(forKey: key).map { Data($0) } == value, "key \(key) of \(vector.file)")
        #expect(try map.withUnsafeBytes(forKey: key) { Data($0) } == value, "key \(key) of \(vector.file)")
        #expect(try map.contains(key))
      }
      try map.validate(.deep)
    }
  }

  @Test("Absent keys give nil, whatever their size", arguments: MapBufferVector.all.filter { $0.count <= 100 })
  func absentKeys(_ vector: MapBufferVector) throws {
    let map = try MapBuffer(contentsOf: Fixtures.url(vector.file))
    let present = Set(vector.entries.keys.map { UInt64($0)! })
    var generator = SeededGenerator(seed: 1)
    let probes: [UInt64] =
      [0, 1, 2, 1 << 32, 1 << 40, UInt64.max, UInt64.max - 1, 1 << 63, (1 << 63) - 1]
      + (0..<200).map { _ in generator.next() >> UInt64.random(in: 0...63, using: &generator) }
      + present.flatMap { [$0 &+ 1, $0 &- 1] }
    for key in probes where !present.contains(key) {
      #expect(try map[key] == nil, "key \(key) of \(vector.file)")
      #expect(try map.valueBytes(forKey: key) == nil, "key \(key) of \(vector.file)")
      #expect(try !map.contains(key))
    }
  }

  @Test(
    "Values are the reference's own value_for(key, length)",
    arguments: MapBufferVector.all.filter { !$0.file.contains("large") && !$0.file.contains("edge") })
  func valuesMatchGenerator(_ vector: MapBufferVector) throws {
    let expected = try #require(vector.expectedValues())
    let map = try MapBuffer(Fixtures.data(vector.file))
    #expect(try map.dictionary() == expected)
  }

  @Test(
    "Writing the same map gives the reference's bytes (codec none) or its layout (other codecs)",
    arguments: MapBufferVector.all.filter { !$0.file.contains("large") && !$0.file.contains("edge") })
  func writesLikeReference(_ vector: MapBufferVector) throws {
    let values = try #require(vector.expectedValues())
    let compression = try #require(MapBuffer.Compression(name: vector.compression))
    let reference = try Fixtures.data(vector.file)
    let version = try #require(MapBuffer.FormatVersion(rawValue: vector.format_version))
    for concurrency in [1, 2] {
      var writer = MapBufferWriter(compression: compression, formatVersion: version)
      writer.maximumConcurrency = concurrency
      let ours = try writer.encode(values)
      if compression == .none {
        #expect(ours == reference, "\(vector.file) differs from the reference")
      } else {
        // Header, index labels and item order match; compressed sizes may differ by library version.
        #expect(ours.prefix(16) == reference.prefix(16))
        let oursMap = try MapBuffer(ours)
        let referenceMap = try MapBuffer(reference)
        for position in 0..<vector.count {
          #expect(oursMap.label(at: position) == referenceMap.label(at: position))
        }
        #expect(try oursMap.dictionary() == values)
        try oursMap.validate(.deep)
      }
    }
  }

  @Test("Edge keys: 0, 1, 2^32, 2^63 - 1, 2^63, 2^64 - 1", arguments: ["none", "zstd"])
  func edgeKeys(_ codec: String) throws {
    let map = try MapBuffer(contentsOf: Fixtures.url("mapbuffer/edge-keys-\(codec).mb"))
    let expected: [UInt64: String] = [
      0: "zero", 1: "one", 1 << 32: "2^32", (1 << 63) - 1: "2^63-1", 1 << 63: "2^63", .max: "2^64-1",
    ]
    #expect(Array(map.keys) == expected.keys.sorted())
    for (key, text) in expected {
      #expect(try map[key] == Data(text.utf8))
    }
    #expect(try map[2] == nil)
    #expect(try map[(1 << 63) + 1] == nil)
    #expect(try map[.max - 1] == nil)
    if codec == "none" {
      let written = try MapBuffer(encoding: expected.mapValues { Data($0.utf8) })
      #expect(try written.serialized == Fixtures.data("mapbuffer/edge-keys-none.mb"))
    }
  }

  @Test("Large values: 256 KiB random, 256 KiB of zeros, empty", arguments: ["none", "gzip", "br", "zstd", "lzma"])
  func largeValues(_ codec: String) throws {
    let map = try MapBuffer(contentsOf: Fixtures.url("mapbuffer/large-\(codec).mb"))
    #expect(try map[7] == referenceValue(key: 7, length: 1 << 18))
    #expect(try map[8] == Data(count: 1 << 18))
    #expect(try map[9] == Data())
    var limited = map
    limited.maximumDecodedItemSize = 1000
    if codec == "none" {
      #expect(try limited[7]?.count == 1 << 18)
    } else {
      #expect(throws: MapBufferError.decodedItemTooLarge(key: 8, limit: 1000)) { try limited[8] }
      #expect(try limited[9] == Data())
    }
  }
}

/// One file of `Tests/Fixtures/intmap/manifest.json`.
struct IntMapVector: Decodable, Sendable, CustomTestStringConvertible {
  var file: String
  var count: Int
  var entries: [String: String]
  var testDescription: String { file }

  var values: [UInt64: UInt64] {
    Dictionary(uniqueKeysWithValues: entries.map { (UInt64($0.key)!, UInt64($0.value)!) })
  }

  static let all: [IntMapVector] = {
    let data = try! Fixtures.data("intmap/manifest.json")
    return try! JSONDecoder().decode([IntMapVector].self, from: data)
  }()
}

@Suite("IntMap reference vectors")
struct IntMapVectorTests {
  @Test("Every IntMap vector reads as its manifest says and is written byte for byte", arguments: IntMapVector.all)
  func readsAndWrites(_ vector: IntMapVector) throws {
    let url = Fixtures.url(vector.file)
    let expected = vector.values
    for map in [
      try IntMap(Data(contentsOf: url)), try IntMap(contentsOf: url),
      try IntMap(contentsOf: url, access: .positionalReads),
    ] {
      #expect(map.count == vector.count)
      #expect(Array(map.keys) == expected.keys.sorted())
      #expect(try map.dictionary() == expected)
      for (key, value) in expected { #expect(try map[key] == value) }
      #expect(try map[UInt64.max] == nil || expected[.max] != nil)
      try map.validate()
    }
    #expect(try IntMap.encode(expected) == Data(contentsOf: url))
  }
}
