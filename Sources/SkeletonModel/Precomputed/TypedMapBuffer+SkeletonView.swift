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
  public func withSkeletonView<Result>(forKey key: UInt64, _ body: (Skeleton.View) throws -> Result) throws
    -> Result?
  {
    let descriptors = (codec.layout as? PrecomputedAttributes)?.descriptors
    var result: Result?
    let found = try map.withValueBytes(forKey: key) { bytes in
      let view: Skeleton.View
      do {
        view = try Skeleton.View(precomputed: bytes, id: key, attributes: descriptors)
      } catch {
        throw TypedMapBufferError.decodingFailed(key: key, underlying: error)
      }
      result = try body(view)
    }
    return found ? result : nil
  }
}
