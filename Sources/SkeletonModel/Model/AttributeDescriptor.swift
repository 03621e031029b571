/// The name, type and values per vertex of an attribute: what decoding needs to read its values.
///
/// Its `Codable` form is an entry of a skeleton layer's `vertex_attributes`, as cloud-volume and
/// Neuroglancer write it: `{"id": "radius", "data_type": "float32", "num_components": 1}`.
public struct AttributeDescriptor: Sendable, Hashable, Codable {
  /// The attribute's name (`id` in a layer's `info`).
  public var name: String
  /// The type of each value.
  public var dataType: VertexAttribute.DataType
  /// The number of values per vertex (`num_components` in a layer's `info`).
  public var valuesPerVertex: Int

  /// A descriptor.
  public init(name: String, dataType: VertexAttribute.DataType, valuesPerVertex: Int = 1) {
    self.name = name
    self.dataType = dataType
    self.valuesPerVertex = valuesPerVertex
  }

  private enum CodingKeys: String, CodingKey {
    case name = "id"
    case dataType = "data_type"
    case valuesPerVertex = "num_components"
  }

  /// The number of bytes this attribute's values take for `vertexCount` vertices, or `nil` when
  /// the values per vertex are below 1 or the product does not fit in an `Int`.
  ///
  /// Every size computed from a descriptor goes through here, so a crafted count can neither
  /// trap on overflow nor size an allocation.
  public func byteCount(forVertexCount vertexCount: Int) -> Int? {
    guard valuesPerVertex >= 1, vertexCount >= 0 else { return nil }
    let (rowWidth, widthOverflow) = valuesPerVertex.multipliedReportingOverflow(by: dataType.byteWidth)
    let (size, sizeOverflow) = vertexCount.multipliedReportingOverflow(by: rowWidth)
    return widthOverflow || sizeOverflow ? nil : size
  }

  /// osteoid's defaults: `radius` (float32) then `vertex_types` (uint8).
  public static let defaults: [AttributeDescriptor] = [
    AttributeDescriptor(name: VertexAttribute.radiusName, dataType: .float32),
    AttributeDescriptor(name: VertexAttribute.vertexTypesName, dataType: .uint8),
  ]
}
