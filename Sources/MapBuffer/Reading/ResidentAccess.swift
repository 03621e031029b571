import CMapBufferPrefetch
import Foundation

/// How a reader reaches its source's bytes, decided once when it opens: directly for the
/// sources whose bytes are in memory, through the protocol for any other.
///
/// Lookups in memory are the hot path. Going through `any MapBufferByteSource` costs a
/// witness call and an unspecialized closure per access; knowing the concrete source lets the
/// whole lookup (search, checksum, copy) run inside one access to the bytes.
package enum ResidentAccess: @unchecked Sendable {
  // @unchecked: the pointer is the read-only mapping of a MappedFileByteSource, which the
  // reader holding this value keeps alive; the mapping never changes while it exists.

  /// A mapped file's bytes, which stay at this address while the reader holds the source,
  /// `owner`: unretained, so that copying this value (once a lookup) costs no reference count.
  case mapped(UnsafeRawBufferPointer, owner: Unmanaged<MappedFileByteSource>)
  /// Bytes in memory, reached through the concrete source.
  case memory(InMemoryByteSource)
  /// Any other source: read through the protocol, range by range.
  case general

  /// The access for `source`.
  init(_ source: some MapBufferByteSource) {
    if let mapped = source as? MappedFileByteSource {
      self = .mapped(mapped.mappedBytes, owner: Unmanaged.passUnretained(mapped))
    } else if let memory = source as? InMemoryByteSource {
      self = .memory(memory)
    } else {
      self = .general
    }
  }

  /// Calls `body` with all of the source's bytes when they are in memory and returns its
  /// result; returns `nil` without calling it for any other source.
  @inline(__always)
  package func withResidentBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result? {
    switch self {
    case .mapped(let bytes, _): try body(bytes)
    case .memory(let memory): try memory.withAllBytes(body)
    case .general: nil
    }
  }
}

extension MapBuffer {
  /// The index position and stored byte range of `key` in `file`, all of the map's bytes, or
  /// `nil` when the map has no such key.
  ///
  /// The header checked at opening guarantees that the whole index lies inside `file`; node
  /// `k` (1-based) of the Eytzinger tree sits at byte `16 * k`, right after the 16-byte header,
  /// and its four grandchildren fill the 64-byte line at byte `64 * k`.
  @inline(__always)
  package func residentLocation(of key: UInt64, in file: UnsafeRawBufferPointer) throws -> ItemLocation? {
    let count = header.keyCount
    guard count > 0 else { return nil }
    assert(file.count >= header.dataStart, "the index must lie inside the source")
    let base = file.baseAddress.unsafelyUnwrapped
    guard
      let position = Eytzinger.position(
        of: key, count: count, label: { file.loadLittleEndianUInt64(at: Self.labelOffset(ofPosition: $0)) },
        prefetch: { mb_prefetch(base + 64 &* $0) })
    else { return nil }
    return try residentLocation(at: position, key: key, in: file)
  }

  /// Where the item at index `position`, whose key is `key`, is stored in `file`, all of the
  /// map's bytes.
  @inline(__always)
  package func residentLocation(at position: Int, key: UInt64, in file: UnsafeRawBufferPointer) throws -> ItemLocation {
    try location(at: position, key: key) { file.loadLittleEndianUInt64(at: Self.labelOffset(ofPosition: $0) &+ 8) }
  }

  /// The byte offset in the map of the label at index `position`; its offset follows it.
  @inline(__always)
  package static func labelOffset(ofPosition position: Int) -> Int {
    MapBufferHeader.byteCount &+ MapBufferHeader.indexEntryByteCount &* position
  }

  /// The value of `key` read from `file`, all of the map's bytes, or `nil`.
  @inline(__always)
  package func residentValue(forKey key: UInt64, in file: UnsafeRawBufferPointer) throws -> Data? {
    guard let location = try residentLocation(of: key, in: file) else { return nil }
    let stored = UnsafeRawBufferPointer(rebasing: file[location.range])
    return try itemCoding.value(of: stored, key: key, position: location.position)
  }
}
