import Foundation
import MapBufferTestSupport
import SkeletonModel
import Testing

/// Attributes of every data type, whose values say which vertex they belong to, so a test can
/// check that an operation carried each vertex's values along with it.
enum VertexIdentityAttributes {
  /// One attribute per data type (one component each), then `offsets` as three int16
  /// components: vertex `i` holds `i + 1` (or `i + 0.5` for floats), and `(i, -i, 1000 + i)`.
  static func every(vertexCount: Int) -> [VertexAttribute] {
    let indices = Array(0..<vertexCount)
    return [
      VertexAttribute(name: "i8", values: indices.map { Int8(truncatingIfNeeded: -$0 - 1) }),
      VertexAttribute(name: "u8", values: indices.map { UInt8(truncatingIfNeeded: $0 + 1) }),
      VertexAttribute(name: "i16", values: indices.map { Int16(truncatingIfNeeded: -$0 - 1) }),
      VertexAttribute(name: "u16", values: indices.map { UInt16(truncatingIfNeeded: $0 + 1) }),
      VertexAttribute(name: "i32", values: indices.map { Int32(-$0 - 1) }),
      VertexAttribute(name: "u32", values: indices.map { UInt32($0 + 1) }),
      VertexAttribute(name: "i64", values: indices.map { Int64(-$0 - 1) }),
      VertexAttribute(name: "u64", values: indices.map { UInt64($0 + 1) }),
      VertexAttribute(name: "f32", values: indices.map { Float($0) + 0.5 }),
      VertexAttribute(name: "f64", values: indices.map { Double($0) + 0.25 }),
      VertexAttribute(
        name: "offsets", valuesPerVertex: 3, values: indices.flatMap { [Int16($0), Int16(-$0), Int16(1000 + $0)] }),
    ]
  }

  /// The attribute's values read through its type, as one array of components per vertex.
  static func rows(_ attribute: VertexAttribute) throws -> [[Double]] {
    let values: [Double] =
      switch attribute.dataType {
      case .int8: try attribute.values(as: Int8.self).map(Double.init)
      case .uint8: try attribute.values(as: UInt8.self).map(Double.init)
      case .int16: try attribute.values(as: Int16.self).map(Double.init)
      case .uint16: try attribute.values(as: UInt16.self).map(Double.init)
      case .int32: try attribute.values(as: Int32.self).map(Double.init)
      case .uint32: try attribute.values(as: UInt32.self).map(Double.init)
      case .int64: try attribute.values(as: Int64.self).map(Double.init)
      case .uint64: try attribute.values(as: UInt64.self).map(Double.init)
      case .float32: try attribute.values(as: Float.self).map(Double.init)
      case .float64: try attribute.values(as: Double.self)
      }
    let width = attribute.valuesPerVertex
    return stride(from: 0, to: values.count, by: width).map { Array(values[$0..<min($0 + width, values.count)]) }
  }

  /// Checks that `result` carries, for each of its vertices, the attribute values of vertex
  /// `rows[i]` of `original`, for every attribute, with unchanged descriptors.
  static func expectCarried(
    _ result: Skeleton, from original: Skeleton, rows: [Int], sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    #expect(
      result.attributes.map(\.descriptor) == original.attributes.map(\.descriptor), sourceLocation: sourceLocation)
    for (carried, source) in zip(result.attributes, original.attributes) {
      let sourceRows = try Self.rows(source)
      #expect(try Self.rows(carried) == rows.map { sourceRows[$0] }, "\(source.name)", sourceLocation: sourceLocation)
      let width = source.valuesPerVertex * source.dataType.byteWidth
      #expect(carried.bytes.count == rows.count * width, "\(source.name)", sourceLocation: sourceLocation)
    }
  }
}

@Suite("Merging, consolidating and cropping skeletons")
struct TransformTests {
  /// A path along x: vertex `i` at `(start + i, 0, 0)`, edges `(i, i + 1)`.
  static func path(from start: Float, count: Int, id: UInt64? = nil) -> Skeleton {
    Skeleton(
      id: id,
      vertices: (0..<count).map { Vertex(start + Float($0), 0, 0) },
      edges: (0..<max(0, count - 1)).map { Edge(UInt32($0), UInt32($0 + 1)) },
      radii: (0..<count).map { start * 10 + Float($0) },
      vertexTypes: (0..<count).map { UInt8($0 % 8) })
  }

  // MARK: merged

  @Test("Merging two fragments concatenates vertices and attributes and shifts the second's edges")
  func mergeReindexes() throws {
    let first = Skeleton(
      vertices: [Vertex(0, 0, 0), Vertex(1, 0, 0), Vertex(2, 0, 0)], edges: [Edge(0, 1), Edge(1, 2)], radii: [1, 2, 3])
    let second = Skeleton(
      id: 9, vertices: [Vertex(5, 0, 0), Vertex(6, 0, 0)], edges: [Edge(1, 0)], radii: [4, 5], vertexTypes: [2, 3])
    let merged = try Skeleton.merged([first, second])
    #expect(merged.id == 9)
    #expect(merged.vertices == [Vertex(0, 0, 0), Vertex(1, 0, 0), Vertex(2, 0, 0), Vertex(5, 0, 0), Vertex(6, 0, 0)])
    #expect(merged.edges == [Edge(0, 1), Edge(1, 2), Edge(4, 3)])
    #expect(merged.radii == [1, 2, 3, 4, 5])
    #expect(merged.vertexTypes == [0, 0, 0, 2, 3])
    #expect(merged.cableLength == 3)
    #expect(merged.connectedComponentCount() == 2)
  }

  @Test("Merging keeps the first non-nil id, and nothing merges to an empty skeleton")
  func mergeIdentity() throws {
    let a = Self.path(from: 0, count: 2, id: 4)
    let b = Self.path(from: 5, count: 2, id: 8)
    #expect(try Skeleton.merged([a, b]).id == 4)
    #expect(try Skeleton.merged([b, a]).id == 8)
    #expect(try Skeleton.merged([Self.path(from: 0, count: 1), b]).id == 8)
    let nothing = try Skeleton.merged([])
    #expect(nothing.isEmpty && nothing.edges.isEmpty && nothing.attributes.isEmpty && nothing.id == nil)
    #expect(try Skeleton.merged([a]) == a)
  }

  @Test("Merging carries attributes of every data type, including a three-component int16")
  func mergeCarriesEveryType() throws {
    let first = Skeleton(
      vertices: [Vertex(0, 0, 0), Vertex(1, 0, 0)], edges: [Edge(0, 1)],
      attributes: VertexIdentityAttributes.every(vertexCount: 2))
    let second = Skeleton(
      vertices: [Vertex(4, 0, 0), Vertex(5, 0, 0), Vertex(6, 0, 0)], edges: [Edge(2, 1), Edge(0, 1)],
      attributes: VertexIdentityAttributes.every(vertexCount: 3))
    let merged = try Skeleton.merged([first, second])
    #expect(merged.edges == [Edge(0, 1), Edge(4, 3), Edge(2, 3)])
    #expect(merged.attributes.map(\.descriptor) == first.attributes.map(\.descriptor))
    let offsets = try #require(merged.attribute(named: "offsets"))
    #expect(try offsets.values(as: Int16.self) == [0, 0, 1000, 1, -1, 1001, 0, 0, 1000, 1, -1, 1001, 2, -2, 1002])
    #expect(try merged.attribute(named: "f64")?.values(as: Double.self) == [0.25, 1.25, 0.25, 1.25, 2.25])
    #expect(try merged.attribute(named: "i8")?.values(as: Int8.self) == [-1, -2, -1, -2, -3])
    // The result encodes: every attribute holds one row per vertex.
    let descriptors = merged.attributes.map(\.descriptor)
    #expect(
      try Skeleton(precomputed: merged.precomputed(), attributes: descriptors)
        == Skeleton(
          vertices: merged.vertices, edges: merged.edges, attributes: merged.attributes))
  }

  @Test("Fragments with other attributes are refused; empty fragments are not checked")
  func mergeAttributeMismatch() throws {
    let withDefaults = Self.path(from: 0, count: 2)
    var bare = Self.path(from: 3, count: 2)
    bare.attributes = []
    #expect(throws: SkeletonError.attributeMismatch(expected: AttributeDescriptor.defaults, found: [])) {
      try Skeleton.merged([withDefaults, bare])
    }
    var swapped = Self.path(from: 3, count: 2)
    swapped.attributes.reverse()
    #expect(
      throws: SkeletonError.attributeMismatch(
        expected: AttributeDescriptor.defaults, found: AttributeDescriptor.defaults.reversed())
    ) {
      try Skeleton.merged([withDefaults, swapped])
    }
    var float64Radius = Self.path(from: 3, count: 2)
    float64Radius.setAttribute(VertexAttribute(name: "radius", values: [1.0, 2.0]))
    #expect(throws: SkeletonError.self) { try Skeleton.merged([withDefaults, float64Radius]) }

    // An empty fragment (as decoded from a precomputed buffer without attribute bytes) is skipped.
    let empty = Skeleton(id: 3)
    let merged = try Skeleton.merged([empty, withDefaults, empty, Self.path(from: 7, count: 1)])
    #expect(merged.id == 3)
    #expect(merged.vertices.count == 3)
    #expect(merged.edges == [Edge(0, 1)])
    #expect(merged.radii == [0, 1, 70])
    // Only empty fragments: the first one's attributes, without values.
    let allEmpty = try Skeleton.merged([Skeleton(vertices: [], edges: [], radii: [], vertexTypes: []), Skeleton()])
    #expect(allEmpty.attributes.map(\.descriptor) == AttributeDescriptor.defaults)
    #expect(allEmpty.attributes.allSatisfy { $0.bytes.isEmpty })
  }

  @Test("Malformed fragments throw instead of producing a misaligned skeleton")
  func mergeMalformed() throws {
    let good = Self.path(from: 0, count: 2)
    var dangling = Self.path(from: 3, count: 2)
    dangling.edges.append(Edge(1, 2))
    #expect(throws: SkeletonError.edgeOutOfRange(edge: 1, vertex: 2, vertexCount: 2)) {
      try Skeleton.merged([good, dangling])
    }
    var short = Self.path(from: 3, count: 2)
    short.setAttribute(VertexAttribute(name: "radius", values: [Float(1)]))
    #expect(throws: SkeletonError.attributeSizeMismatch(name: "radius", byteCount: 4, expected: 8)) {
      try Skeleton.merged([good, short])
    }
  }

  @Test("More than UInt32.max vertices in total is refused before anything is allocated")
  func mergeTooLarge() throws {
    let big = Skeleton(vertices: [Vertex](repeating: Vertex(0, 0, 0), count: 1 << 20), edges: [])
    // 4097 copies share one array: 2^32 + 2^20 vertices.
    let fragments = [Skeleton](repeating: big, count: 4097)
    #expect(throws: SkeletonError.tooLarge(vertexCount: 4097 << 20, edgeCount: 0)) {
      try Skeleton.merged(fragments)
    }
  }

  // MARK: consolidated

  @Test("Consolidating two fragments joins their shared boundary vertex and drops duplicate edges and self-loops")
  func consolidateFragments() throws {
    // Fragment A: (0,0,0) - (1,0,0) - (2,0,0); fragment B repeats (2,0,0) as its vertex 0.
    let a = Skeleton(
      id: 5, vertices: [Vertex(0, 0, 0), Vertex(1, 0, 0), Vertex(2, 0, 0)], edges: [Edge(0, 1), Edge(1, 2)],
      radii: [1, 2, 3], vertexTypes: [1, 1, 1])
    let b = Skeleton(
      vertices: [Vertex(2, 0, 0), Vertex(3, 0, 0)],
      // (1, 0) repeats (0, 1) reversed; (0, 0) is a self-loop.
      edges: [Edge(0, 1), Edge(1, 0), Edge(0, 0)],
      radii: [30, 4], vertexTypes: [2, 2])
    let merged = try Skeleton.merged([a, b])
    #expect(merged.vertices.count == 5)
    #expect(merged.edges == [Edge(0, 1), Edge(1, 2), Edge(3, 4), Edge(4, 3), Edge(3, 3)])
    let consolidated = merged.consolidated()
    #expect(consolidated.id == 5)
    #expect(consolidated.vertices == [Vertex(0, 0, 0), Vertex(1, 0, 0), Vertex(2, 0, 0), Vertex(3, 0, 0)])
    #expect(consolidated.edges == [Edge(0, 1), Edge(1, 2), Edge(2, 3)])
    // The first occurrence of (2,0,0) keeps its values.
    #expect(consolidated.radii == [1, 2, 3, 4])
    #expect(consolidated.vertexTypes == [1, 1, 1, 2])
    #expect(consolidated.cableLength == 3)
    #expect(consolidated.connectedComponentCount() == 1)
    #expect(consolidated.terminalVertices == [0, 3])
  }

  @Test("Consolidating keeps the first orientation and order, isolated vertices, and tells -0.0 from 0.0")
  func consolidateDetails() throws {
    let skeleton = Skeleton(
      vertices: [
        Vertex(1, 1, 1), Vertex(0, 0, 0), Vertex(-0.0, 0, 0), Vertex(1, 1, 1), Vertex(9, 9, 9), Vertex(0, 0, 0),
      ],
      edges: [Edge(3, 1), Edge(0, 5), Edge(2, 0), Edge(1, 2), Edge(2, 1), Edge(5, 1)])
    let consolidated = skeleton.consolidated()
    // Order of first occurrence: (1,1,1), (0,0,0), (-0,0,0), (9,9,9).
    #expect(consolidated.vertices.map(\.x.bitPattern) == [Float(1), 0, -0.0, 9].map(\.bitPattern))
    // (3,1) → (0,1); (0,5) → (0,1) again; (2,0) → (2,0); (1,2) → (1,2); (2,1) repeats it; (5,1) → a self-loop.
    #expect(consolidated.edges == [Edge(0, 1), Edge(2, 0), Edge(1, 2)])
    #expect(consolidated.attributes.isEmpty)
    #expect(consolidated.componentLabels() == [0, 0, 0, 1])
    // Consolidating twice changes nothing.
    #expect(consolidated.consolidated() == consolidated)
    #expect(Skeleton().consolidated() == Skeleton())
  }

  @Test("Consolidating carries attributes of every data type from the first occurrence")
  func consolidateCarriesEveryType() throws {
    let skeleton = Skeleton(
      id: 1,
      vertices: [Vertex(0, 0, 0), Vertex(1, 0, 0), Vertex(0, 0, 0), Vertex(2, 0, 0), Vertex(1, 0, 0)],
      edges: [Edge(0, 1), Edge(2, 3), Edge(4, 3)],
      attributes: VertexIdentityAttributes.every(vertexCount: 5))
    let consolidated = skeleton.consolidated()
    #expect(consolidated.vertices == [Vertex(0, 0, 0), Vertex(1, 0, 0), Vertex(2, 0, 0)])
    #expect(consolidated.edges == [Edge(0, 1), Edge(0, 2), Edge(1, 2)])
    try VertexIdentityAttributes.expectCarried(consolidated, from: skeleton, rows: [0, 1, 3])
    #expect(
      try consolidated.attribute(named: "offsets")?.values(as: Int16.self) == [0, 0, 1000, 1, -1, 1001, 3, -3, 1003])
  }

  @Test("Operations never trap on edges naming missing vertices or short attributes")
  func malformedInput() throws {
    var skeleton = Self.path(from: 0, count: 3)
    skeleton.edges.append(Edge(1, 7))
    skeleton.setAttribute(VertexAttribute(name: "radius", values: [Float(4)]))
    let consolidated = skeleton.consolidated()
    #expect(consolidated.edges == [Edge(0, 1), Edge(1, 2)])
    // Rows the short attribute does not hold read as zeros.
    #expect(consolidated.radii == [4, 0, 0])
    let cropped = skeleton.cropped(to: BoundingBox(minimum: Vertex(1, 0, 0), maximum: Vertex(2, 0, 0)))
    #expect(cropped.edges == [Edge(0, 1)])
    #expect(cropped.radii == [0, 0])
    #expect(skeleton.connectedComponents().count == 1)
    #expect(skeleton.cableLength == 2)
    #expect(skeleton.vertexDegrees() == [1, 2, 1])
  }

  // MARK: cropped

  @Test("Cropping keeps the vertices inside the closed box and the edges between them")
  func crop() throws {
    // A Y: centre (1,1,1); arms to (0,1,1), (2,1,1) on the box's faces and (1,1,5) outside.
    let skeleton = Skeleton(
      id: 12,
      vertices: [Vertex(1, 1, 5), Vertex(1, 1, 1), Vertex(0, 1, 1), Vertex(Float(2).nextUp, 1, 1), Vertex(2, 1, 1)],
      edges: [Edge(0, 1), Edge(1, 2), Edge(3, 1), Edge(4, 1), Edge(4, 4)],
      radii: [0, 1, 2, 3, 4], vertexTypes: [5, 6, 7, 8, 9])
    let box = BoundingBox(minimum: Vertex(0, 0, 0), maximum: Vertex(2, 2, 2))
    let cropped = skeleton.cropped(to: box)
    #expect(cropped.id == 12)
    #expect(cropped.vertices == [Vertex(1, 1, 1), Vertex(0, 1, 1), Vertex(2, 1, 1)])
    // (1,2) → (0,1); (4,1) → (2,0) keeps its orientation; the self-loop stays (cropping does not consolidate).
    #expect(cropped.edges == [Edge(0, 1), Edge(2, 0), Edge(2, 2)])
    #expect(cropped.radii == [1, 2, 4])
    #expect(cropped.vertexTypes == [6, 7, 9])
    #expect(cropped.cableLength == 2)
    // A box around nothing keeps nothing, but keeps the attributes' descriptors.
    let nothing = skeleton.cropped(to: BoundingBox(minimum: Vertex(10, 10, 10), maximum: Vertex(11, 11, 11)))
    #expect(nothing.isEmpty && nothing.edges.isEmpty)
    #expect(nothing.attributes.map(\.descriptor) == AttributeDescriptor.defaults)
    // The bounding box keeps everything.
    #expect(skeleton.cropped(to: try #require(skeleton.boundingBox)) == skeleton)
  }

  @Test("Cropping carries attributes of every data type")
  func cropCarriesEveryType() throws {
    var generator = SeededGenerator(seed: 41)
    let count = 200
    let vertices = (0..<count).map { _ in
      Vertex(
        Float.random(in: 0..<10, using: &generator), Float.random(in: 0..<10, using: &generator),
        Float.random(in: 0..<10, using: &generator))
    }
    let edges = (1..<count).map { Edge(UInt32($0), UInt32(Int.random(in: 0..<$0, using: &generator))) }
    let skeleton = Skeleton(
      vertices: vertices, edges: edges, attributes: VertexIdentityAttributes.every(vertexCount: count))
    let box = BoundingBox(minimum: Vertex(2, 2, 2), maximum: Vertex(7, 7, 7))
    let cropped = skeleton.cropped(to: box)
    let kept = vertices.indices.filter { box.contains(vertices[$0]) }
    #expect(!kept.isEmpty && kept.count < count)
    #expect(cropped.vertices == kept.map { vertices[$0] })
    let keptSet = Set(kept)
    let expectedEdges = edges.filter { keptSet.contains(Int($0.a)) && keptSet.contains(Int($0.b)) }
    #expect(cropped.edges.map { Edge(UInt32(kept[Int($0.a)]), UInt32(kept[Int($0.b)])) } == expectedEdges)
    try VertexIdentityAttributes.expectCarried(cropped, from: skeleton, rows: kept)
  }
}
