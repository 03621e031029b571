import Foundation
import MapBuffer
import MapBufferCodable
import MapBufferTestSupport
import SkeletonModel
import Testing

/// `Tests/Fixtures/skeleton/layer-radius`: a radius-only layer (what navis writes) as osteoid
/// 0.7.4 and mapbuffer 1.2.0 wrote it, with its `info`; what the DocC page shows.
@Suite("A radius-only layer's fragment file")
struct LayerFixtureTests {
  struct Entry: Decodable {
    var label: UInt64
    var vertex_count: Int
    var edge_count: Int
    var first_vertex: [Float]?
    var radius_sum: Double
    var cable_length: Double
    var physical_cable_length: Double
  }

  @Test(
    "Decoded with the layer's info: ids, radii without types, stored and physical cable lengths as osteoid measures them"
  )
  func readLayer() throws {
    let folder = Fixtures.url("skeleton/layer-radius")
    let info = try SkeletonLayerInfo(json: Data(contentsOf: folder.appendingPathComponent("info")))
    #expect(info.vertexAttributes == [AttributeDescriptor(name: "radius", dataType: .float32)])
    #expect(info.transform == [8, 0, 0, 0, 0, 8, 0, 0, 0, 0, 40, 0])
    #expect(info.otherKeys["mip"] == .number(0))
    let entries = try JSONDecoder().decode(
      [Entry].self, from: Data(contentsOf: folder.appendingPathComponent("manifest.json")))
    let file = folder.appendingPathComponent("cell.frags")
    let cell = try TypedMapBuffer(contentsOf: file, codec: .precomputed(info))
    #expect(cell.count == entries.count)
    for entry in entries {
      let skeleton = try #require(try cell[entry.label])
      #expect(skeleton.id == entry.label)
      #expect(skeleton.vertices.count == entry.vertex_count && skeleton.edges.count == entry.edge_count)
      #expect(skeleton.vertices.first.map { [$0.x, $0.y, $0.z] } == entry.first_vertex)
      #expect(skeleton.vertexTypes == nil)
      let radii = skeleton.radii ?? []
      #expect(abs(radii.reduce(0.0) { $0 + Double($1) } - entry.radius_sum) <= 1e-6 * max(1, entry.radius_sum))
      #expect(abs(skeleton.cableLength - entry.cable_length) <= 1e-5 * max(1, entry.cable_length))
      let physical = skeleton.applyingTransform(of: info).cableLength
      #expect(abs(physical - entry.physical_cable_length) <= 1e-5 * max(1, entry.physical_cable_length))
    }
    // The default layout (radius, then types) does not fit: a clear error naming the key.
    let defaults = try TypedMapBuffer<Skeleton>(contentsOf: file)
    let big = try #require(entries.max { $0.vertex_count < $1.vertex_count })
    #expect {
      try defaults[big.label]
    } throws: { error in
      (error as? TypedMapBufferError)?.key == big.label && "\(error)".contains("vertex_types")
    }
  }
}
