import Foundation
import MapBuffer
import MapBufferTestSupport
import Testing

/// The streaming builder, merging and transcoding: same bytes as the in-memory writer, bounded
/// buffers, atomic outputs.
@Suite("Streaming builder, merge and transcode")
struct StreamingBuilderTests {
  static func randomItems(count: Int, seed: UInt64) -> [UInt64: Data] {
    var generator = SeededGenerator(seed: seed)
    var items: [UInt64: Data] = [:]
    while items.count < count {
      let size = Int.random(in: 0...300, using: &generator)
      items[generator.next()] = Data((0..<size).map { _ in UInt8.random(in: 97...104, using: &generator) })
    }
    return items
  }

  static func directoryListing(_ url: URL) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
  }

  @Test(
    "Items added in any order, spilled many times, give the writer's exact bytes",
    arguments: MapBuffer.Compression.allCases, MapBuffer.FormatVersion.allCases)
  func sameBytesAsWriter(_ compression: MapBuffer.Compression, version: MapBuffer.FormatVersion) throws {
    let items = Self.randomItems(count: 700, seed: 11 + UInt64(version.rawValue))
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("streamed.mb")
    // A 4 KiB buffer: the items are spilled in dozens of batches.
    let builder = try MapBufferStreamingBuilder(
      writingTo: url, compression: compression, formatVersion: version, bufferByteLimit: 4_096)
    var generator = SeededGenerator(seed: 5)
    for (key, value) in items.shuffled(using: &generator) { try builder.add(value, forKey: key) }
    #expect(builder.count == items.count)
    try builder.finish()
    let expected = try MapBufferWriter(compression: compression, formatVersion: version).encode(items)
    #expect(try Data(contentsOf: url) == expected)
    #expect(try Self.directoryListing(directory) == ["streamed.mb"], "no scratch or temporary file left")
  }

  @Test("An empty build is the writer's empty map")
  func empty() throws {
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("empty.mb")
    try MapBufferStreamingBuilder(writingTo: url).finish()
    #expect(try Data(contentsOf: url) == MapBufferWriter().encode([UInt64: Data]()))
  }

  @Test("A key added twice fails finish(); the file already there is untouched and nothing is left behind")
  func duplicateKey() throws {
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("target.mb")
    let original = Data("the user's file".utf8)
    try original.write(to: url)
    let builder = try MapBufferStreamingBuilder(writingTo: url, bufferByteLimit: 64)
    for key in UInt64(0)..<50 { try builder.add(Data(repeating: 1, count: 10), forKey: key) }
    try builder.add(Data(), forKey: 17)
    #expect(throws: MapBufferError.duplicateKey(17)) { try builder.finish() }
    #expect(try Data(contentsOf: url) == original)
    #expect(try Self.directoryListing(directory) == ["target.mb"])
  }

  @Test("A builder dropped without finish() writes nothing and leaves nothing")
  func dropped() throws {
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    do {
      let builder = try MapBufferStreamingBuilder(
        writingTo: directory.appendingPathComponent("never.mb"), bufferByteLimit: 16)
      for key in UInt64(0)..<100 { try builder.add(Data(count: 40), forKey: key) }
    }
    #expect(try Self.directoryListing(directory).isEmpty)
  }

  @Test("A builder for a folder that does not exist fails at once with the folder's name")
  func missingFolder() throws {
    let url = URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)/map.mb")
    #expect(
      performing: { _ = try MapBufferStreamingBuilder(writingTo: url) },
      throws: { error in
        guard let error = error as? MapBufferError, error.code == .io, let path = error.path else { return false }
        return path.hasPrefix("/nonexistent-")
      })
  }

  // MARK: Merge

  @Test(
    "Merging disjoint maps of one codec copies items as stored: the writer's bytes for the union",
    arguments: [MapBuffer.Compression.none, .zstd, .brotli])
  func mergeDisjoint(_ compression: MapBuffer.Compression) throws {
    let all = Self.randomItems(count: 900, seed: 99)
    let keys = all.keys.sorted()
    let parts = [keys[0..<300], keys[300..<301], keys[301..<900]].map { slice in
      Dictionary(uniqueKeysWithValues: slice.map { ($0, all[$0]!) })
    }
    let writer = MapBufferWriter(compression: compression)
    let inputs = try parts.map { try MapBuffer(writer.encode($0)) } + [try MapBuffer(writer.encode([:]))]
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("merged.mb")
    var reported = 0
    try MapBuffer.merge(inputs, to: url, bufferByteLimit: 2_048) { consumed, total in
      #expect(total == 900)
      reported = consumed
    }
    #expect(reported == 900)
    #expect(try Data(contentsOf: url) == writer.encode(all))
  }

  @Test("Duplicate keys: an error, the first, the last, or combined in input order")
  func mergePolicies() throws {
    let a: [UInt64: Data] = [1: Data("a1".utf8), 2: Data("a2".utf8), 5: Data("a5".utf8)]
    let b: [UInt64: Data] = [2: Data("b2".utf8), 3: Data("b3".utf8)]
    let c: [UInt64: Data] = [2: Data("c2".utf8), 5: Data("c5".utf8), .max: Data("cmax".utf8)]
    // Different codecs and versions: kept items are transcoded to the output's form.
    let inputs = [
      try MapBuffer(MapBufferWriter(compression: .gzip).encode(a)),
      try MapBuffer(MapBufferWriter(formatVersion: .version0).encode(b)),
      try MapBuffer(MapBufferWriter(compression: .lzma).encode(c)),
    ]
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("merged.mb")
    let writer = MapBufferWriter(compression: .zstd)

    #expect(throws: MapBufferError.duplicateKey(2)) {
      try MapBuffer.merge(inputs, to: url, onDuplicate: .error, writer: writer)
    }
    #expect(!FileManager.default.fileExists(atPath: url.path))

    try MapBuffer.merge(inputs, to: url, onDuplicate: .keepFirst, writer: writer)
    #expect(try MapBuffer(contentsOf: url).dictionary() == [1: a[1]!, 2: a[2]!, 3: b[3]!, 5: a[5]!, .max: c[.max]!])
    #expect(try MapBuffer(contentsOf: url).compression == .zstd)

    try MapBuffer.merge(inputs, to: url, onDuplicate: .keepLast, writer: writer)
    #expect(try MapBuffer(contentsOf: url).dictionary() == [1: a[1]!, 2: c[2]!, 3: b[3]!, 5: c[5]!, .max: c[.max]!])

    try MapBuffer.merge(
      inputs, to: url,
      onDuplicate: .combine { key, values in
        Data("\(key):".utf8) + values.reduce(Data(), +)
      }, writer: writer)
    let combined = try MapBuffer(contentsOf: url).dictionary()
    #expect(combined[2] == Data("2:a2b2c2".utf8))
    #expect(combined[5] == Data("5:a5c5".utf8))
    #expect(combined[3] == b[3])
    #expect(try MapBuffer(contentsOf: url).values(forKeys: [1, 4]) == [a[1], nil])
  }

  @Test("A corrupt item stops the merge with its key, even when copied as stored; the target is untouched")
  func mergeCorrupt() throws {
    let items: [UInt64: Data] = Dictionary(
      uniqueKeysWithValues: (0..<40).map { (UInt64($0), Data(repeating: UInt8($0), count: 30)) })
    var bytes = try MapBufferWriter().encode(items)
    let stored = try #require(try MapBuffer(bytes).storedBytes(forKey: 23))
    bytes[try #require(bytes.range(of: stored)).lowerBound + 3] ^= 0x40
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("out.mb")
    try Data("keep me".utf8).write(to: url)
    for writer in [MapBufferWriter(), MapBufferWriter(compression: .gzip)] {
      #expect(
        performing: { try MapBuffer.merge([try MapBuffer(bytes)], to: url, writer: writer) },
        throws: { error in
          guard let error = error as? MapBufferError else { return false }
          return error.code == .checksumMismatch && error.key == 23
        })
      #expect(try Data(contentsOf: url) == Data("keep me".utf8))
    }
    #expect(try Self.directoryListing(directory) == ["out.mb"])
  }

  // MARK: Transcode

  @Test(
    "Transcoding streams to the writer's bytes for every codec and version",
    arguments: MapBuffer.Compression.allCases)
  func transcode(_ compression: MapBuffer.Compression) throws {
    let items = Self.randomItems(count: 300, seed: 3)
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("out.mb")
    let source = try MapBuffer(MapBufferWriter(compression: .gzip, formatVersion: .version0).encode(items))
    for version in MapBuffer.FormatVersion.allCases {
      let writer = MapBufferWriter(compression: compression, formatVersion: version)
      try source.transcode(to: url, writer: writer, bufferByteLimit: 1_000)
      #expect(try Data(contentsOf: url) == writer.encode(items), "\(compression) v\(version)")
    }
  }
}
