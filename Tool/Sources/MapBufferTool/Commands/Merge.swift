import ArgumentParser
import Foundation
import MapBuffer

/// What `merge` does with a key found in several inputs, as the command line names it.
enum DuplicatePolicyName: String, CaseIterable, ExpressibleByArgument {
  case error, first, last

  /// The library's policy.
  var policy: MapBuffer.DuplicateKeyPolicy {
    switch self {
    case .error: .error
    case .first: .keepFirst
    case .last: .keepLast
    }
  }
}

/// `mapbuffer merge IN... -o OUT`: several maps as one.
struct Merge: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Merge several MapBuffers into one.",
    discussion: """
      Streams the inputs side by side in key order: no input is held in memory, only the \\
      output's index (16 bytes a key) and a bounded buffer. Each input's structure is checked \\
      first, as validate does. Items whose stored form does not change are copied as stored, \\
      their checksums checked and carried over and their streams decoded (--skip-decode-check \\
      skips the decoding), so the output passes validate --deep. \\
      A key found in several inputs is an error unless --on-duplicate says to keep the first \\
      or the last input's value. The output is written atomically.

      Examples:
        mapbuffer merge cell-0.frags cell-1.frags -o cells.frags
        mapbuffer merge old.mb fixes.mb -o fixed.mb --on-duplicate last
        mapbuffer merge a.mb b.mb -o ab.mb --compress zstd
      """
  )

  @Argument(help: "The MapBuffers to merge, in order: files or http(s) URLs.")
  var inputs: [String]

  @Option(name: .shortAndLong, help: "The MapBuffer to write.")
  var output: String

  @Option(name: .customLong("on-duplicate"), help: "What to do with a key found in several inputs.")
  var onDuplicate: DuplicatePolicyName = .error

  @OptionGroup var encoding: EncodingOptions

  @Flag(
    help:
      "Copy items whose stored form does not change without decoding them (their checksums are still checked): faster, but a stream that cannot be decoded is copied."
  )
  var skipDecodeCheck = false

  func validate() throws {
    if inputs.isEmpty { throw ValidationError("give at least one input") }
  }

  func run() async throws {
    var maps: [MapBuffer] = []
    for input in inputs { maps.append(try await MapFile.openWholeMapBuffer(input, for: "merge")) }
    let writer = try encoding.writer(
      defaults: MapBufferWriter(compression: maps[0].compression, formatVersion: maps[0].formatVersion))
    let progress = ProgressBar("merging", total: maps.reduce(0) { $0 + $1.count })
    defer { progress.finish() }
    try describingFailures("merging into \(printableName(output))") {
      try MapBuffer.merge(
        maps, to: URL(fileURLWithPath: output), onDuplicate: onDuplicate.policy, writer: writer,
        checksDecoding: !skipDecodeCheck
      ) { consumed, _ in progress.update(consumed) }
    }
  }
}
