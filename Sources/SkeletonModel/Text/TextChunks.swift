import Foundation

/// Text gathered into a fixed-size buffer and handed to a sink each time it fills, so a skeleton
/// of any size is written with 64 KiB of working memory for the text.
struct TextChunks: ~Copyable {
  private var buffer: [UInt8] = []
  private let capacity = 1 << 16
  private let sink: (UnsafeRawBufferPointer) throws -> Void

  init(sink: @escaping (UnsafeRawBufferPointer) throws -> Void) {
    self.sink = sink
    buffer.reserveCapacity(capacity)
  }

  /// Appends `text` as UTF-8.
  mutating func write(_ text: String) throws {
    var text = text
    text.withUTF8 { buffer.append(contentsOf: $0) }
    if buffer.count >= capacity { try flush() }
  }

  /// Appends one ASCII byte.
  mutating func write(ascii byte: UInt8) throws {
    buffer.append(byte)
    if buffer.count >= capacity { try flush() }
  }

  /// Hands what is buffered to the sink.
  mutating func flush() throws {
    guard !buffer.isEmpty else { return }
    try buffer.withUnsafeBytes { try sink($0) }
    buffer.removeAll(keepingCapacity: true)
  }
}

/// Runs `body` with a ``TextChunks`` over the non-escaping `sink`, flushing at the end.
func withTextChunks(
  _ sink: (UnsafeRawBufferPointer) throws -> Void, _ body: (inout TextChunks) throws -> Void
) throws {
  try withoutActuallyEscaping(sink) { sink in
    var chunks = TextChunks(sink: sink)
    try body(&chunks)
    try chunks.flush()
  }
}

/// Writes `write`'s text to `handle`, then returns.
func writeText(to handle: FileHandle, _ write: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
  try write { bytes in try handle.write(contentsOf: bytes) }
}

/// Writes `write`'s text to a new file at `url` (replacing one that is there).
func writeText(to url: URL, _ write: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
  guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
    throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
  }
  let handle = try FileHandle(forWritingTo: url)
  defer { try? handle.close() }
  try writeText(to: handle, write)
  try handle.synchronize()
}

/// Collects `write`'s text into a `String`.
func collectText(_ write: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) rethrows -> String {
  var bytes: [UInt8] = []
  try write { bytes.append(contentsOf: $0) }
  return String(decoding: bytes, as: UTF8.self)
}
