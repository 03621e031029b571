import Foundation

/// A file mapped read-only into memory, unmapped when the last reference goes away.
///
/// Opening costs one `mmap`; the kernel reads pages as lookups touch them. The mapping
/// is advised for random access, so a lookup pulls in only the pages it reads.
///
/// A mapping assumes the file does not shrink while mapped: if another process truncates it,
/// touching the lost pages kills this process with `SIGBUS`. Read files that may change
/// under you through ``PositionalFileByteSource`` instead.
public final class MappedFileByteSource: MapBufferByteSource, @unchecked Sendable {
  // @unchecked: the mapping is read-only and never changes after init.
  private let mapping: MemoryMapping
  /// The number of bytes mapped: the file's size when it was opened.
  public let count: Int
  /// The file's path.
  public let path: String

  /// Maps the file at `url` read-only.
  ///
  /// Opening does not block on a FIFO or a device: anything but a regular file is refused.
  ///
  /// - Throws: ``MapBufferError/io(operation:path:errno:)`` if the file cannot be opened or
  ///   mapped or is a directory, ``MapBufferError/notRegularFile(path:)`` if it is another
  ///   kind of file.
  public init(contentsOf url: URL) throws {
    path = url.path
    let (file, size) = try FileDescriptor.openRegularFile(path)
    defer { file.close() }
    count = size
    mapping = try MemoryMapping(file, count: size)
  }

  /// The mapped bytes. They stay at this address for as long as this source exists.
  package var mappedBytes: UnsafeRawBufferPointer { mapping.bytes }

  /// Always `true`.
  public var isMemoryResident: Bool { true }

  /// Calls `body` with the mapped bytes in `range`, in place.
  @inline(__always)
  public func withUnsafeBytes<Result>(
    in range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> Result
  ) throws -> Result {
    try checkBounds(range)
    guard let base = mapping.bytes.baseAddress else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
    return try body(UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count))
  }
}
