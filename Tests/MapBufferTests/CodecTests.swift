import Foundation
import MapBufferTestSupport
import Testing

@testable import MapBuffer

@Suite("Codecs")
struct CodecTests {
  static let codecs: [MapBuffer.Compression] = [.gzip, .brotli, .zstd, .lzma]

  @Test("Tags and names", arguments: MapBuffer.Compression.allCases)
  func tagsAndNames(_ codec: MapBuffer.Compression) {
    #expect(MapBuffer.Compression(tag: codec.tag) == codec)
    #expect(MapBuffer.Compression(name: codec.name) == codec)
    #expect(codec.tag.count == 4)
    #expect(codec.levels.contains(codec.defaultLevel))
  }

  @Test("Reference default levels")
  func defaultLevels() {
    #expect(MapBuffer.Compression.gzip.defaultLevel == 9)
    #expect(MapBuffer.Compression.brotli.defaultLevel == 5)
    #expect(MapBuffer.Compression.zstd.defaultLevel == 3)
    #expect(MapBuffer.Compression.lzma.defaultLevel == 6)
    #expect(MapBuffer.Compression(name: "xz") == .lzma)
    #expect(MapBuffer.Compression(name: "brotli") == .brotli)
    #expect(MapBuffer.Compression(name: "snappy") == nil)
  }

  @Test("Round trips, empty values encoded as the codec's empty stream", arguments: codecs)
  func roundTrip(_ codec: MapBuffer.Compression) throws {
    var generator = SeededGenerator(seed: 7)
    for value in [Data(), Data([42]), Data.random(count: 100_000, using: &generator), Data(count: 1 << 20)] {
      for level in [codec.levels.lowerBound, codec.defaultLevel] {
        let stored = try value.withUnsafeBytes { try codec.compress($0, level: level) }
        #expect(!stored.isEmpty, "\(codec) must not store an empty value as zero bytes")
        let decoded = try stored.withUnsafeBytes { try codec.decompress($0, limit: 1 << 21) }
        #expect(decoded == value)
      }
    }
  }

  @Test("A stream that decodes past the limit fails without decoding it all", arguments: codecs)
  func bomb(_ codec: MapBuffer.Compression) throws {
    let zeros = Data(count: 64 << 20)
    let bomb = try zeros.withUnsafeBytes {
      try codec.compress($0, level: codec.levels.lowerBound == 0 ? 1 : codec.defaultLevel)
    }
    #expect(bomb.count < 1 << 20, "\(codec) bomb is \(bomb.count) bytes")
    #expect(throws: CodecFailure.self) {
      try bomb.withUnsafeBytes { try codec.decompress($0, limit: 1 << 20) }
    }
    let map = try MapBuffer(encoding: [1: Data("small".utf8)], compression: codec)
    var bytes = try map.serialized
    // Splice the bomb in as the only item of a well-formed map.
    bytes = bytes.prefix(32)
    bytes.append(bomb)
    withUnsafeBytes(of: CRC32C.checksum(bomb).littleEndian) { bytes.append(contentsOf: $0) }
    var bombed = try MapBuffer(bytes)
    bombed.maximumDecodedItemSize = 1 << 20
    #expect(throws: MapBufferError.decodedItemTooLarge(key: 1, limit: 1 << 20)) { try bombed[1] }
    #expect(throws: MapBufferError.decodedItemTooLarge(key: 1, limit: 1 << 20)) { try bombed.validate(.deep) }
    bombed.maximumDecodedItemSize = 64 << 20
    #expect(try bombed[1] == zeros)
  }

  @Test("Invalid levels are rejected", arguments: codecs)
  func invalidLevel(_ codec: MapBuffer.Compression) {
    #expect(throws: MapBufferError.invalidCompressionLevel(99, compression: codec, valid: codec.levels)) {
      try MapBuffer(encoding: [1: Data()], compression: codec, compressionLevel: 99)
    }
  }
}
