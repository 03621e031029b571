import Foundation

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
    let vertices = Self.bulkCopy(
      Vertex.self, count: Int(vertexCount), from: UnsafeRawBufferPointer(rebasing: raw[8..<verticesEnd]))
    let edges = Self.bulkCopy(
      Edge.self, count: Int(edgeCount), from: UnsafeRawBufferPointer(rebasing: raw[verticesEnd..<edgesEnd]))
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
            bytes: Data(UnsafeRawBufferPointer(rebasing: raw[start..<(start + size)]))))
        start += size
      }
    }
    self.init(id: id, vertices: vertices, edges: edges, attributes: attributes)
  }

  /// Throws ``SkeletonError/edgeOutOfRange(edge:vertex:vertexCount:)`` for the first edge that
  /// names a missing vertex: the largest index found eight lanes at a time, and the search for
  /// the culprit only when it is out of range.
  private static func checkEdges(_ edges: [Edge], vertexCount: UInt32) throws {
    let largest = edges.withUnsafeBytes { raw in
      // The largest index, eight lanes at a time.
      var lanes = SIMD8<UInt32>(repeating: 0)
      var offset = 0
      while offset &+ 32 <= raw.count {
        lanes = pointwiseMax(lanes, raw.loadUnaligned(fromByteOffset: offset, as: SIMD8<UInt32>.self))
        offset &+= 32
      }
      var largest = lanes.max()
      while offset &+ 4 <= raw.count {
        largest = Swift.max(largest, raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
        offset &+= 4
      }
      return largest
    }
    guard !edges.isEmpty, largest >= vertexCount else { return }
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

  /// `count` values of a plain type whose layout is the encoding's, copied in one go into an
  /// array allocated uninitialized.
  private static func bulkCopy<Element: BitwiseCopyable>(
    _ type: Element.Type, count: Int, from raw: UnsafeRawBufferPointer
  ) -> [Element] {
    precondition(MemoryLayout<Element>.stride * count == raw.count, "\(Element.self) layout differs from the encoding")
    return [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
      UnsafeMutableRawBufferPointer(buffer).copyMemory(from: raw)
      initialized = count
    }
  }

  private static func appendBulk<Element: BitwiseCopyable>(_ elements: [Element], to out: inout Data) {
    elements.withUnsafeBytes { out.append(contentsOf: $0) }
  }
}

extension Skeleton.Vertex: BitwiseCopyable {}
extension Skeleton.Edge: BitwiseCopyable {}
