import ArgumentParser
import Foundation
import MapBuffer

/// `mapbuffer pack DIR -o FILE`: a directory of files named by key, as one map.
struct Pack: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Pack a directory's files into a MapBuffer, each file's name its key.",
    discussion: """
      Every regular file in DIR whose name is a key in decimal (0 to 18446744073709551615, \
      without leading zeros, so 7 but not 007) becomes that key's value. Any other entry is an \
      error that lists the offenders; nothing is written. \
      The output is written atomically: an existing FILE is replaced only when packing succeeds.

      Examples:
        mapbuffer pack fragments/ -o cells.mb
        mapbuffer pack fragments/ -o cells.mb --compress zstd --level 19
        mapbuffer pack fragments/ -o legacy.mb --format-version 0
      """
  )

  @Argument(help: "The directory to pack.")
  var directory: String

  @Option(name: .shortAndLong, help: "The map to write.")
  var output: String

  @OptionGroup var encoding: EncodingOptions

  func run() throws {
    let writer = try encoding.writer()
    let files = try Self.keyedFiles(in: directory)
    // Streaming: one file in memory at a time, items spilled beside the output until finish.
    let builder = try describingFailures(printableName(output)) {
      try MapBufferStreamingBuilder(writingTo: URL(fileURLWithPath: output), writer: writer)
    }
    let progress = ProgressBar("packing", total: files.count)
    for (index, file) in files.enumerated() {
      let data = try describingFailures(printableName(file.url.path)) { try Data(contentsOf: file.url) }
      try describingFailures(printableName(output)) { try builder.add(data, forKey: file.key) }
      progress.update(index + 1)
    }
    progress.finish()
    try describingFailures(printableName(output)) { try builder.finish() }
  }

  /// The files of `directory` named by key, in key order; throws listing every other entry.
  ///
  /// A name is a key only in its canonical decimal form (`7`, not `007` or `+7`), so names
  /// and keys correspond one to one, as `unpack` writes them.
  static func keyedFiles(in directory: String) throws -> [(key: UInt64, url: URL)] {
    try requireDirectory(directory)
    let base = URL(fileURLWithPath: directory, isDirectory: true)
    let names = try describingFailures(printableName(directory)) {
      try FileManager.default.contentsOfDirectory(atPath: directory)
    }
    var files: [(key: UInt64, url: URL)] = []
    var offenders: [String] = []
    for name in names.sorted() {
      let url = base.appendingPathComponent(name)
      guard !name.isEmpty, name.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
        let key = UInt64(name)
      else {
        offenders.append("\(printableName(name)) (not a decimal key)")
        continue
      }
      guard String(key) == name else {
        offenders.append("\(printableName(name)) (not a canonical decimal key)")
        continue
      }
      let values = try? url.resourceValues(forKeys: [.isRegularFileKey])
      guard values?.isRegularFile == true else {
        offenders.append("\(name) (not a regular file)")
        continue
      }
      files.append((key, url))
    }
    guard offenders.isEmpty else {
      let shown = offenders.prefix(20).joined(separator: ", ")
      let more = offenders.count > 20 ? " and \(offenders.count - 20) more" : ""
      let entries = offenders.count == 1 ? "1 entry cannot" : "\(offenders.count) entries cannot"
      throw ToolFailure("\(printableName(directory)): \(entries) be packed: \(shown)\(more)")
    }
    return files.sorted { $0.key < $1.key }
  }
}
