import Foundation

/// An attribute's `Codable` form is an entry of the skeleton JSON's `attributes` with its values:
/// `{"id": "offsets", "data_type": "int16", "num_components": 2, "values": [1, -2, 3, 4]}`, the
/// values flattened vertex-major, NaN and infinite floats as `null` (read back as NaN).
extension VertexAttribute: Codable {
  private enum CodingKeys: String, CodingKey {
    case values
  }

  /// Decodes a layout and its values.
  ///
  /// - Throws: `DecodingError` for a missing key, an unknown data type, or values that do not
  ///   fill whole rows of `num_components`.
  public init(from decoder: any Decoder) throws {
    let descriptor = try AttributeDescriptor(from: decoder)
    let container = try decoder.container(keyedBy: CodingKeys.self)
    var list = try container.nestedUnkeyedContainer(forKey: .values)
    let bytes = try AttributeJSON.decodeValues(of: descriptor.dataType, from: &list)
    let rowWidth = max(1, descriptor.valuesPerVertex) * descriptor.dataType.byteWidth
    guard descriptor.valuesPerVertex >= 1, bytes.count % rowWidth == 0 else {
      throw DecodingError.dataCorruptedError(
        forKey: .values, in: container,
        debugDescription:
          "\(bytes.count / descriptor.dataType.byteWidth) values do not fill rows of \(descriptor.valuesPerVertex)")
    }
    self.init(
      name: descriptor.name, dataType: descriptor.dataType, valuesPerVertex: descriptor.valuesPerVertex, bytes: bytes)
  }

  /// Encodes the layout and the values.
  public func encode(to encoder: any Encoder) throws {
    try descriptor.encode(to: encoder)
    var container = encoder.container(keyedBy: CodingKeys.self)
    var list = container.nestedUnkeyedContainer(forKey: .values)
    try AttributeJSON.encodeValues(of: self, to: &list)
  }
}
