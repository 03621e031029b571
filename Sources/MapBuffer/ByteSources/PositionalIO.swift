import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole positional reads and writes: `pread` and `pwrite` repeated until every byte is
/// through, retrying when a signal interrupts them. Every file reader and writer goes
/// through these two loops.
package enum PositionalIO {
  /// Reads exactly `buffer.count` bytes at `offset` of the open file `descriptor`.
  ///
  /// - Throws: ``MapBufferError/sourceTruncated(offset:expected:read:)`` if the file ends
  ///   first (it shrank since its size was learned), or ``MapBufferError/io(operation:path:errno:)``.
  package static func read(
    into buffer: UnsafeMutableRawBufferPointer, from descriptor: Int32, at offset: Int, path: String
  ) throws {
    var done = 0
    while done < buffer.count {
      let result = pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
      if result < 0 {
        if errno == EINTR { continue }
        throw MapBufferError.io(operation: "pread", path: path, errno: errno)
      }
      if result == 0 {
        throw MapBufferError.sourceTruncated(offset: offset, expected: buffer.count, read: done)
      }
      done += result
    }
  }

  /// Writes all of `bytes` at `offset` of the open file `descriptor`.
  ///
  /// - Throws: ``MapBufferError/io(operation:path:errno:)`` (a full disk gives `ENOSPC`).
  package static func write(
    _ bytes: UnsafeRawBufferPointer, to descriptor: Int32, at offset: Int, path: String
  ) throws {
    var done = 0
    while done < bytes.count {
      let result = pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
      if result < 0 {
        if errno == EINTR { continue }
        throw MapBufferError.io(operation: "write", path: path, errno: errno)
      }
      done += result
    }
  }

  /// Creates and opens a new file named `prefix` plus six unique characters in `directory`
  /// (`mkstemp`); returns its descriptor and path.
  ///
  /// - Throws: ``MapBufferError/io(operation:path:errno:)`` with `operation`, naming `directory`.
  package static func createUniqueFile(in directory: String, prefix: String, operation: String) throws -> (descriptor: Int32, path: String) {
    var template = Array("\(directory.isEmpty ? "." : directory)/\(prefix)XXXXXX".utf8CString)
    let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard descriptor >= 0 else {
      throw MapBufferError.io(operation: operation, path: directory, errno: errno)
    }
    return (descriptor, String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
  }
}
