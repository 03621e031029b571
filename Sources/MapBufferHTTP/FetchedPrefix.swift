// Part of MapBufferHTTP: compiled only with the package's HTTP trait.
#if HTTP

import Foundation
import MapBuffer

/// The first bytes of a remote object (at least its header and index), as a byte source the size
/// of the whole object.
///
/// The core reader searches the index through it exactly as it does a local file's; item bytes
/// past the prefix are fetched by ``RemoteMapBuffer`` and never read through this source.
struct FetchedPrefix: MapBufferByteSource, IndexBytesLending {
  /// The object's first bytes.
  let bytes: Data
  /// The whole object's size.
  let count: Int

  init(bytes: Data, objectSize: Int) {
    assert(bytes.count <= objectSize, "a prefix cannot be longer than its object")
    self.bytes = bytes
    self.count = objectSize
  }

  /// Not resident: the index is searched a key at a time, and items lie past the prefix.
  var isMemoryResident: Bool { false }

  /// The prefix's bytes at `range` (a slice: the index the core reader keeps is this buffer,
  /// not a copy of it), or `nil` past the prefix.
  func lentBytes(in range: Range<Int>) -> Data? {
    guard range.lowerBound >= 0, range.upperBound <= bytes.count else { return nil }
    return bytes[(bytes.startIndex + range.lowerBound)..<(bytes.startIndex + range.upperBound)]
  }

  func withUnsafeBytes<Result>(
    in range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> Result
  ) throws -> Result {
    try checkBounds(range)
    guard range.upperBound <= bytes.count else {
      // Unreachable by the remote map's own reads, which fetch items rather than read them here.
      throw MapBufferError.sourceTruncated(
        offset: range.lowerBound, expected: range.count, read: max(0, bytes.count - range.lowerBound))
    }
    return try bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[range])) }
  }
}

#endif
