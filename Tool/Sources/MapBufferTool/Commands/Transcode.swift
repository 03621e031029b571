import ArgumentParser
import Foundation
import MapBuffer

/// `mapbuffer transcode IN -o OUT`: the same map with another codec or format version.
struct Transcode: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Rewrite a MapBuffer with another codec, level or format version.",
    discussion: """
      Streams the map one item at a time, after checking its structure as validate does (a map \
      it rejects is refused). An item whose stored form does not change (same codec and \
      version, no --level) is copied as stored, its checksum checked and its stream decoded \
      (--skip-decode-check skips the decoding); any other is decoded (its checksum checked) \
      and encoded again, so the output passes validate --deep. Options not given keep the input's \
      codec and format version. The output is written atomically, and may be the \
      input itself.

      Examples:
        mapbuffer transcode cells.mb -o cells-zstd.mb --compress zstd
        mapbuffer transcode legacy.mb -o checked.mb --format-version 1
      """
  )

  @Argument(help: "The MapBuffer to read: a file or an http(s) URL.")
  var input: String

  @Option(name: .shortAndLong, help: "The MapBuffer to write.")
  var output: String

  @OptionGroup var encoding: EncodingOptions

  @Flag(
    help:
      "Copy items whose stored form does not change without decoding them (their checksums are still checked): faster, but a stream that cannot be decoded is copied."
  )
  var skipDecodeCheck = false

  func run() async throws {
    let map = try await MapFile.openWholeMapBuffer(input, for: "transcode")
    let writer = try encoding.writer(
      defaults: MapBufferWriter(compression: map.compression, formatVersion: map.formatVersion))
    // Streaming: one item at a time; items whose stored form does not change are copied as stored.
    let progress = ProgressBar("transcoding", total: map.count)
    defer { progress.finish() }
    try describingFailures("transcoding \(printableName(input)) to \(printableName(output))") {
      try map.transcode(to: URL(fileURLWithPath: output), writer: writer, checksDecoding: !skipDecodeCheck) { done, _ in
        progress.update(done)
      }
    }
  }
}
