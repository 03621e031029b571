import ArgumentParser
import Foundation
import MapBuffer

/// `mapbuffer transcode IN -o OUT`: the same map with another codec or format version.
struct Transcode: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Rewrite a MapBuffer with another codec, level or format version.",
    discussion: """
      Every item is decoded (its checksum checked) and encoded again. Options not given keep \
      the input's codec and format version. The output is written atomically, and may be the \
      input itself.

      Examples:
        mapbuffer transcode cells.mb -o cells-zstd.mb --compress zstd
        mapbuffer transcode legacy.mb -o checked.mb --format-version 1
      """
  )

  @Argument(help: "The MapBuffer to read.")
  var input: String

  @Option(name: .shortAndLong, help: "The MapBuffer to write.")
  var output: String

  @OptionGroup var encoding: EncodingOptions

  func run() throws {
    let map = try MapFile.openMapBuffer(input, for: "transcode")
    let writer = try encoding.writer(
      defaults: MapBufferWriter(compression: map.compression, formatVersion: map.formatVersion))
    var items: [(UInt64, Data)] = []
    items.reserveCapacity(map.count)
    let progress = ProgressBar("decoding", total: map.count)
    var entries = map.entries()
    while let (key, value) = try describingFailures(input, { try entries.next() }) {
      items.append((key, value))
      progress.update(items.count)
    }
    progress.finish()
    try describingFailures(output) { try writer.write(items, to: URL(fileURLWithPath: output)) }
  }
}
