import Foundation
import MapBuffer

extension TypedMapBuffer: Sequence {
  /// One entry of a typed map met in a `for` loop: its key, and its value decoded on demand.
  ///
  /// ```swift
  /// for entry in skeletons {
  ///   print(entry.key, try entry.value.vertices.count)
  /// }
  /// ```
  ///
  /// The key never fails to read (opening checked the index); the value is read and decoded
  /// only when asked for, so a loop holds one value at a time, and a corrupt or undecodable item
  /// throws from ``value`` naming its key.
  public struct Entry {
    private let entry: MapBuffer.Entry
    private let codec: MapBufferValueCodec<Value>
    private let compression: MapBuffer.Compression

    fileprivate init(entry: MapBuffer.Entry, codec: MapBufferValueCodec<Value>, compression: MapBuffer.Compression) {
      self.entry = entry
      self.codec = codec
      self.compression = compression
    }

    /// The entry's key.
    public var key: UInt64 { entry.key }

    /// The entry's value, read and decoded on each access.
    ///
    /// - Throws: ``TypedMapBufferError`` naming ``key`` when the bytes do not decode, or the
    ///   `MapBufferError` of a corrupt item.
    public var value: Value {
      get throws {
        if compression == .none, let borrowed = codec.borrowedDecoder {
          let key = key
          var value: Value?
          try entry.withValueBytes { value = try TypedMapBuffer.decode($0, key: key) { try borrowed($0, key) } }
          if let value { return value }
        }
        return try TypedMapBuffer.decode(entry.value, key: key, codec: codec)
      }
    }
  }

  /// Walks a typed map's entries in ascending key order, decoding nothing.
  public struct Iterator: IteratorProtocol {
    private var entries: MapBuffer.Iterator
    private let codec: MapBufferValueCodec<Value>
    private let compression: MapBuffer.Compression

    fileprivate init(_ typed: TypedMapBuffer) {
      entries = typed.map.makeIterator()
      codec = typed.codec
      compression = typed.map.compression
    }

    /// The next entry in ascending key order, or `nil` after the largest key.
    public mutating func next() -> Entry? {
      entries.next().map { Entry(entry: $0, codec: codec, compression: compression) }
    }
  }

  /// The entries in ascending key order: `for entry in typed { try entry.value }`.
  ///
  /// The loop cannot fail; each value is decoded when asked for. ``forEach(_:)`` and
  /// ``entries()`` stop at the first error instead.
  public func makeIterator() -> Iterator { Iterator(self) }

  /// The number of keys.
  public var underestimatedCount: Int { count }
}

extension TypedMapBuffer.Entry: Sendable where Value: Sendable {}
extension TypedMapBuffer.Iterator: Sendable where Value: Sendable {}
