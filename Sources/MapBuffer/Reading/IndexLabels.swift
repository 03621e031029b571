import Foundation

/// The labels of an index (and, for an IntMap, the values beside them), readable without
/// failing: the bytes of a source in memory, checked at opening to hold the whole index, or a
/// copy of the index read when the map was opened from any other source.
package struct IndexLabels: @unchecked Sendable {
  // @unchecked: `access` may hold the read-only mapping of the source kept in `owner`, which
  // stays valid and unchanged while this value exists.
  private enum Storage {
    /// All of the source's bytes, in memory; `owner` keeps a mapping alive.
    case resident(ResidentAccess, owner: any MapBufferByteSource)
    /// The index bytes alone, read at opening.
    case copy(Data)
  }

  private let storage: Storage
  /// The byte offset, in the storage, of entry 0.
  private let start: Int
  /// The number of entries.
  package let count: Int

  /// The entries of `count` 16-byte entries at `range` of `source`: in place when it is in
  /// memory, else read once now.
  package init(source: any MapBufferByteSource, access: ResidentAccess, range: Range<Int>, count: Int) throws {
    self.count = count
    if case .general = access {
      // A source that holds the index in memory already (a remote map's fetched prefix) lends
      // it; any other is read once.
      let shared = (source as? any IndexBytesLending)?.lentBytes(in: range)
      storage = .copy(try shared ?? source.copyBytes(in: range))
      start = 0
    } else {
      storage = .resident(access, owner: source)
      start = range.lowerBound
    }
  }

  /// The 8 bytes at `offset` of entry `position`, little-endian.
  @inline(__always)
  package func word(at position: Int, offset: Int = 0) -> UInt64 {
    let byte = start &+ MapBufferHeader.indexEntryByteCount &* position &+ offset
    switch storage {
    case .resident(let access, _):
      return access.withResidentBytes { $0.loadLittleEndianUInt64(at: byte) }.unsafelyUnwrapped
    case .copy(let data):
      return data.withUnsafeBytes { $0.loadLittleEndianUInt64(at: byte) }
    }
  }
}

/// A byte source that is not memory-resident as a whole but holds some of its bytes in memory
/// (a remote map's fetched header and index), and can lend them without a copy.
package protocol IndexBytesLending {
  /// The bytes at `range`, sharing the source's storage, or `nil` if they are not held.
  func lentBytes(in range: Range<Int>) -> Data?
}
