import Foundation
import MapBufferTestSupport
import SkeletonModel
import Testing

@Suite("Skeleton geometry")
struct GeometryTests {
  static let seed: UInt64 = 0x6E0_3E7_2A

  // MARK: Cable length

  @Test("Cable length sums the edges' Euclidean lengths: 3-4-5 and 5-12-13 triangles")
  func cableLengthHand() {
    let skeleton = Skeleton(
      vertices: [Vertex(0, 0, 0), Vertex(3, 4, 0), Vertex(3, 4, 12), Vertex(-1, -1, -1)],
      edges: [Edge(0, 1), Edge(2, 1)])
    #expect(skeleton.cableLength == 5 + 12)
    // The unjoined vertex adds nothing; an edge to it adds sqrt(1 + 1 + 1).
    var joined = skeleton
    joined.edges.append(Edge(3, 0))
    #expect(joined.cableLength == 17 + 3.0.squareRoot())
  }

  @Test("Duplicated edges count twice, self-loops add nothing, edges to missing vertices are ignored")
  func cableLengthMultigraph() {
    let skeleton = Skeleton(
      vertices: [Vertex(0, 0, 0), Vertex(0, 0, 2), Vertex(0, 6, 2)],
      edges: [Edge(0, 1), Edge(1, 0), Edge(2, 2), Edge(1, 2), Edge(0, 3), Edge(9, 1), Edge(UInt32.max, UInt32.max)])
    #expect(skeleton.cableLength == 2 + 2 + 0 + 6)
  }

  @Test("No edges, no vertices: zero")
  func cableLengthEmpty() {
    #expect(Skeleton().cableLength == 0)
    #expect(Skeleton(vertices: [Vertex(1, 2, 3)], edges: []).cableLength == 0)
  }

  @Test("Cable length is computed in Double: no Float overflow or underflow of the squares")
  func cableLengthDouble() {
    // In Float, 3e20 squared overflows to infinity and 1e-30 squared underflows to zero.
    let big = Skeleton(vertices: [Vertex(0, 0, 0), Vertex(3e20, 4e20, 0)], edges: [Edge(0, 1)])
    let expectedBig = hypot(Double(Float(3e20)), Double(Float(4e20)))
    #expect(big.cableLength.isFinite)
    #expect(abs(big.cableLength - expectedBig) <= expectedBig * 1e-15)
    let tiny = Skeleton(vertices: [Vertex(0, 0, 0), Vertex(1e-30, 0, 0)], edges: [Edge(1, 0)])
    #expect(tiny.cableLength == Double(Float(1e-30)))
    // A difference Float cannot hold exactly: 16777217 - (-0.5) needs 26 bits.
    let wide = Skeleton(vertices: [Vertex(16_777_216, 0, 0), Vertex(-0.5, 0, 0)], edges: [Edge(0, 1)])
    #expect(wide.cableLength == 16_777_216.5)
  }

  @Test("Random axis-aligned integer paths: the cable length is the sum of the steps, exactly")
  func cableLengthRandomPaths() {
    var generator = SeededGenerator(seed: Self.seed)
    for _ in 0..<30 {
      var position = SIMD3<Int>(0, 0, 0)
      var vertices = [Vertex(0, 0, 0)]
      var total = 0
      for _ in 0..<Int.random(in: 0...200, using: &generator) {
        let axis = Int.random(in: 0..<3, using: &generator)
        let step = Int.random(in: -50...50, using: &generator)
        position[axis] += step
        total += abs(step)
        vertices.append(Vertex(Float(position.x), Float(position.y), Float(position.z)))
      }
      let edges = (1..<max(vertices.count, 1)).map { Edge(UInt32($0 - 1), UInt32($0)) }
      let skeleton = Skeleton(vertices: vertices, edges: edges.shuffled(using: &generator))
      #expect(skeleton.cableLength == Double(total))
    }
  }

  // MARK: Degrees, terminals, branches

  @Test("Degrees count edge ends as in a multigraph; terminals have degree 1, branches 3 or more")
  func degreesHand() {
    // 0 — 1 — 2, 1 — 3 (1 is a branch); 3 — 4 twice (4 has degree 2); 5 alone; 6 — 7 with a
    // self-loop on 7 (degree 3); 8 with a self-loop only (degree 2); an edge to a missing vertex.
    let skeleton = Skeleton(
      vertices: (0..<9).map { Vertex(Float($0), 0, 0) },
      edges: [
        Edge(0, 1), Edge(2, 1), Edge(1, 3), Edge(3, 4), Edge(4, 3), Edge(6, 7), Edge(7, 7), Edge(8, 8), Edge(2, 40),
      ])
    #expect(skeleton.vertexDegrees() == [1, 3, 1, 3, 2, 0, 1, 3, 2])
    #expect(skeleton.terminalVertices == [0, 2, 6])
    #expect(skeleton.branchVertices == [1, 3, 7])
  }

  @Test("A path has its two ends as terminals and no branch; a star has its leaves as terminals")
  func degreesShapes() {
    let path = Skeleton(
      vertices: (0..<5).map { Vertex(Float($0), 0, 0) }, edges: [Edge(3, 4), Edge(0, 1), Edge(2, 1), Edge(3, 2)])
    #expect(path.vertexDegrees() == [1, 2, 2, 2, 1])
    #expect(path.terminalVertices == [0, 4])
    #expect(path.branchVertices.isEmpty)

    let star = Skeleton(
      vertices: (0..<6).map { Vertex(Float($0), 0, 0) },
      edges: [Edge(5, 2), Edge(2, 0), Edge(1, 2), Edge(2, 3), Edge(4, 2)])
    #expect(star.terminalVertices == [0, 1, 3, 4, 5])
    #expect(star.branchVertices == [2])

    let two = Skeleton(vertices: [Vertex(0, 0, 0), Vertex(1, 0, 0)], edges: [Edge(1, 0)])
    #expect(two.terminalVertices == [0, 1])

    #expect(Skeleton().vertexDegrees().isEmpty)
    #expect(Skeleton().terminalVertices.isEmpty)
    #expect(Skeleton(vertices: [Vertex(0, 0, 0)], edges: []).terminalVertices.isEmpty)
  }

  @Test("Random trees: degrees sum to twice the edges, and tips = 2 + Σ (degree − 2) over branch points")
  func degreesRandomTrees() {
    var generator = SeededGenerator(seed: Self.seed &+ 1)
    for _ in 0..<40 {
      let (tree, _) = GraphSamples.forest(
        treeSizes: [Int.random(in: 2...300, using: &generator)], isolated: 0, using: &generator)
      let degrees = tree.vertexDegrees()
      #expect(degrees.reduce(0, +) == 2 * tree.edges.count)
      #expect(degrees.allSatisfy { $0 >= 1 })
      let branchExcess = tree.branchVertices.map { degrees[$0] - 2 }.reduce(0, +)
      #expect(tree.terminalVertices.count == 2 + branchExcess)
      #expect(tree.terminalVertices == tree.terminalVertices.sorted())
      #expect(tree.branchVertices == tree.branchVertices.sorted())
      // Every vertex is a terminal, a branch, or of degree 2, and never two of these.
      let terminals = Set(tree.terminalVertices)
      let branches = Set(tree.branchVertices)
      #expect(terminals.isDisjoint(with: branches))
      for v in tree.vertices.indices where !terminals.contains(v) && !branches.contains(v) { #expect(degrees[v] == 2) }
    }
  }

  @Test("Random multigraphs: each edge end adds one, self-loops two, edges to missing vertices nothing")
  func degreesRandomMultigraphs() {
    var generator = SeededGenerator(seed: Self.seed &+ 2)
    for _ in 0..<30 {
      let count = Int.random(in: 1...80, using: &generator)
      var expected = [Int](repeating: 0, count: count)
      var edges: [Edge] = []
      var valid = 0
      for _ in 0..<Int.random(in: 0...150, using: &generator) {
        let a = UInt32.random(in: 0..<UInt32(count + 3), using: &generator)
        let b = Bool.random(using: &generator) ? a : UInt32.random(in: 0..<UInt32(count + 3), using: &generator)
        edges.append(Edge(a, b))
        if Int(a) < count && Int(b) < count {
          expected[Int(a)] += 1
          expected[Int(b)] += 1
          valid += 1
        }
      }
      let skeleton = Skeleton(vertices: (0..<count).map { Vertex(Float($0), 0, 0) }, edges: edges)
      #expect(skeleton.vertexDegrees() == expected)
      #expect(skeleton.vertexDegrees().reduce(0, +) == 2 * valid)
      #expect(skeleton.terminalVertices == expected.indices.filter { expected[$0] == 1 })
      #expect(skeleton.branchVertices == expected.indices.filter { expected[$0] >= 3 })
    }
  }

  @Test("osteoid's terminals() and branches() agree with ours, duplicates and self-loops included")
  func osteoidTerminalsAndBranches() throws {
    var generator = SeededGenerator(seed: Self.seed &+ 3)
    var skeletons: [Skeleton] = []
    for round in 0..<30 {
      let treeSizes = (0..<Int.random(in: 1...5, using: &generator)).map { _ in
        Int.random(in: 2...120, using: &generator)
      }
      var (skeleton, trees) = GraphSamples.forest(
        treeSizes: treeSizes, isolated: Int.random(in: 0...4, using: &generator), using: &generator)
      GraphSamples.addExtraEdges(
        to: &skeleton, trees: trees, count: round % 3 == 0 ? 0 : 30, selfLoops: true, using: &generator)
      skeletons.append(skeleton)
    }
    // Without edges, nothing is a terminal or a branch, also for osteoid.
    skeletons.append(Skeleton(vertices: [Vertex(0, 0, 0), Vertex(1, 1, 1)], edges: []))
    #expect(skeletons.contains { !$0.branchVertices.isEmpty && $0.edges.contains { $0.a == $0.b } })
    let results = try OsteoidGraphScript.run(skeletons)
    try #require(results.count == skeletons.count)
    for (index, (skeleton, result)) in zip(skeletons, results).enumerated() {
      #expect(skeleton.terminalVertices == result.terminals, "skeleton \(index)")
      #expect(skeleton.branchVertices == result.branches, "skeleton \(index)")
    }
  }

  // MARK: Bounding box

  @Test("The bounding box is the per-axis minimum and maximum; nil without vertices")
  func boundingBoxHand() {
    #expect(Skeleton().boundingBox == nil)
    let single = Skeleton(vertices: [Vertex(1, -2, 3)], edges: [])
    #expect(single.boundingBox == BoundingBox(minimum: Vertex(1, -2, 3), maximum: Vertex(1, -2, 3)))
    let skeleton = Skeleton(
      vertices: [Vertex(1, 5, -3), Vertex(-2, 7, 0), Vertex(4, -1, 2.5), Vertex(0, 0, 0)],
      edges: [])  // edges do not matter
    #expect(skeleton.boundingBox == BoundingBox(minimum: Vertex(-2, -1, -3), maximum: Vertex(4, 7, 2.5)))
    let infinite = Skeleton(vertices: [Vertex(.infinity, 0, -.infinity), Vertex(0, 1, 0)], edges: [])
    #expect(infinite.boundingBox == BoundingBox(minimum: Vertex(0, 0, -.infinity), maximum: Vertex(.infinity, 1, 0)))
  }

  @Test("NaN coordinates are ignored; an axis of only NaNs gives an empty box that contains nothing")
  func boundingBoxNaN() throws {
    let skeleton = Skeleton(
      vertices: [Vertex(.nan, 2, .nan), Vertex(1, .nan, .nan), Vertex(3, -4, .nan)], edges: [])
    let box = try #require(skeleton.boundingBox)
    #expect(box.minimum.x == 1 && box.maximum.x == 3)
    #expect(box.minimum.y == -4 && box.maximum.y == 2)
    #expect(box.minimum.z == .infinity && box.maximum.z == -.infinity)
    #expect(!box.contains(Vertex(2, 0, 0)))
    #expect(!skeleton.vertices.contains { box.contains($0) })
  }

  @Test("contains is closed on faces, edges and corners, and false just outside")
  func containsClosed() {
    let box = BoundingBox(minimum: Vertex(-1, 0, 2), maximum: Vertex(3, 5, 2.5))
    // Corners.
    for x: Float in [-1, 3] {
      for y: Float in [0, 5] { for z: Float in [2, 2.5] { #expect(box.contains(Vertex(x, y, z))) } }
    }
    #expect(box.contains(Vertex(1, 2, 2.25)))
    #expect(box.contains(Vertex(-1, 2, 2.25)))  // a face
    #expect(box.contains(Vertex(3, 5, 2.25)))  // an edge
    // Just outside, on each side of each axis.
    #expect(!box.contains(Vertex(Float(-1).nextDown, 2, 2.25)))
    #expect(!box.contains(Vertex(Float(3).nextUp, 2, 2.25)))
    #expect(!box.contains(Vertex(1, Float(0).nextDown, 2.25)))
    #expect(!box.contains(Vertex(1, Float(5).nextUp, 2.25)))
    #expect(!box.contains(Vertex(1, 2, Float(2).nextDown)))
    #expect(!box.contains(Vertex(1, 2, Float(2.5).nextUp)))
    // -0.0 equals 0.0, so it is on the y = 0 face.
    #expect(box.contains(Vertex(1, -0.0, 2)))
  }

  @Test("A point box contains its point; NaN is never inside; an inverted box contains nothing")
  func containsSpecial() {
    let v = Vertex(0.1, -7, 1e30)
    #expect(BoundingBox(minimum: v, maximum: v).contains(v))
    #expect(!BoundingBox(minimum: v, maximum: v).contains(Vertex(0.1, -7, Float(1e30).nextUp)))
    let everything = BoundingBox(
      minimum: Vertex(-.infinity, -.infinity, -.infinity), maximum: Vertex(.infinity, .infinity, .infinity))
    #expect(everything.contains(Vertex(.infinity, -.infinity, 0)))
    #expect(!everything.contains(Vertex(.nan, 0, 0)))
    #expect(!everything.contains(Vertex(0, .nan, 0)))
    #expect(!everything.contains(Vertex(0, 0, .nan)))
    let inverted = BoundingBox(minimum: Vertex(0, 0, 1), maximum: Vertex(1, 1, 0))
    #expect(!inverted.contains(Vertex(0.5, 0.5, 0.5)))
    #expect(!inverted.contains(Vertex(0, 0, 0)))
    #expect(!inverted.contains(Vertex(1, 1, 1)))
  }

  @Test("Random skeletons: the box holds every vertex and each face touches one")
  func boundingBoxRandom() throws {
    var generator = SeededGenerator(seed: Self.seed &+ 4)
    for _ in 0..<40 {
      let vertices = (0..<Int.random(in: 1...100, using: &generator)).map { _ in
        Vertex(
          Float.random(in: -1e6...1e6, using: &generator), Float.random(in: -1...1, using: &generator),
          Float.random(in: 0...1e-3, using: &generator))
      }
      let box = try #require(Skeleton(vertices: vertices, edges: []).boundingBox)
      #expect(vertices.allSatisfy { box.contains($0) })
      #expect(box.minimum == Vertex(vertices.map(\.x).min()!, vertices.map(\.y).min()!, vertices.map(\.z).min()!))
      #expect(box.maximum == Vertex(vertices.map(\.x).max()!, vertices.map(\.y).max()!, vertices.map(\.z).max()!))
      // Shrinking any face by one ulp leaves a vertex outside.
      var shrunk = box
      shrunk.minimum.x = shrunk.minimum.x.nextUp
      #expect(!vertices.allSatisfy { shrunk.contains($0) })
      shrunk = box
      shrunk.maximum.z = shrunk.maximum.z.nextDown
      #expect(!vertices.allSatisfy { shrunk.contains($0) })
    }
  }
}
