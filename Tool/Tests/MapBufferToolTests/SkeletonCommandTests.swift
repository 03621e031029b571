import Foundation
import MapBuffer
import MapBufferTestSupport
import SkeletonModel
import Testing

// `mapbuffer skeleton`: the summary, `--json` and `--swc` of lone precomputed skeletons and of
// skeletons in a fragment MapBuffer, checked against `Tests/Fixtures/skeleton/manifest.json`
// (written by osteoid) with the expected counts, cable lengths and components computed here.

/// One skeleton as the manifest describes it.
struct SkeletonFixture: Sendable, CustomStringConvertible {
  var name: String
  /// The lone file (relative to `Tests/Fixtures`), or nil for a skeleton inside the fragment file.
  var file: String?
  var id: UInt64
  var vertices: [[Float]]
  var edges: [[UInt32]]
  /// Attribute name -> (data type, values as doubles).
  var attributes: [(name: String, dataType: String, values: [Double])]

  var description: String { name }

  var radii: [Float]? { attributes.first { $0.name == "radius" }.map { $0.values.map { Float($0) } } }
  var vertexTypes: [UInt8]? { attributes.first { $0.name == "vertex_types" }.map { $0.values.map { UInt8($0) } } }

  /// The sum of the edges' Euclidean lengths, in Double.
  var cableLength: Double {
    edges.reduce(0.0) { total, edge in
      let p = vertices[Int(edge[0])], q = vertices[Int(edge[1])]
      let d = (0..<3).map { Double(q[$0]) - Double(p[$0]) }
      return total + (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]).squareRoot()
    }
  }

  /// The number of connected components (isolated vertices count), by union-find.
  var componentCount: Int {
    var parent = Array(0..<vertices.count)
    func find(_ x: Int) -> Int {
      var x = x
      while parent[x] != x {
        parent[x] = parent[parent[x]]
        x = parent[x]
      }
      return x
    }
    for edge in edges {
      let a = find(Int(edge[0])), b = find(Int(edge[1]))
      if a != b { parent[a] = b }
    }
    return Set(vertices.indices.map(find)).count
  }

  static func parse(_ record: [String: Any]) -> SkeletonFixture {
    SkeletonFixture(
      name: record["name"] as! String,
      file: record["file"] as? String,
      id: (record["id"] as! NSNumber).uint64Value,
      vertices: (record["vertices"] as! [[NSNumber]]).map { $0.map { Float($0.doubleValue) } },
      edges: (record["edges"] as! [[NSNumber]]).map { $0.map { $0.uint32Value } },
      attributes: (record["attributes"] as! [[String: Any]]).map {
        ($0["id"] as! String, $0["data_type"] as! String, ($0["values"] as! [NSNumber]).map(\.doubleValue))
      })
  }

  static func manifest() -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Fixtures.data("skeleton/manifest.json"))) as? [String: Any] ?? [:]
  }

  /// The lone precomputed files.
  static let lone: [SkeletonFixture] = (manifest()["skeletons"] as? [[String: Any]] ?? []).map(parse)

  /// The skeletons of the fragment MapBuffer.
  static let fragments: [SkeletonFixture] =
    ((manifest()["fragments"] as? [String: Any])?["skeletons"] as? [[String: Any]] ?? []).map(parse)

  static let fragmentFile: String =
    (manifest()["fragments"] as? [String: Any])?["file"] as? String ?? "skeleton/fragments-br.frags"
}

@Suite("mapbuffer skeleton")
struct SkeletonCommandTests {
  static let fragmentPath = Fixtures.url(SkeletonFixture.fragmentFile).path

  /// The fragment skeletons checked one by one: a spread of sizes (every 8th) keeps the run short.
  static let sampledFragments: [SkeletonFixture] = SkeletonFixture.fragments.enumerated().filter { $0.offset % 8 == 0 }
    .map(\.element)

  @Test("the manifest has what these tests need")
  func manifestLoaded() {
    #expect(SkeletonFixture.lone.count == 6)
    #expect(SkeletonFixture.fragments.count == 64)
  }

  // MARK: Summary

  @Test(
    "the summary of a lone skeleton: vertices, edges, cable length, components, attributes",
    arguments: SkeletonFixture.lone)
  func loneSummary(fixture: SkeletonFixture) throws {
    let result = try ToolRunner.run(["skeleton", Fixtures.url(fixture.file!).path])
    expectSuccess(result, "skeleton \(fixture)")
    // A skeleton without vertices encodes to the bare 8-byte counts: its attributes cannot be told apart.
    let hasAttributes = !fixture.attributes.isEmpty && !fixture.vertices.isEmpty
    try checkSummary(result.output, fixture, expectedAttributes: hasAttributes ? ["radius", "vertex_types"] : [])
  }

  @Test("the summary of a skeleton in a fragment MapBuffer, by key", arguments: sampledFragments)
  func fragmentSummary(fixture: SkeletonFixture) throws {
    let result = try ToolRunner.run(["skeleton", Self.fragmentPath, String(fixture.id)])
    expectSuccess(result, "skeleton \(fixture)")
    let fields = InfoTests.fields(result.output)
    #expect(fields["id"] == String(fixture.id))
    try checkSummary(result.output, fixture, expectedAttributes: ["radius", "vertex_types"])
  }

  private func checkSummary(
    _ output: String, _ fixture: SkeletonFixture, expectedAttributes: [String],
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let fields = InfoTests.fields(output)
    #expect(fields["vertices"] == String(fixture.vertices.count), sourceLocation: sourceLocation)
    #expect(fields["edges"] == String(fixture.edges.count), sourceLocation: sourceLocation)
    #expect(fields["components"] == String(fixture.componentCount), "\(fixture)", sourceLocation: sourceLocation)
    let cable = try #require(
      fields["cable length"].flatMap { Double($0) }, "no cable length in \(output)", sourceLocation: sourceLocation)
    #expect(
      abs(cable - fixture.cableLength) <= 1e-9 * max(1, fixture.cableLength),
      "\(fixture): \(cable) vs \(fixture.cableLength)",
      sourceLocation: sourceLocation)
    let attributes = try #require(fields["attributes"], sourceLocation: sourceLocation)
    if expectedAttributes.isEmpty {
      #expect(attributes == "none", sourceLocation: sourceLocation)
    }
    for name in expectedAttributes {
      #expect(
        attributes.contains(name), "\(fixture): attributes \(attributes) lack \(name)", sourceLocation: sourceLocation)
    }
  }

  // MARK: JSON

  @Test("--json of a lone skeleton: id null, vertices, edges, radii, vertex_types", arguments: SkeletonFixture.lone)
  func loneJSON(fixture: SkeletonFixture) throws {
    let result = try ToolRunner.run(["skeleton", Fixtures.url(fixture.file!).path, "--json"])
    expectSuccess(result, "skeleton --json \(fixture)")
    let json = try parseJSONObject(result.standardOutput)
    #expect(json["id"] is NSNull, "a lone file has no id")
    try checkJSON(json, fixture)
  }

  @Test("--json of skeletons in a fragment MapBuffer: id is the key", arguments: sampledFragments)
  func fragmentJSON(fixture: SkeletonFixture) throws {
    let result = try ToolRunner.run(["skeleton", Self.fragmentPath, String(fixture.id), "--json"])
    expectSuccess(result, "skeleton --json \(fixture)")
    let json = try parseJSONObject(result.standardOutput)
    #expect((json["id"] as? NSNumber)?.uint64Value == fixture.id)
    try checkJSON(json, fixture)
  }

  @Test("every skeleton of the fragment file decodes, with the manifest's vertex and edge counts")
  func allFragments() throws {
    for fixture in SkeletonFixture.fragments {
      let result = try ToolRunner.run(["skeleton", Self.fragmentPath, String(fixture.id), "--json"])
      expectSuccess(result, "skeleton \(fixture)")
      let json = try parseJSONObject(result.standardOutput)
      #expect((json["vertices"] as? [Any])?.count == fixture.vertices.count, "\(fixture)")
      #expect((json["edges"] as? [Any])?.count == fixture.edges.count, "\(fixture)")
    }
  }

  private func checkJSON(
    _ json: [String: Any], _ fixture: SkeletonFixture, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let vertices = try #require(json["vertices"] as? [[NSNumber]], sourceLocation: sourceLocation)
    #expect(
      vertices.map { $0.map { Float($0.doubleValue) } } == fixture.vertices, "\(fixture) vertices",
      sourceLocation: sourceLocation)
    let edges = try #require(json["edges"] as? [[NSNumber]], sourceLocation: sourceLocation)
    #expect(edges.map { $0.map(\.uint32Value) } == fixture.edges, "\(fixture) edges", sourceLocation: sourceLocation)
    if fixture.vertices.isEmpty {
      // The bare 8-byte encoding carries no attributes: null, or an empty list.
      for name in ["radii", "vertex_types"] {
        #expect(json[name] is NSNull || (json[name] as? [Any])?.isEmpty == true, sourceLocation: sourceLocation)
      }
    } else if let radii = fixture.radii {
      let values = try #require(json["radii"] as? [NSNumber], "\(fixture) radii", sourceLocation: sourceLocation)
      #expect(values.map { Float($0.doubleValue) } == radii, sourceLocation: sourceLocation)
    } else {
      #expect(json["radii"] is NSNull, "\(fixture): absent radii are null", sourceLocation: sourceLocation)
    }
    if fixture.vertices.isEmpty {
      // Checked above.
    } else if let types = fixture.vertexTypes {
      let values = try #require(
        json["vertex_types"] as? [NSNumber], "\(fixture) vertex_types", sourceLocation: sourceLocation)
      #expect(values.map(\.intValue) == types.map(Int.init), sourceLocation: sourceLocation)
    } else {
      #expect(
        json["vertex_types"] is NSNull, "\(fixture): absent vertex types are null", sourceLocation: sourceLocation)
    }
  }

  // MARK: SWC

  @Test(
    "--swc of a lone skeleton reads back to the same vertices, radii, types and tree", arguments: SkeletonFixture.lone)
  func loneSWC(fixture: SkeletonFixture) throws {
    let result = try ToolRunner.run(["skeleton", Fixtures.url(fixture.file!).path, "--swc"])
    expectSuccess(result, "skeleton --swc \(fixture)")
    try checkSWC(result.output, fixture)
  }

  @Test("--swc of skeletons in a fragment MapBuffer", arguments: sampledFragments)
  func fragmentSWC(fixture: SkeletonFixture) throws {
    let result = try ToolRunner.run(["skeleton", Self.fragmentPath, String(fixture.id), "--swc"])
    expectSuccess(result, "skeleton --swc \(fixture)")
    try checkSWC(result.output, fixture)
  }

  private func checkSWC(_ text: String, _ fixture: SkeletonFixture, sourceLocation: SourceLocation = #_sourceLocation)
    throws
  {
    let parsed = try Skeleton(swc: text)
    let key: (Skeleton.Vertex) -> [Float] = { [$0.x, $0.y, $0.z] }
    let sortedParsed = parsed.vertices.map(key).sorted { $0.lexicographicallyPrecedes($1) }
    let sortedExpected = fixture.vertices.sorted { $0.lexicographicallyPrecedes($1) }
    #expect(sortedParsed == sortedExpected, "\(fixture): SWC vertex set differs", sourceLocation: sourceLocation)
    // SWC holds a spanning forest: one edge per vertex that is not a root.
    #expect(parsed.edges.count == fixture.vertices.count - fixture.componentCount, sourceLocation: sourceLocation)

    // Per vertex (matched by its coordinates, which are distinct in these fixtures): radius and type.
    let original = Dictionary(
      fixture.vertices.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { a, _ in a })
    guard original.count == fixture.vertices.count else { return }
    let radii = parsed.radii ?? [], types = parsed.vertexTypes ?? []
    for (index, vertex) in parsed.vertices.enumerated() {
      let source = try #require(original[key(vertex)], sourceLocation: sourceLocation)
      #expect(
        radii[index] == (fixture.radii?[source] ?? 0), "\(fixture) vertex \(source) radius",
        sourceLocation: sourceLocation)
      #expect(
        types[index] == (fixture.vertexTypes?[source] ?? 0), "\(fixture) vertex \(source) type",
        sourceLocation: sourceLocation)
    }
    // When the skeleton is a forest, the SWC edges are exactly its edges.
    if fixture.edges.count == fixture.vertices.count - fixture.componentCount {
      func pairs(_ edges: [(Int, Int)], _ coordinates: (Int) -> [Float]) -> Set<[[Float]]> {
        Set(edges.map { [coordinates($0.0), coordinates($0.1)].sorted { $0.lexicographicallyPrecedes($1) } })
      }
      let parsedPairs = pairs(parsed.edges.map { (Int($0.a), Int($0.b)) }) { key(parsed.vertices[$0]) }
      let expectedPairs = pairs(fixture.edges.map { (Int($0[0]), Int($0[1])) }) { fixture.vertices[$0] }
      #expect(parsedPairs == expectedPairs, "\(fixture): SWC edges differ", sourceLocation: sourceLocation)
    }
  }

  // MARK: Failures

  @Test("a key not in the fragment file: one line naming the key, exit 1")
  func missingKey() throws {
    let ids = Set(SkeletonFixture.fragments.map(\.id))
    let absent: UInt64 = (1...).lazy.map(UInt64.init).first { !ids.contains($0) }!
    let result = try ToolRunner.run(["skeleton", Self.fragmentPath, String(absent)])
    expectOneLineFailure(result, "skeleton missing key", mentioning: [String(absent)], status: 1)
    #expect(result.standardOutput.isEmpty)
  }

  @Test("a key that is not a number is one line naming it")
  func badKey() throws {
    let result = try ToolRunner.run(["skeleton", Self.fragmentPath, "cell-12"])
    expectOneLineFailure(result, "skeleton bad key", mentioning: ["cell-12"])
  }

  @Test("an IntMap is refused with one line naming it")
  func intMapRefused() throws {
    let path = Fixtures.url("intmap/intmap-5.im").path
    let result = try ToolRunner.run(["skeleton", path, "1"])
    expectOneLineFailure(result, "skeleton on an IntMap", mentioning: [path])
  }

  @Test("an item that is not a skeleton is one line naming the file and key")
  func notASkeleton() throws {
    try withTemporaryDirectory { directory in
      let url = directory.appendingPathComponent("junk.frags")
      // A vertex count of 1000 with only 20 bytes following: truncated.
      var junk = Data([0xE8, 0x03, 0, 0, 0, 0, 0, 0])
      junk.append(Data(repeating: 1, count: 20))
      try MapBufferWriter(compression: .gzip).write([77: junk], to: url)
      let result = try ToolRunner.run(["skeleton", url.path, "77"])
      expectOneLineFailure(result, "skeleton on junk", mentioning: [url.path, "77"])
    }
  }

  @Test(
    "a lone file that is not a skeleton, a missing file, a directory: one clear line",
    arguments: ["junk", "missing", "directory"])
  func badLoneFile(kind: String) throws {
    try withTemporaryDirectory { directory in
      let url = directory.appendingPathComponent("x.skel")
      switch kind {
      case "junk": try Data([9, 0, 0, 0, 1, 0, 0, 0, 1, 2]).write(to: url)
      case "directory": try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
      default: break
      }
      let result = try ToolRunner.run(["skeleton", url.path])
      expectOneLineFailure(result, "skeleton on a \(kind) file", mentioning: [url.path])
    }
  }

  @Test("--json and --swc together are refused")
  func jsonAndSWC() throws {
    let result = try ToolRunner.run(["skeleton", Fixtures.url("skeleton/path-3.skel").path, "--json", "--swc"])
    #expect(result.status != 0)
    #expect(result.standardOutput.isEmpty)
    #expect(result.standardError.contains("--json") && result.standardError.contains("--swc"))
  }

  // MARK: --info

  /// A radius-only layer (what navis writes): its info and a fragment map of two skeletons.
  private func radiusOnlyLayer(in directory: URL) throws -> (map: URL, info: URL, skeleton: Skeleton) {
    let layout = [AttributeDescriptor(name: "radius", dataType: .float32)]
    let info = SkeletonLayerInfo(transform: [2, 0, 0, 10, 0, 2, 0, 0, 0, 0, 40, 0], vertexAttributes: layout)
    let skeleton = Skeleton(
      vertices: [Skeleton.Vertex(0, 0, 0), Skeleton.Vertex(3, 4, 0), Skeleton.Vertex(3, 4, 1)],
      edges: [Skeleton.Edge(0, 1), Skeleton.Edge(1, 2)],
      attributes: [VertexAttribute(name: "radius", values: [Float(1), 2, 0.5])])
    let data = try MapBufferWriter(compression: .brotli).encode([5: skeleton.precomputed(), 6: skeleton.precomputed()])
    let mapURL = directory.appendingPathComponent("layer.frags")
    let infoURL = directory.appendingPathComponent("info")
    try data.write(to: mapURL)
    try JSONEncoder().encode(info).write(to: infoURL)
    return (mapURL, infoURL, skeleton)
  }

  @Test("--info: a radius-only layer decodes with its attributes; --physical applies its transform; the id is the key")
  func layerInfo() throws {
    try withTemporaryDirectory { directory in
      let (map, info, skeleton) = try radiusOnlyLayer(in: directory)
      let result = try ToolRunner.run(["skeleton", map.path, "5", "--info", info.path, "--json"])
      expectSuccess(result, "skeleton --info --json")
      let decoded = try JSONDecoder().decode(Skeleton.self, from: result.standardOutput)
      var expected = skeleton
      expected.id = 5
      #expect(decoded == expected)
      let summary = try ToolRunner.run(["skeleton", map.path, "6", "--info", info.path])
      expectSuccess(summary, "skeleton --info")
      #expect(summary.output.contains("id: 6\n") && summary.output.contains("attributes: radius (float32)\n"))
      let physical = try ToolRunner.run(["skeleton", map.path, "5", "--info", info.path, "--physical", "--swc"])
      expectSuccess(physical, "skeleton --info --physical --swc")
      let read = try Skeleton(swc: physical.standardOutput)
      #expect(read.vertices == [Skeleton.Vertex(10, 0, 0), Skeleton.Vertex(16, 8, 0), Skeleton.Vertex(16, 8, 40)])
      #expect(read.radii == [1, 2, 0.5])
      // Without the info the default layout does not fit the radius-only bytes: a clear failure.
      let without = try ToolRunner.run(["skeleton", map.path, "5"])
      expectOneLineFailure(without, "skeleton without --info", mentioning: ["5"])
    }
  }

  @Test("--info from an http URL, as a file is read")
  func layerInfoFromURL() throws {
    try withTemporaryDirectory { directory in
      let (map, info, _) = try radiusOnlyLayer(in: directory)
      let server = try NginxServer()
      defer { server.stop() }
      try server.publish(Data(contentsOf: info), at: "layer/info")
      try server.publish(Data(contentsOf: map), at: "layer/cell.frags")
      let local = try ToolRunner.run(["skeleton", map.path, "5", "--info", info.path, "--json"])
      expectSuccess(local, "skeleton --info --json")
      let remote = try ToolRunner.run([
        "skeleton", server.url("layer/cell.frags").absoluteString, "5", "--info",
        server.url("layer/info").absoluteString, "--json",
      ])
      expectSuccess(remote, "skeleton URL --info URL")
      #expect(remote.standardOutput == local.standardOutput)
    }
  }

  @Test("--info of a sharded layer, of another layer type, or --physical without --info: refused with one line")
  func layerInfoRefused() throws {
    try withTemporaryDirectory { directory in
      let (map, _, _) = try radiusOnlyLayer(in: directory)
      let sharded = directory.appendingPathComponent("sharded-info")
      try Data(
        #"{"@type": "neuroglancer_skeletons", "vertex_attributes": [], "sharding": {"@type": "neuroglancer_uint64_sharded_v1"}}"#
          .utf8
      ).write(to: sharded)
      let result = try ToolRunner.run(["skeleton", map.path, "5", "--info", sharded.path])
      expectOneLineFailure(result, "skeleton --info sharded", mentioning: ["sharded"])
      let mesh = directory.appendingPathComponent("mesh-info")
      try Data(#"{"@type": "neuroglancer_legacy_mesh"}"#.utf8).write(to: mesh)
      expectOneLineFailure(
        try ToolRunner.run(["skeleton", map.path, "5", "--info", mesh.path]), "mesh info",
        mentioning: ["neuroglancer_legacy_mesh"])
      let physical = try ToolRunner.run(["skeleton", map.path, "5", "--physical"])
      #expect(physical.status != 0 && physical.standardError.contains("--info"))
    }
  }
}
