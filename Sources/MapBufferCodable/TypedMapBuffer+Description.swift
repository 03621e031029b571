import MapBuffer

extension TypedMapBuffer: CustomStringConvertible, CustomDebugStringConvertible {
  /// A one-line summary: `TypedMapBuffer<String>(2 keys, codec none, format version 1, 83 bytes)`.
  public var description: String {
    "TypedMapBuffer<\(Value.self)>" + String(map.description.dropFirst("MapBuffer".count))
  }

  /// The summary with the layout and where the bytes are, as `MapBuffer.debugDescription`.
  public var debugDescription: String {
    "TypedMapBuffer<\(Value.self)>" + String(map.debugDescription.dropFirst("MapBuffer".count))
  }
}
