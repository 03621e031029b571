import Foundation
import MapBuffer
import MapBufferCodable
import MapBufferTestSupport
import SkeletonModel
import Testing

/// `Skeleton` as a value: Hashable, Codable in the tool's JSON form, its description, merging,
/// and the label it is stored under as its id.
@Suite("Skeleton values")
struct SkeletonValueTests {
  static func sample(id: UInt64? = 7) -> Skeleton {
    var skeleton = Skeleton(
      id: id, vertices: [Vertex(0, 0, 0), Vertex(3, 4, 0), Vertex(-1.5, 1e-05, .nan)],
      edges: [Edge(0, 1), Edge(1, 2)], radii: [1, 2, .infinity], vertexTypes: [1, 3, 3])
    skeleton.setAttribute(
      VertexAttribute(name: "offsets", valuesPerVertex: 2, values: [Int16(-1), 2, 3, -4, 5, 32767]))
    skeleton.setAttribute(VertexAttribute(name: "big", values: [UInt64.max, 0, 1 << 60]))
    skeleton.setAttribute(VertexAttribute(name: "wide", values: [0.1, -2.5e300, 7]))
    return skeleton
  }

  @Test("Codable: JSONEncoder and the streamed JSON text decode to the same skeleton, NaNs and infinities as NaN")
  func codableRoundTrip() throws {
    let skeleton = Self.sample()
    var expected = skeleton
    expected.vertices[2].z = .nan
    expected.radii = [1, 2, .nan]
    let fromEncoder = try JSONDecoder().decode(Skeleton.self, from: JSONEncoder().encode(skeleton))
    let fromText = try JSONDecoder().decode(Skeleton.self, from: Data(skeleton.jsonText().utf8))
    for decoded in [fromEncoder, fromText] {
      #expect(decoded.id == 7)
      #expect(decoded.vertices.count == 3 && decoded.vertices[1] == Vertex(3, 4, 0) && decoded.vertices[2].z.isNaN)
      #expect(decoded.edges == skeleton.edges)
      #expect(decoded.attributes.map(\.descriptor) == skeleton.attributes.map(\.descriptor))
      #expect(decoded.radii?[2].isNaN == true)
      for name in ["vertex_types", "offsets", "big", "wide"] {
        #expect(decoded.attribute(named: name) == skeleton.attribute(named: name), "\(name)")
      }
    }
    // The two JSON forms are the same object.
    let a = try JSONSerialization.jsonObject(with: JSONEncoder().encode(skeleton)) as? NSDictionary
    let b = try JSONSerialization.jsonObject(with: Data(skeleton.jsonText().utf8)) as? NSDictionary
    #expect(a != nil && a == b)
    // JSON from before "attributes" was written reads radii then vertex types.
    let old = try JSONDecoder().decode(
      Skeleton.self,
      from: Data(#"{"id": null, "vertices": [[1, 2, 3]], "edges": [], "radii": [0.5], "vertex_types": null}"#.utf8))
    #expect(
      old
        == Skeleton(
          vertices: [Vertex(1, 2, 3)], edges: [], attributes: [VertexAttribute(name: "radius", values: [Float(0.5)])]))
    // Values that do not fill one row per vertex are an error.
    #expect(throws: DecodingError.self) {
      try JSONDecoder().decode(
        Skeleton.self,
        from: Data(
          #"{"vertices": [[1, 2, 3]], "edges": [], "attributes": [{"id": "a", "data_type": "int8", "num_components": 2, "values": [1]}]}"#
            .utf8))
    }
  }

  @Test("The parts are Codable: an attribute with its values, a vertex as [x, y, z], an edge as [a, b], a box")
  func partsCodable() throws {
    let attribute = VertexAttribute(name: "offsets", valuesPerVertex: 2, values: [Int16(-1), 2, 3, -4])
    let text = String(decoding: try JSONEncoder().encode(attribute), as: UTF8.self)
    #expect(text.contains(#""values":[-1,2,3,-4]"#) && text.contains(#""num_components":2"#))
    #expect(try JSONDecoder().decode(VertexAttribute.self, from: Data(text.utf8)) == attribute)
    #expect(throws: DecodingError.self) {
      try JSONDecoder().decode(
        VertexAttribute.self,
        from: Data(#"{"id": "a", "data_type": "int16", "num_components": 2, "values": [1, 2, 3]}"#.utf8))
    }
    #expect(String(decoding: try JSONEncoder().encode(Vertex(1, -2.5, 0)), as: UTF8.self) == "[1,-2.5,0]")
    #expect(try JSONDecoder().decode(Edge.self, from: Data("[3, 4]".utf8)) == Edge(3, 4))
    #expect(throws: DecodingError.self) { try JSONDecoder().decode(Edge.self, from: Data("[3, 4, 5]".utf8)) }
    let box = BoundingBox(minimum: Vertex(0, 1, 2), maximum: Vertex(3, 4, 5))
    #expect(try JSONDecoder().decode(BoundingBox.self, from: JSONEncoder().encode(box)) == box)
  }

  @Test("Hashable: equal skeletons hash alike; a different attribute value makes them differ")
  func hashable() {
    var a = Self.sample(id: 1)
    a.vertices[2].z = 0  // a NaN never equals itself
    let b = a
    var c = b
    #expect(a == b && a.hashValue == b.hashValue)
    #expect(Set([b, c]).count == 1)
    c.vertexTypes = [1, 3, 4]
    #expect(b != c)
    #expect(Set([b, c]).count == 2)
  }

  @Test("description: one line with the id, the counts and the attribute layouts")
  func description() {
    #expect(
      Self.sample().description
        == "Skeleton 7: 3 vertices, 2 edges, attributes radius (float32), vertex_types (uint8), offsets (int16 × 2), big (uint64), wide (float64)"
    )
    #expect(
      Skeleton(vertices: [Vertex(0, 0, 0)], edges: []).description == "Skeleton: 1 vertex, 0 edges, no attributes")
    #expect(!Self.sample().description.contains("\n"))
  }

  @Test("a.merged(with: b) is Skeleton.merged([a, b])")
  func mergedWith() throws {
    var a = Self.sample(id: 3)
    a.vertices[2].z = 1
    let b = Skeleton(
      id: 4, vertices: [Vertex(9, 9, 9)], edges: [],
      attributes: a.attributes.map { attribute in
        var one = attribute
        one.bytes = attribute.bytes.prefix(attribute.bytes.count / 3)
        return one
      })
    #expect(try a.merged(with: b) == Skeleton.merged([a, b]))
    #expect(try a.merged(with: b).vertices.count == 4)
    #expect(try a.merged(with: b).id == 3)
  }

  @Test("The key an item is stored under is the id of a skeleton read through a typed map")
  func idFromKey() throws {
    var skeleton = Self.sample(id: nil)
    skeleton.vertices[2].z = 0
    skeleton.attributes = Array(skeleton.attributes.prefix(2))
    let data = try TypedMapBuffer<Skeleton>.encode([42: skeleton, UInt64.max: skeleton])
    let map = try TypedMapBuffer<Skeleton>(data)
    #expect(try map[42]?.id == 42)
    #expect(try map[UInt64.max]?.id == UInt64.max)
    var ids: [UInt64?] = []
    try map.forEach { key, value in ids.append(value.id) }
    #expect(ids == [42, UInt64.max])
    // The layer codec does the same; bytes decoded without a key have no id.
    let layered = try TypedMapBuffer(data, codec: .precomputed(SkeletonLayerInfo()))
    #expect(try layered[42]?.id == 42)
    #expect(try MapBufferValueCodec<Skeleton>.conformance.decode(skeleton.precomputed()).id == nil)
  }

  @Test("Streamed SWC and JSON text are the same as the strings, to a closure, a file and a handle")
  func streamedText() throws {
    var skeleton = Self.sample()
    skeleton.vertices[2].z = 2
    var chunks: [Int] = []
    var bytes = Data()
    try skeleton.writeSWC(header: "h") { chunk in
      chunks.append(chunk.count)
      bytes.append(contentsOf: chunk)
    }
    #expect(String(decoding: bytes, as: UTF8.self) == skeleton.swc(header: "h"))
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let swcURL = directory.appendingPathComponent("a.swc")
    let jsonURL = directory.appendingPathComponent("a.json")
    try skeleton.writeSWC(to: swcURL)
    try skeleton.writeJSON(to: jsonURL)
    #expect(try String(contentsOf: swcURL, encoding: .utf8) == skeleton.swc())
    #expect(try String(contentsOf: jsonURL, encoding: .utf8) == skeleton.jsonText())
    // A large skeleton is handed over in chunks of at most 64 KiB, never as one string.
    let big = Skeleton(
      vertices: (0..<50_000).map { Vertex(Float($0), 1, 2) },
      edges: (1..<50_000).map { Edge(UInt32($0), UInt32($0 - 1)) })
    var sizes: [Int] = []
    var total = 0
    try big.writeSWC { chunk in
      sizes.append(chunk.count)
      total += chunk.count
    }
    #expect(sizes.count > 10)
    #expect(sizes.allSatisfy { $0 <= (1 << 16) + 256 })
    #expect(total == big.swc().utf8.count)
    // An error from the sink stops the write.
    struct Full: Error {}
    var calls = 0
    #expect(throws: Full.self) {
      try big.writeJSON { _ in
        calls += 1
        throw Full()
      }
    }
    #expect(calls == 1)
  }

  @Test("The info's transform maps stored coordinates to physical ones")
  func transform() throws {
    let info = try SkeletonLayerInfo(
      json: Data(#"{"@type": "neuroglancer_skeletons", "transform": [0, 2, 0, 1, 4, 0, 0, 2, 0, 0, 40, -3]}"#.utf8))
    let skeleton = Skeleton(vertices: [Vertex(1, 2, 3)], edges: [])
    #expect(skeleton.applyingTransform(of: info).vertices == [Vertex(5, 6, 117)])
    #expect(skeleton.applyingTransform(of: SkeletonLayerInfo()).vertices == skeleton.vertices)
  }
}
