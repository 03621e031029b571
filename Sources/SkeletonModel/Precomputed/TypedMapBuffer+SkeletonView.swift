import Foundation
import MapBuffer
import MapBufferCodable

/// The attribute descriptors a skeleton codec reads, recorded in the codec for skeleton views.
struct PrecomputedAttributes: Sendable {
  var descriptors: [AttributeDescriptor]
}

extension TypedMapBuffer where Value == Skeleton {
  /// Calls `body` with a view of the skeleton stored for `key`, read in place, and returns what
  /// it returns, or `nil` if the map has no such key.
  ///
  /// The zero-copy form of `self[key]`: for an uncompressed map in memory (bytes or a
  /// memory-mapped file) the view reads the item's own bytes, and nothing is copied or
  /// allocated; a compressed item is decompressed into a temporary buffer first. The checksum
  /// is verified (unless the map's `verifiesChecksums` is off) before the view is made, so
  /// `body` never sees a damaged item. The view is valid only during the call: return what you
  /// compute from it, or ``Skeleton/View/skeleton()`` for an owned copy.
  ///
  /// The view reads the attributes the map's codec reads: the layer's for
  /// `MapBufferValueCodec.precomputed(_:)` and `MapBufferValueCodec.precomputed(attributes:)`,
  /// osteoid's defaults for `Skeleton`'s conformance (and for a codec of your own). Its
  /// ``Skeleton/View/id`` is `key`.
  ///
  /// - Throws: the `MapBufferError` of a corrupt item (a checksum mismatch, a decompression
  ///   failure); `TypedMapBufferError.decodingFailed(key:underlying:)` naming the key and the
  ///   ``SkeletonError`` when the bytes are not a skeleton, as `self[key]` throws; or what `body`
  ///   throws.
  @inlinable
  public func withSkeletonView<Result>(forKey key: UInt64, _ body: (Skeleton.View) throws -> Result) throws
    -> Result?
  {
    // Specialized in the caller: the result is carried out of a non-generic lookup, which
    // would otherwise instantiate the metadata of `Result?` at run time on every call.
    var result: Result?
    guard try withFoundSkeletonView(forKey: key, { result = try body($0) }) else { return nil }
    return result
  }

  /// Calls `body` with a view of the skeleton stored for `key`; whether the map has the key.
  @usableFromInline
  func withFoundSkeletonView(forKey key: UInt64, _ body: (Skeleton.View) throws -> Void) throws -> Bool {
    let descriptors = (codec.layout as? PrecomputedAttributes)?.descriptors
    return try map.withValueBytes(forKey: key) { bytes in
      let view: Skeleton.View
      do {
        view = try Skeleton.View(precomputed: bytes, id: key, attributes: descriptors)
      } catch {
        throw TypedMapBufferError.decodingFailed(key: key, underlying: error)
      }
      try body(view)
    }
  }
}
