import Foundation
import MapBufferTestSupport
import Testing

@testable import MapBuffer

/// `valueBytes(forKey:)` gives what the subscript gives, borrowing the map's bytes when it can.
@Suite("Borrowed values")
struct ValueBytesTests {
  static func randomItems(count: Int, seed: UInt64) -> [UInt64: Data] {
    var generator = SeededGenerator(seed: seed)
    var items: [UInt64: Data] = [:]
    while items.count < count {
      items[generator.next()] = Data.random(count: Int.random(in: 0...300, using: &generator), using: &generator)
    }
    return items
  }

  @Test(
    "Every key, present or absent, from every source, matches the subscript",
    arguments: [MapBuffer.Compression.none, .zstd], MapBuffer.FormatVersion.allCases)
  func matchesSubscript(_ compression: MapBuffer.Compression, formatVersion: MapBuffer.FormatVersion) throws {
    let items = Self.randomItems(count: 700, seed: 5)
    let data = try MapBufferWriter(compression: compression, formatVersion: formatVersion).encode(items)
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    var generator = SeededGenerator(seed: 6)
    let absent = (0..<50).map { _ in generator.next() }.filter { items[$0] == nil } + [0, .max]
    for (name, map) in try BatchLookupTests.everySource(data, in: directory) {
      for (key, value) in items {
        let bytes = try #require(try map.valueBytes(forKey: key), "\(name): key \(key)")
        #expect(bytes.count == value.count, "\(name): key \(key)")
        #expect(Data(bytes) == value, "\(name): key \(key)")
        #expect(bytes.data == value, "\(name): key \(key)")
        #expect(Array(bytes) == Array(value), "\(name): key \(key)")
        #expect(bytes.indices == 0..<value.count, "\(name): key \(key)")
        if let last = value.last { #expect(bytes[bytes.count - 1] == last, "\(name): key \(key)") }
        #expect(bytes.withUnsafeBytes { Data($0) } == value, "\(name): key \(key)")
      }
      for key in absent where items[key] == nil {
        #expect(try map.valueBytes(forKey: key) == nil, "\(name): key \(key)")
      }
    }
  }

  @Test("An uncompressed map in memory lends its own bytes, as withUnsafeBytes(forKey:) does")
  func borrowsInPlace() throws {
    let items = Self.randomItems(count: 100, seed: 7)
    let data = try MapBufferWriter().encode(items)
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    for (name, map) in try BatchLookupTests.everySource(data, in: directory) where name != "pread" {
      for key in items.keys where items[key]!.count > 0 {
        let borrowed = try #require(try map.valueBytes(forKey: key)).withUnsafeBytes { $0.baseAddress }
        let inPlace = try map.withUnsafeBytes(forKey: key) { $0.baseAddress }
        #expect(borrowed == inPlace, "\(name): key \(key)")
      }
    }
  }

  @Test("A value from a mapped file stays valid after its map is gone")
  func outlivesTheMap() throws {
    let items = Self.randomItems(count: 200, seed: 8)
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("map.mb")
    try MapBufferWriter().write(items, to: url)
    var values: [(UInt64, MapBuffer.ValueBytes)] = []
    do {
      let map = try MapBuffer(contentsOf: url)
      for key in items.keys { values.append((key, try #require(try map.valueBytes(forKey: key)))) }
    }
    // The map, its source and its index are gone; the values keep the mapping.
    for (key, value) in values { #expect(Data(value) == items[key], "key \(key)") }
  }

  @Test("A corrupt item throws as the subscript does, and reads when checksums are not verified")
  func corruptItem() throws {
    let items: [UInt64: Data] = Dictionary(
      uniqueKeysWithValues: (0..<50).map { (UInt64($0) * 7, Data(repeating: UInt8($0), count: 30)) })
    var data = try MapBufferWriter().encode(items)
    let stored = try #require(try MapBuffer(data).storedBytes(forKey: 21))
    let offset = try #require(data.range(of: stored)).lowerBound
    data[offset] ^= 0xFF
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    for (name, opened) in try BatchLookupTests.everySource(data, in: directory) {
      var map = opened
      #expect(throws: MapBufferError.self, "\(name)") { try map.valueBytes(forKey: 21) }
      #expect(try map.valueBytes(forKey: 14).map { Data($0) } == items[14], "\(name)")
      map.verifiesChecksums = false
      var corrupted = items[21]!
      corrupted[0] ^= 0xFF
      #expect(try map.valueBytes(forKey: 21).map { Data($0) } == corrupted, "\(name)")
    }
  }

  @Test("An empty map and a map sliced from larger Data")
  func edges() throws {
    #expect(try MapBuffer(MapBufferWriter().encode([UInt64: Data]())).valueBytes(forKey: 0) == nil)
    let items: [UInt64: Data] = [1: Data("one".utf8), 2: Data(), 3: Data(repeating: 3, count: 100)]
    let serialized = try MapBufferWriter().encode(items)
    // Data whose indices do not start at 0.
    let padded = Data(repeating: 0xAB, count: 5) + serialized
    let map = try MapBuffer(padded[5...])
    for (key, value) in items {
      #expect(try map.valueBytes(forKey: key).map { Data($0) } == value, "key \(key)")
      #expect(try map.valueBytes(forKey: key)?.data.startIndex == 0, "key \(key)")
    }
  }
}
