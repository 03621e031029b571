import Foundation
import MapBufferTestSupport
import Testing

@testable import MapBuffer

/// A random map with keys across the whole UInt64 range and values of 0 to 300 bytes.
func randomMap(count: Int, seed: UInt64) -> [UInt64: Data] {
  var generator = SeededGenerator(seed: seed)
  var result: [UInt64: Data] = [:]
  while result.count < count {
    let key = generator.next() >> UInt64.random(in: 0...63, using: &generator)
    result[key] = Data.random(count: Int.random(in: 0...300, using: &generator), using: &generator)
  }
  return result
}

@Suite("Reading and writing")
struct MapBufferTests {
  static let configurations: [(MapBuffer.Compression, MapBuffer.FormatVersion)] =
    MapBuffer.Compression.allCases.flatMap { codec in MapBuffer.FormatVersion.allCases.map { (codec, $0) } }

  @Test("The seed's quick start")
  func quickStart() throws {
    let map = try MapBuffer(encoding: [2848: Data("abc".utf8), 12939: Data("123".utf8)])
    #expect(try map[2848] == Data("abc".utf8))
    #expect(try map[12939] == Data("123".utf8))
    #expect(try map[1] == nil)
    #expect(map.count == 2)
    #expect(Array(map.keys) == [2848, 12939])
    let reopened = try MapBuffer(map.serialized)
    #expect(try reopened[2848] == Data("abc".utf8))
  }

  @Test("Round trip in every codec and version", arguments: configurations)
  func roundTrip(_ codec: MapBuffer.Compression, _ version: MapBuffer.FormatVersion) throws {
    let values = randomMap(count: 500, seed: 3)
    let map = try MapBuffer(encoding: values, compression: codec, formatVersion: version)
    #expect(map.compression == codec)
    #expect(map.formatVersion == version)
    #expect(map.count == values.count)
    #expect(Array(map.keys) == values.keys.sorted())
    #expect(try map.dictionary() == values)
    for (key, value) in values {
      #expect(try map[key] == value)
      #expect(try map.withUnsafeBytes(forKey: key) { Data($0) } == value)
    }
    try map.validate(.deep)
  }

  @Test("An empty map is exactly the header")
  func emptyMap() throws {
    for version in MapBuffer.FormatVersion.allCases {
      let map = try MapBuffer(encoding: [:], compression: .zstd, formatVersion: version)
      #expect(try map.serialized == Data("mapbufr".utf8) + [version.rawValue] + Data("zstd".utf8) + [0, 0, 0, 0])
      #expect(map.isEmpty)
      #expect(map.keys.isEmpty)
      #expect(try map[0] == nil)
      try map.validate(.deep)
    }
  }

  @Test("Sizes, stored bytes and the zero-copy closure")
  func itemAccess() throws {
    let values: [UInt64: Data] = [1: Data("hello".utf8), 2: Data(), 3: Data(repeating: 7, count: 1000)]
    let plain = try MapBuffer(encoding: values)
    #expect(try plain.storedSize(forKey: 1) == 5)
    #expect(try plain.storedSize(forKey: 2) == 0)
    #expect(try plain.storedSize(forKey: 4) == nil)
    #expect(try plain.storedBytes(forKey: 3) == values[3])
    // The closure sees the map's own memory for an uncompressed in-memory map.
    let serialized = try plain.serialized
    let inPlace = try serialized.withUnsafeBytes { whole in
      try plain.withUnsafeBytes(forKey: 1) { item in
        item.baseAddress! >= whole.baseAddress! && item.baseAddress! < whole.baseAddress! + whole.count
      }
    }
    #expect(inPlace == true)
    #expect(try plain.withUnsafeBytes(forKey: 9) { _ in 1 } == nil)

    let compressed = try MapBuffer(encoding: values, compression: .gzip)
    let stored = try #require(try compressed.storedBytes(forKey: 3))
    #expect(stored.count == (try compressed.storedSize(forKey: 3)))
    #expect(stored.count < 1000)
    #expect(try stored.withUnsafeBytes { try MapBuffer.Compression.gzip.decompress($0, limit: 2000) } == values[3])
    #expect(try compressed.withUnsafeBytes(forKey: 3) { $0.count } == 1000)
  }

  @Test("Entries iterate in ascending key order, one item at a time")
  func entries() throws {
    let values = randomMap(count: 100, seed: 9)
    let map = try MapBuffer(encoding: values, compression: .brotli)
    var entries = map.entries()
    var seen: [UInt64] = []
    while let (key, value) = try entries.next() {
      #expect(values[key] == value)
      seen.append(key)
    }
    #expect(seen == values.keys.sorted())
    #expect(try entries.next() == nil)
    var forEachKeys: [UInt64] = []
    try map.forEach { key, _ in forEachKeys.append(key) }
    #expect(forEachKeys == seen)
  }

  @Test("Pairs: any order accepted, a repeated key rejected")
  func pairs() throws {
    let pairs: [(UInt64, Data)] = [(5, Data("five".utf8)), (1, Data("one".utf8))]
    let map = try MapBuffer(encoding: pairs)
    #expect(Array(map.keys) == [1, 5])
    #expect(throws: MapBufferError.duplicateKey(1)) {
      let repeated: [(UInt64, Data)] = [(1, Data()), (5, Data()), (1, Data("again".utf8))]
      _ = try MapBuffer(encoding: repeated)
    }
    #expect(throws: MapBufferError.invalidFormatVersion(2)) {
      try MapBuffer.FormatVersion(validating: 2)
    }
    #expect(try MapBuffer.FormatVersion(validating: 0) == .version0)
    #expect(try MapBuffer.FormatVersion(validating: 1) == .version1)
    #expect(throws: MapBufferError.invalidFormatVersion(255)) { try MapBuffer.FormatVersion(validating: 255) }
  }

  @available(*, deprecated, message: "exercises the UInt8 spellings kept for earlier code")
  @Test("Version numbers given as UInt8 still write, and a number that names no version fails at encoding")
  func formatVersionNumbers() throws {
    #expect(try MapBuffer(encoding: [1: Data()], formatVersion: 0).formatVersion == .version0)
    let pairs: [(UInt64, Data)] = [(1, Data())]
    #expect(try MapBuffer(encoding: pairs, formatVersion: 1).formatVersion == 1)
    #expect(throws: MapBufferError.invalidFormatVersion(2)) {
      try MapBuffer(encoding: [1: Data()], formatVersion: 2)
    }
    let writer = MapBufferWriter(compression: .gzip, formatVersion: 7)
    #expect(throws: MapBufferError.invalidFormatVersion(7)) { try writer.encode([1: Data()]) }
    #expect(MapBuffer.Compression(rawValue: "br") == .brotli && MapBuffer.Compression.zstd.rawValue == "zstd")
  }

  @Test("Parallel and serial writers give the same bytes", arguments: MapBuffer.Compression.allCases)
  func parallelWriting(_ codec: MapBuffer.Compression) throws {
    let values = randomMap(count: 3000, seed: 11)
    var serial = MapBufferWriter(compression: codec)
    serial.maximumConcurrency = 1
    var parallel = MapBufferWriter(compression: codec)
    parallel.maximumConcurrency = 4
    #expect(try serial.encode(values) == parallel.encode(values))
  }

  @Test("Checksum verification can be turned off for lookups, not for deep validation")
  func checksumsOff() throws {
    var bytes = try MapBuffer(encoding: [1: Data("abcd".utf8)]).serialized
    bytes[bytes.count - 1] ^= 0xFF  // damage the checksum only
    var map = try MapBuffer(bytes)
    #expect(throws: MapBufferError.self) { try map[1] }
    map.verifiesChecksums = false
    #expect(try map[1] == Data("abcd".utf8))
    #expect(throws: MapBufferError.self) { try map.validate(.deep) }
    try map.validate(.shallow)
  }

  @Test("One map shared by many threads gives the serial results")
  func concurrentReaders() async throws {
    let values = randomMap(count: 2000, seed: 13)
    let map = try MapBuffer(encoding: values, compression: .zstd)
    let keys = values.keys.sorted()
    try await withThrowingTaskGroup(of: Int.self) { group in
      for worker in 0..<8 {
        group.addTask {
          var matched = 0
          for key in keys where key % 8 == UInt64(worker) || worker == 0 {
            if try map[key] == values[key] { matched += 1 }
          }
          return matched
        }
      }
      var total = 0
      for try await matched in group { total += matched }
      #expect(total == keys.count + keys.filter { $0 % 8 != 0 }.count)
    }
  }
}

@Suite("Files")
struct FileTests {
  @Test("Atomic writes replace the target whole and leave no temporary file")
  func atomicWrite() throws {
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("map.mb")
    let values = randomMap(count: 50, seed: 5)
    try MapBufferWriter(compression: .zstd).write(values, to: url)
    #expect(try MapBuffer(contentsOf: url).dictionary() == values)
    try MapBufferWriter().write([1: Data("new".utf8)], to: url)
    #expect(try MapBuffer(contentsOf: url)[1] == Data("new".utf8))
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["map.mb"])
    let copy = directory.appendingPathComponent("copy.mb")
    try MapBuffer(contentsOf: url, access: .positionalReads).write(to: copy)
    #expect(try Data(contentsOf: copy) == Data(contentsOf: url))
  }

  @Test("A failed write leaves the target untouched and no temporary file")
  func failedWrite() throws {
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("map.mb")
    try MapBufferWriter().write([1: Data("old".utf8)], to: url)
    let before = try Data(contentsOf: url)
    // A failure inside the write: an invalid level is found before anything is written,
    // so inject one after the temporary file exists instead.
    struct Injected: Error {}
    #expect(throws: Injected.self) {
      try AtomicFile.write(to: url) { output in
        try output.write(Data("partial".utf8))
        throw Injected()
      }
    }
    #expect(try Data(contentsOf: url) == before)
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["map.mb"])
    // A directory that does not exist.
    #expect(throws: MapBufferError.self) {
      try MapBufferWriter().write([1: Data()], to: directory.appendingPathComponent("missing/map.mb"))
    }
  }

  @Test("Opening a missing file, a directory or an empty file gives a typed error")
  func badFiles() throws {
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let empty = directory.appendingPathComponent("empty")
    #expect(FileManager.default.createFile(atPath: empty.path, contents: Data()))
    for access in [MapBuffer.FileAccess.memoryMapped, .positionalReads] {
      #expect(
        throws: MapBufferError.io(
          operation: "open", path: directory.appendingPathComponent("missing").path, errno: ENOENT)
      ) {
        try MapBuffer(contentsOf: directory.appendingPathComponent("missing"), access: access)
      }
      #expect(throws: MapBufferError.io(operation: "read", path: directory.path, errno: EISDIR)) {
        try MapBuffer(contentsOf: directory, access: access)
      }
      #expect(throws: MapBufferError.truncatedHeader(byteCount: 0, required: 16)) {
        try MapBuffer(contentsOf: empty, access: access)
      }
    }
  }

  @Test("A file truncated while open gives an error through positional reads, not a crash")
  func truncatedWhileOpen() throws {
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("map.mb")
    let values = randomMap(count: 200, seed: 17)
    try MapBufferWriter().write(values, to: url)
    let map = try MapBuffer(contentsOf: url, access: .positionalReads)
    let lastKey = map.keys.last!
    #expect(try map[lastKey] == values[lastKey])
    let handle = try FileHandle(forWritingTo: url)
    try handle.truncate(atOffset: UInt64(map.byteCount / 2))
    try handle.close()
    var failures = 0
    for key in values.keys {
      do { _ = try map[key] } catch let error as MapBufferError {
        if error.code == .sourceTruncated { failures += 1 } else { Issue.record("unexpected \(error)") }
      }
    }
    #expect(failures > 0)
    #expect(throws: MapBufferError.self) { try map.validate(.deep) }
  }
}

@Suite("In-place replacement")
struct ReplacementTests {
  @Test(
    "Replacing a value of equal stored length writes the new checksum in version 1 and none in version 0",
    arguments: MapBuffer.FormatVersion.allCases)
  func replaceInMemory(_ version: MapBuffer.FormatVersion) throws {
    var bytes = try MapBuffer(encoding: [1: Data("aaaa".utf8), 2: Data("bbbb".utf8)], formatVersion: version).serialized
    let size = bytes.count
    try MapBuffer.replaceValue(forKey: 2, with: Data("cccc".utf8), in: &bytes)
    #expect(bytes.count == size)
    let map = try MapBuffer(bytes)
    #expect(try map[2] == Data("cccc".utf8))
    #expect(try map[1] == Data("aaaa".utf8))
    try map.validate(.deep)
    #expect(
      throws: MapBufferError.storedSizeMismatch(
        key: 2, existing: version.hasChecksums ? 8 : 4, replacement: version.hasChecksums ? 9 : 5)
    ) {
      try MapBuffer.replaceValue(forKey: 2, with: Data("ccccc".utf8), in: &bytes)
    }
    #expect(throws: MapBufferError.keyNotFound(3)) {
      try MapBuffer.replaceValue(forKey: 3, with: Data("cccc".utf8), in: &bytes)
    }
    #expect(try MapBuffer(bytes)[2] == Data("cccc".utf8))
  }

  @Test("Replacing in a file, compressed")
  func replaceInFile() throws {
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("map.mb")
    let old = Data(repeating: 1, count: 100)
    let new = Data(repeating: 2, count: 100)  // compresses to the same size
    try MapBufferWriter(compression: .zstd).write([7: old, 8: Data("x".utf8)], to: url)
    let mapped = try MapBuffer(contentsOf: url)
    try MapBuffer.replaceValue(forKey: 7, with: new, inFileAt: url)
    #expect(try mapped[7] == new, "a mapping sees the write")
    let reopened = try MapBuffer(contentsOf: url)
    #expect(try reopened[7] == new)
    #expect(try reopened[8] == Data("x".utf8))
    try reopened.validate(.deep)
  }

  @Test("IntMap values are replaced in memory and in files")
  func replaceIntMap() throws {
    var bytes = try IntMap.encode([1: 10, 2: 20, .max: 30])
    try IntMap.replaceValue(forKey: .max, with: 99, in: &bytes)
    #expect(try IntMap(bytes)[.max] == 99)
    #expect(throws: MapBufferError.keyNotFound(3)) { try IntMap.replaceValue(forKey: 3, with: 1, in: &bytes) }
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("map.im")
    try IntMap.write([1: 10, 2: 20], to: url)
    try IntMap.replaceValue(forKey: 1, with: .max, inFileAt: url)
    #expect(try IntMap(contentsOf: url).dictionary() == [1: .max, 2: 20])
  }
}
