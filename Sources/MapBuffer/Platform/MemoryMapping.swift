#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only shared mapping of a whole file, unmapped when the last reference goes away.
///
/// Touching a page that a truncation took away kills the process with `SIGBUS`: map only files
/// that do not shrink while mapped, and read the others with ``FileDescriptor/read(into:at:)``.
final class MemoryMapping: @unchecked Sendable {
  // @unchecked: read-only after init; unmapped only in deinit, when no reference is left.
  /// The mapped bytes; empty for an empty file, which is not mapped.
  let bytes: UnsafeRawBufferPointer

  /// Maps the first `count` bytes of the file open at `descriptor`, advised for random access.
  init(_ descriptor: FileDescriptor, count: Int) throws {
    guard count > 0 else {
      bytes = UnsafeRawBufferPointer(start: nil, count: 0)
      return
    }
    guard let mapping = mmap(nil, count, PROT_READ, MAP_SHARED, descriptor.rawValue, 0), mapping != MAP_FAILED else {
      throw SystemCall.error("mmap", path: descriptor.path)
    }
    _ = madvise(mapping, count, MADV_RANDOM)
    bytes = UnsafeRawBufferPointer(start: mapping, count: count)
  }

  deinit {
    if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
  }
}
