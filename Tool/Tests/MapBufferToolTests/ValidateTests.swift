import Foundation
import MapBuffer
import MapBufferTestSupport
import Testing

// `validate` and `validate --deep`: `ok` for every intact fixture; for damaged copies, exit 1
// and one line naming the problem and the key or index position. Damage is made by editing
// the bytes at offsets computed from the documented layout, not through the library.

@Suite("mapbuffer validate")
struct ValidateTests {
  @Test("every MapBuffer fixture is valid, shallow and deep", arguments: MapBufferFixture.all)
  func validFixtures(fixture: MapBufferFixture) throws {
    for extra in [[], ["--deep"]] {
      let result = try ToolRunner.run(["validate", fixture.path] + extra)
      expectSuccess(result, "validate \(extra) \(fixture)")
      #expect(result.output == "ok\n", "validate \(extra) \(fixture)")
    }
  }

  @Test("every IntMap fixture is valid", arguments: IntMapFixture.all)
  func validIntMaps(fixture: IntMapFixture) throws {
    for extra in [[], ["--deep"]] {
      let result = try ToolRunner.run(["validate", fixture.path] + extra)
      expectSuccess(result, "validate \(extra) \(fixture)")
      #expect(result.output == "ok\n")
    }
  }

  /// Writes `data` to a temporary file, runs `validate` (shallow and deep) and returns both results.
  private func validate(_ data: Data, name: String = "damaged.mb") throws -> (
    shallow: ToolRunner.Result, deep: ToolRunner.Result, path: String
  ) {
    try withTemporaryDirectory { directory in
      let url = directory.appendingPathComponent(name)
      try data.write(to: url)
      return (
        try ToolRunner.run(["validate", url.path]), try ToolRunner.run(["validate", url.path, "--deep"]), url.path
      )
    }
  }

  @Test(
    "a flipped payload byte in a version-1 file: shallow passes, deep fails naming the key",
    arguments: ["none", "gzip", "br", "zstd", "lzma"])
  func flippedPayloadByte(codec: String) throws {
    let original = try Fixtures.data("mapbuffer/v1-\(codec)-8.mb")
    for item in itemLayout(of: original) where item.range.count > 6 {
      var data = original
      let offset = item.range.lowerBound + (item.range.count - 4) / 2  // inside the payload
      data[offset] ^= 0x5A
      let (shallow, deep, _) = try validate(data)
      expectSuccess(shallow, "shallow validate, \(codec), key \(item.key)")
      #expect(shallow.output == "ok\n")
      expectOneLineFailure(deep, "deep validate, \(codec), key \(item.key)", mentioning: [String(item.key)], status: 1)
      #expect(deep.output.isEmpty, "no `ok` on failure")
    }
  }

  @Test(
    "a version-0 item that is not a valid stream of its codec fails the deep check, naming the key",
    arguments: ["gzip", "zstd", "lzma"])
  func undecodableVersion0Item(codec: String) throws {
    let original = try Fixtures.data("mapbuffer/v0-\(codec)-8.mb")
    let item = itemLayout(of: original)[3]
    var data = original
    // Break the codec's magic at the start of the stored stream.
    for offset in item.range.prefix(4) { data[offset] ^= 0xFF }
    let (shallow, deep, _) = try validate(data)
    expectSuccess(shallow, "shallow")
    expectOneLineFailure(deep, "deep validate \(codec)", mentioning: [String(item.key)], status: 1)
  }

  @Test("a corrupted checksum trailer fails the deep check only")
  func corruptedTrailer() throws {
    var data = try Fixtures.data("mapbuffer/v1-br-100.mb")
    let item = itemLayout(of: data).last!
    data[item.range.upperBound - 2] ^= 0x01
    let (shallow, deep, _) = try validate(data)
    expectSuccess(shallow, "shallow")
    expectOneLineFailure(deep, "deep", mentioning: [String(item.key)], status: 1)
  }

  @Test("offsets out of order fail the shallow check, naming the position")
  func offsetsOutOfOrder() throws {
    var data = try Fixtures.data("mapbuffer/v1-none-8.mb")
    let layout = itemLayout(of: data)
    // Make position 4's item start before position 3's.
    storeUInt64(UInt64(layout[3].range.lowerBound - 1), in: &data, at: 16 + 16 * 4 + 8)
    let (shallow, deep, path) = try validate(data)
    expectOneLineFailure(shallow, "shallow", mentioning: [path, "position"], status: 1)
    expectOneLineFailure(deep, "deep", mentioning: [path, "position"], status: 1)
    #expect(shallow.output.isEmpty)
  }

  @Test("an offset past the end of the file fails the shallow check")
  func offsetPastEnd() throws {
    var data = try Fixtures.data("mapbuffer/v0-zstd-8.mb")
    storeUInt64(UInt64(data.count + 100), in: &data, at: 16 + 16 * 7 + 8)
    let (shallow, _, path) = try validate(data)
    expectOneLineFailure(shallow, "shallow", mentioning: [path, "position 7"], status: 1)
  }

  @Test("a first offset not right after the index fails the shallow check")
  func firstOffsetMismatch() throws {
    var data = try Fixtures.data("mapbuffer/v1-none-3.mb")
    storeUInt64(loadUInt64(data, at: 16 + 8) + 1, in: &data, at: 16 + 8)
    let (shallow, _, path) = try validate(data)
    expectOneLineFailure(shallow, "shallow", mentioning: [path], status: 1)
  }

  @Test("keys not in Eytzinger order fail the shallow check, naming the key and position")
  func keysOutOfOrder() throws {
    var data = try Fixtures.data("mapbuffer/v1-none-8.mb")
    // Swap the keys (not the offsets) of two index entries.
    let a = loadUInt64(data, at: 16 + 16 * 1)
    let b = loadUInt64(data, at: 16 + 16 * 2)
    storeUInt64(b, in: &data, at: 16 + 16 * 1)
    storeUInt64(a, in: &data, at: 16 + 16 * 2)
    let (shallow, _, path) = try validate(data)
    expectOneLineFailure(shallow, "shallow", mentioning: [path, "position"], status: 1)
    #expect(
      shallow.standardError.contains(String(a)) || shallow.standardError.contains(String(b)),
      "names one of the swapped keys: \(shallow.standardError)")
  }

  @Test(
    "a file cut inside the last item: shallow cannot tell (the last item ends at the end of the file), deep fails naming its key"
  )
  func truncatedLastItem() throws {
    let original = try Fixtures.data("mapbuffer/v1-lzma-100.mb")
    let last = itemLayout(of: original).max { $0.range.lowerBound < $1.range.lowerBound }!
    for cut in [1, 5] where cut < last.range.count - 4 {
      let (shallow, deep, path) = try validate(original.prefix(original.count - cut))
      expectSuccess(shallow, "shallow, cut \(cut)")
      expectOneLineFailure(deep, "deep, cut \(cut)", mentioning: [path, String(last.key)], status: 1)
    }
  }

  @Test("a file cut before the start of later items fails the shallow check")
  func truncatedData() throws {
    let original = try Fixtures.data("mapbuffer/v1-lzma-100.mb")
    for cut in [original.count / 3, original.count - 16 * 100 - 16 - 1] {
      let (shallow, deep, path) = try validate(original.prefix(original.count - cut))
      expectOneLineFailure(shallow, "shallow, cut \(cut)", mentioning: [path], status: 1)
      expectOneLineFailure(deep, "deep, cut \(cut)", mentioning: [path], status: 1)
    }
  }

  @Test("an empty map with trailing bytes fails")
  func emptyMapWithTrailingBytes() throws {
    let data = try Fixtures.data("mapbuffer/v1-none-0.mb") + Data([1, 2, 3])
    let (shallow, _, path) = try validate(data)
    expectOneLineFailure(shallow, "shallow", mentioning: [path], status: 1)
  }

  @Test("a version-1 item shorter than its checksum fails the shallow check, naming the key")
  func missingChecksum() throws {
    // Two items; make the first one 2 bytes long by moving the second's offset.
    let items: [UInt64: Data] = [5: Data(repeating: 7, count: 20), 9: Data(repeating: 8, count: 20)]
    var data = try MapBufferWriter(compression: .none, formatVersion: .version1).encode(items)
    let layout = itemLayout(of: data)
    let first = layout[0]
    storeUInt64(UInt64(first.range.lowerBound + 2), in: &data, at: 16 + 16 * 1 + 8)
    let (shallow, _, _) = try validate(data)
    expectOneLineFailure(shallow, "shallow", mentioning: [String(first.key)], status: 1)
  }

  @Test("an IntMap with a trailing byte, or keys out of order, is invalid")
  func invalidIntMaps() throws {
    let original = try Fixtures.data("intmap/intmap-5.im")
    let (trailing, _, path) = try validate(original + Data([0]), name: "trailing.im")
    expectOneLineFailure(trailing, "trailing byte", mentioning: [path], status: 1)

    var swapped = original
    let a = loadUInt64(swapped, at: 10)
    let b = loadUInt64(swapped, at: 26)
    storeUInt64(b, in: &swapped, at: 10)
    storeUInt64(a, in: &swapped, at: 26)
    let (shallow, _, swappedPath) = try validate(swapped, name: "swapped.im")
    expectOneLineFailure(shallow, "swapped keys", mentioning: [swappedPath, "position"], status: 1)
  }

  @Test("validate of a file written by pack succeeds, and stderr stays empty on a large deep check")
  func deepOnLargeMap() throws {
    try withTemporaryDirectory { directory in
      var items: [UInt64: Data] = [:]
      var generator = SeededGenerator(seed: 99)
      for key in 0..<3000 as Range<UInt64> { items[key * 7919] = Data.random(count: Int(key % 50), using: &generator) }
      let source = directory.appendingPathComponent("src")
      try writeItems(items, into: source)
      let map = directory.appendingPathComponent("m.mb")
      expectSuccess(try ToolRunner.run(["pack", source.path, "-o", map.path, "--compress", "br"]), "pack")
      let result = try ToolRunner.run(["validate", map.path, "--deep"])
      expectSuccess(result, "validate --deep")
      #expect(result.output == "ok\n")
    }
  }
}
