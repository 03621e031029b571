extension Skeleton: CustomStringConvertible {
  /// A one-line summary: the id, the counts of vertices and edges, and the attributes' layouts,
  /// for example `Skeleton 7: 2 vertices, 1 edge, attributes radius (float32), vertex_types (uint8)`.
  public var description: String {
    let name = id.map { "Skeleton \($0)" } ?? "Skeleton"
    let layouts = attributes.map { attribute in
      attribute.valuesPerVertex == 1
        ? "\(attribute.name) (\(attribute.dataType.rawValue))"
        : "\(attribute.name) (\(attribute.dataType.rawValue) × \(attribute.valuesPerVertex))"
    }
    let vertexWord = vertices.count == 1 ? "vertex" : "vertices"
    let edgeWord = edges.count == 1 ? "edge" : "edges"
    let attributeText = layouts.isEmpty ? "no attributes" : "attributes " + layouts.joined(separator: ", ")
    return "\(name): \(vertices.count) \(vertexWord), \(edges.count) \(edgeWord), \(attributeText)"
  }
}
