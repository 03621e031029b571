// Part of MapBufferHTTP: compiled only with the package's HTTP trait.
#if HTTP

import Foundation

/// Memory that answers are received into: allocated once, at the size asked for or announced
/// (never more than the range requested), filled as body parts arrive, then only read.
///
/// A value, a prefix or an index handed out as `Data` refers to these bytes without copying
/// them and keeps the buffer alive, so that a 1 GiB item or index costs 1 GiB, not twice that.
///
/// Writes happen on the client's event loop while an answer arrives, under the delegate's lock;
/// reads happen only after the answer is complete and has been taken under that same lock, so
/// the bytes are never written and read at once (hence `@unchecked Sendable`).
final class ReceiveBuffer: @unchecked Sendable {
  /// The first byte.
  let base: UnsafeMutableRawPointer
  /// The bytes allocated.
  let capacity: Int

  /// Allocates `capacity` bytes (uninitialized until written).
  init(capacity: Int) {
    precondition(capacity >= 0, "a buffer cannot have a negative size")
    self.capacity = capacity
    base = .allocate(byteCount: max(1, capacity), alignment: 16)
  }

  deinit { base.deallocate() }

  /// Copies `bytes` to `offset`, which the caller has checked lies within the buffer.
  func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) {
    precondition(offset >= 0 && bytes.count <= capacity - offset, "a write past the buffer's end")
    guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
    (base + offset).copyMemory(from: source, byteCount: bytes.count)
  }

  /// The bytes of `range`, which must lie within what was written.
  func withUnsafeBytes<Result>(in range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> Result) rethrows
    -> Result
  {
    precondition(range.lowerBound >= 0 && range.upperBound <= capacity, "a read past the buffer's end")
    return try body(UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count))
  }

  /// The bytes of `range` as `Data` that refers to this buffer (no copy) and keeps it alive.
  func data(in range: Range<Int>) -> Data {
    precondition(range.lowerBound >= 0 && range.upperBound <= capacity, "a slice past the buffer's end")
    guard !range.isEmpty else { return Data() }
    return Data(
      bytesNoCopy: base + range.lowerBound, count: range.count,
      deallocator: .custom { _, _ in withExtendedLifetime(self) {} })
  }

  /// The bytes of `pointer`, which must lie within this buffer, as `Data` that refers to them.
  func data(of pointer: UnsafeRawBufferPointer) -> Data {
    guard let start = pointer.baseAddress, !pointer.isEmpty else { return Data() }
    let offset = UnsafeRawPointer(base).distance(to: start)
    return data(in: offset..<(offset + pointer.count))
  }
}

/// A received body: the bytes `offset..<offset + count` of a ``ReceiveBuffer``.
struct ReceivedBody: Sendable {
  /// The memory holding the body (and, when it was received into a larger buffer, other bytes).
  let buffer: ReceiveBuffer
  /// Where the body starts in `buffer`.
  let offset: Int
  /// The body's length.
  let count: Int

  /// An empty body.
  static var empty: ReceivedBody { ReceivedBody(buffer: ReceiveBuffer(capacity: 0), offset: 0, count: 0) }

  /// Calls `body` with the received bytes.
  func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
    try buffer.withUnsafeBytes(in: offset..<(offset + count), body)
  }

  /// The received bytes as `Data` that refers to them (no copy).
  var data: Data { buffer.data(in: offset..<(offset + count)) }
}

#endif
