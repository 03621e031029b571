import Foundation

/// An anonymous scratch file: created beside a target, private (0o600), unlinked at once, so
/// that it holds bytes on disk instead of in memory and vanishes when closed, even if the
/// process dies.
package final class SpillFile {
  private let file: FileDescriptor
  /// Where the file was created, for error messages.
  package var path: String { file.path }
  /// Appends, buffered: they are many and small, the writes few and large.
  private var output: PositionalOutput

  /// Creates the scratch file in `directory`.
  package init(in directory: String) throws {
    let (file, registration) = try TemporaryFiles.shared.register(.file) {
      let file = try FileSystem.createUniqueFile(
        in: directory, prefix: ".mapbuffer-spill-", permissions: 0o600, operation: "create a scratch file in")
      return (file, file.path)
    }
    try? FileSystem.unlink(file.path)
    TemporaryFiles.shared.unregister(registration)
    self.file = file
    self.output = PositionalOutput(startingAt: 0) { bytes, offset in try file.write(bytes, at: offset) }
  }

  deinit {
    file.close()
    output.deallocate()
  }

  /// The number of bytes appended so far, buffered ones included.
  package var count: Int { output.offset }

  /// Appends `bytes` at the end.
  package func append(_ bytes: UnsafeRawBufferPointer) throws {
    try output.write(bytes)
  }

  /// Writes out the buffered bytes.
  package func flush() throws {
    try output.flush()
  }

  /// Reads the bytes at `range` into `buffer`, which must be at least `range.count` long.
  /// Call ``flush()`` first.
  package func read(_ range: Range<Int>, into buffer: UnsafeMutableRawBufferPointer) throws {
    precondition(range.lowerBound >= 0 && range.upperBound <= output.bufferOffset && buffer.count >= range.count)
    try file.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<range.count]), at: range.lowerBound)
  }
}
