import Foundation
import MapBuffer
import MapBufferCodable
import MapBufferTestSupport
import SkeletonModel
import Testing

/// One skeleton of `Tests/Fixtures/skeleton/manifest.json`, as osteoid 0.7.4 decoded it.
struct SkeletonRecord: Decodable, Sendable, CustomTestStringConvertible {
  struct Attribute: Decodable, Sendable {
    var id: String
    var data_type: String
    var num_components: Int
    var values: [Double]
  }
  var file: String?
  var name: String
  var id: UInt64
  var vertices: [[Double]]
  var edges: [[UInt32]]
  var attributes: [Attribute]

  var testDescription: String { name }

  var descriptors: [AttributeDescriptor] {
    attributes.map {
      AttributeDescriptor(name: $0.id, dataType: DataType(rawValue: $0.data_type)!, valuesPerVertex: $0.num_components)
    }
  }

  /// Checks `skeleton` against the record: every vertex, edge and attribute value.
  func check(_ skeleton: Skeleton, sourceLocation: SourceLocation = #_sourceLocation) throws {
    #expect(
      skeleton.vertices == vertices.map { Vertex(Float($0[0]), Float($0[1]), Float($0[2])) },
      sourceLocation: sourceLocation)
    #expect(skeleton.edges == edges.map { Edge($0[0], $0[1]) }, sourceLocation: sourceLocation)
    if vertices.isEmpty {
      // A skeleton without vertices encodes its attributes as zero bytes: they cannot be told apart from none.
      #expect(skeleton.attributes.allSatisfy { $0.bytes.isEmpty }, sourceLocation: sourceLocation)
      return
    }
    #expect(skeleton.attributes.map(\.descriptor) == descriptors, sourceLocation: sourceLocation)
    for (attribute, expected) in zip(skeleton.attributes, attributes) {
      switch attribute.dataType {
      case .float32:
        #expect(
          try attribute.values(as: Float.self) == expected.values.map { Float($0) }, sourceLocation: sourceLocation)
      case .uint8:
        #expect(
          try attribute.values(as: UInt8.self) == expected.values.map { UInt8($0) }, sourceLocation: sourceLocation)
      default: Issue.record("unexpected type \(attribute.dataType) in the vectors", sourceLocation: sourceLocation)
      }
    }
  }
}

struct SkeletonManifest: Decodable, Sendable {
  struct Fragments: Decodable, Sendable {
    var file: String
    var compression: String
    var skeletons: [SkeletonRecord]
  }
  var skeletons: [SkeletonRecord]
  var fragments: Fragments

  static let shared: SkeletonManifest = try! JSONDecoder().decode(
    SkeletonManifest.self, from: Fixtures.data("skeleton/manifest.json"))
}

@Suite("Skeleton reference vectors")
struct SkeletonVectorTests {
  @Test(
    "Every osteoid skeleton decodes as its manifest says and re-encodes to identical bytes",
    arguments: SkeletonManifest.shared.skeletons)
  func vector(_ record: SkeletonRecord) throws {
    let bytes = try Fixtures.data(try #require(record.file))
    let skeleton = try Skeleton(precomputed: bytes, id: record.id, attributes: record.descriptors)
    #expect(skeleton.id == record.id)
    try record.check(skeleton)
    #expect(try skeleton.precomputed() == bytes)
  }

  @Test("Default attributes are radius then vertex types; an exact-length buffer has none")
  func defaults() throws {
    let path = try Skeleton(precomputed: Fixtures.data("skeleton/path-3.skel"))
    #expect(path.radii == [-1, -1, -1])
    #expect(path.vertexTypes == [0, 0, 0])
    let bare = try Skeleton(precomputed: Fixtures.data("skeleton/no-attributes.skel"))
    #expect(bare.attributes.isEmpty)
    #expect(bare.radii == nil)
    // Read with the defaults only, the extra attribute's bytes are left unread, as osteoid leaves them.
    let extra = try Skeleton(precomputed: Fixtures.data("skeleton/extra-attribute.skel"))
    #expect(extra.attributes.map(\.name) == ["radius", "vertex_types"])
  }

  @Test("The fragment file: 64 brotli skeletons read through TypedMapBuffer<Skeleton>")
  func fragmentFile() throws {
    let manifest = SkeletonManifest.shared.fragments
    #expect(manifest.compression == "br")
    let url = Fixtures.url(manifest.file)
    for map in [try TypedMapBuffer<Skeleton>(contentsOf: url), try TypedMapBuffer<Skeleton>(Data(contentsOf: url))] {
      #expect(map.map.compression == .brotli)
      #expect(map.count == 64)
      #expect(Array(map.keys) == manifest.skeletons.map(\.id).sorted())
      for record in manifest.skeletons {
        let skeleton = try #require(try map[record.id], "label \(record.id)")
        try record.check(skeleton)
      }
      #expect(try map[1] == nil)
      try map.map.validate(.deep)
    }
  }

  @Test("Writing the fragments again gives a map whose items decode to the same skeletons")
  func fragmentRoundTrip() throws {
    let url = Fixtures.url(SkeletonManifest.shared.fragments.file)
    let original = try TypedMapBuffer<Skeleton>(contentsOf: url).dictionary()
    let rewritten = try TypedMapBuffer<Skeleton>(
      TypedMapBuffer<Skeleton>.encode(original, writer: MapBufferWriter(compression: .zstd)))
    #expect(try rewritten.dictionary() == original)
    // Uncompressed items are the precomputed bytes themselves.
    let plain = try MapBuffer(TypedMapBuffer<Skeleton>.encode(original))
    for (label, skeleton) in original.prefix(5) {
      #expect(try plain[label] == skeleton.precomputed())
    }
  }
}
