/// Explicit little-endian reads and writes over raw memory.
///
/// Callers check bounds before calling; debug builds assert them again.
extension UnsafeRawBufferPointer {
  /// The little-endian `UInt64` at `offset`, which need not be aligned.
  @inline(__always)
  package func loadLittleEndianUInt64(at offset: Int) -> UInt64 {
    assert(offset >= 0 && offset + 8 <= count, "UInt64 read at \(offset) outside \(count) bytes")
    return UInt64(littleEndian: baseAddress.unsafelyUnwrapped.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
  }

  /// The little-endian `UInt32` at `offset`, which need not be aligned.
  @inline(__always)
  package func loadLittleEndianUInt32(at offset: Int) -> UInt32 {
    assert(offset >= 0 && offset + 4 <= count, "UInt32 read at \(offset) outside \(count) bytes")
    return UInt32(littleEndian: baseAddress.unsafelyUnwrapped.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
  }
}

extension UnsafeMutableRawBufferPointer {
  /// Stores `value` little-endian at `offset`, which need not be aligned.
  @inline(__always)
  func storeLittleEndian(_ value: UInt64, at offset: Int) {
    assert(offset >= 0 && offset + 8 <= count, "UInt64 write at \(offset) outside \(count) bytes")
    storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt64.self)
  }

  /// Stores `value` little-endian at `offset`, which need not be aligned.
  @inline(__always)
  func storeLittleEndian(_ value: UInt32, at offset: Int) {
    assert(offset >= 0 && offset + 4 <= count, "UInt32 write at \(offset) outside \(count) bytes")
    storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt32.self)
  }
}
