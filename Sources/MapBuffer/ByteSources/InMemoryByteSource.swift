import Foundation

/// Bytes held in memory: a `Data` value or a `[UInt8]` array, read in place without a copy.
public struct InMemoryByteSource: MapBufferByteSource {
  private enum Storage: Sendable {
    case data(Data)
    case array([UInt8])
  }

  private let storage: Storage

  /// A source over `data`, which it keeps (value semantics: no copy is made).
  public init(_ data: Data) { storage = .data(data) }

  /// A source over `bytes`, which it keeps (value semantics: no copy is made).
  public init(_ bytes: [UInt8]) { storage = .array(bytes) }

  /// The number of bytes.
  public var count: Int {
    switch storage {
    case .data(let data): data.count
    case .array(let array): array.count
    }
  }

  /// Always `true`.
  public var isMemoryResident: Bool { true }

  /// Calls `body` with the bytes in `range`, in place.
  @inline(__always)
  public func withUnsafeBytes<Result>(
    in range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> Result
  ) throws -> Result {
    try checkBounds(range)
    switch storage {
    case .data(let data):
      return try data.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[range])) }
    case .array(let array):
      return try array.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[range])) }
    }
  }

  /// Calls `body` with all of the bytes, in place.
  @inline(__always)
  package func withAllBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
    switch storage {
    case .data(let data): try data.withUnsafeBytes(body)
    case .array(let array): try array.withUnsafeBytes(body)
    }
  }

  /// The bytes in `range`, which lies inside the source, sharing its storage.
  func valueBytes(in range: Range<Int>) -> MapBuffer.ValueBytes {
    switch storage {
    case .data(let data):
      let start = data.startIndex &+ range.lowerBound
      return MapBuffer.ValueBytes(data[start..<(start &+ range.count)])
    case .array(let array):
      return MapBuffer.ValueBytes(array[range])
    }
  }

  /// The bytes as `Data`: the stored value itself when it is `Data`, else a copy.
  public var data: Data {
    switch storage {
    case .data(let data): data
    case .array(let array): Data(array)
    }
  }
}
