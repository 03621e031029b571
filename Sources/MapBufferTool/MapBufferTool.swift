import ArgumentParser

/// `mapbuffer`: inspect, pack, unpack, validate and transcode MapBuffer and IntMap files.
@main
struct MapBufferTool: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "mapbuffer",
    abstract: "Inspect, pack, unpack, validate and transcode MapBuffer and IntMap files.",
    discussion: """
      A MapBuffer maps UInt64 keys to byte strings, each item optionally compressed \
      (gzip, br, zstd, lzma) and, in format version 1, checked by a CRC-32C. An IntMap maps \
      UInt64 keys to UInt64 values. Files are byte-compatible with the Python `mapbuffer` package.

      Examples:
        mapbuffer info cells.mb
        mapbuffer get cells.mb 2848 > item.bin
        mapbuffer pack fragments/ -o cells.mb --compress zstd
        mapbuffer validate cells.mb --deep
      """,
    version: "1.0.0",
    subcommands: [
      Info.self, Keys.self, Get.self, Validate.self, Pack.self, Unpack.self, Transcode.self, Merge.self,
      SkeletonCommand.self,
    ]
  )
}
