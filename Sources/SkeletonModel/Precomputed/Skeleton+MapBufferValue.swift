import Foundation
import MapBufferCodable

/// Skeletons are stored in maps in the precomputed encoding, so
/// `try TypedMapBuffer<Skeleton>(data)[label]` reads a fragment file, and the skeleton's ``Skeleton/id``
/// is the label it is stored under.
extension Skeleton: KeyedMapBufferValue {
  /// Decodes the precomputed encoding with osteoid's default attributes; the ``id`` is `nil`.
  public init(mapBufferBytes bytes: Data) throws {
    try self.init(precomputed: bytes)
  }

  /// Decodes the precomputed encoding from borrowed bytes (a mapped item's own memory): each
  /// array is copied once, straight from them. The ``id`` is `nil`.
  public init(mapBufferBytes bytes: UnsafeRawBufferPointer) throws {
    try self.init(precomputed: bytes)
  }

  /// Decodes the precomputed encoding with osteoid's default attributes; the ``id`` is `key`.
  public init(mapBufferBytes bytes: Data, storedUnder key: UInt64) throws {
    try self.init(precomputed: bytes, id: key)
  }

  /// Decodes the precomputed encoding from borrowed bytes with osteoid's default attributes;
  /// the ``id`` is `key`.
  public init(mapBufferBytes bytes: UnsafeRawBufferPointer, storedUnder key: UInt64) throws {
    try self.init(precomputed: bytes, id: key)
  }

  /// The precomputed encoding.
  public func mapBufferBytes() throws -> Data {
    try precomputed()
  }
}

extension MapBufferValueCodec where Value == Skeleton {
  /// The precomputed encoding with the attributes a skeleton layer's `info` declares, for a
  /// typed map over a fragment file of that layer: `TypedMapBuffer(data, codec: try .precomputed(info))`.
  ///
  /// Decoding reads `info.vertexAttributes` in order (none, radius only, or any others) and
  /// sets the skeleton's ``Skeleton/id`` to the key it is stored under. Coordinates stay as
  /// stored; ``Skeleton/applyingTransform(of:)`` gives physical ones. Encoding writes the
  /// skeleton's attributes after checking that they are the layer's (a skeleton without vertices
  /// has no attribute bytes and passes with any list).
  ///
  /// - Throws: ``SkeletonError/unsupportedLayer(reason:)`` for a sharded layer (whose files are
  ///   shards, not maps of skeletons) or a layer of another `@type`.
  public static func precomputed(_ info: SkeletonLayerInfo) throws -> Self {
    try info.checkReadable()
    return precomputed(attributes: info.vertexAttributes)
  }

  /// The precomputed encoding with the given attribute layout; see ``precomputed(_:)``.
  public static func precomputed(attributes: [AttributeDescriptor]) -> Self {
    var codec = Self(
      decodeStored: { bytes, key in try Skeleton(precomputed: bytes, id: key, attributes: attributes) },
      encode: { skeleton in
        // A skeleton without vertices has no attribute bytes whatever its list says (decoding
        // one gives no attributes), so only skeletons with vertices are checked.
        let found = skeleton.attributes.map(\.descriptor)
        guard found == attributes || skeleton.isEmpty else {
          throw SkeletonError.attributeMismatch(expected: attributes, found: found)
        }
        return try skeleton.precomputed()
      },
      decodeStoredBorrowed: { bytes, key in try Skeleton(precomputed: bytes, id: key, attributes: attributes) })
    // What a skeleton view of a map typed with this codec reads (`withSkeletonView(forKey:_:)`).
    codec.layout = PrecomputedAttributes(descriptors: attributes)
    return codec
  }
}
