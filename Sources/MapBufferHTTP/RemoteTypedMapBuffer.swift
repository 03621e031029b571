// Part of MapBufferHTTP: compiled only with the package's HTTP trait.
#if HTTP

import Foundation
import MapBuffer
import MapBufferCodable

/// A ``RemoteMapBuffer`` whose values are decoded into `Value`: the typed layer over HTTP.
///
/// It decodes with the same `MapBufferValueCodec` a local `TypedMapBuffer`
/// uses, so any value type that works locally (strings, `Codable` types, skeletons) works remotely.
///
/// ```swift
/// let remote = try await RemoteMapBuffer(url: fragmentsURL)
/// let skeletons = RemoteTypedMapBuffer<Skeleton>(remote)
/// let skeleton = try await skeletons[label]   // one range request
/// ```
public struct RemoteTypedMapBuffer<Value>: Sendable {
  /// The untyped remote map underneath.
  public let map: RemoteMapBuffer
  /// The conversions between values and bytes.
  public let codec: MapBufferValueCodec<Value>

  /// Types a remote map with `codec`.
  public init(_ map: RemoteMapBuffer, codec: MapBufferValueCodec<Value>) {
    self.map = map
    self.codec = codec
  }

  /// The number of keys.
  public var count: Int { map.count }

  /// The keys in ascending order, a lazy collection over the index; no request, and no failure.
  public var keys: MapBuffer.Keys { map.keys }

  /// Whether the map has a value for `key`; no request.
  public func contains(_ key: UInt64) throws -> Bool { try map.contains(key) }

  /// The decoded value for `key`, or `nil` if the map has no such key.
  ///
  /// - Throws: `TypedMapBufferError.decodingFailed(key:underlying:)` naming the key
  ///   when the bytes do not decode, or what ``RemoteMapBuffer/subscript(_:)`` throws.
  public subscript(key: UInt64) -> Value? {
    get async throws {
      guard let bytes = try await map[key] else { return nil }
      return try decode(bytes, key: key)
    }
  }

  /// The decoded values of `keys`, in their order (`nil` for a key the map lacks), fetched as
  /// ``RemoteMapBuffer/values(forKeys:)`` fetches them (coalesced, concurrent requests), then
  /// decoded on all cores when there are at least
  /// `TypedMapBuffer.concurrentBatchThreshold` of them.
  ///
  /// - Throws: what ``RemoteMapBuffer/values(forKeys:)`` throws, or the
  ///   `TypedMapBufferError` of the first key in `keys`' order whose bytes do not decode.
  public func values(forKeys keys: some Sequence<UInt64>) async throws -> [Value?] {
    let keys = Array(keys)
    let values = try await map.values(forKeys: keys)
    let codec = codec
    return try ConcurrentDecoding.map(
      count: keys.count, minimumCount: TypedMapBuffer<Value>.concurrentBatchThreshold
    ) { index in
      try values[index].map { try TypedMapBuffer.decode($0, key: keys[index], codec: codec) }
    }
  }

  private func decode(_ bytes: Data, key: UInt64) throws -> Value {
    do {
      return try codec.decode(bytes, storedUnder: key)
    } catch {
      throw TypedMapBufferError.decodingFailed(key: key, underlying: error)
    }
  }
}

extension RemoteTypedMapBuffer where Value: MapBufferValue {
  /// Types a remote map with `Value`'s own conversions.
  public init(_ map: RemoteMapBuffer) {
    self.init(map, codec: .conformance)
  }
}

#endif
