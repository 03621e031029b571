import Foundation
import MapBufferTestSupport
import SkeletonModel
import Testing

@Suite("Connected components")
struct ComponentsTests {
  static let seed: UInt64 = 0xC0_4E0_2E47

  // MARK: Hand-worked cases

  /// Vertex 0 alone; 1, 3, 5 joined through 1; 2 and 4 joined (twice, once reversed); 6 with a
  /// self-loop only.
  static let handGraph = Skeleton(
    id: 77,
    vertices: (0..<7).map { Vertex(Float($0), 0, 0) },
    edges: [Edge(5, 1), Edge(1, 3), Edge(2, 4), Edge(6, 6), Edge(4, 2)],
    attributes: VertexIdentityAttributes.every(vertexCount: 7))

  @Test("Labels are numbered by each component's smallest vertex; isolated and self-looped vertices stand alone")
  func handLabels() {
    let skeleton = Self.handGraph
    #expect(skeleton.componentLabels() == [0, 1, 2, 1, 2, 1, 3])
    #expect(skeleton.connectedComponentCount() == 4)
  }

  @Test("Components keep vertex order, edge order and orientation, duplicates, self-loops, attributes and id")
  func handComponents() throws {
    let components = Self.handGraph.connectedComponents()
    try #require(components.count == 4)

    #expect(components[0].vertices == [Vertex(0, 0, 0)])
    #expect(components[0].edges.isEmpty)

    #expect(components[1].vertices == [Vertex(1, 0, 0), Vertex(3, 0, 0), Vertex(5, 0, 0)])
    // (5, 1) → (2, 0) and (1, 3) → (0, 1), in that order.
    #expect(components[1].edges == [Edge(2, 0), Edge(0, 1)])

    #expect(components[2].vertices == [Vertex(2, 0, 0), Vertex(4, 0, 0)])
    #expect(components[2].edges == [Edge(0, 1), Edge(1, 0)])

    #expect(components[3].vertices == [Vertex(6, 0, 0)])
    #expect(components[3].edges == [Edge(0, 0)])

    for component in components { #expect(component.id == 77) }
    try VertexIdentityAttributes.expectCarried(components[0], from: Self.handGraph, rows: [0])
    try VertexIdentityAttributes.expectCarried(components[1], from: Self.handGraph, rows: [1, 3, 5])
    try VertexIdentityAttributes.expectCarried(components[2], from: Self.handGraph, rows: [2, 4])
    try VertexIdentityAttributes.expectCarried(components[3], from: Self.handGraph, rows: [6])
  }

  @Test("A skeleton without vertices has no components")
  func empty() {
    let skeleton = Skeleton(id: 3)
    #expect(skeleton.componentLabels().isEmpty)
    #expect(skeleton.connectedComponentCount() == 0)
    #expect(skeleton.connectedComponents().isEmpty)
  }

  @Test("One vertex, no edges: one component holding it")
  func single() {
    let skeleton = Skeleton(vertices: [Vertex(1, 2, 3)], edges: [], radii: [4], vertexTypes: [5])
    #expect(skeleton.componentLabels() == [0])
    #expect(skeleton.connectedComponentCount() == 1)
    #expect(skeleton.connectedComponents() == [skeleton])
  }

  @Test("Edges naming a missing vertex join nothing and are dropped from the components")
  func outOfRangeEdges() {
    let skeleton = Skeleton(
      vertices: [Vertex(0, 0, 0), Vertex(1, 0, 0), Vertex(2, 0, 0)],
      edges: [Edge(0, 9), Edge(2, 1), Edge(7, 2), Edge(UInt32.max, 0)])
    #expect(skeleton.componentLabels() == [0, 1, 1])
    #expect(skeleton.connectedComponentCount() == 2)
    let components = skeleton.connectedComponents()
    #expect(components.map(\.vertices) == [[Vertex(0, 0, 0)], [Vertex(1, 0, 0), Vertex(2, 0, 0)]])
    #expect(components.map(\.edges) == [[], [Edge(1, 0)]])
  }

  @Test("A connected skeleton is its own only component")
  func connectedIsItself() {
    var generator = SeededGenerator(seed: Self.seed)
    let (skeleton, _) = GraphSamples.forest(treeSizes: [40], isolated: 0, using: &generator)
    #expect(skeleton.connectedComponentCount() == 1)
    #expect(Set(skeleton.componentLabels()) == [0])
    #expect(skeleton.connectedComponents() == [skeleton])
  }

  @Test("A 300 000-vertex path is one component (no recursion), split in two when its middle edge goes")
  func longPath() {
    let count = 300_000
    var skeleton = Skeleton(
      vertices: (0..<count).map { Vertex(Float($0), 0, 0) },
      edges: (1..<count).map { Edge(UInt32($0), UInt32($0 - 1)) })
    #expect(skeleton.connectedComponentCount() == 1)
    skeleton.edges.remove(at: count / 2)
    let labels = skeleton.componentLabels()
    #expect(skeleton.connectedComponentCount() == 2)
    #expect(labels[count / 2] == 0 && labels[count / 2 + 1] == 1)
    #expect(labels.prefix(count / 2 + 1).allSatisfy { $0 == 0 })
    #expect(labels.dropFirst(count / 2 + 1).allSatisfy { $0 == 1 })
  }

  // MARK: Random graphs against known structure

  @Test("Random forests: one component per tree, labels by smallest vertex, components partition the skeleton")
  func randomForests() throws {
    var generator = SeededGenerator(seed: Self.seed &+ 1)
    for round in 0..<40 {
      let treeSizes = (0..<Int.random(in: 1...8, using: &generator)).map { _ in
        Int.random(in: 1...60, using: &generator)
      }
      let isolated = Int.random(in: 0...5, using: &generator)
      var (skeleton, trees) = GraphSamples.forest(treeSizes: treeSizes, isolated: isolated, using: &generator)
      GraphSamples.addExtraEdges(
        to: &skeleton, trees: trees, count: round % 3 == 0 ? 0 : 25, selfLoops: true, using: &generator)
      skeleton.attributes = VertexIdentityAttributes.every(vertexCount: skeleton.vertices.count)
      skeleton.id = UInt64(round)
      // Every vertex outside the trees is a component of one.
      let inTrees = Set(trees.joined())
      let allTrees = trees + skeleton.vertices.indices.filter { !inTrees.contains($0) }.map { [$0] }
      #expect(allTrees.count == treeSizes.count + isolated)
      try checkPartition(skeleton, expectedGroups: allTrees, context: "round \(round)")
    }
  }

  @Test("Random multigraphs agree with an independent union-find")
  func randomMultigraphs() throws {
    var generator = SeededGenerator(seed: Self.seed &+ 2)
    for round in 0..<40 {
      let vertexCount = Int.random(in: 0...200, using: &generator)
      // Sparse enough to leave several components.
      let edgeCount = vertexCount == 0 ? 0 : Int.random(in: 0...vertexCount, using: &generator)
      let edges = (0..<edgeCount).map { _ in
        Edge(
          UInt32.random(in: 0..<UInt32(vertexCount), using: &generator),
          UInt32.random(in: 0..<UInt32(vertexCount), using: &generator))
      }
      var skeleton = Skeleton(vertices: (0..<vertexCount).map { Vertex(Float($0), 1, 2) }, edges: edges)
      skeleton.attributes = VertexIdentityAttributes.every(vertexCount: vertexCount)
      try checkPartition(skeleton, expectedGroups: unionFindGroups(skeleton), context: "round \(round)")
    }
  }

  /// Checks labels, count and components of `skeleton` against `expectedGroups`, the vertex
  /// sets of its components in any order.
  private func checkPartition(
    _ skeleton: Skeleton, expectedGroups: [[Int]], context: String, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let labels = skeleton.componentLabels()
    let count = skeleton.connectedComponentCount()
    #expect(labels.count == skeleton.vertices.count, "\(context)", sourceLocation: sourceLocation)
    #expect(count == expectedGroups.count, "\(context)", sourceLocation: sourceLocation)
    // Components numbered by smallest vertex: sorting the groups by their minimum gives label order.
    let ordered = expectedGroups.map { $0.sorted() }.sorted { $0[0] < $1[0] }
    var expectedLabels = [Int](repeating: -1, count: skeleton.vertices.count)
    for (label, group) in ordered.enumerated() { for v in group { expectedLabels[v] = label } }
    #expect(labels == expectedLabels, "\(context)", sourceLocation: sourceLocation)

    let components = skeleton.connectedComponents()
    #expect(components.count == count, "\(context)", sourceLocation: sourceLocation)
    #expect(
      components.map(\.vertices.count).reduce(0, +) == skeleton.vertices.count, "\(context)",
      sourceLocation: sourceLocation)
    #expect(
      components.map(\.edges.count).reduce(0, +) == skeleton.edges.count, "\(context)", sourceLocation: sourceLocation)
    for (label, (component, group)) in zip(components, ordered).enumerated() {
      #expect(component.id == skeleton.id, sourceLocation: sourceLocation)
      #expect(
        component.vertices == group.map { skeleton.vertices[$0] }, "\(context) component \(label)",
        sourceLocation: sourceLocation)
      // The component's edges: the original edges inside the group, in order, re-indexed.
      let local = Dictionary(uniqueKeysWithValues: group.enumerated().map { ($1, UInt32($0)) })
      let expectedEdges = skeleton.edges.compactMap { edge -> Edge? in
        guard let a = local[Int(edge.a)], let b = local[Int(edge.b)] else { return nil }
        return Edge(a, b)
      }
      #expect(component.edges == expectedEdges, "\(context) component \(label)", sourceLocation: sourceLocation)
      // Each component is connected.
      #expect(component.connectedComponentCount() == 1, "\(context) component \(label)", sourceLocation: sourceLocation)
      try VertexIdentityAttributes.expectCarried(component, from: skeleton, rows: group, sourceLocation: sourceLocation)
    }
  }

  // MARK: osteoid

  @Test("osteoid's components() counts the components that have an edge; ours also counts isolated vertices")
  func osteoidComponents() throws {
    var generator = SeededGenerator(seed: Self.seed &+ 3)
    var skeletons: [Skeleton] = []
    for round in 0..<30 {
      let treeSizes = (0..<Int.random(in: 1...6, using: &generator)).map { _ in
        Int.random(in: 2...80, using: &generator)
      }
      var (skeleton, trees) = GraphSamples.forest(
        treeSizes: round == 0 ? [] : treeSizes, isolated: round % 4 == 0 ? 0 : Int.random(in: 1...5, using: &generator),
        using: &generator)
      // osteoid 0.7.4's components() fails on a component made of a lone self-looped vertex,
      // so self-loops go only on vertices that have other edges.
      GraphSamples.addExtraEdges(
        to: &skeleton, trees: trees, count: round % 2 == 0 ? 0 : 15, selfLoops: true, using: &generator)
      skeletons.append(skeleton)
    }
    let results = try OsteoidGraphScript.run(skeletons)
    try #require(results.count == skeletons.count)
    for (index, (skeleton, result)) in zip(skeletons, results).enumerated() {
      let sizes = skeleton.connectedComponents().map(\.vertices.count)
      #expect(result.components == sizes.filter { $0 >= 2 }.count, "skeleton \(index)")
      // Ours: the isolated vertices are components too.
      #expect(skeleton.connectedComponentCount() == sizes.count, "skeleton \(index)")
      #expect(sizes.filter { $0 == 1 }.count == GraphSamples.isolatedVertices(of: skeleton).count, "skeleton \(index)")
    }
  }
}

/// The vertex sets of the components of `skeleton`, by a union-find with path halving.
private func unionFindGroups(_ skeleton: Skeleton) -> [[Int]] {
  var parent = Array(skeleton.vertices.indices)
  func find(_ v: Int) -> Int {
    var v = v
    while parent[v] != v {
      parent[v] = parent[parent[v]]
      v = parent[v]
    }
    return v
  }
  for edge in skeleton.edges where Int(edge.a) < parent.count && Int(edge.b) < parent.count {
    let (a, b) = (find(Int(edge.a)), find(Int(edge.b)))
    if a != b { parent[max(a, b)] = min(a, b) }
  }
  var groups: [Int: [Int]] = [:]
  for v in skeleton.vertices.indices { groups[find(v), default: []].append(v) }
  return Array(groups.values)
}

// MARK: - Shared generators

/// Random graphs of known structure for the skeleton-operation tests.
enum GraphSamples {
  /// A forest of trees of `treeSizes` vertices plus `isolated` vertices without edges, every
  /// vertex at a shuffled index, the edges in shuffled order and orientation.
  ///
  /// Coordinates are distinct and exact in six decimals (y is the vertex index, x and z are
  /// multiples of 1/4 and 1/8), radii are multiples of 1/8 below 10, types are 0..<8.
  ///
  /// - Returns: The skeleton and each tree's vertex indices.
  static func forest(
    treeSizes: [Int], isolated: Int, using generator: inout SeededGenerator
  ) -> (skeleton: Skeleton, trees: [[Int]]) {
    let total = treeSizes.reduce(0, +) + isolated
    let slots = Array(0..<total).shuffled(using: &generator)
    var next = 0
    var trees: [[Int]] = []
    var edges: [Edge] = []
    for size in treeSizes {
      let tree = Array(slots[next..<(next + size)])
      next += size
      for k in tree.indices.dropFirst() {
        let parent = tree[Int.random(in: 0..<k, using: &generator)]
        edges.append(
          Bool.random(using: &generator) ? Edge(UInt32(tree[k]), UInt32(parent)) : Edge(UInt32(parent), UInt32(tree[k]))
        )
      }
      trees.append(tree)
    }
    edges.shuffle(using: &generator)
    let vertices = (0..<total).map { index in
      Vertex(
        Float(Int.random(in: -4000...4000, using: &generator)) / 4, Float(index),
        Float(Int.random(in: 0...8000, using: &generator)) / 8)
    }
    let skeleton = Skeleton(
      vertices: vertices, edges: edges,
      radii: (0..<total).map { _ in Float(Int.random(in: 0..<80, using: &generator)) / 8 },
      vertexTypes: (0..<total).map { _ in UInt8.random(in: 0..<8, using: &generator) })
    return (skeleton, trees)
  }

  /// Appends `count` edges inside the trees, each a duplicate of an existing edge (either
  /// orientation), an edge closing a cycle, or, when `selfLoops`, a self-loop on a vertex of a
  /// tree of two or more vertices. The components stay the same.
  static func addExtraEdges(
    to skeleton: inout Skeleton, trees: [[Int]], count: Int, selfLoops: Bool, using generator: inout SeededGenerator
  ) {
    let joined = trees.filter { $0.count >= 2 }
    guard !joined.isEmpty, !skeleton.edges.isEmpty else { return }
    for _ in 0..<count {
      let tree = joined.randomElement(using: &generator)!
      switch Int.random(in: 0..<(selfLoops ? 3 : 2), using: &generator) {
      case 0:
        let edge = skeleton.edges.randomElement(using: &generator)!
        skeleton.edges.append(Bool.random(using: &generator) ? edge : Edge(edge.b, edge.a))
      case 1:
        let a = tree.randomElement(using: &generator)!
        let b = tree.randomElement(using: &generator)!
        if a != b { skeleton.edges.append(Edge(UInt32(a), UInt32(b))) }
      default:
        let v = UInt32(tree.randomElement(using: &generator)!)
        skeleton.edges.append(Edge(v, v))
      }
    }
  }

  /// The vertices that no edge joins to another vertex, ascending.
  static func isolatedVertices(of skeleton: Skeleton) -> [Int] {
    var joined = [Bool](repeating: false, count: skeleton.vertices.count)
    for edge in skeleton.edges where edge.a != edge.b {
      joined[Int(edge.a)] = true
      joined[Int(edge.b)] = true
    }
    return joined.indices.filter { !joined[$0] }
  }

  /// The edges with their ends in ascending order, as a multiset (sorted array).
  static func normalizedEdges(_ edges: [Edge]) -> [Edge] {
    edges.map(\.normalized).sorted { ($0.a, $0.b) < ($1.a, $1.b) }
  }
}

// MARK: - osteoid's graph queries

/// osteoid's `terminals()`, `branches()` and `len(components())` for skeletons sent as JSON.
enum OsteoidGraphScript {
  struct Result: Decodable, Sendable {
    var terminals: [Int]
    var branches: [Int]
    var components: Int
  }

  private struct Case: Encodable {
    var vertex_count: Int
    var edges: [[UInt32]]
  }

  static let script = #"""
    import json, sys
    import numpy as np
    from osteoid import Skeleton
    out = []
    for case in json.load(sys.stdin):
      verts = np.zeros((case["vertex_count"], 3), dtype=np.float32)
      edges = np.array(case["edges"], dtype=np.uint32).reshape(-1, 2)
      skel = Skeleton(verts, edges)
      out.append({
        "terminals": [int(v) for v in skel.terminals()],
        "branches": [int(v) for v in skel.branches()],
        "components": len(skel.components()),
      })
    print(json.dumps(out))
    """#

  static func run(_ skeletons: [Skeleton]) throws -> [Result] {
    let cases = skeletons.map { Case(vertex_count: $0.vertices.count, edges: $0.edges.map { [$0.a, $0.b] }) }
    let output = try ReferencePython.run(script, input: JSONEncoder().encode(cases))
    return try JSONDecoder().decode([Result].self, from: output)
  }
}
