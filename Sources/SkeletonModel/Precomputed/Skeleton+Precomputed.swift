import Foundation
import MapBuffer

#if !_endian(little)
#error("The precomputed encoding is little-endian; SkeletonModel copies it in bulk and needs a little-endian CPU.")
#endif

extension Skeleton {
  /// Decodes a skeleton from the Neuroglancer "precomputed" encoding, as osteoid and
  /// cloud-volume write it.
  ///
  /// ```
  /// u32 vertex count | u32 edge count | vertices (3 × f32 each) | edges (2 × u32 each) | attributes
  /// ```
  ///
  /// A buffer of exactly the minimum length has no attributes; otherwise `attributes` (osteoid's
  /// defaults, `radius` then `vertex_types`, when `nil`) says what follows, in order. Bytes after
  /// the last attribute are ignored, as osteoid ignores them. Each array is copied in bulk.
  ///
  /// - Throws: ``SkeletonError`` when the counts do not fit the buffer, an edge names a missing
  ///   vertex, or an attribute runs past the end. Nothing is allocated from a count before
  ///   that count is checked against the buffer's length.
  public init(precomputed bytes: Data, id: UInt64? = nil, attributes descriptors: [AttributeDescriptor]? = nil) throws {
    self = try bytes.withUnsafeBytes { raw in
      try Skeleton(precomputed: raw, id: id, attributes: descriptors)
    }
  }

  /// Decodes a skeleton from precomputed bytes in memory; see ``init(precomputed:id:attributes:)-(Data,_,_)``.
  public init(
    precomputed raw: UnsafeRawBufferPointer, id: UInt64? = nil, attributes descriptors: [AttributeDescriptor]? = nil
  ) throws {
    var payload = ChecksummingPayload(raw, checksums: false)
    try self.init(precomputed: &payload, id: id, attributes: descriptors)
  }

  /// Decodes a skeleton from an item's payload, checksumming its bytes as they are copied into
  /// the skeleton's arrays when the payload checksums (the reader verifies the sum afterwards).
  package init(
    precomputed payload: inout ChecksummingPayload, id: UInt64?, attributes descriptors: [AttributeDescriptor]?
  ) throws {
    let raw = payload.bytes
    guard raw.count >= 8 else {
      throw SkeletonError.truncated(byteCount: raw.count, required: 8, vertexCount: 0, edgeCount: 0)
    }
    let vertexCount = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
    let edgeCount = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
    let verticesEnd = 8 + 12 * Int(vertexCount)
    let edgesEnd = verticesEnd + 8 * Int(edgeCount)
    guard raw.count >= edgesEnd else {
      throw SkeletonError.truncated(
        byteCount: raw.count, required: edgesEnd, vertexCount: vertexCount, edgeCount: edgeCount)
    }
    payload.skipNext(8)
    let vertices = Self.bulkCopy(Vertex.self, count: Int(vertexCount), encodedWidth: 12, from: &payload)
    let edges = Self.bulkCopy(Edge.self, count: Int(edgeCount), encodedWidth: 8, from: &payload)
    try Self.checkEdges(edges, vertexCount: vertexCount)
    var attributes: [VertexAttribute] = []
    if raw.count > edgesEnd {
      let descriptors = descriptors ?? AttributeDescriptor.defaults
      attributes.reserveCapacity(descriptors.count)
      var start = edgesEnd
      for descriptor in descriptors {
        guard descriptor.valuesPerVertex >= 1 else {
          throw SkeletonError.invalidComponentCount(name: descriptor.name, componentCount: descriptor.valuesPerVertex)
        }
        guard let size = descriptor.byteCount(forVertexCount: Int(vertexCount)), size <= raw.count - start else {
          let size = descriptor.byteCount(forVertexCount: Int(vertexCount)) ?? .max
          let (sum, overflow) = start.addingReportingOverflow(size)
          let end = overflow ? Int.max : sum
          throw SkeletonError.attributeOutOfBounds(name: descriptor.name, end: end, byteCount: raw.count)
        }
        attributes.append(
          VertexAttribute(
            name: descriptor.name, dataType: descriptor.dataType, valuesPerVertex: descriptor.valuesPerVertex,
            bytes: payload.nextData(size)))
        start += size
      }
    }
    self.init(id: id, vertices: vertices, edges: edges, attributes: attributes)
  }

  /// Throws ``SkeletonError/edgeOutOfRange(edge:vertex:vertexCount:)`` for the first edge that
  /// names a missing vertex: one branch-free pass over the indexes (which the compiler
  /// vectorizes), and the search for the culprit only when there is one.
  private static func checkEdges(_ edges: [Edge], vertexCount: UInt32) throws {
    let anyMissing = edges.withUnsafeBytes { raw in
      raw.withMemoryRebound(to: UInt32.self) { indexes in
        var missing: UInt32 = 0
        for index in indexes { missing |= index >= vertexCount ? 1 : 0 }
        return missing != 0
      }
    }
    guard anyMissing else { return }
    for (index, edge) in edges.enumerated() where edge.a >= vertexCount || edge.b >= vertexCount {
      throw SkeletonError.edgeOutOfRange(edge: index, vertex: max(edge.a, edge.b), vertexCount: Int(vertexCount))
    }
  }

  /// The precomputed encoding of this skeleton: counts, vertices, edges, then every attribute in order.
  ///
  /// - Throws: ``SkeletonError/attributeSizeMismatch(name:byteCount:expected:)`` if an attribute
  ///   does not hold one value per vertex and component (`expected` is `Int.max` when that size
  ///   overflows), ``SkeletonError/invalidComponentCount(name:componentCount:)`` for a component
  ///   count below 1, or ``SkeletonError/tooLarge(vertexCount:edgeCount:)``.
  public func precomputed() throws -> Data {
    guard vertices.count <= Int(UInt32.max), edges.count <= Int(UInt32.max) else {
      throw SkeletonError.tooLarge(vertexCount: vertices.count, edgeCount: edges.count)
    }
    var size = 8 + 12 * vertices.count + 8 * edges.count
    for attribute in attributes {
      guard attribute.valuesPerVertex >= 1 else {
        throw SkeletonError.invalidComponentCount(name: attribute.name, componentCount: attribute.valuesPerVertex)
      }
      let expected = attribute.descriptor.byteCount(forVertexCount: vertices.count) ?? .max
      guard attribute.bytes.count == expected else {
        throw SkeletonError.attributeSizeMismatch(
          name: attribute.name, byteCount: attribute.bytes.count, expected: expected)
      }
      size += expected
    }
    var out = Data(capacity: size)
    withUnsafeBytes(of: UInt32(vertices.count).littleEndian) { out.append(contentsOf: $0) }
    withUnsafeBytes(of: UInt32(edges.count).littleEndian) { out.append(contentsOf: $0) }
    Self.appendBulk(vertices, to: &out)
    Self.appendBulk(edges, to: &out)
    for attribute in attributes { out.append(attribute.bytes) }
    return out
  }

  /// The next `count` values of a plain type whose layout is the encoding's, copied in one go
  /// into an array allocated uninitialized (and checksummed on the way when the payload checksums).
  private static func bulkCopy<Element: BitwiseCopyable>(
    _ type: Element.Type, count: Int, encodedWidth: Int, from payload: inout ChecksummingPayload
  ) -> [Element] {
    precondition(MemoryLayout<Element>.stride == encodedWidth, "\(Element.self) layout differs from the encoding")
    return [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
      if let base = buffer.baseAddress { payload.copyNext(MemoryLayout<Element>.stride * count, to: base) }
      initialized = count
    }
  }

  private static func appendBulk<Element: BitwiseCopyable>(_ elements: [Element], to out: inout Data) {
    elements.withUnsafeBytes { out.append(contentsOf: $0) }
  }
}

extension Skeleton.Vertex: BitwiseCopyable {}
extension Skeleton.Edge: BitwiseCopyable {}
