import Foundation

/// The labels of an index (and, for an IntMap, the values beside them), readable without
/// failing: the bytes of a source in memory, checked at opening to hold the whole index, or a
/// copy of the index read when the map was opened from any other source.
package struct IndexLabels: @unchecked Sendable {
  // @unchecked: `.mapped` holds the read-only mapping of the source kept in `owner`, which
  // stays valid and unchanged while this value exists.
  private enum Storage {
    /// A mapped file's bytes, at an address that holds while `owner` (the source) lives.
    case mapped(UnsafeRawBufferPointer)
    /// Bytes in memory, reached through the concrete source.
    case memory(InMemoryByteSource)
    /// The index bytes alone, read at opening (or lent by a source that holds them).
    case copy(Data)
  }

  private let storage: Storage
  /// Keeps a mapping alive; never read. Apart from `storage` so that reading a word does not
  /// copy an existential (a retain and a release per word, several times a lookup's cost).
  private let owner: (any MapBufferByteSource)?
  /// The byte offset, in the storage, of entry 0.
  private let start: Int
  /// The number of entries.
  package let count: Int

  /// The entries of `count` 16-byte entries at `range` of `source`: in place when it is in
  /// memory, else read once now.
  package init(source: any MapBufferByteSource, access: ResidentAccess, range: Range<Int>, count: Int) throws {
    self.count = count
    switch access {
    case .mapped(let bytes, _):
      storage = .mapped(bytes)
      owner = source
      start = range.lowerBound
    case .memory(let memory):
      storage = .memory(memory)
      owner = nil
      start = range.lowerBound
    case .general:
      // A source that holds the index in memory already (a remote map's fetched prefix) lends
      // it; any other is read once.
      let shared = (source as? any IndexBytesLending)?.lentBytes(in: range)
      storage = .copy(try shared ?? source.copyBytes(in: range))
      owner = nil
      start = 0
    }
  }

  /// The 8 bytes at `offset` of entry `position`, little-endian.
  @inline(__always)
  package func word(at position: Int, offset: Int = 0) -> UInt64 {
    let byte = start &+ MapBufferHeader.indexEntryByteCount &* position &+ offset
    switch storage {
    case .mapped(let bytes): return bytes.loadLittleEndianUInt64(at: byte)
    case .memory(let memory): return memory.withAllBytes { $0.loadLittleEndianUInt64(at: byte) }
    case .copy(let data): return data.withUnsafeBytes { $0.loadLittleEndianUInt64(at: byte) }
    }
  }

  /// Calls `body` with the entries, reachable without a switch or a reference count per word
  /// while it runs: for loops over the whole index.
  @inline(__always)
  package func withEntries<Result>(_ body: (Entries) throws -> Result) rethrows -> Result {
    switch storage {
    case .mapped(let bytes): try body(Entries(bytes: bytes, start: start))
    case .memory(let memory): try memory.withAllBytes { try body(Entries(bytes: $0, start: start)) }
    case .copy(let data): try data.withUnsafeBytes { try body(Entries(bytes: $0, start: start)) }
    }
  }

  /// The entries' bytes during ``IndexLabels/withEntries(_:)``.
  package struct Entries {
    fileprivate let bytes: UnsafeRawBufferPointer
    fileprivate let start: Int

    /// The 8 bytes at `offset` of entry `position`, little-endian.
    @inline(__always)
    package func word(at position: Int, offset: Int = 0) -> UInt64 {
      bytes.loadLittleEndianUInt64(at: start &+ MapBufferHeader.indexEntryByteCount &* position &+ offset)
    }
  }
}

/// A byte source that is not memory-resident as a whole but holds some of its bytes in memory
/// (a remote map's fetched header and index), and can lend them without a copy.
package protocol IndexBytesLending {
  /// The bytes at `range`, sharing the source's storage, or `nil` if they are not held.
  func lentBytes(in range: Range<Int>) -> Data?
}
