import Foundation
import MapBufferTestSupport
import SkeletonModel
import Testing

@Suite("SWC")
struct SWCTests {
  static let seed: UInt64 = 0x5C_0F11E

  // MARK: Export, by hand

  /// Vertices 0...5: a tree 0–3, 3–2, 0–5, 5–1 plus an edge 1–0 closing a cycle, a duplicate
  /// of 3–0, a self-loop on 2, and vertex 4 alone.
  static let handSkeleton = Skeleton(
    vertices: [
      Vertex(0, 0, 0), Vertex(1.5, -2, 3), Vertex(1e-05, 100000, -0.25),
      Vertex(7, 8, 9), Vertex(-0.0, 1e+16, 0.1), Vertex(2, 2, 2),
    ],
    edges: [Edge(3, 0), Edge(0, 5), Edge(5, 1), Edge(3, 2), Edge(1, 0), Edge(3, 0), Edge(2, 2)],
    radii: [0.5, 1, 2, 3, 4, 0.125],
    vertexTypes: [1, 3, 3, 2, 0, 255])

  @Test(
    "A hand-walked skeleton: depth first in edge order, cycle, duplicate and self-loop dropped, isolated vertex a root")
  func exportHand() {
    // From root 0: its neighbours in edge order are 3, 5, 1, 3; 3 is walked first and leads
    // to 2; then 5, which leads to 1. Vertex 4 starts the second tree.
    let expected = """
      1 1 0.0 0.0 0.0 0.5 -1
      2 2 7.0 8.0 9.0 3.0 1
      3 3 1e-05 100000.0 -0.25 2.0 2
      4 255 2.0 2.0 2.0 0.125 1
      5 3 1.5 -2.0 3.0 1.0 4
      6 0 -0.0 1e+16 0.1 4.0 -1

      """
    #expect(Self.handSkeleton.swc() == expected)
    #expect(Self.handSkeleton.swcVertexOrder() == [0, 3, 2, 5, 1, 4])
  }

  @Test("The header becomes # lines, one per line, blank lines as a bare #")
  func exportHeader() throws {
    let skeleton = Skeleton(vertices: [Vertex(1, 2, 3)], edges: [], radii: [1], vertexTypes: [1])
    #expect(
      skeleton.swc(header: "made by a test\n\nsecond line")
        == "# made by a test\n#\n# second line\n1 1 1.0 2.0 3.0 1.0 -1\n")
    #expect(skeleton.swc(header: "") == "#\n1 1 1.0 2.0 3.0 1.0 -1\n")
    #expect(skeleton.swc() == "1 1 1.0 2.0 3.0 1.0 -1\n")
    // The header reads back as comments.
    #expect(try Skeleton(swc: skeleton.swc(header: "a\nb")) == skeleton)
  }

  @Test("Without radius or type attributes the columns are 0; without vertices the file is empty")
  func exportDefaults() {
    let bare = Skeleton(vertices: [Vertex(1, 2, 3), Vertex(4, 5, 6)], edges: [Edge(1, 0)], attributes: [])
    #expect(bare.swc() == "1 0 1.0 2.0 3.0 0.0 -1\n2 0 4.0 5.0 6.0 0.0 1\n")
    #expect(Skeleton().swc() == "")
    #expect(Skeleton().swcVertexOrder().isEmpty)
    #expect(Skeleton().swc(header: "h") == "# h\n")
  }

  // MARK: Round trips

  @Test("Random trees and forests round-trip: same vertices in swcVertexOrder, bit-exact floats, same edges")
  func roundTripForests() throws {
    var generator = SeededGenerator(seed: Self.seed)
    for round in 0..<60 {
      let treeSizes = (0..<(round < 20 ? 1 : Int.random(in: 1...6, using: &generator))).map { _ in
        Int.random(in: 1...120, using: &generator)
      }
      var (skeleton, _) = GraphSamples.forest(
        treeSizes: treeSizes, isolated: round < 20 ? 0 : Int.random(in: 0...4, using: &generator), using: &generator)
      // Any finite float, subnormals and -0.0 included, must come back with the same bits.
      skeleton.vertices = skeleton.vertices.map { _ in
        Vertex(randomFinite(using: &generator), randomFinite(using: &generator), randomFinite(using: &generator))
      }
      skeleton.radii = skeleton.vertices.map { _ in randomFinite(using: &generator) }
      let context = "round \(round)"
      let text = skeleton.swc()
      let order = skeleton.swcVertexOrder()
      #expect(order.sorted() == Array(skeleton.vertices.indices), "\(context): not a permutation")

      let read = try Skeleton(swc: text, id: 9)
      #expect(read.id == 9)
      try #require(read.vertices.count == skeleton.vertices.count, "\(context)")
      #expect(read.vertices.map(bits) == order.map { bits(skeleton.vertices[$0]) }, "\(context): vertices")
      #expect(
        read.radii.map { $0.map(\.bitPattern) } == order.map { skeleton.radii![$0].bitPattern }, "\(context): radii")
      #expect(read.vertexTypes == order.map { skeleton.vertexTypes![$0] }, "\(context): types")
      // A forest loses no edge: mapped back, the edges are the original ones.
      let mappedBack = read.edges.map { Edge(UInt32(order[Int($0.a)]), UInt32(order[Int($0.b)])) }
      #expect(
        GraphSamples.normalizedEdges(mappedBack) == GraphSamples.normalizedEdges(skeleton.edges), "\(context): edges")
      // Each line's parent comes before it, and the roots are the components' smallest vertices.
      #expect(read.edges.allSatisfy { $0.b < $0.a }, "\(context): a parent after its child")
      let labels = skeleton.componentLabels()
      let roots = Set(read.vertices.indices).subtracting(read.edges.map { Int($0.a) })
      let expectedRoots = Set(skeleton.vertices.indices.filter { v in !labels[..<v].contains(labels[v]) })
      #expect(Set(roots.map { order[$0] }) == expectedRoots, "\(context): roots")
      #expect(roots.count == skeleton.connectedComponentCount(), "\(context)")
      // Components come in the order of their roots.
      #expect(roots.sorted().map { order[$0] } == expectedRoots.sorted(), "\(context): component order")
      // Reading and writing again gives the same text, the walk now being the identity.
      #expect(read.swc() == text, "\(context): second export differs")
      #expect(read.swcVertexOrder() == Array(read.vertices.indices), "\(context)")
    }
  }

  @Test("Special floats: ±0, infinities, extremes and subnormals keep their bits")
  func roundTripSpecialFloats() throws {
    let values: [Float] = [
      0, -0.0, .infinity, -.infinity, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNonzeroMagnitude,
      .leastNormalMagnitude, Float(0.1), Float(1) / 3, Float(16_777_217), 1e-05, 1e+16, Float(1).nextUp,
    ]
    let skeleton = Skeleton(
      vertices: values.map { Vertex($0, -$0, $0 * 0.5) },
      edges: values.indices.dropFirst().map { Edge(UInt32($0), UInt32($0 - 1)) },
      radii: values, vertexTypes: values.indices.map { UInt8($0) })
    let read = try Skeleton(swc: skeleton.swc())
    #expect(skeleton.swcVertexOrder() == Array(values.indices))
    #expect(read.vertices.map(bits) == skeleton.vertices.map(bits))
    #expect(read.radii!.map(\.bitPattern) == values.map(\.bitPattern))
    #expect(read.edges == skeleton.edges)
  }

  @Test("A NaN coordinate or radius is written as nan and reads back as a NaN (its sign and payload are not kept)")
  func roundTripNaN() throws {
    let skeleton = Skeleton(
      vertices: [Vertex(.nan, 1, 2), Vertex(3, Float(bitPattern: 0xFFC0_0001), 4)], edges: [Edge(0, 1)],
      radii: [-.nan, 1], vertexTypes: [0, 0])
    let text = skeleton.swc()
    #expect(text == "1 0 nan 1.0 2.0 nan -1\n2 0 3.0 nan 4.0 1.0 1\n")
    let read = try Skeleton(swc: text)
    #expect(read.vertices[0].x.isNaN && read.vertices[1].y.isNaN)
    #expect(read.vertices[0].y == 1 && read.vertices[1].z == 4)
    #expect(read.radii![0].isNaN && read.radii![1] == 1)
  }

  @Test("Cycles, duplicate edges and self-loops are dropped: what is written is a spanning forest")
  func exportDropsNonTreeEdges() throws {
    var generator = SeededGenerator(seed: Self.seed &+ 1)
    for round in 0..<40 {
      let treeSizes = (0..<Int.random(in: 1...5, using: &generator)).map { _ in
        Int.random(in: 1...60, using: &generator)
      }
      var (skeleton, trees) = GraphSamples.forest(
        treeSizes: treeSizes, isolated: Int.random(in: 0...3, using: &generator), using: &generator)
      GraphSamples.addExtraEdges(to: &skeleton, trees: trees, count: 40, selfLoops: true, using: &generator)
      let context = "round \(round)"
      let order = skeleton.swcVertexOrder()
      let read = try Skeleton(swc: skeleton.swc())
      let mapped = read.edges.map { Edge(UInt32(order[Int($0.a)]), UInt32(order[Int($0.b)])).normalized }
      // V − C edges, no duplicates, no self-loops, each one of the original edges.
      #expect(read.edges.count == skeleton.vertices.count - skeleton.connectedComponentCount(), "\(context)")
      #expect(Set(mapped).count == mapped.count, "\(context): duplicate")
      #expect(mapped.allSatisfy { $0.a != $0.b }, "\(context): self-loop")
      #expect(Set(mapped).isSubset(of: Set(skeleton.edges.map(\.normalized))), "\(context): invented edge")
      // The same components.
      let originalLabels = skeleton.componentLabels()
      let readLabels = read.componentLabels()
      for i in read.vertices.indices {
        for j in [0, i / 2, read.vertices.count - 1] {
          #expect(
            (readLabels[i] == readLabels[j]) == (originalLabels[order[i]] == originalLabels[order[j]]), "\(context)")
        }
      }
    }
  }

  // MARK: Import

  @Test("Comments, blank lines, tabs, CRLF, any ids in any order, parents after children")
  func importLenient() throws {
    let text = """
      # a comment
         # an indented comment

      10\t2\t1.5\t2.5\t3.5\t0.25\t30
      \t
      30 1 -1 -2 -3 1e-3 -1\r
        20   3 +4 5.0 6e0 2 10  \r
      #7 1 1 1 1 1 -1
      40 0 0 0 0 0 -7
      """
    let skeleton = try Skeleton(swc: text)
    #expect(skeleton.id == nil)
    #expect(skeleton.vertices == [Vertex(1.5, 2.5, 3.5), Vertex(-1, -2, -3), Vertex(4, 5, 6), Vertex(0, 0, 0)])
    // (child, parent) in file order: 10 → 30, 20 → 10; 30 and 40 (parent -7) are roots.
    #expect(skeleton.edges == [Edge(0, 1), Edge(2, 0)])
    #expect(skeleton.radii == [0.25, Float("1e-3")!, 2, 0])
    #expect(skeleton.vertexTypes == [2, 1, 3, 0])
    #expect(skeleton.attributes.map(\.descriptor) == AttributeDescriptor.defaults)
  }

  @Test("Empty text and text of only comments give an empty skeleton with the default attributes")
  func importEmpty() throws {
    for text in ["", "\n\n", "# nothing\n  # here\n", "\r\n"] {
      let skeleton = try Skeleton(swc: text, id: 4)
      #expect(skeleton.isEmpty)
      #expect(skeleton.edges.isEmpty)
      #expect(skeleton.id == 4)
      #expect(skeleton.radii == [])
      #expect(skeleton.vertexTypes == [])
    }
  }

  @Test("Types span 0...255, and a tree given children first builds the same graph")
  func importTypesAndOrder() throws {
    let skeleton = try Skeleton(swc: "3 255 0 0 2 1 2\n2 0 0 0 1 1 1\n1 7 0 0 0 1 -1\n")
    #expect(skeleton.vertexTypes == [255, 0, 7])
    #expect(skeleton.edges == [Edge(0, 1), Edge(1, 2)])
    #expect(skeleton.vertices.map(\.z) == [2, 1, 0])
  }

  @Test(
    "Every malformed line is reported with its line number",
    arguments: [
      // (text, line, words the reason must contain)
      ("1 0 0 0 0 1\n", 1, ["7 columns", "found 6"]),
      ("# c\n1 0 0 0 0 1 -1\n2 0 0 0 0 1 # 1\n", 3, ["7 columns", "found 6"]),
      ("1 0 0 0 0 1 -1\n\nx 0 0 0 0 1 1\n", 3, ["id", "'x'", "not an integer"]),
      ("1.0 0 0 0 0 1 -1\n", 1, ["id", "'1.0'", "not an integer"]),
      ("1 2.5 0 0 0 1 -1\n", 1, ["type", "'2.5'", "not an integer"]),
      ("1 0 abc 0 0 1 -1\n", 1, ["x", "'abc'", "not a number"]),
      ("1 0 0 1,5 0 1 -1\n", 1, ["y", "'1,5'", "not a number"]),
      ("1 0 0 0 z 1 -1\n", 1, ["z", "'z'", "not a number"]),
      ("1 0 0 0 0 NA -1\n", 1, ["column 6", "radius", "'NA'", "not a number"]),
      ("1 0 0 0 0 1 -1\n2 0 0 0 0 1 one\n", 2, ["parent", "'one'", "not an integer"]),
      ("1 0 0 0 0 1 -1\n-3 0 0 0 0 1 1\n", 2, ["column 1", "id", "'-3'", "negative"]),
      ("1 256 0 0 0 1 -1\n", 1, ["column 2", "type", "'256'", "0...255"]),
      ("1 -1 0 0 0 1 -1\n", 1, ["type", "'-1'", "0...255"]),
      ("1 0 0 0 0 1 -1\n2 0 0 0 0 1 1\n# c\n2 0 0 0 0 1 1\n", 4, ["id 2 is repeated", "line 2"]),
      ("1 0 0 0 0 1 -1\n2 0 0 0 0 1 5\n3 0 0 0 0 1 1\n", 2, ["parent id 5", "not in the file"]),
      ("1 0 0 0 0 1 -1\n2 0 0 0 0 1 0\n", 2, ["parent id 0", "not in the file"]),
      ("1 0 0 0 0 1 -1\r\n\r\n3 0 0 0 0 1 3\r\n", 3, ["its own parent"]),
      ("1 0 0 0 0 1 -1\n2 0 0 0 0 1 4\n3 0 0 0 0 1 2\n4 0 0 0 0 1 3\n", 2, ["cycle of 3"]),
    ])
  func importErrors(text: String, line: Int, words: [String]) {
    do {
      let skeleton = try Skeleton(swc: text)
      Issue.record("read \(skeleton.vertices.count) vertices from an invalid file")
    } catch let error as SkeletonError where error.code == .invalidSWC {
      let reason = error.description
      #expect(error.line == line, "\(reason)")
      for word in words { #expect(reason.contains(word), "reason: \(reason)") }
    } catch {
      Issue.record("unexpected error \(error)")
    }
  }

  // MARK: osteoid

  @Test("osteoid's from_swc reads our SWC as the same graph, vertices, radii and types")
  func osteoidReadsOurs() throws {
    var generator = SeededGenerator(seed: Self.seed &+ 2)
    var skeletons: [Skeleton] = []
    for round in 0..<24 {
      let treeSizes = (0..<Int.random(in: 1...5, using: &generator)).map { _ in
        Int.random(in: 1...150, using: &generator)
      }
      var (skeleton, trees) = GraphSamples.forest(
        treeSizes: treeSizes, isolated: Int.random(in: 0...3, using: &generator), using: &generator)
      if round % 2 == 1 {
        GraphSamples.addExtraEdges(to: &skeleton, trees: trees, count: 20, selfLoops: true, using: &generator)
      }
      // Random bits, not only the six-decimal values: shortest round-tripping text must survive Python.
      skeleton.vertices = skeleton.vertices.map { _ in
        Vertex(
          Float.random(in: -1e5...1e5, using: &generator), Float.random(in: -1...1, using: &generator),
          Float(bitPattern: UInt32.random(in: 0..<0x7F80_0000, using: &generator)))
      }
      skeleton.radii = skeleton.vertices.map { _ in Float.random(in: 0..<10, using: &generator) }
      skeletons.append(skeleton)
    }
    skeletons.append(Skeleton(vertices: [], edges: []))
    let texts = skeletons.enumerated().map { index, skeleton in
      skeleton.swc(header: index % 3 == 0 ? "skeleton \(index)" : nil)
    }
    let results = try OsteoidSWCScript.read(texts)
    try #require(results.count == skeletons.count)
    for (index, (skeleton, result)) in zip(skeletons, results).enumerated() {
      let order = skeleton.swcVertexOrder()
      let ours = try Skeleton(swc: texts[index])
      #expect(result.vertices == order.flatMap { bits(skeleton.vertices[$0]) }, "skeleton \(index): vertices")
      #expect(result.radius == order.map { skeleton.radii![$0].bitPattern }, "skeleton \(index): radii")
      #expect(result.vertex_types == order.map { skeleton.vertexTypes![$0] }, "skeleton \(index): types")
      // The same graph as our own reading of the file.
      #expect(
        GraphSamples.normalizedEdges(result.edgeList) == GraphSamples.normalizedEdges(ours.edges),
        "skeleton \(index): edges")
    }
  }

  @Test("We read osteoid's to_swc as osteoid's from_swc does, and as the skeleton osteoid wrote")
  func weReadOsteoids() throws {
    var generator = SeededGenerator(seed: Self.seed &+ 3)
    var skeletons: [Skeleton] = []
    for round in 0..<24 {
      let treeSizes = (0..<Int.random(in: 1...5, using: &generator)).map { _ in
        Int.random(in: 2...150, using: &generator)
      }
      // No isolated vertices: osteoid's to_swc leaves them out.
      var (skeleton, trees) = GraphSamples.forest(treeSizes: treeSizes, isolated: 0, using: &generator)
      if round % 2 == 1 {
        // No self-loops: osteoid 0.7.4's components() keeps them in a single-component skeleton.
        GraphSamples.addExtraEdges(to: &skeleton, trees: trees, count: 20, selfLoops: false, using: &generator)
      }
      skeletons.append(skeleton)
    }
    let results = try OsteoidSWCScript.write(skeletons)
    try #require(results.count == skeletons.count)
    for (index, (skeleton, result)) in zip(skeletons, results).enumerated() {
      let context = "skeleton \(index)"
      let ours = try Skeleton(swc: result.swc)
      // As osteoid reads its own file.
      #expect(ours.vertices.flatMap(bits) == result.parsed.vertices, "\(context): vertices")
      #expect(ours.radii!.map(\.bitPattern) == result.parsed.radius, "\(context): radii")
      #expect(ours.vertexTypes! == result.parsed.vertex_types, "\(context): types")
      #expect(
        GraphSamples.normalizedEdges(ours.edges) == GraphSamples.normalizedEdges(result.parsed.edgeList),
        "\(context): edges")
      // As the skeleton osteoid wrote: the coordinates (exact in six decimals, distinct) say which
      // vertex each line is.
      let indexOf = Dictionary(uniqueKeysWithValues: skeleton.vertices.enumerated().map { (bits($1), $0) })
      let original = ours.vertices.compactMap { indexOf[bits($0)] }
      try #require(original.count == ours.vertices.count, "\(context): a vertex osteoid did not have")
      #expect(original.sorted() == Array(skeleton.vertices.indices), "\(context): vertices lost or repeated")
      #expect(ours.radii! == original.map { skeleton.radii![$0] }, "\(context): radii")
      #expect(ours.vertexTypes! == original.map { skeleton.vertexTypes![$0] }, "\(context): types")
      let mapped = ours.edges.map { Edge(UInt32(original[Int($0.a)]), UInt32(original[Int($0.b)])).normalized }
      if index % 2 == 0 {
        #expect(
          mapped.sorted { ($0.a, $0.b) < ($1.a, $1.b) } == GraphSamples.normalizedEdges(skeleton.edges),
          "\(context): edges")
      } else {
        #expect(Set(mapped).isSubset(of: Set(skeleton.edges.map(\.normalized))), "\(context): edges")
        #expect(mapped.count == skeleton.vertices.count - skeleton.connectedComponentCount(), "\(context): edges")
        #expect(ours.connectedComponentCount() == skeleton.connectedComponentCount(), "\(context): components")
      }
    }
  }
}

// MARK: - Helpers

/// The coordinates' bit patterns.
private func bits(_ v: Vertex) -> [UInt32] { [v.x.bitPattern, v.y.bitPattern, v.z.bitPattern] }

/// A random finite Float: any bit pattern but infinities and NaNs.
private func randomFinite(using generator: inout SeededGenerator) -> Float {
  while true {
    let value = Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &generator))
    if value.isFinite { return value }
  }
}

/// osteoid's SWC reader and writer, run on JSON sent through standard input.
private enum OsteoidSWCScript {
  /// A skeleton as osteoid holds it: float32 values as bit patterns.
  struct Parsed: Decodable, Sendable {
    var vertices: [UInt32]
    var edges: [UInt32]
    var radius: [UInt32]
    var vertex_types: [UInt8]

    var edgeList: [Edge] { stride(from: 0, to: edges.count, by: 2).map { Edge(edges[$0], edges[$0 + 1]) } }
  }

  struct Written: Decodable, Sendable {
    var swc: String
    var parsed: Parsed
  }

  private struct Case: Encodable {
    var vertices: [[Float]]
    var edges: [[UInt32]]
    var radii: [Float]
    var vertex_types: [UInt8]
  }

  static let prelude = #"""
    import json, sys
    import numpy as np
    from osteoid import Skeleton

    def parsed(skel):
      return {
        "vertices": np.asarray(skel.vertices, dtype=np.float32).view(np.uint32).reshape(-1).tolist(),
        "edges": np.asarray(skel.edges, dtype=np.uint32).reshape(-1).tolist(),
        "radius": np.asarray(skel.radius, dtype=np.float32).view(np.uint32).reshape(-1).tolist(),
        "vertex_types": np.asarray(skel.vertex_types, dtype=np.uint8).reshape(-1).tolist(),
      }

    """#

  /// Each text read with `Skeleton.from_swc`.
  static func read(_ texts: [String]) throws -> [Parsed] {
    let script =
      prelude + #"""
        print(json.dumps([parsed(Skeleton.from_swc(text)) for text in json.load(sys.stdin)]))
        """#
    let output = try ReferencePython.run(script, input: JSONEncoder().encode(texts))
    return try JSONDecoder().decode([Parsed].self, from: output)
  }

  /// Each skeleton built in osteoid, written with `to_swc()`, and that text read with `from_swc`.
  static func write(_ skeletons: [Skeleton]) throws -> [Written] {
    let script =
      prelude + #"""
        out = []
        for case in json.load(sys.stdin):
          skel = Skeleton(
            np.array(case["vertices"], dtype=np.float32).reshape(-1, 3),
            np.array(case["edges"], dtype=np.uint32).reshape(-1, 2),
            radii=np.array(case["radii"], dtype=np.float32),
            vertex_types=np.array(case["vertex_types"], dtype=np.uint8),
          )
          text = skel.to_swc()
          out.append({"swc": text, "parsed": parsed(Skeleton.from_swc(text))})
        print(json.dumps(out))
        """#
    let cases = skeletons.map { skeleton in
      Case(
        vertices: skeleton.vertices.map { [$0.x, $0.y, $0.z] }, edges: skeleton.edges.map { [$0.a, $0.b] },
        radii: skeleton.radii!, vertex_types: skeleton.vertexTypes!)
    }
    let output = try ReferencePython.run(script, input: JSONEncoder().encode(cases))
    return try JSONDecoder().decode([Written].self, from: output)
  }
}

@Suite("SWC byte-order mark")
struct SWCByteOrderMarkTests {
  @Test("A leading UTF-8 byte-order mark is skipped, not read as part of the first id")
  func byteOrderMark() throws {
    let skeleton = try Skeleton(swc: "\u{FEFF}1 1 0 0 0 1 -1\n2 3 1 0 0 0.5 1\n")
    #expect(skeleton.vertices == [Vertex(0, 0, 0), Vertex(1, 0, 0)])
    #expect(skeleton.edges == [Edge(1, 0)])
    #expect(skeleton.vertexTypes == [1, 3])
  }
}
