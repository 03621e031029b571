import Foundation

/// `Skeleton`'s `Codable` form is the JSON `mapbuffer skeleton --json` prints:
///
/// ```json
/// {"id": 7, "vertices": [[0.0, 0.0, 0.0], [3.0, 4.0, 0.0]], "edges": [[0, 1]],
///  "radii": [1.0, 2.0], "vertex_types": [1, 3],
///  "attributes": [{"id": "radius", "data_type": "float32", "num_components": 1},
///                 {"id": "vertex_types", "data_type": "uint8", "num_components": 1}]}
/// ```
///
/// `attributes` lists every attribute in encoding order with its layout. The values of the
/// `radius` (float32, one per vertex) and `vertex_types` (uint8, one per vertex) attributes are
/// the top-level `radii` and `vertex_types` arrays (`null` when absent); every other attribute
/// carries its own `values`, flattened vertex-major. Floats that are NaN or infinite are written
/// `null` and read back as NaN. Without `attributes` (JSON from before it was written) the
/// attributes are `radii` then `vertex_types`, those that are not `null`.
extension Skeleton: Codable {
  private enum CodingKeys: String, CodingKey {
    case id, vertices, edges, radii
    case vertexTypes = "vertex_types"
    case attributes
  }

  /// Decodes the JSON form; see the extension's discussion.
  ///
  /// - Throws: `DecodingError` for a missing key, a value of the wrong type, an attribute entry
  ///   whose values are missing, or values that do not fill one row per vertex.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let id = try container.decodeIfPresent(UInt64.self, forKey: .id)
    let vertices = try container.decode([Vertex].self, forKey: .vertices)
    let edges = try container.decode([Edge].self, forKey: .edges)
    let radii = try container.decodeIfPresent([JSONFloat].self, forKey: .radii)?.map(\.value)
    let types = try container.decodeIfPresent([UInt8].self, forKey: .vertexTypes)
    var attributes: [VertexAttribute] = []
    if var entries = try? container.nestedUnkeyedContainer(forKey: .attributes) {
      while !entries.isAtEnd {
        let entry = try entries.decode(AttributeEntry.self)
        let descriptor = entry.descriptor
        let bytes: Data
        if let values = entry.values {
          bytes = values
        } else if descriptor == AttributeDescriptor.defaults[0], let radii {
          bytes = radii.withUnsafeBytes { Data($0) }
        } else if descriptor == AttributeDescriptor.defaults[1], let types {
          bytes = Data(types)
        } else {
          throw DecodingError.dataCorruptedError(
            in: entries, debugDescription: "attribute \(descriptor.name) has no values")
        }
        guard bytes.count == descriptor.byteCount(forVertexCount: vertices.count) else {
          throw DecodingError.dataCorruptedError(
            in: entries,
            debugDescription: "attribute \(descriptor.name) holds \(bytes.count) bytes, not one row per vertex")
        }
        attributes.append(
          VertexAttribute(
            name: descriptor.name, dataType: descriptor.dataType, valuesPerVertex: descriptor.valuesPerVertex,
            bytes: bytes))
      }
    } else {
      if let radii { attributes.append(VertexAttribute(name: VertexAttribute.radiusName, values: radii)) }
      if let types { attributes.append(VertexAttribute(name: VertexAttribute.vertexTypesName, values: types)) }
      for attribute in attributes where attribute.valueCount != vertices.count {
        throw DecodingError.dataCorruptedError(
          forKey: .radii, in: container,
          debugDescription: "\(attribute.name) holds \(attribute.valueCount) values for \(vertices.count) vertices")
      }
    }
    self.init(id: id, vertices: vertices, edges: edges, attributes: attributes)
  }

  /// Encodes the JSON form; see the extension's discussion.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(id, forKey: .id)
    try container.encode(vertices, forKey: .vertices)
    try container.encode(edges, forKey: .edges)
    try container.encode(inlineRadii?.map(JSONFloat.init), forKey: .radii)
    try container.encode(inlineVertexTypes, forKey: .vertexTypes)
    var entries = container.nestedUnkeyedContainer(forKey: .attributes)
    let inlined = inlinedAttributeIndices
    for (index, attribute) in attributes.enumerated() {
      try entries.encode(AttributeEntry(attribute, inline: inlined.contains(index)))
    }
  }

  /// The indices of the attributes whose values are the top-level `radii` and `vertex_types`:
  /// the first with the default radius layout and the first with the default type layout.
  var inlinedAttributeIndices: [Int] {
    AttributeDescriptor.defaults.compactMap { layout in attributes.firstIndex { $0.descriptor == layout } }
  }

  /// The values written as the top-level `radii`, or `nil`.
  var inlineRadii: [Float]? {
    attributes.first { $0.descriptor == AttributeDescriptor.defaults[0] }.flatMap { try? $0.values(as: Float.self) }
  }

  /// The values written as the top-level `vertex_types`, or `nil`.
  var inlineVertexTypes: [UInt8]? {
    attributes.first { $0.descriptor == AttributeDescriptor.defaults[1] }.flatMap { try? $0.values(as: UInt8.self) }
  }
}

/// A float that JSON holds as a number, or as `null` when it is NaN or infinite.
struct JSONFloat: Codable {
  var value: Float

  init(_ value: Float) { self.value = value }

  init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    value = container.decodeNil() ? .nan : try container.decode(Float.self)
  }

  func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    if value.isFinite { try container.encode(value) } else { try container.encodeNil() }
  }
}

/// One entry of `attributes`: the layout, and the values unless they are inlined.
private struct AttributeEntry: Codable {
  var descriptor: AttributeDescriptor
  /// The values' little-endian bytes, or `nil` when they are the top-level `radii` or `vertex_types`.
  var values: Data?
  /// Set when encoding: the attribute whose values to write.
  var attribute: VertexAttribute?

  private enum CodingKeys: String, CodingKey {
    case values
  }

  init(_ attribute: VertexAttribute, inline: Bool) {
    descriptor = attribute.descriptor
    self.attribute = inline ? nil : attribute
  }

  init(from decoder: any Decoder) throws {
    descriptor = try AttributeDescriptor(from: decoder)
    let container = try decoder.container(keyedBy: CodingKeys.self)
    guard container.contains(.values), try !container.decodeNil(forKey: .values) else { return }
    var list = try container.nestedUnkeyedContainer(forKey: .values)
    values = try AttributeJSON.decodeValues(of: descriptor.dataType, from: &list)
  }

  func encode(to encoder: any Encoder) throws {
    try descriptor.encode(to: encoder)
    guard let attribute else { return }
    var container = encoder.container(keyedBy: CodingKeys.self)
    var list = container.nestedUnkeyedContainer(forKey: .values)
    try AttributeJSON.encodeValues(of: attribute, to: &list)
  }
}

/// Attribute values as JSON numbers, by data type.
enum AttributeJSON {
  /// Reads numbers of `dataType` until the end of `list`, as little-endian bytes.
  static func decodeValues(of dataType: VertexAttribute.DataType, from list: inout any UnkeyedDecodingContainer) throws
    -> Data
  {
    switch dataType {
    case .int8: try bytes(of: Int8.self, from: &list)
    case .uint8: try bytes(of: UInt8.self, from: &list)
    case .int16: try bytes(of: Int16.self, from: &list)
    case .uint16: try bytes(of: UInt16.self, from: &list)
    case .int32: try bytes(of: Int32.self, from: &list)
    case .uint32: try bytes(of: UInt32.self, from: &list)
    case .int64: try bytes(of: Int64.self, from: &list)
    case .uint64: try bytes(of: UInt64.self, from: &list)
    case .float32: try floatBytes(Float.self, from: &list)
    case .float64: try floatBytes(Double.self, from: &list)
    }
  }

  /// Writes `attribute`'s values as numbers (`null` for a NaN or infinite float).
  static func encodeValues(of attribute: VertexAttribute, to list: inout any UnkeyedEncodingContainer) throws {
    switch attribute.dataType {
    case .int8: try list.encode(contentsOf: attribute.values(as: Int8.self))
    case .uint8: try list.encode(contentsOf: attribute.values(as: UInt8.self))
    case .int16: try list.encode(contentsOf: attribute.values(as: Int16.self))
    case .uint16: try list.encode(contentsOf: attribute.values(as: UInt16.self))
    case .int32: try list.encode(contentsOf: attribute.values(as: Int32.self))
    case .uint32: try list.encode(contentsOf: attribute.values(as: UInt32.self))
    case .int64: try list.encode(contentsOf: attribute.values(as: Int64.self))
    case .uint64: try list.encode(contentsOf: attribute.values(as: UInt64.self))
    case .float32:
      for value in try attribute.values(as: Float.self) {
        if value.isFinite { try list.encode(value) } else { try list.encodeNil() }
      }
    case .float64:
      for value in try attribute.values(as: Double.self) {
        if value.isFinite { try list.encode(value) } else { try list.encodeNil() }
      }
    }
  }

  private static func bytes<Value: AttributeValue & FixedWidthInteger & Decodable>(
    of type: Value.Type, from list: inout any UnkeyedDecodingContainer
  ) throws -> Data {
    var values: [Value] = []
    while !list.isAtEnd { values.append(try list.decode(Value.self)) }
    return values.withUnsafeBytes { Data($0) }
  }

  private static func floatBytes<Value: AttributeValue & BinaryFloatingPoint & Decodable>(
    _ type: Value.Type, from list: inout any UnkeyedDecodingContainer
  ) throws -> Data {
    var values: [Value] = []
    while !list.isAtEnd { values.append(try list.decodeNil() ? .nan : list.decode(Value.self)) }
    return values.withUnsafeBytes { Data($0) }
  }
}
