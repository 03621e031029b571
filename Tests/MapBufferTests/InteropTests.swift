import Foundation
import MapBuffer
import MapBufferTestSupport
import Testing

// Interoperability with the Python reference (`mapbuffer==1.2.0` in `.venv`), on fresh random
// data: maps written by Python read here, maps written here read by Python, byte identity of
// the two writers, IntMap both ways, and CRC-32C against the `crc32c` package.
//
// Every random map comes from a seed derived from `Interop.baseSeed` (set
// `MAPBUFFER_INTEROP_SEED` to explore other data); failure messages name the seed, codec and
// format version, and the key where it matters.

// MARK: - Python snippets

/// The Python side of the tests. Each receives its parameters through `sys.argv`, exchanges
/// data through files in a temporary directory, and raises (exit status != 0) on a problem.
private enum InteropScript {
  /// Shared by the scripts that make random data: the same generator shapes as `Interop`.
  private static let randomData = #"""
    import random

    EDGE_KEYS = [0, 1, 2**63 - 1, 2**63, 2**63 + 1, 2**64 - 2, 2**64 - 1]

    def random_keys(rng, n):
        keys = set(EDGE_KEYS[:n])
        while len(keys) < n:
            kind = rng.randrange(4)
            if kind == 0:
                keys.add(rng.randrange(1000))
            elif kind == 1:
                keys.add(rng.randrange(2**63, 2**64))
            else:
                keys.add(rng.getrandbits(64))
        keys = sorted(keys)
        rng.shuffle(keys)
        return keys

    def random_value(rng, n):
        kind = rng.randrange(3)
        if kind == 0:
            return rng.randbytes(n)
        if kind == 1:
            return bytes([rng.randrange(256)]) * n
        pattern = rng.randbytes(rng.randint(1, 16))
        return (pattern * (n // len(pattern) + 1))[:n]

    def random_map(rng, n):
        data = {}
        for i, key in enumerate(random_keys(rng, n)):
            if i == 0 and n >= 8:
                length = 10 * 1024
            elif i == 1:
                length = 0
            else:
                length = rng.randint(0, 300)
            data[key] = random_value(rng, length)
        return data

    def random_intmap(rng, n):
        values = [0, 1, 2**63 - 1, 2**63, 2**64 - 1]
        data = {}
        for i, key in enumerate(random_keys(rng, n)):
            if i < len(values):
                data[key] = values[i]
            elif rng.randrange(2):
                data[key] = rng.getrandbits(64)
            else:
                data[key] = rng.randrange(1000)
        return data
    """#

  /// argv: out_dir codec version seed. Writes `map.mb` (the reference's bytes of a random map)
  /// and `manifest.json` (key -> hex of value).
  static let writeRandomMapBuffer =
    randomData + "\n" + #"""
      import json, os, sys
      from mapbuffer import MapBuffer

      out_dir, codec, version, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
      data = random_map(random.Random(seed), 200)
      mb = MapBuffer(data, compress=None if codec == "none" else codec, compute_crc=(version == 1))
      with open(os.path.join(out_dir, "map.mb"), "wb") as f:
          f.write(mb.tobytes())
      with open(os.path.join(out_dir, "manifest.json"), "w") as f:
          json.dump({str(k): v.hex() for k, v in data.items()}, f)
      print(len(data))
      """#

  /// argv: map_path manifest_path codec version. Reads a map written by Swift and checks it
  /// against the manifest (key -> hex of value) with the reference's own reader.
  static let checkMapBuffer = #"""
    import json, sys
    from mapbuffer import MapBuffer

    path, manifest, codec, version = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    with open(manifest) as f:
        expected = {int(k): bytes.fromhex(v) for k, v in json.load(f).items()}
    with open(path, "rb") as f:
        buf = f.read()

    problems = []
    def check(condition, message):
        if not condition:
            problems.append(message)

    mb = MapBuffer(buf)
    check(len(mb) == len(expected), f"len(mb) == {len(mb)}, expected {len(expected)}")
    try:
        check(mb.validate() is True, "validate() did not return True")
    except BaseException as e:
        problems.append(f"validate() raised {e!r}")
    check(mb.format_version == version, f"format_version == {mb.format_version}, expected {version}")
    check((mb.compress or "none") == codec, f"compress == {mb.compress!r}, expected {codec!r}")

    # items() walks the index: the only way the reference reaches keys >= 2**63.
    try:
        items = {int(k): bytes(v) for k, v in mb.items()}
    except BaseException as e:
        problems.append(f"items() raised {e!r}")
        items = {}
    missing = sorted(set(expected) - set(items))
    extra = sorted(set(items) - set(expected))
    check(not missing and not extra, f"items() keys differ: missing {missing[:5]}, extra {extra[:5]}")
    for key, value in sorted(expected.items()):
        if key in items and items[key] != value:
            problems.append(f"key {key}: items() gives {len(items[key])} bytes {items[key][:16].hex()}..., "
                            f"expected {len(value)} bytes {value[:16].hex()}...")
        if key < 2**63:  # the reference's lookup takes a signed 64-bit key
            try:
                got = mb[key]
            except BaseException as e:
                problems.append(f"key {key}: mb[key] raised {e!r}")
                continue
            if bytes(got) != value:
                problems.append(f"key {key}: mb[key] gives {len(got)} bytes, expected {len(value)}")
            check(key in mb, f"key {key}: `in` says absent")

    absent = sorted({k + d for k in expected for d in (-1, 1)} - set(expected))
    for key in absent:
        if 0 <= key < 2**63:
            check(key not in mb, f"absent key {key}: `in` says present")
            check(mb.get(key) is None, f"absent key {key}: get() gives a value")

    if problems:
        sys.exit("\n".join([f"{len(problems)} problems:"] + problems[:25]))
    print("ok")
    """#

  /// argv: dir codec version n... For each n, reads `expected-n.json` (key -> hex) and writes
  /// the reference's serialization of it to `python-n.mb`.
  static let writeMapBuffersFromManifests = #"""
    import json, os, sys
    from mapbuffer import MapBuffer

    out_dir, codec, version = sys.argv[1], sys.argv[2], int(sys.argv[3])
    for n in sys.argv[4:]:
        with open(os.path.join(out_dir, f"expected-{n}.json")) as f:
            data = {int(k): bytes.fromhex(v) for k, v in json.load(f).items()}
        mb = MapBuffer(data, compress=None if codec == "none" else codec, compute_crc=(version == 1))
        with open(os.path.join(out_dir, f"python-{n}.mb"), "wb") as f:
            f.write(mb.tobytes())
    print("ok")
    """#

  /// argv: out_dir seed n... Writes `intmap-n.im` (the reference's bytes of a random IntMap of
  /// n keys) and `intmap-n.json` (key -> value, both decimal strings).
  static let writeRandomIntMaps =
    randomData + "\n" + #"""
      import json, os, sys
      from mapbuffer import IntMap

      out_dir, seed = sys.argv[1], int(sys.argv[2])
      rng = random.Random(seed)
      for n in sys.argv[3:]:
          data = random_intmap(rng, int(n))
          with open(os.path.join(out_dir, f"intmap-{n}.im"), "wb") as f:
              f.write(IntMap(data).tobytes())
          with open(os.path.join(out_dir, f"intmap-{n}.json"), "w") as f:
              json.dump({str(k): str(v) for k, v in data.items()}, f)
      print("ok")
      """#

  /// argv: dir n... For each n, reads `swift-n.im` written by Swift and `expected-n.json`
  /// (key -> value, decimal), checks the map with the reference's reader, and writes the
  /// reference's own serialization of the same dictionary to `python-n.im`.
  static let checkIntMaps = #"""
    import json, os, sys
    from mapbuffer import IntMap

    out_dir = sys.argv[1]
    problems = []
    def check(condition, message):
        if not condition:
            problems.append(message)

    for n in sys.argv[2:]:
        with open(os.path.join(out_dir, f"expected-{n}.json")) as f:
            expected = {int(k): int(v) for k, v in json.load(f).items()}
        with open(os.path.join(out_dir, f"swift-{n}.im"), "rb") as f:
            im = IntMap(f.read())
        where = f"map of {n} keys"
        check(len(im) == len(expected), f"{where}: len(im) == {len(im)}, expected {len(expected)}")
        try:
            check(im.validate() is True, f"{where}: validate() did not return True")
        except BaseException as e:
            problems.append(f"{where}: validate() raised {e!r}")
        items = {int(k): int(v) for k, v in im.items()}
        keys = sorted(int(k) for k in im.keys())
        check(keys == sorted(expected), f"{where}: keys() differ from the expected keys")
        for key, value in sorted(expected.items()):
            check(items.get(key) == value, f"{where}, key {key}: items() gives {items.get(key)}, expected {value}")
            if key < 2**63:  # the reference's lookup takes a signed 64-bit key
                try:
                    got = int(im[key])
                except BaseException as e:
                    problems.append(f"{where}, key {key}: im[key] raised {e!r}")
                    continue
                check(got == value, f"{where}, key {key}: im[key] gives {got}, expected {value}")
        absent = sorted({k + d for k in expected for d in (-1, 1)} - set(expected))
        for key in absent:
            if 0 <= key < 2**63:
                check(key not in im, f"{where}, absent key {key}: `in` says present")
        with open(os.path.join(out_dir, f"python-{n}.im"), "wb") as f:
            f.write(IntMap(expected).tobytes())

    if problems:
        sys.exit("\n".join([f"{len(problems)} problems:"] + problems[:25]))
    print("ok")
    """#

  /// argv: path... Prints a JSON list of `crc32c.crc32c` of each file's bytes.
  static let crc32c = #"""
    import json, sys
    import crc32c

    results = []
    for path in sys.argv[1:]:
        with open(path, "rb") as f:
            results.append(crc32c.crc32c(f.read()))
    print(json.dumps(results))
    """#
}

// MARK: - Shared helpers

private enum Interop {
  /// The seed every random map derives from; `MAPBUFFER_INTEROP_SEED` overrides it.
  static let baseSeed: UInt64 = {
    if let text = ProcessInfo.processInfo.environment["MAPBUFFER_INTEROP_SEED"], let seed = UInt64(text) {
      return seed
    }
    return 0x6D61_7062_7566_7200  // "mapbufr\0"
  }()

  /// A seed for one test case: distinct per test, codec and version.
  static func seed(test: UInt64, codec: MapBuffer.Compression = .none, version: MapBuffer.FormatVersion = .version0)
    -> UInt64
  {
    let codecIndex = UInt64(MapBuffer.Compression.allCases.firstIndex(of: codec)!)
    return baseSeed &+ (test << 16) &+ (codecIndex << 8) &+ UInt64(version.rawValue)
  }

  static let edgeKeys: [UInt64] = [0, 1, UInt64(Int64.max), 1 << 63, (1 << 63) + 1, .max - 1, .max]

  /// `count` distinct keys over the whole u64 range (the edge keys first), in random order.
  static func randomKeys(count: Int, using generator: inout SeededGenerator) -> [UInt64] {
    var keys = Set(edgeKeys.prefix(count))
    while keys.count < count {
      switch generator.next() % 4 {
      case 0: keys.insert(UInt64.random(in: 0..<1000, using: &generator))
      case 1: keys.insert(UInt64.random(in: (1 << 63)...UInt64.max, using: &generator))
      default: keys.insert(generator.next())
      }
    }
    return keys.sorted().shuffled(using: &generator)
  }

  /// Random bytes, a run of one byte, or a repeated short pattern: some incompressible,
  /// some very compressible.
  static func randomValue(length: Int, using generator: inout SeededGenerator) -> Data {
    switch generator.next() % 3 {
    case 0:
      return Data.random(count: length, using: &generator)
    case 1:
      return Data(repeating: UInt8.random(in: 0...255, using: &generator), count: length)
    default:
      let pattern = Data.random(count: Int.random(in: 1...16, using: &generator), using: &generator)
      var value = Data(capacity: length + pattern.count)
      while value.count < length { value.append(pattern) }
      return value.prefix(length)
    }
  }

  /// A random map of `count` keys: values of 0...300 bytes, one empty value and, from 8 keys
  /// on, one 10 KiB value.
  static func randomMap(count: Int, seed: UInt64) -> [UInt64: Data] {
    var generator = SeededGenerator(seed: seed)
    var result: [UInt64: Data] = [:]
    for (index, key) in randomKeys(count: count, using: &generator).enumerated() {
      let length =
        if index == 0 && count >= 8 { 10 * 1024 } else if index == 1 { 0 } else {
          Int.random(in: 0...300, using: &generator)
        }
      result[key] = Data(randomValue(length: length, using: &generator))
    }
    return result
  }

  /// A random IntMap dictionary of `count` keys, values over the whole u64 range.
  static func randomIntMap(count: Int, seed: UInt64) -> [UInt64: UInt64] {
    var generator = SeededGenerator(seed: seed)
    let edgeValues: [UInt64] = [0, 1, UInt64(Int64.max), 1 << 63, .max]
    var result: [UInt64: UInt64] = [:]
    for (index, key) in randomKeys(count: count, using: &generator).enumerated() {
      result[key] =
        index < edgeValues.count
        ? edgeValues[index]
        : (generator.next() % 2 == 0 ? generator.next() : UInt64.random(in: 0..<1000, using: &generator))
    }
    return result
  }

  /// Keys next to the present ones (and a few random ones) that the map does not hold.
  static func absentKeys<Value>(of map: [UInt64: Value], seed: UInt64) -> [UInt64] {
    var generator = SeededGenerator(seed: seed ^ 0xA85E_A85E)
    var candidates = Set<UInt64>()
    for key in map.keys {
      candidates.insert(key &+ 1)
      candidates.insert(key &- 1)
    }
    for _ in 0..<64 { candidates.insert(generator.next()) }
    return candidates.subtracting(map.keys).sorted()
  }

  // MARK: Files

  static func writeValueManifest(_ map: [UInt64: Data], to url: URL) throws {
    let json = Dictionary(uniqueKeysWithValues: map.map { (String($0.key), $0.value.hex) })
    try JSONEncoder().encode(json).write(to: url)
  }

  static func readValueManifest(_ url: URL) throws -> [UInt64: Data] {
    let json = try JSONDecoder().decode([String: String].self, from: Data(contentsOf: url))
    var result: [UInt64: Data] = [:]
    for (key, hex) in json {
      let parsedKey = try #require(UInt64(key), "manifest key \(key) is not a u64")
      let value: Data = try #require(Data(hexString: hex), "manifest value of key \(key) is not hex")
      result[parsedKey] = value
    }
    return result
  }

  static func writeIntManifest(_ map: [UInt64: UInt64], to url: URL) throws {
    let json = Dictionary(uniqueKeysWithValues: map.map { (String($0.key), String($0.value)) })
    try JSONEncoder().encode(json).write(to: url)
  }

  static func readIntManifest(_ url: URL) throws -> [UInt64: UInt64] {
    let json = try JSONDecoder().decode([String: String].self, from: Data(contentsOf: url))
    var result: [UInt64: UInt64] = [:]
    for (key, value) in json {
      let parsedKey = try #require(UInt64(key), "manifest key \(key) is not a u64")
      let parsedValue: UInt64 = try #require(UInt64(value), "manifest value \(value) of key \(key) is not a u64")
      result[parsedKey] = parsedValue
    }
    return result
  }

  static func withTemporaryDirectory<Result>(_ body: (URL) throws -> Result) throws -> Result {
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    return try body(directory)
  }

  // MARK: Raw layout

  static func uint64(_ bytes: Data, at offset: Int) -> UInt64 {
    bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
  }

  /// The `(label, offset)` pairs of a serialized MapBuffer's index, in index order.
  static func index(of bytes: Data) -> [(label: UInt64, offset: UInt64)] {
    guard bytes.count >= 16 else { return [] }
    let count = Int(
      bytes.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 12, as: UInt32.self)) })
    guard bytes.count >= 16 + 16 * count else { return [] }
    return (0..<count).map { (uint64(bytes, at: 16 + 16 * $0), uint64(bytes, at: 24 + 16 * $0)) }
  }

  /// Where two byte strings first differ, for messages.
  static func firstDifference(_ a: Data, _ b: Data) -> String {
    let (x, y) = ([UInt8](a), [UInt8](b))
    let common = min(x.count, y.count)
    if let at = (0..<common).first(where: { x[$0] != y[$0] }) ?? (x.count != y.count ? common : nil) {
      let region = at < 16 ? "header" : at < 16 + 16 * index(of: a).count ? "index" : "data"
      return "first difference at byte \(at) (\(region)) of \(x.count) vs \(y.count) bytes"
    }
    return "identical"
  }

  // MARK: Checking a map

  /// Checks everything a reader sees of `map` against `expected`, reporting problems with `context`.
  static func check(
    _ map: MapBuffer, equals expected: [UInt64: Data], compression: MapBuffer.Compression,
    version: MapBuffer.FormatVersion, absent: [UInt64], context: String
  ) {
    #expect(map.count == expected.count, "\(context): count")
    #expect(map.compression == compression, "\(context): compression")
    #expect(map.compression.name == compression.name, "\(context): compression name")
    #expect(map.formatVersion == version, "\(context): format version")

    #expect(Array(map.keys) == expected.keys.sorted(), "\(context): keys differ or are not ascending")

    var wrong: [String] = []
    for key in expected.keys.sorted() {
      do {
        let value = try map[key]
        if value != expected[key] {
          wrong.append(
            "key \(key): got \(value.map { "\($0.count) bytes" } ?? "nil"), expected \(expected[key]!.count) bytes")
        }
        if try !map.contains(key) { wrong.append("key \(key): contains() is false") }
      } catch {
        wrong.append("key \(key): threw \(error)")
      }
    }
    #expect(wrong.isEmpty, "\(context): \(wrong.count) wrong values; first: \(wrong.prefix(5).joined(separator: "; "))")

    var found: [String] = []
    for key in absent {
      do {
        if let value = try map[key] { found.append("key \(key): \(value.count) bytes") }
        if try map.contains(key) { found.append("key \(key): contains() is true") }
      } catch {
        found.append("key \(key): threw \(error)")
      }
    }
    #expect(found.isEmpty, "\(context): absent keys found: \(found.prefix(5).joined(separator: "; "))")

    do {
      #expect(try map.dictionary() == expected, "\(context): dictionary()")
    } catch {
      Issue.record("\(context): dictionary() threw \(error)")
    }
    do {
      try map.validate(.deep)
    } catch {
      Issue.record("\(context): validate(.deep) threw \(error)")
    }
  }

  /// The three ways to open a file.
  static func openAllWays(_ url: URL) throws -> [(access: String, map: MapBuffer)] {
    [
      ("Data", try MapBuffer(Data(contentsOf: url))),
      ("memory mapped", try MapBuffer(contentsOf: url, access: .memoryMapped)),
      ("positional reads", try MapBuffer(contentsOf: url, access: .positionalReads)),
    ]
  }
}

extension Data {
  /// Parses lowercase or uppercase hexadecimal; `nil` if malformed.
  fileprivate init?(hexString: String) {
    let digits = Array(hexString.utf8)
    guard digits.count % 2 == 0 else { return nil }
    var bytes = [UInt8]()
    bytes.reserveCapacity(digits.count / 2)
    func nibble(_ c: UInt8) -> UInt8? {
      switch c {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
      default: nil
      }
    }
    var index = 0
    while index < digits.count {
      guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
      bytes.append(high << 4 | low)
      index += 2
    }
    self.init(bytes)
  }
}

// MARK: - Tests

@Suite("Interoperability with the Python reference")
struct InteropTests {
  static let versions = MapBuffer.FormatVersion.allCases

  // MARK: 1. Python → Swift

  @Test(
    "Maps the reference writes read here, from Data, a mapped file and positional reads",
    arguments: MapBuffer.Compression.allCases, versions)
  func pythonToSwift(codec: MapBuffer.Compression, version: MapBuffer.FormatVersion) throws {
    let seed = Interop.seed(test: 1, codec: codec, version: version)
    try Interop.withTemporaryDirectory { directory in
      let output = try ReferencePython.run(
        InteropScript.writeRandomMapBuffer, arguments: [directory.path, codec.name, "\(version)", "\(seed)"])
      let context = "Python → Swift, codec \(codec.name), version \(version), seed \(seed)"
      let expected = try Interop.readValueManifest(directory.appendingPathComponent("manifest.json"))
      #expect(expected.count == 200, "\(context): python wrote \(String(decoding: output, as: UTF8.self))")
      #expect(expected.keys.contains(0) && expected.keys.contains(.max) && expected.keys.contains(1 << 63))
      #expect(expected.values.contains { $0.count == 10 * 1024 } && expected.values.contains { $0.isEmpty })

      let url = directory.appendingPathComponent("map.mb")
      let bytes = try Data(contentsOf: url)
      #expect(bytes.prefix(8) == Data("mapbufr".utf8) + [version.rawValue], "\(context): header")
      #expect(bytes.dropFirst(8).prefix(4) == Data(codec.tag), "\(context): codec tag")

      let absent = Interop.absentKeys(of: expected, seed: seed)
      for (access, map) in try Interop.openAllWays(url) {
        Interop.check(
          map, equals: expected, compression: codec, version: version, absent: absent,
          context: "\(context), \(access)")
        #expect(try map.serialized == bytes, "\(context), \(access): serialized")
      }
    }
  }

  // MARK: 2. Swift → Python

  @Test("Maps written here read in the reference", arguments: MapBuffer.Compression.allCases, versions)
  func swiftToPython(codec: MapBuffer.Compression, version: MapBuffer.FormatVersion) throws {
    let seed = Interop.seed(test: 2, codec: codec, version: version)
    let expected = Interop.randomMap(count: 200, seed: seed)
    try Interop.withTemporaryDirectory { directory in
      let url = directory.appendingPathComponent("swift.mb")
      let manifest = directory.appendingPathComponent("expected.json")
      try MapBufferWriter(compression: codec, formatVersion: version).write(expected, to: url)
      try Interop.writeValueManifest(expected, to: manifest)

      let output: Data
      do {
        output = try ReferencePython.run(
          InteropScript.checkMapBuffer, arguments: [url.path, manifest.path, codec.name, "\(version)"])
      } catch let error as ReferencePython.Failure {
        Issue.record("Swift → Python, codec \(codec.name), version \(version), seed \(seed): \(error)")
        return
      }
      #expect(String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == "ok")
    }
  }

  // MARK: 3. Byte identity

  static let identitySizes = [0, 1, 2, 3, 8, 200]

  @Test(
    "The same map serializes as the reference does: identical bytes uncompressed, identical layout compressed",
    arguments: MapBuffer.Compression.allCases, versions)
  func byteIdentity(codec: MapBuffer.Compression, version: MapBuffer.FormatVersion) throws {
    let seed = Interop.seed(test: 3, codec: codec, version: version)
    try Interop.withTemporaryDirectory { directory in
      var maps: [Int: [UInt64: Data]] = [:]
      for size in Self.identitySizes {
        maps[size] = Interop.randomMap(count: size, seed: seed &+ UInt64(size))
        try Interop.writeValueManifest(maps[size]!, to: directory.appendingPathComponent("expected-\(size).json"))
      }
      try ReferencePython.run(
        InteropScript.writeMapBuffersFromManifests,
        arguments: [directory.path, codec.name, "\(version)"] + Self.identitySizes.map(String.init))

      for size in Self.identitySizes {
        let context = "identity, codec \(codec.name), version \(version), \(size) keys, seed \(seed &+ UInt64(size))"
        let expected = maps[size]!
        let swiftBytes = try MapBufferWriter(compression: codec, formatVersion: version).encode(expected)
        let pythonBytes = try Data(contentsOf: directory.appendingPathComponent("python-\(size).mb"))

        if codec == .none {
          #expect(swiftBytes == pythonBytes, "\(context): \(Interop.firstDifference(swiftBytes, pythonBytes))")
        }
        #expect(swiftBytes.prefix(16) == pythonBytes.prefix(16), "\(context): headers differ")

        let swiftIndex = Interop.index(of: swiftBytes)
        let pythonIndex = Interop.index(of: pythonBytes)
        #expect(swiftIndex.count == size && pythonIndex.count == size, "\(context): index sizes")
        let labelMismatch = (0..<min(swiftIndex.count, pythonIndex.count)).first {
          swiftIndex[$0].label != pythonIndex[$0].label
        }
        if let position = labelMismatch {
          Issue.record(
            "\(context): index labels differ from position \(position): Swift's \(swiftIndex[position].label), Python's \(pythonIndex[position].label)"
          )
        }

        // Items lie in index order in both: offsets start right after the index, ascend
        // (strictly under a codec or a checksum, where no item is empty) and stay inside.
        for (name, bytes, index) in [("Swift", swiftBytes, swiftIndex), ("Python", pythonBytes, pythonIndex)] {
          guard let first = index.first else {
            #expect(bytes.count == 16, "\(context): \(name)'s empty map is not the bare header")
            continue
          }
          #expect(first.offset == UInt64(16 + 16 * size), "\(context): \(name)'s first offset")
          let ends = index.dropFirst().map(\.offset) + [UInt64(bytes.count)]
          let strict = codec != .none || version == .version1
          let ordered = zip(index.map(\.offset), ends).allSatisfy { strict ? $0 < $1 : $0 <= $1 }
          #expect(ordered, "\(context): \(name)'s item offsets are not in index order")
        }

        // Each value decodes the same, through each side's index.
        let swiftMap = try MapBuffer(swiftBytes)
        let pythonMap = try MapBuffer(pythonBytes)
        var wrong: [String] = []
        for key in expected.keys.sorted() {
          do {
            let fromSwift = try swiftMap[key]
            let fromPython = try pythonMap[key]
            if fromSwift != expected[key] || fromPython != expected[key] {
              func describe(_ value: Data?) -> String { value.map { "\($0.count) bytes" } ?? "nil" }
              wrong.append(
                "key \(key): Swift's map gives \(describe(fromSwift)), Python's \(describe(fromPython)), "
                  + "expected \(expected[key]!.count) bytes")
            }
          } catch {
            wrong.append("key \(key): threw \(error)")
          }
        }
        #expect(
          wrong.isEmpty, "\(context): \(wrong.count) values differ; first: \(wrong.prefix(5).joined(separator: "; "))")
        do {
          try pythonMap.validate(.deep)
          try swiftMap.validate(.deep)
        } catch {
          Issue.record("\(context): validate(.deep) threw \(error)")
        }
      }
    }
  }

  // MARK: 4. IntMap

  static let intMapSizes = [0, 1, 2, 3, 7, 200]

  @Test("IntMaps the reference writes read here, byte for byte as we write them")
  func intMapPythonToSwift() throws {
    let seed = Interop.seed(test: 4)
    try Interop.withTemporaryDirectory { directory in
      try ReferencePython.run(
        InteropScript.writeRandomIntMaps, arguments: [directory.path, "\(seed)"] + Self.intMapSizes.map(String.init))
      for size in Self.intMapSizes {
        let context = "IntMap Python → Swift, \(size) keys, seed \(seed)"
        let expected = try Interop.readIntManifest(directory.appendingPathComponent("intmap-\(size).json"))
        #expect(expected.count == size, "\(context): manifest size")
        let url = directory.appendingPathComponent("intmap-\(size).im")
        let bytes = try Data(contentsOf: url)

        let swiftBytes = try IntMap.encode(expected)
        #expect(swiftBytes == bytes, "\(context): IntMap.encode differs from the reference's bytes")

        let absent = Interop.absentKeys(of: expected, seed: seed)
        let maps: [(String, IntMap)] = [
          ("Data", try IntMap(bytes)),
          ("memory mapped", try IntMap(contentsOf: url, access: .memoryMapped)),
          ("positional reads", try IntMap(contentsOf: url, access: .positionalReads)),
        ]
        for (access, map) in maps {
          let where_ = "\(context), \(access)"
          #expect(map.count == size, "\(where_): count")
          do { try map.validate() } catch { Issue.record("\(where_): validate() threw \(error)") }
          #expect(Array(map.keys) == expected.keys.sorted(), "\(where_): keys")
          #expect(try map.dictionary() == expected, "\(where_): dictionary()")
          var wrong: [String] = []
          for (key, value) in expected.sorted(by: { $0.key < $1.key }) {
            let got = try map[key]
            if got != value { wrong.append("key \(key): got \(got.map(String.init) ?? "nil"), expected \(value)") }
          }
          for key in absent {
            if let got = try map[key] { wrong.append("absent key \(key): got \(got)") }
          }
          #expect(wrong.isEmpty, "\(where_): \(wrong.count) wrong; first: \(wrong.prefix(5).joined(separator: "; "))")
        }
      }
    }
  }

  @Test("IntMaps written here read in the reference, and it writes the same bytes")
  func intMapSwiftToPython() throws {
    let seed = Interop.seed(test: 5)
    try Interop.withTemporaryDirectory { directory in
      var maps: [Int: [UInt64: UInt64]] = [:]
      for size in Self.intMapSizes {
        let map = Interop.randomIntMap(count: size, seed: seed &+ UInt64(size))
        maps[size] = map
        try IntMap.write(map, to: directory.appendingPathComponent("swift-\(size).im"))
        try Interop.writeIntManifest(map, to: directory.appendingPathComponent("expected-\(size).json"))
      }
      let output: Data
      do {
        output = try ReferencePython.run(
          InteropScript.checkIntMaps, arguments: [directory.path] + Self.intMapSizes.map(String.init))
      } catch let error as ReferencePython.Failure {
        Issue.record("IntMap Swift → Python, seed \(seed): \(error)")
        return
      }
      #expect(String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == "ok")
      for size in Self.intMapSizes {
        let swiftBytes = try Data(contentsOf: directory.appendingPathComponent("swift-\(size).im"))
        let pythonBytes = try Data(contentsOf: directory.appendingPathComponent("python-\(size).im"))
        #expect(
          swiftBytes == pythonBytes,
          "IntMap identity, \(size) keys, seed \(seed &+ UInt64(size)): \(swiftBytes.count) vs \(pythonBytes.count) bytes"
        )
      }
    }
  }

  // MARK: 5. CRC-32C

  @Test("CRC-32C equals the crc32c package's on random buffers")
  func crc32cMatchesReference() throws {
    let lengths = [0, 1, 7, 8, 63, 64, 1000, 100_000]
    var generator = SeededGenerator(seed: Interop.seed(test: 6))
    try Interop.withTemporaryDirectory { directory in
      var buffers: [Data] = []
      var paths: [String] = []
      for length in lengths {
        let buffer = Data.random(count: length, using: &generator)
        let url = directory.appendingPathComponent("buffer-\(length).bin")
        try buffer.write(to: url)
        buffers.append(buffer)
        paths.append(url.path)
      }
      let output = try ReferencePython.run(InteropScript.crc32c, arguments: paths)
      let reference = try JSONDecoder().decode([UInt32].self, from: output)
      try #require(reference.count == lengths.count)
      for (index, buffer) in buffers.enumerated() {
        let length = lengths[index]
        #expect(CRC32C.checksum(buffer) == reference[index], "CRC-32C of \(length) random bytes")
        #expect(
          buffer.withUnsafeBytes { CRC32C.portableChecksum($0) } == reference[index],
          "portable CRC-32C of \(length) random bytes")
        // Extending over a split gives the checksum of the whole.
        let split = length / 3
        let head = CRC32C.checksum(buffer.prefix(split))
        #expect(
          CRC32C.checksum(buffer.dropFirst(split), extending: head) == reference[index],
          "CRC-32C of \(length) random bytes extended at \(split)")
      }
    }
  }
}
