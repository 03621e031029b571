import ArgumentParser

/// The entry point: the interruption handlers, then the command line.
@main
enum Main {
  static func main() async {
    Interruption.install()
    await MapBufferTool.main()
  }
}

/// `mapbuffer`: inspect, pack, unpack, validate and transcode MapBuffer and IntMap files.
struct MapBufferTool: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "mapbuffer",
    abstract: "Inspect, pack, unpack, validate and transcode MapBuffer and IntMap files.",
    discussion: """
      A MapBuffer maps UInt64 keys to byte strings, each item optionally compressed \
      (gzip, br, zstd, lzma) and, in format version 1, checked by a CRC-32C. An IntMap maps \
      UInt64 keys to UInt64 values. Files are byte-compatible with the Python `mapbuffer` package.

      Wherever a command reads a map, an http:// or https:// URL works too (S3, GCS, any server \
      with range support; presigned URLs included). info, keys and validate read the header and \
      index only; get and skeleton KEY then fetch their one item with one range request; \
      validate --deep fetches every item in large ranges; unpack, transcode and merge copy the \
      object first. Set MAPBUFFER_INDEX_CACHE to a folder to keep indexes between runs.

      Examples:
        mapbuffer info cells.mb
        mapbuffer get cells.mb 2848 > item.bin
        mapbuffer pack fragments/ -o cells.mb --compress zstd
        mapbuffer validate cells.mb --deep
        mapbuffer get https://example.org/cells.mb 2848 > item.bin
      """,
    version: "1.0.0",
    subcommands: [
      Info.self, Keys.self, Get.self, Validate.self, Pack.self, Unpack.self, Transcode.self, Merge.self,
      SkeletonCommand.self,
    ]
  )
}
