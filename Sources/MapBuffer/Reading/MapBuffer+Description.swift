extension MapBuffer: CustomStringConvertible, CustomDebugStringConvertible {
  /// A one-line summary: `MapBuffer(2 keys, codec zstd, format version 1, 83 bytes)`.
  public var description: String {
    "MapBuffer(\(Self.keyCount(count)), codec \(compression), format version \(formatVersion), \(Self.bytes(byteCount)))"
  }

  /// The summary with the layout and where the bytes are:
  /// `MapBuffer(2 keys, codec zstd, format version 1, 83 bytes: index 32, data 35; memory-mapped /tmp/a.mb)`.
  public var debugDescription: String {
    "MapBuffer(\(Self.keyCount(count)), codec \(compression), format version \(formatVersion), \(Self.bytes(byteCount)): "
      + "index \(indexByteCount), data \(dataByteCount); \(Self.origin(of: source)))"
  }

  /// `1 key`, `2 keys`.
  package static func keyCount(_ count: Int) -> String { count == 1 ? "1 key" : "\(count) keys" }

  /// `1 byte`, `83 bytes`.
  package static func bytes(_ count: Int) -> String { count == 1 ? "1 byte" : "\(count) bytes" }

  /// Where a source's bytes are: `in memory`, `memory-mapped PATH`, `positional reads of PATH`,
  /// or the source's type.
  package static func origin(of source: any MapBufferByteSource) -> String {
    switch source {
    case let mapped as MappedFileByteSource: "memory-mapped \(mapped.path)"
    case let file as PositionalFileByteSource: "positional reads of \(file.path)"
    case is InMemoryByteSource: "in memory"
    default: "\(type(of: source))"
    }
  }
}

extension IntMap: CustomStringConvertible, CustomDebugStringConvertible {
  /// A one-line summary: `IntMap(2 keys, 42 bytes)`.
  public var description: String {
    "IntMap(\(MapBuffer.keyCount(count)), \(MapBuffer.bytes(byteCount)))"
  }

  /// The summary and where the bytes are: `IntMap(2 keys, 42 bytes; in memory)`.
  public var debugDescription: String {
    "IntMap(\(MapBuffer.keyCount(count)), \(MapBuffer.bytes(byteCount)); \(MapBuffer.origin(of: source)))"
  }
}

extension MapBuffer.Entry: CustomStringConvertible {
  /// `key 7`: the key alone, since the value is read only on demand.
  public var description: String { "key \(key)" }
}
