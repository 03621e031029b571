import Foundation

/// The byte layout of ``BinaryCodableEncoder`` and ``BinaryCodableDecoder``: tags and varints.
///
/// See <doc:BinaryCodableFormat> for the layout in full.
enum BinaryCodableFormat {
  /// The first byte of every encoding: the layout's version.
  static let version: UInt8 = 1

  /// `nil`.
  static let null: UInt8 = 0x00
  /// `false`.
  static let falseTag: UInt8 = 0x01
  /// `true`.
  static let trueTag: UInt8 = 0x02
  /// A non-negative integer: `unsigned + n` is followed by its `n` (0 to 8) low bytes, little-endian.
  static let unsigned: UInt8 = 0x10
  /// A negative integer: `negative + n` is followed by its `n` (1 to 8) low bytes, little-endian
  /// two's complement, sign-extended when read.
  static let negative: UInt8 = 0x20
  /// A `Float`: 4 bytes, little-endian IEEE 754.
  static let float32: UInt8 = 0x30
  /// A `Double`: 8 bytes, little-endian IEEE 754.
  static let float64: UInt8 = 0x31
  /// A string: a varint byte count, then that many bytes of UTF-8.
  static let string: UInt8 = 0x40
  /// `Data`: a varint byte count, then the bytes.
  static let bytes: UInt8 = 0x41
  /// An unkeyed container: a varint byte count of the body; the body is a varint element count,
  /// then the elements.
  static let unkeyed: UInt8 = 0x50
  /// A keyed container: a varint byte count of the body; the body is a varint entry count, then
  /// the entries, each a key (a varint byte count and UTF-8) followed by a value.
  static let keyed: UInt8 = 0x51

  /// The default bound on nested values: 256 levels.
  static let defaultMaximumDepth = 256

  /// The number of bytes `value` takes as a varint (LEB128, 7 bits a byte, low bits first).
  @inline(__always)
  static func varintSize(_ value: Int) -> Int {
    var value = UInt(bitPattern: value)
    var size = 1
    while value >= 0x80 {
      value >>= 7
      size &+= 1
    }
    return size
  }

  /// The number of bytes an integer needs after its tag: the fewest low bytes that give it back.
  @inline(__always)
  static func unsignedByteCount(_ value: UInt64) -> Int {
    (UInt64.bitWidth &- value.leadingZeroBitCount &+ 7) / 8
  }

  /// The fewest low bytes from which sign extension gives back the negative `value`.
  @inline(__always)
  static func negativeByteCount(_ value: Int64) -> Int {
    // The bits past the sign: those of ~value, plus one sign bit.
    (Int64.bitWidth &- (~value).leadingZeroBitCount &+ 1 &+ 7) / 8
  }
}
