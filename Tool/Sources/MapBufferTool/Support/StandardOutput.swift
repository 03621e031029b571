import Foundation
@_spi(MapBufferTool) import MapBuffer

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
    do {
      try FileDescriptor.standardOutput.write(bytes)
    } catch let error as MapBufferError where error.code == .io {
      throw ToolFailure("cannot write to standard output: \(systemErrorText(error.posixErrorCode ?? EIO))")
    }
  }
}

/// Writes `text` to standard error, unbuffered; a failure is ignored (there is nowhere to report it).
func writeToStandardError(_ text: String) {
  var text = text
  text.withUTF8 { try? FileDescriptor.standardError.write(UnsafeRawBufferPointer($0)) }
}
