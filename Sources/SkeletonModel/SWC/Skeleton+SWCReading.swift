import Foundation

extension Skeleton {
  /// Reads an SWC file as the field's readers read it: one sample `id type x y z radius parent` per line.
  ///
  /// The dialect is MorphIO's (which NeuroM reads through), widened where real files need it:
  ///
  /// - A `#` starts a comment wherever it appears, so `1 1 0 0 0 1 -1 # soma` is a sample.
  ///   Blank lines, a leading UTF-8 byte-order mark, CRLF line ends, tabs and runs of spaces are
  ///   accepted. Columns after the seventh are ignored, as MorphIO ignores them.
  /// - Ids are any non-negative integers (Allen Institute exports count from 0), in any order
  ///   and with gaps; a parent may be listed after its children. Any negative parent marks a
  ///   root (MorphIO accepts only `-1`); several roots make a forest.
  /// - A radius that is not a number is an error naming the line and column, unless
  ///   `options.unparsableRadius` substitutes a value (osteoid uses `-1`). Coordinates, ids,
  ///   types and parents must always be numbers.
  ///
  /// osteoid's `from_swc` splits on single spaces and stops at the first data line that starts
  /// with a space, so it refuses or empties most of these files; every file it reads gives the
  /// same skeleton here.
  ///
  /// The skeleton has the vertices in file order, one edge `(child, parent)` per non-root sample
  /// in file order, and the default attributes: ``radii`` from the radius column and
  /// ``vertexTypes`` from the type column.
  ///
  /// - Throws: ``SkeletonError/invalidSWC(line:reason:)`` with the 1-based line number for a
  ///   sample with fewer than 7 columns, a column that is not a number (naming the column), a
  ///   negative id, a type outside 0...255, a repeated id (naming the first line that has it), a
  ///   parent id no sample has, or a cycle of parents (naming the cycle's first line);
  ///   ``SkeletonError/tooLarge(vertexCount:edgeCount:)`` past `UInt32.max` samples.
  public init(swc text: String, id: UInt64? = nil, options: SWCReadingOptions = .strict) throws {
    var text = text
    self = try text.withUTF8 { try Skeleton(swcUTF8: UnsafeRawBufferPointer($0), id: id, options: options) }
  }

  /// Reads SWC from UTF-8 bytes, as ``init(swc:id:options:)-(String,_,_)`` reads text.
  public init(swc data: Data, id: UInt64? = nil, options: SWCReadingOptions = .strict) throws {
    self = try data.withUnsafeBytes { try Skeleton(swcUTF8: $0, id: id, options: options) }
  }

  /// Reads the SWC file at `url`; see ``init(swc:id:options:)-(String,_,_)``.
  public init(contentsOfSWC url: URL, id: UInt64? = nil, options: SWCReadingOptions = .strict) throws {
    try self.init(swc: Data(contentsOf: url, options: .alwaysMapped), id: id, options: options)
  }

  private init(swcUTF8 bytes: UnsafeRawBufferPointer, id: UInt64?, options: SWCReadingOptions) throws {
    var parser = SWCParser(options: options)
    try parser.parse(bytes)
    let edges = try parser.edges()
    self.init(id: id, vertices: parser.vertices, edges: edges, radii: parser.radii, vertexTypes: parser.types)
  }
}

/// The samples of an SWC file, read line by line.
private struct SWCParser {
  let options: Skeleton.SWCReadingOptions
  var vertices: [Skeleton.Vertex] = []
  var radii: [Float] = []
  var types: [UInt8] = []
  /// Each sample's parent id (negative for a root) and line number.
  var parentIDs: [(parent: Int, line: Int)] = []
  /// The sample index of every id.
  var indexOfID: [Int: Int] = [:]

  init(options: Skeleton.SWCReadingOptions) {
    self.options = options
  }

  static let columnNames = ["id", "type", "x", "y", "z", "radius", "parent"]

  mutating func parse(_ bytes: UnsafeRawBufferPointer) throws {
    var start = 0
    // A leading UTF-8 byte-order mark is not part of the first line.
    if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
    var lineNumber = 0
    while start < bytes.count || (start == bytes.count && lineNumber == 0) {
      lineNumber += 1
      var end = start
      while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
      try parseLine(UnsafeRawBufferPointer(rebasing: bytes[start..<end]), lineNumber: lineNumber)
      start = end + 1
    }
  }

  private mutating func parseLine(_ line: UnsafeRawBufferPointer, lineNumber: Int) throws {
    // Everything from a `#` on is a comment.
    let content = line.firstIndex(of: UInt8(ascii: "#")).map { UnsafeRawBufferPointer(rebasing: line[..<$0]) } ?? line
    var fields: [Substring] = []
    fields.reserveCapacity(7)
    var index = 0
    while index < content.count, fields.count < 7 {
      while index < content.count, Self.isSeparator(content[index]) { index += 1 }
      guard index < content.count else { break }
      let fieldStart = index
      while index < content.count, !Self.isSeparator(content[index]) { index += 1 }
      fields.append(Substring(decoding: UnsafeRawBufferPointer(rebasing: content[fieldStart..<index]), as: UTF8.self))
    }
    guard !fields.isEmpty else { return }
    guard fields.count == 7 else {
      throw SkeletonError.invalidSWC(
        line: lineNumber, reason: "expected 7 columns (id type x y z radius parent), found \(fields.count)")
    }
    func failure(_ column: Int, _ what: String) -> SkeletonError {
      .invalidSWC(
        line: lineNumber, reason: "column \(column + 1) (\(Self.columnNames[column])) '\(fields[column])' \(what)")
    }
    func integer(_ column: Int) throws -> Int {
      guard let value = Int(fields[column]) else { throw failure(column, "is not an integer") }
      return value
    }
    func number(_ column: Int) throws -> Float {
      guard let value = Float(fields[column]) else { throw failure(column, "is not a number") }
      return value
    }
    let vertexID = try integer(0)
    guard vertexID >= 0 else { throw failure(0, "is negative") }
    let typeValue = try integer(1)
    guard let type = UInt8(exactly: typeValue) else { throw failure(1, "is outside 0...255") }
    let vertex = Skeleton.Vertex(try number(2), try number(3), try number(4))
    let radius: Float
    if let value = Float(fields[5]) {
      radius = value
    } else if case .substitute(let substitute) = options.unparsableRadius {
      radius = substitute
    } else {
      throw failure(5, "is not a number")
    }
    let parent = try integer(6)
    if let first = indexOfID.updateValue(vertices.count, forKey: vertexID) {
      throw SkeletonError.invalidSWC(
        line: lineNumber, reason: "id \(vertexID) is repeated: line \(parentIDs[first].line) has it already")
    }
    guard vertices.count < Int(UInt32.max) else {
      throw SkeletonError.tooLarge(vertexCount: vertices.count + 1, edgeCount: vertices.count)
    }
    vertices.append(vertex)
    radii.append(radius)
    types.append(type)
    parentIDs.append((parent, lineNumber))
  }

  private static func isSeparator(_ byte: UInt8) -> Bool {
    byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
      || byte == 0x0B || byte == 0x0C
  }

  /// One edge `(child, parent)` per non-root sample, in file order, after checking that every
  /// parent exists and that following parents always ends at a root.
  func edges() throws -> [Skeleton.Edge] {
    var parentIndex = [Int](repeating: -1, count: vertices.count)
    for (child, reference) in parentIDs.enumerated() where reference.parent >= 0 {
      guard let parent = indexOfID[reference.parent] else {
        throw SkeletonError.invalidSWC(line: reference.line, reason: "parent id \(reference.parent) is not in the file")
      }
      parentIndex[child] = parent
    }
    try checkAcyclic(parentIndex)
    var edges: [Skeleton.Edge] = []
    edges.reserveCapacity(vertices.count)
    for (child, parent) in parentIndex.enumerated() where parent >= 0 {
      edges.append(Skeleton.Edge(UInt32(child), UInt32(parent)))
    }
    return edges
  }

  /// Follows parents from every sample, iteratively; a walk that comes back to a sample of its
  /// own path is a cycle, reported at the first line among the cycle's samples.
  private func checkAcyclic(_ parentIndex: [Int]) throws {
    // 0: not seen; 1: on the current path; 2: leads to a root.
    var state = [UInt8](repeating: 0, count: parentIndex.count)
    var path: [Int] = []
    for start in parentIndex.indices where state[start] == 0 {
      path.removeAll(keepingCapacity: true)
      var vertex = start
      while vertex >= 0, state[vertex] == 0 {
        state[vertex] = 1
        path.append(vertex)
        vertex = parentIndex[vertex]
      }
      if vertex >= 0, state[vertex] == 1 {
        let cycle = path[path.firstIndex(of: vertex)!...]
        let line = cycle.map { parentIDs[$0].line }.min()!
        let ids = cycle.count == 1 ? "sample is its own parent" : "samples form a cycle of \(cycle.count) parents"
        throw SkeletonError.invalidSWC(line: line, reason: "\(ids): following parents never reaches a root")
      }
      for member in path { state[member] = 2 }
    }
  }
}
