import ArgumentParser
import MapBuffer

/// The codec names the command line accepts, as the file format and the Python package name them.
enum CodecName: String, CaseIterable, ExpressibleByArgument {
  case none, gzip, br, zstd, lzma

  /// The library's codec.
  var compression: MapBuffer.Compression {
    switch self {
    case .none: .none
    case .gzip: .gzip
    case .br: .brotli
    case .zstd: .zstd
    case .lzma: .lzma
    }
  }
}

/// How `pack` and `transcode` encode the map they write.
struct EncodingOptions: ParsableArguments {
  @Option(name: .customLong("compress"), help: "The codec for every item.")
  var codec: CodecName?

  @Option(help: "The codec's compression level (default: the reference's level for the codec).")
  var level: Int?

  @Option(name: .customLong("format-version"), help: "1 stores a CRC-32C after each item; 0 stores none.")
  var formatVersion: UInt8?

  /// The format version `number` names, or a failure that says which numbers do.
  private static func version(numbered number: UInt8) throws -> MapBuffer.FormatVersion {
    guard let version = MapBuffer.FormatVersion(rawValue: number) else {
      throw ToolFailure("--format-version must be 0 or 1, not \(number)")
    }
    return version
  }

  /// A writer with these options, each unset option taken from `defaults`.
  func writer(defaults: MapBufferWriter = MapBufferWriter()) throws -> MapBufferWriter {
    let compression = codec?.compression ?? defaults.compression
    let version = try formatVersion.map(Self.version(numbered:)) ?? defaults.formatVersion
    if let level, !compression.levels.contains(level) {
      throw ToolFailure(
        "--level \(level) is outside \(compression.name)'s range \(compression.levels.lowerBound)...\(compression.levels.upperBound)"
      )
    }
    let carriesLevel = codec == nil || codec?.compression == defaults.compression
    return MapBufferWriter(
      compression: compression, compressionLevel: level ?? (carriesLevel ? defaults.compressionLevel : nil),
      formatVersion: version)
  }
}
