import Foundation

extension Skeleton {
  /// A skeleton read in place from its precomputed bytes: nothing is copied or allocated.
  ///
  /// A view borrows the bytes it was made from and is valid only while they are: inside the
  /// closure that hands it out (`TypedMapBuffer.withSkeletonView(forKey:_:)`,
  /// ``Skeleton/withView(precomputed:id:attributes:_:)``), or, for a view made with
  /// ``init(precomputed:id:attributes:)``, while that buffer is. Do not store it or return it
  /// from the closure; return what you compute from it, or ``skeleton()`` for an owned copy.
  ///
  /// Making a view reads the counts, checks every size against the buffer and every edge's
  /// vertex indices against the vertex count (eight lanes at a time), and walks the attribute
  /// descriptors: the same checks, in the same order, with the same ``SkeletonError``s as
  /// ``Skeleton/init(precomputed:id:attributes:)-(UnsafeRawBufferPointer,_,_)``. Its
  /// collections load each element on access, at any alignment (items in a map are not aligned).
  ///
  /// ```swift
  /// let fragments = try TypedMapBuffer<Skeleton>(contentsOf: url)
  /// let sumOfX = try fragments.withSkeletonView(forKey: 303) { view in
  ///   view.vertices.reduce(0) { $0 + $1.x }
  /// }
  /// ```
  public struct View {
    /// The bytes the view reads: the whole encoding.
    @usableFromInline let bytes: UnsafeRawBufferPointer
    /// The attributes present, in order (empty for a buffer of exactly the minimum length).
    public let attributeDescriptors: [AttributeDescriptor]
    /// Where the first attribute begins.
    @usableFromInline let attributesStart: Int
    /// The segment id (label) the skeleton is read as having, when known: for a typed map's
    /// view, the key it is stored under.
    public let id: UInt64?
    /// The vertices' positions, loaded on access.
    public let vertices: Elements<Vertex>
    /// The edges, loaded on access; every vertex index is below ``vertexCount``.
    public let edges: Elements<Edge>

    /// A view of the precomputed encoding in `raw`, valid while `raw` is.
    ///
    /// `attributes` says what follows the edges, as for
    /// ``Skeleton/init(precomputed:id:attributes:)-(UnsafeRawBufferPointer,_,_)``: osteoid's
    /// defaults (`radius`, then `vertex_types`) when `nil`; a buffer of exactly the minimum
    /// length has none.
    ///
    /// - Throws: the ``SkeletonError`` that decoding the same bytes with the same descriptors throws.
    public init(
      precomputed raw: UnsafeRawBufferPointer, id: UInt64? = nil, attributes descriptors: [AttributeDescriptor]? = nil
    ) throws {
      let layout = try PrecomputedLayout(of: raw)
      let edgeBytes = layout.edgeBytes(of: raw)
      try Skeleton.checkEdges(edgeBytes, vertexCount: UInt32(layout.vertexCount))
      if layout.hasAttributes(in: raw) {
        let descriptors = descriptors ?? AttributeDescriptor.defaults
        try layout.forEachAttribute(in: raw, descriptors: descriptors) { _, _ in }
        attributeDescriptors = descriptors
      } else {
        attributeDescriptors = []
      }
      bytes = raw
      attributesStart = layout.edgesEnd
      self.id = id
      vertices = Elements(bytes: layout.vertexBytes(of: raw), count: layout.vertexCount)
      edges = Elements(bytes: edgeBytes, count: layout.edgeCount)
    }

    /// The number of vertices.
    @inlinable public var vertexCount: Int { vertices.count }

    /// The number of edges.
    @inlinable public var edgeCount: Int { edges.count }

    /// Whether the skeleton has no vertices.
    @inlinable public var isEmpty: Bool { vertices.isEmpty }

    /// The attribute named `name`, if present: its values in place.
    public func attribute(named name: String) -> Attribute? {
      var start = attributesStart
      for descriptor in attributeDescriptors {
        // Checked when the view was made: every size fits the buffer.
        let size = descriptor.byteCount(forVertexCount: vertexCount) ?? 0
        if descriptor.name == name {
          return Attribute(
            descriptor: descriptor, bytes: UnsafeRawBufferPointer(rebasing: bytes[start..<(start + size)]))
        }
        start += size
      }
      return nil
    }

    /// The per-vertex radii: the `radius` attribute's values if it is float32 with one
    /// component per vertex, else `nil` (as ``Skeleton/radii``).
    public var radii: Elements<Float>? {
      attribute(named: VertexAttribute.radiusName).flatMap { try? $0.values(as: Float.self) }
    }

    /// The per-vertex SWC types: the `vertex_types` attribute's values if it is uint8 with one
    /// component per vertex, else `nil` (as ``Skeleton/vertexTypes``).
    public var vertexTypes: Elements<UInt8>? {
      attribute(named: VertexAttribute.vertexTypesName).flatMap { try? $0.values(as: UInt8.self) }
    }

    /// An owned skeleton with the same id, vertices, edges and attributes: what decoding the
    /// same bytes with the same descriptors makes, each array copied in bulk.
    public func skeleton() -> Skeleton {
      var attributes: [VertexAttribute] = []
      attributes.reserveCapacity(attributeDescriptors.count)
      var start = attributesStart
      for descriptor in attributeDescriptors {
        let size = descriptor.byteCount(forVertexCount: vertexCount) ?? 0
        attributes.append(
          VertexAttribute(
            name: descriptor.name, dataType: descriptor.dataType, valuesPerVertex: descriptor.valuesPerVertex,
            bytes: Data(UnsafeRawBufferPointer(rebasing: bytes[start..<(start + size)]))))
        start += size
      }
      return Skeleton(
        id: id, vertices: Skeleton.bulkCopy(Vertex.self, count: vertices.count, from: vertices.bytes),
        edges: Skeleton.bulkCopy(Edge.self, count: edges.count, from: edges.bytes), attributes: attributes)
    }
  }
}

extension Skeleton.View {
  /// Values of a plain type stored back to back in borrowed bytes, each loaded on access at any
  /// alignment: a view's vertices, edges or attribute values.
  public struct Elements<Element: BitwiseCopyable>: RandomAccessCollection {
    /// The values' bytes: exactly `count` strides.
    @usableFromInline let bytes: UnsafeRawBufferPointer
    /// The number of values.
    public let count: Int

    /// `count` values in `bytes`, which hold exactly that many.
    @usableFromInline init(bytes: UnsafeRawBufferPointer, count: Int) {
      self.bytes = bytes
      self.count = count
    }

    /// The position of the first value: 0.
    @inlinable public var startIndex: Int { 0 }

    /// The position after the last value: ``count``.
    @inlinable public var endIndex: Int { count }

    /// The value at `position`, which must be in `0..<count`.
    @inlinable public subscript(position: Int) -> Element {
      precondition(position >= 0 && position < count, "Index out of range")
      return bytes.baseAddress.unsafelyUnwrapped.loadUnaligned(
        fromByteOffset: position &* MemoryLayout<Element>.stride, as: Element.self)
    }

    /// Calls `body` with the values' bytes, as stored (little-endian, unaligned), valid only
    /// during the call.
    @inlinable public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result
    {
      try body(bytes)
    }
  }

  /// One attribute of a view: its descriptor and its values in place.
  public struct Attribute {
    /// The attribute's name, type and values per vertex.
    public let descriptor: AttributeDescriptor
    /// The values' bytes, as stored (little-endian, vertex-major, components interleaved),
    /// valid only while the view is.
    public let bytes: UnsafeRawBufferPointer

    /// The attribute's name.
    public var name: String { descriptor.name }

    /// The values as `Value`, which must be the attribute's data type: vertices × values per
    /// vertex of them, loaded on access.
    ///
    /// - Throws: ``SkeletonError/attributeTypeMismatch(name:stored:requested:)`` for another type.
    public func values<Value: AttributeValue>(as type: Value.Type) throws -> Elements<Value> {
      guard Value.attributeDataType == descriptor.dataType else {
        throw SkeletonError.attributeTypeMismatch(
          name: descriptor.name, stored: descriptor.dataType, requested: Value.attributeDataType)
      }
      return Elements(bytes: bytes, count: bytes.count / MemoryLayout<Value>.stride)
    }

    /// An owned copy: the ``VertexAttribute`` that decoding makes.
    public func vertexAttribute() -> VertexAttribute {
      VertexAttribute(
        name: descriptor.name, dataType: descriptor.dataType, valuesPerVertex: descriptor.valuesPerVertex,
        bytes: Data(bytes))
    }
  }
}

extension Skeleton {
  /// Calls `body` with a view of the precomputed encoding in `bytes`, valid only during the
  /// call, and returns what it returns; see ``View``.
  ///
  /// - Throws: the ``SkeletonError`` that decoding the same bytes with the same descriptors
  ///   throws (then `body` is not called), or what `body` throws.
  public static func withView<Result>(
    precomputed bytes: Data, id: UInt64? = nil, attributes descriptors: [AttributeDescriptor]? = nil,
    _ body: (View) throws -> Result
  ) throws -> Result {
    try bytes.withUnsafeBytes { raw in
      try body(View(precomputed: raw, id: id, attributes: descriptors))
    }
  }
}
