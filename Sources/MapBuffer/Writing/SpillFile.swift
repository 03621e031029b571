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
  /// The number of bytes appended so far, buffered ones included.
  package private(set) var count = 0
  /// Appended bytes not yet written: appends are many and small, writes few and large.
  private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4 << 20, alignment: 64)
  private var buffered = 0

  /// Creates the scratch file in `directory`.
  package init(in directory: String) throws {
    var template = Array("\(directory.isEmpty ? "." : directory)/.mapbuffer-spill-XXXXXX".utf8CString)
    let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard descriptor >= 0 else {
      buffer.deallocate()
      throw MapBufferError.io(operation: "create a scratch file in", path: directory, errno: errno)
    }
    path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    unlink(path)
    self.descriptor = descriptor
  }

  deinit {
    close(descriptor)
    buffer.deallocate()
  }

  /// Appends `bytes` at the end.
  package func append(_ bytes: UnsafeRawBufferPointer) throws {
    if buffered + bytes.count > buffer.count { try flush() }
    if bytes.count > buffer.count {
      try writeOut(bytes, at: count)
    } else {
      UnsafeMutableRawBufferPointer(rebasing: buffer[buffered..<(buffered + bytes.count)]).copyMemory(from: bytes)
      buffered += bytes.count
    }
    count += bytes.count
  }

  /// Writes out the buffered bytes.
  package func flush() throws {
    guard buffered > 0 else { return }
    try writeOut(UnsafeRawBufferPointer(rebasing: buffer[0..<buffered]), at: count - buffered)
    buffered = 0
  }

  private func writeOut(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws {
    try PositionalIO.write(bytes, to: descriptor, at: offset, path: path)
  }

  /// Reads the bytes at `range` into `buffer`, which must be at least `range.count` long.
  /// Call ``flush()`` first.
  package func read(_ range: Range<Int>, into buffer: UnsafeMutableRawBufferPointer) throws {
    precondition(range.lowerBound >= 0 && range.upperBound <= count - buffered && buffer.count >= range.count)
    try PositionalIO.read(
      into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<range.count]), from: descriptor,
      at: range.lowerBound, path: path)
  }
}
