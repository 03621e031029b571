import Foundation

#if canImport(Glibc)
import Glibc
/// POSIX `write(2)`, named apart from the methods called `write`.
private let posixWrite = Glibc.write
#elseif canImport(Musl)
import Musl
private let posixWrite = Musl.write
#elseif canImport(Darwin)
import Darwin
private let posixWrite = Darwin.write
#endif

/// Standard output written as raw bytes through a buffer, so a value's bytes come out exactly
/// as they are and a million lines of keys cost a handful of system calls.
struct StandardOutput {
  private var buffer: [UInt8] = []
  private let flushThreshold = 1 << 16

  init() {
    buffer.reserveCapacity(flushThreshold)
  }

  /// Appends `bytes`, flushing when the buffer is full.
  mutating func write<Bytes: Sequence<UInt8>>(_ bytes: Bytes) throws {
    buffer.append(contentsOf: bytes)
    if buffer.count >= flushThreshold { try flush() }
  }

  /// Appends `text` as UTF-8.
  mutating func write(_ text: String) throws {
    try write(text.utf8)
  }

  /// Writes `bytes` at once, after anything buffered, without copying them into the buffer.
  mutating func writeDirectly(_ bytes: UnsafeRawBufferPointer) throws {
    try flush()
    try Self.writeAll(bytes)
  }

  /// Writes out what is buffered.
  mutating func flush() throws {
    guard !buffer.isEmpty else { return }
    try buffer.withUnsafeBytes { try Self.writeAll($0) }
    buffer.removeAll(keepingCapacity: true)
  }

  private static func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
    var done = 0
    while done < bytes.count {
      let result = posixWrite(STDOUT_FILENO, bytes.baseAddress! + done, bytes.count - done)
      if result < 0 {
        if errno == EINTR { continue }
        throw ToolFailure("cannot write to standard output: \(String(cString: strerror(errno)))")
      }
      done += result
    }
  }
}

/// Writes `text` to standard error, unbuffered.
func writeToStandardError(_ text: String) {
  var text = text
  text.withUTF8 { bytes in
    var done = 0
    while done < bytes.count {
      let result = posixWrite(STDERR_FILENO, bytes.baseAddress! + done, bytes.count - done)
      if result < 0 && errno == EINTR { continue }
      guard result > 0 else { return }
      done += result
    }
  }
}
