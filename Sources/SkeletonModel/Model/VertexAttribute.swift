import Foundation

/// One per-vertex attribute: a name, a data type, a number of components, and the values.
///
/// The values are kept as the precomputed encoding stores them (little-endian, vertex-major,
/// components interleaved), so decoding and encoding copy them in bulk. Read them typed with
/// ``values(as:)``.
public struct VertexAttribute: Sendable, Hashable {
  /// The name of the default radius attribute.
  public static let radiusName = "radius"
  /// The name of the default SWC vertex-type attribute.
  public static let vertexTypesName = "vertex_types"

  /// The attribute's name (osteoid's `id`).
  public var name: String
  /// The type of each component.
  public var dataType: DataType
  /// The number of values per vertex (cloud-volume's `num_components`): 3 for a vector, 1 for a scalar.
  public var valuesPerVertex: Int
  /// The values' bytes, little-endian: `vertexCount * valuesPerVertex * dataType.byteWidth` bytes.
  public var bytes: Data

  /// An attribute over raw little-endian bytes.
  public init(name: String, dataType: DataType, valuesPerVertex: Int = 1, bytes: Data) {
    self.name = name
    self.dataType = dataType
    self.valuesPerVertex = valuesPerVertex
    self.bytes = bytes
  }

  /// An attribute holding `values`, whose type sets the data type.
  public init<Value: AttributeValue>(name: String, valuesPerVertex: Int = 1, values: [Value]) {
    self.init(
      name: name, dataType: Value.attributeDataType, valuesPerVertex: valuesPerVertex,
      bytes: values.withUnsafeBytes { Data($0) })
  }

  /// The description of this attribute, without its values.
  public var descriptor: AttributeDescriptor {
    AttributeDescriptor(name: name, dataType: dataType, valuesPerVertex: valuesPerVertex)
  }

  /// The number of values (vertices times values per vertex) the bytes hold.
  public var valueCount: Int { bytes.count / dataType.byteWidth }

  /// The values as `Value`, which must be the attribute's data type.
  ///
  /// - Throws: ``SkeletonError/attributeTypeMismatch(name:stored:requested:)`` for another type.
  public func values<Value: AttributeValue>(as type: Value.Type) throws -> [Value] {
    guard Value.attributeDataType == dataType else {
      throw SkeletonError.attributeTypeMismatch(name: name, stored: dataType, requested: Value.attributeDataType)
    }
    let count = valueCount
    return [Value](unsafeUninitializedCapacity: count) { buffer, initialized in
      UnsafeMutableRawBufferPointer(buffer).copyBytes(from: bytes.prefix(count * MemoryLayout<Value>.stride))
      initialized = count
    }
  }
}
