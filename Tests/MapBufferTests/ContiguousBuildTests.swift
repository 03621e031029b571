import Foundation
import MapBufferTestSupport
import Testing

@testable import MapBuffer

/// `encode(keys:ranges:in:)` builds the same map as a dictionary of the same values.
@Suite("Builds from one buffer of values")
struct ContiguousBuildTests {
  /// The values of `items` laid out one after another, in the order of `keys`, with their ranges.
  static func layOut(_ items: [UInt64: Data], keys: [UInt64]) -> (buffer: Data, ranges: [Range<Int>]) {
    var buffer = Data()
    var ranges: [Range<Int>] = []
    for key in keys {
      ranges.append(buffer.count..<(buffer.count + items[key]!.count))
      buffer.append(items[key]!)
    }
    return (buffer, ranges)
  }

  @Test(
    "The same bytes as the build from a dictionary, on one core and two",
    arguments: MapBuffer.Compression.allCases, MapBuffer.FormatVersion.allCases)
  func matchesDictionaryBuild(_ compression: MapBuffer.Compression, formatVersion: MapBuffer.FormatVersion) throws {
    var generator = SeededGenerator(seed: 11)
    var items: [UInt64: Data] = [:]
    let count = compression == .lzma ? 50 : 3_000
    while items.count < count {
      items[generator.next()] = Data.random(count: Int.random(in: 0...150, using: &generator), using: &generator)
    }
    let keys = Array(items.keys).shuffled(using: &generator)
    let (buffer, ranges) = Self.layOut(items, keys: keys)
    for concurrency in [1, 2] {
      var writer = MapBufferWriter(compression: compression, formatVersion: formatVersion)
      writer.maximumConcurrency = concurrency
      let built = try writer.encode(keys: keys, ranges: ranges, in: buffer)
      #expect(built == (try writer.encode(items)))
      #expect(try MapBuffer(built).dictionary() == items)
      // The buffer as an array, and as a Data slice whose indices do not start at 0.
      #expect(try writer.encode(keys: keys, ranges: ranges, in: [UInt8](buffer)) == built)
      let padded = Data([1, 2, 3]) + buffer
      #expect(try writer.encode(keys: keys, ranges: ranges, in: padded[3...]) == built)
    }
  }

  @Test(
    "The reference's own bytes from its values (codec none)",
    arguments: MapBufferVector.all.filter {
      $0.compression == "none" && !$0.file.contains("large") && !$0.file.contains("edge")
    })
  func writesLikeReference(_ vector: MapBufferVector) throws {
    let values = try #require(vector.expectedValues())
    let keys = Array(values.keys)
    let (buffer, ranges) = Self.layOut(values, keys: keys)
    let ours = try MapBufferWriter(formatVersion: #require(MapBuffer.FormatVersion(rawValue: vector.format_version)))
      .encode(
        keys: keys, ranges: ranges, in: buffer)
    #expect(ours == (try Fixtures.data(vector.file)))
  }

  @Test("Overlapping, repeated and empty ranges; no keys at all")
  func sharedRanges() throws {
    let buffer = Data("abcdefgh".utf8)
    let writer = MapBufferWriter()
    let map = try MapBuffer(writer.encode(keys: [5, 1, 9, 7], ranges: [0..<4, 2..<6, 0..<4, 3..<3], in: buffer))
    #expect(try map.dictionary() == [5: Data("abcd".utf8), 1: Data("cdef".utf8), 9: Data("abcd".utf8), 7: Data()])
    let empty = try MapBuffer(writer.encode(keys: [], ranges: [], in: Data()))
    #expect(empty.isEmpty)
    try empty.validate(.deep)
  }

  @Test("A repeated key or a range outside the buffer throws, naming it")
  func invalidInput() throws {
    let buffer = Data(count: 10)
    let writer = MapBufferWriter()
    #expect(throws: MapBufferError.duplicateKey(3)) {
      try writer.encode(keys: [3, 4, 3], ranges: [0..<1, 1..<2, 2..<3], in: buffer)
    }
    for range in [5..<11, -1..<2, 10..<12, 11..<11] {
      #expect(
        throws: MapBufferError.rangeOutOfBounds(
          lowerBound: range.lowerBound, upperBound: range.upperBound, sourceSize: 10)
      ) {
        try writer.encode(keys: [1, 2], ranges: [0..<1, range], in: buffer)
      }
    }
    // A range ending at the buffer's end is inside it.
    #expect(try MapBuffer(writer.encode(keys: [1], ranges: [7..<10], in: buffer))[1] == Data(count: 3))
  }
}
