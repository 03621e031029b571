import Foundation

/// An axis-aligned box in the skeleton's coordinate space.
///
/// The box is closed: a point on a face, edge or corner is inside, so
/// `BoundingBox(minimum: v, maximum: v).contains(v)` holds. A box whose minimum exceeds its
/// maximum on some axis contains nothing.
public struct BoundingBox: Sendable, Hashable, Codable {
  /// The corner with the smallest coordinates (inclusive).
  public var minimum: Skeleton.Vertex
  /// The corner with the largest coordinates (inclusive).
  public var maximum: Skeleton.Vertex

  /// A box spanning `minimum` to `maximum`, both corners included.
  public init(minimum: Skeleton.Vertex, maximum: Skeleton.Vertex) {
    self.minimum = minimum
    self.maximum = maximum
  }

  /// Whether `v` lies in the closed box: `minimum <= v <= maximum` on every axis.
  ///
  /// A vertex with a NaN coordinate is never inside.
  public func contains(_ v: Skeleton.Vertex) -> Bool {
    minimum.x <= v.x && v.x <= maximum.x
      && minimum.y <= v.y && v.y <= maximum.y
      && minimum.z <= v.z && v.z <= maximum.z
  }
}

extension Skeleton {
  /// The total length of the edges: the sum of each edge's Euclidean length, computed in `Double`.
  ///
  /// Every edge counts, so a duplicated edge counts twice and a self-loop adds nothing. Edges
  /// naming a vertex that does not exist are ignored.
  public var cableLength: Double {
    let count = vertices.count
    var total = 0.0
    for edge in edges {
      let a = Int(edge.a)
      let b = Int(edge.b)
      guard a < count, b < count else { continue }
      let p = vertices[a]
      let q = vertices[b]
      let dx = Double(q.x) - Double(p.x)
      let dy = Double(q.y) - Double(p.y)
      let dz = Double(q.z) - Double(p.z)
      total += (dx * dx + dy * dy + dz * dz).squareRoot()
    }
    return total
  }

  /// The degree of every vertex: how many edge ends touch it, counted as in a multigraph.
  ///
  /// Each edge adds one to the degree of both its ends, so a duplicated edge counts once per
  /// copy and a self-loop adds two to its vertex (as osteoid's `terminals()`/`branches()` and
  /// networkx count them). Edges naming a vertex that does not exist are ignored.
  public func vertexDegrees() -> [Int] {
    let count = vertices.count
    var degrees = [Int](repeating: 0, count: count)
    for edge in edges {
      let a = Int(edge.a)
      let b = Int(edge.b)
      guard a < count, b < count else { continue }
      degrees[a] += 1
      degrees[b] += 1
    }
    return degrees
  }

  /// The indices of the vertices of degree 1 (the tips), ascending; see ``vertexDegrees()``.
  public var terminalVertices: [Int] {
    vertexDegrees().indicesMatching { $0 == 1 }
  }

  /// The indices of the vertices of degree 3 or more (the branch points), ascending; see ``vertexDegrees()``.
  public var branchVertices: [Int] {
    vertexDegrees().indicesMatching { $0 >= 3 }
  }

  /// The smallest closed box holding every vertex, or `nil` for a skeleton without vertices.
  ///
  /// NaN coordinates are ignored; on an axis where every coordinate is NaN the box is empty
  /// (its minimum is +∞ and its maximum −∞).
  public var boundingBox: BoundingBox? {
    guard !vertices.isEmpty else { return nil }
    var low = SIMD3<Float>(repeating: .infinity)
    var high = SIMD3<Float>(repeating: -.infinity)
    for vertex in vertices {
      let p = vertex.simd
      // Comparisons with NaN are false, so NaN coordinates never move the box.
      for axis in 0..<3 {
        if p[axis] < low[axis] { low[axis] = p[axis] }
        if p[axis] > high[axis] { high[axis] = p[axis] }
      }
    }
    return BoundingBox(minimum: Vertex(low.x, low.y, low.z), maximum: Vertex(high.x, high.y, high.z))
  }
}

extension Array {
  /// The indices of the elements satisfying `predicate`, ascending.
  fileprivate func indicesMatching(_ predicate: (Element) -> Bool) -> [Int] {
    var result: [Int] = []
    for (index, element) in enumerated() where predicate(element) { result.append(index) }
    return result
  }
}
