import Foundation
import MapBuffer

extension TypedMapBuffer {
  /// Serializes `values` with `codec` and a format version number (0 or 1), and opens the result.
  @available(*, deprecated, message: "pass formatVersion: .version0 or .version1")
  public init(
    encoding values: [UInt64: Value], codec: MapBufferValueCodec<Value>,
    compression: MapBuffer.Compression = .none, compressionLevel: Int? = nil, formatVersion: UInt8
  ) throws {
    try self.init(
      encoding: values, codec: codec, compression: compression, compressionLevel: compressionLevel,
      formatVersion: MapBuffer.FormatVersion(validating: formatVersion))
  }
}

extension TypedMapBuffer where Value: MapBufferValue {
  /// Serializes `values` with their conformance and a format version number (0 or 1), and opens
  /// the result.
  @available(*, deprecated, message: "pass formatVersion: .version0 or .version1")
  public init(
    encoding values: [UInt64: Value], compression: MapBuffer.Compression = .none,
    compressionLevel: Int? = nil, formatVersion: UInt8
  ) throws {
    try self.init(
      encoding: values, compression: compression, compressionLevel: compressionLevel,
      formatVersion: MapBuffer.FormatVersion(validating: formatVersion))
  }
}
