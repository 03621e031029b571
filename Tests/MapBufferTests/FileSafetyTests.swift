import Foundation
import MapBufferTestSupport
import Testing

@testable @_spi(MapBufferTool) import MapBuffer

// Issue 14's classes in the library itself: special files, long names, whole-map writes of
// invalid maps and of undecodable items, the in-place patch.

@Suite("Faults: special files, long names and whole-map writes (the library)")
struct FileSafetyTests {
  @Test("A FIFO is refused at once by every way of opening a file, and by the in-place updates")
  func fifo() throws {
    let folder = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let fifo = folder.appendingPathComponent("pipe")
    #expect(mkfifo(fifo.path, 0o600) == 0)
    let refused = MapBufferError.notRegularFile(path: fifo.path)
    #expect(throws: refused) { try MapBuffer(contentsOf: fifo) }
    #expect(throws: refused) { try MapBuffer(contentsOf: fifo, access: .positionalReads) }
    #expect(throws: refused) { try IntMap(contentsOf: fifo) }
    #expect(throws: refused) { try IntMap.replaceValue(forKey: 1, with: 2, inFileAt: fifo) }
    #expect(throws: refused) { try MapBuffer.replaceValue(forKey: 1, with: Data(), inFileAt: fifo) }
  }

  @Test("Atomic writes, the streaming builder and IntMap write to names of 255 bytes")
  func longNames() throws {
    let folder = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let items: [UInt64: Data] = [3: Data("three".utf8)]
    let written = folder.appendingPathComponent(String(repeating: "w", count: 255))
    try MapBufferWriter().write(items, to: written)
    let built = folder.appendingPathComponent(String(repeating: "b", count: 255))
    let builder = try MapBufferStreamingBuilder(writingTo: built)
    try builder.add(Data("three".utf8), forKey: 3)
    try builder.finish()
    let intMap = folder.appendingPathComponent(String(repeating: "i", count: 255))
    try IntMap.write([3: 33], to: intMap)
    #expect(try MapBuffer(contentsOf: written)[3] == Data("three".utf8))
    #expect(try MapBuffer(contentsOf: built)[3] == Data("three".utf8))
    #expect(try IntMap(contentsOf: intMap)[3] == 33)
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).count == 3)
  }

  @Test("transcode and merge refuse a map whose keys are out of Eytzinger order, writing nothing")
  func invalidInputs() throws {
    let folder = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    var bytes = try MapBufferWriter().encode([1: Data("a".utf8), 2: Data("b".utf8), 3: Data("c".utf8)])
    // Swap the keys of index positions 0 and 1.
    let start = MapBufferHeader.byteCount, entry = MapBufferHeader.indexEntryByteCount
    let first = bytes.subdata(in: start..<(start + 8)),
      second = bytes.subdata(in: (start + entry)..<(start + entry + 8))
    bytes.replaceSubrange(start..<(start + 8), with: second)
    bytes.replaceSubrange((start + entry)..<(start + entry + 8), with: first)
    let map = try MapBuffer(bytes)
    let output = folder.appendingPathComponent("out.mb")
    #expect(throws: MapBufferError.self) { try map.transcode(to: output, writer: MapBufferWriter(compression: .zstd)) }
    #expect(throws: MapBufferError.self) { try MapBuffer.merge([map], to: output) }
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
  }

  @Test("A copied item whose gzip stream is corrupt under a correct checksum is refused unless checksDecoding is false")
  func undecodableCopy() throws {
    let folder = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    var bytes = try MapBufferWriter(compression: .gzip).encode([1: Data(repeating: 9, count: 500)])
    let location = try #require(try MapBuffer(bytes).location(of: 1))
    let payloadEnd = location.range.upperBound - 4
    bytes[payloadEnd - 8] ^= 0xFF  // the gzip trailer's CRC-32
    let checksum = CRC32C.checksum(of: bytes[location.range.lowerBound..<payloadEnd])
    withUnsafeBytes(of: checksum.littleEndian) {
      bytes.replaceSubrange(payloadEnd..<location.range.upperBound, with: $0)
    }
    let map = try MapBuffer(bytes)
    try map.validate(.shallow)
    let output = folder.appendingPathComponent("out.mb")
    let writer = MapBufferWriter(compression: .gzip)
    #expect(throws: MapBufferError.self) { try map.transcode(to: output, writer: writer) }
    #expect(!FileManager.default.fileExists(atPath: output.path))
    try map.transcode(to: output, writer: writer, checksDecoding: false)
    #expect(try Data(contentsOf: output) == bytes)
  }
}
