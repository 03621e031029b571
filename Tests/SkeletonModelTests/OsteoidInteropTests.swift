import Foundation
import MapBuffer
import MapBufferCodable
import MapBufferTestSupport
import SkeletonModel
import Testing

/// Skeletons generated fresh by osteoid 0.7.4 (and mapbuffer 1.2.0) in the project's venv, read
/// and written by Swift, and the other way round. Unlike the fixed reference vectors, these
/// cover random trees of every size up to 500 vertices and extra attributes of many types.
@Suite("osteoid interoperability")
struct OsteoidInteropTests {
  /// The seed both languages' generators start from, so a failure reproduces.
  static let seed: UInt64 = 0x5EED_0057_E01D

  // MARK: osteoid → Swift

  @Test("Random osteoid skeletons decode exactly, re-encode to osteoid's bytes, and measure osteoid's cable length")
  func osteoidToSwift() throws {
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    try ReferencePython.run(
      OsteoidScripts.prelude + OsteoidScripts.generateSkeletons,
      arguments: [String(Self.seed), directory.path, "48"])
    let records = try JSONDecoder().decode(
      [OsteoidRecord].self, from: Data(contentsOf: directory.appendingPathComponent("manifest.json")))
    #expect(records.count == 48 + 2)
    // The generator covers every kind of case at least once.
    #expect(records.contains { $0.vertices.isEmpty })
    #expect(records.contains { $0.attributes.isEmpty && !$0.vertices.isEmpty })
    #expect(records.contains { $0.attributes.contains { $0.num_components == 3 } })
    #expect(Set(records.flatMap { $0.attributes.map(\.data_type) }).count == DataType.allCases.count)

    for record in records {
      let bytes = try Data(contentsOf: directory.appendingPathComponent(record.file))
      let skeleton = try Skeleton(
        precomputed: bytes, id: record.id, attributes: record.hasExtras ? record.descriptors : nil)
      #expect(skeleton.id == record.id)
      record.check(skeleton)
      #expect(try skeleton.precomputed() == bytes, "\(record.file): re-encoding differs from osteoid's bytes")
      #expect(
        relativeDifference(skeleton.cableLength, record.cable_length) <= 1e-5,
        "\(record.file): cable length \(skeleton.cableLength), osteoid says \(record.cable_length)")
    }
  }

  // MARK: Swift → osteoid

  @Test("Random Swift skeletons read in osteoid re-encode to identical bytes, with the same cable length")
  func swiftToOsteoid() throws {
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    var generator = SeededGenerator(seed: Self.seed)
    var entries: [SwiftSkeletonEntry] = []
    var skeletons: [String: Skeleton] = [:]
    var typeCounter = 0
    func nextDataType() -> DataType {
      defer { typeCounter += 1 }
      return DataType.allCases[typeCounter % DataType.allCases.count]
    }
    for index in 0..<48 {
      let vertexCount = index == 0 ? 0 : index == 1 ? 1 : Int.random(in: 1...500, using: &generator)
      var skeleton = randomTree(vertexCount: vertexCount, id: UInt64(index + 1), using: &generator)
      switch index % 5 {
      case 0:  // the defaults, radius then vertex types
        break
      case 1:  // no attributes at all
        skeleton.attributes = []
      case 2:  // the defaults and extras
        for extra in 0..<Int.random(in: 1...3, using: &generator) {
          skeleton.attributes.append(
            randomAttribute(
              name: "extra\(extra)", dataType: nextDataType(), vertexCount: vertexCount, using: &generator))
        }
      case 3:  // extras only
        skeleton.attributes = (0..<Int.random(in: 1...4, using: &generator)).map {
          randomAttribute(name: "only\($0)", dataType: nextDataType(), vertexCount: vertexCount, using: &generator)
        }
      default:  // the defaults in the other order
        skeleton.attributes.reverse()
      }
      let file = "swift-\(index).skel"
      try skeleton.precomputed().write(to: directory.appendingPathComponent(file))
      entries.append(
        SwiftSkeletonEntry(
          file: file, id: skeleton.id!,
          attributes: skeleton.attributes.map { OsteoidDescriptor($0.descriptor) }))
      skeletons[file] = skeleton
    }
    // Every data type appears somewhere.
    #expect(Set(skeletons.values.flatMap { $0.attributes.map(\.dataType) }).count == DataType.allCases.count)
    try JSONEncoder().encode(entries).write(to: directory.appendingPathComponent("manifest.json"))

    let output = try ReferencePython.run(
      OsteoidScripts.prelude + OsteoidScripts.checkSkeletons, arguments: [directory.path])
    let results = try JSONDecoder().decode([OsteoidCheck].self, from: output)
    #expect(results.map(\.file) == entries.map(\.file))
    for result in results {
      let skeleton = try #require(skeletons[result.file])
      #expect(result.identical, "\(result.file): osteoid's re-encoding differs from Swift's bytes")
      #expect(result.vertex_count == skeleton.vertices.count, "\(result.file)")
      #expect(result.edge_count == skeleton.edges.count, "\(result.file)")
      #expect(
        relativeDifference(skeleton.cableLength, result.cable_length) <= 1e-5,
        "\(result.file): cable length \(skeleton.cableLength), osteoid says \(result.cable_length)")
    }
  }

  // MARK: Fragment files

  @Test("A brotli fragment map written by mapbuffer and osteoid reads with TypedMapBuffer<Skeleton>")
  func pythonFragmentMap() throws {
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    try ReferencePython.run(
      OsteoidScripts.prelude + OsteoidScripts.writeFragments,
      arguments: [String(Self.seed &+ 1), directory.path, "20"])
    let records = try JSONDecoder().decode(
      [OsteoidRecord].self, from: Data(contentsOf: directory.appendingPathComponent("manifest.json")))
    #expect(records.count == 20)

    let map = try TypedMapBuffer<Skeleton>(contentsOf: directory.appendingPathComponent("fragments.mb"))
    #expect(map.map.compression == .brotli)
    #expect(map.count == records.count)
    #expect(Array(map.keys) == records.map(\.id).sorted())
    for record in records {
      let skeleton = try #require(try map[record.id], "label \(record.id) missing")
      record.check(skeleton)
    }
    let absent = (1...UInt64.max).first { label in !records.contains { $0.id == label } }!
    #expect(try map[absent] == nil)
  }

  @Test("A brotli fragment map written by TypedMapBuffer<Skeleton> reads in mapbuffer and osteoid")
  func swiftFragmentMap() throws {
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    var generator = SeededGenerator(seed: Self.seed &+ 2)
    var skeletons: [UInt64: Skeleton] = [:]
    while skeletons.count < 20 {
      // mapbuffer 1.2.0 looks labels up as a C ssize_t, so Python cannot read labels of 2^63 and above.
      let label = UInt64.random(in: 1...UInt64(Int64.max), using: &generator)
      let vertexCount = skeletons.isEmpty ? 1 : Int.random(in: 1...400, using: &generator)
      skeletons[label] = randomTree(vertexCount: vertexCount, id: label, using: &generator)
    }
    let url = directory.appendingPathComponent("fragments.mb")
    try TypedMapBuffer<Skeleton>.write(skeletons, to: url, writer: MapBufferWriter(compression: .brotli))
    let manifest = skeletons.sorted { $0.key < $1.key }.map { label, skeleton in
      FragmentEntry(
        label: label,
        vertices: skeleton.vertices.map { [Double($0.x), Double($0.y), Double($0.z)] },
        edges: skeleton.edges.map { [$0.a, $0.b] },
        radius: (skeleton.radii ?? []).map(Double.init),
        vertex_types: skeleton.vertexTypes ?? [])
    }
    try JSONEncoder().encode(manifest).write(to: directory.appendingPathComponent("manifest.json"))

    let output = try ReferencePython.run(
      OsteoidScripts.prelude + OsteoidScripts.readFragments, arguments: [directory.path])
    let result = try JSONDecoder().decode(FragmentCheck.self, from: output)
    #expect(result.compress == "br")
    #expect(result.keys == manifest.map(\.label))
    #expect(result.mismatched.isEmpty, "labels osteoid decoded differently: \(result.mismatched)")
  }
}

// MARK: - Generators and comparisons

/// A random tree like `generate.py`'s `random_tree`: vertex `i > 0` joins a random earlier vertex,
/// with random radii in [0, 10) and SWC types in 0..<8.
fileprivate func randomTree(vertexCount: Int, id: UInt64?, using generator: inout some RandomNumberGenerator)
  -> Skeleton
{
  let vertices = (0..<vertexCount).map { _ in
    Vertex(
      Float.random(in: 0..<1000, using: &generator), Float.random(in: 0..<1000, using: &generator),
      Float.random(in: 0..<1000, using: &generator))
  }
  let edges = (0..<max(vertexCount, 1)).dropFirst().map { child in
    let parent = UInt32.random(in: 0..<UInt32(child), using: &generator)
    return Bool.random(using: &generator) ? Edge(UInt32(child), parent) : Edge(parent, UInt32(child))
  }
  return Skeleton(
    id: id, vertices: vertices, edges: edges,
    radii: (0..<vertexCount).map { _ in Float.random(in: 0..<10, using: &generator) },
    vertexTypes: (0..<vertexCount).map { _ in UInt8.random(in: 0..<8, using: &generator) })
}

/// An attribute of `dataType` and 1 to 4 components holding random bytes (any bit pattern,
/// NaNs included: the encodings must carry them unchanged).
fileprivate func randomAttribute(
  name: String, dataType: DataType, vertexCount: Int, using generator: inout some RandomNumberGenerator
) -> VertexAttribute {
  let componentCount = Int.random(in: 1...4, using: &generator)
  return VertexAttribute(
    name: name, dataType: dataType, valuesPerVertex: componentCount,
    bytes: Data.random(count: vertexCount * componentCount * dataType.byteWidth, using: &generator))
}

/// |a - b| relative to the larger magnitude (and absolute below 1).
fileprivate func relativeDifference(_ a: Double, _ b: Double) -> Double {
  abs(a - b) / max(1, abs(a), abs(b))
}

/// An attribute descriptor as osteoid spells it.
fileprivate struct OsteoidDescriptor: Codable, Sendable {
  var id: String
  var data_type: String
  var num_components: Int

  init(_ descriptor: AttributeDescriptor) {
    id = descriptor.name
    data_type = descriptor.dataType.rawValue
    num_components = descriptor.valuesPerVertex
  }
}

/// One skeleton as osteoid generated it: its file, parts, attributes and cable length.
fileprivate struct OsteoidRecord: Decodable, Sendable {
  struct Attribute: Decodable, Sendable {
    var id: String
    var data_type: String
    var num_components: Int
    /// The values, flattened: floats as doubles, integers exactly.
    var values: Values

    enum Values: Sendable {
      case floating([Double])
      case signed([Int64])
      case unsigned([UInt64])
    }

    private enum CodingKeys: String, CodingKey { case id, data_type, num_components, values }

    init(from decoder: any Decoder) throws {
      let container = try decoder.container(keyedBy: CodingKeys.self)
      id = try container.decode(String.self, forKey: .id)
      data_type = try container.decode(String.self, forKey: .data_type)
      num_components = try container.decode(Int.self, forKey: .num_components)
      switch data_type {
      case "float32", "float64": values = .floating(try container.decode([Double].self, forKey: .values))
      case "int8", "int16", "int32", "int64": values = .signed(try container.decode([Int64].self, forKey: .values))
      default: values = .unsigned(try container.decode([UInt64].self, forKey: .values))
      }
    }
  }

  var file: String
  var id: UInt64
  var vertices: [[Double]]
  var edges: [[UInt32]]
  var attributes: [Attribute]
  var cable_length: Double
  /// Whether the attributes are other than osteoid's defaults, so decoding needs the descriptors.
  var has_extras: Bool

  var hasExtras: Bool { has_extras }

  var descriptors: [AttributeDescriptor] {
    attributes.map {
      AttributeDescriptor(name: $0.id, dataType: DataType(rawValue: $0.data_type)!, valuesPerVertex: $0.num_components)
    }
  }

  /// Checks every vertex, edge and attribute value of `skeleton` against the record, exactly.
  func check(_ skeleton: Skeleton, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(
      skeleton.vertices == vertices.map { Vertex(Float($0[0]), Float($0[1]), Float($0[2])) },
      "\(file): vertices", sourceLocation: sourceLocation)
    #expect(skeleton.edges == edges.map { Edge($0[0], $0[1]) }, "\(file): edges", sourceLocation: sourceLocation)
    if vertices.isEmpty {
      // Without vertices the attributes take no bytes: the encoding cannot tell them from none.
      #expect(
        skeleton.attributes.allSatisfy { $0.bytes.isEmpty }, "\(file): attributes", sourceLocation: sourceLocation)
      return
    }
    #expect(
      skeleton.attributes.map(\.descriptor) == descriptors, "\(file): descriptors", sourceLocation: sourceLocation)
    for (attribute, expected) in zip(skeleton.attributes, attributes) {
      let matches: Bool
      do {
        switch (attribute.dataType, expected.values) {
        case (.float32, .floating(let values)):
          matches = try attribute.values(as: Float.self) == values.map { Float($0) }
        case (.float64, .floating(let values)): matches = try attribute.values(as: Double.self) == values
        case (.int8, .signed(let values)): matches = try attribute.values(as: Int8.self).map(Int64.init) == values
        case (.int16, .signed(let values)): matches = try attribute.values(as: Int16.self).map(Int64.init) == values
        case (.int32, .signed(let values)): matches = try attribute.values(as: Int32.self).map(Int64.init) == values
        case (.int64, .signed(let values)): matches = try attribute.values(as: Int64.self) == values
        case (.uint8, .unsigned(let values)): matches = try attribute.values(as: UInt8.self).map(UInt64.init) == values
        case (.uint16, .unsigned(let values)):
          matches = try attribute.values(as: UInt16.self).map(UInt64.init) == values
        case (.uint32, .unsigned(let values)):
          matches = try attribute.values(as: UInt32.self).map(UInt64.init) == values
        case (.uint64, .unsigned(let values)): matches = try attribute.values(as: UInt64.self) == values
        default: matches = false
        }
      } catch {
        matches = false
      }
      #expect(matches, "\(file): values of \(attribute.name) (\(attribute.dataType))", sourceLocation: sourceLocation)
    }
  }
}

/// One Swift-written skeleton file and the attributes osteoid must be told to read it.
fileprivate struct SwiftSkeletonEntry: Codable, Sendable {
  var file: String
  var id: UInt64
  var attributes: [OsteoidDescriptor]
}

/// What osteoid made of one Swift-written file.
fileprivate struct OsteoidCheck: Decodable, Sendable {
  var file: String
  var identical: Bool
  var vertex_count: Int
  var edge_count: Int
  var cable_length: Double
}

/// One skeleton of a Swift-written fragment map, for osteoid to compare.
fileprivate struct FragmentEntry: Codable, Sendable {
  var label: UInt64
  var vertices: [[Double]]
  var edges: [[UInt32]]
  var radius: [Double]
  var vertex_types: [UInt8]
}

/// What mapbuffer and osteoid made of a Swift-written fragment map.
fileprivate struct FragmentCheck: Decodable, Sendable {
  var compress: String
  var keys: [UInt64]
  var mismatched: [UInt64]
}

// MARK: - The Python side

fileprivate enum OsteoidScripts {
  /// Imports and the random tree generator shared by the scripts.
  static let prelude = #"""
    import json, os, struct, sys
    import numpy as np
    from osteoid import Skeleton
    from mapbuffer import MapBuffer

    DEFAULTS = Skeleton._default_attributes()

    def random_tree(rng, nv, segid, default_attributes=True):
      verts = (rng.random((nv, 3)) * 1000).astype(np.float32)
      edges = np.array(
        [[i, rng.integers(0, i)] if rng.random() < 0.5 else [rng.integers(0, i), i] for i in range(1, nv)],
        dtype=np.uint32,
      ).reshape(-1, 2)
      if not default_attributes:
        return Skeleton(verts, edges, segid=segid, default_attributes=False)
      radii = (rng.random(nv) * 10).astype(np.float32)
      types = rng.integers(0, 8, nv).astype(np.uint8)
      return Skeleton(verts, edges, radii=radii, vertex_types=types, segid=segid)

    def random_values(rng, dtype, shape):
      dtype = np.dtype(dtype)
      if dtype.kind == "f":
        return ((rng.random(shape) - 0.5) * 2000).astype(dtype)
      info = np.iinfo(dtype)
      return rng.integers(info.min, info.max, size=shape, dtype=dtype, endpoint=True)

    def add_multi(skel, name, arr):
      # osteoid 0.7.4's add_vertex_attribute reads arr.shape[2] for a 2-D array and fails,
      # so attributes of several components are added by hand, as its own readers do.
      skel.extra_attributes.append({"id": name, "data_type": arr.dtype.name, "num_components": int(arr.shape[1])})
      setattr(skel, name, arr)

    def record(name, skel):
      attrs = [
        {
          "id": a["id"],
          "data_type": np.dtype(a["data_type"]).name,
          "num_components": int(a["num_components"]),
          "values": np.asarray(getattr(skel, a["id"])).reshape(-1).tolist(),
        }
        for a in skel.extra_attributes
      ]
      return {
        "file": name,
        "id": int(skel.id),
        "vertices": skel.vertices.tolist(),
        "edges": skel.edges.tolist(),
        "attributes": attrs,
        "has_extras": [(a["id"], a["data_type"], a["num_components"]) for a in attrs]
          != [(a["id"], a["data_type"], a["num_components"]) for a in DEFAULTS],
      }

    """#

  /// argv: seed, directory, count. Writes `<i>.skel` files and `manifest.json`.
  static let generateSkeletons = #"""
    seed, out, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    rng = np.random.default_rng(seed)
    cases = []
    for i in range(count):
      nv = int(rng.integers(1, 501))
      segid = int(rng.integers(1, 2**63))
      kind = i % 7
      skel = random_tree(rng, nv, segid, default_attributes=kind not in (1, 5))
      if kind == 2:
        skel.add_vertex_attribute("confidence", random_values(rng, np.float32, nv))
      elif kind == 3:
        skel.add_vertex_attribute("label16", random_values(rng, np.int16, nv))
      elif kind == 4:
        add_multi(skel, "normal", random_values(rng, np.float32, (nv, 3)))
      elif kind == 5:
        skel.add_vertex_attribute("count16", random_values(rng, np.uint16, nv))
        add_multi(skel, "pair32", random_values(rng, np.int32, (nv, 2)))
      elif kind == 6:
        for dtype in ("float64", "int8", "uint32", "int64", "uint64"):
          skel.add_vertex_attribute("x_" + dtype, random_values(rng, dtype, nv))
      cases.append((f"osteoid-{i}.skel", skel))
    cases.append(("empty.skel", Skeleton(segid=1)))
    # (edges as a 0 x 2 array: osteoid's cable_length fails on the 1-D array a [] list makes)
    cases.append(("single.skel", Skeleton([[1.5, 2.5, 3.5]], np.zeros((0, 2), np.uint32), segid=2)))

    records = []
    for name, skel in cases:
      with open(os.path.join(out, name), "wb") as f:
        f.write(skel.to_precomputed())
      rec = record(name, skel)
      rec["cable_length"] = float(skel.cable_length())
      records.append(rec)
    with open(os.path.join(out, "manifest.json"), "w") as f:
      json.dump(records, f)
    """#

  /// argv: directory holding Swift's files and `manifest.json`. Prints one result per file.
  static let checkSkeletons = #"""
    directory = sys.argv[1]
    with open(os.path.join(directory, "manifest.json")) as f:
      entries = json.load(f)
    results = []
    for entry in entries:
      with open(os.path.join(directory, entry["file"]), "rb") as f:
        buf = f.read()
      attrs = entry["attributes"]
      skel = Skeleton.from_precomputed(buf, segid=entry["id"], vertex_attributes=attrs)
      encoded = skel.to_precomputed()
      nv, ne = struct.unpack("<II", buf[:8])
      if len(attrs) == 0 and len(buf) == 8 + 12 * nv + 8 * ne:
        # A buffer without attributes decodes in osteoid with its default ones (radius -1, type 0).
        identical = encoded == buf + np.full(nv, -1, np.float32).tobytes() + np.zeros(nv, np.uint8).tobytes()
      else:
        identical = encoded == buf
      results.append({
        "file": entry["file"],
        "identical": bool(identical),
        "vertex_count": int(skel.vertices.shape[0]),
        "edge_count": int(skel.edges.shape[0]),
        "cable_length": float(skel.cable_length()),
      })
    print(json.dumps(results))
    """#

  /// argv: seed, directory, count. Writes `fragments.mb` (brotli) and `manifest.json`.
  static let writeFragments = #"""
    seed, out, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    rng = np.random.default_rng(seed)
    frags = {}
    labels = [2**64 - 1]
    while len(labels) < count:
      label = int(rng.integers(1, 2**63))
      if label not in labels:
        labels.append(label)
    for i, label in enumerate(labels):
      if i == 1:
        frags[label] = Skeleton(segid=label)
      elif i == 2:
        frags[label] = random_tree(rng, 30, label, default_attributes=False)
      else:
        frags[label] = random_tree(rng, int(rng.integers(1, 401)), label)
    mb = MapBuffer(frags, compress="br", tobytesfn=lambda s: s.to_precomputed())
    with open(os.path.join(out, "fragments.mb"), "wb") as f:
      f.write(mb.tobytes())
    records = []
    for label, skel in frags.items():
      rec = record(f"label {label}", skel)
      rec["cable_length"] = float(skel.cable_length())
      records.append(rec)
    with open(os.path.join(out, "manifest.json"), "w") as f:
      json.dump(records, f)
    """#

  /// argv: directory holding `fragments.mb` and `manifest.json`. Prints the keys and any mismatches.
  static let readFragments = #"""
    directory = sys.argv[1]
    with open(os.path.join(directory, "fragments.mb"), "rb") as f:
      data = f.read()
    with open(os.path.join(directory, "manifest.json")) as f:
      entries = json.load(f)
    mb = MapBuffer(data, compress="br", frombytesfn=Skeleton.from_precomputed)
    mb.validate()
    mismatched = []
    for entry in entries:
      skel = mb[entry["label"]]
      same = (
        np.array_equal(skel.vertices, np.array(entry["vertices"], dtype=np.float32).reshape(-1, 3))
        and np.array_equal(skel.edges, np.array(entry["edges"], dtype=np.uint32).reshape(-1, 2))
        and np.array_equal(skel.radius, np.array(entry["radius"], dtype=np.float32))
        and np.array_equal(skel.vertex_types, np.array(entry["vertex_types"], dtype=np.uint8))
        and skel.radius.dtype == np.float32 and skel.vertex_types.dtype == np.uint8
      )
      if not same:
        mismatched.append(entry["label"])
    print(json.dumps({"compress": mb.compress, "keys": sorted(int(k) for k in mb.keys()), "mismatched": mismatched}))
    """#
}
