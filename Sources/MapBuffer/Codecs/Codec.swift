import CMapBufferCodecs
import Foundation

/// Why the codec shim failed, before a key is attached to it.
package struct CodecFailure: Error, Sendable {
  /// The shim's status.
  package var status: mb_status
  /// The library's message, when it gave one.
  package var message: String

  init(_ status: mb_status, _ message: UnsafePointer<CChar>?) {
    self.status = status
    let detail = message.map { String(cString: $0) }
    switch status {
    case MB_STATUS_CORRUPT: self.message = detail.map { "corrupt stream (\($0))" } ?? "corrupt stream"
    case MB_STATUS_TRUNCATED: self.message = "truncated stream"
    case MB_STATUS_TRAILING_DATA: self.message = "unexpected bytes after the end of the stream"
    case MB_STATUS_LIMIT_EXCEEDED: self.message = "decoded size exceeds the limit"
    case MB_STATUS_OUT_OF_MEMORY: self.message = "out of memory"
    case MB_STATUS_INVALID_ARGUMENT: self.message = detail ?? "invalid argument"
    default: self.message = detail ?? "codec library error \(status.rawValue)"
    }
  }

  /// Whether the failure is the decoded-size limit.
  package var isLimitExceeded: Bool { status == MB_STATUS_LIMIT_EXCEEDED }
}

extension MapBuffer.Compression {
  /// Decompresses `stored`, failing past `limit` decoded bytes without allocating more than that.
  ///
  /// The result owns a buffer the codec allocated: no copy is made.
  package func decompress(_ stored: UnsafeRawBufferPointer, limit: Int) throws(CodecFailure) -> Data {
    var output: UnsafeMutablePointer<UInt8>?
    var outputCount = 0
    var message: UnsafePointer<CChar>?
    let status = mb_decompress(
      cCodec, stored.baseAddress?.assumingMemoryBound(to: UInt8.self), stored.count,
      max(0, limit), &output, &outputCount, &message)
    guard status == MB_STATUS_OK, let output else { throw CodecFailure(status, message) }
    return Data(bytesNoCopy: output, count: outputCount, deallocator: .free)
  }

  /// Compresses `bytes` at `level` into a new buffer the result owns.
  package func compress(_ bytes: UnsafeRawBufferPointer, level: Int) throws(CodecFailure) -> Data {
    var output: UnsafeMutablePointer<UInt8>?
    var outputCount = 0
    var message: UnsafePointer<CChar>?
    let status = mb_compress(
      cCodec, Int32(clamping: level), bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count,
      &output, &outputCount, &message)
    guard status == MB_STATUS_OK, let output else { throw CodecFailure(status, message) }
    return Data(bytesNoCopy: output, count: outputCount, deallocator: .free)
  }

  /// Compresses the value of `key`, reporting a failure as ``MapBufferError/compressionFailed(key:compression:reason:)``.
  package func compress(_ bytes: UnsafeRawBufferPointer, level: Int, key: UInt64) throws -> Data {
    do {
      return try compress(bytes, level: level)
    } catch {
      throw MapBufferError.compressionFailed(key: key, compression: self, reason: error.message)
    }
  }

  /// Decompresses the item of `key`, reporting a failure as a ``MapBufferError`` naming the key.
  package func decompress(_ stored: UnsafeRawBufferPointer, limit: Int, key: UInt64) throws -> Data {
    do {
      return try decompress(stored, limit: limit)
    } catch {
      if error.isLimitExceeded { throw MapBufferError.decodedItemTooLarge(key: key, limit: limit) }
      throw MapBufferError.decompressionFailed(key: key, compression: self, reason: error.message)
    }
  }

  /// `level`, or the reference's default when `nil`, checked against the codec's range.
  package func resolvedLevel(_ level: Int?) throws -> Int {
    guard let level else { return defaultLevel }
    guard levels.contains(level) else {
      throw MapBufferError.invalidCompressionLevel(level, compression: self, valid: levels)
    }
    return level
  }
}
