import Foundation

/// A neuron skeleton: vertices joined by edges, with per-vertex attributes.
///
/// The model of cloud-volume and osteoid, stored the way their "precomputed" encoding lays it
/// out: contiguous arrays of plain values, so decoding is a bulk copy of each array. Attributes
/// are kept in order, each as its raw little-endian values; ``radii`` and ``vertexTypes`` are
/// views of the two default attributes, `radius` (float32) and `vertex_types` (uint8, SWC codes).
///
/// ```swift
/// var skeleton = Skeleton(id: 7, vertices: [Skeleton.Vertex(0, 0, 0), Skeleton.Vertex(3, 4, 0)], edges: [Skeleton.Edge(0, 1)])
/// skeleton.radii = [1, 2]
/// skeleton.cableLength   // 5
/// ```
public struct Skeleton: Sendable, Hashable {
  /// The segment id (label), when known.
  public var id: UInt64?
  /// The vertices' positions.
  public var vertices: [Vertex]
  /// The edges, each a pair of vertex indices.
  public var edges: [Edge]
  /// The per-vertex attributes, in encoding order.
  public var attributes: [VertexAttribute]

  /// A skeleton with the given parts. `attributes` defaults to none.
  public init(id: UInt64? = nil, vertices: [Vertex] = [], edges: [Edge] = [], attributes: [VertexAttribute] = []) {
    self.id = id
    self.vertices = vertices
    self.edges = edges
    self.attributes = attributes
  }

  /// A skeleton with the default attributes: radii and SWC vertex types (zeros when not given).
  public init(id: UInt64? = nil, vertices: [Vertex], edges: [Edge], radii: [Float]? = nil, vertexTypes: [UInt8]? = nil)
  {
    self.init(id: id, vertices: vertices, edges: edges)
    self.radii = radii ?? [Float](repeating: 0, count: vertices.count)
    self.vertexTypes = vertexTypes ?? [UInt8](repeating: 0, count: vertices.count)
  }

  /// Whether the skeleton has no vertices.
  public var isEmpty: Bool { vertices.isEmpty }

  /// The attribute named `name`, if present.
  public func attribute(named name: String) -> VertexAttribute? {
    attributes.first { $0.name == name }
  }

  /// Replaces the attribute of the same name, or appends it.
  public mutating func setAttribute(_ attribute: VertexAttribute) {
    if let index = attributes.firstIndex(where: { $0.name == attribute.name }) {
      attributes[index] = attribute
    } else {
      attributes.append(attribute)
    }
  }

  /// Removes the attribute named `name`, if present.
  public mutating func removeAttribute(named name: String) {
    attributes.removeAll { $0.name == name }
  }

  /// The per-vertex radii: the `radius` attribute (float32, one component), or `nil`.
  /// Setting appends the attribute if it is missing; setting `nil` removes it.
  public var radii: [Float]? {
    get { attribute(named: VertexAttribute.radiusName).flatMap { try? $0.values(as: Float.self) } }
    set {
      guard let newValue else { return removeAttribute(named: VertexAttribute.radiusName) }
      setAttribute(VertexAttribute(name: VertexAttribute.radiusName, values: newValue))
    }
  }

  /// The per-vertex SWC types: the `vertex_types` attribute (uint8, one component), or `nil`.
  /// Setting appends the attribute if it is missing; setting `nil` removes it.
  public var vertexTypes: [UInt8]? {
    get { attribute(named: VertexAttribute.vertexTypesName).flatMap { try? $0.values(as: UInt8.self) } }
    set {
      guard let newValue else { return removeAttribute(named: VertexAttribute.vertexTypesName) }
      setAttribute(VertexAttribute(name: VertexAttribute.vertexTypesName, values: newValue))
    }
  }
}
