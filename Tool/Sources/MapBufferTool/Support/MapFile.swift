import Foundation
@_spi(MapBufferTool) import MapBuffer

/// A file opened as the map its magic bytes say it is.
enum MapFile {
  /// A MapBuffer (`mapbufr`).
  case mapBuffer(MapBuffer)
  /// An IntMap (`intm`).
  case intMap(IntMap)

  /// Opens the file at `path` as a MapBuffer or an IntMap according to its magic.
  ///
  /// Opening reads and checks the header only; anything but a regular file (a FIFO, a device)
  /// is refused without blocking. `access` is `.memoryMapped` for commands that read a few
  /// items; commands that read the whole map use `.positionalReads`, so that a file truncated
  /// meanwhile is an error rather than `SIGBUS`. Any failure (a missing file, a directory, a
  /// truncated or foreign file) is a ``ToolFailure`` naming the path.
  static func open(
    _ path: String, displayName: String? = nil, access: MapBuffer.FileAccess = .memoryMapped
  ) throws -> MapFile {
    let name = displayName ?? path
    return try describingFailures(name) {
      let url = URL(fileURLWithPath: path)
      let source: any MapBufferByteSource =
        switch access {
        case .memoryMapped: try MappedFileByteSource(contentsOf: url)
        case .positionalReads: try PositionalFileByteSource(contentsOf: url)
        }
      let prefix = try source.copyBytes(in: 0..<min(source.count, MapBuffer.magic.count))
      if prefix.starts(with: MapBuffer.magic) {
        return .mapBuffer(try MapBuffer(source: source))
      }
      if prefix.starts(with: IntMap.magic) {
        return .intMap(try IntMap(source: source))
      }
      if source.count < IntMap.magic.count {
        throw ToolFailure("\(name): \(source.count) bytes are too few for a MapBuffer or IntMap header")
      }
      let magic = prefix.map { String(format: "%02x", $0) }.joined(separator: " ")
      throw ToolFailure("\(name): not a MapBuffer or IntMap file (its first bytes are \(magic))")
    }
  }

  /// Throws unless the map's structure is valid, as `validate` checks it (shallow): the
  /// commands that read the whole map refuse a map that `get` would read otherwise.
  func requireValidStructure(_ name: String) throws {
    try describingFailures("\(name) is invalid (see mapbuffer validate)") {
      switch self {
      case .mapBuffer(let map): try map.validate(.shallow)
      case .intMap(let map): try map.validate()
      }
    }
  }
}
