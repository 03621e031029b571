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
    let layout = try PrecomputedLayout(of: raw)
    let vertices = Self.bulkCopy(Vertex.self, count: layout.vertexCount, from: layout.vertexBytes(of: raw))
    let edges = Self.bulkCopy(Edge.self, count: layout.edgeCount, from: layout.edgeBytes(of: raw))
    try edges.withUnsafeBytes { try Self.checkEdges($0, vertexCount: UInt32(layout.vertexCount)) }
    var attributes: [VertexAttribute] = []
    if layout.hasAttributes(in: raw) {
      let descriptors = descriptors ?? AttributeDescriptor.defaults
      attributes.reserveCapacity(descriptors.count)
      try layout.forEachAttribute(in: raw, descriptors: descriptors) { descriptor, range in
        attributes.append(
          VertexAttribute(
            name: descriptor.name, dataType: descriptor.dataType, valuesPerVertex: descriptor.valuesPerVertex,
            bytes: Data(UnsafeRawBufferPointer(rebasing: raw[range]))))
      }
    }
    self.init(id: id, vertices: vertices, edges: edges, attributes: attributes)
  }

  /// Throws ``SkeletonError/edgeOutOfRange(edge:vertex:vertexCount:)`` for the first edge of
  /// `raw` (edges as stored: pairs of little-endian u32, at any alignment) that names a missing
  /// vertex: whether any index is out of range found eight lanes at a time, and the search for
  /// the culprit only when one is.
  static func checkEdges(_ raw: UnsafeRawBufferPointer, vertexCount: UInt32) throws {
    guard raw.count >= 8 else { return }
    // Without vertices every edge is out of range.
    if vertexCount > 0, !Self.anyIndex(in: raw, atLeast: vertexCount) { return }
    var edge = 0
    while edge &* 8 &+ 8 <= raw.count {
      let a = raw.loadUnaligned(fromByteOffset: edge &* 8, as: UInt32.self)
      let b = raw.loadUnaligned(fromByteOffset: edge &* 8 &+ 4, as: UInt32.self)
      if a >= vertexCount || b >= vertexCount {
        throw SkeletonError.edgeOutOfRange(edge: edge, vertex: max(a, b), vertexCount: Int(vertexCount))
      }
      edge &+= 1
    }
  }

  /// Whether any u32 of `raw` is at least `limit` (above 0), eight lanes at a time.
  ///
  /// Unsigned `x >= limit` is the signed `x ^ 2^31 > (limit - 1) ^ 2^31`: a compare and an or per
  /// four lanes on any x86-64 (SSE2 has no unsigned 32-bit compare or maximum, which a running
  /// maximum would emulate in about five instructions, each waiting for the last).
  private static func anyIndex(in raw: UnsafeRawBufferPointer, atLeast limit: UInt32) -> Bool {
    let bias = SIMD8<UInt32>(repeating: 0x8000_0000)
    let biasedLimit = SIMD8<Int32>(truncatingIfNeeded: SIMD8<UInt32>(repeating: limit &- 1) ^ bias)
    var outside = SIMDMask<SIMD8<Int32>>(repeating: false)
    var offset = 0
    while offset &+ 32 <= raw.count {
      let lanes = raw.loadUnaligned(fromByteOffset: offset, as: SIMD8<UInt32>.self)
      outside .|= SIMD8<Int32>(truncatingIfNeeded: lanes ^ bias) .> biasedLimit
      offset &+= 32
    }
    if any(outside) { return true }
    while offset &+ 4 <= raw.count {
      if raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self) >= limit { return true }
      offset &+= 4
    }
    return false
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
  static func bulkCopy<Element: BitwiseCopyable>(
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

/// Where the parts of a precomputed encoding lie in a buffer: the counts read and checked against
/// its length. The one reading of the header and the attribute layout, shared by the decoder and
/// ``Skeleton/View``, so that both throw the same errors for the same bytes.
struct PrecomputedLayout {
  /// The number of vertices.
  var vertexCount: Int
  /// The number of edges.
  var edgeCount: Int
  /// The end of the vertices: `8 + 12 × vertexCount`.
  var verticesEnd: Int
  /// The end of the edges, where the attributes begin.
  var edgesEnd: Int

  /// Reads the counts and checks that the vertices and edges fit `raw`.
  ///
  /// - Throws: ``SkeletonError/truncated(byteCount:required:vertexCount:edgeCount:)``.
  init(of raw: UnsafeRawBufferPointer) throws {
    guard raw.count >= 8 else {
      throw SkeletonError.truncated(byteCount: raw.count, required: 8, vertexCount: 0, edgeCount: 0)
    }
    let vertexCount = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
    let edgeCount = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
    // At most 8 + 12 × (2^32 - 1) + 8 × (2^32 - 1) bytes: no overflow in a 64-bit Int.
    let verticesEnd = 8 + 12 * Int(vertexCount)
    let edgesEnd = verticesEnd + 8 * Int(edgeCount)
    guard raw.count >= edgesEnd else {
      throw SkeletonError.truncated(
        byteCount: raw.count, required: edgesEnd, vertexCount: vertexCount, edgeCount: edgeCount)
    }
    self.vertexCount = Int(vertexCount)
    self.edgeCount = Int(edgeCount)
    self.verticesEnd = verticesEnd
    self.edgesEnd = edgesEnd
  }

  /// The vertices' bytes in `raw`.
  func vertexBytes(of raw: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
    UnsafeRawBufferPointer(rebasing: raw[8..<verticesEnd])
  }

  /// The edges' bytes in `raw`.
  func edgeBytes(of raw: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
    UnsafeRawBufferPointer(rebasing: raw[verticesEnd..<edgesEnd])
  }

  /// Whether `raw` holds attributes: any byte after the edges (a buffer of exactly the minimum
  /// length has none).
  func hasAttributes(in raw: UnsafeRawBufferPointer) -> Bool { raw.count > edgesEnd }

  /// Calls `body` with each descriptor and the byte range of its values in `raw`, in order, each
  /// range checked to lie inside `raw` before `body` sees it.
  ///
  /// - Throws: ``SkeletonError/invalidComponentCount(name:componentCount:)`` or
  ///   ``SkeletonError/attributeOutOfBounds(name:end:byteCount:)`` for the first descriptor that
  ///   does not fit.
  func forEachAttribute(
    in raw: UnsafeRawBufferPointer, descriptors: [AttributeDescriptor],
    _ body: (AttributeDescriptor, Range<Int>) throws -> Void
  ) throws {
    var start = edgesEnd
    for descriptor in descriptors {
      guard descriptor.valuesPerVertex >= 1 else {
        throw SkeletonError.invalidComponentCount(name: descriptor.name, componentCount: descriptor.valuesPerVertex)
      }
      guard let size = descriptor.byteCount(forVertexCount: vertexCount), size <= raw.count - start else {
        let size = descriptor.byteCount(forVertexCount: vertexCount) ?? .max
        let (sum, overflow) = start.addingReportingOverflow(size)
        let end = overflow ? Int.max : sum
        throw SkeletonError.attributeOutOfBounds(name: descriptor.name, end: end, byteCount: raw.count)
      }
      try body(descriptor, start..<(start + size))
      start += size
    }
  }
}

extension Skeleton.Vertex: BitwiseCopyable {}
extension Skeleton.Edge: BitwiseCopyable {}
