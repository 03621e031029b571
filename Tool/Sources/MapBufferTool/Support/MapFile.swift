import Foundation
import MapBuffer

/// A file opened as the map its magic bytes say it is.
enum MapFile {
  /// A MapBuffer (`mapbufr`).
  case mapBuffer(MapBuffer)
  /// An IntMap (`intm`).
  case intMap(IntMap)

  /// Opens the file at `path`, memory-mapped, as a MapBuffer or an IntMap according to its magic.
  ///
  /// Opening reads and checks the header only. Any failure (a missing file, a directory, a
  /// truncated or foreign file) is a ``ToolFailure`` naming the path.
  static func open(_ path: String, displayName: String? = nil) throws -> MapFile {
    let name = displayName ?? path
    return try describingFailures(name) {
      let source = try MappedFileByteSource(contentsOf: URL(fileURLWithPath: path))
      let prefix = try source.copyBytes(in: 0..<min(source.count, 7))
      if prefix.starts(with: Array("mapbufr".utf8)) {
        return .mapBuffer(try MapBuffer(source: source))
      }
      if prefix.starts(with: Array("intm".utf8)) {
        return .intMap(try IntMap(source: source))
      }
      if source.count < 4 {
        throw ToolFailure("\(name): \(source.count) bytes are too few for a MapBuffer or IntMap header")
      }
      let magic = prefix.map { String(format: "%02x", $0) }.joined(separator: " ")
      throw ToolFailure("\(name): not a MapBuffer or IntMap file (its first bytes are \(magic))")
    }
  }

  /// Opens the file at `path` as a MapBuffer; an IntMap or any other file is a ``ToolFailure``.
  static func openMapBuffer(_ path: String, for command: String) throws -> MapBuffer {
    switch try open(path) {
    case .mapBuffer(let map): return map
    case .intMap: throw ToolFailure("\(path) is an IntMap; '\(command)' works on MapBuffer files")
    }
  }

  /// `mapbuffer` or `intmap`.
  var kind: String {
    switch self {
    case .mapBuffer: "mapbuffer"
    case .intMap: "intmap"
    }
  }
}
