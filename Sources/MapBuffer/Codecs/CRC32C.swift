import CMapBufferCRC32C
import Foundation

/// CRC-32C (Castagnoli), the iSCSI checksum of RFC 3720 that format version 1 stores after each item.
///
/// Uses the CPU's CRC instructions when it has them (SSE 4.2 on x86-64, the CRC extension on
/// arm64), chosen at run time, and a portable slicing-by-8 table otherwise.
public enum CRC32C {
  /// The checksum of `bytes`, extending `initial` (the checksum of the bytes before them).
  @inline(__always)
  public static func checksum(_ bytes: UnsafeRawBufferPointer, extending initial: UInt32 = 0) -> UInt32 {
    mb_crc32c(initial, bytes.baseAddress, bytes.count)
  }

  /// The checksum of `bytes` (`Data`, `[UInt8]`, a slice, …), extending `initial` (the checksum
  /// of the bytes before them).
  public static func checksum<Bytes: ContiguousBytes>(_ bytes: Bytes, extending initial: UInt32 = 0) -> UInt32 {
    bytes.withUnsafeBytes { checksum($0, extending: initial) }
  }

  /// The same operation as ``checksum(_:extending:)-(Bytes,_)``, under the label of earlier
  /// versions; kept so that their code compiles.
  public static func checksum<Bytes: ContiguousBytes>(of bytes: Bytes, extending initial: UInt32 = 0) -> UInt32 {
    checksum(bytes, extending: initial)
  }

  /// Whether this CPU's CRC instructions are in use.
  public static var usesHardware: Bool { mb_crc32c_hardware_available() != 0 }

  /// The portable table-driven checksum, whatever the CPU (for tests and benchmarks).
  public static func portableChecksum(_ bytes: UnsafeRawBufferPointer, extending initial: UInt32 = 0) -> UInt32 {
    mb_crc32c_portable(initial, bytes.baseAddress, bytes.count)
  }
}
