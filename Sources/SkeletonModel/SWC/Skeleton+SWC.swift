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
    var out = ""
    if let header {
      for line in header.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
        out += line.isEmpty ? "#\n" : "# \(line)\n"
      }
    }
    let walk = swcWalk()
    let radii = self.radii ?? []
    let types = vertexTypes ?? []
    for (position, vertex) in walk.order.enumerated() {
      let point = vertices[vertex]
      let type = vertex < types.count ? types[vertex] : 0
      let radius: Float = vertex < radii.count ? radii[vertex] : 0
      let parent = walk.parents[position]
      let parentID = parent < 0 ? -1 : parent + 1
      out += "\(position + 1) \(type) \(point.x.description) \(point.y.description) \(point.z.description) \(radius.description) \(parentID)\n"
    }
    return out
  }

  /// The original vertex index of each line ``swc(header:)`` writes: line id `i + 1` describes
  /// vertex `swcVertexOrder()[i]`. A permutation of the vertex indices.
  public func swcVertexOrder() -> [Int] {
    swcWalk().order
  }

  /// The depth-first walk behind ``swc(header:)``: the vertices in output order, and for each
  /// output position the output position of its parent, or -1 for a root.
  private func swcWalk() -> (order: [Int], parents: [Int]) {
    let adjacency = SkeletonAdjacency(self)
    var visited = [Bool](repeating: false, count: vertices.count)
    var order: [Int] = []
    order.reserveCapacity(vertices.count)
    var parents: [Int] = []
    parents.reserveCapacity(vertices.count)
    var stack: [(vertex: Int, parent: Int)] = []
    for root in visited.indices where !visited[root] {
      stack.append((root, -1))
      while let (vertex, parent) = stack.popLast() {
        guard !visited[vertex] else { continue }
        visited[vertex] = true
        let position = order.count
        order.append(vertex)
        parents.append(parent)
        // Pushed in reverse so the first edge's neighbour is visited first.
        for neighbor in adjacency.neighbors(of: vertex).reversed() where !visited[neighbor] {
          stack.append((neighbor, position))
        }
      }
    }
    return (order, parents)
  }

  // MARK: Import

  /// Reads an SWC file: one line `id type x y z radius parent` per vertex.
  ///
  /// A leading byte-order mark, blank lines and lines whose first non-blank character is `#` are skipped. Columns are
  /// separated by spaces or tabs. Ids may be any positive integers in any order, and a parent
  /// may be listed after its children; a negative parent (usually `-1`) marks a root.
  ///
  /// The skeleton has the vertices in file order, one edge `(child, parent)` per non-root line
  /// in file order, and the default attributes: ``radii`` from the radius column and
  /// ``vertexTypes`` from the type column.
  ///
  /// - Throws: ``SkeletonError/invalidSWC(line:reason:)`` with the 1-based line number for a
  ///   line without exactly 7 columns, a number that does not parse, an id that is not positive,
  ///   a type outside 0...255, a duplicated id, a parent id no line has, or a vertex that is its
  ///   own parent; ``SkeletonError/tooLarge(vertexCount:edgeCount:)`` past `UInt32.max` vertices.
  public init(swc text: String, id: UInt64? = nil) throws {
    var vertices: [Vertex] = []
    var radii: [Float] = []
    var types: [UInt8] = []
    var parentReferences: [(parent: Int, line: Int)] = []
    var indexOfID: [Int: Int] = [:]
    var lineNumber = 0
    // A leading UTF-8 byte-order mark is not part of the first line.
    let body = text.hasPrefix("\u{FEFF}") ? Substring(text.dropFirst()) : Substring(text)
    for line in body.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
      lineNumber += 1
      let columns = line.split { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") }
      guard let first = columns.first else { continue }
      if first.first == UInt8(ascii: "#") { continue }
      guard columns.count == 7 else {
        throw SkeletonError.invalidSWC(
          line: lineNumber, reason: "expected 7 columns (id type x y z radius parent), found \(columns.count)")
      }
      let fields = columns.map { Substring($0) }
      func integer(_ column: Int, _ name: String) throws -> Int {
        guard let value = Int(fields[column]) else {
          throw SkeletonError.invalidSWC(line: lineNumber, reason: "\(name) '\(fields[column])' is not an integer")
        }
        return value
      }
      func number(_ column: Int, _ name: String) throws -> Float {
        guard let value = Float(fields[column]) else {
          throw SkeletonError.invalidSWC(line: lineNumber, reason: "\(name) '\(fields[column])' is not a number")
        }
        return value
      }
      let vertexID = try integer(0, "id")
      guard vertexID > 0 else {
        throw SkeletonError.invalidSWC(line: lineNumber, reason: "id \(vertexID) is not positive")
      }
      let typeValue = try integer(1, "type")
      guard let type = UInt8(exactly: typeValue) else {
        throw SkeletonError.invalidSWC(line: lineNumber, reason: "type \(typeValue) is outside 0...255")
      }
      let vertex = Vertex(try number(2, "x"), try number(3, "y"), try number(4, "z"))
      let radius = try number(5, "radius")
      let parent = try integer(6, "parent")
      guard indexOfID.updateValue(vertices.count, forKey: vertexID) == nil else {
        throw SkeletonError.invalidSWC(line: lineNumber, reason: "duplicate id \(vertexID)")
      }
      vertices.append(vertex)
      radii.append(radius)
      types.append(type)
      parentReferences.append((parent, lineNumber))
    }
    guard vertices.count <= Int(UInt32.max) else {
      throw SkeletonError.tooLarge(vertexCount: vertices.count, edgeCount: vertices.count)
    }
    var edges: [Edge] = []
    for (child, reference) in parentReferences.enumerated() where reference.parent >= 0 {
      guard let parent = indexOfID[reference.parent] else {
        throw SkeletonError.invalidSWC(line: reference.line, reason: "parent id \(reference.parent) is not in the file")
      }
      guard parent != child else {
        throw SkeletonError.invalidSWC(line: reference.line, reason: "vertex \(reference.parent) is its own parent")
      }
      edges.append(Edge(UInt32(child), UInt32(parent)))
    }
    self.init(id: id, vertices: vertices, edges: edges, radii: radii, vertexTypes: types)
  }
}
