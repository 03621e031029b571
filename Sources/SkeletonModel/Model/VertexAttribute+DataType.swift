extension VertexAttribute {
  /// The data types an attribute's values can have, named as numpy names them.
  public enum DataType: String, Sendable, Hashable, Codable, CaseIterable {
    /// A signed 8-bit integer.
    case int8
    /// An unsigned 8-bit integer.
    case uint8
    /// A signed 16-bit integer.
    case int16
    /// An unsigned 16-bit integer.
    case uint16
    /// A signed 32-bit integer.
    case int32
    /// An unsigned 32-bit integer.
    case uint32
    /// A signed 64-bit integer.
    case int64
    /// An unsigned 64-bit integer.
    case uint64
    /// An IEEE 754 single-precision float.
    case float32
    /// An IEEE 754 double-precision float.
    case float64

    /// The size of one value in bytes.
    public var byteWidth: Int {
      switch self {
      case .int8, .uint8: 1
      case .int16, .uint16: 2
      case .int32, .uint32, .float32: 4
      case .int64, .uint64, .float64: 8
      }
    }
  }
}

/// A Swift type that an attribute's values can be read as.
public protocol AttributeValue: BitwiseCopyable, Sendable {
  /// The attribute data type this Swift type reads.
  static var attributeDataType: VertexAttribute.DataType { get }
}

extension Int8: AttributeValue { public static var attributeDataType: VertexAttribute.DataType { .int8 } }
extension UInt8: AttributeValue { public static var attributeDataType: VertexAttribute.DataType { .uint8 } }
extension Int16: AttributeValue { public static var attributeDataType: VertexAttribute.DataType { .int16 } }
extension UInt16: AttributeValue { public static var attributeDataType: VertexAttribute.DataType { .uint16 } }
extension Int32: AttributeValue { public static var attributeDataType: VertexAttribute.DataType { .int32 } }
extension UInt32: AttributeValue { public static var attributeDataType: VertexAttribute.DataType { .uint32 } }
extension Int64: AttributeValue { public static var attributeDataType: VertexAttribute.DataType { .int64 } }
extension UInt64: AttributeValue { public static var attributeDataType: VertexAttribute.DataType { .uint64 } }
extension Float: AttributeValue { public static var attributeDataType: VertexAttribute.DataType { .float32 } }
extension Double: AttributeValue { public static var attributeDataType: VertexAttribute.DataType { .float64 } }
