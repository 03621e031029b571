import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An anonymous scratch file: created beside a target, unlinked at once, so that it holds
/// bytes on disk instead of in memory and vanishes when closed, even if the process dies.
package final class SpillFile {
  private let descriptor: Int32
  /// Where the file was created, for error messages.
  package let path: String
  /// Appends, buffered: they are many and small, the writes few and large.
  private var output: PositionalOutput

  /// Creates the scratch file in `directory`.
  package init(in directory: String) throws {
    let (descriptor, path) = try PositionalIO.createUniqueFile(
      in: directory, prefix: ".mapbuffer-spill-", operation: "create a scratch file in")
    unlink(path)
    self.descriptor = descriptor
    self.path = path
    self.output = PositionalOutput(startingAt: 0) { bytes, offset in
      try PositionalIO.write(bytes, to: descriptor, at: offset, path: path)
    }
  }

  deinit {
    close(descriptor)
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
    try PositionalIO.read(
      into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<range.count]), from: descriptor,
      at: range.lowerBound, path: path)
  }
}
