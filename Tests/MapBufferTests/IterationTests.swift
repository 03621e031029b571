import Foundation
import MapBufferTestSupport
import Testing

@testable import MapBuffer

@Suite("Iteration: lazy keys and for loops over entries")
struct IterationTests {
  /// `values` serialized with zstd and opened from each kind of source.
  static func everySource(_ values: [UInt64: Data], in folder: URL) throws -> [(String, MapBuffer)] {
    try BatchLookupTests.everySource(MapBuffer(encoding: values, compression: .zstd).serialized, in: folder)
  }

  @Test(
    "keys is a lazy collection in ascending order: iteration, indexes, reverse, on every source",
    arguments: [0, 1, 2, 3, 7, 8, 9, 100, 1000])
  func keys(count: Int) throws {
    let values = randomMap(count: count, seed: UInt64(count))
    let folder = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let sorted = values.keys.sorted()
    for (name, map) in try Self.everySource(values, in: folder) {
      let keys = map.keys
      #expect(keys.count == count, "\(name)")
      #expect(Array(keys) == sorted, "\(name): iteration")
      #expect(keys.indices.map { keys[$0] } == sorted, "\(name): subscript by rank")
      #expect(Array(keys.reversed()) == sorted.reversed(), "\(name): backwards")
      #expect(keys.first == sorted.first && keys.last == sorted.last, "\(name)")
      var loop: [UInt64] = []
      for key in map.keys { loop.append(key) }  // no try: reading keys cannot fail
      #expect(loop == sorted, "\(name): for loop")
    }
  }

  @Test("Eytzinger rank, predecessor and last position agree with the in-order walk", arguments: Array(0...70))
  func ranks(count: Int) {
    var walk: [Int] = []
    Eytzinger.forEachInOrder(count: count) { position, _ in walk.append(position) }
    for (rank, position) in walk.enumerated() {
      #expect(Eytzinger.position(ofRank: rank, count: count) == position)
      #expect(Eytzinger.position(before: position, count: count) == (rank == 0 ? nil : walk[rank - 1]))
    }
    #expect(Eytzinger.lastPosition(count: count) == walk.last)
  }

  @Test("for entry in map: ascending keys, values read on demand, one at a time")
  func entries() throws {
    let values = randomMap(count: 300, seed: 5)
    let folder = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    for (name, map) in try Self.everySource(values, in: folder) {
      var seen: [UInt64] = []
      for entry in map {
        seen.append(entry.key)
        #expect(try entry.value == values[entry.key], "\(name): key \(entry.key)")
        #expect(try entry.withUnsafeValueBytes { Data($0) } == values[entry.key], "\(name)")
      }
      #expect(seen == values.keys.sorted(), "\(name)")
      #expect(map.underestimatedCount == values.count)
      // Sequence algorithms work too.
      #expect(map.map(\.key) == values.keys.sorted())
    }
  }

  @Test("A corrupt item throws from its entry's value, naming its key; the loop goes on")
  func corruptEntry() throws {
    let values: [UInt64: Data] = [1: Data("one".utf8), 2: Data("two".utf8), 3: Data("three".utf8)]
    var bytes = try MapBuffer(encoding: values).serialized
    let map = try MapBuffer(bytes)
    let range = try #require(try map.location(of: 2)).range
    bytes[range.lowerBound] ^= 0xFF
    let damaged = try MapBuffer(bytes)
    var good: [UInt64] = []
    for entry in damaged {
      do {
        _ = try entry.value
        good.append(entry.key)
      } catch let error as MapBufferError {
        #expect(error.code == .checksumMismatch && error.key == 2)
      }
    }
    #expect(good == [1, 3])
  }

  @Test("IntMap: for (key, value) in map and lazy keys, on every source")
  func intMap() throws {
    var generator = SeededGenerator(seed: 9)
    let items = Dictionary(uniqueKeysWithValues: (0..<500).map { _ in (generator.next(), generator.next()) })
    let folder = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("map.im")
    try IntMap.write(items, to: url)
    for map in [
      try IntMap(encoding: items), try IntMap(contentsOf: url), try IntMap(contentsOf: url, access: .positionalReads),
    ] {
      var pairs: [(UInt64, UInt64)] = []
      for (key, value) in map { pairs.append((key, value)) }
      #expect(pairs.map(\.0) == items.keys.sorted())
      #expect(pairs.allSatisfy { items[$0.0] == $0.1 })
      #expect(Array(map.keys) == items.keys.sorted())
      #expect(map.keys[3] == items.keys.sorted()[3])
    }
  }

  @Test("Descriptions: a one-line summary, and where the bytes are")
  func descriptions() throws {
    let map = try MapBuffer(encoding: [2848: Data("abc".utf8), 12939: Data("123".utf8)], compression: .zstd)
    #expect(map.description == "MapBuffer(2 keys, codec zstd, format version 1, \(map.byteCount) bytes)")
    #expect(map.debugDescription.hasSuffix("index 32, data \(map.dataByteCount); in memory)"))
    #expect(String(describing: map).contains("unknown context") == false)
    let intMap = try IntMap(encoding: [1: 2])
    #expect(intMap.description == "IntMap(1 key, 26 bytes)")
    #expect(map.keys.description == "[2848, 12939]")
    let folder = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("d.mb")
    try map.write(to: url)
    #expect(try MapBuffer(contentsOf: url).debugDescription.hasSuffix("memory-mapped \(url.path))"))
  }
}
