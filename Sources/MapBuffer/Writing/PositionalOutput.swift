/// Writes at increasing offsets of a file through a fixed buffer, so that many small writes
/// cost few system calls: the scratch file's appends and the streaming builder's output.
struct PositionalOutput {
  /// Writes bytes at an offset of the file.
  private let sink: (UnsafeRawBufferPointer, Int) throws -> Void
  private let buffer: UnsafeMutableRawBufferPointer
  private var used = 0
  /// Where the next byte written lands in the file.
  private(set) var offset: Int
  /// Where the buffer's first byte lands: every byte before it is in the file.
  private(set) var bufferOffset: Int

  /// A writer starting at `offset`, handing full buffers to `sink(bytes, offset)`.
  init(startingAt offset: Int, capacity: Int = 4 << 20, sink: @escaping (UnsafeRawBufferPointer, Int) throws -> Void) {
    self.sink = sink
    self.buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 64)
    self.offset = offset
    self.bufferOffset = offset
  }

  /// Appends `bytes`.
  mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
    try write(count: bytes.count) { $0.copyMemory(from: bytes) }
  }

  /// Appends `bytes`.
  mutating func write(_ bytes: [UInt8]) throws {
    try bytes.withUnsafeBytes { try write($0) }
  }

  /// Appends `value` little-endian.
  mutating func writeLittleEndian(_ value: UInt64) throws {
    try write(count: 8) { $0.storeBytes(of: value.littleEndian, as: UInt64.self) }
  }

  /// Appends `count` bytes that `fill` writes into the buffer it is given.
  mutating func write(count: Int, _ fill: (UnsafeMutableRawBufferPointer) throws -> Void) throws {
    if used + count > buffer.count { try flush() }
    if count > buffer.count {
      // Larger than the buffer: a temporary buffer of its own.
      let large = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 64)
      defer { large.deallocate() }
      try fill(large)
      try sink(UnsafeRawBufferPointer(large), offset)
      offset += count
      bufferOffset = offset
      return
    }
    try fill(UnsafeMutableRawBufferPointer(rebasing: buffer[used..<(used + count)]))
    used += count
    offset += count
  }

  /// Writes out what is buffered.
  mutating func flush() throws {
    if used > 0 {
      try sink(UnsafeRawBufferPointer(rebasing: buffer[0..<used]), bufferOffset)
    }
    used = 0
    bufferOffset = offset
  }

  /// Frees the buffer.
  func deallocate() {
    buffer.deallocate()
  }
}
