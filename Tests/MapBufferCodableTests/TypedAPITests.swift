import Foundation
import MapBuffer
import MapBufferCodable
import MapBufferTestSupport
import Testing

/// Counts how values are made: from borrowed bytes or from `Data`.
struct Probe: MapBufferValue, Equatable {
  nonisolated(unsafe) static var borrowed = 0
  var text: String
  init(_ text: String) { self.text = text }
  init(mapBufferBytes bytes: Data) throws { text = String(decoding: bytes, as: UTF8.self) }
  init(mapBufferBytes bytes: UnsafeRawBufferPointer) throws {
    Self.borrowed += 1
    text = String(decoding: bytes, as: UTF8.self)
  }
  func mapBufferBytes() -> Data { Data(text.utf8) }
}

/// A conformer that writes only the `Data` form.
struct Simple: MapBufferValue, Equatable {
  var byte: UInt8
  init(mapBufferBytes bytes: Data) throws {
    guard bytes.count == 1 else { throw MapBufferValueError.invalidUTF8(byteCount: bytes.count) }
    byte = bytes[bytes.startIndex]
  }
  init(_ byte: UInt8) { self.byte = byte }
  func mapBufferBytes() -> Data { Data([byte]) }
}

@Suite("Typed maps read like Swift", .serialized)
struct TypedAPITests {
  @Test("Uncompressed maps in memory decode from borrowed bytes; compressed ones from Data")
  func borrowedBytes() throws {
    let values: [UInt64: Probe] = [1: Probe("one"), 2: Probe("two")]
    let folder = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("probe.mb")
    try TypedMapBuffer<Probe>.write(values, to: url)
    Probe.borrowed = 0
    let mapped = try TypedMapBuffer<Probe>(contentsOf: url)
    #expect(try mapped[1] == Probe("one"))
    #expect(try mapped[3] == nil)
    #expect(Probe.borrowed == 1)
    let compressed = try TypedMapBuffer(encoding: values, compression: .gzip)
    #expect(try compressed[2] == Probe("two"))
    #expect(Probe.borrowed == 1)
    // A conformer with the Data form only works on every path.
    let simple = try TypedMapBuffer(encoding: [7: Simple(9)])
    #expect(try simple[7] == Simple(9))
    #expect(throws: TypedMapBufferError.self) { try TypedMapBuffer<Simple>(MapBuffer(encoding: [1: Data([1, 2])]))[1] }
  }

  @Test("Strings from borrowed bytes are strict UTF-8, with the key in the error")
  func strictStrings() throws {
    let map = try TypedMapBuffer<String>(MapBuffer(encoding: [5: Data([0x61, 0xFF]), 6: Data("é".utf8)]))
    #expect(try map[6] == "é")
    // A truncated 4-byte sequence repairs to one U+FFFD of the same length (3 bytes): still invalid.
    for invalid in [Data([0xF0, 0x9F, 0x98]), Data([0xED, 0xA0, 0x80]), Data([0xC0, 0x80]), Data([0x80])] {
      #expect(throws: MapBufferValueError.invalidUTF8(byteCount: invalid.count)) { try String(mapBufferBytes: invalid) }
      #expect(throws: TypedMapBufferError.self) { try TypedMapBuffer<String>(MapBuffer(encoding: [1: invalid]))[1] }
    }
    #expect(try String(mapBufferBytes: Data("🧠 ok".utf8)) == "🧠 ok")
    #expect(try String(mapBufferBytes: Data()) == "")
    do {
      _ = try map[5]
      Issue.record("invalid UTF-8 decoded")
    } catch let error as TypedMapBufferError {
      #expect(error.code == .decodingFailed && error.key == 5)
      #expect(error.underlying as? MapBufferValueError == .invalidUTF8(byteCount: 2))
    }
  }

  @Test(
    "values(forKeys:) gives single lookups' results in order, concurrently for large batches",
    arguments: [MapBuffer.Compression.none, .zstd])
  func batch(_ compression: MapBuffer.Compression) throws {
    let values = Dictionary(uniqueKeysWithValues: (0..<UInt64(2000)).map { ($0 * 7, "value \($0)") })
    let map = try TypedMapBuffer(encoding: values, compression: compression)
    for count in [0, 1, 10, 63, 64, 1000, 3000] {
      let keys = (0..<UInt64(count)).map { $0 * 5 }
      #expect(try map.values(forKeys: keys) == keys.map { values[$0] }, "\(count) keys")
    }
  }

  @Test("values(forKeys:) throws the error of the first failing key in the batch's order")
  func batchError() throws {
    var items = Dictionary(uniqueKeysWithValues: (0..<UInt64(500)).map { ($0, Data("\($0)".utf8)) })
    items[100] = Data([0xFF])
    items[400] = Data([0xFE])
    let map = try TypedMapBuffer<String>(MapBuffer(encoding: items))
    do {
      _ = try map.values(forKeys: Array((0..<UInt64(500)).reversed()))
      Issue.record("no error")
    } catch let error as TypedMapBufferError {
      #expect(error.key == 400)
    }
  }

  @Test("for entry in typed: ascending keys, values decoded on demand; keys lazy")
  func iteration() throws {
    let values: [UInt64: String] = [3: "c", 1: "a", 2: "b"]
    for compression in [MapBuffer.Compression.none, .brotli] {
      let map = try TypedMapBuffer(encoding: values, compression: compression)
      var seen: [(UInt64, String)] = []
      for entry in map { seen.append((entry.key, try entry.value)) }
      #expect(seen.map(\.0) == [1, 2, 3] && seen.map(\.1) == ["a", "b", "c"])
      #expect(Array(map.keys) == [1, 2, 3])
    }
  }

  @Test("Descriptions name the value type and summarize the map")
  func descriptions() throws {
    let map = try TypedMapBuffer(encoding: [1: "x"], compression: .zstd)
    #expect(
      map.description == "TypedMapBuffer<String>(1 key, codec zstd, format version 1, \(map.map.byteCount) bytes)")
    #expect(map.debugDescription.hasPrefix("TypedMapBuffer<String>(1 key"))
  }

  @Test("encode and write take compression: directly, as MapBuffer(encoding:compression:) does")
  func compressionParameters() throws {
    let data = try TypedMapBuffer<String>.encode([1: "x", 2: "y"], compression: .gzip, compressionLevel: 1)
    #expect(try MapBuffer(data).compression == .gzip)
    let folder = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("s.mb")
    try TypedMapBuffer<String>.write([1: "x"], to: url, compression: .zstd, formatVersion: .version0)
    let map = try TypedMapBuffer<String>(contentsOf: url)
    #expect(map.map.compression == .zstd && map.map.formatVersion == .version0)
    #expect(try map[1] == "x")
    #expect(PropertyListEncoder.binary().outputFormat == .binary)
  }
}
