import Foundation
import MapBufferTestSupport
import Testing

@testable import MapBuffer

@Suite("CRC-32C")
struct CRC32CTests {
  /// RFC 3720 appendix B.4 and the common check value.
  static let vectors: [(bytes: [UInt8], crc: UInt32)] = [
    ([UInt8](repeating: 0, count: 32), 0x8A91_36AA),
    ([UInt8](repeating: 0xFF, count: 32), 0x62A8_AB43),
    (Array(0...31), 0x46DD_794E),
    (Array((0...31).reversed()), 0x113F_DB5C),
    (Array("123456789".utf8), 0xE306_9283),
    ([], 0),
  ]

  @Test("RFC 3720 vectors, hardware and portable")
  func rfc3720() {
    for (bytes, crc) in Self.vectors {
      #expect(CRC32C.checksum(bytes) == crc)
      #expect(bytes.withUnsafeBytes { CRC32C.portableChecksum($0) } == crc)
    }
  }

  @Test("Hardware and portable agree on every length and alignment")
  func implementationsAgree() {
    var generator = SeededGenerator(seed: 42)
    let buffer = [UInt8](Data.random(count: 4096, using: &generator))
    buffer.withUnsafeBytes { all in
      for length in 0...600 {
        for start in [0, 1, 3, 7] {
          let slice = UnsafeRawBufferPointer(rebasing: all[start..<(start + length)])
          #expect(CRC32C.checksum(slice) == CRC32C.portableChecksum(slice))
        }
      }
    }
  }

  @Test("Checksums extend over concatenated buffers")
  func extending() {
    let whole = Array("The quick brown fox jumps over the lazy dog".utf8)
    for split in 0...whole.count {
      let first = CRC32C.checksum(Array(whole[..<split]))
      #expect(CRC32C.checksum(Array(whole[split...]), extending: first) == CRC32C.checksum(whole))
    }
  }

  @Test("This x86-64 or arm64 machine uses its CRC instructions")
  func usesHardware() {
    #if arch(x86_64) || arch(arm64)
    #expect(CRC32C.usesHardware)
    #endif
  }

  @Test("The earlier label checksum(of:) is the same operation")
  func earlierLabel() {
    let bytes = Array("123456789".utf8)
    #expect(CRC32C.checksum(of: bytes) == CRC32C.checksum(bytes))
    #expect(CRC32C.checksum(bytes) == 0xE306_9283)
  }
}
