import Foundation

#if canImport(Glibc)
import Glibc
private let systemRead = Glibc.read
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin
private let systemRead = Darwin.read
private let systemWrite = Darwin.write
#endif

extension FileHandle {
  /// Everything left to read, read with `read(2)` and retried on `EINTR`.
  ///
  /// Foundation's `readDataToEndOfFile()` traps (a `try!` inside) when a read is interrupted by a
  /// signal, as happens when tests running in parallel start children and their `SIGCHLD`s land
  /// on the reading thread.
  public func readToEndRetryingInterrupts() throws -> Data {
    var result = Data()
    var chunk = [UInt8](repeating: 0, count: 64 << 10)
    while true {
      let count = chunk.withUnsafeMutableBytes { systemRead(fileDescriptor, $0.baseAddress, $0.count) }
      if count > 0 {
        result.append(contentsOf: chunk[..<count])
      } else if count == 0 {
        return result
      } else if errno != EINTR {
        throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
      }
    }
  }

  /// Writes all of `bytes` with `write(2)`, retried on `EINTR` and continued after a short write.
  public func writeAllRetryingInterrupts(_ bytes: Data) throws {
    try bytes.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
      var offset = 0
      while offset < buffer.count {
        let count = systemWrite(fileDescriptor, buffer.baseAddress! + offset, buffer.count - offset)
        if count >= 0 {
          offset += count
        } else if errno != EINTR {
          throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
      }
    }
  }
}
