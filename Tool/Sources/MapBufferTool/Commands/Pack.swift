import ArgumentParser
import Foundation
@_spi(MapBufferTool) import MapBuffer

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
    try requireDirectory(directory)
    // The folder is opened once and every entry is opened in it by name, so that a folder or
    // an entry swapped for a symbolic link meanwhile is never followed.
    let folder = try describingFailures(printableName(directory)) {
      try FileDescriptor.open(directory, .readOnly, options: .directory)
    }
    defer { folder.close() }
    let files = try Self.keyedFiles(in: directory)
    // Streaming: one file in memory at a time, items spilled beside the output until finish.
    let builder = try describingFailures(printableName(output)) {
      try MapBufferStreamingBuilder(writingTo: URL(fileURLWithPath: output), writer: writer)
    }
    let progress = ProgressBar("packing", total: files.count)
    for (index, file) in files.enumerated() {
      // Opened once, without following a link or blocking on a FIFO, checked, and read.
      let data = try readRegularFile(file.name, in: folder)
      try describingFailures(printableName(output)) { try builder.add(data, forKey: file.key) }
      progress.update(index + 1)
    }
    progress.finish()
    try describingFailures(printableName(output)) { try builder.finish() }
  }

  /// The entries of `directory` named by key, in key order; throws listing every other entry.
  ///
  /// A name is a key only in its canonical decimal form (`7`, not `007` or `+7`), so names
  /// and keys correspond one to one, as `unpack` writes them. The kind of each entry is checked
  /// here without following links, to list every offender at once; ``run()`` checks it again
  /// on the descriptor it reads from.
  static func keyedFiles(in directory: String) throws -> [(key: UInt64, name: String)] {
    let names = try describingFailures(printableName(directory)) {
      try FileManager.default.contentsOfDirectory(atPath: directory)
    }
    var files: [(key: UInt64, name: String)] = []
    var offenders: [String] = []
    for name in names.sorted() {
      guard let key = canonicalKey(name) else {
        let isDecimal = !name.isEmpty && name.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
        offenders.append(
          "\(printableName(name)) (\(isDecimal && UInt64(name) != nil ? "not a canonical decimal key" : "not a decimal key"))"
        )
        continue
      }
      let kind = try? PathKind.of((directory as NSString).appendingPathComponent(name), followingLinks: false)
      guard kind == .regularFile else {
        offenders.append("\(name) (not a regular file)")
        continue
      }
      files.append((key, name))
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
