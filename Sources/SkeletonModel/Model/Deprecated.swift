import Foundation

// The names before the Swift API Design Guidelines review, kept working.

/// A vertex position.
@available(*, deprecated, renamed: "Skeleton.Vertex")
public typealias Vertex = Skeleton.Vertex

/// An edge between two vertices.
@available(*, deprecated, renamed: "Skeleton.Edge")
public typealias Edge = Skeleton.Edge

/// An attribute value's data type.
@available(*, deprecated, renamed: "VertexAttribute.DataType")
public typealias DataType = VertexAttribute.DataType

extension Skeleton {
  /// The number of connected components.
  @available(*, deprecated, renamed: "connectedComponentCount()")
  public var componentCount: Int { connectedComponentCount() }
}

extension VertexAttribute {
  /// The number of values per vertex.
  @available(*, deprecated, renamed: "valuesPerVertex")
  public var componentCount: Int {
    get { valuesPerVertex }
    set { valuesPerVertex = newValue }
  }

  /// An attribute over raw little-endian bytes.
  @available(*, deprecated, renamed: "init(name:dataType:valuesPerVertex:bytes:)")
  public init(name: String, dataType: DataType, componentCount: Int, bytes: Data) {
    self.init(name: name, dataType: dataType, valuesPerVertex: componentCount, bytes: bytes)
  }

  /// An attribute holding `values`.
  @available(*, deprecated, renamed: "init(name:valuesPerVertex:values:)")
  public init<Value: AttributeValue>(name: String, componentCount: Int, values: [Value]) {
    self.init(name: name, valuesPerVertex: componentCount, values: values)
  }
}

extension AttributeDescriptor {
  /// The number of values per vertex.
  @available(*, deprecated, renamed: "valuesPerVertex")
  public var componentCount: Int {
    get { valuesPerVertex }
    set { valuesPerVertex = newValue }
  }

  /// A descriptor.
  @available(*, deprecated, renamed: "init(name:dataType:valuesPerVertex:)")
  public init(name: String, dataType: VertexAttribute.DataType, componentCount: Int) {
    self.init(name: name, dataType: dataType, valuesPerVertex: componentCount)
  }
}
