import Foundation
import MapBufferTestSupport
import Testing

@testable import MapBuffer

/// Every operation a reader offers, run to completion; returns the first error, if any.
/// Nothing here may trap, whatever the bytes.
@discardableResult
func exerciseEverything(_ bytes: Data, probes: [UInt64]) -> [any Error] {
  var errors: [any Error] = []
  func attempt(_ body: () throws -> Void) {
    do { try body() } catch { errors.append(error) }
  }
  attempt {
    let map = try MapBuffer(bytes)
    _ = Array(map.keys)
    attempt { _ = try map.dictionary() }
    attempt { try map.validate(.shallow) }
    attempt { try map.validate(.deep) }
    for key in probes {
      attempt { _ = try map[key] }
      attempt { _ = try map.contains(key) }
      attempt { _ = try map.storedSize(forKey: key) }
      attempt { _ = try map.storedBytes(forKey: key) }
      attempt { _ = try map.withUnsafeBytes(forKey: key) { $0.count } }
      attempt { _ = try map.valueBytes(forKey: key).map { Data($0) } }
    }
  }
  return errors
}

@Suite("Hostile input")
struct HostileInputTests {
  static let configurations: [(MapBuffer.Compression, MapBuffer.FormatVersion)] =
    MapBuffer.Compression.allCases.flatMap { codec in MapBuffer.FormatVersion.allCases.map { (codec, $0) } }

  static func smallMap(_ codec: MapBuffer.Compression, _ version: MapBuffer.FormatVersion) throws -> (
    Data, [UInt64: Data]
  ) {
    let values: [UInt64: Data] = [
      3: Data("three".utf8), 1: Data("one!".utf8), 1 << 63: Data(repeating: 9, count: 40), 7: Data(),
    ]
    return (try MapBufferWriter(compression: codec, formatVersion: version).encode(values), values)
  }

  @Test(
    "Every truncation gives typed errors, never a crash; deep validation catches each in version 1",
    arguments: configurations)
  func truncations(_ codec: MapBuffer.Compression, _ version: MapBuffer.FormatVersion) throws {
    let (bytes, values) = try Self.smallMap(codec, version)
    let probes = Array(values.keys) + [2, .max]
    for length in 0..<bytes.count {
      let truncated = bytes.prefix(length)
      let errors = exerciseEverything(truncated, probes: probes)
      for error in errors { #expect(error is MapBufferError, "length \(length): \(error)") }
      if length < 16 + 16 * values.count {
        #expect(throws: MapBufferError.self, "length \(length)") { try MapBuffer(truncated) }
      } else if version == .version1 {
        #expect(throws: MapBufferError.self, "length \(length)") { try MapBuffer(truncated).validate(.deep) }
      }
    }
  }

  @Test(
    "A flipped bit in any item is caught by its checksum, naming the key", arguments: MapBuffer.Compression.allCases)
  func flippedBits(_ codec: MapBuffer.Compression) throws {
    let (bytes, values) = try Self.smallMap(codec, .version1)
    let pristine = try MapBuffer(bytes)
    let dataStart = 16 + 16 * values.count
    for byte in dataStart..<bytes.count {
      for bit in 0..<8 {
        var damaged = bytes
        damaged[byte] ^= 1 << bit
        let map = try MapBuffer(damaged)
        // Exactly the item holding this byte fails, with its key; the others still read.
        var failed: [UInt64] = []
        for key in values.keys {
          do {
            #expect(try map[key] == values[key])
          } catch let error as MapBufferError {
            guard case .checksumMismatch(let reported, _, _, _) = error.reason else {
              Issue.record("byte \(byte) bit \(bit): \(error)")
              continue
            }
            #expect(reported == key)
            failed.append(key)
          }
        }
        #expect(failed.count == 1, "byte \(byte) bit \(bit)")
        #expect(throws: MapBufferError.self) { try map.validate(.deep) }
      }
    }
    _ = pristine
  }

  @Test(
    "Corrupt items without checksums give decompression errors naming the key, or wrong bytes, never a crash",
    arguments: [MapBuffer.Compression.gzip, .brotli, .zstd, .lzma])
  func corruptCompressedItems(_ codec: MapBuffer.Compression) throws {
    let (bytes, values) = try Self.smallMap(codec, .version0)
    for byte in (16 + 16 * values.count)..<bytes.count {
      var damaged = bytes
      damaged[byte] ^= 0x5A
      for error in exerciseEverything(damaged, probes: Array(values.keys)) {
        let typed = try #require(error as? MapBufferError, "byte \(byte): \(error)")
        switch typed.reason {
        case .decompressionFailed, .decodedItemTooLarge: break
        default: Issue.record("byte \(byte): unexpected \(typed)")
        }
      }
    }
  }

  @Test("Wrong magic, version and codec tag")
  func badHeaders() throws {
    let (bytes, _) = try Self.smallMap(.none, .version1)
    var magic = bytes
    magic[0] = UInt8(ascii: "M")
    #expect(throws: MapBufferError.invalidMagic(found: Array("Mapbufr".utf8), expected: Array("mapbufr".utf8))) {
      try MapBuffer(magic)
    }
    var version = bytes
    version[7] = 2
    #expect(throws: MapBufferError.unsupportedFormatVersion(2)) { try MapBuffer(version) }
    var codec = bytes
    codec.replaceSubrange(8..<12, with: Array("snap".utf8))
    #expect(throws: MapBufferError.unknownCompression(tag: Array("snap".utf8))) { try MapBuffer(codec) }
    #expect(
      throws: MapBufferError.invalidMagic(found: Array("intm".utf8) + [0, 3, 1], expected: Array("mapbufr".utf8))
    ) {
      try MapBuffer(IntMap.encode([1: 1]))
    }
  }

  @Test("A count that claims more keys than fit")
  func hugeCount() throws {
    var bytes = try MapBuffer(encoding: [1: Data("x".utf8)]).serialized
    bytes.replaceSubrange(12..<16, with: [0xFF, 0xFF, 0xFF, 0xFF])
    #expect(
      throws: MapBufferError.indexExceedsSource(
        keyCount: Int(UInt32.max), indexEnd: 16 + 16 * Int(UInt32.max), sourceSize: bytes.count)
    ) {
      try MapBuffer(bytes)
    }
    var intmap = try IntMap.encode([1: 2])
    intmap.replaceSubrange(6..<10, with: [0xFF, 0xFF, 0xFF, 0xFF])
    #expect(throws: MapBufferError.self) { try IntMap(intmap) }
  }

  @Test("Offsets past the end, backwards or into the index name the key")
  func badOffsets() throws {
    let (bytes, values) = try Self.smallMap(.none, .version1)
    let map = try MapBuffer(bytes)
    for position in 0..<values.count {
      let key = map.label(at: position)
      for offset in [UInt64(bytes.count + 1), .max, 0, 16, UInt64(1) << 62] {
        var damaged = bytes
        damaged.withUnsafeMutableBytes { $0.storeLittleEndian(offset, at: 24 + 16 * position) }
        let broken = try MapBuffer(damaged)
        #expect(throws: MapBufferError.self) { try broken.validate(.shallow) }
        do {
          _ = try broken[key]
          Issue.record("position \(position) offset \(offset): no error")
        } catch let error as MapBufferError {
          switch error.reason {
          case .itemOutOfBounds(let reported, let reportedPosition, _, _, _):
            #expect(reported == key)
            #expect(reportedPosition == position)
          case .checksumMismatch, .missingChecksum: break  // the previous item's end moved
          default: Issue.record("position \(position) offset \(offset): \(error)")
          }
        }
        exerciseEverything(damaged, probes: Array(values.keys))
      }
    }
  }

  @Test("Keys out of Eytzinger order fail validation")
  func keysOutOfOrder() throws {
    let (bytes, _) = try Self.smallMap(.none, .version1)
    var swapped = bytes
    swapped.withUnsafeMutableBytes { raw in
      let first = UnsafeRawBufferPointer(raw).loadLittleEndianUInt64(at: 16)
      let second = UnsafeRawBufferPointer(raw).loadLittleEndianUInt64(at: 32)
      raw.storeLittleEndian(second, at: 16)
      raw.storeLittleEndian(first, at: 32)
    }
    #expect(throws: MapBufferError.self) { try MapBuffer(swapped).validate() }
  }

  @Test("Random damage anywhere never crashes", arguments: configurations)
  func randomDamage(_ codec: MapBuffer.Compression, _ version: MapBuffer.FormatVersion) throws {
    let values = randomMap(count: 20, seed: 21)
    let bytes = try MapBufferWriter(compression: codec, formatVersion: version).encode(values)
    var generator = SeededGenerator(seed: 99)
    for _ in 0..<300 {
      var damaged = bytes
      for _ in 0..<Int.random(in: 1...4, using: &generator) {
        damaged[Int.random(in: 0..<damaged.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
      }
      for error in exerciseEverything(damaged, probes: Array(values.keys.prefix(5)) + [0, .max]) {
        #expect(error is MapBufferError, "\(error)")
      }
    }
  }

  @Test("IntMap: truncation, bad headers, order")
  func intMapHostile() throws {
    let bytes = try IntMap.encode([1: 10, 5: 50, 9: 90])
    for length in 0..<bytes.count {
      do {
        let map = try IntMap(bytes.prefix(length))
        #expect(throws: MapBufferError.sizeMismatch(expected: bytes.count, actual: length)) { try map.validate() }
      } catch {
        #expect(error is MapBufferError)
      }
    }
    var version = bytes
    version[4] = 1
    #expect(throws: MapBufferError.unsupportedFormatVersion(1)) { try IntMap(version) }
    var type = bytes
    type[5] = 2
    #expect(throws: MapBufferError.unsupportedValueType(2)) { try IntMap(type) }
    var longer = bytes
    longer.append(0)
    #expect(throws: MapBufferError.sizeMismatch(expected: bytes.count, actual: bytes.count + 1)) {
      try IntMap(longer).validate()
    }
  }
}
