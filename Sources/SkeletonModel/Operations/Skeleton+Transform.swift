import Foundation

extension Skeleton {
  /// The fragments joined into one skeleton, without adding or removing anything: osteoid's
  /// `Skeleton.simple_merge`.
  ///
  /// Vertices are concatenated in fragment order; each fragment's edges keep their order and
  /// orientation and are shifted by the number of vertices before it; each attribute's values are
  /// concatenated the same way. The result's ``id`` is the first non-`nil` id. Duplicated
  /// boundary vertices stay duplicated: call ``consolidated()`` to join them.
  ///
  /// Every fragment must carry the same attributes (names, types and values per vertex, in the
  /// same order), except fragments without vertices, which add nothing and are not checked. When
  /// every fragment is empty the result carries the first fragment's attributes.
  ///
  /// - Throws: ``SkeletonError/attributeMismatch(expected:found:)`` when a non-empty fragment
  ///   carries other attributes than the first non-empty one;
  ///   ``SkeletonError/attributeSizeMismatch(name:byteCount:expected:)`` when an attribute of a
  ///   non-empty fragment does not hold one value per vertex and component value;
  ///   ``SkeletonError/invalidComponentCount(name:componentCount:)`` for a component count below 1;
  ///   ``SkeletonError/edgeOutOfRange(edge:vertex:vertexCount:)`` when a fragment's edge names a
  ///   vertex it does not have; ``SkeletonError/tooLarge(vertexCount:edgeCount:)`` when the
  ///   total vertex or edge count exceeds `UInt32.max`.
  public static func merged(_ fragments: [Skeleton]) throws -> Skeleton {
    try mergedFragments(fragments)
  }

  /// This skeleton joined with `other`: `Skeleton.merged([self, other])`; see ``merged(_:)``.
  public func merged(with other: Skeleton) throws -> Skeleton {
    try Self.mergedFragments([self, other])
  }

  private static func mergedFragments(_ fragments: [Skeleton]) throws -> Skeleton {
    var vertexTotal = 0
    var edgeTotal = 0
    for fragment in fragments {
      vertexTotal += fragment.vertices.count
      edgeTotal += fragment.edges.count
    }
    guard vertexTotal <= Int(UInt32.max), edgeTotal <= Int(UInt32.max) else {
      throw SkeletonError.tooLarge(vertexCount: vertexTotal, edgeCount: edgeTotal)
    }
    let template = fragments.first { !$0.isEmpty } ?? fragments.first
    let descriptors = template?.attributes.map(\.descriptor) ?? []
    for fragment in fragments where !fragment.isEmpty {
      let found = fragment.attributes.map(\.descriptor)
      guard found == descriptors else {
        throw SkeletonError.attributeMismatch(expected: descriptors, found: found)
      }
      for attribute in fragment.attributes {
        guard attribute.valuesPerVertex >= 1 else {
          throw SkeletonError.invalidComponentCount(name: attribute.name, componentCount: attribute.valuesPerVertex)
        }
        let expected = attribute.descriptor.byteCount(forVertexCount: fragment.vertices.count) ?? .max
        guard attribute.bytes.count == expected else {
          throw SkeletonError.attributeSizeMismatch(
            name: attribute.name, byteCount: attribute.bytes.count, expected: expected)
        }
      }
    }

    var vertices: [Vertex] = []
    vertices.reserveCapacity(vertexTotal)
    var edges: [Edge] = []
    edges.reserveCapacity(edgeTotal)
    var attributes = (template?.attributes ?? []).map { attribute in
      var empty = attribute
      empty.bytes = Data()
      return empty
    }
    var offset: UInt32 = 0
    for fragment in fragments {
      let count = fragment.vertices.count
      for (index, edge) in fragment.edges.enumerated() {
        guard Int(edge.a) < count, Int(edge.b) < count else {
          throw SkeletonError.edgeOutOfRange(edge: index, vertex: max(edge.a, edge.b), vertexCount: count)
        }
        edges.append(Edge(edge.a + offset, edge.b + offset))
      }
      vertices.append(contentsOf: fragment.vertices)
      if count > 0 {
        for (index, gathered) in fragment.gatheredAttributes(rows: 0..<count).enumerated() {
          attributes[index].bytes.append(gathered.bytes)
        }
      }
      offset += UInt32(count)
    }
    let id = fragments.lazy.compactMap(\.id).first
    return Skeleton(id: id, vertices: vertices, edges: edges, attributes: attributes)
  }

  /// This skeleton with one vertex per distinct position and without self-loops or duplicate edges.
  ///
  /// Positions are compared by the bit patterns of their coordinates, so `0.0` and `-0.0` differ
  /// and a NaN matches only the identical NaN. The first vertex at each position represents it:
  /// vertices keep the order of their first occurrence and the first occurrence's attribute
  /// values. Edges are remapped to the representatives; an edge whose ends coincide is dropped,
  /// and of edges joining the same two vertices (in either orientation) only the first is kept,
  /// with its orientation. Edges otherwise keep their order.
  ///
  /// Unlike osteoid's `consolidate()`, vertices without edges are kept and nothing is sorted.
  /// Edges naming a vertex that does not exist are dropped. ``id`` is kept.
  public func consolidated() -> Skeleton {
    struct Position: Hashable {
      var x: UInt32
      var y: UInt32
      var z: UInt32
    }
    var representative = [Position: UInt32](minimumCapacity: vertices.count)
    var rows: [Int] = []
    var remap = [UInt32](repeating: 0, count: vertices.count)
    for (index, vertex) in vertices.enumerated() {
      let key = Position(x: vertex.x.bitPattern, y: vertex.y.bitPattern, z: vertex.z.bitPattern)
      if let existing = representative[key] {
        remap[index] = existing
      } else {
        let new = UInt32(truncatingIfNeeded: rows.count)
        representative[key] = new
        remap[index] = new
        rows.append(index)
      }
    }
    var seen = Set<Edge>(minimumCapacity: edges.count)
    var newEdges: [Edge] = []
    for edge in edges {
      guard Int(edge.a) < vertices.count, Int(edge.b) < vertices.count else { continue }
      let mapped = Edge(remap[Int(edge.a)], remap[Int(edge.b)])
      guard mapped.a != mapped.b, seen.insert(mapped.normalized).inserted else { continue }
      newEdges.append(mapped)
    }
    return Skeleton(
      id: id, vertices: rows.map { vertices[$0] }, edges: newEdges,
      attributes: gatheredAttributes(rows: rows))
  }

  /// The part of this skeleton inside `box`: the vertices `box` contains (closed box, see
  /// ``BoundingBox/contains(_:)``), in their original order with their attribute values, and
  /// the edges whose two ends are both kept, re-indexed, in their original order and orientation.
  ///
  /// Nothing else changes: duplicate edges and self-loops among kept vertices stay, and no
  /// vertex is added where an edge crosses the box. Edges naming a vertex that does not exist
  /// are dropped. ``id`` is kept.
  public func cropped(to box: BoundingBox) -> Skeleton {
    var rows: [Int] = []
    var remap = [UInt32?](repeating: nil, count: vertices.count)
    for (index, vertex) in vertices.enumerated() where box.contains(vertex) {
      remap[index] = UInt32(truncatingIfNeeded: rows.count)
      rows.append(index)
    }
    var newEdges: [Edge] = []
    for edge in edges {
      guard Int(edge.a) < vertices.count, Int(edge.b) < vertices.count,
        let a = remap[Int(edge.a)], let b = remap[Int(edge.b)]
      else { continue }
      newEdges.append(Edge(a, b))
    }
    return Skeleton(
      id: id, vertices: rows.map { vertices[$0] }, edges: newEdges,
      attributes: gatheredAttributes(rows: rows))
  }

  /// Every attribute restricted to `rows`: row `i` of each result holds the values of vertex
  /// `rows[i]`, whatever the attribute's data type and component count.
  ///
  /// An attribute's row is `componentCount * dataType.byteWidth` bytes of its raw values. A row
  /// the attribute does not hold in full (a malformed attribute shorter than its vertices, which
  /// ``precomputed()`` rejects) reads as zeros, so the result always has one row per entry.
  func gatheredAttributes(rows: some Collection<Int>) -> [VertexAttribute] {
    attributes.map { attribute in
      var gathered = attribute
      gathered.bytes = Self.gatherRows(of: attribute, rows: rows)
      return gathered
    }
  }

  private static func gatherRows(of attribute: VertexAttribute, rows: some Collection<Int>) -> Data {
    let (width, widthOverflow) = max(0, attribute.valuesPerVertex).multipliedReportingOverflow(
      by: attribute.dataType.byteWidth)
    let (size, sizeOverflow) = rows.count.multipliedReportingOverflow(by: width)
    guard !widthOverflow, !sizeOverflow, width > 0 else { return Data() }
    var out = Data(count: size)
    out.withUnsafeMutableBytes { destination in
      attribute.bytes.withUnsafeBytes { source in
        guard let target = destination.baseAddress, let origin = source.baseAddress else { return }
        for (position, row) in rows.enumerated() {
          let (start, overflow) = row.multipliedReportingOverflow(by: width)
          guard row >= 0, !overflow, start <= source.count - width else { continue }
          (target + position * width).copyMemory(from: origin + start, byteCount: width)
        }
      }
    }
    return out
  }
}
