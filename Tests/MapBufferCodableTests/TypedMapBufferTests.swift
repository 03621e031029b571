import Foundation
import MapBuffer
import MapBufferCodable
import MapBufferTestSupport
import Testing

struct Synapse: JSONMapBufferValue, Equatable {
  var pre: UInt64
  var post: UInt64
  var weight: Double
  var tags: [String]
}

struct Cell: PropertyListMapBufferValue, Equatable {
  var name: String
  var position: [Float]
}

/// A type whose conformance configures its coders: snake_case keys, ISO 8601 dates.
struct Observation: JSONMapBufferValue, Equatable {
  var cellId: UInt64
  var seenAt: Date

  static let mapBufferJSONEncoder: JSONEncoder = {
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.dateEncodingStrategy = .iso8601
    encoder.outputFormatting = .sortedKeys
    return encoder
  }()
  static let mapBufferJSONDecoder: JSONDecoder = {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    decoder.dateDecodingStrategy = .iso8601
    return decoder
  }()
}

@Suite("Typed maps")
struct TypedMapBufferTests {
  @Test("Strings: round trip in every codec, strict UTF-8")
  func strings() throws {
    let values: [UInt64: String] = [1: "one", 2: "", 3: "ünïcödé ✓", .max: String(repeating: "long ", count: 500)]
    for codec in MapBuffer.Compression.allCases {
      let map = try TypedMapBuffer<String>(encoding: values, compression: codec)
      #expect(map.map.compression == codec)
      #expect(try map.dictionary() == values)
      #expect(try map[3] == "ünïcödé ✓")
      #expect(try map[4] == nil)
      #expect(Array(map.keys) == values.keys.sorted())
    }
    let invalid = try MapBuffer(encoding: [9: Data([0x66, 0xFF, 0x6F])])
    do {
      _ = try TypedMapBuffer<String>(invalid)[9]
      Issue.record("invalid UTF-8 decoded")
    } catch let error as TypedMapBufferError {
      #expect(error.key == 9)
      #expect(error.underlying as? MapBufferValueError == .invalidUTF8(byteCount: 3))
      guard error.code == .decodingFailed else {
        Issue.record("\(error)")
        return
      }
    }
  }

  @Test("Pairs in any order; a repeated key is an error")
  func pairs() throws {
    let pairs: [(UInt64, String)] = [(9, "nine"), (1 << 63, "big"), (2, "two")]
    let map = try TypedMapBuffer<String>(
      TypedMapBuffer<String>.encode(pairs, writer: MapBufferWriter(compression: .gzip)))
    #expect(Array(map.keys) == [2, 9, 1 << 63])
    #expect(try map[1 << 63] == "big")
    let repeated: [(UInt64, String)] = [(1, "a"), (1, "b")]
    #expect(throws: MapBufferError.duplicateKey(1)) { try TypedMapBuffer<String>.encode(repeated) }
  }

  @Test("Bytes as Data and [UInt8]")
  func bytes() throws {
    let data = try TypedMapBuffer<Data>.encode([5: Data([1, 2, 3])])
    #expect(try TypedMapBuffer<[UInt8]>(data)[5] == [1, 2, 3])
    #expect(try TypedMapBuffer<Data>(data)[5] == Data([1, 2, 3]))
  }

  @Test("Codable as JSON and as a binary property list, opted in with one line")
  func codable() throws {
    let synapses: [UInt64: Synapse] = [
      10: Synapse(pre: 1, post: 2, weight: 0.5, tags: ["a"]),
      1 << 63: Synapse(pre: .max, post: 0, weight: -1, tags: []),
    ]
    let synapseMap = try TypedMapBuffer(encoding: synapses, compression: .zstd)
    #expect(try synapseMap.dictionary() == synapses)
    let raw = try #require(try synapseMap.map[10])
    #expect(try JSONSerialization.jsonObject(with: raw) is [String: Any], "stored as JSON")

    let cells: [UInt64: Cell] = [1: Cell(name: "pyramidal", position: [1.5, 2, 3]), 2: Cell(name: "", position: [])]
    let cellMap = try TypedMapBuffer(encoding: cells, compression: .brotli)
    #expect(try cellMap.dictionary() == cells)
    #expect(try cellMap.map[1]?.prefix(6) == Data("bplist".utf8), "stored as a binary property list")
  }

  @Test("A conformance's configured coders are used")
  func configuredCoders() throws {
    let observation = Observation(cellId: 7, seenAt: Date(timeIntervalSince1970: 1_700_000_000))
    let map = try TypedMapBuffer(encoding: [1: observation])
    let stored = String(decoding: try #require(try map.map[1]), as: UTF8.self)
    #expect(stored == #"{"cell_id":7,"seen_at":"2023-11-14T22:13:20Z"}"#)
    #expect(try map[1] == observation)
  }

  @Test("Wrappers for types you cannot conform")
  func wrappers() throws {
    let counts: [UInt64: JSONValue<[String: Int]>] = [3: JSONValue(["a": 1, "b": 2])]
    let map = try TypedMapBuffer(encoding: counts)
    #expect(try map[3]?.value == ["a": 1, "b": 2])
    #expect(try map.map[3].map { String(decoding: $0, as: UTF8.self).hasPrefix("{") } == true, "no wrapper object")
    let lists: [UInt64: PropertyListValue<[Double]>] = [4: PropertyListValue([1, 2.5])]
    #expect(try TypedMapBuffer(encoding: lists)[4]?.value == [1, 2.5])
  }

  @Test("One file read through different codecs, one type stored in several ways")
  func codecs() throws {
    let data = try TypedMapBuffer<String>.encode([1: "hello"])
    let upper = MapBufferValueCodec<String>(
      decode: { String(decoding: $0, as: UTF8.self).uppercased() }, encode: { Data($0.utf8) })
    #expect(try TypedMapBuffer(data, codec: upper)[1] == "HELLO")
    #expect(try TypedMapBuffer(data, codec: .utf8)[1] == "hello")
    #expect(try TypedMapBuffer<Data>(data)[1] == Data("hello".utf8))

    let value: [UInt64: Synapse] = [1: Synapse(pre: 1, post: 2, weight: 3, tags: ["x"])]
    let asJSON = try TypedMapBuffer.encode(value, codec: .json())
    let asPlist = try TypedMapBuffer.encode(value, codec: .propertyList())
    #expect(asJSON != asPlist)
    #expect(try TypedMapBuffer(asJSON, codec: .json())[1] == value[1])
    #expect(try TypedMapBuffer<Synapse>(asPlist, codec: .propertyList())[1] == value[1])
    let iso = JSONEncoder()
    iso.dateEncodingStrategy = .iso8601
    let isoDecoder = JSONDecoder()
    isoDecoder.dateDecodingStrategy = .iso8601
    let dates = try TypedMapBuffer<[Date]>(
      encoding: [1: [Date(timeIntervalSince1970: 0)]], codec: .json(encoder: iso, decoder: isoDecoder))
    #expect(try dates.map[1] == Data(#"["1970-01-01T00:00:00Z"]"#.utf8))
    #expect(try dates[1] == [Date(timeIntervalSince1970: 0)])
  }

  @Test("Every byte source, and an existing map")
  func sources() throws {
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("strings.mb")
    let values: [UInt64: String] = [1: "a", 2: "b", 3: "c"]
    try TypedMapBuffer<String>.write(values, to: url, writer: MapBufferWriter(compression: .lzma))
    let maps = [
      try TypedMapBuffer<String>(Data(contentsOf: url)),
      try TypedMapBuffer<String>(contentsOf: url),
      try TypedMapBuffer<String>(contentsOf: url, access: .positionalReads),
      try TypedMapBuffer<String>(source: InMemoryByteSource([UInt8](Data(contentsOf: url)))),
      TypedMapBuffer<String>(try MapBuffer(contentsOf: url)),
    ]
    for map in maps {
      #expect(try map.dictionary() == values)
      #expect(map.count == 3)
      #expect(try map.contains(2))
    }
  }

  @Test("Iteration decodes one item at a time, in ascending key order")
  func iteration() throws {
    let values = Dictionary(uniqueKeysWithValues: (0..<50).map { (UInt64($0 * 7919 % 1000), "value \($0)") })
    let map = try TypedMapBuffer(encoding: values, compression: .gzip)
    var entries = map.entries()
    var keys: [UInt64] = []
    while let (key, value) = try entries.next() {
      #expect(values[key] == value)
      keys.append(key)
    }
    #expect(keys == values.keys.sorted())
    // A decoding failure stops iteration with the key.
    let mixed = try MapBuffer(encoding: [1: Data("ok".utf8), 2: Data([0xFF])])
    var seen: [UInt64] = []
    #expect(throws: TypedMapBufferError.self) {
      try TypedMapBuffer<String>(mixed).forEach { key, _ in seen.append(key) }
    }
    #expect(seen == [1])
  }

  @Test("An encoding failure names the key")
  func encodingFailure() throws {
    struct Refused: Error {}
    let picky = MapBufferValueCodec<Int>(
      decode: { _ in 0 },
      encode: { value in
        if value < 0 { throw Refused() }
        return Data()
      })
    do {
      _ = try TypedMapBuffer.encode([1: 1, 42: -1], codec: picky)
      Issue.record("no error")
    } catch let error as TypedMapBufferError {
      #expect(error.key == 42)
      #expect(error.underlying is Refused)
      #expect(error.description.contains("42"))
    }
  }
}

@Suite("Typed maps and the Python reference")
struct TypedInteropTests {
  @Test("The seed's second example: gzip'd UTF-8 strings written by the reference, read as String")
  func seedGzipStrings() throws {
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("strings.mb").path
    try ReferencePython.run(
      """
      import sys
      from mapbuffer import MapBuffer
      data = {2848: "abc".encode("utf8"), 12939: "123".encode("utf8"), 7: "ünïcödé".encode("utf8"), 8: b""}
      mb = MapBuffer(data, compress="gzip")
      open(sys.argv[1], "wb").write(mb.tobytes())
      mb = MapBuffer(open(sys.argv[1], "rb").read(), compress="gzip", frombytesfn=lambda x: x.decode("utf8"))
      assert mb[2848] == "abc"
      """, arguments: [path])
    let map = try TypedMapBuffer<String>(contentsOf: URL(fileURLWithPath: path))
    #expect(map.map.compression == .gzip)
    #expect(try map[2848] == "abc")
    #expect(try map[12939] == "123")
    #expect(try map[7] == "ünïcödé")
    #expect(try map[8] == "")
  }

  struct Fragment: JSONMapBufferValue, Equatable {
    var label: UInt64
    var vertices: [[Double]]
    var name: String
    var valid: Bool
  }

  @Test("JSON written by the reference with zstd reads as a Codable struct; ours reads back in Python")
  func jsonBothWays() throws {
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let theirs = directory.appendingPathComponent("theirs.mb").path
    let ours = directory.appendingPathComponent("ours.mb")
    try ReferencePython.run(
      """
      import json, random, sys
      from mapbuffer import MapBuffer
      rng = random.Random(5)
      data = {}
      for i in range(200):
        label = rng.randrange(0, 2**64)
        obj = {"label": label, "vertices": [[rng.random() * 100 for _ in range(3)] for _ in range(rng.randrange(0, 20))],
               "name": "fragment-%d" % i, "valid": rng.random() < 0.5}
        data[label] = json.dumps(obj).encode()
      open(sys.argv[1], "wb").write(MapBuffer(data, compress="zstd").tobytes())
      """, arguments: [theirs])
    let map = try TypedMapBuffer<Fragment>(contentsOf: URL(fileURLWithPath: theirs))
    #expect(map.map.compression == .zstd)
    #expect(map.count == 200)
    var checked = 0
    try map.forEach { key, fragment in
      #expect(fragment.label == key)
      #expect(fragment.vertices.allSatisfy { $0.count == 3 })
      checked += 1
    }
    #expect(checked == 200)

    // Ours, read back by the reference with json.loads.
    let fragments = try map.dictionary()
    try TypedMapBuffer<Fragment>.write(fragments, to: ours, writer: MapBufferWriter(compression: .zstd))
    let expected = try JSONSerialization.data(
      withJSONObject: Dictionary(
        uniqueKeysWithValues: fragments.map {
          (
            String($0.key),
            [
              "label": String($0.value.label), "name": $0.value.name, "valid": $0.value.valid,
              "count": $0.value.vertices.count,
            ] as [String: Any]
          )
        }))
    try ReferencePython.run(
      """
      import json, sys
      from mapbuffer import MapBuffer
      mb = MapBuffer(open(sys.argv[1], "rb").read(), frombytesfn=lambda b: json.loads(b))
      expected = json.loads(sys.stdin.read())
      items = dict(mb.items())
      assert len(items) == len(expected), (len(items), len(expected))
      for key, want in expected.items():
        got = items[int(key)]
        assert got["label"] == int(want["label"]) and got["name"] == want["name"], key
        assert got["valid"] == want["valid"] and len(got["vertices"]) == want["count"], key
      """, arguments: [ours.path], input: expected)
  }
}
