import Foundation
import MapBufferTestSupport
import Testing

@testable import MapBuffer

/// The process's peak resident memory in bytes (`VmHWM` in /proc/self/status), or `nil` where
/// there is no /proc.
func peakResidentBytes() -> Int? {
  guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
    let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
    let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "")
  else { return nil }
  return kilobytes * 1024
}

@Suite("Decompression bombs")
struct BombTests {
  /// A stored item that decodes to 1 GiB of zeros: one gzip member, zstd frame or brotli stream
  /// of 1 GiB (an item is one member or frame: concatenations are refused), or 16 xz streams of
  /// 64 MiB each (the reference, and so this package, decodes a concatenation of xz streams whole).
  static func gibibyteBomb(_ codec: MapBuffer.Compression) throws -> Data {
    if codec != .lzma {
      // calloc'd zeros: reading them maps no memory, so the input costs nothing resident.
      // gzip at level 9 nears deflate's 1032:1; zstd and brotli shrink zeros at any level.
      let level = codec == .gzip ? 9 : codec.levels.lowerBound
      return try Data(count: 1 << 30).withUnsafeBytes { try codec.compress($0, level: level) }
    }
    let piece = try Data(count: 64 << 20).withUnsafeBytes { try codec.compress($0, level: 1) }
    return Data((0..<16).map { _ in piece }.joined())
  }

  @Test(
    "A small item that decodes to 1 GiB fails at the limit, by every read path, without allocating 1 GiB",
    arguments: [MapBuffer.Compression.gzip, .brotli, .zstd, .lzma])
  func gibibyte(_ codec: MapBuffer.Compression) throws {
    let bomb = try Self.gibibyteBomb(codec)
    #expect(bomb.count < 2 << 20, "\(codec): the bomb is \(bomb.count) bytes")
    // Splice it in as the item of key 9 of a well-formed version-1 map, beside an honest item.
    let honest = try MapBuffer(encoding: [4: Data("fine".utf8), 9: Data("x".utf8)], compression: codec)
    let positions = (0..<2).map { honest.label(at: $0) }
    let bombPosition = try #require(positions.firstIndex(of: 9))
    let honestLocation = try #require(try honest.location(of: 4))
    let honestItem = try honest.source.copyBytes(in: honestLocation.range)
    var items = [Data](repeating: Data(), count: 2)
    items[bombPosition] = bomb + withUnsafeBytes(of: CRC32C.checksum(bomb).littleEndian) { Data($0) }
    items[1 - bombPosition] = honestItem
    var bytes = Data(MapBufferHeader(formatVersion: .version1, compression: codec, keyCount: 2).bytes)
    var offset = UInt64(16 + 32)
    for position in 0..<2 {
      withUnsafeBytes(of: positions[position].littleEndian) { bytes.append(contentsOf: $0) }
      withUnsafeBytes(of: offset.littleEndian) { bytes.append(contentsOf: $0) }
      offset += UInt64(items[position].count)
    }
    bytes.append(items[0])
    bytes.append(items[1])

    let folder = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("bomb.mb")
    try bytes.write(to: url)
    let peakBefore = peakResidentBytes()
    for var map in [
      try MapBuffer(bytes), try MapBuffer(contentsOf: url), try MapBuffer(contentsOf: url, access: .positionalReads),
    ] {
      map.maximumDecodedItemSize = 1 << 20
      try map.validate(.shallow)
      let tooLarge = MapBufferError.decodedItemTooLarge(key: 9, limit: 1 << 20)
      #expect(throws: tooLarge) { try map[9] }
      #expect(throws: tooLarge) { try map.values(forKeys: [4, 9]) }
      #expect(throws: tooLarge) { try map.validate(.deep) }
      #expect(throws: tooLarge) { try map.withUnsafeBytes(forKey: 9) { $0.count } }
      #expect(throws: tooLarge) { try map.dictionary() }
      // The honest item still reads, and the bomb's stored bytes are there for inspection.
      #expect(try map[4] == Data("fine".utf8))
      #expect(try map.storedBytes(forKey: 9) == bomb)
    }
    // Decoding stops at the limit: the peak grows by a few MiB, not by the 1 GiB a full
    // decode would write (other tests running alongside allocate far less than that).
    if let peakBefore, let peakAfter = peakResidentBytes() {
      #expect(peakAfter - peakBefore < 256 << 20, "\(codec): peak grew by \((peakAfter - peakBefore) >> 20) MiB")
    }
  }
}
