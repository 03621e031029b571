import Foundation

/// The skeleton's graph as compressed adjacency lists: the neighbours of vertex `v` are
/// `neighbors[offsets[v]..<offsets[v + 1]]`, in edge order. Each edge appears at both ends
/// (a self-loop twice at its vertex); edges naming a missing vertex are left out.
struct SkeletonAdjacency {
  /// `vertexCount + 1` offsets into `neighbors`.
  var offsets: [Int]
  /// The neighbours of every vertex, concatenated (vertex indices fit in 32 bits, as in edges).
  var neighbors: [UInt32]

  init(_ skeleton: Skeleton) {
    let count = skeleton.vertices.count
    var offsets = [Int](repeating: 0, count: count + 1)
    for edge in skeleton.edges {
      let a = Int(edge.a)
      let b = Int(edge.b)
      guard a < count, b < count else { continue }
      offsets[a + 1] += 1
      offsets[b + 1] += 1
    }
    for v in 0..<count { offsets[v + 1] += offsets[v] }
    var neighbors = [UInt32](repeating: 0, count: offsets[count])
    // Fill with offsets[v] as vertex v's cursor, which leaves it at v's end (v + 1's start),
    // then shift back: no second array of cursors.
    for edge in skeleton.edges {
      let a = Int(edge.a)
      let b = Int(edge.b)
      guard a < count, b < count else { continue }
      neighbors[offsets[a]] = edge.b
      offsets[a] += 1
      neighbors[offsets[b]] = edge.a
      offsets[b] += 1
    }
    for v in stride(from: count, to: 0, by: -1) { offsets[v] = offsets[v - 1] }
    offsets[0] = 0
    self.offsets = offsets
    self.neighbors = neighbors
  }

  /// The neighbours of `vertex`, in edge order.
  func neighbors(of vertex: Int) -> ArraySlice<UInt32> {
    neighbors[offsets[vertex]..<offsets[vertex + 1]]
  }
}

extension Skeleton {
  /// The connected component of every vertex, numbered from 0 in the order of each component's
  /// smallest vertex index: vertex 0 is in component 0, the first vertex not joined to it starts
  /// component 1, and so on.
  ///
  /// A vertex without edges is a component of its own. Edges naming a vertex that does not
  /// exist are ignored. Runs a breadth-first search without recursion, in time linear in the
  /// vertices and edges.
  public func componentLabels() -> [Int] {
    let adjacency = SkeletonAdjacency(self)
    var labels = [Int](repeating: -1, count: vertices.count)
    var queue: [Int] = []
    queue.reserveCapacity(vertices.count)
    var nextLabel = 0
    for start in labels.indices where labels[start] < 0 {
      labels[start] = nextLabel
      queue.removeAll(keepingCapacity: true)
      queue.append(start)
      var head = 0
      while head < queue.count {
        let vertex = queue[head]
        head += 1
        for neighbor in adjacency.neighbors(of: vertex) where labels[Int(neighbor)] < 0 {
          labels[Int(neighbor)] = nextLabel
          queue.append(Int(neighbor))
        }
      }
      nextLabel += 1
    }
    return labels
  }

  /// The number of connected components; 0 for a skeleton without vertices. See ``componentLabels()``.
  ///
  /// A method, not a property: every call runs the graph search.
  public func connectedComponentCount() -> Int {
    (componentLabels().max() ?? -1) + 1
  }

  /// Every connected component as a skeleton of its own, in the order of ``componentLabels()``.
  ///
  /// Each component keeps its vertices in their original relative order, its edges in their
  /// original order and orientation (re-indexed, duplicates and self-loops included), every
  /// attribute's values for its vertices, and this skeleton's ``id``. Edges naming a vertex that
  /// does not exist are dropped. A skeleton without vertices has no components.
  public func connectedComponents() -> [Skeleton] {
    let labels = componentLabels()
    let componentTotal = (labels.max() ?? -1) + 1
    var members = [[Int]](repeating: [], count: componentTotal)
    var localIndex = [UInt32](repeating: 0, count: vertices.count)
    for (vertex, label) in labels.enumerated() {
      localIndex[vertex] = UInt32(truncatingIfNeeded: members[label].count)
      members[label].append(vertex)
    }
    var componentEdges = [[Edge]](repeating: [], count: componentTotal)
    for edge in edges {
      let a = Int(edge.a)
      let b = Int(edge.b)
      guard a < vertices.count, b < vertices.count else { continue }
      componentEdges[labels[a]].append(Edge(localIndex[a], localIndex[b]))
    }
    return members.indices.map { label in
      let rows = members[label]
      return Skeleton(
        id: id, vertices: rows.map { vertices[$0] }, edges: componentEdges[label],
        attributes: gatheredAttributes(rows: rows))
    }
  }
}
