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
  /// The number of bytes appended so far.
  package private(set) var count = 0

  /// Creates the scratch file in `directory`.
  package init(in directory: String) throws {
    var template = Array("\(directory.isEmpty ? "." : directory)/.mapbuffer-spill-XXXXXX".utf8CString)
    let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard descriptor >= 0 else {
      throw MapBufferError.io(operation: "create a scratch file in", path: directory, errno: errno)
    }
    path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    unlink(path)
    self.descriptor = descriptor
  }

  deinit {
    close(descriptor)
  }

  /// Appends `bytes` at the end.
  package func append(_ bytes: UnsafeRawBufferPointer) throws {
    var done = 0
    while done < bytes.count {
      let result = pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(count + done))
      if result < 0 {
        if errno == EINTR { continue }
        throw MapBufferError.io(operation: "write", path: path, errno: errno)
      }
      done += result
    }
    count += bytes.count
  }

  /// Reads the bytes at `range` into `buffer`, which must be at least `range.count` long.
  package func read(_ range: Range<Int>, into buffer: UnsafeMutableRawBufferPointer) throws {
    precondition(range.lowerBound >= 0 && range.upperBound <= count && buffer.count >= range.count)
    var done = 0
    while done < range.count {
      let result = pread(descriptor, buffer.baseAddress! + done, range.count - done, off_t(range.lowerBound + done))
      if result < 0 {
        if errno == EINTR { continue }
        throw MapBufferError.io(operation: "read", path: path, errno: errno)
      }
      guard result > 0 else {
        throw MapBufferError.sourceTruncated(offset: range.lowerBound + done, expected: range.count - done, read: 0)
      }
      done += result
    }
  }
}
