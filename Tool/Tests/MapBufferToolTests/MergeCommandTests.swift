import Foundation
import MapBuffer
import MapBufferTestSupport
import Testing

/// `mapbuffer merge IN... -o OUT [--on-duplicate error|first|last]`.
@Suite("mapbuffer merge")
struct MergeCommandTests {
  @Test("Disjoint inputs merge into their union; duplicates follow --on-duplicate")
  func merge() throws {
    try withTemporaryDirectory { directory in
      let a: [UInt64: Data] = [1: Data("a1".utf8), 2: Data("a2".utf8)]
      let b: [UInt64: Data] = [2: Data("b2".utf8), 3: Data("b3".utf8)]
      let c: [UInt64: Data] = [4: Data("c4".utf8)]
      for (name, items, compression) in [
        ("a.mb", a, MapBuffer.Compression.zstd), ("b.mb", b, .zstd), ("c.mb", c, .gzip),
      ] {
        try MapBufferWriter(compression: compression).write(items, to: directory.appendingPathComponent(name))
      }
      let out = directory.appendingPathComponent("out.mb")

      var result = try ToolRunner.run(["merge", "a.mb", "c.mb", "-o", "out.mb"], in: directory)
      #expect(result.status == 0, "\(result.standardError)")
      #expect(result.standardError.isEmpty)
      let union = try MapBuffer(contentsOf: out)
      #expect(union.compression == .zstd, "the first input's codec by default")
      #expect(try union.dictionary() == a.merging(c) { first, _ in first })

      let before = try Data(contentsOf: out)
      result = try ToolRunner.run(["merge", "a.mb", "b.mb", "-o", "out.mb"], in: directory)
      expectOneLineFailure(result, "duplicate key", mentioning: ["key 2"])
      #expect(try Data(contentsOf: out) == before, "a failed merge leaves the output as it was")

      result = try ToolRunner.run(["merge", "a.mb", "b.mb", "-o", "out.mb", "--on-duplicate", "first"], in: directory)
      #expect(result.status == 0)
      #expect(try MapBuffer(contentsOf: out).dictionary() == [1: a[1]!, 2: a[2]!, 3: b[3]!])

      result = try ToolRunner.run(
        [
          "merge", "a.mb", "b.mb", "-o", "out.mb", "--on-duplicate", "last", "--compress", "br", "--format-version",
          "0",
        ],
        in: directory)
      #expect(result.status == 0)
      let last = try MapBuffer(contentsOf: out)
      #expect(try last.dictionary() == [1: a[1]!, 2: b[2]!, 3: b[3]!])
      #expect(last.compression == .brotli)
      #expect(last.formatVersion == .version0)
      #expect(try entryNames(of: directory) == ["a.mb", "b.mb", "c.mb", "out.mb"])
    }
  }

  @Test("A missing input or an IntMap input is one line naming it; nothing is written")
  func badInputs() throws {
    try withTemporaryDirectory { directory in
      try MapBufferWriter().write([1: Data("x".utf8)], to: directory.appendingPathComponent("a.mb"))
      try IntMap.write([1: 2], to: directory.appendingPathComponent("i.im"))
      var result = try ToolRunner.run(["merge", "a.mb", "missing.mb", "-o", "out.mb"], in: directory)
      expectOneLineFailure(result, "missing input", mentioning: ["missing.mb"])
      result = try ToolRunner.run(["merge", "a.mb", "i.im", "-o", "out.mb"], in: directory)
      expectOneLineFailure(result, "IntMap input", mentioning: ["i.im"])
      #expect(try entryNames(of: directory) == ["a.mb", "i.im"])
    }
  }
}
