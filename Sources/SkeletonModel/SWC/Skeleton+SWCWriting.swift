import Foundation

extension Skeleton {
  // MARK: Export

  /// The skeleton as an SWC file: one line `id type x y z radius parent` per vertex.
  ///
  /// Each connected component becomes a tree rooted at its smallest vertex index, walked depth
  /// first (iteratively, in edge order); components come in the order of their roots. Every
  /// vertex is written exactly once, with 1-based line ids, after the vertex it was reached from,
  /// which is its parent (`-1` for roots). The lines are in a new order: ``swcVertexOrder()``
  /// gives the original vertex index of each line.
  ///
  /// SWC describes a forest, so edges that are not part of the walk's spanning trees cannot be
  /// written and are **dropped**: edges closing a cycle, duplicated edges and self-loops. Edges
  /// naming a vertex that does not exist are ignored.
  ///
  /// The type column is ``vertexTypes`` (0 when absent), the radius column ``radii`` (0 when
  /// absent). Coordinates and radii are written as Swift's shortest round-tripping `Float`
  /// text (`1.0`, `1e-05`), so reading the file back gives the same bits, NaNs excepted (every
  /// NaN is written `nan` and reads back as the quiet positive NaN). Columns are separated
  /// by single spaces (as osteoid's `from_swc` requires), and every line ends with a newline.
  ///
  /// - Parameter header: Text written first as `#` comment lines, one per line of `header`.
  public func swc(header: String? = nil) -> String {
    // The sink only appends to memory; nothing in the walk throws by itself.
    (try? collectText { try writeSWC(header: header, to: $0) }) ?? ""
  }

  /// Writes ``swc(header:)``'s text to `output` in chunks of at most 64 KiB, as it is produced:
  /// the text is never held whole. The walk keeps one flag per vertex, the adjacency lists
  /// (8 bytes per vertex and per edge end) and the current path (at most one frame per vertex),
  /// and nothing at all for a skeleton without edges.
  ///
  /// - Throws: What `output` throws; the write stops there.
  public func writeSWC(header: String? = nil, to output: (UnsafeRawBufferPointer) throws -> Void) throws {
    try withTextChunks(output) { out in
      if let header {
        for line in header.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
          try out.write(line.isEmpty ? "#\n" : "# \(line)\n")
        }
      }
      try withDefaultAttributeColumns { radius, type in
        try swcWalk { position, vertex, parent in
          let point = vertices[vertex]
          // One string per line: the numbers are small strings, and one append per line is
          // faster than appending field by field, in debug builds by far.
          try out.write(
            "\(position + 1) \(type(vertex)) \(point.x.description) \(point.y.description) \(point.z.description) \(radius(vertex).description) \(parent < 0 ? -1 : parent + 1)\n"
          )
        }
      }
    }
  }

  /// Writes ``swc(header:)``'s text to the file at `url`, streamed; see the closure form of `writeSWC(header:to:)`.
  public func writeSWC(header: String? = nil, to url: URL) throws {
    try writeText(to: url) { try writeSWC(header: header, to: $0) }
  }

  /// Writes ``swc(header:)``'s text to `handle` (standard output, a pipe, a file), streamed.
  public func writeSWC(header: String? = nil, to handle: FileHandle) throws {
    try writeText(to: handle) { try writeSWC(header: header, to: $0) }
  }

  /// Calls `body` with readers of the radius and type columns, straight from the attributes'
  /// bytes (no copies): 0 where the attribute is absent, has another layout or is short.
  private func withDefaultAttributeColumns(
    _ body: (_ radius: (Int) -> Float, _ type: (Int) -> UInt8) throws -> Void
  ) throws {
    let radiusBytes =
      attribute(named: VertexAttribute.radiusName)
      .flatMap { $0.descriptor == AttributeDescriptor.defaults[0] ? $0.bytes : nil } ?? Data()
    let typeBytes =
      attribute(named: VertexAttribute.vertexTypesName)
      .flatMap { $0.descriptor == AttributeDescriptor.defaults[1] ? $0.bytes : nil } ?? Data()
    try radiusBytes.withUnsafeBytes { radii in
      try typeBytes.withUnsafeBytes { types in
        try body(
          { vertex in vertex < radii.count / 4 ? radii.loadUnaligned(fromByteOffset: vertex * 4, as: Float.self) : 0 },
          { vertex in vertex < types.count ? types[vertex] : 0 })
      }
    }
  }

  /// The original vertex index of each line ``swc(header:)`` writes: line id `i + 1` describes
  /// vertex `swcVertexOrder()[i]`. A permutation of the vertex indices.
  public func swcVertexOrder() -> [Int] {
    swcOrder().order
  }

  /// The depth-first walk behind ``swc(header:)``: the vertices in output order, and for each
  /// output position the output position of its parent, or -1 for a root.
  private func swcOrder() -> (order: [Int], parents: [Int]) {
    var order: [Int] = []
    order.reserveCapacity(vertices.count)
    var parents: [Int] = []
    parents.reserveCapacity(vertices.count)
    swcWalk { _, vertex, parent in
      order.append(vertex)
      parents.append(parent)
    }
    return (order, parents)
  }

  /// Walks every component depth first from its smallest vertex, in edge order, calling `visit`
  /// with each vertex's output position, its index and its parent's output position (-1 for a root).
  private func swcWalk(_ visit: (_ position: Int, _ vertex: Int, _ parent: Int) throws -> Void) rethrows {
    guard !edges.isEmpty else {
      // Every vertex is a root: no adjacency, no flags.
      for vertex in vertices.indices { try visit(vertex, vertex, -1) }
      return
    }
    let adjacency = SkeletonAdjacency(self)
    var visited = [Bool](repeating: false, count: vertices.count)
    var position = 0
    // One frame per vertex on the current path: the vertex, its output position, and the next of
    // its neighbours to look at. Looking at neighbours one at a time (rather than pushing them
    // all) keeps the stack within the vertex count, however many duplicate edges there are, and
    // visits in the same order as pushing every neighbour in reverse.
    var stack: [(vertex: Int, position: Int, next: Int)] = []
    for root in visited.indices where !visited[root] {
      visited[root] = true
      try visit(position, root, -1)
      stack.append((root, position, adjacency.offsets[root]))
      position += 1
      while let top = stack.indices.last {
        let (vertex, vertexPosition, next) = stack[top]
        let end = adjacency.offsets[vertex + 1]
        var cursor = next
        while cursor < end, visited[Int(adjacency.neighbors[cursor])] { cursor += 1 }
        guard cursor < end else {
          stack.removeLast()
          continue
        }
        stack[top].next = cursor + 1
        let child = Int(adjacency.neighbors[cursor])
        visited[child] = true
        try visit(position, child, vertexPosition)
        stack.append((child, position, adjacency.offsets[child]))
        position += 1
      }
    }
  }
}
