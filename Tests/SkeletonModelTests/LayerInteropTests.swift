import Foundation
import MapBuffer
import MapBufferCodable
import MapBufferTestSupport
import SkeletonModel
import Testing

/// Fragment files of skeleton layers whose attributes differ from osteoid's default, written by
/// osteoid 0.7.4 and mapbuffer 1.2.0 beside a cloud-volume style `info`, read here through
/// `TypedMapBuffer(data, codec: .precomputed(info))`; and the other way round. osteoid's
/// `to_precomputed`/`from_precomputed` with `vertex_attributes` stand in for cloud-volume, whose
/// skeleton encoding they are (cloud-volume's install pulls in the cloud storage clients).
@Suite("Skeleton layers: attribute layouts with osteoid")
struct LayerInteropTests {
  static let seed: UInt64 = 0x1A7E_4150

  /// The layouts: none, radius only, osteoid's default, and three extras of other types and widths.
  static let layouts: [String: [AttributeDescriptor]] = [
    "none": [],
    "radius": [AttributeDescriptor(name: "radius", dataType: .float32)],
    "defaults": AttributeDescriptor.defaults,
    "extras": [
      AttributeDescriptor(name: "normals", dataType: .float64, valuesPerVertex: 3),
      AttributeDescriptor(name: "labels", dataType: .uint16),
      AttributeDescriptor(name: "offsets", dataType: .int8, valuesPerVertex: 2),
    ],
  ]

  @Test(
    "osteoid's fragment files of every layout read with the layer's info: values, ids, physical coordinates, identical bytes"
  )
  func osteoidToSwift() throws {
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    try ReferencePython.run(Self.prelude + "\n" + Self.writeLayers, arguments: [String(Self.seed), directory.path])
    for (name, layout) in Self.layouts.sorted(by: { $0.key < $1.key }) {
      let info = try SkeletonLayerInfo(json: Data(contentsOf: directory.appendingPathComponent("\(name).info")))
      #expect(info.vertexAttributes == layout, "\(name): info")
      #expect(!info.isSharded)
      let data = try Data(contentsOf: directory.appendingPathComponent("\(name).mb"))
      let map = try TypedMapBuffer(data, codec: .precomputed(info))
      let expected = try JSONDecoder().decode(
        [String: ExpectedSkeleton].self, from: Data(contentsOf: directory.appendingPathComponent("\(name).json")))
      #expect(map.count == expected.count, "\(name)")
      for (key, entry) in expected {
        let label = try #require(UInt64(key))
        let skeleton = try #require(try map[label], "\(name) \(label)")
        #expect(skeleton.id == label, "\(name) \(label): the id is the key")
        #expect(
          skeleton.attributes.map(\.descriptor) == (skeleton.isEmpty ? [] : layout), "\(name) \(label): attributes")
        #expect(skeleton.vertices.flatMap { [$0.x, $0.y, $0.z] } == entry.vertices, "\(name) \(label): vertices")
        #expect(skeleton.edges.flatMap { [$0.a, $0.b] } == entry.edges, "\(name) \(label): edges")
        for attribute in skeleton.attributes {
          #expect(Self.doubles(attribute) == entry.attributes[attribute.name], "\(name) \(label): \(attribute.name)")
        }
        // osteoid transforms in float32, this package in Double rounded once: they agree to the last place.
        let physical = skeleton.applyingTransform(of: info).vertices.flatMap { [$0.x, $0.y, $0.z] }
        #expect(physical.count == entry.physical.count, "\(name) \(label): physical coordinates")
        #expect(
          zip(physical, entry.physical).allSatisfy { $0 == $1 || abs($0 - $1) <= max($0.ulp, $1.ulp) },
          "\(name) \(label): physical coordinates differ from osteoid's")
        #expect(
          physical != skeleton.vertices.flatMap { [$0.x, $0.y, $0.z] } || skeleton.isEmpty,
          "\(name) \(label): no transform applied")
        #expect(
          try skeleton.precomputed() == map.map[label], "\(name) \(label): re-encoding differs from osteoid's bytes")
      }
      // Without the info, the default codec reads the first bytes of the extras as radius and
      // types and ignores the rest, as osteoid does: why a layer's info is needed.
      if name == "extras" {
        let defaults = try TypedMapBuffer<Skeleton>(data)
        let nonEmpty = try #require(expected.first { !$0.value.vertices.isEmpty }.flatMap { UInt64($0.key) })
        let misread = try #require(try defaults[nonEmpty])
        #expect(misread.attributes.map(\.descriptor) == AttributeDescriptor.defaults)
        #expect(try misread.precomputed() != map.map[nonEmpty])
      }
      // Fragments gathered with the layer's codec keep the layout and take the label as id.
      let first = try #require(expected.keys.compactMap(UInt64.init).min())
      let gathered = try Skeleton.gatherFragments(label: first, from: [map.map, map.map], codec: .precomputed(info))
      #expect(gathered?.id == first)
      #expect(gathered?.vertices.count == 2 * (expected[String(first)]?.vertices.count ?? 0) / 3)
    }
  }

  @Test("Swift's fragment files of every layout read in osteoid with the info's vertex_attributes, to identical bytes")
  func swiftToOsteoid() throws {
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    var generator = SeededGenerator(seed: Self.seed)
    var written: [String: [UInt64: Skeleton]] = [:]
    for (name, layout) in Self.layouts {
      let info = SkeletonLayerInfo(transform: [2, 0, 0, 1, 0, 2, 0, 2, 0, 0, 30, 3], vertexAttributes: layout)
      try JSONEncoder().encode(info).write(to: directory.appendingPathComponent("\(name).info"))
      var skeletons: [UInt64: Skeleton] = [:]
      for index in 0..<5 {
        let vertexCount = index == 0 ? 1 : Int.random(in: 2...200, using: &generator)
        var skeleton = Skeleton(
          vertices: (0..<vertexCount).map { _ in
            Skeleton.Vertex(
              Float.random(in: -1e4...1e4, using: &generator), Float.random(in: -1e4...1e4, using: &generator),
              Float.random(in: 0...1e3, using: &generator))
          },
          edges: (1..<vertexCount).map {
            Skeleton.Edge(UInt32($0), UInt32.random(in: 0..<UInt32($0), using: &generator))
          })
        skeleton.attributes = layout.map { descriptor in
          let size = descriptor.byteCount(forVertexCount: vertexCount)!
          return VertexAttribute(
            name: descriptor.name, dataType: descriptor.dataType, valuesPerVertex: descriptor.valuesPerVertex,
            bytes: Self.finiteBytes(descriptor.dataType, count: size, using: &generator))
        }
        skeletons[UInt64(1000 + index)] = skeleton
      }
      let data = try TypedMapBuffer.encode(
        skeletons, codec: .precomputed(info), writer: MapBufferWriter(compression: .zstd))
      try data.write(to: directory.appendingPathComponent("\(name).mb"))
      written[name] = skeletons
    }
    let output = try ReferencePython.run(
      Self.prelude + "\n" + Self.readLayers, arguments: [directory.path] + Self.layouts.keys.sorted())
    let results = try JSONDecoder().decode([OsteoidRead].self, from: output)
    #expect(results.count == 4 * 5)
    for result in results {
      let skeleton = try #require(written[result.layout]?[result.key], "\(result.layout) \(result.key)")
      #expect(result.identical, "\(result.layout) \(result.key): osteoid re-encodes other bytes")
      #expect(
        result.vertices == skeleton.vertices.count && result.edges == skeleton.edges.count,
        "\(result.layout) \(result.key)")
      #expect(
        result.attributes.keys.sorted() == skeleton.attributes.map(\.name).sorted(), "\(result.layout) \(result.key)")
      for attribute in skeleton.attributes {
        #expect(
          result.attributes[attribute.name] == Self.doubles(attribute),
          "\(result.layout) \(result.key): \(attribute.name)")
      }
    }
  }

  @Test("A layout the skeleton does not have is an encoding error, a sharded or non-skeleton layer a clear error")
  func refusals() throws {
    let info = SkeletonLayerInfo(vertexAttributes: [AttributeDescriptor(name: "radius", dataType: .float32)])
    let skeleton = Skeleton(vertices: [Skeleton.Vertex(0, 0, 0)], edges: [], radii: [1], vertexTypes: [2])
    #expect(throws: TypedMapBufferError.self) {
      try TypedMapBuffer.encode([1: skeleton], codec: .precomputed(info))
    }
    // A skeleton without vertices decodes without attributes and encodes back under any layout.
    let empty = try TypedMapBuffer(
      TypedMapBuffer.encode([2: Skeleton()], codec: .precomputed(info)), codec: .precomputed(info))
    #expect(try empty[2] == Skeleton(id: 2))
    #expect(try TypedMapBuffer.encode([2: empty[2]!], codec: .precomputed(info)) == empty.map.serialized)
    let sharded = try SkeletonLayerInfo(
      json: Data(
        #"""
        {"@type": "neuroglancer_skeletons", "vertex_attributes": [],
         "sharding": {"@type": "neuroglancer_uint64_sharded_v1", "preshift_bits": 0, "hash": "murmurhash3_x86_128",
                      "minishard_bits": 6, "shard_bits": 2, "minishard_index_encoding": "gzip",
                      "data_encoding": "gzip"}}
        """#.utf8))
    #expect(sharded.isSharded)
    #expect(
      throws: SkeletonError.unsupportedLayer(
        reason: "the layer is sharded: its skeletons are in shard files, which this package does not read")
    ) {
      try MapBufferValueCodec<Skeleton>.precomputed(sharded)
    }
    let mesh = try SkeletonLayerInfo(json: Data(#"{"@type": "neuroglancer_legacy_mesh"}"#.utf8))
    #expect(throws: SkeletonError.self) { try MapBufferValueCodec<Skeleton>.precomputed(mesh) }
    #expect(throws: DecodingError.self) {
      try SkeletonLayerInfo(json: Data(#"{"@type": "neuroglancer_skeletons", "transform": [1, 0, 0]}"#.utf8))
    }
    #expect(throws: DecodingError.self) {
      try SkeletonLayerInfo(
        json: Data(
          #"{"@type": "neuroglancer_skeletons", "vertex_attributes": [{"id": "a", "data_type": "complex64", "num_components": 1}]}"#
            .utf8))
    }
    // Keys the type does not model survive a round trip.
    let withExtras = try SkeletonLayerInfo(
      json: Data(
        #"{"@type": "neuroglancer_skeletons", "mip": 0, "segment_properties": "props", "spatial_index": null}"#.utf8))
    #expect(withExtras.vertexAttributes.isEmpty)
    #expect(withExtras.otherKeys == ["mip": .number(0), "segment_properties": .string("props")])
    #expect(try JSONDecoder().decode(SkeletonLayerInfo.self, from: JSONEncoder().encode(withExtras)) == withExtras)
  }

  /// A skeleton as the Python side lists it.
  struct ExpectedSkeleton: Decodable {
    var vertices: [Float]
    var edges: [UInt32]
    var attributes: [String: [Double]]
    var physical: [Float]
  }

  /// What osteoid read from one of Swift's items.
  struct OsteoidRead: Decodable {
    var layout: String
    var key: UInt64
    var identical: Bool
    var vertices: Int
    var edges: Int
    var attributes: [String: [Double]]
  }

  /// An attribute's values as doubles, vertex-major (exact for every type the layouts use).
  static func doubles(_ attribute: VertexAttribute) -> [Double] {
    switch attribute.dataType {
    case .float32: (try? attribute.values(as: Float.self))?.map(Double.init) ?? []
    case .float64: (try? attribute.values(as: Double.self)) ?? []
    case .uint8: (try? attribute.values(as: UInt8.self))?.map(Double.init) ?? []
    case .int8: (try? attribute.values(as: Int8.self))?.map(Double.init) ?? []
    case .uint16: (try? attribute.values(as: UInt16.self))?.map(Double.init) ?? []
    case .int16: (try? attribute.values(as: Int16.self))?.map(Double.init) ?? []
    case .uint32: (try? attribute.values(as: UInt32.self))?.map(Double.init) ?? []
    case .int32: (try? attribute.values(as: Int32.self))?.map(Double.init) ?? []
    case .uint64: (try? attribute.values(as: UInt64.self))?.map(Double.init) ?? []
    case .int64: (try? attribute.values(as: Int64.self))?.map(Double.init) ?? []
    }
  }

  /// `count` random bytes, with float values kept finite so that both sides can list them as JSON numbers.
  static func finiteBytes(_ type: VertexAttribute.DataType, count: Int, using generator: inout SeededGenerator) -> Data
  {
    switch type {
    case .float32:
      (0..<count / 4).map { _ in Float.random(in: -1e6...1e6, using: &generator) }.withUnsafeBytes { Data($0) }
    case .float64:
      (0..<count / 8).map { _ in Double.random(in: -1e12...1e12, using: &generator) }.withUnsafeBytes { Data($0) }
    default:
      Data.random(count: count, using: &generator)
    }
  }

  static let prelude = #"""
    import json, os, sys
    import numpy as np
    from osteoid import Skeleton
    from mapbuffer import MapBuffer

    LAYOUTS = {
      "none": [],
      "radius": [{"id": "radius", "data_type": "float32", "num_components": 1}],
      "defaults": [{"id": "radius", "data_type": "float32", "num_components": 1},
                   {"id": "vertex_types", "data_type": "uint8", "num_components": 1}],
      "extras": [{"id": "normals", "data_type": "float64", "num_components": 3},
                 {"id": "labels", "data_type": "uint16", "num_components": 1},
                 {"id": "offsets", "data_type": "int8", "num_components": 2}],
    }

    def attribute_values(skel, layout):
      return {a["id"]: np.asarray(getattr(skel, a["id"])).astype(np.float64).reshape(-1).tolist() for a in layout}
    """#

  /// argv: seed, directory. Writes `<layout>.info`, `<layout>.mb` (brotli) and `<layout>.json` per layout.
  static let writeLayers = #"""
    seed, out = int(sys.argv[1]), sys.argv[2]
    rng = np.random.default_rng(seed)
    transform = [4, 0, 0, 10, 0, 4, 0, 20, 0, 0, 40, 30]
    for name, layout in LAYOUTS.items():
      info = {"@type": "neuroglancer_skeletons", "transform": transform, "vertex_attributes": layout,
              "mip": 0, "sharding": None, "spatial_index": None}
      with open(os.path.join(out, name + ".info"), "w") as f:
        json.dump(info, f)
      frags, expected = {}, {}
      for i in range(6):
        nv = 0 if i == 0 else 1 if i == 1 else int(rng.integers(2, 300))
        label = int(rng.integers(1, 2**63))
        verts = (rng.random((nv, 3)) * 1000).astype(np.float32)
        edges = np.array([[j, rng.integers(0, j)] for j in range(1, nv)], dtype=np.uint32).reshape(-1, 2)
        skel = Skeleton(verts, edges, segid=label, default_attributes=False,
                        extra_attributes=[dict(a) for a in layout], transform=np.array(transform).reshape(3, 4))
        for a in layout:
          k, dtype = a["num_components"], np.dtype(a["data_type"])
          shape = (nv,) if k == 1 else (nv, k)
          if dtype.kind == "f":
            values = ((rng.random(shape) - 0.5) * 2000).astype(dtype)
          else:
            ii = np.iinfo(dtype)
            values = rng.integers(ii.min, ii.max, size=shape, dtype=dtype, endpoint=True)
          setattr(skel, a["id"], values)
        frags[label] = skel
        expected[str(label)] = {
          "vertices": verts.reshape(-1).tolist(), "edges": edges.reshape(-1).tolist(),
          "attributes": attribute_values(skel, layout),
          "physical": skel.transform_vertices(skel.vertices, skel.transform).astype(np.float32).reshape(-1).tolist(),
        }
      mb = MapBuffer(frags, compress="br", tobytesfn=lambda s: s.to_precomputed())
      with open(os.path.join(out, name + ".mb"), "wb") as f:
        f.write(mb.tobytes())
      with open(os.path.join(out, name + ".json"), "w") as f:
        json.dump(expected, f)
    """#

  /// argv: directory, layout names. Reads Swift's `<layout>.mb` with `<layout>.info`; prints what it found.
  static let readLayers = #"""
    directory, names = sys.argv[1], sys.argv[2:]
    results = []
    for name in names:
      with open(os.path.join(directory, name + ".info")) as f:
        info = json.load(f)
      assert info["@type"] == "neuroglancer_skeletons" and info["sharding"] is None
      with open(os.path.join(directory, name + ".mb"), "rb") as f:
        mb = MapBuffer(f.read())
      mb.validate()
      for key in sorted(int(k) for k in mb.keys()):
        raw = mb[key]
        skel = Skeleton.from_precomputed(raw, segid=key, vertex_attributes=info["vertex_attributes"])
        # osteoid returns before reading vertex_attributes when an item has none, and gives it
        # placeholder default attributes; the layer says there are none.
        skel.extra_attributes = info["vertex_attributes"]
        results.append({
          "layout": name, "key": key, "identical": skel.to_precomputed() == raw,
          "vertices": int(len(skel.vertices)), "edges": int(len(skel.edges)),
          "attributes": attribute_values(skel, info["vertex_attributes"]),
        })
    json.dump(results, sys.stdout)
    """#
}
