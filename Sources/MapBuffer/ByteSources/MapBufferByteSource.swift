import Foundation

/// Random-access bytes that a ``MapBuffer`` or ``IntMap`` reads from.
///
/// A source has a fixed size, learned when it is opened, and hands out byte ranges inside it.
/// Memory, memory-mapped files and files read with positional reads are sources; a remote
/// object can be one too. Readers ask for a range only after checking it against ``count``;
/// a source still checks every range and throws rather than read outside itself.
///
/// Conforming types must be safe to read from several threads at once.
public protocol MapBufferByteSource: Sendable {
  /// The number of bytes in the source, fixed when it was opened.
  var count: Int { get }

  /// Whether the whole source is in addressable memory, so that
  /// ``withUnsafeBytes(in:_:)`` of any range is free: no copy, no I/O.
  ///
  /// Readers use this to choose between searching the whole index in place
  /// and reading it one label at a time.
  var isMemoryResident: Bool { get }

  /// Calls `body` with the bytes in `range`.
  ///
  /// The buffer is valid only during the call. A memory-resident source passes its own
  /// memory; others read the range into a temporary buffer first.
  ///
  /// - Throws: ``MapBufferError/rangeOutOfBounds(lowerBound:upperBound:sourceSize:)`` for a
  ///   range outside the source, an I/O error if the bytes cannot be read, or what `body` throws.
  func withUnsafeBytes<Result>(
    in range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> Result
  ) throws -> Result

  /// A copy of the bytes in `range`.
  func copyBytes(in range: Range<Int>) throws -> Data
}

extension MapBufferByteSource {
  /// A copy of the bytes in `range`, made through ``withUnsafeBytes(in:_:)``.
  public func copyBytes(in range: Range<Int>) throws -> Data {
    try withUnsafeBytes(in: range) { Data($0) }
  }

  /// Throws unless `range` lies inside the source.
  @inline(__always)
  package func checkBounds(_ range: Range<Int>) throws {
    guard range.lowerBound >= 0, range.upperBound <= count else {
      throw MapBufferError.rangeOutOfBounds(
        lowerBound: range.lowerBound, upperBound: range.upperBound, sourceSize: count)
    }
  }
}
