// The format's constants, for the `mapbuffer` tool, which tells the two formats apart by
// their magic bytes and reports their layout, without spelling the format out again.

extension MapBuffer {
  /// The bytes every MapBuffer starts with: `mapbufr`.
  @_spi(MapBufferTool) public static var magic: [UInt8] { MapBufferHeader.magic }
  /// The size of the header in bytes.
  @_spi(MapBufferTool) public static var headerByteCount: Int { MapBufferHeader.byteCount }
}

extension IntMap {
  /// The bytes every IntMap starts with: `intm`.
  @_spi(MapBufferTool) public static var magic: [UInt8] { IntMapHeader.magic }
  /// The size of the header in bytes.
  @_spi(MapBufferTool) public static var headerByteCount: Int { IntMapHeader.byteCount }
}
