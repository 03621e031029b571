import Foundation

extension MapBuffer {
  /// The bytes of one value, as ``MapBuffer/valueBytes(forKey:)`` returns them: the map's own
  /// bytes, not a copy, when the map is uncompressed and in memory.
  ///
  /// For a memory-mapped file the value keeps the mapping alive: the bytes stay valid, and the
  /// file mapped, for as long as the value (or a copy of it) exists, even after the map is gone.
  /// For a map opened from `Data` or `[UInt8]` it shares their storage. For a compressed map, or
  /// a source that is not in memory, it owns the decoded or read bytes.
  ///
  /// It is a collection of bytes indexed from 0, and ``withUnsafeBytes(_:)`` lends the bytes in
  /// place:
  ///
  /// ```swift
  /// if let value = try map.valueBytes(forKey: 2848) {
  ///   let sum = value.withUnsafeBytes { $0.reduce(0, &+) }
  ///   let copy = Data(value)   // when a Data is needed
  /// }
  /// ```
  public struct ValueBytes: RandomAccessCollection, ContiguousBytes, Sendable {
    private enum Storage: @unchecked Sendable {
      // @unchecked: the pointer is into the read-only mapping of the source it sits beside,
      // which the value retains; the mapping never changes while it exists.

      /// Bytes of a mapped file, kept mapped by `owner`.
      case mapped(UnsafeRawBufferPointer, owner: MappedFileByteSource)
      /// Bytes of `Data`: a slice sharing a map's storage, or a decoded value.
      case data(Data)
      /// Bytes of a map opened from an array, sharing its storage.
      case array(ArraySlice<UInt8>)
    }

    private let storage: Storage

    /// The number of bytes, also ``endIndex``.
    public let count: Int

    @inline(__always)
    init(mapped bytes: UnsafeRawBufferPointer, owner: MappedFileByteSource) {
      storage = .mapped(bytes, owner: owner)
      count = bytes.count
    }

    /// The bytes of `data`, which the value keeps.
    init(_ data: Data) {
      storage = .data(data)
      count = data.count
    }

    @inline(__always)
    init(_ array: ArraySlice<UInt8>) {
      storage = .array(array)
      count = array.count
    }

    /// 0.
    public var startIndex: Int { 0 }

    /// The number of bytes.
    public var endIndex: Int { count }

    /// The byte at `position`, which must lie in `0..<count`.
    public subscript(position: Int) -> UInt8 {
      precondition(position >= 0 && position < count, "index \(position) out of range 0..<\(count)")
      return withUnsafeBytes { $0[position] }
    }

    /// Calls `body` with the bytes, in place; the buffer is valid only during the call.
    @inline(__always)
    public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
      switch storage {
      case .mapped(let bytes, let owner): try withExtendedLifetime(owner) { try body(bytes) }
      case .data(let data): try data.withUnsafeBytes(body)
      case .array(let array): try array.withUnsafeBytes(body)
      }
    }

    /// Calls `body` with the bytes when they are contiguous, which they always are.
    public func withContiguousStorageIfAvailable<Result>(
      _ body: (UnsafeBufferPointer<UInt8>) throws -> Result
    ) rethrows -> Result? {
      try withUnsafeBytes { try body($0.assumingMemoryBound(to: UInt8.self)) }
    }

    /// A copy of the bytes.
    public var data: Data {
      switch storage {
      case .data(let data) where data.startIndex == 0: data
      default: withUnsafeBytes { Data($0) }
      }
    }
  }

  /// The value stored for `key` without copying it when it can, or `nil` if the map has no such key.
  ///
  /// The same lookup as ``subscript(_:)`` (the checksum verified unless ``verifiesChecksums``
  /// is off): for an uncompressed map in memory (a mapped file, `Data` or `[UInt8]`) the result
  /// refers to the item's bytes in the map, allocating nothing; otherwise it owns the decoded
  /// value. A value from a mapped file keeps the file mapped while it exists.
  ///
  /// - Throws: what ``subscript(_:)`` throws.
  public func valueBytes(forKey key: UInt64) throws -> ValueBytes? {
    let coding = itemCoding
    if coding.compression == .none {
      switch residentAccess {
      case .mapped(let file, let owner):
        guard let location = try residentLocation(of: key, in: file) else { return nil }
        let payload = try coding.payload(
          of: UnsafeRawBufferPointer(rebasing: file[location.range]), key: key, position: location.position)
        // `self` holds the source, so the unretained owner is alive; the value retains it.
        return ValueBytes(mapped: payload, owner: owner.takeUnretainedValue())
      case .memory(let memory):
        guard
          let range = try memory.withAllBytes({ file -> Range<Int>? in
            guard let location = try residentLocation(of: key, in: file) else { return nil }
            let payload = try coding.payload(
              of: UnsafeRawBufferPointer(rebasing: file[location.range]), key: key, position: location.position)
            return location.range.lowerBound..<(location.range.lowerBound &+ payload.count)
          })
        else { return nil }
        return memory.valueBytes(in: range)
      case .general:
        break
      }
    }
    return try self[key].map { ValueBytes($0) }
  }
}
