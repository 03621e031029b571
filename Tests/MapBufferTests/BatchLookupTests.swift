import Foundation
import MapBuffer
import MapBufferTestSupport
import Testing

/// `values(forKeys:)` gives exactly what one subscript per key gives, from every source.
@Suite("Batch lookups")
struct BatchLookupTests {
  /// The same serialized map opened from bytes, an array, a mapped file and positional reads.
  static func everySource(_ data: Data, in directory: URL) throws -> [(String, MapBuffer)] {
    let url = directory.appendingPathComponent("map.mb")
    try data.write(to: url)
    return [
      ("Data", try MapBuffer(data)),
      ("[UInt8]", try MapBuffer([UInt8](data))),
      ("mapped", try MapBuffer(contentsOf: url)),
      ("pread", try MapBuffer(contentsOf: url, access: .positionalReads)),
    ]
  }

  @Test(
    "Present, absent and repeated keys, in any order, match single lookups",
    arguments: [MapBuffer.Compression.none, .zstd], [0, 1, 2, 15, 16, 17, 1_000, 5_003])
  func matchesSingleLookups(_ compression: MapBuffer.Compression, count: Int) throws {
    var generator = SeededGenerator(seed: UInt64(count) &+ 77)
    var items: [UInt64: Data] = [:]
    while items.count < count {
      // Keys across the whole range, including those at and above 2^63.
      items[generator.next()] = Data.random(count: Int.random(in: 0...40, using: &generator), using: &generator)
    }
    let present = Array(items.keys)
    var requests = present.shuffled(using: &generator)
    requests += (0..<(count / 2 + 3)).map { _ in generator.next() }  // almost surely absent
    requests += present.prefix(5)  // repeated
    requests += [0, 1, .max, 1 << 63]  // edges
    requests.shuffle(using: &generator)
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let data = try MapBufferWriter(compression: compression).encode(items)
    for (name, map) in try Self.everySource(data, in: directory) {
      let batch = try map.values(forKeys: requests)
      #expect(batch.count == requests.count, "\(name)")
      for (key, value) in zip(requests, batch) {
        #expect(value == items[key], "\(name): key \(key)")
        #expect(value == (try map[key]), "\(name): key \(key)")
      }
      #expect(try map.values(forKeys: []) == [], "\(name)")
    }
  }

  @Test("A corrupt item among the keys throws the error naming its key")
  func corruptItem() throws {
    let items: [UInt64: Data] = Dictionary(
      uniqueKeysWithValues: (0..<100).map { (UInt64($0) * 3, Data(repeating: UInt8($0), count: 20)) })
    var data = try MapBufferWriter().encode(items)
    let map = try MapBuffer(data)
    // Find key 42's item through the public API and flip a byte of it.
    let stored = try #require(try map.storedBytes(forKey: 42))
    let offset = try #require(data.range(of: stored)).lowerBound
    data[offset] ^= 0xFF
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    for (name, corrupt) in try Self.everySource(data, in: directory) {
      #expect(try corrupt.values(forKeys: [3, 6, 9]) == [items[3], items[6], items[9]], "\(name)")
      #expect(
        performing: { _ = try corrupt.values(forKeys: [3, 42, 6]) },
        throws: { error in
          guard let error = error as? MapBufferError else { return false }
          return error.code == .checksumMismatch && error.key == 42
        })
    }
  }
}
