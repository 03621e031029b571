import Foundation

/// One per-vertex attribute: a name, a data type, a number of components, and the values.
///
/// The values are kept as the precomputed encoding stores them (little-endian, vertex-major,
/// components interleaved), so decoding and encoding copy them in bulk. Read them typed with
/// ``values(as:)``.
public struct VertexAttribute: Sendable, Equatable {
  /// The name of the default radius attribute.
  public static let radiusName = "radius"
  /// The name of the default SWC vertex-type attribute.
  public static let vertexTypesName = "vertex_types"

  /// The attribute's name (osteoid's `id`).
  public var name: String
  /// The type of each component.
  public var dataType: DataType
  /// The number of components per vertex.
  public var componentCount: Int
  /// The values' bytes, little-endian: `vertexCount * componentCount * dataType.byteWidth` bytes.
  public var bytes: Data

  /// An attribute over raw little-endian bytes.
  public init(name: String, dataType: DataType, componentCount: Int = 1, bytes: Data) {
    self.name = name
    self.dataType = dataType
    self.componentCount = componentCount
    self.bytes = bytes
  }

  /// An attribute holding `values`, whose type sets the data type.
  public init<Value: AttributeValue>(name: String, componentCount: Int = 1, values: [Value]) {
    self.init(
      name: name, dataType: Value.attributeDataType, componentCount: componentCount,
      bytes: values.withUnsafeBytes { Data($0) })
  }

  /// The description of this attribute, without its values.
  public var descriptor: AttributeDescriptor {
    AttributeDescriptor(name: name, dataType: dataType, componentCount: componentCount)
  }

  /// The number of values (vertices times components) the bytes hold.
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

/// The name, type and component count of an attribute: what decoding needs to read its values.
public struct AttributeDescriptor: Sendable, Hashable, Codable {
  /// The attribute's name.
  public var name: String
  /// The type of each component.
  public var dataType: DataType
  /// The number of components per vertex.
  public var componentCount: Int

  /// A descriptor.
  public init(name: String, dataType: DataType, componentCount: Int = 1) {
    self.name = name
    self.dataType = dataType
    self.componentCount = componentCount
  }

  /// The number of bytes this attribute's values take for `vertexCount` vertices, or `nil` when
  /// the component count is below 1 or the product does not fit in an `Int`.
  ///
  /// Every size computed from a descriptor goes through here, so a crafted component count can
  /// neither trap on overflow nor size an allocation.
  public func byteCount(forVertexCount vertexCount: Int) -> Int? {
    guard componentCount >= 1, vertexCount >= 0 else { return nil }
    let (rowWidth, widthOverflow) = componentCount.multipliedReportingOverflow(by: dataType.byteWidth)
    let (size, sizeOverflow) = vertexCount.multipliedReportingOverflow(by: rowWidth)
    return widthOverflow || sizeOverflow ? nil : size
  }

  /// osteoid's defaults: `radius` (float32) then `vertex_types` (uint8).
  public static let defaults: [AttributeDescriptor] = [
    AttributeDescriptor(name: VertexAttribute.radiusName, dataType: .float32),
    AttributeDescriptor(name: VertexAttribute.vertexTypesName, dataType: .uint8),
  ]
}

/// The data types an attribute's components can have, named as numpy names them.
public enum DataType: String, Sendable, Hashable, Codable, CaseIterable {
  case int8, uint8, int16, uint16, int32, uint32, int64, uint64, float32, float64

  /// The size of one component in bytes.
  public var byteWidth: Int {
    switch self {
    case .int8, .uint8: 1
    case .int16, .uint16: 2
    case .int32, .uint32, .float32: 4
    case .int64, .uint64, .float64: 8
    }
  }
}

/// A Swift type that an attribute's values can be read as.
public protocol AttributeValue: BitwiseCopyable, Sendable {
  /// The attribute data type this Swift type reads.
  static var attributeDataType: DataType { get }
}

extension Int8: AttributeValue { public static var attributeDataType: DataType { .int8 } }
extension UInt8: AttributeValue { public static var attributeDataType: DataType { .uint8 } }
extension Int16: AttributeValue { public static var attributeDataType: DataType { .int16 } }
extension UInt16: AttributeValue { public static var attributeDataType: DataType { .uint16 } }
extension Int32: AttributeValue { public static var attributeDataType: DataType { .int32 } }
extension UInt32: AttributeValue { public static var attributeDataType: DataType { .uint32 } }
extension Int64: AttributeValue { public static var attributeDataType: DataType { .int64 } }
extension UInt64: AttributeValue { public static var attributeDataType: DataType { .uint64 } }
extension Float: AttributeValue { public static var attributeDataType: DataType { .float32 } }
extension Double: AttributeValue { public static var attributeDataType: DataType { .float64 } }
